"""Reading point layers row by row: bad cells, weights, missing columns, quoting, blank rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from coverage.errors import InputError
from coverage.inputs.points import read_points

from .helpers import (
    REG,
    skipped_by_row,
    write_csv,
)

# --- bad rows ------------------------------------------------------------------------------------


def test_facility_faults_row_by_row() -> None:
    path = REG / "facilities_faults.csv"
    gdf, problems = read_points(path)
    skipped = skipped_by_row(problems)
    assert sorted(skipped) == [4, 5, 6, 14]
    assert [(p.field_text(), p.message) for p in skipped[4]] == [("经度", "not a number: 'abc'")]
    assert [(p.field_text(), p.message) for p in skipped[5]] == [("纬度", "missing latitude")]
    (swap,) = skipped[6]
    assert swap.field == "纬度"
    assert swap.message == (
        "latitude 106.536 is out of range (-90 to 90); the values fit China if longitude and "
        "latitude are swapped"
    )
    assert "row has 8 values but the header has 7 columns" in skipped[14][0].message
    # A capacity range cannot be read: the facility is kept, its capacity left empty.
    (cap,) = [p for p in problems if p.row == 18]
    assert (cap.field_text(), cap.message, cap.action) == (
        "容量",
        "not a number: '20-30'; value left empty",
        "kept",
    )
    assert all(p.path == str(path) for p in problems)
    # Nothing valid lost: every non-blank data row is kept or skipped, never both.
    kept = gdf["row"].tolist()
    assert kept == [2, 3, 7, 8, 9, 10, 11, 12, 13, 15, 16, 18]
    assert not set(kept) & set(skipped)
    assert len(kept) + len(skipped) == gdf.attrs["rows_read"] == 16
    # Degrees-minutes-seconds and full-width digits are numbers too.
    assert np.isnan(gdf.set_index("row").loc[18, "capacity"])
    by_row = gdf.set_index("row").geometry
    assert by_row[15].x == pytest.approx(106.535) and by_row[15].y == pytest.approx(29.58)
    assert by_row[16].x == pytest.approx(106.538) and by_row[16].y == pytest.approx(29.578)


def test_totals_rows_are_skipped_as_such(tmp_path: Path) -> None:
    # Row 4 合计 (no coordinates, the summed count), row 5 "Total" with row 2's coordinates
    # copied, row 6 总计 between full-width spaces: totals rows, skipped with that reason only.
    # Row 3 合计驿站 is a place whose name starts with the word; row 7 小计 has no count.
    text = (
        "名称,经度,纬度,职工人数\n"
        "A,114.27,30.58,10\n"
        "合计驿站,114.28,30.59,5\n"
        "合计,,,15\n"
        " Total ,114.27,30.58,15\n"
        "\u3000总计\u3000,,,15\n"
        "小 计,,,\n"
    )
    path = write_csv(tmp_path / "dem.csv", text)
    gdf, problems = read_points(path, require=("weight",))
    assert gdf["name"].tolist() == ["A", "合计驿站"] and gdf["weight"].sum() == 15
    assert [(p.row, p.field_text(), p.message, p.action) for p in problems] == [
        (r, "名称", "a totals row, not a place", "skipped") for r in (4, 5, 6, 7)
    ]
    assert problems[0].text("zh") == "合计行，不是地点"
    assert gdf.attrs["rows_read"] == 6


def test_a_totals_row_with_an_uncalculated_sum_is_a_totals_row(tmp_path: Path) -> None:
    # openpyxl writes =SUM(...) without its value: the row is a totals row, not a formula error.
    import openpyxl

    wb = openpyxl.Workbook()
    for r in (
        ["名称", "经度", "纬度", "人数"],
        ["A", 114.27, 30.58, 3],
        ["合计", None, None, "=SUM(D2)"],
    ):
        wb.active.append(r)
    wb.save(tmp_path / "f.xlsx")
    gdf, problems = read_points(tmp_path / "f.xlsx")
    assert gdf["name"].tolist() == ["A"]
    assert [(p.row, p.message) for p in problems] == [(3, "a totals row, not a place")]


def test_demand_weights_are_checked_while_reading() -> None:
    gdf, problems = read_points(REG / "demand_faults.csv", require=("weight",))
    msgs = {p.row: (p.field_text(), p.message) for p in problems}
    assert msgs == {
        3: ("职工人数", "weight must be positive, got 0"),
        4: ("职工人数", "weight must be positive, got -5"),
        5: ("职工人数", "missing weight"),
        6: ("职工人数", "not a number: '很多'"),
        7: ("职工人数", "not a number: '50-80'"),
    }
    assert gdf["row"].tolist() == [2, 8, 9, 10, 11]
    assert gdf.attrs["columns"]["subdistrict"] == "所属街道"


def test_weights_are_only_warnings_when_not_required(tmp_path: Path) -> None:
    # A staff count in a facility register must not drop facilities.
    text = "名称,经度,纬度,人数\nA,106.53,29.57,\nB,106.54,29.58,0\nC,106.55,29.59,很多\n"
    gdf, problems = read_points(write_csv(tmp_path / "f.csv", text))
    assert gdf["row"].tolist() == [2, 3, 4]
    assert [(p.row, p.message, p.action) for p in problems] == [
        (4, "not a number: '很多'; value left empty", "kept"),
        (3, "weight must be positive, got 0", "kept"),
    ]


def test_capacity_as_registers_write_it(tmp_path: Path) -> None:
    # A capacity does not change coverage: a cell that cannot be read leaves it empty, with a
    # warning, and the facility stays.
    caps = [
        "50人",
        "约50",
        "约 1,234,567 人次",
        "５０名",
        "30左右",
        "1,200",
        "50-80",
        "很多",
        "-5",
        "",
    ]
    lines = [f'F{i},114.{i:02d},30.5,"{c}"' for i, c in enumerate(caps)]
    path = write_csv(tmp_path / "f.csv", "名称,经度,纬度,容量\n" + "\n".join(lines) + "\n")
    gdf, problems = read_points(path)
    assert gdf["row"].tolist() == list(range(2, 12))
    got = gdf["capacity"].tolist()
    # 1,200: a count's single comma before three digits separates thousands (people are whole)
    assert got[:6] == [50.0, 50.0, 1234567.0, 50.0, 30.0, 1200.0] and got[8] == -5.0
    assert np.isnan(got[6:8]).all() and np.isnan(got[9])
    assert [(p.row, p.field_text(), p.message, p.action) for p in problems] == [
        (8, "容量", "not a number: '50-80'; value left empty", "kept"),
        (9, "容量", "not a number: '很多'; value left empty", "kept"),
    ]
    assert problems[0].text("zh") == "不是数字：“50-80”；该值留空"


def test_worker_counts_as_registers_write_them(tmp_path: Path) -> None:
    # A workplace's 职工人数 written with its unit or an "about" is the number; a count that
    # cannot be read still skips the demand row (weights are required there).
    counts = ["50人", "约120名", "200人左右", "12.5", "约1,200人", "50-80"]
    counts += ["1.2万人", "200余人", "３００多名", "约2万", "x万人"]
    lines = [f'W{i},114.{i:02d},30.5,"{c}"' for i, c in enumerate(counts)]
    path = write_csv(tmp_path / "w.csv", "名称,经度,纬度,职工人数\n" + "\n".join(lines) + "\n")
    gdf, problems = read_points(path, require=("weight",))
    assert gdf["row"].tolist() == [2, 3, 4, 5, 6, 8, 9, 10, 11]
    weights = [50.0, 120.0, 200.0, 12.5, 1200.0, 12000.0, 200.0, 300.0, 20000.0]
    assert gdf["weight"].tolist() == weights  # 约1,200人: twelve hundred, as registers mean it
    assert [(p.row, p.message, p.action) for p in problems] == [
        (7, "not a number: '50-80'", "skipped"),
        (12, "not a number: 'x万人'", "skipped"),
    ]


def test_missing_coordinate_column() -> None:
    with pytest.raises(InputError) as err:
        read_points(REG / "missing_columns.csv")
    msg = str(err.value)
    assert "missing_columns.csv" in msg and "no latitude column found" in msg
    assert "columns are ['名称', '经度', '地址']" in msg
    assert str(err.value.field) == "lat"


def test_missing_coordinates_on_a_notes_sheet_name_the_other_sheets(tmp_path: Path) -> None:
    # Offices put a sheet of instructions before the register: the first sheet is read, and
    # the error says which one and what else the workbook holds.
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active.title = "填表说明"
    wb.active.append(["1. 坐标请从高德地图拾取"])
    wb.create_sheet("汇总").append(["类型", "数量"])
    register = wb.create_sheet("阵地台账")
    register.append(["名称", "经度", "纬度"])
    register.append(["A", 114.27, 30.59])
    path = tmp_path / "台账.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as err:
        read_points(path)
    assert "read sheet '填表说明'; the workbook also has sheets 汇总, 阵地台账" in str(err.value)
    assert 'set the layer\'s layer = "阵地台账" in the scenario' in str(err.value)
    assert "读取的是工作表“填表说明”；工作簿还有工作表：汇总、阵地台账" in err.value.text("zh")
    with pytest.raises(InputError) as err:  # a column the scenario maps is not there either
        read_points(path, columns={"tier": "阵地类型"})
    assert "the workbook also has sheets 汇总, 阵地台账" in str(err.value)
    gdf, _ = read_points(path, layer="阵地台账")
    assert gdf["name"].tolist() == ["A"]
    wb.remove(wb["汇总"])
    wb.remove(wb["阵地台账"])
    wb.save(path)
    with pytest.raises(InputError) as err:  # one sheet: nothing else to point to
        read_points(path)
    assert "sheet" not in str(err.value)


def test_a_workbook_with_a_register_on_each_of_several_sheets_is_not_read_in_part(
    tmp_path: Path,
) -> None:
    # A sheet per tier (服务中心, 驿站): reading the first alone would leave the station out
    # without a word. With no sheet named, the layer stops, naming the sheets and the settings;
    # a hidden sheet (last year's copy) is no register to read, and a named sheet is read.
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active.title = "服务中心"
    for sheet, name in ((wb.active, "A"), (wb.create_sheet("驿站"), "B")):
        sheet.append(["名称", "经度（高德）", "纬度（高德）"])
        sheet.append([name, 114.27, 30.59])
    old = wb.create_sheet("2023")
    old.append(["名称", "经度", "纬度"])
    old.append(["Z", 114.27, 30.59])
    old.sheet_state = "hidden"
    path = tmp_path / "台账.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as err:
        read_points(path)
    assert str(err.value) == (
        f"{path}: sheets '服务中心' and 驿站 each hold a register, and a layer reads one sheet: "
        'set layer = "服务中心" for this layer, and add a layer for each other sheet to read '
        '(layer = "驿站")'
    )
    assert read_points(path, layer="驿站")[0]["name"].tolist() == ["B"]
    assert read_points(path, layer="服务中心")[0]["name"].tolist() == ["A"]
    wb.remove(wb["驿站"])
    wb.save(path)
    assert read_points(path)[0]["name"].tolist() == ["A"]


def test_an_xls_reads_its_first_visible_sheet_and_names_the_other_registers() -> None:
    # Excel 97: last year's register hidden first (旧数据), then 服务中心 and 驿站. Excel opens
    # on 服务中心; the hidden sheet was read instead, without a word about 驿站.
    path = REG / "sheets.xls"
    with pytest.raises(InputError) as err:
        read_points(path)
    assert str(err.value) == (
        f"{path}: sheets '服务中心' and 驿站 each hold a register, and a layer reads one sheet: "
        'set layer = "服务中心" for this layer, and add a layer for each other sheet to read '
        '(layer = "驿站")'
    )
    assert read_points(path, layer="驿站")[0]["name"].tolist() == ["华新街职工驿站"]
    assert read_points(path, layer="旧数据")[0]["name"].tolist() == ["旧驿站"]


def test_a_notes_sheet_first_points_to_the_register_not_a_hidden_sheet(tmp_path: Path) -> None:
    # Notes first, the register second, last year's register hidden at the end: the setting
    # offered names the register (it named the last sheet, the hidden one).
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active.title = "填表说明"
    wb.active.append(["坐标请从高德地图拾取"])
    register = wb.create_sheet("数据")
    register.append(["名称", "经度", "纬度"])
    register.append(["A", 114.27, 30.59])
    old = wb.create_sheet("旧数据")
    old.append(["名称", "经度", "纬度"])
    old.sheet_state = "hidden"
    path = tmp_path / "台账.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as err:
        read_points(path)
    assert str(err.value).endswith(
        "(read sheet '填表说明'; the workbook also has sheets 数据, 旧数据: set the layer's "
        'layer = "数据" in the scenario)'
    )


@pytest.mark.parametrize(
    "cell", ["114.272740,30.593274", "30.59, 114.27", "１１４．２７，３０．５９"]
)
def test_both_coordinates_in_one_cell_are_named(tmp_path: Path, cell: str) -> None:
    # Amap's picker copies "lon,lat" into one cell; the error says so instead of only listing
    # the columns.
    text = f'名称,"坐标（经度,纬度）"\nA,"{cell}"\nB,"114.28,30.60"\n,\n'
    with pytest.raises(InputError) as err:
        read_points(write_csv(tmp_path / "t.csv", text))
    assert "column '坐标（经度,纬度）' holds two numbers in every cell (e.g. '" in str(err.value)
    assert "请把它分成经度、纬度两列" in err.value.text("zh")
    text = '名称,坐标\nA,"114.27,30.59"\nB,东经114度\n'  # not every cell a pair: no guess
    with pytest.raises(InputError) as err:
        read_points(write_csv(tmp_path / "t.csv", text))
    assert "two numbers" not in str(err.value)


def test_missing_required_column() -> None:
    with pytest.raises(InputError, match="missing required column for 'weight'") as err:
        read_points(REG / "sites_utf8.csv", require=("weight",))
    assert str(err.value.field) == "weight"


def test_whole_file_swapped_is_a_file_error() -> None:
    with pytest.raises(InputError) as err:
        read_points(REG / "swapped.csv")
    assert "column '经度' holds latitudes and '纬度' longitudes" in str(err.value)


def test_blank_rows_keep_row_numbers(tmp_path: Path) -> None:
    text = "title line\n\nname,lon,lat\nA,106.53,29.57\n,,\n\nB,x,29.57\nC,106.54,29.58\n"
    gdf, problems = read_points(write_csv(tmp_path / "t.csv", text))
    assert gdf.attrs["header_row"] == 3
    assert gdf["row"].tolist() == [4, 8]
    assert [(p.row, p.message) for p in problems] == [(7, "not a number: 'x'")]
    assert gdf.attrs["rows_read"] == 3 and gdf.attrs["blank_rows"] == 2


def test_metres_read_as_degrees_are_one_line_about_the_crs(tmp_path: Path) -> None:
    # CGCS2000 Gauss-Krüger metres (easting ~523,000, northing ~3,386,000) in a register whose
    # layer sets no crs: every row out of range as degrees. One line says the crs is wrong
    # (it was a "latitude out of range" per row); one such row among good ones stays a row.
    text = "name,X,Y\nA,523123.5,3386180\nB,524000,3385000.25\n"
    with pytest.raises(InputError) as err:
        read_points(write_csv(tmp_path / "m.csv", text))
    assert (err.value.row, err.value.field) == (None, "crs")
    assert str(err.value) == (
        f"{tmp_path / 'm.csv'}, field 'crs': coordinates span x 523124…524000, "
        "y 3.385e+06…3.38618e+06: not longitudes/latitudes as WGS-84 says; declare the layer's "
        "crs (an EPSG code such as 32650)"
    )
    gdf, problems = read_points(write_csv(tmp_path / "m.csv", text + "C,114.27,30.59\n"))
    assert gdf["name"].tolist() == ["C"] and [p.row for p in problems] == [2, 3]


def test_quoted_commas_and_newlines(tmp_path: Path) -> None:
    text = 'name,lon,lat,address\n"A, north gate",106.53,29.57,"line 1\nline 2"\nB,106.54,29.58,x\n'
    gdf, problems = read_points(write_csv(tmp_path / "q.csv", text))
    assert problems == []
    assert gdf["name"].tolist() == ["A, north gate", "B"]
    assert gdf["address"].tolist() == ["line 1\nline 2", "x"]
    assert gdf["row"].tolist() == [2, 3]  # records, as a spreadsheet numbers them


def test_non_finite_and_out_of_range(tmp_path: Path) -> None:
    text = "name,lon,lat\nA,inf,29.5\nB,106.5,nan\nC,200,29.5\nD,5.5,95\nE,106.5,29.5\n"
    gdf, problems = read_points(write_csv(tmp_path / "r.csv", text))
    assert [(p.row, p.message) for p in problems] == [
        (2, "not a number: 'inf'"),
        (3, "not a number: 'nan'"),
        (4, "longitude 200 is out of range (-180 to 180)"),
        (5, "latitude 95 is out of range (-90 to 90)"),
    ]
    assert gdf["row"].tolist() == [6]
