"""A bad-input corpus, built fresh in a temporary folder by the tests (nothing is checked in).

`build(root)` writes every kind of file a user or a scraper may hand storyweave and returns
what a run must do with it: the article ids that must be stored, the paths that must be
named on stderr (one line each), and the kinds written.  Each good article has its own
sentences (numbered words) so no two of them are duplicates of each other.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import zipfile
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Expect:
    good: set[str] = field(default_factory=set)  # article ids that must be stored
    bad: set[str] = field(default_factory=set)  # paths that must be named in an error line
    kinds: list[str] = field(default_factory=list)
    extra_paths: list[Path] = field(default_factory=list)  # given on the command line next to the folder

    def add(self, kind: str, good: list[str] = (), bad: list[Path] = ()) -> None:
        self.kinds.append(kind)
        self.good.update(good)
        self.bad.update(str(p) for p in bad)


_TOPICS = ["harbour", "bridge", "school", "museum", "railway", "library", "hospital", "stadium",
           "airport", "market", "factory", "theatre", "reservoir", "tunnel", "orchard", "vineyard"]


def prose(n: int, sentences: int = 4) -> str:
    """Distinct, plain English news prose for article number `n`."""
    rng = random.Random(n)
    place = rng.choice(_TOPICS)
    out = []
    for i in range(sentences):
        out.append(f"Officials in district {n} said on Monday that the {place} project number {n * 100 + i} "
                   f"would cost {rng.randint(2, 900)} million and employ {rng.randint(10, 5000)} workers.")
    return " ".join(out)


def _nested_json(depth: int) -> str:
    return "[" * depth + "]" * depth


LAUGHS = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
DTD_LAUGHS = f'<!DOCTYPE rss [<!ENTITY lol0 "lol">{LAUGHS}]>'
DTD_XXE = '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY net SYSTEM "http://127.0.0.1:9/x">]>'


def _rss(items: list[tuple[str, str]], doctype: str = "", entity: str = "") -> str:
    body = "".join(f"<item><guid>{g}</guid><title>T {g}</title><description>{t} {entity}</description></item>"
                   for g, t in items)
    return f'<?xml version="1.0"?>{doctype}<rss version="2.0"><channel><title>Feed</title>{body}</channel></rss>'


def _atom(items: list[tuple[str, str]], doctype: str = "", entity: str = "") -> str:
    body = "".join(f"<entry><id>{g}</id><title>T {g}</title><summary>{t} {entity}</summary></entry>" for g, t in items)
    return f'<?xml version="1.0"?>{doctype}<feed xmlns="http://www.w3.org/2005/Atom"><title>F</title>{body}</feed>'


def _rdf(items: list[tuple[str, str]], doctype: str = "", entity: str = "") -> str:
    body = "".join(f'<item rdf:about="http://example.org/{g}"><title>T {g}</title><link>http://example.org/{g}</link>'
                   f"<description>{t} {entity}</description></item>" for g, t in items)
    return (f'<?xml version="1.0"?>{doctype}<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            f'xmlns="http://purl.org/rss/1.0/"><channel rdf:about="http://example.org/"><title>R</title>'
            f"<link>http://example.org/</link></channel>{body}</rdf:RDF>")


def build(root: Path, *, huge: bool = True) -> Expect:  # noqa: C901, PLR0915 - one list of cases
    """Write the corpus under `root/in` (plus a few paths next to it); return the expectations."""
    d = root / "in"
    d.mkdir(parents=True)
    ex = Expect()
    n = iter(range(1, 10_000))

    def txt(name: str, data: bytes | str, kind: str, good: bool) -> Path:
        path = d / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        ex.add(kind, good=[path.stem] if good else [], bad=[] if good else [path])
        return path

    # --- plain text: empties, binaries, encodings -------------------------------------------------
    txt("empty.txt", b"", "empty file", False)
    txt("whitespace.txt", b" \n\t\n  \r\n", "whitespace only", False)
    txt("binary.txt", random.Random(1).randbytes(4096), "binary renamed .txt", False)
    txt("gzip.txt", gzip.compress(prose(next(n)).encode()), "gzip named .txt", False)
    txt("pdf.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "PDF named .txt", False)
    txt("nul-heavy.txt", b"\x00" * 2048, "NUL bytes only", False)
    if huge:  # sparse: instant to create, never read (over the file-size limit)
        big = d / "huge-100mb.txt"
        with big.open("wb") as handle:
            handle.truncate(100 * 2**20 + 1)
        ex.add(">=100 MB file", bad=[big])
    txt("one-line-1mb.txt", " ".join(prose(1000 + i, 1) for i in range(8000))[: 2**20], "1 MB single line", True)
    txt("stray-bytes.txt", prose(next(n)).encode().replace(b"district", b"dis\xfftrict", 3), "3 stray bytes", True)
    txt("invalid-utf8-mixed.txt", ("Caf\u00e9 " + prose(next(n))).encode() + b" \xc3\x28 \xa0\xa1 end.",
        "invalid UTF-8 sequences in UTF-8 text", True)
    txt("cp1252.txt", ("\u201cCaf\u00e9\u201d \u2013 " + prose(next(n))).encode("cp1252"), "Windows-1252", True)
    txt("latin1.txt", ("Se\u00f1or \u00e9t\u00e9 " + prose(next(n))).encode("latin-1"), "Latin-1", True)
    txt("utf16le-bom.txt", b"\xff\xfe" + prose(next(n)).encode("utf-16-le"), "UTF-16 LE with BOM", True)
    txt("utf16be-bom.txt", b"\xfe\xff" + prose(next(n)).encode("utf-16-be"), "UTF-16 BE with BOM", True)
    txt("utf16-nobom.txt", prose(next(n)).encode("utf-16-le"), "UTF-16 without BOM", True)
    txt("utf32-bom.txt", b"\xff\xfe\x00\x00" + prose(next(n)).encode("utf-32-le"), "UTF-32 with BOM", True)
    txt("utf8-bom.txt", b"\xef\xbb\xbf" + prose(next(n)).encode(), "UTF-8 with BOM", True)
    txt("control-chars.txt", prose(next(n)).replace("said", "sa\x07id\x01", 2), "control characters", True)
    txt("nul-inside.txt", prose(next(n)).replace(" on ", " on\x00 ", 1), "one NUL inside text", True)
    txt("rtl.txt", "\u0642\u0627\u0644 \u0627\u0644\u0645\u0633\u0624\u0648\u0644\u0648\u0646 \u05e9\u05dc\u05d5\u05dd "
        + prose(next(n)), "right-to-left text", True)
    txt("bidi-override.txt", "\u202e" + prose(next(n)) + "\u202c\u200b\u2066", "bidi overrides, zero-width", True)
    txt("emoji.txt", "\U0001f525\U0001f4f0 " + prose(next(n)) + " \U0001f44d\U0001f3fd", "emoji", True)
    txt("crlf.txt", prose(next(n)).replace(". ", ".\r\n"), "CRLF newlines", True)
    txt("cr-only.txt", prose(next(n)).replace(". ", ".\r"), "CR-only newlines", True)
    txt("line-separators.txt", prose(next(n)).replace(". ", ".\u2028"), "U+2028 line separators", True)
    txt("noncharacters.txt", prose(next(n)) + "\ufffe\uffff", "non-characters", True)
    txt("no-extension", prose(next(n)), "no file extension", False)
    txt("notes.pdf", b"%PDF-1.4", "unsupported extension", False)

    # --- HTML --------------------------------------------------------------------------------
    def page(body: str, head: str = "<title>Page</title>") -> str:
        return f"<html><head>{head}</head><body>{body}</body></html>"

    txt("no-body.html", "<html><head><title>Only a head</title></head></html>", "HTML without body", False)
    txt("empty.html", "", "empty HTML", False)
    txt("script-only.html", page("<script>var x = 1;</script>"), "HTML with only a script", False)
    txt("malformed.html", f"<html><body><p>{prose(next(n))}<div><b><i>unclosed <p>{prose(next(n))}",
        "malformed HTML", True)
    txt("nested-10000.html", page("<div>" * 10_000 + prose(next(n)) + "</div>" * 10_000),
        "HTML nested 10,000 levels", True)
    txt("xml-declaration.html", '<?xml version="1.0" encoding="utf-8"?>\n' + page(f"<p>{prose(next(n))}</p>"),
        "HTML with <?xml encoding?> declaration", True)
    txt("xml-latin1.html", ('<?xml version="1.0" encoding="iso-8859-1"?>\n'
                            + page(f"<p>Se\u00f1or {prose(next(n))}</p>")).encode("latin-1"),
        "declared ISO-8859-1 XHTML", True)
    txt("meta-cp1252.html", page(f"<p>\u201cQuote\u201d {prose(next(n))}</p>",
                                 '<meta charset="windows-1252"><title>x</title>').encode("cp1252"),
        "meta charset windows-1252", True)
    txt("utf16-bom.html", b"\xff\xfe" + page(f"<p>{prose(next(n))}</p>").encode("utf-16-le"), "UTF-16 HTML", True)
    txt("binary.html", bytes(range(256)) * 4, "binary renamed .html", False)
    txt("entities.html", page(f"<p>{prose(next(n))} &amp; &#0; &#xD800; &#x110000; &bogus;</p>"),
        "invalid character references", True)

    # --- JSON / JSONL ------------------------------------------------------------------------
    def js(name: str, obj: object | str, kind: str, good: list[str], bad: bool) -> Path:
        path = d / name
        path.write_text(obj if isinstance(obj, str) else json.dumps(obj), encoding="utf-8")
        ex.add(kind, good=good, bad=[path] if bad else [])
        return path

    js("empty.json", "", "empty JSON", [], True)
    js("empty-list.json", [], "empty JSON list", [], True)
    js("scalar.json", "42", "JSON scalar", [], True)
    js("nesting-bomb.json", _nested_json(100_000), "JSON nesting bomb", [], True)
    js("truncated.json", '{"id": "t", "text": "cut', "truncated JSON", [], True)
    js("huge-int.json", '{"id": "hi", "text": "x", "n": ' + "9" * 5000 + "}", "integer with 5000 digits", [], True)
    js("surrogates.json", '{"id": "sur", "title": "bad \\udc80 title", "text": "' + prose(next(n))
       + ' \\ud83d lone high, \\ude00 lone low, \\ud83d\\ude00 a pair", "extra": {"k\\udfff": ["\\ud800"]}}',
       "lone surrogates in JSON", ["sur"], False)
    js("wrong-types.json", [{"id": {"nested": 1}, "text": prose(next(n)), "title": ["a", "b"],
                             "published": {"y": 2020}, "source": 7, "language": None},
                            {"id": "num-text", "text": 12345},
                            {"id": "list-text", "text": ["a", "b"]},
                            {"id": True, "text": prose(next(n)), "url": 3.5}],
       "wrong-typed fields", ["wrong-types-0", "wrong-types-3"], True)
    js("dates.json", [{"id": "date-bad", "text": prose(next(n)), "published": "the day after tomorrow-ish"},
                      {"id": "date-future", "text": prose(next(n)), "published": "2999-12-31"},
                      {"id": "date-epoch-huge", "text": prose(next(n)), "published": 1e300},
                      {"id": "date-nan", "text": prose(next(n)), "published": float("nan")},
                      {"id": "date-feb30", "text": prose(next(n)), "published": "2021-02-30"},
                      {"id": "date-year0", "text": prose(next(n)), "published": "0000-01-01T25:61:00Z"}],
       "unparseable and future dates", ["date-bad", "date-future", "date-epoch-huge", "date-nan", "date-feb30",
                                         "date-year0"], False)
    js("ids.json", [{"id": "../../escaped", "text": prose(next(n))},
                    {"id": "$(touch pwned); `id` | rm -rf / && echo 'x' > y", "text": prose(next(n))},
                    {"id": "/etc/passwd", "text": prose(next(n))},
                    {"id": "line\nbreak\x00id", "text": prose(next(n))},
                    {"id": "x" * 5000, "text": prose(next(n))}],
       "path-traversal, shell-metacharacter, absolute, control-character and 5000-char ids",
       ["../../escaped", "$(touch pwned); `id` | rm -rf / && echo 'x' > y", "/etc/passwd", "line breakid",
        "x" * 5000], False)
    bomb_line = _nested_json(50_000)
    lines = [json.dumps({"id": "jl-good-1", "text": prose(next(n))}), "{not json", bomb_line, "[1, 2]",
             json.dumps({"id": "jl-no-text"}), "", "   ",
             json.dumps({"id": "jl-good-2", "text": prose(next(n))}),
             '{"id": "jl-trunc", "text": "cut off', "9" * 5000]
    jl = d / "mixed.jsonl"
    jl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ex.add("JSONL with bad lines (good lines kept)", good=["jl-good-1", "jl-good-2"], bad=[jl])
    dup = d / "dup-ids.jsonl"
    dup.write_text(json.dumps({"id": "dup", "text": prose(next(n))}) + "\n"
                   + json.dumps({"id": "dup", "text": prose(next(n))}) + "\n", encoding="utf-8")
    ex.add("duplicate ids with different content", good=["dup"], bad=[dup])
    (d / "sub1").mkdir()
    (d / "sub2").mkdir()
    (d / "sub1" / "same-name.txt").write_text(prose(next(n)), encoding="utf-8")
    (d / "sub2" / "same-name.txt").write_text(prose(next(n)), encoding="utf-8")
    ex.add("same file name in two folders", good=["same-name"], bad=[d / "sub2" / "same-name.txt"])
    z = d / "zip.json"
    with zipfile.ZipFile(z, "w") as archive:
        archive.writestr("a.json", "{}")
    ex.add("ZIP named .json", bad=[z])

    # --- feeds -------------------------------------------------------------------------------
    def feed(name: str, text: str, kind: str, good: list[str], bad: bool) -> None:
        path = d / name
        path.write_text(text, encoding="utf-8")
        ex.add(kind, good=good, bad=[path] if bad else [])

    feed("good.rdf", _rdf([("rdf-ok", prose(next(n)))]), "RSS 1.0 (.rdf)", ["example.org-rdf-ok"], False)
    feed("xxe.rss", _rss([("rss-xxe", prose(next(n)))], DTD_XXE, "&xxe; &net;"), "RSS with external entities",
         ["rss-xxe"], True)
    feed("laughs.rss", _rss([("rss-lol", prose(next(n)))], DTD_LAUGHS, "&lol9;"), "RSS billion laughs",
         ["rss-lol"], True)
    feed("xxe.atom", _atom([("atom-xxe", prose(next(n)))], DTD_XXE.replace("rss", "feed"), "&xxe;"),
         "Atom with external entities", ["atom-xxe"], True)
    feed("laughs.rdf", _rdf([("rdf-lol", prose(next(n)))], DTD_LAUGHS.replace("rss", "rdf:RDF"), "&lol9;"),
         "RDF billion laughs", ["example.org-rdf-lol"], True)
    full = _rss([(f"trunc-{i}", prose(next(n))) for i in range(3)])
    feed("truncated.rss", full[: full.index("<item><guid>trunc-2") + 40], "truncated RSS",
         ["trunc-0", "trunc-1"], True)
    full = _atom([(f"atrunc-{i}", prose(next(n))) for i in range(2)])
    feed("truncated.atom", full[: full.rindex("</entry>") - 5], "truncated Atom", ["atrunc-0"], True)
    feed("not-a-feed.xml", "<?xml version='1.0'?><catalog><book/></catalog>", "XML that is no feed", [], True)
    feed("empty.rss", "", "empty feed", [], True)
    # an item with neither guid nor link is read (id from its content: test_reader_feeds); one with
    # neither guid, link, title nor description has nothing to read
    feed("no-ids.rss", '<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>'
         "<item><category>no id, no link and no text here at all</category></item>"
         f"<item><guid>ok-entry</guid><description>{prose(next(n))}</description></item></channel></rss>",
         "feed entry without id, link or text", ["ok-entry"], True)

    # --- the file system ---------------------------------------------------------------------
    loop_a, loop_b = d / "loop-a.txt", d / "loop-b.txt"
    os.symlink(loop_b.name, loop_a)
    os.symlink(loop_a.name, loop_b)
    ex.add("symlink loop", bad=[loop_a, loop_b])
    broken = d / "broken-link.txt"
    os.symlink("does-not-exist.txt", broken)
    ex.add("broken symlink", bad=[broken])
    fifo = d / "fifo.txt"
    os.mkfifo(fifo)
    ex.add("FIFO", bad=[fifo])
    zero = d / "dev-zero.txt"
    os.symlink("/dev/zero", zero)
    ex.add("/dev/zero link", bad=[zero])
    (d / "dir-loop").mkdir()
    os.symlink("..", d / "dir-loop" / "up")
    ex.kinds.append("directory symlink loop (not followed)")
    unreadable = d / "unreadable.txt"
    unreadable.write_text(prose(next(n)), encoding="utf-8")
    unreadable.chmod(0)
    if os.access(unreadable, os.R_OK):  # root reads anything: then it is simply a good file
        ex.add("unreadable file (readable by root)", good=["unreadable"])
    else:
        ex.add("unreadable file", bad=[unreadable])
    (d / ".hidden.txt").write_text(prose(next(n)), encoding="utf-8")  # skipped silently by design
    missing = root / "mistyped-path.txt"
    ex.extra_paths.append(missing)
    ex.add("mistyped path", bad=[missing])
    ex.add("plain good article", good=[txt("plain.txt", prose(next(n)), "plain", True).stem])
    ex.kinds.pop()
    return ex
