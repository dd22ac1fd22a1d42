"""The recogniser sees only the fragments near capitalised words, and finds the same names there."""

from __future__ import annotations

import importlib
from pathlib import Path

from storyweave.io.readers import read_paths
from storyweave.nlp.spacy_model import get_nlp
from storyweave.stages.analysis.entities import ENTITY_LABELS, person_role

parsed = importlib.import_module("storyweave.stages.analysis.parsed")  # the module (the package exports a function of that name)

CORPUS = Path(__file__).resolve().parents[3] / "examples" / "corpus"


def _names(text: str, ents) -> set[tuple[int, int, str, str | None]]:
    """The spans the analysis reads as names: entity labels it reports, starting with a capital."""
    return {(s, e, label, role) for s, e, label, role in ents if label in ENTITY_LABELS and text[s:s + 1].isupper()}


def test_fragment_parse_finds_the_names_of_a_whole_text_parse():
    articles, _ = read_paths([str(CORPUS)])
    texts = list(dict.fromkeys(a.text for a in articles if a.text.strip()))[:8]
    cache: dict = {}
    parsed.parse_missing(texts, cache)
    covered = total = 0
    for text in texts:
        doc = get_nlp()(text)
        whole = [(e.start_char, e.end_char, e.label_, person_role(doc, e) if e.label_ == "PERSON" else None)
                 for e in doc.ents]
        record = cache[parsed.text_key(text)]
        assert _names(text, map(tuple, record["ents"])) == _names(text, whole)
        covered += sum(e - s for s, e in parsed._fragments(get_nlp().make_doc(text)))
        total += len(text)
    assert covered < 0.95 * total  # the recogniser was spared part of the text


def test_fragments_surround_every_capitalised_word_and_end_at_whitespace():
    filler = " ".join(["the rain fell on the quiet fields for hours"] * 6)
    text = f"{filler}. Then Maria Lopez of Acme Corp arrived. {filler}. It was over. {filler} at dusk."
    doc = get_nlp().make_doc(text)
    frags = parsed._fragments(doc)
    reach = parsed.context()
    assert len(frags) == 1
    start, end = frags[0]
    maria = next(t.i for t in doc if t.text == "Maria")
    assert start == doc[maria - reach].idx  # `reach` tokens of context before the first capitalised name
    assert "Corp" in text[start:end] and "over" not in text[start:end]  # "Then"/"It" are function words
    assert (start == 0 or text[start - 1].isspace()) and (end == len(text) or text[end].isspace())
    assert parsed._fragments(get_nlp().make_doc("all lower case words here.")) == []
