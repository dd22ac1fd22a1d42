"""Month and weekday names, date and dateline patterns of English news text: the one home of
these for the readers and every stage.

Hand-written regular expressions (dateparser finds dates but not where a report's dateline
ends, nor the bare month words the other rules look for): month and weekday names and their
usual abbreviations are general English.
"""

from __future__ import annotations

import re

from storyweave.nlp.fastre import guarded

# Calendar order, lower case.
MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
               "october", "november", "december")
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# The short forms news text writes: the first three letters ("may" is whole already) and "sept",
# put before "sep" in the alternation below.
MONTH_SHORT = ("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sept", "sep", "oct", "nov", "dec")
MONTH_NUMBER = {name: number for number, name in enumerate(MONTH_NAMES, 1)} | {
    short: next(n for n, name in enumerate(MONTH_NAMES, 1) if name.startswith(short)) for short in MONTH_SHORT
}
# Regular-expression alternations of those words (lower case: use them with re.IGNORECASE).
MONTH_WORD = "(?:" + "|".join(MONTH_NAMES + MONTH_SHORT) + ")"  # a month, whole or short
MONTH_FULL = "(?:" + "|".join(MONTH_NAMES) + ")"
WEEKDAY_WORD = "(?:" + "|".join(WEEKDAY_NAMES) + ")"
# The months AP style abbreviates before a day ("Jan.", "Feb.", "Aug.", "Sept.", "Oct.", "Nov.",
# "Dec."; March to July are always written whole): a short form read as a month on its own
# ("in Sept.") is one of these, with its period.
MONTH_AP_SHORT = ("jan", "feb", "aug", "sept", "oct", "nov", "dec")
MONTH_AP_ABBREVIATION = "(?:" + "|".join(MONTH_AP_SHORT) + r")\."

# A month in a dateline or date line, whole or short, capitalised as there ("Sept.", "March").
MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
# A date that carries a year: "March 3, 2026", "3 March 2026", "2026-03-03".
FULL_DATE = rf"(?:{MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{MONTH},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
_DASH = r"(?:—|–|--|-)"
_PLACE = r"[A-Z][A-Z.'’-]*(?:[ -][A-Z][A-Z.'’-]*)*(?:,\s*[A-Z][A-Za-z.]+(?:\s[A-Z][A-Za-z.]+)*)?"
# "VALMORA, March 3, 2026 (Reuters) —"  /  "VALMORA, March 3, 2026 —"
DATELINE_WITH_DATE = re.compile(
    rf"^(?P<place>{_PLACE})\s*,\s*(?P<date>{FULL_DATE})\s*(?:\((?P<agency>[A-Za-z][\w .&/-]{{0,40}})\)\s*)?{_DASH}\s*"
)
# "LONDON (Reuters) -"  /  "GENEVA, March 3 (AP) —" (no year: the date is not used)
DATELINE_AGENCY = re.compile(
    rf"^(?P<place>{_PLACE})\s*(?:,[^()\n]{{0,40}})?\((?P<agency>[A-Za-z][\w .&/-]{{0,40}})\)\s*{_DASH}\s*"
)
# A line that is only a date, maybe labelled: "Published: 3 March 2026", "March 3, 2026".
DATE_LINE = re.compile(
    rf"^(?:(?:Published|Posted|Date|Updated)\s*(?:on)?\s*:?\s*)?(?P<date>{FULL_DATE})(?:\s+\d{{1,2}}:\d{{2}}(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s*[A-Z]{{2,4}})?)?\s*$"
)

# The day of a written date: "3", "3rd".
DAY = r"\d{1,2}(?:st|nd|rd|th)?"


def month_number(name: str) -> int:
    """1..12 of a month word as matched by the patterns here ("March", "mar.", "Sept", "MAY")."""
    return MONTH_NUMBER[name.lower().rstrip(".")[:3]]


def weekday_number(name: str) -> int:
    """0 (Monday) .. 6 of a weekday word, whole or 3-letter ("Tuesday", "Tue.")."""
    short = name.lower().rstrip(".")[:3]
    return next(i for i, w in enumerate(WEEKDAY_NAMES) if w.startswith(short))


