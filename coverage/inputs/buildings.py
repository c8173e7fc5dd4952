"""Demand from building footprints: people estimated from floor area.

For places with no population layer.

Each building of a type counted for the demand kind (residents or workers) becomes one point
(its representative point, WGS-84) weighted by the people its floor area may hold::

    people = footprint area (m², in a local UTM CRS) × levels ÷ floor area per person (m²)

``levels`` is the building's ``building:levels`` tag when it can be read, else a default for its
``building`` type. Every figure behind the estimate is a field of :class:`BuildingAssumptions`,
so a scenario can set it and a run can record it (:meth:`BuildingAssumptions.as_dict`).

Footprints come from OpenStreetMap through osmnx (:func:`download_buildings`, cached on disk like
the walking network) or from any polygon layer with a ``building`` column.

These are coarse estimates: OSM building coverage is uneven, ``building=yes`` says nothing of
use, and floor area per person varies from block to block. Use them where nothing better exists,
and say so in the results.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from coverage import settings
from coverage._optional import import_optional
from coverage.errors import InputError, Msg, ScenarioError, reason_line
from coverage.inputs._building_defaults import (
    BUILDING_TYPES,
    FLOOR_AREA_PER_PERSON_BY_TYPE_M2,
    FLOOR_AREA_PER_PERSON_M2,
    LEVELS_BY_TYPE,
    BuildingAssumptions,
)
from coverage.inputs.boundaries import geos_reason
from coverage.io import probe_folder
from coverage.overpass import download_reason, http_cache, overpass_or_cache
from coverage.vocab import normalize_kind

__all__ = [
    "FLOOR_AREA_PER_PERSON_M2",
    "FLOOR_AREA_PER_PERSON_BY_TYPE_M2",
    "BUILDING_TYPES",
    "LEVELS_BY_TYPE",
    "KEPT_COLUMNS",
    "BuildingAssumptions",
    "PeopleEstimate",
    "parse_levels",
    "skip_reason",
    "estimate_people",
    "download_buildings",
]

log = logging.getLogger(__name__)

# --------------------------------------------------------------------------------------------
# Estimating people
# --------------------------------------------------------------------------------------------

# One OSM value: digits with an optional decimal part (no sign, exponent, inf or nan).
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def parse_levels(value: Any, max_levels: float = 200.0) -> tuple[float | None, str]:
    """Read a ``building:levels`` value.

    Parameters
    ----------
    value
        The tag value: a string (``"5"``, ``"5.5"``, or ``"5;7"``: OSM's separator for several
        values, here different parts of one building), a number, or missing (None, NaN, ``""``).
    max_levels
        Larger values are read as errors.

    Returns
    -------
    levels : float or None
        The levels (the mean when several values are given), or None when there is no usable
        value.
    status : str
        ``"tag"`` (read), ``"missing"`` (no value) or ``"unreadable"`` (a value that is not a
        number of levels: ``"abc"``, ``"-1"``, ``"0"``, ``"5,5"``, ``"5-6"``, above
        ``max_levels``).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None, "missing"
    if isinstance(value, bool):
        return None, "unreadable"
    if isinstance(value, int | float | np.integer | np.floating):
        parts = [float(value)]
    else:
        text = str(value).strip()
        if not text:
            return None, "missing"
        pieces = [p.strip() for p in text.split(";")]
        if not all(_NUMBER.fullmatch(p) for p in pieces):
            return None, "unreadable"
        parts = [float(p) for p in pieces]
    if not all(math.isfinite(p) and 0 < p <= max_levels for p in parts):
        return None, "unreadable"
    return sum(parts) / len(parts), "tag"


