"""Raster demand: people per cell (WorldPop, census grids) inside the area, as weighted points.

Every cell with people inside the study area becomes a demand point weighted by its value times
the share of the cell inside the area. Cells the area's boundary cuts are intersected exactly
with the area (shapely 2, vectorised over those cells only); cells wholly inside or outside are
told apart by rasterising the area. The point of a cut cell lies inside the area (the centroid
of the cell's part inside, or a point on that part when the centroid falls outside it).

Cells larger than a street block (side above ``max_cell_m``) are split into sub-cells that share
the cell's value by area, so that a 1 km census cell does not put a thousand people on one
street corner. Every point keeps its weight, also those far from any street: the pipeline's
snapping counts the people it cannot reach on foot.

Demand ``kind`` is a free name saying who the people are — ``"residents"`` (where people live,
as in WorldPop), ``"workers"`` (where they work), ``"students"``… — carried in a ``kind``
column so that one run can weigh or report several kinds of demand separately.

The whole computation runs in the raster's own coordinates (the area is converted to them), so
a grid in GCJ-02 or in a projected CRS is cut exactly too; only the points are converted back to
WGS-84.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import rasterio  # type: ignore[import-untyped]
import shapely
from affine import Affine
from pyproj import Geod
from rasterio.features import rasterize  # type: ignore[import-untyped]
from rasterio.windows import Window  # type: ignore[import-untyped]

from coverage.errors import InputError, Msg, Problem
from coverage.inputs.file_crs import SourceCRS, resolve_crs
from coverage.inputs.problems import joined
from coverage.inputs.values import MAX_PEOPLE
from coverage.vocab import kind_label, normalize_kind

__all__ = ["DEFAULT_MAX_CELL_M", "RasterReport", "read_raster_demand"]

#: Cells with a side longer than this (metres) are split into sub-cells: about a street block.
DEFAULT_MAX_CELL_M = 150.0

#: Shares of a cell below this count as zero: the area merely touches the cell.
_SLIVER = 1e-9

#: Cells per side of the tiles the area is cut into before the cells are cut by it.
_TILE = 32

# Cell status codes.
_PEOPLE, _ZERO, _NODATA, _NOT_FINITE, _NEGATIVE, _TOO_LARGE = 0, 1, 2, 3, 4, 5
_REASONS = {
    _NODATA: "nodata",
    _NOT_FINITE: "not_finite",
    _NEGATIVE: "negative",
    _TOO_LARGE: "too_large",
}


@dataclass(frozen=True)
class RasterReport:
    """What :func:`read_raster_demand` read and used.

    Attributes
    ----------
    path, band, kind
        The raster, the band read and the kind of demand.
    crs
        How the raster's coordinates were read (e.g. ``"EPSG:4326"``), in English.
    crs_words
        The same in the planner's language (None: ``crs`` as written).
    cells_read
        Cells in the window read (the area's bounding box).
    cells_in_area
        Cells with some part inside the area.
    cells_used
        Cells inside the area with people (positive values): they became demand.
    cells_empty
        Cells inside the area with a value of zero.
    points
        Demand points made (more than ``cells_used`` when cells were split).
    split
        Sub-cells per cell (across, down); ``(1, 1)`` when cells are small enough.
    total_weight
        Sum of the points' weights: people inside the area (after ``scale``).
    skipped
        Cells inside the area not used, by reason: ``"nodata"``, ``"not_finite"`` (NaN, inf)
        and ``"negative"``.
    negative_people
        How many people the negative cells would hold (their absolute values, after
        ``scale``, times their share inside the area).
    area_covered
        Share of the area inside the raster's extent (1.0 when the raster covers it all).
    """

    path: str
    band: int
    kind: str
    crs: str
    cells_read: int
    cells_in_area: int
    cells_used: int
    cells_empty: int
    points: int
    split: tuple[int, int]
    total_weight: float
    skipped: dict[str, int] = field(default_factory=dict)
    negative_people: float = 0.0
    area_covered: float = 1.0
    crs_words: Msg | None = None

    def note(self) -> Msg:
        """One line for the run report, worded in its language."""
        msg = Msg(
            "problem.note.raster",
            file=Path(self.path).name,
            band=self.band,
            people=self.total_weight,
            kind={"en": self.kind, "zh": kind_label(self.kind, "zh")},
            used=self.cells_used,
            cells=self.cells_in_area,
            crs=self.crs if self.crs_words is None else self.crs_words,  # worded with the note
        )
        if self.split != (1, 1):
            msg += Msg("problem.note.split", a=self.split[0], b=self.split[1])
        skipped = [
            Msg(f"problem.note.cells.{k}", n=n, most=MAX_PEOPLE)
            for k, n in self.skipped.items()
            if n
        ]
        if skipped:
            msg += Msg("problem.note.skipped", items=joined(skipped))
        return msg

    def summary(self) -> str:
        """One line for the run report, in English."""
        return self.note().text("en")

    def problems(self) -> list[Problem]:
        """Skipped cells and partial coverage as problems (``action="skipped"`` / ``"kept"``)."""
        out = []
        fld = Msg("problem.column.band", band=self.band)
        for key, n in self.skipped.items():
            if not n:
                continue
            if key == "negative":
                msg = Msg("problem.raster_negative", n=n, people=self.negative_people)
            elif key == "too_large":
                msg = Msg("problem.raster_too_large", n=n, most=MAX_PEOPLE)
            else:  # "nodata", "not_finite"
                msg = Msg(f"problem.raster_{key}", n=n)
            out.append(Problem(self.path, None, fld, msg))
        if self.area_covered < 0.999:
            msg = Msg("problem.raster_partial", share=self.area_covered)
            out.append(Problem(self.path, None, fld, msg, action="kept"))
        return out


def read_raster_demand(
    path: str | Path,
    area: Any,
    *,
    band: int = 1,
    scale: float = 1.0,
    crs: str | int | None = None,
    kind: str = "residents",
    max_cell_m: float = DEFAULT_MAX_CELL_M,
) -> tuple[gpd.GeoDataFrame, RasterReport]:
    """Demand points from a population raster, for the cells inside ``area``.

    Parameters
    ----------
    path
        A raster GDAL reads (GeoTIFF…); only the window covering the area is read.
    area
        The study area in WGS-84: a shapely (multi)polygon, or a GeoSeries/GeoDataFrame (any
        CRS; its polygons are merged).
    band
        Band to read (1-based).
    scale
        Factor applied to the values (e.g. 0.01 for values stored in hundredths).
    crs
        The raster's coordinate system (names as for point layers, see
        :func:`coverage.datum.parse_crs`). Required when the file has none; for a geographic
        file the declared one wins (as for :func:`~coverage.inputs.boundaries.read_polygons`).
    kind
        Free name of the demand (``"residents"``, ``"workers"``…), put in a ``kind`` column.
    max_cell_m
        Cells whose side exceeds this (metres) are split into equal sub-cells sharing the
        cell's value.

    Returns
    -------
    (GeoDataFrame, RasterReport)
        Points in EPSG:4326 with ``weight`` (value × scale × share inside the area, split
        between sub-cells), ``kind``, ``cell_share`` (the share of the cell or sub-cell
        inside the area, not a coverage share) and ``cell_row``/``cell_col`` (the cell in the
        raster, 0-based); and what was read. Nodata, NaN/infinite and negative cells are
        skipped and counted in the report.

    Raises
    ------
    InputError
        One line naming the file: unreadable, no such band, no coordinate system and no
        ``crs``, a rotated grid, no overlap with the area, bad ``scale`` or ``kind``.

    Examples
    --------
    >>> from coverage.inputs.boundaries import read_polygons
    >>> from coverage.inputs.raster import read_raster_demand
    >>> data = "data/wuhan/"  # the sample's inputs, from the repository root
    >>> area = read_polygons(data + "area.geojson", crs="gcj02").geometry.iloc[0]
    >>> points, report = read_raster_demand(data + "worldpop_jianghan.tif", area)
    >>> round(report.total_weight, -3)
    374000.0
    """
    path = Path(path)
    _check_options(path, scale, kind, max_cell_m)
    kind = normalize_kind(kind)  # "居民" is the residents the labels and figures know
    area_wgs = _area(area)
    grid = _read_window(path, area_wgs, band, crs)
    values, status, t = grid.values, _status(grid.values, grid.nodata, scale), grid.transform
    kx, ky = _split(grid.source, t, values.shape, max_cell_m)
    # Affine arithmetic spelled out: affine 3 deprecates `*` and older versions lack `@`.
    fine_t = Affine(t.a / kx, 0.0, t.c, 0.0, t.e / ky, t.f)
    h, w = values.shape
    share, cut_idx, cut_xy = _shares(grid.area, fine_t, (h * ky, w * kx))
    cell_share = share.reshape(h, ky, w, kx).sum(axis=(1, 3)) / (kx * ky)
    inside = cell_share > 0
    used = inside & (status == _PEOPLE)
    points = _points(values, used, share, (kx, ky), fine_t, cut_idx, cut_xy, scale)
    lon, lat = grid.source.to_wgs84(points["x"], points["y"])
    gdf = gpd.GeoDataFrame(
        {
            "weight": points["weight"],
            "kind": kind,
            "cell_share": points["share"],
            "cell_row": points["row"] + grid.offset[0],
            "cell_col": points["col"] + grid.offset[1],
        },
        geometry=gpd.points_from_xy(lon, lat),
        crs=4326,
    )
    negative = inside & (status == _NEGATIVE)
    report = RasterReport(
        path=str(path),
        band=band,
        kind=kind,
        crs=grid.source.label,
        crs_words=grid.source.named(),
        cells_read=int(values.size),
        cells_in_area=int(inside.sum()),
        cells_used=int(used.sum()),
        cells_empty=int((inside & (status == _ZERO)).sum()),
        points=len(gdf),
        split=(kx, ky),
        total_weight=float(gdf["weight"].sum()),
        skipped={k: int((inside & (status == c)).sum()) for c, k in _REASONS.items()},
        negative_people=float((np.abs(values[negative]) * cell_share[negative]).sum() * scale),
        area_covered=grid.covered,
    )
    return gdf, report


@dataclass(frozen=True)
class _Grid:
    """The window of the raster read: values, nodata mask and where they are."""

    values: np.ndarray  # float64
    nodata: np.ndarray  # bool
    transform: Affine  # of the window
    offset: tuple[int, int]  # row, column of the window's first cell in the raster
    source: SourceCRS
    area: shapely.Geometry  # the area in the raster's coordinates
    covered: float  # share of the area inside the raster's extent


def _read_window(path: Path, area_wgs: shapely.Geometry, band: int, crs: str | int | None) -> _Grid:
    """Read the band's cells over the area's bounding box (and only those)."""
    if not path.exists():
        raise InputError(Msg("error.input.file_not_found"), path)
    try:
        src = rasterio.open(path)
    except Exception as exc:
        msg = Msg("error.input.raster_unreadable", reason=_first_line(exc))
        raise InputError(msg, path) from None
    with src:
        if not 1 <= band <= src.count:
            msg = Msg("error.input.no_band", band=band, count=src.count)
            raise InputError(msg, path, field="band")
        t = src.transform
        if t.b or t.d:
            raise InputError(Msg("error.input.rotated_grid"), path)
        file_crs = src.crs.to_wkt() if src.crs else None
        source = resolve_crs(crs, file_crs, path, bounds=tuple(src.bounds))
        area = shapely.make_valid(source.geometry_from_wgs84(area_wgs))
        r0, r1, c0, c1 = _window(t, src.width, src.height, area, path)
        window = Window(c0, r0, c1 - c0, r1 - r0)
        values = src.read(band, window=window).astype(float)
        nodata = src.read_masks(band, window=window) == 0
        extent = shapely.box(*src.bounds)
    covered = shapely.area(shapely.intersection(area, extent)) / shapely.area(area)
    win_t = Affine(t.a, 0.0, t.c + t.a * c0, 0.0, t.e, t.f + t.e * r0)
    return _Grid(values, nodata, win_t, (r0, c0), source, area, min(float(covered), 1.0))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _check_options(path: Path, scale: float, kind: str, max_cell_m: float) -> None:
    if isinstance(scale, bool) or not isinstance(scale, int | float) or not math.isfinite(scale):
        raise InputError(Msg("error.input.bad_scale", value=repr(scale)), path, field="scale")
    if scale <= 0:
        raise InputError(Msg("error.input.bad_scale", value=repr(scale)), path, field="scale")
    if not isinstance(kind, str) or not kind.strip():
        msg = Msg("error.input.bad_kind", value=repr(kind), example="'residents'")
        raise InputError(msg, path, field="kind")
    if not (isinstance(max_cell_m, int | float) and max_cell_m > 0 and math.isfinite(max_cell_m)):
        raise ValueError(f"max_cell_m must be a positive number of metres, not {max_cell_m!r}")


def _area(area: Any) -> shapely.Geometry:
    """The study area as one WGS-84 polygonal geometry."""
    if isinstance(area, gpd.GeoDataFrame):
        area = area.geometry
    if isinstance(area, gpd.GeoSeries):
        if area.crs is not None:
            area = area.to_crs(4326)
        area = shapely.union_all(area.dropna().to_numpy())
    if not isinstance(area, shapely.Polygon | shapely.MultiPolygon) or area.is_empty:
        kind = getattr(area, "geom_type", type(area).__name__)
        raise ValueError(f"the area must be a non-empty WGS-84 (multi)polygon, not {kind}")
    return area if area.is_valid else shapely.make_valid(area)


def _window(
    t: Affine, width: int, height: int, area: shapely.Geometry, path: Path
) -> tuple[int, int, int, int]:
    """Rows and columns (start, stop) of the raster covering the area's bounding box."""
    x0, y0, x1, y1 = area.bounds
    cols = sorted(((x0 - t.c) / t.a, (x1 - t.c) / t.a))
    rows = sorted(((y0 - t.f) / t.e, (y1 - t.f) / t.e))
    eps = 1e-9  # of a cell: a bound on a cell edge must not pull in the next cell
    c0, c1 = max(math.floor(cols[0] + eps), 0), min(math.ceil(cols[1] - eps), width)
    r0, r1 = max(math.floor(rows[0] + eps), 0), min(math.ceil(rows[1] - eps), height)
    if c0 >= c1 or r0 >= r1:
        left, top = t.c, t.f
        right, bottom = t.c + t.a * width, t.f + t.e * height
        msg = Msg(
            "error.input.raster_outside",
            rx0=min(left, right),
            rx1=max(left, right),
            ry0=min(top, bottom),
            ry1=max(top, bottom),
            x0=x0,
            x1=x1,
            y0=y0,
            y1=y1,
        )
        raise InputError(msg, path)
    return r0, r1, c0, c1


