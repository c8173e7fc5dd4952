"""Maps: layers and labels in both languages, popups, KPI panel, GCJ-02 shift for Amap,
self-contained HTML with no CDN request, atomic writes, and the printable static map."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import prcoords
import pytest
import shapely
from pyproj import Geod

from coverage import maps

LON0, LAT0 = 106.55, 29.57  # Chongqing, Jiangbei: inside the GCJ-02 box
GEOD = Geod(ellps="WGS84")


def _data(n_demand: int = 40, seed: int = 0) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    dx = np.array([0.0, 0.01, -0.01, 0.02, -0.02])
    dy = np.array([0.0, 0.01, 0.005, -0.01, 0.0])
    facilities = gpd.GeoDataFrame(
        {
            "fid": [1, 2, 3, 4, 5],
            "name": ["江北区职工服务中心", "观音桥分中心", "<b>站点</b>A", "站点B", "朝天门驿站"],
            "tier": ["centre", "subcentre", "point", "point", "outdoor_station"],
            "type": ["中心", "分中心", "站点", "站点", "驿站"],
            "services": [["法律援助", "心理咨询"], "就业;培训", None, [], "饮水;休息"],
            "capacity": [200, 80, np.nan, 20, 10],
            "workers_reached": [12345.6, 4000, 800, np.nan, 50],
            "snap_m": [12.3, 5, 40, 3, 100],
        },
        geometry=gpd.points_from_xy(LON0 + dx, LAT0 + dy),
        crs=4326,
    )
    rows = [
        {"fid": f, "tier": t, "band_min": b, "geometry": g.buffer(b * 0.0006)}
        for f, t, g in zip(facilities.fid, facilities.tier, facilities.geometry, strict=True)
        for b in (5.0, 10.0, 15.0)
    ]
    catchments = gpd.GeoDataFrame(rows, crs=4326)
    tier_catchments = catchments.dissolve(["tier", "band_min"], as_index=False)[
        ["tier", "band_min", "geometry"]
    ]
    n_reach = rng.integers(0, 4, n_demand)
    n_reach[:3] = [0, 1, 2]  # every class present
    demand = gpd.GeoDataFrame(
        {
            "name": [f"企业{i}" for i in range(n_demand)],
            "weight": rng.integers(1, 200, n_demand).astype(float),
            "covered": n_reach > 0,
            "n_reach": n_reach,
            "nearest_min": np.where(n_reach > 0, rng.uniform(1, 15, n_demand), np.inf),
            "t_centre": rng.uniform(1, 40, n_demand),
        },
        geometry=gpd.points_from_xy(
            LON0 + rng.uniform(-0.04, 0.04, n_demand), LAT0 + rng.uniform(-0.03, 0.03, n_demand)
        ),
        crs=4326,
    )
    subdistricts = gpd.GeoDataFrame(
        {
            "name": ["观音桥街道", "华新街街道"],
            "weight": [1000.0, 2000.0],
            "covered_weight": [800.0, 1000.0],
            "share": [0.8, 0.5],
        },
        geometry=[
            shapely.box(LON0 - 0.04, LAT0 - 0.03, LON0, LAT0 + 0.03),
            shapely.box(LON0, LAT0 - 0.03, LON0 + 0.04, LAT0 + 0.03),
        ],
        crs=4326,
    )
    proposed = gpd.GeoDataFrame(
        {"name": ["建议点1", "建议点2"], "rank": [1, 2], "gain": [523.4, 210.0], "tier": "point"},
        geometry=gpd.points_from_xy([LON0 + 0.03, LON0 - 0.03], [LAT0 + 0.02, LAT0 - 0.02]),
        crs=4326,
    )
    return {
        "facilities": facilities,
        "demand": demand,
        "catchments": catchments,
        "tier_catchments": tier_catchments,
        "subdistricts": subdistricts,
        "proposed": proposed,
        "area": shapely.box(LON0 - 0.04, LAT0 - 0.03, LON0 + 0.04, LAT0 + 0.03),
        "kpis": {
            "share_centre": 0.4,
            "share_any": 0.9,
            "share_cross": 0.5,
            "uncovered_weight": 12345,
            "share_circle_1km": 0.95,
            "mystery_kpi": 3.14159,
        },
    }


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return _data()


def _page(m: folium.Map) -> str:
    return m.get_root().render()


def _registry(page: str, field: str) -> Any:
    """A field of the JSON payload (``coverageMeta``) the page draws everything from."""
    match = re.search(r"^var coverageMeta=(.*);$", page, re.M)
    assert match, "no registry script"
    return json.loads(match.group(1))[field]


def _groups(page: str) -> dict[str, dict[str, Any]]:
    """Overlay specs by layer key, in drawing order."""
    return {o["key"]: o for o in _registry(page, "overlays")}


def _markers(page: str) -> dict[str, dict[str, Any]]:
    """Facility markers by fid (each with ``lat``, ``lng``, ``popup``, ``tooltip``)."""
    return {
        item["fid"]: item
        for spec in _groups(page).values()
        if spec["kind"] == "markers"
        for item in spec["items"]
        if "fid" in item
    }


def _popups(page: str) -> list[dict[str, Any]]:
    """Every popup of the page as data: markers' and polygons' (title, rows, hint)."""
    out = []
    for spec in _groups(page).values():
        if spec["kind"] == "markers":
            out += [item["popup"] for item in spec["items"]]
        elif spec["kind"] == "geojson":
            out += [f["properties"]["popup"] for f in spec["data"]["features"] if f["properties"]]
    return out


def _rows(popup: dict[str, Any]) -> dict[str, str]:
    return dict(popup["rows"])


# --- layers and labels ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "zh",
            {
                "facilities_centre": "服务中心（1处）",
                "facilities_outdoor_station": "户外劳动者驿站（1处）",
                "catchment_centre_15": "服务中心 15分钟步行范围",
                "catchment_point_5": "服务站点 5分钟步行范围",
                "demand_uncovered": "未覆盖劳动者点",
                "demand_cross": "交叉覆盖",
                "proposed": "建议新增站点（2）",
                "subdistricts": "街道/乡镇边界",
                "area": "研究范围",
                "basemap": "OpenStreetMap",
            },
        ),
        (
            "en",
            {
                "facilities_centre": "Service centre (1)",
                "facilities_outdoor_station": "Outdoor workers' station (1)",
                "catchment_centre_15": "Service centre: 15-min walk",
                "catchment_point_5": "Service point: 5-min walk",
                "demand_uncovered": "Uncovered workers",
                "demand_cross": "Cross-covered",
                "proposed": "Proposed sites (2)",
                "subdistricts": "Sub-district boundaries",
                "area": "Study area",
                "basemap": "OpenStreetMap",
            },
        ),
    ],
)
def test_layers_named_in_both_languages(data, lang, expected):
    m = maps.coverage_map(**data, lang=lang)
    page = _page(m)
    names = _registry(page, "names")
    for key, text in expected.items():
        assert key in names, key
        assert names[key].startswith(text), (key, names[key])
    # Every overlay is a toggleable group in the control; 15-min bands shown, 5/10 hidden.
    groups = _groups(page)
    assert set(groups) | {"basemap"} == set(names)
    assert groups["catchment_centre_15"]["show"]
    assert not groups["catchment_centre_10"]["show"]
    assert not groups["catchment_subcentre_5"]["show"]
    assert groups["demand_uncovered"]["show"]
    counts = _registry(page, "counts")
    demand = data["demand"]
    assert counts["demand_uncovered"] == int((~demand.covered).sum())
    assert counts["demand_cross"] == int((demand.n_reach >= 2).sum())
    assert counts["facilities_point"] == 2
    assert "L.control.layers" in page and "collapsed:false" in page
    assert "window.coverageMap" in page
    # The other language's labels do not leak in.
    other = "Service centre (1)" if lang == "zh" else "服务中心（1处）"
    assert other not in json.dumps(names, ensure_ascii=False)


def test_registry_maps_facilities_and_catchments(data):
    m = maps.coverage_map(**data)
    page = _page(m)
    catch = _registry(page, "catchments")
    assert set(catch) == {"1", "2", "3", "4", "5"}
    assert sorted(f["properties"]["band_min"] for f in catch["1"]["features"]) == [5, 10, 15]
    markers = _markers(page)
    assert set(markers) == {"1", "2", "3", "4", "5"}
    assert {fid: m["data"] for fid, m in markers.items()}["3"] == {"fid": "3", "tier": "point"}
    assert _groups(page)["facilities_centre"]["icon"]["class"] == "cov-fac cov-tier-centre"
    assert "showCatchment" in page
    # The map's script runs after the map it draws on is created.
    assert page.index("window.coverageMap") > page.index(f"var {m.get_name()} = L.map")


def test_popups_show_name_and_translated_tier(data):
    zh = _page(maps.coverage_map(**data, lang="zh"))
    markers = _markers(zh)
    centre = markers["1"]["popup"]
    assert (
        centre["title"] == "江北区职工服务中心" and markers["1"]["tooltip"] == "江北区职工服务中心"
    )
    assert _rows(centre)["级别"] == "服务中心"
    assert _rows(markers["5"]["popup"])["级别"] == "户外劳动者驿站"
    assert _rows(centre)["服务内容"] == "法律援助、心理咨询"
    assert _rows(markers["2"]["popup"])["服务内容"] == "就业、培训"
    assert _rows(centre)["步行可达劳动者"] == "12,346"  # 12345.6 workers reached, whole
    assert centre["hint"] == "点击设施显示其步行范围"
    # Names are data, shown as text by the page: never markup, and escaped inside the script.
    assert markers["3"]["popup"]["title"] == "<b>站点</b>A"
    assert "<b>" not in zh.split("var coverageMeta=")[1]
    popups = _popups(zh)
    # Proposed site popup: rank and gain.
    proposed = [p for p in popups if p["title"] == "建议新增站点：建议点1"]
    assert len(proposed) == 1
    assert _rows(proposed[0]) == {"排序": "1", "新增覆盖劳动者": "523", "建议级别": "服务站点"}
    # Sub-district click table, shares as percentages, workers whole.
    sub = next(p for p in popups if p["title"] == "观音桥街道")
    assert _rows(sub) == {"劳动者数": "1,000", "已覆盖劳动者": "800", "覆盖率": "80.0%"}
    en = _page(maps.coverage_map(**data, lang="en"))
    markers = _markers(en)
    assert _rows(markers["1"]["popup"])["Tier"] == "Service centre"
    assert _rows(markers["2"]["popup"])["Tier"] == "Sub-centre"
    popups = _popups(en)
    assert _rows(next(p for p in popups if p["title"] == "Proposed sites: 建议点2"))["Rank"] == "2"
    assert _rows(next(p for p in popups if p["title"] == "华新街街道"))["Share covered"] == "50.0%"
    assert markers["1"]["popup"]["hint"] == "Click a facility to show its catchment"


def test_kpi_panel_and_legend(data):
    zh = _page(maps.coverage_map(**data, lang="zh", title="江北区覆盖评估"))
    kpi = _registry(zh, "kpi")
    assert kpi["head"] == "关键指标"
    assert kpi["rows"] == [
        ["服务中心覆盖率", "40.0%"],
        ["任一设施覆盖率", "90.0%"],
        ["交叉覆盖率（≥2个设施）", "50.0%"],
        ["未覆盖劳动者", "12,345"],
        ["1公里直线圈覆盖率（对比）", "95.0%"],
        ["mystery_kpi", "3.14"],  # unknown keys by their name
    ]
    assert _registry(zh, "title") == "江北区覆盖评估"
    legend = _registry(zh, "legend")
    assert legend["head"] == "图例"
    texts = [r["text"] for r in legend["rows"]]
    assert texts[:4] == ["服务中心", "分中心", "服务站点", "户外劳动者驿站"]
    assert "底图需联网；离线时仍显示数据" in legend["notes"]
    en = _page(maps.coverage_map(**data, lang="en"))
    labels = [label for label, _ in _registry(en, "kpi")["rows"]]
    assert "Covered by any facility" in labels and "Service centre coverage" in labels
    assert "Workers not covered" in labels
    assert "Basemap needs internet; data shows offline" in _registry(en, "legend")["notes"]
    assert _registry(en, "title") == maps.TEXT["en"]["title"]  # default title


def test_worker_counts_are_whole_and_labelled_apart_from_points():
    # Four worker points; weights worked out by hand: uncovered 10.5 + 6 = 16.5 -> 16 (round
    # half to even), covered once 20.25 -> 20, cross-covered 3.
    demand = gpd.GeoDataFrame(
        {"weight": [10.5, 20.25, 3.0, 6.0], "covered": [False, True, True, False],
         "n_reach": [0, 1, 2, 0]},
        geometry=gpd.points_from_xy(LON0 + np.arange(4) * 1e-3, [LAT0] * 4),
        crs=4326,
    )  # fmt: skip
    fac = gpd.GeoDataFrame({"tier": ["centre"]}, geometry=[shapely.Point(LON0, LAT0)], crs=4326)
    kpis = {"uncovered_weight": 15322.1, "total_weight": 2.5, "n_facilities": 3.0, "x": 1.005}
    en = _page(maps.coverage_map(fac, demand, kpis=kpis, lang="en", basemap="none"))
    names = _registry(en, "names")
    assert names["demand_uncovered"] == "Uncovered workers: 16 (2 points)"
    assert names["demand_covered"] == "Covered by 1 facility: 20 workers (1 point)"
    assert names["demand_cross"] == "Cross-covered, ≥2 facilities: 3 workers (1 point)"
    # The legend rows are the layer names.
    rows = [r["text"] for r in _registry(en, "legend")["rows"] if "dot" in r]
    assert rows == [names["demand_uncovered"], names["demand_covered"], names["demand_cross"]]
    assert dict(_registry(en, "kpi")["rows"]) == {
        "Workers not covered": "15,322",
        "Workers in total": "2",
        "Facilities": "3",
        "x": "1.00",  # not a count: two decimals
    }
    # Worker point popups get whole workers too (10.5 -> 10, 20.25 -> 20).
    points = {o["key"]: o["data"] for o in _registry(en, "overlays") if o["kind"] == "points"}
    assert points["demand_uncovered"]["w"] == [10, 6] and points["demand_covered"]["w"] == [20]
    zh = _page(maps.coverage_map(fac, demand, lang="zh", basemap="none"))
    names = _registry(zh, "names")
    assert names["demand_uncovered"] == "未覆盖劳动者点：2个点，共16人"
    assert names["demand_cross"] == "交叉覆盖·≥2个设施：1个点，共3人"
    # Without weights there are only points to count, and the labels say so.
    bare = demand.drop(columns="weight")
    names = _registry(_page(maps.coverage_map(fac, bare, lang="en", basemap="none")), "names")
    assert names["demand_uncovered"] == "Uncovered worker points (2)"
    assert names["demand_cross"] == "Points cross-covered, ≥2 facilities (1)"
    names = _registry(_page(maps.coverage_map(fac, bare, lang="zh", basemap="none")), "names")
    assert names["demand_uncovered"] == "未覆盖劳动者点（2个点）"


def test_script_json_cannot_close_the_script():
    text = "</script><!--&\u2028\u2029"
    out = maps._js({"a": text})
    assert not set(out) & set("<>&\u2028\u2029")
    assert json.loads(out) == {"a": text}


def test_missing_optional_columns_and_layers():
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy([LON0, LON0 + 0.01], [LAT0, LAT0]), crs=4326)
    m = maps.coverage_map(pts, pts.copy(), lang="en", basemap="none")
    page = _page(m)
    names = _registry(page, "names")
    assert set(names) == {"facilities_other", "demand"}
    assert _registry(page, "counts")["demand"] == 2
    assert "tile.openstreetmap.org" not in page
    # Empty facilities are fine too.
    empty = gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=4326))
    assert "window.coverageMap" in _page(maps.coverage_map(empty))


def test_catchment_layers_dissolved_from_per_facility_catchments(data):
    page = _page(maps.coverage_map(data["facilities"], catchments=data["catchments"], lang="en"))
    groups = _groups(page)
    assert {"catchment_point_15", "catchment_point_10", "catchment_centre_5"} <= set(groups)
    assert _registry(page, "counts")["catchment_point_15"] == 1  # two facilities, one union


def test_free_form_tiers_get_stable_keys():
    fac = gpd.GeoDataFrame(
        {"tier": ["Center", "驿站", "mobile van", "流动"], "fid": [1, 2, 3, 4]},
        geometry=gpd.points_from_xy([LON0] * 4, [LAT0] * 4),
        crs=4326,
    )
    names = _registry(_page(maps.coverage_map(fac, lang="zh")), "names")
    assert names["facilities_centre"] == "服务中心（1处）"
    assert names["facilities_outdoor_station"] == "户外劳动者驿站（1处）"
    assert names["facilities_mobile_van"] == "mobile_van（1处）"
    assert any(k.startswith("facilities_tier") and v == "流动（1处）" for k, v in names.items())


def test_area_as_geodataframe_in_another_crs(data):
    area = gpd.GeoDataFrame(geometry=[data["area"]], crs=4326).to_crs(32648)
    names = _registry(_page(maps.coverage_map(data["facilities"], area=area)), "names")
    assert "area" in names


def test_bad_arguments():
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy([LON0], [LAT0]), crs=4326)
    with pytest.raises(ValueError, match="lang"):
        maps.coverage_map(pts, lang="fr")
    with pytest.raises(ValueError, match="basemap"):
        maps.coverage_map(pts, basemap="google")
    with pytest.raises(ValueError, match="tianditu_key"):
        maps.coverage_map(pts, basemap="tianditu")


# --- basemaps and datum ---------------------------------------------------------------------


def test_amap_basemap_shifts_data_to_gcj02(data):
    m = maps.coverage_map(**data, basemap="amap")
    page = _page(m)
    assert "webrd0{s}.is.autonavi.com" in page and "AutoNavi" in page
    assert _registry(page, "datum") == "gcj02"
    fac = data["facilities"]
    for fid, marker in _markers(page).items():
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
    osm = _markers(_page(maps.coverage_map(**data)))["1"]
    assert [osm["lat"], osm["lng"]] == pytest.approx(
        [fac.geometry.iloc[0].y, fac.geometry.iloc[0].x], abs=1e-5
    )


def test_tianditu_basemap_uses_key_and_no_shift(data):
    m = maps.coverage_map(data["facilities"], basemap="tianditu", tianditu_key="KEY123")
    page = _page(m)
    assert "vec_w/wmts" in page and "cva_w/wmts" in page and "tk=KEY123" in page
    assert "天地图" in page
    fac = data["facilities"]
    marker = _markers(page)["1"]
    assert [marker["lat"], marker["lng"]] == pytest.approx(
        [fac.geometry.iloc[0].y, fac.geometry.iloc[0].x], abs=1e-5
    )
    # The key is one URL parameter, whatever it holds.
    odd = _page(maps.coverage_map(fac, basemap="tianditu", tianditu_key="a&b={{x}}"))
    urls = [b["url"] for b in _registry(odd, "basemaps")]
    assert len(urls) == 2 and all(u.endswith("&tk=a%26b%3D%7B%7Bx%7D%7D") for u in urls)


# --- saving ---------------------------------------------------------------------------------

_REMOTE_TAG = re.compile(
    r"<script[^>]*\bsrc\s*=\s*[\"']?(https?:)?//|<link[^>]*\bhref\s*=\s*[\"']?(https?:)?//", re.I
)


def test_self_contained_html_has_no_cdn_requests(tmp_path, data):
    m = maps.coverage_map(**data)
    online = maps.save_map(m, tmp_path / "online.html").read_text(encoding="utf-8")
    assert _REMOTE_TAG.search(online)  # the plain file links the CDN
    path = maps.save_map(m, tmp_path / "map.html", self_contained=True)
    page = path.read_text(encoding="utf-8")
    assert not _REMOTE_TAG.search(page)
    assert not re.search(r"<script[^>]*\bsrc=", page)
    assert not re.search(r"<link[^>]*rel=[\"']?stylesheet", page)
    assert 't.version="1.9.3"' in page  # Leaflet's own code
    assert "jQuery" in page and ".leaflet-container" in page
    assert "data:image/png;base64," in page  # Leaflet CSS images inlined
    assert "sourceMappingURL" not in page
    assert "tile.openstreetmap.org" in page  # tile templates inside JS strings are allowed
    assert "window.coverageMap" in page and "底图需联网" in page


def test_self_contained_refuses_unvendored_assets(tmp_path):
    target = tmp_path / "plain.html"
    target.write_text("old", encoding="utf-8")
    m = folium.Map()  # default folium: Bootstrap, Font Awesome… not vendored
    with pytest.raises(ValueError, match="self-contained"):
        maps.save_map(m, target, self_contained=True)
    assert target.read_text(encoding="utf-8") == "old"


def test_save_map_is_atomic(tmp_path, monkeypatch, data):
    target = tmp_path / "map.html"
    target.write_text("previous map", encoding="utf-8")
    m = maps.coverage_map(data["facilities"])

    def broken_write(self: Path, text: str, *args: Any, **kwargs: Any) -> int:
        with open(self, "w", encoding="utf-8") as f:
            f.write(text[:100])  # half a file, then the disk fills up
        raise OSError("disk full")

    monkeypatch.setattr(Path, "write_text", broken_write)
    with pytest.raises(OSError, match="disk full"):
        maps.save_map(m, target, self_contained=True)
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == "previous map"
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]  # no temporary left behind


def test_30k_demand_points_stay_small(tmp_path):
    big = _data(n_demand=30_000, seed=1)
    m = maps.coverage_map(**big)
    path = maps.save_map(m, tmp_path / "big.html", self_contained=True)
    size = path.stat().st_size
    assert size < 15e6, size
    counts = _registry(path.read_text(encoding="utf-8"), "counts")
    assert sum(counts[k] for k in ("demand_covered", "demand_cross", "demand_uncovered")) == 30_000


def test_covered_points_thinned_but_never_uncovered(monkeypatch):
    monkeypatch.setattr(maps, "MAX_COVERED_POINTS", 10)
    big = _data(n_demand=400)
    page = _page(maps.coverage_map(**big, lang="en"))
    counts = _registry(page, "counts")
    assert counts["demand_covered"] == 10 and counts["demand_cross"] == 10
    assert counts["demand_uncovered"] == int((~big["demand"].covered).sum())
    assert "Covered points thinned" in page


# --- static map -----------------------------------------------------------------------------


@pytest.mark.parametrize(("suffix", "magic"), [(".png", b"\x89PNG"), (".pdf", b"%PDF")])
def test_static_map_written(tmp_path, data, suffix, magic):
    path = tmp_path / f"map{suffix}"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = maps.save_static_map(
            data["facilities"],
            data["demand"],
            data["tier_catchments"],
            data["area"],
            path,
            lang="zh",
            dpi=60,
        )
    assert out == path and path.read_bytes()[:4] == magic
    assert path.stat().st_size > 10_000
    font_warnings = [w for w in caught if "Chinese font" in str(w.message)]
    assert bool(font_warnings) == (maps.cjk_font() is None)


def test_static_map_is_atomic_and_checks_suffix(tmp_path, monkeypatch, data):
    from matplotlib.figure import Figure

    target = tmp_path / "map.png"
    target.write_bytes(b"old")

    def broken(self: Figure, fname: Any, **kwargs: Any) -> None:
        Path(fname).write_bytes(b"partial")
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(Figure, "savefig", broken)
    with pytest.raises(RuntimeError, match="renderer crashed"):
        maps.save_static_map(data["facilities"], None, None, None, target, lang="en")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["map.png"]
    with pytest.raises(ValueError, match="png or .pdf"):
        maps.save_static_map(data["facilities"], None, None, None, tmp_path / "m.jpg")


def test_band_shown_on_opening_follows_the_tier_threshold():
    from coverage.maps import _shown_band

    assert _shown_band([5.0, 10.0, 15.0], 10.0) == 10.0
    assert _shown_band([5.0, 10.0], 15.0) == 10.0  # no 15-min band drawn: the largest below
    assert _shown_band([10.0, 15.0], 5.0) == 10.0  # nothing below: the smallest
