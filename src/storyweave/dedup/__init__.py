"""Duplicates, rewrites, translations and shared wire passages; provenance and independent sources.

Stage `find_duplicates(corpus, settings)`:

1. exact copies: same word sequence (case, spacing, punctuation ignored);
2. near copies and wire passages: sampled 5-word-shingle fingerprints in an inverted index
   (`candidates.shared_fingerprint_pairs`); high containment is a near copy at once, the rest
   is verified by sentence alignment;
3. rewrites: TF-IDF cosine top-k over content-word stems, verified by in-order sentence
   alignment (`verify.classify`);
4. translations: cosine over numbers and names between articles whose `language` differs,
   verified by in-order alignment of the same anchors;
5. provenance: groups = connected components of copy links; original = earliest dated member,
   else the most complete text; `original_known` only when both dates are known.

Settings overrides (all optional) via `settings.extra["dedup"]`: near_containment,
rewrite_threshold, anchor_threshold, top_k, min_coverage.
"""

from __future__ import annotations

from dataclasses import dataclass

from storyweave.dedup.candidates import cosine_pairs, shared_fingerprint_pairs, term_matrix
from storyweave.dedup.provenance import (
    KIND_OF,
    SEVERITY,
    UnionFind,
    choose_original,
    count_independent,
    direction_known,
    independent_groups,
    path_kinds,
    publisher_family,
)
from storyweave.dedup.signatures import fingerprints, stems, text_key, tokens
from storyweave.dedup.verify import Doc, Verdict, anchors, classify, make_doc
from storyweave.model import Article, Corpus, DuplicateLink
from storyweave.settings import Settings
from storyweave.text import split_sentences

__all__ = ["find_duplicates", "count_independent", "independent_groups", "publisher_family", "DedupParams"]


@dataclass
class DedupParams:
    near_containment: float = 0.7  # sampled-shingle containment that makes a near copy unverified
    min_shared: int = 5  # shared fingerprints (~20 shared shingles) before a pair is verified
    min_stem_containment: float = 0.6  # cheap pre-filter of rewrite candidates (shorter's stems in other)
    rewrite_threshold: float = 0.4  # TF-IDF cosine for a rewrite candidate
    anchor_threshold: float = 0.3  # anchor cosine for a translation candidate
    top_k: int = 3
    min_coverage: float = 0.7  # aligned share of the shorter text's sentences

    @classmethod
    def from_settings(cls, settings: Settings | None) -> "DedupParams":
        extra = (settings.extra.get("dedup") if settings else None) or {}
        return cls(**{k: v for k, v in dict(extra).items() if k in cls.__dataclass_fields__})


