"""`python -m storyweave.stages.brief CLUSTERS.jsonl --out OUT.jsonl [--words N]`: one summary per line.

A small stand-alone entry for benchmarking; the `storyweave brief` CLI command does the same.
"""

from __future__ import annotations

import argparse
import json
import sys

from storyweave.stages.brief import brief_cluster


def main(argv: list[str] | None = None) -> int:
    """Brief each JSON line of `clusters` into `--out`; returns the exit status (1 when a line failed)."""
    ap = argparse.ArgumentParser(prog="python -m storyweave.stages.brief", description=__doc__.splitlines()[0])
    ap.add_argument("clusters")
    ap.add_argument("--out", required=True)
    ap.add_argument("--words", type=int, default=120, help="budget when a line has no max_words")
    args = ap.parse_args(argv)
    failed = 0
    with open(args.clusters, encoding="utf-8") as src, open(args.out, "w", encoding="utf-8") as out:
        for n, line in enumerate(src, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                if not isinstance(record, dict):
                    raise ValueError("line is not a JSON object")
                result = brief_cluster(record, args.words)
            except (ValueError, TypeError) as exc:
                print(f"{args.clusters}:{n}: {exc}", file=sys.stderr)
                failed += 1
                continue
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
