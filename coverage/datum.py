"""Chinese map datums: names, declared coordinate systems, GCJ-02 and BD-09 to and from WGS-84.

Chinese web maps do not publish WGS-84 coordinates. Amap/Gaode, Tencent and Google's China maps
use **GCJ-02**, an obfuscated datum offset from WGS-84 by a few hundred metres that varies
irregularly from place to place; Baidu uses **BD-09**, a further shift of GCJ-02. A facility
register copied from such a map is therefore 300–700 m off the OpenStreetMap streets, enough to
snap a station to the wrong side of a river or block.

The conversions are those of `prcoords <https://github.com/Artoria2e5/PRCoords>`_ (public
domain); nothing here re-implements the obfuscation formulas. The inverse directions
(GCJ-02 → WGS-84, BD-09 → WGS-84) have no closed form: by default the precise iterative inverse
(``*_bored``, ~1 mm) is used; ``precise=False`` gives the common one-step approximation (~1 m).

prcoords works on one point at a time. The functions here take arrays and run prcoords' own
functions on whole arrays at once (its code unchanged, with array versions of the ``math``
functions it calls — :mod:`coverage._prcoords_arrays`: the same results bit for bit, tests
compare them point by point), and leave points outside prcoords' China box unchanged, as
prcoords itself does — the obfuscation is undefined outside China.

The check that a layer is in the datum it declares (fitting the streets) is
:mod:`coverage.inputs.datum_check`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import prcoords
from pyproj import CRS

from coverage._prcoords_arrays import convert, in_box

if TYPE_CHECKING:
    import geopandas as gpd

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
    "utm_epsg",
    "metric_xy",
    "OUTPUT_DATUMS",
    "COORDINATE_COLUMNS",
    "add_coordinates",
    "coordinate_text",
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

    Parameters
    ----------
    name
        A datum name as a scenario or a column header writes it (any value).

    Returns
    -------
    str or None
        The datum, or None.

    Examples
    --------
    >>> from coverage.datum import normalize_datum
    >>> [normalize_datum(n) for n in ("GCJ-02", "amap", "高德", "EPSG:4326", "bd_09")]
    ['gcj02', 'gcj02', 'gcj02', 'wgs84', 'bd09']
    >>> normalize_datum("EPSG:32650") is None  # a projected CRS, not a datum handled here
    True
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

    Parameters
    ----------
    value
        The ``crs`` setting as written (text or an integer EPSG code).

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
    """Whether points fall in the rough extent of China (:data:`CHINA_BOUNDS`).

    Parameters
    ----------
    lon
        Longitudes in degrees.
    lat
        Latitudes in degrees.

    Returns
    -------
    ndarray
        One boolean per point.
    """
    x, y = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    x0, y0, x1, y1 = CHINA_BOUNDS
    return (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)


def convertible(lon: Any, lat: Any) -> np.ndarray:
    """Whether prcoords shifts a point (its generous China box); other points stay unchanged.

    Parameters
    ----------
    lon
        Longitudes in degrees.
    lat
        Latitudes in degrees.

    Returns
    -------
    ndarray
        One boolean per point.
    """
    return in_box(lon, lat)


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
        Float arrays of the broadcast input shape. Points outside prcoords' China box
        (:func:`convertible`; it takes in China's neighbours too) are returned unchanged.
    """
    key = _datum(datum)
    if key == "wgs84":
        lon, lat = np.broadcast_arrays(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
        return lon.copy(), lat.copy()
    precise_fn, rough_fn = _TO_WGS[key]
    return convert(precise_fn if precise else rough_fn, lon, lat)


def from_wgs84(lon: Any, lat: Any, datum: str) -> tuple[np.ndarray, np.ndarray]:
    """Convert WGS-84 longitudes/latitudes to ``datum``, e.g. to draw on GCJ-02 (Amap) tiles.

    The forward direction is exact (it is the obfuscation itself). Points outside prcoords'
    China box (:func:`convertible`; it takes in China's neighbours too) are returned unchanged.

    Parameters
    ----------
    lon, lat
        Arrays (or scalars) in degrees. NaN stays NaN.
    datum
        The datum to convert to (``wgs84``, ``gcj02``, ``bd09`` or an alias).

    Returns
    -------
    (lon, lat)
        Float arrays of the broadcast input shape.
    """
    key = _datum(datum)
    if key == "wgs84":
        lon, lat = np.broadcast_arrays(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
        return lon.copy(), lat.copy()
    return convert(_FROM_WGS[key], lon, lat)


def utm_epsg(lon: Any, lat: Any) -> int:
    """EPSG code of the WGS-84 UTM zone around the median of the points (metric distances).

    Computed from the zone numbering directly: geopandas' ``estimate_utm_crs`` queries the PROJ
    database and costs ~0.1 s per call, too slow for checks run on every layer.

    Parameters
    ----------
    lon
        Longitudes in degrees (WGS-84).
    lat
        Latitudes in degrees.

    Returns
    -------
    int
        The EPSG code (326xx north, 327xx south).
    """
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    ok = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    if not ok.any():
        raise ValueError("no valid longitude/latitude to choose a UTM zone")
    x, y = float(np.median(lon[ok])), float(np.median(lat[ok]))
    zone = min(int((x + 180) // 6) + 1, 60)
    return (32600 if y >= 0 else 32700) + zone


def metric_xy(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Point coordinates in metres (the local UTM zone, :func:`utm_epsg`), for distances.

    Longitude/latitude (or no CRS: WGS-84 given) is projected; a projected layer is kept as it
    is. A missing or empty point is NaN.

    Parameters
    ----------
    gdf
        Points.

    Returns
    -------
    numpy.ndarray
        ``(len(gdf), 2)`` easting and northing.
    """
    geom = gdf.geometry
    if gdf.crs is None or not CRS(gdf.crs).is_projected:
        geom = geom.set_crs(4326) if gdf.crs is None else geom.to_crs(4326)
        ok = ~(geom.isna() | geom.is_empty)
        if not ok.any():
            return np.full((len(gdf), 2), np.nan)
        geom = geom.to_crs(utm_epsg(geom[ok].x, geom[ok].y))
    return np.column_stack([geom.x.to_numpy(dtype=float), geom.y.to_numpy(dtype=float)])


#: Datums of the coordinates written for people to read and paste (``[output] datum``).
OUTPUT_DATUMS: tuple[str, ...] = ("gcj02", "wgs84")

#: Output columns of each datum's (longitude, latitude): the name says the datum.
COORDINATE_COLUMNS: dict[str, tuple[str, str]] = {
    "gcj02": ("gcj02_lon", "gcj02_lat"),
    "wgs84": ("wgs84_lon", "wgs84_lat"),
}


def add_coordinates(
    table: pd.DataFrame, lon: Any, lat: Any, first: str = "gcj02", *, at: int = 0
) -> pd.DataFrame:
    """A copy of ``table`` with GCJ-02 (Amap) and WGS-84 longitude/latitude columns.

    People paste coordinates into Amap (GCJ-02) as often as into GPS tools (WGS-84), so every
    table they open gets both pairs (:data:`COORDINATE_COLUMNS`), rounded to 6 decimals
    (about 0.1 m). Existing columns of those names are replaced.

    Parameters
    ----------
    table
        Rows matching ``lon``/``lat``.
    lon, lat
        WGS-84 longitudes and latitudes, one per row.
    first
        The datum whose pair comes first (``[output] datum``): ``"gcj02"`` or ``"wgs84"``.
    at
        Position of the first of the four columns.

    Returns
    -------
    pandas.DataFrame
        The new table; ``table`` is unchanged.
    """
    key = _datum(first)
    if key not in OUTPUT_DATUMS:
        raise ValueError(f"coordinates are written as gcj02 or wgs84, not {first!r}")
    wgs = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    values = {"wgs84": wgs, "gcj02": from_wgs84(*wgs, "gcj02")}
    order = (key, *(d for d in OUTPUT_DATUMS if d != key))
    out = table.drop(columns=[c for d in order for c in COORDINATE_COLUMNS[d] if c in table])
    at = min(max(at, 0), len(out.columns))
    for d in reversed(order):
        for name, v in zip(reversed(COORDINATE_COLUMNS[d]), reversed(values[d]), strict=True):
            out.insert(at, name, np.round(v, 6))
    return out


def coordinate_text(lon: float, lat: float) -> str:
    """A longitude/latitude pair as a person reads and pastes it: ``"114.300000,30.590000"``.

    Longitude first, a comma and no space: Amap's search box takes the pair pasted whole so
    (and so do GPS tools), and the pair stays one word that a narrow page or console does not
    break. Six decimals (about 0.1 m), as the tables store them (:func:`add_coordinates`).
    The datum is never in the text: the console column, report column and popup row holding it
    name it.

    Parameters
    ----------
    lon, lat
        Longitude and latitude in degrees, in the datum the reader is told.

    Returns
    -------
    str
        The pair.

    Examples
    --------
    >>> coordinate_text(114.3, 30.59)
    '114.300000,30.590000'
    """
    return f"{float(lon):.6f},{float(lat):.6f}"
