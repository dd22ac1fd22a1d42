"""Quantities in sentences ("1.7 million people", "$2 billion", "two dozen aircraft") and
discrepancies between sources reporting different figures for the same thing.

Written by hand: number-word parsers exist, but none knows which numbers in news text are
dates, years, ages, clock times or parts of names, nor which noun a figure counts.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from storyweave.model import Discrepancy, DiscrepancyValue

_SMALL = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "a": 1, "an": 1, "half": 0.5,
}
_SCALE = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
          "trillion": 1_000_000_000_000, "dozen": 12, "m": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000,
          "k": 1_000}
_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
           "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
_CURRENCY_SIGNS = {"$": "USD", "€": "EUR", "£": "GBP", "us$": "USD", "¥": "JPY", "₴": "UAH", "₽": "RUB"}
_CURRENCY_WORDS = {"dollars": "USD", "dollar": "USD", "euros": "EUR", "euro": "EUR", "pounds": "GBP",
                   "hryvnias": "UAH", "hryvnia": "UAH", "rubles": "RUB", "roubles": "RUB", "yuan": "CNY",
                   "yen": "JPY"}
_WORDNUM = "|".join(sorted((k for k in _SMALL if k not in {"a", "an", "half"}), key=len, reverse=True))
_NUM = re.compile(
    r"(?P<cur>US\$|[$€£¥₴₽])?\s?"
    r"(?P<num>(?<![\w.,/:-])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?=(?:bn|mn|m|k)\b|[^\w,/:-]|$)(?!\.\d)"
    r"|(?<![\w.,/:-])\d+(?:\.\d+)?(?=(?:bn|mn|m|k)\b|[^\w/:-]|$)(?![.,]\d)"
    rf"|\b(?:{_WORDNUM})(?:[- ](?:{_WORDNUM}))?\b|\b(?:a|an|half a)\b(?=\s+(?:dozen|hundred|thousand|million|billion)\b))"
    r"(?:\s?(?P<scale>hundred|thousand|million|billion|trillion|dozen|mn|bn|m|k)\b)?"
    r"(?:\s?(?P<pct>%|per\s?cent\b|percent\b))?",
    re.IGNORECASE,
)
_NOUN_STOP = {
    "have", "has", "had", "were", "was", "are", "is", "be", "been", "will", "would", "could", "in",
    "on", "at", "from", "to", "who", "that", "which", "and", "or", "but", "for", "by", "with", "as",
    "since", "after", "before", "into", "than", "the", "a", "an", "this", "these", "those", "their",
    "its", "his", "her", "our", "over", "under", "per", "each", "so", "far", "last", "ago", "said",
    "says", "according", "of", "more", "less", "about", "around", "nearly", "almost", "some", "up",
}
_SKIP_BEFORE_NOUN = {"more", "than", "other", "additional", "further", "new", "about",
                     "some", "extra", "own"}
_TIME_NOUNS = {"year", "month", "week", "day", "hour", "minute", "second", "decade", "century"}
# measures and scores, not counts of what happened: different figures are different things measured
_MEASURE_NOUNS = _TIME_NOUNS | {
    "mile", "kilometer", "kilometre", "km", "foot", "feet", "meter", "metre", "ton", "tonne", "lb", "pound",
    "kg", "kilogram", "inch", "yard", "degree", "mph", "kph", "knot", "acre", "hectare", "point", "lap",
    "game", "season", "goal", "run", "inning", "round", "set", "match", "time", "current", "former", "gram",
    "litre", "liter", "gallon", "barrel", "calorie", "storey", "story", "floor", "page", "word", "line", "version",
}
MIN_VALUE = 10  # small counts ("two missiles", "three gorillas") mostly name different things
MAX_DAYS_APART = 3  # figures reported further apart describe different moments of a long story
_IRREGULAR = {"people": "people", "persons": "people", "person": "people", "children": "child",
              "men": "man", "women": "woman", "casualties": "casualty", "lives": "life",
              "aircraft": "aircraft", "troops": "troop", "police": "police", "data": "data"}
_AGE = re.compile(r"\baged?\b|\bage of\b|\byears? old\b|-year-old", re.IGNORECASE)


@dataclass
class Quantity:
    """A figure as written (`text`, verbatim slice at `start:end`), its value, unit and counted noun."""

    text: str
    value: float
    start: int
    end: int
    unit: str | None = None  # "percent", currency code, or None for a count
    noun: str | None = None  # counted noun as written ("refugees")
    lemma: str | None = None  # its singular form ("refugee")


def lemma(word: str) -> str:
    """Singular of a plural English noun, by rule (no tagger in the pipeline)."""
    w = word.lower()
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("ches", "shes", "sses", "xes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        return w[:-1]
    return w


def parse_number(num: str, scale: str | None = None) -> float | None:
    """'1.7' + 'million' -> 1700000, '1,500' -> 1500, 'two' + 'dozen' -> 24, 'twenty-five' -> 25."""
    s = num.lower().strip()
    if s[:1].isdigit():
        try:
            value = float(s.replace(",", ""))
        except ValueError:  # "1.2.3", "0b": not a number (found by fuzzing, tests/reliability/test_fuzz.py)
            return None
    else:
        parts = re.split(r"[- ]", s)
        if parts[:2] == ["half", "a"]:
            value = 0.5
        elif all(p in _SMALL for p in parts):
            value = float(sum(_SMALL[p] for p in parts))
        else:
            return None
    if scale:
        value *= _SCALE[scale.lower()]
    return value


def _is_date_or_year(sentence: str, m: re.Match) -> bool:
    num = m.group("num")
    before = sentence[max(0, m.start() - 12) : m.start()].lower()
    after = sentence[m.end() : m.end() + 12].lower()
    if re.fullmatch(r"\d{4}", num) and 1800 <= int(num) <= 2100 and not m.group("scale") and not m.group("cur"):
        return True
    if re.search(rf"\b({_MONTHS})\.?\s*$", before) or re.match(rf"\s*(st|nd|rd|th)?\s*(of\s+)?({_MONTHS})\b", after):
        return True
    if re.match(r"\s*(a\.m|p\.m|am\b|pm\b|gmt|utc|o'clock)", after):
        return True
    return False


def _is_plural(word: str) -> bool:
    w = word.lower()
    return w in _IRREGULAR or (w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3)


def _counted_noun(sentence: str, end: int, allow_of: bool = False) -> tuple[str | None, int]:
    """Head of the noun phrase after a figure: 'people' in '1.7 million Ukrainian people have'."""
    tokens = list(re.finditer(r"[A-Za-z][A-Za-z'’-]*|[^\sA-Za-z]", sentence[end:]))
    head, pos = None, end
    for i, t in enumerate(tokens[:5]):
        w = t.group()
        low = w.lower()
        if not w[0].isalpha():
            break
        if head is None and low in _SKIP_BEFORE_NOUN:
            continue
        if low in _NOUN_STOP:
            # '$2 billion in military aid': the counted thing follows 'in'/'of'
            if head is None and allow_of and low in {"in", "of"} and i == 0:
                continue
            break
        if head is not None and low.endswith(("ed", "ing")):
            break  # a verb: 'refugees arrived'

        head, pos = w, end + t.end()
        if (_is_plural(w) and w[0].islower()) or lemma(w) in _MEASURE_NOUNS:
            break  # '11 hour flight' measures hours; it does not count flights
    return head, pos


_SUBJECT_BEFORE = re.compile(
    r"\b(?:number|total|tally|count|toll) of (?:[a-z]+ ){0,2}?([a-z]+)\b(?=[^.;,]{0,50}$)"
    r"|\b(death) toll\b(?=[^.;,]{0,50}$)", re.IGNORECASE)


def _subject_before(prefix: str) -> str | None:
    """'The number of refugees reached 1.5 million' -> 'refugees'; 'death toll rose to' -> 'deaths'."""
    hits = list(_SUBJECT_BEFORE.finditer(prefix))
    if not hits:
        return None
    m = hits[-1]
    return m.group(1) or "deaths"


_NOT_NAMES = {"at", "about", "some", "nearly", "almost", "over", "around", "only", "just", "all", "the",
              "up", "by", "to", "from", "with", "and", "of", "in", "on", "for", "than", "after", "before",
              "another", "roughly", "approximately", "exactly", "more", "fewer", "less", "those", "these",
              "its", "their", "his", "her", "our", "estimated", "when", "while", "since", "but"}


def _after_name(sentence: str, pos: int) -> bool:
    """Is the figure at `pos` glued to a capitalised word mid-sentence (a name like 'Falcon 9')?"""
    m = re.search(r"(\S+)\s+(\S+)\s$|(?:^|\s)(\S+)\s$", sentence[:pos])
    if not m:
        return False
    prev = m.group(2) or m.group(3)
    prev2 = m.group(1)
    if prev and prev.lower() in {"no.", "#", "number"}:
        return True  # "No. 10 Downing Street"
    if not prev or not prev[0].isupper() or not prev.isalpha() or prev.lower() in _NOT_NAMES:
        return False
    return prev2 is None or not re.search(r"[.!?:\"“”]$", prev2)


def extract_quantities(sentence_text: str) -> list[Quantity]:
    """Figures of one sentence with value, unit and counted noun; dates, years, ages, times skipped."""
    out: list[Quantity] = []
    for m in _NUM.finditer(sentence_text):
        num = m.group("num")
        if not num or not num.strip():
            continue
        if _is_date_or_year(sentence_text, m):
            continue
        if not m.group("cur") and not m.group("scale") and _after_name(sentence_text, m.start("num")):
            continue  # model or series number: Boeing 747, Falcon 9, Apollo 11, Article 5
        window = sentence_text[max(0, m.start() - 12) : m.end() + 12]
        if _AGE.search(window):
            continue
        scale = m.group("scale")
        glued_m = scale and scale.lower() in {"m", "k"} and not m.group("cur")
        value = parse_number(num, scale)
        if value is None:
            continue
        unit = None
        if m.group("pct"):
            unit = "percent"
        elif m.group("cur"):
            unit = _CURRENCY_SIGNS.get(m.group("cur").lower(), "money")
        noun, _ = _counted_noun(sentence_text, m.end(), bool(scale or m.group("cur")))
        if glued_m and (noun is None or lemma(noun) in _MEASURE_NOUNS or not _is_plural(noun)):
            continue  # "5 m" / "100m sprint": metres, not millions
        if noun and noun.lower() in _CURRENCY_WORDS:
            unit, noun = _CURRENCY_WORDS[noun.lower()], None
        if noun and noun[0].isupper():
            noun = None  # '24 Ukraine...' : a name follows, not a counted noun
        if noun is None and unit is None:
            noun = _subject_before(sentence_text[: m.start()])
        if num.lower() in {"a", "an", "one", "half a"} and not scale and not noun:
            continue  # "one of", "a" alone: not a figure
        start = m.start("cur") if m.group("cur") else m.start("num")
        text = sentence_text[start : m.end()].rstrip()
        out.append(Quantity(text, value, start, start + len(text), unit, noun,
                            lemma(noun) if noun else None))
    return out


# ---- discrepancies -------------------------------------------------------------------------

_CONTEXT_STOP = _NOUN_STOP | {"it", "he", "she", "they", "we", "not", "no", "there", "than", "about"}


@dataclass
class Figure:
    quantity: Quantity
    sentence: str
    article_id: str
    credited: tuple[str, ...]
    date: str | None
    source: str | None = None
    context: set[str] = field(default_factory=set)


_GENERIC = {"people", "more", "than", "least", "some", "about", "around", "over", "nearly", "almost", "said",
            "says", "according", "officials", "official", "total", "number", "including", "also", "were",
            "have", "been", "from", "their", "with", "this", "that", "there", "they", "which", "after"}


def _stem(word: str) -> str:
    """Five-letter prefix: flooded/flooding/floods -> 'flood', displaced/displacement -> 'displ'."""
    return word.lower()[:5]


def figure_context(sentence: str, q: Quantity, window: int = 70) -> set[str]:
    """Stems of the content words near the figure (the figure and its counted noun left out)."""
    rest = sentence[max(0, q.start - window) : q.start] + " " + sentence[q.end : q.end + window]
    return {_stem(w) for w in re.findall(r"[A-Za-z]{4,}", rest)
            if w.lower() not in _CONTEXT_STOP and w.lower() not in _GENERIC
            and lemma(w) != q.lemma}


def _capitalised(sentence: str) -> set[str]:
    return {w for w in re.findall(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]{2,}\b", sentence)}


def _days_apart(a: str | None, b: str | None) -> int:
    from datetime import date

    if not a or not b:
        return 0
    try:
        return abs((date.fromisoformat(a[:10]) - date.fromisoformat(b[:10])).days)
    except ValueError:
        return 0


def _same_subject(a: Figure, b: Figure) -> bool:
    if a.quantity.lemma != b.quantity.lemma or a.quantity.unit != b.quantity.unit:
        return False
    lo, hi = sorted((a.quantity.value, b.quantity.value))
    if lo <= 0 or hi / lo > 2.0:
        return False  # far apart: different things counted
    if _days_apart(a.date, b.date) > MAX_DAYS_APART:
        return False
    if not a.context & b.context:
        return False  # nothing around the two figures in common: likely different things counted
    ca, cb = _capitalised(a.sentence), _capitalised(b.sentence)
    if ca and cb and not (ca & cb):
        return False  # figures about different places / actors
    return True


_LOWER_BOUND = re.compile(r"\b(at least|more than|more-than|over|upwards of|in excess of)\s*$", re.IGNORECASE)
_UPPER_BOUND = re.compile(r"\b(up to|fewer than|less than|at most|under|as many as)\s*$", re.IGNORECASE)


def _bound(f: Figure) -> str | None:
    before = f.sentence[max(0, f.quantity.start - 16) : f.quantity.start]
    return "lower" if _LOWER_BOUND.search(before) else "upper" if _UPPER_BOUND.search(before) else None


def _conflict(a: Figure, b: Figure) -> bool:
    """Different values that cannot both hold: 'more than 200' and '276' agree."""
    if a.quantity.value == b.quantity.value:
        return False
    lo, hi = (a, b) if a.quantity.value < b.quantity.value else (b, a)
    hedged = any(_HEDGE.search(f.sentence[max(0, f.quantity.start - 14) : f.quantity.start]) for f in (a, b))
    if hedged and hi.quantity.value <= lo.quantity.value * 1.05:
        return False  # 'over 50' vs 'more than 51': the same estimate
    if _bound(lo) == "lower" and _bound(hi) is None:
        return False
    if _bound(hi) == "upper" and _bound(lo) is None:
        return False
    return True


_HEDGE = re.compile(r"\b(at least|more than|more-than|over|nearly|almost|about|around|some|up to|roughly|"
                    r"approximately|fewer than|less than|at most)\s*$", re.IGNORECASE)


def _subject(group: list[Figure], lem: str) -> str:
    """Counted noun plus the word around the figures that all reports share: 'people (displaced)'."""
    noun = group[0].quantity.noun or lem
    counts = Counter(stem for f in group for stem in f.context)
    shared = {stem for stem, n in counts.items() if n * 2 >= len(group) and n >= 2}
    f = group[0]
    words_near = [(abs(m.start() - f.quantity.start), m.group()) for m in re.finditer(r"[A-Za-z]{4,}", f.sentence)
                  if _stem(m.group()) in shared and m.group()[0].islower()]
    return f"{noun} ({min(words_near)[1]})" if words_near else noun


def find_discrepancies(figures: list[Figure]) -> list[Discrepancy]:
    """Same counted thing + close context + different values across non-copy articles."""
    usable = [f for f in figures if f.quantity.lemma and f.quantity.unit != "percent"
              and f.quantity.lemma not in _MEASURE_NOUNS and f.quantity.value >= MIN_VALUE]
    by_lemma: dict[str, list[Figure]] = defaultdict(list)
    for f in usable:
        by_lemma[f.quantity.lemma].append(f)
    out: list[Discrepancy] = []
    for lem, figs in by_lemma.items():
        # one article giving several values for the thing is an update story, not a conflict
        figs = [f for f in figs if not any(g.article_id == f.article_id and g.quantity.value != f.quantity.value
                                           and _same_subject(f, g) for g in figs)]
        groups: list[list[Figure]] = []
        for f in figs:  # complete linkage: a figure joins a group only if it matches every member
            for g in groups:
                if all(_same_subject(f, h) for h in g):
                    g.append(f)
                    break
            else:
                groups.append([f])
        for g in groups:
            values: dict[float, list[Figure]] = defaultdict(list)
            for f in g:
                values[f.quantity.value].append(f)
            if len(values) < 2:
                continue
            if len({f.article_id for f in g}) < 2:
                continue
            if not any(_conflict(x, y) and x.article_id != y.article_id for x in g for y in g):
                continue
            dv = []
            for value, fs in sorted(values.items()):
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
            out.append(Discrepancy(subject=_subject(g, lem), values=dv, note=note))
    return out
