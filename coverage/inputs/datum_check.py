"""The wrong-datum check of a point layer: latitude/longitude swapped, out of range.

Also: outside China for a Chinese datum, or fitting the streets under another datum than declared.

Registers copied from Chinese web maps are in GCJ-02 (Amap/Gaode, Tencent) or BD-09 (Baidu),
300–700 m off the OpenStreetMap streets when read as WGS-84. :func:`check_datum` tells, from
the points alone and against the streets (:mod:`coverage.inputs.street_fit`), whether a layer
is in another datum than declared; :func:`review` turns its findings into problems and notes,
or stops the run on firm evidence. The conversions themselves are in :mod:`coverage.datum`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

from coverage.datum import DATUM_NAMES, convertible, in_china, normalize_datum
from coverage.errors import InputError, Msg, Problem, first_rows
from coverage.inputs.datum_words import (
    evidence_msg,
    finding_msg,
    kept_msg,
    note_msg,
    row_msg,
    swapped_row_msg,
)
from coverage.inputs.street_fit import DatumFinding, extent, inside, street_check, street_geoms

__all__ = ["DatumFinding", "check_datum", "review"]

#: The field of a problem about the whole layer's coordinates (the program's word, translated).
COORDINATES = Msg("problem.column.coordinates")


def _lonlat(points: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Longitudes, latitudes and (if any) source row numbers of a point layer."""
    rows = None
    if isinstance(points, gpd.GeoDataFrame):
        if "row" in points.columns:
            rows = points["row"].to_numpy()
        points = points.geometry
    if isinstance(points, gpd.GeoSeries):
        # Points whose latitude is out of range cannot be re-projected; read them as they are
        # unless the layer really is in another CRS.
        if points.crs is not None and not CRS(points.crs).equals(CRS(4326)):
            points = points.to_crs(4326)
        geoms = points.to_numpy()
        ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        lon = np.full(len(geoms), np.nan)
        lat = np.full(len(geoms), np.nan)
        pts = shapely.point_on_surface(geoms[ok])
        lon[ok], lat[ok] = shapely.get_x(pts), shapely.get_y(pts)
        return lon, lat, rows
    if isinstance(points, tuple | list) and len(points) == 2:
        return np.asarray(points[0], dtype=float), np.asarray(points[1], dtype=float), rows
    raise TypeError("points must be a GeoDataFrame, a GeoSeries or a (lon, lat) pair of arrays")


def _row_list(rows: np.ndarray | None, mask: np.ndarray, limit: int = 20) -> list[int]:
    idx = np.flatnonzero(mask)
    labels = rows[idx] if rows is not None else idx + 1
    return [int(r) for r in labels[:limit]]


