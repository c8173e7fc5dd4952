"""Water and green areas under the street background, when the network came from a download.

The polygons come with an osmnx network download (:mod:`coverage.network.landcover`); networks
read from files have none, and then the map has no such layer at all. Like the streets, the
layer is always shown, is not in the layer control and catches no clicks.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import shapely

from coverage.i18n import t
from coverage.maps.geometry import draw_geoms, feature_collection, wgs84
from coverage.maps.registry import Registry, polygon_spec

__all__ = ["LANDCOVER_STYLE", "landcover_layer"]

#: Fill per class: pale, under everything (the print map uses the same colours).
LANDCOVER_STYLE = {
    "water": {"stroke": False, "fillColor": "#b9d9f2", "fillOpacity": 0.8},
    "green": {"stroke": False, "fillColor": "#d5ebc8", "fillOpacity": 0.8},
}

# Metres: the background need not be finer than a few pixels at street zoom.
_SIMPLIFY_M = 3.0


def landcover_layer(
    reg: Registry,
    landcover: gpd.GeoDataFrame,
    box: Sequence[float] | None,
    lang: str,
    datum: str,
) -> None:
    """Add the water and green polygons (key ``landcover``), clipped to ``box`` (WGS-84).

    ``landcover`` has a ``kind`` column (``water`` or ``green``); other kinds are ignored.
    Nothing is added when no polygon is left.
    """
    frame = wgs84(landcover)
    if frame is None or "kind" not in frame:
        return
    frame = frame[frame["kind"].isin(list(LANDCOVER_STYLE))]
    geoms = frame.geometry.to_numpy()
    if box is not None:
        geoms = np.array([_polygonal(g) for g in shapely.intersection(geoms, shapely.box(*box))])
    keep = ~shapely.is_empty(geoms)
    if not keep.any():
        return
    kinds = frame["kind"].to_numpy()[keep]
    order = np.argsort(kinds == "water", kind="stable")  # water over green (a river in a park)
    drawn = draw_geoms(geoms[keep][order], datum, simplify=_SIMPLIFY_M)
    fc = feature_collection(list(drawn), [{"cls": str(k)} for k in kinds[order]])
    spec = polygon_spec(fc, LANDCOVER_STYLE["green"])
    spec.update(classes=LANDCOVER_STYLE, fixed=True)
    reg.add("landcover", t(lang, "map.landcover"), spec, count=len(kinds))


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """The polygons of a clipped geometry (clipping can leave lines and points on the edge)."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return shapely.Polygon()
    return shapely.multipolygons(shapely.get_parts(parts))
