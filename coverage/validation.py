"""Checking a point layer after reading: duplicates, study area, streets, tiers, services, weights.

:func:`coverage.tables.read_points` already skips rows it cannot read (no coordinates, numbers
that are not numbers). :func:`validate_layer` checks what the planner meant: rows that would make
the results wrong are skipped (``action="skipped"``), doubtful ones are kept with a warning
(``action="kept"``). Every problem names the file, the row as the planner sees it and the field,
so the run report (:func:`problems_frame`) can list every skipped row and why.

What happens to a row, by role:

============================  ==================  ==================  ==================
problem                       facility            demand              candidate
============================  ==================  ==================  ==================
missing tier                  skipped             —                   kept
unknown tier                  error               —                   error
unknown service               kept, dropped from  —                   kept, dropped from
                              its services                            its services
missing / non-positive weight —                   skipped             —
non-positive capacity         kept (warning)      —                   kept (warning)
outside the study area        kept (it may serve  skipped             skipped
                              people inside)
too far from a street         skipped             skipped             skipped
same name, within tolerance   later row skipped   later row skipped   later row skipped
same place, other name        kept (warning)      kept                kept (warning)
same name, far apart          kept (warning)      kept                kept (warning)
same id as an earlier row     kept (warning)      kept (warning)      kept (warning)
============================  ==================  ==================  ==================

Tiers become codes of a :class:`~coverage.vocab.Vocabulary`; with a plain ``allowed_tiers`` list
instead, rows with unknown tiers (and candidates without one) are skipped.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from coverage import settings
from coverage.datum import utm_epsg
from coverage.errors import InputError, Problem
from coverage.vocab import Vocabulary, unknown_tier_message

__all__ = [
    "ROLES",
    "PROBLEM_COLUMNS",
    "validate_layer",
    "problems_frame",
    "skipped_rows",
]

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

#: Columns of the problems table, in order (the keys of :meth:`Problem.as_dict`).
PROBLEM_COLUMNS: tuple[str, ...] = ("file", "row", "field", "problem", "action")


def _key(value: Any) -> str:
    """Comparable form of a name, tier or service: NFKC, no surrounding or inner spaces, casefold."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return "".join(unicodedata.normalize("NFKC", str(value)).split()).casefold()


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


