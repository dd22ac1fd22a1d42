"""Analysis stage on the example corpus gold: entity alias pairs, quote attribution and
cross-outlet matching, discrepancy recall, date resolution; plus its speed on news_cluster.

Upstream stages are replaced by gold (events, duplicates) unless --pipeline is given, so the
figures measure this stage alone.  Each metric has a simple baseline measured in the same run.

    python benchmarks/analysis_eval.py [--pipeline] [--speed] [--out benchmarks/results/analysis.md]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from rapidfuzz import fuzz
from unidecode import unidecode

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))  # run from a checkout without installing

from storyweave.config import Config
from storyweave.io.readers import read_paths
from storyweave.model import Corpus, Event
from storyweave.nlp.dates import article_anchor
from storyweave.nlp.text import split_sentences
from storyweave.stages import clean, language
from storyweave.stages.analysis import analyze_events, article_dates
from storyweave.stages.analysis.numbers import extract_quantities

ROOT = Path(__file__).resolve().parents[1]

CORPUS = ROOT / "examples" / "corpus"


def norm(s: str) -> str:
    return " ".join(re.findall(r"\w+", unidecode(s).lower()))


def load_corpus(pipeline: bool) -> tuple[Corpus, dict]:
    gold = json.loads((CORPUS / "gold.json").read_text())
    articles, errors = read_paths([CORPUS])
    corpus = Corpus(articles=articles, errors=errors)
    settings = Config()
    corpus = clean.clean_corpus(corpus, settings)
    corpus = language.detect_languages(corpus, settings)
    if pipeline:
        from storyweave.stages import dedup, events, stories

        for stage in (dedup.find_duplicates, events.cluster_events, stories.link_stories):
            corpus = stage(corpus, settings)
        return corpus, gold
    by_event: dict[str, list[str]] = defaultdict(list)
    for a in corpus.articles:
        g = gold["articles"].get(a.id)
        if g:
            a.duplicate_of, a.duplicate_kind = g["duplicate_of"], g["duplicate_kind"]
            by_event[g["event"]].append(a.id)
    corpus.events = [Event(id=e, article_ids=ids, story_id=gold["events"][e]["story"]) for e, ids in sorted(by_event.items())]
    return corpus, gold


# ---- entities ------------------------------------------------------------------------------

def pairs_of(groups: list[list[str]]) -> set[frozenset]:
    return {frozenset(p) for g in groups for p in itertools.combinations(sorted({norm(x) for x in g}), 2)}


def eval_entities(corpus: Corpus, gold: dict) -> dict:
    gold_groups = [e["aliases"] for e in gold["entities"]]
    known = {norm(a) for g in gold_groups for a in g}
    gp = pairs_of(gold_groups)
    by_name: dict[str, set[str]] = defaultdict(set)  # one canonical name = one entity across events
    for ev in corpus.events:
        for e in ev.entities:
            by_name[e.name] |= {e.name, *e.aliases}
    pred = pairs_of([sorted(g) for g in by_name.values()])
    pred = {p for p in pred if p <= known}
    # baseline: one entity per distinct lower-cased, accent-free spelling (no merging at all)
    tp = len(pred & gp)
    seen = {norm(a) for ev in corpus.events for e in ev.entities for a in e.aliases}
    # baseline: every form seen grouped by its last word (lower-cased, accents stripped)
    by_last: dict[str, set[str]] = defaultdict(set)
    for form in seen:
        if form:
            by_last[form.split()[-1]].add(form)
    base = {p for p in pairs_of([sorted(g) for g in by_last.values()]) if p <= known}
    base_tp = len(base & gp)
    return {"precision": tp / len(pred) if pred else 1.0, "recall": tp / len(gp) if gp else 1.0,
            "pairs_gold": len(gp), "pairs_pred": len(pred), "aliases_seen": len(known & seen) / len(known),
            "baseline_precision": base_tp / len(base) if base else 1.0, "baseline_recall": base_tp / len(gp), "missed": sorted(tuple(sorted(p)) for p in gp - pred)[:8],
            "wrong": sorted(tuple(sorted(p)) for p in pred - gp)[:8]}


# ---- quotes --------------------------------------------------------------------------------

def _variant_hit(variant: str, texts: list[str]) -> bool:
    v = norm(variant)
    return any(v == norm(t) or (len(v) > 20 and (v in norm(t) or norm(t) in v)) or fuzz.ratio(v, norm(t)) >= 90
               for t in texts)


def _speaker_ok(pred: str | None, gold_speaker: str, gold: dict) -> bool:
    if not pred:
        return False
    group = next((e["aliases"] for e in gold["entities"] if e["canonical"] == gold_speaker), [gold_speaker])
    return norm(pred) in {norm(a) for a in group}


def eval_quotes(corpus: Corpus, gold: dict) -> dict:
    quotes = [q for ev in corpus.events for q in ev.quotes]
    found = attributed = pairs = pairs_ok = 0
    ids_hit = ids_all = 0
    for gq in gold["quotes"]:
        holders = []
        for v in gq["variants"]:
            hit = next((q for q in quotes if _variant_hit(v, q.variants)), None)
            holders.append(hit)
            if hit is not None:
                found += 1
                attributed += _speaker_ok(hit.speaker, gq["speaker"], gold)
        for a, b in itertools.combinations(holders, 2):
            pairs += 1
            pairs_ok += a is not None and a is b
        best = max((h for h in holders if h), key=lambda q: len(q.article_ids), default=None)
        ids_all += len(gq["article_ids"])
        ids_hit += len(set(gq["article_ids"]) & set(best.article_ids)) if best else 0
    n = sum(len(q["variants"]) for q in gold["quotes"])
    return {"variants": n, "found": found / n, "attribution": attributed / max(found, 1),
            "matching": pairs_ok / max(pairs, 1), "article_recall": ids_hit / max(ids_all, 1),
            "baseline_matching": _baseline_matching(quotes, gold)}


def _baseline_matching(quotes, gold: dict) -> float:
    """Exact (normalised) text equality as the only way two variants become one statement."""
    ok = total = 0
    for gq in gold["quotes"]:
        for a, b in itertools.combinations(gq["variants"], 2):
            total += 1
            ok += norm(a) == norm(b)
    return ok / max(total, 1)


# ---- discrepancies -------------------------------------------------------------------------

def eval_discrepancies(corpus: Corpus, gold: dict) -> dict:
    pred = [(ev.id, d) for ev in corpus.events for d in ev.discrepancies]
    hits, matched = 0, set()
    for gd in gold["discrepancies"]:
        want = {norm(v) for v in gd["values"]}
        for i, (_, d) in enumerate(pred):
            if want <= {norm(v.value) for v in d.values}:
                hits += 1
                matched.add(i)
                break
    extra = [f"{eid}: {d.subject} = {[v.value for v in d.values]}" for i, (eid, d) in enumerate(pred) if i not in matched]
    return {"gold": len(gold["discrepancies"]), "recall": hits / max(len(gold["discrepancies"]), 1),
            "predicted": len(pred), "unmatched_predictions": extra,
            **_baseline_discrepancies(corpus, gold)}


def _baseline_discrepancies(corpus: Corpus, gold: dict) -> dict:
    """Any two different values counting the same noun lemma in an event's originals."""
    by_id = corpus.by_id()
    n = rec = 0
    for ev in corpus.events:
        by_lemma: dict[str, set[str]] = defaultdict(set)
        for i in ev.article_ids:
            a = by_id.get(i)
            if a is None or a.duplicate_of:
                continue
            for s in split_sentences(a.text):
                for q in extract_quantities(s.text):
                    if q.lemma:
                        by_lemma[q.lemma].add(norm(q.text))
        groups = [vals for vals in by_lemma.values() if len(vals) > 1]
        n += len(groups)
        for gd in gold["discrepancies"]:
            if any({norm(v) for v in gd["values"]} <= vals for vals in groups):
                rec += 1
    return {"baseline_recall": rec / max(len(gold["discrepancies"]), 1), "baseline_predicted": n}


