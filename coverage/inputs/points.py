"""Reading point layers (facilities, demand, candidate sites) from tables and GIS files.

Every layer comes out the same way: a GeoDataFrame in WGS-84 with standard column names
(``name``, ``tier``, ``type``, ``services``, ``capacity``, ``weight``, ``address`` and, when the
file has them, ``id``, ``area``, ``district``, ``subdistrict``) and ``row``, the row number a
planner sees in the source (spreadsheet row with the header on its own row, as Excel numbers
it; feature number in GIS files), so every later message can point back to the file and row.

Registers in China come as Excel workbooks (``.xlsx`` and old ``.xls``), CSV files saved by
Excel in UTF-8, UTF-8 with BOM or GBK/GB18030, and GIS files; coordinates may be WGS-84, GCJ-02
(Amap/Gaode, Tencent), BD-09 (Baidu) or a projected CRS. :func:`read_points` reads them all,
recognises the usual Chinese and English column names, converts the coordinates to WGS-84 and
records how it read the file in ``gdf.attrs`` (see
:func:`~coverage.inputs.columns.describe_columns`), so the planner can check that the right
columns and encoding were used.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from coverage import datum as datum_mod
from coverage.errors import InputError, Msg, Problem
from coverage.inputs.columns import (
    ALIASES,
    NUMERIC_FIELDS,
    columns_note,
    header_hints,
    is_totals,
    match_columns,
    normalize_column,
)
from coverage.inputs.coordinates import (
    GEOMETRY,
    Target,
    crs_label,
    gis_points,
    parse_target,
    table_points,
)
from coverage.inputs.readers import Table, read_table
from coverage.inputs.values import (
    count_text,
    is_empty,
    not_a_number,
    numeric,
    split_services,
    text_column,
)

__all__ = ["from_geometry", "positions", "read_points"]

log = logging.getLogger(__name__)

# Two decimal numbers in one cell, as map pickers copy them ("114.272740,30.593274").
_PAIR = re.compile(r"\s*[-+]?\d+(\.\d+)?\s*[,;/\s]\s*[-+]?\d+(\.\d+)?\s*")


def read_points(
    path: str | Path,
    *,
    columns: Mapping[str, str] | None = None,
    crs: str | int = "wgs84",
    layer: str | None = None,
    require: tuple[str, ...] = (),
    encoding: str | None = None,
    table: Table | None = None,
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Read a point layer into standard columns, reporting bad rows instead of dropping them.

    Parameters
    ----------
    path
        CSV/TSV (UTF-8, UTF-8 with BOM, UTF-16 or GBK/GB18030, detected), Excel workbook
        (``.xlsx``, ``.xls``) with longitude/latitude columns, or a GIS file (GeoJSON,
        GeoPackage, Shapefile, FlatGeobuf, GeoParquet) with point (or area) geometries.
    columns
        Mapping from standard field (``lon``, ``lat``, ``name``, ``tier``, ``weight``…) to the
        file's column name; unmapped fields are recognised by common names
        (:data:`~coverage.inputs.columns.ALIASES`).
    crs
        Coordinate system of the coordinates: ``"wgs84"``, ``"gcj02"`` (Amap/Gaode, Tencent),
        ``"bd09"`` (Baidu), or an EPSG code. A GIS file's own CRS wins over an EPSG code; a
        declared ``gcj02``/``bd09`` is applied to its longitudes/latitudes. A GIS file without a
        CRS is read in the declared one.
    layer
        Sheet of a workbook or layer of a GeoPackage (default: the first).
    require
        Standard fields that must be present (e.g. ``("weight",)`` for demand).
    encoding
        Text encoding of a CSV or Shapefile, when detection gets it wrong.
    table
        The file as :func:`~coverage.inputs.readers.read_table` read it with these ``layer``,
        ``encoding`` and ``columns``' header hints, when the caller has it (not read again).

    Returns
    -------
    (GeoDataFrame, list of Problem)
        Valid rows in EPSG:4326, and the problems found: every skipped row has at least one
        problem with ``action="skipped"``; warnings (``action="kept"``, ``row`` None for the
        whole layer) keep the row. ``gdf.attrs`` records how the file was read: ``columns``
        (field → source column), ``columns_source``, ``unused_columns``, ``encoding``, ``crs``,
        ``sheet``/``layer``, ``header_row``, ``rows_read``; see
        :func:`~coverage.inputs.columns.describe_columns`.
    """
    path = Path(path)
    target = parse_target(crs, path)
    if table is None:
        table = read_table(path, layer, encoding, header_hints(columns))
    frame = table.frame.reset_index(drop=True)
    rows = table.rows
    problems: list[Problem] = list(table.problems)
    hint = _sheet_hint(table.info, layer)
    resolved = match_columns(frame, columns, path, target.datum, hint=hint)
    if "lon" in resolved.columns and "lat" in resolved.columns:  # the sheet read is a register
        _check_one_register_sheet(table.info, layer, path)
    cols = resolved.columns
    problems += resolved.notes
    names = [str(c) for c in frame.columns if c != "geometry"]
    _check_required(cols, require, names, path)
    n_read = len(frame)
    skip, found = _totals(frame, cols, rows, path)
    problems += found
    skip, found = _uncalculated(table.info, cols, rows, path, skip)
    problems += found
    frame, rows = _without(frame, rows, skip)
    lon, lat, bad, label, coord_field = _coordinates(
        frame, rows, cols, names, target, path, problems, hint
    )
    _check_outside_china(lon, lat, bad, rows, target, coord_field, path, problems)
    out = gpd.GeoDataFrame({"row": rows}, geometry=gpd.points_from_xy(lon, lat), crs=4326)
    for fld, col in cols.items():
        if fld in ("lon", "lat"):
            continue
        values = frame[col].reset_index(drop=True)
        if fld in NUMERIC_FIELDS:
            num, bad = _numbers(fld, col, values, rows, bad, require, path, problems)
            out[fld] = num.to_numpy()
        elif fld == "services":
            out[fld] = values.map(split_services).to_numpy()
        else:
            out[fld] = text_column(values)
    out = out[~bad].reset_index(drop=True)
    out.attrs.update(_read_info(table, path, label, cols, resolved.source, names, n_read))
    log.info(columns_note(out))
    return out, problems


