"""Cells written with XlsxWriter (coverage.xlsx), read back with openpyxl, cell by cell.

Every expected value, type, number format and quote prefix below is worked out by hand from
the rules in coverage.xlsx's notes, not by calling the code under test.
"""

from __future__ import annotations

import datetime as dt
import errno
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from coverage import excel, table_words
from coverage.errors import OutputError
from coverage.xlsx import Book, cell_value, column_cells

LONG = "x" * 40_000
#: Rows of (text, share, count, mixed): hostile text, NaN, ±inf, bools, ints and floats.
ROWS = [
    ["=1+1", 0.25, 3, True],
    ["+A1", np.nan, np.int64(7), False],
    ["-2", np.inf, 12345, 1.5],
    ["@SUM(A1)", -np.inf, -4, "#N/A"],
    ["#N/A", 1.0, 0, None],
    ["a\x01b\x1fc\x0b", np.float64(0.125), 2**40, "\r=1"],
    [LONG, 0.0, None, "<r><t>hi</t></r>"],
    ["", -0.5, 1, "+1.5"],
    ["_x0041_", 1e-9, 2, "a\r\nb"],
]
FORMATS = [None, "0.0%", "#,##0", None]

#: What openpyxl reads back: (value, data_type, number_format, quote prefix), by hand.
S, GEN = "s", "General"
EXPECTED = [
    [("=1+1", S, GEN, True), (0.25, "n", "0.0%", False), (3, "n", "#,##0", False),
     (True, "b", GEN, False)],
    [("+A1", S, GEN, True), None, (7, "n", "#,##0", False), (False, "b", GEN, False)],
    # "-2" is a plain number: text without a prefix; inf is text Excel can hold
    [("-2", S, GEN, False), ("inf", S, GEN, False), (12345, "n", "#,##0", False),
     (1.5, "n", GEN, False)],
    [("@SUM(A1)", S, GEN, True), ("-inf", S, GEN, True), (-4, "n", "#,##0", False),
     ("#N/A", S, GEN, False)],  # "#N/A" text, never Excel's error value
    # Excel has one number type, written in 16 digits: a whole float reads back as an int
    [("#N/A", S, GEN, False), (1, "n", "0.0%", False), (0, "n", "#,##0", False), None],
    # control characters XML cannot hold show as "�"; a carriage return reads as a line feed
    [("a\ufffdb\ufffdc\ufffd", S, GEN, False), (0.125, "n", "0.0%", False),
     (1099511627776, "n", "#,##0", False), ("\n=1", S, GEN, True)],
    # 32,766 characters and "…": Excel's 32,767; rich-text-looking text stays that text
    [("x" * 32766 + "…", S, GEN, False), (0, "n", "0.0%", False), None,
     ("<r><t>hi</t></r>", S, GEN, False)],
    [None, (-0.5, "n", "0.0%", False), (1, "n", "#,##0", False), ("+1.5", S, GEN, False)],
    # "_x0041_" is written as Excel's escape of itself (see below): openpyxl does not decode it
    [("_x005F_x0041_", S, GEN, False), (1e-9, "n", "0.0%", False), (2, "n", "#,##0", False),
     ("a\nb", S, GEN, False)],
]  # fmt: skip


def test_cells_read_back_with_their_types_formats_and_prefixes(tmp_path: Path) -> None:
    path = tmp_path / "c.xlsx"
    book = Book(path)
    sheet = book.sheet("cells")
    for j, head in enumerate(["text", "=share", "count", "@mixed"]):
        sheet.text(0, j, cell_value(head), bold=True)
    sheet.rows([[cell_value(v) for v in row] for row in ROWS], FORMATS)
    book.close()

    ws = openpyxl.load_workbook(path)["cells"]
    head = ws[1]
    assert [c.value for c in head] == ["text", "=share", "count", "@mixed"]
    assert [c.data_type for c in head] == [S] * 4  # never formulas
    assert [bool(c.quotePrefix) for c in head] == [False, True, False, True]
    assert all(c.font.b and c.alignment.vertical == "center" for c in head)
    assert ws.max_row == len(ROWS) + 1
    for i, expected in enumerate(EXPECTED, start=2):
        for j, want in enumerate(expected, start=1):
            c = ws.cell(row=i, column=j)
            if want is None:
                assert c.value is None, (c.coordinate, c.value)
                continue
            got = (c.value, c.data_type, c.number_format, bool(c.quotePrefix))
            assert got == want, c.coordinate
            assert type(c.value) is type(want[0]), c.coordinate  # 7 an int, 0.25 a float
    # Excel decodes _xHHHH_ in cell text: the literal "_x0041_" is escaped so that Excel shows
    # it as written, not as "A".
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "<t>_x005F_x0041_</t>" in xml and "<t>_x0041_</t>" not in xml


