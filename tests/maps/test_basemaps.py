"""Basemaps: Amap shifts every drawn coordinate to GCJ-02, Tianditu takes its key as one URL parameter."""

from __future__ import annotations

import prcoords
import pytest
from map_layers import GEOD, facility_markers, meta_field, render_page

from coverage import maps


def test_amap_basemap_shifts_data_to_gcj02(data):
    m = maps.coverage_map(**data, basemap="amap")
    page = render_page(m)
    assert "webrd0{s}.is.autonavi.com" in page and "AutoNavi" in page
    assert meta_field(page, "datum") == "gcj02"
    fac = data["facilities"]
    for fid, marker in facility_markers(page).items():
        point = fac.geometry[fac.fid == int(fid)].iloc[0]
        lat, lon = prcoords.wgs_gcj((point.y, point.x))
        assert [marker["lat"], marker["lng"]] == pytest.approx([lat, lon], abs=2e-5)
        _, _, shift_m = GEOD.inv(point.x, point.y, marker["lng"], marker["lat"])
        assert 100 < shift_m < 1000  # the GCJ-02 offset: a few hundred metres
    # Worker points are shifted too.
    uncovered = data["demand"][~data["demand"].covered].geometry.iloc[0]
    lat, lon = prcoords.wgs_gcj((uncovered.y, uncovered.x))
    assert f"{round(lon, 5)}" in page and f"{round(lat, 5)}" in page
    # OSM keeps WGS-84 coordinates.
    osm = facility_markers(render_page(maps.coverage_map(**data)))["1"]
    assert [osm["lat"], osm["lng"]] == pytest.approx(
        [fac.geometry.iloc[0].y, fac.geometry.iloc[0].x], abs=1e-5
    )


def test_tianditu_basemap_uses_key_and_no_shift(data):
    m = maps.coverage_map(data["facilities"], basemap="tianditu", tianditu_key="KEY123")
    page = render_page(m)
    assert "vec_w/wmts" in page and "cva_w/wmts" in page and "tk=KEY123" in page
    assert "天地图" in page
    fac = data["facilities"]
    marker = facility_markers(page)["1"]
    assert [marker["lat"], marker["lng"]] == pytest.approx(
        [fac.geometry.iloc[0].y, fac.geometry.iloc[0].x], abs=1e-5
    )
    # The key is one URL parameter, whatever it holds.
    odd = render_page(maps.coverage_map(fac, basemap="tianditu", tianditu_key="a&b={{x}}"))
    tdt = [b for b in meta_field(odd, "basemaps") if b["key"] == "basemap_tianditu"]
    urls = [tile["url"] for b in tdt for tile in b["tiles"]]
    assert len(urls) == 2 and all(u.endswith("&tk=a%26b%3D%7B%7Bx%7D%7D") for u in urls)