def positions(
    path: str | Path,
    frame: pd.DataFrame,
    rows: np.ndarray,
    columns: Mapping[str, str],
    crs: str | int = "wgs84",
) -> tuple[np.ndarray, np.ndarray]:
    """WGS-84 positions of every row of a table :func:`read_points` read, whatever else is wrong.

    A row skipped for its weight or tier still has a place: the audit sends it to the district
    it lies in, not to every district. NaN where the coordinates themselves are unusable.

    Parameters
    ----------
    path
        The file (named in nothing: the problems are :func:`read_points`' to report).
    frame
        The table as :func:`~coverage.inputs.readers.read_table` read it.
    rows
        Its rows' numbers in the file.
    columns
        ``gdf.attrs["columns"]`` of :func:`read_points`' result (field → the file's column).
    crs
        As given to :func:`read_points`.

    Returns
    -------
    (ndarray, ndarray)
        Longitudes and latitudes, one per row of ``frame``.
    """
    path = Path(path)
    by_name = {str(c): c for c in frame.columns}
    cols = {f: by_name[c] for f, c in columns.items() if f in ("lon", "lat") and c in by_name}
    names = [str(c) for c in frame.columns if c != "geometry"]
    target = parse_target(crs, path)
    lon, lat, *_ = _coordinates(frame, np.asarray(rows), cols, names, target, path, [])
    return lon, lat


def _check_required(
    cols: Mapping[str, Any], require: tuple[str, ...], names: list[str], path: Path
) -> None:
    """Fail, naming the recognised names, when a required field has no column."""
    for fld in require:
        if fld not in cols:
            raise InputError(
                Msg(
                    "error.input.missing_column",
                    field=Msg(f"problem.field.{fld}") if fld in ALIASES else fld,
                    names=", ".join(ALIASES.get(fld, ())),
                    columns=names,
                ),
                path,
                field=Msg(f"problem.field.{fld}") if fld in ALIASES else fld,
            )


def _totals(
    frame: pd.DataFrame, cols: Mapping[str, Any], rows: np.ndarray, path: Path
) -> tuple[np.ndarray, list[Problem]]:
    """Totals rows (a name cell of :data:`~coverage.inputs.columns.TOTALS`), and their problems.

    Skipped whatever else they hold: the summed count would count twice, and coordinates copied
    from another row would put it on the map.
    """
    if "name" not in cols:
        return np.zeros(len(frame), dtype=bool), []
    col = cols["name"]
    skip = np.array([is_totals(v) for v in frame[col].to_numpy(dtype=object)], dtype=bool)
    msg = Msg("problem.totals_row")
    return skip, [Problem(path, int(rows[i]), str(col), msg) for i in np.flatnonzero(skip)]


