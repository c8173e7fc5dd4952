"""The sample scenarios under data/: files exist, parse and hold what their READMEs promise.

The Wuhan sample carries its own inputs (clips of ../shared/data made by its build script), so
its main job runs on a fresh clone; the checks that compare the clips with the shared files,
and the rebuild that must reproduce them byte for byte, need ../shared/data.
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
import rasterio
import shapely
from prcoords import Coords, gcj_wgs, gcj_wgs_bored
from rasterio.windows import from_bounds

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA = REPO_ROOT / "data"
WUHAN = DATA / "wuhan"
JIANGBEI = DATA / "jiangbei"
SHARED = REPO_ROOT.parent / "shared" / "data"

TIERS = {"centre", "subcentre", "point", "outdoor_station"}
UTM50N = "EPSG:32650"


def _local_paths(scenario: dict) -> list[str]:
    """Every local file a scenario refers to (the network too when it is a file)."""
    paths = []
    area = scenario.get("area", {})
    for key in ("path", "subdistricts"):
        if key in area:
            paths.append(area[key])
    if "path" in scenario.get("network", {}):
        paths.append(scenario["network"]["path"])
    for section in ("facilities", "demand", "candidates"):
        paths.extend(entry["path"] for entry in scenario.get(section, []) if "path" in entry)
    return paths


def _gcj_to_wgs(geom: shapely.Geometry) -> shapely.Geometry:
    """GCJ-02 → WGS-84 vertex by vertex, straight through prcoords (not the package's code)."""

    def conv(c: np.ndarray) -> np.ndarray:
        out = [gcj_wgs_bored(Coords(lat=y, lon=x)) for x, y in c]
        return np.array([[o.lon, o.lat] for o in out]).reshape(-1, 2)

    return shapely.transform(geom, conv)


@pytest.fixture(scope="module")
def wuhan_facilities() -> pd.DataFrame:
    return pd.read_excel(WUHAN / "facilities.xlsx", engine="openpyxl")


@pytest.fixture(scope="module")
def wuhan_area() -> gpd.GeoDataFrame:
    """The sample's district boundary, as committed: GCJ-02 coordinates (Amap/DataV)."""
    return gpd.read_file(WUHAN / "area.geojson")


@pytest.fixture(scope="module")
def wuhan_area_wgs(wuhan_area: gpd.GeoDataFrame) -> shapely.Geometry:
    return _gcj_to_wgs(wuhan_area.geometry.iloc[0])


@pytest.mark.parametrize("folder", [WUHAN, JIANGBEI], ids=["wuhan", "jiangbei"])
def test_scenario_parses_and_local_files_exist(folder: Path) -> None:
    with (folder / "scenario.toml").open("rb") as fh:
        scenario = tomllib.load(fh)
    assert scenario["name"] == folder.name
    # Chinese outputs carry the Chinese title, English ones an English title (no Chinese).
    assert "职工服务阵地" in scenario["title"]
    assert "workers' service sites" in scenario["title_en"]
    assert not any("\u4e00" <= c <= "\u9fff" for c in scenario["title_en"])
    assert scenario["walk"]["threshold_min"] == 15
    assert set(scenario["walk"]["tier_threshold_min"]) == TIERS
    for rel in _local_paths(scenario):
        assert (folder / rel).is_file(), rel
    assert (folder / "README.md").is_file()


def test_wuhan_scenario_uses_only_files_in_the_repository() -> None:
    with (WUHAN / "scenario.toml").open("rb") as fh:
        scenario = tomllib.load(fh)
    for rel in _local_paths(scenario):
        path = (WUHAN / rel).resolve()
        assert path.is_relative_to(WUHAN.resolve()), rel
    assert scenario["network"]["path"] == "streets.parquet"
    assert scenario["area"]["crs"] == "gcj02"
    assert scenario["facilities"][0]["crs"] == "gcj02"
    assert scenario["facilities"][0]["columns"] == {"tier": "层级"}
    kinds = [d["kind"] for d in scenario["demand"]]
    assert kinds == ["residents", "workers"]
    assert scenario["demand"][0]["path"].endswith(".tif")
    size = sum(p.stat().st_size for p in WUHAN.iterdir() if p.is_file())
    assert size < 2_000_000, f"the sample folder holds {size:,} bytes"


def test_jiangbei_scenario_downloads_for_its_real_boundary() -> None:
    with (JIANGBEI / "scenario.toml").open("rb") as fh:
        scenario = tomllib.load(fh)
    assert scenario["area"] == {"path": "area.geojson", "crs": "gcj02"}
    assert scenario["network"] == {"polygon": True, "cache_dir": "cache"}
    assert [(d.get("osm_buildings"), d["kind"]) for d in scenario["demand"]] == [
        (True, "residents"),
        (True, "workers"),
    ]
    area = gpd.read_file(JIANGBEI / "area.geojson")
    assert area["name"].tolist() == ["江北区"] and area["adcode"].tolist() == ["500105"]
    wgs = _gcj_to_wgs(area.geometry.iloc[0])
    km2 = gpd.GeoSeries([wgs], crs=4326).to_crs("EPSG:32648").area.iloc[0] / 1e6
    assert 200 < km2 < 240  # 江北区: about 221 km²


@pytest.mark.realdata
def test_jiangbei_build_is_deterministic(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("jiangbei_build", JIANGBEI / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    if not build.DISTRICTS.is_file():
        pytest.fail(f"missing {build.DISTRICTS}") if os.environ.get("CI") else pytest.skip(
            "no data"
        )
    build.HERE = tmp_path
    build.main()
    assert (tmp_path / "area.geojson").read_bytes() == (JIANGBEI / "area.geojson").read_bytes()


def test_wuhan_area(wuhan_area: gpd.GeoDataFrame, wuhan_area_wgs: shapely.Geometry) -> None:
    assert len(wuhan_area) == 1
    assert wuhan_area["name"].iloc[0] == "江汉区"
    assert str(wuhan_area["adcode"].iloc[0]) == "420103"
    assert wuhan_area.geometry.iloc[0].is_valid
    # Converted from GCJ-02 it covers the real district's 28.7 km² (official figure 28.29)...
    km2 = gpd.GeoSeries([wuhan_area_wgs], crs=4326).to_crs(UTM50N).area.iloc[0] / 1e6
    assert km2 == pytest.approx(28.7, abs=0.1)
    # ... and moves by the usual GCJ-02 offset, some 500-600 m.
    shift = shapely.centroid(wuhan_area.geometry.iloc[0]).distance(shapely.centroid(wuhan_area_wgs))
    assert 0.004 < shift < 0.007  # degrees


@pytest.mark.realdata
def test_wuhan_area_is_the_shared_boundary_as_published(
    wuhan_area: gpd.GeoDataFrame, wuhan_districts_path: Path
) -> None:
    shared = gpd.read_file(wuhan_districts_path)
    real = shared[shared["adcode"].astype(str) == "420103"].geometry.iloc[0]
    ours = wuhan_area.geometry.iloc[0]
    # Rounded to 1e-7 degrees (1 cm) when written, not moved.
    assert ours.symmetric_difference(real).area < 1e-6 * real.area
    assert shapely.get_num_coordinates(ours) == shapely.get_num_coordinates(real)


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


def test_wuhan_facilities_inside_area_in_gcj02(
    wuhan_facilities: pd.DataFrame, wuhan_area: gpd.GeoDataFrame
) -> None:
    # Register and boundary are both GCJ-02 (as picked and published in Amap): no conversion.
    fx, fy = wuhan_facilities["经度"].to_numpy(), wuhan_facilities["纬度"].to_numpy()
    inside = shapely.contains_xy(wuhan_area.geometry.iloc[0], fx, fy)
    assert inside.all(), wuhan_facilities.loc[~inside, "名称"].tolist()
    wgs = [gcj_wgs(Coords(lat=lat, lon=lon)) for lon, lat in zip(fx, fy, strict=True)]
    lon = np.array([c.lon for c in wgs])
    # The stored coordinates really are GCJ-02: read as WGS-84 they sit ~500 m off, to the east.
    shift_m = (wuhan_facilities["经度"].to_numpy() - lon) * 96_000
    assert (shift_m > 300).all()


def test_wuhan_workplaces(wuhan_area_wgs: shapely.Geometry) -> None:
    d = pd.read_csv(WUHAN / "workplaces.csv", encoding="utf-8")
    assert list(d.columns) == ["id", "name", "lon", "lat", "workers"]
    assert 3_000 <= len(d) <= 20_000
    assert d["id"].is_unique
    assert (d["workers"] > 0).all()
    # On streets inside the district (WGS-84), within a metre of its edge at most.
    near = shapely.buffer(wuhan_area_wgs, 1e-5)
    assert shapely.contains_xy(near, d["lon"].to_numpy(), d["lat"].to_numpy()).all()


def test_wuhan_worldpop_clip(wuhan_area_wgs: shapely.Geometry) -> None:
    with rasterio.open(WUHAN / "worldpop_jianghan.tif") as src:
        assert src.count == 2 and src.crs.to_epsg() == 4326 and src.nodata == -1
        assert src.res == pytest.approx((1 / 1200, 1 / 1200), rel=1e-6)
        west, south, east, north = src.bounds
    minx, miny, maxx, maxy = wuhan_area_wgs.bounds
    assert west < minx and south < miny and east > maxx and north > maxy


@pytest.mark.realdata
def test_wuhan_worldpop_clip_holds_the_shared_values(worldpop_path: Path) -> None:
    with (
        rasterio.open(WUHAN / "worldpop_jianghan.tif") as ours,
        rasterio.open(worldpop_path) as src,
    ):
        window = from_bounds(*ours.bounds, transform=src.transform)
        theirs = src.read(window=window.round_offsets().round_lengths())
        assert np.array_equal(ours.read(), theirs)


def test_wuhan_candidates(wuhan_area_wgs: shapely.Geometry) -> None:
    c = pd.read_csv(WUHAN / "candidates.csv", encoding="utf-8")
    assert list(c.columns) == ["id", "name", "lon", "lat", "role"]
    assert c["id"].is_unique
    assert set(c["role"]) == {"candidate", "excluded"}
    assert (c["role"] == "excluded").sum() == 10
    assert len(c) >= 1000
    near = shapely.buffer(wuhan_area_wgs, 1e-5)
    assert shapely.contains_xy(near, c["lon"].to_numpy(), c["lat"].to_numpy()).all()


def test_wuhan_subdistricts_cover_the_area(wuhan_area_wgs: shapely.Geometry) -> None:
    sub = gpd.read_file(WUHAN / "subdistricts.geojson")
    assert sub["name"].is_unique
    assert len(sub) == 14
    assert "民族街道" in set(sub["name"])
    # A Chinese sample: the note its popups show is Chinese too (no English words).
    assert sub["note"].str.startswith("示意").all()
    assert not sub["note"].str.contains("[A-Za-z]").any()
    sub_m = sub.to_crs(UTM50N)
    area_m = gpd.GeoSeries([wuhan_area_wgs], crs=4326).to_crs(UTM50N).iloc[0]
    union = shapely.union_all(sub_m.geometry.values)
    assert union.area == pytest.approx(area_m.area, rel=1e-3)
    assert union.symmetric_difference(area_m).area < 1e-3 * area_m.area
    # Cells do not overlap: their areas add up to the union.
    assert sub_m.area.sum() == pytest.approx(union.area, rel=1e-3)


def test_wuhan_facility_addresses_name_a_subdistrict(wuhan_facilities: pd.DataFrame) -> None:
    names = set(gpd.read_file(WUHAN / "subdistricts.geojson")["name"])
    streets = wuhan_facilities["地址"].str.removeprefix("武汉市江汉区")
    assert set(streets) <= names


def test_jiangbei_facilities() -> None:
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


@pytest.mark.realdata
def test_wuhan_build_is_deterministic(tmp_path: Path, wuhan_edges_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("wuhan_build", WUHAN / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    build.HERE = tmp_path
    build.main()
    built = sorted(p.name for p in tmp_path.iterdir())
    assert built == sorted(
        p.name
        for p in WUHAN.iterdir()
        # (files only: a run keeps its prepared network in cache/, which git ignores)
        if p.is_file() and p.name not in ("README.md", "build.py", "scenario.toml")
    )
    for name in built:
        assert (tmp_path / name).read_bytes() == (WUHAN / name).read_bytes(), name
