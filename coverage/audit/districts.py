"""The district layer of an audit: one polygon, name and code per district (WGS-84)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from coverage.audit.config import Audit
from coverage.errors import InputError, Msg, Problem
from coverage.inputs.boundaries import read_polygons
from coverage.inputs.readers import read_features

__all__ = ["District", "DistrictLayer", "folder_name", "read_districts"]


@dataclass(frozen=True)
class District:
    """One district: its code (unique), name, row in the file and polygon in WGS-84.

    ``problems`` are the reader's about this district's row. A district whose polygon was
    missing, empty or lost in repair has no geometry and is not audited: its ``skipped``
    problem says why (file, row, field).

    Attributes
    ----------
    code
        The district's code (unique in the layer): its folder's name.
    name
        Its name.
    row
        Its row in the district file (1-based).
    geometry
        Its polygon in WGS-84, or None when it is not audited.
    problems
        What the reader found about its row.
    """

    code: str
    name: str
    row: int
    geometry: shapely.Geometry | None
    problems: tuple[Problem, ...] = ()

    @property
    def skipped(self) -> Problem | None:
        """Why the district is not audited (its polygon was skipped), or None."""
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
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a numeric code read as float: 420103.0 -> "420103"
    return str(value).strip()


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
    Problems of no one row are the layer's (:attr:`DistrictLayer.problems`).

    Parameters
    ----------
    audit
        A validated audit (:func:`load_audit`): its ``[districts]`` file, fields and selection.

    Returns
    -------
    list of District
        One per feature of the district layer, in file order.

    Raises
    ------
    InputError
        One line naming the file, row and field: no name or code field, a district without a
        code, or a code used twice (each district's results live under its code).
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
    out: list[District] = []
    seen: dict[str, int] = {}
    folders: dict[str, str] = {}  # each district's results live in a folder named by its code
    table = _with_skipped(gdf, problems, path, d.layer)
    for row, code_value, name_value, geom in zip(
        table.index, table[d.code_field], table[d.name_field], table["geometry"], strict=True
    ):
        code = _text(code_value)
        if not code:
            raise InputError(Msg("error.audit.no_code"), path, row=int(row) + 1, field=d.code_field)
        if code in seen:
            raise InputError(
                Msg("error.audit.code_twice", code=repr(code), row=seen[code]),
                path,
                row=int(row) + 1,
                field=d.code_field,
            )
        seen[code] = int(row) + 1
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
                row=int(row) + 1,
                field=d.code_field,
            )
        folders[key] = code
        mine = tuple(p for p in problems if p.row == int(row) + 1)
        out.append(District(code, _text(name_value) or code, int(row) + 1, geom, mine))
    return DistrictLayer(out, [p for p in problems if p.row is None])