def check_datum(
    points: Any,
    streets: gpd.GeoDataFrame | gpd.GeoSeries | None = None,
    *,
    declared: str = "wgs84",
    max_points: int = 2000,
    min_points: int = 5,
    search_m: float = 2000.0,
    far_m: float = 300.0,
    near_m: float = 30.0,
    per_row: bool = False,
    seed: int = 0,
) -> list[DatumFinding]:
    """Tell whether a point layer is in another datum than declared, as a whole or row by row.

    Parameters
    ----------
    points
        The layer as read, already converted to WGS-84 from the ``declared`` datum:
        GeoDataFrame (a ``row`` column is used to name rows), GeoSeries, or ``(lon, lat)``.
    streets
        Street lines (any CRS) the points should lie along, or any "truth" geometries such as
        surveyed positions. When given, each point's distance to the nearest street is compared
        as declared and as if the file had been GCJ-02, BD-09 or WGS-84 (see
        :func:`~coverage.inputs.street_fit._layer_verdict` for when another datum fits
        "systematically"), and points outside the streets' extent that fall inside it with
        longitude and latitude exchanged are reported as swapped — anywhere in the world, not
        only in China.
    declared
        The datum the layer was declared in (``wgs84``, ``gcj02``, ``bd09``; EPSG codes count as
        WGS-84-based).
    max_points
        Larger layers are checked on a random sample of this many points (fixed ``seed``);
        with ``per_row`` every point is checked.
    min_points
        Fewer points near the streets than this make the street comparison inconclusive.
    search_m
        Streets farther than this from a point are not looked for (the point counts as far).
    far_m
        Median distance above which the points are reported as far from the streets.
    near_m
        A point this close to a street counts as "on" it in the evidence (share of points).
    per_row
        Also report rows that fit another datum much better than the declared one while the
        layer as a whole fits it (e.g. a few Baidu positions pasted into an Amap register).
    seed
        Seed of the sample.

    Returns
    -------
    list of DatumFinding
        Warnings first; with streets, always one finding on the datum (``datum_ok`` with the
        distances, a ``looks_*`` warning, ``far_from_streets`` or ``inconclusive``), then
        ``rows_other_datum`` when ``per_row`` finds such rows. A ``looks_*`` finding with
        ``details["conclusive"]`` True is firm evidence (:func:`review` stops on it); a
        ``latlon_swapped`` one with ``details["all"]`` True covers every usable point.
    """
    decl = normalize_datum(declared) or "wgs84"
    lon, lat, rows = _lonlat(points)
    if rows is None:
        rows = np.arange(1, len(lon) + 1)
    findings: list[DatumFinding] = []
    finite = np.isfinite(lon) & np.isfinite(lat)
    n = int(finite.sum())
    metric = street_geoms(streets) if streets is not None else None

    # (b) Latitude/longitude swapped, or out of range altogether.
    swapped, out_of_range = _swap_findings(lon, lat, rows, finite, metric, findings)
    # (c) A Chinese datum declared for points outside China.
    usable = finite & ~out_of_range & ~swapped
    if decl != "wgs84":
        _outside_china(lon, lat, rows, usable, decl, n, findings)

    # (a) Distance to the streets as declared and under the other datums.
    if metric is not None:
        street = street_check(
            lon[usable],
            lat[usable],
            rows[usable],
            metric,
            decl,
            max_points=max_points,
            min_points=min_points,
            search_m=search_m,
            far_m=far_m,
            near_m=near_m,
            per_row=per_row,
            seed=seed,
        )
        if street[0].code == "far_from_streets":
            findings.insert(0, street.pop(0))
        findings += street
    # Warnings before information, keeping the order otherwise.
    findings.sort(key=lambda f: f.level != "warning")
    return findings


def _swap_findings(
    lon: np.ndarray,
    lat: np.ndarray,
    rows: np.ndarray,
    finite: np.ndarray,
    metric: gpd.GeoSeries | None,
    findings: list[DatumFinding],
) -> tuple[np.ndarray, np.ndarray]:
    """Points that fit China (or the streets' extent) only with longitude and latitude exchanged.

    Also the points out of range altogether; their findings go to ``findings``.
    """
    n = int(finite.sum())
    out_of_range = finite & ((np.abs(lat) > 90) | (np.abs(lon) > 180))
    swapped = finite & ~in_china(lon, lat) & in_china(lat, lon)
    where = "China"
    if metric is not None and len(metric):
        # Anywhere: outside the streets' extent as given, inside it once exchanged.
        box = extent(metric)
        on_streets = finite & ~inside(box, lon, lat) & inside(box, lat, lon)
        if on_streets.any():
            where = "the street network's extent"
        swapped |= on_streets
    if swapped.any():
        k = int(swapped.sum())
        key = "china" if where == "China" else "extent"
        findings.append(
            DatumFinding(
                "latlon_swapped",
                "warning",
                Msg(
                    f"problem.datum.swapped_{key}",
                    n=k,
                    total=n,
                    rows=first_rows(_row_list(rows, swapped), count=False),
                ).text("en"),
                {
                    "count": k,
                    "of": n,
                    "all": k == int((finite & ~(out_of_range & ~swapped)).sum()) and k >= 2,
                    "rows": _row_list(rows, swapped, 1000),
                },
            )
        )
    rest = out_of_range & ~swapped
    if rest.any():
        k = int(rest.sum())
        findings.append(
            DatumFinding(
                "out_of_range",
                "warning",
                Msg(
                    "problem.datum.out_of_range",
                    n=k,
                    total=n,
                    rows=first_rows(_row_list(rows, rest), count=False),
                ).text("en"),
                {"count": k, "of": n, "rows": _row_list(rows, rest, 1000)},
            )
        )
    return swapped, out_of_range


