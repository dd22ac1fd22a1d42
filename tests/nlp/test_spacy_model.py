"""The one spaCy loader (nlp/spacy_model.py `load_pipeline`) and who uses it."""

from __future__ import annotations

import ast
from pathlib import Path

import storyweave
from storyweave.nlp.spacy_model import MODEL, NER, PARSER, TAGGER, get_nlp, load_pipeline, one_blas_thread
from storyweave.stages.brief import sentences
from storyweave.stages.brief.sentences import has_verb
from storyweave.stages.events import headline

PACKAGE = Path(storyweave.__file__).resolve().parent
EXAMPLES = PACKAGE.parents[1] / "examples" / "corpus" / "txt"


def test_spacy_models_are_loaded_in_one_place():
    callers = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and ast.unparse(node.func) in ("spacy.load", "spacy.blank"):
                callers.append(path.relative_to(PACKAGE).as_posix())
    assert callers == ["nlp/spacy_model.py", "nlp/spacy_model.py"]  # the model, the blank sentencizer


def test_each_user_gets_only_its_components_once():
    assert get_nlp() is load_pipeline(NER)
    assert get_nlp().pipe_names == ["ner"]  # tok2vec dropped: the recogniser does not listen to it
    assert load_pipeline(PARSER).pipe_names == ["tok2vec", "tagger", "parser", "attribute_ruler"]
    assert sentences._tagger() is headline._parser() is load_pipeline(PARSER)  # the verb check runs its tagger only
    assert [e.label_ for e in get_nlp()("Ministers met in Paris on Monday.").ents] == ["GPE", "DATE"]
    assert has_verb("The minister resigned on Monday.") and not has_verb("The minister of finance.")


def test_the_sentence_splitter_uses_the_shared_blank_pipeline():
    from storyweave.nlp.spacy_model import sentencizer
    from storyweave.nlp.text import split_sentences

    assert sentencizer() is sentencizer() and sentencizer().pipe_names == ["sentencizer"]
    assert [s.text for s in split_sentences("Talks resumed. They ended at noon.")] == ["Talks resumed.", "They ended at noon."]


def test_the_models_multiply_through_numpys_blas_and_find_the_entities_blis_finds():
    import spacy
    from thinc.api import NumpyOps

    layers = [node for _, pipe in get_nlp().pipeline for node in pipe.model.walk() if node.name == "maxout"]
    assert layers and all(isinstance(node.ops, NumpyOps) and not node.ops.use_blis for node in layers)
    with_blis = spacy.load(MODEL, exclude=[name for name in spacy.util.get_model_meta(spacy.util.get_package_path(MODEL))
                                           ["pipeline"] if name != "ner"])
    assert not [node for _, pipe in with_blis.pipeline for node in pipe.model.walk()
                if node.name == "maxout" and not node.ops.use_blis]  # thinc's default: blis
    texts = [path.read_text(encoding="utf-8") for path in sorted(EXAMPLES.rglob("*.txt"))]
    assert len(texts) >= 10

    def ents(nlp: spacy.language.Language) -> list[list[tuple[int, int, str]]]:
        with one_blas_thread():
            return [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in nlp.pipe(texts)]

    found = ents(get_nlp())
    assert sum(map(len, found)) > 100 and found == ents(with_blis)


def test_models_run_on_one_blas_thread_and_the_process_gets_its_setting_back():
    import numpy  # noqa: F401  (its BLAS is the one the models use)
    from threadpoolctl import threadpool_info

    def blas_threads() -> list[int]:
        return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]

    before = blas_threads()
    assert before
    with one_blas_thread():
        assert set(blas_threads()) == {1}
    assert blas_threads() == before


def test_the_verb_check_tags_as_a_tagger_only_copy_of_the_model():
    from storyweave.io.readers import read_paths
    from storyweave.nlp.text import sentence_texts

    articles, _ = read_paths([str(EXAMPLES.parent)])  # the whole example corpus
    texts = [s for a in articles for s in sentence_texts(a.text)]
    assert len(texts) > 300
    shared = sentences._tagger()
    assert shared is not None and set(shared.pipe_names) > TAGGER
    skipped = [name for name in shared.pipe_names if name not in TAGGER]
    alone = load_pipeline(TAGGER)
    assert alone.pipe_names == ["tok2vec", "tagger"]
    with one_blas_thread():
        assert [[t.tag_ for t in shared(s, disable=skipped)] for s in texts] == [[t.tag_ for t in alone(s)] for s in texts]
