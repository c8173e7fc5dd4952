"""The problems tables for the run report: order, types, skipped rows with all their reasons."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from coverage.errors import Problem
from coverage.inputs.points import read_points
from coverage.inputs.problems import (
    layer_skips,
    problems_frame,
    skipped_row_count,
    skipped_rows,
    warned_rows,
)
from coverage.inputs.validation import validate_layer

from .helpers import (
    REG,
    TIERS,
)


def test_report_frames(area: gpd.GeoDataFrame) -> None:
    path = REG / "facilities_faults.csv"
    gdf, read_problems = read_points(path)
    _, problems = validate_layer(gdf, path, role="facility", area=area, allowed_tiers=TIERS)
    frame = problems_frame(read_problems + problems)
    assert list(frame.columns) == ["file", "row", "field", "problem", "action"]
    assert str(frame["row"].dtype) == "Int64"
    assert frame["row"].tolist() == sorted(frame["row"].tolist())
    skipped = skipped_rows(read_problems + problems)
    assert skipped["row"].tolist() == [4, 5, 6, 7, 8, 9, 14]
    assert list(skipped.columns) == ["file", "row", "field", "problem"]
    empty = problems_frame([])
    assert list(empty.columns) == ["file", "row", "field", "problem", "action"] and empty.empty
    assert skipped_rows([]).empty


def test_problems_frame_puts_layer_problems_first() -> None:
    ps = [
        Problem("b.csv", 3, "x", "late"),
        Problem("a.csv", 5, "x", "five"),
        Problem("a.csv", None, "weight", "layer", action="kept"),
        Problem("a.csv", 2, "x", "two"),
    ]
    frame = problems_frame(ps)
    assert frame["problem"].tolist() == ["layer", "two", "five", "late"]
    # Several reasons for one row are joined on one line.
    both = skipped_rows([Problem("a.csv", 2, "经度", "bad"), Problem("a.csv", 2, "纬度", "worse")])
    assert both.to_dict("records") == [
        {"file": "a.csv", "row": 2, "field": "经度; 纬度", "problem": "bad; worse"}
    ]


def test_tables_name_files_relative_to_the_scenario_folder(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "demand.csv"
    ps = [
        Problem(tmp_path / "plan" / "inputs" / "b.csv", 3, "x", "bad"),
        Problem(outside, 2, "weight", "zero"),
        Problem(tmp_path / "plan" / "a.csv", 4, "x", "kept", action="kept"),
    ]
    frame = problems_frame(ps, folder=tmp_path / "plan")
    # Sorted by the name shown.
    assert frame["file"].tolist() == [str(outside), "a.csv", "inputs/b.csv"]
    skipped = skipped_rows(ps, folder=tmp_path / "plan")
    assert skipped[["file", "row"]].values.tolist() == [[str(outside), 2], ["inputs/b.csv", 3]]
    # Without a folder, files as given.
    assert problems_frame(ps)["file"].tolist()[0] == str(tmp_path / "elsewhere" / "demand.csv")


def test_skipped_row_count_is_the_lines_of_skipped_rows() -> None:
    # By hand: a.csv rows 3 (two reasons) and 4, b.csv row 3 are skipped: 3 rows. Row 5 of
    # a.csv is only a warning; the raster's nodata cells are skipped but are no row.
    problems = [
        Problem("pop.tif", None, "band 1", "300 cells have no data", action="skipped"),
        Problem("a.csv", 3, "lon", "not a number"),
        Problem("a.csv", 3, "weight", "negative"),
        Problem("a.csv", 4, "lat", "missing"),
        Problem("b.csv", 3, "lon", "not a number"),
        Problem("a.csv", 5, "name", "duplicate", action="kept"),
    ]
    assert skipped_row_count(problems) == 3 == len(skipped_rows(problems))
    assert layer_skips(problems) == [problems[0]]
    assert skipped_row_count(problems[:1]) == 0 and len(skipped_rows(problems[:1])) == 0
    assert skipped_row_count([]) == 0 and layer_skips(problems[1:]) == []


def test_warned_rows_counts_rows_kept_with_warnings_per_file() -> None:
    # By hand: b.csv rows 2 (two warnings) and 7 are kept with warnings: 2; a.csv row 5 too: 1.
    # a.csv row 3 has a warning but is skipped; layer-wide warnings are no row.
    problems = [
        Problem("b.csv", 2, "capacity", "not a number; left empty", action="kept"),
        Problem("a.csv", None, "lon", "two longitude columns", action="kept"),
        Problem("a.csv", 3, "capacity", "not a number; left empty", action="kept"),
        Problem("a.csv", 3, "lon", "not a number"),
        Problem("a.csv", 5, "tier", "assumed point", action="kept"),
        Problem("b.csv", 2, "area", "not a number; left empty", action="kept"),
        Problem("b.csv", 7, "services", "not a known service", action="kept"),
        Problem("c.csv", 4, "lat", "missing"),
    ]
    assert warned_rows(problems) == {"b.csv": 2, "a.csv": 1}
    assert list(warned_rows(problems)) == ["b.csv", "a.csv"]  # in the order of their rows
    assert warned_rows(problems[1:4]) == {} and warned_rows([]) == {}
