"""Polygon layers (study area, sub-districts, districts) read with an explicit datum.

Chinese administrative boundaries are usually published by Amap/DataV, in **GCJ-02**
longitudes/latitudes, although their GeoJSON declares EPSG:4326 (as GeoJSON must): the
coordinate system declared in the scenario wins over a geographic file's own
(:func:`~coverage.inputs.file_crs.resolve_crs`, shared with the population rasters).

GCJ-02 and BD-09 polygons are converted vertex by vertex through prcoords
(:func:`coverage.datum.to_wgs84`); holes and multi-part polygons are kept. Vertices are not
densified: the datum shift varies by millimetres along an edge of a district boundary. This
module selects the features asked for, and repairs (or skips) invalid polygons, saying so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from coverage import datum
from coverage.errors import InputError, Msg, Problem
from coverage.inputs.cells import clean_name
from coverage.inputs.coordinates import GEOMETRY
from coverage.inputs.file_crs import crs_name, resolve_crs
from coverage.inputs.readers import read_features

__all__ = ["read_polygons", "select_features", "geos_reason"]

#: How many values or fields an error message lists at most.
_LIST_MAX = 20


# --- selection ----------------------------------------------------------------------------------


def _key(value: Any) -> str:
    """A value as compared in selections: 420103, 420103.0 and " 420103" are all "420103".

    Text as a name is read (:func:`~coverage.inputs.readers.clean_name`): a district's code,
    cleaned when read, still selects its feature.
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return clean_name(str(value))


def _listing(values: Sequence[str]) -> str | Msg:
    shown = ", ".join(values[:_LIST_MAX])
    more = len(values) - _LIST_MAX
    return Msg("error.input.listing_more", shown=shown, n=len(values)) if more > 0 else shown


def select_features(
    gdf: gpd.GeoDataFrame, select: Mapping[str, Any], path: str | Path
) -> gpd.GeoDataFrame:
    """Keep the features whose fields have the given values.

    Parameters
    ----------
    gdf
        The features.
    select
        Field → value or list of values; a feature is kept when every field has one of its
        values. Values are compared as text, stripped (``420103`` matches ``"420103"``).
    path
        The file, named in errors.

    Returns
    -------
    GeoDataFrame
        The selected rows (index unchanged).

    Raises
    ------
    InputError
        A field the file does not have (lists the fields), or a value that no feature has
        (lists the values there are, in file order): every value asked for must match, so a misspelt name is
        never dropped silently.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from coverage.inputs.boundaries import select_features
    >>> path = "data/wuhan/area.geojson"  # the sample's district, from the repository root
    >>> districts = gpd.read_file(path)
    >>> select_features(districts, {"adcode": 420103}, path)["name"].tolist()
    ['江汉区']
    """
    fields = [str(c) for c in gdf.columns if c != gdf.geometry.name]
    narrowed = False
    for name, wanted in select.items():
        if name not in fields:
            raise InputError(
                Msg("error.input.no_select_field", name=name, fields=_listing(fields)),
                path,
                field=str(name),
            )
        many = isinstance(wanted, list | tuple | set)
        values = [_key(v) for v in (wanted if many else [wanted])]
        have = gdf[name].map(_key)
        missing = [v for v in values if not (have == v).any()]
        if missing:
            among = Msg("error.input.among_selected") if narrowed else ""
            values_there = _listing(list(dict.fromkeys(v for v in have if v)))
            raise InputError(
                Msg(
                    "error.input.no_feature_value",
                    name=name,
                    value=repr(missing[0]),
                    among=among,
                    values=values_there,
                ),
                path,
                field=str(name),
            )
        gdf = gdf[have.isin(values).to_numpy()]
        narrowed = True
    return gdf


# --- reading ------------------------------------------------------------------------------------


