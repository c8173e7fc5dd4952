"""coverage_map: every layer named in both languages, the browser registry, optional inputs, bad arguments."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
from map_layers import LAT0, LON0, facility_markers, meta_field, overlay_specs, render_page

from coverage import maps


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "zh",
            {
                "facilities_centre": "服务中心（1处）",
                "facilities_outdoor_station": "户外劳动者驿站（1处）",
                "catchment_centre": "服务中心步行范围",
                "catchment_point": "服务站点步行范围",
                "demand_uncovered": "未覆盖需求点",
                "demand_cross": "交叉覆盖",
                "proposed": "建议新增站点（2处）",
                "subdistricts": "街道/乡镇边界",
                "area": "研究区",
                "basemap_osm": "OpenStreetMap",
            },
        ),
        (
            "en",
            {
                "facilities_centre": "Service centre (1)",
                "facilities_outdoor_station": "Outdoor workers' station (1)",
                "catchment_centre": "Service centre: walking catchment",
                "catchment_point": "Service point: walking catchment",
                "demand_uncovered": "Not covered: ",
                "demand_cross": "Cross-covered",
                "proposed": "Proposed sites (2)",
                "subdistricts": "Sub-district boundaries",
                "area": "Study area",
                "basemap_osm": "OpenStreetMap",
            },
        ),
    ],
)
def test_layers_named_in_both_languages(data, lang, expected):
    m = maps.coverage_map(**data, lang=lang)
    page = render_page(m)
    names = meta_field(page, "names")
    for key, text in expected.items():
        assert key in names, key
        assert names[key].startswith(text), (key, names[key])
    # Every overlay is a toggleable group in the control: one per tier for the catchments,
    # its bands a choice (5/10/15 min), opening on the threshold band (15 min by default).
    groups = overlay_specs(page)
    assert set(groups) | {"basemap_osm", "basemap_amap", "basemap_none"} == set(names)
    catchments = {k for k in groups if k.startswith("catchment_")}
    assert catchments == {
        f"catchment_{t}" for t in ("centre", "subcentre", "point", "outdoor_station")
    }
    for key in catchments:
        spec = groups[key]
        assert spec["kind"] == "bands" and spec["show"] and spec["band"] == 15
        assert [b["band"] for b in spec["bands"]] == [5, 10, 15]
        want = ["5分钟", "10分钟", "15分钟"] if lang == "zh" else ["5 min", "10 min", "15 min"]
        assert [b["label"] for b in spec["bands"]] == want
    assert groups["demand_uncovered"]["show"]
    counts = meta_field(page, "counts")
    demand = data["demand"]
    assert counts["demand_uncovered"] == int((~demand.covered).sum())
    assert counts["demand_cross"] == int((demand.n_reach >= 2).sum())
    assert counts["facilities_point"] == 2
    # Folded into its button on small screens (map.css's phone layout), open on laptops.
    assert "L.control.layers" in page and "collapsed:small" in page
    assert "matchMedia('(max-width: 900px), (max-height: 560px)')" in page
    assert "window.coverageMap" in page
    # The other language's labels do not leak in.
    other = "Service centre (1)" if lang == "zh" else "服务中心（1处）"
    assert other not in json.dumps(names, ensure_ascii=False)


def test_registry_maps_facilities_and_catchments(data):
    m = maps.coverage_map(**data)
    page = render_page(m)
    catch = meta_field(page, "catchments")
    assert set(catch) == {"1", "2", "3", "4", "5"}
    assert sorted(f["properties"]["band_min"] for f in catch["1"]["features"]) == [5, 10, 15]
    markers = facility_markers(page)
    assert set(markers) == {"1", "2", "3", "4", "5"}
    assert {fid: m["data"] for fid, m in markers.items()}["3"] == {"fid": "3", "tier": "point"}
    assert overlay_specs(page)["facilities_centre"]["icon"]["class"] == "cov-fac cov-tier-centre"
    assert "showCatchment" in page
    # The map's script runs after the map it draws on is created.
    assert page.index("window.coverageMap") > page.index(f"var {m.get_name()} = L.map")


def test_missing_optional_columns_and_layers():
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy([LON0, LON0 + 0.01], [LAT0, LAT0]), crs=4326)
    m = maps.coverage_map(pts, pts.copy(), lang="en", basemap="none")
    page = render_page(m)
    names = meta_field(page, "names")
    assert {k for k in names if not k.startswith("basemap_")} == {"facilities_other", "demand"}
    assert meta_field(page, "counts")["demand"] == 2
    assert "tile.openstreetmap.org" not in page
    # Empty facilities are fine too.
    empty = gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=4326))
    assert "window.coverageMap" in render_page(maps.coverage_map(empty))


def test_catchment_layers_dissolved_from_per_facility_catchments(data):
    page = render_page(
        maps.coverage_map(data["facilities"], catchments=data["catchments"], lang="en")
    )
    groups = overlay_specs(page)
    assert {"catchment_point", "catchment_centre"} <= set(groups)
    # Two point facilities dissolve into one union per band: three bands, three polygons.
    assert meta_field(page, "counts")["catchment_point"] == 3
    assert [len(b["data"]["features"]) for b in groups["catchment_point"]["bands"]] == [1, 1, 1]


def test_area_as_geodataframe_in_another_crs(data):
    area = gpd.GeoDataFrame(geometry=[data["area"]], crs=4326).to_crs(32648)
    names = meta_field(render_page(maps.coverage_map(data["facilities"], area=area)), "names")
    assert "area" in names


def test_bad_arguments():
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy([LON0], [LAT0]), crs=4326)
    with pytest.raises(ValueError, match="lang"):
        maps.coverage_map(pts, lang="fr")
    with pytest.raises(ValueError, match="basemap"):
        maps.coverage_map(pts, basemap="google")
    with pytest.raises(ValueError, match="tianditu_key"):
        maps.coverage_map(pts, basemap="tianditu")


def test_a_map_without_lang_is_in_the_lang_setting(data, monkeypatch):
    from coverage import settings

    monkeypatch.setattr(settings, "lang", "en")  # after import: read when the map is drawn
    names = meta_field(render_page(maps.coverage_map(**data)), "names")
    assert names["area"] == "Study area" and names["facilities_centre"] == "Service centre (1)"
    monkeypatch.setattr(settings, "lang", "fr")
    with pytest.raises(ValueError, match=r"coverage\.settings\.lang: .*'fr'"):
        maps.coverage_map(**data)
