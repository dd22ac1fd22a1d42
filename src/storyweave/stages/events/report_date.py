"""A report's own date from its text, for reports read without a `published` date.

`report_date(text)` -> `datetime.date | None`.  In order:
1. a labelled header date in the first lines ("Updated: 10:34 AM ET, Thu January 25, 2018",
   "Published 3 March 2026", "Posted: Jan 25, 2018") or a dated dateline
   ("VALMORA, March 1, 2022 (Wire) -");
2. else the latest calendar date the text writes (a report is written on or after the days it
   tells of); a year-less date counts only with a weekday beside it ("Thursday, Jan. 17"), which
   gives its year: the year near the text's own years whose calendar matches.  Dates in file-photo captions ("FILE - In this
   Thursday, Jan. 17, 2013, file photo ...") are skipped; dates in other photo captions ("... in this undated
   photo released ... on <date>", "... <date>. [Photo/Agency]") count only when the text states no other date
   (labelled "caption": the photo's day, which an event's date never takes); dates that lie in the future of every other
   stated date by more than `date_max_ahead_days` (`config.EventsConfig`) (schedules, deadlines) are skipped.  With
   `confident` (`confident_report_dates`, the default), that latest date is kept only when the text corroborates it as
   "now": no year later than its own is written anywhere in the text (a report of 2016 recalling
   "April 5, 2009" mentions 2016), and the clause before it is not a span, a deadline or a
   forecast ("due March 1, 2011", "until Dec. 31, 1994", "the year ending June 30", "born on",
   "as of January 1"); otherwise no date is given (measured on TimeBank bare text: this fallback
   was right for 1 of 16 reports; see BENCHMARKS.md, Dates).  A latest date found only far down the
   text ("body") also has to be the date of something dated inside the report (`_self_dated`: an
   embedded post's signature, a markup attribute, a correction note, a credited photo caption),
   not a day the narrative names (`date_body_self_dated`; `benchmarks/report_dates_bench.py`).
Hand-written because no library resolves "the date of this document" (dateparser and
htmldate parse one expression or an HTML page; a bare text has neither); month and weekday names
are general English.  The interface is one function so a fuller resolver can replace it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from storyweave.config import EventsConfig
from storyweave.nlp.boilerplate import FILE_PHOTO_CAPTION, PHOTO_CAPTION
from storyweave.nlp.date_patterns import (
    PLACE_COMMA,
    STATED_DATE_DMY,
    STATED_DATE_MDY,
    STATED_ISO_DATE,
    YEAR_WORD,
    month_number,
    weekday_number,
)

if TYPE_CHECKING:
    from storyweave.model import Article

# A header label before a date: "Updated:", "Published", "Posted on", "Last modified:".
_LABEL = re.compile(r"\b(?:updated|published|posted|last modified|last updated|date)\b\s*(?:on)?\s*:?", re.IGNORECASE)
# Words opening a span, a deadline, a forecast or a past reference point before a date: the date
# is then not the day the report was written ("bonds due Nov. 17, 1992", "until the restriction
# expires on Dec. 31", "will be in theaters May 4", "was born on", "as of January 1").  General
# English prepositions and verbs of time (closed class plus the usual finance terms for maturity).
_NOT_NOW = re.compile(r"\b(?:due|until|till|through|expires?|expired|expiring|ending|will|would|scheduled|set for|"
                      r"matur\w*|between|born|since|as of|after|before)\b[^.;\n]{0,25}$", re.IGNORECASE)
_EVENTS = EventsConfig()  # the defaults of the `date_*` knobs; the events stage passes its own


@dataclass(frozen=True)
class Mention:
    """A full date written in a text: where, which day, and whether a year or weekday came with it."""

    offset: int
    day: date
    had_year: bool
    weekday: bool = False  # written beside its weekday ("Tuesday, Dec. 26, 2017")


def report_date(text: str, cfg: EventsConfig = _EVENTS) -> date | None:
    """The date a report was written, read from its text; None when it states none."""
    found = report_date_how(text, cfg, cfg.confident_report_dates)
    return found[0] if found else None


@lru_cache(maxsize=100_000)  # pure in its arguments: a warm process reads only an add's new texts
def report_date_how(text: str, cfg: EventsConfig = _EVENTS, confident: bool = True) -> tuple[date, str] | None:
    """(date, where it came from): "header" (a labelled date or a dated dateline), "lead" (the
    latest date, written in the first `cfg.date_lead_chars` characters or beside a weekday) or "body"
    (the latest date, written further down: measured right about half the time, as it is often
    a past day the report recalls).  With `confident`, a "lead" or "body" date the text does not
    corroborate (see module doc) gives None."""
    header = _header_date(text, cfg.date_header_lines)
    if header is not None:
        return header, "header"
    stated = [m for m in date_mentions(text) if not _in_caption(text, m.offset)]
    mentions = [m for m in stated if not _in_caption(text, m.offset, PHOTO_CAPTION)]
    source = None
    if not mentions:  # only photo captions give a date: the photo's day, a weak clue
        mentions, source = stated, "caption"
    if not mentions:
        return None
    mentions.sort(key=lambda m: m.day)
    # drop dates far ahead of the others (a schedule, a deadline, a forecast)
    while len(mentions) > 1 and (mentions[-1].day - mentions[-2].day).days > cfg.date_max_ahead_days:
        mentions.pop()
    latest = mentions[-1].day
    at_latest = [m for m in mentions if m.day == latest]
    if confident and not _corroborated(text, at_latest, cfg.date_not_now_chars):
        return None
    near_top = any(m.offset < cfg.date_lead_chars or m.weekday for m in at_latest)
    if (confident and not near_top and source is None and cfg.date_body_self_dated
            and not any(_self_dated(text, m.offset) for m in at_latest)):
        return None
    return latest, source or ("lead" if near_top else "body")


# What dates a thing inside a report, written on or near the day it was embedded (general forms of
# scraped embeds and notes, no names): a post's signature ("— Jane Doe (@handle) March 3, 2018",
# "A post shared by X (@handle) on Mar 3, 2018"), a markup attribute (`datetime="2018-03-03"`), a
# correction or amendment note ("This article was amended on 4 November 2016").  Looked for in the
# characters just before the date; a photo caption or credit anywhere in its sentence.
_DATED_BEFORE = re.compile(r"\(@\w{1,30}\)\s*(?:on\s+)?$|\b[\w-]+=[\"']$|"
                           r"\b(?:amended|corrected|correction|revised|updated)\b[^.\n]{0,30}$", re.IGNORECASE)
_CREDIT = re.compile(r"\bpicture taken\b|\b[A-Z]{3,}/\s?[A-Z][a-z]")  # "A picture taken on", "REUTERS/Jane Doe"


def _self_dated(text: str, offset: int) -> bool:
    """The date at `offset` is the date of something dated inside the report (`_DATED_BEFORE`, a
    photo caption or credit), not a day its narrative names.  Of the latest dates found far down
    the text of the shared sets' bare reports (news_cluster, PolNeAR, TimeBank), self-dated ones
    are right within a day 14 times of 18, the others (the day of an attack years before, a
    closing price's day) once of 28 (bare.md "Twelfth session")."""
    if _DATED_BEFORE.search(text[max(0, offset - 40): offset]):
        return True
    sentence = _sentence_at(text, offset, after=80)
    return bool(PHOTO_CAPTION.search(sentence) or _CREDIT.search(sentence))


def _corroborated(text: str, latest: list[Mention], not_now_chars: int) -> bool:
    """The latest stated date reads as the report's "now": no later year is written in the text,
    and no mention of it follows a span/deadline/forecast cue (`_NOT_NOW`, looked for in the
    `not_now_chars` characters before it)."""
    year = latest[0].day.year
    if any(int(y) > year for y in YEAR_WORD.findall(text)):
        return False
    return not any(_NOT_NOW.search(text[max(0, m.offset - not_now_chars) : m.offset]) for m in latest)


@lru_cache(maxsize=100_000)
def _header_date(text: str, header_lines: int) -> date | None:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()][:header_lines]
    for line in lines:
        if PHOTO_CAPTION.search(line) or FILE_PHOTO_CAPTION.search(line):
            continue  # a photo caption at the top ("<who> ... in <place>, <date>. [Photo/Agency]") is no dateline
        label = _LABEL.search(line)
        dateline = PLACE_COMMA.match(line)
        hit = label or dateline
        if hit is None:
            continue
        start = hit.end()
        found = [m for m in date_mentions(line) if m.offset >= start - 1 and m.offset <= start + 40]
        if dateline and not label:  # "Today, for the first time since June 25, 2007, ..." opens no dateline
            found = [m for m in found if not _NOT_NOW.search(line[start: m.offset])]
        found = [m for m in found if m.had_year] or ([] if dateline and not label else found)
        if found:
            return found[0].day
    return None


