"""Canonical entities of an event across spellings, transliterations and surname-only mentions.

spaCy NER finds the mentions; we merge them ourselves because no library knows that
Mykhaylo/Mykhailo/Mikhailo Podolyak/Podoliak or Arakhamia/Arachamija are one person.  Each
name token gets a transliteration key (unidecode, lowercase, kh/ch->h, y/j->i, w->v, ck->k,
doubled letters collapsed); names match when their surname keys are (nearly) equal and their
first names are compatible; a surname alone joins the one full name in the event that carries it.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from rapidfuzz import fuzz
from unidecode import unidecode

from storyweave.config import AnalyzeConfig
from storyweave.model import Entity, Event
from storyweave.stages.analysis.doc import AnyDoc, Ent, ents_of, text_of

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

ENTITY_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"}

TITLES = {
    "mr", "mrs", "ms", "miss", "dr", "prof", "professor", "president", "minister", "prime",
    "gen", "general", "col", "colonel", "sen", "senator", "rep", "gov", "governor", "chancellor",
    "sir", "lord", "lady", "king", "queen", "prince", "princess", "pope", "sheikh", "mayor",
    "premier", "vice", "deputy", "foreign", "defence", "defense", "secretary", "ambassador",
    "lt", "capt", "maj", "adm", "judge", "justice", "chairman", "spokesman", "spokeswoman",
}

ROLE_WORDS = {
    "president", "minister", "adviser", "advisor", "aide", "head", "chief", "spokesman",
    "spokeswoman", "spokesperson", "secretary", "leader", "negotiator", "ambassador", "governor",
    "mayor", "commander", "general", "official", "chairman", "chairwoman", "chancellor", "envoy",
    "director", "premier", "king", "queen", "prince", "senator", "lawmaker", "deputy",
    "representative", "prosecutor", "judge", "analyst", "professor", "ceo", "founder",
    "correspondent", "diplomat", "counsellor", "counselor", "speaker", "mp", "colonel", "captain",
    "admiral", "marshal", "pope", "emir", "sheikh", "member", "negotiators", "officer", "editor",
    "chair", "mediator", "presidential", "delegation",
}
# lower-case words allowed inside a role phrase before a name ("Russian delegation head X")
_ROLE_FILLERS = {"of", "the", "'s", "’s", "foreign", "defence", "defense", "deputy", "senior", "top",
                 "former", "acting", "prime", "interior", "military", "presidential", "chief",
                 "state", "national", "security", "affairs", "economy", "finance", "health",
                 "press", "delegation", "office", "ministry", "party", "opposition", "peace",
                 "parliamentary", "faction", "team", "staff", "vice", "general", "lead"}

_NON_NAME = re.compile(r"[^a-z0-9 ]+")
_POSSESSIVE = re.compile(r"[’']s?$")


@lru_cache(maxsize=65536)  # the same name tokens recur in every article and event
def translit_key(token: str) -> str:
    """Spelling-insensitive key of one name token (Petrenkoy/Petrenkiy/Petrenko -> petrenko)."""
    s = re.sub(r"[^a-z]", "", unidecode(token).lower())
    for a, b in (("shch", "sh"), ("kh", "h"), ("ch", "h"), ("ck", "k"), ("ph", "f"), ("ou", "u"),
                 ("w", "v"), ("j", "i"), ("y", "i"), ("x", "ks"), ("q", "k")):
        s = s.replace(a, b)
    return re.sub(r"(.)\1+", r"\1", s)  # doubled letters: Petrenkii -> petrenki, Valoviia


def clean_surface(text: str) -> tuple[str, list[str]]:
    """Mention text without possessive, leading article and titles; returns (name, titles)."""
    t = " ".join(text.split())
    t = re.split(r"[’']s\s", t)[0]  # "Abe’s Twitter" names Abe
    t = _POSSESSIVE.sub("", t) if re.search(r"[’']s?$", t) and len(t) > 3 else t
    t = t.strip(" ,.;:-–—\"'“”«»()")
    words_ = t.split()
    titles: list[str] = []
    if words_ and words_[0].lower() == "the":
        words_ = words_[1:]
    while len(words_) > 1 and words_[0].lower().rstrip(".") in TITLES:
        titles.append(words_.pop(0))
    while len(words_) > 1 and words_[-1].lower() in {"and", "of", "the", "for", "in", "on"}:
        words_.pop()
    return " ".join(words_), titles


def name_keys(name: str) -> tuple[str, ...]:
    """Transliteration keys of the words of `name` (see `translit_key`), empty words left out."""
    return tuple(k for k in (translit_key(w) for w in name.replace("-", " ").split()) if k)


def _gazetteer_key(name: str) -> str:
    return " ".join(name_keys(name))


PLACE_PREFIX = "geonames:"
_ANALYZE = AnalyzeConfig()  # the defaults; the analyze stage passes its own


def place_of(name: str, label: str, titles: list[str], cfg: AnalyzeConfig = _ANALYZE) -> str | None:
    """GeoNames id of a mention that names a place (gazetteer: `analysis.gazetteer`), else None.
    NER's GPE/LOC/FAC/ORG spans are looked up as they are; a PERSON span only when it is one
    word without a title and names a city of `cfg.min_person_place_population` or a country."""
    from storyweave.stages.analysis.gazetteer import lookup

    if label in {"NORP", "EVENT"} or (label == "PERSON" and (titles or " " in name)):
        return None
    hit = lookup(name, _gazetteer_key, cfg.gazetteer_min_name)
    if hit is None or (label == "PERSON" and hit[1] < cfg.min_person_place_population):
        return None
    return hit[0]


# photo credits: 'Dana Holt/PA', 'REUTERS/Name' (a slash joins photographer and agency) and
# names ending in an English word for pictures ('Getty Images', 'AFP Photo')
_CREDIT_WORDS = {"images", "image", "photo", "photos", "pictures", "picture", "photography"}


def is_credit(text: str, start: int, end: int) -> bool:
    """Is the span at text[start:end] a photo credit or interface text rather than an entity?
    Interface text: a short line after the first (<= 3 words, no sentence punctuation) such as
    'Facebook Twitter Email' or 'Share on Facebook' among the paragraphs."""
    span = text[start:end]
    if "/" in span or text[end : end + 1] == "/" or text[max(0, start - 1) : start] == "/":
        return True
    last = span.split()[-1].lower() if span.split() else ""
    if last in _CREDIT_WORDS:
        return True
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : line_end if line_end >= 0 else len(text)].strip()
    return line_start > 0 and len(line.split()) <= 3 and not re.search(r"[.!?:;,\"“”]", line)


@dataclass
class Mention:
    """One entity mention in one article, with its name keys and the ids it speaks for."""

    surface: str  # cleaned form as written
    label: str
    keys: tuple[str, ...]
    article_id: str
    credited: tuple[str, ...]
    start: int  # char offset in the article text
    role: str | None = None


class _Cluster:
    """Mentions of one entity; `full_keys` (longest name) and `is_person` kept up to date on add."""

    def __init__(self) -> None:
        self.mentions: list[Mention] = []
        self.full_keys: tuple[str, ...] = ()
        self.is_person = False

    def add(self, mentions: list[Mention]) -> None:
        self.mentions.extend(mentions)
        for m in mentions:
            if len(m.keys) > len(self.full_keys):
                self.full_keys = m.keys
            self.is_person = self.is_person or m.label == "PERSON"


def _similar(a: str, b: str, threshold: float) -> bool:
    return a == b or (min(len(a), len(b)) >= 4 and fuzz.ratio(a, b) >= threshold)


def _surname_match(a: str, b: str) -> bool:
    """Surname keys equal, or near-equal when both are long (Cazeneuve/Cazaneuve, not Nato/Naito)."""
    return a == b or (min(len(a), len(b)) >= 7 and fuzz.ratio(a, b) >= 88)


def _first_names_compatible(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    if len(a) < 2 or len(b) < 2:
        return True
    fa, fb = a[0], b[0]
    if len(fa) == 1 or len(fb) == 1:
        return fa[0] == fb[0]
    return _similar(fa, fb, 80)


def _role_before(doc: Doc, ent: Span) -> str | None:
    """Title/role words right before a name: "Estrian delegation head" Ana Valdor."""
    i = ent.start - 1
    toks: list[Token] = []
    while i >= 0 and len(toks) < 6:
        tok = doc[i]
        low = tok.text.lower()
        if tok.is_sent_start and low in {"the", "a", "an"}:
            break
        if low in ROLE_WORDS or low in _ROLE_FILLERS or (tok.text[:1].isupper() and tok.is_alpha):
            toks.append(tok)
            i -= 1
            continue
        break
    toks.reverse()
    while toks and toks[0].text.lower() in {"of", "the", "'s", "’s"}:
        toks.pop(0)
    if not any(t.text.lower() in ROLE_WORDS for t in toks):
        return None
    role: str = doc[toks[0].i : toks[-1].i + 1].text
    return role


def _role_after(doc: Doc, ent: Span) -> str | None:
    """Appositive role: Ana Valdor, "the head of the Estrian delegation",."""
    i = ent.end
    if i >= len(doc) or doc[i].text != ",":
        return None
    j = i + 1
    while j < len(doc) and j - i <= 9 and not doc[j].is_punct:
        j += 1
    span = doc[i + 1 : j]
    if not len(span) or span[0].text.lower() not in {"the", "a", "an"} | ROLE_WORDS:
        return None
    if not any(t.text.lower() in ROLE_WORDS for t in span):
        return None
    text = span.text
    return re.sub(r"^(the|a|an)\s+", "", text, flags=re.IGNORECASE)


def person_role(doc: Doc, ent: Span) -> str | None:
    """Role words written with a person's name, before it or as an appositive after it."""
    return _role_before(doc, ent) or _role_after(doc, ent)


