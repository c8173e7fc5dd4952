"""City-wide registers narrowed to each district: facilities within walking reach, demand in it.

A district's scenario gets, for each facility register, the rows that stand within the walking
margin (plus the snap limit) of the district — the only ones that can reach anyone in it — and
for each demand register (points with a weight) the rows in the district (plus
:data:`EDGE_M`): those outside count for nobody, and each district would list the whole city's
as "outside the study area". The rows are written as they are in the register (same columns, so the layer's ``columns`` mapping still applies) to
``inputs/`` in the district's folder. Rows whose coordinates cannot be read go to every
district, so each reports them. A national register of 184,200 stations is thus read once, not
once per district, and a district's results change only when its own rows do.

The district reads its copy, but the planner fixes the city register: :func:`to_register` names
each problem and facility by the register's file and row, and a row the city-wide read skipped
keeps that read's reasons (a formula without a saved value reads as an empty cell in a copy).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from coverage import io as cio
from coverage.audit.config import Audit
from coverage.errors import Msg, Problem, first_rows
from coverage.inputs.columns import header_hints
from coverage.inputs.layers import Layers
from coverage.inputs.points import positions, read_points
from coverage.inputs.readers import read_table
from coverage.scenario import Scenario
from coverage.scenario.layer_sections import Layer

__all__ = [
    "EDGE_M",
    "as_registers",
    "Copy",
    "Group",
    "Register",
    "district_rows",
    "is_register",
    "near_no_district",
    "reach_m",
    "read_registers",
    "standing_in",
    "to_register",
    "write_rows",
]


#: A register's layer group in the audit file.
Group = Literal["facilities", "demand"]

#: Metres beyond a district within which a register row still goes to it: coordinates rounded,
#: datums converted. A demand point farther out is outside the district and counts for nobody.
EDGE_M = 100.0


@dataclass
class Register:
    """One facility or demand point layer as read: its raw rows and each row's WGS-84 position.

    ``rows`` are the frame's row numbers in the register, ``path`` the register, ``group``
    which list of layers it is in and ``problems`` what reading it found (the register's rows,
    file and fields). A position is NaN only where the coordinates themselves are unusable.
    """

    index: int
    layer: Layer
    frame: pd.DataFrame
    lon: np.ndarray
    lat: np.ndarray
    path: Path = Path()
    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    problems: list[Problem] = field(default_factory=list)
    group: Group = "facilities"


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
    group
        ``"facilities"`` or ``"demand"``.
    """

    path: str
    source: str
    rows: tuple[int, ...]
    first: int
    problems: tuple[Problem, ...]
    group: Group = "facilities"


def reach_m(audit: Audit) -> float:
    """How far outside a district a facility may stand and still serve it (metres)."""
    margin = audit.network.margin_m
    if margin is None:  # as the pipeline clips: the longest walk
        margin = audit.walk.max_walk_m
    return float(margin) + audit.walk.max_snap_m + EDGE_M


def is_register(layer: Layer) -> bool:
    """A layer of points read from a file (not a raster, not OSM buildings)."""
    return layer.path is not None and not layer.is_raster and not layer.osm_buildings


def read_registers(audit: Audit, group: Group = "facilities") -> list[Register]:
    """Read every point register of the group once, as the pipeline would.

    Same header and coordinates as the district's run finds; a demand register with its weight
    column (required, as in a run).
    """
    out = []
    for i, layer in enumerate(audit.facilities if group == "facilities" else audit.demand):
        if not is_register(layer):
            continue
        assert layer.path is not None
        path = audit.input_path(layer.path)
        columns = dict(layer.columns)
        if layer.weight is not None:
            columns.setdefault("weight", layer.weight)
        table = read_table(path, layer.layer, layer.encoding, header_hints(columns or None))
        gdf, problems = read_points(
            path,
            columns=columns or None,
            crs=layer.crs,
            layer=layer.layer,
            require=("weight",) if group == "demand" else (),
            encoding=layer.encoding,
            table=table,  # read once: a national register is large
        )
        frame = table.frame.reset_index(drop=True)
        rows = np.asarray(table.rows, dtype=int)
        # every row's place, also of a row skipped for its weight or tier: it goes to the
        # district it lies in (and is reported there), not to every district
        lon, lat = positions(path, frame, rows, gdf.attrs["columns"], layer.crs)
        out.append(Register(i, layer, frame, lon, lat, path, rows, problems, group))
    return out