def read_polygons(
    path: str | Path,
    *,
    crs: str | int | None,
    layer: str | int | None = None,
    select: Mapping[str, Any] | None = None,
    name_field: str | None = None,
) -> gpd.GeoDataFrame:
    """Read a polygon layer (area, sub-districts, districts) into WGS-84.

    Parameters
    ----------
    path
        Any file GDAL reads (GeoJSON, GeoPackage, Shapefile, …).
    crs
        The layer's coordinate system as declared in the scenario: ``"wgs84"``, ``"gcj02"``,
        ``"bd09"``, their aliases, ``"cgcs2000"`` or an EPSG code (see
        :func:`coverage.datum.parse_crs`); None trusts the file's own CRS. For a *geographic*
        file the declared ``crs`` wins over the file's: Amap/DataV boundaries declare EPSG:4326
        but hold GCJ-02 coordinates. A projected file is brought back to longitudes/latitudes
        with its own CRS, then read in the declared datum.
    layer
        Layer name or index in a multi-layer file (GeoPackage).
    select
        Field → value or list of values keeping only matching features, e.g.
        ``{"name": "江汉区"}`` or ``{"adcode": [420103, 420104]}`` (compared as stripped text).
    name_field
        Field that names the features (sub-districts); it must exist, and features without a
        name are reported.

    Returns
    -------
    GeoDataFrame
        The file's fields and Polygon/MultiPolygon geometries in EPSG:4326, converted vertex by
        vertex (holes and parts kept). The index is the 0-based feature number in the file.
        ``attrs["problems"]`` lists :class:`~coverage.errors.Problem` s (invalid polygons
        repaired with ``shapely.make_valid``: ``action="kept"``; missing or empty ones dropped:
        ``"skipped"``; features without a name); ``attrs["crs"]`` says how the coordinates were
        read.

    Raises
    ------
    InputError
        One line naming the file (and field): unreadable file or layer, unknown ``crs``,
        non-polygon features, a selection that matches nothing, no polygon left.

    Examples
    --------
    >>> from coverage.inputs.boundaries import read_polygons
    >>> jianghan = read_polygons(
    ...     "data/wuhan/area.geojson", crs="gcj02", select={"adcode": 420103}
    ... )
    >>> jianghan.crs.to_epsg(), jianghan["name"].tolist()
    (4326, ['江汉区'])
    """
    path = Path(path)
    gdf = _read(path, layer)
    fields = [str(c) for c in gdf.columns if c != gdf.geometry.name]
    if name_field is not None and name_field not in fields:
        raise InputError(
            Msg("error.input.no_name_field", field=name_field, fields=_listing(fields)),
            path,
            field=name_field,
        )
    if select:
        gdf = select_features(gdf, select, path)
    problems: list[Problem] = []
    rows = gdf.index.to_numpy() + 1
    geoms = _polygons(gdf.geometry.to_numpy(), rows, path, problems)
    keep = ~shapely.is_missing(geoms)
    if not keep.any():
        key = "error.input.no_polygon_selected" if select else "error.input.no_polygon"
        raise InputError(Msg(key), path)
    bounds = shapely.total_bounds(geoms[keep])
    src = resolve_crs(crs, gdf.crs, path, bounds=bounds)
    x0, y0, x1, y1 = bounds
    if crs is None and src.crs.is_geographic and datum.in_china([x0, x1], [y0, y1]).all():
        # The file's own EPSG:4326 is trusted, but in China that is what Amap/DataV boundaries
        # say of GCJ-02 coordinates (~500 m off): say which datum was used and how to change it.
        words = Msg(
            "problem.crs.undeclared_china",
            crs=crs_name(src.crs),
            gcj='crs = "gcj02"',
            wgs='crs = "wgs84"',
        )
        problems.append(Problem(path, None, "crs", words, action="kept"))
    out = src.geometry_to_wgs84(geoms[keep])
    # Moving vertices by slightly different amounts can make a narrow spot self-touch.
    geoms[keep] = _repair(out, rows[keep], path, problems, converted=True)
    keep = ~shapely.is_missing(geoms)
    result = gpd.GeoDataFrame(
        gdf.drop(columns=gdf.geometry.name)[keep], geometry=list(geoms[keep]), crs=4326
    )
    if name_field is not None:
        blank = result[name_field].map(_key) == ""
        for r in result.index[blank.to_numpy()]:
            problems.append(
                Problem(path, int(r) + 1, name_field, Msg("problem.no_name"), action="kept")
            )
    result.attrs["problems"] = problems
    result.attrs["crs"] = src.label
    return result


