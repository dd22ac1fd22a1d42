"""Direct quotes, their speakers, and the same statement matched across outlets.

Quote spans are found by a small scanner (straight, curly, guillemet and German „“ quotes,
apostrophes told apart from single quotes), speakers by attribution rules around the quote
(“...,” X said / X told ...: “...” / according to X / he said -> last person named before),
because a dependency parse would triple the NLP cost.  Reworded versions of one statement
("did not come true" / "were not fulfilled") are grouped by speaker + word overlap + character
n-gram TF-IDF cosine.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from storyweave.analysis.entities import EntityIndex
from storyweave.analysis.nlp import ents_of, text_of
from storyweave.model import Quote
from storyweave.text import paragraphs

_CLOSERS = {"“": "”", "«": "»", "„": "“”", "‘": "’", '"': '"', "'": "'", "”": "”", "‹": "›", "»": "«"}
SPEECH_VERBS = (
    "said|says|say|told|tells|tweeted|added|adds|stated|states|wrote|writes|declared|noted|notes|"
    "stressed|explained|insisted|warned|warns|claimed|claims|announced|asked|replied|continued|commented|"
    "posted|urged|argued|remarked|emphasised|emphasized|underlined|acknowledged|admitted|recalled|"
    "concluded|confirmed|quipped|responded|answered|assured|vowed|complained|conceded|suggested|"
    "observed|pointed out|went on|was quoted as saying|quoted .{1,40}? as saying"
)
_VERB = re.compile(rf"\b(?:{SPEECH_VERBS})\b", re.IGNORECASE)
_ACCORDING = re.compile(r"\baccording to\b", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(he|she)\b", re.IGNORECASE)
_STOP = {"the", "a", "an", "and", "of", "to", "in", "on", "is", "are", "was", "were", "be", "that", "this",
         "it", "for", "with", "as", "at", "by", "we", "i", "you", "they", "our", "us", "will", "have", "has"}
_SPEAKER_LABELS = {"PERSON", "ORG", "GPE", "NORP"}
MIN_WORDS = 4


@dataclass
class QuoteSpan:
    text: str  # verbatim, without the quote marks
    start: int  # offsets of the quoted text in the article
    end: int
    para_start: int
    para_end: int


def find_quotes(text: str, min_words: int = MIN_WORDS) -> list[QuoteSpan]:
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
        if c not in closers:
            continue
        nxt = text[j + 1] if j + 1 < len(text) else " "
        if c in "'’" and (nxt.isalpha() or text[j - 1].isspace()):
            continue  # Ukraine's, don't
        if text[j - 1].isspace() and c == '"':
            continue
        return j
    return None


@dataclass
class QuoteRecord:
    text: str
    speaker: str | None
    article_id: str
    credited: tuple[str, ...]
    start: int


def _ents_in(doc, start: int, end: int):
    return [e for e in ents_of(doc) if e.start_char >= start and e.end_char <= end and e.label_ in _SPEAKER_LABELS]


def _persons_first(ents: list) -> list:
    """'according to Kremlin spokesman Dmitry Peskov': the person, not the institution."""
    return [e for e in ents if e.label_ == "PERSON"] or ents


def _resolve_ent(ent, article_id: str, index: EntityIndex) -> str:
    return index.canonical_at(article_id, ent.start_char) or index.resolve(ent.text) or ent.text


def _cap_name_near(text: str, start: int, end: int, index: EntityIndex) -> str | None:
    """A capitalised name spaCy missed ("Podoliak said"), resolved through the event's entities."""
    for m in re.finditer(r"\b[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2}", text[start:end]):
        name = index.resolve(m.group(0), person_only=True)
        if name:
            return name
    return None


def _last_person_before(doc, pos: int, article_id: str, index: EntityIndex, quotes: list[QuoteSpan]) -> str | None:
    inside = [(q.start, q.end) for q in quotes]
    for ent in reversed([e for e in ents_of(doc) if e.end_char <= pos and e.label_ == "PERSON"]):
        if any(s <= ent.start_char < e for s, e in inside):
            continue
        return _resolve_ent(ent, article_id, index)
    return None


def _contexts(text: str, q: QuoteSpan) -> tuple[int, int, str, int, str]:
    """(close, right end, right text, left start, left text) around quote `q` within its sentence."""
    tail = re.match(r"[,;:.!?]*[”\"»“’'›«]?", text[q.end : q.para_end])
    close = q.end + (tail.end() if tail else 0)
    # right side: to the end of the sentence the quote closes
    m = re.search(r"[.!?](?=\s|$)|[“\"«„]", text[close : min(q.para_end, close + 160)])
    r_end = close + (m.end() if m else min(q.para_end, close + 160) - close)
    right = text[close:r_end]
    # left side: from the last sentence end before the quote
    l_start = max(q.para_start, q.start - 200)
    left_text = text[l_start : q.start - 1]
    cut = max((mm.end() for mm in re.finditer(r"[.!?][\"'”’»]?\s", left_text)), default=0)
    l_start += cut
    left = text[l_start : q.start - 1]
    return close, r_end, right, l_start, left


