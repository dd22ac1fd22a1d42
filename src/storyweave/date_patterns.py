"""Date and dateline patterns of English news text, shared by the readers and the stages.

Hand-written regular expressions (dateparser finds dates but not where a report's dateline
ends): month names and their usual abbreviations are general English.
"""

from __future__ import annotations

import re

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
