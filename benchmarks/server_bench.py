"""Server under load (issue 12, server row): a store of 10,000 articles, an open-loop load
generator on loopback, GET one event / one article / a page of 50 events, with an ingest running.

    python benchmarks/server_bench.py build --work /tmp/sw-bench          # base store + fill to 10,000
    python benchmarks/server_bench.py load  --work /tmp/sw-bench --rate 200 --seconds 30 --ingest cli
    python benchmarks/server_bench.py old   --work /tmp/sw-bench          # baseline: the previous server

`build`: every shared set as distinct articles (news_cluster, Multi-News documents, PolNeAR dev +
train, TimeBank) run through `storyweave add` into a fresh store; then the stored results are
copied with shifted ids (`~k` suffix) and dates (+k×400 days) until the store holds `--articles`
articles. The copies are made in SQL/JSON (articles, duplicate links, events, stories, FTS rows)
rather than by re-running the pipeline: the server only reads, so what matters is the size and
shape of the stored rows, which the copies keep.

`load`: starts `storyweave serve` on 127.0.0.1 only, sends requests at a fixed rate (open loop:
request i is due at i/rate seconds; latency is measured from that due time, so queueing counts)
with a bounded total (rate × seconds) and a bounded number in flight; an ingest runs meanwhile
(`cli`: a `storyweave add` process on the same store; `api`: POSTed to the server, whose one
worker thread runs the pipeline inside the server process; `none`). Prints and writes
`benchmarks/results/server.md`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "benchmarks"
LOOPBACK = "127.0.0.1"  # never any other address


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    return env


# ------------------------------------------------------------------------------------------- build


def shared_articles() -> list[dict]:
    """All shared sets as distinct articles (ids prefixed by set)."""
    out: list[dict] = []
    keep = ("id", "url", "source", "title", "published", "text")

    def jsonl(path: Path):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield json.loads(line)

    for name, path in (("nc", SHARED / "news_cluster/articles.jsonl"), ("pn", SHARED / "polnear/articles.jsonl"),
                       ("pt", SHARED / "polnear/train.jsonl"), ("tb", SHARED / "timebank/articles.jsonl")):
        for row in jsonl(path):
            out.append({k: row[k] for k in keep if row.get(k)} | {"id": f"{name}-{row['id']}"})
    for cluster in jsonl(SHARED / "multinews_dev/clusters.jsonl"):
        for i, text in enumerate(cluster["documents"]):
            if text.strip():
                out.append({"id": f"mn-{cluster['id']}-{i}", "text": text})
    return out


def _shift_date(value: str | None, days: int) -> str | None:
    if not value or not re.match(r"^\d{4}-\d{2}-\d{2}", value):
        return value
    try:
        shifted = date.fromisoformat(value[:10]) + timedelta(days=days)
    except ValueError:
        return value
    return shifted.isoformat() + value[10:]


def _rename(obj, ids: set[str], suffix: str, days: int):
    """Every string equal to a known id gets the suffix; date-like `date` fields are shifted."""
    if isinstance(obj, dict):
        return {k: (_shift_date(v, days) if k in ("date", "published") and isinstance(v, str)
                    else _rename(v, ids, suffix, days)) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_rename(v, ids, suffix, days) for v in obj]
    if isinstance(obj, str) and obj in ids:
        return obj + suffix
    return obj


def fill(db: Path, target: int) -> int:
    """Copy the stored rows with shifted ids/dates until the store holds `target` articles."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    base_articles = conn.execute("SELECT * FROM articles").fetchall()
    base_links = conn.execute("SELECT * FROM duplicate_links").fetchall()
    base_events = conn.execute("SELECT * FROM events").fetchall()
    base_stories = conn.execute("SELECT * FROM stories").fetchall()
    ids = {r["id"] for r in base_articles} | {r["id"] for r in base_events} | {r["id"] for r in base_stories}
    n = len(base_articles)
    copy = 0
    columns = base_articles[0].keys()
    with conn:
        while n < target:
            copy += 1
            suffix, days = f"~{copy}", 400 * copy
            for r in base_articles[: target - n]:
                row = dict(r)
                row["id"] += suffix
                for key in ("event_id", "duplicate_of"):
                    row[key] = row[key] + suffix if row[key] else row[key]
                row["shares_wire_with"] = json.dumps([i + suffix for i in json.loads(row["shares_wire_with"])])
                row["published"] = _shift_date(row["published"], days)
                conn.execute(f"INSERT INTO articles({','.join(columns)}) VALUES ({','.join('?' * len(columns))})",
                             [row[c] for c in columns])
                conn.execute("INSERT INTO articles_fts(id, title, text) VALUES (?,?,?)",
                             (row["id"], row["title"] or "", row["text"]))
                n += 1
            for r in base_links:
                data = _rename(json.loads(r["data"]), ids, suffix, days)
                conn.execute("INSERT OR IGNORE INTO duplicate_links(copy, original, kind, data) VALUES (?,?,?,?)",
                             (r["copy"] + suffix, r["original"] + suffix, r["kind"], json.dumps(data)))
            for r in base_events:
                data = _rename(json.loads(r["data"]), ids, suffix, days)
                conn.execute("INSERT INTO events(id, story_id, date, data) VALUES (?,?,?,?)",
                             (data["id"], data.get("story_id"), data.get("date"), json.dumps(data)))
            for r in base_stories:
                data = _rename(json.loads(r["data"]), ids, suffix, days)
                conn.execute("INSERT INTO stories(id, data) VALUES (?,?)", (data["id"], json.dumps(data)))
    counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("articles", "events", "stories")}
    conn.close()
    print(f"filled {db}: {counts} ({copy} shifted copies)", file=sys.stderr)
    return n