def _in_caption(text: str, offset: int, pattern: re.Pattern[str] = FILE_PHOTO_CAPTION) -> bool:
    """The date sits in a file-photo caption: "FILE - In this <date> file photo" (the caption
    word comes before the date in its sentence or within a few words after it); with
    `PHOTO_CAPTION`, in any photo caption."""
    return bool(pattern.search(_sentence_at(text, offset)))


def _sentence_at(text: str, offset: int, after: int = 40) -> str:
    """The text from the start of the sentence (or line) holding `offset` to `after` characters
    past it: where a caption's or a credit's words sit around a date."""
    start = max(text.rfind("\n", 0, offset), text.rfind(". ", 0, offset), 0)
    return text[start: offset + after]


def date_mentions(text: str) -> list[Mention]:
    """Every calendar date written in `text`, year-less ones given a year (see module doc)."""
    raw: list[tuple[int, int, int, int | None, str | None]] = []  # offset, month, day, year, weekday
    for pattern in (STATED_DATE_MDY, STATED_DATE_DMY):
        for m in pattern.finditer(text):
            raw.append((m.start(), month_number(m.group("month")), int(m.group("day")),
                        int(m.group("year")) if m.group("year") else None, m.group("weekday")))
    for m in STATED_ISO_DATE.finditer(text):
        raw.append((m.start(), int(m.group("month")), int(m.group("day")), int(m.group("year")), None))
    raw.sort()
    years = [int(y) for y in YEAR_WORD.findall(text)]
    out: list[Mention] = []
    last_year: int | None = None
    for offset, month, day, year, weekday in raw:
        if year is not None:
            d = _safe(year, month, day)
            if d:
                out.append(Mention(offset, d, True, bool(weekday)))
                last_year = year
            continue
        if not weekday:  # "Feb. 6" alone: its year is a guess (measured: mostly wrong), skip it
            continue
        if last_year is None and not years:
            continue  # "Friday Oct. 13" in a text that writes no year: the weekday fits a year every few years
        base = last_year or max(years)
        wanted = weekday_number(weekday)
        near = [y for y in range(base - 6, base + 2) if (d := _safe(y, month, day)) and d.weekday() == wanted]
        guess = min(near, key=lambda y: (abs(y - base), -y)) if near else base
        d = _safe(guess, month, day) if guess else None
        if d:
            out.append(Mention(offset, d, False, True))
    return out


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def weekday_before(anchor: date, weekday: int) -> date:
    """The last `weekday` (0 = Monday) on or before `anchor`."""
    return anchor - timedelta(days=(anchor.weekday() - weekday) % 7)


