"""Street edge tables (GeoParquet, GeoPackage, osmnx's edge GeoDataFrame) into a walking network.

:func:`from_edges` is where every loader ends: it checks the table, keeps the walkable segments,
applies the one-way rules for walkers, merges the two rows of a street walked both ways, orients
every geometry from ``u`` to ``v`` and keeps one connected component.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from pyproj import CRS

from coverage import settings
from coverage.errors import Msg, NetworkError
from coverage.network.graph import WalkNetwork, largest_component
from coverage.network.walkable import (
    _count,
    _first_tag,
    _map_distinct,
    _truthy,
    _walkable_mask,
)
from coverage.scenario.defaults import setting

__all__ = ["from_edges", "read_edge_table"]


def read_edge_table(path: str | Path) -> gpd.GeoDataFrame:
    """Read a GeoParquet/GeoPackage/… street edge table.

    Parameters
    ----------
    path
        A GeoParquet, GeoPackage or other file GDAL reads, one row per street edge (``u``, ``v``,
        ``key``, ``highway``, geometry).

    Returns
    -------
    GeoDataFrame
        The edges as the file has them.
    """
    path = Path(path)
    if path.suffix.lower() in (".parquet", ".geoparquet"):
        return gpd.read_parquet(path)
    return gpd.read_file(path)


def from_edges(
    edges: gpd.GeoDataFrame,
    *,
    speed_kmh: float | None = None,
    steps_penalty: float | None = None,
    component: str = "strong",
    source: str = "edge table",
) -> WalkNetwork:
    """Build a :class:`WalkNetwork` from a street edge table.

    Parameters
    ----------
    edges
        GeoDataFrame with ``u``, ``v`` and LineString geometries; optional ``key``, ``highway``,
        ``oneway``, ``foot``, ``access`` columns (OSM tags, as osmnx writes them).
    speed_kmh
        Walking speed; default :data:`coverage.settings.walk_speed_kmh`.
    steps_penalty
        Multiplier on the time of ``highway=steps`` segments; default
        :data:`coverage.settings.steps_penalty`.
    component
        ``"strong"`` or ``"weak"``: which largest connected component to keep; ``"all"`` keeps
        everything.
    source
        Name of the input, used in messages.

    Returns
    -------
    WalkNetwork
    """
    speed_kmh = setting("walk_speed_kmh") if speed_kmh is None else speed_kmh
    steps_penalty = setting("steps_penalty") if steps_penalty is None else steps_penalty
    if not speed_kmh > 0:
        raise NetworkError(Msg("error.network.speed", speed=speed_kmh))
    if not 1 <= steps_penalty < np.inf:  # below 1 stairs would be quicker than the street
        raise ValueError(f"steps_penalty must be a number >= 1, not {steps_penalty!r}")
    if component not in ("strong", "weak", "all"):  # else "biggest" was read as "weak"
        raise ValueError(f"component must be 'strong', 'weak' or 'all', not {component!r}")
    edges, n_in = _checked_lines(edges, source)

    keep, dropped = _walkable_mask(edges)
    if not keep.any():  # an empty network would route nobody anywhere, without a word
        left = list(_count(dropped).items())
        shown = ", ".join(f"{k}: {n}" for k, n in left[:5]) + (", …" if len(left) > 5 else "")
        msg = Msg("error.network.no_walkable", file=source, n=n_in)
        raise NetworkError(msg + Msg("error.network.left_out", shown=shown) if left else msg)
    edges = edges[keep]
    edges = edges[edges["u"] != edges["v"]] if (edges["u"] == edges["v"]).any() else edges
    if (n_loops := int(keep.sum()) - len(edges)) > 0:
        dropped["self-loops"] = n_loops

    highway = (
        _map_distinct(edges["highway"], _first_tag)
        if "highway" in edges
        else pd.Series("", index=edges.index)
    )
    edges, oneway = _one_way_for_walkers(edges, highway)
    has_twin, drop_twin = _reciprocal_rows(edges)
    edges = edges[~drop_twin]
    oneway = oneway[~drop_twin] & ~has_twin[~drop_twin]
    highway = highway[~drop_twin]

    net = _network(edges, highway, oneway, speed_kmh / 3.6, steps_penalty, source)
    if component != "all":
        net = largest_component(net, strong=component == "strong")
    net.report.update(
        {
            "segments_in": n_in,
            "dropped_not_walkable": dropped,
            "reciprocal_rows_merged": int(drop_twin.sum()),
            "one_way_for_walkers": int(oneway.sum()),
        }
    )
    return net


def _checked_lines(edges: gpd.GeoDataFrame, source: str) -> tuple[gpd.GeoDataFrame, int]:
    """The table's line rows, in a metric CRS, one LineString each.

    Also returns how many rows had a geometry. A table that cannot be a street network is refused,
    naming the first bad row.
    """
    if not isinstance(edges, gpd.GeoDataFrame):
        raise TypeError(f"edges must be a GeoDataFrame of street lines, not {type(edges).__name__}")
    missing = [c for c in ("u", "v") if c not in edges.columns]
    if missing:
        raise NetworkError(Msg("error.network.missing_columns", file=source, missing=missing))
    if edges.crs is None:
        raise NetworkError(Msg("error.network.no_crs", file=source))
    edges = edges.reset_index(drop=edges.index.names == [None])
    present = edges.geometry.notna().to_numpy() & ~edges.geometry.is_empty.to_numpy()
    kinds = edges.geom_type.to_numpy()
    lines = np.isin(kinds, ["LineString", "MultiLineString"])
    if (bad := np.flatnonzero(present & ~lines)).size:
        raise NetworkError(
            Msg(
                "error.network.not_lines",
                file=source,
                row=int(bad[0]) + 1,
                kind=str(kinds[bad[0]]),
                n=int(bad.size),
            )
        )
    edges = edges[present]
    n_in = len(edges)
    if n_in == 0:
        raise NetworkError(Msg("error.network.no_segments", file=source))
    crs = CRS.from_user_input(edges.crs)
    if crs.is_geographic:
        edges = edges.to_crs(edges.estimate_utm_crs())
    elif (epsg := crs.to_epsg(min_confidence=70)) is not None:
        edges = edges.set_crs(
            epsg, allow_override=True
        )  # a plain EPSG code reads better in outputs
    edges = edges.explode(index_parts=False) if (edges.geom_type != "LineString").any() else edges
    return edges, n_in


def _one_way_for_walkers(
    edges: gpd.GeoDataFrame, highway: pd.Series
) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """Which segments walkers may use one way only.

    Rows one-way against their drawing direction are flipped (``u``, ``v`` and geometry) so that
    ``u → v`` is the permitted way.
    """
    pedestrian = highway.isin(settings.pedestrian_highways).to_numpy()
    oneway = (
        _map_distinct(edges["oneway"], _truthy).to_numpy(bool)
        if "oneway" in edges
        else np.zeros(len(edges), bool)
    )
    # oneway=-1 / reverse (raw OSM tags in an edge table): one-way AGAINST the drawing direction.
    backward = (
        _map_distinct(edges["oneway"], _first_tag).str.lower().isin(["-1", "reverse"]).to_numpy()
        if "oneway" in edges
        else np.zeros(len(edges), bool)
    )
    oneway = oneway | backward
    if "oneway:foot" in edges:
        foot_ow = _map_distinct(edges["oneway:foot"], _first_tag).str.lower()
        foot_back = foot_ow.isin(["-1", "reverse"]).to_numpy()
        given = foot_ow.isin(["yes", "no"]).to_numpy() | foot_back
        oneway = np.where(given, foot_ow.eq("yes").to_numpy() | foot_back, oneway & pedestrian)
        backward = np.where(given, foot_back, backward)
    else:
        # On roads `oneway` binds vehicles, not walkers; on footways it binds walkers too.
        oneway = oneway & pedestrian
    if (flip := oneway & backward).any():
        # Flip such rows so that u → v (and the geometry) runs the permitted way.
        u0, v0 = edges["u"].to_numpy(), edges["v"].to_numpy()
        geoms0 = edges.geometry.values.copy()
        geoms0[flip] = shapely.reverse(geoms0[flip])
        edges = edges.assign(u=np.where(flip, v0, u0), v=np.where(flip, u0, v0))
        edges[edges.geometry.name] = geoms0
    return edges, oneway


def _reciprocal_rows(edges: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Rows with a reciprocal twin, and the twin of each pair to drop.

    Reciprocal rows (u,v)/(v,u) of a bidirectional graph are one street walked both ways.
    They are matched by length and midpoint, not by edge key: osmnx numbers parallel edges per
    direction, so the two rows of one street get different keys when a one-way road also
    joins u to v (u→v: road 0, street 1; v→u: street 0).
    """
    u = edges["u"].to_numpy()
    v = edges["v"].to_numpy()
    codes = pd.factorize(np.concatenate([u, v]))[0]
    cu, cv = codes[: len(u)], codes[len(u) :]
    lo, hi, forward = np.minimum(cu, cv), np.maximum(cu, cv), cu < cv
    # Only rows whose node pair is also joined the other way can have a twin: measure just those.
    cand = np.flatnonzero(_other_way_in_group((lo, hi), forward))
    geoms = np.asarray(edges.geometry.values)[cand]
    length = shapely.length(geoms).round(1)
    mid = shapely.line_interpolate_point(geoms, 0.5, normalized=True)
    keys = (lo[cand], hi[cand], length, shapely.get_x(mid).round(1), shapely.get_y(mid).round(1))
    has_twin = np.zeros(len(u), dtype=bool)
    has_twin[cand] = _other_way_in_group(keys, forward[cand])
    drop_twin = has_twin & (u > v)
    return has_twin, drop_twin