def _case_forms(names: tuple[str, ...]) -> str:
    """Title-case and upper-case forms, whole and 3-letter ("May", "MAY", "Jan.", "JAN"), of
    `names` as an alternation: case matters where "may 10 people" must not read as a date."""
    forms = [f for w in names for f in (w.title(), w.upper())]
    return "|".join(forms + [f[:3] + r"\.?" for f in forms] + ["Sept\\.?", "SEPT\\.?"])


# Three uses, three shapes (each measured where it is used):
# - full dates with a year, any case, for clustering reports by day (`represent.text_dates`):
#   "March 3, 2024", "3 mar. 2024", "2024-03-03"; groups (month, day, year) / (day, month, year);
_ANY_CASE_MONTH = "|".join(list(MONTH_NAMES) + [m[:3] + r"\.?" for m in MONTH_NAMES])
FULL_DATE_MDY = re.compile(rf"\b({_ANY_CASE_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.IGNORECASE)
FULL_DATE_DMY = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_ANY_CASE_MONTH}),?\s+(\d{{4}})\b", re.IGNORECASE)
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# - calendar dates a report states about itself (`report_date`), case-sensitive month words, an
#   optional weekday before, an optional year after; named groups weekday, month, day, year;
_CASED_MONTH = r"(?P<month>" + _case_forms(MONTH_NAMES) + ")"
_CASED_WEEKDAY = r"(?:(?P<weekday>" + _case_forms(WEEKDAY_NAMES) + r"),?\s+)?"
_RECENT_YEAR = r"(?:,?\s+(?P<year>(?:19|20)\d\d)\b)?"
STATED_DATE_MDY = re.compile(rf"\b{_CASED_WEEKDAY}{_CASED_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b{_RECENT_YEAR}")
STATED_DATE_DMY = re.compile(rf"\b{_CASED_WEEKDAY}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_CASED_MONTH}\b{_RECENT_YEAR}")
STATED_ISO_DATE = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)\b")
YEAR_WORD = re.compile(r"\b((?:19|20)\d\d)\b")
# - any date or year expression, masked out before figures are compared (`brief.facts`).
DATE_OR_YEAR = re.compile(rf"\b{MONTH}\s+{DAY}(?:,?\s+\d{{4}})?|"
                          rf"\b{DAY}\s+{MONTH}(?:,?\s+\d{{4}})?|\b(?:19|20)\d\d\b", re.IGNORECASE)
# Searched in whole texts or every sentence: behind a first-character guard (same matches, faster; `nlp.fastre`).
FULL_DATE_MDY, STATED_DATE_MDY, STATED_DATE_DMY, DATE_OR_YEAR = map(
    guarded, (FULL_DATE_MDY, STATED_DATE_MDY, STATED_DATE_DMY, DATE_OR_YEAR))

# Dateline openings the stages strip or read, each as measured where it is used:
# - "PLACE, <anything> —" before a first sentence used as a title (`represent.title_or_first_sentence`);
LEAD_DATELINE = re.compile(r"^[A-Z][A-Za-z .'-]{1,40},(?:[^—–\n]{0,40})?\s*[—–-]+\s*")
# - "PLACE, " before a date at the top of a report (`report_date`: a dated dateline);
PLACE_COMMA = re.compile(r"^[A-Z][A-Za-z .'’-]{1,40},\s*(?=\S)")
# - what the text reader left of a dateline before a headline is made: "CITY, State —",
#   "CITY (Agency) —", "UPDATED |" (`headline`).
HEADLINE_DATELINE = re.compile(
    r"^(?:(?:UPDATED?|Updated?)\s*[|:–—-]\s*|\([A-Za-z][\w .&/-]{0,30}\)\s*(?:[—–-]+\s*)?|"
    r"[A-Z][A-Za-z.'’ -]{1,40}(?:,[^—–\n]{0,40})?\s*(?:\([^()]{1,30}\)\s*)?(?:—|–|--|\s-\s)\s*)"
)


def is_dateline(line: str) -> bool:
    """True when `line` opens with a news dateline ("VALMORA, March 3, 2026 —", "LONDON (Reuters) -")."""
    return bool(DATELINE_WITH_DATE.match(line) or DATELINE_AGENCY.match(line))
