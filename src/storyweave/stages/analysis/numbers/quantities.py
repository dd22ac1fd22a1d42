"""Quantities in sentences ("1.7 million people", "$2 billion", "two dozen aircraft"): the
figure, its value, its unit, the noun it counts and the word saying what happened to it.

Written by hand: number-word parsers exist, but none knows which numbers in news text are
dates, years, ages, clock times or parts of names, nor which noun a figure counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from storyweave.nlp.date_patterns import MONTH_WORD
from storyweave.nlp.fastre import guarded
from storyweave.nlp.stop_words import NOUN_PHRASE_END
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
MEASURE_NOUNS = _TIME_NOUNS | {
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


def is_plural(word: str) -> bool:
    """Plural by rule, as `lemma` reads it: a word of its irregular table ('people', 'aircraft')
    or an -s ending ('refugees'; not 'virus', 'crisis', 'gas')."""
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
        if (is_plural(w) and w[0].islower()) or lemma(w) in MEASURE_NOUNS:
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
    """Is the figure at `pos` glued to a capitalised word mid-sentence (a name like 'Kestrel 9')?"""
    m = re.search(r"(\S+)\s+(\S+)\s$|(?:^|\s)(\S+)\s$", sentence[:pos])
    if not m:
        return False
    prev = m.group(2) or m.group(3)
    prev2 = m.group(1)
    if prev and prev.lower() in {"no.", "#", "number"}:
        return True  # "No. 10 Varrow Road"
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
            continue  # model or series number: Aerion 420, Kestrel 9, Article 5
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
        if glued_m and (noun is None or lemma(noun) in MEASURE_NOUNS or not is_plural(noun)):
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
    if i + 1 < len(tokens) and tokens[i] in {"and", "or"} and is_plural(tokens[i + 1]):
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
