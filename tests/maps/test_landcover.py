"""Water and green areas under the streets: drawn when given, absent otherwise, shifted like all."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from map_layers import LAT0, LON0, meta_field, overlay_specs, render_page

from coverage import maps
from coverage.datum import from_wgs84


def _landcover() -> gpd.GeoDataFrame:
    # A river strip across the south of the sample area, a park in the north-east, and a lake
    # 50 km away (outside the map: clipped away). Corners on the 1e-5 grid the page rounds to.
    return gpd.GeoDataFrame(
        {"kind": ["water", "green", "water", "farmland"]},
        geometry=[
            shapely.box(LON0 - 0.03, LAT0 - 0.025, LON0 + 0.03, LAT0 - 0.02),
            shapely.box(LON0 + 0.01, LAT0 + 0.01, LON0 + 0.02, LAT0 + 0.02),
            shapely.box(LON0 + 0.5, LAT0, LON0 + 0.51, LAT0 + 0.01),
            shapely.box(LON0, LAT0, LON0 + 0.001, LAT0 + 0.001),
        ],
        crs=4326,
    )


def _ring(feature: dict) -> np.ndarray:
    geom = feature["geometry"]
    if geom["type"] == "MultiPolygon":
        return np.asarray(geom["coordinates"][0][0])
    return np.asarray(geom["coordinates"][0])


def test_water_and_green_under_the_streets(data):
    page = render_page(maps.coverage_map(**data, landcover=_landcover(), basemap="osm"))
    specs = overlay_specs(page)
    assert list(specs)[0] == "landcover"  # under everything, the streets included
    spec = specs["landcover"]
    assert spec["show"] and spec["fixed"] and not spec["interactive"]
    feats = spec["data"]["features"]
    # The far lake is clipped away and an unknown kind ignored; green first, water on top.
    assert [f["properties"]["cls"] for f in feats] == ["green", "water"]
    assert spec["classes"]["water"]["fillColor"] != spec["classes"]["green"]["fillColor"]
    ring = _ring(feats[1])
    assert ring[:, 0].min() == pytest.approx(LON0 - 0.03, abs=1e-9)
    assert ring[:, 1].max() == pytest.approx(LAT0 - 0.02, abs=1e-9)
    assert meta_field(page, "counts")["landcover"] == 2


def test_no_landcover_no_layer(data):
    specs = overlay_specs(render_page(maps.coverage_map(**data)))
    assert "landcover" not in specs
    empty = _landcover().iloc[:0]
    assert "landcover" not in overlay_specs(render_page(maps.coverage_map(**data, landcover=empty)))


def test_landcover_shifted_to_gcj02_under_amap(data):
    page = render_page(maps.coverage_map(**data, landcover=_landcover(), basemap="amap"))
    feats = overlay_specs(page)["landcover"]["data"]["features"]
    ring = _ring(next(f for f in feats if f["properties"]["cls"] == "green"))
    gx, gy = from_wgs84(LON0 + 0.01, LAT0 + 0.01, "gcj02")
    assert np.min(np.hypot(ring[:, 0] - gx, ring[:, 1] - gy)) < 1.5e-5
    assert np.min(np.hypot(ring[:, 0] - (LON0 + 0.01), ring[:, 1] - (LAT0 + 0.01))) > 1e-3
