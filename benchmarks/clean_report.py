"""What the clean stage removes on real scraped news: counts per rule and a sample of lines.

    python benchmarks/clean_report.py [--sample 5] [--all]

Reads ../shared/benchmarks/news_cluster/articles.jsonl (or $STORYWEAVE_BENCH_DATA/news_cluster)
and the multinews dev documents.  Baseline in the same run: rules only, without corpus
statistics (recurrence thresholds set out of reach).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from storyweave.config import Config
from storyweave.model import Article, Corpus
from storyweave.stages.clean import clean_corpus


def bench_dir() -> Path | None:
    env = os.environ.get("STORYWEAVE_BENCH_DATA")
    root = Path(env) if env else Path(__file__).resolve().parent.parent.parent / "shared" / "benchmarks"
    return root if root.is_dir() else None


def news_cluster(root: Path) -> Corpus:
    rows = [json.loads(line) for line in (root / "news_cluster" / "articles.jsonl").open(encoding="utf-8")]
    return Corpus(
        articles=[
            Article(id=r["id"], text=r["text"], raw_text=r["text"], source=r["source"], title=r["title"])
            for r in rows
        ]
    )


def multinews(root: Path) -> Corpus:
    articles = []
    for line in (root / "multinews_dev" / "clusters.jsonl").open(encoding="utf-8"):
        cluster = json.loads(line)
        for i, doc in enumerate(cluster["documents"]):
            articles.append(Article(id=f"{cluster['id']}-{i}", text=doc, raw_text=doc))
    return Corpus(articles=articles)


def report(name: str, corpus: Corpus, sample: int, show_all: bool) -> list[str]:
    out = []
    t0 = time.perf_counter()
    cleaned = clean_corpus(corpus, Config())
    seconds = time.perf_counter() - t0
    rules_only = clean_corpus(corpus, Config().with_values({"clean.min_articles": 10**9, "clean.min_outlet_articles": 10**9}))
    lines_total = sum(len([x for x in a.raw_text.split("\n") if x.strip()]) for a in corpus.articles)
    per_rule: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    for a in cleaned.articles:
        for line, reason in zip(a.removed, a.removed_reasons, strict=False):
            per_rule[reason] += 1
            examples[reason].append(line)
    removed = sum(per_rule.values())
    base = sum(len(a.removed) for a in rules_only.articles)
    words_in = sum(len(a.raw_text.split()) for a in corpus.articles)
    words_out = sum(len(a.text.split()) for a in cleaned.articles)
    touched = sum(1 for a in cleaned.articles if a.removed)
    out.append(f"## {name}: {len(corpus.articles)} articles, {lines_total} non-empty lines")
    out.append("")
    out.append(
        f"- removed lines: **{removed}** ({removed / max(lines_total, 1):.1%} of lines) in {touched} articles; "
        f"words {words_in} -> {words_out} ({1 - words_out / max(words_in, 1):.1%} removed)"
    )
    out.append(f"- baseline, rules only (no corpus statistics): {base} lines")
    out.append(f"- time: {seconds:.2f} s")
    out.append("")
    out.append("| rule | lines removed | sample |")
    out.append("|---|---:|---|")
    rng = random.Random(0)
    for rule, count in per_rule.most_common():
        pool = sorted(set(examples[rule]))
        picked = pool if show_all else rng.sample(pool, min(sample, len(pool)))
        shown = " · ".join(f"`{x[:70].replace('|', '/').replace('`', '')}`" for x in picked)
        out.append(f"| {rule} | {count} | {shown} |")
    out.append("")
    return out


def gold_check(corpus_dir: Path) -> list[str]:
    """Noise recall and keep retention against examples/corpus/gold.json (all stages before: readers)."""
    from storyweave.io.readers import read_paths

    gold = json.loads((corpus_dir / "gold.json").read_text(encoding="utf-8"))
    articles, _ = read_paths([corpus_dir])
    out = [
        f"## examples/corpus gold ({len(articles)} articles)",
        "",
        "| setting | noise lines gone | keep lines kept |",
        "|---|---:|---:|",
    ]
    for label, settings in [
        ("rules + corpus statistics", Config()),
        ("baseline: rules only", Config().with_values({"clean.min_articles": 10**9, "clean.min_outlet_articles": 10**9})),
    ]:
        cleaned = {a.id: a for a in clean_corpus(Corpus(articles=articles), settings).articles}
        noise = [(aid, x) for aid, xs in gold.get("noise", {}).items() for x in xs]
        keep = [(aid, x) for aid, xs in gold.get("keep", {}).items() for x in xs]
        gone = sum(
            1 for aid, x in noise if x.strip() not in [y.strip() for y in cleaned[aid].text.split("\n")]
        )
        kept = sum(1 for aid, x in keep if x in cleaned[aid].text)
        out.append(f"| {label} | {gone}/{len(noise)} | {kept}/{len(keep)} |")
    return out + [""]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sample", type=int, default=3, help="example lines per rule")
    parser.add_argument("--all", action="store_true", help="print every distinct removed line")
    parser.add_argument("--out", type=Path, help="also write the report to this markdown file")
    args = parser.parse_args()
    root = bench_dir()
    if root is None:
        print("benchmark data not found: set STORYWEAVE_BENCH_DATA or place it in ../shared/benchmarks")
        return 1
    lines = ["# Clean stage: what is removed", ""]
    lines.append("Command: `python benchmarks/clean_report.py --out benchmarks/results/clean.md`  ")
    lines.append(
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs (shared), Python {platform.python_version()}"
    )
    lines.append("")
    lines += report("news_cluster", news_cluster(root), args.sample, args.all)
    lines += report("multinews_dev documents", multinews(root), args.sample, args.all)
    examples = Path(__file__).resolve().parent.parent / "examples" / "corpus"
    if (examples / "gold.json").exists():
        lines += gold_check(examples)
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
