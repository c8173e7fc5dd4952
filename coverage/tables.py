"""Reading point layers (facilities, demand, candidate sites) from tables and GIS files.

Every layer comes out the same way: a GeoDataFrame in WGS-84 with standard column names
(``name``, ``tier``, ``type``, ``services``, ``capacity``, ``weight``, ``address``) and ``row``,
the row number a planner sees in the source (spreadsheet line, header = line 1; feature number
in GIS files), so every later message can point back to the file and row.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from coverage.errors import InputError, Problem

TABULAR = (".csv", ".txt", ".tsv")
GIS = (".geojson", ".json", ".gpkg", ".shp", ".fgb", ".parquet")

#: Recognised column names for each standard field (lower-cased; Chinese and English).
ALIASES: dict[str, tuple[str, ...]] = {
    "lon": ("lon", "lng", "long", "longitude", "x", "经度", "wgs84_lng"),
    "lat": ("lat", "latitude", "y", "纬度", "wgs84_lat"),
    "name": ("name", "名称", "站点名称", "名字", "facility", "site"),
    "tier": ("tier", "level", "层级", "级别", "类别"),
    "type": ("type", "kind", "类型"),
    "services": ("services", "service", "服务", "服务内容", "服务项目"),
    "capacity": ("capacity", "容量", "服务能力"),
    "weight": ("weight", "workers", "residents", "population", "人数", "职工人数", "人口"),
    "address": ("address", "地址"),
}


def _find(columns: list[str], field: str) -> str | None:
    lower = {str(c).strip().lower(): c for c in columns}
    for alias in ALIASES.get(field, ()):
        if alias in lower:
            return lower[alias]
    return None


def read_frame(path: str | Path, layer: str | None = None) -> pd.DataFrame:
    """Read a table or GIS file as it is, without interpreting columns."""
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", path)
    suffix = path.suffix.lower()
    try:
        if suffix in TABULAR:
            sep = "\t" if suffix == ".tsv" else ","
            return pd.read_csv(
                path, sep=sep, dtype=str, encoding="utf-8-sig", keep_default_na=False
            )
        if suffix == ".parquet":
            return gpd.read_parquet(path)
        if suffix in GIS:
            return gpd.read_file(path, layer=layer)
    except (UnicodeDecodeError, ValueError, OSError) as exc:
        raise InputError(f"cannot read the file: {exc}", path) from exc
    raise InputError(
        f"unsupported file type '{suffix}' (use CSV, GeoJSON, GeoPackage or Shapefile)", path
    )


def resolve_columns(
    frame: pd.DataFrame, mapping: Mapping[str, str] | None, path: str | Path
) -> dict[str, str]:
    """Standard field → source column, from the scenario's mapping plus recognised names."""
    cols = [c for c in frame.columns if c != "geometry"]
    out: dict[str, str] = {}
    for field, col in (mapping or {}).items():
        if col not in frame.columns:
            raise InputError(
                f"column '{col}' (mapped to {field}) not found; columns are {cols}", path
            )
        out[field] = col
    for field in ALIASES:
        if field not in out and (col := _find(cols, field)) is not None:
            out[field] = col
    return out


def _numeric(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series.astype(str).str.strip().replace("", np.nan), errors="coerce")


