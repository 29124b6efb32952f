"""Clusters of duplicates from scored links, without transitive chaining.

Plain union-find over pair links glues A–B, B–C, C–D… into one cluster even when A and D
have nothing in common: at scale, namesakes chain into clusters of hundreds. Here links are
first grouped into connected components (union-find), then each component is cut into
tight clusters: the best-connected record is a centre, its neighbours join it, and a member
stays only if it links to at least half of the cluster; the rest are clustered again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from typing import TypeVar

H = TypeVar("H", bound=Hashable)

DEFAULT_MAX_SIZE = 50  # a real entity is rarely keyed in more than a handful of times


def clusters(
    links: Iterable[tuple[H, H, float]], *, max_size: int = DEFAULT_MAX_SIZE
) -> list[frozenset[H]]:
    """Clusters (of two records or more) from confident links (id, id, probability)."""
    adjacency: dict[H, dict[H, float]] = defaultdict(dict)
    parent: dict[H, H] = {}

    def find(node: H) -> H:
        root = parent.setdefault(node, node)
        while root != parent[root]:
            parent[root] = parent[parent[root]]
            root = parent[root]
        return root

    for a, b, p in links:
        if a == b:
            continue
        adjacency[a][b] = max(p, adjacency[a].get(b, 0.0))
        adjacency[b][a] = adjacency[a][b]
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
    components: dict[H, set[H]] = defaultdict(set)
    for node in adjacency:
        components[find(node)].add(node)
    out: list[frozenset[H]] = []
    for component in components.values():
        if len(component) == 2:
            out.append(frozenset(component))
        else:
            out.extend(_split(component, adjacency, max_size))
    return out


def _split(
    component: set[H], adjacency: dict[H, dict[H, float]], max_size: int
) -> list[frozenset[H]]:
    remaining = set(component)
    out: list[frozenset[H]] = []
    while len(remaining) >= 2:
        centre = max(remaining, key=lambda n: _centrality(n, remaining, adjacency))
        neighbours = sorted(
            (n for n in adjacency[centre] if n in remaining),
            key=lambda n: (-adjacency[centre][n], str(n)),
        )[: max(max_size - 1, 1)]
        members = _prune({centre, *neighbours}, centre, adjacency)
        if len(members) >= 2:
            out.append(frozenset(members))
        remaining -= members
    return out


def _centrality(node: H, within: set[H], adjacency: dict[H, dict[H, float]]) -> tuple:
    links = [p for n, p in adjacency[node].items() if n in within]
    return (len(links), sum(links), str(node))


def _prune(members: set[H], centre: H, adjacency: dict[H, dict[H, float]]) -> set[H]:
    """Drop, weakest first, members linked to fewer than half of the cluster."""
    members = set(members)
    while len(members) > 2:
        weakest = min(
            (m for m in members if m != centre),
            key=lambda m: (_links_within(m, members, adjacency), str(m)),
        )
        if _links_within(weakest, members, adjacency) * 2 >= len(members) - 1:
            break
        members.discard(weakest)
    return members


def _links_within(node: H, members: set[H], adjacency: dict[H, dict[H, float]]) -> int:
    return sum(1 for m in adjacency[node] if m in members)
