"""City-wide facility registers narrowed to each district and its walking margin.

A district's scenario gets, for each register, the rows that stand within the walking margin
(plus the snap limit) of the district — the only ones that can reach anyone in it — written as
they are in the register (same columns, so the layer's ``columns`` mapping still applies) to
``inputs/`` in the district's folder. Rows whose coordinates cannot be read go to every
district, so each reports them. A national register of 184,200 stations is thus read once, not
once per district, and a district's results change only when its own rows do.

The district reads its copy, but the planner fixes the city register: :func:`to_register` names
each problem and facility by the register's file and row, and a row the city-wide read skipped
keeps that read's reasons (a formula without a saved value reads as an empty cell in a copy).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from coverage import io as cio
from coverage.audit.config import Audit
from coverage.errors import Problem
from coverage.inputs.columns import header_hints
from coverage.inputs.layers import Layers
from coverage.inputs.points import read_points
from coverage.inputs.readers import read_table
from coverage.scenario.sections import Layer

__all__ = [
    "Copy",
    "Register",
    "district_rows",
    "reach_m",
    "read_registers",
    "standing_in",
    "to_register",
    "write_rows",
]


@dataclass
class Register:
    """One facility layer as read: its raw rows and each row's WGS-84 position (NaN: unread).

    ``rows`` are the frame's row numbers in the register, ``path`` the register and
    ``problems`` what reading it found (the register's rows, file and fields).
    """

    index: int
    layer: Layer
    frame: pd.DataFrame
    lon: np.ndarray
    lat: np.ndarray
    path: Path = Path()
    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Copy:
    """A district's copy of a register: which register row each of its rows is.

    Attributes
    ----------
    path
        The copy (``inputs/facilities_<n>.csv`` or ``.gpkg`` in the district's folder).
    source
        The city register.
    rows
        The register's row number of each row of the copy, in order.
    first
        The copy's row number of its first row (2 in a CSV, below the header; 1 in a GeoPackage).
    problems
        The city-wide read's problems of no row and of the rows it skipped (every district
        gets those rows; their reasons are the register's, not what the copy reads).
    """

    path: str
    source: str
    rows: tuple[int, ...]
    first: int
    problems: tuple[Problem, ...]


def reach_m(audit: Audit) -> float:
    """How far outside a district a facility may stand and still serve it (metres)."""
    margin = audit.network.margin_m
    if margin is None:  # as the pipeline clips: the longest walk
        margin = audit.walk.max_walk_m
    return float(margin) + audit.walk.max_snap_m + 100.0  # 100 m: rounding, datum shifts


def read_registers(audit: Audit) -> list[Register]:
    """Read every facility layer once, as the pipeline would (same header and coordinates)."""
    out = []
    for i, layer in enumerate(audit.facilities):
        assert layer.path is not None  # facilities are point registers
        path = audit.input_path(layer.path)
        columns = dict(layer.columns) or None
        table = read_table(path, layer.layer, layer.encoding, header_hints(columns))
        gdf, problems = read_points(
            path, columns=columns, crs=layer.crs, layer=layer.layer, encoding=layer.encoding
        )
        where = dict(zip(gdf["row"].tolist(), gdf.geometry, strict=True))
        lon = np.full(len(table.frame), np.nan)
        lat = np.full(len(table.frame), np.nan)
        for j, r in enumerate(table.rows.tolist()):
            if r in where:
                lon[j], lat[j] = where[r].x, where[r].y
        frame = table.frame.reset_index(drop=True)
        rows = np.asarray(table.rows, dtype=int)
        out.append(Register(i, layer, frame, lon, lat, path, rows, problems))
    return out


def district_rows(reg: Register, district: shapely.Geometry, reach: float) -> np.ndarray:
    """Which rows of the register go to the district (near it, or without a position)."""
    if not len(reg.frame):
        return np.zeros(0, dtype=bool)
    zone = gpd.GeoSeries([district], crs=4326)
    utm = zone.estimate_utm_crs()
    near = zone.to_crs(utm).buffer(reach).iloc[0]
    known = np.isfinite(reg.lon)
    pts = gpd.GeoSeries(gpd.points_from_xy(reg.lon[known], reg.lat[known]), crs=4326).to_crs(utm)
    keep: np.ndarray = ~known
    keep[known] = shapely.contains_xy(near, pts.x.to_numpy(), pts.y.to_numpy())
    return keep


def standing_in(reg: Register, district: shapely.Geometry) -> int:
    """How many rows of the register have a position in the district (WGS-84)."""
    known = np.isfinite(reg.lon)
    return int(np.count_nonzero(shapely.contains_xy(district, reg.lon[known], reg.lat[known])))


def write_rows(reg: Register, keep: np.ndarray, folder: Path) -> Copy:
    """Write the kept rows as the register has them: CSV (UTF-8) or, with geometry, GeoPackage.

    Returns the copy and, for :func:`to_register`, the register's row of each of its rows.
    """
    rows = reg.frame[keep]
    name = f"facilities_{reg.index + 1}"
    if isinstance(rows, gpd.GeoDataFrame) and "geometry" in rows:
        target, first = folder / "inputs" / f"{name}.gpkg", 1  # features numbered from 1
        cio.ensure_folder(target.parent)
        cio.write_with(target, lambda p: rows.to_file(p, driver="GPKG"))
    else:
        target, first = folder / "inputs" / f"{name}.csv", 2  # the header, then the rows
        cio.ensure_folder(target.parent)
        # CRLF line ends make the csv module quote a cell holding a bare CR, which a reader (the
        # district's own) would otherwise take for a row break, splitting the row in two.
        cio.write_with(
            target,
            lambda p: rows.to_csv(p, index=False, encoding="utf-8", lineterminator="\r\n"),
        )
    skipped = {p.row for p in reg.problems if p.action == "skipped"}
    # Rows the city-wide read skipped: every district lists them (none has their position),
    # with the register's own reasons; so does every district its notes of no row.
    theirs = tuple(p for p in reg.problems if p.row is None or p.row in skipped)
    copied = tuple(int(r) for r in reg.rows[keep]) if len(reg.rows) else ()
    return Copy(str(target), str(reg.path), copied, first, theirs)


def _key(p: Problem) -> tuple[object, ...]:
    return (p.path, p.row, p.field_text("en"), p.text("en"), p.action)


def to_register(layers: Layers, copies: list[Copy]) -> None:
    """Name the problems and facilities of the district's copies by the registers' rows.

    A problem of a copy's row becomes the register's row; a row the city-wide read skipped
    reports that read's reasons instead (file, row, field as in the register), once.
    """
    by_path = {str(Path(c.path).resolve()): c for c in copies}
    out: list[Problem] = []
    for p in layers.problems:
        c = by_path.get(str(Path(p.path).resolve()))
        if c is None:
            out.append(p)
            continue
        k = -1 if p.row is None else p.row - c.first
        if p.row is not None and not 0 <= k < len(c.rows):
            out.append(p)  # not a row of the copy as written: left as the copy names it
            continue
        row = None if p.row is None else c.rows[k]
        if row is not None and any(q.row == row and q.action == "skipped" for q in c.problems):
            continue  # the register's own reasons follow
        out.append(Problem(c.source, row, p.field, p.msg, p.action))
    seen: set[tuple[object, ...]] = set()
    layers.problems[:] = []
    for p in [*out, *(q for c in copies for q in c.problems)]:
        if _key(p) not in seen:
            seen.add(_key(p))
            layers.problems.append(p)
    fac = layers.facilities
    for c in copies:
        if "layer" not in fac:
            break
        mine = (fac["layer"] == Path(c.path).name).to_numpy()
        if mine.any():
            fac.loc[mine, "row"] = [c.rows[int(r) - c.first] for r in fac.loc[mine, "row"]]
            fac.loc[mine, "layer"] = Path(c.source).name
