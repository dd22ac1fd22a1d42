"""CPU of the pure-Python rules of `storyweave run` over the shared articles, without the spaCy
recogniser (issue 12): sentence split, summary candidates (junk checks), date resolution, clean's
line rules, figures, reporting verbs.  Each row runs the function over every text (or sentence,
or line) of the 2,180 shared articles that `speed_bench.py` builds, in this process, and prints
the CPU seconds (user + sys) with a count of what it found, so two source trees can be compared
row by row (run the script once per tree with PYTHONPATH set; alternate the trees).

Usage:
    PYTHONPATH=SRC STORYWEAVE_BENCH_DATA=../shared/benchmarks python benchmarks/rules_cpu_bench.py [ROW ...]
"""

from __future__ import annotations

import resource
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from speed_bench import shared_records  # noqa: E402  (the benchmark folder is not a package)


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main(rows: list[str]) -> None:
    from storyweave.nlp import dates
    from storyweave.nlp.text import split_sentences
    from storyweave.stages.analysis import numbers
    from storyweave.stages.brief import sentences

    try:  # the clean stage's package; a tree before it had the rules in one module, `clean.py`
        from storyweave.stages.clean.rules import _first_rule
    except ImportError:
        from storyweave.stages.clean import _first_rule
    try:  # the quote rules' package; a tree before it had them in one module, `quotes.py`
        from storyweave.stages.analysis.quotes.verbs import _say_matches
    except ImportError:
        from storyweave.stages.analysis.quotes import _say_matches

    records = shared_records()
    texts = [r.get("text") or "" for r in records]
    t0 = cpu()
    sents = [s.text for t in texts for s in split_sentences(t)]
    split_cpu = cpu() - t0
    lines = [line for t in texts for line in t.split("\n") if line.strip()]

    def candidates() -> int:
        return sum(len(sentences.candidates([(str(j), texts[j]) for j in range(i, min(i + 5, len(texts)))]))
                   for i in range(0, len(texts), 5))

    table: dict[str, Callable[[], int]] = {
        "candidates": candidates,  # per 5-article event, sentences already split
        "junk": lambda: sum(sentences.junk_reason(s) is None for s in sents),
        "dates": lambda: sum(len(dates.resolve_dates(r.get("text") or "", r.get("published"))) for r in records),
        "lines": lambda: sum(_first_rule(line) is not None for line in lines),
        "figures": lambda: sum(len(numbers.extract_quantities(s)) for s in sents),
        "verbs": lambda: sum(1 for t in texts for _ in _say_matches(t, 0, len(t))),
    }
    print(f"split\t{split_cpu:.2f}\t{len(sents)} sentences of {len(texts)} texts")
    for name in rows or list(table):
        t0 = cpu()
        found = table[name]()
        print(f"{name}\t{cpu() - t0:.2f}\t{found}")


if __name__ == "__main__":
    main(sys.argv[1:])