# ---- dates ---------------------------------------------------------------------------------

def eval_dates(corpus: Corpus, gold: dict, settings: Config) -> dict:
    import dateparser

    mentions = article_dates(corpus, settings)
    by_id = corpus.by_id()
    ok = base_ok = 0
    wrong = []
    for gd in gold["dates"]:
        ms = [m for m in mentions.get(gd["article_id"], []) if m.phrase.lower().endswith(gd["phrase"].lower())
              or gd["phrase"].lower() in m.phrase.lower()]
        got = ms[0].date if ms else None
        ok += got == gd["date"]
        if got != gd["date"]:
            wrong.append(f"{gd['article_id']} '{gd['phrase']}': {got} (gold {gd['date']})")
        a = by_id.get(gd["article_id"])
        anchor = article_anchor(a.text, a.published) if a else None
        if anchor:  # baseline: dateparser with the article's own anchor, past preferred
            from datetime import datetime

            d = dateparser.parse(gd["phrase"], settings={"RELATIVE_BASE": datetime(anchor.year, anchor.month, anchor.day),
                                                         "PREFER_DATES_FROM": "past"})
            base_ok += bool(d and d.date().isoformat() == gd["date"])
    ev_ok = 0
    for ev in corpus.events:  # predicted event -> the gold event most of its articles belong to
        votes = Counter(gold["articles"][i]["event"] for i in ev.article_ids if i in gold["articles"])
        gold_event = votes.most_common(1)[0][0] if votes else None
        ev_ok += gold_event is not None and ev.date == gold["events"][gold_event]["date"]
    return {"gold": len(gold["dates"]), "accuracy": ok / len(gold["dates"]),
            "baseline_accuracy": base_ok / len(gold["dates"]), "wrong": wrong,
            "event_date_accuracy": ev_ok / max(len(corpus.events), 1)}


