"""Direct quotes, their speakers, and the same statement matched across outlets.

Quote spans are found by a small scanner (straight, curly, guillemet and German „“ quotes,
apostrophes told apart from single quotes).  Speakers come from the reporting clause around each
quote, read by rules over words and spaCy's entity labels: “...,” X said / said X / X, the ...,
said / X said: “...” / X said the plan would “...” / according to X / “...” ― X / he said (the
last person named) / the governor said (the person named with that role earlier) / a quote
paragraph continuing the previous speaker / a sentence of phrases closing on ", X said." / “...” X
said.  A name must be the subject of the reporting verb, so an outlet, a platform or a place in the
clause ("told the Gazette", "on a platform", "in Valmora") is never taken, nor the person told ("X told Station
Nine News: “...”"), nor a place closing an aside ("X, at a rally in Brenn, Estria, said"); a nationality adjective
never is; no speaker found gives None.  Measured on PolNeAR (real
news, independent gold) by benchmarks/quotes_bench.py.  Reworded versions of one statement ("did
not come true" / "were not fulfilled") are grouped by speaker + word overlap + character n-gram
TF-IDF cosine.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from storyweave.config import AnalyzeConfig
from storyweave.model import Quote
from storyweave.nlp import tfidf
from storyweave.nlp.fastre import word_alternation
from storyweave.nlp.stop_words import QUOTE_OVERLAP, spacy_english
from storyweave.nlp.text import content_words, paragraphs, split_sentences
from storyweave.stages.analysis.doc import AnyDoc, Ent, ents_of, text_of
from storyweave.stages.analysis.entities import ROLE_WORDS, EntityIndex, clean_surface

if TYPE_CHECKING:
    import numpy as np
    from spacy.tokens import Span

_CLOSERS = {"“": "”\"", "«": "»", "„": "“”", "‘": "’", '"': '"”', "'": "'", "”": "”", "‹": "›", "»": "«"}
_MIN_WORDS = AnalyzeConfig.quote_min_words  # the default; the analyze stage passes its own


@dataclass
class QuoteSpan:
    """A quoted passage of an article text, with its offsets and those of its paragraph."""

    text: str  # verbatim, without the quote marks
    start: int  # offsets of the quoted text in the article
    end: int
    para_start: int
    para_end: int


def find_quotes(text: str, min_words: int = _MIN_WORDS) -> list[QuoteSpan]:
    """Quoted passages of `text` (one paragraph at a time; an unclosed quote runs to its end)."""
    out: list[QuoteSpan] = []
    for ps, pe in paragraphs(text):
        i = ps
        while i < pe:
            ch = text[i]
            if ch not in _CLOSERS or not _opens(text, i, ps):
                i += 1
                continue
            j = _closing(text, i, pe)
            end = j if j is not None else pe
            raw = text[i + 1 : end]
            body = raw.strip().rstrip(",;:").rstrip()
            lead = len(raw) - len(raw.lstrip())
            if len(body.split()) >= min_words and (j is not None or ch in "“\"«„"):
                s = i + 1 + lead
                out.append(QuoteSpan(body, s, s + len(body), ps, pe))
                i = end + 1
            else:
                i += 1
    return out


def _opens(text: str, i: int, ps: int) -> bool:
    prev = text[i - 1] if i > ps else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if nxt.isspace():
        return False
    if text[i] in "'‘’" and prev.isalnum():
        return False  # apostrophe
    return prev.isspace() or prev in "([—–-:,;" or i == ps


def _closing(text: str, i: int, pe: int) -> int | None:
    closers = _CLOSERS[text[i]]
    for j in range(i + 1, pe):
        c = text[j]
        if c == "“" == text[i] and text[j - 1] in ",.?!" and (j + 1 >= len(text) or text[j + 1].isspace()):
            return j  # “It's unusual,“ said X: a closing mark typed as an opening one
        if c not in closers:
            continue
        nxt = text[j + 1] if j + 1 < len(text) else " "
        if c in "'’" and (nxt.isalpha() or text[j - 1].isspace()):
            continue  # Ukraine's, don't
        if text[j - 1].isspace() and c == '"' and text[j - 2 : j - 1] not in ("'", "’"):
            continue  # an opening mark, unless it closes a nested quote: ...,' " Ortega said
        return j
    return None


@dataclass
class QuoteRecord:
    """One quote as read in one article: its words, the speaker found (or None) and where it stands."""

    text: str
    speaker: str | None
    article_id: str
    credited: tuple[str, ...]
    start: int


# ---- attribution -------------------------------------------------------------------------
# Rules over the words around each quote and spaCy's entity labels, not a dependency parse: news
# attribution is written in a few fixed shapes (“...,” X said / said X / X, a ..., said: “...” /
# according to X / “...” ― X / he said / the governor said), which these rules read exactly, while
# the small model's parser would add more CPU than the whole recogniser for the same speakers.

def _forms(lemma: str) -> list[str]:
    """Regular English inflections of a verb (its irregular forms are listed with it)."""
    if lemma.endswith("e"):
        return [lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing"]
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        return [lemma, lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"]
    s = lemma + ("es" if lemma.endswith(("s", "sh", "ch", "x", "z")) else "s")
    return [lemma, s, lemma + "ed", lemma + "ing"]


# General English verbs of saying (the reporting verbs of grammars of reported speech, e.g. Quirk
# et al. 1985 §14.30 and the "reporting verb" lists of EFL grammars), hand-picked: no lexical
# resource with verb classes ships offline with our dependencies.  Irregular forms spelled out.
_REGULAR_SAY = (
    "add tweet post declare note stress explain insist warn claim announce ask reply continue comment "
    "urge argue remark emphasise emphasize underline acknowledge recall conclude confirm respond answer "
    "assure vow complain concede suggest observe demand shout yell scream exclaim mutter whisper testify "
    "report predict promise joke boast brag caution charge contend counter cry describe deny estimate mock "
    "pledge proclaim protest reason recount reiterate repeat retort scoff sneer tout wonder lament plead "
    "marvel agree disagree call dub label brand insist hint muse chide blast slam accuse maintain opine "
    "concur allege assert affirm attest interject interrupt mention inform reveal disclose inquire "
    "complain scold recall praise press beam gush laugh sigh groan chuckle"
)
_IRREGULAR_SAY = ("stated say says said saying tell tells told telling write writes wrote written writing "
                  "admit admits admitted admitting quip quips quipped quipping snap snaps snapped "
                  "go on goes on went on going on point out points out pointed out pointing out "
                  "speak speaks spoke speaking sing sings sang singing")
_SAY_WORDS = sorted({f for v in _REGULAR_SAY.split() for f in _forms(v)}
                    | set(re.findall(r"(?:went|goes|going|go|point|points|pointed|pointing) (?:on|out)|[a-z]+",
                                     _IRREGULAR_SAY)), key=len, reverse=True)
_SAY_WORDS = [w for w in _SAY_WORDS if w not in {"on", "out", "go", "point", "points", "pointed", "pointing"}]
# "(?:[sS]aid|[sS]ays|...)" of the words longest first, written as a trie (same matches, ~10x faster
# a scan: the flat alternation of 465 words was the analysis's costliest regex; `nlp.fastre`).
_VERB = re.compile(r"(?<![\w-])" + word_alternation(_SAY_WORDS, capital_first=True) + r"\b(?!-)")
SPEECH_VERBS = "|".join(_SAY_WORDS)
# Forms of "tell": their object is the person told ("X told Station Nine News: “...”"), never the speaker.
_TELL = {"tell", "tells", "told", "telling"}


def _in_name(text: str, m: re.Match[str]) -> bool:
    """A verb spelled with a capital right after a word is part of a name ("the Riverside Post",
    "Station Nine Charge"), not a reporting verb; one opening a sentence ("Said Roe: ...") still is."""
    return m.group()[:1].isupper() and bool(re.search(r"[A-Za-z][’']?\s+$", text[max(0, m.start() - 30) : m.start()]))


def _phrasal_not_reporting(text: str, m: re.Match[str]) -> bool:
    """ "go on" reports speech only when the clause ends, a quotation follows or "about" does ("“...,” he
    went on." / "She went on: “...”" / "went on about “...”"); elsewhere it has its other senses ("the
    Senate goes on recess")."""
    return " " in m.group() and m.group().split()[0].lower() in {"go", "goes", "went", "going"} and \
        not re.match(r"\s*(?:[,.:;!?“\"«—–]|about\b|$)", text[m.end() : m.end() + 7])


def _say_matches(text: str, lo: int, hi: int) -> Iterator[re.Match[str]]:
    """Reporting verbs in text[lo:hi], without the capitalised words of names."""
    return (m for m in _VERB.finditer(text, lo, hi) if not _in_name(text, m) and not _phrasal_not_reporting(text, m))


def _before_infinitive(text: str, m: re.Match[str]) -> bool:
    """A verb of saying followed by a to-infinitive is not reporting here: "will continue to be",
    "agreed to meet", "went on to win" (English complementation: a reporting verb introduces a
    that-clause or a quotation, not an infinitive)."""
    return bool(re.match(r"\s+to\s+[a-z]", text[m.end() : m.end() + 20]))


_ACCORDING = re.compile(r"\baccording to\s+", re.IGNORECASE)
# Nouns naming a statement ("Ortega's claim that “...”"): the nominal forms of the verbs above.
_STATEMENT_NOUNS = ("claim|claims|statement|statements|remark|remarks|comment|comments|words|assertion|"
                    "description|promise|pledge|tweet|tweets|message|warning|vow|suggestion|argument|"
                    "charge|accusation|insistence|slogan|response|answer|question|speech|call|reply|"
                    "boast|prediction|characterization|characterisation|quip|retort|line|phrase|mantra")

# Tokens: parentheticals "(D-N.C.)", initials "G.K.", abbreviated titles "Sen.", words, punctuation.
# Abbreviated titles are the usual English (AP style) abbreviations of titles and ranks.
_ABBREV = (r"(?:Mr|Mrs|Ms|Mx|Dr|Prof|Rep|Reps|Sen|Sens|Gov|Lt|Gen|Col|Maj|Capt|Cmdr|Adm|Sgt|Cpl|Rev|Jr|Sr|St|"
           r"Atty|Supt|Insp|Det|Amb|Hon|Pres|Sec|Msgr|Fr|Del|Cong|Sup)\.")
_TOK = re.compile(rf"\([^()\n]{{1,30}}\)|{_ABBREV}|(?:[A-Z]\.){{1,3}}(?![\w])|[\w’'\-]+|[^\w\s]")
_TITLE_EXPAND = {"gov": "governor", "sen": "senator", "rep": "representative", "gen": "general",
                 "lt": "lieutenant", "pres": "president", "sec": "secretary", "atty": "attorney",
                 "supt": "superintendent", "amb": "ambassador", "col": "colonel", "capt": "captain",
                 "adm": "admiral", "prof": "professor", "det": "detective", "insp": "inspector"}
_PARTICLES = {"de", "del", "della", "der", "den", "van", "von", "da", "di", "du", "la", "le", "bin", "ibn",
              "al", "el", "dos", "das", "st"}
_NAME_SUFFIX = {"Jr.", "Sr.", "II", "III", "IV", "Jr", "Sr"}
# Words that may stand between a subject and its verb: auxiliaries and common adverbs (any -ly
# adverb is accepted too).
_BETWEEN = {"also", "later", "then", "now", "again", "first", "has", "had", "have", "once",
            "previously", "recently", "simply", "just", "further", "finally", "still", "often", "would",
            "will", "did", "does", "both", "all", "himself", "herself", "themselves", "itself", "too",
            "even", "last", "soon", "never", "always", "ultimately", "reportedly", "repeatedly",
            "has been", "was", "is"}
_PRONOUNS = {"he", "she"}
_CONNECTORS = {"but", "and", "so", "yet", "then", "still", "also", "however", "now", "later", "meanwhile",
               "instead", "or", "while", "when", "as", "though", "although", "because", "since", "if"}
_PREPOSITIONS = {"of", "for", "at", "in", "from", "with", "by", "to", "on", "about", "against"}
# Words that open or link clauses (conjunctions, pronouns, auxiliaries, prepositions): a subject's
# descriptor ("former presidential candidate X said") never contains them.
_CLAUSE_WORDS = _PREPOSITIONS | _CONNECTORS | {
    "is", "was", "are", "were", "be", "been", "being", "has", "have", "had", "do", "does", "did", "he", "she",
    "they", "it", "we", "i", "you", "that", "which", "who", "whom", "would", "will", "can", "could", "should",
    "may", "might", "must", "not", "there", "into", "through", "than", "what", "where", "how", "why", "about",
    # the other common English prepositions (closed class; any grammar's list): "said X during the
    # GOP debate" ends the name X there
    "during", "after", "before", "amid", "among", "around", "across", "behind", "despite", "following",
    "near", "over", "under", "until", "via", "within", "without", "toward", "towards", "outside", "inside"}
_LABELS_SPEAKING = {"PERSON", "ORG", "GPE", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW", "LOC"}


class _SpacyStops:
    """spaCy's English stop words (`spacy_english`), read on first use: importing them imports
    spaCy (~0.7 s), which a run with nothing new to parse never needs (its results key imports
    this package)."""

    def __contains__(self, word: object) -> bool:
        return word in spacy_english()


_STOPS = _SpacyStops()


@dataclass
class _Tok:
    start: int
    end: int
    text: str

    @property
    def cap(self) -> bool:
        t = self.text
        if t in _NAME_SUFFIX or re.fullmatch(_ABBREV, t) or re.fullmatch(r"(?:[A-Z]\.){1,3}", t):
            return True
        return t[:1].isupper() and t[:1].isalpha() and not t.startswith("(")


def _tokens(text: str, lo: int, hi: int) -> list[_Tok]:
    return [_Tok(m.start(), m.end(), m.group()) for m in _TOK.finditer(text, lo, hi)]


def _name_back(toks: list[_Tok], i: int) -> int | None:
    """Index of the first token of the capitalised name ending at token `i`, or None."""
    j = i
    while j >= 0 and (toks[j].cap or (toks[j].text.lower() in _PARTICLES and j < i and toks[j + 1].cap)):
        if j < i and re.search(r"[’']s$", toks[j].text):
            break  # "Gazette’s Lena Hart": the name after the possessive
        j -= 1
    j += 1
    while j <= i and (toks[j].text.lower() in _STOPS and not re.fullmatch(_ABBREV, toks[j].text)
                      or toks[j].text.lower() in _PARTICLES):
        j += 1  # "But Ortega", "The Riverside Post": closed-class words open no name
    return j if j <= i and toks[i].cap else None


def _name_fwd(toks: list[_Tok], i: int) -> int | None:
    """Index after the last token of the capitalised name starting at token `i`, or None."""
    j = i
    while j < len(toks) and toks[j].text.lower() in _STOPS and toks[j].cap and not re.fullmatch(_ABBREV, toks[j].text):
        j += 1
    if j >= len(toks) or not toks[j].cap:
        return None
    k = j
    while k < len(toks) and (toks[k].cap or (toks[k].text.lower() in _PARTICLES and k + 1 < len(toks)
                                             and toks[k + 1].cap)):
        k += 1
    return k


@dataclass
class _Cand:
    kind: str  # "name" | "pron" | "desc"
    start: int
    end: int
    text: str
    subject: bool = False  # written right before its reporting verb ("Ortega told"): a name for sure


def _skip_between(toks: list[_Tok], i: int) -> int:
    """Index of the last token at or before `i` that is not an adverb, an auxiliary or a party
    tag "(D-Wis.)": the words that may stand between a subject and its verb."""
    while i >= 0 and (toks[i].text in _BETWEEN or re.fullmatch(r"[a-z]+ly", toks[i].text)):
        i -= 1
    if i >= 0 and toks[i].text.startswith("("):
        i -= 1
    return i


def _name_in_commas(text: str, toks: list[_Tok], i: int) -> _Cand | None:
    """A name set off by commas right before the verb: "Her campaign manager, Tom Reyes, suggested"."""
    if i >= 2 and toks[i].text == "," and toks[i - 1].cap:
        head = _name_back(toks, i - 1)
        if head is not None and head > 0 and toks[head - 1].text == ",":
            return _Cand("name", toks[head].start, toks[i - 1].end, text[toks[head].start : toks[i - 1].end])
    return None


def _skip_appositives(toks: list[_Tok], i: int) -> int:
    """Index of the subject's last token before up to three appositives ending at the comma `i`
    (", the head of X," / ", who ...," / ", 25,"); `i` itself when there are none."""
    if i >= 1 and toks[i].text == ",":
        commas = [k for k in range(i - 1, max(-1, i - 40), -1) if toks[k].text == ","][:3]
        for c in commas:
            firsts = [toks[k + 1].text for k in [c] + [x for x in commas if c < x < i]]
            if not all(f[:1].islower() or f[:1].isdigit() or f.lower() in ROLE_WORDS
                       or re.fullmatch(r"[RDI]-[A-Z][\w.\-]*", f) for f in firsts):
                break
            k = c - 1
            if k >= 0 and toks[k].text.startswith("("):
                k -= 1
            if k >= 0 and (toks[k].cap or toks[k].text.lower() in _PRONOUNS):
                head = _name_back(toks, k) if toks[k].cap else k
                if head is not None and head > 0 and toks[head - 1].text in _PREPOSITIONS:
                    continue  # ", the attorney general of the state,": a name inside the appositive
                i = k
                break
    return i


def _subject_ending_at(text: str, toks: list[_Tok], i: int) -> tuple[_Cand, int] | None:
    """(subject, index of its first token) for the subject whose last token is `i`: he/she, a
    name (with "of [the] <Name>" after it) or "the <role>"; None for anything else."""
    t = toks[i]
    if t.text.lower() in _PRONOUNS:
        return _Cand("pron", t.start, t.end, t.text), i
    if t.cap:
        name_start = _name_back(toks, i)
        if name_start is None:
            return None
        first = name_start
        while first >= 2 and (toks[first - 1].text == "of" or (toks[first - 1].text == "the" and first >= 3
                                                              and toks[first - 2].text == "of")):
            k = first - 2 if toks[first - 1].text == "of" else first - 3  # "Mr. Reyes of the Hiking Club said"
            head = _name_back(toks, k) if toks[k].cap else None
            if head is None:
                break
            i, first = k, head
            t = toks[i]
        return _Cand("name", toks[first].start, t.end, text[toks[first].start : t.end], subject=True), first
    if t.text[:1].islower() and t.text.isalpha():
        the_at = next((k for k in range(i - 1, max(-1, i - 6), -1) if toks[k].text.lower() == "the"), None)
        if the_at is None or any(not (x.text.isalpha() or x.text == "-") for x in toks[the_at:i + 1]):
            return None
        return _Cand("desc", toks[the_at].start, t.end, text[toks[the_at + 1].start : t.end]), the_at
    return None


def _only_descriptor_before(toks: list[_Tok], first: int) -> bool:
    """Whether the tokens before the subject's first token `first` are at most a descriptor:
    "Harbor police Chief X said", "White House press secretary X"."""
    lead = [x for x in toks[:first] if x.text not in ",;"]
    if first > 0 and toks[first - 1].text == ",":
        lead = []  # "..." is held accountable, Ortega said.
    if len(lead) >= 2 and lead[-1].text == "and" and all(x.cap for x in lead[:-1]):
        lead = []  # "Jane Roe and Tom Reyes wrote": two named writers, the nearer one kept
    return not (len(lead) > 6 or any(not (re.fullmatch(r"[\w’'/\-]+|[’']s|(?:[A-Z]\.){1,3}", x.text)
                                          or re.fullmatch(_ABBREV, x.text)) or _VERB.fullmatch(x.text)
                                     or (x.text.lower() in _CLAUSE_WORDS and x.text.lower() not in {"the", "of", "for"})
                                     for x in lead))


def _subject_before(text: str, lo: int, v: int, whole: bool = False) -> _Cand | None:
    """The subject of a reporting verb at `v`: the name (or he/she, or 'the <role>') before it,
    past adverbs, a party tag "(D-Wis.)" and up to two appositives (", a writer for X,").
    With `whole`, the subject must start right at `lo` (nothing else before it)."""
    toks = _tokens(text, lo, v)
    i = _skip_between(toks, len(toks) - 1)
    named = _name_in_commas(text, toks, i)
    if named is not None:
        return named
    i = _skip_appositives(toks, i)
    if i < 0:
        return None
    found = _subject_ending_at(text, toks, i)
    if found is None:
        return None
    cand, first = found
    if whole and not _only_descriptor_before(toks, first):
        return None
    return cand


def _name_after(text: str, p: int, hi: int) -> _Cand | None:
    """The name (or he/she, or 'the <role>') starting at `p`: "said Rep. J.K. Ortega (D-Ore.)"."""
    toks = _tokens(text, p, hi)
    if not toks:
        return None
    if toks[0].text.lower() in _PRONOUNS:
        return _Cand("pron", toks[0].start, toks[0].end, toks[0].text)
    if toks[0].text.lower() == "the" and len(toks) > 1:
        k = 1
        while k < len(toks) and k < 6 and (toks[k].text.isalpha() or toks[k].text == "-"):
            if toks[k].text.lower() in {"of", "who", "in", "at", "on", "for"} or toks[k].text in _STOPS:
                break
            k += 1
        if k > 1 and toks[k - 1].text[:1].islower():
            return _Cand("desc", toks[0].start, toks[k - 1].end, text[toks[1].start : toks[k - 1].end])
    start = 0
    while start < len(toks) and start < 5 and (toks[start].text.lower() == "the" or (
            not toks[start].cap and re.fullmatch(r"[a-z0-9/\-]+", toks[start].text)
            and (toks[start].text not in _CLAUSE_WORDS or (toks[start].text == "of" and start > 0 and start + 1 < len(toks)
                                                          and toks[start + 1].text.islower())))):
        start += 1  # "said the Rev. X", "said 9/11 widow X", "said former secretary of state X"
    end = _name_fwd(toks, start)
    if end is None:
        return None
    first = next(k for k in range(start, end) if toks[k].cap and toks[k].text.lower() not in _STOPS
                 or re.fullmatch(_ABBREV, toks[k].text))
    k = end  # "according to ministry spokesman Ivan Petrov": the name after the descriptor
    reach = 5 if re.search(r"[’']s$", toks[end - 1].text) else 3
    while k < len(toks) and k < end + reach and toks[k].text[:1].islower() and toks[k].text.isalpha() \
            and toks[k].text not in _CLAUSE_WORDS:
        k += 1
    if k > end and k < len(toks):
        later = _name_fwd(toks, k)
        if later is not None:
            first, end = k, later
    return _Cand("name", toks[first].start, toks[end - 1].end, text[toks[first].start : toks[end - 1].end])


class _Article:
    """One article's text, entities and sentences, with the look-ups the rules need."""

    def __init__(self, doc: AnyDoc, article_id: str, index: EntityIndex, spans: list[QuoteSpan]):
        self.text = text_of(doc)
        self.ents = [e for e in ents_of(doc)]
        self.sents = getattr(doc, "sentences", None) or split_sentences(self.text)
        self.starts = [s.start for s in self.sents]
        self.article_id, self.index, self.spans = article_id, index, spans
        self.inside = [(q.start, q.end) for q in spans]

    def sentence_at(self, pos: int) -> int:
        return max(0, bisect_right(self.starts, pos) - 1)

    def sentence_start(self, pos: int) -> int:
        """Start of the sentence holding `pos`, across the sentencizer's false stops: after an
        abbreviation ("Lt. | Gen. X") or after a closing quote mark with no full stop before it."""
        if not self.sents:
            return 0
        si = self.sentence_at(pos)
        while si > 0 and self.sents[si - 1].paragraph == self.sents[si].paragraph and (
                re.search(rf"(?:\b{_ABBREV}|\b[A-Z]\.|\([^()]{{1,30}}\.\))$", self.sents[si - 1].text)
                or not re.search(r"[.!?…:;][\"'”’»)\]]*$", self.sents[si - 1].text)):
            si -= 1
        return self.sents[si].start

    def ents_in(self, s: int, e: int) -> list[Ent | Span]:
        return [x for x in self.ents if x.start_char < e and x.end_char > s]

    def quoted(self, pos: int) -> bool:
        return any(s <= pos < e for s, e in self.inside)

    def resolve(self, cand: _Cand, pos: int) -> str | None:
        if cand.kind == "pron":
            return self.antecedent(cand.start)
        if cand.kind == "desc":
            return self.describe(cand.text, pos)
        return self.name(cand.start, cand.end, cand.subject)

    def name(self, s: int, e: int, subject: bool = False) -> str | None:
        """Canonical speaker for the name written at [s, e): its PERSON, else the institution
        (an outlet or body speaking for itself), never a nationality/group adjective."""
        ents = self.ents_in(s, e)
        persons = [x for x in ents if x.label_ == "PERSON"]
        if persons:
            p = persons[-1]
            return self.index.canonical_at(self.article_id, p.start_char) or self.index.resolve(p.text) or \
                clean_surface(p.text)[0] or None
        if ents and all(x.label_ not in _LABELS_SPEAKING for x in ents):
            # a nationality or group adjective, a number, a date; unless the event knows a person of
            # that name ("Irish said" after "Dana Irish")
            known = self.index.resolve(clean_surface(self.text[s:e])[0], person_only=True)
            word = self.text[s:e]
            if known:
                return known
            norp = all(x.label_ == "NORP" for x in ents)
            if norp and re.fullmatch(r"[A-Z][a-z]+(?:\s+[A-Z][a-z]+){1,2}", word) \
                    and re.match(r",\s+(?:a|an|the)\s+\w", self.text[e : e + 12]):
                return word  # "stated Lena Marash, a historian at ...": a full name with an appositive
            if not (subject and re.fullmatch(r"[A-Z][a-z]+", word) and not word.endswith("s") and norp):
                return None
            return word  # "Armenian added" (a surname): a word the recogniser took for a nationality
        raw = self.text[s:e]
        name, _ = clean_surface(raw)
        if not name or name.lower() in _STOPS:
            return None
        person = self.index.resolve(name, person_only=True)
        if person:
            return person
        if ents:
            best = max(ents, key=lambda x: x.end_char - x.start_char)
            if best.start_char < s:  # "Gazette’s Lena Hart" tagged as one organisation: the name
                return self.index.resolve(name, person_only=True) or name
            return self.index.canonical_at(self.article_id, best.start_char) or name
        # no entity there: a name the event knows, or a word this article capitalises mid-sentence
        # too (a proper noun); "Wait", "Speaking", "Transcript" opening a sentence are no one
        known = self.index.resolve(name)
        if known:
            return known
        last = re.escape(name.split()[-1])
        if re.search(rf"(?<=[a-z,;] ){last}\b", self.text):
            return name
        # the subject of a reporting verb is a name, unless it is a capitalised plural opening the
        # sentence ("Critics called it ...": a group, not someone named)
        opening = s == self.sentence_start(s)
        return name if subject and not (opening and " " not in name and name.endswith("s")) else None

    def antecedent(self, pos: int) -> str | None:
        """He/she: the last person named before `pos` outside quotations, or a later person the
        recogniser missed who is the subject of a reporting verb in the same sentence ("Although
        Roe admitted that ..., he claimed")."""
        for ent in reversed([x for x in self.ents if x.end_char <= pos and x.label_ == "PERSON"]):
            if re.fullmatch(r"\s*,?\s*(?:whom|who)\s+", self.text[ent.end_char : pos]):
                continue  # "X, whom he called ...": a pronoun in a relative clause is not its head
            if not self.quoted(ent.start_char):
                return self._speaking_subject(ent.end_char, pos) or self.name(ent.start_char, ent.end_char)
        return self._speaking_subject(0, pos)

    def _speaking_subject(self, lo: int, pos: int) -> str | None:
        """The last person (known to the event as a person) written as the subject of a reporting
        verb in [lo, pos), within the sentence holding `pos`."""
        lo = max(lo, self.sentence_start(pos))
        for v in reversed(_verbs(self, lo, pos)):
            cand = _subject_before(self.text, lo, v.start())
            if cand and cand.kind == "name" and cand.start >= lo:
                who = self.index.resolve(clean_surface(cand.text)[0], person_only=True)
                if who:
                    return who
        return None

    def describe(self, phrase: str, pos: int) -> str | None:
        """'the Westmarch governor' -> the last person named before `pos` with that role word next to
        the name (before it, or in an appositive after it); else the event's one person or body."""
        words_ = [_TITLE_EXPAND.get(w, w) for w in re.findall(r"[a-z]+", phrase.lower())]
        if not words_:
            return None
        head = words_[-1]
        for ent in reversed([x for x in self.ents if x.end_char <= pos and x.label_ == "PERSON"]):
            if self.quoted(ent.start_char):
                continue
            around = self.text[max(0, ent.start_char - 50) : ent.start_char] + " " + \
                re.split(r"[.;]\s|[“\"]", self.text[ent.end_char : ent.end_char + 90])[0]
            near = {_TITLE_EXPAND.get(w, w) for w in re.findall(r"[a-z]+", around.lower())}
            if head in near or (head.endswith("s") and head[:-1] in near):
                return self.name(ent.start_char, ent.end_char)
        return self.index.by_role(phrase) or self.index.by_institution(phrase)


_INTRO = {"in", "on", "at", "after", "before", "during", "earlier", "later", "last", "since", "when", "while",
          "following", "as", "here", "there", "today", "asked", "speaking", "according", "with", "for", "from",
          "despite", "like", "unlike", "to", "by", "over", "under", "once", "if", "although", "though"}


# Subordinating conjunctions (closed class, any English grammar): a quotation inside the clause
# they open, before its comma, is said by that clause's subject.
_SUBORDINATORS = {"when", "while", "as", "although", "though", "after", "before", "because", "since", "once"}


def _subject_at(art: _Article, toks: list[_Tok], i: int, person_only: bool) -> str | None:
    """The name (or he/she) at token `i` when a verb or an appositive follows it."""
    while i < len(toks) and toks[i].text.lower() in _CONNECTORS:
        i += 1
    if i >= len(toks):
        return None
    if toks[i].text.lower() in _PRONOUNS and i + 1 < len(toks) and toks[i + 1].text[:1].islower():
        return art.antecedent(toks[i].start)
    end = _name_fwd(toks, i)
    if end is not None and re.search(r"[’']s$", toks[end - 1].text):
        # "Dana Kim’s campaign manager Tom Reyes said": the name after the possessive's head
        k = end
        while k < len(toks) and k < end + 4 and toks[k].text[:1].islower() and toks[k].text.isalpha():
            k += 1
        end = _name_fwd(toks, k) if k < len(toks) and k > end else None
        i = k
    if end is None or end >= len(toks):
        return None
    nxt = toks[end]
    if not (nxt.text[:1].islower() or nxt.text == "," or nxt.text.startswith("(")):
        return None
    if person_only and any(x.label_ in {"GPE", "LOC", "DATE", "TIME", "NORP", "FAC"}
                           for x in art.ents_in(toks[i].start, toks[end - 1].end)):
        return None  # "..., Brenn, Estria, Roe said": a place in the introduction
    return art.name(toks[i].start, toks[end - 1].end)


def _sentence_subject(art: _Article, lo: int, hi: int) -> str | None:
    """The subject opening the clause [lo, hi): "Ortega dismissed X as “...”", after an
    introductory phrase ("In July, ..." / "Speaking at a rally in Brenn, Estria, Roe ...")."""
    toks = [t for t in _tokens(art.text, lo, hi) if not art.quoted(t.start)]
    if not toks:
        return None
    first = toks[0].text.lower()
    second_cap = len(toks) > 1 and toks[1].cap  # "Carly Fiorina threw": a name, not "Clearly," / "Speaking at"
    if first not in _INTRO and (not first.endswith(("ing", "ly")) or second_cap):
        who = _subject_at(art, toks, 0, person_only=False)
        if who:
            return who
    if first in _SUBORDINATORS and not any(t.text == "," for t in toks):
        who = _subject_at(art, toks, 1, person_only=True)  # "When Roe later said he would “...”"
        if who:
            return who
    for k in [k for k, t in enumerate(toks[:40]) if t.text == ","]:
        who = _subject_at(art, toks, k + 1, person_only=True)
        if who:
            return who
    return None


_POSSESSIVE_CLAIM = re.compile(rf"([A-Z][\w.\-]*(?:\s+[A-Z][\w.’'\-]*){{0,3}})[’']s\s+(?:[a-z\-]+\s+){{0,2}}"
                               rf"(?:{_STATEMENT_NOUNS})\b")
_TRANSCRIPT = re.compile(r"([A-Z][A-Z’'\-]+(?:\s+[A-Z][A-Z’'\-]+){0,2}):\s")


def _right_side(art: _Article, q: QuoteSpan) -> tuple[int, int]:
    text = art.text
    tail = re.match(r"[,;:.!?…]*\s?[”\"»“’'›«]?", text[q.end : q.para_end])
    close = q.end + (tail.end() if tail else 0)
    si = art.sentence_at(max(q.start, close - 1))
    r_end = art.sents[si].end if si < len(art.sents) else q.para_end
    if r_end <= close + 1 and si + 1 < len(art.sents) and (
            q.text.rstrip("’'”\"")[-1:] in "?!…-—" or _bare_attribution(art.sents[si + 1].text)):
        r_end = art.sents[si + 1].end  # “...?” Ortega demanded. / “... files.” Neil Varga said.
    r_end = min(r_end, q.para_end, close + 220)
    nxt = next((s.start - 1 for s in art.spans if close <= s.start - 1 < r_end), None)
    return close, (nxt if nxt is not None else r_end)


def _bare_attribution(sentence: str) -> bool:
    """A sentence that is only an attribution: "Neil Varga said." / "Jane Doe, a spokeswoman, added Friday."
    (a quotation closed with a full stop before its reporting clause)."""
    sentence = sentence.strip()
    v = next(_say_matches(sentence, 0, len(sentence)), None)
    return (len(sentence) <= 90 and v is not None and v.start() > 0 and not re.search(r"[“”\"«»]", sentence)
            and sentence[:1].isupper() and re.fullmatch(r"(?:\s+[\w’'.\-]+){0,4}\s*[.!]", sentence[v.end():]) is not None)


def _left_start(art: _Article, q: QuoteSpan) -> int:
    lo = max(art.sentence_start(q.start), q.para_start)
    prev = [s.end for s in art.spans if q.para_start <= s.end < q.start]
    if prev:
        close = prev[-1] + 1
        lo = max(lo, min(close + 1, q.start - 1))
    return lo


def _attribute(art: _Article, q: QuoteSpan) -> tuple[str | None, bool]:
    """(speaker, whether an attribution cue was seen) for quote `q`: a transcript label, then the
    attribution after the quote, then the one before it (a reporting verb, then other cues)."""
    m = _TRANSCRIPT.match(q.text)
    if m and q.start == q.para_start + 1:
        return art.index.resolve(m.group(1).title()) or m.group(1), True  # "ROE: Well, look ..."
    close, r_end = _right_side(art, q)
    credit = _dash_credit(art, q, close)
    if credit is not None:  # “...” ― Teresa Mombasa
        return art.resolve(credit, close), True
    who, right_cue = _right_speaker(art, close, r_end)
    if who:
        return who, True
    # left side: X said: “...” / X said the plan would “...” / according to X, “...”
    lo, open_pos = _left_window(art, q)
    who, verb_cue = _left_verb_speaker(art, q, lo, open_pos)
    if who:
        return who, True
    who, other_cue = _left_cue_speaker(art, q, lo, open_pos)
    if who:
        return who, True
    return None, right_cue or verb_cue or other_cue


def _dash_credit(art: _Article, q: QuoteSpan, close: int) -> _Cand | None:
    """The name after a dash closing quote `q` (“...” ― Teresa Mombasa), or None."""
    dash = re.match(r"\s*[―—–]+\s*", art.text[close : q.para_end])
    if not dash:
        return None
    nxt = next((s.start - 1 for s in art.spans if s.start > close), q.para_end)
    cand = _name_after(art.text, close + dash.end(), min(nxt, q.para_end))
    return cand if cand and cand.kind == "name" else None


def _right_speaker(art: _Article, close: int, r_end: int) -> tuple[str | None, bool]:
    """(speaker, cue seen) from the words in [close, r_end) after a quote: “...,” said X /
    “...,” according to X / “...,” X, the ..., said / “...” for Kim, said Ortega."""
    text = art.text
    lead = re.match(r"[\s,;]*", text[close:r_end])
    p = close + (lead.end() if lead else 0)
    cue = False
    for opener in (_VERB, _ACCORDING):  # “...,” said X  /  “...,” according to X
        m = opener.match(text, p)
        if m:
            cue = True
            cand = _name_after(text, m.end(), r_end)
            who = art.resolve(cand, close) if cand else None
            if who:
                return who, True
    for v in _say_matches(text, p, min(r_end, p + 200)):  # “...,” X, the ..., said
        cand = _subject_before(text, p, v.start(), whole=True)
        if cand:
            who = art.resolve(cand, close)
            if who:
                return who, True
            cue = True
            break
        if re.search(r",\s*$", text[p : v.start()]):  # “...” for Kim, said Ortega.
            cand = _name_after(text, v.end(), r_end)
            who = art.resolve(cand, close) if cand else None
            if who:
                return who, True
    return None, cue


def _left_window(art: _Article, q: QuoteSpan) -> tuple[int, int]:
    """(start, end) of the text before quote `q` that may attribute it; a quote opening its
    paragraph after "X continued:" reads the sentence of that colon."""
    open_pos = max(q.para_start, q.start - 1)
    lo = _left_start(art, q)
    if lo >= open_pos and q.start - 1 <= q.para_start:  # a quote opening its paragraph after "X continued:"
        before = art.text[: q.para_start].rstrip()
        if before.endswith(":"):
            si = art.sentence_at(len(before) - 1)
            lo, open_pos = art.sents[si].start if art.sents else 0, len(before)
    return lo, open_pos


def _left_verb_speaker(art: _Article, q: QuoteSpan, lo: int, open_pos: int) -> tuple[str | None, bool]:
    """(speaker, cue seen) from the reporting verbs before quote `q`: the subject of the clause's
    reporting verb (X said ... “...”), the name after it (said Rep. X, adding “...”), or the
    subject of its sentence."""
    text = art.text
    sent_lo = min(lo, art.sentence_start(q.start)) if lo < open_pos else lo
    verbs = _verbs(art, sent_lo, open_pos)
    if not verbs:
        return None, False
    v = verbs[-1]
    reporting = [x for x in verbs if not _before_infinitive(text, x)]
    if _before_infinitive(text, v) and reporting:  # X said Y will continue to be “...”: X
        v = reporting[-1]
    finite = [x for x in verbs if not x.group().endswith("ing")]
    if v.group().endswith("ing") and finite:  # X said ..., adding “...”: the finite verb's subject
        v = finite[-1]
    if not v.group().endswith("ing"):
        cand = _subject_before(text, sent_lo, v.start())
        if cand and _place_in_aside(art, cand):
            cand = None
        who = art.resolve(cand, open_pos) if cand else None
        if who:
            return who, True
        cand = _name_after(text, v.end(), open_pos)  # “...,” said Rep. X, adding “...” / Said Ellis: “...”
        if cand and cand.kind == "name" and v.group().lower() not in _TELL and (
                re.match(r"[\s(]*(?:\([^)]*\))?\s*[,:]|\s*$", text[cand.end : open_pos])
                or _adverbial_then_participle(text, cand.end, verbs[-1])):
            who = art.resolve(cand, open_pos)
            if who:  # "demand wealthy Americans “pay ...”": a group adjective is no speaker; read on
                return who, True
    if v.group().endswith("ing") and not re.search(r",\s*$", text[sent_lo : v.start()]):
        cand = _subject_before(text, sent_lo, v.start())  # "footage of Dana Kim asking “...”"
        who = art.resolve(cand, open_pos) if cand else None
        if who:
            return who, True
    return _sentence_subject(art, sent_lo, v.start()), True  # X, in Ohio, ... and now said “...”


def _left_cue_speaker(art: _Article, q: QuoteSpan, lo: int, open_pos: int) -> tuple[str | None, bool]:
    """(speaker, cue seen) from the other cues around quote `q`: "Pollster Jane Doe: “...”",
    "according to X", "X's claim that “...”", a closing attribution, or the subject of the
    sentence the quote stands in."""
    text = art.text
    colon = re.search(r"([A-Z][\w.’'\-]*(?:\s+(?:and\s+)?[A-Z][\w.’'\-]*){0,4})\s*(?:\([^)]*\))?:\s*$",
                      text[lo:open_pos])
    if colon:  # "Pollster Jane Doe: “...”"
        who = art.name(lo + colon.start(1), lo + colon.end(1))
        if who:
            return who, True
    cue = False
    a = list(_ACCORDING.finditer(text, lo, open_pos))
    if a:
        cue = True
        cand = _name_after(text, a[-1].end(), open_pos)
        if cand:
            who = art.resolve(cand, open_pos)
            if who:
                return who, True
    poss = list(_POSSESSIVE_CLAIM.finditer(text, lo, open_pos))
    if poss:
        who = art.name(poss[-1].start(1), poss[-1].end(1))
        if who:
            return who, True
    tail = _closing_attribution(art, q)
    if tail:
        return tail, True
    if re.search(r"[a-z]{2,}", text[lo:open_pos]):  # a quote inside a sentence: its subject said it
        who = _sentence_subject(art, lo, open_pos) or _sentence_subject(art, art.sentence_start(q.start), open_pos)
        if who:
            return who, True
    return None, cue


def _closing_attribution(art: _Article, q: QuoteSpan) -> str | None:
    """A sentence quoting several phrases and closing on its attribution: ... gives “a real boost”
    and brings the “people on the ground” they lack, a party spokesman, Jane Doe, said.  The clause
    after the last comma of the sentence, "<subject> said[ adverbial].", names who said them all."""
    text = art.text
    si = art.sentence_at(q.start)
    if si >= len(art.sents):
        return None
    end = min(art.sents[si].end, q.para_end)
    later = [s for s in art.spans if q.end < s.start < end]
    after = (later[-1].end if later else q.end) + 1  # alone: a clause between it and the attribution
    verbs = [m for m in _say_matches(text, after, end) if not art.quoted(m.start())]
    if not verbs:
        return None
    v = verbs[-1]
    rest = text[v.end() : end]
    if re.search(r",[”\"’']?\s*$", text[after - 1 : v.start()]) and v.group().lower() not in _TELL:
        cand = _inverted_subject(text, v.end(), end)  # ..., said Jane Roe, a historian at Brenn College.
        if cand and re.fullmatch(r"\s*(?:\([^)]*\))?\s*(?:,[^“”\"«»]{0,100}?)?[.!?]?[”\"’']?\s*", text[cand.end : end]) \
                and not re.search(r"[.!?]\s*[A-Z]", text[cand.end : end]):
            return art.resolve(cand, end)
    if not re.fullmatch(r"(?:\s+[\w’'.\-]+){0,5}\s*[.!?]?[”\"’']?\s*", rest):
        return None  # "..., X said, and then ...": not a closing attribution
    commas = [m.start() for m in re.finditer(",", text[after : v.start()])][::-1][:3]
    for c in commas:  # "..., a spokesman, Jane Doe, said.": the nearest comma that opens a subject
        cand = _subject_before(text, after + c + 1, v.start(), whole=True)
        if cand and (later or cand.kind == "name"):  # alone: its own right side read the short shapes
            return art.resolve(cand, end)
    return None


def _inverted_subject(text: str, p: int, hi: int) -> _Cand | None:
    """The subject written after an inverted reporting verb at `p`: "said Jane Roe", "said the
    bureau’s director, Jane Roe," (a descriptor, then the name in apposition)."""
    cand = _name_after(text, p, hi)
    if cand and cand.kind == "name":
        return cand
    desc = re.match(r"\s+the\s+(?:[a-z\-]+(?:[’']s)?\s+){0,4}[a-z\-]+,\s+(?=[A-Z])", text[p:hi])
    if desc:
        named = _name_after(text, p + desc.end(), hi)
        if named and named.kind == "name":
            return named
    return cand


def _adverbial_then_participle(text: str, end: int, last: re.Match[str]) -> bool:
    """ "“...,” said Rep. X (D-Va.) at the time, adding that “...”": after the name only a bracket,
    a short adverbial (up to five lower-case words) and a comma before the clause's last reporting
    verb, a participle ("adding", "saying"): the quote continues the named speaker's statement."""
    return last.start() > end and last.group().endswith("ing") and bool(
        re.fullmatch(r"\s*(?:\([^)]*\))?\s*(?:[a-z]+\s+){0,4}[a-z]*\s*,\s*", text[end : last.start()]))


def _place_in_aside(art: _Article, cand: _Cand) -> bool:
    """ "Karen Wells, at a rally in Brenn, Estria, said": a place closing an aside set off by
    commas is not the subject; the sentence's subject is."""
    ents = art.ents_in(cand.start, cand.end)
    return cand.kind == "name" and bool(re.search(r"\b[A-Z][\w.’'\-]*,\s*$", art.text[max(0, cand.start - 40) : cand.start])) \
        and bool(ents) \
        and all(x.label_ in {"GPE", "LOC", "FAC"} for x in ents)


def _verbs(art: _Article, lo: int, hi: int) -> list[re.Match[str]]:
    """Reporting verbs in [lo, hi) outside quotations, without the nouns spelled alike ("his
    comments", "Ginsburg’s remarks", "the claims")."""
    out = []
    for m in _say_matches(art.text, lo, hi):
        if art.quoted(m.start()):
            continue
        before = art.text[max(lo, m.start() - 12) : m.start()]
        if re.search(r"(?:\b(?:the|a|an|his|her|their|its|our|my|your|this|that|these|those|whose)|[’']s?)\s+$",
                     before, re.IGNORECASE):
            continue
        if not re.search(r"(?:ed|ing)$", m.group()) and re.search(
                r"\b(?:the|a|an|his|her|their|its|our|my|your|this|that|whose)\s+[\w’']+-[\w’'-]+\s+$",
                art.text[max(lo, m.start() - 40) : m.start()], re.IGNORECASE):
            continue  # "a Trump-style retort", "her much-quoted remark": a noun after a hyphenated modifier
        out.append(m)
    return out


def _previous_sentence_speaker(art: _Article, q: QuoteSpan) -> str | None:
    """A quote opening a sentence after "..., Ortega said." in the same paragraph: that speaker."""
    si = art.sentence_at(q.start)
    if si == 0 or not art.sents or art.sents[si].start < q.start - 2:
        return None
    prev = art.sents[si - 1]
    opens_paragraph = q.start - 1 <= q.para_start
    if (prev.paragraph != art.sents[si].paragraph and not opens_paragraph) or \
            any(prev.start <= s.start < prev.end for s in art.spans):
        return None  # "Ortega continued her remarks." then a paragraph that is one quotation
    verbs = [x for x in _verbs(art, prev.start, prev.end) if not x.group().endswith("ing")]
    if not verbs:
        return None
    cand = _subject_before(art.text, prev.start, verbs[-1].start())
    return art.resolve(cand, prev.end) if cand else None


def attribute(doc: AnyDoc, q: QuoteSpan, article_id: str, index: EntityIndex, quotes: list[QuoteSpan]) -> str | None:
    """Speaker of quote `q` from the words around it, or None."""
    return _attribute(_Article(doc, article_id, index, quotes), q)[0]


_ATTRIBUTION_ONLY = re.compile(
    r"[^\w]*(?:[\w.'’-]+\s+){0,3}(?:said|says|added|adds|told\s+\w+|continued|went on|explained|"
    r"stressed|insisted|noted|wrote|tweeted)[^\w]*", re.IGNORECASE)


def _attribution_between(text: str, end: int, start: int) -> bool:
    """The words between two quotations of a paragraph are one short attribution sentence and
    nothing else (",” said Jane Roe. “"), so the second quotation goes on with the same speaker."""
    raw = text[end:start]
    if not (raw.startswith(",") or text[end - 1 : end] in ("?", "!")) or \
            not re.search(r"[.,][\s“\"‘«]*$", raw):
        return False  # the first quotation ends its sentence, or the clause introduces the next ("Roe said:")
    between = raw.strip(" ,;.!?”\"’'“‘«»\n")
    return 0 < len(between.split()) <= 8 and not re.search(r"[.!?;:]\s|[“”\"«»]", between) \
        and next(_say_matches(between, 0, len(between)), None) is not None


def quotes_of(doc: AnyDoc, article_id: str, credited: tuple[str, ...], index: EntityIndex,
              min_words: int = _MIN_WORDS) -> list[QuoteRecord]:
    """Attributed quotes of one article; an unattributed quote right after one continues its speaker.

    Quotations of fewer than `min_words` words are kept only when a speaker is named for them (a
    short attributed phrase is a quote, an unattributed one is usually a scare quote or a title)."""
    text = text_of(doc)
    spans = find_quotes(text, min_words=1)
    art = _Article(doc, article_id, index, spans)
    out: list[QuoteRecord] = []
    prev: QuoteRecord | None = None
    prev_span: QuoteSpan | None = None
    for q in spans:
        speaker, cue = _attribute(art, q)
        if speaker is None and not cue and prev is not None and prev.speaker and prev_span is not None:
            same_para = q.para_start == prev_span.para_start
            # a paragraph that opens with a quote continues the previous paragraph's speaker
            next_para = (q.start - 1 == q.para_start and not re.search(r"\S", text[prev_span.para_end : q.para_start]))
            if same_para or next_para:
                speaker = prev.speaker
        if speaker is None and prev is not None and prev.speaker and prev_span is not None \
                and q.para_start == prev_span.para_start and _attribution_between(text, prev_span.end, q.start):
            speaker = prev.speaker  # “...,” said Roe. “...”: the sentence between only credits the first
        if speaker is None and not cue:
            speaker = _previous_sentence_speaker(art, q)
        if speaker is None and len(q.text.split()) < min_words:
            continue
        rec = QuoteRecord(q.text, speaker, article_id, credited, q.start)
        out.append(rec)
        prev, prev_span = rec, q
    return out


# ---- matching across outlets ---------------------------------------------------------------

def _containment(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _char_cosines(texts: list[str]) -> np.ndarray | list[list[float]]:
    if len(texts) < 2:
        return [[1.0]]
    # scikit-learn's TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True), bit for bit
    m = tfidf.fit_transform(texts, tfidf.char_wb_analyzer((3, 5)), sublinear_tf=True)
    cos: np.ndarray = (m @ m.T).toarray()
    return cos


def _same_statement(si: str | None, sj: str | None, c: float, sem: float, wi: set[str], wj: set[str]) -> bool:
    """c: char n-gram TF-IDF cosine; sem: static-embedding cosine (0 when no model is shipped)."""
    k, small = _containment(wi, wj), min(len(wi), len(wj))
    if si and sj and si == sj:
        # meaning alone is not enough: one speaker's different statements on one topic embed close
        return (sem >= 0.75 and k >= 0.3) or c >= 0.5 or (k >= 0.6 and small >= 3 and c >= 0.3)
    if si and sj:
        return c >= 0.9  # one statement credited to two names: keep only near-identical wording
    return sem >= 0.9 or c >= 0.75 or (k >= 0.8 and small >= 4 and c >= 0.5)


def _embedding_cosines(texts: list[str]) -> np.ndarray | None:
    from storyweave.nlp.represent import embedding_matrix

    v = embedding_matrix(texts)
    return None if v is None else v @ v.T


def match_quotes(records: list[QuoteRecord]) -> list[Quote]:
    """Group the event's quote records into statements (same speaker + similar words)."""
    # identical text in one article (headline + body) counts once
    seen: dict[tuple[str, str], int] = {}
    recs: list[QuoteRecord] = []
    for r in records:
        key = (r.article_id, " ".join(r.text.lower().split()))
        if key not in seen:
            seen[key] = len(recs)
            recs.append(r)
        elif recs[seen[key]].speaker is None and r.speaker:
            recs[seen[key]] = r  # the attributed copy (body) over the bare one (headline)
    if not recs:
        return []
    cos = _char_cosines([r.text for r in recs])
    sem = _embedding_cosines([r.text for r in recs]) if len(recs) > 1 else None
    words = [content_words(r.text, QUOTE_OVERLAP, joined=False) for r in recs]
    n = len(recs)
    same = [[False] * n for _ in range(n)]
    for i in range(n):
        same[i][i] = True
        for j in range(i + 1, n):
            same[i][j] = same[j][i] = _same_statement(recs[i].speaker, recs[j].speaker, cos[i][j],
                                                         float(sem[i][j]) if sem is not None else 0.0, words[i], words[j])
    # average-linkage merging: a group joins another only if most of their pairs match (no chaining)
    group_of = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    linked = [(x, y) for x in range(n) for y in range(x + 1, n) if same[x][y]]
    for i, j in sorted(linked, key=lambda p: -cos[p[0]][p[1]]):
        gi, gj = group_of[i], group_of[j]
        if gi == gj:
            continue
        pairs = [same[a][b] for a in members[gi] for b in members[gj]]
        if sum(pairs) * 2 < len(pairs):
            continue
        for k in members[gj]:
            group_of[k] = gi
        members[gi].extend(members.pop(gj))
    groups = {g: [recs[k] for k in ks] for g, ks in members.items()}
    out = []
    for g in groups.values():
        speakers = Counter(r.speaker for r in g if r.speaker)
        support: Counter[str] = Counter()
        for r in g:
            support[r.text] += len(r.credited)
        text = max(support, key=lambda t: (support[t], len(t)))
        variants = [t for t, _ in support.most_common()]
        ids = sorted({a for r in g for a in r.credited})
        out.append(Quote(speaker=speakers.most_common(1)[0][0] if speakers else None, text=text,
                         variants=variants, article_ids=ids))
    out.sort(key=lambda q: (-len(q.article_ids), q.speaker is None, min(r.start for r in records if r.text in q.variants)))
    return out
