"""Candidate speakers written around a reporting verb, read over word tokens: the capitalised
name, he/she or "the <role>" that is the verb's subject ("Mr. Reyes of the Hiking Club said",
"a spokesman, Jane Doe, said") or that follows it ("said Rep. J.K. Ortega (D-Ore.)").  The
article resolves a candidate to a speaker (`article._Article.resolve`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from storyweave.nlp.stop_words import spacy_english
from storyweave.stages.analysis.entities import ROLE_WORDS
from storyweave.stages.analysis.quotes.verbs import _VERB

# Tokens: parentheticals "(D-N.C.)", initials "G.K.", abbreviated titles "Sen.", words, punctuation.
# Abbreviated titles are the usual English (AP style) abbreviations of titles and ranks.
_ABBREV = (r"(?:Mr|Mrs|Ms|Mx|Dr|Prof|Rep|Reps|Sen|Sens|Gov|Lt|Gen|Col|Maj|Capt|Cmdr|Adm|Sgt|Cpl|Rev|Jr|Sr|St|"
           r"Atty|Supt|Insp|Det|Amb|Hon|Pres|Sec|Msgr|Fr|Del|Cong|Sup)\.")
_TOK = re.compile(rf"\([^()\n]{{1,30}}\)|{_ABBREV}|(?:[A-Z]\.){{1,3}}(?![\w])|[\w’'\-]+|[^\w\s]")
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
