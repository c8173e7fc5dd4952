"""Registers narrowed per district: rows within reach, and rows without a position, go."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from coverage.audit.config import Audit
from coverage.audit.registers import district_rows, reach_m, read_registers, write_rows

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
