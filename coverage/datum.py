"""Chinese map datums: GCJ-02 and BD-09 to and from WGS-84, and a wrong-datum detector.

Chinese web maps do not publish WGS-84 coordinates. Amap/Gaode, Tencent and Google's China maps
use **GCJ-02**, an obfuscated datum offset from WGS-84 by a few hundred metres that varies
irregularly from place to place; Baidu uses **BD-09**, a further shift of GCJ-02. A facility
register copied from such a map is therefore 300–700 m off the OpenStreetMap streets, enough to
snap a station to the wrong side of a river or block.

The conversions are those of `prcoords <https://github.com/Artoria2e5/PRCoords>`_ (public
domain); nothing here re-implements the obfuscation formulas. The inverse directions
(GCJ-02 → WGS-84, BD-09 → WGS-84) have no closed form: by default the precise iterative inverse
(``*_bored``, ~1 mm) is used; ``precise=False`` gives the common one-step approximation (~1 m).

prcoords works on one point at a time. The functions here take arrays, convert each distinct
coordinate pair once (registers often repeat positions) and leave points outside prcoords' China
box unchanged, as prcoords itself does — the obfuscation is undefined outside China.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import prcoords
import shapely
from pyproj import CRS

#: Datums handled here besides plain EPSG codes.
DATUMS: tuple[str, ...] = ("wgs84", "gcj02", "bd09")

#: Display names used in messages.
DATUM_NAMES: dict[str, str] = {"wgs84": "WGS-84", "gcj02": "GCJ-02", "bd09": "BD-09"}

#: Ways people write the datums in scenarios and column names (compared after lower-casing and
#: removing spaces, hyphens and underscores).
DATUM_ALIASES: dict[str, str] = {
    "wgs84": "wgs84",
    "wgs": "wgs84",
    "gps": "wgs84",
    "epsg4326": "wgs84",
    "4326": "wgs84",
    "gcj02": "gcj02",
    "gcj": "gcj02",
    "amap": "gcj02",
    "gaode": "gcj02",
    "autonavi": "gcj02",
    "tencent": "gcj02",
    "qq": "gcj02",
    "高德": "gcj02",
    "腾讯": "gcj02",
    "火星": "gcj02",
    "火星坐标": "gcj02",
    "国测局": "gcj02",
    "bd09": "bd09",
    "bd09ll": "bd09",
    "bd": "bd09",
    "baidu": "bd09",
    "百度": "bd09",
}

#: Rough extent of China (lon min, lat min, lon max, lat max) for plausibility checks.
CHINA_BOUNDS: tuple[float, float, float, float] = (73.0, 18.0, 135.0, 54.0)


def normalize_datum(name: object) -> str | None:
    """``"wgs84"``, ``"gcj02"`` or ``"bd09"`` for a datum name or alias; None for anything else.

    Examples: ``"GCJ-02"``, ``"amap"``, ``"高德"`` → ``"gcj02"``; ``"EPSG:4326"`` → ``"wgs84"``;
    ``"EPSG:32650"`` → None (a projected CRS, not a datum handled here).
    """
    key = re.sub(r"[\s_\-:]", "", str(name).strip().lower())
    return DATUM_ALIASES.get(key)


#: Other names a layer's ``crs`` may use for EPSG codes (compared like :data:`DATUM_ALIASES`).
CRS_ALIASES: dict[str, int] = {"cgcs2000": 4490, "cgcs": 4490}

_EPSG = re.compile(r"(?:epsg)?(\d{4,6})")


def accepted_crs() -> str:
    """The values a layer's ``crs`` accepts, for error messages (generated from the alias lists)."""
    groups = []
    for key in DATUMS:
        # "4326" and "epsg4326" are EPSG codes, listed as such.
        names = [a for a, k in DATUM_ALIASES.items() if k == key != a and not a[-1].isdigit()]
        groups.append(f"{key} ({', '.join(names)})" if names else key)
    return (
        f"{', '.join(groups)}, cgcs2000 (cgcs; EPSG:4490) or an EPSG code such as 4326, "
        '"EPSG:4326" or 32650 (case, spaces, hyphens and underscores do not matter)'
    )