def mentions_of(doc: AnyDoc, article_id: str, credited: tuple[str, ...], cfg: AnalyzeConfig = _ANALYZE) -> list[Mention]:
    """Entity mentions of one parsed article (a spaCy Doc or its cached `ParsedText`)."""
    out = []
    text = text_of(doc)
    for ent in ents_of(doc):
        if ent.label_ not in ENTITY_LABELS or "\n" in ent.text:
            continue  # a span across lines is a headline/byline run-on ("Jane Roe\nRoe")
        name, titles = clean_surface(ent.text)
        if not name or not name[:1].isupper() or any(c.isdigit() for c in name) or len(name.split()) > 5:
            continue
        if is_credit(text, ent.start_char, ent.end_char):
            continue
        keys = name_keys(name)
        if not keys:
            continue
        label = ent.label_
        place = place_of(name, label, titles, cfg)
        if place is not None:
            out.append(Mention(name, "GPE", (PLACE_PREFIX + place,), article_id, credited, ent.start_char))
            continue
        role = None
        if ent.label_ == "PERSON":
            role = ent.role if isinstance(ent, Ent) else person_role(ent.doc, ent)  # a cached span, or a spaCy one
            if role is None and titles:
                role = " ".join(titles)
        out.append(Mention(name, ent.label_, keys, article_id, credited, ent.start_char, role))
    return out