def _read(path: Path, layer: str | int | None) -> gpd.GeoDataFrame:
    if not path.exists():
        raise InputError(Msg("error.input.file_not_found"), path)
    try:
        gdf, _ = read_features(path, layer=layer)  # a shapefile without .cpg: UTF-8 or GBK
    except Exception as exc:
        if layer is not None:
            layers = _layers(path)
            if layers and str(layer) not in layers:
                msg = Msg("error.input.no_layer", layer=layer, layers=_listing(layers))
                raise InputError(msg, path, field="layer") from None
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(Msg("error.input.polygons_unreadable", reason=first), path) from None
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.name not in gdf:
        raise InputError(Msg("error.input.no_geometries"), path)
    if gdf.empty:  # said first: otherwise the missing fields are blamed, with no field listed
        raise InputError(Msg("error.input.no_features"), path)
    return gdf


def _layers(path: Path) -> list[str]:
    import pyogrio

    try:
        return [str(name) for name, _ in pyogrio.list_layers(path)]
    except Exception:
        return []


def _polygons(
    geoms: np.ndarray, rows: np.ndarray, path: Path, problems: list[Problem]
) -> np.ndarray:
    """Polygonal geometries, repaired; None where missing or empty (reported)."""
    geoms = np.asarray(geoms, dtype=object).copy()
    types = shapely.get_type_id(geoms)
    # 3 = Polygon, 6 = MultiPolygon; -1 = missing.
    other = (types != 3) & (types != 6) & (types != -1)
    if other.any():
        first = int(rows[np.flatnonzero(other)[0]])
        kinds = sorted({g.geom_type for g in geoms[other]})
        raise InputError(
            Msg(
                "error.input.not_polygons", kinds=", ".join(kinds), n=int(other.sum()), first=first
            ),
            path,
            row=first,
            field=GEOMETRY,
        )
    for i in np.flatnonzero(types == -1):
        problems.append(
            Problem(path, int(rows[i]), GEOMETRY, Msg("problem.missing_geometry_skipped"))
        )
    geoms = _repair(geoms, rows, path, problems)
    empty = ~shapely.is_missing(geoms) & shapely.is_empty(geoms)
    for i in np.flatnonzero(empty):
        problems.append(Problem(path, int(rows[i]), GEOMETRY, Msg("problem.empty_polygon")))
    geoms[empty] = None
    return geoms


#: GEOS's reasons for an invalid polygon (``is_valid_reason`` before its ``[x y]``), worded.
_REASONS = {
    "Self-intersection": "problem.geos.self_intersection",
    "Ring Self-intersection": "problem.geos.ring_self_intersection",
    "Hole lies outside shell": "problem.geos.hole_outside_shell",
    "Nested holes": "problem.geos.nested_holes",
    "Nested shells": "problem.geos.nested_shells",
    "Interior is disconnected": "problem.geos.interior_disconnected",
    "Too few points in geometry component": "problem.geos.too_few_points",
    "Duplicate Rings": "problem.geos.duplicate_rings",
    "Invalid Coordinate": "problem.geos.invalid_coordinate",
    "Ring is not closed": "problem.geos.ring_not_closed",
}


def geos_reason(text: str) -> Msg:
    """GEOS's reason as a message: its words in the catalogue, the place ``[x y]`` as is."""
    head, bracket, rest = text.partition("[")
    key = _REASONS.get(head.strip())
    if key is None:
        return Msg("problem.geos.other", reason=text)
    return Msg(key, at=bracket + rest)


def _repair(
    geoms: np.ndarray,
    rows: np.ndarray,
    path: Path,
    problems: list[Problem],
    *,
    converted: bool = False,
) -> np.ndarray:
    """Repair invalid polygons with make_valid (keeping only their polygonal parts), reported."""
    geoms = np.asarray(geoms, dtype=object).copy()
    present = ~shapely.is_missing(geoms)
    bad = present & ~shapely.is_valid(geoms)
    for i in np.flatnonzero(bad):
        reason = geos_reason(shapely.is_valid_reason(geoms[i]))
        stage = Msg("problem.after_wgs84") if converted else ""
        fixed = shapely.make_valid(geoms[i], method="structure", keep_collapsed=False)
        if shapely.is_empty(fixed):
            msg = Msg("problem.invalid_polygon_lost", stage=stage, reason=reason)
            problems.append(Problem(path, int(rows[i]), GEOMETRY, msg))
            geoms[i] = None
            continue
        msg = Msg("problem.invalid_polygon_repaired", stage=stage, reason=reason)
        problems.append(Problem(path, int(rows[i]), GEOMETRY, msg, action="kept"))
        geoms[i] = fixed
    return geoms
