"""Discrepancies between sources: figures of different reports that count the same thing
(however worded) with values that disagree (`find_discrepancies`), each figure a `Figure` (a
`Quantity` of `quantities` in its sentence and article).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from storyweave.config import DiscrepancyParams
from storyweave.model import Discrepancy, DiscrepancyValue
from storyweave.nlp.date_patterns import MONTH_NAMES, WEEKDAY_NAMES
from storyweave.nlp.stop_words import FIGURE_CONTEXT
from storyweave.nlp.stop_words import english as english_stop_words
from storyweave.stages.analysis.numbers.quantities import MEASURE_NOUNS, Quantity, is_plural, lemma


@dataclass
class Figure:
    """A quantity stated in one sentence of one article, with the article's date and outlet."""

    quantity: Quantity
    sentence: str
    article_id: str
    credited: tuple[str, ...]
    date: str | None
    source: str | None = None
    context: set[str] = field(default_factory=set)



def _stem(word: str) -> str:
    """Five-letter prefix: flooded/flooding/floods -> 'flood', displaced/displacement -> 'displ'."""
    return word.lower()[:5]


def figure_context(sentence: str, q: Quantity, window: int = 70) -> set[str]:
    """Stems of the content words near the figure (the figure and its counted noun left out)."""
    rest = sentence[max(0, q.start - window) : q.start] + " " + sentence[q.end : q.end + window]
    return {_stem(w) for w in re.findall(r"[A-Za-z]{4,}", rest)
            if w.lower() not in FIGURE_CONTEXT
            and lemma(w) != q.lemma}


# a capitalised or all-capital word, its possessive "'s" left out ('St Odrun's Hospital', 'ORBIT 7')
_NAME_WORD = re.compile(r"\b([A-Z][a-z]+|[A-Z]{2,})(?:['’]s)?\b")


_TIME_NAMES = set(MONTH_NAMES) | set(WEEKDAY_NAMES)


def _names(sentence: str) -> list[tuple[str, ...]]:
    """Runs of capitalised words ('Valmora University Hospital', 'Tarsk Valley'), title-cased so an
    all-capital word matches its usual form.  A word opening the sentence is capitalised anyway: it
    counts only when a run goes on after it and it is not an English stop word ('The UN' -> 'Un')."""
    runs: list[list[str]] = []
    last = -2
    for m in _NAME_WORD.finditer(sentence):
        word = m.group(1).title()
        if word.lower() in _TIME_NAMES:
            last = -2  # a month or weekday says when, not who or where; it ends a run
            continue
        if last >= 0 and re.fullmatch(r"(?:['’]s)?\s", sentence[last : m.start()]):
            runs[-1].append(word)
        else:
            before = sentence[: m.start()]
            opener = not re.search(r"[A-Za-z0-9]", before) or bool(re.search(r"[.!?]\s+$", before))
            runs.append([f"^{word}"] if opener else [word])  # '^': an opener, kept only if the run goes on
        last = m.end()
    out = []
    for r in runs:
        if r[0].startswith("^"):
            r = [r[0][1:], *r[1:]] if len(r) > 1 and r[0][1:].lower() not in english_stop_words() else r[1:]
        if r:
            out.append(tuple(r))
    return out


def _contains(big: tuple[str, ...], small: tuple[str, ...]) -> bool:
    return any(big[i : i + len(small)] == small for i in range(len(big) - len(small) + 1))


def _share_a_name(a: str, b: str) -> bool | None:
    """Do two sentences name one thing (one run of capitalised words inside the other: 'Tarsk'
    in 'Tarsk miners', but not 'Hospital' of 'St Odrun's Hospital' in 'Valmora University
    Hospital')?  None when either names nothing."""
    na, nb = _names(a), _names(b)
    if not na or not nb:
        return None
    return any(_contains(x, y) or _contains(y, x) for x in na for y in nb)


# where a count happened, in the figure's own clause: 'killed Monday in Homs', 'died across Syria',
# 'in the city of Homs' (a place name after a locative preposition; English grammar)
_PLACE_AFTER = re.compile(r"[^,;:()]*?\b(?:in|across|throughout)\s+(?:the\s+)?(?:[a-z]+\s+of\s+)?"
                          r"((?:[A-Z][\w'’-]+)(?:\s+[A-Z][\w'’-]+)*)")


def _place(f: Figure) -> set[str] | None:
    """The words of the place a figure's clause puts it in ('killed in Homs' -> {'Homs'}), if any."""
    m = _PLACE_AFTER.match(f.sentence, f.quantity.end)  # anchored: the clause of the figure only
    words = {w for w in m.group(1).split() if w.lower() not in _TIME_NAMES} if m else set()
    return words or None


