"""Reading files as they are: encodings, workbooks by content, GIS files, file-level errors.

Fixtures are in tests/fixtures/registers (see its README for what each row holds); GIS files are
written at test time in ``tmp_path``.
"""

from __future__ import annotations

import codecs
import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod

from coverage import datum
from coverage.errors import InputError
from coverage.inputs.columns import describe_columns, resolve_columns
from coverage.inputs.points import read_points
from coverage.inputs.readers import read_frame

from .helpers import (
    LONLAT,
    NAMES,
    REG,
    shared_data,
    write_csv,
)

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
    gdf, problems = read_points(REG / name)
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
    assert label in describe_columns(gdf)


def test_gbk_fixture_is_really_gbk() -> None:
    raw = (REG / "sites_gbk.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "单位名称" in raw.decode("gbk")


def test_gbk_headers_are_recognised_and_reported() -> None:
    gdf, _ = read_points(REG / "sites_gbk.csv")
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
    text = describe_columns(gdf)
    assert text.startswith("sites_gbk.csv: CSV, GBK/GB18030, header on row 1; WGS-84;")
    assert "name ← '单位名称' (recognised)" in text
    assert "area ← '建筑面积(㎡)' (recognised)" in text
    # The same description from the attrs mapping alone.
    assert describe_columns(gdf.attrs) == text


def test_encoding_can_be_forced(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", "名称,经度,纬度\n甲,106.53,29.57\n", "gbk")
    gdf, _ = read_points(path, encoding="gbk")
    assert gdf["name"].tolist() == ["甲"] and gdf.attrs["encoding"] == "gbk"
    with pytest.raises(InputError, match="cannot read the file as utf-8"):
        read_points(path, encoding="utf-8")


# Big5 bytes (traditional Chinese) nearly always decode as GB18030, into characters no register
# holds: the reader must not take them for GBK and let a "no longitude column" error follow.
BIG5_TEXT = "名稱,經度,緯度,地址\n江漢區職工服務驛站,114.27,30.59,武漢市江漢區解放大道123號\n"
BIG5_MAPPED = {"name": "名稱", "lon": "經度", "lat": "緯度", "address": "地址"}


def test_big5_csv_is_not_taken_for_gbk(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "big5.csv", BIG5_TEXT, "big5")
    path.read_bytes().decode("gb18030")  # the trap: the bytes are valid GB18030
    with pytest.raises(InputError) as err:
        read_points(path, columns=BIG5_MAPPED)
    line = err.value.text("en")
    assert line.startswith(f"{path}: the file is neither UTF-8 nor GBK/GB18030 text")
    assert 'encoding = "big5"' in line and "\n" not in line
    assert 'encoding = "big5"' in err.value.text("zh")


def test_big5_values_under_english_headers_are_not_taken_for_gbk(tmp_path: Path) -> None:
    # The header reads right in any encoding; the names under it do not.
    text = "name,lon,lat\n江漢區職工服務驛站,114.27,30.59\n甲,114.28,30.60\n"
    path = write_csv(tmp_path / "big5.csv", text, "big5")
    with pytest.raises(InputError, match="neither UTF-8 nor GBK/GB18030"):
        read_points(path)


def test_big5_csv_reads_with_its_encoding_named(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "big5.csv", BIG5_TEXT, "big5")
    gdf, problems = read_points(path, columns=BIG5_MAPPED, encoding="big5")
    assert problems == [] and gdf.attrs["encoding"] == "big5"
    assert gdf["name"].tolist() == ["江漢區職工服務驛站"]
    assert gdf["address"].tolist() == ["武漢市江漢區解放大道123號"]


def test_gbk_with_many_greek_letters_is_refused_then_read_when_named(tmp_path: Path) -> None:
    # English headers and names full of Greek letters look like misread Big5: the line says
    # how to read it as GBK after all, and that reads it as written.
    path = write_csv(tmp_path / "gbk.csv", "name,lon,lat\nαβ科技站,114.27,30.59\n", "gbk")
    with pytest.raises(InputError) as err:
        read_points(path)
    hint = 'if it is GBK after all (Greek or Japanese letters in its names), encoding = "gb18030"'
    assert hint in err.value.text("en")
    assert '若确为 GBK（名称中有希腊字母或日文假名），写 encoding = "gb18030"' in err.value.text(
        "zh"
    )
    gdf, _ = read_points(path, encoding="gb18030")
    assert gdf["name"].tolist() == ["αβ科技站"]


def test_the_encoding_a_refused_gbk_file_is_told_reads_every_gb18030_name(tmp_path: Path) -> None:
    # 䶮 (a name character) is in GB18030, as the reader decodes GBK files, but not in Python's
    # "gbk": the encoding the line names must read the file, not fail on its names.
    text = "name,lon,lat\nαβ刘䶮站,114.27,30.59\n"
    path = tmp_path / "gb.csv"
    path.write_bytes(text.encode("gb18030"))
    with pytest.raises(InputError) as err:
        read_points(path)
    for lang in ("en", "zh"):
        told = re.findall(r'encoding = "([\w-]+)"', err.value.text(lang))[-1]
        gdf, _ = read_points(path, encoding=told)
        assert gdf["name"].tolist() == ["αβ刘䶮站"]


@pytest.mark.parametrize(
    "text",
    [
        "名称,经度,纬度\n江汉区职工服务驿站,114.27,30.59\n",
        # Kana and Greek, which misread Big5 gives, in a file whose Chinese header reads right.
        "名称,经度,纬度,备注\n江汉区职工服务驿站,114.27,30.59,サービス αβγ\n",
        # Column names not recognised (mapped nowhere): still GBK, so the column error follows.
        "站名,东经度,北纬度\n江汉区职工服务驿站,114.27,30.59\n",
        # Traditional characters saved as GBK are GBK's own, not misread ones.
        "name,lon,lat\n江漢區職工服務驛站,114.27,30.59\n",
    ],
)
def test_gbk_csv_is_still_read_as_gbk(tmp_path: Path, text: str) -> None:
    path = write_csv(tmp_path / "gbk.csv", text, "gbk")
    frame = read_frame(path)
    assert frame.attrs["encoding"] == "gb18030"
    assert frame.iloc[0].tolist()[0] in ("江汉区职工服务驿站", "江漢區職工服務驛站")
    assert frame.columns.tolist() == text.split("\n", 1)[0].split(",")


def test_utf16_tab_separated(tmp_path: Path) -> None:
    # Excel's "Unicode text" export: UTF-16 with BOM, tab-separated.
    text = "名称\t经度\t纬度\r\n甲\t106.53\t29.57\r\n"
    path = tmp_path / "unicode.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    gdf, problems = read_points(path)
    assert problems == [] and gdf["name"].tolist() == ["甲"]
    assert gdf.attrs["encoding"] == "utf-16" and gdf.attrs["delimiter"] == "\t"


def test_semicolon_csv(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "semi.csv", "name;lng;lat\nA;106.53;29.57\nB;106.54;29.58\n")
    gdf, problems = read_points(path)
    assert problems == [] and gdf["name"].tolist() == ["A", "B"]
    assert gdf.attrs["delimiter"] == ";"


def test_line_breaks_and_tabs_inside_quoted_cells_do_not_choose_the_separator(
    tmp_path: Path,
) -> None:
    # An address pasted into Excel from a document keeps its indented lines; Excel's CSV quotes
    # the cell. Counted by lines, a tab split more of them evenly (two per row) than the comma
    # split records (one per row), and the whole header was read as one column.
    rows = [f'站点{i},114.2{i},30.5{i},"武汉市江汉区\n\t新华路{i}号\n\t3楼"' for i in range(4)]
    path = write_csv(tmp_path / "f.csv", "名称,经度,纬度,地址\n" + "\n".join(rows) + "\n")
    gdf, problems = read_points(path)
    assert problems == [] and gdf.attrs["delimiter"] == ","
    assert gdf["address"].tolist() == [f"武汉市江汉区\n\t新华路{i}号\n\t3楼" for i in range(4)]


def test_undecodable_csv(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"name,lon,lat\n\xff\xff\xff,1,2\n")
    with pytest.raises(InputError, match="neither UTF-8 nor GBK/GB18030") as err:
        read_points(path)
    assert err.value.path == str(path)


def test_xlsx_with_title_rows_blank_rows_and_bad_cell() -> None:
    gdf, problems = read_points(REG / "sites.xlsx")
    # Title in row 1, blank row 2: the header is found in row 3; rows keep Excel's numbers.
    assert gdf.attrs["header_row"] == 3
    assert gdf.attrs["sheet"] == "站点"
    assert gdf["row"].tolist() == [4, 5, 8, 9]
    assert gdf["name"].tolist() == NAMES
    np.testing.assert_allclose(np.c_[gdf.geometry.x, gdf.geometry.y], LONLAT)
    assert gdf["area"].tolist() == [320, 60, 45, 150]
    assert [(p.row, p.field_text(), p.message, p.action) for p in problems] == [
        (7, "经度", "not a number: '#N/A'", "skipped")
    ]
    assert gdf.attrs["unused_columns"] == ["序号"]
    assert gdf.attrs["rows_read"] == 5
    assert "XLSX, sheet '站点', header on row 3" in describe_columns(gdf)


def test_xls_sheet_by_name_with_xy_headers() -> None:
    gdf, problems = read_points(REG / "sites.xls", layer="站点")
    assert gdf.attrs["format"] == "xls"
    assert gdf.attrs["columns"]["lon"] == "X坐标" and gdf.attrs["columns"]["lat"] == "Y坐标"
    assert gdf["row"].tolist() == [2, 3, 5, 6]
    assert gdf["name"].tolist() == NAMES
    np.testing.assert_allclose(np.c_[gdf.geometry.x, gdf.geometry.y], LONLAT)
    assert [(p.row, p.field_text(), p.message) for p in problems] == [
        (4, "X坐标", "not a number: '106.53.0'")
    ]


def test_xls_first_sheet_has_no_coordinates() -> None:
    # The first sheet (说明) is notes: the error names the file and lists what was found.
    with pytest.raises(InputError, match="no longitude column found") as err:
        read_points(REG / "sites.xls")
    assert err.value.path.endswith("sites.xls") and str(err.value.field) == "lon"


def test_missing_sheet_lists_sheets() -> None:
    with pytest.raises(InputError, match=r"no sheet '设施'.*\['站点', '说明'\]"):
        read_points(REG / "sites.xlsx", layer="设施")


def test_workbooks_agree_with_csv() -> None:
    csv_gdf, _ = read_points(REG / "sites_utf8.csv")
    for gdf in (
        read_points(REG / "sites.xlsx")[0],
        read_points(REG / "sites.xls", layer="站点")[0],
    ):
        for col in ("name", "tier", "type", "services", "address"):
            assert gdf[col].tolist() == csv_gdf[col].tolist()
        assert gdf.geometry.geom_equals_exact(csv_gdf.geometry, 1e-12).all()


def test_spreadsheet_named_files_are_read_by_content(tmp_path: Path) -> None:
    # Web systems hand out CSV and HTML files named .xls.
    fake = write_csv(tmp_path / "export.xls", "名称,经度,纬度\n甲,106.53,29.57\n", "gbk")
    gdf, _ = read_points(fake)
    assert gdf["name"].tolist() == ["甲"] and gdf.attrs["format"] == "csv (named .xls)"
    html = write_csv(tmp_path / "table.xls", "<html><table><tr><td>1</td></tr></table></html>")
    with pytest.raises(InputError, match="HTML/XML file .* save it as .xlsx"):
        read_points(html)


def test_a_sheet_or_layer_asked_of_a_csv_file_is_an_error(tmp_path: Path) -> None:
    # A CSV file has one table: layer = "Sheet2" would otherwise be ignored without a word.
    text = "名称,经度,纬度\n甲,106.53,29.57\n"
    for name in ("a.csv", "export.xls"):  # the second a CSV file with a spreadsheet's name
        path = write_csv(tmp_path / name, text)
        assert read_points(path)[0]["name"].tolist() == ["甲"]
        with pytest.raises(InputError) as info:
            read_points(path, layer="Sheet2")
        said = str(info.value)
        if name == "a.csv":
            assert said == (
                f"{path}: layer = 'Sheet2' is set, but a CSV file has a single table (layer "
                "picks a workbook's sheet or a GeoPackage's layer): remove the setting"
            )
        else:  # the planner sees a workbook's name: the message says what it really is
            assert said == (
                f"{path}: layer = 'Sheet2' is set, but this .xls file is a CSV text file, not a "
                "workbook, and has a single table: remove the setting (or save the file as "
                ".xlsx in Excel)"
            )


def test_corrupt_workbook_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 50)
    with pytest.raises(
        InputError, match=r"not a readable Excel workbook \(xlsx\): .*damaged"
    ) as err:
        read_points(path)
    assert err.value.path == str(path)


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
    gj, problems = read_points(tmp_path / "s.geojson")
    assert problems == [] and gj["name"].tolist() == NAMES and gj["row"].tolist() == [1, 2, 3, 4]
    # GeoPackage in UTM with an area feature and a feature without geometry.
    u = g.to_crs(32648)
    u.loc[2, "geometry"] = u.geometry[2].buffer(30)
    u.loc[3, "geometry"] = None
    u.to_file(tmp_path / "s.gpkg", layer="站点", driver="GPKG")
    gp, problems = read_points(tmp_path / "s.gpkg")
    assert gp.attrs["layer"] == "站点" and gp.attrs["crs"] == "EPSG:32648"
    assert [(p.row, p.field_text(), p.message) for p in problems] == [
        (4, "geometry", "missing geometry")
    ]
    assert gp["row"].tolist() == [1, 2, 3]
    np.testing.assert_allclose(np.c_[gp.geometry.x, gp.geometry.y][:2], LONLAT[:2], atol=1e-7)
    # The area is represented by a point inside it (within its 30 m radius of the centre).
    inner = gpd.GeoSeries([gp.geometry[2]], crs=4326).to_crs(32648)[0]
    assert inner.within(u.geometry[2])


def test_shapefile_gbk_without_cpg(tmp_path: Path) -> None:
    path = tmp_path / "sites.shp"
    _sites_gdf().to_file(path, encoding="gbk")
    path.with_suffix(".cpg").unlink()  # as old Chinese shapefiles come
    gdf, _ = read_points(path)
    assert gdf["name"].tolist() == NAMES and gdf.attrs["encoding"] == "gb18030"


def test_geojson_declared_gcj02(tmp_path: Path) -> None:
    g = _sites_gdf()
    g.to_file(tmp_path / "s.geojson", driver="GeoJSON")
    gdf, _ = read_points(tmp_path / "s.geojson", crs="gcj02")
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
    gdf, _ = read_points(path)
    assert gdf.attrs["crs"] == "WGS-84 (assumed: the file has no CRS)"
    assert len(gdf) == 4
    utm = tmp_path / "utm.shp"
    _sites_gdf().to_crs(32648).to_file(utm)
    utm.with_suffix(".prj").unlink()
    with pytest.raises(
        InputError, match="no coordinate reference system .* not longitude/latitude"
    ):
        read_points(utm)
    gdf, _ = read_points(utm, crs="EPSG:32648")
    np.testing.assert_allclose(np.c_[gdf.geometry.x, gdf.geometry.y], LONLAT, atol=1e-7)


def test_geojson_with_swapped_coordinates(tmp_path: Path) -> None:
    g = _sites_gdf()
    g.loc[1, "geometry"] = shapely.Point(29.5770, 106.5320)
    g.to_file(tmp_path / "s.geojson", driver="GeoJSON")
    gdf, problems = read_points(tmp_path / "s.geojson")
    assert gdf["row"].tolist() == [1, 3, 4]
    (p,) = problems
    assert p.row == 2 and p.field_text() == "geometry"
    assert p.message.endswith("the values fit China if longitude and latitude are swapped")


# --- file-level problems -------------------------------------------------------------------------


def test_file_level_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_points(tmp_path / "nope.csv")
    (tmp_path / "a.doc").write_text("x")
    with pytest.raises(InputError, match="unsupported file type '.doc'"):
        read_points(tmp_path / "a.doc")
    (tmp_path / "empty.csv").write_text("\n\n")
    with pytest.raises(InputError, match="the file is empty"):
        read_points(tmp_path / "empty.csv")


def test_header_only_gives_empty_layer(tmp_path: Path) -> None:
    gdf, problems = read_points(write_csv(tmp_path / "h.csv", "名称,经度,纬度\n"))
    assert len(gdf) == 0 and problems == [] and gdf.crs.to_epsg() == 4326


def test_read_frame_keeps_text_and_row_numbers() -> None:
    frame = read_frame(REG / "sites.xlsx")
    assert isinstance(frame, pd.DataFrame)
    assert frame.attrs["rows"] == [4, 5, 7, 8, 9]
    assert frame["经度"].tolist()[:3] == ["106.53", "106.532", "#N/A"]


def test_resolve_columns_compat() -> None:
    frame = pd.DataFrame(columns=["名称", "经度", "纬度", "人数"])
    assert resolve_columns(frame, None, "x.csv") == {
        "lon": "经度",
        "lat": "纬度",
        "name": "名称",
        "weight": "人数",
    }


def test_real_chongqing_file_reads_both_ways() -> None:
    path = shared_data("chongqing_metro_stations_gaode_wgs84.csv")
    wgs, _ = read_points(path)
    gcj, _ = read_points(path, crs="gcj02")
    assert len(wgs) == len(gcj) == 220
    assert wgs.attrs["encoding"] == "utf-8-sig"
    assert wgs.attrs["columns"]["lon"] == "WGS84_Lng" and gcj.attrs["columns"]["lon"] == "Longitude"
    # The precise inverse lands within 2.5 m of the source's one-step conversion.

    d = Geod(ellps="WGS84").inv(wgs.geometry.x, wgs.geometry.y, gcj.geometry.x, gcj.geometry.y)[2]
    assert d.max() < 2.5


# --- bidirectional controls ---------------------------------------------------------------------

#: A name with a right-to-left override (it would show as 站驿A), one with an isolate and the
#: LRM/RLM marks, one with the ALM mark, a zero-width space, a word joiner and a byte-order mark
#: (it looks like "D站" yet a search for D站 misses it); the emoji's zero-width joiner and the
#: Arabic text are legitimate and stay.
BIDI_NAMES = [
    "\u202eA驿站\u202c",
    "\u2066B站\u2069\u200e\u200f",
    "C\U0001f469\u200d\U0001f4bb站",
    "دكان",
    "D\u200b站\u061c\u2060\ufeff",
]
CLEAN_NAMES = ["A驿站", "B站", "C\U0001f469\u200d\U0001f4bb站", "دكان", "D站"]


def test_bidi_controls_are_taken_out_of_table_text(tmp_path: Path) -> None:
    rows = [
        f"{n},114.2{i},30.5{i},\u202b地址{i}\u202c,\u202d服务站点" for i, n in enumerate(BIDI_NAMES)
    ]
    path = write_csv(tmp_path / "f.csv", "名称,经度,纬度,地址,层级\n" + "\n".join(rows) + "\n")
    gdf, problems = read_points(path)
    assert problems == []
    assert gdf["name"].tolist() == CLEAN_NAMES
    assert gdf["address"].tolist() == [f"地址{i}" for i in range(5)]
    assert set(gdf["tier"]) == {"服务站点"}


def test_bidi_controls_are_taken_out_of_gis_attributes(tmp_path: Path) -> None:
    path = tmp_path / "f.geojson"
    pts = gpd.points_from_xy([114.2 + i / 100 for i in range(5)], [30.5] * 5)
    frame = {"name": BIDI_NAMES, "n": [1, 2, 3, 4, 5]}
    gpd.GeoDataFrame(frame, geometry=pts, crs=4326).to_file(path)
    gdf, _ = read_points(path)
    assert gdf["name"].tolist() == CLEAN_NAMES


def test_control_characters_in_cells_become_one_space_and_line_breaks_stay(tmp_path: Path) -> None:
    r"""A broken export's NUL, a bell, a terminal escape and C1 controls are no part of a name:
    each run reads as one space, in a CSV and a GIS file alike (a workbook showed "坏�名" beside
    the raw bell in a CSV); a quoted address keeps its line break (Alt+Enter in Excel)."""
    text = 'name,lon,lat,address\n"坏\x07名\x1b[31m称",114.27,30.59,"一行\n二行"\n乙\x00\x85,114.28,30.6,x\n'
    path = tmp_path / "ctrl.csv"
    path.write_text(text, encoding="utf-8")
    gdf, _ = read_points(path)
    assert gdf["name"].tolist() == ["坏 名 [31m称", "乙"]
    assert gdf["address"].tolist() == ["一行\n二行", "x"]
    gj = tmp_path / "ctrl.geojson"
    feature = {"type": "Feature", "properties": {"name": "丙\x1b[2J丁 \t"},
               "geometry": {"type": "Point", "coordinates": [114.27, 30.59]}}  # fmt: skip
    gj.write_text(
        json.dumps({"type": "FeatureCollection", "features": [feature]}),
        encoding="utf-8",
    )
    gdf, _ = read_points(gj)
    assert gdf["name"].tolist() == ["丙 [2J丁"]


def test_clean_cell_leaves_printable_cells_to_strip_alone(monkeypatch) -> None:
    """Every cell of every register is cleaned: a cell with nothing to take out (no control,
    no UNSEEN character, so printable) is only stripped, without the two regex passes (they
    made reading a 100,000-row register about 30 % slower); what is cleaned is never printable,
    so the shortcut changes no cell."""
    import sys

    from coverage.inputs import cells
    from coverage.vocab import UNSEEN

    cleaned = [
        chr(i)
        for i in range(sys.maxunicode + 1)
        if UNSEEN.match(chr(i)) or cells._CELL_CONTROLS.match(chr(i))
    ]
    assert "\x07" in cleaned and "\u202e" in cleaned
    assert not [c for c in cleaned if c.isprintable()]

    class Unused:
        def sub(self, *args: object) -> str:
            raise AssertionError("a printable cell went through the regex")

    monkeypatch.setattr(cells, "_CELL_CONTROLS", Unused())
    monkeypatch.setattr(cells, "UNSEEN", Unused())
    assert cells.clean_cell(" 江汉区 解放大道1号 ") == "江汉区 解放大道1号"


def test_a_name_on_one_line_has_one_space_where_its_controls_and_spaces_were() -> None:
    # A district's name read from a GIS file: its bell a space when read (clean_cell), its tab
    # and the spaces beside its line break then one space with them, not two or three.
    from coverage.inputs.readers import clean_cell, clean_name

    assert clean_name(clean_cell("江汉\x07\t区")) == "江汉 区"
    assert clean_name("江岸 \r\n 区 ") == "江岸 区"
    assert clean_name("硚口  区") == "硚口  区"  # spaces alone are the name's own