def read_points(
    path: str | Path,
    *,
    columns: Mapping[str, str] | None = None,
    crs: str | int = "wgs84",
    layer: str | None = None,
    require: tuple[str, ...] = (),
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Read a point layer into standard columns, reporting bad rows instead of dropping them silently.

    Parameters
    ----------
    path
        CSV (with longitude/latitude columns) or a GIS file with point geometries.
    columns
        Mapping from standard field (``lon``, ``lat``, ``name``, ``tier``, ``weight``…) to the
        file's column name; unmapped fields are recognised by common names.
    crs
        Coordinate system of the coordinates: ``"wgs84"`` or an EPSG code.
    layer
        Layer name in a GeoPackage.
    require
        Standard fields that must be present (e.g. ``("weight",)`` for demand).

    Returns
    -------
    (GeoDataFrame, list of Problem)
        Valid rows in EPSG:4326, and one problem per skipped row.
    """
    path = Path(path)
    frame = read_frame(path, layer)
    cols = resolve_columns(frame, columns, path)
    problems: list[Problem] = []
    is_gis = isinstance(frame, gpd.GeoDataFrame) and "geometry" in frame
    rows = np.arange(len(frame)) + (1 if is_gis else 2)  # spreadsheet line numbers
    for field in require:
        if field not in cols:
            raise InputError(
                f"missing required column for '{field}' (recognised names: {', '.join(ALIASES[field])});"
                f" columns are {[c for c in frame.columns if c != 'geometry']}",
                path,
                field=field,
            )
    if is_gis:
        gdf = frame
        if gdf.crs is None:
            raise InputError("the file has no coordinate reference system", path)
        geom = gdf.geometry
        bad = geom.isna() | geom.is_empty
        not_point = ~bad & (geom.geom_type != "Point")
        if not_point.any():
            # Areas (e.g. an industrial park) are represented by a point inside them.
            geom = geom.where(~not_point, geom.representative_point())
        for i in np.flatnonzero(bad.to_numpy()):
            problems.append(Problem(path, int(rows[i]), "geometry", "missing geometry"))
        out = gpd.GeoDataFrame(geometry=geom, crs=gdf.crs).to_crs(4326)
    else:
        for field in ("lon", "lat"):
            if field not in cols:
                raise InputError(
                    f"no {'longitude' if field == 'lon' else 'latitude'} column found "
                    f"(recognised: {', '.join(ALIASES[field])}); columns are {list(frame.columns)}",
                    path,
                    field=field,
                )
        lon = _numeric(frame[cols["lon"]])
        lat = _numeric(frame[cols["lat"]])
        bad = lon.isna() | lat.isna()
        for i in np.flatnonzero(bad.to_numpy()):
            field = cols["lon"] if pd.isna(lon.iat[i]) else cols["lat"]
            raw = frame[field].iat[i]
            problems.append(Problem(path, int(rows[i]), field, f"not a number: '{raw}'"))
        lon, lat = lon.fillna(0.0), lat.fillna(0.0)
        out = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=_crs(crs, path))
        out = out.to_crs(4326)
    out["row"] = rows
    for field, col in cols.items():
        if field in ("lon", "lat"):
            continue
        values = frame[col].reset_index(drop=True)
        if field in ("capacity", "weight"):
            num = _numeric(values)
            wrong = num.isna() & values.astype(str).str.strip().ne("") & ~bad.to_numpy()
            for i in np.flatnonzero(wrong.to_numpy()):
                problems.append(
                    Problem(path, int(rows[i]), col, f"not a number: '{values.iat[i]}'")
                )
            if field == "weight":
                nonpos = (num <= 0) & ~bad.to_numpy()
                for i in np.flatnonzero(nonpos.to_numpy()):
                    problems.append(
                        Problem(
                            path, int(rows[i]), col, f"weight must be positive, got {num.iat[i]}"
                        )
                    )
                missing = num.isna() & ~wrong & ~bad.to_numpy()
                for i in np.flatnonzero(missing.to_numpy()):
                    problems.append(Problem(path, int(rows[i]), col, "missing weight"))
                bad = bad | wrong | (num <= 0) | num.isna()
            else:
                bad = bad | wrong
            out[field] = num.to_numpy()
        elif field == "services":
            out[field] = values.map(_split_services).to_numpy()
        else:
            out[field] = values.astype(str).str.strip().replace({"nan": "", "None": ""}).to_numpy()
    out = out[~bad.to_numpy()].reset_index(drop=True)
    return out, problems


def _split_services(value: object) -> list[str]:
    if isinstance(value, list | tuple | np.ndarray):
        return [str(v).strip() for v in value if str(v).strip()]
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    text = str(value)
    for sep in ("；", "，", "、", "|", ";"):
        text = text.replace(sep, ",")
    return [s.strip() for s in text.split(",") if s.strip()]


def _crs(crs: str | int, path: str | Path) -> str | int:
    """Translate a layer's declared coordinate system into something pyproj understands."""
    if isinstance(crs, int):
        return crs
    key = str(crs).strip().lower()
    if key in ("wgs84", "wgs-84", "epsg:4326", "4326"):
        return 4326
    if key.startswith("epsg:") and key[5:].isdigit():
        return int(key[5:])
    if key.isdigit():
        return int(key)
    raise InputError(
        f"unknown coordinate system '{crs}' (use wgs84 or an EPSG code)", path, field="crs"
    )