def _days_apart(a: str | None, b: str | None) -> int:
    from datetime import date

    if not a or not b:
        return 0
    try:
        return abs((date.fromisoformat(a[:10]) - date.fromisoformat(b[:10])).days)
    except ValueError:
        return 0


# Thresholds (min_value, max_days_apart, predicate_sim, noun_sim, min_shared_context, max_ratio,
# rounding): `Config.analyze.discrepancies` (`DiscrepancyParams` in storyweave/config.py).
_DEFAULT = DiscrepancyParams()
# the generic count nouns of English for humans: any more specific noun ('refugees', 'Ukrainians',
# 'civilians') can count the same people, so the predicate decides
_GENERIC_NOUNS = {"people", None}


@lru_cache(maxsize=4096)
def _word_vector(word: str) -> np.ndarray | None:
    from storyweave.nlp.represent import encode

    raw = encode([word])
    if raw is None:
        return None
    v = raw[0].astype(np.float64)
    n = np.linalg.norm(v)
    return v / n if n else None


def word_similarity(a: str, b: str) -> float:
    """1 for the same word, else the cosine of the shipped static embeddings (0 without them)."""
    if a == b:
        return 1.0
    va, vb = _word_vector(a), _word_vector(b)
    return float(va @ vb) if va is not None and vb is not None else 0.0


def _predicate_similarity(qa: Quantity, qb: Quantity) -> float:
    """Best of the lemmas' and the written forms' similarity ('dead' ~ 'killed' as written)."""
    sims = [word_similarity(qa.predicate_lemma or "", qb.predicate_lemma or "")]
    if qa.predicate and qb.predicate:
        sims.append(word_similarity(qa.predicate.lower(), qb.predicate.lower()))
    return max(sims)


def same_quantity(a: Figure, b: Figure, predicate_sim: float | None = None, noun_sim: float | None = None,
                  p: DiscrepancyParams = _DEFAULT) -> bool:
    """Do two figures count the same thing, however worded?  Units must agree and values be
    within `max_ratio`; different specific nouns must be near synonyms; when both name what happened
    ('fled' / 'flee', 'killed' / 'died') that decides; otherwise the same noun and shared context
    words are needed.  Figures next to disjoint sets of names are about different places/actors."""
    predicate_sim = p.predicate_sim if predicate_sim is None else predicate_sim
    noun_sim = p.noun_sim if noun_sim is None else noun_sim
    qa, qb = a.quantity, b.quantity
    if qa.unit != qb.unit:
        return False
    lo, hi = sorted((qa.value, qb.value))
    if lo <= 0 or hi / lo > p.max_ratio:
        return False
    if _days_apart(a.date, b.date) > p.max_days_apart:
        return False
    if _share_a_name(a.sentence, b.sentence) is False:
        return False
    pa_, pb_ = _place(a), _place(b)
    if pa_ and pb_ and not (pa_ & pb_):
        return False  # 'killed in Homs' / 'died across Syria': counts of two places
    na, nb = qa.lemma, qb.lemma
    if (na != nb and na not in _GENERIC_NOUNS and nb not in _GENERIC_NOUNS  # None is generic: the predicate decides
            and na is not None and nb is not None and word_similarity(na, nb) < noun_sim):
        return False
    pa, pb = qa.predicate_lemma, qb.predicate_lemma
    if pa and pb:
        return _predicate_similarity(qa, qb) >= predicate_sim
    if pa or pb:
        return False  # one says what happened, the other does not: nothing shows it is the same count
    return na is not None and na == nb and len(a.context & b.context) >= p.min_shared_context


_LOWER_BOUND = re.compile(r"\b(at least|more than|more-than|over|upwards of|in excess of)\s*$", re.IGNORECASE)
_UPPER_BOUND = re.compile(r"\b(up to|fewer than|less than|at most|under|as many as)\s*$", re.IGNORECASE)
_APPROX = re.compile(r"\b(nearly|almost|about|around|some|roughly|approximately|close to|an estimated|"
                     r"estimated)\s*$", re.IGNORECASE)


def _bound(f: Figure) -> str | None:
    before = f.sentence[max(0, f.quantity.start - 16) : f.quantity.start]
    if _LOWER_BOUND.search(before):
        return "lower"
    if _UPPER_BOUND.search(before):
        return "upper"
    return "approx" if _APPROX.search(before) else None