def has_cue(text: str, q: QuoteSpan) -> bool:
    """Is there an attribution cue (speech verb, 'according to', colon) around the quote?"""
    _, _, right, _, left = _contexts(text, q)
    return bool(_VERB.search(right[:60]) or _ACCORDING.search(right[:40]) or _VERB.search(left)
                or _ACCORDING.search(left) or left.rstrip().endswith(":"))


def attribute(doc, q: QuoteSpan, article_id: str, index: EntityIndex, quotes: list[QuoteSpan]) -> str | None:
    """Speaker of quote `q` from the words around it, or None."""
    text = text_of(doc)
    close, r_end, right, l_start, left = _contexts(text, q)

    # “...,” X, the union leader, said ...
    lead = [e for e in _ents_in(doc, close, r_end) if e.label_ == "PERSON" and e.start_char - close <= 4]
    if lead and _VERB.search(text, lead[0].end_char, r_end):
        return _resolve_ent(lead[0], article_id, index)
    # “...,” said X / “...,” X said / “...,” he said / “...,” X told reporters
    vr = _VERB.search(right)
    if vr and vr.start() <= 60:
        speaker = _speaker_near(doc, close, close + vr.start(), close + vr.end(), r_end, article_id, index, quotes)
        if speaker:
            return speaker
    ar = _ACCORDING.search(right)
    if ar and ar.start() <= 40:
        ents = _persons_first(_ents_in(doc, close + ar.end(), r_end))
        if ents:
            return _resolve_ent(ents[0], article_id, index)
    # X said: “...” / according to X, “...”
    verbs = list(_VERB.finditer(left))
    if verbs:
        v = verbs[-1]
        speaker = _speaker_near(doc, l_start, l_start + v.start(), l_start + v.end(), q.start, article_id, index, quotes)
        if speaker:
            return speaker
    al = list(_ACCORDING.finditer(left))
    if al:
        ents = _persons_first(_ents_in(doc, l_start + al[-1].end(), q.start))
        if ents:
            return _resolve_ent(ents[0], article_id, index)
    if left.rstrip().endswith(":"):  # "Halloran told the crowd: “...”" with no verb match above
        ents = [e for e in _ents_in(doc, l_start, q.start) if e.label_ == "PERSON"]
        if ents:
            return _resolve_ent(ents[-1], article_id, index)
    return None


def _speaker_near(doc, ctx_start: int, v_start: int, v_end: int, ctx_end: int, article_id: str,
                  index: EntityIndex, quotes: list[QuoteSpan]) -> str | None:
    """Subject of a speech verb: the name just before it, else just after it, else he/she."""
    text = text_of(doc)
    before = _ents_in(doc, max(ctx_start, v_start - 80), v_start)
    if before:
        gap_text = text[before[-1].end_char : v_start]
        near = "," not in gap_text and re.fullmatch(r"(?:['’]s\b)?[\s\w]{0,30}", gap_text) is not None
        appositive = re.fullmatch(r",\s*(?:the|a|an|who)\s[^,;:.]{1,60},\s*(?:\w+\s+)?", gap_text) is not None
        if appositive or (near and (before[-1].label_ == "PERSON"
                                    or re.fullmatch(r"\s*(?:has\s+|also\s+|had\s+)?", gap_text))):
            return _resolve_ent(before[-1], article_id, index)
    gap = text[max(ctx_start, v_start - 12) : v_start]
    if _PRONOUN.search(gap):
        return _last_person_before(doc, ctx_start, article_id, index, quotes)
    after = [e for e in _ents_in(doc, v_end, min(ctx_end, v_end + 90)) if e.label_ == "PERSON"]
    if after:
        return _resolve_ent(after[0], article_id, index)
    name = _cap_name_near(text, max(ctx_start, v_start - 40), min(ctx_end, v_end + 60), index)
    if name:
        return name
    # "the union leader said": the one person of the event seen with that role
    role = re.search(r"\bthe\s+((?:[\w'’-]+\s+){0,3}[\w'’-]+)\s*$", text[max(ctx_start, v_start - 50) : v_start])
    if role is None:
        role = re.match(r"\s*the\s+((?:[\w'’-]+\s+){0,3}[\w'’-]+)", text[v_end : min(ctx_end, v_end + 50)])
    if role is None:
        return None
    return index.by_role(role.group(1)) or index.by_institution(role.group(1))


