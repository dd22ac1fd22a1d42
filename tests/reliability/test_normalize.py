"""Text normalisation, encoding detection and the analysis limit, on small real inputs."""

from __future__ import annotations

import codecs
import gzip

import pytest

from storyweave.config import Config
from storyweave.errors import InputError
from storyweave.limits import SPACY_MAX_LENGTH, analysis_limit, limit_articles
from storyweave.model import Article, Corpus
from storyweave.normalize import decode_bytes_detail, normalize_text
from storyweave.readers import read_paths

TEXT = "Café owners said the “flood” cost them a week – and €40,000."


def test_normalize_text_replaces_surrogates_and_drops_controls():
    assert normalize_text("a\ud83db\x00c\x07d\r\ne\rf\u2028g\x85h") == "a\ufffdbcd\ne\nf\ngh"
    assert normalize_text("tab\tand\nnewline stay") == "tab\tand\nnewline stay"


@pytest.mark.parametrize(("data", "encoding", "note"), [
    (TEXT.encode(), "utf-8", None),
    (codecs.BOM_UTF8 + TEXT.encode(), "utf-8", None),
    (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le", "byte order mark"),
    (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be", "byte order mark"),
    (TEXT.encode("utf-16-le"), "utf-16-le", "detected (no byte order mark)"),
    (TEXT.encode("cp1252"), "cp1252", "fallback: not valid UTF-8"),
])
def test_encodings_are_detected(data, encoding, note):
    text, found, found_note = decode_bytes_detail(data)
    assert (text, found, found_note) == (TEXT, encoding, note)


def test_a_few_stray_bytes_in_utf8_are_replaced_and_counted():
    sentence = "Caf\u00e9 owners met the mayor on Monday. ".encode()
    data = sentence * 5 + b"\xff" + sentence * 5 + b"\xfe\xc0 " + sentence * 5
    text, encoding, note = decode_bytes_detail(data)
    assert encoding == "utf-8" and text.count("\ufffd") == 3 and note.startswith("3 invalid byte(s) replaced")


@pytest.mark.parametrize(("data", "reason"), [
    (gzip.compress(TEXT.encode()), "gzip"),
    (b"%PDF-1.4 binary", "PDF"),
    (bytes(range(32)) * 50, "control bytes"),
    (codecs.BOM_UTF16_LE + b"\x00\x01\x02\x00", "BOM"),
])
def test_binary_data_is_an_input_error_with_the_reason(data, reason):
    with pytest.raises(InputError, match=reason):
        decode_bytes_detail(data)


def test_html_with_xml_declaration_and_declared_charset(tmp_path):
    body = "<p>" + TEXT + " The council met on Monday to discuss the repairs.</p>"
    (tmp_path / "x.html").write_text(f'<?xml version="1.0" encoding="utf-8"?>\n<html><body>{body}</body></html>',
                                     encoding="utf-8")
    (tmp_path / "l.html").write_bytes(
        f'<?xml version="1.0" encoding="windows-1252"?><html><body>{body}</body></html>'.encode("cp1252"))
    articles, errors = read_paths([tmp_path])
    assert errors == []
    by_id = {a.id: a for a in articles}
    assert TEXT in by_id["x"].text and TEXT in by_id["l"].text
    assert by_id["l"].metadata["encoding"] == "windows-1252"


def test_json_lone_surrogates_are_replaced(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"id": "s", "title": "t\\udc80", "text": "Bad \\ud83d end. Pair \\ud83d\\ude00."}\n',
                                      encoding="utf-8")
    [article], errors = read_paths([tmp_path])
    assert errors == [] and article.text == "Bad \ufffd end. Pair \U0001f600." and article.title == "t\ufffd"


def test_long_articles_are_cut_at_a_paragraph_with_a_note():
    paragraph = "The river rose again on Monday and the council closed the bridge. " * 10
    long_text = "\n".join([paragraph.strip()] * 40)  # about 27,000 characters
    corpus = Corpus(articles=[Article(id="long", text=long_text, raw_text=long_text),
                              Article(id="short", text="Short one.", raw_text="Short one.")])
    out = limit_articles(corpus, Config().replace("limit.max_article_chars", 5_000))
    long, short = out.articles
    assert len(long.text) <= 5_000 and long_text.startswith(long.text) and long_text[len(long.text)] == "\n"
    assert long.raw_text == long_text and long.notes[0].startswith(f"analysed the first {len(long.text):,} of ")
    assert short.text == "Short one." and short.notes == []
    assert limit_articles(out, Config().replace("limit.max_article_chars", 5_000)).articles[0].notes == long.notes  # one note


def test_the_spacy_limit_can_never_be_reached():
    assert analysis_limit(Config().replace("limit.max_article_chars", 50_000_000)) < SPACY_MAX_LENGTH