_CAP_SEQ = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:for|of|the|and)?\s*[A-Z][a-z]+){1,4}")
_CAP_WORD = re.compile(r"\b[A-Z][a-z'’-]{3,}\b")


def missed_surnames(text: str, article_id: str, credited: tuple[str, ...], mentions: list[Mention]) -> list[Mention]:
    """Surnames NER missed ("Petrenkoy said") whose key is the surname of a full name in the event."""
    surnames = {m.keys[-1] for m in mentions if m.label == "PERSON" and len(m.keys) > 1 and len(m.keys[-1]) >= 5}
    orgs = {frozenset(set(m.keys) - _LINK_WORDS): m.label for m in mentions
            if m.label != "PERSON" and len(set(m.keys) - _LINK_WORDS) >= 2}
    own = [(m.start, m.start + len(m.surface) + 2) for m in mentions if m.article_id == article_id]
    out = []
    for w in _CAP_SEQ.finditer(text):  # reordered organisation names: Refugee Affairs Commission
        keys = name_keys(w.group())
        label = orgs.get(frozenset(set(keys) - _LINK_WORDS))
        if label and not any(s <= w.start() < e for s, e in own):
            out.append(Mention(w.group(), label, keys, article_id, credited, w.start()))
    for w in _CAP_WORD.finditer(text):
        clean = _POSSESSIVE.sub("", w.group())
        key = translit_key(clean)
        if key in surnames and not any(s <= w.start() < e for s, e in own):
            out.append(Mention(clean, "PERSON", (key,), article_id, credited, w.start()))
    return out


