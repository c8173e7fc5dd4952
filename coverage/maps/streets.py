"""The offline background: the run's walking network as a light street layer under everything.

Basemap tiles need the network; the streets the analysis walked on are already loaded, so the
map always has a background. The layer is kept small: two-way streets drawn once, lines merged
and simplified (in metres) per street class and name, one MultiLineString per class and name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from coverage.i18n import t
from coverage.maps.geometry import draw_geoms, feature_collection
from coverage.maps.registry import Registry, polygon_spec
from coverage.maps.values import missing

__all__ = ["MAJOR", "STREET_STYLE", "street_features", "streets_layer"]

#: OSM ``highway`` values drawn heavier: the streets people find their way by.
MAJOR = frozenset(
    f"{h}{link}"
    for h in ("motorway", "trunk", "primary", "secondary", "tertiary")
    for link in ("", "_link")
)

#: Line style per class; light so the data stays the subject.
STREET_STYLE = {
    "major": {"color": "#9a9a9a", "weight": 3, "opacity": 0.75},
    "minor": {"color": "#c4c4c4", "weight": 1.2, "opacity": 0.75},
}

# Metres: well under a pixel at street zoom, and a large share of the vertices of curved ways.
_SIMPLIFY_M = 2.0


def _first(value: Any) -> str:
    """One text value: osmnx gives lists where merged ways disagree (take the first)."""
    if isinstance(value, list | tuple | np.ndarray):
        value = next((v for v in value if not missing(v)), None)
    return "" if missing(value) else str(value).strip()


def street_features(
    edges: gpd.GeoDataFrame, box: Sequence[float] | None = None
) -> gpd.GeoDataFrame:
    """Streets merged per class (``major``/``minor``) and name, simplified, in WGS-84.

    Parameters
    ----------
    edges
        Network edges in a projected CRS (metres) with optional ``u``, ``v``, ``highway``,
        ``name``.
    box
        ``(minx, miny, maxx, maxy)`` in WGS-84: streets are clipped to it.

    Returns
    -------
    geopandas.GeoDataFrame
        ``cls``, ``name`` ("" when unnamed) and a (Multi)LineString per row, EPSG:4326.
    """
    frame = edges[edges.geometry.notna() & ~edges.geometry.is_empty]
    if {"u", "v"} <= set(frame.columns):
        # u→v and v→u of a two-way street are the same line: draw it once.
        lo = np.minimum(frame["u"].to_numpy(), frame["v"].to_numpy())
        hi = np.maximum(frame["u"].to_numpy(), frame["v"].to_numpy())
        length = np.round(shapely.length(frame.geometry.to_numpy()), 0)
        frame = frame[~pd.DataFrame({"a": lo, "b": hi, "l": length}).duplicated().to_numpy()]
    geoms = frame.geometry.to_numpy()
    if box is not None and frame.crs is not None:
        rect = gpd.GeoSeries([shapely.box(*box)], crs=4326).to_crs(frame.crs).iloc[0]
        geoms = shapely.intersection(geoms, rect)
    highway = frame["highway"] if "highway" in frame else pd.Series("", index=frame.index)
    names = frame["name"] if "name" in frame else pd.Series("", index=frame.index)
    cls = ["major" if _first(h) in MAJOR else "minor" for h in highway]
    parts = pd.DataFrame({"cls": cls, "name": [_first(n) for n in names], "geom": geoms})
    parts = parts[~shapely.is_empty(parts["geom"].to_numpy())]
    rows = []
    for (c, name), grp in parts.groupby(["cls", "name"], sort=True):
        lines = shapely.get_parts(grp["geom"].to_numpy())
        merged = shapely.line_merge(shapely.multilinestrings(lines))
        merged = shapely.simplify(merged, _SIMPLIFY_M, preserve_topology=False)
        if not merged.is_empty:
            rows.append({"cls": c, "name": name, "geometry": merged})
    out = gpd.GeoDataFrame(rows, columns=["cls", "name", "geometry"], geometry="geometry")
    return out.set_crs(frame.crs, allow_override=True).to_crs(4326)


def streets_layer(
    reg: Registry,
    edges: gpd.GeoDataFrame,
    box: Sequence[float] | None,
    lang: str,
    datum: str,
) -> None:
    """Add the street background (key ``streets``): always shown, not in the layer control.

    Named streets carry their name as a ``tooltip`` property, shown when hovered.
    """
    feats = street_features(edges, box)
    if not len(feats):
        return
    geoms = draw_geoms(feats.geometry.to_numpy(), datum)
    props = [
        {"cls": c, **({"tooltip": n} if n else {})}
        for c, n in zip(feats["cls"], feats["name"], strict=True)
    ]
    spec = polygon_spec(feature_collection(geoms, props), STREET_STYLE["minor"])
    spec.update(kind="geojson", classes=STREET_STYLE, fixed=True)
    reg.add("streets", t(lang, "map.streets"), spec, count=len(edges))
