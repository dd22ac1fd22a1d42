"""JSON / JSON Lines dumps: one article per object (`id, url, source, title, published, text`).

Common alternative field names (news-please `maintext`/`date_publish`, NewsAPI `source.name`,
`content`, `date`) are accepted; every other field is kept in `metadata`.
"""

from __future__ import annotations

import json
from pathlib import Path

from storyweave.io.readers._common import BadInput, new_article, normalize_date, read_text_file_detail
from storyweave.model import Article, ReadError

# Article field -> accepted input keys, first match wins.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "article_id", "guid", "uid"),
    "text": ("text", "maintext", "content", "body", "article"),
    "title": ("title", "headline"),
    "url": ("url", "link", "canonical_url"),
    "source": ("source", "outlet", "publisher", "source_domain", "site_name", "sitename"),
    "published": ("published", "date", "date_publish", "published_at", "pubDate", "publish_date"),
    "language": ("language", "lang"),
}


def read_jsonl(path: Path) -> tuple[list[Article], list[ReadError]]:
    """Each non-blank line is one JSON object; bad lines are reported with their number."""
    articles: list[Article] = []
    errors: list[ReadError] = []
    text, decoding = read_text_file_detail(path)
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(
                ReadError(str(path), f"line {number}: invalid JSON ({exc.msg} at column {exc.colno})")
            )
            continue
        except (RecursionError, ValueError) as exc:  # nesting bombs, integers too long to convert
            errors.append(ReadError(str(path), f"line {number}: unusable JSON ({_json_problem(exc)})"))
            continue
        try:
            articles.append(_with_metadata(article_from_object(obj, path, default_id=f"{path.stem}-{number}"),
                                           decoding))
        except BadInput as exc:
            errors.append(ReadError(str(path), f"line {number}: {exc}"))
    if not articles and not errors:
        raise BadInput("empty file (no JSON lines)")
    return articles, errors


def read_json(path: Path) -> tuple[list[Article], list[ReadError]]:
    """A JSON file holding one article object or a list of them (or, leniently, JSON Lines)."""
    text, decoding = read_text_file_detail(path)
    if not text.strip():
        raise BadInput("empty file")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if text.lstrip().startswith("{") and "\n{" in text:  # JSON Lines saved as .json
            return read_jsonl(path)
        raise BadInput(f"invalid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from exc
    except (RecursionError, ValueError) as exc:
        raise BadInput(f"unusable JSON ({_json_problem(exc)})") from exc
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    items = data if isinstance(data, list) else [data]
    articles: list[Article] = []
    errors: list[ReadError] = []
    for index, obj in enumerate(items):
        where = f"item {index}: " if isinstance(data, list) else ""
        try:
            articles.append(_with_metadata(article_from_object(obj, path, default_id=f"{path.stem}-{index}"),
                                           decoding))
        except BadInput as exc:
            errors.append(ReadError(str(path), f"{where}{exc}"))
    if not items:
        raise BadInput("empty JSON list (no articles)")
    return articles, errors


def _json_problem(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc).split("\n")[0][:120]


def _with_metadata(article: Article, extra: dict[str, str]) -> Article:
    if extra:
        article.metadata.update(extra)
    return article


def article_from_object(obj: object, path: Path, default_id: str) -> Article:
    """An Article from one JSON object (field aliases accepted, other keys kept in metadata); `BadInput`
    when unusable."""
    if not isinstance(obj, dict):
        raise BadInput(f"expected a JSON object, got {type(obj).__name__}")
    taken: dict[str, object] = {}
    used_keys: set[str] = set()
    for field, keys in FIELD_ALIASES.items():
        for key in keys:
            if key in obj and obj[key] not in (None, ""):
                taken[field] = obj[key]
                used_keys.add(key)
                break
    text = taken.get("text")
    if text is None:
        names = ", ".join(list(obj)[:6]) + (", ..." if len(obj) > 6 else "")
        raise BadInput(f"missing text (no 'text' field; object has: {names or 'no fields'})")
    if not isinstance(text, str):
        raise BadInput(f"'text' is not a string ({type(text).__name__})")
    text = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").strip().split("\n"))
    if not text.strip():
        raise BadInput("empty article text")
    source = taken.get("source")
    if isinstance(source, dict):  # NewsAPI style {"id": ..., "name": ...}
        source = source.get("name") or source.get("title") or source.get("id")
    raw_published = taken.get("published")
    published = normalize_date(raw_published)
    metadata = {k: v for k, v in obj.items() if k not in used_keys}
    article_id = taken.get("id", default_id)
    if isinstance(article_id, bool) or not isinstance(article_id, (str, int)):
        metadata["unusable_id"] = repr(article_id)[:200]  # a list/object/boolean is no id
        article_id = default_id
    if raw_published is not None and published is None:
        metadata["unparsed_published"] = raw_published
    return new_article(
        str(article_id),
        text,
        path,
        source=_str_or_none(source),
        url=_str_or_none(taken.get("url")),
        title=_str_or_none(taken.get("title")),
        published=published,
        language=_str_or_none(taken.get("language")),
        metadata=metadata,
    )


def _str_or_none(value: object) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None