def build(work: Path, target: int, limit: int | None) -> None:
    work.mkdir(parents=True, exist_ok=True)
    rows = shared_articles()[:limit] if limit else shared_articles()
    inputs = work / "shared.jsonl"
    inputs.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    base = work / "base.db"
    if not base.exists():
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "storyweave.cli", "--quiet", "add", str(inputs), "--db", str(base)],
                       env=_env(), check=False)
        print(f"base store: {len(rows)} articles in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    store = work / "store.db"
    shutil.copy(base, store)
    fill(store, target)
    # a held-back batch for the ingest that runs during the load
    extra = [dict(r, id=r["id"] + "~ingest") for r in rows[:40]]
    (work / "ingest.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in extra), encoding="utf-8")


# -------------------------------------------------------------------------------------------- load


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def _wait_up(port: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((LOOPBACK, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server on {LOOPBACK}:{port} did not start")


def _targets(db: Path, api: str, seed: int = 7) -> dict[str, list[str]]:
    conn = sqlite3.connect(db)
    events = [r[0] for r in conn.execute("SELECT id FROM events")]
    articles = [r[0] for r in conn.execute("SELECT id FROM articles")]
    conn.close()
    rng = random.Random(seed)
    from urllib.parse import quote

    return {
        "event": [f"{api}/events/{quote(rng.choice(events), safe='')}" for _ in range(2000)],
        "article": [f"{api}/articles/{quote(rng.choice(articles), safe='')}" for _ in range(2000)],
        "page": [f"{api}/events?limit=50&offset={rng.randrange(0, max(1, len(events) - 50))}" for _ in range(2000)]
        if api.endswith("/api/v1") else [f"{api}/events" for _ in range(2000)],
    }


async def _open_loop(port: int, targets: dict[str, list[str]], rate: float, seconds: float,
                     max_in_flight: int, timeout: float = 10.0) -> dict[str, list[tuple[float, int]]]:
    """Open-loop load: request i is due at start + i/rate; `max_in_flight` keep-alive connections
    take due requests in order. Latency is measured from the due time (queueing included).

    The client is a minimal HTTP/1.1 GET over asyncio streams (written here because httpx's
    per-request cost made the generator, not the server, the bottleneck on this 2-core box)."""
    total = int(rate * seconds)
    kinds = list(targets)
    results: dict[str, list[tuple[float, int]]] = {k: [] for k in kinds}
    due: asyncio.Queue[tuple[int, float] | None] = asyncio.Queue()
    start = time.perf_counter() + 0.2

    async def connection() -> None:
        reader = writer = None
        while True:
            item = await due.get()
            if item is None:
                break
            i, when = item
            kind = kinds[i % len(kinds)]
            url = targets[kind][i % len(targets[kind])]
            status = 0
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(LOOPBACK, port)
                writer.write(f"GET {url} HTTP/1.1\r\nHost: {LOOPBACK}\r\n\r\n".encode())
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
                status = int(head.split(b" ", 2)[1])
                length = int(re.search(rb"(?i)content-length:\s*(\d+)", head).group(1))
                await asyncio.wait_for(reader.readexactly(length), timeout)
            except (TimeoutError, OSError, asyncio.IncompleteReadError, AttributeError, ValueError):
                status = 0
                if writer is not None:
                    writer.close()
                reader = writer = None
            results[kind].append((time.perf_counter() - when, status))
        if writer is not None:
            writer.close()

    workers = [asyncio.create_task(connection()) for _ in range(max_in_flight)]
    for i in range(total):
        when = start + i / rate
        delay = when - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        due.put_nowait((i, when))
    for _ in workers:
        due.put_nowait(None)
    await asyncio.gather(*workers)
    return results


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


def _summary(results: dict[str, list[tuple[float, int]]]) -> list[dict]:
    rows = []
    for kind, items in list(results.items()) + [("all", [x for v in results.values() for x in v])]:
        lat = [t * 1000 for t, _ in items]
        errors = sum(1 for _, s in items if s != 200)
        rows.append({"kind": kind, "requests": len(items), "errors": errors, "p50_ms": _pct(lat, 0.5),
                     "p99_ms": _pct(lat, 0.99), "max_ms": max(lat) if lat else float("nan"),
                     "mean_ms": statistics.fmean(lat) if lat else float("nan")})
    return rows


def _start_server(db: Path, port: int, env: dict[str, str], token_file: Path | None) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "storyweave.cli", "serve", "--db", str(db), "--host", LOOPBACK, "--port", str(port)]
    if token_file:
        cmd += ["--token-file", str(token_file)]
    log = (db.parent / "server.log").open("ab")  # uvicorn's access log, as a deployment would keep it
    return subprocess.Popen(cmd, env=env, stdout=log, stderr=log)


def _cpu(pid: int) -> float:
    """user+sys CPU seconds of a process (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load(work: Path, rate: float, seconds: float, ingest: str, max_in_flight: int) -> list[dict]:
    db = work / "store.db"
    run_db = work / "load.db"
    shutil.copy(db, run_db)
    for suffix in ("-wal", "-shm"):
        Path(str(run_db) + suffix).unlink(missing_ok=True)
    port = _free_port()
    token = work / "token"
    token.write_text("bench-token\n")
    server = _start_server(run_db, port, _env(), token)
    ingest_proc = None
    try:
        _wait_up(port)
        targets = _targets(run_db, "/api/v1")
        asyncio.run(_open_loop(port, {k: v[:20] for k, v in targets.items()}, 20, 1, 8))  # warm up
        gen_cpu = time.process_time()
        ingest_started = time.perf_counter()
        if ingest == "cli":
            ingest_proc = subprocess.Popen([sys.executable, "-m", "storyweave.cli", "--quiet", "add",
                                            str(work / "ingest.jsonl"), "--db", str(run_db)], env=_env(),
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        elif ingest == "api":
            import httpx

            records = [json.loads(x) for x in (work / "ingest.jsonl").read_text().splitlines()]
            posted = httpx.post(f"http://{LOOPBACK}:{port}/api/v1/articles", json=records, timeout=60,
                                headers={"Authorization": "Bearer bench-token"})
            assert posted.status_code == 202, posted.text
        cpu_before = _cpu(server.pid)
        started = time.perf_counter()
        results = asyncio.run(_open_loop(port, targets, rate, seconds, max_in_flight))
        elapsed = time.perf_counter() - started
        server_cpu = _cpu(server.pid) - cpu_before
        gen_cpu = time.process_time() - gen_cpu
        still_ingesting = ingest_proc.poll() is None if ingest_proc else None
    finally:
        if ingest_proc and ingest_proc.poll() is None:
            ingest_proc.send_signal(signal.SIGTERM)
            ingest_proc.wait(30)
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    rows = _summary(results)
    load_avg = os.getloadavg()[0]
    meta = {"rate": rate, "seconds": seconds, "ingest": ingest, "elapsed_s": round(elapsed, 1),
            "server_cpu_s": round(server_cpu, 1), "server_cpu_ms_per_request": round(1000 * server_cpu / max(1, sum(
                len(v) for v in results.values())), 2), "generator_cpu_s": round(gen_cpu, 1),
            "load_average_1min_at_end": round(load_avg, 1), "ingest_still_running_at_end": still_ingesting,
            "ingest_started_s_before": round(started - ingest_started, 1)}
    for row in rows:
        row.update(meta)
    return rows


def old_baseline(work: Path, commit: str, requests: int) -> list[dict]:
    """The previous server (whole store loaded per request) on the same store: a few sequential GETs."""
    old = work / "old"
    if not old.exists():
        old.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "src"], capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)
    db = work / "old.db"
    shutil.copy(work / "store.db", db)
    conn = sqlite3.connect(db)
    with conn:  # the previous schema (v3): drop this branch's indexes and version
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='index' AND sql LIKE '%IF NOT EXISTS%'")\
                .fetchall():
            conn.execute(f"DROP INDEX {name}")
        conn.execute("UPDATE meta SET value='3' WHERE key='schema_version'")
    conn.close()
    env = dict(os.environ, PYTHONPATH=str(old / "src"))
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "storyweave.cli", "serve", "--db", str(db), "--host", LOOPBACK,
                               "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_up(port)
        import httpx

        targets = _targets(db, "")
        results: dict[str, list[tuple[float, int]]] = {k: [] for k in targets}
        with httpx.Client(base_url=f"http://{LOOPBACK}:{port}", timeout=600) as client:
            for kind, urls in targets.items():
                for url in urls[:requests]:
                    t = time.perf_counter()
                    status = client.get(url).status_code
                    results[kind].append((time.perf_counter() - t, status))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    rows = _summary(results)
    for row in rows:
        row.update({"rate": "sequential", "seconds": None, "ingest": "none"})
    return rows


def write_results(work: Path, sections: dict[str, list[dict]], store_counts: dict[str, int]) -> None:
    out = ROOT / "benchmarks" / "results" / "server.md"
    lines = ["# Server under load (benchmarks/server_bench.py)", "",
             f"Store: {store_counts}. Machine: 2 cores shared with other jobs. Loopback only.", ""]
    for title, rows in sections.items():
        lines += [f"## {title}", "", "| requests | kind | n | errors | p50 ms | p99 ms | max ms |", "|---|---|---|---|---|---|---|"]
        for r in rows:
            what = (f"{r['rate']}/s × {r['seconds']} s, ingest {r['ingest']}" if r["seconds"]
                    else "one at a time, no ingest")
            lines.append(f"| {what} | {r['kind']} | {r['requests']} | "
                         f"{r['errors']} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['max_ms']:.1f} |")
        extra = {k: rows[0][k] for k in ("elapsed_s", "server_cpu_s", "server_cpu_ms_per_request", "generator_cpu_s",
                                         "load_average_1min_at_end", "ingest_still_running_at_end") if k in rows[0]}
        if extra:
            lines += ["", f"{extra}"]
        lines.append("")
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=["build", "load", "old", "all"])
    parser.add_argument("--work", type=Path, default=Path("/tmp/storyweave-server-bench"))
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--limit", type=int, default=None, help="Use only the first N shared articles for the base.")
    parser.add_argument("--rate", type=float, nargs="+", default=[200])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--ingest", choices=["cli", "api", "none"], nargs="+", default=["cli", "api"])
    parser.add_argument("--max-in-flight", type=int, default=32)
    parser.add_argument("--old-commit", default="cc55aed")
    parser.add_argument("--old-requests", type=int, default=3)
    args = parser.parse_args()
    if args.step in ("build", "all"):
        build(args.work, args.articles, args.limit)
    sections: dict[str, list[dict]] = {}
    if args.step in ("load", "all"):
        for rate in args.rate:
            for mode in args.ingest:
                sections[f"this branch, open loop {rate:g}/s, ingest {mode}"] = load(
                    args.work, rate, args.seconds, mode, args.max_in_flight)
    if args.step in ("old", "all"):
        sections[f"baseline: previous server ({args.old_commit}), sequential GETs"] = old_baseline(
            args.work, args.old_commit, args.old_requests)
    if sections:
        conn = sqlite3.connect(args.work / "store.db")
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("articles", "events", "stories")}
        conn.close()
        previous = args.work / "sections.json"
        merged = json.loads(previous.read_text()) if previous.exists() else {}
        merged.update(sections)
        previous.write_text(json.dumps(merged))
        write_results(args.work, merged, counts)


if __name__ == "__main__":
    main()