class PeopleEstimate(NamedTuple):
    """What :func:`estimate_people` returns.

    Attributes
    ----------
    points
        One point per building used (its representative point, EPSG:4326) with ``weight``
        (people), ``building`` (type), ``levels``, ``levels_source`` (``"tag"`` or
        ``"default"``), ``footprint_m2``, ``floor_area_m2``, and the input's ``element`` and
        ``id`` columns when it has them (osmnx downloads); the index is the input's.
    report
        Counts for the run report: ``kind``, ``buildings_in``, ``buildings_used``, ``skipped``
        (by reason: ``"building=garage"``, ``"no footprint (Point)"``, ``"zero footprint
        area"``), ``levels_from_tag``, ``levels_default``, ``levels_missing`` and
        ``levels_unreadable`` (both of which got the default), ``unreadable_levels`` (up to five
        such values), ``type_missing`` (rows with no ``building`` value, taken as ``yes``),
        ``people`` and ``floor_area_m2`` (totals).
    """

    points: gpd.GeoDataFrame
    report: dict[str, Any]


def _types(buildings: gpd.GeoDataFrame) -> tuple[list[str], int]:
    """The ``building`` value of each row (lower case, first of several); missing → ``yes``."""
    if "building" not in buildings:
        return ["yes"] * len(buildings), len(buildings)
    types, missing = [], 0
    for value in buildings["building"]:
        text = "" if pd.isna(value) else str(value).split(";")[0].strip().lower()
        missing += not text
        types.append(text or "yes")
    return types, missing


def _footprints(buildings: gpd.GeoDataFrame) -> tuple[gpd.GeoSeries, np.ndarray]:
    """Geometries in WGS-84 and their areas (m²) in the layer's local UTM CRS."""
    if buildings.crs is None:
        raise InputError(Msg("error.input.buildings_no_crs"))
    wgs84 = buildings.geometry.to_crs(4326)
    polygons = wgs84.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    areas = np.zeros(len(wgs84))
    if polygons.any():
        utm = wgs84.estimate_utm_crs()
        areas[polygons] = wgs84[polygons].to_crs(utm).area.to_numpy()
    return wgs84, areas


@dataclass
class _Tally:
    """The buildings used (row positions, levels, their source, m² per person) and the rest."""

    rows: list[int] = field(default_factory=list)
    levels: list[float] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    per_person: list[float] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    status: Counter[str] = field(default_factory=Counter)  # parse_levels statuses
    unreadable: list[str] = field(default_factory=list)  # a few examples


def _tally(
    buildings: gpd.GeoDataFrame,
    types: list[str],
    wgs84: gpd.GeoSeries,
    areas: np.ndarray,
    a: BuildingAssumptions,
    kind: str,
) -> _Tally:
    """Sort the buildings into used (with their levels) and skipped (by reason)."""
    counted = set(a.building_types[kind])
    raw_levels = buildings.get("building:levels", pd.Series([None] * len(types), dtype=object))
    t = _Tally()
    for i, (btype, geom, area, raw) in enumerate(zip(types, wgs84, areas, raw_levels, strict=True)):
        if btype not in counted:  # first: a garage drawn as a node is reported as a garage
            t.skipped[f"building={btype}"] += 1
        elif geom is None or geom.is_empty:
            t.skipped["no geometry"] += 1
        elif geom.geom_type not in ("Polygon", "MultiPolygon"):
            t.skipped[f"no footprint ({geom.geom_type})"] += 1
        elif not area > 0:
            t.skipped["zero footprint area"] += 1
        else:
            n, how = parse_levels(raw, a.max_levels)
            t.status[how] += 1
            if how == "unreadable" and len(t.unreadable) < 5:
                t.unreadable.append(str(raw))
            t.rows.append(i)
            t.levels.append(n if n is not None else a.levels_for(btype))
            t.sources.append("tag" if n is not None else "default")
            t.per_person.append(a.area_per_person(btype, kind))
    return t


def skip_reason(why: str, n: int) -> Msg:
    """A reason in the report's ``skipped`` (as `_tally` words it), for ``n`` buildings, worded.

    Kept beside `_tally`: the reasons' program text and their catalogue words change together.
    """
    if why == "no geometry":
        return Msg("problem.note.bld.no_geometry", n=n)
    if why == "zero footprint area":
        return Msg("problem.note.bld.zero_area", n=n)
    if why.startswith("no footprint (") and why.endswith(")"):
        return Msg("problem.note.bld.no_footprint", n=n, kind=why[len("no footprint (") : -1])
    return Msg("problem.note.bld.tag", n=n, tag=why)  # "building=garage": the OSM tag