def test_text_cut_at_excels_limit_is_named_in_one_warning_per_column(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Rows 3 and 5 of the "remark" column (header on row 1) are over 32,767 characters; row 4's
    # 32,767 characters fit, as does every other cell: one warning, naming the workbook (not
    # the temporary file it is written as), the sheet, the column and the two rows.
    frame = pd.DataFrame(
        {"remark": ["ok", LONG, "y" * 32767, "=" + LONG], "name": ["a", "b", "c", "d"]}
    )
    with caplog.at_level("WARNING", logger="coverage.xlsx"):
        excel.write_workbook(tmp_path / "w.xlsx", {"notes": frame}, lang="en")
    assert [r.getMessage() for r in caplog.records] == [
        "w.xlsx, sheet 'notes', column 'remark': 2 cells hold more than the 32,767 characters "
        'a cell of Excel can, and were cut to them, ending with "…" (rows 3, 5)'
    ]
    assert caplog.records[0].msg.text("zh") == (
        "w.xlsx，工作表“notes”，列“remark”：有 2 个单元格超过 Excel 单元格的 32,767 "
        "个字符上限，已截断至上限，以“…”结尾（行 3, 5）"
    )
    ws = openpyxl.load_workbook(tmp_path / "w.xlsx")["notes"]
    cells = [ws.cell(row=i, column=1) for i in range(2, 6)]
    assert [c.value for c in cells] == [
        "ok",
        "x" * 32766 + "…",
        "y" * 32767,
        "=" + "x" * 32765 + "…",
    ]
    assert [bool(c.quotePrefix) for c in cells] == [False, False, False, True]
    # A sheet without a header (body from row 2, as always) names the column by its letter;
    # nothing cut, nothing said.
    caplog.clear()
    with caplog.at_level("WARNING", logger="coverage.xlsx"), Book(tmp_path / "b.xlsx") as book:
        book.sheet("s").rows([["a", LONG]], [None, None])
    assert [r.getMessage() for r in caplog.records] == [
        "b.xlsx, sheet 's', column 'B': 1 cell holds more than the 32,767 characters a cell "
        'of Excel can, and was cut to them, ending with "…" (row 2)'
    ]
    caplog.clear()
    with caplog.at_level("WARNING", logger="coverage.xlsx"):
        excel.write_workbook(tmp_path / "s.xlsx", {"notes": frame.iloc[[0, 2]]}, lang="en")
    assert caplog.records == []


def test_workbook_share_column_formats_filter_widths_and_panes(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "remark": ["=1+1", "-2", "#N/A", LONG, "ok\x07"],
            "x_share": [0.5, np.nan, np.inf, 0.0125, -np.inf],  # "_share": a percentage
            "n_people": [1, 2, 3, 4, 5],  # "n_": a whole count
        }
    )
    path = excel.write_workbook(tmp_path / "w.xlsx", {"sheet": frame, "Sheet": frame}, lang="en")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["sheet", "Sheet (2)"]  # titles unique, case ignored
    ws = wb["sheet"]
    assert [c.value for c in ws[1]] == ["remark", "x_share", "n_people"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:C6"
    notes = [ws.cell(row=i, column=1) for i in range(2, 7)]
    assert [c.value for c in notes] == ["=1+1", "-2", "#N/A", "x" * 32766 + "…", "ok\ufffd"]
    assert [c.data_type for c in notes] == [S] * 5
    assert [bool(c.quotePrefix) for c in notes] == [True, False, False, False, False]
    shares = [ws.cell(row=i, column=2) for i in range(2, 7)]
    # A workbook table shows no inf: non-finite shares are empty cells.
    assert [c.value for c in shares] == [0.5, None, None, 0.0125, None]
    assert [c.number_format for c in shares if c.value is not None] == ["0.0%"] * 2
    people = [ws.cell(row=i, column=3) for i in range(2, 7)]
    assert [(c.value, c.number_format) for c in people] == [(k, "#,##0") for k in range(1, 6)]
    # Widths: the widest cell + 2, at least 6 and at most 60 ("x_share": 7 + 2; "0.0125": 6).
    widths = {
        i: d.width for d in ws.column_dimensions.values() if d.min for i in range(d.min, d.max + 1)
    }
    assert widths == {1: 60, 2: 9, 3: 10}


def test_a_failed_write_is_one_line_naming_the_file(tmp_path: Path, monkeypatch) -> None:
    def denied(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EACCES, "Permission denied")

    # XlsxWriter wraps the OSError of its zip in FileCreateError; the writer unwraps it.
    monkeypatch.setattr("xlsxwriter.workbook.ZipFile", denied)
    target = tmp_path / "denied.xlsx"
    with pytest.raises(OutputError) as info:
        excel.write_workbook(target, {"s": pd.DataFrame({"a": [1]})}, lang="en")
    assert "denied.xlsx" in str(info.value) and "\n" not in str(info.value)
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind


@pytest.mark.parametrize("stop", [KeyboardInterrupt, OSError])
def test_a_workbook_stopped_half_way_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stop: type[BaseException]
) -> None:
    # XlsxWriter streams each sheet's rows to a named temporary file that only its close()
    # removes: a write stopped after the first sheet's rows (Ctrl-C, a full disk) must leave
    # neither those files nor the workbook behind.
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(temp))
    import coverage.xlsx as xlsx

    written = xlsx.Sheet.rows

    def rows_then_stop(self: xlsx.Sheet, *args: object, **kwargs: object) -> None:
        written(self, *args, **kwargs)  # type: ignore[arg-type]
        raise stop("stopped")

    monkeypatch.setattr(xlsx.Sheet, "rows", rows_then_stop)
    target = tmp_path / "out" / "coverage.xlsx"
    target.parent.mkdir()
    frame = pd.DataFrame({"weight": [1.0, 2.0], "name": ["a", "b"]})
    with pytest.raises((stop, OutputError)):
        excel.write_workbook(target, {"summary": frame, "demand": frame}, lang="en")
    assert list(temp.iterdir()) == []
    assert list(target.parent.iterdir()) == []


