"""Water and green areas around a downloaded walking network, for the maps' offline background.

When the walking network comes from an osmnx download, the same area's water (``natural=water``,
``waterway=riverbank``, ``landuse=reservoir``…) and green (``leisure=park``, ``landuse=grass``,
``landuse=forest``…) polygons are fetched through osmnx's features API and cached beside the
network's GraphML, so that the interactive and printed maps show rivers and parks offline.
Networks read from files have none: their maps simply go without the layer.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from coverage.network._ox import osmnx_settings
from coverage.overpass import overpass_or_cache

__all__ = [
    "BOX_PAD_DEG",
    "LANDCOVER_TAGS",
    "WATER_TAGS",
    "classify",
    "fetch_landcover",
    "graph_box",
    "tidy_landcover",
]

log = logging.getLogger(__name__)

#: The OSM tags asked for (osmnx ``tags``): water first, then green.
LANDCOVER_TAGS: dict[str, bool | str | list[str]] = {
    "natural": ["water", "wood", "scrub", "grassland"],
    "waterway": ["riverbank"],
    "landuse": [
        "reservoir",
        "basin",
        "grass",
        "forest",
        "meadow",
        "recreation_ground",
        "village_green",
    ],
    "leisure": ["park", "garden", "nature_reserve"],
}

#: ``(key, value)`` pairs that make a feature water; every other asked-for tag is green.
WATER_TAGS = frozenset(
    {
        ("natural", "water"),
        ("waterway", "riverbank"),
        ("landuse", "reservoir"),
        ("landuse", "basin"),
    }
)

_GREEN_TAGS = frozenset(
    (key, value)
    for key, values in LANDCOVER_TAGS.items()
    if isinstance(values, list)
    for value in values
    if (key, value) not in WATER_TAGS
)


def classify(features: pd.DataFrame) -> np.ndarray:
    """``"water"``, ``"green"`` or ``""`` per row, from the tag columns of an osmnx result.

    A feature with a water tag is water even when it is also tagged green (a lake in a park).
    """
    n = len(features)
    water = np.zeros(n, dtype=bool)
    green = np.zeros(n, dtype=bool)
    for key, value in WATER_TAGS | _GREEN_TAGS:
        if key in features:
            hit = (features[key].astype("string") == value).fillna(False).to_numpy(dtype=bool)
            if (key, value) in WATER_TAGS:
                water |= hit
            else:
                green |= hit
    return np.where(water, "water", np.where(green, "green", ""))


def tidy_landcover(
    features: gpd.GeoDataFrame, box: Sequence[float] | None = None
) -> gpd.GeoDataFrame:
    """The polygons of an osmnx result as ``kind`` and geometry, one row per kind, in WGS-84.

    Points and lines (a pond mapped as a node, an unclosed way) are left out, polygons are
    clipped to ``box`` (west, south, east, north) and merged per kind.
    """
    if features.crs is not None:
        features = features.to_crs(4326)
    kinds = classify(features)
    geoms = features.geometry.to_numpy()
    polygonal = np.isin(shapely.get_type_id(geoms), (3, 6))  # Polygon, MultiPolygon
    keep = polygonal & (kinds != "")
    geoms = shapely.make_valid(geoms[keep])
    kinds = kinds[keep]
    if box is not None:
        geoms = shapely.intersection(geoms, shapely.box(*box))
    rows = []
    for kind in ("water", "green"):
        merged = shapely.union_all(geoms[kinds == kind]) if (kinds == kind).any() else None
        polys = _polygons(merged)
        if polys is not None:
            rows.append({"kind": kind, "geometry": polys})
    return gpd.GeoDataFrame(rows, columns=["kind", "geometry"], geometry="geometry", crs=4326)


def _polygons(geom: shapely.Geometry | None) -> shapely.Geometry | None:
    """The polygonal part of ``geom`` (clipping can leave lines and points), or None."""
    if geom is None or geom.is_empty:
        return None
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return None
    return shapely.multipolygons(shapely.get_parts(parts))


#: Degrees added around the network's nodes (about 200 m): the maps show that much around
#: what they draw.
BOX_PAD_DEG = 0.002


def graph_box(G: Any, pad: float = BOX_PAD_DEG) -> tuple[float, float, float, float]:
    """West, south, east, north of an (unprojected) osmnx graph's nodes, padded by ``pad``°."""
    xs = np.array([d["x"] for _, d in G.nodes(data=True)], dtype=float)
    ys = np.array([d["y"] for _, d in G.nodes(data=True)], dtype=float)
    return (
        round(float(xs.min()) - pad, 7),
        round(float(ys.min()) - pad, 7),
        round(float(xs.max()) + pad, 7),
        round(float(ys.max()) + pad, 7),
    )


def fetch_landcover(
    box: tuple[float, float, float, float], cache_dir: str | Path
) -> gpd.GeoDataFrame:
    """Ask Overpass (through osmnx) for the water and green polygons in ``box``.

    Parameters
    ----------
    box
        West, south, east, north (WGS-84).
    cache_dir
        osmnx's HTTP cache goes to ``cache_dir/http``.

    Returns
    -------
    geopandas.GeoDataFrame
        As :func:`tidy_landcover` (empty when OpenStreetMap has none there). Download errors
        are raised as osmnx raises them.
    """
    from osmnx._errors import InsufficientResponseError

    try:
        # offline: at once, not after osmnx's minute of waiting (unless its cache answers)
        with osmnx_settings(cache_dir) as ox, overpass_or_cache(ox):
            features = ox.features_from_bbox(box, tags=LANDCOVER_TAGS)
    except InsufficientResponseError:  # osmnx's answer to "nothing of the kind there"
        return tidy_landcover(gpd.GeoDataFrame(geometry=[], crs=4326))
    return tidy_landcover(features, box)
