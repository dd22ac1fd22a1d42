"""Scrape-noise removal: named rules plus corpus statistics; records removed lines per article.

Cleaning works on whole lines (one paragraph per line, as the readers produce them) of
`article.raw_text` and never edits inside a line, so every kept sentence stays verbatim.
A line is noise when

1. a named rule of `RULES` matches it (the table below says what each rule is for), or
2. it is one of the leading headline-like lines (the title repeated, or other teaser
   headlines before the body), or
3. corpus statistics say it is site chrome: the same line recurs in articles that are *not*
   copies of each other (>= `clean.min_articles` unrelated articles in the batch, or
   >= `clean.min_outlet_articles` unrelated articles of the same outlet).  Lines that read
   like reporting (a sentence, a quote, a long line) are never removed on statistics alone,
   because wire reprints and rewrites legitimately share real sentences.

`article.removed` gets the noise lines verbatim and `article.removed_reasons` the rule name
of each, so a user can always see why a line went.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache

from storyweave.config import CleanConfig, Config
from storyweave.memo import BoundedMemo
from storyweave.model import Article, Corpus
from storyweave.nlp import stop_words
from storyweave.nlp.date_patterns import MONTH_NAMES, WEEKDAY_NAMES, is_dateline
from storyweave.nlp.fastre import guarded
from storyweave.nlp.text import paragraphs


@dataclass(frozen=True)
class Rule:
    """A named noise pattern, matched (re.search) against one stripped line."""

    name: str
    pattern: re.Pattern[str]
    why: str
    max_words: int = 40  # longer lines never match this rule (protects real reporting)
    unless: re.Pattern[str] | None = None  # lines matching this are never taken by the rule


# Attribution verbs: a line that reports what someone said is reporting, whatever it ends with.
_REPORTED_SPEECH = re.compile(r"\b(?:said|says|told|according to|added|wrote)\b", re.IGNORECASE)


def _rule(
    name: str,
    pattern: str,
    why: str,
    max_words: int = 40,
    case_sensitive: bool = False,
    speech_ok: bool = True,
    unless: str | None = None,
) -> Rule:
    flags = 0 if case_sensitive else re.IGNORECASE
    if unless:
        return Rule(name, re.compile(pattern, flags), why, max_words, re.compile(unless))
    return Rule(name, re.compile(pattern, flags), why, max_words, None if speech_ok else _REPORTED_SPEECH)


# A credit name, by its shape only (no list of agencies): one to four capitalised words or an
# acronym, maybe "Name/Agency" or "Agency - Contributor"; e.g. "(Jane Doe/Agency)", "AGENCY".
_CREDIT_NAME = r"(?:[A-Z][\w.&'’-]*(?:[ /:-]{1,3}[A-Z][\w.&'’-]*){0,4})"
# Capitalised interface labels that can open a line like a credit does (general English).
# The messages of a newsletter sign-up form (`signup_form`: two of them in one line).
_FORM_MESSAGE = (r"invalid e-?mail|e-?mail address is invalid|please (?:re-?enter|enter an? (?:valid )?e-?mail)|"
                 r"not a robot|you must select a newsletter|you agree to receive|thank you for subscribing|"
                 r"\* ?required field|an error has occurred|enter your e-?mail address")
_UI_WORDS = r"(?:READ|WATCH|MORE|RELATED|VIDEO|LIVE|BREAKING|UPDATE|UPDATED|LISTEN|PHOTOS?|CLOSE|PLAY|NEW|EXCLUSIVE|SEE|ALSO)"
# Words that name a picture and its credit in a caption (general English).
_PICTURE = r"(?:photo|photos|photograph|image|images|picture|pictures|pic|video|footage|illustration|graphic)"
_SHARE_WORDS = (
    r"(?:share|shares|sharing|print|email|e-mail|mail|tweet|twitter|facebook|whatsapp|linkedin|pinterest|pin|"
    r"reddit|messenger|telegram|flipboard|copy|link|comments?|save|savesave|x|send|this|article|story|"
    r"page|on|via|to|a|the|with|or|and|friend|url|total|follow|\d+(?:\.\d+)?k?)"
)
_MONTHS_DAYS = "(?:" + "|".join(name[:3] for name in MONTH_NAMES + WEEKDAY_NAMES) + r")[a-z]*\b"

# The rule table: first match wins.  Every pattern is anchored or specific enough that it
# cannot match an ordinary reporting sentence; `max_words` bounds the rest.  Leading
# bullets/arrows ("► Related: ...") are ignored when matching.
RULES: list[Rule] = [
    _rule("no_words", r"^[\W_]+$", "separator lines without any letter or digit (___, ***, ...)"),
    _rule(
        "markup",
        r"^(?://|<!--|poster=|var |window\.|document\.)|function\s*\(\)|</?(?:div|span|script|iframe|img)\b",
        "HTML/JavaScript left over from the scrape",
        80,
    ),
    _rule(
        "media_player",
        r"^(?:your browser (?:does not|doesn['’]t|does n['’]t|cannot) (?:support|play)|"
        r"media playback is (?:unsupported|not supported)|this (?:video|content|media) (?:is not available|"
        r"cannot be (?:played|displayed)|requires)|please (?:enable|turn on) javascript|javascript is disabled|"
        r"(?:you need to |please )?enable javascript to|to (?:view|watch|play) this (?:video|content)|"
        r"scroll (?:down |below )?for (?:the )?video|(?:play|replay|watch the|watch full) video|"
        r"video (?:is )?loading|now playing\b|click to play|skip (?:this )?ad\b|"
        r"(?:video|audio|watch|play|listen|replay|podcast)$)|"
        r"click here to (?:see|watch|view) the video",
        "media-player notices and bare player labels",
        25,
    ),
    _rule(
        "advertisement",
        r"^(?:photo\s+)?\(?(?:advertisement|advertising|sponsored(?: content)?|promoted(?: content)?|"
        r"paid (?:post|content)|ad|adv|story continues below(?: advertisement)?|publicidade|publicité|"
        r"publicidad|pubblicità|anzeige|werbung|реклама|"
        r"article continues below(?: advertisement)?|continue reading(?: the main story| below)?)\)?"
        r"(?:\s*[-–—:.]?\s*continue reading(?: the main story| below)?)?\W*$",
        "advertisement slots and 'continue reading' markers",
        12,
    ),
    _rule(
        "gallery",
        rf"\b(?:caption|{_PICTURE}|slide)\s+\d+\s+of\s+\d+\b|"
        # a video carousel: an item counter right before the player's buttons ("7 of 41 Skip ... Share")
        r"\b\d+\s+of\s+\d+\s+(?-i:Skip|Embed|Share|Close|CLOSE|Next|Previous|Replay|Autoplay|Full ?[Ss]creen)\b|"
        # a slideshow's counters in one line: "1/8 The scene ... 2/8 Police ... 3/8 ..."
        r"(?<![\d/])1\s?/\s?([3-9]|\d{2,})\b(?!/).*(?<![\d/])2\s?/\s?\1\b(?!/).*(?<![\d/])3\s?/\s?\1\b(?!/)",
        "photo-gallery and video-carousel text flattened into one line (a 'caption/photo N of M' counter, "
        "'N of M' before player buttons, slide counters '1/8 ... 2/8 ... 3/8'), however long",
        100_000,
    ),
    _rule(
        "photo_caption",
        r"^(?:photo|photos|image|images|picture|pictures|photograph|photography|gallery|graphic|"
        r"illustration|view gallery|open gallery|full-size image here)s?\W*$|"
        r"enlarge this image|toggle caption|image copyright|image caption|media caption|read caption|"
        r"share photo|^enlarge image\b|^slideshow\b.{0,20}$|^facebook twitter pinterest\b|"
        r"^a (?:post|photo|video) shared by\b|"
        r"^(?:photo|picture|image|logo)\s*(?:credit)?\s*(?::|-\s*https?://)|^caption\s*:|"
        r"^(?:\d+\s+)?(?:\+\s*)?show all\b|^\d+\s*/\s*\d+\s",
        "photo and gallery captions, labels and counters",
        40,
    ),
    _rule(
        "photo_credit",
        rf"^\((?:photo|image|picture|pic|credit|courtesy|photograph|video|footage)\b[^()]*\)$|"
        rf"^\([^()]{{2,60}}\s?/\s?[^()]{{2,60}}\)$|"
        # "... (Agency)" ending a caption (no sentence end before it): one capitalised word, an
        # acronym, a picture word or "Name/Agency" in the brackets
        rf"[^.!?\"”’'\s]\s*\((?:photo:?\s*|photo by\s*)?(?-i:[A-Z][\w.&'’-]*|{_CREDIT_NAME}\s?/\s?{_CREDIT_NAME}|"
        rf"(?:[A-Z][\w.&'’-]*\s)*[A-Z]{{2,}}[\w.&'’-]*(?:\s[A-Z][\w.&'’-]*)*|[A-Z][\w.&'’-]*\s(?i:{_PICTURE}))\)$|"
        # a bracketed credit after a finished caption sentence: "... 2017. (Jane Doe/Agency)", "... (Agency Name)"
        rf"(?:[.!?…]|\.\.\.)[\"”’']?\s*\((?-i:{_CREDIT_NAME}(?:\s?/\s?{_CREDIT_NAME}(?:\s(?:via|for)\s{_CREDIT_NAME})?)?)\)"
        rf"(?:\s*\((?-i:{_CREDIT_NAME})\))?$|"
        rf"\([^()]{{0,60}}\b(?:photo|photograph|image|picture|credit|courtesy)s?\b[^()]{{0,60}}\)$|"
        rf"\b(?:photo|image|photograph|photographer|picture|credit)s?\s*(?:by)?\s*:\s*[^.!?]{{2,60}}$|"
        rf"\b(?:photo|photograph|image|picture)s? (?:by|via|courtesy of) [A-Z][^.]{{1,60}}/[^.]{{1,40}}\.?$|"
        # "Name via Agency Images": a capitalised credit before 'Images', no agency named
        rf"\b(?:image|photo|picture)s? via [^.]{{1,40}}$|^[\w .,-]{{1,40}} via (?-i:[A-Z][\w&'’.-]*(?: [A-Z][\w&'’.-]*)?) Images\W*$|"
        rf"^(?:source|credit)\s*:\s*[^.]{{1,40}}$|"
        rf"^(?-i:[A-Z]{{2,}}(?:[ /][A-Z]{{2,}}){{0,2}}|[A-Z][a-z]+ (?i:{_PICTURE}))$",  # "AGENCY", "Agency Images"
        "photo credits: '(Getty)' / '(Photo: X/AP)' / 'Photo: X' endings, bare agency names",
        60,
        speech_ok=False,
    ),
    _rule(
        "credit_line",
        r"^[A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*){0,4}\s?/\s?[A-Z][\w.&'’@-]*(?:\s[\w.&'’@-]+){0,4}$|"
        r"\s[A-Z][\w.'’-]+(?:\s[A-Z][\w.'’-]+){0,3}\s?/\s?[A-Z][\w&'’-]*(?:\s[A-Z][\w&'’-]*){0,2}$",
        "photographer credit lines (Name Surname/Agency), also at the end of a caption",
        40,
        case_sensitive=True,
        speech_ok=False,
    ),
    _rule(
        "agency_caption",
        # a caption led by its credit, no final period: an acronym ("AGENCY A missile ..."), a
        # "X Images"/"X - Contributor" credit ("Agency Images The tram ...", "Agency - Contributor Jane ...")
        rf"^(?!{_UI_WORDS}\b)(?:[A-Z]{{2,}}(?:[ /][A-Z]{{2,}})?|[A-Z][a-z]+ (?i:{_PICTURE})|"
        rf"[A-Z][\w.&]*(?: [A-Z][\w.&]*)? - Contributor|"
        rf"[A-Z]{{2,}}:[A-Z][\w.&]*(?: [A-Z][\w.&]*){{0,2}})\s+(?:[A-Z](?:[a-z'’.-][\w'’.-]*)?\s+){{1,3}}[a-z][^.!?]*[^.!?\"”’'\s:]$",
        "photo captions prefixed by the picture credit ('AGENCY The tram ...', no final period)",
        40,
        case_sensitive=True,
        # a Title Case line (no three lower-case words in a row) is a headline, not a caption
        unless=r"^(?!.*\b[a-z][\w'’-]*\s+[a-z][\w'’-]*\s+[a-z][\w'’-]*\b)",
    ),
    _rule(
        "position_caption",
        # photo captions name people by their place in the picture: "Jane Doe, left, and John Roe,
        # second right, pose before the talks", "Jane Doe (center) ..."
        r"[A-Z][a-z][\w.'’-]*[a-z],\s(?:second |third |far )?(?:from )?(?:left|right|center|centre)\s*,|"
        r"[A-Z][\w.'’-]*[a-z]\s\((?:second |third |far )?(?:from )?(?:left|right|center|centre|front|back|top|bottom)"
        r"(?:,[^()]{0,20})?\)|"
        r"\(\d(?:st|nd|rd|th) row[^()]{0,30}\)|"
        # a caption (no sentence punctuation at all) that points at its picture: "Jane Doe (pictured left) waves"
        r"^(?=[^.!?]*[^.!?\"”’'\s]$).*(?:\(pictured\b[^()]{0,30}\)|, pictured,)",
        "photo captions that place people in the picture ('X, left, Y, second right, ... pose', "
        "'X (pictured) ...' without a full stop)",
        80,
        case_sensitive=True,
        speech_ok=False,
    ),
    _rule(
        "file_photo",
        # wire photo captions: "FILE - In this ... file photo, ...", "FILE PHOTO: ...", "In this ... photo, ..."
        r"^(?:FILE|File)(?:\s+PHOTO)?\s*[-–—:]\s|^In this [^.]{0,80}\b(?:file )?(?:photo|image|picture)\b(?: provided| released| made available| taken)?|"
        # "This Dec. 28, 2017, photo made available by ... shows ...", "This undated image released by ..."
        r"^This (?:undated |handout |file )?(?:(?:[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}|[A-Z][a-z]+day),? )?(?:file |handout )?"
        r"(?:photo|image|picture|photograph)s? (?:made available|provided|released|taken|obtained|shows?|from)\b|"
        r"^Buy Photo\b",  # a photo-sales button glued to the caption
        "'FILE -', 'In this ... photo', 'This <date> photo made available by ...' and 'Buy Photo ...' captions",
        90,
        case_sensitive=True,
    ),
    _rule(
        "tweet",
        # an embedded tweet as scraped: "... pic.twitter.com/x — Jane Doe (@handle) March 3, 2018"
        rf"pic\.twitter\.com/\w+|\(@\w{{1,15}}\)\s*(?:{_MONTHS_DAYS})[\s\d,]{{2,12}}\d{{4}}\s*$|https?://t\.co/\w+\s*[—–-]|"
        # an embedded social post's signature: "... Posted by Jane Doe on Monday, April 4, 2016" (no final period)
        rf"\bposted by [^.!?]{{1,80}}? on (?:{_MONTHS_DAYS}),?(?:\s*(?:{_MONTHS_DAYS}),?)?\s*\d{{1,2}}(?:\s*(?:{_MONTHS_DAYS}))?,?\s*\d{{4}}$",
        "embedded tweets and posts: the 'pic.twitter.com' link, the '— Name (@handle) date' or "
        "'Posted by Name on Monday, April 4, 2016' signature",
        80,
    ),
    _rule(
        "ui_caption",
        # a video player's button text glued to the caption: "CLOSE Four shops begin ... Jane Doe"
        r"^(?:CLOSE|PLAY|REPLAY|EXPAND|COLLAPSE|MUTE)\s+[A-Z]",
        "video captions led by player button text",
        60,
        case_sensitive=True,
    ),
    _rule(
        "live_promo",
        r"^(?:follow|read|get|see|watch)\s(?:our|the)\s(?:live\s(?:blog|updates|coverage)|latest updates)\b|"
        r"^live(?:\supdates|\sblog|\scoverage)\s*:|\bfollow (?:our|the) live (?:blog|coverage|updates)\b",
        "live-blog promotions ('Follow our live blog', 'Live updates: ...')",
        30,
    ),
    _rule(
        "copyright",
        r"^(?:copyright|©|\(c\)\s*\d{4})|all rights reserved|"
        r"may not be (?:published|reproduced),? broadcast",
        "copyright and syndication notices",
        90,
    ),
    _rule("short_link", r"^(?:short ?(?:link|url)|permalink|shortlink)\b\s*:?", "short-link lines", 15),
    _rule(
        "share_print",
        rf"^(?:{_SHARE_WORDS}\W*\s*)*(?:share|print|email|tweet|facebook|whatsapp|savesave|follow)"
        rf"(?:\W*\s*{_SHARE_WORDS})*\W*$|"
        r"^(?:compartilhe|compartilhar|partager|partagez|teilen|compartir|comparte|condividi|поделиться)\W*$|"
        r"^read or share this story|^(?:click|tap) (?:here )?to (?:share|print|email|tweet)|"
        r"^share (?:this|on|via|with)\b|share (?:it|this(?: story| article)?) with (?:a|your) friends?|"
        r"a friend wanted you to see this|"
        r"^help spread the word",
        "share / print / e-mail buttons",
        15,
    ),
    _rule(
        "subscribe",
        r"^(?:sign up\b|subscribe\b|newsletter sign up|get (?:our|the) .{0,40}(?:newsletter|app|alerts)|"
        r"join our\b|register (?:now|for free)|already a subscriber|already have an account|"
        r"become a (?:member|subscriber)|support (?:our|independent) journalism|keep up with this story|"
        r"subscriptions? (?:are )?(?:also )?available)|thanks? (?:you )?for subscribing|"
        r"(?:delivered|straight) (?:to|into) your inbox|by subscribing now|sign up for (?:our )?digital access|"
        r"subscribe for (?:just|only)|not in our deliverable area|sign up for (?:our|the) (?:free )?newsletter|"
        r"\b(?:join|subscribe to|sign up (?:for|to)) (?:our|the) (?:mailing list|newsletters?|e-?mail list)\b|"
        r"^(?:assine|inscreva-se|abonnez-vous|inscrivez-vous|abonnieren sie|jetzt abonnieren|suscríbete|"
        r"suscribete|iscriviti|подпишитесь)\b|"
        # account and registration notices: "By submitting your registration information, you agree to ..."
        r"^by (?:submitting|signing up|registering|subscribing|clicking|creating an account|continuing)\b.{0,120}"
        r"\b(?:you (?:agree|accept|consent)|terms of (?:service|use)|privacy policy)|"
        r"\bclick (?:on )?the link (?:in (?:that|the|this) e-?mail )?to (?:activate|confirm|verify|complete)\b",
        "subscription and newsletter sign-up prompts, paywall and registration notices",
        90,
    ),
    _rule(
        "alert_promo",
        # a line naming e-mails, newsletters, alerts or an inbox that ends on its delivery cadence; a rule of
        # its own: the lookahead lets every first character through, so it cannot share `subscribe`'s guard
        r"^(?=.*\b(?:e-?mails?|newsletters?|alerts|inbox)\b).*\bdelivered (?:(?:every|each) )?"
        r"(?:weekday|weekend|daily|weekly|morning|evening|afternoon)s?(?: (?:mornings?|evenings?|afternoons?))?[.!]?\s*$",
        "e-mail and alert promotions ('... alerts and special reports. The stories that matter, delivered weekday "
        "mornings.')",
        90,
    ),
    _rule(
        "signup_form",
        # a sign-up form flattened into one line, however long: two of the form's own messages
        rf"(?:{_FORM_MESSAGE}).*(?:{_FORM_MESSAGE}|please try again later)",
        "newsletter sign-up forms flattened into one line (two of the form's messages: 'Invalid email "
        "address', 'Please verify you're not a robot', ...), however long",
        100_000,
    ),
    _rule(
        "print_edition",
        r"^a version of this (?:article|story|review) appears in print\b|^order reprints\b",
        "print-edition notices ('A version of this article appears in print on ...', 'Order Reprints | ...')",
        60,
    ),
    _rule(
        "promo",
        r"we pay for (?:your stories|videos)|do you have a story for|^(?:e-?mail|contact|call) us (?:at|on)\b|"
        r"^(?:follow|like) (?:us|@\w+|\w+ on (?:twitter|facebook|instagram|x))\b|\b(?:like|follow) us on\b|"
        r"\bsupport (?:our|independent|quality) journalism\b|\bfunded by (?:readers|listeners|viewers) like you\b|"
        r"^(?:listen|tune in|subscribe)\b.{0,80}\bpodcast|^(?:download|get|try) (?:the|our) .{0,30}\bapp\b|"
        r"available (?:on|in) the app store|^(?:got|have) a (?:story|news tip|tip)\b|"
        r"send us your (?:photos|images|videos?|pictures|stories|story)|"
        r"^for more (?:\w+ )?(?:coverage|news|stories|information|content)\b.{0,60}(?:https?://|www\.)",
        "promotion of other content: podcasts, apps, newsletters, tip lines, social accounts",
        60,
    ),
    _rule(
        "contact",
        r"^(?:[–—-]\s*)?follow\b.{0,60}(?:\bon twitter\b|\bon facebook\b|\bon instagram\b|twitter\.com|\s@\w+)|"
        r"^(?:contact|call|email|e-mail|reach)\b.{0,100}(?:@\w|\d{3}[-.) ]\s?\d{3}[-.]\d{4})|"
        r"^e-?mail\s*:|can be reached (?:at|on)\b|^email the (?:author|reporter)\W*$|^\S+@\S+\.\w+$|"
        r"^reach\b.{0,60}\b(?:twitter|facebook|https?://)|\bfollow (?:[\w.]+ ){1,3}on (?:twitter|facebook|instagram)\b|"
        r"^\d{3}[-.]\d{3}[-.]\d{4}\s+@\w+$",
        "reporter contact lines: e-mail, phone, social handles",
        30,
    ),
    _rule(
        "related_link",
        r"^\(?(?:read more|read also|also read|read next|read|related(?: stories| articles| coverage| content| video)?|"
        r"more on this(?: story)?|see also|more|more from [^:|]{1,30}|recommended|most read|trending(?: now)?|"
        r"top stories|latest(?: news)?|popular|editor['’]?s picks|you (?:may|might) also like|in other news|"
        r"further reading|don['’]t miss|must read|watch|video|photos|listen|gallery|live|breaking|images|"
        r"leia (?:mais|também)|veja (?:mais|também)|lire (?:aussi|la suite)|à lire aussi|a lire aussi|"
        r"lesen sie (?:auch|mehr)|mehr zum thema|lee (?:también|más)|leer más|ver también|leggi anche|"
        r"читайте также)"
        r"\s*(?::|\||–|—|»|›|-\s)|"
        r"^(?:read more|read more here|related|more|click here\b.*|see more|view more|load more)\W*$|"
        r"^(?:related|must[- ]reads?)(?:\s+\w+){0,2}\s*:?$|^more (?:video|videos|stories|news|photos|coverage)\s*:?$|"
        r"^read more (?:about|from|on|at)\b.{1,60}[^.]$|"
        r"\sRead more$|^\[[^\[\]]{5,200}\]$",
        "'READ MORE:' / 'Related:' / 'WATCH:' link and video captions, [linked headlines]",
        30,
    ),
    _rule("link_here", r"\bhere\s*:?\s*https?://", "'click HERE: http://...' promotion links", 20),
    _rule(
        "link_line",
        r"^[^.!?]{1,60}?(?::|➜|\s-|–|—)\s*(?:https?://|www\.)\S+\s*\**$",
        "a label and a link ('More info: http://...', 'SpaceX: http://...')",
        12,
    ),
    _rule(
        "url_only",
        r"^(?:https?://|www\.)\S+$",
        "a bare link",
        3,
    ),
    _rule(
        "credits",
        r"^\(?(?:additional reporting|reporting|editing|writing|compiled|produced) by\b[^.]*\)?\.?$|"
        r"contributed to this (?:report|story|article|post)\.?$|^additional reporting\b|"
        r"^this (?:story|article|post|report) (?:has been|was|is being|will be|is) updated|"
        r"^update\s*:\s*this (?:story|article|post)|^this is a (?:breaking|developing) (?:news )?story|"
        r"^(?:published|posted|last updated|updated|first published)(?:\s+(?:on|at))?\s*:?\s*"
        rf"(?:\d|{_MONTHS_DAYS})[^|]*$|"
        r"\|\s*(?:updated|published)\s*:|^\([^()]{0,60}\bpage\s*\d+\)$|^information from\s*:|"
        # an update stamp alone: "UPDATE: November 8, 8:25 AM CST", "Update, Saturday morning"
        rf"^update\s*[:,]\s*(?:{_MONTHS_DAYS}|\d)[\w\s,.]*?(?:\d{{1,2}}:\d{{2}}\s*(?:[ap]\.?m\.?)?(?:\s*[a-z]{{2,4}})?|"
        r"morning|afternoon|evening|night)\W*$",
        "bylines-at-bottom: reporting/editing credits, update and timestamp notes",
        25,
    ),
    _rule(
        "byline",
        r"^(?:By|BY) [A-Z][\w.'’-]+(?: (?:[A-Z][\w.'’-]+|and|de|van|von|da|di|al|bin|el))*"
        r"(?:\s*(?:,|\||–|-|and)\s*(?:[A-Z][\w.'’&-]*\s?)+)*$|"
        r"^(?:By|BY)\s+[A-Z][^.!?]{2,80}?\s[/|–-]\s(?:Published|Updated|Posted)\b",
        "bylines ('By Jane Doe, Daily Planet', 'By Jane Doe, Desk / Published March 3, 2017')",
        14,
        case_sensitive=True,
    ),
    _rule(
        "menu",
        r"^[^.!?|›»•·>]{1,30}(?:\s(?:\||›|»|•|·|>)\s[^.!?|›»•·>]{1,30}){2,}$",
        "menu and section fragments (Home | World | Politics)",
        25,
    ),
]
# The unanchored rules that are slowest on real lines, behind a first-character guard (same
# matches; 2,180 shared articles' 39 k lines: 3.5 -> 2.1 CPU-s for these six; `nlp.fastre`).
_GUARDED = {"gallery", "tweet", "copyright", "subscribe", "signup_form", "promo"}
RULES = [replace(rule, pattern=guarded(rule.pattern)) if rule.name in _GUARDED else rule for rule in RULES]

# Knobs of the corpus statistics (`Config.clean`): min_articles, min_outlet_articles,
# copy_containment (articles sharing this share of the smaller one's word 4-grams are copies of
# one report, so a line they share counts once) and edge_lines (sentences recurring as the
# first/last this many kept lines of unrelated articles are boilerplate).

_TERMINAL = tuple(".!?…\"”’'")
_QUOTES = '"“”«»„'
_SPACES = re.compile(r"\s+")
_BULLETS = re.compile(r"^[►▶•·»>*–—-]+\s*")
_WORD = re.compile(r"\w+", re.UNICODE)


def clean_corpus(corpus: Corpus, settings: Config) -> Corpus:
    """Recompute `text`, `removed` and `removed_reasons` of every article from its `raw_text`.

    A title the plain-text reader inferred from the first line is dropped again when that
    line turns out to be noise (a rule or site chrome recurring across unrelated reports,
    e.g. an embed's "Tweet with a location"): the events stage then makes one from the text."""
    from storyweave.parallel import default_processes, fork_map

    cfg = settings.clean
    lines_by_article = {a.id: _lines(a) for a in corpus.articles}
    # each line's rule is its own business: the lines not seen before are ruled by forked workers
    # when there are many, their answers kept here (`rule_for` then finds them)
    todo = list(dict.fromkeys(line for lines in lines_by_article.values() for _, _, line in lines
                              if line not in _RULE_OF))
    for line, found in zip(todo, fork_map(_first_rule, todo, default_processes(settings.run.processes),
                                          min_items=1024, chunk=512), strict=True):
        _RULE_OF.remember(line, found)
    slides = {a.id: slide_lines(lines_by_article[a.id]) for a in corpus.articles}
    credits = batch_credits(lines_by_article)
    credited = {a.id: credit_captions(lines_by_article[a.id], credits) for a in corpus.articles}
    ruled = {
        a.id: [("gallery" if i in slides[a.id] else None) or rule_for(line)
               or ("agency_caption" if i in credited[a.id] else None) or _top_reason(a, lines_by_article[a.id], i)
               for i, (_, _, line) in enumerate(lines_by_article[a.id])]
        for a in corpus.articles
    }  # fmt: skip
    # an inferred title line stays a chrome candidate: site chrome can look like a headline
    candidates = {
        aid: [None if r == "title_repeat" and _title_inferred(by_id) else r for r in reasons]
        for aid, reasons, by_id in ((a.id, ruled[a.id], a) for a in corpus.articles)
    }
    chrome = recurring_chrome(corpus.articles, lines_by_article, candidates, cfg.min_articles,
                              cfg.min_outlet_articles, cfg.copy_containment, cfg.edge_lines)
    articles = []
    for article in corpus.articles:
        lines = lines_by_article[article.id]
        reasons = [
            (chrome.get((article.id, _norm(line))) if r == "title_repeat" and _title_inferred(article) else r)
            or r or chrome.get((article.id, _norm(line)))
            for r, (_, _, line) in zip(ruled[article.id], lines, strict=False)
        ]
        cleaned = _rebuild(article, lines, reasons)
        if _title_inferred(article) and any(
            why not in (None, "title_repeat") and _norm(line) == _norm(article.title or "")
            for why, (_, _, line) in zip(reasons, lines, strict=False)
        ):
            inferred = {k: v for k, v in article.metadata["inferred"].items() if k != "title"}
            cleaned = replace(cleaned, title=None, metadata={**article.metadata, "inferred": inferred})
        articles.append(cleaned)
    return replace(corpus, articles=articles)


def _title_inferred(article: Article) -> bool:
    return bool(article.title) and "title" in (article.metadata.get("inferred") or {})


_RULE_OF: BoundedMemo[str, str | None] = BoundedMemo(200_000)  # `rule_for`'s answers by line (pure)


def rule_for(line: str) -> str | None:
    """Name of the first rule in `RULES` that marks this line as noise, or None (memoised)."""
    try:
        return _RULE_OF[line]
    except KeyError:
        found = _first_rule(line)
        _RULE_OF.remember(line, found)
        return found


def _first_rule(line: str) -> str | None:
    line = _BULLETS.sub("", line.strip()) or line.strip()
    n_words = len(line.split())
    for rule in RULES:
        if (
            n_words <= rule.max_words
            and rule.pattern.search(line)
            and not (rule.unless and rule.unless.search(line))
        ):
            return rule.name
    return None


# A slide's caption opened by its counter: "2/30 Frosty slopes of Mars This image ..."
_SLIDE = re.compile(r"^(\d{1,3})\s?/\s?(\d{1,3})\s+[A-Z\"“‘']")


def slide_lines(lines: list[tuple[int, int, str]]) -> set[int]:
    """Indices of a slideshow's captions, each line opened by its counter "k/N", however long:
    lines of one article whose counters share the total N, with at least two different k <= N
    (a line rule alone bounds its length; "9/11 Commission ..." opens one line, not a series)."""
    by_total: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for index, (_, _, line) in enumerate(lines):
        found = _SLIDE.match(line.strip())
        if found and 0 < int(found.group(1)) <= int(found.group(2)):
            by_total[found.group(2)].append((index, found.group(1)))
    return {i for found in by_total.values() if len({k for _, k in found}) >= 2 for i, _ in found}


# A caption led by its credit or label, as one article's pages carry them: "Agency The truck was ...",
# "Agency Heavily armed police ...", no final full stop (`credit_captions`).
_LOWER_RUN = re.compile(r"\b[a-z][\w'’-]*\s+[a-z][\w'’-]*\s+[a-z][\w'’-]*\b")  # three lower-case words: not a headline
_CAPITALISED = re.compile(r"^[A-Z][\w.&'’-]*$")
_TITLE_WORD = re.compile(r"^[A-Z](?:[a-z'’-][\w'’-]*)?$")  # "The", "A", "In": not an acronym ("US")


def _credit_prefix(line: str) -> str | None:
    """The one to three capitalised words that open `line` before a sentence's start, a capitalised
    function word and a lower-case word or a number ("Agency Images" in "Agency Images A victim is
    ...", "Agency" in "Agency In 2014 ..."): a sentence cannot open that way, so the words are a
    credit or a label; None when the line does not open so."""
    words = line.split()
    for k in range(1, 4):
        if len(words) <= k + 2 or not _CAPITALISED.match(words[k - 1]) or _function_word(words[k - 1]):
            return None
        if _TITLE_WORD.match(words[k]) and _function_word(words[k]) and (words[k + 1][:1].islower() or words[k + 1][:1].isdigit()):
            return " ".join(words[:k])
    return None


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    """scikit-learn's English stop words (`stop_words.english`), month and weekday names aside ("May")."""
    return stop_words.english() - set(MONTH_NAMES) - set(WEEKDAY_NAMES)


def _function_word(word: str) -> bool:
    return word.lower() in _function_words()


def _caption_shaped(lines: list[tuple[int, int, str]]) -> dict[int, str]:
    """index -> stripped line, for the lines that may be captions: no sentence ending, and three
    lower-case words in a row somewhere (a title-case line is a headline)."""
    return {i: line.strip() for i, (_, _, line) in enumerate(lines)
            if not line.rstrip().endswith(_TERMINAL) and _LOWER_RUN.search(line)}


def batch_credits(lines_by_article: dict[str, list[tuple[int, int, str]]]) -> frozenset[str]:
    """Credits that two different caption lines or more of the batch show (`_credit_prefix`): every
    caption they open is a credited caption, in any article of the batch (`credit_captions`)."""
    distinct = {line for lines in lines_by_article.values() for line in _caption_shaped(lines).values()}
    seen = Counter(map(_credit_prefix, distinct))
    return frozenset(p for p, n in seen.items() if p and n >= 2)


def credit_captions(lines: list[tuple[int, int, str]], credits: frozenset[str] = frozenset()) -> set[int]:
    """Indices of one article's captions led by a credit or label, no final full stop, then any
    capitalised word ("Agency Heavily armed police ...", "Agency People were ..."), opened by
    - a credit of the batch (`batch_credits`), or
    - words that a caption of the article shows to be a credit (`_credit_prefix`), when two lines
      or more of the article open with them.
    A one-word credit cannot be told from a sentence's first word alone (no list of names): the
    captions' repetition tells it.  Lines ending like a sentence and title-case lines stay."""
    shaped = _caption_shaped(lines)
    own = {p for p in map(_credit_prefix, shaped.values()) if p}
    found: set[int] = set()
    for prefix in own | credits:
        head = prefix.split()
        opened = [i for i, line in shaped.items()
                  if line.split()[:len(head)] == head and len(line.split()) > len(head)
                  and _CAPITALISED.match(line.split()[len(head)])]
        if len(opened) >= 2 or prefix in credits:
            found.update(opened)
    return found


_SPEAKER_LABEL = re.compile(
    r"^[A-Z][A-Z .'’-]+(?:,\s*[A-Z][A-Z .'’-]+)?:$"
)  # transcript "ARI SHAPIRO, HOST:"


def looks_like_reporting(line: str) -> bool:
    """A sentence, a quote, a long sentence-case line or a speaker label.

    Such lines are never removed on statistics alone, except boilerplate sentences at an
    article's edge (see `recurring_chrome`).
    """
    words = _WORD.findall(line)
    ends_like_sentence = line.rstrip().endswith(_TERMINAL)
    lower = sum(w[0].islower() for w in words)
    return (
        (len(words) >= 6 and ends_like_sentence)
        or (len(words) >= 4 and any(q in line for q in _QUOTES))
        or (len(words) >= 10 and lower >= 0.5 * len(words))
        or len(words) >= 20
        or bool(_SPEAKER_LABEL.match(line.strip()))
    )


def _headline_like(line: str) -> bool:
    words = line.split()
    return 1 <= len(words) <= 16 and not line.rstrip().endswith(_TERMINAL)


def _title_case(line: str) -> bool:
    long_words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", line) if len(w) >= 4]
    return len(long_words) >= 2 and sum(w[0].isupper() for w in long_words) >= 0.6 * len(long_words)


def _top_reason(article: Article, lines: list[tuple[int, int, str]], index: int) -> str | None:
    """Headline-like lines before the body: the title repeated, or other headlines (teasers).

    Before a dateline every headline-like line is a headline or teaser; otherwise only
    Title-Case lines that differ from the known title are taken (a standfirst stays).
    """
    if index >= 8:
        return None
    for _, _, earlier in lines[:index]:
        if _is_body(earlier):
            return None  # the body has started
    line = lines[index][2]
    if not _headline_like(line):
        return None
    if article.title and _norm(line) == _norm(article.title):
        return "title_repeat"
    body = next((later for _, _, later in lines[index + 1 :] if _is_body(later)), None)
    if body is not None and is_dateline(body):
        return "top_teaser"
    if article.title and _title_case(line) and len(line.split()) >= 3:
        return "top_teaser"
    return None


def _is_body(line: str) -> bool:
    return not _headline_like(line) and rule_for(line) is None


def recurring_chrome(
    articles: list[Article],
    lines_by_article: dict[str, list[tuple[int, int, str]]],
    ruled: dict[str, list[str | None]],
    min_articles: int,
    min_outlet: int,
    copy_containment: float = CleanConfig.copy_containment,
    edge_lines: int = CleanConfig.edge_lines,
) -> dict[tuple[str, str], str]:
    """(article id, normalised line) -> reason, for lines that recur across unrelated articles.

    Articles that share most of their text (wire reprints, copies, rewrites of one report)
    count once: they are grouped by word-shingle containment before counting.
    """
    kept = {a.id: [(i, line) for i, ((_, _, line), reason) in
                   enumerate(zip(lines_by_article[a.id], ruled[a.id], strict=False)) if reason is None]
            for a in articles}
    where, edge_sentences = _line_occurrences(articles, kept, edge_lines)
    candidates = {
        k: ids for k, ids in where.items()
        if len(ids) >= (min_articles if k in edge_sentences else min(min_articles, min_outlet))
    }  # fmt: skip
    if not candidates:
        return {}
    involved = {aid for ids in candidates.values() for aid in ids}
    related = _relatedness({aid: " ".join(line for _, line in kept[aid]) for aid in involved}, copy_containment)
    source = {a.id: (a.source or "").lower() or None for a in articles}
    out: dict[tuple[str, str], str] = {}
    for key, ids in candidates.items():
        if unrelated_count(ids, related, min_articles) >= min_articles:
            # a full sentence only counts at the edges (see `_line_occurrences`), a short line anywhere
            reason = "recurring_edge_line" if key in edge_sentences else "recurring_line"
        elif key not in edge_sentences and _any_outlet_reaches(ids, source, related, min_outlet):
            reason = "recurring_outlet_line"
        else:
            continue
        for aid in ids:
            out[(aid, key)] = reason
    return out


def _line_occurrences(articles: list[Article], kept: dict[str, list[tuple[int, str]]],
                      edge_lines: int) -> tuple[dict[str, list[str]], set[str]]:
    """(normalised line -> ids of the articles keeping it, the sentence-like lines among them).

    Lines that do not read as reporting count wherever they are; a sentence-like line counts
    only when it is among the first/last `edge_lines` kept lines of every article carrying it
    (a sign-off or a promo at the edge), never once seen inside some article's body."""
    where: dict[str, list[str]] = defaultdict(list)
    edge_sentences: set[str] = set()  # sentence-like lines seen only at the top/bottom edge
    in_body: set[str] = set()  # sentence-like lines seen inside some article's body
    for article in articles:
        seen = set()
        lines = kept[article.id]
        edges = {i for i, _ in lines[:edge_lines] + lines[-edge_lines:]}
        for i, line in lines:
            key = _norm(line)
            if key in seen:
                continue
            seen.add(key)
            if looks_like_reporting(line):
                if i in edges and _could_be_boilerplate(line):
                    edge_sentences.add(key)
                    where[key].append(article.id)
                else:
                    in_body.add(key)
            else:
                where[key].append(article.id)
    return {k: ids for k, ids in where.items() if k not in in_body}, edge_sentences - in_body


def _relatedness(texts: dict[str, str], copy_containment: float) -> Callable[[str, str], bool]:
    """related(x, y): the two articles share `copy_containment` of the smaller one's word
    shingles (one report carried twice), memoised per pair."""
    shingles = {aid: _shingles(text) for aid, text in texts.items()}
    cache: dict[tuple[str, str], bool] = {}

    def related(x: str, y: str) -> bool:
        key = (x, y) if x < y else (y, x)
        if key not in cache:
            a, b = shingles[x], shingles[y]
            small = min(len(a), len(b)) or 1
            cache[key] = len(a & b) / small >= copy_containment
        return cache[key]

    return related


def unrelated_count(ids: list[str], related: Callable[[str, str], bool], enough: int) -> int:
    """How many of `ids` are not copies of one another (greedy leaders), counting up to `enough`.

    Each article is compared with the leaders found so far only, so a line shared by
    thousands of articles costs at most `enough` comparisons per article.
    """
    leaders: list[str] = []
    for aid in ids:
        if not any(related(aid, leader) for leader in leaders):
            leaders.append(aid)
            if len(leaders) >= enough:
                break
    return len(leaders)


def _any_outlet_reaches(ids: list[str], source: dict[str, str | None], related: Callable[[str, str], bool],
                        enough: int) -> bool:
    by_outlet: dict[str, list[str]] = defaultdict(list)
    for aid in ids:
        outlet = source[aid]
        if outlet:
            by_outlet[outlet].append(aid)
    return any(len(v) >= enough and unrelated_count(v, related, enough) >= enough for v in by_outlet.values())


def _could_be_boilerplate(line: str) -> bool:
    """A sentence that may be site boilerplate: no figures, no quote, no attribution verb."""
    return (
        not re.search(r"\d", line)
        and not any(q in line for q in _QUOTES)
        and not _REPORTED_SPEECH.search(line)
    )


def _shingles(text: str, n: int = 4) -> set[int]:
    tokens = [w.lower() for w in _WORD.findall(text)]
    return {hash(tuple(tokens[i : i + n])) for i in range(max(1, len(tokens) - n + 1))} if tokens else set()


def _lines(article: Article) -> list[tuple[int, int, str]]:
    raw = article.raw_text or article.text or ""
    return [(s, e, raw[s:e]) for s, e in paragraphs(raw)]


def _norm(line: str) -> str:
    return _SPACES.sub(" ", line.strip().lower())


def sharing_lines(articles: list[Article], with_: list[Article]) -> list[Article]:
    """Those of `articles` that hold a line (normalised) of one of `with_`: the only ones the
    corpus statistics of `with_`'s lines count (chrome is a line recurring across unrelated
    articles), so the incremental add cleans a new article over them instead of its whole
    working set."""
    wanted = set().union(*(_line_keys(a.raw_text or a.text or "") for a in with_)) - {""}
    return [a for a in articles if not wanted.isdisjoint(_line_keys(a.raw_text or a.text or ""))]


@lru_cache(maxsize=4096)  # pure in the text: a warm process (server, API) meets the same working-set texts on every add
def _line_keys(raw: str) -> frozenset[str]:
    """The normalised lines (`_norm`) of a raw text, as `_lines` cuts it."""
    return frozenset(_norm(raw[s:e]) for s, e in paragraphs(raw))


def _rebuild(article: Article, lines: list[tuple[int, int, str]], reasons: list[str | None]) -> Article:
    """Cleaned text keeps the raw separators between kept lines, so kept lines stay verbatim."""
    raw = article.raw_text or article.text or ""
    parts: list[str] = []
    removed: list[str] = []
    removed_reasons: list[str] = []
    for index, ((start, _, line), reason) in enumerate(zip(lines, reasons, strict=False)):
        if reason:
            removed.append(line)
            removed_reasons.append(reason)
            continue
        if parts:
            separator = raw[lines[index - 1][1] : start]
            parts.append(separator if separator.strip() == "" and separator else "\n")
        parts.append(line)
    for line in article.metadata.get("extraction_dropped") or []:  # left out by the HTML extractor
        removed.append(line)
        removed_reasons.append("html_extraction")
    return replace(
        article, raw_text=raw, text="".join(parts), removed=removed, removed_reasons=removed_reasons
    )


def rules_markdown() -> str:
    """The rule table as Markdown (name, what it removes, longest line it may take)."""
    rows = ["| rule | removes | max words |", "|---|---|---:|"]
    rows += [f"| `{r.name}` | {r.why} | {r.max_words} |" for r in RULES]
    rows += [
        "| `html_extraction` | lines of the page's <article> that trafilatura left out "
        "(recorded by the reader) | - |",
        "| `title_repeat` | the article's title repeated as its first line | 16 |",
        "| `top_teaser` | other headlines above the body (before a dateline, or Title Case) | 16 |",
        "| `recurring_line` | a non-sentence line in >= `clean.min_articles` unrelated articles | - |",
        "| `recurring_outlet_line` | ... or in >= `clean.min_outlet_articles` unrelated articles "
        "of one outlet | - |",
        "| `recurring_edge_line` | a first/last sentence (no figures, quotes or 'said') in >= "
        "`clean.min_articles` unrelated articles | - |",
    ]
    return "\n".join(rows)


if __name__ == "__main__":  # python -m storyweave.stages.clean: print the rule table
    print(rules_markdown())
