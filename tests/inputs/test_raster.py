"""Raster demand: hand-made grids with weights worked out by hand, and the real WorldPop layer.

The hand grid (4 × 4 cells of 0.001°, top-left corner at 114.000 E, 30.004 N)::

            col 0    col 1    col 2    col 3
    row 0     10       20       30       40      y 30.003 … 30.004
    row 1      4       -5      NaN       50      y 30.002 … 30.003
    row 2  nodata       6        8       60      y 30.001 … 30.002
    row 3      0       12       16       70      y 30.000 … 30.001
          114.000  114.001  114.002  114.003 … 114.004

The area is the box x 114.0005 … 114.003, y 30.000 … 30.0035 with a square hole
114.0022 … 114.0028 × 30.0012 … 30.0018 in the middle of cell (2, 2). So column 0 is half
inside, row 0 half inside (cell (0, 0) a quarter), column 3 outside, cell (2, 2) inside but for
the hole (1 − 0.6² = 0.64).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import prcoords
import pyproj
import pytest
import rasterio
import shapely
from affine import Affine
from rasterio.features import rasterize
from shapely.geometry import Polygon, box

from coverage.errors import InputError, Msg
from coverage.inputs.boundaries import read_polygons
from coverage.inputs.raster import RasterReport, read_raster_demand
from tests.conftest import SHARED_DATA, _missing_data

NODATA = -9999.0
GRID = np.array(
    [
        [10, 20, 30, 40],
        [4, -5, np.nan, 50],
        [NODATA, 6, 8, 60],
        [0, 12, 16, 70],
    ],
    dtype="float32",
)
HAND_T = Affine(0.001, 0, 114.0, 0, -0.001, 30.004)
HOLE = [(114.0022, 30.0012), (114.0028, 30.0012), (114.0028, 30.0018), (114.0022, 30.0018)]
AREA = Polygon(box(114.0005, 30.0, 114.003, 30.0035).exterior.coords, [HOLE])

# (row, col): (weight, x, y) worked out by hand; None: a point inside the part, not in the hole.
EXPECTED: dict[tuple[int, int], tuple[float, Any, Any]] = {
    (0, 0): (10 * 0.25, 114.00075, 30.00325),  # centroid of the quarter inside
    (0, 1): (20 * 0.5, 114.0015, 30.00325),
    (0, 2): (30 * 0.5, 114.0025, 30.00325),
    (1, 0): (4 * 0.5, 114.00075, 30.0025),
    (2, 1): (6.0, 114.0015, 30.0015),  # whole cells: their centres
    (2, 2): (8 * 0.64, None, None),
    (3, 1): (12.0, 114.0015, 30.0005),
    (3, 2): (16.0, 114.0025, 30.0005),
}


def _tif(
    path: Path,
    data: np.ndarray,
    transform: Affine,
    crs: Any = "EPSG:4326",
    nodata: float | None = NODATA,
) -> Path:
    bands = data if data.ndim == 3 else data[None]
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=bands.shape[2],
        height=bands.shape[1],
        count=bands.shape[0],
        dtype=bands.dtype,
        crs=crs,
        transform=transform,
        nodata=nodata,
    ) as dst:
        dst.write(bands)
    return path


@pytest.fixture
def hand_tif(tmp_path: Path) -> Path:
    return _tif(tmp_path / "people.tif", GRID, HAND_T)


def test_hand_grid_weights_points_and_report(hand_tif: Path) -> None:
    points, report = read_raster_demand(hand_tif, AREA)
    assert points.crs.to_epsg() == 4326
    got = {
        (r, c): i
        for i, (r, c) in enumerate(zip(points["cell_row"], points["cell_col"], strict=True))
    }
    assert sorted(got) == sorted(EXPECTED)
    for cell, (weight, x, y) in EXPECTED.items():
        i = got[cell]
        assert points["weight"].iloc[i] == pytest.approx(weight, rel=1e-9), cell
        pt = points.geometry.iloc[i]
        if x is None:
            assert AREA.contains(pt)
            assert box(114.002, 30.001, 114.003, 30.002).contains(pt)
        else:
            assert (pt.x, pt.y) == pytest.approx((x, y), abs=1e-12), cell
    assert set(points["kind"]) == {"residents"}
    assert points.loc[got[(2, 2)], "cell_share"] == pytest.approx(0.64, rel=1e-9)
    assert report == RasterReport(
        path=str(hand_tif),
        band=1,
        kind="residents",
        crs="EPSG:4326 of the file, read as WGS-84",
        crs_words=Msg("problem.crs.own", crs="EPSG:4326", datum="WGS-84"),
        cells_read=12,  # rows 0-3, columns 0-2: column 3 starts where the area ends
        cells_in_area=12,
        cells_used=8,
        cells_empty=1,
        points=8,
        split=(1, 1),
        total_weight=pytest.approx(2.5 + 10 + 15 + 2 + 6 + 5.12 + 12 + 16, rel=1e-9),
        skipped={"nodata": 1, "not_finite": 1, "negative": 1, "too_large": 0},
        negative_people=pytest.approx(5.0),
        area_covered=pytest.approx(1.0),
    )
    assert report.summary() == (
        "people.tif band 1 (EPSG:4326 of the file, read as WGS-84): 69 residents in 8 of 12 cells inside the area; skipped 1 cell with no data, "
        "1 non-finite cell, 1 negative cell"
    )
    assert [(p.field_text(), p.message, p.action) for p in report.problems()] == [
        ("band 1", "1 cell inside the area holds no data; skipped", "skipped"),
        ("band 1", "1 cell inside the area is NaN or infinite; skipped", "skipped"),
        (
            "band 1",
            "1 cell inside the area holds a negative value (5.0 people); skipped",
            "skipped",
        ),
    ]


def test_fill_values_of_more_people_than_a_cell_holds_are_skipped(tmp_path: Path) -> None:
    # A float raster that declares no nodata often fills with 3.4e38 (float32's largest): as
    # people, such a cell overflowed the whole-people counts and the run never finished.
    grid = GRID.copy()
    grid[2, 1] = np.finfo(np.float32).max  # was 6 people
    grid[3, 1] = 1e6  # 12 people before; 2e9 after the scale of 2000: more than any cell holds
    path = _tif(tmp_path / "filled.tif", grid, HAND_T)
    points, report = read_raster_demand(path, AREA, scale=2000)
    assert report.skipped == {"nodata": 1, "not_finite": 1, "negative": 1, "too_large": 2}
    expected = 2000 * (2.5 + 10 + 15 + 2 + 5.12 + 16)  # EXPECTED without cells (2, 1), (3, 1)
    assert report.total_weight == pytest.approx(expected, rel=1e-9)
    assert len(points) == 6 and points["weight"].max() < 1e9
    assert [p.message for p in report.problems()][-1] == (
        "2 cells inside the area hold more than 1,000,000,000 people each (a fill value the file "
        "does not declare as nodata?); skipped"
    )
    assert report.summary().endswith("1 negative cell, 2 cells of more than 1,000,000,000 people")


def test_scale_and_kind(hand_tif: Path) -> None:
    points, report = read_raster_demand(hand_tif, AREA, scale=0.5, kind="workers")
    assert report.total_weight == pytest.approx(68.62 / 2, rel=1e-9)
    assert report.negative_people == pytest.approx(2.5)
    assert set(points["kind"]) == {"workers"}


def test_kind_by_its_chinese_name_is_the_usual_kind(hand_tif: Path) -> None:
    points, report = read_raster_demand(hand_tif, AREA, kind="职工")
    assert set(points["kind"]) == {"workers"} and report.kind == "workers"


def test_touching_cells_are_not_inside(hand_tif: Path) -> None:
    # A triangle over the bottom-left 2 × 2 cells, its long side on their diagonal: cell (3, 0)
    # whole, (3, 1) and (2, 0) half, (2, 1) touched at one corner only.
    tri = Polygon([(114.0, 30.0), (114.002, 30.0), (114.0, 30.002)])
    points, report = read_raster_demand(hand_tif, tri)
    assert report.cells_read == 4
    assert report.cells_in_area == 3
    assert report.cells_empty == 1 and report.skipped["nodata"] == 1
    assert list(zip(points["cell_row"], points["cell_col"], strict=True)) == [(3, 1)]
    assert points["weight"].tolist() == pytest.approx([6.0])
    pt = points.geometry.iloc[0]
    assert (pt.x, pt.y) == pytest.approx((114.001 + 0.001 / 3, 30.0 + 0.001 / 3), abs=1e-12)


def test_large_cells_are_split(tmp_path: Path) -> None:
    # 3 × 3 cells of 200 m in UTM 50N; the area spans x 100 … 500 m, all rows.
    x0, y0 = 500_000.0, 3_380_600.0
    values = np.array([[400, 800, 1200], [40, 80, 120], [4, 8, 12]], dtype="float32")
    tif = _tif(tmp_path / "utm.tif", values, Affine(200, 0, x0, 0, -200, y0), crs="EPSG:32650")
    to_ll = pyproj.Transformer.from_crs(32650, 4326, always_xy=True)
    ring = [
        to_ll.transform(x0 + dx, y0 - dy) for dx, dy in [(100, 0), (500, 0), (500, 600), (100, 600)]
    ]
    area = Polygon(ring)
    points, report = read_raster_demand(tif, area, max_cell_m=150)
    assert report.split == (2, 2)
    # Columns 0 and 2 half inside, column 1 whole.
    expected = sum(0.5 * r[0] + r[1] + 0.5 * r[2] for r in values.tolist())
    assert report.total_weight == pytest.approx(expected, rel=1e-9)
    assert report.points == 3 * 8  # per row: 2 sub-cells of column 0, 4 of column 1, 2 of column 2
    assert report.cells_used == 9
    first = points[(points["cell_row"] == 0) & (points["cell_col"] == 0)]
    assert first["weight"].tolist() == pytest.approx([100.0, 100.0])
    back = pyproj.Transformer.from_crs(4326, 32650, always_xy=True)
    xy = np.array([back.transform(p.x, p.y) for p in first.geometry])
    assert xy == pytest.approx(np.array([[x0 + 150, y0 - 50], [x0 + 150, y0 - 150]]), abs=1e-3)
    # Not split (cells of 200 m allowed): one point per cell, same total.
    whole, rep = read_raster_demand(tif, area, max_cell_m=250)
    assert rep.split == (1, 1) and rep.points == 9
    assert rep.total_weight == pytest.approx(expected, rel=1e-9)


def test_gcj02_grid(tmp_path: Path) -> None:
    # A grid of ones in GCJ-02 (the file claims EPSG:4326, the declared crs wins); the area is
    # the GCJ-02 box 114.0005 … 114.0025 × 30.001 … 30.003 converted to WGS-84 with prcoords.
    tif = _tif(tmp_path / "gcj.tif", np.ones((4, 4), dtype="float32"), HAND_T)
    corners = [(114.0005, 30.001), (114.0025, 30.001), (114.0025, 30.003), (114.0005, 30.003)]
    ring = [prcoords.gcj_wgs_bored((lat, lon))[::-1] for lon, lat in corners]
    points, report = read_raster_demand(tif, Polygon(ring), crs="gcj02")
    assert report.crs == "GCJ-02 (declared; the file says EPSG:4326)"
    # Rows 1-2, columns 0-2: 2 × (0.5 + 1 + 0.5) cells.
    assert report.total_weight == pytest.approx(4.0, rel=1e-6)
    whole = points[(points["cell_row"] == 1) & (points["cell_col"] == 1)].geometry.iloc[0]
    lat, lon = prcoords.gcj_wgs_bored((30.0025, 114.0015))
    assert (whole.x, whole.y) == pytest.approx((lon, lat), abs=1e-9)
    # Read as WGS-84 instead, the grid lies some 500 m away from the area.
    with pytest.raises(InputError, match="does not cover the area"):
        read_raster_demand(tif, Polygon(ring))


def test_area_as_geodataframe_and_partial_cover(hand_tif: Path) -> None:
    # Half of this area lies west of the grid.
    half = gpd.GeoDataFrame(geometry=[box(113.999, 30.0, 114.001, 30.001)], crs=4326)
    points, report = read_raster_demand(hand_tif, half)
    assert report.area_covered == pytest.approx(0.5)
    assert report.cells_in_area == 1 and report.cells_empty == 1 and len(points) == 0
    assert [p.message for p in report.problems()] == [
        "the raster covers only 50.0% of the area; people outside its extent are not counted"
    ]


def test_errors(tmp_path: Path, hand_tif: Path) -> None:
    bare = _tif(tmp_path / "bare.tif", GRID, HAND_T, crs=None)
    with pytest.raises(InputError) as err:
        read_raster_demand(bare, AREA)
    assert str(err.value) == (
        f"{bare}, field 'crs': the file has no coordinate system; declare the layer's crs "
        '(e.g. "wgs84", "gcj02" or an EPSG code)'
    )
    assert read_raster_demand(bare, AREA, crs="wgs84")[1].total_weight == pytest.approx(68.62)
    with pytest.raises(InputError) as err:
        read_raster_demand(hand_tif, AREA, band=2)
    assert str(err.value) == f"{hand_tif}, field 'band': no band 2; the raster has 1 band(s)"
    with pytest.raises(InputError) as err:
        read_raster_demand(hand_tif, box(115, 31, 115.01, 31.01))
    assert str(err.value) == (
        f"{hand_tif}: the raster (x 114…114.004, y 30…30.004) does not cover the area "
        "(x 115…115.01, y 31…31.01); check the raster's crs"
    )
    with pytest.raises(InputError) as err:
        read_raster_demand(hand_tif, AREA, scale=0)
    assert str(err.value) == f"{hand_tif}, field 'scale': scale must be a positive number, not 0"
    with pytest.raises(InputError, match="file not found"):
        read_raster_demand(tmp_path / "none.tif", AREA)
    junk = tmp_path / "junk.tif"
    junk.write_bytes(b"not a tiff")
    with pytest.raises(InputError) as err:
        read_raster_demand(junk, AREA)
    assert str(err.value).startswith(f"{junk}: cannot read the raster: ")
    with pytest.raises(ValueError, match="non-empty WGS-84"):
        read_raster_demand(hand_tif, shapely.Point(114, 30))


# --- the real WorldPop layer -----------------------------------------------------------------


def _real(name: str) -> Path:
    path = SHARED_DATA / name
    if not path.is_file():
        _missing_data(path)
    return path


def _supersampled_sum(path: Path, area: shapely.Geometry, band: int, k: int = 10) -> float:
    """People inside the area, each cell weighted by the share of its k × k sub-cells whose
    centres fall inside (an independent approximation of the exact shares)."""
    with rasterio.open(path) as src:
        t0 = src.transform
        x0, y0, x1, y1 = area.bounds
        # The area's bounding box plus one cell all round.
        c0, r0 = int((x0 - t0.c) // t0.a) - 1, int((y1 - t0.f) // t0.e) - 1
        c1, r1 = int((x1 - t0.c) // t0.a) + 2, int((y0 - t0.f) // t0.e) + 2
        win = rasterio.windows.Window(c0, r0, c1 - c0, r1 - r0)
        data = src.read(band, window=win, masked=True)
        t = Affine(t0.a, 0, t0.c + t0.a * c0, 0, t0.e, t0.f + t0.e * r0)
    h, w = data.shape
    fine = rasterize(
        [(area, 1)],
        out_shape=(h * k, w * k),
        transform=Affine(t.a / k, 0, t.c, 0, t.e / k, t.f),
        dtype="uint8",
    )
    share = fine.reshape(h, k, w, k).sum(axis=(1, 3)) / k**2
    values = np.ma.filled(data.astype(float), np.nan)
    ok = np.isfinite(values) & (values > 0)
    return float((values[ok] * share[ok]).sum())


@pytest.mark.realdata
@pytest.mark.parametrize(("band", "readme"), [(1, 373_361), (2, 466_783)])
def test_worldpop_jianghan(band: int, readme: int) -> None:
    tif = _real("wuhan_worldpop_adults.tif")
    area = read_polygons(
        _real("wuhan_districts_gcj02.geojson"), crs="gcj02", select={"adcode": 420103}
    ).geometry.iloc[0]
    points, report = read_raster_demand(tif, area, band=band)
    independent = _supersampled_sum(tif, area, band)
    assert report.total_weight == pytest.approx(independent, rel=0.005)
    assert report.total_weight == pytest.approx(readme, rel=0.005)
    assert report.split == (1, 1)  # cells of about 80 × 90 m
    assert report.area_covered == pytest.approx(1.0)
    # Every point inside the area, every weight kept.
    assert shapely.covers(area, points.geometry.to_numpy()).all()
    assert (points["weight"] > 0).all()
    assert points["weight"].sum() == pytest.approx(report.total_weight)
    assert report.points == report.cells_used == len(points)
    assert report.cells_in_area == report.cells_used + report.cells_empty + sum(
        report.skipped.values()
    )


def test_uniform_grid_total_is_the_area(tmp_path: Path) -> None:
    # 100 × 100 cells of one person each: the people inside a disc (spanning several of the
    # tiles the area is cut into) are its area in cells; splitting cells changes nothing.
    tif = _tif(tmp_path / "ones.tif", np.ones((100, 100), dtype="float32"), HAND_T)
    disc = shapely.Point(114.0503, 29.9542).buffer(0.037, quad_segs=64)
    expected = disc.area / 0.001**2
    _, whole = read_raster_demand(tif, disc)
    assert whole.total_weight == pytest.approx(expected, rel=1e-9)
    points, split = read_raster_demand(tif, disc, max_cell_m=50)
    assert split.split == (2, 3)  # cells of about 96 × 111 m at 30° N
    assert split.total_weight == pytest.approx(expected, rel=1e-9)
    assert split.cells_used == whole.cells_used < split.points
    assert shapely.covers(disc, points.geometry.to_numpy()).all()
