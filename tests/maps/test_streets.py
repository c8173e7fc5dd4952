"""The street background, the basemap switcher, the KPI order and the sample map's size."""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from map_layers import meta_field, overlay_specs, render_page

from coverage import maps
from coverage.datum import from_wgs84
from coverage.maps.panels import kpi_order
from coverage.scenario.sections import Output

UTM = 32648  # metres around the sample layers (106.55 E, 29.57 N)
# Two streets starting at the sample's first facility, in metres.
_X0, _Y0 = 0.0, 0.0


@pytest.fixture(autouse=True)
def _origin(data):
    global _X0, _Y0
    pt = data["facilities"].geometry.to_crs(UTM).iloc[0]
    _X0, _Y0 = round(pt.x, 1), round(pt.y, 1)


def _edges(named: bool = True) -> gpd.GeoDataFrame:
    main = shapely.LineString([(_X0, _Y0), (_X0 + 500, _Y0), (_X0 + 1000, _Y0 + 6)])
    back = shapely.LineString(list(main.coords)[::-1])
    side = shapely.LineString([(_X0 + 500, _Y0), (_X0 + 500, _Y0 + 400)])
    frame = gpd.GeoDataFrame(
        {
            "u": [1, 3, 2],
            "v": [3, 1, 4],
            "highway": ["primary", "primary", ["residential", "service"]],
            "geometry": [main, back, side],
        },
        crs=UTM,
    )
    if named:
        frame["name"] = ["解放大道", "解放大道", None]
    return frame


def _wgs84_vertex() -> tuple[float, float]:
    pt = gpd.GeoSeries([shapely.Point(_X0, _Y0)], crs=UTM).to_crs(4326).iloc[0]
    return pt.x, pt.y


def test_streets_under_everything_with_names(data):
    page = render_page(maps.coverage_map(**data, streets=_edges(), basemap="osm"))
    specs = overlay_specs(page)
    assert list(specs)[0] == "streets"  # drawn first: under every other layer
    streets = specs["streets"]
    assert streets["show"] and streets["fixed"]  # always on, not a toggle
    feats = streets["data"]["features"]
    major = [f for f in feats if f["properties"]["cls"] == "major"]
    minor = [f for f in feats if f["properties"]["cls"] == "minor"]
    assert [f["properties"].get("tooltip") for f in major] == ["解放大道"]
    assert [f["properties"].get("tooltip") for f in minor] == [None]  # unnamed: no tooltip
    # The two directions of the main street are drawn once; the bend of 3 m from the chord stays (> 2 m).
    coords = np.asarray(major[0]["geometry"]["coordinates"])
    assert major[0]["geometry"]["type"] == "LineString" and len(coords) == 3
    x, y = _wgs84_vertex()
    assert np.min(np.hypot(coords[:, 0] - x, coords[:, 1] - y)) < 1.5e-5
    assert streets["classes"]["major"]["weight"] > streets["classes"]["minor"]["weight"]
    # Without a name column, no tooltips at all.
    bare = overlay_specs(render_page(maps.coverage_map(**data, streets=_edges(named=False))))
    assert all("tooltip" not in f["properties"] for f in bare["streets"]["data"]["features"])


def test_streets_shifted_to_gcj02_under_amap(data):
    page = render_page(maps.coverage_map(**data, streets=_edges(), basemap="amap"))
    feats = overlay_specs(page)["streets"]["data"]["features"]
    major = next(f for f in feats if f["properties"]["cls"] == "major")
    coords = np.asarray(major["geometry"]["coordinates"])
    x, y = _wgs84_vertex()
    gx, gy = from_wgs84(x, y, "gcj02")
    # The street's end at the origin vertex, shifted like every other layer.
    assert np.min(np.hypot(coords[:, 0] - gx, coords[:, 1] - gy)) < 1.5e-5
    assert np.min(np.hypot(coords[:, 0] - x, coords[:, 1] - y)) > 1e-3  # not left in WGS-84


def test_basemap_switcher_and_default_by_language(data):
    fac = data["facilities"]
    assert Output().basemap == "auto"
    zh = render_page(maps.coverage_map(fac, lang="zh", basemap="auto"))
    en = render_page(maps.coverage_map(fac, lang="en", basemap="auto"))
    assert meta_field(zh, "datum") == "gcj02" and meta_field(en, "datum") == "wgs84"
    shown = {b["key"]: b["show"] for b in meta_field(zh, "basemaps")}
    assert shown == {"basemap_osm": False, "basemap_amap": True, "basemap_none": False}
    assert [b["key"] for b in meta_field(en, "basemaps") if b["show"]] == ["basemap_osm"]
    # OSM tiles under GCJ-02 data are moved by the WGS-84 → GCJ-02 offset (from prcoords).
    osm = next(b for b in meta_field(zh, "basemaps") if b["key"] == "basemap_osm")
    assert osm["shift"]
    grid = meta_field(zh, "shift")
    lon, lat = grid["x"][0], grid["y"][0]
    glon, glat = from_wgs84(lon, lat, "gcj02")
    assert grid["dx"][0] == pytest.approx(glon - lon, abs=1e-6)
    assert grid["dy"][0] == pytest.approx(glat - lat, abs=1e-6)
    # Tianditu only with a key.
    assert "basemap_tianditu" not in meta_field(zh, "names")
    keyed = render_page(maps.coverage_map(fac, lang="zh", tianditu_key="K"))
    assert "basemap_tianditu" in meta_field(keyed, "names")


def test_kpi_order_for_leaders():
    keys = [
        "share_centre",
        "share_any",
        "share_cross",
        "uncovered_weight",
        "kind_share:workers",
        "kind_uncovered:workers",
        "share_point",
        "total_weight",
    ]
    assert kpi_order(keys) == [
        "share_any",
        "uncovered_weight",
        "kind_share:workers",
        "kind_uncovered:workers",
        "share_centre",
        "share_point",
        "share_cross",
        "total_weight",
    ]


def test_kpi_footnote_and_metric_scale(data):
    m = maps.coverage_map(
        **data, lang="en", speed_kmh=4.5, date="2025-01-02", sources=["OpenStreetMap", "WorldPop"]
    )
    page = render_page(m)
    note = meta_field(page, "note")
    assert "4.5 km/h" in note and "2025-01-02" in note and "OpenStreetMap, WorldPop" in note
    assert "L.control.scale({imperial:false" in page
    assert "L.control.scale()" not in page and "control_scale" not in page.lower()


SAMPLE = Path(__file__).parents[2] / "data" / "wuhan"


@pytest.mark.skipif(not SAMPLE.is_dir(), reason="sample data not in this checkout")
def test_sample_map_size(tmp_path):
    from coverage import pipeline

    work = tmp_path / "wuhan"
    shutil.copytree(SAMPLE, work)
    run = pipeline.run(work / "scenario.toml")
    html = run.files["map"]
    size = html.stat().st_size
    print(f"\nsample map {html.name}: {size / 1e6:.2f} MB")
    assert size <= 3e6  # issue #13: at most 3 MB (1.95 MB with packed outlines, 2026-12-04)
