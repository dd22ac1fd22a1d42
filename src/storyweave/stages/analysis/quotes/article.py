"""One article as the attribution rules read it (`_Article`): its text, entities, sentences and
quotations, the reporting verbs outside them (`_verbs`), and a candidate speaker resolved to a
canonical name (the person named, the person a pronoun or a role word refers to, or an
institution speaking for itself)."""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import TYPE_CHECKING

from storyweave.nlp.text import split_sentences
from storyweave.stages.analysis.doc import AnyDoc, Ent, ents_of, text_of
from storyweave.stages.analysis.entities import EntityIndex, clean_surface
from storyweave.stages.analysis.quotes.candidates import _ABBREV, _STOPS, _Cand, _subject_before
from storyweave.stages.analysis.quotes.spans import QuoteSpan
from storyweave.stages.analysis.quotes.verbs import _say_matches

if TYPE_CHECKING:
    from spacy.tokens import Span


_TITLE_EXPAND = {"gov": "governor", "sen": "senator", "rep": "representative", "gen": "general",
                 "lt": "lieutenant", "pres": "president", "sec": "secretary", "atty": "attorney",
                 "supt": "superintendent", "amb": "ambassador", "col": "colonel", "capt": "captain",
                 "adm": "admiral", "prof": "professor", "det": "detective", "insp": "inspector"}
_LABELS_SPEAKING = {"PERSON", "ORG", "GPE", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW", "LOC"}


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
            if best.start_char < s:  # "Gazette’s Lena Hart" tagged as one organisation: the name as written
                return name  # (no person of the event is called so: `resolve` gave nothing above)
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
