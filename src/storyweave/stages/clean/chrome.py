"""Site chrome from corpus statistics: lines recurring across articles that are not copies of
one another (`recurring_chrome`), except lines that read like reporting (`looks_like_reporting`),
and the articles that share a line with given ones (`sharing_lines`, for the incremental add)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from functools import lru_cache

from storyweave.config import CleanConfig
from storyweave.model import Article
from storyweave.nlp.text import paragraphs
from storyweave.stages.clean.lines import _TERMINAL, _norm
from storyweave.stages.clean.rules import _REPORTED_SPEECH

# Knobs of the corpus statistics (`Config.clean`): min_articles, min_outlet_articles,
# copy_containment (articles sharing this share of the smaller one's word 4-grams are copies of
# one report, so a line they share counts once) and edge_lines (sentences recurring as the
# first/last this many kept lines of unrelated articles are boilerplate).

_QUOTES = '"“”«»„'
_WORD = re.compile(r"\w+", re.UNICODE)


_SPEAKER_LABEL = re.compile(
    r"^[A-Z][A-Z .'’-]+(?:,\s*[A-Z][A-Z .'’-]+)?:$"
)  # transcript "ARI SHAPIRO, HOST:"


def looks_like_reporting(line: str) -> bool:
    """A sentence, a quote, a long sentence-case line or a speaker label.

    Such lines are never removed on statistics alone, except boilerplate sentences at an
    article's edge (see `recurring_chrome`).
    """
    words = _WORD.findall(line)
    ends_like_sentence = line.rstrip().endswith(_TERMINAL)
    lower = sum(w[0].islower() for w in words)
    return (
        (len(words) >= 6 and ends_like_sentence)
        or (len(words) >= 4 and any(q in line for q in _QUOTES))
        or (len(words) >= 10 and lower >= 0.5 * len(words))
        or len(words) >= 20
        or bool(_SPEAKER_LABEL.match(line.strip()))
    )


def recurring_chrome(
    articles: list[Article],
    lines_by_article: dict[str, list[tuple[int, int, str]]],
    ruled: dict[str, list[str | None]],
    min_articles: int,
    min_outlet: int,
    copy_containment: float = CleanConfig.copy_containment,
    edge_lines: int = CleanConfig.edge_lines,
) -> dict[tuple[str, str], str]:
    """(article id, normalised line) -> reason, for lines that recur across unrelated articles.

    Articles that share most of their text (wire reprints, copies, rewrites of one report)
    count once: they are grouped by word-shingle containment before counting.
    """
    kept = {a.id: [(i, line) for i, ((_, _, line), reason) in
                   enumerate(zip(lines_by_article[a.id], ruled[a.id], strict=False)) if reason is None]
            for a in articles}
    where, edge_sentences = _line_occurrences(articles, kept, edge_lines)
    candidates = {
        k: ids for k, ids in where.items()
        if len(ids) >= (min_articles if k in edge_sentences else min(min_articles, min_outlet))
    }  # fmt: skip
    if not candidates:
        return {}
    involved = {aid for ids in candidates.values() for aid in ids}
    related = _relatedness({aid: " ".join(line for _, line in kept[aid]) for aid in involved}, copy_containment)
    source = {a.id: (a.source or "").lower() or None for a in articles}
    out: dict[tuple[str, str], str] = {}
    for key, ids in candidates.items():
        if unrelated_count(ids, related, min_articles) >= min_articles:
            # a full sentence only counts at the edges (see `_line_occurrences`), a short line anywhere
            reason = "recurring_edge_line" if key in edge_sentences else "recurring_line"
        elif key not in edge_sentences and _any_outlet_reaches(ids, source, related, min_outlet):
            reason = "recurring_outlet_line"
        else:
            continue
        for aid in ids:
            out[(aid, key)] = reason
    return out


def _line_occurrences(articles: list[Article], kept: dict[str, list[tuple[int, str]]],
                      edge_lines: int) -> tuple[dict[str, list[str]], set[str]]:
    """(normalised line -> ids of the articles keeping it, the sentence-like lines among them).

    Lines that do not read as reporting count wherever they are; a sentence-like line counts
    only when it is among the first/last `edge_lines` kept lines of every article carrying it
    (a sign-off or a promo at the edge), never once seen inside some article's body."""
    where: dict[str, list[str]] = defaultdict(list)
    edge_sentences: set[str] = set()  # sentence-like lines seen only at the top/bottom edge
    in_body: set[str] = set()  # sentence-like lines seen inside some article's body
    for article in articles:
        seen = set()
        lines = kept[article.id]
        edges = {i for i, _ in lines[:edge_lines] + lines[-edge_lines:]}
        for i, line in lines:
            key = _norm(line)
            if key in seen:
                continue
            seen.add(key)
            if looks_like_reporting(line):
                if i in edges and _could_be_boilerplate(line):
                    edge_sentences.add(key)
                    where[key].append(article.id)
                else:
                    in_body.add(key)
            else:
                where[key].append(article.id)
    return {k: ids for k, ids in where.items() if k not in in_body}, edge_sentences - in_body


