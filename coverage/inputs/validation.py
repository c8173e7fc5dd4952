"""Checking a point layer after reading: duplicates, study area, streets, tiers, services, weights.

:func:`~coverage.inputs.points.read_points` already skips rows it cannot read (no coordinates,
numbers that are not numbers). :func:`validate_layer` checks what the planner meant: rows that
would make the results wrong are skipped (``action="skipped"``), doubtful ones are kept with a
warning (``action="kept"``). Every problem names the file, the row as the planner sees it and
the field, so the run report (:func:`~coverage.inputs.problems.problems_frame`) can list every
skipped row and why.

What happens to a row, by role:

============================  ==================  ==================  ==================
problem                       facility            demand              candidate
============================  ==================  ==================  ==================
missing tier                  skipped             —                   kept
unknown tier                  error               —                   error
unknown service               kept, dropped from  —                   kept, dropped from
                              its services                            its services
services with spaces, not     kept as written     —                   kept as written
all known (no services list)  (warning)                               (warning)
missing / non-positive weight —                   skipped             —
non-positive capacity         kept (warning)      —                   kept (warning)
outside the study area        kept (it may serve  skipped             skipped
                              people inside)
too far from a street         skipped             skipped             skipped
same name and tier, within    later row skipped   later row skipped   later row skipped
tolerance
same name, other tier, within kept (warning)      —                   kept (warning)
tolerance
same place, other name        kept (warning)      kept                kept (warning)
same name, far apart          kept (warning)      kept                kept (warning)
same id as an earlier row     kept (warning)      kept (warning)      kept (warning)
============================  ==================  ==================  ==================

Tiers become codes of a :class:`~coverage.vocab.Vocabulary`; with a plain ``allowed_tiers`` list
instead, rows with unknown tiers (and candidates without one) are skipped.

A services item that lists known services with spaces or slashes between them (``休息 饮水``) is
read as those services: known are the scenario's ``services``, or without them
:data:`~coverage.vocab.SERVICES` and the services the layer's rows list on their own. Others
are kept as written, with a warning, unless Latin words alone ("legal aid"): a service's name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from coverage.errors import InputError, Msg, Problem, first_rows
from coverage.inputs.columns import source_column
from coverage.inputs.coordinates import GEOMETRY
from coverage.inputs.duplicates import check_duplicates, check_ids
from coverage.inputs.problems import Checker
from coverage.inputs.values import MAX_PEOPLE, key_text, not_a_number
from coverage.scenario.defaults import setting
from coverage.vocab import SERVICES, Vocabulary, unknown_tier

__all__ = ["ROLES", "validate_layer"]

ROLES: tuple[str, ...] = ("facility", "demand", "candidate")
_ROLE_ALIASES = {
    "facility": "facility",
    "facilities": "facility",
    "demand": "demand",
    "demands": "demand",
    "candidate": "candidate",
    "candidates": "candidate",
    "sites": "candidate",
}


def _area_geometry(area: Any) -> shapely.Geometry:
    """The study area as one shapely geometry in WGS-84."""
    if isinstance(area, gpd.GeoDataFrame | gpd.GeoSeries):
        geoms = area.geometry if isinstance(area, gpd.GeoDataFrame) else area
        if geoms.crs is not None and not CRS(geoms.crs).equals(CRS(4326)):
            geoms = geoms.to_crs(4326)
        return shapely.union_all(geoms.dropna().to_numpy())
    if isinstance(area, shapely.Geometry):
        return area  # assumed WGS-84 longitude/latitude
    raise TypeError("area must be a shapely geometry (WGS-84) or a GeoDataFrame/GeoSeries")


def validate_layer(
    gdf: gpd.GeoDataFrame,
    path: str | Path,
    *,
    role: str,
    area: Any = None,
    allowed_tiers: Sequence[str] | None = None,
    vocabulary: Vocabulary | None = None,
    allowed_services: Iterable[str] | None = None,
    dup_tolerance_m: float = 5.0,
    street_distance_m: Sequence[float] | np.ndarray | pd.Series | None = None,
    max_street_m: float | None = None,
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Check a layer read by :func:`~coverage.inputs.points.read_points`; skip unsafe rows.

    Doubtful rows are kept with a warning.

    Parameters
    ----------
    gdf
        The layer (WGS-84 points with standard columns and ``row``).
    path
        Its file, for the messages.
    role
        ``"facility"``, ``"demand"`` or ``"candidate"`` (see the module table for what each
        check does per role).
    area
        Study area: a shapely geometry in WGS-84, or a GeoDataFrame/GeoSeries in any CRS.
    allowed_tiers
        Known tiers; tiers are matched ignoring case, width and spaces and rewritten in the
        spelling given here; rows with other tiers are skipped. A facility layer then needs a
        tier column.
    vocabulary
        Tier vocabulary (e.g. :attr:`coverage.scenario.Scenario.vocabulary`), instead of
        ``allowed_tiers``: every tier becomes its code; a value that names no tier raises
        :class:`~coverage.errors.InputError`. Blank facility tiers are skipped; blank candidate
        tiers stay blank.
    allowed_services
        Known services; unknown ones are dropped from a row's services, with a warning.
    dup_tolerance_m
        Rows closer than this (metres) are at "the same place".
    street_distance_m
        Distance of each row to the nearest walkable street (aligned with ``gdf``'s rows).
    max_street_m
        Rows farther than this from a street are skipped.

    Returns
    -------
    (GeoDataFrame, list of Problem)
        The kept rows (index reset, ``attrs`` kept) and the problems, in row order per check.
    """
    max_street_m = setting("max_snap_m") if max_street_m is None else max_street_m
    role_key = _ROLE_ALIASES.get(str(role).strip().lower())
    if role_key is None:
        raise ValueError(f"unknown role '{role}' (use one of {', '.join(ROLES)})")
    gdf = gdf.reset_index(drop=True)
    check = Checker(gdf, path)
    n = len(gdf)

    geom = gdf.geometry
    no_geom = (geom.isna() | geom.is_empty).to_numpy()
    for i in np.flatnonzero(no_geom):
        check.add(int(i), GEOMETRY, Msg("problem.missing_geometry"), skip=True)

    if role_key == "demand":
        gdf = _check_weights(gdf, check)
    else:
        _check_capacity(gdf, check)
    if vocabulary is not None and role_key != "demand":
        gdf = _tier_codes(gdf, check, vocabulary, required=role_key == "facility")
    elif role_key == "facility" or (role_key == "candidate" and allowed_tiers is not None):
        gdf = _check_tiers(gdf, check, allowed_tiers, required=role_key == "facility")
    if allowed_services is not None and role_key != "demand":
        gdf = _check_services(gdf, check, allowed_services)
    elif role_key != "demand":
        gdf = _split_services(gdf, check)
    if area is not None and n:
        _check_area(gdf, check, area, role_key, no_geom)
    if street_distance_m is not None and n:
        _check_streets(gdf, check, street_distance_m, max_street_m)
    if n:
        check_duplicates(gdf, check, role_key, dup_tolerance_m)
        check_ids(gdf, check)

    kept = gdf[~check.skip].reset_index(drop=True)
    kept.attrs = dict(gdf.attrs)
    return kept, check.problems


