"""What the events and stories similarity sees of each report.

Pages a scraper stored under stories they do not tell are compared by less than their text, or
not at all: a short page copied verbatim under many stories (an archive notice, a sign-in wall;
`repeated_placeholders`) stays alone; a body copied under an unrelated headline
(`placeholder_bodies`) is compared by its title only; a page the cleaner emptied because it was
all photo gallery is compared by its gallery's captions (`gallery_text`).  `clustering_view`
applies the last two; the events stage keeps the first alone (`events._cluster`) and the stories
stage links it to nothing (`placeholder_ids`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from storyweave.config import EventsConfig
from storyweave.model import Article
from storyweave.nlp import represent, stop_words
from storyweave.nlp.text import paragraphs
from storyweave.stages.dedup.provenance import copy_root


def original_roots(articles: Sequence[Article], by_id: dict[str, Article]) -> dict[str, str]:
    """Article id -> id of the original it (transitively) copies; itself for originals.

    A copy whose headline shares no content word with its original's headline (both titled,
    not a translation) is clustered on its own: the texts matched, but e.g. a scraper stored
    the same placeholder page (a chat widget's notice) under two stories."""
    def follow(copy: Article, original: Article) -> bool:
        return not placeholder_copy(copy, original)

    return {article.id: copy_root(article.id, by_id, follow) for article in articles}


def repeated_placeholders(
    articles: Sequence[Article], root: dict[str, str], by_id: dict[str, Article], cfg: EventsConfig
) -> set[str]:
    """Ids of reports in a copy group of `placeholder_copies`+ whose text is short (fewer than
    `placeholder_words` words): one page a scraper stored under many stories (an archive notice,
    a sign-in wall), not one happening reported many times; or of `placeholder_copies_unsentenced`+
    when no paragraph of the text ends like a sentence (`has_sentence`: a crawl's seed list).
    Measured on Multi-News dev (bare): such groups joined up to 14 unrelated clusters.  A page the
    cleaner emptied because it was all photo gallery is none: it is compared by its captions."""
    groups: dict[str, list[str]] = defaultdict(list)
    for article in articles:
        groups[root[article.id]].append(article.id)
    out: set[str] = set()
    for original, members in groups.items():
        text = by_id[original].text
        if len(members) < min(cfg.placeholder_copies, cfg.placeholder_copies_unsentenced):
            continue
        if not text and gallery_text(by_id[original]):
            continue  # a page that was all photo gallery (copied by another outlet): its captions tell a happening
        if len(text.split()) < cfg.placeholder_words and (
                len(members) >= cfg.placeholder_copies or not has_sentence(text)):
            out.update(members)
    return out


# A paragraph that ends like a sentence: a full stop, "!", "?" or an ellipsis, maybe inside quotes or brackets.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s*$")


def has_sentence(text: str) -> bool:
    """Some paragraph of `text` ends like a sentence.  A short page none of whose paragraphs does
    (a crawl notice's list of seeds, a page of labels and links) states no happening; copied under
    two stories it would join them (Multi-News dev bare: one look-alike merge, noise8 in bare.md)."""
    return any(_SENTENCE_END.search(text[start:end]) for start, end in paragraphs(text))


def own_title(article: Article) -> bool:
    """The report came with a title (not one read off its own first line: for a placeholder
    page that line is part of the placeholder, the same under every story it was stored for)."""
    inferred = "title" in (article.metadata.get("inferred") or {})
    return bool(article.title and article.title.strip()) and not inferred


def placeholder_ids(articles: Sequence[Article], cfg: EventsConfig) -> set[str]:
    """Ids of the reports that are repeated placeholders (`repeated_placeholders`) with no title
    of their own: pages a scraper stored under many stories, which belong to no event or story."""
    by_id = {a.id: a for a in articles}
    root = original_roots(articles, by_id)
    return {i for i in repeated_placeholders(articles, root, by_id, cfg) if not own_title(by_id[i])}


def placeholder_bodies(articles: Sequence[Article], by_id: dict[str, Article]) -> set[str]:
    """Ids of reports whose body is a copy (not a translation) of a report under a headline
    sharing no content word: the body is a scraper's placeholder, not news, on both sides."""
    out: set[str] = set()
    for article in articles:
        original = by_id.get(article.duplicate_of or "")
        if original is not None and placeholder_copy(article, original):
            out.update((article.id, original.id))
    return out


def placeholder_copy(copy: Article, original: Article) -> bool:
    """`copy` repeats `original`'s body (not as a translation) under a headline sharing no content
    word with it: the body is a scraper's placeholder, stored under two unrelated stories."""
    return copy.duplicate_kind != "translation" and headlines_disjoint(copy, original)


def clustering_view(articles: Sequence[Article], placeholders: set[str]) -> list[Article]:
    """`articles` as the similarity sees them: reports with a placeholder body keep only their
    title (their text would otherwise tie unrelated stories together); a page the cleaner
    emptied because it was all photo gallery is compared by its gallery's captions (`gallery_text`)."""
    view = []
    for article in articles:
        if article.id in placeholders and article.title:
            article = replace(article, text="")
        elif not article.text.strip() and (captions := gallery_text(article)):
            article = replace(article, text=captions)
        view.append(article)
    return view


def gallery_text(article: Article) -> str:
    """The lines the cleaner removed from `article` as a photo gallery or slideshow, one per line.
    They stay out of every summary, fact and timeline (captions date and describe pictures), but a
    page that was nothing else ("Photos: <happening>" and its captions) tells by them which
    happening it shows: bare news_cluster has four such pages, each left alone without them."""
    return "\n".join(article.removed_by("gallery"))


def headlines_disjoint(a: Article, b: Article) -> bool:
    """Both reports have a title, and the titles share no content word."""
    if not (a.title and b.title):
        return False
    stop = stop_words.english()
    wa, wb = ({w.lower() for w in represent.words_of(t)} - stop for t in (a.title, b.title))
    return bool(wa and wb) and not (wa & wb)
