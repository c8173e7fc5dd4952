"""The district layer of an audit: one polygon, name and code per district (WGS-84)."""

from __future__ import annotations

from dataclasses import dataclass

import shapely

from coverage.audit.config import Audit
from coverage.errors import InputError, Msg
from coverage.inputs.boundaries import read_polygons

__all__ = ["District", "folder_name", "read_districts"]


@dataclass(frozen=True)
class District:
    """One district: its code (unique), name, row in the file and polygon in WGS-84."""

    code: str
    name: str
    row: int
    geometry: shapely.Geometry


def folder_name(code: str) -> str:
    """The name of a district's results folder: its code, other characters as ``_``."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in code)


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a numeric code read as float: 420103.0 -> "420103"
    return str(value).strip()


def read_districts(audit: Audit) -> list[District]:
    """Read the audit's districts (datum converted, selection applied), in file order.

    Raises
    ------
    InputError
        One line naming the file, row and field: no name or code field, a district without a
        code, or a code used twice (each district's results live under its code).
    """
    d = audit.districts
    path = audit.input_path(d.path)
    gdf = read_polygons(path, crs=d.crs, layer=d.layer, select=d.select, name_field=d.name_field)
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
    for row, code_value, name_value, geom in zip(
        gdf.index, gdf[d.code_field], gdf[d.name_field], gdf.geometry, strict=True
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
        if folder in folders:
            raise InputError(
                Msg(
                    "error.audit.same_folder",
                    code=repr(code),
                    other=repr(folders[folder]),
                    folder=repr(folder),
                ),
                path,
                row=int(row) + 1,
                field=d.code_field,
            )
        folders[folder] = code
        out.append(District(code, _text(name_value) or code, int(row) + 1, geom))
    return out