def _with(msg: Msg, clause: Msg | None) -> Msg:
    """``msg`` followed by ``clause`` when there is one."""
    return msg if clause is None else msg + clause


def _check_weights(gdf: gpd.GeoDataFrame, check: Checker) -> gpd.GeoDataFrame:
    if "weight" not in gdf.columns:
        gdf = gdf.copy()
        gdf["weight"] = 1.0
        check.add(None, Msg("problem.field.weight"), Msg("problem.no_weight_column"), skip=False)
        return gdf
    col = source_column(gdf, "weight")
    raw = gdf["weight"]
    w = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    for i in np.flatnonzero(~(np.isfinite(w) & (w > 0) & (w <= MAX_PEOPLE))):
        if np.isnan(w[i]):
            missing = raw.iat[i] is None or str(raw.iat[i]).strip() in ("", "nan", "None")
            message = Msg("problem.missing_weight") if missing else not_a_number(raw.iat[i])
            check.add(int(i), col, message, skip=True)
        elif not np.isfinite(w[i]) or w[i] <= 0:
            check.add(int(i), col, Msg("problem.weight_not_positive", v=w[i]), skip=True)
        else:
            msg = Msg("problem.weight_too_large", v=w[i], most=MAX_PEOPLE)
            check.add(int(i), col, msg, skip=True)
    return gdf