def test_a_workbook_written_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(temp))
    target = tmp_path / "coverage.xlsx"
    excel.write_workbook(target, {"summary": pd.DataFrame({"weight": [1.0]})}, lang="en")
    assert list(temp.iterdir()) == []
    assert openpyxl.load_workbook(target).active["A2"].value == 1


def _cells(path: Path, title: str) -> list[list[tuple[object, ...] | None]]:
    """Every cell of a sheet: (value, its type, data type, number format, quote prefix)."""
    ws = openpyxl.load_workbook(path)[title]
    return [
        [
            None
            if c.value is None
            else (c.value, type(c.value), c.data_type, c.number_format, bool(c.quotePrefix))
            for c in row
        ]
        for row in ws.iter_rows()
    ]


def _mixed_frame(n: int) -> pd.DataFrame:
    """``n`` rows of every kind of column a workbook gets: clean, with gaps, mixed, hostile."""
    rng = np.random.default_rng(7)
    nums = rng.normal(10, 5, n)
    gaps = np.where(rng.random(n) < 0.3, np.nan, nums)
    odd = [
        "=1+1", "<r><t>hi</t></r>", "", "a\x01b", "a\r\nb", "-2", "#N/A", None, np.nan, True,
        False, 3, np.int64(4), 2.5, -0.0, np.inf, -np.inf, dt.date(2026, 1, 2),
        dt.datetime(2026, 1, 2, 3, 4, 5), dt.time(1, 2, 3), dt.timedelta(hours=30), "ok",
    ]  # fmt: skip
    return pd.DataFrame(
        {
            "gcj02_lon": 114 + nums / 100,  # no format
            "weight": gaps * 3,  # whole people, gaps: Int64 with NA
            "cell_share": np.where(rng.random(n) < 0.1, np.inf, gaps / 20),  # a percentage
            "nearest_min": gaps,  # minutes, rounded up
            "snap_m": -nums,  # "0.0"
            "n_reach": rng.integers(0, 9, n).astype("int32"),
            "row": pd.array(np.where(rng.random(n) < 0.4, None, np.arange(n)), dtype="Int64"),
            "covered": rng.random(n) < 0.5,  # a word
            "name": rng.choice(["甲", "=SUM(A1)", "b", "", None, "x\x07"], n),
            "mixed": [odd[k % len(odd)] for k in range(n)],
            "when": pd.to_datetime(np.where(rng.random(n) < 0.2, None, "2026-03-04 05:06")),
        }
    )


