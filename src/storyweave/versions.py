"""The hand-bumped version of cached and stored analysis results, and the stable digest their
keys are made of.  A module of its own, importing nothing: the results key of a run
(`engines.local.results_key`) needs both, and a run with nothing new must not pay for importing
the analysis stage (spaCy, scipy: ~1 s of a ~2 s unchanged re-run, issue 12)."""

from __future__ import annotations

import hashlib
from typing import Any

# Bump by hand when a code change alters cached parse / analysis / language / brief results
# (a rule, a word list, a model): every cache entry made by the old code is then recomputed.
# Knobs need no bump: the config sections that decide a result are part of its key.
ANALYSIS_VERSION = 8  # 2: quote rules, discrepancy pair groups, timeline furniture filter (branch targets); 3: discrepancies a report explains, names and places; bare-text date anchors (branch disc); 4: quote attribution rules (branch quotes3); 5: the recogniser sees only the tokens near capitalised words (parsed._fragments, branch speed2); 6: no summary/fact candidate from page-furniture paragraphs (brief.sentences.news_sentences, branch noise8; briefs cached by 5 were shown after the upgrade, branch hunt8); 7: an event left undated by the events stage is not dated from a report day inferred from far down its text ("body"), tenth session; 8: a timeline shows a weekday or relative day only when read against a trusted anchor (the given date, a header or dateline, the reference date), tenth session


# Bump by hand when a code change alters what the events stage reads off a report and keeps
# (`stages.events.features`: `report_date`, `represent`'s day, number, name, ordinal and weekday
# rules, `nlp.dates.infer_article_date`): every kept entry is then read afresh.
EVENT_FEATURES_VERSION = 1


def digest(*parts: Any) -> str:
    """Stable hash of JSON-like parts (strings, numbers, None, nested tuples/lists)."""
    h = hashlib.sha1()
    for part in parts:
        h.update(repr(part).encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()