def _check_capacity(gdf: gpd.GeoDataFrame, check: Checker) -> None:
    if "capacity" not in gdf.columns:
        return
    col = source_column(gdf, "capacity")
    cap = pd.to_numeric(gdf["capacity"], errors="coerce").to_numpy(dtype=float)
    for i in np.flatnonzero(cap <= 0):
        check.add(int(i), col, Msg("problem.capacity_not_positive", v=cap[i]), skip=False)


def _check_tiers(
    gdf: gpd.GeoDataFrame,
    check: Checker,
    allowed: Sequence[str] | None,
    *,
    required: bool,
) -> gpd.GeoDataFrame:
    col = source_column(gdf, "tier")
    if "tier" not in gdf.columns:
        if allowed is not None and required:
            raise InputError(
                Msg("error.input.no_tier_allowed", tiers=list(allowed)),
                check.path,
                field=Msg("problem.field.tier"),
            )
        return gdf
    canon = {key_text(t): str(t) for t in allowed} if allowed is not None else None
    values = gdf["tier"].tolist()
    fixed = list(values)
    hint = Msg("problem.allowed", values=", ".join(map(str, allowed))) if allowed else None
    for i, v in enumerate(values):
        k = key_text(v)
        if not k:
            check.add(i, col, _with(Msg("problem.missing_tier"), hint), skip=True)
        elif canon is not None:
            if k in canon:
                fixed[i] = canon[k]
            else:
                check.add(i, col, _with(Msg("problem.unknown_tier", value=v), hint), skip=True)
    if canon is not None:
        gdf = gdf.copy()
        gdf["tier"] = fixed
    return gdf


def _tier_codes(
    gdf: gpd.GeoDataFrame, check: Checker, vocabulary: Vocabulary, *, required: bool
) -> gpd.GeoDataFrame:
    """Every tier value becomes its code; one error names every value that names no tier."""
    col = source_column(gdf, "tier")
    known = ", ".join(vocabulary.codes)
    # The codes in English (as the scenario writes them), the tiers' names in Chinese.
    known_words = {
        "en": known,
        "zh": "、".join(vocabulary.label(c, "zh") for c in vocabulary.codes),
    }
    if "tier" not in gdf.columns:
        if required:
            raise InputError(
                Msg("error.input.no_tier_known", known=known_words),
                check.path,
                field=Msg("problem.field.tier"),
            )
        return gdf
    codes = [vocabulary.normalize(v) for v in gdf["tier"]]
    blank = [not key_text(v) for v in gdf["tier"]]
    unknown = [i for i, (c, b) in enumerate(zip(codes, blank, strict=True)) if c is None and not b]
    if unknown:
        first, rest = unknown[0], [check.row(i) for i in unknown[1:]]
        more: str | Msg = ""
        if rest:
            shown = ", ".join(str(r) for r in rest[:10])
            more = (
                Msg("error.input.also_rows_more", rows=shown, n=len(rest) - 10)
                if len(rest) > 10
                else Msg("error.input.also_rows", rows=shown)
            )
        msg = unknown_tier(gdf["tier"].iat[first], vocabulary, more)
        raise InputError(msg, check.path, check.row(first), col)
    if required:  # candidates need no tier
        for i in np.flatnonzero(blank):
            check.add(int(i), col, Msg("problem.missing_tier_known", known=known_words), skip=True)
    gdf = gdf.copy()
    gdf["tier"] = pd.Series(
        [c if c is not None else v for c, v in zip(codes, gdf["tier"], strict=True)],
        index=gdf.index,
        dtype=object,
    )
    return gdf


def _check_services(
    gdf: gpd.GeoDataFrame, check: Checker, allowed: Iterable[str]
) -> gpd.GeoDataFrame:
    if "services" not in gdf.columns:
        return gdf
    col = source_column(gdf, "services")
    allowed = list(allowed)
    canon = {key_text(s): str(s) for s in allowed}
    out = []
    for i, services in enumerate(gdf["services"]):
        listed = services if isinstance(services, list | tuple | np.ndarray) else []
        items = [part for s in listed for part in _known_parts(s, canon)]
        known = [canon[key_text(s)] for s in items if key_text(s) in canon]
        unknown = [str(s) for s in items if key_text(s) not in canon]
        if unknown:
            check.add(
                i,
                col,
                Msg(
                    "problem.unknown_services" if len(unknown) > 1 else "problem.unknown_service",
                    names=", ".join(repr(s) for s in unknown),
                    known=", ".join(allowed),
                ),
                skip=False,
            )
        out.append(known)
    gdf = gdf.copy()
    gdf["services"] = pd.Series(out, index=gdf.index, dtype=object)
    return gdf


