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
    # Popup HTML embedded in JSON has "</" escaped as "<\\/" (so it cannot close the script).
    return m.get_root().render().replace("<\\/", "</")


def _registry(page: str, field: str) -> Any:
    """A field of the JSON behind ``window.coverageMap`` in the page."""
    match = re.search(r"^var coverageMeta=(.*);$", page, re.M)
    assert match, "no registry script"
    return json.loads(match.group(1))[field]


def _groups(m: folium.Map) -> dict[str, folium.FeatureGroup]:
    out = {}
    for child in m._children.values():
        if isinstance(child, folium.FeatureGroup):
            key = re.search(r"data-layer='([^']+)'", child.layer_name).group(1)
            out[key] = child
    return out


def _markers(m: folium.Map) -> dict[str, folium.Marker]:
    """Facility markers by fid, from the icons' data-fid attribute."""
    out = {}
    for group in _groups(m).values():
        for child in group._children.values():
            if isinstance(child, folium.Marker):
                icon = next(c for c in child._children.values() if isinstance(c, folium.DivIcon))
                found = re.search(r'data-fid="([^"]+)"', icon.options["html"])
                if found:
                    out[found.group(1)] = child
    return out


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
        # folium writes control labels as JSON with quotes escaped.
        assert re.search(rf"data-layer=(\\u0027|'){key}(\\u0027|')", page), key
    # Every overlay is a toggleable group in the control; 15-min bands shown, 5/10 hidden.
    groups = _groups(m)
    assert groups["catchment_centre_15"].show
    assert not groups["catchment_centre_10"].show
    assert not groups["catchment_subcentre_5"].show
    assert groups["demand_uncovered"].show
    counts = _registry(page, "counts")
    demand = data["demand"]
    assert counts["demand_uncovered"] == int((~demand.covered).sum())
    assert counts["demand_cross"] == int((demand.n_reach >= 2).sum())
    assert counts["facilities_point"] == 2
    assert "L.control.layers" in page and '"collapsed": false' in page
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
    markers = _markers(m)
    assert set(markers) == {"1", "2", "3", "4", "5"}
    for fid, marker in markers.items():
        assert f'"{fid}":{marker.get_name()}' in page
    assert "showCatchment" in page and "cov-fac cov-tier-centre" in page
    # The registry script runs after every layer it names is created.
    assert page.index("window.coverageMap") > page.index(f"var {markers['5'].get_name()}")


def test_popups_show_name_and_translated_tier(data):
    zh = _page(maps.coverage_map(**data, lang="zh"))
    assert "江北区职工服务中心" in zh
    assert "<th>级别</th><td>服务中心</td>" in zh
    assert "<th>级别</th><td>户外劳动者驿站</td>" in zh
    assert "<td>法律援助、心理咨询</td>" in zh and "<td>就业、培训</td>" in zh
    assert "<td>12,346</td>" in zh  # workers reached
    # Names are escaped, never injected as markup.
    assert "&lt;b&gt;站点&lt;/b&gt;A" in zh and "<b>站点</b>A" not in zh
    # Proposed site popup: rank and gain.
    assert "<th>排序</th><td>1</td>" in zh and "<th>新增覆盖劳动者</th><td>523</td>" in zh
    # Sub-district click table, shares as percentages.
    assert "<th>覆盖率</th><td>80.0%</td>" in zh and "<th>已覆盖劳动者</th><td>800</td>" in zh
    en = _page(maps.coverage_map(**data, lang="en"))
    assert "<th>Tier</th><td>Service centre</td>" in en
    assert "<th>Tier</th><td>Sub-centre</td>" in en
    assert "<th>Rank</th><td>2</td>" in en and "<th>Share covered</th><td>50.0%</td>" in en
    assert "Click a facility to show its catchment" in en


def test_kpi_panel_and_legend(data):
    zh = _page(maps.coverage_map(**data, lang="zh", title="江北区覆盖评估"))
    panel = re.search(r'<div id="cov-kpi".*?</div>', zh, re.S).group(0)
    for text in ("任一设施覆盖率", "90.0%", "服务中心覆盖率", "40.0%", "未覆盖劳动者", "12,345"):
        assert text in panel, text
    assert "1公里直线圈覆盖率" in panel and "95.0%" in panel
    assert "mystery_kpi" in panel and "3.14" in panel  # unknown keys by their name
    assert '<div id="cov-title">江北区覆盖评估</div>' in zh
    legend = re.search(r'<div id="cov-legend".*?</div></div>', zh, re.S).group(0)
    assert "底图需联网" in zh and "服务中心" in legend
    en = _page(maps.coverage_map(**data, lang="en"))
    assert "Covered by any facility" in en and "Service centre coverage" in en
    assert "Workers not covered" in en and "Basemap needs internet" in en
    assert maps.TEXT["en"]["title"] in en  # default title


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
    m = maps.coverage_map(data["facilities"], catchments=data["catchments"], lang="en")
    groups = _groups(m)
    assert {"catchment_point_15", "catchment_point_10", "catchment_centre_5"} <= set(groups)
    assert _registry(_page(m), "counts")["catchment_point_15"] == 1  # two facilities, one union


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
    for fid, marker in _markers(m).items():
        point = fac.geometry[fac.fid == int(fid)].iloc[0]
        lat, lon = prcoords.wgs_gcj((point.y, point.x))
        assert marker.location == pytest.approx([lat, lon], abs=2e-5)
        _, _, shift_m = GEOD.inv(point.x, point.y, marker.location[1], marker.location[0])
        assert 100 < shift_m < 1000  # the GCJ-02 offset: a few hundred metres
    # Worker points are shifted too.
    uncovered = data["demand"][~data["demand"].covered].geometry.iloc[0]
    lat, lon = prcoords.wgs_gcj((uncovered.y, uncovered.x))
    assert f"{round(lon, 5)}" in page and f"{round(lat, 5)}" in page
    # OSM keeps WGS-84 coordinates.
    osm = maps.coverage_map(**data)
    assert _markers(osm)["1"].location == pytest.approx(
        [fac.geometry.iloc[0].y, fac.geometry.iloc[0].x], abs=1e-5
    )


def test_tianditu_basemap_uses_key_and_no_shift(data):
    m = maps.coverage_map(data["facilities"], basemap="tianditu", tianditu_key="KEY123")
    page = _page(m)
    assert "vec_w/wmts" in page and "cva_w/wmts" in page and "tk=KEY123" in page
    assert "天地图" in page
    fac = data["facilities"]
    assert _markers(m)["1"].location == pytest.approx(
        [fac.geometry.iloc[0].y, fac.geometry.iloc[0].x], abs=1e-5
    )


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
