"""Small graph algorithms shared by the checks and the planner."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def find_cycles(graph: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """Every elementary cycle found by one depth-first pass, each as ``[a, b, ..., a]``.

    Iterative (no recursion limit); deterministic for a deterministic ``graph``.
    """
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(graph, white)
    cycles: list[list[str]] = []
    for start in graph:
        if colour[start] != white:
            continue
        # each frame: a node, its edges (read from ``graph`` once) and the next to follow
        stack: list[tuple[str, Sequence[str], int]] = [(start, graph.get(start, ()), 0)]
        path: list[str] = [start]
        colour[start] = grey
        while stack:
            node, edges, index = stack[-1]
            if index < len(edges):
                stack[-1] = (node, edges, index + 1)
                nxt = edges[index]
                if nxt not in colour:
                    continue
                if colour[nxt] == grey:
                    cycles.append([*path[path.index(nxt) :], nxt])
                elif colour[nxt] == white:
                    colour[nxt] = grey
                    stack.append((nxt, graph.get(nxt, ()), 0))
                    path.append(nxt)
            else:
                colour[node] = black
                stack.pop()
                path.pop()
    return cycles
