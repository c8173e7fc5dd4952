"""Coordinate systems of point layers: GCJ-02/BD-09 tables converted, EPSG codes, unknown crs."""

from __future__ import annotations

from pathlib import Path

import prcoords
import pytest
from pyproj import Transformer

from coverage.errors import InputError
from coverage.inputs.points import read_points

from .helpers import (
    REG,
    write_csv,
)

# --- coordinate systems --------------------------------------------------------------------------


@pytest.mark.parametrize("crs", ["gcj02", "GCJ-02", "amap", "高德"])
def test_gcj02_table_is_converted(tmp_path: Path, crs: str) -> None:
    path = write_csv(tmp_path / "g.csv", "name,lng,lat\nA,106.532469,29.573462\n")
    gdf, problems = read_points(path, crs=crs)
    assert problems == []
    lat, lon = prcoords.gcj_wgs_bored((29.573462, 106.532469))
    assert gdf.geometry.x[0] == pytest.approx(lon, abs=1e-12)
    assert gdf.geometry.y[0] == pytest.approx(lat, abs=1e-12)
    assert gdf.attrs["crs"].startswith("GCJ-02, converted to WGS-84")


def test_bd09_table_is_converted(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "b.csv", "name,lng,lat\nA,106.539,29.579\n")
    gdf, _ = read_points(path, crs="bd09")
    lat, lon = prcoords.bd_wgs_bored((29.579, 106.539))
    assert (gdf.geometry.x[0], gdf.geometry.y[0]) == pytest.approx((lon, lat), abs=1e-12)


def test_chinese_datum_outside_china_is_reported(tmp_path: Path) -> None:
    text = "name,lng,lat\nLiege,5.57,50.63\nA,106.53,29.57\n"
    gdf, problems = read_points(write_csv(tmp_path / "o.csv", text), crs="gcj02")
    assert gdf.geometry.x[0] == 5.57 and gdf.geometry.y[0] == 50.63  # unchanged
    (p,) = problems  # one line, on the point's row and field
    assert (p.row, p.field_text(), p.action) == (2, "lng", "kept")
    assert p.message == (
        "outside China although the layer is declared GCJ-02: the GCJ-02 shift is only defined "
        "in China, so its coordinates were used unchanged; check the coordinates or the declared "
        "coordinate system"
    )


def test_projected_table(tmp_path: Path) -> None:
    tr = Transformer.from_crs(4326, 32648, always_xy=True)
    x, y = tr.transform(106.53, 29.575)
    text = f"name,x,y\nA,{x:.3f},{y:.3f}\nB,{y:.3f},{x:.3f}\n"
    gdf, problems = read_points(write_csv(tmp_path / "utm.csv", text), crs=32648)
    assert gdf["row"].tolist() == [2]
    assert (gdf.geometry.x[0], gdf.geometry.y[0]) == pytest.approx((106.53, 29.575), abs=1e-7)
    assert gdf.attrs["crs"] == "EPSG:32648"
    assert [(p.row, p.field_text()) for p in problems] == [(3, "x")]
    assert problems[0].message == (
        f"({y:.2f}, {x:.2f}) lies outside the area of EPSG:32648; the values fit it if X and Y "
        "are swapped"
    )
    # Every row swapped: the column mapping is wrong, a file-level error.
    text = f"name,x,y\nA,{y:.3f},{x:.3f}\nB,{y + 100:.3f},{x + 100:.3f}\n"
    with pytest.raises(InputError, match="column 'x' holds northings"):
        read_points(write_csv(tmp_path / "utm2.csv", text), crs=32648)


@pytest.mark.parametrize(
    ("crs", "label"), [("cgcs2000", "EPSG:4490"), ("EPSG:4490", "EPSG:4490"), (4326, "WGS-84")]
)
def test_geographic_epsg(tmp_path: Path, crs: object, label: str) -> None:
    path = write_csv(tmp_path / "c.csv", "name,lng,lat\nA,106.53,29.57\n")
    gdf, _ = read_points(path, crs=crs)
    assert gdf.attrs["crs"] == label
    assert (gdf.geometry.x[0], gdf.geometry.y[0]) == pytest.approx((106.53, 29.57), abs=1e-6)


def test_unknown_crs() -> None:
    with pytest.raises(InputError, match="unknown coordinate system 'mars'") as err:
        read_points(REG / "sites_utf8.csv", crs="mars")
    assert str(err.value.field) == "crs"
