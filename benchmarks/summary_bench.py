"""ROUGE of the cited extractive summary on Multi-News dev clusters, against a LEAD baseline.

    python benchmarks/summary_bench.py [--limit N] [--two-fold] [--ablation] [--write]

Each cluster is summarised by `storyweave.stages.brief.brief_cluster` at the reference summary's
length in words; LEAD takes the documents' sentences in turn (doc1 s1, doc2 s1, ..., doc1 s2,
...) and skips a sentence that would overflow the same budget.  ROUGE-1/2/Lsum F1 with
rouge-score (use_stemmer=True; Lsum over newline-separated sentences).  `--two-fold` tunes a
small grid of the summary's weights (lead prior, cross-article spread, MMR) on one half and scores the other half, both ways, to show
the defaults are not over-fitted.  Data: ../shared/benchmarks/multinews_dev/clusters.jsonl
relative to the project root, or $STORYWEAVE_BENCH_DATA/multinews_dev/clusters.jsonl.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

from rouge_score import rouge_scorer

from storyweave.nlp.text import count_words, split_sentences
from storyweave.stages.brief import _clean_documents, brief_cluster
from storyweave.stages.brief.facts import sentence_embeddings
from storyweave.stages.brief.summary import SummaryParams, analyse, summarize

ROOT = Path(__file__).resolve().parents[1]
NOTES_MARK = "<!-- notes: kept by --write -->"
METRICS = ("rouge1", "rouge2", "rougeLsum")


def data_path() -> Path:
    base = os.environ.get("STORYWEAVE_BENCH_DATA")
    base_dir = Path(base) if base else ROOT.parent / "shared" / "benchmarks"
    return base_dir / "multinews_dev" / "clusters.jsonl"


def lead(documents: list[str], max_words: int) -> list[str]:
    """First sentences first, round robin over documents, skipping what would overflow."""
    sents = [[s.text for s in split_sentences(d)] for d in documents]
    out, used = [], 0
    for i in range(max((len(s) for s in sents), default=0)):
        for doc in sents:
            if i < len(doc) and used + count_words(doc[i]) <= max_words:
                out.append(doc[i])
                used += count_words(doc[i])
    return out


def newline_sentences(text: str) -> str:
    return "\n".join(s.text for s in split_sentences(text))


def per_cluster(scorer, refs: list[str], outputs: list[list[str]]) -> dict[str, list[float]]:
    acc = {m: [] for m in METRICS}
    for ref, out in zip(refs, outputs, strict=False):
        r = scorer.score(ref, "\n".join(out))
        for m in METRICS:
            acc[m].append(100 * r[m].fmeasure)
    return acc


def mean_scores(scorer, refs: list[str], outputs: list[list[str]]) -> dict[str, float]:
    return {m: statistics.mean(v) for m, v in per_cluster(scorer, refs, outputs).items()}


def gain_spread(ours: list[float], base: list[float], rounds: int = 1000) -> tuple[int, int, float]:
    """(clusters won, clusters lost, 5th percentile of the bootstrap mean gain)."""
    import random

    gains = [a - b for a, b in zip(ours, base, strict=False)]
    rng = random.Random(0)
    means = sorted(statistics.mean(rng.choices(gains, k=len(gains))) for _ in range(rounds))
    return sum(g > 0 for g in gains), sum(g < 0 for g in gains), means[rounds // 20]


def two_fold(clusters: list[dict], scorer, refs: list[str]) -> list[tuple[str, dict, dict, dict]]:
    """Tune the three weights on one half, score the other; returns per fold the result rows."""
    grid = [replace(SummaryParams(), position_weight=p, spread_weight=s, mmr_weight=m)
            for p, s, m in itertools.product((0.25, 0.5, 1.0), (0.5, 1.0, 1.5), (1.5, 2.5, 3.5))]
    analysed = [analyse([(str(i), d) for i, d in enumerate(_clean_documents(c["documents"]))])
                for c in clusters]
    dense = [sentence_embeddings([c.text for c in es.cands]) for es in analysed]
    budgets = [count_words(c["summary"]) for c in clusters]

    def score(params: SummaryParams, idx: list[int]) -> dict[str, float]:
        outs = [[s.text for s in summarize(analysed[i], budgets[i], params, dense=dense[i])] for i in idx]
        return mean_scores(scorer, [refs[i] for i in idx], outs)

    halves = [list(range(0, len(clusters), 2)), list(range(1, len(clusters), 2))]
    rows = []
    for k, (train, test) in enumerate([(halves[0], halves[1]), (halves[1], halves[0])]):
        nocheck = [replace(g, check_verb=False) for g in grid]
        best = max(nocheck, key=lambda g: score(g, train)["rouge1"])
        best = replace(best, check_verb=True)
        tuned = score(best, test)
        default = score(SummaryParams(), test)
        lead_scores = mean_scores(scorer, [refs[i] for i in test],
                                  [lead(clusters[i]["documents"], budgets[i]) for i in test])
        label = f"fold {k + 1}: pos={best.position_weight} spread={best.spread_weight} mmr={best.mmr_weight}"
        rows.append((label, tuned, default, lead_scores))
    return rows


ABLATIONS = [
    ("defaults", {}),
    ("no embedding centrality (dense_weight=0)", {"dense_weight": 0.0}),
    ("no cross-article word spread (spread_weight=0)", {"spread_weight": 0.0}),
    ("no quote bonus (quote_weight=0)", {"quote_weight": 0.0}),
    ("no lead prior (position_weight=0)", {"position_weight": 0.0}),
    ("no sentence support (support_weight=0)", {"support_weight": 0.0}),
    ("no budget-filling swap", {"fill_tolerance": -1e9}),
    ("previous weights (pos 0.5/3, support 1, MMR 2, paraphrase 0.8; no dense, spread, quote)",
     {"dense_weight": 0.0, "position_scale": 3.0, "support_weight": 1.0, "spread_weight": 0.0,
      "quote_weight": 0.0, "mmr_weight": 2.0, "paraphrase": 0.8, "fill_tolerance": -1e9}),
]


def ablation(clusters: list[dict], scorer, refs: list[str]) -> list[tuple[str, dict]]:
    """Mean ROUGE of the defaults with one component switched off at a time (same analysis)."""
    analysed = [analyse([(str(i), d) for i, d in enumerate(_clean_documents(c["documents"]))])
                for c in clusters]
    dense = [sentence_embeddings([c.text for c in es.cands]) for es in analysed]
    budgets = [count_words(c["summary"]) for c in clusters]
    rows = []
    for label, change in ABLATIONS:
        params = replace(SummaryParams(), **change)
        outs = [[s.text for s in summarize(es, n, params, dense=d)] for es, n, d in zip(analysed, budgets, dense, strict=False)]
        rows.append((label, mean_scores(scorer, refs, outs)))
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--two-fold", action="store_true")
    ap.add_argument("--ablation", action="store_true", help="also score the defaults with one part off")
    ap.add_argument("--write", action="store_true", help="write benchmarks/results/summary.md")
    args = ap.parse_args()
    path = data_path()
    if not path.exists():
        print(f"{path}: benchmark data not found (set STORYWEAVE_BENCH_DATA)", file=sys.stderr)
        return 2
    clusters = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    if args.limit:
        clusters = clusters[: args.limit]
    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    refs = [newline_sentences(c["summary"]) for c in clusters]
    budgets = [count_words(c["summary"]) for c in clusters]

    t0 = time.time()
    ours, over = [], 0
    for c, n in zip(clusters, budgets, strict=False):
        out = brief_cluster({"id": c.get("id"), "documents": c["documents"], "max_words": n}, n)
        over += out["words"] > n
        ours.append([s["text"] for s in out["summary"]])
    seconds = time.time() - t0
    leads = [lead(c["documents"], n) for c, n in zip(clusters, budgets, strict=False)]
    c_ours, c_lead = per_cluster(scorer, refs, ours), per_cluster(scorer, refs, leads)
    s_ours = {m: statistics.mean(v) for m, v in c_ours.items()}
    s_lead = {m: statistics.mean(v) for m, v in c_lead.items()}
    won, lost, p5 = gain_spread(c_ours["rouge1"], c_lead["rouge1"])

    def fmt(d):
        return " | ".join(f"{d[m]:.2f}" for m in METRICS)
    lines = [
        "# Summary benchmark (Multi-News dev)",
        "",
        (f"{len(clusters)} clusters, budget = reference summary length in words; "
        f"ROUGE F1 (rouge-score, stemmer; Lsum on newline-split sentences)."),
        "",
        "| system | ROUGE-1 | ROUGE-2 | ROUGE-Lsum |",
        "|---|---|---|---|",
        f"| LEAD (round-robin first sentences) | {fmt(s_lead)} |",
        f"| storyweave brief_cluster | {fmt(s_ours)} |",
        "",
        (f"ROUGE-1 gain over LEAD: {s_ours['rouge1'] - s_lead['rouge1']:+.2f}; summaries over budget: {over}; "
        f"summarising took {seconds:.1f} s ({1000 * seconds / max(1, len(clusters)):.0f} ms/cluster)."),
        (f"Per cluster (ROUGE-1): better than LEAD on {won}, worse on {lost}; bootstrap 5th percentile "
        f"of the mean gain: {p5:+.2f} points."),
    ]
    if args.two_fold:
        lines += ["", "## 2-fold check (tune weights on one half, score the other half)", "",
                  "| held-out half | tuned R1/R2/RLsum | defaults R1/R2/RLsum | LEAD R1/R2/RLsum |",
                  "|---|---|---|---|"]
        for label, tuned, default, lead_s in two_fold(clusters, scorer, refs):
            def slash(d):
                return " / ".join(f"{d[m]:.2f}" for m in METRICS)
            lines.append(f"| {label} | {slash(tuned)} | {slash(default)} | {slash(lead_s)} |")
    if args.ablation:
        lines += ["", "## Ablation (defaults with one part switched off; same clusters, same analysis)", "",
                  "| variant | ROUGE-1 | ROUGE-2 | ROUGE-Lsum | R1 gain over LEAD |", "|---|---|---|---|---|"]
        for label, sc in ablation(clusters, scorer, refs):
            lines.append(f"| {label} | {fmt(sc)} | {sc['rouge1'] - s_lead['rouge1']:+.2f} |")
    flags = "".join(f" {f}" for f, on in (("--two-fold", args.two_fold), ("--ablation", args.ablation),
                                           ("--write", args.write)) if on)
    flags += f" --limit {args.limit}" if args.limit else ""
    lines += ["", f"Command: `python benchmarks/summary_bench.py{flags}`",
              (f"Machine: {platform.machine()}, {os.cpu_count()} CPU cores (shared), "
              f"Python {platform.python_version()}, no GPU, no network.")]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        out = ROOT / "benchmarks" / "results" / "summary.md"
        old = out.read_text(encoding="utf-8") if out.exists() else ""
        if NOTES_MARK in old:  # hand-written notes below the marker are kept
            text += "\n" + old[old.index(NOTES_MARK):]
        out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
