"""The sample scenarios under data/: files exist, parse and hold what their READMEs promise.

Light checks on the committed files only (no network loading). Re-running the Wuhan build script
to check that it is deterministic takes a few seconds and needs ../shared/data, so it runs only
when ``COVERAGE_SLOW_TESTS=1``.
"""

from __future__ import annotations

import importlib.util
import os
import tomllib
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
import shapely
from prcoords import Coords, gcj_wgs

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA = REPO_ROOT / "data"
WUHAN = DATA / "wuhan"
JIANGBEI = DATA / "jiangbei"
SHARED = REPO_ROOT.parent / "shared" / "data"

TIERS = {"centre", "subcentre", "point", "outdoor_station"}
UTM50N = "EPSG:32650"


def _local_paths(scenario: dict) -> list[str]:
    """Every local file a scenario refers to, except the (shared) network."""
    paths = []
    area = scenario.get("area", {})
    for key in ("path", "subdistricts"):
        if key in area:
            paths.append(area[key])
    for section in ("facilities", "demand", "candidates"):
        paths.extend(entry["path"] for entry in scenario.get(section, []))
    return paths


@pytest.fixture(scope="module")
def wuhan_facilities() -> pd.DataFrame:
    return pd.read_excel(WUHAN / "facilities.xlsx", engine="openpyxl")


@pytest.fixture(scope="module")
def wuhan_area() -> gpd.GeoDataFrame:
    return gpd.read_file(WUHAN / "area.geojson")


@pytest.mark.parametrize("folder", [WUHAN, JIANGBEI], ids=["wuhan", "jiangbei"])
def test_scenario_parses_and_local_files_exist(folder: Path) -> None:
    with (folder / "scenario.toml").open("rb") as fh:
        scenario = tomllib.load(fh)
    assert scenario["name"] == folder.name
    assert scenario["walk"]["threshold_min"] == 15
    assert set(scenario["walk"]["tier_threshold_min"]) == TIERS
    for rel in _local_paths(scenario):
        assert (folder / rel).is_file(), rel
    assert (folder / "README.md").is_file()


def test_wuhan_scenario_points_at_the_shared_network() -> None:
    with (WUHAN / "scenario.toml").open("rb") as fh:
        scenario = tomllib.load(fh)
    network = (WUHAN / scenario["network"]["path"]).resolve()
    assert network == (SHARED / "wuhan_streets_osm.parquet").resolve()
    assert scenario["facilities"][0]["crs"] == "gcj02"
    assert scenario["facilities"][0]["columns"] == {"tier": "层级"}


def test_jiangbei_scenario_downloads_by_place() -> None:
    with (JIANGBEI / "scenario.toml").open("rb") as fh:
        scenario = tomllib.load(fh)
    assert scenario["network"]["place"] == "江北区, 重庆市, 中国"
    assert scenario["network"]["cache_dir"] == "cache"
    assert "path" not in scenario["network"]


def test_wuhan_area(wuhan_area: gpd.GeoDataFrame) -> None:
    assert len(wuhan_area) == 1
    assert wuhan_area["name"].iloc[0] == "江汉区"
    geom = wuhan_area.geometry.iloc[0]
    assert geom.is_valid
    minx, miny, maxx, maxy = geom.bounds
    assert 114.19 < minx < maxx < 114.31
    assert 30.56 < miny < maxy < 30.66
    km2 = wuhan_area.to_crs(UTM50N).area.iloc[0] / 1e6
    assert 25 < km2 < 36


def test_wuhan_facility_register(wuhan_facilities: pd.DataFrame) -> None:
    f = wuhan_facilities
    assert list(f.columns) == ["名称", "层级", "服务项目", "容量", "地址", "经度", "纬度"]
    assert set(f["层级"]) <= TIERS
    counts = f["层级"].value_counts()
    assert counts["centre"] == 1
    assert counts["subcentre"] >= 10
    assert counts["point"] >= 100
    assert counts["outdoor_station"] >= 10
    assert f["名称"].is_unique
    assert (f["容量"] > 0).all()
    assert f["服务项目"].str.contains("休息").all()
    # The header row is Chinese text in the workbook itself (not only after pandas parsing).
    ws = openpyxl.load_workbook(WUHAN / "facilities.xlsx", read_only=True).active
    assert next(ws.iter_rows(max_row=1, values_only=True))[0] == "名称"


