"""A small audit on real data: three Jianghan sub-district cells and one district off the map.

The cells (data/wuhan/subdistricts.geojson, WGS-84) stand for districts so that each task is
small; the network is the shared whole-city Wuhan extract, clipped per district as in a real
audit. The fourth "district" lies 24 km east of the street extract: it has no street, and must
fail alone.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from tests.conftest import REPO_ROOT, shared_data

SAMPLE = REPO_ROOT / "data" / "wuhan"
#: Sub-district cells used as districts (row in subdistricts.geojson → code).
CELLS = {4: "D1", 3: "D2", 2: "D3"}
#: A name that must stay text everywhere (HTML, CSV, TOML).
NASTY = 'Cell </script><b>"x"</b> & \\ 区'
OFF_MAP = shapely.box(114.80, 30.84, 114.81, 30.85)  # 邾城, Xinzhou


def write_districts(path: Path, cells: dict[int, str] = CELLS, off_map: bool = True) -> Path:
    subs = gpd.read_file(SAMPLE / "subdistricts.geojson")
    feats = []
    for row, code in cells.items():
        name = NASTY if code == "D1" else str(subs.loc[row, "name"])
        geom = subs.geometry.iloc[row]
        feats.append({"code": code, "name": name, "geometry": geom})
    if off_map:
        feats.append({"code": "X9", "name": "off the map", "geometry": OFF_MAP})
    gdf = gpd.GeoDataFrame(feats, crs=4326)
    path.write_text(gdf.to_json(), encoding="utf-8")
    return path


def _inputs(results: Path) -> str:
    """The sections a district's scenario and the audit file share: network, walk, layers."""
    q = json.dumps
    return f"""[network]
path = {q(str(shared_data("wuhan_streets_osm.parquet")))}
[walk.tier_threshold_min]
outdoor_station = 10
[[facilities]]
path = {q(str(SAMPLE / "facilities.xlsx"))}
crs = "gcj02"
columns = {{ tier = "层级" }}
[[demand]]
path = {q(str(SAMPLE / "worldpop_jianghan.tif"))}
band = 1
kind = "residents"
[[demand]]
path = {q(str(SAMPLE / "workplaces.csv"))}
weight = "workers"
kind = "workers"
[output]
dir = {q(str(results))}
"""


def scenario_text(code: str, districts: Path, results: Path) -> str:
    """A scenario for one district alone, written by hand (not by the audit)."""
    q = json.dumps
    return f"""
name = "{code}"
[area]
path = {q(str(districts))}
crs = "wgs84"
select = {{ code = {q(code)} }}
{_inputs(results)}"""


def audit_text(districts: Path, results: Path) -> str:
    q = json.dumps
    return f"""
name = "small"
title = "小型普查"
[districts]
path = {q(str(districts))}
crs = "wgs84"
name_field = "name"
code_field = "code"
{_inputs(results)}"""


@pytest.fixture
def small_audit(tmp_path: Path) -> Path:
    """An audit file over three cells and one district off the map (results in tmp_path)."""
    districts = write_districts(tmp_path / "districts.geojson")
    path = tmp_path / "audit.toml"
    path.write_text(audit_text(districts, tmp_path / "results"), encoding="utf-8")
    return path
