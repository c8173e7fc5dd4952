"""The walking network every later step uses, and the graph operations on it.

A :class:`WalkNetwork` is one row per street segment (geometry oriented from ``u`` to ``v``, in a
metric CRS) plus a compact directed graph (``scipy.sparse`` CSR, weights in seconds) for routing.
Here too: keeping a subset of the segments, the largest connected component, or the part inside
a study area.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS
from scipy import sparse
from scipy.sparse import csgraph

from coverage.errors import Msg, NetworkError
from coverage.network.nearest import nearest_segments

__all__ = ["WalkNetwork", "subset", "largest_component", "clip"]


@dataclass
class WalkNetwork:
    """A directed walking network in a projected CRS.

    Attributes
    ----------
    edges
        One row per street segment: ``u``, ``v`` (original node ids), ``u_idx``, ``v_idx``
        (positions in :attr:`node_ids`), ``highway``, ``length`` (m), ``time_s`` (walking time
        of the whole segment), ``two_way`` (walkable from ``v`` to ``u`` too), ``geometry``
        (LineString oriented from ``u`` to ``v``).
    node_ids, x, y
        Node ids and their coordinates (metres, in :attr:`crs`).
    speed_mps
        Walking speed used for ``time_s``.
    report
        What loading dropped and why (counts), for the run report: ``dropped_not_walkable``
        counts what the walk rule left out by tag (``{"railway=rail": 3, "building": 12,
        "highway=motorway": 2}``; OSM ways for OSM files, segments otherwise).
    landcover
        Water and green polygons of the area (``kind`` ``water``/``green``, WGS-84) for the
        maps' background, when the network came from an osmnx download; None otherwise.
    """

    edges: gpd.GeoDataFrame
    node_ids: np.ndarray
    x: np.ndarray
    y: np.ndarray
    speed_mps: float
    report: dict[str, Any] = field(default_factory=dict)
    landcover: gpd.GeoDataFrame | None = None

    @property
    def crs(self) -> CRS:
        """The edges' (metric) coordinate reference system."""
        return CRS.from_user_input(self.edges.crs)

    def street_distance(self, points: gpd.GeoSeries, max_m: float) -> np.ndarray:
        """Metres from each point (in :attr:`crs`) to the nearest segment (inf beyond ``max_m``).

        The distance :func:`coverage.routing.snap` measures; the inputs' checks use it.

        Parameters
        ----------
        points
            Shapely points in the network's CRS.
        max_m
            Largest distance in metres; farther points get inf.

        Returns
        -------
        ndarray
            One distance per point.
        """
        _, _, dist = nearest_segments(self, np.asarray(points.values))
        return np.where(dist <= max_m, dist, np.inf)

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.node_ids)

    @property
    def n_edges(self) -> int:
        """Number of street segments."""
        return len(self.edges)

    @cached_property
    def arcs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Directed arcs ``(tail, head, time_s, edge_row)``: every edge forward, two-way ones back too."""
        e = self.edges
        u = e["u_idx"].to_numpy()
        v = e["v_idx"].to_numpy()
        t = e["time_s"].to_numpy()
        rows = np.arange(len(e))
        back = e["two_way"].to_numpy()
        tail = np.concatenate([u, v[back]])
        head = np.concatenate([v, u[back]])
        return tail, head, np.concatenate([t, t[back]]), np.concatenate([rows, rows[back]])

    @cached_property
    def csr(self) -> sparse.csr_matrix:
        """Node × node walking times (s); parallel arcs collapse to the fastest."""
        tail, head, t, _ = self.arcs
        return _csr_min(tail, head, t, self.n_nodes, self.n_nodes)

    def nodes_gdf(self) -> gpd.GeoDataFrame:
        """Nodes as points, indexed by position, with their original ids."""
        return gpd.GeoDataFrame(
            {"node_id": self.node_ids},
            geometry=shapely.points(self.x, self.y),
            crs=self.edges.crs,
        )

    def summary(self) -> dict[str, Any]:
        """Small dict describing the network, for reports and logs."""
        return {
            "nodes": int(self.n_nodes),
            "edges": int(self.n_edges),
            "length_km": round(float(self.edges["length"].sum()) / 1000, 1),
            "crs": self.crs.to_string() if self.crs.to_epsg() else self.crs.name,
            **self.report,
        }


def _csr_min(
    rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, n_rows: int, n_cols: int
) -> sparse.csr_matrix:
    """CSR matrix keeping the minimum of duplicate entries (scipy would sum them)."""
    keep = rows != cols
    rows, cols, vals = rows[keep], cols[keep], vals[keep]
    # One int64 key for (row, col): a two-key sort instead of three, same order.
    order = np.lexsort((vals, rows.astype(np.int64) * n_cols + cols))
    rows, cols, vals = rows[order], cols[order], vals[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    rows, cols, vals = rows[first], cols[first], vals[first]
    # csgraph would read a stored 0 as "no edge" in some code paths: keep weights positive.
    vals = np.maximum(vals, 1e-6)
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.add.at(indptr, rows + 1, 1)
    return sparse.csr_matrix(
        (vals.astype(float), cols.astype(np.int32), np.cumsum(indptr)), shape=(n_rows, n_cols)
    )


def subset(net: WalkNetwork, edge_mask: np.ndarray) -> WalkNetwork:
    """Network of the selected edges, with nodes renumbered.

    Parameters
    ----------
    net
        The walking network.
    edge_mask
        One boolean per edge row: the edges to keep.

    Returns
    -------
    WalkNetwork
        The kept edges and the nodes they touch.
    """
    e = net.edges[edge_mask].reset_index(drop=True)  # (copy-on-write: no second copy)
    # The nodes still used, in order (a flag per node: faster than np.unique, same answer).
    flag = np.zeros(net.n_nodes, dtype=bool)
    flag[e["u_idx"].to_numpy()] = True
    flag[e["v_idx"].to_numpy()] = True
    used = np.flatnonzero(flag)
    new_index = np.full(net.n_nodes, -1)
    new_index[used] = np.arange(len(used))
    e["u_idx"] = new_index[e["u_idx"].to_numpy()]
    e["v_idx"] = new_index[e["v_idx"].to_numpy()]
    return WalkNetwork(
        e,
        net.node_ids[used],
        net.x[used],
        net.y[used],
        net.speed_mps,
        dict(net.report),
        net.landcover,
    )


def largest_component(net: WalkNetwork, *, strong: bool = True) -> WalkNetwork:
    """Keep the largest strongly (or weakly) connected component; record what was dropped.

    Parameters
    ----------
    net
        The walking network.
    strong
        Strongly connected (every node reaches every other, one-way streets respected); False:
        weakly connected.

    Returns
    -------
    WalkNetwork
        The component, its report saying what was dropped.
    """
    # Connectivity only needs the arcs (not the fastest of parallel ones): a plain 0/1 matrix,
    # not the cached routing matrix, which would stay alive with this network until it is freed.
    tail, head, _, _ = net.arcs
    links = sparse.csr_matrix(
        (np.ones(len(tail), dtype=np.int32), (tail, head)), shape=(net.n_nodes, net.n_nodes)
    )
    n_comp, labels = csgraph.connected_components(
        links, directed=True, connection="strong" if strong else "weak"
    )
    del links
    if n_comp <= 1:
        net.report["component"] = {"kind": "strong" if strong else "weak", "dropped_nodes": 0}
        return net
    biggest = np.bincount(labels).argmax()
    in_main = labels == biggest
    e = net.edges
    mask = in_main[e["u_idx"].to_numpy()] & in_main[e["v_idx"].to_numpy()]
    out = subset(net, mask)
    out.report["component"] = {
        "kind": "strong" if strong else "weak",
        "components": int(n_comp),
        "dropped_nodes": int(net.n_nodes - out.n_nodes),
        "dropped_edges": int((~mask).sum()),
        "dropped_length_km": round(float(e.loc[~mask, "length"].sum()) / 1000, 2),
    }
    return out


def clip(net: WalkNetwork, area: shapely.Geometry, margin_m: float = 0.0) -> WalkNetwork:
    """Keep segments with both ends within ``area`` buffered by ``margin_m`` (network CRS).

    Routing within a time limit never leaves the disc of radius speed × limit around a source,
    so clipping to the study area plus that margin changes no answer and saves work.

    Parameters
    ----------
    net
        The walking network.
    area
        The study area, in the network's CRS.
    margin_m
        Buffer around the area in metres (the scenario's ``[network] margin_m``, default the walk in
        the longest threshold).

    Returns
    -------
    WalkNetwork
        The segments kept.
    """
    zone = shapely.buffer(area, margin_m) if margin_m > 0 else area
    shapely.prepare(zone)
    inside = shapely.contains_xy(zone, net.x, net.y)
    e = net.edges
    mask = inside[e["u_idx"].to_numpy()] & inside[e["v_idx"].to_numpy()]
    if mask.all():
        return net
    if not mask.any():
        raise NetworkError(Msg("error.network.no_street"))  # the audit tells this one apart
    out = subset(net, mask)
    out.report["clipped_to_area"] = {
        "margin_m": margin_m,
        "edges_kept": int(mask.sum()),
        "edges_dropped": int((~mask).sum()),
    }
    return out
