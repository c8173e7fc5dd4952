"""Coordinates of a point layer: the declared coordinate system, conversion to WGS-84, swaps.

A layer declares its coordinates (``crs``): WGS-84, GCJ-02 (Amap/Gaode, Tencent), BD-09
(Baidu) or an EPSG code. :func:`table_points` reads longitude/latitude (or X/Y) columns and
:func:`gis_points` a GIS file's geometries; both convert to WGS-84 and report every unusable
row, with a hint when the two coordinates look exchanged. A whole file with the coordinates
exchanged is one error naming the fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS, Transformer

from coverage import datum as datum_mod
from coverage.errors import InputError, Msg, Problem
from coverage.inputs.values import is_empty, not_a_number, numeric

__all__ = [
    "GEOMETRY",
    "Target",
    "parse_target",
    "crs_label",
    "unknown_crs",
    "table_points",
    "gis_points",
]

#: The field of a problem about a GIS feature's geometry (the program's word, translated).
GEOMETRY = Msg("problem.column.geometry")


@dataclass(frozen=True)
class Target:
    """A layer's declared coordinates: a datum handled by prcoords, or a pyproj CRS."""

    datum: str | None  # "wgs84", "gcj02", "bd09", or None for other CRSs
    crs: CRS
    label: str


def parse_target(crs: str | int | CRS, path: Path) -> Target:
    """Translate a layer's declared coordinate system (``crs`` setting)."""
    if isinstance(crs, CRS):
        c = crs
    else:
        # Only documented names and EPSG codes: anything else would pass as "some other CRS"
        # and switch the datum check off.
        try:
            key = datum_mod.parse_crs(crs)
        except ValueError as exc:
            raise InputError(unknown_crs(crs), path, field="crs") from exc
        if isinstance(key, str):
            return Target(key, CRS.from_epsg(4326), datum_mod.DATUM_NAMES[key])
        c = CRS.from_epsg(key)
    if c.equals(CRS.from_epsg(4326)):
        return Target("wgs84", c, "WGS-84")
    epsg = c.to_epsg()
    return Target(None, c, f"EPSG:{epsg}" if epsg else c.name)


