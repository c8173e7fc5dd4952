"""Reading point layers: encodings, workbooks, column recognition, coordinates, bad rows.

Fixtures are in tests/fixtures/registers (see its README for what each row holds); GIS files are
written at test time in ``tmp_path``.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import prcoords
import pytest
import shapely
from pyproj import Transformer

from coverage import datum, tables
from coverage.errors import InputError, Problem

REG = Path(__file__).resolve().parent / "fixtures" / "registers"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"

NAMES = ["观音桥职工服务中心", "华新街职工驿站", "北城天街户外劳动者驿站", "大石坝职工服务分中心"]
LONLAT = [(106.5300, 29.5750), (106.5320, 29.5770), (106.5345, 29.5782), (106.5410, 29.5855)]


def _shared(name: str) -> Path:
    path = SHARED / name
    if not path.is_file():
        msg = f"real-data file {path} is missing (see ../shared/data/README.md)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    return path


def _skipped(problems: list[Problem]) -> dict[int, list[Problem]]:
    out: dict[int, list[Problem]] = {}
    for p in problems:
        if p.action == "skipped":
            out.setdefault(p.row, []).append(p)
    return out


def _write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# --- encodings and workbooks ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "encoding", "label"),
    [
        ("sites_utf8.csv", "utf-8", "UTF-8"),
        ("sites_bom.csv", "utf-8-sig", "UTF-8 with BOM"),
        ("sites_gbk.csv", "gb18030", "GBK/GB18030"),
    ],
)
def test_csv_encodings_are_detected_and_reported(name: str, encoding: str, label: str) -> None:
    gdf, problems = tables.read_points(REG / name)
    assert problems == []
    assert gdf.attrs["encoding"] == encoding
    assert gdf["name"].tolist() == NAMES
    assert gdf["row"].tolist() == [2, 3, 4, 5]
    np.testing.assert_allclose(np.c_[gdf.geometry.x, gdf.geometry.y], LONLAT)
    assert gdf["tier"].tolist() == ["centre", "point", "point", "subcentre"]
    # Chinese list separators (；、 and ASCII commas) split services.
    assert gdf["services"].tolist() == [
        ["法律援助", "心理咨询"],
        ["职工书屋"],
        ["母婴室", "职工书屋"],
        ["技能培训", "法律援助"],
    ]
    assert gdf["area"].tolist() == [320, 60, 45, 150]
    assert gdf.crs.to_epsg() == 4326
    assert label in tables.describe_columns(gdf)


def test_gbk_fixture_is_really_gbk() -> None:
    raw = (REG / "sites_gbk.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "单位名称" in raw.decode("gbk")


def test_gbk_headers_are_recognised_and_reported() -> None:
    gdf, _ = tables.read_points(REG / "sites_gbk.csv")
    assert gdf.attrs["columns"] == {
        "lon": "经度",
        "lat": "纬度",
        "name": "单位名称",
        "tier": "级别",
        "type": "站点类型",
        "services": "服务项目",
        "area": "建筑面积(㎡)",
        "address": "详细地址",
    }
    assert set(gdf.attrs["columns_source"].values()) == {"recognised"}
    text = tables.describe_columns(gdf)
    assert text.startswith("sites_gbk.csv: CSV, GBK/GB18030, header on row 1; WGS-84;")
    assert "name ← '单位名称' (recognised)" in text
    assert "area ← '建筑面积(㎡)' (recognised)" in text
    # The same description from the attrs mapping alone.
    assert tables.describe_columns(gdf.attrs) == text


def test_encoding_can_be_forced(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "a.csv", "名称,经度,纬度\n甲,106.53,29.57\n", "gbk")
    gdf, _ = tables.read_points(path, encoding="gbk")
    assert gdf["name"].tolist() == ["甲"] and gdf.attrs["encoding"] == "gbk"
    with pytest.raises(InputError, match="cannot read the file as utf-8"):
        tables.read_points(path, encoding="utf-8")


def test_utf16_tab_separated(tmp_path: Path) -> None:
    # Excel's "Unicode text" export: UTF-16 with BOM, tab-separated.
    text = "名称\t经度\t纬度\r\n甲\t106.53\t29.57\r\n"
    path = tmp_path / "unicode.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    gdf, problems = tables.read_points(path)
    assert problems == [] and gdf["name"].tolist() == ["甲"]
    assert gdf.attrs["encoding"] == "utf-16" and gdf.attrs["delimiter"] == "\t"


def test_semicolon_csv(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "semi.csv", "name;lng;lat\nA;106.53;29.57\nB;106.54;29.58\n")
    gdf, problems = tables.read_points(path)
    assert problems == [] and gdf["name"].tolist() == ["A", "B"]
    assert gdf.attrs["delimiter"] == ";"


def test_undecodable_csv(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"name,lon,lat\n\xff\xff\xff,1,2\n")
    with pytest.raises(InputError, match="neither UTF-8 nor GBK/GB18030") as err:
        tables.read_points(path)
    assert err.value.path == str(path)


def test_xlsx_with_title_rows_blank_rows_and_bad_cell() -> None:
    gdf, problems = tables.read_points(REG / "sites.xlsx")
    # Title in row 1, blank row 2: the header is found in row 3; rows keep Excel's numbers.
    assert gdf.attrs["header_row"] == 3
    assert gdf.attrs["sheet"] == "站点"
    assert gdf["row"].tolist() == [4, 5, 8, 9]
    assert gdf["name"].tolist() == NAMES
    np.testing.assert_allclose(np.c_[gdf.geometry.x, gdf.geometry.y], LONLAT)
    assert gdf["area"].tolist() == [320, 60, 45, 150]
    assert [(p.row, p.field, p.message, p.action) for p in problems] == [
        (7, "经度", "not a number: '#N/A'", "skipped")
    ]
    assert gdf.attrs["unused_columns"] == ["序号"]
    assert gdf.attrs["rows_read"] == 5
    assert "XLSX, sheet '站点', header on row 3" in tables.describe_columns(gdf)


def test_xls_sheet_by_name_with_xy_headers() -> None:
    gdf, problems = tables.read_points(REG / "sites.xls", layer="站点")
    assert gdf.attrs["format"] == "xls"
    assert gdf.attrs["columns"]["lon"] == "X坐标" and gdf.attrs["columns"]["lat"] == "Y坐标"
    assert gdf["row"].tolist() == [2, 3, 5, 6]
    assert gdf["name"].tolist() == NAMES
    np.testing.assert_allclose(np.c_[gdf.geometry.x, gdf.geometry.y], LONLAT)
    assert [(p.row, p.field, p.message) for p in problems] == [
        (4, "X坐标", "not a number: '106.53 E'")
    ]


def test_xls_first_sheet_has_no_coordinates() -> None:
    # The first sheet (说明) is notes: the error names the file and lists what was found.
    with pytest.raises(InputError, match="no longitude column found") as err:
        tables.read_points(REG / "sites.xls")
    assert err.value.path.endswith("sites.xls") and err.value.field == "lon"


def test_missing_sheet_lists_sheets() -> None:
    with pytest.raises(InputError, match=r"no sheet '设施'.*\['站点', '说明'\]"):
        tables.read_points(REG / "sites.xlsx", layer="设施")


def test_workbooks_agree_with_csv() -> None:
    csv_gdf, _ = tables.read_points(REG / "sites_utf8.csv")
    for gdf in (
        tables.read_points(REG / "sites.xlsx")[0],
        tables.read_points(REG / "sites.xls", layer="站点")[0],
    ):
        for col in ("name", "tier", "type", "services", "address"):
            assert gdf[col].tolist() == csv_gdf[col].tolist()
        assert gdf.geometry.geom_equals_exact(csv_gdf.geometry, 1e-12).all()


def test_spreadsheet_named_files_are_read_by_content(tmp_path: Path) -> None:
    # Web systems hand out CSV and HTML files named .xls.
    fake = _write_csv(tmp_path / "export.xls", "名称,经度,纬度\n甲,106.53,29.57\n", "gbk")
    gdf, _ = tables.read_points(fake)
    assert gdf["name"].tolist() == ["甲"] and gdf.attrs["format"] == "csv (named .xls)"
    html = _write_csv(tmp_path / "table.xls", "<html><table><tr><td>1</td></tr></table></html>")
    with pytest.raises(InputError, match="HTML/XML file .* save it as .xlsx"):
        tables.read_points(html)


def test_corrupt_workbook_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 50)
    with pytest.raises(
        InputError, match=r"not a readable Excel workbook \(xlsx\): .*damaged"
    ) as err:
        tables.read_points(path)
    assert err.value.path == str(path)


# --- bad rows ------------------------------------------------------------------------------------


def test_facility_faults_row_by_row() -> None:
    path = REG / "facilities_faults.csv"
    gdf, problems = tables.read_points(path)
    skipped = _skipped(problems)
    assert sorted(skipped) == [4, 5, 6, 14, 18]
    assert [(p.field, p.message) for p in skipped[4]] == [("经度", "not a number: 'abc'")]
    assert [(p.field, p.message) for p in skipped[5]] == [("纬度", "missing latitude")]
    (swap,) = skipped[6]
    assert swap.field == "纬度"
    assert swap.message == (
        "latitude 106.536 is out of range (-90 to 90); the values fit China if longitude and "
        "latitude are swapped"
    )
    assert "row has 8 values but the header has 7 columns" in skipped[14][0].message
    assert [(p.field, p.message) for p in skipped[18]] == [("容量", "not a number: '约20'")]
    assert all(p.path == str(path) for p in problems)
    # Nothing valid lost: every non-blank data row is kept or skipped, never both.
    kept = gdf["row"].tolist()
    assert kept == [2, 3, 7, 8, 9, 10, 11, 12, 13, 15, 16]
    assert not set(kept) & set(skipped)
    assert len(kept) + len(skipped) == gdf.attrs["rows_read"] == 16
    # Degrees-minutes-seconds and full-width digits are numbers too.
    by_row = gdf.set_index("row").geometry
    assert by_row[15].x == pytest.approx(106.535) and by_row[15].y == pytest.approx(29.58)
    assert by_row[16].x == pytest.approx(106.538) and by_row[16].y == pytest.approx(29.578)


def test_demand_weights_are_checked_while_reading() -> None:
    gdf, problems = tables.read_points(REG / "demand_faults.csv", require=("weight",))
    msgs = {p.row: (p.field, p.message) for p in problems}
    assert msgs == {
        3: ("职工人数", "weight must be positive, got 0"),
        4: ("职工人数", "weight must be positive, got -5"),
        5: ("职工人数", "missing weight"),
        6: ("职工人数", "not a number: '很多'"),
        # one comma and three digits: 1.2 (decimal comma) or 1200 (thousands)? Both are named.
        7: (
            "职工人数",
            "'1,200' is ambiguous: 1.200 with a decimal comma or 1200 with a thousands "
            "separator; write 1.200 or 1200",
        ),
    }
    assert gdf["row"].tolist() == [2, 8, 9, 10, 11]
    assert gdf.attrs["columns"]["subdistrict"] == "所属街道"


def test_weights_are_only_warnings_when_not_required(tmp_path: Path) -> None:
    # A staff count in a facility register must not drop facilities.
    text = "名称,经度,纬度,人数\nA,106.53,29.57,\nB,106.54,29.58,0\nC,106.55,29.59,很多\n"
    gdf, problems = tables.read_points(_write_csv(tmp_path / "f.csv", text))
    assert gdf["row"].tolist() == [2, 3, 4]
    assert [(p.row, p.message, p.action) for p in problems] == [
        (4, "not a number: '很多'; value left empty", "kept"),
        (3, "weight must be positive, got 0", "kept"),
    ]


def test_missing_coordinate_column() -> None:
    with pytest.raises(InputError) as err:
        tables.read_points(REG / "missing_columns.csv")
    msg = str(err.value)
    assert "missing_columns.csv" in msg and "no latitude column found" in msg
    assert "columns are ['名称', '经度', '地址']" in msg
    assert err.value.field == "lat"


def test_missing_required_column() -> None:
    with pytest.raises(InputError, match="missing required column for 'weight'") as err:
        tables.read_points(REG / "sites_utf8.csv", require=("weight",))
    assert err.value.field == "weight"


def test_whole_file_swapped_is_a_file_error() -> None:
    with pytest.raises(InputError) as err:
        tables.read_points(REG / "swapped.csv")
    assert "column '经度' holds latitudes and '纬度' longitudes" in str(err.value)


def test_blank_rows_keep_row_numbers(tmp_path: Path) -> None:
    text = "title line\n\nname,lon,lat\nA,106.53,29.57\n,,\n\nB,x,29.57\nC,106.54,29.58\n"
    gdf, problems = tables.read_points(_write_csv(tmp_path / "t.csv", text))
    assert gdf.attrs["header_row"] == 3
    assert gdf["row"].tolist() == [4, 8]
    assert [(p.row, p.message) for p in problems] == [(7, "not a number: 'x'")]
    assert gdf.attrs["rows_read"] == 3 and gdf.attrs["blank_rows"] == 2


def test_quoted_commas_and_newlines(tmp_path: Path) -> None:
    text = 'name,lon,lat,address\n"A, north gate",106.53,29.57,"line 1\nline 2"\nB,106.54,29.58,x\n'
    gdf, problems = tables.read_points(_write_csv(tmp_path / "q.csv", text))
    assert problems == []
    assert gdf["name"].tolist() == ["A, north gate", "B"]
    assert gdf["address"].tolist() == ["line 1\nline 2", "x"]
    assert gdf["row"].tolist() == [2, 3]  # records, as a spreadsheet numbers them


def test_non_finite_and_out_of_range(tmp_path: Path) -> None:
    text = "name,lon,lat\nA,inf,29.5\nB,106.5,nan\nC,200,29.5\nD,5.5,95\nE,106.5,29.5\n"
    gdf, problems = tables.read_points(_write_csv(tmp_path / "r.csv", text))
    assert [(p.row, p.message) for p in problems] == [
        (2, "not a number: 'inf'"),
        (3, "not a number: 'nan'"),
        (4, "longitude 200 is out of range (-180 to 180)"),
        (5, "latitude 95 is out of range (-90 to 90)"),
    ]
    assert gdf["row"].tolist() == [6]


# --- columns -------------------------------------------------------------------------------------


def test_scenario_mapping_wins_and_is_reported(tmp_path: Path) -> None:
    text = "站名,东,北,名称\nA,106.53,29.57,ignored\n"
    path = _write_csv(tmp_path / "m.csv", text)
    gdf, _ = tables.read_points(path, columns={"name": "站名", "lon": "东", "lat": " 北 "})
    assert gdf["name"].tolist() == ["A"]
    assert gdf.attrs["columns"] == {"name": "站名", "lon": "东", "lat": "北"}
    assert gdf.attrs["columns_source"] == {"name": "scenario", "lon": "scenario", "lat": "scenario"}
    assert gdf.attrs["unused_columns"] == ["名称"]
    assert "name ← '站名' (scenario)" in tables.describe_columns(gdf)
    with pytest.raises(InputError, match="column '站点' .mapped to name. not found") as err:
        tables.read_points(path, columns={"name": "站点", "lon": "东", "lat": "北"})
    assert err.value.field == "站点"


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("经度（WGS84）", "lon"),
        ("Longitude", "lon"),
        ("LNG", "lon"),
        ("X坐标", "lon"),
        ("纬度(°)", "lat"),
        ("Y坐标", "lat"),
        ("站点名称", "name"),
        ("单位名称", "name"),
        ("详细地址", "address"),
        ("站点类型", "type"),
        ("级别", "tier"),
        ("服务内容", "services"),
        ("容量", "capacity"),
        ("从业人员", "weight"),
        ("职工人数（人）", "weight"),
        ("面积（㎡）", "area"),
        ("所属街道", "subdistrict"),
    ],
)
def test_aliases(header: str, field: str) -> None:
    base = tables.normalize_column(header)
    assert base in {tables.normalize_column(a) for a in tables.ALIASES[field]}


def test_datum_tagged_columns_follow_declared_crs(tmp_path: Path) -> None:
    # Like the Chongqing metro file: GCJ-02 "Longitude" beside converted "WGS84_Lng".
    text = (
        "Name,Longitude,Latitude,WGS84_Lng,WGS84_Lat\nA,106.532469,29.573462,106.52871,29.576263\n"
    )
    path = _write_csv(tmp_path / "two.csv", text)
    wgs, notes = tables.read_points(path)
    assert wgs.attrs["columns"]["lon"] == "WGS84_Lng"
    assert [n.action for n in notes] == ["kept", "kept"]
    assert "several columns could be 'lon': ['WGS84_Lng', 'Longitude']" in notes[0].message
    gcj, _ = tables.read_points(path, crs="gcj02")
    assert gcj.attrs["columns"]["lon"] == "Longitude"
    assert gcj.geometry.x[0] == pytest.approx(106.52871, abs=2e-5)


def test_column_tag_contradicting_crs_is_a_warning(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "g.csv", "name,gcj02_lng,gcj02_lat\nA,106.53,29.57\n")
    gdf, problems = tables.read_points(path)
    assert len(gdf) == 1
    assert any(
        p.row is None and p.action == "kept" and "looks like GCJ-02" in p.message for p in problems
    )


# --- coordinate systems --------------------------------------------------------------------------


@pytest.mark.parametrize("crs", ["gcj02", "GCJ-02", "amap", "高德"])
def test_gcj02_table_is_converted(tmp_path: Path, crs: str) -> None:
    path = _write_csv(tmp_path / "g.csv", "name,lng,lat\nA,106.532469,29.573462\n")
    gdf, problems = tables.read_points(path, crs=crs)
    assert problems == []
    lat, lon = prcoords.gcj_wgs_bored((29.573462, 106.532469))
    assert gdf.geometry.x[0] == pytest.approx(lon, abs=1e-12)
    assert gdf.geometry.y[0] == pytest.approx(lat, abs=1e-12)
    assert gdf.attrs["crs"].startswith("GCJ-02, converted to WGS-84")


def test_bd09_table_is_converted(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "b.csv", "name,lng,lat\nA,106.539,29.579\n")
    gdf, _ = tables.read_points(path, crs="bd09")
    lat, lon = prcoords.bd_wgs_bored((29.579, 106.539))
    assert (gdf.geometry.x[0], gdf.geometry.y[0]) == pytest.approx((lon, lat), abs=1e-12)


def test_chinese_datum_outside_china_is_reported(tmp_path: Path) -> None:
    text = "name,lng,lat\nLiege,5.57,50.63\nA,106.53,29.57\n"
    gdf, problems = tables.read_points(_write_csv(tmp_path / "o.csv", text), crs="gcj02")
    assert gdf.geometry.x[0] == 5.57 and gdf.geometry.y[0] == 50.63  # unchanged
    (p,) = problems
    assert p.row is None and p.action == "kept"
    assert "1 points are outside China (rows [2])" in p.message


def test_projected_table(tmp_path: Path) -> None:
    tr = Transformer.from_crs(4326, 32648, always_xy=True)
    x, y = tr.transform(106.53, 29.575)
    text = f"name,x,y\nA,{x:.3f},{y:.3f}\nB,{y:.3f},{x:.3f}\n"
    gdf, problems = tables.read_points(_write_csv(tmp_path / "utm.csv", text), crs=32648)
    assert gdf["row"].tolist() == [2]
    assert (gdf.geometry.x[0], gdf.geometry.y[0]) == pytest.approx((106.53, 29.575), abs=1e-7)
    assert gdf.attrs["crs"] == "EPSG:32648"
    assert [(p.row, p.field) for p in problems] == [(3, "x")]
    assert problems[0].message == (
        f"({y:.2f}, {x:.2f}) lies outside the area of EPSG:32648; the values fit it if X and Y "
        "are swapped"
    )
    # Every row swapped: the column mapping is wrong, a file-level error.
    text = f"name,x,y\nA,{y:.3f},{x:.3f}\nB,{y + 100:.3f},{x + 100:.3f}\n"
    with pytest.raises(InputError, match="column 'x' holds northings"):
        tables.read_points(_write_csv(tmp_path / "utm2.csv", text), crs=32648)


@pytest.mark.parametrize(
    ("crs", "label"), [("cgcs2000", "EPSG:4490"), ("EPSG:4490", "EPSG:4490"), (4326, "WGS-84")]
)
def test_geographic_epsg(tmp_path: Path, crs: object, label: str) -> None:
    path = _write_csv(tmp_path / "c.csv", "name,lng,lat\nA,106.53,29.57\n")
    gdf, _ = tables.read_points(path, crs=crs)
    assert gdf.attrs["crs"] == label
    assert (gdf.geometry.x[0], gdf.geometry.y[0]) == pytest.approx((106.53, 29.57), abs=1e-6)


def test_unknown_crs() -> None:
    with pytest.raises(InputError, match="unknown coordinate system 'mars'") as err:
        tables.read_points(REG / "sites_utf8.csv", crs="mars")
    assert err.value.field == "crs"


# --- GIS files -----------------------------------------------------------------------------------


def _sites_gdf() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"名称": NAMES, "层级": ["centre", "point", "point", "subcentre"]},
        geometry=gpd.points_from_xy(*zip(*LONLAT, strict=True)),
        crs=4326,
    )


def test_geojson_and_geopackage(tmp_path: Path) -> None:
    g = _sites_gdf()
    g.to_file(tmp_path / "s.geojson", driver="GeoJSON")
    gj, problems = tables.read_points(tmp_path / "s.geojson")
    assert problems == [] and gj["name"].tolist() == NAMES and gj["row"].tolist() == [1, 2, 3, 4]
    # GeoPackage in UTM with an area feature and a feature without geometry.
    u = g.to_crs(32648)
    u.loc[2, "geometry"] = u.geometry[2].buffer(30)
    u.loc[3, "geometry"] = None
    u.to_file(tmp_path / "s.gpkg", layer="站点", driver="GPKG")
    gp, problems = tables.read_points(tmp_path / "s.gpkg")
    assert gp.attrs["layer"] == "站点" and gp.attrs["crs"] == "EPSG:32648"
    assert [(p.row, p.field, p.message) for p in problems] == [(4, "geometry", "missing geometry")]
    assert gp["row"].tolist() == [1, 2, 3]
    np.testing.assert_allclose(np.c_[gp.geometry.x, gp.geometry.y][:2], LONLAT[:2], atol=1e-7)
    # The area is represented by a point inside it (within its 30 m radius of the centre).
    inner = gpd.GeoSeries([gp.geometry[2]], crs=4326).to_crs(32648)[0]
    assert inner.within(u.geometry[2])


def test_shapefile_gbk_without_cpg(tmp_path: Path) -> None:
    path = tmp_path / "sites.shp"
    _sites_gdf().to_file(path, encoding="gbk")
    path.with_suffix(".cpg").unlink()  # as old Chinese shapefiles come
    gdf, _ = tables.read_points(path)
    assert gdf["name"].tolist() == NAMES and gdf.attrs["encoding"] == "gb18030"


def test_geojson_declared_gcj02(tmp_path: Path) -> None:
    g = _sites_gdf()
    g.to_file(tmp_path / "s.geojson", driver="GeoJSON")
    gdf, _ = tables.read_points(tmp_path / "s.geojson", crs="gcj02")
    lon, lat = datum.to_wgs84(*zip(*LONLAT, strict=True), "gcj02")
    np.testing.assert_allclose(gdf.geometry.x, lon, atol=1e-12)
    np.testing.assert_allclose(gdf.geometry.y, lat, atol=1e-12)
    assert (
        gdf.attrs["crs"].startswith("GCJ-02, converted")
        and "file CRS EPSG:4326" in gdf.attrs["crs"]
    )


def test_gis_without_crs(tmp_path: Path) -> None:
    path = tmp_path / "noprj.shp"
    _sites_gdf().to_file(path)
    path.with_suffix(".prj").unlink()
    gdf, _ = tables.read_points(path)
    assert gdf.attrs["crs"] == "WGS-84 (assumed: the file has no CRS)"
    assert len(gdf) == 4
    utm = tmp_path / "utm.shp"
    _sites_gdf().to_crs(32648).to_file(utm)
    utm.with_suffix(".prj").unlink()
    with pytest.raises(
        InputError, match="no coordinate reference system .* not longitude/latitude"
    ):
        tables.read_points(utm)
    gdf, _ = tables.read_points(utm, crs="EPSG:32648")
    np.testing.assert_allclose(np.c_[gdf.geometry.x, gdf.geometry.y], LONLAT, atol=1e-7)


def test_geojson_with_swapped_coordinates(tmp_path: Path) -> None:
    g = _sites_gdf()
    g.loc[1, "geometry"] = shapely.Point(29.5770, 106.5320)
    g.to_file(tmp_path / "s.geojson", driver="GeoJSON")
    gdf, problems = tables.read_points(tmp_path / "s.geojson")
    assert gdf["row"].tolist() == [1, 3, 4]
    (p,) = problems
    assert p.row == 2 and p.field == "geometry"
    assert p.message.endswith("the values fit China if longitude and latitude are swapped")


# --- file-level problems -------------------------------------------------------------------------


def test_file_level_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        tables.read_points(tmp_path / "nope.csv")
    (tmp_path / "a.doc").write_text("x")
    with pytest.raises(InputError, match="unsupported file type '.doc'"):
        tables.read_points(tmp_path / "a.doc")
    (tmp_path / "empty.csv").write_text("\n\n")
    with pytest.raises(InputError, match="the file is empty"):
        tables.read_points(tmp_path / "empty.csv")


def test_header_only_gives_empty_layer(tmp_path: Path) -> None:
    gdf, problems = tables.read_points(_write_csv(tmp_path / "h.csv", "名称,经度,纬度\n"))
    assert len(gdf) == 0 and problems == [] and gdf.crs.to_epsg() == 4326


def test_read_frame_keeps_text_and_row_numbers() -> None:
    frame = tables.read_frame(REG / "sites.xlsx")
    assert isinstance(frame, pd.DataFrame)
    assert frame.attrs["rows"] == [4, 5, 7, 8, 9]
    assert frame["经度"].tolist()[:3] == ["106.53", "106.532", "#N/A"]


def test_resolve_columns_compat() -> None:
    frame = pd.DataFrame(columns=["名称", "经度", "纬度", "人数"])
    assert tables.resolve_columns(frame, None, "x.csv") == {
        "lon": "经度",
        "lat": "纬度",
        "name": "名称",
        "weight": "人数",
    }


def test_real_chongqing_file_reads_both_ways() -> None:
    path = _shared("chongqing_metro_stations_gaode_wgs84.csv")
    wgs, _ = tables.read_points(path)
    gcj, _ = tables.read_points(path, crs="gcj02")
    assert len(wgs) == len(gcj) == 220
    assert wgs.attrs["encoding"] == "utf-8-sig"
    assert wgs.attrs["columns"]["lon"] == "WGS84_Lng" and gcj.attrs["columns"]["lon"] == "Longitude"
    # The precise inverse lands within 2.5 m of the source's one-step conversion.
    from pyproj import Geod

    d = Geod(ellps="WGS84").inv(wgs.geometry.x, wgs.geometry.y, gcj.geometry.x, gcj.geometry.y)[2]
    assert d.max() < 2.5
