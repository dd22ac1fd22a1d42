"""Discrepancy pairs: does the engine flag two figures of one event as the same quantity with
values that disagree?  Scored on `benchmarks/data/number_pairs.jsonl` (article ids and character
offsets into `../shared/benchmarks` texts, labelled by reading them; see BENCHMARKS.md for how
they were sampled).  A pair is predicted positive when `find_discrepancies` over every figure
of its two articles (as two reports of one event, undated: bare text) returns a discrepancy that
has the pair's figure of each article among its values.

The baseline is the same code path of another checkout, run in the same invocation
(`--baseline-src /work/main/src`).  Two folds split the pairs by event; the thresholds of
`Config.analyze.discrepancies` (predicate_sim, noun_sim) are tuned on one fold and reported on
the other, both ways.

    python benchmarks/number_pairs.py [--baseline-src PATH] [--out benchmarks/results/discrepancies.md]
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "benchmarks"
PAIRS = ROOT / "benchmarks" / "data" / "number_pairs.jsonl"


def load_texts(shared: Path = SHARED) -> dict[str, str]:
    """Article id -> text: news_cluster ids, and 'CLUSTER#i' for Multi-News dev documents."""
    texts: dict[str, str] = {}
    with open(shared / "news_cluster" / "articles.jsonl") as f:
        for line in f:
            r = json.loads(line)
            texts[r["id"]] = r["text"]
    with open(shared / "multinews_dev" / "clusters.jsonl") as f:
        for line in f:
            r = json.loads(line)
            for i, doc in enumerate(r["documents"]):
                texts[f"{r['id']}#{i}"] = doc
    return texts


def load_pairs(path: Path = PAIRS) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def article_figures(texts: dict[str, str], article: str) -> list:
    """Every Figure the code under test extracts from one article, with its offset in the text."""
    from storyweave.nlp.text import split_sentences
    from storyweave.stages.analysis.numbers import Figure, extract_quantities, figure_context

    out = []
    for sent in split_sentences(texts[article]):
        for q in extract_quantities(sent.text):
            f = Figure(q, sent.text, article, (article,), None, None, figure_context(sent.text, q))
            out.append((sent.start + q.start, sent.start + q.end, f))
    return out


def _at(figs: list, ref: dict):
    return next((f for s, e, f in figs if s < ref["end"] and ref["start"] < e), None)


_FIGURES: dict[str, list] = {}


def predictions(pairs: list[dict], texts: dict[str, str], **thresholds: float) -> list[bool]:
    """Pair positive: `find_discrepancies` over all figures of the two articles (as two reports
    of one event) returns a discrepancy with the pair's figure of each article among its values."""
    import storyweave.stages.analysis.numbers as numbers

    params = ()
    if thresholds:  # the knobs live in `Config.analyze.discrepancies` (DiscrepancyParams)
        from dataclasses import replace

        from storyweave.config import DiscrepancyParams

        params = (replace(DiscrepancyParams(), **{k.lower(): v for k, v in thresholds.items()}),)
    cache = _FIGURES  # figures do not depend on the knobs: extracted once per process
    out = []
    for p in pairs:
        figs = {r: cache.setdefault(r, article_figures(texts, r)) for r in (p["a"]["article"], p["b"]["article"])}
        fa, fb = _at(figs[p["a"]["article"]], p["a"]), _at(figs[p["b"]["article"]], p["b"])
        if not fa or not fb:
            out.append(False)
            continue
        found = numbers.find_discrepancies([f for fs in figs.values() for _s, _e, f in fs], *params)

        def has(d, f):
            return any(v.value == f.quantity.text and f.article_id in v.article_ids for v in d.values)

        out.append(any(has(d, fa) and has(d, fb) for d in found))
    return out


def prf(gold: list[bool], pred: list[bool]) -> dict[str, float]:
    tp = sum(g and p for g, p in zip(gold, pred, strict=False))
    fp = sum(p and not g for g, p in zip(gold, pred, strict=False))
    fn = sum(g and not p for g, p in zip(gold, pred, strict=False))
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"P": prec, "R": rec, "F1": f1, "tp": tp, "fp": fp, "fn": fn, "n": len(gold)}


def fold_of(pair: dict) -> int:
    return int(hashlib.sha1(pair["event"].encode()).hexdigest(), 16) % 2


