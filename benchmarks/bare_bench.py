"""Events and stories on bare text (issue 11, items 1-2): one command, same-run baselines.

    python benchmarks/bare_bench.py [--code SRC ...] [--work /tmp/bare-events] [--out benchmarks/results/bare.md]

Writes the inputs under --work (never into the repo):
  * news_cluster with its metadata (the shared JSONL as is),
  * news_cluster bare: one `<id>.txt` per article, its text only (no title/date/outlet/url),
  * all 250 multinews_dev clusters bare: one `<cluster>_<doc index>.txt` per document, and a gold
    JSONL (`gold_event` = cluster id),
  * news_cluster as JSONL with `published` removed (report-date inference).
Runs `storyweave run` on each with every code tree given by --code (PYTHONPATH; e.g. main and
this branch, in the same run), scores events and stories with
`../shared/scoring/score_clusters.py`, counts the `lookalikes.json` pairs merged into one event
(a document of each cluster in one predicted event) and, for the no-`published` run, the share of
reports that state their own date whose inferred `published` lies within +-1 day of the real one.
"States one": the text writes a full calendar date (month name, day and year) within +-1 day of
the real date; reports giving only "Tuesday" or "Feb. 6" do not state their year (also reported:
year-less dates counted, with the real year).  Baseline: TF-IDF + average linkage over the bare text, threshold tuned
on the answers (best pairwise F1), and its 2-fold version (tuned on one half, scored on the other).
Every figure is also given on two halves (fold A/B: gold clusters/events split by a hash of
their id; in the main table, the pairs among that half's articles within the full run).
Multi-News pages (`benchmarks/data/multinews_dev_pages.jsonl`, ids and labels only, hand-labelled
in the thirteenth session against each cluster's reference summary, before looking at any output):
"event" (the page reports the cluster's happening, any angle), "background" (the same matter, mainly
another happening: history, an earlier episode, a profile), "other" (an unrelated page was
captured), "empty" (no news text: a crawl notice, an error page, a sign-in or newsletter box, a
player, a list of links).  The bare Multi-News rows are also scored on the "event" pages alone, and
a ceiling row gives the best pairwise F1 any clustering of the text reaches on all pages when the
pages without the event's news stay alone (a crawl notice stored under four clusters cannot be told
apart by its text); the TF-IDF baseline is also run on the "event" pages.
`--halves` clusters each half of the two bare inputs ON ITS OWN (clean, language, dedup, events,
stories in process) for every code tree: the held-out check of the knobs chosen on half A
(`events.undated_factor`, `stories.undated_factor`), see benchmarks/results/bare.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SCORER = SHARED / "scoring" / "score_clusters.py"


def bench_dir() -> Path:
    env = os.environ.get("STORYWEAVE_BENCH_DATA")
    return Path(env) if env else SHARED / "benchmarks"


def fold_of(key: str) -> str:
    """'A' or 'B' by a hash of a gold cluster id (stable, not tuned)."""
    return "AB"[int(hashlib.sha1(key.encode()).hexdigest(), 16) % 2]


# ---------------------------------------------------------------------------- inputs


def prepare(work: Path) -> dict:
    data = bench_dir()
    work.mkdir(parents=True, exist_ok=True)
    news = [json.loads(line) for line in open(data / "news_cluster" / "articles.jsonl", encoding="utf-8")]
    bare = work / "news_bare"
    bare.mkdir(exist_ok=True)
    for r in news:
        (bare / f"{r['id']}.txt").write_text(r["text"], encoding="utf-8")
    nopub = work / "news_nopub.jsonl"
    with open(nopub, "w", encoding="utf-8") as fh:
        for r in news:
            fh.write(json.dumps({k: v for k, v in r.items() if k != "published"}) + "\n")
    clusters = [json.loads(line) for line in open(data / "multinews_dev" / "clusters.jsonl", encoding="utf-8")]
    mn = work / "mn_bare"
    mn.mkdir(exist_ok=True)
    mn_gold = work / "mn_gold.jsonl"
    with open(mn_gold, "w", encoding="utf-8") as fh:
        for c in clusters:
            for k, doc in enumerate(c["documents"]):
                if not doc.strip():
                    continue
                doc_id = f"{c['id']}_{k}"
                (mn / f"{doc_id}.txt").write_text(doc, encoding="utf-8")
                fh.write(json.dumps({"id": doc_id, "gold_event": c["id"]}) + "\n")
    return {
        "news_meta": (data / "news_cluster" / "articles.jsonl", data / "news_cluster" / "articles.jsonl"),
        "news_bare": (bare, data / "news_cluster" / "articles.jsonl"),
        "mn_bare": (mn, mn_gold),
        "news_nopub": (nopub, data / "news_cluster" / "articles.jsonl"),
    }


# ---------------------------------------------------------------------------- running and scoring


def run_storyweave(code: Path, inp: Path, out: Path) -> float:
    """`storyweave run` with `code` first on PYTHONPATH; returns CPU seconds (user+sys)."""
    out.mkdir(parents=True, exist_ok=True)
    db = out / "store.db"
    if db.exists():
        db.unlink()
    env = {**os.environ, "PYTHONPATH": str(code)}
    cmd = [sys.executable, "-c", "from storyweave.cli import app; app()", "run", str(inp), "--out", str(out), "--db", str(db)]
    before = os.times()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    after = os.times()
    return (after.children_user - before.children_user) + (after.children_system - before.children_system)


def score(gold: Path, briefings: Path, level: str) -> tuple[float, float, float]:
    res = subprocess.run([sys.executable, str(SCORER), str(gold), str(briefings), "--level", level],
                         capture_output=True, text=True)
    m = re.search(r"P ([\d.]+) R ([\d.]+) F1 ([\d.]+)", res.stdout)
    return (float(m.group(1)), float(m.group(2)), float(m.group(3))) if m else (0.0, 0.0, 0.0)


def predicted(briefings: Path, level: str) -> dict[str, str]:
    d = json.loads(briefings.read_text(encoding="utf-8"))
    pred = {str(a): e["id"] for e in d.get("events", []) for a in e.get("article_ids", [])}
    if level == "story":
        story_of = {e["id"]: e.get("story_id") or e["id"] for e in d.get("events", [])}
        pred = {k: story_of.get(v, v) for k, v in pred.items()}
    return pred


def pairwise(pred: list, gold: list) -> tuple[float, float, float]:
    def pairs(counts):
        return sum(c * (c - 1) // 2 for c in counts)

    tp = pairs(Counter(zip(pred, gold, strict=False)).values())
    pp, gp = pairs(Counter(pred).values()), pairs(Counter(gold).values())
    p = tp / pp if pp else 1.0
    r = tp / gp if gp else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def gold_of(path: Path) -> dict[str, str]:
    return {str(r["id"]): r["gold_event"] for r in map(json.loads, open(path, encoding="utf-8"))}


def fold_scores(gold: dict[str, str], pred: dict[str, str]) -> dict[str, tuple[float, float, float]]:
    """Pairwise P/R/F1 restricted to the articles of each fold (gold clusters split by hash)."""
    return {fold: restricted(gold, pred, {i for i, g in gold.items() if fold_of(str(g)) == fold}) for fold in "AB"}


PAGE_LABELS = ROOT / "benchmarks" / "data" / "multinews_dev_pages.jsonl"


def page_labels() -> dict[str, str]:
    """Multi-News document id -> "event" / "background" / "other" / "empty" (module doc)."""
    return {str(r["id"]): r["label"] for r in map(json.loads, open(PAGE_LABELS, encoding="utf-8"))}


def restricted(gold: dict[str, str], pred: dict[str, str], keep: set[str]) -> tuple[float, float, float]:
    """Pairwise P/R/F1 over the documents in `keep` only."""
    ids = sorted(i for i in gold if i in keep)
    return pairwise([pred.get(i, f"_single_{i}") for i in ids], [gold[i] for i in ids])


def ceiling(gold: dict[str, str], alone: set[str]) -> tuple[float, float, float]:
    """The best pairwise P/R/F1 on all of `gold` when the documents in `alone` are singletons and
    every other document is placed exactly as the gold places it."""
    ids = sorted(gold)
    return pairwise([f"_single_{i}" if i in alone else gold[i] for i in ids], [gold[i] for i in ids])


def lookalikes_merged(briefings: Path) -> tuple[int, int, list[str]]:
    pairs = json.loads((bench_dir() / "multinews_dev" / "lookalikes.json").read_text())["pairs"]
    pred = predicted(briefings, "event")
    events_of: dict[str, set[str]] = defaultdict(set)
    for doc, event in pred.items():
        events_of[doc.rsplit("_", 1)[0]].add(event)
    merged = [f"{p['a']}+{p['b']}" for p in pairs if events_of[p["a"]] & events_of[p["b"]]]
    return len(merged), len(pairs), merged


_MONTHS = "january february march april may june july august september october november december".split()
_MONTH_RE = "|".join(m for m in _MONTHS) + "|" + "|".join(m[:3] + r"\.?" for m in _MONTHS)
_MD = re.compile(rf"\b({_MONTH_RE})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?", re.IGNORECASE)
_DM = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_RE})\b(?:,?\s+(\d{{4}}))?", re.IGNORECASE)


def _month(name: str) -> int:
    name = name.lower().rstrip(".")
    return next(i + 1 for i, m in enumerate(_MONTHS) if m.startswith(name))


def states_own_date(text: str, real: date, need_year: bool = True) -> bool:
    """True when the text writes a calendar date within +-1 day of `real` (with its year; or, when
    not `need_year`, year-less dates taken in `real`'s year)."""
    for m in _MD.finditer(text):
        if need_year and not m.group(3):
            continue
        month, day, year = _month(m.group(1)), int(m.group(2)), int(m.group(3) or real.year)
        if _near(year, month, day, real):
            return True
    for m in _DM.finditer(text):
        if need_year and not m.group(3):
            continue
        month, day, year = _month(m.group(2)), int(m.group(1)), int(m.group(3) or real.year)
        if _near(year, month, day, real):
            return True
    return False


def _near(year: int, month: int, day: int, real: date) -> bool:
    try:
        return abs((date(year, month, day) - real).days) <= 1
    except ValueError:
        return False


def report_dates(briefings: Path) -> dict:
    """Inferred `published` within +-1 day of the real one, for reports that state one (and all)."""
    news = {r["id"]: r for r in map(json.loads, open(bench_dir() / "news_cluster" / "articles.jsonl", encoding="utf-8"))}
    d = json.loads(briefings.read_text(encoding="utf-8"))
    inferred = {a["id"]: a.get("published") for a in d.get("articles", [])}
    stats: dict[str, list[int]] = {"states": [0, 0, 0], "yearless": [0, 0, 0], "all": [0, 0, 0]}  # ok, wrong, none
    by_fold: dict[str, list[int]] = {"A": [0, 0], "B": [0, 0]}
    for aid, r in news.items():
        real = date.fromisoformat(r["published"][:10])
        guess = inferred.get(aid)
        ok = bool(guess) and abs((date.fromisoformat(guess[:10]) - real).days) <= 1
        kinds = ["all"] + (["states"] if states_own_date(r["text"], real) else [])
        kinds += ["yearless"] if states_own_date(r["text"], real, need_year=False) else []
        for kind in kinds:
            stats[kind][0 if ok else (1 if guess else 2)] += 1
        if "states" in kinds:
            by_fold[fold_of(str(r["gold_event"]))][0 if ok else 1] += 1
    return {"stats": stats, "folds": by_fold}


# ---------------------------------------------------------------------------- TF-IDF baseline


def tfidf_baseline(texts: list[str], gold: list[str]) -> dict:
    """TF-IDF (sublinear, English stop words, 1-2 grams) + average linkage; threshold tuned on the
    answers over all, and 2-fold (tuned on fold A, scored on B and vice versa)."""
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform
    from sklearn.feature_extraction.text import TfidfVectorizer

    def labels_for(idx: list[int]) -> dict[float, list[int]]:
        x = TfidfVectorizer(sublinear_tf=True, stop_words="english", ngram_range=(1, 2), min_df=1).fit_transform(
            [texts[i] for i in idx])
        dist = np.clip(1.0 - (x @ x.T).toarray(), 0, None)
        np.fill_diagonal(dist, 0)
        tree = linkage(squareform((dist + dist.T) / 2, checks=False), method="average")
        return {t: list(fcluster(tree, t=1 - t, criterion="distance")) for t in thresholds}

    thresholds = [round(0.02 * k, 2) for k in range(1, 40)]
    everything = list(range(len(texts)))
    sweep = labels_for(everything)
    best = max(thresholds, key=lambda t: pairwise(sweep[t], gold)[2])
    folds = {f: [i for i in everything if fold_of(gold[i]) == f] for f in "AB"}
    per_fold = {f: labels_for(idx) for f, idx in folds.items()}
    tuned = {f: max(thresholds, key=lambda t: pairwise(per_fold[f][t], [gold[i] for i in folds[f]])[2]) for f in "AB"}
    held_out = {f: pairwise(per_fold[f][tuned["B" if f == "A" else "A"]], [gold[i] for i in folds[f]]) for f in "AB"}
    return {"threshold": best, "all": pairwise(sweep[best], gold), "tuned": tuned, "held_out": held_out}


# ---------------------------------------------------------------------------- halves


def halves_worker(inp: str, gold_path: str, fold: str) -> None:
    """(Run with the code tree under test on PYTHONPATH.)  Cluster ONE half of a bare input on its
    own (clean, language, dedup, events, stories in process; no analyze/brief) and print JSON."""
    from storyweave.config import Config
    from storyweave.io.readers import read_paths
    from storyweave.model import Corpus
    from storyweave.stages import clean, dedup, events, language, stories

    gold = gold_of(Path(gold_path))
    files = [p for p in sorted(Path(inp).glob("*.txt")) if fold_of(str(gold[p.stem])) == fold]
    articles, _ = read_paths(files)
    corpus, settings = Corpus(articles=articles), Config()
    for stage in (clean.clean_corpus, language.detect_languages, dedup.find_duplicates, events.cluster_events,
                  stories.link_stories):
        corpus = stage(corpus, settings)
    ids = [a.id for a in corpus.articles]
    event_of = {a: e.id for e in corpus.events for a in e.article_ids}
    story_of = {a: e.story_id for e in corpus.events for a in e.article_ids}
    print(json.dumps({level: pairwise([pred.get(i, i) for i in ids], [gold[i] for i in ids])
                      for level, pred in (("event", event_of), ("story", story_of))}))


def halves(code: str, inp: Path, gold: Path) -> dict:
    out = {}
    for fold in "AB":
        res = subprocess.run([sys.executable, __file__, "--halves-worker", str(inp), str(gold), fold],
                             env={**os.environ, "PYTHONPATH": f"{code}{os.pathsep}{Path(__file__).parent}"},
                             capture_output=True, text=True, check=True)
        out[fold] = json.loads(res.stdout.strip().splitlines()[-1])
    return out


# ---------------------------------------------------------------------------- report


def fmt(prf: tuple[float, float, float]) -> str:
    return f"P {prf[0]:.3f} R {prf[1]:.3f} F1 {prf[2]:.3f}"


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--halves-worker":
        halves_worker(*sys.argv[2:])
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--code", nargs="+", default=[str(ROOT / "src")], help="code trees (src folders) to compare")
    ap.add_argument("--names", nargs="+", default=None, help="a label per --code")
    ap.add_argument("--work", default="/tmp/bare-events")
    ap.add_argument("--only", nargs="+", default=None, help="subset of: news_meta news_bare mn_bare news_nopub")
    ap.add_argument("--out", default=None, help="write the Markdown report here")
    ap.add_argument("--halves", action="store_true", help="only: cluster each half of the bare inputs on its own")
    args = ap.parse_args()
    work = Path(args.work)
    inputs = prepare(work)
    names = args.names or [Path(c).parent.name for c in args.code]
    lines = ["# Bare text: events and stories\n",
             f"`python {' '.join(sys.argv)}` on {platform.node()} ({os.cpu_count()} cores, shared), "
             f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n",
             "Pairwise P/R/F1 from `score_clusters.py`; folds A/B = gold clusters split by a hash of their id.\n"]
    wanted = args.only or list(inputs)
    if args.halves:
        lines.append("\n## Each half clustered on its own (clean, dedup, events, stories in process)\n")
        lines.append("| code | input | half | event | story |")
        lines.append("|---|---|---|---|---|")
        for name, code in zip(names, args.code, strict=False):
            for key in ("news_bare", "mn_bare"):
                for fold, res in halves(code, *inputs[key]).items():
                    lines.append(f"| {name} | {key} | {fold} | {fmt(res['event'])} | {fmt(res['story'])} |")
                    print(lines[-1], flush=True)
        wanted = []
    for name, code in zip(names, args.code, strict=False) if wanted else ():
        lines.append(f"\n## {name} (`PYTHONPATH={code}`)\n")
        lines.append("| input | level | all | fold A | fold B | CPU s |")
        lines.append("|---|---|---|---|---|---|")
        for key in wanted:
            inp, gold = inputs[key]
            out = work / "runs" / name / key
            cpu = run_storyweave(Path(code), inp, out)
            briefings = out / "briefings.json"
            for level in ("event", "story"):
                folds = fold_scores(gold_of(gold), predicted(briefings, level))
                lines.append(f"| {key} | {level} | {fmt(score(gold, briefings, level))} | {fmt(folds['A'])} | "
                             f"{fmt(folds['B'])} | {cpu:.0f} |")
            if key == "mn_bare":
                labels, g = page_labels(), gold_of(gold)
                reporting = {i for i, lab in labels.items() if lab == "event"}
                for level in ("event", "story"):
                    pred = predicted(briefings, level)
                    folds = {f: restricted(g, pred, {i for i in reporting if fold_of(g[i]) == f}) for f in "AB"}
                    lines.append(f"| {key}, the {len(reporting)} pages reporting the event | {level} | "
                                 f"{fmt(restricted(g, pred, reporting))} | {fmt(folds['A'])} | {fmt(folds['B'])} | |")
                merged, total, which = lookalikes_merged(briefings)
                lines.append(f"| {key} | lookalike pairs merged | {merged} of {total} | {' '.join(which[:12])} | | |")
            if key == "news_nopub":
                rd = report_dates(briefings)
                s, a, y = rd["stats"]["states"], rd["stats"]["all"], rd["stats"]["yearless"]
                fa, fb = rd["folds"]["A"], rd["folds"]["B"]
                lines.append(f"| {key} | report date +-1 day | {s[0]}/{sum(s)} = {s[0] / max(sum(s), 1):.3f} of reports "
                             f"stating one (wrong {s[1]}, none {s[2]}); with year-less dates {y[0]}/{sum(y)}; "
                             f"all reports {a[0]}/{sum(a)} (wrong {a[1]}) | "
                             f"{fa[0]}/{sum(fa)} | {fb[0]}/{sum(fb)} | |")
            print("\n".join(lines[-3:]), flush=True)
    if not args.halves and "mn_bare" in wanted:
        labels, g = page_labels(), gold_of(inputs["mn_bare"][1])
        lines.append("\n## Ceiling on bare Multi-News (`multinews_dev_pages.jsonl`)\n")
        lines.append("| pages left alone | pages | best event P / R / F1 on all pages |")
        lines.append("|---|---|---|")
        for kinds in (("empty",), ("empty", "other"), ("empty", "other", "background")):
            alone = {i for i, lab in labels.items() if lab in kinds}
            lines.append(f"| {' + '.join(kinds)} | {len(alone)} of {len(g)} | {fmt(ceiling(g, alone))} |")
    if not args.halves:
        lines.append("\n## Baseline: TF-IDF + average linkage (threshold tuned on the answers)\n")
        lines.append("| input | tuned on all | threshold | held-out fold A (tuned on B) | held-out fold B (tuned on A) |")
        lines.append("|---|---|---|---|---|")
    news = [json.loads(line) for line in open(bench_dir() / "news_cluster" / "articles.jsonl", encoding="utf-8")]
    mn_gold = gold_of(inputs["mn_bare"][1])
    for key, texts, gold in () if args.halves else (
        ("news_bare", [r["text"] for r in news], [r["gold_event"] for r in news]),
        ("mn_bare", [(inputs["mn_bare"][0] / f"{i}.txt").read_text(encoding="utf-8") for i in mn_gold], list(mn_gold.values())),
    ):
        if key not in wanted:
            continue
        runs = [(key, texts, gold)]
        if key == "mn_bare":
            labels = page_labels()
            reporting = [k for k, i in enumerate(mn_gold) if labels[i] == "event"]
            runs.append((f"{key}, the {len(reporting)} pages reporting the event", [texts[k] for k in reporting],
                         [gold[k] for k in reporting]))
        for label, part_texts, part_gold in runs:
            b = tfidf_baseline(part_texts, part_gold)
            lines.append(f"| {label} | {fmt(b['all'])} | {b['threshold']} | {fmt(b['held_out']['A'])} (t={b['tuned']['B']}) | "
                         f"{fmt(b['held_out']['B'])} (t={b['tuned']['A']}) |")
            print(lines[-1], flush=True)
    report = "\n".join(lines) + "\n"
    if args.out:
        Path(args.out).write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
