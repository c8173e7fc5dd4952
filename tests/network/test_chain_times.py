"""A routing on the core graph by group: the (source, chain) pairs against the reached core
nodes they come from, on the hand network of ``test_chains.py``; and the node-time matrix against
the sort-based path it replaced (bit for bit), there and on the real Wuhan network."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from scipy import sparse

from coverage import routing
from coverage.network import boxes, chain_times, chains
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


# ----------------------------------------------------------------------------- the replaced path


def ref_by_source(groups, parts, k, n):
    """The former ``chain_times.by_source`` (rows put in order by a radix sort per group, each
    source's run gathered), kept verbatim but for its name and the unordered path only."""
    from coverage._arrays import ranges

    counts = np.zeros(k, dtype=np.int64)
    start = np.zeros(k, dtype=np.int64)
    cols, vals = [], []
    offset = 0
    for grp, (row, c, v) in zip(groups, parts, strict=True):
        small = np.int8 if len(grp) <= 127 else np.int64
        order = np.argsort(row.astype(small), kind="stable")
        cols.append(c[order])
        vals.append(v[order])
        per_row = np.bincount(row, minlength=len(grp))
        counts[grp] = per_row
        start[grp] = offset + np.cumsum(per_row) - per_row
        offset += len(row)
    pos = ranges(start, counts)[0]
    col = np.concatenate(cols) if cols else np.zeros(0, np.int64)
    val = np.concatenate(vals) if vals else np.zeros(0)
    indptr = np.concatenate([[0], np.cumsum(counts)])
    return sparse.csr_matrix((val[pos], col[pos].astype(np.int32), indptr), shape=(k, n))


def ref_node_matrix(r):
    """``Reach.times`` as it was built: each group's node times, by source, then sorted."""
    ch, ent, groups = r.routed.chains, r.routed.entries, r.routed.groups
    parts = [chain_times.node_times(ch, ent, g, r.limit_s) for g in groups]
    times = ref_by_source([g.sources for g in groups], parts, len(r.sources), len(ch.local))
    times.sort_indices()
    return times


def assert_same_matrix(got, ref):
    assert got.shape == ref.shape
    for a, b in ((got.indptr, ref.indptr), (got.indices, ref.indices), (got.data, ref.data)):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    # sorted as it says: a fresh matrix of the same arrays checks its own indices
    fresh = sparse.csr_matrix((got.data, got.indices, got.indptr), shape=got.shape)
    assert got.has_sorted_indices and fresh.has_sorted_indices


def test_node_matrix_equals_sorting(hand, chain_net, monkeypatch):
    net = chain_net
    rng = np.random.default_rng(6)
    on_nodes = (np.c_[net.x, net.y] - [hand.x0, hand.y0]).tolist()
    pts = rng.uniform([-150, -450], [1150, 200], (80, 2)).tolist() + on_nodes + [(30, 900)]
    s = routing.snap(net, hand.pts(pts))
    assert not s.ok.all()  # an unsnapped source: an empty row
    whole = boxes.CHUNK
    for chunk in (whole, 3, 1):
        monkeypatch.setattr(boxes, "CHUNK", chunk)
        for limit in (0.5, 40.0, 180.0, 420.0, np.inf):
            r = routing.reach(net, s, limit)
            assert_same_matrix(r.times, ref_node_matrix(r))
        assert r.times.nnz > 500  # most of the 100 × 19 (source, node) cells
    # the dense block a few rows at a time (40 cells: 2 rows of 19 nodes), or one cell
    monkeypatch.setattr(boxes, "CHUNK", whole)
    r = routing.reach(net, s, 420.0)
    assert max(len(g.sources) for g in r.routed.groups) > 2
    ref = ref_node_matrix(r)
    for cells in (40, 1):
        monkeypatch.setattr(chain_times, "BLOCK_CELLS", cells)
        assert_same_matrix(routing.reach(net, s, 420.0).times, ref)
    none = routing.reach(net, routing.snap(net, hand.pts([])), 100.0)
    assert none.times.shape == (0, net.n_nodes) and none.times.nnz == 0


@pytest.mark.realdata
def test_wuhan_node_matrix_equals_sorting(wuhan_net):
    net = wuhan_net
    rng = np.random.default_rng(15)
    e = rng.integers(0, net.n_edges, 400)
    geoms = net.edges.geometry.values[e]
    s = routing.snap(net, shapely.line_interpolate_point(geoms, rng.random(400), normalized=True))
    for limit in (120.0, 900.0):
        r = routing.reach(net, s, limit)
        assert_same_matrix(r.times, ref_node_matrix(r))
    assert r.times.nnz > 400 * 100


# --------------------------------------------------- the block orderer against the loops it replaced


def ref_in_node_order(row, col, t, rows, used, block):
    """The former ``chain_times._in_node_order``, kept verbatim but for its name."""
    size = rows * len(used)
    if len(block[0]) < size:
        block = np.zeros(size, dtype=bool), np.empty(size)
    mark, value = block
    cell = row * len(used) + col
    value[cell] = t
    mark[cell] = True
    flat = np.flatnonzero(mark[:size])
    mark[flat] = False  # clean for the next group
    r, c = np.divmod(flat, max(len(used), 1))
    return block, (r, used[c], value[flat])


def ref_node_blocks(row, col, t, n_rows, used, step):
    """The former block loop of ``node_matrix`` for one group, verbatim but for its inputs."""
    block = np.zeros(0, dtype=bool), np.empty(0)
    if n_rows <= step:
        block, (r, c, v) = ref_in_node_order(row, col, t, n_rows, used, block)
    else:
        chunks = []
        for r0 in range(0, n_rows, step):
            x = np.flatnonzero((row >= r0) & (row < r0 + step))
            rows = min(step, n_rows - r0)
            block, (r, c, v) = ref_in_node_order(row[x] - r0, col[x], t[x], rows, used, block)
            chunks.append((r + r0, c, v))
        r, c, v = (np.concatenate(y) for y in zip(*chunks, strict=True))
    return r, c, v


def ref_in_order(found, same, m, cap, block):
    """The former ``chain_points._in_order``, kept verbatim but for its name."""
    mark, value = block
    row, pt, t = found
    cell = row * m + pt
    value[cell] = t  # one pair per cell
    mark[cell] = True
    s_row, s_pt, s_t = same
    cell = s_row * m + s_pt
    best = np.minimum(np.where(mark[cell], value[cell], np.inf), s_t)
    ok = best <= cap
    value[cell[ok]] = best[ok]
    mark[cell[ok]] = True
    flat = np.flatnonzero(mark)
    mark[flat] = False  # clean for the next block
    return flat, value[flat]


def ref_point_blocks(found, same, n_rows, m, cap, step):
    """The former block loop of ``routed_point_times`` for one group, verbatim but its inputs."""
    (row, pt, t), (s_row, s_pt, s_t) = found, same
    size = min(step, n_rows) * m
    block = np.zeros(size, dtype=bool), np.empty(size)
    out = []
    for r0 in range(0, n_rows, step):
        a = (row >= r0) & (row < r0 + step)
        b = (s_row >= r0) & (s_row < r0 + step)
        flat, v = ref_in_order(
            (row[a] - r0, pt[a], t[a]), (s_row[b] - r0, s_pt[b], s_t[b]), m, cap, block
        )
        r, c = np.divmod(flat, m)
        out.append((r + r0, c, v))
    return tuple(np.concatenate(x) for x in zip(*out, strict=True))


def assert_same_cells(got, ref):
    for a, b in zip(got, ref, strict=True):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("seed", range(4))
def test_cells_in_order_equals_the_loops_it_replaced(seed):
    rng = np.random.default_rng(seed)
    n_rows, width, cap = 23, 11, 7.0
    # each cell at most once, in ascending runs of rows (as node_times and point_times give)
    cells = rng.choice(n_rows * width, 150, replace=False)
    runs = np.array_split(cells, 4)
    found_cells = np.concatenate([np.sort(x) for x in runs])
    row, col = np.divmod(found_cells, width)
    t = rng.uniform(0, 10, len(row)).round(1)  # ties with the walks below
    # walks along a shared segment: repeated cells, some beyond cap, rows unsorted
    s_row, s_col = rng.integers(0, n_rows, 80), rng.integers(0, width, 80)
    s_t = rng.uniform(0, 10, 80).round(1)
    none = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0)
    used = np.sort(rng.choice(1000, width, replace=False))
    assert not np.all(np.diff(row) >= 0)
    for step in (1, 2, 3, 7, 22, 23, 100):
        block = np.zeros(0, dtype=bool), np.empty(0)
        _, got = chain_times._cells_in_order(
            (row, col, t), (s_row, s_col, s_t), (n_rows, width), step, cap, block
        )
        ref = ref_point_blocks((row, col, t), (s_row, s_col, s_t), n_rows, width, cap, step)
        assert_same_cells(got, ref)
        assert len(got[0]) > 150  # walks add cells; rows ascending, columns within a row
        assert np.all(np.diff(got[0] * width + got[1]) > 0)
        _, (r, c, v) = chain_times._cells_in_order((row, col, t), none, (n_rows, width), step,
                                                   np.inf, block)  # fmt: skip
        assert_same_cells((r, used[c], v), ref_node_blocks(row, col, t, n_rows, used, step))
