"""Quantities in sentences ("1.7 million people", "$2 billion", "two dozen aircraft") and
discrepancies between sources reporting different figures for the same thing.

Written by hand: number-word parsers exist, but none knows which numbers in news text are
dates, years, ages, clock times or parts of names, nor which noun a figure counts.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from storyweave.config import DiscrepancyParams
from storyweave.model import Discrepancy, DiscrepancyValue
from storyweave.nlp.date_patterns import MONTH_NAMES, MONTH_WORD, WEEKDAY_NAMES
from storyweave.nlp.fastre import guarded
from storyweave.nlp.stop_words import FIGURE_CONTEXT, NOUN_PHRASE_END
from storyweave.nlp.stop_words import english as english_stop_words
from storyweave.stages.analysis.lexicon import currency_signs, currency_words, is_verb_form, lemma_of

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
_MONTHS = MONTH_WORD
_WORDNUM = "|".join(sorted((k for k in _SMALL if k not in {"a", "an", "half"}), key=len, reverse=True))


@lru_cache(maxsize=1)
def _num_re() -> re.Pattern[str]:
    """Figures with an optional currency sign (Babel's ISO 4217 signs, `lexicon.currency_signs`),
    a scale word and a percent sign."""
    signs = "".join(re.escape(c) for c in currency_signs())
    return guarded(re.compile(  # searched in every sentence: first-character guard, same matches (`nlp.fastre`)
        rf"(?P<cur>US\$|[{signs}])?\s?"
        r"(?P<num>(?<![\w.,/:-])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?=(?:bn|mn|m|k)\b|[^\w,/:-]|$)(?!\.\d)"
        r"|(?<![\w.,/:-])\d+(?:\.\d+)?(?=(?:bn|mn|m|k)\b|[^\w/:-]|$)(?![.,]\d)"
        rf"|\b(?:{_WORDNUM})(?:[- ](?:{_WORDNUM}))?\b|\b(?:a|an|half a)\b(?=\s+(?:dozen|hundred|thousand|million|billion)\b))"
        r"(?:\s?(?P<scale>hundred|thousand|million|billion|trillion|dozen|mn|bn|m|k)\b)?"
        r"(?:\s?(?P<pct>%|per\s?cent\b|percent\b))?",
        re.IGNORECASE,
    ))


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
_IRREGULAR = {"people": "people", "persons": "people", "person": "people", "children": "child",
              "men": "man", "women": "woman", "casualties": "casualty", "lives": "life",
              "aircraft": "aircraft", "troops": "troop", "police": "police", "data": "data"}
_AGE = guarded(re.compile(r"\baged?\b|\bage of\b|\byears? old\b|-year-old", re.IGNORECASE))  # `nlp.fastre`


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
    predicate: str | None = None  # what happened to what is counted, as written ("fled", "killing")
    predicate_lemma: str | None = None  # its lemma ("flee", "kill")
    part: bool = False  # '12 more people', '128 other politicians': an increment or a subset, not a total


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


def _is_date_or_year(sentence: str, m: re.Match[str]) -> bool:
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
        if low in NOUN_PHRASE_END:
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
_SUBJECT_BEFORE = guarded(_SUBJECT_BEFORE)  # first-character guard, same matches (`nlp.fastre`)


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
    for m in _num_re().finditer(sentence_text):
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
            cur = m.group("cur")
            unit = "USD" if cur.lower() == "us$" else currency_signs().get(cur, "money")
        noun, noun_end = _counted_noun(sentence_text, m.end(), bool(scale or m.group("cur")))
        if glued_m and (noun is None or lemma(noun) in _MEASURE_NOUNS or not _is_plural(noun)):
            continue  # "5 m" / "100m sprint": metres, not millions
        if noun and noun.lower() in currency_words():
            unit, noun = currency_words()[noun.lower()], None
        if noun and noun[0].isupper():
            noun = None  # '24 Ukraine...' : a name follows, not a counted noun
        if noun is None and unit is None:
            noun = _subject_before(sentence_text[: m.start()])
        if num.lower() in {"a", "an", "one", "half a"} and not scale and not noun:
            continue  # "one of", "a" alone: not a figure
        start = m.start("cur") if m.group("cur") else m.start("num")
        text = sentence_text[start : m.end()].rstrip()
        pred = predicate(sentence_text, start, noun_end)
        part = _is_part(sentence_text, start, m.end(), noun_end)
        if (re.search(r"\beach\b|\bapiece\b", sentence_text[max(0, start - 40) : start], re.IGNORECASE)
                or _RATE.match(sentence_text, m.end()) or _RATE.match(sentence_text, noun_end)):
            unit = "rate"  # '$70 a share', 'each person will receive $1.84 million': per unit, not a total
        out.append(Quantity(text, value, start, start + len(text), unit, noun,
                            lemma(noun) if noun else None, pred,
                            (lemma_of(pred) or pred.lower()) if pred else None, part))
    return out


# English auxiliaries, modals and sentence adverbs that stand between a counted noun and its verb
# ("people have reportedly fled"); general English grammar, not data.
_AUX = {"have", "has", "had", "having", "were", "was", "are", "is", "be", "been", "being", "will", "would",
        "could", "may", "might", "must", "should", "can", "reportedly", "already", "also", "now", "still",
        "since", "so", "far", "all", "who", "that", "which", "not", "just", "either", "both", "each",
        "officially", "confirmed", "believed", "thought", "feared", "estimated", "said", "to"}
# words between a verb and the figure it governs ("killing at least 84", "injuring another 40")
_BEFORE_FIGURE = {"at", "least", "most", "more", "than", "over", "about", "some", "nearly", "almost", "around",
                  "another", "the", "a", "an", "estimated", "up", "to", "as", "many", "roughly", "approximately",
                  "only", "just", "fewer", "less", "close", "all", "of", "its", "their", "his", "her", "our"}
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*|[^\sA-Za-z]")


def _verb_like(word: str) -> bool:
    return word[:1].islower() and word.isalpha() and is_verb_form(word)


# '$70 a share', '$82 a Harbor Corp share' (up to two capitalised words may name the unit's owner)
_RATE = re.compile(r"(?:-|\s+)(?:a|an|per)(?:-|\s+)(?:[A-Z][\w.&’'-]*\s+){0,2}[a-z]+\b(?!\s+(?:of|ago|after|before|earlier|later)\b)")
# a sentence that places its figures in the past ('eight months ago', 'last year'): another happening
_PAST = re.compile(r"\b(?:ago|last (?:year|month)|(?:a|one|two|three) (?:years?|months?) (?:earlier|before))\b",
                   re.IGNORECASE)


def _is_part(sentence: str, start: int, end: int, noun_end: int) -> bool:
    """A figure that is an increment or a part of a total, by its grammar: '12 more people',
    '128 other politicians', 'including 10 children', '10 citizens and two pilots' (one term of a
    sum), '$140 billion for defense and $20 billion ...'."""
    if re.match(r"\s+(?:more|other|additional|further|extra)\b", sentence[end:], re.IGNORECASE):
        return True
    if re.search(r"\b(?:including|among them|of them|of whom)\s+(?:at least\s+|some\s+|about\s+)?$",
                 sentence[max(0, start - 30) : start], re.IGNORECASE):
        return True
    m = re.match(rf"([^;:!?]{{0,40}}?)\s(?:and|plus)\s+(?:\$|€|£)?(?:\d|(?:{_WORDNUM})\b)", sentence[end : end + 60],
                 re.IGNORECASE)
    # 'killed, and 527 were injured' joins two clauses (a verb between), not two terms of a sum
    return m is not None and not any(_verb_like(w) for w in re.findall(r"[A-Za-z]+", m.group(1)))


def predicate(sentence: str, start: int, noun_end: int) -> str | None:
    """The word saying what happened to what a figure counts, by position: the first verb (or a
    verb-derived adjective: 'dead' is not, 'injured' is) after the counted noun past auxiliaries
    and an ', including …,' aside ('1.7 million Ukrainians have fled' -> 'fled'), else the verb
    just before the figure past hedges ('killing at least 84 people' -> 'killing').  'dead' is the
    one adjective taken: the usual way to say 'killed' with a figure ('left 70 people dead')."""
    tokens = [t.group() for t in _TOKEN.finditer(sentence[noun_end:])][:12]
    i = 0
    if tokens[:2] and tokens[0] == "," and tokens[1].lower() in {"including", "among"}:
        i = next((k + 1 for k in range(2, len(tokens)) if tokens[k] == ","), len(tokens))
    first = i
    if i + 1 < len(tokens) and tokens[i] in {"and", "or"} and _is_plural(tokens[i + 1]):
        i += 2  # 'girls and women kidnapped'
    while i < len(tokens) and tokens[i].lower() in _AUX:
        i += 1
    if i < len(tokens) and (_verb_like(tokens[i]) or tokens[i].lower() == "dead"):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if nxt.lower() == "dead" or (nxt.lower().endswith("ed") and _verb_like(nxt)):
            return nxt  # 'were reported killed', 'are feared dead': the second word says what happened
        return tokens[i]
    if i > first and i < len(tokens) and tokens[i].lower() == "in":
        # a state: 'are in custody', 'were in critical condition' (adjectives skipped, by the tables)
        for w in tokens[i + 1 : i + 4]:
            if not w.isalpha() or not w[0].islower():
                break
            if lemma_of(w, "adj") != w.lower():
                return w
    if i > first:
        return None  # the figure is the subject of its own clause ('say 13 people are in custody')
    before = [t.group() for t in _TOKEN.finditer(sentence[max(0, start - 60) : start])]
    for k in range(len(before) - 1, max(-1, len(before) - 6), -1):
        w = before[k]
        if w.lower() in _BEFORE_FIGURE:
            continue
        if k > 0 and before[k - 1].lower() in _NOUN_BEFORE:
            return None  # 'on lap 28', 'the block 5': a noun naming the figure, not a verb
        return w if _verb_like(w) and w.lower() not in _AUX else None
    return None


# prepositions and determiners: the word after them is a noun ('on lap 28'), not a verb
_NOUN_BEFORE = {"on", "in", "at", "of", "the", "a", "an", "for", "with", "from", "into", "its", "their", "this", "that"}


# ---- discrepancies -------------------------------------------------------------------------

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


# a capitalised or all-capital word, its possessive "'s" left out ('St George's Hospital', 'FURIOUS 7')
_NAME_WORD = re.compile(r"\b([A-Z][a-z]+|[A-Z]{2,})(?:['’]s)?\b")


_TIME_NAMES = set(MONTH_NAMES) | set(WEEKDAY_NAMES)


def _names(sentence: str) -> list[tuple[str, ...]]:
    """Runs of capitalised words ('Croydon University Hospital', 'Costa Rica'), title-cased so an
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
    """Do two sentences name one thing (one run of capitalised words inside the other: 'Chibok'
    in 'Chibok girls', but not 'Hospital' of 'St George's Hospital' in 'Croydon University
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


def _same_subject(a: Figure, b: Figure) -> bool:
    return same_quantity(a, b)


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


def _usable(f: Figure, p: DiscrepancyParams = _DEFAULT) -> bool:
    """A figure worth comparing: a total of something (not a percentage, rate, increment or subset;
    not a measure), big enough, with a counted noun or a predicate.  A count ("unit" None) needs
    a plural noun: a singular one makes the figure an identifier or a modifier ('the 3000 block')."""
    q = f.quantity
    if _PAST.search(f.sentence):
        return False
    if q.part or (q.unit is None and q.noun and not _is_plural(q.noun) and q.value != 1):
        return False
    return (q.unit not in {"percent", "rate"} and q.value >= p.min_value and (q.lemma is None or q.lemma not in _MEASURE_NOUNS)
            and bool(q.lemma or q.predicate_lemma))


def discrepant(a: Figure, b: Figure, p: DiscrepancyParams = _DEFAULT) -> bool:
    """One pair of figures of different articles: same quantity, values that disagree."""
    return (a.article_id != b.article_id and _usable(a, p) and _usable(b, p) and same_quantity(a, b, p=p)
            and values_disagree(a, b, p))


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