def _status(values: np.ndarray, nodata: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """Status code of every cell (people, zero, nodata, not finite, negative, too large).

    A cell of more than :data:`~coverage.inputs.values.MAX_PEOPLE` people (after ``scale``)
    is a fill value, not people.
    """
    status = np.full(values.shape, _PEOPLE, dtype=np.int8)
    with np.errstate(invalid="ignore", over="ignore"):
        status[values == 0] = _ZERO
        status[values < 0] = _NEGATIVE
        status[values * scale > MAX_PEOPLE] = _TOO_LARGE
    status[~np.isfinite(values)] = _NOT_FINITE
    # GDAL's mask knows the nodata value (also float32 ones stored with rounding).
    status[nodata] = _NODATA
    return status


def _split(
    source: SourceCRS, t: Affine, shape: tuple[int, int], max_cell_m: float
) -> tuple[int, int]:
    """Sub-cells across and down so that no sub-cell side exceeds ``max_cell_m``."""
    if source.crs.is_geographic:
        lon, lat = t.c + t.a * shape[1] / 2, t.f + t.e * shape[0] / 2
        geod = source.crs.get_geod() or Geod(ellps="WGS84")
        dx, dy = abs(t.a), abs(t.e)
        width = geod.inv(lon - dx / 2, lat, lon + dx / 2, lat)[2]
        height = geod.inv(lon, lat - dy / 2, lon, lat + dy / 2)[2]
    else:
        unit = source.crs.axis_info[0].unit_conversion_factor if source.crs.axis_info else 1.0
        width, height = abs(t.a) * unit, abs(t.e) * unit
    # A hair of tolerance: a 150 m cell with max_cell_m = 150 stays whole.
    kx = max(1, math.ceil(width / max_cell_m - 1e-9))
    ky = max(1, math.ceil(height / max_cell_m - 1e-9))
    return kx, ky


def _dilate(mask: np.ndarray) -> np.ndarray:
    """A boolean grid grown by one cell in all eight directions."""
    rows = mask.copy()
    rows[1:] |= mask[:-1]
    rows[:-1] |= mask[1:]
    out = rows.copy()
    out[:, 1:] |= rows[:, :-1]
    out[:, :-1] |= rows[:, 1:]
    return out


def _boxes(t: Affine, row: np.ndarray, col: np.ndarray, size: int) -> np.ndarray:
    """Boxes of ``size`` × ``size`` cells whose first cell is (row × size, col × size)."""
    xa, ya = t.c + t.a * col * size, t.f + t.e * row * size
    xb, yb = xa + t.a * size, ya + t.e * size
    out: np.ndarray = shapely.box(
        np.minimum(xa, xb), np.minimum(ya, yb), np.maximum(xa, xb), np.maximum(ya, yb)
    )
    return out


def _shares(
    area: shapely.Geometry, t: Affine, shape: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Share of every cell inside the area; flat indices and points of the cut cells.

    Cells the boundary touches (found by rasterising it, grown by one cell so that no cut
    cell is missed) are intersected exactly; the others are wholly inside or outside, which
    the rasterised area's cell-centre rule tells exactly.
    """
    centre = rasterize([(area, 1)], out_shape=shape, transform=t, fill=0, dtype="uint8")
    edge = rasterize(
        [(area.boundary, 1)], out_shape=shape, transform=t, fill=0, all_touched=True, dtype="uint8"
    )
    edge = _dilate(edge.astype(bool))
    share = np.where(edge, 0.0, centre.astype(float))
    idx = np.flatnonzero(edge)
    r, c = np.divmod(idx, shape[1])
    boxes = _boxes(t, r, c, 1)
    # Intersecting each cell with the whole area costs time in proportion to the area's
    # vertices: cut the area into tiles of cells first, then each cell with its tile's part.
    tiles, inverse = np.unique((r // _TILE) * shape[1] + c // _TILE, return_inverse=True)
    tile_r, tile_c = np.divmod(tiles, shape[1])
    local = shapely.intersection(_boxes(t, tile_r, tile_c, _TILE), area)
    pieces = shapely.intersection(boxes, local[inverse.ravel()])
    frac = np.clip(shapely.area(pieces) / shapely.area(boxes), 0.0, 1.0)
    frac[frac < _SLIVER] = 0.0
    frac[frac > 1 - _SLIVER] = 1.0
    share.flat[idx] = frac
    cut = (frac > 0) & (frac < 1)
    part = pieces[cut]
    point = shapely.centroid(part)
    # The centroid of a concave part (a bend in the boundary) can fall outside it.
    outside = ~shapely.covers(part, point)
    point[outside] = shapely.point_on_surface(part[outside])
    return share, idx[cut], shapely.get_coordinates(point)


def _points(
    values: np.ndarray,
    used: np.ndarray,
    share: np.ndarray,
    split: tuple[int, int],
    t: Affine,
    cut_idx: np.ndarray,
    cut_xy: np.ndarray,
    scale: float,
) -> dict[str, np.ndarray]:
    """Coordinates (raster CRS), weights and cells of the demand points, one per (sub-)cell."""
    kx, ky = split
    fine_used = np.repeat(np.repeat(used, ky, axis=0), kx, axis=1) & (share > 0)
    fr, fc = np.nonzero(fine_used)
    row, col = fr // ky, fc // kx
    s = share[fr, fc]
    x = t.c + t.a * (fc + 0.5)
    y = t.f + t.e * (fr + 0.5)
    flat = fr * share.shape[1] + fc
    pos = np.searchsorted(cut_idx, flat)
    hit = pos < len(cut_idx)
    hit[hit] = cut_idx[pos[hit]] == flat[hit]
    x[hit], y[hit] = cut_xy[pos[hit], 0], cut_xy[pos[hit], 1]
    weight = values[row, col] * scale * s / (kx * ky)
    return {"x": x, "y": y, "weight": weight, "share": s, "row": row, "col": col}
