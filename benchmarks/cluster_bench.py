"""Event and story clustering benchmark on real news (news_cluster, 383 articles, 94 outlets).

    python benchmarks/cluster_bench.py [--raw] [--no-latency] [--out benchmarks/results/events.md]

Scored against `gold_event` (pairwise precision/recall/F1, B-cubed F1, group counts):
  * storyweave stories and events, ONE fixed configuration (EventConfig/StoryConfig defaults),
    batch and streamed (date order, 10 batches, stored ids + merge/split pass);
  * an ablation with the day/look-alike vetoes off;
  * baseline: TF-IDF + average linkage, threshold tuned on the answers (same run);
  * a 2-fold check per level: threshold tuned on one half of the gold events, scored on the
    other half, beside the fixed configuration;
  * the fast path (`EventIndex`, one article at a time) against the batch events, and its
    add-one-article latency p50/p95 with 100k articles stored (corpus replicated, dates shifted).
`gold_event` is coarser than a single happening for its 'legacy' half (events spanning months
or years), so stories are the level comparable with it; see the note in the output.  Stories
are also scored against `gold_topic` (2 labels).  The articles pass the clean + language +
dedup stages first (copies join their original's event) unless --raw.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

from storyweave import events as ev
from storyweave import represent, stories
from storyweave.event_index import EventIndex
from storyweave.model import Article, Corpus
from storyweave.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def bench_dir() -> Path | None:
    env = os.environ.get("STORYWEAVE_BENCH_DATA")
    root = Path(env) if env else ROOT.parent / "shared" / "benchmarks"
    return root if (root / "news_cluster" / "articles.jsonl").is_file() else None


# ---------------------------------------------------------------------------- metrics


def pairs(counts) -> int:
    return sum(c * (c - 1) // 2 for c in counts)


def pairwise(pred: list, gold: list) -> tuple[float, float, float]:
    """Pairwise precision, recall, F1 from the contingency table."""
    both = Counter(zip(pred, gold))
    tp, p_pairs, g_pairs = pairs(both.values()), pairs(Counter(pred).values()), pairs(Counter(gold).values())
    precision = tp / p_pairs if p_pairs else 1.0
    recall = tp / g_pairs if g_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def bcubed(pred: list, gold: list) -> float:
    both = Counter(zip(pred, gold))
    p_size, g_size = Counter(pred), Counter(gold)
    precision = sum(both[(p, g)] / p_size[p] for p, g in zip(pred, gold)) / len(pred)
    recall = sum(both[(p, g)] / g_size[g] for p, g in zip(pred, gold)) / len(pred)
    return 2 * precision * recall / (precision + recall)


def scores(pred: list, gold: list) -> dict:
    p, r, f = pairwise(pred, gold)
    return {"P": p, "R": r, "F1": f, "B3": bcubed(pred, gold), "pred": len(set(pred)), "gold": len(set(gold))}


# ---------------------------------------------------------------------------- runs


def load(root: Path, raw: bool) -> tuple[Corpus, dict[str, dict]]:
    rows = [json.loads(line) for line in (root / "news_cluster" / "articles.jsonl").open(encoding="utf-8")]
    corpus = Corpus(
        articles=[
            Article(id=r["id"], text=r["text"], raw_text=r["text"], source=r["source"], url=r["url"],
                    title=r["title"], published=(r["published"] or None) and r["published"][:10])
            for r in rows
        ]
    )
    if not raw:
        corpus = preprocess(corpus)
    return corpus, {r["id"]: r for r in rows}


def preprocess(corpus: Corpus) -> Corpus:
    """clean + language + dedup stages, when they have landed."""
    from storyweave.pipeline import STAGES

    for stage in STAGES:
        if stage.name in ("clean", "language", "dedup"):
            try:
                corpus = stage.fn(corpus, Settings())
            except Exception as exc:  # noqa: BLE001 - a teammate's stage failing must not stop the benchmark
                print(f"warning: stage {stage.name} failed ({exc}); continuing without it", file=sys.stderr)
    return corpus


def fresh(corpus: Corpus, ids: list[str] | None = None) -> Corpus:
    keep = set(ids) if ids is not None else None
    return Corpus(
        articles=[replace(a, event_id=None, is_new=True) for a in corpus.articles if keep is None or a.id in keep]
    )


def baseline_labels(corpus: Corpus, gold: list, thresholds: np.ndarray) -> tuple[list, float]:
    """TF-IDF (title + text, unigrams) + average linkage, threshold tuned on the answers."""
    sim = represent.cosine_matrix(represent.tfidf([represent.full_text(a) for a in corpus.articles]))
    best: tuple[float, list, float] = (-1.0, [], 0.0)
    for t in thresholds:
        labels = ev.agglomerate(sim, float(t))
        f = pairwise(labels, gold)[2]
        if f > best[0]:
            best = (f, labels, float(t))
    return best[1], best[2]


def two_fold(corpus: Corpus, gold_of: dict[str, str], level: str, thresholds: np.ndarray) -> list[dict]:
    """Tune `level`.threshold ("events" or "stories") on one half of the gold events, score the
    other half; beside it the fixed configuration on the same half."""
    events = sorted(set(gold_of.values()))
    order = np.random.default_rng(7).permutation(len(events))
    half = {events[i]: k % 2 for k, i in enumerate(order)}
    folds = [[a.id for a in corpus.articles if half[gold_of[a.id]] == k] for k in (0, 1)]

    def predict(part: Corpus, threshold: float | None) -> list[str]:
        extra = {} if threshold is None else {f"{level}.threshold": float(threshold)}
        return labels(run_pipeline(part, extra), level)

    rows = []
    for tune, test in ((0, 1), (1, 0)):
        tune_corpus, test_corpus = fresh(corpus, folds[tune]), fresh(corpus, folds[test])
        tune_gold = [gold_of[a.id] for a in tune_corpus.articles]
        tuned = max(thresholds, key=lambda t: pairwise(predict(tune_corpus, t), tune_gold)[2])
        test_gold = [gold_of[a.id] for a in test_corpus.articles]
        rows.append({"level": level, "tune": tune, "test": test, "threshold": float(tuned),
                     "tuned": scores(predict(test_corpus, tuned), test_gold),
                     "fixed": scores(predict(test_corpus, None), test_gold)})
    return rows


def run_pipeline(corpus: Corpus, extra: dict | None = None) -> Corpus:
    """events + stories stages on a fresh copy of `corpus`."""
    settings = Settings(extra=extra or {})
    return stories.link_stories(ev.cluster_events(fresh(corpus), settings), settings)


def labels(corpus: Corpus, level: str) -> list[str]:
    if level == "events":
        return [a.event_id for a in corpus.articles]
    story_of = {e.id: e.story_id for e in corpus.events}
    return [story_of[a.event_id] for a in corpus.articles]


def streaming(corpus: Corpus, batches: int = 10) -> tuple[Corpus, float]:
    """Feed articles in date order in `batches` runs, each seeing the stored ones before it."""
    ordered = sorted(corpus.articles, key=lambda a: (a.date or "9999", a.id))
    chunks = np.array_split(np.arange(len(ordered)), batches)
    stored: list[Article] = []
    stored_events: list = []
    stored_stories: list = []
    changes: list[str] = []
    start = time.perf_counter()
    for chunk in chunks:
        new = [replace(ordered[i], event_id=None, is_new=True) for i in chunk]
        batch = Corpus(articles=stored + new, events=stored_events)
        batch.stories = stored_stories
        batch = stories.link_stories(ev.cluster_events(batch, Settings()), Settings())
        changes.extend(batch.changes)
        stored = [replace(a, is_new=False) for a in batch.articles]
        stored_events, stored_stories = batch.events, batch.stories
    result = Corpus(articles=stored, events=stored_events, stories=stored_stories, changes=changes)
    return result, time.perf_counter() - start


def fast_path(corpus: Corpus) -> dict[str, str]:
    """One article at a time through `EventIndex` (copies follow their original): id -> event."""
    ordered = sorted(corpus.articles, key=lambda a: (a.date or "9999", a.id))
    vectors = represent.embed([represent.headline_text(a) for a in ordered])
    index = EventIndex(vectors.shape[1], window_days=FAST_WINDOW, threshold=FAST_THRESHOLD, mean=vectors.mean(axis=0))
    assigned: dict[str, str] = {}
    for article in ordered:
        if article.duplicate_of in assigned:
            assigned[article.id] = assigned[article.duplicate_of]
            continue
        assigned[article.id] = index.add(article, new_id=f"ev-{article.id}")[0]
    return assigned


FAST_WINDOW = ev.EventConfig().veto_gap_days - 1  # reports further apart are other happenings
FAST_THRESHOLD = 0.45


def latency(corpus: Corpus, stored_target: int = 100_000, probes: int = 300) -> dict:
    """Add-one-article latency (embedding + index lookup + update) with `stored_target` stored."""
    base = [a for a in corpus.articles if a.date]
    vectors = represent.embed([represent.headline_text(a) for a in base])
    days = np.array([represent.article_day(a).toordinal() for a in base])
    labels = [f"{a.event_id}" for a in base]
    copies = -(-stored_target // len(base))
    span = int(days.max() - days.min()) + 60
    all_vectors = np.tile(vectors, (copies, 1))[:stored_target]
    all_days = np.concatenate([days - k * span for k in range(copies)])[:stored_target]  # older replicas
    all_ids = [f"{label}-r{k}" for k in range(copies) for label in labels][:stored_target]
    t0 = time.perf_counter()
    index = EventIndex.from_vectors(all_vectors, all_days, all_ids, vectors.mean(axis=0),
                                    window_days=FAST_WINDOW, threshold=FAST_THRESHOLD)
    build = time.perf_counter() - t0
    represent.embed(["warm up"])
    timings = []
    for k in range(probes):
        article = base[k % len(base)]
        probe = replace(article, id=f"probe-{k}")
        t = time.perf_counter()
        index.add(probe)
        timings.append((time.perf_counter() - t) * 1000)
    return {"stored": stored_target, "events_indexed": len(index), "build_s": build,
            "p50_ms": float(np.percentile(timings, 50)), "p95_ms": float(np.percentile(timings, 95))}


def date_gap_share(corpus: Corpus, gold_of: dict[str, str], days: int) -> float:
    """Share of same-gold-event article pairs published `days` or more apart."""
    by_event = defaultdict(list)
    for a in corpus.articles:
        if a.date:
            by_event[gold_of[a.id]].append(represent.article_day(a).toordinal())
    far = total = 0
    for ordinals in by_event.values():
        o = np.array(ordinals)
        gaps = np.abs(o[:, None] - o[None, :])[np.triu_indices(len(o), 1)]
        far += int((gaps >= days).sum())
        total += len(gaps)
    return far / total if total else 0.0


# ---------------------------------------------------------------------------- report


def row(name: str, s: dict) -> str:
    return (f"| {name} | {s['P']:.3f} | {s['R']:.3f} | **{s['F1']:.3f}** | {s['B3']:.3f} | "
            f"{s['pred']} | {s['gold']} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--raw", action="store_true", help="skip the clean + dedup stages")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "events.md")
    parser.add_argument("--no-latency", action="store_true")
    args = parser.parse_args()
    root = bench_dir()
    if root is None:
        sys.exit("benchmark data not found: set STORYWEAVE_BENCH_DATA or place ../shared/benchmarks")

    t0 = time.perf_counter()
    corpus, rows = load(root, args.raw)
    prep_s = time.perf_counter() - t0
    gold_of = {i: r["gold_event"] for i, r in rows.items()}
    topic_of = {i: r["gold_topic"] for i, r in rows.items()}
    ids = [a.id for a in corpus.articles]
    gold = [gold_of[i] for i in ids]
    copies = sum(1 for a in corpus.articles if a.duplicate_of)

    t = time.perf_counter()
    batch = run_pipeline(corpus)
    batch_s = time.perf_counter() - t
    pred, story_pred = labels(batch, "events"), labels(batch, "stories")
    with_embedding = labels(run_pipeline(corpus, {"events.weight_embedding": 1.0}), "stories")
    no_veto = labels(run_pipeline(corpus, {"events.veto_gap_days": 10**9, "events.lookalike_gap_days": 10**9}), "events")

    thresholds = np.round(np.arange(0.02, 0.60, 0.01), 2)
    base_labels, base_t = baseline_labels(corpus, gold, thresholds)
    grid = np.round(np.arange(0.02, 0.21, 0.01), 2)
    folds = two_fold(corpus, gold_of, "events", grid) + two_fold(corpus, gold_of, "stories", grid)
    streamed, stream_s = streaming(corpus)
    stream_events = {a.id: a.event_id for a in streamed.articles}
    stream_story_of = {e.id: e.story_id for e in streamed.events}
    stream_pred = [stream_events[i] for i in ids]
    stream_story = [stream_story_of[stream_events[i]] for i in ids]
    fast = fast_path(corpus)
    fast_pred = [fast[i] for i in ids]
    lat = None if args.no_latency else latency(batch)

    cfg, scfg = ev.EventConfig(), stories.StoryConfig()
    same_gold_gap = date_gap_share(corpus, gold_of, cfg.veto_gap_days)
    lines = [
        "# Events and stories: news_cluster (383 real articles, 94 outlets)",
        "",
        "Command: `python benchmarks/cluster_bench.py`" + (" --raw" if args.raw else ""),
        f"Machine: {platform.machine()}, {os.cpu_count()} CPU cores shared with other jobs, Python {platform.python_version()}.",
        f"Input: {'raw text' if args.raw else f'clean + language + dedup stages first ({prep_s:.1f}s; {copies} copies found, they follow their original)'}.",
        "",
        ("Granularity note: storyweave *events* are single happenings (reports of days "
        f"{cfg.veto_gap_days}+ apart are vetoed, look-alike rounds kept apart); its *stories* link events "
        f"over weeks. `gold_event` here is coarser: {same_gold_gap:.0%} of its same-event article pairs are "
        f"{cfg.veto_gap_days}+ days apart (up to 4 years: 'panama_papers', 'north_Korea_hokkaido_missile' = "
        "several launches), i.e. story-level for its 'legacy' half. So stories are the level to compare "
        "with the baseline; events are shown too."),
        "",
        "## Against `gold_event` (one fixed configuration, defaults of EventConfig/StoryConfig)",
        "",
        "| method | pairwise P | pairwise R | pairwise F1 | B-cubed F1 | groups | gold events |",
        "|---|---|---|---|---|---|---|",
        row(f"**storyweave stories** (batch, events+stories {batch_s:.1f}s)", scores(story_pred, gold)),
        row("storyweave stories, streaming: date order in 10 batches", scores(stream_story, gold)),
        row("storyweave stories + static MiniLM view (events.weight_embedding=1, ablation)",
            scores(with_embedding, gold)),
        row("storyweave events (single happenings)", scores(pred, gold)),
        row(f"storyweave events, streaming: date order in 10 batches ({stream_s:.1f}s)", scores(stream_pred, gold)),
        row("storyweave events with the day/look-alike vetoes off (ablation)", scores(no_veto, gold)),
        row(f"baseline: TF-IDF + average linkage, threshold {base_t} tuned on the answers", scores(base_labels, gold)),
        "",
        ("Streaming vs batch events (same corpus; pairwise agreement, batch as reference): "
        f"F1 {pairwise(stream_pred, pred)[2]:.3f}. Fast path (`EventIndex`, one article at a time, "
        f"static MiniLM title+lead, cos ≥ {FAST_THRESHOLD}, ±{FAST_WINDOW} days) vs batch events: "
        f"F1 {pairwise(fast_pred, pred)[2]:.3f} ({len(set(fast_pred))} events vs {len(set(pred))}); "
        f"vs gold_event F1 {pairwise(fast_pred, gold)[2]:.3f}."),
        "",
        "## 2-fold check (gold events split in two halves, seed 7)",
        "",
        ("Threshold tuned on one half, scored on the other, beside the fixed defaults "
        f"(events.threshold {cfg.threshold}, stories.threshold {scfg.threshold})."),
        "",
        "| level | tuned on → scored on | tuned threshold | F1 tuned | B3 tuned | F1 fixed | B3 fixed |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in folds:
        lines.append(f"| {f['level']} | half {f['tune']} → half {f['test']} | {f['threshold']} | {f['tuned']['F1']:.3f} | "
                     f"{f['tuned']['B3']:.3f} | {f['fixed']['F1']:.3f} | {f['fixed']['B3']:.3f} |")
    lines += [
        "",
        "## Stories against `gold_topic`",
        "",
        "`gold_topic` has 2 labels ('unspecific' / 'legacy'): not a story partition; shown for completeness.",
        "",
        "| stories | pairwise P | pairwise R | pairwise F1 | B-cubed F1 | stories | gold topics |",
        "|---|---|---|---|---|---|---|",
        row("storyweave stories", scores(story_pred, [topic_of[i] for i in ids])),
        "",
        f"Streaming decisions logged in `corpus.changes`: {len(streamed.changes)} lines, e.g.:",
        "",
        *[f"    {c[:150]}" for c in streamed.changes if "merged" in c or "split" in c][:4],
        *[f"    {c[:150]}" for c in streamed.changes if "added" in c][:2],
    ]
    if lat:
        lines += [
            "",
            "## Add one article to a store of 100k (fast path)",
            "",
            (f"{lat['stored']} stored articles (corpus replicated with dates shifted back), {lat['events_indexed']} "
            f"event centroids, index built in {lat['build_s']:.1f}s. Per add (embed title+lead, date-window "
            f"filter, centroid cosine, update): **p50 {lat['p50_ms']:.2f} ms, p95 {lat['p95_ms']:.2f} ms**."),
        ]
    text = "\n".join(lines) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
