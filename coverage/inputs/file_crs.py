"""Which coordinate system a GIS file's coordinates are in, and how they become WGS-84.

Chinese administrative boundaries are usually published by Amap/DataV, in **GCJ-02**
longitudes/latitudes, although their GeoJSON declares EPSG:4326 (as GeoJSON must). Read as
WGS-84 they sit 300–700 m off the OpenStreetMap streets. So the coordinate system declared in
the scenario (``crs``) wins over the one a *geographic* file declares; a projected file's own CRS
is used to get back to longitudes/latitudes, which are then in the declared datum.

Polygon layers (:mod:`coverage.inputs.boundaries`) and population rasters
(:mod:`coverage.inputs.raster`) decide it the same way, here; GCJ-02 and BD-09 coordinates are
converted through :mod:`coverage.datum`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import CRS, Transformer

from coverage import datum
from coverage.errors import InputError, Msg
from coverage.inputs.coordinates import unknown_crs

__all__ = ["SourceCRS", "crs_name", "resolve_crs"]

_WGS84 = CRS.from_epsg(4326)


@dataclass(frozen=True)
class SourceCRS:
    """How a file's coordinates become WGS-84 longitudes/latitudes.

    Coordinates are first transformed from ``crs`` to EPSG:4326 (nothing to do when ``crs`` is
    EPSG:4326), which gives longitudes/latitudes in ``datum``; GCJ-02 and BD-09 ones are then
    converted through prcoords.

    Attributes
    ----------
    crs
        Coordinate system the file's coordinates are in.
    datum
        ``"wgs84"``, ``"gcj02"`` or ``"bd09"``: datum of the longitudes/latitudes.
    label
        How messages name it in English, e.g. ``"GCJ-02 (declared; the file says EPSG:4326)"``.
    words
        The same as a message worded in the planner's language (None: ``label`` as written).
    """

    crs: CRS
    datum: str
    label: str
    words: Msg | None = None

    def named(self) -> Msg:
        """How messages name it, in any language."""
        return self.words or Msg("problem.as_written", text=self.label)

    def to_wgs84(self, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        """WGS-84 longitudes/latitudes of coordinates in this system (arrays)."""
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        if not self.crs.equals(_WGS84):
            tr = Transformer.from_crs(self.crs, _WGS84, always_xy=True)
            x, y = (np.asarray(v, dtype=float) for v in tr.transform(x, y))
        return datum.to_wgs84(x, y, self.datum)

    def from_wgs84(self, lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
        """Coordinates in this system of WGS-84 longitudes/latitudes (arrays)."""
        x, y = datum.from_wgs84(lon, lat, self.datum)
        if not self.crs.equals(_WGS84):
            tr = Transformer.from_crs(_WGS84, self.crs, always_xy=True)
            x, y = (np.asarray(v, dtype=float) for v in tr.transform(x, y))
        return x, y

    def geometry_to_wgs84(self, geoms: Any) -> Any:
        """Shapely geometries (array or one) converted vertex by vertex to WGS-84."""
        return shapely.transform(geoms, lambda xy: np.column_stack(self.to_wgs84(*xy.T)))

    def geometry_from_wgs84(self, geoms: Any) -> Any:
        """WGS-84 shapely geometries converted vertex by vertex to this system."""
        return shapely.transform(geoms, lambda xy: np.column_stack(self.from_wgs84(*xy.T)))


def crs_name(crs: CRS) -> str:
    """How messages name a coordinate system: ``"EPSG:4326"``, else its name.

    Parameters
    ----------
    crs
        The coordinate system.

    Returns
    -------
    str
        The name.
    """
    code = crs.to_epsg()
    return f"EPSG:{code}" if code else str(crs.name)


def _lonlat_like(bounds: Sequence[float] | None) -> bool:
    """Whether a bounding box (x0, y0, x1, y1) can hold longitudes/latitudes."""
    if bounds is None or not np.all(np.isfinite(bounds)):
        return True
    x0, y0, x1, y1 = bounds
    return -180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90


def resolve_crs(
    declared: str | int | None,
    file_crs: Any,
    path: str | Path,
    *,
    bounds: Sequence[float] | None = None,
) -> SourceCRS:
    """Decide which coordinate system a file's coordinates are in.

    Parameters
    ----------
    declared
        The layer's ``crs`` from the scenario (any name :func:`coverage.datum.parse_crs`
        accepts), or None to trust the file.
    file_crs
        The CRS the file declares (anything pyproj reads), or None.
    path
        The file, named in errors.
    bounds
        The coordinates' extent (x0, y0, x1, y1), to catch a geographic CRS on values that
        cannot be longitudes/latitudes and the reverse.

    Returns
    -------
    SourceCRS
        The declared datum for a geographic or CRS-less file (the file's geographic CRS is
        ignored: Amap files declare EPSG:4326 on GCJ-02 values); for a projected file, its own
        CRS, whose longitudes/latitudes are in the declared datum.

    Raises
    ------
    InputError
        Unknown ``crs``; no CRS anywhere; a projected ``crs`` declared for a file of
        longitudes/latitudes, or different from the file's projected CRS; values out of range
        for longitudes/latitudes.

    Examples
    --------
    >>> from coverage.inputs.file_crs import resolve_crs
    >>> resolve_crs("gcj02", "EPSG:4326", "districts.geojson").datum
    'gcj02'
    """
    fc = CRS.from_user_input(file_crs) if file_crs is not None else None
    if declared is None:
        if fc is None:
            raise InputError(
                Msg("error.input.no_crs", examples='"wgs84", "gcj02"'),
                path,
                field="crs",
            )
        # The file's own CRS, its longitudes/latitudes taken as WGS-84: say both.
        own = crs_name(fc)
        if fc.is_geographic:
            words = Msg("problem.crs.own", crs=own, datum=datum.DATUM_NAMES["wgs84"])
            src = SourceCRS(fc, "wgs84", str(words), words)
        else:
            src = SourceCRS(fc, "wgs84", own)
        return _check_range(src, path, bounds)
    try:
        key = datum.parse_crs(declared)
    except ValueError:
        raise InputError(unknown_crs(declared), path, field="crs") from None
    said = f"EPSG:{key}" if isinstance(key, int) else datum.DATUM_NAMES[key]
    target = CRS.from_epsg(key) if isinstance(key, int) else _WGS84
    key_datum = key if isinstance(key, str) else "wgs84"
    if fc is not None and fc.is_projected:
        if target.is_projected and not target.equals(fc):
            raise InputError(
                Msg("error.input.crs_mismatch", said=said, file_crs=crs_name(fc)),
                path,
                field="crs",
            )
        # Projected coordinates come back to longitudes/latitudes in the declared datum.
        words = Msg(
            "problem.crs.projected_from", crs=crs_name(fc), datum=datum.DATUM_NAMES[key_datum]
        )
        src = SourceCRS(fc, key_datum, str(words), words)
        return _check_range(src, path, bounds)
    if target.is_projected and fc is not None and _lonlat_like(bounds):
        raise InputError(
            Msg("error.input.projected_for_lonlat", said=said, file_crs=crs_name(fc)),
            path,
            field="crs",
        )
    if fc is None:
        return _check_range(SourceCRS(target, key_datum, said), path, bounds)
    words = Msg("problem.crs.declared", crs=said, file_crs=crs_name(fc))
    return _check_range(SourceCRS(target, key_datum, str(words), words), path, bounds)


def _check_range(src: SourceCRS, path: str | Path, bounds: Sequence[float] | None) -> SourceCRS:
    if src.crs.is_geographic and not _lonlat_like(bounds):
        assert bounds is not None
        x0, y0, x1, y1 = bounds
        raise InputError(
            Msg("error.input.not_lonlat_extent", x0=x0, x1=x1, y0=y0, y1=y1, crs=src.named()),
            path,
            field="crs",
        )
    return src
