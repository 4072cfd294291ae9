"""Top-to-bottom layered placement of a graph's boxes with igraph's Sugiyama layout.

igraph (binary wheels on PyPI) orders the nodes of each layer to reduce edge crossings and
routes edges that skip layers through bend points. Its coordinates are in units of one slot;
this module turns them into pixel positions for boxes of different widths, keeping igraph's
order within each layer and never letting two boxes (or a box and a bend) overlap.
"""

from __future__ import annotations

from dataclasses import dataclass

BEND_WIDTH = 12.0


@dataclass(frozen=True)
class Placement:
    """Box centres by node id, and each edge's polyline from the source's bottom to the target's top."""

    centres: dict[int, tuple[float, float]]
    routes: dict[tuple[int, int], list[tuple[float, float]]]
    width: float
    height: float


def layers_for(node_ids: list[int], edges: list[tuple[int, int]]) -> dict[int, int]:
    """Operations one layer below their deepest input; roots just above their first consumer.

    Longest-path layering alone would put every input on the top row, far from where it is used;
    pulling roots down keeps their edges short (a constant feeding a late ``×`` sits next to it).
    """
    inputs: dict[int, list[int]] = {i: [] for i in node_ids}
    consumers: dict[int, list[int]] = {i: [] for i in node_ids}
    for s, t in edges:
        inputs[t].append(s)
        consumers[s].append(t)
    layer: dict[int, int] = {}
    pending = list(node_ids)
    while pending:  # node ids are topologically ordered for extracted graphs, but do not rely on it
        progressed = []
        for i in pending:
            if all(s in layer for s in inputs[i]):
                layer[i] = 1 + max((layer[s] for s in inputs[i]), default=-1)
                progressed.append(i)
        if not progressed:
            raise ValueError("the graph has a cycle")
        pending = [i for i in pending if i not in set(progressed)]
    for i in node_ids:
        if not inputs[i] and consumers[i]:
            layer[i] = min(layer[t] for t in consumers[i]) - 1
    low = min(layer.values(), default=0)
    return {i: v - low for i, v in layer.items()}


def layered_layout(sizes: dict[int, tuple[float, float]], edges: list[tuple[int, int]],
                   hgap: float = 26.0, vgap: float = 46.0) -> Placement:
    """Pixel positions for boxes of ``sizes`` (width, height by node id) joined by ``edges``."""
    import igraph

    ids = list(sizes)
    if not ids:
        return Placement({}, {}, 0.0, 0.0)
    index = {node: k for k, node in enumerate(ids)}
    layer = layers_for(ids, edges)
    graph = igraph.Graph(n=len(ids), edges=[(index[s], index[t]) for s, t in edges], directed=True)
    result = graph.layout_sugiyama(layers=[layer[i] for i in ids], hgap=1, vgap=1, maxiter=200)
    unit = sorted(w for w, _ in sizes.values())[len(sizes) // 2] + hgap

    # everything that takes room in a layer: boxes, and the bends of edges that skip layers
    rows: dict[int, list[tuple[float, float, object]]] = {}
    for i in ids:
        x, _ = result.coords[index[i]]
        rows.setdefault(layer[i], []).append((x, sizes[i][0], ("node", i)))
    for e, points in enumerate(result.edge_routing):
        for p, (x, y) in enumerate(points):
            rows.setdefault(int(round(y)), []).append((x, BEND_WIDTH, ("bend", e, p)))
    xs: dict[object, float] = {}
    for row in rows.values():
        row.sort(key=lambda item: item[0])
        right = -float("inf")
        for x, width, key in row:
            centre = max(x * unit, right + hgap + width / 2)
            xs[key] = centre
            right = centre + width / 2
    left = min(xs[key] - (sizes[key[1]][0] / 2 if key[0] == "node" else 0) for key in xs)

    heights = {k: max((sizes[key[1]][1] for _, _, key in row if key[0] == "node"), default=BEND_WIDTH)
               for k, row in rows.items()}
    tops, y = {}, 0.0
    for k in range(max(rows) + 1):
        tops[k] = y
        y += heights.get(k, BEND_WIDTH) + vgap
    height = y - vgap
    centres = {i: (xs[("node", i)] - left, tops[layer[i]] + heights[layer[i]] / 2) for i in ids}
    width = max(centres[i][0] + sizes[i][0] / 2 for i in ids)
    routes = {}
    for e, (s, t) in enumerate(edges):
        sx, sy = centres[s]
        tx, ty = centres[t]
        bends = [(xs[("bend", e, p)] - left, tops[int(round(by))] + heights[int(round(by))] / 2)
                 for p, (_, by) in enumerate(result.edge_routing[e])]
        routes[(s, t)] = [(sx, sy + sizes[s][1] / 2), *bends, (tx, ty - sizes[t][1] / 2)]
    return Placement(centres, routes, width, height)
