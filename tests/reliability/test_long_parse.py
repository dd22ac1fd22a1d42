"""A long text is parsed in pieces (bounded spaCy memory) with every entity span put back in place."""

from __future__ import annotations

from storyweave.config import AnalyzeConfig
from storyweave.stages.analysis.parsed import ParsedText, _pieces, parse_missing, text_key

PIECE_CHARS = AnalyzeConfig.piece_chars


def test_long_text_entities_land_at_their_offsets():
    paragraph = ("Mayor Ana Varga of Lisbon met officials from Portugal and Spain on Monday in Madrid. "
                 "They discussed the budget of the European Union for an hour.\n")
    text = paragraph * (3 * PIECE_CHARS // len(paragraph))
    assert len(text) > 2 * PIECE_CHARS
    cache: dict = {}
    parse_missing([text], cache)
    doc = ParsedText.from_record(text, cache[text_key(text)])
    assert doc.ents and all(text[e.start_char:e.end_char] == e.text for e in doc.ents)
    assert max(e.start_char for e in doc.ents) > 2 * PIECE_CHARS  # the last piece was parsed too
    assert {e.text for e in doc.ents if e.label_ == "GPE"} >= {"Madrid", "Spain"}


def test_pieces_cover_the_text_exactly_and_end_at_breaks():
    text = ("word " * 7000 + "\n") * 3
    pieces = list(_pieces(text, 10_000))
    assert "".join(p for _, p in pieces) == text
    assert all(len(p) <= 10_000 and (p.endswith((" ", "\n")) or o + len(p) == len(text)) for o, p in pieces)
    assert [o for o, _ in pieces] == [sum(len(p) for _, p in pieces[:i]) for i in range(len(pieces))]
