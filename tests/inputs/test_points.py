"""Reading point layers row by row: bad cells, weights, missing columns, quoting, blank rows."""

from __future__ import annotations

from pathlib import Path

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
    assert sorted(skipped) == [4, 5, 6, 14, 18]
    assert [(p.field_text(), p.message) for p in skipped[4]] == [("经度", "not a number: 'abc'")]
    assert [(p.field_text(), p.message) for p in skipped[5]] == [("纬度", "missing latitude")]
    (swap,) = skipped[6]
    assert swap.field == "纬度"
    assert swap.message == (
        "latitude 106.536 is out of range (-90 to 90); the values fit China if longitude and "
        "latitude are swapped"
    )
    assert "row has 8 values but the header has 7 columns" in skipped[14][0].message
    assert [(p.field_text(), p.message) for p in skipped[18]] == [("容量", "not a number: '约20'")]
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
    gdf, problems = read_points(REG / "demand_faults.csv", require=("weight",))
    msgs = {p.row: (p.field_text(), p.message) for p in problems}
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
    gdf, problems = read_points(write_csv(tmp_path / "f.csv", text))
    assert gdf["row"].tolist() == [2, 3, 4]
    assert [(p.row, p.message, p.action) for p in problems] == [
        (4, "not a number: '很多'; value left empty", "kept"),
        (3, "weight must be positive, got 0", "kept"),
    ]


def test_missing_coordinate_column() -> None:
    with pytest.raises(InputError) as err:
        read_points(REG / "missing_columns.csv")
    msg = str(err.value)
    assert "missing_columns.csv" in msg and "no latitude column found" in msg
    assert "columns are ['名称', '经度', '地址']" in msg
    assert str(err.value.field) == "lat"


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
