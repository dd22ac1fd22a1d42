"""What each outlet covered that others did not, and the widely reported facts it left out."""

from __future__ import annotations

import math

from storyweave.model import Fact, OutletCoverage
from storyweave.stages.brief.facts import representative
from storyweave.stages.brief.summary import EventSentences

UNKNOWN = "unknown"


def compare_outlets(
    es: EventSentences,
    groups: list[tuple[list[int], list[str]]],
    facts: list[Fact],
    outlet_of: dict[str, str],
    preferred: set[str] | None = None,
    max_only_here: int = 5,
) -> list[OutletCoverage]:
    """Per outlet (article.source, "unknown" when missing), in name order.

    `only_here`: claims carried by this outlet's articles and by no other outlet, most central
    first (at most `max_only_here`).  `omits`: facts confirmed by at least half the outlets
    (and >= 2 independent sources) that none of this outlet's articles carries.
    Empty when fewer than two outlets cover the event: there is nothing to compare.
    """
    outlets = sorted(set(outlet_of.values()))
    if len(outlets) < 2:
        return []
    widely = max(2, math.ceil(len(outlets) / 2))
    wide_facts = [f for f in facts if len({outlet_of.get(a, UNKNOWN) for a in f.article_ids}) >= widely]
    position: dict[str, list[tuple[float, str]]] = {}  # outlet -> (score, claim) only it carries
    for members, ids in groups:
        carriers = {outlet_of.get(a, UNKNOWN) for a in ids}
        if len(carriers) != 1:
            continue
        rep = representative(es, members, preferred)
        # central claims near the top of the article first: the same order the summary uses
        score = float(es.centrality[rep]) + 0.8 / (1.0 + es.cands[rep].index / 3.0)
        position.setdefault(next(iter(carriers)), []).append((score, es.cands[rep].text))
    out = []
    for outlet in outlets:
        mine = sorted(position.get(outlet, []), key=lambda x: -x[0])
        only_here = list(dict.fromkeys(t for _, t in mine))[:max_only_here]
        omits = [f.text for f in wide_facts if outlet not in {outlet_of.get(a, UNKNOWN) for a in f.article_ids}]
        out.append(OutletCoverage(outlet, only_here, omits))
    return out