class EntityIndex:
    """Merged entities of one event, with look-ups from mentions and raw names to canonical names."""

    def __init__(self, mentions: list[Mention]):
        self.clusters = _cluster(mentions)
        self._by_pos: dict[tuple[str, int], int] = {}
        self._by_keys: dict[tuple[str, ...], int] = {}
        for ci, cl in enumerate(self.clusters):
            for m in cl.mentions:
                self._by_pos[(m.article_id, m.start)] = ci
                self._by_keys.setdefault(m.keys, ci)
        self.names = [_canonical(cl) for cl in self.clusters]

    def canonical_at(self, article_id: str, start: int) -> str | None:
        """The canonical name of the mention at `start` of `article_id`, None when not indexed."""
        ci = self._by_pos.get((article_id, start))
        return None if ci is None else self.names[ci]

    def resolve(self, name: str, person_only: bool = False) -> str | None:
        """Canonical name for a raw name ("Valdor", "Mr Petrenko"), or None if unknown/ambiguous."""
        clean, _ = clean_surface(name)
        keys = name_keys(clean)
        if not keys:
            return None
        ci = self._by_keys.get(keys)
        if ci is None:
            hits = {i for i, cl in enumerate(self.clusters)
                    if (cl.is_person or not person_only) and _surname_match(cl.full_keys[-1], keys[-1])
                    and _first_names_compatible(cl.full_keys, keys)}
            if len(hits) != 1:
                return None
            ci = hits.pop()
        if person_only and not self.clusters[ci].is_person:
            return None
        return self.names[ci]

    def by_role(self, phrase: str) -> str | None:
        """The one person whose role shares the role word of `phrase` ("the union leader"), else None."""
        wanted = {w for w in re.findall(r"[a-z]+", phrase.lower()) if w in ROLE_WORDS}
        if not wanted:
            return None
        hits = {self.names[i] for i, cl in enumerate(self.clusters) if cl.is_person and any(
            m.role and wanted & set(re.findall(r"[a-z]+", m.role.lower())) for m in cl.mentions)}
        return hits.pop() if len(hits) == 1 else None

    def by_institution(self, phrase: str) -> str | None:
        """'the commission' -> the one organisation of the event with that word in its name."""
        words_ = re.findall(r"[a-z]+", phrase.lower())
        if not words_ or len(words_[-1]) < 5:
            return None
        key = translit_key(words_[-1])
        hits = {self.names[i] for i, cl in enumerate(self.clusters)
                if not cl.is_person and len(cl.full_keys) > 1 and key in cl.full_keys}
        return hits.pop() if len(hits) == 1 else None

    def entities(self) -> list[Entity]:
        """The event's entities: one per cluster, with its canonical name, aliases, type and articles."""
        out = []
        for cl, name in zip(self.clusters, self.names, strict=False):
            forms = Counter(m.surface for m in cl.mentions)
            labels = Counter(m.label for m in cl.mentions)
            rank = {"GPE": 4, "ORG": 3, "PERSON": 2}
            label = "PERSON" if cl.is_person and len(cl.full_keys) > 1 else max(
                labels, key=lambda lb: (labels[lb], rank.get(lb, 0)))
            if len(cl.full_keys) == 1 and cl.full_keys[0].startswith(PLACE_PREFIX):
                label = "GPE"  # a gazetteer place, whatever NER guessed
            roles = Counter(m.role for m in cl.mentions if m.role)
            ids = sorted({a for m in cl.mentions for a in m.credited})
            out.append(Entity(name=name, type=label, aliases=[f for f, _ in forms.most_common()],
                              article_ids=ids, role=roles.most_common(1)[0][0] if roles else None))
        out.sort(key=lambda e: (-len(e.article_ids), -len(e.aliases), e.name))
        return out