def _metric_xy(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Point coordinates in metres (local UTM), for distances between rows."""
    geom = gdf.geometry
    if gdf.crs is None or not CRS(gdf.crs).is_projected:
        geom = geom.set_crs(4326) if gdf.crs is None else geom.to_crs(4326)
        ok = ~(geom.isna() | geom.is_empty)
        if not ok.any():
            return np.full((len(gdf), 2), np.nan)
        geom = geom.to_crs(utm_epsg(geom[ok].x, geom[ok].y))
    return np.column_stack([geom.x.to_numpy(dtype=float), geom.y.to_numpy(dtype=float)])


class _Checker:
    """Collects problems for one layer and which rows to skip."""

    def __init__(self, gdf: gpd.GeoDataFrame, path: str | Path) -> None:
        self.path = str(path)
        self.rows = (
            gdf["row"].to_numpy()
            if "row" in gdf.columns
            else np.arange(1, len(gdf) + 1)  # positions stand in for row numbers
        )
        self.skip = np.zeros(len(gdf), dtype=bool)
        self.problems: list[Problem] = []

    def row(self, i: int) -> int | None:
        r = self.rows[i]
        return None if pd.isna(r) else int(r)

    def add(self, i: int | None, field: str | None, message: str, *, skip: bool) -> None:
        self.problems.append(
            Problem(
                self.path,
                None if i is None else self.row(i),
                field,
                message,
                action="skipped" if skip else "kept",
            )
        )
        if skip and i is not None:
            self.skip[i] = True


def _source(gdf: gpd.GeoDataFrame, field: str) -> str:
    """The file's column name for a standard field, as read_points recorded it."""
    return str(gdf.attrs.get("columns", {}).get(field, field))


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
    max_street_m: float = settings.max_snap_m,
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Check a layer read by :func:`coverage.tables.read_points`; skip unsafe rows, warn on others.

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
    role_key = _ROLE_ALIASES.get(str(role).strip().lower())
    if role_key is None:
        raise ValueError(f"unknown role '{role}' (use one of {', '.join(ROLES)})")
    gdf = gdf.reset_index(drop=True)
    check = _Checker(gdf, path)
    n = len(gdf)

    geom = gdf.geometry
    no_geom = (geom.isna() | geom.is_empty).to_numpy()
    for i in np.flatnonzero(no_geom):
        check.add(int(i), "geometry", "missing geometry", skip=True)

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
    if area is not None and n:
        _check_area(gdf, check, area, role_key, no_geom)
    if street_distance_m is not None and n:
        _check_streets(gdf, check, street_distance_m, max_street_m)
    if n:
        _check_duplicates(gdf, check, role_key, dup_tolerance_m)
        _check_ids(gdf, check)

    kept = gdf[~check.skip].reset_index(drop=True)
    kept.attrs = dict(gdf.attrs)
    return kept, check.problems


def _check_weights(gdf: gpd.GeoDataFrame, check: _Checker) -> gpd.GeoDataFrame:
    if "weight" not in gdf.columns:
        gdf = gdf.copy()
        gdf["weight"] = 1.0
        check.add(None, "weight", "no weight column: every demand point counts as 1", skip=False)
        return gdf
    col = _source(gdf, "weight")
    raw = gdf["weight"]
    w = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    for i in np.flatnonzero(~(np.isfinite(w) & (w > 0))):
        if np.isnan(w[i]):
            missing = raw.iat[i] is None or str(raw.iat[i]).strip() in ("", "nan", "None")
            check.add(i, col, "missing weight" if missing else f"not a number: '{raw.iat[i]}'",
                      skip=True)  # fmt: skip
        elif not np.isfinite(w[i]) or w[i] <= 0:
            check.add(i, col, f"weight must be positive, got {w[i]:g}", skip=True)
    return gdf


def _check_capacity(gdf: gpd.GeoDataFrame, check: _Checker) -> None:
    if "capacity" not in gdf.columns:
        return
    col = _source(gdf, "capacity")
    cap = pd.to_numeric(gdf["capacity"], errors="coerce").to_numpy(dtype=float)
    for i in np.flatnonzero(cap <= 0):
        check.add(int(i), col, f"capacity should be positive, got {cap[i]:g}", skip=False)


def _check_tiers(
    gdf: gpd.GeoDataFrame,
    check: _Checker,
    allowed: Sequence[str] | None,
    *,
    required: bool,
) -> gpd.GeoDataFrame:
    col = _source(gdf, "tier")
    if "tier" not in gdf.columns:
        if allowed is not None and required:
            raise InputError(
                f"no tier column: every facility needs one of the tiers {list(allowed)}",
                check.path,
                field="tier",
            )
        return gdf
    canon = {_key(t): str(t) for t in allowed} if allowed is not None else None
    values = gdf["tier"].tolist()
    fixed = list(values)
    hint = f" (allowed: {', '.join(map(str, allowed))})" if allowed is not None else ""
    for i, v in enumerate(values):
        k = _key(v)
        if not k:
            check.add(i, col, f"missing tier{hint}", skip=True)
        elif canon is not None:
            if k in canon:
                fixed[i] = canon[k]
            else:
                check.add(i, col, f"unknown tier '{v}'{hint}", skip=True)
    if canon is not None:
        gdf = gdf.copy()
        gdf["tier"] = fixed
    return gdf


def _tier_codes(
    gdf: gpd.GeoDataFrame, check: _Checker, vocabulary: Vocabulary, *, required: bool
) -> gpd.GeoDataFrame:
    """Every tier value becomes its code; one error names every value that names no tier."""
    col = _source(gdf, "tier")
    known = ", ".join(vocabulary.codes)
    if "tier" not in gdf.columns:
        if required:
            raise InputError(
                f"no tier column: every facility needs a tier ({known}, or a declared type)",
                check.path,
                field="tier",
            )
        return gdf
    codes = [vocabulary.normalize(v) for v in gdf["tier"]]
    blank = [not _key(v) for v in gdf["tier"]]
    unknown = [i for i, (c, b) in enumerate(zip(codes, blank, strict=True)) if c is None and not b]
    if unknown:
        first, rest = unknown[0], [check.row(i) for i in unknown[1:]]
        more = ""
        if rest:
            shown = ", ".join(str(r) for r in rest[:10])
            more = f" (also rows {shown}{f' and {len(rest) - 10} more' if len(rest) > 10 else ''})"
        value = gdf["tier"].iat[first]
        raise InputError(
            unknown_tier_message(value, vocabulary, more), check.path, check.row(first), col
        )
    if required:  # candidates need no tier
        for i in np.flatnonzero(blank):
            check.add(int(i), col, f"missing tier (known: {known})", skip=True)
    gdf = gdf.copy()
    gdf["tier"] = pd.Series(
        [c if c is not None else v for c, v in zip(codes, gdf["tier"], strict=True)],
        index=gdf.index,
        dtype=object,
    )
    return gdf


def _check_services(
    gdf: gpd.GeoDataFrame, check: _Checker, allowed: Iterable[str]
) -> gpd.GeoDataFrame:
    if "services" not in gdf.columns:
        return gdf
    col = _source(gdf, "services")
    allowed = list(allowed)
    canon = {_key(s): str(s) for s in allowed}
    out = []
    for i, services in enumerate(gdf["services"]):
        items = services if isinstance(services, list | tuple | np.ndarray) else []
        known = [canon[_key(s)] for s in items if _key(s) in canon]
        unknown = [str(s) for s in items if _key(s) not in canon]
        if unknown:
            check.add(
                i,
                col,
                f"unknown service{'s' if len(unknown) > 1 else ''} "
                f"{', '.join(repr(s) for s in unknown)} ignored (known: {', '.join(allowed)})",
                skip=False,
            )
        out.append(known)
    gdf = gdf.copy()
    gdf["services"] = pd.Series(out, index=gdf.index, dtype=object)
    return gdf


def _check_area(
    gdf: gpd.GeoDataFrame, check: _Checker, area: Any, role: str, no_geom: np.ndarray
) -> None:
    shape = _area_geometry(area)
    pts = gdf.geometry.to_crs(4326) if gdf.crs is not None else gdf.geometry
    inside = shapely.covers(shape, pts.to_numpy())
    for i in np.flatnonzero(~inside & ~no_geom):
        if role == "facility":
            check.add(
                int(i),
                "geometry",
                "outside the study area; kept because it may serve people across the boundary",
                skip=False,
            )
        else:
            check.add(int(i), "geometry", "outside the study area", skip=True)


def _check_streets(
    gdf: gpd.GeoDataFrame,
    check: _Checker,
    distance: Sequence[float] | np.ndarray | pd.Series,
    limit: float,
) -> None:
    d = np.asarray(distance, dtype=float)
    if d.shape != (len(gdf),):
        raise ValueError(f"street_distance_m has {d.size} values for {len(gdf)} rows")
    for i in np.flatnonzero(~(d <= limit)):
        msg = (
            "no walkable street found nearby"
            if not np.isfinite(d[i])
            else f"{d[i]:.0f} m from the nearest walkable street (limit {limit:.0f} m)"
        )
        check.add(int(i), "geometry", msg, skip=True)


def _check_duplicates(gdf: gpd.GeoDataFrame, check: _Checker, role: str, tol: float) -> None:
    """Same name at the same place: later rows are skipped; other coincidences are warnings.

    Only rows not skipped by earlier checks take part, so a row is never called a duplicate of
    a row that was not used.
    """
    live = np.flatnonzero(~check.skip)
    if len(live) < 2:
        return
    xy = _metric_xy(gdf)[live]
    ok = np.isfinite(xy).all(axis=1)
    live, xy = live[ok], xy[ok]
    names = np.array([_key(v) for v in gdf["name"]]) if "name" in gdf.columns else None
    name_col = _source(gdf, "name")
    # Attributes that make two nameless rows the same entry (all standard columns but row).
    attr_cols = [c for c in gdf.columns if c not in ("row", gdf.geometry.name)]
    sig = [
        tuple(_key(v) if not isinstance(v, list) else tuple(v) for v in r)
        for r in gdf[attr_cols].itertuples(index=False, name=None)
    ]
    pairs = cKDTree(xy).query_pairs(tol, output_type="ndarray") if len(live) else np.empty((0, 2))
    pos = {int(k): p for p, k in enumerate(live)}
    dup_a, dup_b, near = [], [], []
    for a, b in pairs:
        i, j = sorted((int(live[a]), int(live[b])), key=lambda k: (check.rows[k], k))
        same_name = names is not None and names[i] != "" and names[i] == names[j]
        nameless_twin = (names is None or names[i] == names[j] == "") and sig[i] == sig[j]
        if same_name or nameless_twin:
            dup_a.append(i)
            dup_b.append(j)
        else:
            near.append((i, j))
    if dup_a:
        # Chains (A≈B≈C) form one group; its first row is kept.
        n = len(gdf)
        graph = coo_matrix((np.ones(len(dup_a)), (dup_a, dup_b)), shape=(n, n))
        _, label = connected_components(graph, directed=False)
        members: dict[int, list[int]] = {}
        for k in set(dup_a) | set(dup_b):
            members.setdefault(int(label[k]), []).append(k)
        for group in members.values():
            group.sort(key=lambda k: (check.rows[k], k))
            first = group[0]
            for k in group[1:]:
                d = float(np.hypot(*(xy[pos[k]] - xy[pos[first]])))
                what = (
                    f"same name '{gdf['name'].iat[k]}'"
                    if names is not None and names[k]
                    else "same attributes"
                )
                check.add(
                    k,
                    name_col if names is not None and names[k] else "geometry",
                    f"duplicate of row {check.row(first)} ({what}, {d:.1f} m apart)",
                    skip=True,
                )
    if role != "demand":
        # Two names at one place: often two services sharing a building (kept), sometimes one
        # facility entered twice under two names; only the planner can tell.
        for i, j in sorted(near, key=lambda p: (check.rows[p[1]], check.rows[p[0]])):
            if check.skip[i] or check.skip[j]:
                continue
            d = float(np.hypot(*(xy[pos[i]] - xy[pos[j]])))
            label = f" ('{gdf['name'].iat[i]}')" if names is not None and names[i] else ""
            check.add(
                j,
                "geometry",
                f"{d:.1f} m from row {check.row(i)}{label}: same place, different name; check "
                "that it is not the same facility",
                skip=False,
            )
    if names is not None and role != "demand":
        # The same name far apart: two branches, or one facility entered twice with a typo in
        # the coordinates. Only a warning: chains of "职工之家" share names legitimately.
        skipped_now = check.skip
        seen: dict[str, int] = {}
        for k in sorted(live.tolist(), key=lambda k: (check.rows[k], k)):
            if skipped_now[k] or not names[k]:
                continue
            if names[k] in seen:
                first = seen[names[k]]
                d = float(np.hypot(*(xy[pos[k]] - xy[pos[first]])))
                check.add(
                    k,
                    name_col,
                    f"same name as row {check.row(first)} ('{gdf['name'].iat[k]}') but "
                    f"{d:.0f} m away; check that it is a different facility",
                    skip=False,
                )
            else:
                seen[names[k]] = k


def _check_ids(gdf: gpd.GeoDataFrame, check: _Checker) -> None:
    """The same id on several rows: every later row is reported, naming the first one.

    Kept with a warning: which row the id belongs to, only the planner can tell (rows that are
    the same entry twice are already skipped as duplicates). Ids are compared after NFKC and
    trimming, so a full-width ``００１`` is ``001``.
    """
    if "id" not in gdf.columns:
        return
    col = _source(gdf, "id")
    first: dict[str, int] = {}
    for k in sorted(range(len(gdf)), key=lambda k: (check.rows[k], k)):
        value = gdf["id"].iat[k]
        if value is None or (isinstance(value, float) and np.isnan(value)):
            continue
        key = unicodedata.normalize("NFKC", str(value)).strip()
        if not key:
            continue
        if key in first:
            check.add(
                k,
                col,
                f"duplicate id '{key}': row {check.row(first[key])} has the same id (ids must be "
                "unique)",
                skip=False,
            )
        else:
            first[key] = k


def problems_frame(problems: Iterable[Problem]) -> pd.DataFrame:
    """The problems as a table for the run report: file, row, field, problem, action.

    Sorted by file and row (layer-wide problems, without a row, first); ``row`` is a nullable
    integer column.
    """
    frame = pd.DataFrame([p.as_dict() for p in problems], columns=list(PROBLEM_COLUMNS))
    frame["row"] = pd.array(frame["row"], dtype="Int64")
    order = frame.assign(_has_row=frame["row"].notna()).sort_values(
        ["file", "_has_row", "row"], kind="stable", na_position="first"
    )
    return order.drop(columns="_has_row").reset_index(drop=True)


def skipped_rows(problems: Iterable[Problem]) -> pd.DataFrame:
    """One line per skipped row with all its reasons joined, for the "skipped rows" sheet."""
    frame = problems_frame(p for p in problems if p.action == "skipped" and p.row is not None)
    if frame.empty:
        return frame[["file", "row", "field", "problem"]]
    grouped = frame.groupby(["file", "row"], sort=True, dropna=False)
    out = grouped.agg(
        field=("field", lambda s: "; ".join(dict.fromkeys(str(v) for v in s if v is not None))),
        problem=("problem", lambda s: "; ".join(dict.fromkeys(s))),
    )
    return out.reset_index()
