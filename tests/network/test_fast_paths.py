"""The vectorised steps of loading a network against the plain versions they replaced.

Each reference below is the earlier, per-row or pandas-grouping implementation, kept verbatim
(only renamed) so that the faster path is checked to give the same answer: on hand tables with
awkward tags and geometries, and on the real Wuhan table (with reversed and duplicated rows
added, so that the orientation and reciprocal-row steps have work to do).
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest
import shapely
from scipy import sparse
from scipy.sparse import csgraph

from coverage import network
from coverage.network import edges as E
from coverage.network import graph as G
from coverage.network import walkable as W

# ----------------------------------------------------------------------------- references


def ref_tag_values(edges: pd.DataFrame, key: str) -> list[str]:
    if key not in edges:
        return [""] * len(edges)
    return [W._first_tag(v).strip().lower() for v in edges[key]]


def ref_walkable_mask(edges: pd.DataFrame) -> tuple[np.ndarray, dict[str, int]]:
    if "highway" not in edges:
        return np.ones(len(edges), dtype=bool), {}
    rules = W.walk_rules()
    highways = [tuple(t.strip().lower() for t in W._all_tags(v)) for v in edges["highway"]]
    reasons = [
        W._not_walkable(h, f, a, rules)
        for h, f, a in zip(
            highways, ref_tag_values(edges, "foot"), ref_tag_values(edges, "access"), strict=True
        )
    ]
    keep = np.array([r is None for r in reasons], dtype=bool)
    return keep, W._count(r for r in reasons if r is not None)


def ref_reciprocal_rows(edges: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    pair = pd.DataFrame({"u": edges["u"].to_numpy(), "v": edges["v"].to_numpy()})
    pair["L"] = edges.geometry.length.round(1).to_numpy()
    mid = shapely.line_interpolate_point(edges.geometry.values, 0.5, normalized=True)
    pair["mx"] = shapely.get_x(mid).round(1)
    pair["my"] = shapely.get_y(mid).round(1)
    cols = ["u", "v", "L", "mx", "my"]
    fwd = pd.MultiIndex.from_frame(pair[cols])
    bwd = pd.MultiIndex.from_frame(pair[["v", "u", "L", "mx", "my"]].set_axis(cols, axis=1))
    has_twin = bwd.isin(fwd)
    drop_twin = has_twin & (pair["u"].to_numpy() > pair["v"].to_numpy())
    return has_twin, drop_twin


def ref_orient(edges: gpd.GeoDataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    geoms = edges.geometry.values
    first = shapely.get_coordinates(shapely.get_point(geoms, 0))
    last = shapely.get_coordinates(shapely.get_point(geoms, -1))
    u = edges["u"].to_numpy()
    v = edges["v"].to_numpy()
    cand = pd.DataFrame(
        {
            "node": np.concatenate([u, u, v, v]),
            "x": np.concatenate([first[:, 0], last[:, 0], first[:, 0], last[:, 0]]).round(2),
            "y": np.concatenate([first[:, 1], last[:, 1], first[:, 1], last[:, 1]]).round(2),
        }
    )
    counts = cand.groupby(["node", "x", "y"], sort=False).size().rename("n").reset_index()
    counts = counts.sort_values(["node", "n"], ascending=[True, False])
    best = counts.drop_duplicates("node", keep="first").set_index("node")
    second_n = counts.groupby("node")["n"].nth(1)
    second_n = pd.Series(second_n.to_numpy(), index=counts.loc[second_n.index, "node"].to_numpy())
    ambiguous = best["n"].to_numpy() <= second_n.reindex(best.index).fillna(0).to_numpy()
    resolved = pd.Series(~ambiguous, index=best.index)

    def dist(p: npt.NDArray[np.float64], nodes: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
        b = best.loc[nodes]
        bx = np.asarray(b["x"], dtype=np.float64)
        by = np.asarray(b["y"], dtype=np.float64)
        return np.hypot(p[:, 0] - bx, p[:, 1] - by)

    u_ok = resolved.loc[u].to_numpy()
    v_ok = resolved.loc[v].to_numpy()
    rev_u = dist(first, u) > dist(last, u)
    rev_v = dist(last, v) > dist(first, v)
    reverse = np.where(u_ok, rev_u, np.where(v_ok, rev_v, False))
    start = np.where(reverse[:, None], last, first)
    end = np.where(reverse[:, None], first, last)
    pos = pd.DataFrame(
        {
            "node": np.concatenate([u, v]),
            "x": np.concatenate([start[:, 0], end[:, 0]]),
            "y": np.concatenate([start[:, 1], end[:, 1]]),
            "ok": np.concatenate([u_ok, v_ok]),
        }
    )
    pos = pos.sort_values("ok", ascending=False).drop_duplicates("node").set_index("node")
    good = resolved[resolved].index
    pos.loc[good, "x"] = best.loc[good, "x"].to_numpy()
    pos.loc[good, "y"] = best.loc[good, "y"].to_numpy()
    return reverse, pos[["x", "y"]]


def ref_csr_min(
    rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, n_rows: int, n_cols: int
) -> sparse.csr_matrix:
    keep = rows != cols
    rows, cols, vals = rows[keep], cols[keep], vals[keep]
    order = np.lexsort((vals, cols, rows))
    rows, cols, vals = rows[order], cols[order], vals[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    rows, cols, vals = rows[first], cols[first], vals[first]
    vals = np.maximum(vals, 1e-6)
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.add.at(indptr, rows + 1, 1)
    return sparse.csr_matrix(
        (vals.astype(float), cols.astype(np.int32), np.cumsum(indptr)), shape=(n_rows, n_cols)
    )


# ----------------------------------------------------------------------------- tables


def awkward_tags(hand: Any) -> gpd.GeoDataFrame:
    """A grid whose rows carry every kind of tag cell the readers meet."""
    lines = hand.grid(4, 50.0)
    table = hand.table(lines)
    n = len(table)
    hw: list[Any] = ["residential", "FOOTWAY ", "motorway", None, np.nan, "['trunk', 'footway']"]
    hw += [["motorway", "service"], ("steps",), "", "steps", "cycleway", "proposed"]
    foot: list[Any] = [None, "no", "yes", np.nan, "Designated", 1, True, "['no', 'yes']", ""]
    access: list[Any] = ["private", None, "no", "yes", pd.NA, 1.0, "customers", ""]
    oneway: list[Any] = ["yes", "-1", True, False, None, 1, 1.0, "reverse", "['yes', 'no']", "no"]
    table["highway"] = [hw[i % len(hw)] for i in range(n)]
    table["foot"] = [foot[i % len(foot)] for i in range(n)]
    table["access"] = [access[i % len(access)] for i in range(n)]
    table["oneway"] = [oneway[i % len(oneway)] for i in range(n)]
    return table


@pytest.fixture(scope="module")
def wuhan_table(wuhan_edges_path: Any) -> gpd.GeoDataFrame:
    """The Wuhan table with every 7th geometry drawn backwards and every 11th row doubled the
    other way (u, v swapped, geometry reversed: reciprocal twins)."""
    t = network.read_edge_table(wuhan_edges_path)
    t = t[t["u"] != t["v"]].reset_index(drop=True)
    geoms = np.asarray(t.geometry.values).copy()
    geoms[::7] = shapely.reverse(geoms[::7])
    t = t.set_geometry(geoms)
    twins = t.iloc[::11].copy()
    twins["u"], twins["v"] = t["v"].iloc[::11].to_numpy(), t["u"].iloc[::11].to_numpy()
    twins = twins.set_geometry(shapely.reverse(np.asarray(twins.geometry.values)))
    return gpd.GeoDataFrame(pd.concat([t, twins], ignore_index=True), crs=t.crs)


# ----------------------------------------------------------------------------- tests


def test_walkable_mask_matches_reference_on_awkward_tags(hand):
    table = awkward_tags(hand)
    keep, dropped = W._walkable_mask(table)
    ref_keep, ref_dropped = ref_walkable_mask(table)
    np.testing.assert_array_equal(keep, ref_keep)
    assert dropped == ref_dropped
    assert list(dropped) == list(ref_dropped)  # same order (largest first, then by label)
    assert 0 < keep.sum() < len(table)  # both kinds present: the comparison can fail


def test_walkable_mask_matches_reference_on_string_columns(hand):
    table = awkward_tags(hand)
    for col in ("highway", "foot", "access"):  # all-string (pandas str dtype) columns
        table[col] = table[col].map(W._first_tag).astype("str")
    assert pd.api.types.is_string_dtype(table["highway"])
    keep, dropped = W._walkable_mask(table)
    ref_keep, ref_dropped = ref_walkable_mask(table)
    np.testing.assert_array_equal(keep, ref_keep)
    assert dropped == ref_dropped


def test_map_distinct_matches_map(hand):
    table = awkward_tags(hand)
    for col in ("highway", "foot", "access", "oneway"):
        for fn in (W._first_tag, W._truthy):
            got = W._map_distinct(table[col], fn)
            pd.testing.assert_series_equal(got, table[col].map(fn).astype(object))
    strings = pd.Series(["yes", None, "no", "yes", np.nan], dtype="str")
    pd.testing.assert_series_equal(
        W._map_distinct(strings, W._first_tag), strings.map(W._first_tag).astype(object)
    )


def test_walkable_mask_matches_reference_on_wuhan(wuhan_table):
    keep, dropped = W._walkable_mask(wuhan_table)
    ref_keep, ref_dropped = ref_walkable_mask(wuhan_table)
    np.testing.assert_array_equal(keep, ref_keep)
    assert dropped == ref_dropped and dropped


def test_reciprocal_rows_match_reference(hand, wuhan_table):
    lines = hand.grid(3, 100.0)
    back = [(v, u, list(reversed(c)), h) for u, v, c, h in lines[::2]]
    near_twin = [(1, 0, [(100, 0), (50, 0.3), (0, 0)], "residential")]  # same ends, other midpoint
    for table in (hand.table(lines + back + near_twin), wuhan_table):
        has, drop = E._reciprocal_rows(table)
        ref_has, ref_drop = ref_reciprocal_rows(table)
        np.testing.assert_array_equal(has, ref_has)
        np.testing.assert_array_equal(drop, ref_drop)
        assert drop.any() and not has.all()


def test_orient_matches_reference(hand, wuhan_table):
    lines = hand.grid(4, 50.0)
    lines = [
        (u, v, list(reversed(c)) if i % 3 == 0 else c, h) for i, (u, v, c, h) in enumerate(lines)
    ]
    lines.append((99, 98, [(500, 500), (520, 500)], "residential"))  # a lone edge: unresolved
    for table in (hand.table(lines), wuhan_table):
        reverse, pos, u_idx, v_idx = E._orient(table)
        ref_reverse, ref_pos = ref_orient(table)
        np.testing.assert_array_equal(reverse, ref_reverse)
        pd.testing.assert_frame_equal(pos, ref_pos)
        index_of = pd.Series(np.arange(len(ref_pos)), index=ref_pos.index)
        np.testing.assert_array_equal(u_idx, index_of.loc[table["u"].to_numpy()].to_numpy())
        np.testing.assert_array_equal(v_idx, index_of.loc[table["v"].to_numpy()].to_numpy())
        assert reverse.any() and not reverse.all()


def test_csr_components_and_subset_match_reference(wuhan_table):
    net = network.from_edges(wuhan_table, component="all")
    tail, head, t, _ = net.arcs
    got = net.csr
    ref = ref_csr_min(tail, head, t, net.n_nodes, net.n_nodes)
    assert (got != ref).nnz == 0
    np.testing.assert_array_equal(got.indptr, ref.indptr)
    np.testing.assert_array_equal(got.indices, ref.indices)
    np.testing.assert_array_equal(got.data, ref.data)
    for strong in (True, False):
        kind = "strong" if strong else "weak"
        out = G.largest_component(net, strong=strong)
        n_comp, labels = csgraph.connected_components(ref, directed=True, connection=kind)
        in_main = labels == np.bincount(labels).argmax()
        assert out.report["component"]["components"] == n_comp > 1
        used = np.unique(
            np.concatenate([net.edges["u_idx"], net.edges["v_idx"]])[
                np.concatenate([in_main[net.edges["u_idx"]] & in_main[net.edges["v_idx"]]] * 2)
            ]
        )
        np.testing.assert_array_equal(out.node_ids, net.node_ids[used])
        np.testing.assert_array_equal(out.node_ids[out.edges["u_idx"]], out.edges["u"])
        np.testing.assert_array_equal(out.node_ids[out.edges["v_idx"]], out.edges["v"])