_ATTRIBUTION_ONLY = re.compile(
    r"[^\w]*(?:[\w.'’-]+\s+){0,3}(?:said|says|added|adds|told\s+\w+|continued|went on|explained|"
    r"stressed|insisted|noted|wrote|tweeted)[^\w]*", re.IGNORECASE)


def quotes_of(doc, article_id: str, credited: tuple[str, ...], index: EntityIndex) -> list[QuoteRecord]:
    """Attributed quotes of one article; an unattributed quote right after one continues its speaker."""
    spans = find_quotes(text_of(doc))
    out: list[QuoteRecord] = []
    text = text_of(doc)
    prev: QuoteRecord | None = None
    prev_span: QuoteSpan | None = None
    for q in spans:
        speaker = attribute(doc, q, article_id, index, spans)
        if speaker is None and prev is not None and prev.speaker and prev_span is not None and not has_cue(text, q):
            between = text[prev_span.end : q.start]
            # nothing but punctuation, or only the previous quote's own short attribution clause
            # ('"...winters," he said. "Now they..."'): the same speaker goes on
            consecutive = q.para_start == prev_span.para_start and (
                not re.search(r"[A-Za-z]{2,}", between) or _ATTRIBUTION_ONLY.fullmatch(between.strip()) is not None)
            # a paragraph that opens with a quote continues the previous paragraph's speaker
            next_para = (q.para_start != prev_span.para_start and q.start - 1 == q.para_start
                         and not re.search(r"\S", text[prev_span.para_end : q.para_start]))
            if consecutive or next_para:
                speaker = prev.speaker
        rec = QuoteRecord(q.text, speaker, article_id, credited, q.start)
        out.append(rec)
        prev, prev_span = rec, q
    return out


# ---- matching across outlets ---------------------------------------------------------------

def _content(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower()) if w not in _STOP}


def _containment(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _char_cosines(texts: list[str]):
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(texts) < 2:
        return [[1.0]]
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), lowercase=True, sublinear_tf=True)
    m = vec.fit_transform(texts)
    return (m @ m.T).toarray()


def _same_statement(si: str | None, sj: str | None, c: float, sem: float, wi: set[str], wj: set[str]) -> bool:
    """c: char n-gram TF-IDF cosine; sem: static-embedding cosine (0 when no model is shipped)."""
    k, small = _containment(wi, wj), min(len(wi), len(wj))
    if si and sj and si == sj:
        # meaning alone is not enough: one speaker's different statements on one topic embed close
        return (sem >= 0.75 and k >= 0.3) or c >= 0.5 or (k >= 0.6 and small >= 3 and c >= 0.3)
    if si and sj:
        return c >= 0.9  # one statement credited to two names: keep only near-identical wording
    return sem >= 0.9 or c >= 0.75 or (k >= 0.8 and small >= 4 and c >= 0.5)


def embedding_matrix(texts: list[str]):
    """L2-normalised static embeddings (the project's shipped model2vec model), None when it is absent."""
    if not texts:
        return None
    try:
        from storyweave.represent import embed, static_model
    except ImportError:
        return None
    if static_model() is None:
        return None
    return embed(texts)


def _embedding_cosines(texts: list[str]):
    v = embedding_matrix(texts)
    return None if v is None else v @ v.T


def match_quotes(records: list[QuoteRecord]) -> list[Quote]:
    """Group the event's quote records into statements (same speaker + similar words)."""
    # identical text in one article (headline + body) counts once
    seen, recs = set(), []
    for r in records:
        key = (r.article_id, " ".join(r.text.lower().split()))
        if key not in seen:
            seen.add(key)
            recs.append(r)
    if not recs:
        return []
    cos = _char_cosines([r.text for r in recs])
    sem = _embedding_cosines([r.text for r in recs]) if len(recs) > 1 else None
    words = [_content(r.text) for r in recs]
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
        support = Counter()
        for r in g:
            support[r.text] += len(r.credited)
        text = max(support, key=lambda t: (support[t], len(t)))
        variants = [t for t, _ in support.most_common()]
        ids = sorted({a for r in g for a in r.credited})
        out.append(Quote(speaker=speakers.most_common(1)[0][0] if speakers else None, text=text,
                         variants=variants, article_ids=ids))
    out.sort(key=lambda q: (-len(q.article_ids), q.speaker is None, min(r.start for r in records if r.text in q.variants)))
    return out