def estimate_people(
    buildings: gpd.GeoDataFrame,
    assumptions: BuildingAssumptions | None = None,
    kind: str = "residents",
) -> PeopleEstimate:
    """Estimate the people (residents or workers) each building holds.

    Parameters
    ----------
    buildings
        Building footprints in any CRS, with a ``building`` column (OSM type; rows without one
        are taken as ``yes``) and optionally ``building:levels``. Rows that are not polygons
        (buildings mapped as a node) have no footprint and are skipped.
    assumptions
        The figures used; the defaults when None.
    kind
        The demand kind: a key of ``assumptions.building_types``.

    Returns
    -------
    PeopleEstimate
        The weighted points and a report of what was used and skipped (see
        :class:`PeopleEstimate`).

    Raises
    ------
    ScenarioError
        When ``kind`` is not one the assumptions know.
    InputError
        When the layer has no coordinate system.
    """
    a = assumptions or BuildingAssumptions()
    kind = normalize_kind(kind)  # "居民" counts the residents' building types
    if kind not in a.building_types:
        known = ", ".join(a.building_types)
        raise ScenarioError(Msg("error.input.unknown_building_kind", kind=kind, known=known))
    types, type_missing = _types(buildings)
    wgs84, areas = _footprints(buildings)
    t = _tally(buildings, types, wgs84, areas, a, kind)
    take = np.asarray(t.rows, dtype=int)
    floor_area = areas[take] * np.asarray(t.levels, dtype=float)
    data: dict[str, Any] = {
        "weight": floor_area / np.asarray(t.per_person, dtype=float),
        "building": [types[i] for i in t.rows],
        "levels": np.asarray(t.levels, dtype=float),
        "levels_source": t.sources,
        "footprint_m2": areas[take],
        "floor_area_m2": floor_area,
    }
    for col in ("element", "id"):
        if col in buildings:
            data[col] = buildings[col].to_numpy()[take]
    points = gpd.GeoDataFrame(
        data,
        geometry=wgs84.iloc[take].representative_point().to_numpy(),
        crs=4326,
        index=buildings.index[take],
    )
    report: dict[str, Any] = {
        "kind": kind,
        "buildings_in": len(buildings),
        "buildings_used": len(t.rows),
        "skipped": dict(t.skipped.most_common()),
        "levels_from_tag": t.status["tag"],
        "levels_default": t.status["missing"] + t.status["unreadable"],
        "levels_missing": t.status["missing"],
        "levels_unreadable": t.status["unreadable"],
        "unreadable_levels": t.unreadable,
        "type_missing": type_missing,
        "people": float(points["weight"].sum()),
        "floor_area_m2": float(floor_area.sum()),
    }
    if t.status["unreadable"]:
        examples = ", ".join(repr(v) for v in t.unreadable)
        n = t.status["unreadable"]
        log.warning(
            Msg("error.input.levels_unreadable", n=n, tag="building:levels", values=examples)
        )
    return PeopleEstimate(points, report)


# --------------------------------------------------------------------------------------------
# Downloading footprints (osmnx / Overpass), cached on disk
# --------------------------------------------------------------------------------------------

#: Columns kept from a download (and its cache): the OSM element and id, the tags used above,
#: the name for people reading the points, and the geometry.
KEPT_COLUMNS = ("element", "id", "building", "building:levels", "name")


def _check_polygon(polygon: Any) -> shapely.Geometry:
    if not isinstance(polygon, shapely.Polygon | shapely.MultiPolygon) or polygon.is_empty:
        raise InputError(Msg("error.input.buildings_not_polygon", kind=type(polygon).__name__))
    if not polygon.is_valid:
        reason = geos_reason(shapely.is_valid_reason(polygon))
        raise InputError(Msg("error.input.area_invalid", reason=reason))
    w, s, e, n = polygon.bounds
    if not (-180 <= w <= e <= 180 and -90 <= s <= n <= 90):
        raise InputError(Msg("error.input.area_not_lonlat"))
    return polygon


def _writable(folder: Path) -> None:
    """Fail before a download whose result could not be cached (it would be lost)."""
    try:
        probe_folder(folder)
    except FileExistsError:
        raise InputError(Msg("error.input.cache_is_file"), folder) from None
    except OSError as exc:
        msg = Msg("error.input.cache_unwritable", reason=exc.strerror or exc)
        raise InputError(msg, folder) from exc