def _relatedness(texts: dict[str, str], copy_containment: float) -> Callable[[str, str], bool]:
    """related(x, y): the two articles share `copy_containment` of the smaller one's word
    shingles (one report carried twice), memoised per pair."""
    shingles = {aid: _shingles(text) for aid, text in texts.items()}
    cache: dict[tuple[str, str], bool] = {}

    def related(x: str, y: str) -> bool:
        key = (x, y) if x < y else (y, x)
        if key not in cache:
            a, b = shingles[x], shingles[y]
            small = min(len(a), len(b)) or 1
            cache[key] = len(a & b) / small >= copy_containment
        return cache[key]

    return related


def unrelated_count(ids: list[str], related: Callable[[str, str], bool], enough: int) -> int:
    """How many of `ids` are not copies of one another (greedy leaders), counting up to `enough`.

    Each article is compared with the leaders found so far only, so a line shared by
    thousands of articles costs at most `enough` comparisons per article.
    """
    leaders: list[str] = []
    for aid in ids:
        if not any(related(aid, leader) for leader in leaders):
            leaders.append(aid)
            if len(leaders) >= enough:
                break
    return len(leaders)


def _any_outlet_reaches(ids: list[str], source: dict[str, str | None], related: Callable[[str, str], bool],
                        enough: int) -> bool:
    by_outlet: dict[str, list[str]] = defaultdict(list)
    for aid in ids:
        outlet = source[aid]
        if outlet:
            by_outlet[outlet].append(aid)
    return any(len(v) >= enough and unrelated_count(v, related, enough) >= enough for v in by_outlet.values())


def _could_be_boilerplate(line: str) -> bool:
    """A sentence that may be site boilerplate: no figures, no quote, no attribution verb."""
    return (
        not re.search(r"\d", line)
        and not any(q in line for q in _QUOTES)
        and not _REPORTED_SPEECH.search(line)
    )


def _shingles(text: str, n: int = 4) -> set[int]:
    tokens = [w.lower() for w in _WORD.findall(text)]
    return {hash(tuple(tokens[i : i + n])) for i in range(max(1, len(tokens) - n + 1))} if tokens else set()


def sharing_lines(articles: list[Article], with_: list[Article]) -> list[Article]:
    """Those of `articles` that hold a line (normalised) of one of `with_`: the only ones the
    corpus statistics of `with_`'s lines count (chrome is a line recurring across unrelated
    articles), so the incremental add cleans a new article over them instead of its whole
    working set."""
    wanted = set().union(*(_line_keys(a.raw_text or a.text or "") for a in with_)) - {""}
    return [a for a in articles if not wanted.isdisjoint(_line_keys(a.raw_text or a.text or ""))]


@lru_cache(maxsize=4096)  # pure in the text: a warm process (server, API) meets the same working-set texts on every add
def _line_keys(raw: str) -> frozenset[str]:
    """The normalised lines (`_norm`) of a raw text, as the stage's `_lines` cuts it."""
    return frozenset(_norm(raw[s:e]) for s, e in paragraphs(raw))
