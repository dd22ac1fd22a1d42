"""Month and weekday names, date and dateline patterns of English news text: the one home of
these for the readers and every stage.

Hand-written regular expressions (dateparser finds dates but not where a report's dateline
ends, nor the bare month words the other rules look for): month and weekday names and their
usual abbreviations are general English.
"""

from __future__ import annotations

import re

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


def is_dateline(line: str) -> bool:
    """True when `line` opens with a news dateline ("VALMORA, March 3, 2026 —", "LONDON (Reuters) -")."""
    return bool(DATELINE_WITH_DATE.match(line) or DATELINE_AGENCY.match(line))