def parse_crs(value: object) -> str | int:
    """A layer's declared coordinate system in canonical form, or ValueError.

    Only the documented names are accepted — ``wgs84``, ``gcj02``, ``bd09``, their aliases in
    :data:`DATUM_ALIASES`, ``cgcs2000`` — and EPSG codes (``4326``, ``"EPSG:4326"``,
    ``32650``), so that no misspelling can slip through as "some other CRS" and silently switch
    the datum check off.

    Returns
    -------
    str or int
        ``"wgs84"``, ``"gcj02"`` or ``"bd09"`` (EPSG:4326 counts as ``"wgs84"``), or an EPSG code.

    Raises
    ------
    ValueError
        Naming the value and listing the accepted ones (:func:`accepted_crs`).
    """
    if isinstance(value, bool) or not isinstance(value, str | int | np.integer):
        raise ValueError(f"crs must be a name or an EPSG code, not {value!r}; use {accepted_crs()}")
    key = normalize_datum(value)
    if key is not None:
        return key
    text = re.sub(r"[\s_\-:]", "", str(value).strip().lower())
    code = CRS_ALIASES.get(text)
    if code is None and (m := _EPSG.fullmatch(text)):
        code = int(m.group(1))
    if code is None:
        raise ValueError(f"unknown coordinate system '{value}'; use {accepted_crs()}")
    try:
        crs = CRS.from_epsg(code)
    except Exception as exc:
        raise ValueError(f"unknown EPSG code {code}; use {accepted_crs()}") from exc
    return "wgs84" if crs.equals(CRS.from_epsg(4326)) else code


def in_china(lon: Any, lat: Any) -> np.ndarray:
    """Whether points fall in the rough extent of China (:data:`CHINA_BOUNDS`)."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    x0, y0, x1, y1 = CHINA_BOUNDS
    return (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)


def convertible(lon: Any, lat: Any) -> np.ndarray:
    """Whether prcoords shifts a point (its generous China box); other points stay unchanged."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    # The box of prcoords.sanity_in_china_p, vectorised; a test checks they agree.
    return (lat >= 0.8293) & (lat <= 55.8271) & (lon >= 72.004) & (lon <= 137.8347)


