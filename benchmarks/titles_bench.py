"""Event and story titles on bare text: how many are too long, cut, empty, menu lines or captions.

    python benchmarks/titles_bench.py [--out benchmarks/results/titles.md] [--baseline-src /work/main/src]
    python benchmarks/titles_bench.py --check briefings.json [--check other.json]

Writes all 250 multinews_dev clusters as bare `.txt` files (one file per document, no title,
date or outlet), runs `storyweave run` on them with this checkout's code and, for a same-run
baseline, with the code at `--baseline-src` (e.g. the main branch), and checks every event and
story title of both outputs with the same checker (`problems`).  Also reports, on news_cluster
written out bare, how many reports carry a credit line and how often the inferred publisher
agrees with the real `source` field.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

MAX_CHARS = 90
# General English closed-class words (articles, prepositions, conjunctions, auxiliaries,
# possessive determiners, quantifiers): a complete phrase does not end with one.
CLOSED = set(
    """a an the this that these those of in on at by for from to with without into onto over under about
    after before as than and or but nor so if because while although though since until unless whether
    is are was were be been being has have had do does did will would shall should can could may might
    must his her its their our my your whose which who whom what where when how not very every each
    some any no all both either neither such""".split()
)
_INITIAL_END = re.compile(r"(?:^|\s)(?:[A-Z]|Mr|Mrs|Ms|Dr|St|Gen|Sen|Rep|Gov|Lt|Col|Sgt|Capt|Prof|Rev)\.$")
_CAPTION = re.compile(
    r"^(?:FILE\b|WATCH\b|LISTEN\b|VIDEO\b|PHOTOS?\b|CLOSE\b|By [A-Z])|\((?:Photo|Image|AP Photo)|"
    r"\b(?:left|right|center|second (?:left|right)|pictured)\s*[,)]|\bfile photo\b|image caption",
)
NOISE_RULES = {
    "menu", "share_print", "related_link", "subscribe", "promo", "contact", "photo_caption", "photo_credit",
    "credit_line", "agency_caption", "byline", "media_player", "advertisement", "credits", "link_line",
    "url_only", "short_link", "copyright", "gallery", "caption", "tweet",
}


def bench_dir() -> Path | None:
    env = os.environ.get("STORYWEAVE_BENCH_DATA")
    root = Path(env) if env else Path(__file__).resolve().parent.parent.parent / "shared" / "benchmarks"
    return root if root.is_dir() else None


def problems(title: str, source_lines: set[str]) -> list[str]:
    """What is wrong with a title: empty, over_90, cut, menu, caption (empty list: fine)."""
    from storyweave.stages.clean.rules import rule_for

    t = title.strip()
    if not t:
        return ["empty"]
    out = []
    if len(t) > MAX_CHARS:
        out.append("over_90")
    words = re.findall(r"[\w'’-]+", t.lower())
    if (
        t.endswith(("…", "...", ",", ";", ":", "-", "–", "—", "'s", "’s"))
        or _INITIAL_END.search(t)
        or (words and words[-1] in CLOSED)
        or t.count("(") != t.count(")")
        or t.count('"') % 2
        or t.count("“") != t.count("”")
        or not (t[0].isupper() or t[0].isdigit() or t[0] in "\"“'‘")
    ):
        out.append("cut")
    if len(words) <= 3 or " | " in t or (rule_for(t) in {"menu", "share_print", "related_link"}):
        out.append("menu")
    if _CAPTION.search(t) or (rule_for(t) in NOISE_RULES - {"menu", "share_print", "related_link"}):
        out.append("caption_or_byline")
    return out


def write_bare(root: Path, folder: Path) -> dict[str, list[str]]:
    """multinews_dev as bare .txt files; returns file stem -> its lines."""
    lines: dict[str, list[str]] = {}
    for line in (root / "multinews_dev" / "clusters.jsonl").open(encoding="utf-8"):
        cluster = json.loads(line)
        for i, doc in enumerate(cluster["documents"]):
            stem = f"{cluster['id']}-{i}"
            (folder / f"{stem}.txt").write_text(doc, encoding="utf-8")
            lines[stem] = [x.strip() for x in doc.split("\n") if x.strip()]
    return lines


def run(src: str, folder: Path, out: Path) -> float:
    """`storyweave run` with the code at `src`; returns CPU seconds of the child."""
    env = {**os.environ, "PYTHONPATH": src}
    before = os.times()
    subprocess.run(
        [sys.executable, "-m", "storyweave.cli", "run", str(folder), "--out", str(out), "--db", str(out / "sw.db")],
        env=env, check=True, capture_output=True,
    )
    after = os.times()
    return (after.children_user - before.children_user) + (after.children_system - before.children_system)


# Clusters whose documents were read while the title rules were written (validation-0 ...
# validation-24); the others are the held-out split the rules were not tuned on.
INSPECTED = 25


def _split(article_ids: list[str]) -> str:
    nums = [int(m.group(1)) for i in article_ids if (m := re.match(r"validation-(\d+)-", i))]
    return "inspected" if nums and min(nums) < INSPECTED else "held_out"


def check(path: Path, lines: set[str]) -> tuple[Counter, int, list[tuple[str, str]]]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    events = {e["id"]: e for e in doc["events"]}
    titles = [("event", e["title"], _split(e["article_ids"])) for e in doc["events"]]
    titles += [("story", s["title"], _split([i for e in s["event_ids"] for i in events.get(e, {}).get("article_ids", [])]))
               for s in doc["stories"]]
    counts: Counter = Counter()
    bad = []
    for _kind, title, split in titles:
        counts[f"n_{split}"] += 1
        found = problems(title or "", lines)
        for p in found:
            counts[p] += 1
        if found:
            counts["any"] += 1
            counts[f"any_{split}"] += 1
            bad.append((",".join(found), title))
    return counts, len(titles), bad


def credit_agreement(root: Path) -> list[str]:
    """news_cluster bare: credit lines found, and inferred publisher vs the real `source`."""
    from storyweave.io.readers.txt import infer_metadata
    from storyweave.stages.dedup.provenance import publisher_family

    rows = [json.loads(x) for x in (root / "news_cluster" / "articles.jsonl").open(encoding="utf-8")]
    with_credit = with_source = agree = 0
    pairs: Counter = Counter()
    for r in rows:
        fields, _ = infer_metadata(r["text"])
        credits = fields.get("credits") or []
        if credits:
            with_credit += 1
        if fields.get("source"):
            with_source += 1
            same = publisher_family(fields["source"]) == publisher_family(r["source"])
            agree += same
            pairs[("agrees" if same else "differs", fields["source"], r["source"])] += 1
    out = [
        f"- news_cluster written bare: {len(rows)} reports; {with_credit} carry a credit line "
        f"({with_credit / len(rows):.1%}); a publisher was inferred for {with_source}; it agrees with the real "
        f"`source` (same publisher family) for **{agree} of {with_source}**.",
        "",
        "| inferred vs real | inferred source | real source | reports |",
        "|---|---|---|---:|",
    ]
    out += [f"| {k[0]} | {k[1]} | {k[2]} | {n} |" for k, n in sorted(pairs.items(), key=lambda x: (x[0][0], -x[1]))]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--baseline-src", default=None, help="PYTHONPATH of the baseline code (e.g. /work/main/src)")
    ap.add_argument("--check", type=Path, action="append", default=[], help="only check these briefings.json")
    ap.add_argument("--show", type=int, default=15)
    args = ap.parse_args()
    root = bench_dir()
    if root is None:
        sys.exit("../shared/benchmarks not found (set STORYWEAVE_BENCH_DATA)")
    work = Path(tempfile.mkdtemp(prefix="titles-bench-"))
    folder = work / "bare"
    folder.mkdir()
    lines = {x for doc in write_bare(root, folder).values() for x in doc}
    report = ["# Titles and metadata on bare text", ""]
    report += [f"Command: `python benchmarks/titles_bench.py {' '.join(sys.argv[1:])}`  ",
               f"Machine: {platform.machine()}, {os.cpu_count()} CPUs (shared), Python {platform.python_version()}", ""]
    runs: list[tuple[str, Path, float | None]] = [(str(p), p, None) for p in args.check]
    if not args.check:
        here = str(Path(__file__).resolve().parent.parent / "src")
        for name, src in (("this branch", here), ("baseline", args.baseline_src)):
            if not src:
                continue
            out = work / name.replace(" ", "_")
            t0 = time.perf_counter()
            cpu = run(src, folder, out)
            print(f"{name}: {time.perf_counter() - t0:.0f} s", file=sys.stderr)
            runs.append((f"{name} (`PYTHONPATH={src}`)", out / "briefings.json", cpu))
    report += ["## Multi-News dev, 250 clusters as 690 bare .txt files: event and story titles", "",
               "| code | titles | over 90 chars | cut | empty | menu line | caption/byline | any problem | "
               f"inspected clusters (< {INSPECTED}) | held-out clusters | run CPU s |",
               "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    samples = []
    for name, path, cpu in runs:
        counts, n, bad = check(path, lines)
        report.append(f"| {name} | {n} | {counts['over_90']} | {counts['cut']} | {counts['empty']} | {counts['menu']} | "
                      f"{counts['caption_or_byline']} | **{counts['any']}** | {counts['any_inspected']}/{counts['n_inspected']} | "
                      f"{counts['any_held_out']}/{counts['n_held_out']} | {f'{cpu:.0f}' if cpu else '-'} |")
        samples.append((name, bad[: args.show]))
    report.append("")
    for name, bad in samples:
        report += [f"Titles with a problem, {name} (first {args.show}):", ""]
        report += [f"- {why}: `{t[:140]}`" for why, t in bad] or ["- none"]
        report.append("")
    report += ["## Publisher and credits inferred from bare text", ""] + credit_agreement(root)
    text = "\n".join(report) + "\n"
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