def _outside_china(
    lon: np.ndarray,
    lat: np.ndarray,
    rows: np.ndarray,
    usable: np.ndarray,
    decl: str,
    n: int,
    findings: list[DatumFinding],
) -> None:
    """A finding for the points outside China of a layer declared in a Chinese datum."""
    outside = usable & ~in_china(lon, lat)
    if outside.any():
        k = int(outside.sum())
        unchanged = int((outside & ~convertible(lon, lat)).sum())
        findings.append(
            DatumFinding(
                "outside_china",
                "warning",
                (
                    Msg(
                        "problem.datum.outside_china",
                        n=k,
                        total=n,
                        rows=first_rows(_row_list(rows, outside), count=False),
                        declared=DATUM_NAMES[decl],
                    )
                    + (Msg("problem.datum.unchanged", n=unchanged) if unchanged else "")
                    + Msg("problem.datum.check_coordinates")
                ).text("en"),
                {
                    "count": k,
                    "of": n,
                    "unchanged": unchanged,
                    "rows": _row_list(rows, outside, 1000),
                },
            )
        )


def review(
    findings: Sequence[DatumFinding],
    path: str | Path,
    *,
    crs: str | int = "wgs84",
    strict: bool = True,
    field: str | Msg = COORDINATES,
    crs_set: bool = True,
) -> tuple[list[Problem], list[Msg]]:
    """Turn a layer's findings into problems and notes, or stop on firm evidence.

    Parameters
    ----------
    findings
        From :func:`check_datum` (with ``per_row=True`` for row-by-row problems).
    path
        The layer's file, named in every problem.
    crs
        The layer's declared ``crs`` (as in the scenario), for the fix given in messages.
    strict
        Raise :class:`~coverage.errors.InputError` when the points fit another datum
        conclusively, or fit the streets only with longitude and latitude swapped
        (``datum_check = "error"``); otherwise they become warnings (``"warn"``).
    field
        Column named in row problems (the longitude column, or ``geometry``).
    crs_set
        Whether the scenario set ``crs`` (False: the default was read, and the error says so
        instead of calling it declared).

    Returns
    -------
    (list of Problem, list of Msg)
        Warnings (``action="kept"``: the rows stay as declared) and one-line notes, worded
        when shown (``str()`` is English).
    """
    path = Path(path)
    problems: list[Problem] = []
    notes: list[Msg] = []
    keep = 'datum_check = "warn"'
    declared = normalize_datum(crs) or "wgs84"  # as check_datum read the layer
    for f in findings:
        d = f.details
        notes.append(note_msg(f, declared))
        if f.code in ("datum_ok", "inconclusive"):
            continue
        if f.code.startswith("looks_") and d.get("conclusive"):
            if strict:
                raise InputError(_datum_error(d, crs, keep, crs_set), path, field="crs")
            problems.append(Problem(path, None, "crs", kept_msg(f), action="kept"))
        elif f.code == "latlon_swapped" and d.get("all") and strict:
            msg = Msg("error.input.datum_swapped", finding=finding_msg(f, declared), keep=keep)
            raise InputError(msg, path, field=field)
        elif f.code in ("rows_other_datum", "latlon_swapped"):
            for r in d["rows"]:
                if isinstance(r, dict):
                    msg = row_msg(r, declared, r["message"], d.get("search_m"))
                    problems.append(Problem(path, r["row"], field, msg, action="kept"))
                else:
                    problems.append(Problem(path, int(r), field, swapped_row_msg(), action="kept"))
        else:
            msg = finding_msg(f, declared)
            problems.append(Problem(path, None, COORDINATES, msg, action="kept"))
    return problems, notes


def _datum_error(d: dict[str, Any], crs: str | int, keep: str, crs_set: bool = True) -> Msg:
    """One line: declared (or default) datum, the datum that fits, the evidence and the fix."""
    declared, best = DATUM_NAMES[d["declared"]], d["best"]
    if isinstance(crs, str) or CRS.from_epsg(int(crs)).is_geographic:
        fix = Msg("error.input.datum_fix", setting=f'crs = "{d["best_key"]}"')
        said = f'crs = "{crs}"' if isinstance(crs, str) else f"crs = {crs}"
    else:
        # Projected: the longitudes/latitudes were in the other datum before projection.
        fix = Msg("error.input.datum_fix_projected", best=best)
        said = f"crs = {crs}"
    evidence = evidence_msg(d)
    return Msg(
        "error.input.datum_declared" if crs_set else "error.input.datum_default",
        declared=declared,
        said=said,
        best=best,
        evidence=evidence,
        fix=fix,
        keep=keep,
    )
