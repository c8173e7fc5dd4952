"""Walking networks: load, filter to walkable streets, keep one component, and build the CSR graph.

A :class:`WalkNetwork` is the single representation every later step uses: one row per street
segment (geometry oriented from ``u`` to ``v``, in a metric CRS) plus a compact directed graph
(``scipy.sparse`` CSR, weights in seconds) for routing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from pyproj import CRS
from scipy import sparse
from scipy.sparse import csgraph

from coverage import settings
from coverage.errors import NetworkError

__all__ = [
    "EDGE_TABLE_SUFFIXES",
    "OSM_SUFFIXES",
    "GRAPHML_SUFFIXES",
    "WalkNetwork",
    "from_edges",
    "subset",
    "largest_component",
    "clip",
    "from_graph",
    "read_edge_table",
    "read_osm",
    "download",
    "geocode_area",
    "load",
]

log = logging.getLogger(__name__)

EDGE_TABLE_SUFFIXES = (".parquet", ".geoparquet", ".gpkg", ".shp", ".geojson", ".json", ".fgb")
OSM_SUFFIXES = (".osm", ".osm.bz2", ".xml", ".osm.pbf", ".pbf")
GRAPHML_SUFFIXES = (".graphml",)

# Tags osmnx should keep on ways so that our walk filter can read them.
_EXTRA_WAY_TAGS = ("foot", "access", "oneway", "oneway:foot", "highway", "name")

# A node where one of these tags changes must stay a segment end when osmnx simplifies the graph:
# by default osmnx merges any two ways meeting at a plain corner into one edge whose tags become a
# list, and our filter then reads only the first value (e.g. steps + street → one edge, penalised
# wholly or not at all; a trunk road continuing as a residential street → kept walkable wholly).
_SPLIT_ON_TAGS = ("highway", "foot", "access", "oneway", "oneway:foot")


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
    """

    edges: gpd.GeoDataFrame
    node_ids: np.ndarray
    x: np.ndarray
    y: np.ndarray
    speed_mps: float
    report: dict[str, Any] = field(default_factory=dict)

    @property
    def crs(self) -> CRS:
        return CRS.from_user_input(self.edges.crs)

    @property
    def n_nodes(self) -> int:
        return len(self.node_ids)

    @property
    def n_edges(self) -> int:
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
    order = np.lexsort((vals, cols, rows))
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


# --------------------------------------------------------------------------------------------
# Building from an edge table
# --------------------------------------------------------------------------------------------


def _first_tag(value: Any) -> str:
    """osmnx stores merged ways' tags as lists (or their string form); use the first value."""
    if isinstance(value, list | tuple | np.ndarray):
        return str(value[0]) if len(value) else ""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    s = str(value)
    if s.startswith("[") and s.endswith("]"):
        parts = [p.strip().strip("'\"") for p in s[1:-1].split(",") if p.strip()]
        return parts[0] if parts else ""
    return s


def _all_tags(value: Any) -> list[str]:
    if isinstance(value, list | tuple | np.ndarray):
        return [str(v) for v in value]
    s = _first_tag(value)
    if isinstance(value, str) and value.startswith("["):
        return [p.strip().strip("'\"") for p in value[1:-1].split(",") if p.strip()]
    return [s]


def _truthy(value: Any) -> bool:
    return _first_tag(value).lower() in {"yes", "true", "1", "-1"}


@lru_cache(maxsize=4096)
def _not_walkable(highways: tuple[str, ...], foot: str, access: str) -> str | None:
    """Why a way (or segment) with these tags is not a walkable street, or None if it is one.

    The reason is the report label, by tag: ``"highway=motorway"``, ``"foot=no"``,
    ``"access=private"``, ``"no highway tag"`` (rules in :mod:`coverage.settings`).

    Parameters
    ----------
    highways
        The ``highway`` values (lower case). Segments osmnx merged carry several: such a segment
        is walkable when one of them is.
    foot, access
        The ``foot`` and ``access`` values (lower case, ``""`` when absent).

    Returns
    -------
    str or None
    """
    highways = tuple(h for h in highways if h)
    if not highways:
        return "no highway tag"
    opened = foot in settings.foot_allowed
    usable = [
        h
        for h in highways
        if h not in settings.not_street_highways
        and (opened or h not in settings.non_walkable_highways)
    ]
    if not usable:
        return f"highway={highways[0]}"
    if foot in settings.foot_forbidden:
        return f"foot={foot}"
    if access in settings.access_forbidden and not opened:
        return f"access={access}"
    return None


