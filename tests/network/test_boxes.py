"""Groups of sources routed together: the cells by a plain dictionary of cell coordinates."""

from __future__ import annotations

import math

import numpy as np
import pytest

from coverage import routing
from coverage.network import boxes


def plain_groups(net, ok, edge, radius, chunk):
    """Sources by the cell (side 4 × radius) of their segment's ``v``, cells in (x, y) order."""
    side = max(4 * radius, 1.0)
    cells: dict[tuple[float, float], list[int]] = {}
    v_idx = net.edges["v_idx"].to_numpy()
    for i in np.flatnonzero(ok):
        v = v_idx[edge[i]]
        cells.setdefault((math.floor(net.x[v] / side), math.floor(net.y[v] / side)), []).append(i)
    out = []
    for key in sorted(cells):
        g = cells[key]
        out += [np.array(g[a : a + chunk]) for a in range(0, len(g), chunk)]
    return out


@pytest.mark.parametrize("radius", [5.0, 40.0, 120.0, 1e9, np.inf])
def test_groups_equal_a_dictionary_of_cells(hand, radius, monkeypatch):
    net = hand.net(hand.grid(6))
    rng = np.random.default_rng(int(radius) % 97 if np.isfinite(radius) else 1)
    s = routing.snap(net, hand.pts(rng.uniform(-20, 520, (80, 2)).tolist()))
    ok = s.ok & (rng.random(len(s)) < 0.9)
    for chunk in (64, 3):
        monkeypatch.setattr(boxes, "CHUNK", chunk)
        got = boxes.groups(net, ok, s.edge, radius)
        want = plain_groups(net, ok, s.edge, radius, chunk)
        assert len(got) == len(want) and all(
            np.array_equal(a, b) for a, b in zip(got, want, strict=True)
        )
    assert boxes.groups(net, np.zeros(len(s), dtype=bool), s.edge, radius) == []