#: What may join several services in one item: spaces and slashes.
_JOINS = re.compile(r"[\s/／]+")
#: Items a warning names before "…".
_NAMES_SHOWN = 5


def _split_services(gdf: gpd.GeoDataFrame, check: Checker) -> gpd.GeoDataFrame:
    """Without the scenario's services: items of known services with spaces, as their parts.

    Known: :data:`~coverage.vocab.SERVICES` and the services the layer's rows list on their own
    (``休息;饮水`` in one row makes ``休息 饮水`` in another two services). Any other item with a
    space or slash stays as written, reported once for the layer: it counts as one service.
    Not reported: an item of Latin words alone with no known part ("legal aid"), a service's
    own name in an English register (:func:`_looks_joined`).
    """
    if "services" not in gdf.columns:
        return gdf
    lists = [list(v) if isinstance(v, list | tuple | np.ndarray) else v for v in gdf["services"]]
    alone = [str(s) for v in lists if isinstance(v, list) for s in v]
    canon = {key_text(s): s for s in (*SERVICES, *alone) if not _JOINS.search(s.strip())}
    out: list[Any] = []
    whole: dict[str, list[int]] = {}  # item kept as written → its rows
    for i, items in enumerate(lists):
        if not isinstance(items, list):
            out.append(items)
            continue
        parts = [str(p) for s in items for p in _known_parts(s, canon)]
        for part in parts:
            if _looks_joined(part, canon):
                whole.setdefault(part, []).append(check.row(i) or i + 1)
        out.append(parts)
    if whole:
        rows = sorted({r for found in whole.values() for r in found})
        check.add(
            None,
            source_column(gdf, "services"),
            Msg(
                "problem.services_joined",
                n=len(rows),
                names=", ".join(repr(s) for s in list(whole)[:_NAMES_SHOWN])
                + (" …" if len(whole) > _NAMES_SHOWN else ""),
                rows=first_rows(rows, count=False),
            ),
            skip=False,
        )
    gdf = gdf.copy()
    gdf["services"] = pd.Series(out, index=gdf.index, dtype=object)
    return gdf


def _looks_joined(item: str, canon: dict[str, str]) -> bool:
    """Whether ``item``, kept as written, may be several services joined by spaces or slashes.

    So when one of its parts is a known service ("休息 按摩"), or it holds other than ASCII text
    ("免费 WiFi": Chinese service names hold no space); words alone ("legal aid") are a name.
    """
    parts = [p for p in _JOINS.split(item) if p]
    if len(parts) < 2:
        return False
    return not item.isascii() or any(key_text(p) in canon for p in parts)


def _known_parts(item: Any, canon: dict[str, str]) -> list[Any]:
    """An item listing known services with spaces or slashes ("休息 饮水"), as its parts.

    Any other item stays as it is: a service's own name may hold a space.
    """
    if key_text(item) in canon:
        return [item]
    parts = [p for p in _JOINS.split(str(item)) if p]
    if len(parts) > 1 and all(key_text(p) in canon for p in parts):
        return parts
    return [item]


def _check_area(
    gdf: gpd.GeoDataFrame, check: Checker, area: Any, role: str, no_geom: np.ndarray
) -> None:
    shape = _area_geometry(area)
    pts = gdf.geometry.to_crs(4326) if gdf.crs is not None else gdf.geometry
    inside = shapely.covers(shape, pts.to_numpy())
    for i in np.flatnonzero(~inside & ~no_geom):
        if role == "facility":
            check.add(
                int(i),
                GEOMETRY,
                Msg("problem.outside_area_kept"),
                skip=False,
            )
        else:
            check.add(int(i), GEOMETRY, Msg("problem.outside_area"), skip=True)


def _check_streets(
    gdf: gpd.GeoDataFrame,
    check: Checker,
    distance: Sequence[float] | np.ndarray | pd.Series,
    limit: float,
) -> None:
    d = np.asarray(distance, dtype=float)
    if d.shape != (len(gdf),):
        raise ValueError(f"street_distance_m has {d.size} values for {len(gdf)} rows")
    for i in np.flatnonzero(~(d <= limit)):
        msg = (
            Msg("problem.no_street")
            if not np.isfinite(d[i])
            else Msg("problem.far_from_street", d=d[i], limit=limit)
        )
        check.add(int(i), GEOMETRY, msg, skip=True)
