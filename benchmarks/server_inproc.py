"""In-process CPU of the server app per request (no network, no uvicorn): the ASGI app is called
directly with 600 GETs of each kind (random event / article / page of 50 on a copy of the store).

    cp /tmp/serve200/store.db /tmp/serve200/micro.db
    PYTHONPATH=src python benchmarks/server_inproc.py /tmp/serve200/micro.db [--prof page]
"""
import asyncio
import cProfile
import pstats
import random
import sqlite3
import sys
import time
from pathlib import Path
from urllib.parse import quote

from storyweave.server import create_app

db = Path(sys.argv[1])
app = create_app(db)
conn = sqlite3.connect(db)
rng = random.Random(3)
events = [r[0] for r in conn.execute("SELECT id FROM events")]
arts = [r[0] for r in conn.execute("SELECT id FROM articles")]
urls = {"event": [f"/api/v1/events/{quote(rng.choice(events), safe='')}" for _ in range(600)],
        "article": [f"/api/v1/articles/{quote(rng.choice(arts), safe='')}" for _ in range(600)],
        "page": [f"/api/v1/events?limit=50&offset={rng.randrange(0, len(events)-50)}" for _ in range(600)]}

async def call(url):
    path, _, qs = url.partition("?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": qs.encode(), "root_path": "",
             "headers": [(b"host", b"127.0.0.1")], "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}
    out = []
    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}
    async def send(m):
        out.append(m)
    await app(scope, receive, send)
    assert out[0]["status"] == 200, (url, out[0]["status"])
    return sum(len(m.get("body", b"")) for m in out[1:])

async def main():
    for us in urls.values():
        await call(us[0])
    for k, us in urls.items():
        t = time.process_time()
        size = 0
        for u in us:
            size += await call(u)
        dt = time.process_time() - t
        print(f"{k}: {1000*dt/len(us):.3f} ms CPU/request, {size/len(us)/1000:.1f} kB", flush=True)
    if "--prof" in sys.argv:  # cProfile of 300 requests (of the kind after --prof, if given)
        pr = cProfile.Profile()
        pr.enable()
        for k, us in urls.items():
            if len(sys.argv) > 3 and k != sys.argv[3]:
                continue
            for u in us[:300]:
                await call(u)
        pr.disable()
        pstats.Stats(pr).sort_stats("tottime").print_stats(25)

asyncio.run(main())
