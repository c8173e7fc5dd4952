"""The readers' errors and notes in both languages: the exact line a planner reads.

One or more errors of every reader module (:mod:`coverage.inputs`), each worded in Chinese and
in English (``exc.text(lang)``: file, row and field, then what is wrong); the expected lines are
written out by hand from the catalogues' words.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
import shapely
from shapely.geometry import Point, Polygon, box

from coverage.errors import InputError, Msg, ScenarioError
from coverage.inputs.boundaries import geos_reason, read_polygons
from coverage.inputs.buildings import _check_polygon, estimate_people
from coverage.inputs.columns import ALIASES, describe_columns
from coverage.inputs.datum_check import review
from coverage.inputs.points import read_points
from coverage.inputs.raster import RasterReport, read_raster_demand
from coverage.inputs.street_fit import DatumFinding
from coverage.inputs.validation import validate_layer
from tests.inputs.helpers import point_layer, write_csv


def words(exc: pytest.ExceptionInfo[InputError]) -> tuple[str, str]:
    """The error in Chinese and in English."""
    return exc.value.text("zh"), exc.value.text("en")


# --- readers -------------------------------------------------------------------------------------


def test_readers_file_not_found_empty_and_unsupported(tmp_path: Path) -> None:
    missing = tmp_path / "nope.csv"
    with pytest.raises(InputError) as err:
        read_points(missing)
    assert words(err) == (f"{missing}：找不到文件", f"{missing}: file not found")
    empty = write_csv(tmp_path / "empty.csv", "\n\n")
    with pytest.raises(InputError) as err:
        read_points(empty)
    assert words(err) == (f"{empty}：文件是空的", f"{empty}: the file is empty")
    odd = write_csv(tmp_path / "a.abc", "x")
    with pytest.raises(InputError) as err:
        read_points(odd)
    assert words(err) == (
        f"{odd}：不支持的文件类型“.abc”（请使用 CSV、Excel、GeoJSON、GeoPackage 或 Shapefile）",
        f"{odd}: unsupported file type '.abc' (use CSV, Excel, GeoJSON, GeoPackage or Shapefile)",
    )
    assert str(err.value) == err.value.text("en")  # str() stays English


def test_workbooks_no_such_sheet(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "A"
    wb.active.append(["名称", "经度", "纬度"])
    path = tmp_path / "s.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as err:
        read_points(path, layer="B")
    assert words(err) == (
        f"{path}：工作簿中没有工作表“B”；现有工作表：['A']",
        f"{path}: no sheet 'B' in the workbook; sheets are ['A']",
    )


# --- columns and points --------------------------------------------------------------------------


def test_columns_mapped_column_not_found(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "f.csv", "名称,经度,纬度\n甲,114.3,30.5\n")
    with pytest.raises(InputError) as err:
        read_points(path, columns={"name": "站名"})
    assert words(err) == (
        f"{path}，字段“站名”：找不到列“站名”（映射为 name）；现有列：['名称', '经度', '纬度']",
        f"{path}, field '站名': column '站名' (mapped to name) not found; columns are "
        "['名称', '经度', '纬度']",
    )


def test_points_missing_columns_name_the_field_in_each_language(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "f.csv", "名称,经度\n甲,114.3\n")
    names = ", ".join(ALIASES["lat"])
    with pytest.raises(InputError) as err:
        read_points(path)
    assert words(err) == (
        f"{path}，字段“纬度”：找不到纬度列（可识别的列名：{names}）；现有列：['名称', '经度']",
        f"{path}, field 'lat': no latitude column found (recognised: {names}); columns are "
        "['名称', '经度']",
    )
    path = write_csv(tmp_path / "g.csv", "名称,经度,纬度\n甲,114.3,30.5\n")
    names = ", ".join(ALIASES["weight"])
    with pytest.raises(InputError) as err:
        read_points(path, require=("weight",))
    assert words(err) == (
        f"{path}，字段“权重”：缺少“权重”所需的列（可识别的列名：{names}）；"
        "现有列：['名称', '经度', '纬度']",
        f"{path}, field 'weight': missing required column for 'weight' (recognised names: "
        f"{names}); columns are ['名称', '经度', '纬度']",
    )


def test_columns_note_in_each_language(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "f.csv", "站名,经度,纬度,备注\n甲,114.3,30.5,x\n", "gb18030")
    gdf, _ = read_points(path, columns={"name": "站名"}, crs="gcj02")
    assert describe_columns(gdf, "zh") == (
        "f.csv：CSV，GBK/GB18030，表头在第 1 行；GCJ-02，已用 prcoords 转换为 WGS-84（精确逆变换）；"
        "名称 ← “站名”（情景指定），经度 ← “经度”（自动识别），纬度 ← “纬度”（自动识别）；未使用：备注"
    )
    assert describe_columns(gdf) == (
        "f.csv: CSV, GBK/GB18030, header on row 1; GCJ-02, converted to WGS-84 with prcoords "
        "(precise inverse); name ← '站名' (scenario), longitude ← '经度' (recognised), "
        "latitude ← '纬度' (recognised); not used: 备注"
    )


# --- coordinates ---------------------------------------------------------------------------------


def test_coordinates_unknown_crs_and_swapped_columns(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "f.csv", "名称,经度,纬度\n甲,30.5,114.3\n乙,30.6,114.4\n")
    with pytest.raises(InputError) as err:
        read_points(path, crs="mars")
    zh, en = words(err)
    assert zh.startswith(f"{path}，字段“crs”：未知的坐标系 'mars'；请使用 wgs84 (")
    assert zh.endswith(
        '或 EPSG 代码，如 4326、"EPSG:4326" 或 32650（不区分大小写，空格、连字符和下划线不影响识别）'
    )
    assert en.startswith(f"{path}, field 'crs': unknown coordinate system 'mars'; use wgs84 (")
    assert "cgcs2000 (cgcs; EPSG:4490) or an EPSG code such as 4326" in en
    with pytest.raises(InputError) as err:
        read_points(path)
    assert words(err) == (
        f"{path}，字段“纬度”：每一行的纬度都超出范围，而交换两个坐标后数值合理：列“经度”存的是纬度，"
        "“纬度”存的是经度；请在情景的列映射或文件中交换这两列",
        f"{path}, field '纬度': every row's latitude is out of range and the values fit with the "
        "two coordinates exchanged: column '经度' holds latitudes and '纬度' longitudes; swap them "
        "in the scenario's column mapping or in the file",
    )


# --- boundaries ----------------------------------------------------------------------------------


def test_boundaries_selection_points_and_invalid_polygons(tmp_path: Path) -> None:
    path = tmp_path / "d.geojson"
    gpd.GeoDataFrame({"name": ["a"]}, geometry=[box(114, 30, 114.1, 30.1)], crs=4326).to_file(path)
    with pytest.raises(InputError) as err:
        read_polygons(path, crs="wgs84", select={"adcode": 1})
    assert words(err) == (
        f"{path}，字段“adcode”：没有用于筛选的字段“adcode”；现有字段：name",
        f"{path}, field 'adcode': no field 'adcode' to select on; the fields are: name",
    )
    pts = tmp_path / "p.geojson"
    gpd.GeoDataFrame(geometry=[Point(114, 30), Point(114.1, 30)], crs=4326).to_file(pts)
    with pytest.raises(InputError) as err:
        read_polygons(pts, crs="wgs84")
    assert words(err) == (
        f"{pts}，第 1 行，字段“几何图形”：应为多边形，实际为 Point（2 个要素，第一个是第 1 个要素）",
        f"{pts}, row 1, field 'geometry': expected polygons, found Point (2 features, the first "
        "is feature 1)",
    )
    bow = tmp_path / "bow.geojson"
    tie = Polygon([(114, 30), (114.01, 30.01), (114.01, 30), (114, 30.01)])
    gpd.GeoDataFrame(geometry=[tie], crs=4326).to_file(bow)
    (p,) = read_polygons(bow, crs="wgs84").attrs["problems"]
    assert (p.row, p.field_text("zh"), p.field_text("en")) == (1, "几何图形", "geometry")
    assert p.text("zh") == "多边形无效（自相交[114.005 30.005]）；已自动修复"
    assert p.text("en") == (
        "invalid polygon (Self-intersection[114.005 30.005]); repaired with make_valid"
    )


# --- rasters -------------------------------------------------------------------------------------


def test_raster_bad_scale_and_the_report_in_each_language(tmp_path: Path) -> None:
    path = tmp_path / "people.tif"
    with pytest.raises(InputError) as err:
        read_raster_demand(path, box(114, 30, 114.1, 30.1), scale=-1)
    assert words(err) == (
        f"{path}，字段“scale”：scale 应为正数，而不是 -1",
        f"{path}, field 'scale': scale must be a positive number, not -1",
    )
    report = RasterReport(
        path=str(path),
        band=1,
        kind="residents",
        crs="EPSG:4326",
        cells_read=12,
        cells_in_area=12,
        cells_used=8,
        cells_empty=1,
        points=8,
        split=(2, 2),
        total_weight=1234.4,
        skipped={"nodata": 1, "not_finite": 0, "negative": 2},
        negative_people=5.0,
    )
    assert report.note().text("zh") == (
        "people.tif 第 1 波段，坐标系 EPSG:4326：居住地（居民）1,234 人，取自研究区内 12 个像元中的 8 个，"
        "每个像元分为 2×2；跳过 1 个无数据像元，2 个负值像元"
    )
    assert report.summary() == (
        "people.tif band 1 (EPSG:4326): 1,234 residents in 8 of 12 cells inside the area, each "
        "split in 2×2; "
        "skipped 1 cell with no data, 2 negative cells"
    )
    assert [(p.field_text("zh"), p.field_text("en")) for p in report.problems()] == [
        ("第 1 波段", "band 1"),
        ("第 1 波段", "band 1"),
    ]


# --- validation ----------------------------------------------------------------------------------


def test_validation_no_tier_column() -> None:
    gdf = point_layer([{"row": 2, "name": "A", "xy": (106.53, 29.575)}])
    with pytest.raises(InputError) as err:
        validate_layer(gdf, "f.csv", role="facility", allowed_tiers=["centre", "point"])
    assert words(err) == (
        "f.csv，字段“层级”：没有层级列：每个设施都需要以下层级之一：['centre', 'point']",
        "f.csv, field 'tier': no tier column: every facility needs one of the tiers "
        "['centre', 'point']",
    )


# --- the datum check -----------------------------------------------------------------------------

_LOOKS = {
    "declared": "wgs84",
    "best": "GCJ-02",
    "best_key": "gcj02",
    "conclusive": True,
    "median_m": {"WGS-84": 212.0, "GCJ-02": 9.0, "BD-09": 700.0},
    "share_within": {"WGS-84": 0.1, "GCJ-02": 0.9, "BD-09": 0.0},
    "within_m": 30.0,
    "random_shift_share_within": 0.05,
    "search_m": 500.0,
    "share_closer": 0.95,
}


def test_datum_check_error_in_each_language() -> None:
    f = DatumFinding("looks_gcj02", "warning", "(English sentence)", _LOOKS)
    with pytest.raises(InputError) as err:
        review([f], "a.csv", crs="wgs84")
    assert words(err) == (
        'a.csv，字段“crs”：这些点声明为 WGS-84（crs = "wgs84"），但按 GCJ-02 读取才与街道吻合：'
        "按 WGS-84 距街道的中位距离为 212 米，按 GCJ-02 为 9 米；按 GCJ-02 有 90% 的点在街道 30 米内"
        '（按 WGS-84 为 10%，随机平移为 5%）；请为该图层设置 crs = "gcj02"，或设置 '
        'datum_check = "warn" 以继续运行',
        "a.csv, field 'crs': the points are declared WGS-84 (crs = \"wgs84\") but fit the streets "
        "as GCJ-02: median 212 m from a street as WGS-84, 9 m as GCJ-02; 90% of points within 30 m "
        'as GCJ-02 (10% as WGS-84, 5% by chance); set crs = "gcj02" for this layer, or set '
        'datum_check = "warn" to keep going',
    )


def test_datum_check_notes_in_each_language() -> None:
    ok = DatumFinding("datum_ok", "info", "(English sentence)", {**_LOOKS, "best": "GCJ-02"})
    few = DatumFinding(
        "inconclusive", "info", "(s)", {"points": 40, "points_near_streets": 3, "search_m": 500}
    )
    _, notes = review([ok, few], "a.csv")
    assert [n.text("zh") for n in notes] == [
        "坐标系 WGS-84 核验无误：按声明读取时到最近街道的中位距离为 212 米（按 GCJ-02 读取为 9 米，"
        "按 BD-09 读取为 700 米）",
        "40 个点中只有 3 个在街道 500 米内：街道网络可能未覆盖该图层，因此未检查其坐标系",
    ]
    assert [str(n) for n in notes] == [
        "WGS-84 confirmed: the median distance to the nearest street is 212 m as declared (9 m if read "
        "as GCJ-02, 700 m if read as BD-09)",
        "only 3 of 40 points are within 500 m of the streets: the street network may not cover "
        "this layer, so its datum was not checked",
    ]


# --- buildings -----------------------------------------------------------------------------------


def test_buildings_area_errors_in_each_language() -> None:
    with pytest.raises(InputError) as err:
        _check_polygon(Point(114, 30))
    assert words(err) == (
        "只能为多边形下载建筑，而不是 Point",
        "buildings can only be downloaded for a polygon, not Point",
    )
    with pytest.raises(InputError) as err:
        _check_polygon(Polygon([(0, 0), (1, 1), (1, 0), (0, 1)]))
    assert words(err) == (
        "研究区多边形无效（自相交[0.5 0.5]）",
        "the area polygon is invalid (Self-intersection[0.5 0.5])",
    )
    with pytest.raises(ScenarioError) as serr:
        estimate_people(gpd.GeoDataFrame(geometry=[], crs=4326), kind="robots")
    assert serr.value.text("zh").startswith("建筑估算不认识需求类型“robots”；已知类型：")
    assert str(serr.value).startswith("unknown demand kind 'robots' for buildings; known: ")


def test_buildings_warning_is_a_message(caplog: pytest.LogCaptureFixture) -> None:
    square = box(114, 30, 114.0002, 30.0002)
    found = gpd.GeoDataFrame(
        {"building": ["house"], "building:levels": ["two"], "id": [1], "element": ["way"]},
        geometry=[square],
        crs=4326,
    )
    estimate_people(found)
    (record,) = [r for r in caplog.records if isinstance(r.msg, Msg)]
    assert (
        record.msg.text("zh")
        == "1 栋建筑的 building:levels 无法读取（如 'two'）：已使用类型的默认值"
    )
    assert record.getMessage() == (
        "1 building with unreadable building:levels (e.g. 'two'): type default used"
    )


def test_geos_reasons_keep_their_place() -> None:
    ring = shapely.Polygon([(0, 0), (2, 0), (2, 2), (0, 2)], [[(1, 1), (3, 1), (3, 3), (1, 3)]])
    reason = geos_reason(shapely.is_valid_reason(ring))
    assert reason.key != "problem.geos.other"
    assert reason.text("en") == shapely.is_valid_reason(ring)  # GEOS's words, as GEOS says them
    unknown = geos_reason("Something new[1 2]")
    assert (unknown.text("zh"), unknown.text("en")) == ("Something new[1 2]",) * 2
