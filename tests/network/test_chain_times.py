"""A routing on the core graph by group: the (source, chain) pairs against the reached core
nodes they come from, on the hand network of ``test_chains.py``."""

from __future__ import annotations

import numpy as np
import pytest

from coverage import routing
from coverage.network import chain_times, chains
from tests.network.test_chains import LINES


@pytest.fixture(scope="module")
def chain_net(hand):
    return hand.net([(*ln, None) if len(ln) == 4 else ln for ln in LINES], component="all")


def test_group_pairs_are_unique(hand, chain_net):
    net = chain_net
    ch = chains.chains(net)
    rng = np.random.default_rng(2)
    s = routing.snap(net, hand.pts(rng.uniform([-150, -450], [1150, 200], (50, 2)).tolist()))
    r = routing.reach(net, s, 500.0)
    every = chains.incidence(ch, np.arange(ch.n_chains))
    n_pairs = 0
    for g in r.routed.groups:
        pr = chain_times.pairs(ch, r.routed.entries, g, every, None)
        key = pr.row * ch.n_chains + pr.chain
        assert len(np.unique(key)) == len(key)
        # a pair for every chain with a reached end, and each of them reached there
        reached = dense_rows(g, ch)
        for row, c, ta, tb in zip(pr.row, pr.chain, pr.ta, pr.tb, strict=True):
            assert ta == reached[row].get(int(ch.a[c]), np.inf)
            assert tb == reached[row].get(int(ch.b[c]), np.inf)
        want = {(row, c) for row in range(len(g.sources)) for c in range(ch.n_chains)
                if ch.a[c] in reached[row] or ch.b[c] in reached[row]}  # fmt: skip
        assert want <= set(zip(pr.row.tolist(), pr.chain.tolist(), strict=True))
        n_pairs += len(key)
    assert n_pairs > 50


def dense_rows(g, ch):
    out = [{} for _ in g.sources]
    for row, y, t in zip(g.core_row, g.core_node, g.core_time, strict=True):
        out[row][int(y)] = t
    return out