def _canonical(cl: _Cluster) -> str:
    """The most frequent of the longest forms (full name over surname)."""
    longest = max(len(m.keys) for m in cl.mentions)
    forms = Counter(m.surface for m in cl.mentions if len(m.keys) == longest)
    return max(forms.items(), key=lambda kv: (kv[1], -len(kv[0]), kv[0]))[0]


_LINK_WORDS = {"for", "of", "the", "and", "on", "de"}


def _same_words(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Same name words in another order: Commission for Refugee Affairs / Refugee Affairs Commission."""
    wa, wb = set(a) - _LINK_WORDS, set(b) - _LINK_WORDS
    return len(wa) >= 2 and wa == wb


def link_across_events(events: list[Event]) -> None:
    """Give an entity the same canonical name in every event (Olexandr/Aleksandr Marchenko).

    The event's own clusters are kept; only names change, and only where the corpus-level
    match is unambiguous (the same rules as within an event, over every event's aliases).
    """
    mentions: list[Mention] = []
    owner: dict[tuple[str, int], Entity] = {}
    for ev in events:
        for ent in ev.entities:
            for form in dict.fromkeys([ent.name, *ent.aliases]):
                keys = name_keys(form)
                if len(keys) < 2:
                    continue  # single words link within an event only, where context is shared
                pos = len(mentions)
                label = "PERSON" if ent.type == "PERSON" else ent.type
                mentions.append(Mention(form, label, keys, ev.id, tuple(ent.article_ids), pos))
                if form == ent.name:
                    owner[(ev.id, pos)] = ent
    if not owner:
        return
    for cl in _cluster(mentions):
        entities = [owner[(m.article_id, m.start)] for m in cl.mentions if (m.article_id, m.start) in owner]
        if len({id(e) for e in entities}) < 2:
            continue
        support: Counter[str] = Counter()
        longest = max(len(m.keys) for m in cl.mentions)
        for e in entities:
            if len(name_keys(e.name)) == longest:
                support[e.name] += len(e.article_ids)
        if not support:
            continue
        name = max(support.items(), key=lambda kv: (kv[1], -len(kv[0]), kv[0]))[0]
        for e in entities:
            if e.name != name and name not in e.aliases:
                e.aliases.append(name)
            e.name = name


_SURNAME_FUZZY_MIN = 7  # shortest surname key `_surname_match` compares fuzzily


def _near_pairs(strings: list[str], cutoff: float, min_len: int) -> dict[str, set[str]]:
    """For each of `strings` (at least `min_len` long), the others of the same surname initial (the
    first letter of the last word) whose `fuzz.ratio` to it may reach `cutoff`: all pairs scored in C by `rapidfuzz.process.cdist`, at a cutoff one point
    lower so that the float32 scores cannot miss a pair the exact test (`fuzz.ratio`) accepts."""
    import numpy as np
    from rapidfuzz import process

    by_initial: dict[str, list[str]] = defaultdict(list)  # only names of one surname initial are compared
    for s in sorted({s for s in strings if len(s) >= min_len}):
        by_initial[s.rsplit(" ", 1)[-1][:1]].append(s)
    near: dict[str, set[str]] = defaultdict(set)
    for distinct in by_initial.values():
        for lo in range(0, len(distinct) if len(distinct) > 1 else 0, 1024):  # memory: 1024 rows at a time
            block = distinct[lo : lo + 1024]
            scores = process.cdist(block, distinct, scorer=fuzz.ratio, score_cutoff=cutoff - 1, dtype=np.float32)
            for i, j in zip(*np.nonzero(scores), strict=True):
                if lo + i != j:
                    near[block[i]].add(distinct[j])
    return near


def _cluster(mentions: list[Mention]) -> list[_Cluster]:
    by_keys: dict[tuple[str, ...], list[Mention]] = defaultdict(list)
    for m in mentions:
        by_keys[m.keys].append(m)
    groups = []
    for ms in by_keys.values():
        g = _Cluster()
        g.add(ms)
        groups.append(g)
    groups.sort(key=lambda c: (-len(c.full_keys), -len(c.mentions)))
    merged: list[_Cluster] = []
    by_initial: dict[str, list[_Cluster]] = defaultdict(list)  # merged clusters by first letter of surname
    by_words: dict[frozenset[str], _Cluster] = {}
    # Step 1 looks for the FIRST merged cluster (in creation order) of the same surname initial that
    # matches.  Instead of testing every cluster of that initial (pairwise: millions of calls when
    # a store's events are linked), only clusters whose surname or whole name rapidfuzz finds near
    # enough (one C pass, `_near_pairs`) are tested, in creation order, with the same predicates:
    # a superset of the matches, so the result is the same as the full scan.
    multi = [g for g in groups if len(g.full_keys) > 1]
    near_surname = _near_pairs([g.full_keys[-1] for g in multi], 88, _SURNAME_FUZZY_MIN)
    near_name = _near_pairs([" ".join(g.full_keys) for g in multi], 92, 4)
    by_surname: dict[str, list[tuple[int, _Cluster]]] = defaultdict(list)
    by_name: dict[str, list[tuple[int, _Cluster]]] = defaultdict(list)

    def _new(g: _Cluster) -> None:
        merged.append(g)
        by_initial[g.full_keys[-1][:1]].append(g)
        if len(g.full_keys) > 1:
            by_words.setdefault(frozenset(set(g.full_keys) - _LINK_WORDS), g)
            order = len(merged)
            by_surname[g.full_keys[-1]].append((order, g))
            by_name[" ".join(g.full_keys)].append((order, g))

    # 1. multi-token names: same surname key (fuzzy when long) + compatible first names;
    #    other names by the same words (any order) or a near-identical spelling with the same label.
    for g in multi:
        keys = g.full_keys
        words_key = frozenset(set(keys) - _LINK_WORDS)
        joined = " ".join(keys)
        candidates = dict(x for s in (keys[-1], *near_surname.get(keys[-1], ())) for x in by_surname.get(s, ()))
        candidates.update(x for s in (joined, *near_name.get(joined, ())) for x in by_name.get(s, ()))
        target = _first_match(g, [c for _, c in sorted(candidates.items())])
        if target is None and not g.is_person and len(words_key) >= 2:
            cand = by_words.get(words_key)
            target = cand if cand is not None and not cand.is_person else None
        if target is None:
            _new(g)
        else:
            target.add(g.mentions)
    # 2. single tokens: a surname joins the one person carrying it; else match by key.
    _place_singles([g for g in groups if len(g.full_keys) == 1], by_initial, merged)
    return merged


def _first_match(g: _Cluster, candidates: list[_Cluster]) -> _Cluster | None:
    """The first of `candidates` (merged clusters, in creation order) that multi-token `g` joins:
    for persons the same surname and compatible first names, for other names the same label and
    a near-identical spelling."""
    keys = g.full_keys
    joined = " ".join(keys)
    for c in candidates:
        ck = c.full_keys
        if ck[-1][:1] != keys[-1][:1]:
            continue  # the scan this replaces looked at clusters of the same surname initial only
        if g.is_person or c.is_person:
            if _surname_match(ck[-1], keys[-1]) and _first_names_compatible(ck, keys):
                return c
        elif g.mentions[0].label == c.mentions[0].label and _similar(" ".join(ck), joined, 92):
            return c
    return None


def _place_singles(singles_in: list[_Cluster], by_initial: dict[str, list[_Cluster]], merged: list[_Cluster]) -> None:
    """Single-token clusters into `merged`: a surname joins the one multi-token person carrying it
    (`by_initial`: merged clusters by the first letter of their last key); otherwise clusters of
    one key are merged, a key that several persons carry staying on its own."""
    singles: dict[str, _Cluster] = {}
    for g in singles_in:
        key = g.full_keys[0]
        label = g.mentions[0].label
        persons = [c for c in by_initial.get(key[:1], []) if c.is_person and len(c.full_keys) > 1 and (
            c.full_keys[-1] == key or (label == "PERSON" and _surname_match(c.full_keys[-1], key)))]
        if len(persons) == 1:
            persons[0].add(g.mentions)
        elif len(persons) > 1 or key not in singles:
            merged.append(g)
            singles.setdefault(key, g)
        else:
            singles[key].add(g.mentions)
