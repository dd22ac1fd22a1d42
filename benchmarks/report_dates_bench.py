"""How often a report date inferred from bare text is right, by what it rests on.

Every shared set whose reports carry a real publication date is written out as bare `.txt` files
(text only), read by storyweave's plain-text reader, cleaned (`clean_corpus`, which records the
removed lines) and clustered by the events stage (`cluster_events`), which dates them by its rule
(`report_date.fill_report_dates`), exactly as `storyweave run` does.  Each inferred `published` is compared with the real date (right: within
one day), grouped by `Article.inferred_from["published"]` ("dateline: ...", "date line: ..." from
the reader; "report_date: header / lead / body / caption / removed lines" from the rule).

news_cluster is where the rule was built and tuned; PolNeAR (dev and train) and TimeBank had never
been looked at for it ("held_out" in the output) until the twelfth session, whose body-date test
(`report_date._self_dated`) was written reading the errors of all four sets: since then no set is
strictly held out for that part (benchmarks/results/bare.md).  Also reported per set: of the reports whose
text writes their own date (with its year, within a day: `bare_bench.states_own_date`), how many
get it — the issue's row — and how many reports that do not write it get a wrong date; and the
events stage's shown event dates (events clustered in process from the cleaned reports) against
their members' real days (right: within the first day - 2 and the last + 1).

    STORYWEAVE_BENCH_DATA=../shared/benchmarks python benchmarks/report_dates_bench.py --out benchmarks/results/report_dates.json

A baseline tree runs the same way with `PYTHONPATH=<tree>/src` (e.g. `git archive <rev> src | tar -x -C <tree>`).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from bare_bench import states_own_date

from storyweave.config import Config
from storyweave.io.readers import read_paths
from storyweave.model import Corpus
from storyweave.stages.clean import clean_corpus
from storyweave.stages.events import cluster_events

SETS = {  # name: (file, not used to build the report-date rule before the twelfth session)
    "news_cluster": ("news_cluster/articles.jsonl", False),
    "polnear_dev": ("polnear/articles.jsonl", True),
    "polnear_train": ("polnear/train.jsonl", True),
    "timebank": ("timebank/articles.jsonl", True),
}


def kind_of(how: str) -> str:
    """The provenance's kind: the rule's key, or the reader's label ("dateline", "date line")."""
    return how.split(": ", 1)[1] if how.startswith("report_date: ") else how.split(":", 1)[0]


def measure(rows: list[dict], work: Path) -> dict:
    """Inferred dates of `rows` read as bare text: right / wrong per provenance kind, and the
    issue's row (reports writing their own date) with the wrong dates of the others."""
    for i, row in enumerate(rows):
        (work / f"{i:05d}.txt").write_text(row["text"], encoding="utf-8")
    articles, errors = read_paths([work])
    cfg = Config()
    clustered = cluster_events(clean_corpus(Corpus(articles=articles), cfg), cfg)  # dates them (fill_report_dates)
    articles, events = clustered.articles, clustered.events
    real = {f"{i:05d}": date.fromisoformat(row["published"][:10]) for i, row in enumerate(rows)}
    text = {f"{i:05d}": row["text"] for i, row in enumerate(rows)}
    by_kind: Counter[tuple[str, str]] = Counter()
    issue_row: Counter[str] = Counter()
    for article in articles:
        truth = real[article.id]
        states = states_own_date(text[article.id], truth)
        if not article.published_inferred or not article.published:
            issue_row["states, none" if states else "does not state, none"] += 1
            continue
        right = abs((date.fromisoformat(article.published[:10]) - truth).days) <= 1
        how = (article.metadata.get("inferred") or {}).get("published", "")  # `inferred_from`, in older trees too
        by_kind[(kind_of(how), "right" if right else "wrong")] += 1
        issue_row[("states, " if states else "does not state, ") + ("right" if right else "wrong")] += 1
    event_dates: Counter[str] = Counter()
    for event in events:  # right: within the members' first real day - 2 and last + 1 (bare.md "Tenth session")
        days = [real[i] for i in event.article_ids]
        shown = date.fromisoformat(event.date[:10]) if event.date else None
        event_dates["undated" if shown is None else "right" if min(days) - timedelta(days=2) <= shown <= max(days)
                    + timedelta(days=1) else "wrong"] += 1
    kinds = sorted({k for k, _ in by_kind})
    return {"reports": len(rows), "read_errors": len(errors),
            "by_source": {k: {"right": by_kind[(k, "right")], "wrong": by_kind[(k, "wrong")]} for k in kinds},
            "inferred": {"right": sum(v for (_, r), v in by_kind.items() if r == "right"),
                         "wrong": sum(v for (_, r), v in by_kind.items() if r == "wrong")},
            "issue_row": dict(sorted(issue_row.items())),
            "event_dates": {k: event_dates[k] for k in ("right", "wrong", "undated")}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=os.environ.get("STORYWEAVE_BENCH_DATA", "../shared/benchmarks"))
    ap.add_argument("--out", type=Path, help="write the figures as JSON here")
    args = ap.parse_args()
    results: dict = {}
    for name, (path, held_out) in SETS.items():
        rows = [json.loads(line) for line in open(Path(args.data) / path, encoding="utf-8")]
        rows = [r for r in rows if r.get("published") and r.get("text")]
        with tempfile.TemporaryDirectory() as tmp:
            results[name] = {"held_out": held_out, **measure(rows, Path(tmp))}
        r = results[name]
        print(f"{name:14s} held out {held_out!s:5s} reports {r['reports']:4d}  inferred right/wrong "
              f"{r['inferred']['right']}/{r['inferred']['wrong']}  by source "
              + ", ".join(f"{k} {v['right']}/{v['right'] + v['wrong']}" for k, v in r["by_source"].items())
              + f"  | {r['issue_row']}  | event dates (events stage) {r['event_dates']}", flush=True)
    if args.out:
        args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