def _tidy(features: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The kept columns of an osmnx result, tags as text (missing where absent), plain index."""
    flat = features.reset_index()
    data: dict[str, Any] = {
        col: pd.Series(
            [None if pd.isna(v) else str(v) for v in flat[col]] if col in flat else None,
            index=flat.index,
            dtype="str",
        )
        for col in KEPT_COLUMNS
        if col != "id"
    }
    data["id"] = flat["id"].astype("int64")
    out = gpd.GeoDataFrame(data, geometry=flat.geometry.to_numpy(), crs=4326)
    return out[[*KEPT_COLUMNS, "geometry"]]


def _fetch(polygon: shapely.Geometry, cache_dir: Path) -> gpd.GeoDataFrame:
    """Ask Overpass (through osmnx) for every ``building=*`` in the polygon."""
    ox = import_optional("osmnx", Msg("error.purpose.buildings"))
    from osmnx._errors import InsufficientResponseError

    try:
        # offline: at once, not after osmnx's minute of waiting (unless its cache answers)
        with http_cache(ox, cache_dir), overpass_or_cache(ox):
            features = ox.features_from_polygon(polygon, tags={"building": True})
    except InsufficientResponseError:  # osmnx's answer to "no building there"
        log.warning(Msg("error.input.no_buildings"))
        return _tidy(gpd.GeoDataFrame({"id": []}, geometry=[], crs=4326))
    except Exception as exc:  # osmnx raises many types; say what failed, keep the cause
        msg = Msg("error.input.buildings_download", cache=cache_dir, reason=download_reason(exc))
        raise InputError(msg) from exc
    return _tidy(features)


def download_buildings(
    polygon: shapely.Geometry, *, cache_dir: str | Path | None = None
) -> gpd.GeoDataFrame:
    """Download the OSM building footprints in a polygon, cached as GeoParquet.

    The first call asks Overpass through osmnx (``features_from_polygon`` with
    ``{"building": True}``), with osmnx's HTTP cache in ``cache_dir/http``; it then saves the
    result as ``cache_dir/buildings-<key>.parquet``, and later calls for the same polygon read
    that file and need no internet. The caller's osmnx settings are left as they were.

    Parameters
    ----------
    polygon
        The area, a (Multi)Polygon in WGS-84 longitude/latitude.
    cache_dir
        The cache folder (created when missing; shared with the network download).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per OSM element tagged ``building`` (ways and multipolygon relations as
        polygons, nodes as points), EPSG:4326, with the columns of :data:`KEPT_COLUMNS`
        (tags as text, missing where absent). Empty when OSM has no building there.

    Raises
    ------
    InputError
        When the polygon is unusable, the cache folder cannot be written, the download fails,
        or the cached file is damaged (one line, naming the file).
    """
    cache_dir = settings.cache_folder if cache_dir is None else cache_dir
    polygon = _check_polygon(polygon)
    cache_dir = Path(cache_dir)
    query = {"polygon": shapely.to_wkt(polygon, rounding_precision=6), "tags": {"building": True}}
    key = hashlib.sha1(json.dumps(query, sort_keys=True).encode()).hexdigest()[:16]
    cache = cache_dir / f"buildings-{key}.parquet"
    if cache.is_file():
        log.info("using cached buildings %s", cache)
        try:
            return gpd.read_parquet(cache)
        except Exception as exc:
            msg = Msg("error.input.buildings_cache_unreadable", reason=reason_line(exc))
            raise InputError(msg, cache) from exc
    _writable(cache_dir)
    buildings = _fetch(polygon, cache_dir)
    part = cache.with_name(cache.name + ".part")
    try:  # written under another name, then renamed: a cut-off write is never read as a cache
        buildings.to_parquet(part)
        part.replace(cache)
    except OSError as exc:
        part.unlink(missing_ok=True)
        msg = Msg("error.input.buildings_unsaved", reason=exc.strerror or exc)
        raise InputError(msg, cache) from exc
    return buildings