def _swap_note(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Rows whose values fit China only if longitude and latitude are exchanged."""
    fits: np.ndarray = ~datum_mod.in_china(lon, lat) & datum_mod.in_china(lat, lon)
    return fits


def _swap_valid(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Rows out of range as longitude/latitude that are valid with the two exchanged (anywhere)."""
    wrong = (np.abs(lat) > 90) | (np.abs(lon) > 180)
    valid: np.ndarray = wrong & (np.abs(lon) <= 90) & (np.abs(lat) <= 180)
    return valid


def _swap_hints(
    x: np.ndarray, y: np.ndarray, rows: np.ndarray, lon: np.ndarray, lat: np.ndarray
) -> dict[int, Msg]:
    """A hint for each of ``rows`` (out of range) whose values fit once exchanged.

    Exchanged, they fit China or land among the layer's good points (``lon``/``lat``, within half a
    degree of their extent).
    """
    box = None
    if len(lon):
        box = (lon.min() - 0.5, lat.min() - 0.5, lon.max() + 0.5, lat.max() + 0.5)
    hints: dict[int, Msg] = {}
    for i in rows:
        if not _swap_valid(x[i : i + 1], y[i : i + 1])[0]:
            continue
        if _swap_note(x[i : i + 1], y[i : i + 1])[0]:
            hints[int(i)] = Msg("problem.hint_swap_china")
        elif box is not None and box[0] <= y[i] <= box[2] and box[1] <= x[i] <= box[3]:
            hints[int(i)] = Msg("problem.hint_swap_points")
    return hints


def _swapped_projected(
    x: np.ndarray, y: np.ndarray, lon: np.ndarray, lat: np.ndarray, target: Target
) -> np.ndarray:
    """Rows of a projected layer outside its CRS's area of use that fit it with X and Y swapped."""
    aou = target.crs.area_of_use
    if aou is None:
        return np.zeros(len(x), dtype=bool)
    # Areas of use are conservative; a margin keeps points just beyond a zone edge.
    w, s, e, n = aou.west - 2, aou.south - 2, aou.east + 2, aou.north + 2

    def inside(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        ok: np.ndarray = np.isfinite(a) & np.isfinite(b) & (a >= w) & (a <= e) & (b >= s) & (b <= n)
        return ok

    outside: np.ndarray = ~inside(lon, lat)
    if not outside.any():
        return outside
    with np.errstate(all="ignore"):
        slon, slat, _ = _transform(
            np.where(outside, y, np.nan), np.where(outside, x, np.nan), target
        )
    swapped: np.ndarray = outside & inside(slon, slat)
    return swapped


def _transform(
    x: np.ndarray, y: np.ndarray, target: Target
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """WGS-84 longitudes/latitudes and a mask of rows whose coordinates are unusable."""
    if target.datum is not None:
        bad = (np.abs(y) > 90) | (np.abs(x) > 180)
        lon, lat = datum_mod.to_wgs84(np.where(bad, np.nan, x), np.where(bad, np.nan, y),
                                      target.datum)  # fmt: skip
        return lon, lat, bad
    if target.crs.is_geographic:
        bad = (np.abs(y) > 90) | (np.abs(x) > 180)
        x, y = np.where(bad, np.nan, x), np.where(bad, np.nan, y)
    tr = Transformer.from_crs(target.crs, 4326, always_xy=True)
    lon, lat = tr.transform(x, y)
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    bad = ~(np.isfinite(lon) & np.isfinite(lat))
    return lon, lat, bad


def crs_label(target: Target) -> Msg:
    """How the layer's coordinates were read, for :func:`~coverage.inputs.describe_columns`."""
    if target.datum in ("gcj02", "bd09"):
        return Msg("problem.crs.converted", crs=target.label)
    return Msg("problem.as_written", text=target.label)


def unknown_crs(value: object) -> Msg:
    """A ``crs`` that names no coordinate system, with the names there are."""
    groups = []
    for key in datum_mod.DATUMS:
        # "4326" and "epsg4326" are EPSG codes, listed as such (as datum.accepted_crs does).
        names = [
            a for a, k in datum_mod.DATUM_ALIASES.items() if k == key != a and not a[-1].isdigit()
        ]
        groups.append(f"{key} ({', '.join(names)})" if names else key)
    groups.append("cgcs2000 (cgcs; EPSG:4490)")
    shown = repr(value) if not isinstance(value, str) else f"'{value}'"
    return Msg("error.input.unknown_crs", value=shown, names=", ".join(groups))


def table_points(
    frame: pd.DataFrame,
    rows: np.ndarray,
    cols: dict[str, Any],
    target: Target,
    path: Path,
    problems: list[Problem],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """WGS-84 coordinates from longitude/latitude (or x/y) columns, reporting each bad cell."""
    raw = {f: frame[cols[f]].reset_index(drop=True) for f in ("lon", "lat")}
    num = {f: numeric(raw[f], coordinate=True).to_numpy() for f in ("lon", "lat")}
    bad = np.zeros(len(frame), dtype=bool)
    for f in ("lon", "lat"):
        empty = is_empty(raw[f])
        for i in np.flatnonzero(np.isnan(num[f])):
            msg = Msg(f"problem.missing_{f}") if empty[i] else not_a_number(raw[f].iat[i])
            problems.append(Problem(path, int(rows[i]), str(cols[f]), msg))
        bad |= np.isnan(num[f])
    x, y = num["lon"], num["lat"]
    lon, lat, unusable = _transform(x, y, target)
    unusable &= ~bad
    geographic = target.datum is not None or target.crs.is_geographic
    if geographic:
        swapped = unusable & _swap_valid(x, y)
    else:
        # A projected CRS turns almost any pair into some point on Earth; swapped X/Y (Chinese
        # surveying writes the northing first) show as points far outside the CRS's area.
        swapped = ~bad & ~unusable & _swapped_projected(x, y, lon, lat, target)
        unusable |= swapped
    if swapped.sum() >= 2 and swapped.sum() == (~bad).sum():
        key = "error.input.columns_swapped" if geographic else "error.input.columns_swapped_xy"
        raise InputError(
            Msg(key, lon=cols["lon"], lat=cols["lat"]),
            path,
            field=str(cols["lat"]),
        )
    read = ~bad
    if geographic and read.sum() >= 2 and (unusable[read].all()):
        # Every value far beyond any degree (3,386,180): metres of a projected CRS (CGCS2000
        # Gauss-Krüger, UTM) read as longitudes/latitudes; one line saying so, not one per row.
        if (np.maximum(np.abs(x[read]), np.abs(y[read])) > 1000).all():
            msg = Msg(
                "error.input.not_lonlat_extent",
                x0=float(x[read].min()),
                x1=float(x[read].max()),
                y0=float(y[read].min()),
                y1=float(y[read].max()),
                crs=target.label,
            )
            raise InputError(msg, path, field="crs")
    ok = ~bad & ~unusable
    hints = _swap_hints(x, y, np.flatnonzero(swapped), lon[ok], lat[ok]) if geographic else {}
    for i in np.flatnonzero(unusable):
        if geographic:
            if abs(y[i]) > 90:
                fld, msg = cols["lat"], Msg("problem.lat_out_of_range", v=y[i])
            else:
                fld, msg = cols["lon"], Msg("problem.lon_out_of_range", v=x[i])
            if int(i) in hints:
                msg += hints[int(i)]
        elif swapped[i]:
            fld = cols["lon"]
            msg = Msg("problem.outside_crs_swapped", x=x[i], y=y[i], crs=target.label)
        else:
            fld = cols["lon"]
            msg = Msg("problem.not_transformable", x=x[i], y=y[i], crs=target.label)
        problems.append(Problem(path, int(rows[i]), str(fld), msg))
    bad |= unusable
    return np.where(bad, np.nan, lon), np.where(bad, np.nan, lat), bad


def gis_points(
    frame: gpd.GeoDataFrame,
    rows: np.ndarray,
    target: Target,
    path: Path,
    problems: list[Problem],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, Msg]:
    """WGS-84 coordinates of a GIS layer's features (areas become a point inside them)."""
    geom = frame.geometry.reset_index(drop=True)
    missing = (geom.isna() | geom.is_empty).to_numpy()
    for i in np.flatnonzero(missing):
        problems.append(Problem(path, int(rows[i]), GEOMETRY, Msg("problem.missing_geometry")))
    not_point = ~missing & (geom.geom_type != "Point").to_numpy()
    if not_point.any():
        # Areas (e.g. an industrial park) are represented by a point inside them.
        geom = geom.where(~not_point, geom.representative_point())
    pts = geom.where(~missing, None)
    x = np.where(missing, np.nan, pts.x.to_numpy(dtype=float, na_value=np.nan))
    y = np.where(missing, np.nan, pts.y.to_numpy(dtype=float, na_value=np.nan))
    file_crs = frame.crs
    if file_crs is None:
        file_target = target
        ok = ~missing
        if (target.datum is not None or target.crs.is_geographic) and ok.any():
            if (np.abs(y[ok]) > 90).all() or (np.abs(x[ok]) > 180).all():
                raise InputError(
                    Msg("error.input.no_crs_not_lonlat", x=x[ok][0], y=y[ok][0]),
                    path,
                    field="crs",
                )
        label = Msg("problem.crs.assumed", crs=crs_label(target))
    else:
        fc = CRS(file_crs)
        epsg = fc.to_epsg()
        name = f"EPSG:{epsg}" if epsg else fc.name
        if target.datum in ("gcj02", "bd09"):
            # Declared GCJ-02/BD-09 longitudes/latitudes, stored in the file's CRS.
            if not fc.equals(CRS.from_epsg(4326)):
                tr = Transformer.from_crs(fc, 4326, always_xy=True)
                x, y = (np.asarray(v, dtype=float) for v in tr.transform(x, y))
            file_target = target
            label = Msg("problem.crs.file", crs=crs_label(target), file_crs=name)
        else:
            file_target = Target("wgs84" if fc.equals(CRS.from_epsg(4326)) else None, fc, name)
            label = Msg("problem.as_written", text=name)
    lon, lat, unusable = _transform(x, y, file_target)
    unusable &= ~missing
    geographic = file_target.datum is not None or file_target.crs.is_geographic
    ok = ~missing & ~unusable
    if geographic and unusable.sum() >= 2 and not ok.any() and _swap_valid(x, y)[unusable].all():
        # Axis order mix-ups (latitude first) are common with EPSG:4326 files.
        raise InputError(
            Msg("error.input.latlon_order", x=x[unusable][0], y=y[unusable][0]),
            path,
            field=Msg("problem.column.geometry"),
        )
    hints = _swap_hints(x, y, np.flatnonzero(unusable), lon[ok], lat[ok]) if geographic else {}
    for i in np.flatnonzero(unusable):
        msg = (
            Msg("problem.lonlat_out_of_range", x=x[i], y=y[i])
            if geographic
            else Msg("problem.not_transformable_g", x=x[i], y=y[i], crs=file_target.label)
        )
        if int(i) in hints:
            msg += hints[int(i)]
        problems.append(Problem(path, int(rows[i]), GEOMETRY, msg))
    bad = missing | unusable
    return np.where(bad, np.nan, lon), np.where(bad, np.nan, lat), bad, label