def _other_way_in_group(keys: tuple[np.ndarray, ...], forward: np.ndarray) -> np.ndarray:
    """Rows sharing all ``keys`` with some row of the other direction (``forward`` flags)."""
    n = len(forward)
    if n == 0:
        return np.zeros(0, dtype=bool)
    order = np.lexsort(keys[::-1])
    start = np.zeros(n, dtype=bool)
    start[0] = True
    for k in keys:
        ks = k[order]
        start[1:] |= ks[1:] != ks[:-1]
    group = np.cumsum(start) - 1
    f = forward[order]
    n_fwd = np.bincount(group, weights=f)
    n_all = np.bincount(group)
    out = np.empty(n, dtype=bool)
    out[order] = np.where(f, n_all[group] > n_fwd[group], n_fwd[group] > 0)
    return out


def _network(
    edges: gpd.GeoDataFrame,
    highway: pd.Series,
    oneway: np.ndarray,
    speed: float,
    steps_penalty: float,
    source: str,
) -> WalkNetwork:
    """The network of the kept rows: geometries oriented u → v, nodes numbered, times set."""
    reverse, pos, u_idx, v_idx = _orient(edges)
    geoms = np.array(edges.geometry.values)  # a new array of the same (immutable) geometries
    geoms[reverse] = shapely.reverse(geoms[reverse])
    node_ids = pos.index.to_numpy()
    length = shapely.length(geoms)
    penalty = np.where(highway.to_numpy() == "steps", steps_penalty, 1.0)
    out = gpd.GeoDataFrame(
        {
            "u": edges["u"].to_numpy(),
            "v": edges["v"].to_numpy(),
            "key": edges["key"].to_numpy() if "key" in edges else 0,
            "u_idx": u_idx,
            "v_idx": v_idx,
            "highway": highway.to_numpy(),
            "length": length,
            "time_s": length / speed * penalty,
            "two_way": ~oneway,
        },
        geometry=geoms,
        crs=edges.crs,
    )
    if "name" in edges:
        out["name"] = _map_distinct(edges["name"], _first_tag).to_numpy()
    return WalkNetwork(
        out, node_ids, pos["x"].to_numpy(float), pos["y"].to_numpy(float), speed, {"source": source}
    )


