"""The plan map's own layer: the proposed sites' walking catchments, one toggle.

The points the plan newly covers are a class of worker points (``demand_added``, see
:mod:`coverage.maps.demand`); the proposed sites themselves are
:func:`coverage.maps.layers.proposed_layer`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from coverage.i18n import t
from coverage.maps.geometry import draw_geoms, feature_collection
from coverage.maps.registry import Registry, polygon_spec
from coverage.maps.values import band_text

__all__ = [
    "PROPOSED_CATCHMENT_STYLE",
    "PROPOSED_COLOR",
    "PROPOSED_MARKER",
    "catchment_legend_row",
    "proposed_catchment_layer",
]

#: Colour of the proposed sites (their stars) and of their catchments.
PROPOSED_COLOR = "#6c3483"

#: The proposed sites' marker on the report's static maps: the interactive map's star, large
#: enough to find among the existing sites (a star fills less of its box than a circle).
PROPOSED_MARKER: dict[str, Any] = {"color": PROPOSED_COLOR, "shape": "star", "size": 30}

#: The proposed sites' catchments: a dashed outline over a light fill, so the existing
#: facilities' catchments under them still show.
PROPOSED_CATCHMENT_STYLE: dict[str, Any] = {
    "color": PROPOSED_COLOR,
    "weight": 2,
    "opacity": 0.9,
    "dashArray": "6 4",
    "fillColor": PROPOSED_COLOR,
    "fillOpacity": 0.12,
}


def proposed_catchment_layer(
    reg: Registry,
    catchments: gpd.GeoDataFrame,
    lang: str,
    datum: str,
    tolerance_m: float = 1.0,
    cache_dir: Path | None = None,
) -> None:
    """The proposed sites' catchments as the ``proposed_catchments`` layer, shown on opening.

    ``catchments`` (WGS-84) holds a polygon per tier of proposed sites with ``band_min``, the
    threshold they were drawn at; the layer's name says the minutes. Outlines are simplified
    within ``tolerance_m`` metres (kept in ``cache_dir`` between runs when given).
    """
    cache = None if cache_dir is None else (cache_dir, "proposed-catchments")
    geoms = draw_geoms(catchments.geometry.to_numpy(), datum, simplify=tolerance_m, cache=cache)
    bands = sorted(set(pd.to_numeric(catchments["band_min"], errors="coerce").dropna()))
    minutes = t(lang, "map.sep").join(t(lang, "map.band", band=band_text(b)) for b in bands)
    spec = polygon_spec(feature_collection(geoms, [{}] * len(geoms)), PROPOSED_CATCHMENT_STYLE)
    name = t(lang, "map.proposed_catchments", band=minutes)
    reg.add("proposed_catchments", name, spec, count=len(catchments))


def catchment_legend_row(name: str) -> dict[str, Any]:
    """The legend row of the proposed sites' catchments: a swatch as drawn (fill, dashed edge)."""
    style = PROPOSED_CATCHMENT_STYLE
    rgb = ",".join(str(int(style["fillColor"][i : i + 2], 16)) for i in (1, 3, 5))
    # The fill as drawn over a light basemap: the swatch stands for the polygon, not the star.
    fill = f"rgba({rgb},{2 * style['fillOpacity']:g})"
    return {"fill": [fill, style["color"]], "text": name}
