"""Event and story clustering benchmark on real news (news_cluster, 383 articles, 94 outlets).

    python benchmarks/cluster_bench.py [--raw] [--no-latency] [--out benchmarks/results/events.md]

Scored against `gold_event` (pairwise precision/recall/F1, B-cubed F1, group counts):
  * storyweave stories and events, ONE fixed configuration (EventConfig/StoryConfig defaults),
    batch and streamed (date order, 10 batches, stored ids + merge/split pass);
  * ablations: story weights tuned on this set alone, the static-embedding view, the follow-up
    rule off, the day/look-alike vetoes off;
  * whether examples/corpus still comes out exactly as its gold with each configuration;
  * baseline: TF-IDF + average linkage, threshold tuned on the answers (same run);
  * a 2-fold check per level: configuration tuned on one half of the gold events, scored on the
    other half, beside the fixed configuration;
  * the gold events the stories merge or split (largest first);
  * the fast path (`EventIndex`, one article at a time) against the batch events, and its
    add-one-article latency p50/p95 with 100k articles stored (corpus replicated, dates shifted).
`gold_event` is coarser than a single happening for its 'legacy' half (events spanning months
or years), so stories are the level comparable with it; see the note in the output.  Stories
are also scored against `gold_topic` (2 labels).  The articles pass the clean + language +
dedup stages first (copies join their original's event) unless --raw.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import sys
import time
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

from storyweave.config import Config
from storyweave.model import Article, Corpus
from storyweave.nlp import represent
from storyweave.stages import events as ev
from storyweave.stages import stories
from storyweave.stages.events.event_index import EventIndex
from storyweave.stages.events.linkage import agglomerate

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
    both = Counter(zip(pred, gold, strict=False))
    tp, p_pairs, g_pairs = pairs(both.values()), pairs(Counter(pred).values()), pairs(Counter(gold).values())
    precision = tp / p_pairs if p_pairs else 1.0
    recall = tp / g_pairs if g_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def pair_counts(pred: list, gold: list) -> tuple[int, int, int]:
    """Right, wrong and missed same-group pairs."""
    tp = pairs(Counter(zip(pred, gold, strict=False)).values())
    return tp, pairs(Counter(pred).values()) - tp, pairs(Counter(gold).values()) - tp


def bcubed(pred: list, gold: list) -> float:
    both = Counter(zip(pred, gold, strict=False))
    p_size, g_size = Counter(pred), Counter(gold)
    precision = sum(both[(p, g)] / p_size[p] for p, g in zip(pred, gold, strict=False)) / len(pred)
    recall = sum(both[(p, g)] / g_size[g] for p, g in zip(pred, gold, strict=False)) / len(pred)
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
                corpus = stage.fn(corpus, Config())
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
        labels = agglomerate(sim, float(t))
        f = pairwise(labels, gold)[2]
        if f > best[0]:
            best = (f, labels, float(t))
    return best[1], best[2]


def two_fold(corpus: Corpus, gold_of: dict[str, str], level: str, grid: list[dict]) -> list[dict]:
    """Tune `level` ("events" or "stories") over `grid` (settings overrides) on one half of the
    gold events, score the other half; beside it the fixed configuration on the same half.
    Stories reuse one events run per half (the story knobs do not change events)."""
    events = sorted(set(gold_of.values()))
    order = np.random.default_rng(7).permutation(len(events))
    half = {events[i]: k % 2 for k, i in enumerate(order)}
    folds = [[a.id for a in corpus.articles if half[gold_of[a.id]] == k] for k in (0, 1)]

    def predict(part: Corpus, extra: dict) -> list[str]:
        if level == "events":
            return labels(run_pipeline(part, extra), level)
        return labels(stories.link_stories(copy.deepcopy(part), Config().with_values(extra)), level)

    rows = []
    for tune, test in ((0, 1), (1, 0)):
        tune_corpus, test_corpus = fresh(corpus, folds[tune]), fresh(corpus, folds[test])
        if level == "stories":
            tune_corpus, test_corpus = (ev.cluster_events(c, Config()) for c in (tune_corpus, test_corpus))
        tune_gold = [gold_of[a.id] for a in tune_corpus.articles]
        tuned = max(grid, key=lambda g: pairwise(predict(tune_corpus, g), tune_gold)[2])
        test_gold = [gold_of[a.id] for a in test_corpus.articles]
        rows.append({"level": level, "tune": tune, "test": test, "tuned_config": tuned,
                     "tuned": scores(predict(test_corpus, tuned), test_gold),
                     "fixed": scores(predict(test_corpus, {}), test_gold)})
    return rows


def example_corpus_exact(extra: dict) -> str:
    """Whether events and stories of examples/corpus come out exactly as its gold."""
    from storyweave.io.readers import read_paths

    folder = ROOT / "examples" / "corpus"
    gold = json.loads((folder / "gold.json").read_text())
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name not in {"gold.json", "README.md"})
    corpus = run_pipeline(preprocess(Corpus(articles=read_paths(files)[0])), extra)

    def partition(key: str, plural: str, label_of: dict[str, str]) -> bool:
        got = {frozenset(i for i in gold["articles"] if label_of[i] == x) for x in set(label_of.values())}
        want = {frozenset(i for i, g in gold["articles"].items() if g[key] == x) for x in gold[plural]}
        return got - {frozenset()} == want

    event_of = {a.id: a.event_id for a in corpus.articles}
    story_of = {e.id: e.story_id for e in corpus.events}
    ok_events = partition("event", "events", event_of)
    ok_stories = partition("story", "stories", {i: story_of[e] for i, e in event_of.items()})
    return f"events {'exact' if ok_events else 'WRONG'}, stories {'exact' if ok_stories else 'WRONG'}"


def confusions(pred: list, gold: list, top: int = 10) -> tuple[list[str], list[str]]:
    """Gold events merged into one predicted group (wrong pairs) and gold events split (missed
    pairs), largest first."""
    both = Counter(zip(pred, gold, strict=False))
    merged: list[tuple[int, str]] = []
    by_pred: dict = defaultdict(list)
    for (p, g), n in both.items():
        by_pred[p].append((n, g))
    for members in by_pred.values():
        members.sort(reverse=True)
        for (n1, g1), (n2, g2) in ((a, b) for k, a in enumerate(members) for b in members[k + 1:]):
            merged.append((n1 * n2, f"{n1 * n2} wrong pairs: `{g1}` ({n1}) + `{g2}` ({n2})"))
    split: list[tuple[int, str]] = []
    by_gold: dict = defaultdict(list)
    for (_, g), n in both.items():
        by_gold[g].append(n)
    for g, sizes in by_gold.items():
        if len(sizes) > 1:
            missed = pairs([sum(sizes)]) - pairs(sizes)
            split.append((missed, f"{missed} missed pairs: `{g}` in {len(sizes)} groups of {sorted(sizes, reverse=True)}"))
    return [t for _, t in sorted(merged, reverse=True)[:top]], [t for _, t in sorted(split, reverse=True)[:top]]


def run_pipeline(corpus: Corpus, extra: dict | None = None) -> Corpus:
    """events + stories stages on a fresh copy of `corpus`."""
    settings = Config().with_values(extra or {})
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
        batch = stories.link_stories(ev.cluster_events(batch, Config()), Config())
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


# Story weights tuned on news_cluster alone (ablation): title as heavy as body, no key-name bonus.
# They merge fewer gold events here but split the example corpus's war story (see the report).
NEWS_ONLY = {"stories.weight_title": 1.0, "stories.weight_key_entities": 0.0, "stories.threshold": 0.095}

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
    news_only = labels(run_pipeline(corpus, NEWS_ONLY), "stories")
    no_veto = labels(run_pipeline(corpus, {"events.veto_gap_days": 10**9, "events.lookalike_gap_days": 10**9}), "events")
    no_follow_up = labels(run_pipeline(corpus, {"events.follow_up_similarity": 1.0}), "events")
    example_fixed, example_news_only = example_corpus_exact({}), example_corpus_exact(NEWS_ONLY)

    thresholds = np.round(np.arange(0.02, 0.60, 0.01), 2)
    base_labels, base_t = baseline_labels(corpus, gold, thresholds)
    event_grid = [{"events.threshold": float(t)} for t in np.round(np.arange(0.05, 0.205, 0.01), 3)]
    story_grid = [
        {"stories.threshold": float(t), "stories.weight_title": w, "stories.weight_key_entities": k}
        for t in np.round(np.arange(0.07, 0.1301, 0.0025), 4) for w in (0.25, 1.0) for k in (0.0, 0.1)
    ]
    folds = two_fold(corpus, gold_of, "events", event_grid) + two_fold(corpus, gold_of, "stories", story_grid)
    for f in folds:
        f["example"] = example_corpus_exact(f["tuned_config"])
    merged, split = confusions(story_pred, gold)
    fixed_s, news_s = scores(story_pred, gold), scores(news_only, gold)
    tp, fp, fn = pair_counts(story_pred, gold)
    _, news_fp, news_fn = pair_counts(news_only, gold)
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
        ("**Which level matches `gold_event`: stories.** storyweave *events* are single happenings "
        f"(reports whose days lie {cfg.veto_gap_days}+ apart are vetoed, look-alike rounds kept apart); its "
        "*stories* link events over weeks. `gold_event` is coarser than a happening: "
        f"{same_gold_gap:.0%} of its same-event article pairs are {cfg.veto_gap_days}+ days apart (up to 4 "
        "years: 'panama_papers', 'north_Korea_hokkaido_missile' = several launches and their aftermath), so "
        "events can reach its precision but not its recall, by design. Stories are the level compared with the "
        "baseline. `gold_event` is still finer than a story in places (it keeps apart e.g. the Tesla-Roadster "
        "announcement and the Falcon Heavy launch that carried it, or the 2016 Cologne assaults and the 2017 "
        "Berlin safe zone they prompted), see the error list below."),
        "",
        "## Against `gold_event` (one fixed configuration, defaults of EventConfig/StoryConfig)",
        "",
        "| method | pairwise P | pairwise R | pairwise F1 | B-cubed F1 | groups | gold events |",
        "|---|---|---|---|---|---|---|",
        row(f"**storyweave stories** (batch, events+stories {batch_s:.1f}s)", scores(story_pred, gold)),
        row("storyweave stories, streaming: date order in 10 batches", scores(stream_story, gold)),
        row("storyweave events (single happenings)", scores(pred, gold)),
        row(f"storyweave events, streaming: date order in 10 batches ({stream_s:.1f}s)", scores(stream_pred, gold)),
        row(f"baseline: TF-IDF + average linkage, threshold {base_t} tuned on the answers", scores(base_labels, gold)),
        row("ablation: stories with story weights tuned on this set alone (title weight 1, no key-name "
            "bonus, threshold 0.095)", scores(news_only, gold)),
        row("ablation: stories + static MiniLM view in the event similarity (events.weight_embedding=1)",
            scores(with_embedding, gold)),
        row("ablation: events without the follow-up rule (every 3+ day gap vetoed unless near-copies)",
            scores(no_follow_up, gold)),
        row("ablation: events with the day/look-alike vetoes off", scores(no_veto, gold)),
        "",
        (f"Example corpus (`examples/corpus`, 9 events in 3 stories) with the fixed configuration: {example_fixed}; "
        f"with the 'tuned on this set alone' story weights: {example_news_only}."),
        "",
        ("Streaming vs batch (same corpus; pairwise agreement, batch as reference): events "
        f"F1 {pairwise(stream_pred, pred)[2]:.3f}, stories F1 {pairwise(stream_story, story_pred)[2]:.3f}. "
        f"Fast path (`EventIndex`, one article at a time, "
        f"static MiniLM title+lead, cos ≥ {FAST_THRESHOLD}, ±{FAST_WINDOW} days) vs batch events: "
        f"F1 {pairwise(fast_pred, pred)[2]:.3f} ({len(set(fast_pred))} events vs {len(set(pred))}); "
        f"vs gold_event F1 {pairwise(fast_pred, gold)[2]:.3f}."),
        "",
        "## 2-fold check (gold events split in two halves, seed 7)",
        "",
        ("Configuration tuned on one half (events: threshold; stories: threshold x title weight {0.25, 1} x "
        "key-name bonus {0, 0.1}), scored on the other half, beside the fixed defaults on the same half "
        f"(events.threshold {cfg.threshold}; stories.threshold {scfg.threshold}, title weight "
        f"{scfg.weight_title}, key-name bonus {scfg.weight_key_entities}). The last column says whether the "
        "tuned configuration keeps the example corpus exact. The defaults were chosen on the whole set under "
        "the example-corpus constraint, so 'F1 fixed' is not a clean hold-out figure; what the table shows is "
        "that tuning on one half does not beat them on the other (a half-tuned threshold can sit on a cliff)."),
        "",
        "| level | tuned on → scored on | tuned configuration | F1 tuned | B3 tuned | F1 fixed | B3 fixed | example corpus with tuned |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for f in folds:
        tuned = ", ".join(f"{k.split('.', 1)[1]}={v:g}" for k, v in f["tuned_config"].items())
        lines.append(f"| {f['level']} | half {f['tune']} → half {f['test']} | {tuned} | {f['tuned']['F1']:.3f} | "
                     f"{f['tuned']['B3']:.3f} | {f['fixed']['F1']:.3f} | {f['fixed']['B3']:.3f} | {f['example']} |")
    lines += [
        "",
        "## Where the stories differ from `gold_event` (fixed configuration, batch)",
        "",
        "Gold events merged into one story:",
        "",
        *[f"- {m}" for m in merged],
        "",
        "Gold events split over several stories:",
        "",
        *[f"- {m}" for m in split],
        "",
        "## How far from the 0.96 target, and why",
        "",
        (f"Fixed configuration: stories pairwise F1 {fixed_s['F1']:.3f}, {0.96 - fixed_s['F1']:.3f} short of 0.96 "
        f"({tp} right pairs, {fp} wrong, {fn} missed; before this round of work, at commit 7af8242: stories "
        "F1 0.912 with P 0.881 / R 0.944, events F1 0.708 with P 0.947 / R 0.566). Story weights tuned on this set alone reach "
        f"{news_s['F1']:.3f} (wrong pairs {news_fp}, missed {news_fn}) but then the example corpus's war story "
        "splits: its refugee-figures event shares no headline words with the talks and the prisoner exchange, "
        "only the war's names and body vocabulary. The same kind of link, names and words of the same weeks, "
        "is what joins gold events here that `gold_event` keeps apart (Israel/West Bank: a teenager's "
        "indictment and settlement funding; Erie, Pa.: a $284 billion electric bill and a snowfall record), "
        "so no weighting found keeps the example exact and removes those merges: the fixed configuration "
        "keeps the example exact (body-led story similarity, title weight 0.25, key-name bonus fading over "
        "a week)."),
        "",
        ("Merges that remain are stories in the newsroom sense that `gold_event` cuts finer: the Tesla Roadster "
        "announcement and the Falcon Heavy launch that carried it (texts on both sides name the car, the "
        "rocket and Mars; the largest single error), the 2016 Cologne assaults and the 2017 Berlin safe zone "
        "they prompted, two NFL head coaches leaving around New Year. Splits are mostly reports whose text is "
        "not the gold event's news: a March 2017 United 'leggings' story labelled with the Chrissy Teigen "
        "flight, a Paradise Papers (Appleby) report under panama_papers, an NPR search-results page under the "
        "Costa Rica crash, 'ABC News'/'World news - RT' site pages under the Angola satellite, a show blurb "
        "naming Equifax once. Ids, titles or dates of this set are nowhere in the code."),
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
