"""Registers narrowed per district: rows within reach, and rows without a position, go."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from coverage.audit.config import Audit
from coverage.audit.districts import District
from coverage.audit.registers import (
    EDGE_M,
    as_registers,
    district_rows,
    near_no_district,
    reach_m,
    read_registers,
    to_register,
    write_rows,
)
from coverage.audit.tasks import file_digests, make_task
from coverage.scenario import load_scenario

pytestmark = pytest.mark.filterwarnings("ignore")

# A 0.01° square near Wuhan; 0.01° of longitude at 30.6° N is 958.1 m, of latitude 1108.6 m.
SQUARE = shapely.box(114.30, 30.60, 114.31, 30.61)


def _audit(tmp_path: Path, register: Path) -> Audit:
    return Audit.model_validate(
        {
            "districts": {"path": str(register)},
            "network": {"path": str(register), "margin_m": 500},
            "walk": {"max_snap_m": 100},
            "facilities": [{"path": str(register), "columns": {"tier": "kind of site"}}],
            "demand": [{"path": str(register)}],
        }
    )


def _jobs_audit(
    tmp_path: Path, rows: str, before: list[dict[str, str]] | None = None, **layer: str
) -> Audit:
    """An audit whose demand is ``jobs.csv`` (name, lon, lat, staff) after ``before`` layers."""
    register = tmp_path / "jobs.csv"
    register.write_text("name,lon,lat,staff\n" + rows, encoding="utf-8")
    jobs = {"path": str(register), "weight": "staff", **layer}
    return Audit.model_validate(
        {
            "districts": {"path": str(register)},
            "network": {"path": str(register)},
            "facilities": [{"path": str(register), "tier": "point"}],
            "demand": [*(before or []), jobs],
            "output": {"dir": str(tmp_path / "out")},
        }
    )


def test_rows_within_reach_and_unreadable_rows(tmp_path: Path) -> None:
    register = tmp_path / "reg.csv"
    # reach = 500 + 100 + 100 = 700 m. East of the square: 0.0070° = 671 m (in), 0.0075° = 719 m
    # (out); north: 0.0060° = 665 m (in), 0.0070° = 776 m (out); one row has no coordinates.
    pd.DataFrame(
        {
            "name": ["inside", "east in", "east out", "north in", "north out", "broken"],
            "kind of site": ["point"] * 6,
            "lon": [114.305, 114.317, 114.3175, 114.305, 114.305, "东经"],
            "lat": [30.605, 30.605, 30.605, 30.616, 30.617, 30.605],
        }
    ).to_csv(register, index=False)
    audit = _audit(tmp_path, register)
    assert reach_m(audit) == 700
    (reg,) = read_registers(audit)
    keep = district_rows(reg, SQUARE, reach_m(audit))
    assert keep.tolist() == [True, True, False, True, False, True]
    out = write_rows(reg, keep, tmp_path / "d")
    back = pd.read_csv(out.path)
    assert list(back.columns) == ["name", "kind of site", "lon", "lat"]  # as the register has
    assert back["name"].tolist() == ["inside", "east in", "north in", "broken"]
    assert np.isnan(reg.lon[5])


def test_a_district_where_no_utm_zone_is_gets_its_rows_too(tmp_path: Path) -> None:
    # North of 84° N there is no UTM zone: the district must still get its rows (and fail, if
    # at all, in its own run), not stop the audit. reach = 700 m; a degree of latitude at 85° N
    # is 111.7 km: 0.0045° north of the box is 503 m (in), 0.018° is 2,011 m (out).
    register = tmp_path / "reg.csv"
    pd.DataFrame(
        {
            "name": ["inside", "north in", "north out"],
            "kind of site": ["point"] * 3,
            "lon": [10.05, 10.05, 10.05],
            "lat": [85.025, 85.0545, 85.068],
        }
    ).to_csv(register, index=False)
    audit = _audit(tmp_path, register)
    (reg,) = read_registers(audit)
    keep = district_rows(reg, shapely.box(10.0, 85.0, 10.1, 85.05), reach_m(audit))
    assert keep.tolist() == [True, True, False]


def test_empty_register(tmp_path: Path) -> None:
    register = tmp_path / "reg.csv"
    register.write_text("name,kind of site,lon,lat\n", encoding="utf-8")
    (reg,) = read_registers(_audit(tmp_path, register))
    assert district_rows(reg, SQUARE, 700.0).tolist() == []


def test_a_carriage_return_in_a_cell_stays_in_its_row(tmp_path: Path) -> None:
    # The district reads its copy with the same reader: a bare CR left unquoted split the row in
    # two, losing the facility ("missing longitude") and adding a row "=1+1, …".
    register = tmp_path / "reg.csv"
    frame = pd.DataFrame(
        {"name": ["a\r=1+1", "b\nc", "plain"], "kind of site": ["point"] * 3,
         "lon": [114.305] * 3, "lat": [30.605] * 3}
    )  # fmt: skip
    frame.to_csv(register, index=False, lineterminator="\r\n")  # quotes the CR, as a writer may
    (reg,) = read_registers(_audit(tmp_path, register))
    assert reg.frame["name"].tolist() == ["a\r=1+1", "b\nc", "plain"]
    out = write_rows(reg, district_rows(reg, SQUARE, 700.0), tmp_path / "d")
    # as the district's scenario reads it
    (back,) = read_registers(_audit(tmp_path, Path(out.path)))
    assert back.frame["name"].tolist() == ["a\r=1+1", "b\nc", "plain"]  # as written, no prefix
    assert np.isfinite(back.lon).all()


def test_a_demand_register_goes_to_the_district_it_lies_in(tmp_path: Path) -> None:
    # Demand outside a district counts for nobody in it: only rows in it (plus 100 m) and rows
    # without a position go, not the whole city's (each once "outside the study area").
    # 0.0009° of longitude at 30.6° N is 86 m (in), 0.0020° is 192 m (out).
    raster = tmp_path / "p.tif"
    raster.touch()  # named only
    audit = _jobs_audit(
        tmp_path,
        "inside,114.305,30.605,10\nedge,114.3109,30.605,20\nfar,114.312,30.605,30\n"
        "broken,东经,30.605,40\n",
        [{"path": str(raster)}],
    )
    (reg,) = read_registers(audit, "demand")
    assert (reg.index, reg.group) == (1, "demand")
    assert district_rows(reg, SQUARE, EDGE_M).tolist() == [True, True, False, True]
    assert "demand[1].path" not in file_digests(audit)  # each district hashes its own rows
    assert "demand[0].path" in file_digests(audit)  # a raster is read whole
    district = District("D1", "一区", 1, SQUARE)
    task = make_task(audit, district, {}, [*read_registers(audit), reg])
    s = load_scenario(task.scenario)
    copy = s.input_path(s.demand[1].path)
    assert copy.name == "demand_2.csv" and s.demand[0].path == raster
    assert pd.read_csv(copy)["name"].tolist() == ["inside", "edge", "broken"]
    assert as_registers(s, task.copies).demand[1].path == tmp_path / "jobs.csv"  # problems name it


def test_a_row_skipped_for_its_weight_goes_only_to_the_district_it_lies_in(tmp_path: Path) -> None:
    # A row with a bad count but good coordinates had no position (only kept rows had one), so
    # it went to every district: in each one's problems.csv, and each district empty of people
    # "failed". GCJ-02 as registers are: the kept and the skipped row read the same place.
    audit = _jobs_audit(
        tmp_path,
        "inside,114.305,30.605,10\nbad count,114.305,30.605,很多\nfar,114.35,30.605,5\n"
        "broken,东经,30.605,40\n",
        crs="gcj02",
    )
    (reg,) = read_registers(audit, "demand")
    assert sorted(p.row for p in reg.problems if p.action == "skipped") == [3, 5]
    assert reg.lon[1] == reg.lon[0] and reg.lat[1] == reg.lat[0]
    assert 114.29 < reg.lon[0] < 114.30  # GCJ-02 → WGS-84: a few hundred metres west
    assert np.isnan(reg.lon[3])
    near = shapely.box(reg.lon[0] - 0.005, 30.59, reg.lon[0] + 0.005, 30.61)
    assert district_rows(reg, near, EDGE_M).tolist() == [True, True, False, True]
    away = shapely.box(114.40, 30.59, 114.41, 30.61)
    assert district_rows(reg, away, EDGE_M).tolist() == [False, False, False, True]


def test_rows_near_no_district_are_said_once_per_register(tmp_path: Path) -> None:
    # Coordinates typed wrong (here: Beijing's, Xi'an's) send a row to no district, so no
    # district's problems.csv lists it: the audit says so, once, with the rows.
    register = tmp_path / "reg.csv"
    register.write_text(
        "name,kind of site,lon,lat\n"
        "here,point,114.305,30.605\nBeijing,point,116.40,39.90\nno position,point,,30.6\n"
        "Xi'an,point,108.94,34.34\n",
        encoding="utf-8",
    )
    (reg,) = read_registers(_audit(tmp_path, register))
    note = near_no_district(reg, [SQUARE, shapely.box(114.4, 30.5, 114.5, 30.6)], 700.0)
    assert note is not None and note.path == str(register) and note.row is None
    assert note.action == "kept"
    assert note.text("en") == (
        "2 rows are near no audited district, so no district's results include them "
        "(rows 3, 5); check their coordinates if they should be"
    )
    assert near_no_district(reg, [shapely.box(100, 30, 120, 40)], 700.0) is None


def test_many_rows_near_no_district_show_the_first_five(tmp_path: Path) -> None:
    # Six rows in Beijing: the first five listed, then "…" (the message counts them already).
    register = tmp_path / "reg.csv"
    register.write_text(
        "name,kind of site,lon,lat\nhere,point,114.305,30.605\n"
        + "".join(f"Beijing {i},point,116.40,39.9{i}\n" for i in range(6)),
        encoding="utf-8",
    )
    (reg,) = read_registers(_audit(tmp_path, register))
    note = near_no_district(reg, [SQUARE], 700.0)
    assert note is not None
    assert "6 rows are near no audited district" in note.text("en")
    assert "(rows 3, 4, 5, 6, 7 …); check" in note.text("en")
    assert "（第 3, 4, 5, 6, 7…… 行）" in note.text("zh")


def test_a_gis_registers_copy_is_named_by_the_registers_features(tmp_path: Path) -> None:
    # Features 1 (far), 2 and 4 (in the square) and 3 (no geometry: every district gets it).
    # The copy holds 2, 3, 4 as its features 1, 2, 3; problems and facilities name 2, 3, 4.
    from coverage.inputs.layers import Layers
    from coverage.inputs.points import read_points

    register = tmp_path / "sites.geojson"
    points = [shapely.Point(116.4, 39.9), shapely.Point(114.305, 30.605), None,
              shapely.Point(114.306, 30.606)]  # fmt: skip
    gdf = gpd.GeoDataFrame({"name": ["far", "a", "nowhere", "b"], "kind of site": ["point"] * 4},
                           geometry=points, crs=4326)  # fmt: skip
    register.write_text(gdf.to_json(), encoding="utf-8")
    (reg,) = read_registers(_audit(tmp_path, register))
    copy = write_rows(reg, district_rows(reg, SQUARE, 700.0), tmp_path / "d")
    assert Path(copy.path).suffix == ".gpkg" and copy.rows == (2, 3, 4) and copy.first == 1
    read, found = read_points(copy.path, columns={"tier": "kind of site"})
    assert [p.row for p in found] == [2]  # the copy's own numbering
    read["layer"] = Path(copy.path).name
    layers = Layers(read, read.iloc[:0], read.iloc[:0], None, None, problems=found)
    to_register(layers, [copy])
    assert [(p.path, p.row, p.action) for p in layers.problems] == [(str(register), 3, "skipped")]
    assert layers.problems[0].text("en") == found[0].text("en")  # the register's own reason
    assert layers.facilities["row"].tolist() == [2, 4]
    assert set(layers.facilities["layer"]) == {"sites.geojson"}


def test_a_row_named_in_a_copys_message_is_the_registers_row(tmp_path: Path) -> None:
    # Rows 2 (far) and 3 stay home; the copy holds the register's rows 3, 4, 5 as its rows 2,
    # 3, 4. "0.0 m from row 2" in the copy is 0.0 m from the register's row 3.
    from coverage.errors import Msg, Problem
    from coverage.inputs.layers import Layers

    register = tmp_path / "reg.csv"
    register.write_text(
        "name,kind of site,lon,lat\nfar,point,116.4,39.9\n"
        "a,point,114.305,30.605\nb,point,114.305,30.605\nc,point,114.306,30.606\n",
        encoding="utf-8",
    )
    (reg,) = read_registers(_audit(tmp_path, register))
    copy = write_rows(reg, district_rows(reg, SQUARE, 700.0), tmp_path / "d")
    assert copy.rows == (3, 4, 5)
    near = Msg("problem.same_place", row=2, d=0.0)
    other = Msg("problem.duplicate_in_file", file=Path(copy.path).name, row=4, name="c", d=1.0)
    elsewhere = Msg("problem.duplicate_in_file", file="own.csv", row=4, name="c", d=1.0)
    found = [Problem(copy.path, 3, "geometry", m, "kept") for m in (near, other, elsewhere)]
    empty = gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=4326))
    said = Msg("problem.note.file", file=Path(copy.path).name, text="fits the streets")
    layers = Layers(empty, empty, empty, None, None, problems=found, notes=[said])
    to_register(layers, [copy])
    assert layers.notes == [Msg("problem.note.file", file="reg.csv", text="fits the streets")]
    assert [(p.path, p.row) for p in layers.problems] == [(str(register), 4)] * 3
    assert layers.problems[0].text("en").startswith("0.0 m from row 3:")
    assert layers.problems[1].msg == Msg(
        "problem.duplicate_in_file", file="reg.csv", row=5, name="c", d=1.0
    )
    assert layers.problems[2].msg == elsewhere  # another file: its own row