def _metric_crs(zone: gpd.GeoSeries) -> Any:
    """A CRS in metres for distances around ``zone``: its UTM zone, else one centred on it.

    There is no UTM zone north of 84° N or south of 80° S (nor for a centre beyond ±180°): a
    district there (a typo, a test polygon) must fail alone in its own run, not stop the audit.
    """
    try:
        return zone.estimate_utm_crs()
    except RuntimeError:
        x0, y0, x1, y1 = zone.total_bounds
        return f"+proj=aeqd +lat_0={(y0 + y1) / 2} +lon_0={(x0 + x1) / 2} +datum=WGS84 +units=m"


def district_rows(reg: Register, district: shapely.Geometry, reach: float) -> np.ndarray:
    """Which rows of the register go to the district (near it, or without a position)."""
    if not len(reg.frame):
        return np.zeros(0, dtype=bool)
    zone = gpd.GeoSeries([district], crs=4326)
    utm = _metric_crs(zone)
    near = zone.to_crs(utm).buffer(reach).iloc[0]
    known = np.isfinite(reg.lon)
    pts = gpd.GeoSeries(gpd.points_from_xy(reg.lon[known], reg.lat[known]), crs=4326).to_crs(utm)
    keep: np.ndarray = ~known
    keep[known] = shapely.contains_xy(near, pts.x.to_numpy(), pts.y.to_numpy())
    return keep


def near_no_district(
    reg: Register, districts: list[shapely.Geometry], reach: float
) -> Problem | None:
    """A note of the register rows that go to no district (read, but near none of them).

    Such a row is in no district's results: a facility of another city, or coordinates typed
    wrong (latitude and longitude swapped, another datum). Said once per register, with the
    first rows, rather than one line per row (a national register audited for one city).
    """
    if not len(reg.frame) or not districts:
        return None
    keep = district_rows(reg, shapely.union_all(districts), reach)
    away = reg.rows[~keep]
    if not len(away):
        return None
    rows = first_rows((int(r) for r in away), count=False)  # the message says how many
    msg = Msg("problem.audit.near_no_district", n=len(away), rows=rows)
    return Problem(reg.path, None, None, msg, action="kept")


def standing_in(reg: Register, district: shapely.Geometry) -> int:
    """How many rows of the register have a position in the district (WGS-84)."""
    known = np.isfinite(reg.lon)
    return int(np.count_nonzero(shapely.contains_xy(district, reg.lon[known], reg.lat[known])))


def write_rows(reg: Register, keep: np.ndarray, folder: Path) -> Copy:
    """Write the kept rows as the register has them: CSV (UTF-8) or, with geometry, GeoPackage.

    Returns the copy and, for :func:`to_register`, the register's row of each of its rows.
    """
    rows = reg.frame[keep]
    name = f"{reg.group}_{reg.index + 1}"
    if isinstance(rows, gpd.GeoDataFrame) and "geometry" in rows:
        target, first = folder / "inputs" / f"{name}.gpkg", 1  # features numbered from 1
        cio.ensure_folder(target.parent)
        # the layer named, not taken from the temporary file's name (which GDAL refuses)
        cio.write_with(target, lambda p: rows.to_file(p, driver="GPKG", layer=name))
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
    return Copy(str(target), str(reg.path), copied, first, theirs, reg.group)


def _key(p: Problem) -> tuple[object, ...]:
    return (p.path, p.row, p.field_text("en"), p.text("en"), p.action)