GRID = {"PREDICATE_SIM": [0.3, 0.35, 0.38, 0.4, 0.42, 0.45, 0.5, 0.55, 0.6], "NOUN_SIM": [0.4, 0.5, 0.6, 0.7],
        "PAIR_GROUPS": [False, True]}


def tuned_two_fold(pairs: list[dict], texts: dict[str, str]) -> list[dict]:
    """Tune the thresholds on one fold (best F1, ties to the defaults' neighbourhood by order),
    report on the other."""
    rows = []
    for test in (0, 1):
        train_p = [p for p in pairs if fold_of(p) != test]
        test_p = [p for p in pairs if fold_of(p) == test]
        best, best_f = None, -1.0
        for values in itertools.product(*GRID.values()):
            knobs = dict(zip(GRID, values, strict=True))
            f = prf([p["discrepancy"] for p in train_p], predictions(train_p, texts, **knobs))["F1"]
            if f > best_f:
                best, best_f = knobs, f
        score = prf([p["discrepancy"] for p in test_p], predictions(test_p, texts, **best))
        rows.append({"test_fold": test, "tuned": best, "train_F1": best_f, **score})
    return rows


def _child(src: str) -> dict:
    """Predictions of the checkout at `src` (same code path), in a fresh interpreter."""
    env = {**os.environ, "PYTHONPATH": src}
    t = time.process_time()
    out = subprocess.run([sys.executable, __file__, "--predict"], env=env, capture_output=True, text=True, check=True)
    return {"pred": json.loads(out.stdout.splitlines()[-1]), "cpu": time.process_time() - t}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline-src", default="/work/main/src")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "discrepancies.md"))
    ap.add_argument("--predict", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    pairs, texts = load_pairs(), load_texts()
    if args.predict:
        print(json.dumps(predictions(pairs, texts)))
        return
    gold = [p["discrepancy"] for p in pairs]
    sys.path.insert(0, str(ROOT / "src"))
    base = _child(args.baseline_src)["pred"]
    new = predictions(pairs, texts)
    folds = tuned_two_fold(pairs, texts)
    lines = ["# Discrepancy pairs", "",
             f"`python benchmarks/number_pairs.py --baseline-src {args.baseline_src}` on {platform.node()} "
             f"({os.cpu_count()} cores, shared), {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.", "",
             f"{len(pairs)} labelled pairs ({sum(gold)} discrepancies, "
             f"{sum(p['same_quantity'] for p in pairs)} same quantity), "
             f"sampled from: {dict(sorted(__import__('collections').Counter(p['sampled_from'] for p in pairs).items()))}.", "",
             "| code | P | R | F1 | tp | fp | fn |", "|---|---|---|---|---|---|---|"]
    for name, pred in (("baseline (" + args.baseline_src + ")", base), ("this branch, default thresholds", new)):
        s = prf(gold, pred)
        lines.append(f"| {name} | {s['P']:.3f} | {s['R']:.3f} | {s['F1']:.3f} | {s['tp']} | {s['fp']} | {s['fn']} |")
    lines += ["", "Per fold (split by event): baseline and default thresholds on each fold, and thresholds tuned "
              "on the other fold.", "",
              "| test fold | n | baseline P / R | default P / R | tuned on other fold | tuned P / R |",
              "|---|---|---|---|---|---|"]
    for row in folds:
        idx = [i for i, p in enumerate(pairs) if fold_of(p) == row["test_fold"]]
        g = [gold[i] for i in idx]
        b = prf(g, [base[i] for i in idx])
        d = prf(g, [new[i] for i in idx])
        lines.append(f"| {row['test_fold']} | {len(idx)} | {b['P']:.3f} / {b['R']:.3f} | {d['P']:.3f} / {d['R']:.3f} | "
                     f"{row['tuned']} | {row['P']:.3f} / {row['R']:.3f} |")
    misses = [(p, n) for p, n, g in zip(pairs, new, gold, strict=False) if n != g]
    lines += ["", f"Errors of this branch ({len(misses)}): " + ", ".join(
        f"{'FP' if n else 'FN'} {p['a']['article']}@{p['a']['start']}~{p['b']['article']}@{p['b']['start']}"
        for p, n in misses)]
    Path(args.out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
