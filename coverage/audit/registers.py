"""City-wide facility registers narrowed to each district and its walking margin.

A district's scenario gets, for each register, the rows that stand within the walking margin
(plus the snap limit) of the district — the only ones that can reach anyone in it — written as
they are in the register (same columns, so the layer's ``columns`` mapping still applies) to
``inputs/`` in the district's folder. Rows whose coordinates cannot be read go to every
district, so each reports them. A national register of 184,200 stations is thus read once, not
once per district, and a district's results change only when its own rows do.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from coverage import io as cio
from coverage.audit.config import Audit
from coverage.inputs.columns import header_hints
from coverage.inputs.points import read_points
from coverage.inputs.readers import read_table
from coverage.scenario.sections import Layer

__all__ = ["Register", "district_rows", "reach_m", "read_registers", "write_rows"]


@dataclass
class Register:
    """One facility layer as read: its raw rows and each row's WGS-84 position (NaN: unread)."""

    index: int
    layer: Layer
    frame: pd.DataFrame
    lon: np.ndarray
    lat: np.ndarray


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
        gdf, _ = read_points(
            path, columns=columns, crs=layer.crs, layer=layer.layer, encoding=layer.encoding
        )
        where = dict(zip(gdf["row"].tolist(), gdf.geometry, strict=True))
        lon = np.full(len(table.frame), np.nan)
        lat = np.full(len(table.frame), np.nan)
        for j, r in enumerate(table.rows.tolist()):
            if r in where:
                lon[j], lat[j] = where[r].x, where[r].y
        out.append(Register(i, layer, table.frame.reset_index(drop=True), lon, lat))
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


def write_rows(reg: Register, keep: np.ndarray, folder: Path) -> Path:
    """Write the kept rows as the register has them: CSV (UTF-8) or, with geometry, GeoPackage."""
    rows = reg.frame[keep]
    name = f"facilities_{reg.index + 1}"
    if isinstance(rows, gpd.GeoDataFrame) and "geometry" in rows:
        target = folder / "inputs" / f"{name}.gpkg"
        cio.ensure_folder(target.parent)
        return cio.write_with(target, lambda p: rows.to_file(p, driver="GPKG"))
    target = folder / "inputs" / f"{name}.csv"
    cio.ensure_folder(target.parent)
    # CRLF line ends make the csv module quote a cell holding a bare CR, which a reader (the
    # district's own) would otherwise take for a row break, splitting the row in two.
    return cio.write_with(
        target, lambda p: rows.to_csv(p, index=False, encoding="utf-8", lineterminator="\r\n")
    )
