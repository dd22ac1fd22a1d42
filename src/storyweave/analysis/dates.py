"""Date expressions in news text, resolved to calendar dates.

Explicit dates ("March 3, 2022", "3 March", "2022-03-03") are matched with regular expressions
(dateparser's `search_dates` is slow and fires on words like "may" or "now").  The relative
logic is ours because it follows news conventions no parser applies: "on Monday" is the most
recent Monday on or before the anchor (publication date) unless the clause speaks of the future;
"the eighth day of the invasion" counts from the invasion's start date stated elsewhere in the
corpus; a month-day without year takes the anchor's year.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "hundredth": 100,
}
_SMALL_NUMS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
               "nine": 9, "ten": 10, "a": 1}
_START_NOUNS = ("invasion", "war", "strike", "strikes", "offensive", "talks", "siege", "attack", "attacks",
                "operation", "blockade", "ceasefire", "protests", "protest", "conflict", "shelling", "bombing",
                "negotiations", "summit", "crisis", "occupation", "assault", "campaign", "fighting")

_M = r"(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)"
_WD = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_ORD = "|".join(sorted(ORDINALS, key=len, reverse=True))

_EXPLICIT = re.compile(
    rf"(?:\b(?P<wd0>{_WD}),?\s+)?"
    rf"(?:\b(?P<m1>{_M})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y1>\d{{4}})\b)?"
    rf"|\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_M})\b\.?(?:,?\s+(?P<y2>\d{{4}})\b)?"
    rf"|\b(?P<iso>(?P<y3>\d{{4}})-(?P<m3>\d{{2}})-(?P<d3>\d{{2}}))\b)",
    re.IGNORECASE,
)
_RELATIVE = re.compile(
    rf"\b(?P<today>today|tonight|this (?:morning|afternoon|evening))\b"
    rf"|\b(?P<yesterday>yesterday|last night)\b"
    rf"|\b(?P<tomorrow>tomorrow)\b"
    rf"|\b(?P<ago>(?P<n>\d+|one|two|three|four|five|six|seven|eight|nine|ten|a) (?P<unit>days?|weeks?) ago)\b"
    rf"|\b(?P<week>(?P<wdir>last|next|this|earlier this|later this) week)\b"
    rf"|\b(?P<wdphrase>(?:(?P<on>on)\s+)?(?:(?P<dir>last|next|this|this past|this coming)\s+)?(?P<wd>{_WD}))\b"
    rf"(?:\s+(?P<part>morning|afternoon|evening|night))?"
    rf"|\b(?P<dayof>(?:the\s+)?(?:(?P<ord>{_ORD})|(?P<ordn>\d{{1,3}})(?:st|nd|rd|th))\s+day\s+of\s+(?:the\s+|a\s+)?"
    rf"(?:[A-Z]?[a-z]+\s+){{0,2}}?(?P<noun>{'|'.join(_START_NOUNS)})\b"
    rf"|day\s+(?P<dayn>\d{{1,3}})\s+of\s+(?:the\s+)?(?:[A-Z]?[a-z]+\s+){{0,2}}?(?P<noun2>{'|'.join(_START_NOUNS)})\b)",
    re.IGNORECASE,
)
_FUTURE = re.compile(r"\b(will|shall|is due|are due|due to|scheduled|plans? to|planned|set to|expected to|"
                     r"to be held|is to|are to|going to|would meet|upcoming|next)\b", re.IGNORECASE)
_PAST_VERB_BEFORE = re.compile(r"\b(said|told|announced|reported|stated|added|wrote|tweeted|was|were|had|did|"
                               r"set up|\w+ed(?: up| down| out)?)\s+(?:on\s+)?$", re.IGNORECASE)
_START_VERBS = re.compile(r"\b(began|begun|started|launched|invaded|broke out|erupted|opened|since|start|beginning)\b", re.IGNORECASE)


@dataclass
class DateMention:
    """A date expression at `start:end` of the text it was found in, resolved to `date` (ISO)."""

    phrase: str
    start: int
    end: int
    date: str | None
    kind: str  # "explicit" | "relative" | "weekday" | "dayof" | "week" (a week, not a day: "last week")


def _iso(d: date) -> str:
    return d.isoformat()


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def parse_iso(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _explicit_date(m: re.Match, anchor: date | None) -> tuple[date | None, bool]:
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
    if d and d > anchor + timedelta(days=90):
        d = _safe_date(anchor.year - 1, month, day)  # "on December 30" read in January
    return d, False


def _looks_like_date(m: re.Match, text: str) -> bool:
    """'may' and 'march' are words too: require a capital month or a day number right next to it."""
    month = m.group("m1") or m.group("m2")
    if month and not month[0].isupper():
        return False
    if m.group("d2") and re.search(r"[\d,.]\s*$", text[: m.start()]):
        return False  # '1,5 March' figures
    return True


def explicit_dates(text: str, anchor: date | None = None) -> list[DateMention]:
    out = []
    for m in _EXPLICIT.finditer(text):
        if not m.group("iso") and not _looks_like_date(m, text):
            continue
        d, _ = _explicit_date(m, anchor)
        out.append(DateMention(m.group(0), m.start(), m.end(), _iso(d) if d else None, "explicit"))
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
    votes: dict[str, Counter] = {}
    for text, anchor in texts:
        if not _START_VERBS.search(text):
            continue
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
                    for n in nouns:
                        votes.setdefault(_noun_key(n), Counter())[mention.date] += 1
    return {n: c.most_common(1)[0][0] for n, c in votes.items()}


def _noun_key(noun: str) -> str:
    n = noun.lower()
    return {"strikes": "strike", "attacks": "attack", "protests": "protest", "negotiations": "talks"}.get(n, n)


def _weekday_date(m: re.Match, text: str, anchor: date) -> date:
    target = WEEKDAYS[m.group("wd").lower()]
    direction = (m.group("dir") or "").lower()
    before = text[max(0, m.start() - 60) : m.start()]
    clause_before = re.split(r"[.;!?]", before)[-1]
    after = re.split(r"[.;!?]", text[m.end() : m.end() + 40])[0]
    # a future cue after the weekday counts only when the weekday opens its clause ("On Thursday, X will")
    opens_clause = not re.search(r"[A-Za-z]{3,}", re.sub(r"\b(on|and|but|then)\b", "", clause_before, flags=re.IGNORECASE))
    future = direction in {"next", "this coming"} or (
        direction not in {"last", "this past"}
        and not _PAST_VERB_BEFORE.search(clause_before)
        and bool(_FUTURE.search(clause_before) or (opens_clause and _FUTURE.search(after)))
    )
    if future:
        ahead = (target - anchor.weekday()) % 7 or 7
        return anchor + timedelta(days=ahead)
    back = (anchor.weekday() - target) % 7
    if direction == "last" and back == 0:
        back = 7
    return anchor - timedelta(days=back)


def resolve_dates(text: str, anchor: date | None, start_dates: dict[str, str] | None = None) -> list[DateMention]:
    """Every date expression of `text` with its resolved date (None when nothing anchors it)."""
    mentions = explicit_dates(text, anchor)
    taken = [(x.start, x.end) for x in mentions]
    start_dates = start_dates or {}
    for m in _RELATIVE.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        d: date | None = None
        kind = "relative"
        if m.group("dayof"):
            kind = "dayof"
            n = ORDINALS.get((m.group("ord") or "").lower()) or int(m.group("ordn") or m.group("dayn") or 0)
            start = parse_iso(start_dates.get(_noun_key(m.group("noun") or m.group("noun2") or "")))
            d = start + timedelta(days=n - 1) if start and n else None
        elif anchor is None:
            d = None
        elif m.group("today"):
            d = anchor
        elif m.group("yesterday"):
            d = anchor - timedelta(days=1)
        elif m.group("tomorrow"):
            d = anchor + timedelta(days=1)
        elif m.group("ago"):
            n = int(m.group("n")) if m.group("n").isdigit() else _SMALL_NUMS[m.group("n").lower()]
            kind = "week" if m.group("unit").lower().startswith("week") else kind
            d = anchor - timedelta(days=n * (7 if m.group("unit").lower().startswith("week") else 1))
        elif m.group("week"):
            kind = "week"
            wdir = m.group("wdir").lower()
            d = anchor - timedelta(days=7) if wdir == "last" else anchor + timedelta(days=7) if wdir == "next" else None
        elif m.group("wd"):
            if not m.group("wd")[0].isupper():
                continue
            kind = "weekday"
            d = _weekday_date(m, text, anchor)
        mentions.append(DateMention(m.group(0), m.start(), m.end(), _iso(d) if d else None, kind))
    mentions.sort(key=lambda x: x.start)
    return mentions


def article_anchor(text: str, published: str | None) -> date | None:
    """The date relative expressions of an article are read against (None if nothing says)."""
    return parse_iso(published) or parse_iso(infer_article_date(text))