def test_a_workbook_holds_what_writing_cell_by_cell_gives(tmp_path: Path) -> None:
    """write_workbook's column-wise path against a plain writer: Sheet.value for every cell."""
    frame = _mixed_frame(3000)
    new = excel.write_workbook(tmp_path / "new.xlsx", {"uncovered": frame}, lang="en")

    data = excel._plain(frame, "en")  # the cells both writers start from
    old = tmp_path / "old.xlsx"
    with Book(old) as book:
        title = table_words.sheet_name("uncovered", "en")
        sheet = book.sheet(title)
        for j, column in enumerate(data.columns):
            sheet.text(0, j, cell_value(table_words.header(column, "en")), bold=True)
        formats = [excel.number_format(c) for c in data.columns]
        for i, record in enumerate(data.itertuples(index=False, name=None), start=1):
            for j, v in enumerate(record):
                sheet.value(i, j, cell_value(v), formats[j])

    want, got = _cells(old, title), _cells(new, title)
    assert len(got) == 3001 and len(got[1]) == len(data.columns)
    kinds = {(c[2], c[3]) for row in got[1:] for c in row if c is not None}
    assert {("n", "0.0%"), ("n", "#,##0"), ("n", "0.0"), ("s", "General")} <= kinds
    assert {("d", "yyyy-mm-dd h:mm:ss"), ("d", "h:mm:ss"), ("s", "General")} <= kinds
    for i, (a, b) in enumerate(zip(want, got, strict=True)):
        assert a == b, i


CLEAN = [
    pd.Series([1.5, np.nan, -0.0, 2.0, 1e300]),
    pd.Series([1.0, np.inf, np.nan, -np.inf]),  # inf: the text "inf"
    pd.Series([np.float32(0.1), np.float32(np.nan)]),
    pd.Series([1, -2, 2**40], dtype="int64"),
    pd.Series([1, 2], dtype="int32"),
    pd.Series([7], dtype="uint8"),
    pd.Series([2**64 - 1], dtype="uint64"),
    pd.Series([1, None, 3], dtype="Int64"),
    pd.Series([None, None], dtype="Int32"),
    pd.Series([2**64 - 1, None], dtype="UInt64"),
    pd.Series([True, False]),
    pd.Series([True, None], dtype="boolean"),
    pd.Series([1.5, None], dtype="Float64"),
    pd.Series(["a", None, "=1", "a\x01", "a\r\nb", "a"], dtype=object),
    pd.Series(["a", None, "b", "a"], dtype="string"),
    pd.Series([1, "1", 1.0, True, np.int64(1), None, np.nan, dt.date(2026, 1, 1)], dtype=object),
    pd.Series([pd.Timestamp("2026-01-01 10:00"), pd.NaT]),
    pd.Series([], dtype=float),
    pd.Series([], dtype=object),
]


@pytest.mark.parametrize("column", CLEAN, ids=[str(c.dtype) for c in CLEAN])
def test_column_cells_are_cell_value_of_every_cell(column: pd.Series) -> None:
    got = column_cells(column)
    want = [cell_value(v) for v in column]
    # repr: -0.0 is not 0.0, 1 is not 1.0 nor True
    assert [(type(v), repr(v)) for v in got] == [(type(v), repr(v)) for v in want]
