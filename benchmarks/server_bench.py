"""Server under load (issue 12, server row): a store of 10,000 articles, an open-loop load
generator on loopback, GET one event / one article / a page of 50 events, with an ingest running.

    python benchmarks/server_bench.py build --work /tmp/sw-bench          # base store + fill to 10,000
    python benchmarks/server_bench.py load  --work /tmp/sw-bench --rate 200 --seconds 30 --ingest cli
    python benchmarks/server_bench.py load  --work /tmp/sw-bench --src OLD/src --label before   # a baseline tree
    python benchmarks/server_bench.py old   --work /tmp/sw-bench          # baseline: the whole-store server (cc55aed)

`build`: every shared set as distinct articles (news_cluster, Multi-News documents, PolNeAR dev +
train, TimeBank) run through `storyweave add` into a fresh store; then the stored results are
copied with shifted ids (`~k` suffix) and dates (+k×400 days) until the store holds `--articles`
articles. The copies are made in SQL/JSON (articles, duplicate links, events, stories, FTS rows)
rather than by re-running the pipeline: the server only reads, so what matters is the size and
shape of the stored rows, which the copies keep.

`load`: starts `storyweave serve` (the code in `--src`, default this tree) on 127.0.0.1 only and
sends requests open loop: request i is due at i/rate seconds and is sent then, whatever the earlier
ones did, on one of at most `--max-in-flight` keep-alive connections; latency is measured from the
due time (queueing counts: no coordinated omission); a request not answered within `--deadline`
seconds of its due time counts as an error (late), as does a refused connection or a non-200. An
ingest runs meanwhile (`cli`: a `storyweave add` process on the same store; `api`: POSTed to the
server, run by its worker process; `none`). Also reported: server CPU per request, generator CPU,
the box's CPU busy share and load average. `--mix` runs one endpoint alone; `--server-nice` and
`--profile` (py-spy) are diagnostics. Prints and writes `benchmarks/results/server.md`.

`floor`: uvicorn alone answering a fixed body under the same generator (the box's floor).
`cli`: cold `storyweave --help`, `stages`, `events` (wall and CPU).
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


def _env(src: Path | None = None) -> dict[str, str]:
    """The environment of the server / ingest processes: `src` (default: this tree's src) first."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(src or ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
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


class _Conn:
    """One keep-alive HTTP/1.1 connection: a minimal GET over asyncio streams (written here
    because httpx's per-request cost made the generator, not the server, the bottleneck on this
    2-core box; measured: httpx.AsyncClient ~1.5 ms of generator CPU per request)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, url: str) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(LOOPBACK, self.port)
        self.writer.write(f"GET {url} HTTP/1.1\r\nHost: {LOOPBACK}\r\n\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = int(re.search(rb"(?i)content-length:\s*(\d+)", head).group(1))
        await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


LATE, FAILED = -1, 0  # status codes recorded for a late request (no answer by its deadline) / a failure


async def _open_loop(port: int, targets: dict[str, list[str]], rate: float, seconds: float,
                     max_in_flight: int, deadline: float = 1.0) -> dict[str, list[tuple[float, int]]]:
    """Open-loop load: request i is due at start + i/rate, sent then whatever the answers before
    it did (never waiting for them: not a closed loop), on one of at most `max_in_flight`
    keep-alive connections. Latency is measured from the DUE time, so time spent waiting for a
    free connection or in the server's queue counts (no coordinated omission). A request not
    answered within `deadline` seconds of its due time is an error (LATE), whether it waited for
    a connection or for the server; a refused/broken connection or a non-200 answer is FAILED.
    The number of pending requests is bounded by rate × deadline + max_in_flight."""
    total = int(rate * seconds)
    kinds = list(targets)
    results: dict[str, list[tuple[float, int]]] = {k: [] for k in kinds}
    idle: asyncio.Queue[_Conn] = asyncio.Queue()
    for _ in range(max_in_flight):
        idle.put_nowait(_Conn(port))
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.2

    async def one(i: int, when: float) -> None:
        kind = kinds[i % len(kinds)]
        url = targets[kind][(i // len(kinds)) % len(targets[kind])]
        status = LATE
        conn = None
        try:
            async with asyncio.timeout_at(when + deadline):
                conn = await idle.get()
                status = FAILED
                status = await conn.get(url)
        except TimeoutError:
            status = LATE
            if conn is not None:
                conn.close()  # the answer may still come: never reuse this connection
        except (OSError, asyncio.IncompleteReadError, AttributeError, ValueError):
            status = FAILED
            if conn is not None:
                conn.close()
        finally:
            if conn is not None:
                idle.put_nowait(conn)
        results[kind].append((loop.time() - when, status))

    tasks = []
    for i in range(total):
        when = start + i / rate
        delay = when - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i, when)))
    await asyncio.gather(*tasks)
    while not idle.empty():
        idle.get_nowait().close()
    return results


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


def _summary(results: dict[str, list[tuple[float, int]]], seconds: float | None = None) -> list[dict]:
    rows = []
    for kind, items in list(results.items()) + [("all", [x for v in results.values() for x in v])]:
        lat = [t * 1000 for t, _ in items]
        errors = sum(1 for _, s in items if s != 200)
        rows.append({"kind": kind, "requests": len(items), "errors": errors,
                     "late": sum(1 for _, s in items if s == LATE),
                     "failed": sum(1 for _, s in items if s not in (200, LATE)),
                     "achieved_per_s": round((len(items) - errors) / seconds, 1) if seconds else None,
                     "p50_ms": _pct(lat, 0.5), "p95_ms": _pct(lat, 0.95),
                     "p99_ms": _pct(lat, 0.99), "max_ms": max(lat) if lat else float("nan"),
                     "mean_ms": statistics.fmean(lat) if lat else float("nan")})
    return rows


def _start_server(db: Path, port: int, env: dict[str, str], token_file: Path | None,
                  extra: list[str], nice: int = 0) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "storyweave.cli", "serve", "--db", str(db), "--host", LOOPBACK, "--port", str(port),
           *extra]
    if nice:  # a diagnostic: the server's CPU priority against the other jobs of a shared box
        cmd = ["nice", "-n", str(nice), *cmd]
    if token_file:
        cmd += ["--token-file", str(token_file)]
    log = (db.parent / "server.log").open("ab")
    return subprocess.Popen(cmd, env=env, stdout=log, stderr=log)


def _cpu(pid: int) -> float:
    """user+sys CPU seconds of a process and its children that ended (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _tree_cpu(pid: int) -> float:
    """user+sys CPU seconds of a process and its live descendants (uvicorn workers)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat.parent.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _box_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs since boot, from /proc/stat."""
    values = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def load(work: Path, rate: float, seconds: float, ingest: str, max_in_flight: int, *, src: Path | None = None,
         mix: tuple[str, ...] = ("event", "article", "page"), deadline: float = 1.0,
         server_args: tuple[str, ...] = (), profile: Path | None = None, nice: int = 0) -> list[dict]:
    """One open-loop run against a fresh copy of the store, served by the code in `src`."""
    db = work / "store.db"
    run_db = work / "load.db"
    shutil.copy(db, run_db)
    for suffix in ("-wal", "-shm"):
        Path(str(run_db) + suffix).unlink(missing_ok=True)
    port = _free_port()
    token = work / "token"
    token.write_text("bench-token\n")
    env = _env(src)
    server = _start_server(run_db, port, env, token, list(server_args), nice)
    ingest_proc = spy = None
    try:
        _wait_up(port)
        targets = {k: v for k, v in _targets(run_db, "/api/v1").items() if k in mix}
        asyncio.run(_open_loop(port, {k: v[:20] for k, v in targets.items()}, 20, 1, 8, 10.0))  # warm up
        gen_cpu = time.process_time()
        ingest_started = time.perf_counter()
        if ingest == "cli":
            ingest_proc = subprocess.Popen([sys.executable, "-m", "storyweave.cli", "--quiet", "add",
                                            str(work / "ingest.jsonl"), "--db", str(run_db)], env=env,
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        elif ingest == "api":
            import httpx

            records = [json.loads(x) for x in (work / "ingest.jsonl").read_text().splitlines()]
            posted = httpx.post(f"http://{LOOPBACK}:{port}/api/v1/articles", json=records, timeout=60,
                                headers={"Authorization": "Bearer bench-token"})
            assert posted.status_code == 202, posted.text
        if profile:
            spy = subprocess.Popen(["py-spy", "record", "-p", str(server.pid), "-d", str(int(seconds)), "-r", "200",
                                    "-f", "raw", "-o", str(profile), "--subprocesses"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cpu_before = _tree_cpu(server.pid)
        box_before = _box_busy()
        started = time.perf_counter()
        results = asyncio.run(_open_loop(port, targets, rate, seconds, max_in_flight, deadline))
        elapsed = time.perf_counter() - started
        box_after = _box_busy()
        server_cpu = _tree_cpu(server.pid) - cpu_before
        gen_cpu = time.process_time() - gen_cpu
        still_ingesting = ingest_proc.poll() is None if ingest_proc else None
        if spy:
            spy.wait(120)
    finally:
        if ingest_proc and ingest_proc.poll() is None:
            ingest_proc.send_signal(signal.SIGTERM)
            ingest_proc.wait(30)
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    rows = _summary(results, seconds)
    n = sum(len(v) for v in results.values())
    box = (box_after[0] - box_before[0]) / max(1, box_after[1] - box_before[1])
    meta = {"rate": rate, "seconds": seconds, "ingest": ingest, "code": str(src or "this branch"), "server_nice": nice,
            "server_args": " ".join(server_args), "elapsed_s": round(elapsed, 1),
            "server_cpu_s": round(server_cpu, 1), "server_cpu_ms_per_request": round(1000 * server_cpu / max(1, n), 2),
            "generator_cpu_s": round(gen_cpu, 1), "box_cpu_busy_pct": round(100 * box, 0),
            "load_average_1min_at_end": round(os.getloadavg()[0], 1), "ingest_still_running_at_end": still_ingesting,
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


_HELLO = """
import sys, uvicorn
BODY = b'{"x":"' + b"a" * 10000 + b'"}'
async def app(scope, receive, send):
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]})
        await send({"type": "http.response.body", "body": BODY})
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=False, log_level="warning")
"""


def floor(rate: float, seconds: float, max_in_flight: int, deadline: float) -> dict:
    """The floor of this setup: uvicorn (same loop/parser) answering a fixed 10 kB body, under the
    same generator: server CPU per request and latency with no storyweave code at all."""
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-c", _HELLO, str(port)])
    try:
        _wait_up(port)
        asyncio.run(_open_loop(port, {"x": ["/x"] * 20}, 20, 1, 8, 10.0))
        cpu, gen = _cpu(server.pid), time.process_time()
        results = asyncio.run(_open_loop(port, {"x": ["/x"] * 100}, rate, seconds, max_in_flight, deadline))
        cpu, gen = _cpu(server.pid) - cpu, time.process_time() - gen
    finally:
        server.terminate()
        server.wait(30)
    row = _summary(results, seconds)[-1]
    n = max(1, row["requests"])
    row.update(server_cpu_ms_per_request=round(1000 * cpu / n, 2), generator_cpu_ms_per_request=round(1000 * gen / n, 2),
               load_average_1min_at_end=round(os.getloadavg()[0], 1))
    print(f"floor at {rate:g}/s: {row}", file=sys.stderr)
    return row


def cli_times(work: Path, src: Path | None, repeat: int = 5) -> list[dict]:
    """Cold `storyweave --help`, `stages`, `events` (on the base store and on the 10,000-article
    store, output to a file as a pipe would take it): median wall and CPU (user+sys) of `repeat`
    fresh processes each."""
    env = _env(src)
    rows = []
    for name, args in (("--help", ["--help"]), ("stages", ["stages"]),
                       ("events (base store)", ["events", "--db", str(work / "base.db")]),
                       ("events (10,000 store)", ["events", "--db", str(work / "store.db")]),
                       ("events -n 50 (10,000 store)", ["events", "-n", "50", "--db", str(work / "store.db")])):
        walls, cpus = [], []
        for _ in range(repeat):
            before = os.times()
            start = time.perf_counter()
            with (work / "cli.out").open("wb") as out:
                subprocess.run([sys.executable, "-m", "storyweave.cli", *args], env=env, stdout=out,
                               stderr=subprocess.DEVNULL, check=True)
            walls.append(time.perf_counter() - start)
            after = os.times()
            cpus.append(after.children_user + after.children_system - before.children_user - before.children_system)
        rows.append({"command": name, "wall_s": round(statistics.median(walls), 2),
                     "cpu_s": round(statistics.median(cpus), 2)})
        print(f"[{src or 'this branch'}] {name}: wall {rows[-1]['wall_s']} s, CPU {rows[-1]['cpu_s']} s", file=sys.stderr)
    return rows


def write_results(work: Path, sections: dict[str, list[dict]], store_counts: dict[str, int]) -> None:
    out = ROOT / "benchmarks" / "results" / "server.md"
    lines = ["# Server under load (benchmarks/server_bench.py)", "",
             f"Store: {store_counts}. Machine: 2 cores shared with other jobs. Loopback only. Latency from each "
             "request's due time (open loop); errors = late (no answer within the deadline) + failed.", ""]
    for title, rows in sections.items():
        lines += [f"## {title}", "", "| kind | n | errors (late/failed) | achieved /s | p50 ms | p95 ms | p99 ms | max ms |",
                  "|---|---|---|---|---|---|---|---|"]
        for r in rows:
            errors = f"{r['errors']} ({r.get('late', '-')}/{r.get('failed', '-')})"
            lines.append(f"| {r['kind']} | {r['requests']} | {errors} | {r.get('achieved_per_s') or '-'} | "
                         f"{r['p50_ms']:.1f} | {r.get('p95_ms', float('nan')):.1f} | {r['p99_ms']:.1f} | "
                         f"{r['max_ms']:.1f} |")
        extra = {k: rows[0][k] for k in ("code", "server_args", "server_nice", "elapsed_s", "server_cpu_s", "server_cpu_ms_per_request",
                                         "generator_cpu_s", "box_cpu_busy_pct", "load_average_1min_at_end",
                                         "ingest_still_running_at_end") if k in rows[0]}
        if extra:
            lines += ["", f"{extra}"]
        lines.append("")
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=["build", "load", "old", "cli", "floor", "all"])
    parser.add_argument("--work", type=Path, default=Path("/tmp/storyweave-server-bench"))
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--limit", type=int, default=None, help="Use only the first N shared articles for the base.")
    parser.add_argument("--rate", type=float, nargs="+", default=[200])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--ingest", choices=["cli", "api", "none"], nargs="+", default=["cli", "api"])
    parser.add_argument("--max-in-flight", type=int, default=32)
    parser.add_argument("--deadline", type=float, default=1.0, help="Seconds after its due time a request counts as late.")
    parser.add_argument("--mix", nargs="+", default=["event,article,page"],
                        help="Endpoint mixes, each a comma list of event, article, page (one run each).")
    parser.add_argument("--src", type=Path, default=None, help="Serve with the code in this src tree (a baseline).")
    parser.add_argument("--label", default="this branch", help="Name of the code in the section titles.")
    parser.add_argument("--server-args", default="", help="Extra `storyweave serve` options, e.g. '--workers 2'.")
    parser.add_argument("--profile", type=Path, default=None, help="py-spy raw profile of the server (first run).")
    parser.add_argument("--server-nice", type=int, default=0, help="Run the server under `nice -n N` (diagnostic).")
    parser.add_argument("--old-commit", default="cc55aed")
    parser.add_argument("--old-requests", type=int, default=3)
    args = parser.parse_args()
    if args.step in ("build", "all"):
        build(args.work, args.articles, args.limit)
    sections: dict[str, list[dict]] = {}
    if args.step in ("load", "all"):
        for rate in args.rate:
            for mix in args.mix:
                for mode in args.ingest:
                    title = f"{args.label}, open loop {rate:g}/s, mix {mix}, ingest {mode}"
                    if args.server_args:
                        title += f", serve {args.server_args}"
                    if args.server_nice:
                        title += f", server at nice {args.server_nice}"
                    sections[title] = rows = load(
                        args.work, rate, args.seconds, mode, args.max_in_flight, src=args.src,
                        mix=tuple(mix.split(",")), deadline=args.deadline, server_args=tuple(args.server_args.split()),
                        profile=args.profile, nice=args.server_nice)
                    args.profile = None
                    r = rows[-1]
                    print(f"{title}: n={r['requests']} errors={r['errors']} p50={r['p50_ms']:.1f} "
                          f"p95={r['p95_ms']:.1f} p99={r['p99_ms']:.1f} max={r['max_ms']:.1f} "
                          f"cpu/req={r['server_cpu_ms_per_request']} box={r['box_cpu_busy_pct']}%", file=sys.stderr)
    if args.step == "floor":
        for rate in args.rate:
            floor(rate, args.seconds, args.max_in_flight, args.deadline)
    if args.step == "cli":
        cli = args.work / "cli.json"
        merged = json.loads(cli.read_text()) if cli.exists() else {}
        merged[args.label] = cli_times(args.work, args.src)
        cli.write_text(json.dumps(merged, indent=1))
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