def _tag_values(edges: pd.DataFrame, key: str) -> list[str]:
    """First value of a tag column, lower case (``""`` where absent)."""
    if key not in edges:
        return [""] * len(edges)
    return [_first_tag(v).strip().lower() for v in edges[key]]


def _walkable_mask(edges: pd.DataFrame) -> tuple[np.ndarray, dict[str, int]]:
    """Which segments pedestrians may use, with counts of what is dropped, by tag.

    A table without a ``highway`` column is taken as streets only (a road layer from a GIS
    office has no OSM tags); with the column, a row without a value is not a street.
    """
    if "highway" not in edges:
        return np.ones(len(edges), dtype=bool), {}
    highways = [tuple(t.strip().lower() for t in _all_tags(v)) for v in edges["highway"]]
    reasons = [
        _not_walkable(h, f, a)
        for h, f, a in zip(
            highways, _tag_values(edges, "foot"), _tag_values(edges, "access"), strict=True
        )
    ]
    keep = np.array([r is None for r in reasons], dtype=bool)
    return keep, _count(r for r in reasons if r is not None)


def _count(labels: Iterable[str] | Mapping[str, int]) -> dict[str, int]:
    """Counts by label (of labels, or of a label → count mapping), largest first, ties by
    label: for the run report."""
    counts = Counter(labels)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _orient(edges: gpd.GeoDataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """Flag edges whose geometry runs v→u and return node coordinates.

    Edge tables from undirected osmnx graphs store geometries in either direction. A node's true
    position is the end point shared by all its edges, so it is the most frequent candidate.
    """
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
    rev_u = dist(first, u) > dist(last, u)  # first point is not at u
    rev_v = dist(last, v) > dist(first, v)  # last point is not at v
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
    # Resolved nodes keep their consensus position; dead ends take it from their oriented edge.
    pos = pos.sort_values("ok", ascending=False).drop_duplicates("node").set_index("node")
    good = resolved[resolved].index
    pos.loc[good, "x"] = best.loc[good, "x"].to_numpy()
    pos.loc[good, "y"] = best.loc[good, "y"].to_numpy()
    return reverse, pos[["x", "y"]]


def from_edges(
    edges: gpd.GeoDataFrame,
    *,
    speed_kmh: float = settings.walk_speed_kmh,
    steps_penalty: float = settings.steps_penalty,
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
        Walking speed.
    steps_penalty
        Multiplier on the time of ``highway=steps`` segments.
    component
        ``"strong"`` or ``"weak"``: which largest connected component to keep; ``"all"`` keeps
        everything.
    source
        Name of the input, used in messages.

    Returns
    -------
    WalkNetwork
    """
    if speed_kmh <= 0:
        raise NetworkError(f"walking speed must be positive, got {speed_kmh} km/h")
    missing = [c for c in ("u", "v") if c not in edges.columns]
    if missing:
        raise NetworkError(f"{source}: edge table lacks column(s) {missing}; need u, v, geometry")
    if edges.crs is None:
        raise NetworkError(f"{source}: edge table has no CRS")
    edges = edges.reset_index(drop=edges.index.names == [None])
    present = edges.geometry.notna().to_numpy() & ~edges.geometry.is_empty.to_numpy()
    kinds = edges.geom_type.to_numpy()
    lines = np.isin(kinds, ["LineString", "MultiLineString"])
    if (bad := np.flatnonzero(present & ~lines)).size:
        raise NetworkError(
            f"{source}: row {bad[0] + 1} has a {kinds[bad[0]]} geometry; street segments must be "
            f"lines ({bad.size} such row(s))"
        )
    edges = edges[present]
    n_in = len(edges)
    if n_in == 0:
        raise NetworkError(f"{source}: no street segments")
    crs = CRS.from_user_input(edges.crs)
    if crs.is_geographic:
        edges = edges.to_crs(edges.estimate_utm_crs())
    elif (epsg := crs.to_epsg(min_confidence=70)) is not None:
        edges = edges.set_crs(
            epsg, allow_override=True
        )  # a plain EPSG code reads better in outputs
    edges = edges.explode(index_parts=False) if (edges.geom_type != "LineString").any() else edges

    keep, dropped = _walkable_mask(edges)
    edges = edges[keep]
    edges = edges[edges["u"] != edges["v"]] if (edges["u"] == edges["v"]).any() else edges
    if (n_loops := int(keep.sum()) - len(edges)) > 0:
        dropped["self-loops"] = n_loops

    highway = (
        edges["highway"].map(_first_tag) if "highway" in edges else pd.Series("", index=edges.index)
    )
    pedestrian = highway.isin(settings.pedestrian_highways).to_numpy()
    oneway = (
        edges["oneway"].map(_truthy).to_numpy() if "oneway" in edges else np.zeros(len(edges), bool)
    )
    # oneway=-1 / reverse (raw OSM tags in an edge table): one-way AGAINST the drawing direction.
    backward = (
        edges["oneway"].map(_first_tag).str.lower().isin(["-1", "reverse"]).to_numpy()
        if "oneway" in edges
        else np.zeros(len(edges), bool)
    )
    oneway = oneway | backward
    if "oneway:foot" in edges:
        foot_ow = edges["oneway:foot"].map(_first_tag).str.lower()
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

    # Reciprocal rows (u,v)/(v,u) of a bidirectional graph are one street walked both ways.
    # They are matched by length and midpoint, not by edge key: osmnx numbers parallel edges per
    # direction, so the two rows of one street get different keys when a one-way road also
    # joins u to v (u→v: road 0, street 1; v→u: street 0).
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
    edges = edges[~drop_twin]
    oneway = oneway[~drop_twin] & ~has_twin[~drop_twin]
    highway = highway[~drop_twin]

    reverse, pos = _orient(edges)
    geoms = edges.geometry.values.copy()
    geoms[reverse] = shapely.reverse(geoms[reverse])
    node_ids = pos.index.to_numpy()
    index_of = pd.Series(np.arange(len(node_ids)), index=node_ids)
    speed = speed_kmh / 3.6
    length = shapely.length(geoms)
    penalty = np.where(highway.to_numpy() == "steps", steps_penalty, 1.0)
    out = gpd.GeoDataFrame(
        {
            "u": edges["u"].to_numpy(),
            "v": edges["v"].to_numpy(),
            "key": edges["key"].to_numpy() if "key" in edges else 0,
            "u_idx": index_of.loc[edges["u"].to_numpy()].to_numpy(),
            "v_idx": index_of.loc[edges["v"].to_numpy()].to_numpy(),
            "highway": highway.to_numpy(),
            "length": length,
            "time_s": length / speed * penalty,
            "two_way": ~oneway,
        },
        geometry=geoms,
        crs=edges.crs,
    )
    if "name" in edges:
        out["name"] = edges["name"].map(_first_tag).to_numpy()
    net = WalkNetwork(
        out, node_ids, pos["x"].to_numpy(float), pos["y"].to_numpy(float), speed, {"source": source}
    )
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


def subset(net: WalkNetwork, edge_mask: np.ndarray) -> WalkNetwork:
    """Network of the selected edges, with nodes renumbered."""
    e = net.edges[edge_mask]
    used = np.unique(np.concatenate([e["u_idx"].to_numpy(), e["v_idx"].to_numpy()]))
    new_index = np.full(net.n_nodes, -1)
    new_index[used] = np.arange(len(used))
    e = e.copy()
    e["u_idx"] = new_index[e["u_idx"].to_numpy()]
    e["v_idx"] = new_index[e["v_idx"].to_numpy()]
    return WalkNetwork(
        e.reset_index(drop=True),
        net.node_ids[used],
        net.x[used],
        net.y[used],
        net.speed_mps,
        dict(net.report),
    )


def largest_component(net: WalkNetwork, *, strong: bool = True) -> WalkNetwork:
    """Keep the largest strongly (or weakly) connected component; record what was dropped."""
    n_comp, labels = csgraph.connected_components(
        net.csr, directed=True, connection="strong" if strong else "weak"
    )
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
    """
    zone = shapely.buffer(area, margin_m) if margin_m > 0 else area
    shapely.prepare(zone)
    inside = shapely.contains_xy(zone, net.x, net.y)
    e = net.edges
    mask = inside[e["u_idx"].to_numpy()] & inside[e["v_idx"].to_numpy()]
    if mask.all():
        return net
    if not mask.any():
        raise NetworkError("the study area contains no street of the network (check CRS and area)")
    out = subset(net, mask)
    out.report["clipped_to_area"] = {"margin_m": margin_m, "edges_kept": int(mask.sum())}
    return out


# --------------------------------------------------------------------------------------------
# Loaders
# --------------------------------------------------------------------------------------------


@contextmanager
def _osmnx(cache_dir: str | Path | None = None) -> Iterator[Any]:
    """osmnx with the way tags we need (and its HTTP cache in ``cache_dir``), restoring the
    caller's ``ox.settings`` afterwards: analysts may use osmnx with their own settings in the
    same session."""
    import osmnx as ox

    keys = ("useful_tags_way", "use_cache", "cache_folder")
    saved = {k: getattr(ox.settings, k) for k in keys}
    try:
        tags = list(ox.settings.useful_tags_way)
        ox.settings.useful_tags_way = tags + [t for t in _EXTRA_WAY_TAGS if t not in tags]
        if cache_dir is not None:
            ox.settings.use_cache = True
            ox.settings.cache_folder = str(Path(cache_dir) / "http")
        yield ox
    finally:
        for k, v in saved.items():
            setattr(ox.settings, k, v)


def _simplify(G: Any) -> Any:
    """osmnx topology simplification that keeps a node wherever a walk-relevant tag changes."""
    with _osmnx() as ox:
        return ox.simplify_graph(G, edge_attrs_differ=_SPLIT_ON_TAGS)


def from_graph(G: Any, **kwargs: Any) -> WalkNetwork:
    """Build from an osmnx ``MultiDiGraph`` (downloaded, read from XML or GraphML)."""
    import osmnx as ox

    source = kwargs.get("source", "graph")
    if G.number_of_edges() == 0:
        raise NetworkError(f"{source}: the graph has no edges")
    try:
        edges = ox.graph_to_gdfs(G, nodes=False, fill_edge_geometry=True).reset_index()
    except Exception as exc:  # a GraphML that osmnx did not write: nodes without x/y, no crs…
        raise NetworkError(
            f"{source}: not an osmnx street graph (nodes need x, y and the graph a crs; "
            f"{_reason(exc)})"
        ) from exc
    return from_edges(edges, **kwargs)


def read_edge_table(path: str | Path) -> gpd.GeoDataFrame:
    """Read a GeoParquet/GeoPackage/… street edge table."""
    path = Path(path)
    if path.suffix.lower() in (".parquet", ".geoparquet"):
        return gpd.read_parquet(path)
    return gpd.read_file(path)


def _kind(path: Path) -> str:
    """The file format a network file's name promises, for messages."""
    name = path.name.lower()
    for suffixes, kind in (
        ((".parquet", ".geoparquet"), "GeoParquet"),
        ((".gpkg",), "GeoPackage"),
        ((".shp",), "Shapefile"),
        ((".geojson", ".json"), "GeoJSON"),
        ((".fgb",), "FlatGeobuf"),
        (GRAPHML_SUFFIXES, "GraphML"),
        ((".pbf",), "OSM PBF"),
        ((".bz2",), "bzip2-compressed OSM XML"),
        ((".osm", ".xml"), "OSM XML"),
    ):
        if name.endswith(suffixes):
            return kind
    return "network"


def _reason(exc: BaseException) -> str:
    """A parser's error on one short line (GDAL and pyarrow messages span several)."""
    text = " ".join(str(exc).split()) or "no details"
    if len(text) > 200:
        text = text[:199] + "…"
    return f"{type(exc).__name__}: {text}"


def _parse(reader: Any, path: Path, *args: Any, name: Path | None = None) -> Any:
    """Run a file parser; turn its errors (XML, GDAL, osmium, osmnx…) into a one-line
    NetworkError naming the file (``name`` when ``path`` is a temporary copy)."""
    try:
        return reader(path, *args)
    except NetworkError:
        raise
    except Exception as exc:
        shown = name or path
        raise NetworkError(
            f"{shown}: not a readable {_kind(shown)} file, truncated or corrupt? ({_reason(exc)})"
        ) from exc


# A way with no ``highway`` tag is reported by the first of these it has (key=value, except
# buildings: their values — yes, house, apartments… — only split the count).
_FEATURE_KEYS = (
    "railway",
    "waterway",
    "aeroway",
    "aerialway",
    "public_transport",
    "building",
    "building:part",
    "landuse",
    "natural",
    "leisure",
    "amenity",
    "man_made",
    "barrier",
    "power",
    "boundary",
    "place",
    "area:highway",
    "indoor",
)

# Ids for the pieces of ways cut at missing nodes: far above OSM's (~1.4e9 in 2025).
_CUT_WAY_ID0 = 10**15

_Entity = TypeVar("_Entity")


def _only(kind: type[_Entity], entities: Iterable[object]) -> Iterator[_Entity]:
    """The entities of an osmium reader that lets only ``kind`` through, typed as such (osmium
    types every entity it yields as the union of all kinds)."""
    for entity in entities:
        assert isinstance(entity, kind), f"osmium yielded a {type(entity).__name__}"
        yield entity


def _way_left_out(tags: dict[str, str]) -> str | None:
    """Why an OSM way is not a walkable street (its report label), or None if it is one."""
    highway = tags.get("highway", "").strip().lower()
    if not highway:
        for key in _FEATURE_KEYS:
            if key in tags:
                return key if key.startswith("building") else f"{key}={tags[key]}"
        return "untagged way" if not tags else "no highway tag"
    return _not_walkable(
        (highway,),
        tags.get("foot", "").strip().lower(),
        tags.get("access", "").strip().lower(),
    )


class _StreetWriter:
    """Writes street ways with their nodes for osmium, cutting ways at nodes without a location."""

    def __init__(self, writer: Any) -> None:
        self.writer = writer
        self.written: set[int] = set()
        self.streets = 0
        self.cut = 0
        self.without_nodes = 0
        self.next_id = _CUT_WAY_ID0

    def add(self, way_id: int, nodes: list[tuple[int, Any]], tags: dict[str, str]) -> None:
        """Write one way; ``nodes`` are ``(ref, (lon, lat) or None)``."""
        from osmium.osm.mutable import Node, Way

        runs: list[list[tuple[int, Any]]] = [[]]  # stretches of consecutive located nodes
        for ref, lonlat in nodes:
            if lonlat is not None:
                runs[-1].append((ref, lonlat))
            elif runs[-1]:
                runs.append([])
        missing = len(runs) > 1 or len(runs[0]) < len(nodes)
        runs = [r for r in runs if len({ref for ref, _ in r}) >= 2]
        if not runs:
            self.without_nodes += 1
            return
        self.cut += missing
        self.streets += 1
        for k, run in enumerate(runs):
            for ref, lonlat in run:
                if ref not in self.written:
                    self.writer.add_node(Node(id=ref, location=lonlat))
                    self.written.add(ref)
            if k:
                self.next_id += 1
            ids = [ref for ref, _ in run]
            self.writer.add_way(Way(id=way_id if k == 0 else self.next_id, nodes=ids, tags=tags))


def _osm_streets(path: Path, out: Path) -> dict[str, Any]:
    """Copy the walkable streets of an OSM file (XML, bzip2 XML or PBF) and their nodes to
    ``out`` (OSM XML, for osmnx).

    Only ways :func:`_way_left_out` accepts are copied: railways, buildings, landuse outlines
    and the like never become edges, whatever nodes they share with streets. osmium reads every
    format in one pass, with node locations, so nodes must come before the ways that use them
    (as in every OSM export); a way with missing nodes (an extract cut across it) is cut into
    the runs of nodes present. osmium's location index holds positive ids only: ways on the
    negative ids of unsaved editor (JOSM) objects wait for a second pass over those nodes.

    Returns
    -------
    dict
        ``ways`` (read), ``streets`` (copied), ``left_out`` (:class:`~collections.Counter` of
        ways by label), ``cut`` (ways cut at missing nodes).
    """
    import osmium

    left_out: Counter[str] = Counter()
    n_ways = 0
    waiting: list[tuple[int, list[tuple[int, Any]], dict[str, str]]] = []
    ways = (
        osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
        .with_locations()
        .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
    )
    with osmium.SimpleWriter(str(out), overwrite=True) as writer:
        streets = _StreetWriter(writer)
        for way in _only(osmium.osm.Way, ways):
            n_ways += 1
            tags = {t.k: t.v for t in way.tags}
            if (reason := _way_left_out(tags)) is not None:
                left_out[reason] += 1
                continue
            nodes = [
                (nd.ref, (nd.location.lon, nd.location.lat) if nd.location.valid() else None)
                for nd in way.nodes
            ]
            if any(ll is None and ref < 0 for ref, ll in nodes):
                waiting.append((way.id, nodes, tags))
            else:
                streets.add(way.id, nodes, tags)
        if waiting:
            wanted = {ref for _, nodes, _ in waiting for ref, ll in nodes if ll is None}
            found = {
                n.id: (n.location.lon, n.location.lat)
                for n in _only(osmium.osm.Node, osmium.FileProcessor(str(path), osmium.osm.NODE))
                if n.id in wanted and n.location.valid()
            }
            for way_id, nodes, tags in waiting:
                streets.add(way_id, [(r, ll or found.get(r)) for r, ll in nodes], tags)
    if streets.without_nodes:
        left_out["highway way without its nodes"] += streets.without_nodes
    return {"ways": n_ways, "streets": streets.streets, "left_out": left_out, "cut": streets.cut}


def read_osm(path: str | Path, **kwargs: Any) -> WalkNetwork:
    """Read ``.osm`` / ``.osm.bz2`` XML or ``.osm.pbf`` into a walking network.

    Only ways with a walkable ``highway`` value become streets (see :mod:`coverage.settings`);
    the report counts the ways left out by tag (``dropped_not_walkable``, e.g.
    ``{"railway=rail": 3, "building": 12, "highway=motorway": 2}``).
    Ways are loaded one-directional (osmnx ``bidirectional=False``) so that ``oneway`` survives;
    our filter then makes roads two-way for walkers and keeps one-way footpaths one-way.
    """
    path = Path(path)
    kwargs.setdefault("source", str(path))

    def parse_xml(xml: Path) -> Any:
        with _osmnx() as ox:
            return ox.graph_from_xml(xml, bidirectional=False, simplify=False, retain_all=True)

    with tempfile.TemporaryDirectory() as tmp:
        xml = Path(tmp) / "streets.osm"
        counts = _parse(_osm_streets, path, xml)
        if counts["streets"] == 0:
            left = list(_count(counts["left_out"]).items())
            shown = ", ".join(f"{k}: {n}" for k, n in left[:5]) + (", …" if len(left) > 5 else "")
            raise NetworkError(
                f"{path}: no walkable street among its {counts['ways']} ways"
                + (f" (left out: {shown})" if left else "")
            )
        G = _parse(parse_xml, xml, name=path)
    net = from_graph(_simplify(G), **kwargs)
    segments = net.report.get("dropped_not_walkable", {})
    net.report["osm_ways_in"] = counts["ways"]
    net.report["dropped_not_walkable"] = _count(counts["left_out"] + Counter(segments))
    if counts["cut"]:
        net.report["osm_ways_cut_at_missing_nodes"] = counts["cut"]
        log.warning("%s: %d street ways cut at nodes missing from the file", path, counts["cut"])
    return net


def _writable_cache(folder: Path) -> None:
    """Fail before a download whose result could not be cached (the download would be lost)."""
    hint = "set network.cache_dir in the scenario to a folder you can write to"
    if folder.exists() and not folder.is_dir():
        raise NetworkError(f"{folder}: the network cache folder is a file, not a folder; {hint}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise NetworkError(
            f"{folder}: cannot write the network cache there ({exc.strerror or exc}); {hint}"
        ) from exc


def _save_cache(cache: Path, write: Callable[[Path], Any]) -> None:
    """Write a cache file atomically (``write`` to a temporary name, then rename)."""
    tmp = cache.with_name(cache.name + ".part")
    try:
        write(tmp)
        tmp.replace(cache)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise NetworkError(
            f"{cache}: cannot save the downloaded data in the cache ({exc.strerror or exc}); "
            "free some space, or set network.cache_dir in the scenario to another folder"
        ) from exc


def _read_cache(cache: Path, read: Callable[[Path], Any]) -> Any:
    """Read a cache file; a damaged one is named, with the way out."""
    try:
        return read(cache)
    except Exception as exc:
        raise NetworkError(
            f"{cache}: the cached download is unreadable ({_reason(exc)}); delete the file to "
            "download it again"
        ) from exc


def _download_key(query: dict[str, Any]) -> str:
    return hashlib.sha1(json.dumps(query, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[
        :16
    ]


def download(
    *,
    place: str | None = None,
    polygon: shapely.Geometry | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    cache_dir: str | Path = settings.cache_folder,
    **kwargs: Any,
) -> WalkNetwork:
    """Download a walking network through osmnx (Overpass), cached as GraphML.

    Give exactly one of ``place`` (a name Nominatim knows, e.g. ``"江北区, 重庆市, 中国"``),
    ``polygon`` (WGS-84) or ``bbox`` (west, south, east, north). The second call with the same
    query reads the cached GraphML and needs no internet.
    """
    import osmnx as ox

    given = [q is not None for q in (place, polygon, bbox)]
    if sum(given) != 1:
        raise NetworkError("download needs exactly one of place, polygon or bbox")
    query = {
        "place": place,
        "bbox": list(bbox) if bbox else None,
        "polygon": shapely.to_wkt(polygon, rounding_precision=6) if polygon is not None else None,
        "network_type": "walk",
    }
    cache = Path(cache_dir) / f"walk-{_download_key(query)}.graphml"
    what = place or (f"bbox {list(bbox)}" if bbox else "the area polygon")
    kwargs.setdefault("source", f"osmnx download {place or bbox or 'polygon'}")
    if cache.is_file():
        log.info("using cached network %s", cache)
        G = _read_cache(cache, ox.load_graphml)
    else:
        _writable_cache(Path(cache_dir))
        try:
            with _osmnx(cache_dir):
                if place is not None:
                    G = ox.graph_from_place(
                        place, network_type="walk", retain_all=True, simplify=False
                    )
                elif polygon is not None:
                    G = ox.graph_from_polygon(
                        polygon, network_type="walk", retain_all=True, simplify=False
                    )
                else:
                    assert bbox is not None  # exactly one of the three is given (checked above)
                    G = ox.graph_from_bbox(
                        bbox, network_type="walk", retain_all=True, simplify=False
                    )
            G = _simplify(G)
        except Exception as exc:  # osmnx raises many types; say what failed, keep the cause
            raise NetworkError(
                f"download of the walking network failed ({what}; the first run needs internet, "
                f"later runs use the cache in {cache_dir}): {_reason(exc)}"
            ) from exc
        _save_cache(cache, lambda p: ox.save_graphml(G, p))
    return from_graph(G, **kwargs)


def geocode_area(place: str, cache_dir: str | Path = settings.cache_folder) -> shapely.Geometry:
    """The boundary polygon (WGS-84) of a place name, via osmnx/Nominatim, cached on disk.

    Used as the study area when a scenario names a place but no area file; the second run reads
    the cached GeoJSON and needs no internet.
    """
    cache = Path(cache_dir) / f"area-{_download_key({'place': place})}.geojson"
    if cache.is_file():
        gdf = _read_cache(cache, lambda p: gpd.read_file(p).to_crs(4326))
        return shapely.union_all(gdf.geometry.values)
    _writable_cache(Path(cache_dir))
    try:
        with _osmnx(cache_dir) as ox:
            gdf = ox.geocode_to_gdf(place)
    except Exception as exc:  # osmnx raises many types; say what failed, keep the cause
        raise NetworkError(
            f"could not find the boundary of '{place}' (the first run needs internet; later runs "
            f"use the cache in {cache_dir}): {_reason(exc)}"
        ) from exc
    kinds = set(gdf.geom_type)
    if not kinds <= {"Polygon", "MultiPolygon"}:
        raise NetworkError(f"'{place}' geocodes to {sorted(kinds)}, not an area; give [area] path")
    _save_cache(cache, lambda p: gdf[["geometry"]].to_file(p, driver="GeoJSON"))
    return shapely.union_all(gdf.geometry.values)


def load(path: str | Path, **kwargs: Any) -> WalkNetwork:
    """Load a walking network from a file, choosing the reader by its suffix."""
    path = Path(path)
    if not path.exists():
        raise NetworkError(f"network file not found: {path}")
    name = path.name.lower()
    kwargs.setdefault("source", str(path))
    if name.endswith(GRAPHML_SUFFIXES):
        import osmnx as ox

        return from_graph(_parse(ox.load_graphml, path), **kwargs)
    if name.endswith(OSM_SUFFIXES):
        return read_osm(path, **kwargs)
    if name.endswith(EDGE_TABLE_SUFFIXES):
        return from_edges(_parse(read_edge_table, path), **kwargs)
    raise NetworkError(
        f"{path}: unknown network format; use .osm/.osm.bz2/.osm.pbf, .graphml, "
        "or an edge table (.parquet/.gpkg/.shp/.geojson)"
    )