class _Docs:
    """Comparison units built lazily: only articles in candidate pairs pay for them."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.cache: dict[int, Doc] = {}

    def __getitem__(self, i: int) -> Doc:
        d = self.cache.get(i)
        if d is None:
            d = self.cache[i] = make_doc(self.texts[i])
        return d


def find_duplicates(corpus: Corpus, settings: Settings) -> Corpus:
    """Fill duplicate_of / duplicate_kind / shares_wire_with and `corpus.duplicates`."""
    p = DedupParams.from_settings(settings)
    arts = corpus.articles
    n = len(arts)
    stored_originals = {a.id for a in arts if not a.is_new and a.duplicate_of is None}
    for a in arts:
        a.duplicate_of, a.duplicate_kind, a.shares_wire_with = None, None, []
    texts = [a.text or a.raw_text or "" for a in arts]
    toks = [tokens(t) for t in texts]
    keys = [text_key(t) if t else None for t in toks]
    langs = [(a.language or "").split("-")[0].lower() or None for a in arts]
    docs = _Docs(texts)
    uf = UnionFind(n)
    edges: dict[int, list[tuple[int, int, float]]] = {}
    wire: dict[tuple[int, int], Verdict] = {}

    def link(i: int, j: int, kind: str, score: float) -> None:
        uf.union(i, j)
        edges.setdefault(i, []).append((j, SEVERITY[kind], score))
        edges.setdefault(j, []).append((i, SEVERITY[kind], score))

    def same_lang(i: int, j: int) -> bool:
        return langs[i] is None or langs[j] is None or langs[i] == langs[j]

    def verify(i: int, j: int) -> None:
        v = classify(docs[i], docs[j], cross_language=not same_lang(i, j), min_cov=p.min_coverage)
        if v.kind in SEVERITY:
            link(i, j, v.kind, v.score)
        elif v.kind == "wire":
            wire[(i, j)] = v

    # 1. exact copies
    first_of: dict[str, int] = {}
    for i, k in enumerate(keys):
        if k is None or not toks[i]:
            continue
        if k in first_of:
            link(first_of[k], i, "exact", 1.0)
        else:
            first_of[k] = i

    # 2. shared shingle fingerprints: near copies and wire passages
    fps = fingerprints(toks)
    a_idx, b_idx, shared = shared_fingerprint_pairs(fps, n)
    denom = [min(fps.per_doc[a], fps.per_doc[b]) for a, b in zip(a_idx.tolist(), b_idx.tolist())]
    fp_pairs = sorted(
        ((s / d if d else 0.0, int(a), int(b), int(s)) for a, b, s, d in zip(a_idx, b_idx, shared, denom)),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    for containment, i, j, s in fp_pairs:
        if s < p.min_shared or uf.same(i, j) or not same_lang(i, j):
            continue
        if containment >= p.near_containment and min(fps.per_doc[i], fps.per_doc[j]) >= 8:
            link(i, j, "near", containment)
        else:
            verify(i, j)

    # 3. rewrites: content-word TF-IDF neighbours
    stem_lists = [stems(t) for t in toks]
    stem_sets = [frozenset(x) for x in stem_lists]
    matrix = term_matrix(stem_lists)
    for i, j, cos in sorted(cosine_pairs(matrix, threshold=p.rewrite_threshold, top_k=p.top_k), key=lambda t: (-t[2], t[0], t[1])):
        if uf.same(i, j) or (i, j) in wire or not same_lang(i, j):
            continue
        short = min(len(stem_sets[i]), len(stem_sets[j])) or 1
        if len(stem_sets[i] & stem_sets[j]) / short >= p.min_stem_containment:
            verify(i, j)

    # 4. translations: anchors (numbers, names) between languages
    lang_rows: dict[str, list[int]] = {}
    for i, lang in enumerate(langs):
        if lang and toks[i]:
            lang_rows.setdefault(lang, []).append(i)
    if len(lang_rows) > 1:
        amatrix = term_matrix([_anchor_list(texts[i]) if langs[i] else [] for i in range(n)])
        names = sorted(lang_rows)
        for x, lx in enumerate(names):
            for ly in names[x + 1:]:
                rx, ry = lang_rows[lx], lang_rows[ly]
                for i, j, cos in cosine_pairs(amatrix[rx], amatrix[ry], threshold=p.anchor_threshold, top_k=p.top_k):
                    gi, gj = rx[i], ry[j]
                    if not uf.same(gi, gj):
                        verify(min(gi, gj), max(gi, gj))

    # 5. provenance
    n_words = {a.id: len(t) for a, t in zip(arts, toks)}
    comps: dict[int, list[int]] = {}
    for i in range(n):
        comps.setdefault(uf.find(i), []).append(i)
    links: list[DuplicateLink] = []
    for members in comps.values():
        if len(members) < 2:
            continue
        orig = choose_original([arts[m] for m in members], n_words, stored_originals)
        root = next(m for m in members if arts[m] is orig)
        kinds = path_kinds(root, members, edges)
        for m in sorted(members, key=lambda x: arts[x].id):
            if m == root:
                continue
            sev, score = kinds.get(m, (SEVERITY["near"], 0.0))
            kind = KIND_OF[sev]
            if kind == "translation" and same_lang(m, root):
                kind = "rewrite"
            elif kind != "translation" and not same_lang(m, root):
                kind = "translation"
            arts[m].duplicate_of, arts[m].duplicate_kind = orig.id, kind  # type: ignore[assignment]
            links.append(DuplicateLink(arts[m].id, orig.id, kind, round(score, 3), [], direction_known(orig, arts[m])))

    # 6. wire passages between different groups
    for (i, j), v in sorted(wire.items()):
        a, b = arts[i], arts[j]
        fam_a, fam_b = publisher_family(a.source, a.url), publisher_family(b.source, b.url)
        if uf.same(i, j) or (fam_a is not None and fam_a == fam_b):
            continue  # an outlet repeating its own boilerplate or earlier text is not wire copy
        if b.id not in a.shares_wire_with:
            a.shares_wire_with.append(b.id)
        if a.id not in b.shares_wire_with:
            b.shares_wire_with.append(a.id)
        links.append(_wire_link(a, b, v, docs[i], docs[j]))
    for a in arts:
        a.shares_wire_with.sort()
    links.sort(key=lambda l: (l.original, l.copy, l.kind))
    corpus.duplicates = links
    return corpus


def _anchor_list(text: str) -> list[str]:
    """Anchors (numbers, names) of a whole text, for cross-language candidates."""
    return [w for line in text.split("\n") for w in anchors(line)]


def _wire_link(a: Article, b: Article, v: Verdict, da: Doc, db: Doc) -> DuplicateLink:
    """Wire link: the source is the earlier article, else the one the shared text dominates."""
    al = v.alignment
    pairs = al.verbatim if al else []
    shared_units = [da.units[x].text for x, _ in pairs]
    if direction_known(a, b):
        orig, copy, known = a, b, True
    elif direction_known(b, a):
        orig, copy, known = b, a, True
    else:
        frac_a = len(pairs) / max(1, len(da.units))
        frac_b = len(pairs) / max(1, len(db.units))
        orig, copy, known = (a, b, False) if (frac_a, b.id) >= (frac_b, a.id) else (b, a, False)
    return DuplicateLink(copy.id, orig.id, "wire", round(v.score, 3), _verbatim_sentences(shared_units), known)


def _verbatim_sentences(units: list[str]) -> list[str]:
    """The shared passages as sentences: each unit (a verbatim slice of the article) re-cut by
    the shared splitter, so boundaries match the rest of the pipeline; only these short passages
    are split, not whole articles."""
    out: list[str] = []
    for u in units:
        out.extend(s.text for s in split_sentences(u))
    return out