def values_disagree(a: Figure, b: Figure, p: DiscrepancyParams = _DEFAULT) -> bool:
    """Do two figures for the same thing disagree?  Decision (documented in BENCHMARKS.md): two
    reports giving different figures disagree, bounds included ('more than 1.5 million' vs
    '1.7 million' or 'more than 1.7 million': the reader should see both), unless one is the
    other rounded: a lower bound at most `rounding` below an exact figure ('more than 270' / '276'),
    an upper bound at most `rounding` above it, or an estimate within `rounding` of it."""
    va, vb = a.quantity.value, b.quantity.value
    if va == vb:
        return False
    lo, hi = (a, b) if va < vb else (b, a)
    close = hi.quantity.value <= lo.quantity.value * (1 + p.rounding)
    kinds = {_bound(lo), _bound(hi)}
    if close and (_bound(lo) == "lower" and _bound(hi) != "lower" or _bound(hi) == "upper" and _bound(lo) != "upper"
                  or "approx" in kinds):
        return False
    return True


def _conflict(a: Figure, b: Figure, p: DiscrepancyParams = _DEFAULT) -> bool:
    return values_disagree(a, b, p)


_HEDGE = re.compile(r"\b(at least|more than|more-than|over|nearly|almost|about|around|some|up to|roughly|"
                    r"approximately|fewer than|less than|at most)\s*$", re.IGNORECASE)


def _subject(group: list[Figure]) -> str:
    """What the figures count, in the reports' words: the commonest counted noun and the commonest
    word for what happened, 'people (fled)'; a figure without a noun is named by its predicate."""
    nouns = Counter(f.quantity.noun.lower() for f in group if f.quantity.noun)
    preds = Counter(f.quantity.predicate.lower() for f in group if f.quantity.predicate)
    noun = nouns.most_common(1)[0][0] if nouns else None
    pred = preds.most_common(1)[0][0] if preds else None
    if noun and pred:
        return f"{noun} ({pred})"
    return noun or pred or "figure"


# a sentence that places its figures in the past ('eight months ago', 'last year'): another happening
_PAST = re.compile(r"\b(?:ago|last (?:year|month)|(?:a|one|two|three) (?:years?|months?) (?:earlier|before))\b",
                   re.IGNORECASE)


def _usable(f: Figure, p: DiscrepancyParams = _DEFAULT) -> bool:
    """A figure worth comparing: a total of something (not a percentage, rate, increment or subset;
    not a measure), big enough, with a counted noun or a predicate.  A count ("unit" None) needs
    a plural noun: a singular one makes the figure an identifier or a modifier ('the 3000 block')."""
    q = f.quantity
    if _PAST.search(f.sentence):
        return False
    if q.part or (q.unit is None and q.noun and not is_plural(q.noun) and q.value != 1):
        return False
    return (q.unit not in {"percent", "rate"} and q.value >= p.min_value and (q.lemma is None or q.lemma not in MEASURE_NOUNS)
            and bool(q.lemma or q.predicate_lemma))


# an increment, not a part: 'an additional 2.5 million', 'another 40', '12 more' (an update of a total)
_INCREMENT_BEFORE = re.compile(r"\b(?:an? additional|additional|another|a further|further|an extra|extra)\s+$", re.IGNORECASE)
_INCREMENT_AFTER = re.compile(r"\s+(?:more|additional)\b", re.IGNORECASE)


def _increment(f: Figure) -> bool:
    q = f.quantity
    return bool(_INCREMENT_BEFORE.search(f.sentence[max(0, q.start - 16) : q.start])
                or _INCREMENT_AFTER.match(f.sentence, q.end))


class Known:
    """The values the sentences of each report state (sentences with two or more figures), and
    which of them are increments."""

    def __init__(self, figures: list[Figure]) -> None:
        """Index `figures` (all of them, usable or not: '10 of the 12 victims' counts) by article."""
        sentences: dict[tuple[str, str], set[float]] = defaultdict(set)
        increments: dict[tuple[str, str], set[float]] = defaultdict(set)
        for f in figures:
            sentences[(f.article_id, f.sentence)].add(f.quantity.value)
            if _increment(f):
                increments[(f.article_id, f.sentence)].add(f.quantity.value)
        self.pairs: dict[str, list[tuple[set[float], set[float]]]] = defaultdict(list)
        for key, values in sentences.items():
            if len(values) > 1:
                self.pairs[key[0]].append((values, increments[key]))

    def explains(self, article: str, a: float, b: float) -> bool:
        """Does one sentence of `article` state both values ('10 of the 12 victims'), or `a` and a
        part whose difference or sum is `b` ('20 people dead, including the three gunmen' for 17)?
        An increment ('an additional 2.5 million') makes a new total: an update, still a discrepancy."""
        return any(a in vs and (b in vs or any(a - v == b or a + v == b for v in vs - inc))
                   for vs, inc in self.pairs[article])


