"""The district layer of an audit: one polygon, name and code per district (WGS-84)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from coverage.audit.config import Audit
from coverage.errors import InputError, Msg, Problem, first_rows
from coverage.inputs.boundaries import read_polygons
from coverage.inputs.cells import clean_name
from coverage.inputs.readers import read_features

__all__ = ["District", "DistrictLayer", "folder_name", "read_districts"]


@dataclass(frozen=True)
class District:
    """One district: its code (unique), name, row in the file and polygon in WGS-84.

    ``problems`` are the reader's about this district's rows. A district whose polygon was
    missing, empty or lost in repair has no geometry and is not audited: its ``skipped``
    problem says why (file, row, field). Features sharing a code and name are the parts of
    one district: one District, their polygons joined, with a note saying so.

    Attributes
    ----------
    code
        The district's code (unique in the layer): its folder's name.
    name
        Its name.
    row
        Its row in the district file (1-based); a district of several features: the first.
    geometry
        Its polygon in WGS-84, or None when it is not audited.
    problems
        What the reader found about its rows, and that its features were joined.
    """

    code: str
    name: str
    row: int
    geometry: shapely.Geometry | None
    problems: tuple[Problem, ...] = ()

    @property
    def skipped(self) -> Problem | None:
        """Why the district is not audited (its polygon was skipped), or None.

        None too for a district of which only some parts were skipped: the rest is audited.
        """
        if self.geometry is not None:
            return None
        return next((p for p in self.problems if p.action == "skipped"), None)


class DistrictLayer(list[District]):
    """The districts in file order, and the reader's problems about the layer as a whole.

    ``problems`` are those of no one row, e.g. a file in China without a declared datum
    (Amap boundaries say WGS-84 and are GCJ-02, ~500 m off): they are the audit's to report.
    """

    problems: list[Problem]

    def __init__(self, districts: list[District], problems: list[Problem]) -> None:
        super().__init__(districts)
        self.problems = problems


#: Bytes of a folder name kept before the hash that ends a long one (file systems allow 255).
_NAME_BYTES = 120


def folder_name(code: str) -> str:
    """The name of a district's results folder: its code, other characters as ``_``.

    A name of dots only (``.``, ``..``) would be the districts folder itself or the audit's
    own, so its dots become ``_`` too. A name longer than a file system allows is cut and ends
    with a hash of the whole code, so that each code keeps its own folder.
    """
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in code)
    if not name.strip("."):
        name = "_" * len(name)
    if len(name.encode()) > _NAME_BYTES:
        digest = hashlib.sha256(code.encode("utf-8", "surrogatepass")).hexdigest()[:12]
        cut = name.encode()[:_NAME_BYTES].decode(errors="ignore")
        name = f"{cut}_{digest}"
    return name


def _text(value: object) -> str:
    """A name or code as read: text cleaned as a register cell is, on one line (clean_name)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a numeric code read as float: 420103.0 -> "420103"
    return clean_name(str(value))


def _with_skipped(
    gdf: gpd.GeoDataFrame, problems: list[Problem], path: Path, layer: str | int | None
) -> pd.DataFrame:
    """The district table with the rows whose polygon was skipped put back (no geometry).

    Their code and name are read again from the file (attributes only), so that each such
    district is reported by its code rather than silently dropped.
    """
    rows = sorted({p.row - 1 for p in problems if p.action == "skipped" and p.row is not None})
    table = pd.DataFrame(gdf)
    if not rows:
        return table
    attrs, _ = read_features(path, layer=layer, ignore_geometry=True)  # decoded as the rest
    back = pd.DataFrame(attrs.loc[[r for r in rows if r in attrs.index]])
    back["geometry"] = None
    return pd.concat([table, back]).sort_index()


def read_districts(audit: Audit) -> DistrictLayer:
    """Read the audit's districts (datum converted, selection applied), in file order.

    A district whose polygon the reader skipped (missing, empty, lost in repair) is kept
    without geometry, its reason in :attr:`District.skipped`: it is listed, not audited.
    Features sharing a code and name (a DataV file may split a multi-part district) are one
    district, their polygons joined, with a note; sharing a code with different names, they
    are refused. Problems of no one row are the layer's (:attr:`DistrictLayer.problems`).

    Parameters
    ----------
    audit
        A validated audit (:func:`load_audit`): its ``[districts]`` file, fields and selection.

    Returns
    -------
    list of District
        One per code of the district layer, in the order of their first rows.

    Raises
    ------
    InputError
        One line naming the file, row and field: no name or code field, a district without a
        code, or a code shared by features of different names (each district's results live
        under its code).
    """
    d = audit.districts
    path = audit.input_path(d.path)
    gdf = read_polygons(path, crs=d.crs, layer=d.layer, select=d.select, name_field=d.name_field)
    problems: list[Problem] = list(gdf.attrs.get("problems", []))
    if d.code_field not in gdf:
        fields = [str(c) for c in gdf.columns if c != "geometry"]
        raise InputError(
            Msg("error.audit.no_code_field", field=d.code_field, fields=fields),
            path,
            field=d.code_field,
        )
    table = _with_skipped(gdf, problems, path, d.layer)
    parts: dict[str, list[int]] = {}  # code → its rows (1-based), in file order
    for row, code_value in zip(table.index, table[d.code_field], strict=True):
        code = _text(code_value)
        if not code:
            raise InputError(Msg("error.audit.no_code"), path, row=int(row) + 1, field=d.code_field)
        parts.setdefault(code, []).append(int(row) + 1)
    names = {int(r) + 1: _text(v) for r, v in zip(table.index, table[d.name_field], strict=True)}
    geoms = {int(r) + 1: g for r, g in zip(table.index, table["geometry"], strict=True)}
    out: list[District] = []
    folders: dict[str, str] = {}  # each district's results live in a folder named by its code
    for code, rows in parts.items():
        # Features sharing a code and name are the parts of one district (a DataV file may
        # split a multi-part district): one district, as its scenario's select reads it.
        named = {r: names[r] for r in rows if names[r]}  # a part without a name agrees
        first = next(iter(named), 0)
        other = next((r for r in named if named[r] != named[first]), None)
        if other is not None:
            msg = Msg("error.audit.code_twice", code=repr(code), row=first, name=repr(named[first]))
            raise InputError(msg, path, row=other, field=d.code_field)
        folder = folder_name(code)
        key = folder.casefold()  # Windows and macOS disks do not tell "A1" from "a1"
        if key in folders:
            raise InputError(
                Msg(
                    "error.audit.same_folder",
                    code=repr(code),
                    other=repr(folders[key]),
                    folder=repr(folder),
                ),
                path,
                row=rows[0],
                field=d.code_field,
            )
        folders[key] = code
        name = next(iter(named.values()), code)
        polygons = [geoms[r] for r in rows if geoms[r] is not None]
        geom = shapely.union_all(polygons) if len(polygons) > 1 else next(iter(polygons), None)
        mine = [p for p in problems if p.row in rows]
        if len(rows) > 1:
            listed = first_rows(rows, count=False)
            note = Msg("problem.district_merged", n=len(rows), code=code, name=name, rows=listed)
            mine.append(Problem(path, None, d.code_field, note, action="kept"))
        out.append(District(code, name, rows[0], geom, tuple(mine)))
    return DistrictLayer(out, [p for p in problems if p.row is None])