def test_wuhan_facilities_inside_area_after_gcj02_to_wgs84(
    wuhan_facilities: pd.DataFrame, wuhan_area: gpd.GeoDataFrame
) -> None:
    wgs = [
        gcj_wgs(Coords(lat=lat, lon=lon))
        for lon, lat in zip(wuhan_facilities["经度"], wuhan_facilities["纬度"], strict=True)
    ]
    lon = np.array([c.lon for c in wgs])
    lat = np.array([c.lat for c in wgs])
    area = wuhan_area.geometry.iloc[0]
    inside = shapely.contains_xy(area, lon, lat)
    assert inside.all(), wuhan_facilities.loc[~inside, "名称"].tolist()
    # The stored coordinates really are GCJ-02: read as WGS-84 they sit ~500 m off, to the east.
    shift_m = (wuhan_facilities["经度"].to_numpy() - lon) * 96_000
    assert (shift_m > 300).all()


def test_wuhan_demand() -> None:
    d = pd.read_csv(WUHAN / "demand.csv", encoding="utf-8")
    assert list(d.columns) == ["id", "name", "lon", "lat", "workers", "kind"]
    assert 10_000 <= len(d) <= 40_000
    assert d["id"].is_unique
    assert (d["workers"] > 0).all()
    assert (d["kind"] == "street_sample").all()
    assert d["lon"].between(114.19, 114.31).all()
    assert d["lat"].between(30.56, 30.66).all()


def test_wuhan_candidates(wuhan_area: gpd.GeoDataFrame) -> None:
    c = pd.read_csv(WUHAN / "candidates.csv", encoding="utf-8")
    assert list(c.columns) == ["id", "name", "lon", "lat", "role"]
    assert c["id"].is_unique
    assert set(c["role"]) == {"candidate", "excluded"}
    assert (c["role"] == "excluded").sum() == 10
    assert len(c) >= 1000
    area = wuhan_area.geometry.iloc[0]
    assert shapely.contains_xy(area, c["lon"].to_numpy(), c["lat"].to_numpy()).all()


def test_wuhan_subdistricts_cover_the_area(wuhan_area: gpd.GeoDataFrame) -> None:
    sub = gpd.read_file(WUHAN / "subdistricts.geojson")
    assert sub["name"].is_unique
    assert len(sub) == 14
    assert "民族街道" in set(sub["name"])
    sub_m = sub.to_crs(UTM50N)
    area_m = wuhan_area.to_crs(UTM50N).geometry.iloc[0]
    union = shapely.union_all(sub_m.geometry.values)
    assert union.area == pytest.approx(area_m.area, rel=1e-3)
    assert union.symmetric_difference(area_m).area < 1e-3 * area_m.area
    # Cells do not overlap: their areas add up to the union.
    assert sub_m.area.sum() == pytest.approx(union.area, rel=1e-3)


def test_wuhan_facility_addresses_name_a_subdistrict(wuhan_facilities: pd.DataFrame) -> None:
    names = set(gpd.read_file(WUHAN / "subdistricts.geojson")["name"])
    streets = wuhan_facilities["地址"].str.removeprefix("武汉市江汉区")
    assert set(streets) <= names


def test_jiangbei_facilities_and_demand() -> None:
    f = pd.read_csv(JIANGBEI / "facilities.csv", encoding="utf-8")
    assert set(f["层级"]) <= TIERS
    assert (f["层级"] == "centre").sum() == 1
    assert (f["层级"] == "subcentre").sum() >= 8
    # WGS-84 positions inside (roughly) Jiangbei district.
    assert f["经度"].between(106.45, 106.81).all()
    assert f["纬度"].between(29.55, 29.68).all()
    centre = f[f["层级"] == "centre"].iloc[0]
    stations_csv = SHARED / "chongqing_metro_stations_gaode_wgs84.csv"
    if stations_csv.is_file():
        stations = pd.read_csv(stations_csv, encoding="utf-8-sig")
        gyq = stations[stations["Name"].str.startswith("观音桥")].iloc[0]
        assert centre["经度"] == pytest.approx(gyq["WGS84_Lng"], abs=1e-6)
        assert centre["纬度"] == pytest.approx(gyq["WGS84_Lat"], abs=1e-6)
    d = pd.read_csv(JIANGBEI / "demand.csv", encoding="utf-8")
    assert list(d.columns) == ["id", "name", "lon", "lat", "workers", "kind"]
    assert (d["workers"] > 0).all()


@pytest.mark.realdata
@pytest.mark.skipif(
    os.environ.get("COVERAGE_SLOW_TESTS") != "1", reason="slow: set COVERAGE_SLOW_TESTS=1"
)
def test_wuhan_build_is_deterministic(tmp_path: Path) -> None:
    if not (SHARED / "wuhan_streets_osm.parquet").is_file():
        pytest.skip("needs ../shared/data")
    spec = importlib.util.spec_from_file_location("wuhan_build", WUHAN / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    build.HERE = tmp_path
    build.main()
    for name in (
        "area.geojson",
        "subdistricts.geojson",
        "facilities.xlsx",
        "demand.csv",
        "candidates.csv",
    ):
        assert (tmp_path / name).read_bytes() == (WUHAN / name).read_bytes(), name