def _both_known(a: Figure, b: Figure, known: Known) -> bool:
    """Does a report explain the difference itself: one of its sentences states both values
    ('killed 12 people, including 10 US citizens'; '10 of the 12 victims') or one value and the
    part that separates it from the other?  Then the other figure is a part or a total that
    report knows, not a contradiction."""
    va, vb = a.quantity.value, b.quantity.value
    return any(known.explains(art, x, y) for art in (a.article_id, b.article_id) for x, y in ((va, vb), (vb, va)))


def _missed_pairs(figs: list[Figure], groups: list[list[Figure]], known: Known, p: DiscrepancyParams) -> list[list[Figure]]:
    """Groups for discrepant pairs the first-fit grouping put apart: complete linkage in text order
    can place one figure with a figure its counterpart does not match ("40 injured" with a caption's
    "40"), so the pair's disagreement was never compared.  Each such pair seeds a group, extended by
    the figures that match all of it."""
    grouped = {(id(x), id(y)) for g in groups for x in g for y in g}
    extra: list[list[Figure]] = []
    seen: set[frozenset[int]] = set()
    for i, x in enumerate(figs):
        for y in figs[i + 1 :]:
            if (id(x), id(y)) in grouped or x.article_id == y.article_id or _both_known(x, y, known):
                continue
            if not (same_quantity(x, y, p=p) and values_disagree(x, y, p)):
                continue
            g = [x, y]
            for f in figs:
                if f is not x and f is not y and all(same_quantity(f, h, p=p) for h in g):
                    g.append(f)
            key = frozenset(id(f) for f in g)
            if key not in seen:
                seen.add(key)
                extra.append(g)
                grouped |= {(id(a), id(b)) for a in g for b in g}
    return extra


def find_discrepancies(figures: list[Figure], p: DiscrepancyParams = _DEFAULT) -> list[Discrepancy]:
    """Same counted thing (however worded) + different values across non-copy articles."""
    usable = [f for f in figures if _usable(f, p)]
    known = Known(figures)  # the values each sentence and each report states
    # one article giving several values for the thing is an update story, not a conflict
    figs = [f for f in usable if not p.drop_updates or not any(
        g.article_id == f.article_id and g.quantity.value != f.quantity.value and same_quantity(f, g, p=p) for g in usable)]
    by_unit: dict[str | None, list[Figure]] = defaultdict(list)
    for f in figs:
        by_unit[f.quantity.unit].append(f)
    out: list[Discrepancy] = []
    for unit_figs in by_unit.values():
        groups: list[list[Figure]] = []
        for f in unit_figs:  # complete linkage: a figure joins a group only if it matches every member
            for g in groups:
                if all(same_quantity(f, h, p=p) for h in g):
                    g.append(f)
                    break
            else:
                groups.append([f])
        if p.pair_groups:
            groups += _missed_pairs(unit_figs, groups, known, p)
        for g in groups:
            values: dict[float, list[Figure]] = defaultdict(list)
            for f in g:
                values[f.quantity.value].append(f)
            if len(values) < 2:
                continue
            if len({f.article_id for f in g}) < 2:
                continue
            # keep the figures that disagree with a figure of another report (that does not state both)
            g = [x for x in g if any(_conflict(x, y, p) and x.article_id != y.article_id and not _both_known(x, y, known)
                                     for y in g)]
            values = defaultdict(list)
            for f in g:
                values[f.quantity.value].append(f)
            if len(values) < 2:
                continue
            dv = []
            for _value, fs in sorted(values.items()):
                fs.sort(key=lambda f: (f.date or "9999", f.article_id))
                ids = sorted({i for f in fs for i in f.credited})
                dv.append(DiscrepancyValue(value=fs[0].quantity.text, text=fs[0].sentence, article_ids=ids,
                                           date=fs[0].date))
            dates = {v.date for v in dv if v.date}
            notes = []
            if len(dates) > 1:
                notes.append(f"figures reported on different dates ({', '.join(sorted(dates))}): "
                             "the later figure may be an update rather than a contradiction")
            if any(_HEDGE.search(f.sentence[max(0, f.quantity.start - 14) : f.quantity.start]) for f in g):
                notes.append("some figures are bounds or estimates ('at least', 'more than', 'about')")
            note = "; ".join(notes) or None
            out.append(Discrepancy(subject=_subject(g), values=dv, note=note))
    return out
