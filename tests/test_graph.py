"""The one connected-components helper (storyweave.graph) against a plain reference."""

from __future__ import annotations

import random

from storyweave.graph import UnionFind, components, components_of


def _reference(n: int, pairs: list[tuple[int, int]]) -> list[list[int]]:
    """Components by repeated flooding: slow but obviously right."""
    adj: dict[int, set[int]] = {i: set() for i in range(n)}
    for a, b in pairs:
        adj[a].add(b)
        adj[b].add(a)
    seen: set[int] = set()
    out = []
    for start in range(n):
        if start in seen:
            continue
        stack, group = [start], set()
        while stack:
            x = stack.pop()
            if x not in group:
                group.add(x)
                stack.extend(adj[x] - group)
        seen |= group
        out.append(sorted(group))
    return out


def test_components_match_a_flood_fill_reference_and_ignore_pair_order():
    rng = random.Random(3)
    for n in (1, 2, 7, 40):
        pairs = [(rng.randrange(n), rng.randrange(n)) for _ in range(n // 2 + 1)]
        expected = _reference(n, pairs)
        assert components(n, pairs) == expected
        assert components(n, list(reversed([(b, a) for a, b in pairs]))) == expected
    assert components(0, []) == []
    assert components(3, []) == [[0], [1], [2]]


def test_components_of_ids_keeps_first_appearance_order():
    groups = components_of([("c", "a"), ("x", "y"), ("a", "b")])
    assert groups == [["c", "a", "b"], ["x", "y"]]


def test_union_find_agrees_with_components_and_roots_at_the_smallest_member():
    pairs = [(5, 2), (2, 7), (0, 3), (9, 8)]
    uf = UnionFind(10)
    for a, b in pairs:
        uf.union(a, b)
    assert uf.find(7) == 2 and uf.same(5, 7) and not uf.same(0, 2)
    by_root: dict[int, list[int]] = {}
    for i in range(10):
        by_root.setdefault(uf.find(i), []).append(i)
    assert sorted(by_root.values()) == components(10, pairs)


def test_small_and_large_inputs_give_the_same_groups(monkeypatch):
    """Small batches are grouped by the union-find (no scipy.sparse.csgraph import), large ones by
    scipy: the same result either way."""
    import storyweave.graph as graph

    rng = random.Random(11)
    for n in (5, 60, 300):
        pairs = [(rng.randrange(n), rng.randrange(n)) for _ in range(n)]
        small = components(n, iter(pairs))  # any iterable of pairs, as before
        monkeypatch.setattr(graph, "_SMALL", -1)
        assert components(n, pairs) == small == _reference(n, pairs)
        monkeypatch.setattr(graph, "_SMALL", 2000)


def test_component_labels_give_the_groups_of_components():
    import numpy as np

    from storyweave.graph import component_labels, components

    pairs = [(0, 3), (3, 5), (1, 2), (6, 6)]
    labels = component_labels(7, np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs]))
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(labels.tolist()):
        groups.setdefault(label, []).append(i)
    assert sorted(groups.values()) == sorted(components(7, pairs)) == [[0, 3, 5], [1, 2], [4], [6]]