def _apply(
    func: Callable[..., tuple[float, float]], lon: Any, lat: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Apply a prcoords ``(lat, lon) -> (lat, lon)`` function to arrays of points."""
    # Broadcast views are read-only: copy into fresh arrays that receive the results.
    lon, lat = (
        a.copy() for a in np.broadcast_arrays(np.asarray(lon, float), np.asarray(lat, float))
    )
    mask = np.isfinite(lon) & np.isfinite(lat) & convertible(lon, lat)
    if not mask.any():
        return lon, lat
    pairs = np.column_stack([lat[mask], lon[mask]])
    unique, inverse = np.unique(pairs, axis=0, return_inverse=True)
    with warnings.catch_warnings():
        # Points are inside prcoords' box, but an intermediate BD-09 → GCJ-02 step can land a
        # hair outside it; prcoords would warn and return that step unchanged, which is right.
        warnings.simplefilter("ignore")
        out = np.array([func((a, b), False) for a, b in unique], dtype=float).reshape(-1, 2)
    out = out[inverse.ravel()]
    lat[mask], lon[mask] = out[:, 0], out[:, 1]
    return lon, lat


_TO_WGS: dict[str, tuple[Callable[..., Any], Callable[..., Any]]] = {
    # datum: (precise inverse, one-step approximate inverse)
    "gcj02": (prcoords.gcj_wgs_bored, prcoords.gcj_wgs),
    "bd09": (prcoords.bd_wgs_bored, prcoords.bd_wgs),
}
_FROM_WGS: dict[str, Callable[..., Any]] = {"gcj02": prcoords.wgs_gcj, "bd09": prcoords.wgs_bd}


def _datum(datum: str) -> str:
    key = normalize_datum(datum)
    if key is None:
        raise ValueError(f"unknown datum '{datum}' (use one of {', '.join(DATUMS)})")
    return key


def to_wgs84(
    lon: Any, lat: Any, datum: str, *, precise: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Convert longitudes/latitudes from ``datum`` (``wgs84``, ``gcj02``, ``bd09``) to WGS-84.

    Parameters
    ----------
    lon, lat
        Arrays (or scalars) in degrees. NaN stays NaN.
    datum
        Datum of the input (aliases such as ``"amap"`` or ``"百度"`` are accepted).
    precise
        Use prcoords' iterative inverse (about 1 mm) rather than the one-step one (about 1 m).

    Returns
    -------
    (lon, lat)
        Float arrays of the broadcast input shape. Points outside China are returned unchanged.
    """
    key = _datum(datum)
    if key == "wgs84":
        lon, lat = np.broadcast_arrays(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
        return lon.copy(), lat.copy()
    precise_fn, rough_fn = _TO_WGS[key]
    return _apply(precise_fn if precise else rough_fn, lon, lat)


def from_wgs84(lon: Any, lat: Any, datum: str) -> tuple[np.ndarray, np.ndarray]:
    """Convert WGS-84 longitudes/latitudes to ``datum``, e.g. to draw on GCJ-02 (Amap) tiles.

    The forward direction is exact (it is the obfuscation itself). Points outside China are
    returned unchanged.
    """
    key = _datum(datum)
    if key == "wgs84":
        lon, lat = np.broadcast_arrays(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
        return lon.copy(), lat.copy()
    return _apply(_FROM_WGS[key], lon, lat)


# --- detector -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DatumFinding:
    """One result of :func:`check_datum`.

    Attributes
    ----------
    code
        ``"datum_ok"``, ``"looks_gcj02"``, ``"looks_bd09"``, ``"looks_wgs84"``,
        ``"latlon_swapped"``, ``"out_of_range"``, ``"outside_china"``, ``"far_from_streets"``
        or ``"inconclusive"``.
    level
        ``"warning"`` (the planner should act) or ``"info"``.
    message
        One sentence for the run report.
    details
        Numbers behind the message (counts, median distances in metres, row numbers).
    """

    code: str
    level: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        return f"[{self.level}] {self.message}"


def utm_epsg(lon: Any, lat: Any) -> int:
    """EPSG code of the WGS-84 UTM zone around the median of the points (metric distances).

    Computed from the zone numbering directly: geopandas' ``estimate_utm_crs`` queries the PROJ
    database and costs ~0.1 s per call, too slow for checks run on every layer.
    """
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    ok = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    if not ok.any():
        raise ValueError("no valid longitude/latitude to choose a UTM zone")
    x, y = float(np.median(lon[ok])), float(np.median(lat[ok]))
    zone = min(int((x + 180) // 6) + 1, 60)
    return (32600 if y >= 0 else 32700) + zone


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


def _metric(geoms: gpd.GeoSeries, lon: np.ndarray, lat: np.ndarray) -> gpd.GeoSeries:
    """Street geometries in a metric CRS (their own if projected in metres, else local UTM)."""
    crs = geoms.crs
    if crs is None:
        x0, y0, x1, y1 = geoms.total_bounds
        if -180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90:
            geoms = geoms.set_crs(4326)
        else:
            raise ValueError("the streets have no CRS and are not in longitude/latitude")
    crs = CRS(geoms.crs)
    if crs.is_projected and crs.axis_info and crs.axis_info[0].unit_name in ("metre", "meter"):
        return geoms
    return geoms.to_crs(utm_epsg(lon, lat))


def _nearest_m(
    tree: shapely.STRtree, crs: Any, lon: np.ndarray, lat: np.ndarray, search_m: float
) -> np.ndarray:
    """Distance (m) from each WGS-84 point to the nearest street; inf when none within reach."""
    pts = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=4326).to_crs(crs).to_numpy()
    dist = np.full(len(pts), np.inf)
    idx, d = tree.query_nearest(pts, max_distance=search_m, return_distance=True)
    # Ties return several streets for one point; the distances are equal, keep the minimum.
    np.minimum.at(dist, idx[0], d)
    return dist


def check_datum(
    points: Any,
    streets: gpd.GeoDataFrame | gpd.GeoSeries | None = None,
    *,
    declared: str = "wgs84",
    max_points: int = 2000,
    min_points: int = 5,
    search_m: float = 2000.0,
    far_m: float = 300.0,
    seed: int = 0,
) -> list[DatumFinding]:
    """Warn when a point layer looks like it is in another datum than declared.

    Parameters
    ----------
    points
        The layer as read, already converted to WGS-84 from the ``declared`` datum:
        GeoDataFrame (a ``row`` column is used to name rows), GeoSeries, or ``(lon, lat)``.
    streets
        Street lines (any CRS) the points should lie along, or any "truth" geometries such as
        surveyed positions. When given, each point's distance to the nearest street is compared
        as declared and as if the file had been GCJ-02, BD-09 or WGS-84; a datum under which the
        points sit systematically closer to the streets is reported.
    declared
        The datum the layer was declared in (``wgs84``, ``gcj02``, ``bd09``; EPSG codes count as
        WGS-84-based).
    max_points
        Larger layers are checked on a random sample of this many points (fixed ``seed``).
    min_points
        Fewer points near the streets than this make the street comparison inconclusive.
    search_m
        Streets farther than this from a point are not looked for (the point counts as far).
    far_m
        Median distance above which the points are reported as far from the streets.
    seed
        Seed of the sample.

    Returns
    -------
    list of DatumFinding
        Warnings first; with streets, always one finding on the datum (``datum_ok`` with the
        distances, a ``looks_*`` warning, or ``inconclusive``).
    """
    decl = normalize_datum(declared) or "wgs84"
    lon, lat, rows = _lonlat(points)
    findings: list[DatumFinding] = []
    finite = np.isfinite(lon) & np.isfinite(lat)
    n = int(finite.sum())

    # (b) Latitude/longitude swapped, or out of range altogether.
    out_of_range = finite & ((np.abs(lat) > 90) | (np.abs(lon) > 180))
    swapped = finite & ~in_china(lon, lat) & in_china(lat, lon)
    if swapped.any():
        k = int(swapped.sum())
        findings.append(
            DatumFinding(
                "latlon_swapped",
                "warning",
                f"{k} of {n} points fit China only with longitude and latitude swapped "
                f"(rows {_row_list(rows, swapped)}): check that the longitude column holds "
                "values of about 73–135 and the latitude column 18–54",
                {"count": k, "of": n, "rows": _row_list(rows, swapped, 1000)},
            )
        )
    rest = out_of_range & ~swapped
    if rest.any():
        k = int(rest.sum())
        findings.append(
            DatumFinding(
                "out_of_range",
                "warning",
                f"{k} of {n} points have a latitude beyond ±90° or a longitude beyond ±180° "
                f"(rows {_row_list(rows, rest)})",
                {"count": k, "of": n, "rows": _row_list(rows, rest, 1000)},
            )
        )

    # (c) A Chinese datum declared for points outside China.
    usable = finite & ~out_of_range & ~swapped
    if decl != "wgs84":
        outside = usable & ~in_china(lon, lat)
        if outside.any():
            k = int(outside.sum())
            unchanged = int((outside & ~convertible(lon, lat)).sum())
            findings.append(
                DatumFinding(
                    "outside_china",
                    "warning",
                    f"{k} of {n} points are outside China although the layer is declared "
                    f"{DATUM_NAMES[decl]} (rows {_row_list(rows, outside)}): the "
                    f"{DATUM_NAMES[decl]} shift is only defined in China"
                    + (f", so {unchanged} of them were used unchanged" if unchanged else "")
                    + "; check the coordinates or the declared coordinate system",
                    {
                        "count": k,
                        "of": n,
                        "unchanged": unchanged,
                        "rows": _row_list(rows, outside, 1000),
                    },
                )
            )

    # (a) Distance to the streets as declared and under the other datums.
    if streets is not None:
        findings.append(
            _street_check(
                lon[usable],
                lat[usable],
                streets,
                decl,
                max_points,
                min_points,
                search_m,
                far_m,
                seed,
            )
        )
        if findings[-1].code == "far_from_streets":
            findings.insert(0, findings.pop())
    # Warnings before information, keeping the order otherwise.
    findings.sort(key=lambda f: f.level != "warning")
    return findings


def _street_check(
    lon: np.ndarray,
    lat: np.ndarray,
    streets: gpd.GeoDataFrame | gpd.GeoSeries,
    decl: str,
    max_points: int,
    min_points: int,
    search_m: float,
    far_m: float,
    seed: int,
) -> DatumFinding:
    name = DATUM_NAMES[decl]
    # Only points where the datums differ tell anything; others are the same under every datum.
    china = in_china(lon, lat)
    lon, lat = lon[china], lat[china]
    if len(lon) > max_points:
        pick = np.random.default_rng(seed).choice(len(lon), size=max_points, replace=False)
        lon, lat = lon[np.sort(pick)], lat[np.sort(pick)]
    if len(lon) < min_points:
        return DatumFinding(
            "inconclusive",
            "info",
            f"too few points in China ({len(lon)}) to check the datum against the streets",
            {"points": len(lon)},
        )
    geoms = streets.geometry if isinstance(streets, gpd.GeoDataFrame) else streets
    geoms = geoms[~(geoms.isna() | geoms.is_empty)]
    metric = _metric(geoms, lon, lat)
    tree = shapely.STRtree(metric.to_numpy())

    # Recover the coordinates as they were in the file, then read them under each datum.
    raw_lon, raw_lat = from_wgs84(lon, lat, decl)
    dist: dict[str, np.ndarray] = {}
    for datum in DATUMS:
        if datum == decl:
            x, y = lon, lat
        else:
            x, y = to_wgs84(raw_lon, raw_lat, datum)
        dist[datum] = _nearest_m(tree, metric.crs, x, y, search_m)
    near = np.zeros(len(lon), dtype=bool)
    for d in dist.values():
        near |= np.isfinite(d)
    medians = {
        k: float(np.median(v[near])) if near.any() else float("inf") for k, v in dist.items()
    }
    details: dict[str, Any] = {
        "points": int(len(lon)),
        "points_near_streets": int(near.sum()),
        "median_m": {DATUM_NAMES[k]: round(v, 1) for k, v in medians.items()},
    }
    if near.sum() < min_points:
        return DatumFinding(
            "inconclusive",
            "info",
            f"only {int(near.sum())} of {len(lon)} points are within {search_m:.0f} m of the "
            "streets: the street network may not cover this layer, so its datum was not checked",
            details,
        )
    best = min((k for k in DATUMS if k != decl), key=lambda k: medians[k])
    here, there = medians[decl], medians[best]
    closer = float(np.mean(dist[best][near] < dist[decl][near]))
    details.update({"best": DATUM_NAMES[best], "share_closer": round(closer, 3)})
    others = ", ".join(
        f"{medians[k]:.0f} m if read as {DATUM_NAMES[k]}" for k in DATUMS if k != decl
    )
    # "Systematically closer": the median halves, by a few metres at least (noise of a good
    # register), and most points move closer — one outlier group cannot decide it.
    if there <= 0.5 * here and here - there >= 5.0 and closer >= 0.6:
        action = (
            f"declare crs: {best}" if decl == "wgs84" else f"declare crs: {best} instead of {decl}"
        )
        return DatumFinding(
            f"looks_{best}",
            "warning",
            f"points look like {DATUM_NAMES[best]} coordinates although the layer is declared "
            f"{name}: the median distance to the nearest street is {here:.0f} m as declared and "
            f"{there:.0f} m if read as {DATUM_NAMES[best]} ({closer:.0%} of the points move "
            f"closer); {action}",
            details,
        )
    if here > far_m:
        return DatumFinding(
            "far_from_streets",
            "warning",
            f"points are far from the streets under every datum (median {here:.0f} m as "
            f"declared, {others}): the street network may not cover them, or the coordinate "
            "system is wrong",
            details,
        )
    return DatumFinding(
        "datum_ok",
        "info",
        f"{name} OK: the median distance to the nearest street is {here:.0f} m as declared "
        f"({others})",
        details,
    )


def describe_findings(findings: Sequence[DatumFinding]) -> str:
    """One line per finding, for logs and the console."""
    return "\n".join(str(f) for f in findings)
