"""Excel workbooks read as cells: merged ranges filled as Excel shows them.

The expected cells and rows are written out by hand from the small workbooks built here.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from coverage.inputs.points import read_points
from coverage.inputs.workbooks import fill_merged, workbook_cells


def test_fill_merged_copies_the_top_left_text_and_counts_ranges() -> None:
    cells = [
        ["a", "b", "c"],
        ["", "", "z"],
        ["x", "", "", "w"],
        ["", "y", "", "v"],
        ["", "", "", ""],  # a blank row the last range runs over
    ]
    spans = [
        (0, 1, 0, 0),  # a down two rows
        (4, 4, 0, 1),  # an empty top-left: nothing to copy, not counted
        (2, 2, 0, 2),  # x across its row
        (3, 3, 3, 3),  # a single cell: not a range
        (2, 2, 3, 40),  # beyond the widest row: clipped to one cell, adds no column
        (3, 9, 1, 2),  # beyond the last row: clipped; y's row filled, the blank one stays
    ]
    assert fill_merged(cells, spans) == 3
    assert cells == [
        ["a", "b", "c"],
        ["a", "", "z"],
        ["x", "x", "x", "w"],
        ["", "y", "y", "v"],
        ["", "", "", ""],
    ]
    assert fill_merged([], spans) == 0


def test_fill_merged_leaves_rows_with_nothing_else() -> None:
    # A section heading merged across the table, and a tier merged past the last entry: the
    # heading row and the rows after the data hold nothing outside the range, so stay as read.
    cells = [
        ["一、江岸区", "", ""],
        ["甲", "分中心", "114.3"],
        ["乙", "", "114.4"],
        ["", "", ""],
        ["", "", ""],
    ]
    assert fill_merged(cells, [(0, 0, 0, 2), (1, 4, 1, 1)]) == 1
    assert [r[1] for r in cells] == ["", "分中心", "分中心", "", ""]
    assert cells[0] == ["一、江岸区", "", ""]


def _register(path: Path) -> Path:
    """A facility register as planners merge it: title over the columns, tiers down blocks."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "设施"
    ws.append(["武汉市职工服务阵地名录"])  # row 1: a title merged over A1:D1
    ws.append(["名称", "层级", "经度", "纬度"])  # row 2: the header
    rows = [
        ["甲", "分中心", 114.30, 30.50],
        ["乙", None, 114.31, 30.51],
        ["丙", None, 114.32, 30.52],
        ["丁", "服务站点", 114.33, 30.53],
        ["戊", None, 114.34, 30.54],
    ]
    for r in rows:
        ws.append(r)
    ws.merge_cells("A1:D1")
    ws.merge_cells("B3:B5")  # 分中心 over rows 3 to 5
    ws.merge_cells("B6:B10")  # 服务站点 over rows 6 and 7, and on over three empty rows
    path = path / "facilities.xlsx"
    wb.save(path)
    return path


def test_xlsx_merged_rows_keep_their_value(tmp_path: Path) -> None:
    path = _register(tmp_path)
    cells, info = workbook_cells(path, "xlsx", None)
    # The title row holds nothing outside its range, nor do rows 8 to 10: left as read.
    assert cells[0][0] == "武汉市职工服务阵地名录" and not any(cells[0][1:])
    assert [r[1] for r in cells[1:7]] == ["层级", *["分中心"] * 3, *["服务站点"] * 2]
    assert len(cells) == 10 and not any(c for r in cells[7:] for c in r)
    assert [str(n) for n in info["notes"]] == [
        "merged cells: the value of each merged range (2 in all) was copied into every cell the "
        "range covers, as Excel shows it"
    ]
    gdf, problems = read_points(path)
    assert gdf["row"].tolist() == [3, 4, 5, 6, 7]
    assert gdf["tier"].tolist() == ["分中心"] * 3 + ["服务站点"] * 2
    notes = [(p.row, p.field, p.action, p.text("zh")) for p in problems]
    assert notes == [
        (
            None,
            None,
            "kept",
            "合并单元格：共 2 处合并区域，已按 Excel 的显示把其值填入区域内的每个单元格",
        )
    ]