def _uncalculated(
    info: Mapping[str, Any],
    cols: Mapping[str, Any],
    rows: np.ndarray,
    path: Path,
    skip: np.ndarray,
) -> tuple[np.ndarray, list[Problem]]:
    """``skip`` with the rows that have a used cell holding a formula without a saved value.

    Such a cell would read as empty, so its row is skipped, with a problem per cell; a formula
    in a column the layer does not use, or in a row skipped already (a totals row's sum), does
    not matter. The fix, for every such cell at once, is to let Excel or WPS calculate and save.
    """
    used = {str(c) for c in cols.values()}
    at = {int(r): k for k, r in enumerate(rows) if not skip[k]}
    skip = skip.copy()
    problems: list[Problem] = []
    # In sheet order (row by row, left to right), as read_table recorded them.
    for (row, col), formula in info.get("uncalculated", {}).items():
        if col in used and row in at:
            skip[at[row]] = True
            msg = Msg("problem.formula_no_value", formula=formula)
            problems.append(Problem(path, row, col, msg))
    return skip, problems


def _without(
    frame: pd.DataFrame, rows: np.ndarray, skip: np.ndarray
) -> tuple[pd.DataFrame, np.ndarray]:
    """``frame`` and its row numbers without the rows to ``skip`` (already reported)."""
    if not skip.any():
        return frame, rows
    return frame[~skip].reset_index(drop=True), rows[~skip]


def _sheet_hint(info: Mapping[str, Any], layer: str | None) -> Msg | Literal[""]:
    """Which sheet was read, when a workbook has others and none was named (a notes sheet first).

    The setting offered names the first other visible sheet that holds a register, else the
    last visible one (never a hidden sheet, such as last year's copy, when one is visible).
    """
    sheets = [str(n) for n in info.get("sheets", ())]
    if layer is not None or len(sheets) < 2:
        return ""
    others = [n for n in sheets if n != info.get("sheet")]
    names = {"zh": "、".join(others), "en": ", ".join(others)}
    registers = _register_sheets(info)
    setting = (
        f'layer = "{registers[0] if registers else (list(info.get("heads", ())) or others)[-1]}"'
    )
    return Msg("error.input.other_sheets", sheet=info.get("sheet"), names=names, setting=setting)


_LON_LAT = (
    {normalize_column(a) for a in ALIASES["lon"]},
    {normalize_column(a) for a in ALIASES["lat"]},
)


def _register_sheets(info: Mapping[str, Any]) -> list[str]:
    """The other visible sheets of a workbook with a longitude and a latitude column name."""
    found = []
    for name, rows in info.get("heads", {}).items():
        for row in rows:
            names = {normalize_column(c) for c in row if c}
            if names & _LON_LAT[0] and names & _LON_LAT[1]:
                found.append(str(name))
                break
    return found


def _check_one_register_sheet(info: Mapping[str, Any], layer: str | None, path: Path) -> None:
    """Stop when no sheet was named and other visible sheets hold registers too.

    A workbook with a sheet per tier or per street is common; reading its first sheet alone
    would leave the others' rows out without a word.
    """
    others = _register_sheets(info) if layer is None else []
    if not others:
        return
    sheet = str(info.get("sheet"))
    names = {"zh": "、".join(others), "en": ", ".join(others)}
    msg = Msg(
        "error.input.several_sheets",
        sheet=sheet,
        names=names,
        setting=f'layer = "{sheet}"',
        other=f'layer = "{others[0]}"',
    )
    raise InputError(msg, path)


def _pair_hint(frame: pd.DataFrame, names: list[str]) -> Msg | Literal[""]:
    """A column whose filled cells each hold two numbers: both coordinates in one cell."""
    for col in frame.columns:
        if str(col) not in names:
            continue
        cells = [unicodedata.normalize("NFKC", str(v)) for v in frame[col] if not pd.isna(v)]
        cells = [c for c in cells if c.strip()]
        if cells and all(_PAIR.fullmatch(c) for c in cells):
            return Msg("error.input.one_cell_coordinates", col=col, example=cells[0].strip())
    return ""


def from_geometry(frame: pd.DataFrame) -> bool:
    """Whether a file's points come from its geometries (a GIS file that has any), not columns.

    Parameters
    ----------
    frame
        The file as read (:attr:`~coverage.inputs.readers.Table.frame`).
    """
    return (
        isinstance(frame, gpd.GeoDataFrame)
        and frame._geometry_column_name in frame
        and not (frame.geometry.isna() | frame.geometry.is_empty).all()
    )


def _coordinates(
    frame: pd.DataFrame,
    rows: np.ndarray,
    cols: Mapping[str, Any],
    names: list[str],
    target: Target,
    path: Path,
    problems: list[Problem],
    hint: Msg | Literal[""] = "",
) -> tuple[np.ndarray, np.ndarray, np.ndarray, Msg, Any]:
    """WGS-84 longitudes and latitudes, rows without usable ones, and how they were read.

    How: a GIS file's geometries, or a table's longitude/latitude columns, with the field that held
    them. ``hint`` ends the error of a missing coordinate column.
    """
    if from_geometry(frame):
        lon, lat, bad, label = gis_points(frame, rows, target, path, problems)
        return lon, lat, bad, label, GEOMETRY
    for fld in ("lon", "lat"):
        if fld not in cols:
            msg = Msg(f"error.input.no_{fld}_column", names=", ".join(ALIASES[fld]), columns=names)
            raise InputError(
                msg + _pair_hint(frame, names) + hint,
                path,
                field=Msg(f"problem.field.{fld}"),
            )
    lon, lat, bad = table_points(frame, rows, dict(cols), target, path, problems)
    return lon, lat, bad, crs_label(target), cols["lon"]


