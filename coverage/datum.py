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
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import prcoords
import shapely
from pyproj import CRS, Transformer
from scipy import stats

from coverage.errors import InputError, Problem

__all__ = [
    "DATUMS",
    "DATUM_NAMES",
    "DATUM_ALIASES",
    "CHINA_BOUNDS",
    "normalize_datum",
    "CRS_ALIASES",
    "accepted_crs",
    "parse_crs",
    "in_china",
    "convertible",
    "to_wgs84",
    "from_wgs84",
    "DatumFinding",
    "utm_epsg",
    "check_datum",
    "review",
]

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
        ``"rows_other_datum"``, ``"latlon_swapped"``, ``"out_of_range"``, ``"outside_china"``,
        ``"far_from_streets"`` or ``"inconclusive"``.
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


def _street_geoms(streets: gpd.GeoDataFrame | gpd.GeoSeries) -> gpd.GeoSeries:
    """Street geometries in a metric CRS (their own if projected in metres, else local UTM)."""
    geoms = streets.geometry if isinstance(streets, gpd.GeoDataFrame) else streets
    geoms = geoms[~(geoms.isna() | geoms.is_empty)]
    if geoms.crs is None:
        x0, y0, x1, y1 = geoms.total_bounds
        if -180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90:
            geoms = geoms.set_crs(4326)
        else:
            raise ValueError("the streets have no CRS and are not in longitude/latitude")
    crs = CRS(geoms.crs)
    if crs.is_projected and crs.axis_info and crs.axis_info[0].unit_name in ("metre", "meter"):
        return geoms
    # The zone of the streets themselves: the points may be the ones that are wrong.
    x0, y0, x1, y1 = geoms.to_crs(4326).total_bounds
    return geoms.to_crs(utm_epsg([(x0 + x1) / 2], [(y0 + y1) / 2]))


def _extent(metric: gpd.GeoSeries, margin_deg: float = 0.02) -> tuple[float, float, float, float]:
    """Longitude/latitude box of the streets, with a margin of about 2 km."""
    tr = Transformer.from_crs(metric.crs, 4326, always_xy=True)
    x0, y0, x1, y1 = tr.transform_bounds(*metric.total_bounds, densify_pts=21)
    return x0 - margin_deg, y0 - margin_deg, x1 + margin_deg, y1 + margin_deg