def test_xlsx_without_merges_has_no_note(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["名称", "经度", "纬度"])
    wb.active.append(["甲", 114.3, 30.5])
    wb.save(tmp_path / "plain.xlsx")
    cells, info = workbook_cells(tmp_path / "plain.xlsx", "xlsx", None)
    assert cells == [["名称", "经度", "纬度"], ["甲", "114.3", "30.5"]]
    assert "notes" not in info


def test_two_row_header_with_merged_cells(tmp_path: Path) -> None:
    # 名称 and 层级 merged down rows 1-2, 坐标 merged over C1:D1 above 经度 | 纬度: filled, the
    # second row reads 名称 | 层级 | 经度 | 纬度 and is the header.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["名称", "层级", "坐标", None])
    ws.append([None, None, "经度", "纬度"])
    ws.append(["甲", "分中心", 114.30, 30.50])
    ws.append(["乙", "驿站", 114.31, 30.51])
    for ref in ("A1:A2", "B1:B2", "C1:D1"):
        ws.merge_cells(ref)
    wb.save(tmp_path / "two.xlsx")
    gdf, _ = read_points(tmp_path / "two.xlsx")
    assert gdf.attrs["header_row"] == 2
    assert gdf["row"].tolist() == [3, 4]
    assert gdf["name"].tolist() == ["甲", "乙"]
    assert [(p.x, p.y) for p in gdf.geometry] == [(114.30, 30.50), (114.31, 30.51)]


def test_merged_header_names_every_column_it_covers(tmp_path: Path) -> None:
    # 地址 merged over two columns: both carry the name (the second as 地址.1), not "column 5".
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["名称", "经度", "纬度", "地址", None])
    ws.append(["甲", 114.30, 30.50, "江岸区", "一元路 1 号"])
    ws.merge_cells("D1:E1")
    wb.save(tmp_path / "addr.xlsx")
    cells, _ = workbook_cells(tmp_path / "addr.xlsx", "xlsx", None)
    assert cells[0] == ["名称", "经度", "纬度", "地址", "地址"]


class _Cell:
    def __init__(self, value: object) -> None:
        self.value, self.ctype = value, 1  # xlrd.XL_CELL_TEXT


class _Sheet:
    """What xlrd gives for a sheet: rows of cells and ``merged_cells`` (ends exclusive)."""

    name = "设施"
    rows = [
        ["名称", "层级", "经度", "纬度"],
        ["甲", "分中心", "114.3", "30.5"],
        ["乙", "", "114.4", "30.6"],
    ]
    merged_cells = [(1, 3, 1, 2)]  # B2:B3
    nrows = 3
    visibility = 0  # shown

    def row(self, r: int) -> list[_Cell]:
        return [_Cell(v) for v in self.rows[r]]


class _Book:
    datemode = 0

    def sheet_names(self) -> list[str]:
        return ["设施"]

    def sheet_by_index(self, i: int) -> _Sheet:
        return _Sheet()

    def release_resources(self) -> None:
        pass


def test_xls_merged_cells_are_filled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # No xls writer is installed: xlrd's book is stood in for, with its merged_cells as xlrd
    # reports them when asked for formatting_info.
    import xlrd

    asked: dict[str, object] = {}

    def open_workbook(name: str, **kw: object) -> _Book:
        asked.update(kw)
        return _Book()

    monkeypatch.setattr(xlrd, "open_workbook", open_workbook)
    cells, info = workbook_cells(tmp_path / "f.xls", "xls", None)
    assert asked["formatting_info"] is True
    assert [r[1] for r in cells] == ["层级", "分中心", "分中心"]
    assert [str(n) for n in info["notes"]] == [
        "merged cells: the value of each merged range (1 in all) was copied into every cell the "
        "range covers, as Excel shows it"
    ]


def test_xls_whose_formatting_xlrd_cannot_read_is_read_without(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import xlrd

    def open_workbook(name: str, **kw: object) -> _Book:
        if kw.get("formatting_info"):
            raise xlrd.XLRDError("bad XF record")
        book = _Book()
        book.sheet_by_index = lambda i: _Unmerged()  # type: ignore[method-assign]
        return book

    class _Unmerged(_Sheet):
        merged_cells: list[tuple[int, int, int, int]] = []  # without formatting_info: none

    monkeypatch.setattr(xlrd, "open_workbook", open_workbook)
    cells, info = workbook_cells(tmp_path / "f.xls", "xls", None)
    assert [r[1] for r in cells] == ["层级", "分中心", ""]
    assert "notes" not in info
