"""Duplicates, rewrites, translations and shared wire passages; provenance and independent sources.

Stage `find_duplicates(corpus, settings)`, near-linear in the number of articles:

0. one vectorised byte-level pass over all texts (`signatures.analyse`): token hashes, exact-text
   keys, sampled 5-word-shingle fingerprints, hashes of long sentences, stem / anchor counts;
1. exact copies: same word sequence (case, spacing, punctuation ignored);
2. near copies: fingerprints in an inverted index (`candidates.shared_fingerprint_pairs`); when
   most of the shorter text is in the longer and the longer is not mostly other text, a near
   copy at once; the rest is verified by in-order sentence alignment (`verify.classify`);
3. rewrites: TF-IDF cosine neighbours over content-word stems, one article per duplicate group,
   verified by sentence alignment;
4. translations: cosine over numbers and names between articles whose `language` differs,
   checked per duplicate group and verified by in-order alignment of language-neutral features;
5. provenance: groups = connected components of copy links; original = earliest dated member,
   else the most complete text; `original_known` only when both dates are known;
6. wire passages: pairs sharing >= 2 long sentences verbatim (hash index), and pairs the
   near-copy step verified (shared fingerprints: lightly edited copies), confirmed on the text (`verify.shared_passages`: sentences verbatim or lightly edited, split into
   narrative and quotation; wire copy needs >= 2 narrative sentences, or a narrative sentence
   plus a quotation, or >= 6 quotations: a few shared quotations alone are one press
   conference quoted twice), between different groups and publisher families.

Sentence units for verification are built only for articles in candidate pairs, in vectorised
batches (`verify.build_docs`).  Knobs: `Config.dedup` (`DedupConfig` in storyweave/config.py).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import re
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import replace

import numpy as np
from scipy import sparse

from storyweave.config import Config, DedupConfig
from storyweave.graph import UnionFind
from storyweave.model import Article, Corpus, DuplicateKind, DuplicateLink
from storyweave.nlp.text import split_sentences
from storyweave.stages.dedup.candidates import cosine_pairs, shared_fingerprint_pairs, shared_share, tfidf
from storyweave.stages.dedup.provenance import (
    KIND_OF,
    SEVERITY,
    choose_original,
    count_independent,
    direction_known,
    independent_groups,
    is_copy_kind,
    path_kinds,
    publisher_family,
)
from storyweave.stages.dedup.signatures import analyse
from storyweave.stages.dedup.verify import Doc, Verdict, build_docs, classify, shared_passages, shares_wire

__all__ = ["DedupParams", "count_independent", "find_duplicates", "independent_groups", "publisher_family"]


DedupParams = DedupConfig  # the stage's knobs: `Config.dedup` (storyweave/config.py)


LAST_TIMINGS: dict[str, float] = {}  # seconds per step of the last run (for benchmarks)


class _Clock:
    def __init__(self) -> None:
        self.t = time.perf_counter()
        self.laps: dict[str, float] = {}

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = self.laps.get(name, 0.0) + now - self.t
        self.t = now


class _Docs:
    """Comparison units built only for articles in candidate pairs, a batch at a time."""

    def __init__(self, texts: list[str], pool: Executor | None = None, p: DedupParams | None = None) -> None:
        self.texts = texts
        self.pool = pool
        self.p = p or DedupParams()
        self.cache: dict[int, Doc] = {}
        self.by_text: dict[str, Doc] = {}  # exact copies share one Doc

    def prefetch(self, indices: Iterable[int]) -> None:
        """Build the Docs of `indices` not built yet, in one vectorised batch."""
        todo = sorted({i for i in indices if i not in self.cache})
        new_texts = list(dict.fromkeys(self.texts[i] for i in todo if self.texts[i] not in self.by_text))
        for t, d in zip(new_texts, build_docs(new_texts, self.pool, self.p) if new_texts else [], strict=False):
            self.by_text[t] = d
        for i in todo:
            self.cache[i] = self.by_text[self.texts[i]]

    def __getitem__(self, i: int) -> Doc:
        d = self.cache.get(i)
        if d is None:
            self.prefetch([i])
            d = self.cache[i]
        return d


@contextmanager
def _pool(workers: int, n_articles: int, min_articles: int) -> Iterator[Executor | None]:
    """A process pool for the vectorised passes over large batches (forked: workers start in
    milliseconds and need no re-import).  The passes are pure functions of their input, so the
    result does not depend on the pool."""
    workers = min(workers, os.cpu_count() or 1)
    if workers < 2 or n_articles < min_articles or "fork" not in multiprocessing.get_all_start_methods():
        yield None
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as ex:
        yield ex


def find_duplicates(corpus: Corpus, settings: Config) -> Corpus:
    """Fill duplicate_of / duplicate_kind / shares_wire_with and `corpus.duplicates`."""
    p = settings.dedup
    # the stage allocates many small objects (candidate pairs, units) and makes no reference
    # cycles: the cyclic collector would only rescan the whole heap, corpus included, again and
    # again (10-15 % of the stage's time at 10k articles)
    collecting = gc.isenabled()
    gc.disable()
    try:
        with _pool(p.workers, len(corpus.articles), p.parallel_min_articles) as pool:
            return _find_duplicates(corpus, p, pool)
    finally:
        if collecting:
            gc.enable()


def _find_duplicates(corpus: Corpus, p: DedupParams, pool: Executor | None) -> Corpus:
    """The stage's steps in order: exact copies, near copies (shared fingerprints), rewrites
    (content-word TF-IDF), translations (anchors across languages), provenance (originals and
    copy kinds), wire passages between different groups."""
    stored_originals = {a.id for a in corpus.articles if not a.is_new and a.duplicate_of is None}
    # pure: the links are set on copies of the articles; the input corpus is left as it was
    arts = [replace(a, duplicate_of=None, duplicate_kind=None, shares_wire_with=[]) for a in corpus.articles]
    search = _Search(arts, p, pool)
    search.exact_copies()
    search.near_copies()
    sentence_pairs = search.wire_candidates()
    search.rewrites()
    search.translations()
    links = search.provenance(stored_originals)
    links += search.wire_links(sentence_pairs)
    links.sort(key=lambda link: (link.original, link.copy, link.kind))
    search.report_timings()
    return replace(corpus, articles=arts, duplicates=links)


class _Search:
    """The state the steps of `_find_duplicates` share: the articles' signatures and comparison
    units, the duplicate groups found so far (union-find and the linking edges) and the wire
    verdicts waiting for the last step."""

    def __init__(self, arts: list[Article], p: DedupParams, pool: Executor | None) -> None:
        self.arts, self.p, self.n = arts, p, len(arts)
        self.clock = _Clock()
        texts = [a.text or a.raw_text or "" for a in arts]
        self.sig = analyse(texts, words=bool({"rewrite", "translation"} & set(p.kinds)), pool=pool, p=p)
        self.clock("signatures")
        self.langs = [(a.language or "").split("-")[0].lower() or None for a in arts]
        self.docs = _Docs(texts, pool, p)
        self.uf = UnionFind(self.n)
        self.edges: dict[int, list[tuple[int, int, float]]] = {}
        self.wire: dict[tuple[int, int], Verdict] = {}
        self.counts: dict[str, int] = {}
        self.passage_cache: dict[int, list[tuple[str, str, bool]]] = {}  # each article's wire-comparable passages, built once
        self.families: dict[int, str | None] = {}

    # -- shared by the steps

    def link(self, i: int, j: int, kind: DuplicateKind, score: float) -> None:
        self.uf.union(i, j)
        self.edges.setdefault(i, []).append((j, SEVERITY[kind], score))
        self.edges.setdefault(j, []).append((i, SEVERITY[kind], score))

    def same_lang(self, i: int, j: int) -> bool:
        return self.langs[i] is None or self.langs[j] is None or self.langs[i] == self.langs[j]

    def count(self, key: str) -> None:
        self.counts[key] = self.counts.get(key, 0) + 1

    def verify(self, i: int, j: int, step: str) -> None:
        p = self.p
        v = classify(self.docs[i], self.docs[j], cross_language=not self.same_lang(i, j), min_cov=p.min_coverage,
                     passage_cache=self.passage_cache, p=p)
        self.count(f"{step}->{v.kind or 'none'}")
        if is_copy_kind(v.kind):
            self.link(i, j, v.kind, v.score)
        elif v.kind == "wire" and "wire" in p.kinds:
            self.wire[(i, j)] = v

    # -- the steps

    def exact_copies(self) -> None:
        """1. exact copies: the same word sequence."""
        first_of: dict[bytes, int] = {}
        for i, k in enumerate(self.sig.exact_keys):
            if k is None:
                continue
            if k in first_of:
                self.link(first_of[k], i, "exact", 1.0)
            else:
                first_of[k] = i
        self.clock("exact")

    def near_copies(self) -> None:
        """2. shared shingle fingerprints: near copies, and wire passages found by verification."""
        p, fps, uf = self.p, self.sig.fingerprints, self.uf
        a_idx, b_idx, shared = shared_fingerprint_pairs(fps, self.n)
        keep = shared >= p.min_shared  # filter in numpy: pairs sharing a few common phrases are many
        a_idx, b_idx, shared = a_idx[keep], b_idx[keep], shared[keep]
        denom = np.minimum(fps.per_doc[a_idx], fps.per_doc[b_idx])
        cont = np.where(denom > 0, shared / np.maximum(denom, 1), 0.0)
        order = np.lexsort((b_idx, a_idx, -cont))
        fp_pairs = list(zip(cont[order].tolist(), a_idx[order].tolist(), b_idx[order].tolist(), shared[order].tolist(),
                            strict=False))
        self.clock("near: fingerprint pairs")

        def instant_near(containment: float, i: int, j: int, shared_fps: int) -> bool:
            """Most of the shorter text is in the longer, and the longer is not mostly other text:
            a text quoting or embedding a long passage of another (a wire passage, a transcript in an
            op-ed) contains most of it too, and goes to sentence alignment instead."""
            return (containment >= p.near_containment and min(fps.per_doc[i], fps.per_doc[j]) >= 8
                    and shared_fps >= p.near_longer * max(fps.per_doc[i], fps.per_doc[j]))

        self.docs.prefetch(x for c, i, j, sh in fp_pairs
                           if p.verify_containment <= c and not instant_near(c, i, j, sh)
                           and not uf.same(i, j) and self.same_lang(i, j) for x in (i, j))
        self.clock("near: units")
        for containment, i, j, s in fp_pairs:
            if s < p.min_shared or uf.same(i, j) or not self.same_lang(i, j):
                continue
            if instant_near(containment, i, j, s):
                self.link(i, j, "near", containment)
            elif containment >= p.verify_containment:
                self.verify(i, j, "near")
        self.clock("near: verify")

    def wire_candidates(self) -> list[tuple[int, int, int]]:
        """Wire passage candidates: pairs sharing >= 2 long sentences (hash index); confirmed on
        the text at the end (`wire_links`), only between different groups."""
        sentence_pairs: list[tuple[int, int, int]] = []
        if "wire" in self.p.kinds:
            ua, ub, us = shared_fingerprint_pairs(self.sig.units, self.n)
            one = us >= 2  # fewer shared verbatim sentences: checked in step 2 when fingerprints are shared
            sentence_pairs = list(zip(ua[one].tolist(), ub[one].tolist(), us[one].tolist(), strict=False))
        self.clock("wire: sentence pairs")
        return sentence_pairs

    def rewrites(self) -> None:
        """3. rewrites: content-word TF-IDF neighbours, one article per duplicate group so far (its
        exact and near copies would only repeat its neighbours)."""
        p, uf = self.p, self.uf
        stem_counts = self.sig.stems if "rewrite" in p.kinds else None
        rewrite_pairs = []
        if stem_counts is not None:
            reps = np.array([i for i in range(self.n) if uf.find(i) == i], dtype=np.int64)
            matrix = tfidf(stem_counts[reps])
            cands = sorted(cosine_pairs(matrix, threshold=p.rewrite_threshold, top_k=p.rewrite_top_k),
                           key=lambda t: (-t[2], t[0], t[1]))
            ci = reps[np.array([c[0] for c in cands], dtype=np.int64)]
            cj = reps[np.array([c[1] for c in cands], dtype=np.int64)]
            share = shared_share(stem_counts, ci, cj) if len(cands) else np.zeros(0)
            for i, j, ok in zip(ci.tolist(), cj.tolist(), (share >= p.min_stem_containment).tolist(), strict=False):
                if ok and not uf.same(i, j) and (min(i, j), max(i, j)) not in self.wire and self.same_lang(i, j):
                    rewrite_pairs.append((min(i, j), max(i, j)))
        self.clock("rewrite: candidates")
        self.docs.prefetch(x for pair in rewrite_pairs for x in pair)
        self.clock("rewrite: units")
        for i, j in rewrite_pairs:
            if not uf.same(i, j):
                self.verify(i, j, "rewrite")
        self.clock("rewrite: verify")

    def translations(self) -> None:
        """4. translations: anchors (numbers, names) between languages."""
        lang_rows: dict[str, list[int]] = {}
        for i, lang in enumerate(self.langs):
            if lang and self.sig.n_words[i]:
                lang_rows.setdefault(lang, []).append(i)
        if len(lang_rows) > 1 and "translation" in self.p.kinds:
            amatrix = tfidf(self.sig.anchors)
            names = sorted(lang_rows)
            found: list[tuple[int, int, float]] = []
            for x, lx in enumerate(names):
                for ly in names[x + 1:]:
                    # query from the smaller language side
                    rx, ry = lang_rows[lx], lang_rows[ly]
                    q, c = (rx, ry) if len(rx) <= len(ry) else (ry, rx)
                    found += self._translations_between(amatrix, q, c)
            self._link_best_translations(found)
        self.clock("translation")

    def _translations_between(self, amatrix: sparse.csr_matrix, q: list[int], c: list[int]) -> list[tuple[int, int, float]]:
        """Translation pairs between the rows `q` and `c` of two languages: per query article,
        the best candidate of each duplicate group (its copies add nothing), up to top_k groups."""
        p, found = self.p, []
        pool: dict[int, list[tuple[float, int]]] = {}
        for i, j, cos in cosine_pairs(amatrix[q], amatrix[c], threshold=p.anchor_threshold, top_k=p.translation_pool):
            pool.setdefault(i, []).append((-cos, j))
        queue = {i: sorted(cands) for i, cands in pool.items()}
        seen: dict[int, set[int]] = {i: set() for i in queue}
        for _ in range(p.top_k):
            step: list[tuple[int, int]] = []
            for i, cands in sorted(queue.items()):
                while cands:
                    _, j = cands.pop(0)
                    root = self.uf.find(c[j])
                    if root not in seen[i]:
                        seen[i].add(root)
                        step.append((i, j))
                        break
            self.docs.prefetch(x for i, j in step for x in (q[i], c[j]))
            for i, j in step:
                gi, gj = min(q[i], c[j]), max(q[i], c[j])
                v = classify(self.docs[gi], self.docs[gj], cross_language=True, p=p)
                self.count("translation-check")
                if v.kind == "translation":
                    found.append((gi, gj, v.score))
            queue = {i: cands for i, cands in queue.items() if cands}
        return found

    def _link_best_translations(self, found: list[tuple[int, int, float]]) -> None:
        """Cross-language evidence is weaker: keep only each article's best matches, so a
        translation cannot bridge two different reports of its event into one group."""
        best: dict[int, float] = {}
        for gi, gj, score in found:
            best[gi] = max(best.get(gi, 0.0), score)
            best[gj] = max(best.get(gj, 0.0), score)
        margin = self.p.translation_margin
        for gi, gj, score in sorted(found, key=lambda t: (-t[2], t[0], t[1])):
            if score >= best[gi] - margin and score >= best[gj] - margin:
                self.link(gi, gj, "translation", score)

    def provenance(self, stored_originals: set[str]) -> list[DuplicateLink]:
        """5. provenance: each group's original, and each copy's kind along its strongest path."""
        arts = self.arts
        n_words = {a.id: int(w) for a, w in zip(arts, self.sig.n_words, strict=False)}
        comps: dict[int, list[int]] = {}
        for i in range(self.n):
            comps.setdefault(self.uf.find(i), []).append(i)
        links: list[DuplicateLink] = []
        for members in comps.values():
            if len(members) < 2:
                continue
            orig = choose_original([arts[m] for m in members], n_words, stored_originals)
            root = next(m for m in members if arts[m] is orig)
            kinds = path_kinds(root, members, self.edges)
            for m in sorted(members, key=lambda x: arts[x].id):
                if m == root:
                    continue
                sev, score = kinds.get(m, (SEVERITY["near"], 0.0))
                kind = KIND_OF[sev]
                if kind == "translation" and self.same_lang(m, root):
                    kind = "rewrite"
                elif kind != "translation" and not self.same_lang(m, root):
                    kind = "translation"
                arts[m].duplicate_of, arts[m].duplicate_kind = orig.id, kind
                links.append(DuplicateLink(arts[m].id, orig.id, kind, round(score, 3), [], direction_known(orig, arts[m])))
        self.clock("provenance")
        return links

    def family(self, i: int) -> str | None:
        if i not in self.families:
            self.families[i] = publisher_family(self.arts[i].source, self.arts[i].url)
        return self.families[i]

    def other_outlets(self, i: int, j: int) -> bool:
        """Different groups and publisher families: an outlet repeating its own boilerplate
        or earlier text is not wire copy."""
        return not self.uf.same(i, j) and (self.family(i) is None or self.family(i) != self.family(j))

    def wire_links(self, sentence_pairs: list[tuple[int, int, int]]) -> list[DuplicateLink]:
        """6. wire passages between different groups: candidates share long sentences verbatim
        (the other sentences of a lightly edited copy are matched on the text by `shared_passages`)."""
        p, arts, docs, wire = self.p, self.arts, self.docs, self.wire
        cand: dict[tuple[int, int], int] = {(min(i, j), max(i, j)): k for i, j, k in sentence_pairs}
        todo = [(i, j) for (i, j) in sorted(cand) if (i, j) not in wire and self.same_lang(i, j) and self.other_outlets(i, j)]
        docs.prefetch(x for i, j in todo for x in (i, j))
        units = self.sig.units
        for i, j in todo:
            narrative, quotes = shared_passages(docs[i], docs[j], p.near_verbatim, cache=self.passage_cache,
                                                footer_units=p.footer_units)
            if shares_wire(narrative, quotes, p.wire_min_narrative, p.wire_min_with_quotes, p.wire_min_quotes,
                           p.wire_min_quotes_alone):
                shared_units = narrative + quotes
                wire[(i, j)] = Verdict("wire", len(shared_units) / max(1, min(units.per_doc[i], units.per_doc[j])),
                                       None, shared_units)
        links: list[DuplicateLink] = []
        sentence_cache: dict[str, list[str]] = {}
        for (i, j), v in sorted(wire.items()):
            a, b = arts[i], arts[j]
            if not self.other_outlets(i, j):
                continue
            if b.id not in a.shares_wire_with:
                a.shares_wire_with.append(b.id)
            if a.id not in b.shares_wire_with:
                b.shares_wire_with.append(a.id)
            links.append(_wire_link(a, b, v, docs[i], docs[j], sentence_cache))
        for a in arts:
            a.shares_wire_with.sort()
        self.clock("wire links")
        return links

    def report_timings(self) -> None:
        """Step timings and verification counts for the benchmarks (`LAST_TIMINGS`)."""
        LAST_TIMINGS.clear()
        LAST_TIMINGS.update(self.clock.laps)
        LAST_TIMINGS["verified_pairs"] = float(sum(self.counts.values()))
        LAST_TIMINGS.update({"n " + k: float(v) for k, v in self.counts.items()})
        LAST_TIMINGS["docs_split"] = float(len(self.docs.cache))


def _wire_link(a: Article, b: Article, v: Verdict, da: Doc, db: Doc, cache: dict[str, list[str]]) -> DuplicateLink:
    """Wire link: the source is the earlier article, else the one the shared text dominates."""
    if direction_known(a, b):
        orig, copy, known = a, b, True
    elif direction_known(b, a):
        orig, copy, known = b, a, True
    else:
        frac_a = len(v.shared) / max(1, da.n_units)
        frac_b = len(v.shared) / max(1, db.n_units)
        orig, copy, known = (a, b, False) if (frac_a, b.id) >= (frac_b, a.id) else (b, a, False)
    return DuplicateLink(copy.id, orig.id, "wire", round(v.score, 3), _verbatim_sentences(v.shared, cache), known)


# a possible sentence end inside a unit: . ! ? (not a decimal point), or any character outside
# Latin letters and common punctuation (the splitter knows other scripts' stops)
_INNER_END = re.compile(r"[.!?…](?!\d)|[^\x00-\x7f\u00a0-\u024f\u2010-\u201f]")
_TRAILING = ".!?…\"'”’»)] \t"


def _verbatim_sentences(units: list[str], cache: dict[str, list[str]]) -> list[str]:
    """The shared passages as sentences: each unit (a verbatim slice of the article) re-cut by
    the shared splitter, so boundaries match the rest of the pipeline; only these short passages
    are split, not whole articles.  A unit with no sentence punctuation before its end is one
    sentence as it is (the splitter only cuts after . ! ? and the like), so it skips spaCy."""
    out: list[str] = []
    for u in units:
        got = cache.get(u)
        if got is None:
            body = u.strip()
            if "\n" not in body and not _INNER_END.search(body.rstrip(_TRAILING)):
                got = [body] if body else []
            else:
                got = [s.text for s in split_sentences(u)]
            cache[u] = got
        out.extend(got)
    return out