# ---- speed ---------------------------------------------------------------------------------

def speed() -> dict | None:
    from storyweave.model import Article, to_dict

    base = Path(os.environ.get("STORYWEAVE_BENCH_DATA", ROOT.parent / "shared" / "benchmarks"))
    path = base / "news_cluster" / "articles.jsonl"
    if not path.exists():
        print(f"skip speed: {path} not found")
        return None
    rows = [json.loads(line) for line in path.open()]
    arts = [Article(id=r["id"], text=r["text"], source=r["source"], published=r["published"]) for r in rows]
    groups: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        groups[str(r["gold_event"])].append(r["id"])
    corpus = Corpus(articles=arts, events=[Event(id=k, article_ids=v) for k, v in groups.items()])
    t, cpu = time.time(), time.process_time()
    corpus = analyze_events(corpus, Config())
    secs, cpu_secs = time.time() - t, time.process_time() - cpu
    # the same events again with the cache the first pass left in the corpus (what an unchanged
    # re-run or the unchanged events of a streaming batch cost)
    again = Corpus(articles=arts, events=[Event(id=k, article_ids=v) for k, v in groups.items()], cache=corpus.cache)
    t, cpu = time.time(), time.process_time()
    again = analyze_events(again, Config())
    re_secs, re_cpu = time.time() - t, time.process_time() - cpu
    same = [to_dict(e) for e in again.events] == [to_dict(e) for e in corpus.events]
    return {"articles": len(arts), "events": len(groups), "seconds": secs, "cpu_seconds": cpu_secs,
            "cached_seconds": re_secs, "cached_cpu_seconds": re_cpu, "cached_identical": same,
            "quotes": sum(len(e.quotes) for e in corpus.events),
            "discrepancies": sum(len(e.discrepancies) for e in corpus.events),
            "timeline_entries": sum(len(e.timeline) for e in corpus.events)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pipeline", action="store_true", help="use the real dedup/events/stories stages, not gold")
    ap.add_argument("--speed", action="store_true", help="also time the stage on the 383-article news_cluster set")
    ap.add_argument("--out", help="write a markdown table here")
    args = ap.parse_args()
    settings = Config()
    corpus, gold = load_corpus(args.pipeline)
    t = time.time()
    corpus = analyze_events(corpus, settings)
    secs = time.time() - t
    res = {"entities": eval_entities(corpus, gold), "quotes": eval_quotes(corpus, gold),
           "discrepancies": eval_discrepancies(corpus, gold), "dates": eval_dates(corpus, gold, settings),
           "seconds": secs}
    if args.speed:
        res["speed"] = speed()
    print(json.dumps(res, indent=1))
    if args.out:
        Path(args.out).write_text(render(res, args))


def render(res: dict, args) -> str:
    e, q, d, t = res["entities"], res["quotes"], res["discrepancies"], res["dates"]
    upstream = "real dedup/events/stories stages" if args.pipeline else "gold events and duplicates (stage measured alone)"
    lines = [
        "# Analysis stage (entities, quotes, discrepancies, dates)", "",
        f"Example corpus gold (`examples/corpus/gold.json`), upstream: {upstream}.", "",
        "| metric | storyweave | baseline | baseline is |", "|---|---|---|---|",
        f"| entity alias pairs precision | {e['precision']:.2f} | {e['baseline_precision']:.2f} | forms grouped by last word |",
        f"| entity alias pairs recall ({e['pairs_gold']} gold pairs) | {e['recall']:.2f} | {e['baseline_recall']:.2f} | forms grouped by last word |",
        f"| gold aliases seen as entity forms | {e['aliases_seen']:.2f} | | |",
        f"| quote variants found ({q['variants']}) | {q['found']:.2f} | | |",
        f"| quote attribution accuracy (of found) | {q['attribution']:.2f} | | |",
        f"| cross-outlet quote matching (variant pairs in one Quote) | {q['matching']:.2f} | {q['baseline_matching']:.2f} | identical text only |",
        f"| quote article_ids recall | {q['article_recall']:.2f} | | |",
        f"| discrepancy recall ({d['gold']} gold) | {d['recall']:.2f} | {d['baseline_recall']:.2f} | same noun, any two values |",
        f"| discrepancies reported (gold has {d['gold']}) | {d['predicted']} | {d['baseline_predicted']} | same noun, any two values |",
        f"| date resolution accuracy ({t['gold']} gold phrases) | {t['accuracy']:.2f} | {t['baseline_accuracy']:.2f} | dateparser, article anchor, past preferred |",
        f"| event date accuracy | {t['event_date_accuracy']:.2f} | | |",
        f"| stage time, example corpus | {res['seconds']:.1f} s | | |",
    ]
    sp = res.get("speed")
    if sp:
        lines.append(f"| stage time, news_cluster ({sp['articles']} articles, {sp['events']} events) | "
                     f"{sp['seconds']:.1f} s wall, {sp['cpu_seconds']:.1f} s CPU | | |")
        lines.append(f"| same, re-run with the cache of parses and event analyses | {sp['cached_seconds']:.1f} s wall, "
                     f"{sp['cached_cpu_seconds']:.1f} s CPU (output identical: {sp['cached_identical']}) | | |")
        lines.append(f"| news_cluster output | {sp['quotes']} quotes, {sp['discrepancies']} discrepancies, "
                     f"{sp['timeline_entries']} timeline entries | | |")
    lines += ["", "Discrepancies reported beyond gold: " + ("; ".join(d["unmatched_predictions"]) or "none"),
              "", "Dates wrong: " + ("; ".join(t["wrong"]) or "none"), "",
              (f"Command: `python benchmarks/analysis_eval.py{' --pipeline' if args.pipeline else ''}"
               f"{' --speed' if args.speed else ''} --out benchmarks/results/analysis.md`"), "",
              (f"Machine: {platform.machine()}, {os.cpu_count()} cores shared with other jobs, "
               f"Python {platform.python_version()}, spaCy en_core_web_sm (recogniser only, no tok2vec/tagger/parser). "
               "Wall times vary with the other jobs on the machine."), "", NOTES]
    return "\n".join(lines)


NOTES = """## Notes (hand checks, written by the stage owner; re-check after changing the rules)

- The example gold is small (14 alias pairs, 2 quotes with 6 variants, 2 discrepancies, 41 date
  phrases) and the rules were developed while looking at it: its figures are optimistic.
- With the real upstream stages (`--pipeline`) the example-corpus figures were the same in our run.
- news_cluster has no gold for this stage. Hand check of the discrepancies it reports (6): 4 real
  disagreements between outlets (Nice 60 vs 84 killed, Mazar-i-Sharif 30 vs 32 civilians, Rhine boat
  25 vs 27 injured, Croydon 40 vs more than 50 injured), 2 not contradictions (Panama Papers 128
  "other politicians" vs 140 in total; Qualcomm's $38 billion bid raised to $47 billion, flagged with
  a different-dates note). Before the precision rules (measures and scores, counts under 10, a 3-day
  window, complete linkage, bound-consistent values) the same run reported 48.
- Hand check of quote attribution on 25 random news_cluster quotes: 16 attributed, 15 of them to the
  right speaker (one 'she added' given to an organisation); 9 left without speaker (unnamed or
  missed by NER).
"""


if __name__ == "__main__":
    main()
