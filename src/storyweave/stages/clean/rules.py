"""The clean stage's named line rules: `Rule`, the pattern fragments the rules are written with,
the rule table `RULES` (first match wins), `rule_for` (a line's rule, memoised) and
`rules_markdown` (every reason a line can go, as a Markdown table; `python -m
storyweave.stages.clean` prints it)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from storyweave.memo import BoundedMemo
from storyweave.nlp.date_patterns import MONTH_NAMES, WEEKDAY_NAMES
from storyweave.nlp.fastre import guarded


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
# The messages of a newsletter sign-up form (`signup_form`: two of them in one line).
_FORM_MESSAGE = (r"invalid e-?mail|e-?mail address is invalid|please (?:re-?enter|enter an? (?:valid )?e-?mail)|"
                 r"not a robot|you must select a newsletter|you agree to receive|thank you for subscribing|"
                 r"\* ?required field|an error has occurred|enter your e-?mail address")
# Capitalised interface labels that can open a line like a credit does (general English).
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

_BULLETS = re.compile(r"^[►▶•·»>*–—-]+\s*")
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
