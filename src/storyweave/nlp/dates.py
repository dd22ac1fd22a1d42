"""Date expressions in news text, resolved against the report's own date.

Public entry point: `resolve_dates(text, published)` -> `DateMention`s in text order, each with
its ISO `date` at its own granularity ("2022-03-07" day, "2022-03" month, "2022" year).
`published` is the report's date (a `date`, an ISO string, or None: then only expressions that
state their year are resolved).

Why this is hand-written: dateparser's `search_dates` (a dependency) finds many non-dates and
resolves relative expressions without tense (0.34 value F1 on TimeBank against 0.89 here, see
BENCHMARKS.md "Dates (TimeBank)"); HeidelTime and SUTime are Java programs (HeidelTime is
scored as a reference in the same benchmark); Microsoft's recognizers-text-date-time (pure
Python, last release a 2019 alpha that needs an old `emoji`) returns both the past and the next
"Tuesday" and leaves "June" without a year, i.e. exactly the decisions made here.
What is ours follows the TimeML conventions (TimeML 1.2 / TIMEX3 guidelines):
- an expression is resolved at its own granularity: "last year" -> "2021", "in June" -> "2022-06",
  "this month" -> "2022-03", "Monday" -> a day;
- a weekday or a year-less month is placed by the tense of its clause: "would open Tuesday" is
  the next Tuesday after the report, "on Monday ... brought no results" the last one, and a weekday
  equal to the report's own weekday is the report's day ("Monday's talks" in a Monday report).
  Tense comes from auxiliaries and verb forms near the expression (`_clause_tense`), general
  English grammar: will/would/shall/'ll/going to/is to/expected to mark the future; -ed forms and
  the common irregular past forms the past; with no cue the past wins (news report what happened).
Weeks, quarters, seasons, decades ("the 1990s") and "now"-like words get no value (the output
contract has day, month and year only).  `date_refs` keeps the mentions the output lists;
`start_dates` (from `find_start_dates`) resolves "the eighth day of the strike".
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from storyweave.nlp.date_patterns import (
    MONTH_AP_ABBREVIATION,
    MONTH_FULL,
    MONTH_NUMBER,
    MONTH_WORD,
    WEEKDAY_NAMES,
    WEEKDAY_WORD,
)
from storyweave.nlp.fastre import guarded, word_alternation

MONTHS = MONTH_NUMBER  # "january"/"jan"/"sept" -> 1..12
WEEKDAYS = {name: number for number, name in enumerate(WEEKDAY_NAMES)}  # "monday" -> 0 (date.weekday())
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "hundredth": 100,
}
# English number words (general English) for "two years ago", "nineteen ninety-six"
_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
          "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_SMALL_NUMS = {**_UNITS, "a": 1, "an": 1}
_START_NOUNS = ("invasion", "war", "strike", "strikes", "offensive", "talks", "siege", "attack", "attacks",
                "operation", "blockade", "ceasefire", "protests", "protest", "conflict", "shelling", "bombing",
                "negotiations", "summit", "crisis", "occupation", "assault", "campaign", "fighting")

_M = MONTH_WORD
_MFULL = MONTH_FULL
_WD = WEEKDAY_WORD
# the number words longest first, as tries (same matches, fewer comparisons at each word; `nlp.fastre`)
_ORD = word_alternation(sorted(ORDINALS, key=len, reverse=True))
_NUMW = word_alternation(sorted([*_UNITS, *_TENS], key=len, reverse=True))
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_SPELLED_YEAR = (rf"(?:nineteen[\s-]+(?:{_NUMW})(?:[\s-]+(?:{_NUMW}))?"
                 rf"|two\s+thousand(?:\s+and)?(?:[\s-]+(?:{_NUMW})(?:[\s-]+(?:{_NUMW}))?)?)")
_EDGE = r"(?:early|late|mid|the\s+middle\s+of|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of)"

_EXPLICIT = re.compile(
    rf"(?:\b(?P<wd0>{_WD}),?\s+)?"
    rf"(?:\b(?P<m1>{_M})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y1>\d{{4}})\b)?"
    rf"|\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_M})\b\.?(?:,?\s+(?P<y2>\d{{4}})\b)?"
    rf"|\b(?P<iso>(?P<y3>\d{{4}})-(?P<m3>\d{{2}})-(?P<d3>\d{{2}}))\b)",
    re.IGNORECASE,
)
# "March eighth" (spoken style): a month and an ordinal word
_MONTH_ORD = re.compile(rf"\b(?P<m>{_MFULL})\s+(?:the\s+)?(?P<ord>{_ORD})\b", re.IGNORECASE)
# a month with its year: "August 1988", "mid-November 1988", "June last year", "January this year"
_MONTH_YEAR = re.compile(
    rf"\b(?:{_EDGE}[\s-]+)?(?P<m>{_M})\.?(?:,?\s+(?P<y>{_YEAR})\b|\s+(?:of\s+)?(?P<rel>this|last|next)\s+year\b)",
    re.IGNORECASE)
# a month alone: "in June", "last April", "early September", "mid-November"
_MONTH = re.compile(rf"\b(?:(?P<dir>last|this|next|this\s+past|this\s+coming)\s+|(?P<edge>{_EDGE})[\s-]+)?"
                    rf"(?P<m>{_MFULL}|{MONTH_AP_ABBREVIATION})(?![\w-])", re.IGNORECASE)
_YEARS = re.compile(
    rf"(?<![\d$£€,.])\b(?:(?:fiscal|calendar|the\s+year|{_EDGE})\s+)?(?P<y>{_YEAR})\b(?![,.]\d|\s*%|-\d|')"
    rf"|\b(?:the\s+year\s+)?(?P<spelled>{_SPELLED_YEAR})\b",
    re.IGNORECASE)
_RELATIVE = re.compile(
    rf"\b(?P<today>(?:(?:late|early|earlier|later)\s+)?(?:today|tonight|this\s+(?:morning|afternoon|evening)))\b"
    rf"|\b(?P<yesterday>(?:(?:late|early)\s+)?yesterday(?:\s+(?:morning|afternoon|evening))?|last\s+night)\b"
    rf"|\b(?P<tomorrow>tomorrow(?:\s+(?:morning|afternoon|evening|night))?)\b"
    rf"|\b(?P<ago>(?P<n>\d+|{_NUMW}|a|an)\s+(?P<unit>days?|weeks?|months?|years?)\s+(?:ago|earlier))\b"
    rf"|\b(?P<week>(?P<wdir>last|next|this|earlier\s+this|later\s+this)\s+week)\b"
    rf"|\b(?P<relper>(?:(?:earlier|later|early|late)\s+)?(?P<pdir>this|last|next|the\s+past|the\s+previous|the\s+coming)"
    rf"\s+(?P<period>month|year))\b(?!-)"
    rf"|\b(?P<wdphrase>(?:(?P<on>on)\s+)?(?:(?P<dir>last|next|this|this\s+past|this\s+coming)\s+)?(?P<wd>{_WD}))\b"
    rf"(?:\s+(?P<part>morning|afternoon|evening|night))?"
    rf"|\b(?P<dayof>(?:the\s+)?(?:(?P<ord>{_ORD})|(?P<ordn>\d{{1,3}})(?:st|nd|rd|th))\s+day\s+of\s+(?:the\s+|a\s+)?"
    rf"(?:[A-Z]?[a-z]+\s+){{0,2}}?(?P<noun>{'|'.join(_START_NOUNS)})\b"
    rf"|day\s+(?P<dayn>\d{{1,3}})\s+of\s+(?:the\s+)?(?:[A-Z]?[a-z]+\s+){{0,2}}?(?P<noun2>{'|'.join(_START_NOUNS)})\b)",
    re.IGNORECASE,
)
_START_VERBS = re.compile(r"\b(began|begun|started|launched|invaded|broke out|erupted|opened|since|start|beginning)\b",
                          re.IGNORECASE)
# Every pattern above scans whole texts: behind a first-character guard (same matches, about 2x
# faster; `nlp.fastre`).
_EXPLICIT, _MONTH_ORD, _MONTH_YEAR, _MONTH, _YEARS, _RELATIVE, _START_VERBS = map(
    guarded, (_EXPLICIT, _MONTH_ORD, _MONTH_YEAR, _MONTH, _YEARS, _RELATIVE, _START_VERBS))

# --- tense of a clause (general English grammar) ---------------------------------------------
# future: modal/periphrastic future and scheduling words ("is due", "expected to", "plans to")
_MODALS_FUTURE = {"will", "would", "shall", "'ll", "wo", "won't", "wouldn't"}
_SCHEDULE = {"scheduled", "expected", "due", "slated", "set", "planned", "plans", "plan", "intends", "hopes",
             "expects", "upcoming", "next", "going", "aims", "ahead", "payable"}
_BE_PRESENT = {"is", "are", "am", "'s", "'re"}
_HAVE_PRESENT = {"has", "have", "'ve"}
_AUX = _BE_PRESENT | _HAVE_PRESENT | {"was", "were", "had", "be", "been", "being", "get", "got", "'d"} | _MODALS_FUTURE
# common irregular past forms (English grammar reference lists of irregular verbs)
_IRREGULAR_PAST = {
    "said", "told", "was", "were", "had", "did", "made", "came", "went", "took", "gave", "got", "met", "left",
    "held", "began", "fell", "rose", "won", "lost", "sold", "bought", "paid", "sent", "spent", "kept", "brought",
    "thought", "saw", "found", "knew", "led", "ran", "spoke", "wrote", "broke", "chose", "drove", "flew", "grew",
    "threw", "became", "felt", "heard", "meant", "stood", "understood", "sought", "caught", "taught", "fought",
    "built", "lent", "dealt", "swore", "woke", "froze", "stole", "hung", "slid", "sank", "shook", "overtook",
    "withdrew", "ago", "yesterday", "earlier", "didn't", "wasn't", "weren't", "hadn't",
}
# words ending in -ed that are no past forms
_NOT_PAST_ED = {"need", "speed", "seed", "feed", "proceed", "exceed", "succeed", "indeed", "red", "bed", "hundred",
                "shed", "breed", "weed", "greed", "creed", "naked", "wicked", "sacred", "kindred", "bled"}
# after "to", words that show it is a preposition, not an infinitive marker
_NOT_VERB_AFTER_TO = {"the", "a", "an", "his", "her", "its", "their", "our", "my", "your", "this", "that", "these",
                      "those", "some", "any", "all", "be", "about", "around", "nearly", "almost", "date", "day",
                      "him", "them", "us", "me", "it", "what", "where", "when", "one", "two", "three", "four",
                      "five", "six", "seven", "eight", "nine", "ten", "record", "new", "more", "less", "just"}
_CLAUSE_BREAK = re.compile(r"[.;!?:\n]|,\s+(?:and|but|while|when|after|before|as|which|who|although)\b|``|''|\"")
_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?|'[a-z]+")


def _word_tense(words: list[str], i: int) -> str | None:
    """Tense cue of words[i] in its context, or None."""
    w = words[i].lower()
    prev = words[i - 1].lower() if i else ""
    if w in _MODALS_FUTURE:
        return "future"
    if w in _SCHEDULE and (w not in {"set", "due", "expected", "scheduled", "slated", "planned", "going"}
                           or prev in _AUX or (i + 1 < len(words) and words[i + 1].lower() in {"to", "for"})):
        return "future"
    if w == "to" and i + 1 < len(words):
        nxt = words[i + 1]
        if nxt.islower() and nxt not in _NOT_VERB_AFTER_TO and not nxt.endswith(("ing", "ed", "s")) and i:
            return "future"  # "agreed to meet Tuesday": an infinitive looks ahead of its clause
        return None
    if w in _BE_PRESENT and i + 1 < len(words) and words[i + 1].lower() == "to":
        return "future"  # "the president is to visit"
    is_past_form = w in _IRREGULAR_PAST or (len(w) > 4 and w.endswith("ed") and w not in _NOT_PAST_ED)
    if is_past_form and prev in _AUX:  # a participle takes its auxiliary's tense
        if prev in _MODALS_FUTURE or prev in {"be", "been", "being"} and i > 1 and words[i - 2].lower() in _MODALS_FUTURE:
            return "future"
        return "past" if prev in {"was", "were", "had", "got", "has", "have", "'ve", "been"} else None
    return "past" if is_past_form else None


def _clause_before(text: str, start: int, width: int = 100) -> str:
    before = text[max(0, start - width):start]
    return _CLAUSE_BREAK.split(before)[-1]


def _clause_after(text: str, end: int, width: int = 80) -> str:
    return _CLAUSE_BREAK.split(text[end:end + width])[0]


def _clause_tense(text: str, start: int, end: int) -> str | None:
    """'future', 'past' or None (no cue) for the clause around text[start:end].

    The nearest tense cue before the expression decides ("said it would open Tuesday": 'would';
    "talks that began Monday": 'began'); an expression that opens its clause ("On Monday, the
    talks will...") reads the words after it, up to the first cue.
    """
    before = _WORD.findall(_clause_before(text, start))
    for i in range(len(before) - 1, -1, -1):
        tense = _word_tense(before, i)
        if tense:
            return tense
    if len([w for w in before if w.lower() not in {"on", "and", "but", "then", "late", "early", "by", "in"}]) > 1:
        return None  # words before it but no cue: do not read past the expression
    after = _WORD.findall(_clause_after(text, end))
    for i in range(len(after)):
        tense = _word_tense(after, i)
        if tense:
            return tense
    return None


@dataclass
class DateMention:
    """A date expression at `start:end` of the text it was found in, resolved to `date`: ISO at
    the expression's `granularity` ("day" `YYYY-MM-DD`, "month" `YYYY-MM`, "year" `YYYY`), or
    None when nothing anchors it (or it is a week, which has no such value)."""

    phrase: str
    start: int
    end: int
    date: str | None
    kind: str  # "explicit" | "relative" | "weekday" | "dayof" | "week" | "month" | "year"
    granularity: str = "day"  # "day" | "month" | "year" | "week"

    @property
    def value(self) -> str | None:
        """The resolved ISO value (an alias of `date`)."""
        return self.date


def _iso(d: date) -> str:
    return d.isoformat()


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def parse_iso(value: str | date | None) -> date | None:
    """The date of an ISO string (its first 10 characters) or of a date; None when empty or invalid."""
    if isinstance(value, date):
        return value
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _number(words: str) -> int | None:
    """'ninety-six' -> 96, 'two' -> 2, '12' -> 12 (None when not a number)."""
    total = 0
    for w in re.split(r"[\s-]+", words.lower().strip()):
        if w.isdigit():
            total += int(w)
        elif w in _SMALL_NUMS:
            total += _SMALL_NUMS[w]
        elif w in _TENS:
            total += _TENS[w]
        elif w == "and":
            continue
        else:
            return None
    return total


def _spelled_year(s: str) -> int | None:
    s = s.lower()
    if s.startswith("nineteen"):
        rest = _number(re.sub(r"^nineteen[\s-]+", "", s))
        return 1900 + rest if rest is not None and rest < 100 else None
    rest_s = re.sub(r"^two\s+thousand(\s+and)?", "", s).strip(" -")
    rest = _number(rest_s) if rest_s else 0
    return 2000 + rest if rest is not None and rest < 100 else None


# --- explicit dates ------------------------------------------------------------------------------


def _year_for(month: int, day: int | None, anchor: date, tense: str | None) -> int:
    """Year of a year-less month (day): the anchor's, unless the tense points across a year end."""
    y = anchor.year
    here = (month, day or 1)
    now = (anchor.month, anchor.day if day else 1)
    if tense == "past" and here > now and month - anchor.month > 1:
        return y - 1  # "in November" said in February, in the past
    if tense == "future" and here < now and anchor.month - month > 1:
        return y + 1  # "in January" said in November, in the future
    if tense is None and month - anchor.month > 6:
        return y - 1  # no tense: the nearest such month
    if tense is None and anchor.month - month > 8:
        return y + 1  # "in January" read in November
    return y


def _explicit_date(m: re.Match[str], anchor: date | None, tense: str | None = None) -> tuple[date | None, bool]:
    """(date, had_year) of an explicit match; a year-less date takes the anchor's year."""
    if m.group("iso"):
        return _safe_date(int(m.group("y3")), int(m.group("m3")), int(m.group("d3"))), True
    month = MONTHS[(m.group("m1") or m.group("m2")).lower()]
    day = int(m.group("d1") or m.group("d2"))
    year_s = m.group("y1") or m.group("y2")
    if year_s:
        return _safe_date(int(year_s), month, day), True
    if anchor is None:
        return None, False
    d = _safe_date(anchor.year, month, day)
    if d and d > anchor + timedelta(days=90) and tense != "future":
        d = _safe_date(anchor.year - 1, month, day)  # "on December 30" read in January
    elif d and (d < anchor - timedelta(days=180) and tense == "future"
                or d < anchor - timedelta(days=270) and tense is None):
        d = _safe_date(anchor.year + 1, month, day)  # "payable Jan. 2" read in November
    return d, False


def _looks_like_date(m: re.Match[str], text: str) -> bool:
    """'may' and 'march' are words too: require a capital month or a day number right next to it."""
    month = m.group("m1") or m.group("m2")
    if month and not month[0].isupper():
        return False
    if m.group("d2") and re.search(r"[\d,.]\s*$", text[: m.start()]):
        return False  # '1,5 March' figures
    if m.group("d1") and re.match(r"[.,]\d|\d|\s*%", text[m.end():]):
        return False
    return True


def explicit_dates(text: str, anchor: date | None = None) -> list[DateMention]:
    """Explicit dates of `text` ('March 3, 2022', '2022-03-03'); a year-less one takes its year from
    `anchor`."""
    out = []
    for m in _EXPLICIT.finditer(text):
        if not m.group("iso") and not _looks_like_date(m, text):
            continue
        tense = _clause_tense(text, m.start(), m.end()) if anchor else None
        d, _ = _explicit_date(m, anchor, tense)
        out.append(DateMention(m.group(0), m.start(), m.end(), _iso(d) if d else None, "explicit", "day"))
    return out


def full_dates(text: str) -> list[tuple[int, date]]:
    """(offset, date) of the dates in `text` that state their year."""
    out = []
    for m in _EXPLICIT.finditer(text):
        if not m.group("iso") and not _looks_like_date(m, text):
            continue
        d, had_year = _explicit_date(m, None)
        if d and had_year:
            out.append((m.start(), d))
    return out


# pure in (text, published): an incremental add asks again for every stored report of its working
# set, so a warm process (server, Python API) reads only the new texts
@lru_cache(maxsize=100_000)
def infer_article_date(text: str, published: str | None = None) -> str | None:
    """Date of an article from its own text.

    A dated dateline or byline in the first 300 characters wins ("KYIV, March 1, 2022"); a
    year-less dateline ("KYIV, March 1 (Reuters)") takes the year of `published`; else
    `published` itself; else the latest year-bearing date stated anywhere in the text.
    """
    lead = text[:300]
    dated = full_dates(lead)
    if dated:
        return _iso(dated[0][1])
    pub = parse_iso(published)
    if pub:
        for m in _EXPLICIT.finditer(lead):
            if m.group("iso") or not _looks_like_date(m, lead):
                continue
            d, _ = _explicit_date(m, pub)
            if d and abs((d - pub).days) <= 3:
                return _iso(d)
        return _iso(pub)
    stated = full_dates(text)
    return _iso(max(d for _, d in stated)) if stated else None


def find_start_dates(texts: list[tuple[str, date | None]]) -> dict[str, str]:
    """Start dates stated in (text, anchor) pairs: 'the strike began on March 2' -> {'strike': ...}."""
    votes: dict[str, Counter[str]] = {}
    for text, anchor in texts:
        for noun, day in start_votes(text, anchor):
            votes.setdefault(noun, Counter())[day] += 1
    return {n: c.most_common(1)[0][0] for n, c in votes.items()}


@lru_cache(maxsize=100_000)  # pure in (text, anchor): a warm process (server, API) re-reads stored texts on every add
def start_votes(text: str, anchor: date | None) -> tuple[tuple[str, str], ...]:
    """The (noun, start date) votes of one text, in text order (see `find_start_dates`)."""
    out: list[tuple[str, str]] = []
    if not _START_VERBS.search(text):
        return ()
    # a rough scan window, never shown: text.split_sentences is not needed for a vote
    for s in re.split(r"(?<=[.!?])\s+|\n+", text):
        if not _START_VERBS.search(s):
            continue
        nouns = {n for n in _START_NOUNS if re.search(rf"\b{n}\b", s, re.IGNORECASE)}
        if re.search(r"\binvaded\b", s, re.IGNORECASE):
            nouns.add("invasion")
        if not nouns:
            continue
        for mention in explicit_dates(s, anchor):
            if mention.date:
                out += [(_noun_key(n), mention.date) for n in nouns]
    return tuple(out)


def _noun_key(noun: str) -> str:
    n = noun.lower()
    return {"strikes": "strike", "attacks": "attack", "protests": "protest", "negotiations": "talks"}.get(n, n)


# --- relative expressions ------------------------------------------------------------------------


def _weekday_date(m: re.Match[str], text: str, anchor: date) -> date:
    """The weekday's date by its modifier ('last', 'next'), else the tense of its clause."""
    target = WEEKDAYS[m.group("wd").lower()]
    direction = re.sub(r"\s+", " ", (m.group("dir") or "").lower())
    back = (anchor.weekday() - target) % 7
    if direction in {"next", "this coming"}:
        return anchor + timedelta(days=(target - anchor.weekday()) % 7 or 7)
    if direction in {"last", "this past"}:
        return anchor - timedelta(days=back or 7)
    if back == 0:
        return anchor  # "Monday's talks" in a Monday report
    if _clause_tense(text, m.start(), m.end()) == "future":
        return anchor + timedelta(days=(target - anchor.weekday()) % 7)
    return anchor - timedelta(days=back)


def _shift_month(d: date, months: int) -> tuple[int, int]:
    k = d.year * 12 + d.month - 1 + months
    return k // 12, k % 12 + 1


def _relative(m: re.Match[str], text: str, anchor: date | None,
              start_dates: dict[str, str]) -> tuple[str | None, str, str] | None:
    """(value, granularity, kind) of a relative match, or None to drop it."""
    if m.group("dayof"):
        n = ORDINALS.get((m.group("ord") or "").lower()) or int(m.group("ordn") or m.group("dayn") or 0)
        start = parse_iso(start_dates.get(_noun_key(m.group("noun") or m.group("noun2") or "")))
        return (_iso(start + timedelta(days=n - 1)) if start and n else None), "day", "dayof"
    if m.group("week"):
        return None, "week", "week"
    if m.group("wd"):
        if not m.group("wd")[0].isupper() or re.match(r"s\b|'s\s+(?:edition|issue|paper)", text[m.end():]):
            return None  # "Mondays", "Tuesday nights": habitual
        if re.search(r"\b(?:each|every|most|some|other)\s+$", text[max(0, m.start() - 8):m.start()], re.IGNORECASE):
            return None
        return (_iso(_weekday_date(m, text, anchor)) if anchor else None), "day", "weekday"
    if anchor is None:
        return (None, "day", "relative")
    word = m.group(0)
    if (m.group("today") or m.group("tomorrow")) and re.search(r"\bof\s+$", text[max(0, m.start() - 4):m.start()]):
        return None  # "the people of tomorrow", "the world of today": no day
    if word[0].isupper() and re.search(r"[A-Za-z,]\s*$", text[max(0, m.start() - 3):m.start()]):
        return None  # capitalised inside a sentence: a name ("... Today" programme, "Yesterday" song)
    if m.group("today"):
        return _iso(anchor), "day", "relative"
    if m.group("yesterday"):
        return _iso(anchor - timedelta(days=1)), "day", "relative"
    if m.group("tomorrow"):
        return _iso(anchor + timedelta(days=1)), "day", "relative"
    if m.group("ago"):
        count = _number(m.group("n"))
        unit = m.group("unit").lower().rstrip("s")
        if count is None:
            return None
        if unit == "day":
            return _iso(anchor - timedelta(days=count)), "day", "relative"
        if unit == "week":
            return None, "week", "week"
        if unit == "month":
            y, mo = _shift_month(anchor, -count)
            return f"{y:04d}-{mo:02d}", "month", "month"
        return f"{anchor.year - count:04d}", "year", "year"
    if m.group("relper"):
        pdir = re.sub(r"\s+", " ", m.group("pdir").lower())
        step = {"this": 0, "last": -1, "the past": -1, "the previous": -1, "next": 1, "the coming": 1}[pdir]
        if m.group("period").lower() == "year":
            return f"{anchor.year + step:04d}", "year", "year"
        y, mo = _shift_month(anchor, step)
        return f"{y:04d}-{mo:02d}", "month", "month"
    return None


def _month_value(m: re.Match[str], text: str, anchor: date | None) -> str | None:
    month = MONTHS[m.group("m").lower().rstrip(".")]
    direction = re.sub(r"\s+", " ", (m.group("dir") or "").lower())
    if anchor is None:
        return None
    if direction in {"last", "this past"}:
        # "last February" said in March is a year back: the month just past would be "last month"
        y = anchor.year if month < anchor.month - 1 else anchor.year - 1
    elif direction in {"next", "this coming"}:
        y = anchor.year if month > anchor.month else anchor.year + 1
    elif direction == "this":
        y = anchor.year
    else:
        y = _year_for(month, None, anchor, _clause_tense(text, m.start(), m.end()))
    return f"{y:04d}-{month:02d}"


def _bare_month_ok(m: re.Match[str], text: str) -> bool:
    """'May' and 'March' are words too: a bare month needs a capital and, for these two, a date-like
    word before it (in/since/until/by/of/last/early ...)."""
    word = m.group("m")
    if not word[0].isupper():
        return False
    if m.group("dir") or m.group("edge"):
        return True
    if word.lower() in {"may", "march"}:
        prev = re.search(r"(\w+)\W*$", text[max(0, m.start() - 20):m.start()])
        return prev is not None and prev.group(1).lower() in {"in", "since", "until", "till", "by", "of", "through",
                                                        "during", "from", "to", "before", "after", "late",
                                                        "early", "mid", "last", "next", "this", "and"}
    return True


def resolve_dates(text: str, published: date | str | None,
                  start_dates: dict[str, str] | None = None) -> list[DateMention]:
    """Every date expression of `text`, in text order, resolved against `published` (the report's
    own date; a `date` or an ISO string).  `date` is None where nothing anchors the expression."""
    anchor = parse_iso(published)
    start_dates = start_dates or {}
    mentions: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return not any(a < e and s < b for a, b in taken)

    def add(s: int, e: int, value: str | None, kind: str, gran: str) -> None:
        mentions.append(DateMention(text[s:e], s, e, value, kind, gran))
        taken.append((s, e))

    for x in explicit_dates(text, anchor):
        add(x.start, x.end, x.date, "explicit", "day")
    for m in _MONTH_ORD.finditer(text):
        if free(m.start(), m.end()) and m.group("m")[0].isupper() and anchor:
            month, day = MONTHS[m.group("m").lower()], ORDINALS[m.group("ord").lower()]
            d = _safe_date(_year_for(month, day, anchor, _clause_tense(text, m.start(), m.end())), month, day)
            if d:
                add(m.start(), m.end(), _iso(d), "explicit", "day")
    for m in _MONTH_YEAR.finditer(text):
        if not free(m.start(), m.end()) or not m.group("m")[0].isupper():
            continue
        month = MONTHS[m.group("m").lower()]
        if m.group("y"):
            add(m.start(), m.end(), f"{m.group('y')}-{month:02d}", "month", "month")
        elif anchor:
            step = {"this": 0, "last": -1, "next": 1}[m.group("rel").lower()]
            add(m.start(), m.end(), f"{anchor.year + step:04d}-{month:02d}", "month", "month")
    for m in _RELATIVE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        got = _relative(m, text, anchor, start_dates)
        if got is not None:
            add(m.start(), m.end(), got[0], got[2], got[1])
    for m in _MONTH.finditer(text):
        if free(m.start(), m.end()) and _bare_month_ok(m, text):
            add(m.start(), m.end(), _month_value(m, text, anchor), "month", "month")
    for m in _YEARS.finditer(text):
        if not free(m.start(), m.end()):
            continue
        y = int(m.group("y")) if m.group("y") else _spelled_year(m.group("spelled"))
        if y:
            add(m.start(), m.end(), f"{y:04d}", "year", "year")
    mentions.sort(key=lambda x: x.start)
    return _merge_weekday_dates(mentions, text)


def _merge_weekday_dates(mentions: list[DateMention], text: str) -> list[DateMention]:
    """'this coming Sunday, March eighth' is one expression: the stated date's value wins."""
    out: list[DateMention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if (prev and prev.kind == "weekday" and m.kind == "explicit" and m.granularity == "day"
                and re.fullmatch(r",?\s*(?:the\s+)?", text[prev.end:m.start])):
            out[-1] = DateMention(text[prev.start:m.end], prev.start, m.end, m.date, "explicit", "day")
            continue
        out.append(m)
    return out


def date_refs(text: str, published: date | str | None,
              start_dates: dict[str, str] | None = None) -> list[DateMention]:
    """The resolved mentions the output lists: a value at day, month or year granularity."""
    return [m for m in resolve_dates(text, published, start_dates)
            if m.date and m.granularity in {"day", "month", "year"}]


@lru_cache(maxsize=100_000)  # pure; called for every stored article on every add
def article_anchor(text: str, published: str | None) -> date | None:
    """The date relative expressions of an article are read against: its `published` date, given
    or inferred from the text by the events stage (`report_date`, which gives one only when the
    text states it with confidence); else None, and relative expressions stay unresolved unless
    the event or story supplies a date.  The latest date written anywhere in `text` is no anchor:
    on TimeBank as bare text it was a past or future day (a maturity, a recalled event) for 13 of
    14 reports, and a wrong anchor makes every relative date wrong (BENCHMARKS.md, Dates)."""
    del text  # kept in the signature: callers pass the text the date could be read from
    return parse_iso(published)