def _inside(box: tuple[float, float, float, float], lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    x0, y0, x1, y1 = box
    return (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)


def _project(crs: Any, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """WGS-84 points as shapely points in ``crs``."""
    return gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=4326).to_crs(crs).to_numpy()


def _nearest_m(tree: shapely.STRtree, pts: np.ndarray, search_m: float) -> np.ndarray:
    """Distance (m) from each metric point to the nearest street; inf when none within reach."""
    dist = np.full(len(pts), np.inf)
    idx, d = tree.query_nearest(pts, max_distance=search_m, return_distance=True)
    # Ties return several streets for one point; the distances are equal, keep the minimum.
    np.minimum.at(dist, idx[0], d)
    return dist


def _m(value: float, search_m: float) -> str:
    """A distance for messages; inf means nothing within the search radius."""
    return f"{value:.0f} m" if np.isfinite(value) else f"more than {search_m:.0f} m"


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
        :func:`_layer_verdict` for when another datum fits "systematically"), and points outside
        the streets' extent that fall inside it with longitude and latitude exchanged are
        reported as swapped — anywhere in the world, not only in China.
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
    metric = _street_geoms(streets) if streets is not None else None

    # (b) Latitude/longitude swapped, or out of range altogether.
    out_of_range = finite & ((np.abs(lat) > 90) | (np.abs(lon) > 180))
    swapped = finite & ~in_china(lon, lat) & in_china(lat, lon)
    where = "China"
    if metric is not None and len(metric):
        # Anywhere: outside the streets' extent as given, inside it once exchanged.
        box = _extent(metric)
        on_streets = finite & ~_inside(box, lon, lat) & _inside(box, lat, lon)
        if on_streets.any():
            where = "the street network's extent"
        swapped |= on_streets
    if swapped.any():
        k = int(swapped.sum())
        hint = (
            "check that the longitude column holds values of about 73–135 and the latitude "
            "column 18–54"
            if where == "China"
            else "the longitude column seems to hold latitudes and the latitude column longitudes"
        )
        findings.append(
            DatumFinding(
                "latlon_swapped",
                "warning",
                f"{k} of {n} points fit {where} only with longitude and latitude swapped "
                f"(rows {_row_list(rows, swapped)}): {hint}",
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
    if metric is not None:
        street = _street_check(
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


#: Random-shift baseline: the declared points moved 1 km in eight directions. No datum moves
#: points by that vector (and eight of them pool away any coincidence), so these tell how close
#: to a street points come by chance where the streets are as dense as here.
_CONTROL_SHIFTS_M: tuple[tuple[float, float], ...] = tuple(
    (round(1000 * np.sin(a), 1), round(1000 * np.cos(a), 1))
    for a in np.deg2rad(np.arange(0, 360, 45))
)


def _street_check(
    lon: np.ndarray,
    lat: np.ndarray,
    rows: np.ndarray,
    metric: gpd.GeoSeries,
    decl: str,
    *,
    max_points: int,
    min_points: int,
    search_m: float,
    far_m: float,
    near_m: float,
    per_row: bool,
    seed: int,
) -> list[DatumFinding]:
    # Only points where the datums differ tell anything; others are the same under every datum.
    china = in_china(lon, lat)
    if len(lon) and not china.any():
        return [
            DatumFinding(
                "inconclusive",
                "info",
                "no point is in China, where WGS-84, GCJ-02 and BD-09 differ: nothing to check",
                {"points": 0},
            )
        ]
    lon, lat, rows = lon[china], lat[china], rows[china]
    if len(lon) < min_points:
        return [
            DatumFinding(
                "inconclusive",
                "info",
                f"too few points in China ({len(lon)}) to check the datum against the streets",
                {"points": len(lon)},
            )
        ]
    if len(lon) > max_points and not per_row:
        pick = np.sort(np.random.default_rng(seed).choice(len(lon), size=max_points, replace=False))
        lon, lat, rows = lon[pick], lat[pick], rows[pick]
    tree = shapely.STRtree(metric.to_numpy())

    # Recover the coordinates as they were in the file, then read them under each datum.
    raw_lon, raw_lat = from_wgs84(lon, lat, decl)
    dist: dict[str, np.ndarray] = {}
    for key in DATUMS:
        x, y = (lon, lat) if key == decl else to_wgs84(raw_lon, raw_lat, key)
        pts = _project(metric.crs, x, y)
        if key == decl:
            declared_pts = pts
        dist[key] = _nearest_m(tree, pts, search_m)
    # The baseline needs no more than a sample.
    xy = shapely.get_coordinates(declared_pts)
    if len(xy) > max_points:
        xy = xy[np.random.default_rng(seed).choice(len(xy), size=max_points, replace=False)]
    control = np.concatenate(
        [_nearest_m(tree, shapely.points(xy + np.array(s)), search_m) for s in _CONTROL_SHIFTS_M]
    )
    near = np.zeros(len(lon), dtype=bool)
    for d in dist.values():
        near |= np.isfinite(d)
    finding = _layer_verdict(dist, control, near, decl, min_points, search_m, far_m, near_m)
    out = [finding]
    if per_row and finding.details.get("street_bound"):
        rows_finding = _row_check(dist, near, rows, decl, search_m)
        if rows_finding is not None:
            out.append(rows_finding)
    return out


def _layer_verdict(
    dist: dict[str, np.ndarray],
    control: np.ndarray,
    near: np.ndarray,
    decl: str,
    min_points: int,
    search_m: float,
    far_m: float,
    near_m: float,
) -> DatumFinding:
    """Whether the points fit the streets systematically better under another datum.

    Evidence, over the points within ``search_m`` of a street under some datum:

    * the median distance to the nearest street under each datum;
    * the share of points within ``near_m`` of a street under each datum;
    * the same for the declared points moved 1 km in eight directions (``control``, pooled): how
      close to a street points come by chance where the streets are this dense. A correct
      layer whose points all sit away from the streets (block interiors, parks) comes closer to
      them under *any* shift, so another datum must also beat the random shifts.

    Suggestive (a warning): under the other datum the median at least halves, by 5 m or more,
    most points move closer, and the median is below three quarters of the random shifts'.
    Conclusive (an error unless ``datum_check = "warn"``), in addition: the median drops by 10 m
    or more to at most half the random shifts'; at least 60 % of the points are within
    ``near_m`` of a street, 25 points (in %) more than as declared and than by chance; and that
    many points that close would happen by chance with a probability below 1/1000 (binomial
    tail at the larger of the two shares), which small layers cannot reach by luck.
    """
    name = DATUM_NAMES[decl]
    n_near = int(near.sum())

    def median(d: np.ndarray) -> float:
        return float(np.median(d)) if len(d) else float("inf")

    medians = {k: median(v[near]) for k, v in dist.items()}
    shares = {k: float(np.mean(v[near] <= near_m)) if n_near else 0.0 for k, v in dist.items()}
    # Shifts that leave the network say nothing about chance.
    ctrl = control[np.isfinite(control)]
    ctrl_median = median(ctrl)
    ctrl_share = float(np.mean(ctrl <= near_m)) if len(ctrl) else 0.0
    here, s_here = medians[decl], shares[decl]
    details: dict[str, Any] = {
        "points": len(near),
        "points_near_streets": n_near,
        "median_m": {DATUM_NAMES[k]: round(v, 1) for k, v in medians.items()},
        "within_m": near_m,
        "share_within": {DATUM_NAMES[k]: round(v, 3) for k, v in shares.items()},
        "random_shift_median_m": round(ctrl_median, 1),
        "random_shift_share_within": round(ctrl_share, 3),
        # The layer sits on its streets as declared: being near a street tells something.
        "street_bound": n_near >= min_points and s_here >= 0.6 and s_here >= ctrl_share + 0.25,
    }
    if n_near < min_points:
        return DatumFinding(
            "inconclusive",
            "info",
            f"only {n_near} of {len(near)} points are within {search_m:.0f} m of the "
            "streets: the street network may not cover this layer, so its datum was not checked",
            details,
        )
    best = min((k for k in DATUMS if k != decl), key=lambda k: medians[k])
    there, s_there = medians[best], shares[best]
    closer = float(np.mean(dist[best][near] < dist[decl][near]))
    gain = here - there if np.isfinite(here) else float("inf")
    chance = float(
        stats.binom.sf(round(s_there * n_near) - 1, n_near, min(max(s_here, ctrl_share), 1.0))
    )
    suggestive = (
        there <= 0.5 * here and gain >= 5.0 and closer >= 0.6 and there <= 0.75 * ctrl_median
    )
    conclusive = (
        suggestive
        and gain >= 10.0
        and there <= 0.5 * ctrl_median
        and s_there >= 0.6
        and s_there >= max(s_here, ctrl_share) + 0.25
        and chance < 1e-3
    )
    evidence = (
        f"median {_m(here, search_m)} from a street as {name}, {_m(there, search_m)} as "
        f"{DATUM_NAMES[best]}; {s_there:.0%} of points within {near_m:.0f} m as "
        f"{DATUM_NAMES[best]} ({s_here:.0%} as {name}, {ctrl_share:.0%} by chance)"
    )
    details.update(
        {
            "declared": decl,
            "best": DATUM_NAMES[best],
            "best_key": best,
            "share_closer": round(closer, 3),
            "chance": chance,
            "conclusive": conclusive,
            "evidence": evidence,
        }
    )
    others = ", ".join(
        f"{_m(medians[k], search_m)} if read as {DATUM_NAMES[k]}" for k in DATUMS if k != decl
    )
    if conclusive:
        return DatumFinding(
            f"looks_{best}",
            "warning",
            f"the points fit the streets as {DATUM_NAMES[best]}, not as {name} (the declared "
            f'datum): {evidence}; declare crs = "{best}"',
            details,
        )
    if suggestive:
        return DatumFinding(
            f"looks_{best}",
            "warning",
            f"the points may be {DATUM_NAMES[best]} coordinates although the layer is declared "
            f"{name}: {evidence}, {closer:.0%} of the points move closer; too few sit on a "
            "street under either datum for a firm verdict: check the crs setting",
            details,
        )
    if here > far_m:
        return DatumFinding(
            "far_from_streets",
            "warning",
            f"points are far from the streets under every datum (median {_m(here, search_m)} "
            f"as declared, {others}): the street network may not cover them, or the coordinate "
            "system is wrong",
            details,
        )
    return DatumFinding(
        "datum_ok",
        "info",
        f"{name} OK: the median distance to the nearest street is {_m(here, search_m)} as "
        f"declared ({others})",
        details,
    )


def _row_check(
    dist: dict[str, np.ndarray], near: np.ndarray, rows: np.ndarray, decl: str, search_m: float
) -> DatumFinding | None:
    """Rows that sit on a street under another datum and well off the streets as declared.

    The layer fits its datum, so its own spread says how far from a street a good row is:
    ``tol`` is twice the median distance as declared, between 10 and 50 m. A row is reported
    when another datum brings it within ``tol`` of a street while as declared it is at least
    ``4 × tol`` away (so 30 m closer at least). A row whose wrong reading happens to land
    beside another street cannot be told apart this way; the layer-level check still counts it.
    """
    here = dist[decl]
    scale = float(np.median(here[near]))
    tol = float(np.clip(2 * scale, 10.0, 50.0)) if np.isfinite(scale) else 50.0
    others = [k for k in DATUMS if k != decl]
    alt = np.vstack([dist[k] for k in others])
    pick = np.argmin(alt, axis=0)
    there = alt[pick, np.arange(alt.shape[1])]
    flagged = near & (there <= tol) & (here >= 4 * tol)
    if not flagged.any():
        return None
    name = DATUM_NAMES[decl]
    found = []
    for i in np.flatnonzero(flagged):
        key = others[pick[i]]
        gain = here[i] - there[i]
        found.append(
            {
                "row": int(rows[i]),
                "datum": key,
                "declared_m": round(float(here[i]), 1),
                "fit_m": round(float(there[i]), 1),
                "gain_m": round(float(gain), 1) if np.isfinite(gain) else None,
                "message": (
                    f"fits the streets as {DATUM_NAMES[key]}, not as {name} (the layer's crs): "
                    f"{there[i]:.0f} m from a street as {DATUM_NAMES[key]}, "
                    f"{_m(here[i], search_m)} as {name}"
                    + (f" ({gain:.0f} m closer)" if np.isfinite(gain) else "")
                    + f"; kept as {name} — check this row's coordinates (copied from a "
                    f"{DATUM_NAMES[key]} map?)"
                ),
            }
        )
    k = len(found)
    listed = [f["row"] for f in found[:20]]
    return DatumFinding(
        "rows_other_datum",
        "warning",
        f"{k} of {int(near.sum())} points fit the streets much better under another datum "
        f"than {name} (rows {listed}); they were kept as {name}",
        {"tolerance_m": tol, "rows": found},
    )


def review(
    findings: Sequence[DatumFinding],
    path: str | Path,
    *,
    crs: str | int = "wgs84",
    strict: bool = True,
    field: str = "coordinates",
) -> tuple[list[Problem], list[str]]:
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

    Returns
    -------
    (list of Problem, list of str)
        Warnings (``action="kept"``: the rows stay as declared) and one-line notes.
    """
    path = Path(path)
    problems: list[Problem] = []
    notes: list[str] = []
    keep = 'datum_check = "warn" to keep going'
    for f in findings:
        d = f.details
        if f.code in ("datum_ok", "inconclusive"):
            notes.append(f.message)
            continue
        notes.append(str(f))
        if f.code.startswith("looks_") and d.get("conclusive"):
            if strict:
                raise InputError(_datum_error(d, crs, keep), path, field="crs")
            problems.append(
                Problem(path, None, "crs", f"{f.message}; kept as declared", action="kept")
            )
        elif f.code == "latlon_swapped" and d.get("all") and strict:
            raise InputError(
                f"{f.message}; exchange the two columns in the scenario's column mapping or in "
                f"the file, or set {keep}",
                path,
                field=field,
            )
        elif f.code in ("rows_other_datum", "latlon_swapped"):
            for r in d["rows"]:
                if isinstance(r, dict):
                    problems.append(Problem(path, r["row"], field, r["message"], action="kept"))
                else:
                    problems.append(
                        Problem(
                            path,
                            int(r),
                            field,
                            "the point fits the streets only with longitude and latitude swapped",
                            action="kept",
                        )
                    )
        else:
            problems.append(Problem(path, None, "coordinates", f.message, action="kept"))
    return problems, notes


def _datum_error(d: dict[str, Any], crs: str | int, keep: str) -> str:
    """One line: declared datum, the datum that fits, the evidence and the fix."""
    declared, best = DATUM_NAMES[d["declared"]], d["best"]
    if isinstance(crs, str) or CRS.from_epsg(int(crs)).is_geographic:
        fix = f'set crs = "{d["best_key"]}" for this layer'
        said = f'crs = "{crs}"' if isinstance(crs, str) else f"crs = {crs}"
    else:
        # Projected: the longitudes/latitudes were in the other datum before projection.
        fix = f"re-project the points from {best} longitudes/latitudes converted to WGS-84"
        said = f"crs = {crs}"
    return (
        f"the points are declared {declared} ({said}) but fit the streets as {best}: "
        f"{d['evidence']}; {fix}, or set {keep}"
    )