def _in_register(msg: str | Msg, c: Copy, by_name: dict[str, Copy]) -> str | Msg:
    """A message naming another row of a copy ("0.0 m from row 3"), naming the register's.

    The row is of the same copy, or of the copy its ``file`` field names (a repeat in another
    register); a file that is no copy of the district's keeps its row.
    """
    row = msg.fields.get("row") if isinstance(msg, Msg) else None
    if not isinstance(msg, Msg) or not isinstance(row, int):
        return msg
    fields = dict(msg.fields)
    other = c if "file" not in fields else by_name.get(str(fields["file"]))
    k = row - other.first if other is not None else -1
    if other is None or not 0 <= k < len(other.rows):
        return msg
    fields["row"] = other.rows[k]
    if "file" in fields:
        fields["file"] = Path(other.source).name
    out = Msg(msg.key, **fields)
    out.then = msg.then
    return out


def to_register(layers: Layers, copies: list[Copy]) -> None:
    """Name the problems and facilities of the district's copies by the registers' rows.

    A problem of a copy's row becomes the register's row, and so does a row its message names
    (a repeat of another row); a row the city-wide read skipped reports that read's reasons
    instead (file, row, field as in the register), once.
    """
    by_path = {str(Path(c.path).resolve()): c for c in copies}
    by_name = {Path(c.path).name: c for c in copies}
    theirs = {id(c): {q.row for q in c.problems if q.action == "skipped"} for c in copies}
    resolved: dict[str, Copy | None] = {}  # one look-up per file, not per problem
    out: list[Problem] = []
    for p in layers.problems:
        if p.path not in resolved:
            resolved[p.path] = by_path.get(str(Path(p.path).resolve()))
        c = resolved[p.path]
        if c is None:
            out.append(p)
            continue
        k = -1 if p.row is None else p.row - c.first
        if p.row is not None and not 0 <= k < len(c.rows):
            out.append(p)  # not a row of the copy as written: left as the copy names it
            continue
        row = None if p.row is None else c.rows[k]
        if row is not None and row in theirs[id(c)]:
            continue  # the register's own reasons follow
        out.append(Problem(c.source, row, p.field, _in_register(p.msg, c, by_name), p.action))
    seen: set[tuple[object, ...]] = set()
    layers.problems[:] = []
    for p in [*out, *(q for c in copies for q in c.problems)]:
        if _key(p) not in seen:
            seen.add(_key(p))
            layers.problems.append(p)
    for i, note in enumerate(layers.notes):  # "facilities_1.csv: fits the streets as …"
        c = by_name.get(str(note.fields.get("file")))
        if c is not None and note.key == "problem.note.file":
            layers.notes[i] = Msg(note.key, **{**note.fields, "file": Path(c.source).name})
    for c in copies:
        points = layers.facilities if c.group == "facilities" else layers.demand
        if "layer" not in points or "row" not in points:
            continue
        mine = (points["layer"] == Path(c.path).name).to_numpy()
        if mine.any():
            points.loc[mine, "row"] = [c.rows[int(r) - c.first] for r in points.loc[mine, "row"]]
            points.loc[mine, "layer"] = Path(c.source).name


def as_registers(s: Scenario, copies: Iterable[Copy]) -> Scenario:
    """The district's scenario with each copy's layer reading the register's path instead.

    For checks that match problems to a layer's file (:func:`~coverage.inputs.usable.check_usable`)
    once :func:`to_register` has named them by the registers.
    """
    source = {str(Path(c.path).resolve()): Path(c.source) for c in copies}

    def named(layers: list[Layer]) -> list[Layer]:
        out = []
        for layer in layers:
            path = s.input_path(layer.path) if layer.path is not None else None
            to = None if path is None else source.get(str(path.resolve()))
            out.append(layer if to is None else layer.model_copy(update={"path": to}))
        return out

    return s.model_copy(update={"facilities": named(s.facilities), "demand": named(s.demand)})
