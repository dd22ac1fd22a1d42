"""Site furniture (subscription prompts, share bars, copyright lines, captions): the phrase
patterns the stages use to recognise it, in one place.

Four granularities use them, each with its own pattern because each is tuned where it applies
(folding them into one pattern changes which summary sentences and wire passages are kept):
- a whole input line: the named rules of `clean.RULES` (line rules with a name, a reason and a
  word bound; a matching line is removed from the text);
- a summary candidate sentence (`brief.sentences`): `SENTENCE_START`, `SENTENCE_ANYWHERE`,
  `SENTENCE_NOTICE`;
- a passage two reports share (`dedup.verify`): `PASSAGE`, furniture is not wire copy;
- a sentence or a window of text whose dates are read (`events.report_date`, the analysis's
  timeline): `FILE_PHOTO_CAPTION`, `PHOTO_CAPTION` (a caption dates the picture, not the happening);
- a sentence a headline is made from (`events.headline`): `is_furniture` and `is_photo_caption`
  (a notice or a caption never titles an event).
The sentence and passage patterns both look for `SITE_PHRASES` anywhere and extend that list.
The line rules of `clean.RULES` do not search for them anywhere: a line rule removes a whole
line, so each anchors its phrase where furniture puts it ("©" or "Copyright" opening a line,
a line that is only a link) and bounds the line's length; a line built around each shared
phrase is still removed by some rule (`tests/nlp/test_boilerplate.py`).  All phrases are
general English web-page wording.
"""

from __future__ import annotations

import re

from storyweave.nlp.fastre import guarded

# Found anywhere, these mark site furniture at every granularity (regex alternatives).
SITE_PHRASES = (r"www\.", "©", "all rights reserved", "click here", "newsletter")

# Scrape furniture at the start of a summary candidate sentence.
SENTENCE_START = re.compile(
    r"^\W*(photo|image|video|watch|advertisement|ad\b|sponsored|click|tap|sign up|subscribe|"
    r"follow (us|him|her|me|@)|share (this|on)|read (more|next|the full)|related|recommended|"
    r"copyright|all rights reserved|caption|credit|\w+ (?:photo|images)\s*/|file photo|"  # "X Photo/Name" credits
    r"this (article|story|report) (was|has been|originally|first)|email|newsletter|"
    r"sign in|log in|comments?\b|continue reading|more:|see also|trending|advertisement)",
    re.IGNORECASE,
)
# Scrape furniture anywhere in a summary candidate sentence: links, handles, cookie and
# subscription prompts, web-archive notices.
SENTENCE_ANYWHERE = re.compile(
    "(" + "|".join(SITE_PHRASES) + r"|https?://|\.com/|pic\.twitter|@\w{2,}|\(c\) \d{4}|"
    r"cookies?\b.*\b(accept|browser|policy)|javascript|"
    r"sign up for|subscribe to|follow us on|"
    r"internet archive|wayback machine|crawl data|this crawl)",
    re.IGNORECASE,
)
# Web-archive and embed notices, photo captions: whole-sentence furniture found anywhere.
SENTENCE_NOTICE = re.compile(
    r"\bcrawls? (of|are part|with)\b|\bcrawler software|\bheritrix\b|no more 404|"
    r"\byour tweets?\b|\btweet location|\bcustom domain|\bunsubscribe\b|"
    r"\bin this (undated |handout |file )?(\w+, )?(\w+\.? \d{1,2}, \d{4},? )?(file )?(photo|image|picture|photograph)\b|"
    r"\bAP Photo\b|\bphoto (by|courtesy of|provided by|released by)\b|\bgetty images\b|"
    r"\bmailing list\b|\bthe form below\b|\bkeep up to date with\b|\bhide caption\b|"
    r"\bby (?:submitting|signing up|registering|subscribing|clicking|creating an account|continuing)\b[^.]{0,120}"
    r"\byou (?:agree|accept|consent)\b|\bclick (?:on )?the link\b[^.]{0,30}\bto (?:activate|confirm|verify)\b",
    re.IGNORECASE,
)
# Searched in every candidate sentence of every brief: behind a first-character guard (same matches,
# about 1.5x faster; `nlp.fastre`).
SENTENCE_ANYWHERE, SENTENCE_NOTICE = guarded(SENTENCE_ANYWHERE), guarded(SENTENCE_NOTICE)
# Promotions and section labels glued to a sentence, for timeline sentences (not folded into the
# summary patterns above, whose reach is tuned on the summary benchmark): "... subscribe today.",
# "LIVE BLOG On Monday, ...".
PROMO = re.compile(r"\bsubscribe (?:today|now)\b|^\W*LIVE ?BLOG\b|\bfor only \$\d", re.IGNORECASE)
# Photo captions inside a text, where the dates stages read them (a report's own date, an event's
# timeline): a caption dates the picture, not the happening.  A file-photo caption ("FILE - In this
# Thursday, Jan. 17, 2013, file photo ...", "file picture", "photo ... from file") tells of an older
# day; any other caption ("<who> ... in this (undated) photo released ... on <date>", a credit
# "[Photo/Agency]", "(Agency Photo ...)", "(Photo by Name)", "Agency Photo/Name", "photo taken on",
# a gallery's "Hide Caption 3 of 12") tells of the day the photo was taken or released: often the
# happening's, as often an older one.  General English caption wording.
FILE_PHOTO_CAPTION = re.compile(r"\bfile\b\s*[-–—:]|\bfile\s+(?:photo|picture|image)\b|\bphoto\b.{0,20}\bfile\b",
                                re.IGNORECASE)
PHOTO_CAPTION = re.compile(r"\bin this\b[^.\n]{0,40}?\b(?:photo(?:graph)?|picture|image|handout)\b|"
                           r"[\[(]\s*(?:[A-Za-z]+\s*)?photo\b|\bphoto(?:graph)?\s*(?:by|credit|courtesy|taken|dated)\b|"
                           r"\bphoto\s*/\s*\w|\bhide caption\b", re.IGNORECASE)


def is_furniture(sentence: str) -> bool:
    """Site furniture by the summary's sentence patterns (`SENTENCE_START`, `SENTENCE_ANYWHERE`,
    `SENTENCE_NOTICE`) or a promotion or label glued to a sentence (`PROMO`)."""
    return bool(SENTENCE_START.search(sentence) or SENTENCE_ANYWHERE.search(sentence)
                or SENTENCE_NOTICE.search(sentence) or PROMO.search(sentence))


def is_photo_caption(sentence: str) -> bool:
    """A file-photo caption or any other photo caption (`FILE_PHOTO_CAPTION`, `PHOTO_CAPTION`)."""
    return bool(FILE_PHOTO_CAPTION.search(sentence) or PHOTO_CAPTION.search(sentence))


# A passage two reports share that is site furniture rather than wire copy.
PASSAGE = re.compile(
    "|".join(SITE_PHRASES) + r"|subscribe|cookie|sign up|continue reading|copyright|"
    r"advertisement|follow us|share this|read more|terms of use|email us|transcript|\w@\w",
    re.IGNORECASE,
)