def fill_report_dates(articles: list[Article], cfg: EventsConfig = _EVENTS) -> None:
    """Give every undated article the date its text states (`published`, `published_inferred`);
    a date a reader already inferred from the text (`metadata["inferred"]`) is marked too.
    `cfg.confident_report_dates`: the latest-date fallback only when the text corroborates it (`report_date_how`)."""
    for article in articles:
        if article.published:
            if "published" in (article.metadata.get("inferred") or {}):
                article.published_inferred = True
            continue
        found = stated_date(article, cfg)
        if found is not None:
            apply_date(article, *found)


def stated_date(article: Article, cfg: EventsConfig = _EVENTS) -> tuple[date, str] | None:
    """(the date `article`'s text states, where it was read: a `REPORT_DATE_SOURCES` key); None
    when it states none.  Reads the text, the raw text and the removed lines, not `published`."""
    header = _header_date(article.raw_text, cfg.date_header_lines) if article.raw_text else None  # cleaning drops "Updated:" lines
    found = (header, "header") if header else report_date_how(article.text, cfg, cfg.confident_report_dates)
    if found is None and article.raw_text and report_date_how(article.text, cfg, confident=False) is None:
        # a date only in lines the cleaner removed (timestamps, captions): a weak clue; never a
        # slideshow's, whose captions date pictures of any year
        found = report_date_how(_without_galleries(article), cfg, confident=False)
        found = (found[0], "removed lines") if found else None
    return found


def apply_date(article: Article, day: date, how: str) -> None:
    """Date `article` (in place) with `day`, read off its text at `how` (`stated_date`)."""
    article.published = day.isoformat()
    article.published_inferred = True
    inferred = {**(article.metadata.get("inferred") or {}), "published": f"report_date: {how}"}
    article.metadata = {**article.metadata, "inferred": inferred}  # a new dict: the caller's is kept


def _without_galleries(article: Article) -> str:
    """The raw text less the lines the cleaner removed as a photo gallery or slideshow."""
    raw = article.raw_text or ""
    for line in article.removed_by("gallery"):
        raw = raw.replace(line, "")
    return raw
