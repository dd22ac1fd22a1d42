"""Who said each quotation, from the reporting clause around it.

The rules read words and spaCy's entity labels: “...,” X said / said X / X, the ..., said / X
said: “...” / X said the plan would “...” / according to X / “...” ― X / he said (the last person
named) / the governor said (the person named with that role earlier) / a quote paragraph
continuing the previous speaker / a sentence of phrases closing on ", X said." / “...” X said.
A name must be the subject of the reporting verb, so an outlet, a platform or a place in the
clause ("told the Gazette", "on a platform", "in Valmora") is never taken, nor the person told
("X told Station Nine News: “...”"), nor a place closing an aside ("X, at a rally in Brenn,
Estria, said"); a nationality adjective never is; no speaker found gives None.  Measured on
PolNeAR (real news, independent gold) by benchmarks/quotes_bench.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storyweave.stages.analysis.doc import AnyDoc, text_of
from storyweave.stages.analysis.entities import EntityIndex
from storyweave.stages.analysis.quotes.article import _Article, _verbs
from storyweave.stages.analysis.quotes.candidates import (
    _CONNECTORS,
    _PRONOUNS,
    _Cand,
    _name_after,
    _name_fwd,
    _subject_before,
    _Tok,
    _tokens,
)
from storyweave.stages.analysis.quotes.spans import _MIN_WORDS, QuoteSpan, find_quotes
from storyweave.stages.analysis.quotes.verbs import _TELL, _VERB, _before_infinitive, _say_matches

# Rules over the words around each quote and spaCy's entity labels, not a dependency parse: news
# attribution is written in a few fixed shapes (“...,” X said / said X / X, a ..., said: “...” /
# according to X / “...” ― X / he said / the governor said), which these rules read exactly, while
# the small model's parser would add more CPU than the whole recogniser for the same speakers.


@dataclass
class QuoteRecord:
    """One quote as read in one article: its words, the speaker found (or None) and where it stands."""

    text: str
    speaker: str | None
    article_id: str
    credited: tuple[str, ...]
    start: int


_ACCORDING = re.compile(r"\baccording to\s+", re.IGNORECASE)
# Nouns naming a statement ("Ortega's claim that “...”"): the nominal forms of the reporting verbs.
_STATEMENT_NOUNS = ("claim|claims|statement|statements|remark|remarks|comment|comments|words|assertion|"
                    "description|promise|pledge|tweet|tweets|message|warning|vow|suggestion|argument|"
                    "charge|accusation|insistence|slogan|response|answer|question|speech|call|reply|"
                    "boast|prediction|characterization|characterisation|quip|retort|line|phrase|mantra")


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
    second_cap = len(toks) > 1 and toks[1].cap  # "Shelly Norden threw": a name, not "Clearly," / "Speaking at"
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
        cand = _name_after(text, v.end(), open_pos)  # “...,” said Rep. X, adding “...” / Said Roe: “...”
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
