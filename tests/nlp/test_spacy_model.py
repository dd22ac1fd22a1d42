"""The one spaCy loader (nlp/spacy_model.py `load_pipeline`) and who uses it."""

from __future__ import annotations

import ast
from pathlib import Path

import storyweave
from storyweave.nlp.spacy_model import NER, get_nlp, load_pipeline
from storyweave.stages.brief.sentences import TAGGER, has_verb
from storyweave.stages.events.headline import PARSER

PACKAGE = Path(storyweave.__file__).resolve().parent


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
    assert load_pipeline(TAGGER).pipe_names == ["tok2vec", "tagger"]  # fine tags only (has_verb)
    assert [e.label_ for e in get_nlp()("Ministers met in Paris on Monday.").ents] == ["GPE", "DATE"]
    assert has_verb("The minister resigned on Monday.") and not has_verb("The minister of finance.")


def test_the_sentence_splitter_uses_the_shared_blank_pipeline():
    from storyweave.nlp.spacy_model import sentencizer
    from storyweave.nlp.text import split_sentences

    assert sentencizer() is sentencizer() and sentencizer().pipe_names == ["sentencizer"]
    assert [s.text for s in split_sentences("Talks resumed. They ended at noon.")] == ["Talks resumed.", "They ended at noon."]