def _check_outside_china(
    lon: np.ndarray,
    lat: np.ndarray,
    bad: np.ndarray,
    rows: np.ndarray,
    target: Target,
    coord_field: Any,
    path: Path,
    problems: list[Problem],
) -> None:
    """One line per point of a GCJ-02/BD-09 layer outside China, naming its row and field.

    The shift is undefined there (prcoords leaves the points outside its box unchanged). The
    only report of these points: the datum check's layer-wide finding is not written again
    (:func:`coverage.inputs.layers.read_layers`).
    """
    if target.datum not in ("gcj02", "bd09"):
        return
    outside = ~bad & ~datum_mod.in_china(lon, lat)
    if not outside.any():
        return
    kept = datum_mod.convertible(lon, lat)
    field = coord_field if isinstance(coord_field, Msg) else str(coord_field)
    for i in np.flatnonzero(outside):
        msg = Msg("problem.outside_china", crs=target.label)
        if not kept[i]:
            msg += Msg("problem.outside_china_unchanged")
        msg += Msg("problem.datum.check_coordinates")
        problems.append(Problem(path, int(rows[i]), field, msg, action="kept"))


def _numbers(
    fld: str,
    col: Any,
    values: pd.Series,
    rows: np.ndarray,
    bad: np.ndarray,
    require: tuple[str, ...],
    path: Path,
    problems: list[Problem],
) -> tuple[pd.Series, np.ndarray]:
    """A numeric field's values, reporting cells that are not numbers, and the rows to skip."""
    # Capacities and worker counts are counts as people write them (50人, 约50): the number is
    # read (a weight may also be a fraction, e.g. a share of a building's workers: 12.5 stays).
    count = fld in ("capacity", "weight")
    num = numeric(values)
    if count:  # only the cells that are not numbers as they stand (a unit costs a regex each)
        retry = num.isna().to_numpy()
        if retry.any():
            num[retry] = numeric(values[retry].map(count_text)).to_numpy()
    # A bad weight skips the row when weights are required (demand); otherwise (e.g. a staff
    # count in a facility register) it is only a warning. A bad capacity is a warning too: it
    # does not change coverage, and the facility still serves. Area is informative only.
    strict = fld == "weight" and "weight" in require
    action = "skipped" if strict else "kept"
    note = None if strict else Msg("problem.value_left_empty")
    wrong = num.isna().to_numpy() & ~is_empty(values) & ~bad
    for i in np.flatnonzero(wrong):
        msg = not_a_number(values.iat[i])
        problems.append(
            Problem(
                path, int(rows[i]), str(col), msg if note is None else msg + note, action=action
            )
        )
    if fld == "weight":
        nonpos = (num <= 0).to_numpy() & ~bad
        for i in np.flatnonzero(nonpos):
            problems.append(
                Problem(
                    path,
                    int(rows[i]),
                    str(col),
                    Msg("problem.weight_not_positive", v=num.iat[i]),
                    action=action,
                )
            )
        missing = num.isna().to_numpy() & ~wrong & ~bad
        if strict:
            for i in np.flatnonzero(missing):
                problems.append(
                    Problem(path, int(rows[i]), str(col), Msg("problem.missing_weight"))
                )
            bad = bad | wrong | nonpos | missing
    elif strict:
        bad = bad | wrong
    return num, bad


def _read_info(
    table: Table,
    path: Path,
    label: Msg,
    cols: Mapping[str, Any],
    source: Mapping[str, str],
    names: list[str],
    n: int,
) -> dict[str, Any]:
    """What ``gdf.attrs`` records about how the file was read (see ``describe_columns``)."""
    used = set(cols.values())
    return {
        "path": str(path),
        **{k: v for k, v in table.info.items() if k not in ("rows", "uncalculated", "heads")},
        "encoding": table.info.get("encoding"),
        "crs": str(label),  # English, as run.json records it
        "crs_words": label,  # worded in the note's language
        "columns": {f: str(c) for f, c in cols.items()},
        "columns_source": dict(source),
        "unused_columns": [c for c in names if c not in used],
        # rows the reader skipped (e.g. too many values) count as read; file notes do not
        "rows_read": n + sum(p.row is not None for p in table.problems),
    }