def _orient(
    edges: gpd.GeoDataFrame,
) -> tuple[np.ndarray, pd.DataFrame, npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Flag edges whose geometry runs v→u; return node coordinates and each edge's end nodes.

    The nodes are numbered in the order of the returned table; the last two arrays are the
    positions of each edge's ``u`` and ``v`` in it.

    Edge tables from undirected osmnx graphs store geometries in either direction. A node's true
    position is the end point shared by all its edges, so it is the most frequent candidate
    (a node whose most frequent candidate is tied is unresolved).
    """
    geoms = np.asarray(edges.geometry.values)
    first, last = _end_coordinates(geoms)
    u = edges["u"].to_numpy()
    v = edges["v"].to_numpy()
    nodes, inv = np.unique(np.concatenate([u, v]), return_inverse=True)
    cu, cv = inv[: len(u)], inv[len(u) :]
    # Number the distinct end points (rounded to 1 cm; hashing x + iy is exact).
    z = np.empty(2 * len(u), dtype=np.complex128)
    z.real = np.concatenate([first[:, 0], last[:, 0]]).round(2)
    z.imag = np.concatenate([first[:, 1], last[:, 1]]).round(2)
    point, points = pd.factorize(z)
    pf, pl = point[: len(u)], point[len(u) :]
    best, resolved = _consensus(
        np.concatenate([cu, cu, cv, cv]), np.concatenate([pf, pl, pf, pl]), len(points), len(nodes)
    )
    coords = np.asarray(points, dtype=np.complex128)[best]
    best_x: npt.NDArray[np.float64] = coords.real
    best_y: npt.NDArray[np.float64] = coords.imag

    def dist(p: npt.NDArray[np.float64], c: npt.NDArray[np.intp]) -> npt.NDArray[np.float64]:
        return np.hypot(p[:, 0] - best_x[c], p[:, 1] - best_y[c])

    u_ok = resolved[cu]
    v_ok = resolved[cv]
    rev_u = dist(first, cu) > dist(last, cu)  # first point is not at u
    rev_v = dist(last, cv) > dist(first, cv)  # last point is not at v
    reverse = np.where(u_ok, rev_u, np.where(v_ok, rev_v, False))
    start = np.where(reverse[:, None], last, first)
    end = np.where(reverse[:, None], first, last)
    pos = pd.DataFrame(
        {
            "node": np.concatenate([u, v]),
            "x": np.concatenate([start[:, 0], end[:, 0]]),
            "y": np.concatenate([start[:, 1], end[:, 1]]),
            "ok": np.concatenate([u_ok, v_ok]),
            "code": inv,
        }
    )
    # Resolved nodes keep their consensus position; dead ends take it from their oriented edge.
    # (This pandas sort fixes the nodes' order, hence their numbering: keep it as it is.)
    pos = pos.sort_values("ok", ascending=False).drop_duplicates("node").set_index("node")
    c = pos["code"].to_numpy()
    ok = resolved[c]
    pos["x"] = np.where(ok, best_x[c], pos["x"].to_numpy())
    pos["y"] = np.where(ok, best_y[c], pos["y"].to_numpy())
    position = np.empty(len(nodes), dtype=np.intp)
    position[c] = np.arange(len(c))
    return reverse, pos[["x", "y"]], position[cu], position[cv]


def _end_coordinates(
    geoms: npt.NDArray[np.object_],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """First and last coordinates (x, y) of each LineString, read in one pass."""
    coords = shapely.get_coordinates(geoms)
    ends = np.cumsum(shapely.get_num_coordinates(geoms))
    return coords[ends - shapely.get_num_coordinates(geoms)], coords[ends - 1]


def _consensus(
    node: npt.NDArray[np.intp], point: npt.NDArray[np.intp], n_points: int, n_nodes: int
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.bool_]]:
    """Per node (codes ``0..n_nodes-1``): its most frequent candidate point, and whether it is.

    ``resolved`` is False where another candidate is as frequent (the point is then arbitrary).
    """
    if len(node) == 0:
        return np.zeros(n_nodes, dtype=np.intp), np.zeros(n_nodes, dtype=bool)
    # Distinct (node, point) pairs with their counts, sorted by node.
    pairs, count = np.unique(node.astype(np.int64) * n_points + point, return_counts=True)
    g_node, g_point = pairs // n_points, pairs % n_points
    starts = np.flatnonzero(np.r_[True, g_node[1:] != g_node[:-1]])
    best_n = np.zeros(n_nodes, dtype=np.int64)
    best_n[g_node[starts]] = np.maximum.reduceat(count, starts)
    top = count == best_n[g_node]
    resolved = np.bincount(g_node[top], minlength=n_nodes) == 1
    best = np.zeros(n_nodes, dtype=np.intp)
    best[g_node[top]] = g_point[top]
    return best, resolved
