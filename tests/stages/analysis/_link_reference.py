"""The cross-event name linking as it was before it was indexed (commit e1e545a), kept verbatim as
the specification the indexed `entities.link_across_events` must reproduce exactly: every merged
cluster of the same surname initial is tested pairwise, in creation order."""

from __future__ import annotations

from collections import Counter, defaultdict

from storyweave.model import Entity
from storyweave.stages.analysis.entities import (
    _LINK_WORDS,
    Mention,
    _Cluster,
    _first_names_compatible,
    _similar,
    _surname_match,
    name_keys,
)


def link_across_events(events: list) -> None:
    """Give an entity the same canonical name in every event (Olexandr/Aleksandr Marchenko).

    The event's own clusters are kept; only names change, and only where the corpus-level
    match is unambiguous (the same rules as within an event, over every event's aliases).
    """
    mentions: list[Mention] = []
    owner: dict[tuple[str, int], Entity] = {}
    for ev in events:
        for ent in ev.entities:
            for form in dict.fromkeys([ent.name, *ent.aliases]):
                keys = name_keys(form)
                if len(keys) < 2:
                    continue  # single words link within an event only, where context is shared
                pos = len(mentions)
                label = "PERSON" if ent.type == "PERSON" else ent.type
                mentions.append(Mention(form, label, keys, ev.id, tuple(ent.article_ids), pos))
                if form == ent.name:
                    owner[(ev.id, pos)] = ent
    if not owner:
        return
    for cl in _cluster(mentions):
        entities = [owner[(m.article_id, m.start)] for m in cl.mentions if (m.article_id, m.start) in owner]
        if len({id(e) for e in entities}) < 2:
            continue
        support = Counter()
        longest = max(len(m.keys) for m in cl.mentions)
        for e in entities:
            if len(name_keys(e.name)) == longest:
                support[e.name] += len(e.article_ids)
        if not support:
            continue
        name = max(support.items(), key=lambda kv: (kv[1], -len(kv[0]), kv[0]))[0]
        for e in entities:
            if e.name != name and name not in e.aliases:
                e.aliases.append(name)
            e.name = name


def _cluster(mentions: list[Mention]) -> list[_Cluster]:
    by_keys: dict[tuple[str, ...], list[Mention]] = defaultdict(list)
    for m in mentions:
        by_keys[m.keys].append(m)
    groups = []
    for ms in by_keys.values():
        g = _Cluster()
        g.add(ms)
        groups.append(g)
    groups.sort(key=lambda c: (-len(c.full_keys), -len(c.mentions)))
    merged: list[_Cluster] = []
    by_initial: dict[str, list[_Cluster]] = defaultdict(list)  # merged clusters by first letter of surname
    by_words: dict[frozenset, _Cluster] = {}

    def _new(g: _Cluster) -> None:
        merged.append(g)
        by_initial[g.full_keys[-1][:1]].append(g)
        if len(g.full_keys) > 1:
            by_words.setdefault(frozenset(set(g.full_keys) - _LINK_WORDS), g)

    # 1. multi-token names: same surname key (fuzzy when long) + compatible first names;
    #    other names by the same words (any order) or a near-identical spelling with the same label.
    for g in (g for g in groups if len(g.full_keys) > 1):
        keys = g.full_keys
        target = None
        words_key = frozenset(set(keys) - _LINK_WORDS)
        for c in by_initial.get(keys[-1][:1], []):
            if len(c.full_keys) < 2:
                continue
            ck = c.full_keys
            if g.is_person or c.is_person:
                if _surname_match(ck[-1], keys[-1]) and _first_names_compatible(ck, keys):
                    target = c
                    break
            elif g.mentions[0].label == c.mentions[0].label and _similar(" ".join(ck), " ".join(keys), 92):
                target = c
                break
        if target is None and not g.is_person and len(words_key) >= 2:
            cand = by_words.get(words_key)
            target = cand if cand is not None and not cand.is_person else None
        if target is None:
            _new(g)
        else:
            target.add(g.mentions)
    # 2. single tokens: a surname joins the one person carrying it; else match by key.
    singles: dict[str, _Cluster] = {}
    for g in (g for g in groups if len(g.full_keys) == 1):
        key = g.full_keys[0]
        label = g.mentions[0].label
        persons = [c for c in by_initial.get(key[:1], []) if c.is_person and len(c.full_keys) > 1 and (
            c.full_keys[-1] == key or (label == "PERSON" and _surname_match(c.full_keys[-1], key)))]
        if len(persons) == 1:
            persons[0].add(g.mentions)
        elif len(persons) > 1 or key not in singles:
            merged.append(g)
            singles.setdefault(key, g)
        else:
            singles[key].add(g.mentions)
    return merged
