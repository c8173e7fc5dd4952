"""Writing vector layers (GeoPackage, GeoJSON) atomically, with nothing lost on the way.

Apart from :mod:`coverage.io` because GDAL needs its own care: a GeoPackage of several layers
is one SQLite file written without a flush per layer and flushed once before it is renamed, a
NUL in a text ends a string in GDAL (shown as "\ufffd" instead), lists are joined, our ``fid``
column is kept under another name, and GeoJSON is written in WGS-84 as RFC 7946 asks. Which
format an output path names is :func:`layer_format`'s answer.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd

from coverage.io import gdal_can_name, write_with
from coverage.neutralize import may_hold_text

__all__ = [
    "write_gpkg",
    "LAYER_FORMATS",
    "layer_format",
    "write_geojson",
]


@contextlib.contextmanager
def _sqlite_unsynced() -> Iterator[None]:
    """SQLite without a disk flush per transaction, for a file that is renamed when complete.

    The temporary file is flushed once at the end instead (:func:`write_gpkg`): half the time
    of writing a run's GeoPackage went into the flushes between its layers.
    """
    import pyogrio

    key = "OGR_SQLITE_SYNCHRONOUS"
    before = pyogrio.get_gdal_config_option(key)
    pyogrio.set_gdal_config_options({key: "OFF"})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({key: before})


def _fsync(path: Path) -> None:
    with open(path, "rb+") as f:
        os.fsync(f.fileno())


def _without_nul(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``gdf`` with each NUL in its text shown as "\ufffd", as the workbooks show it.

    GDAL ends a string at NUL, so the rest of the text would be silently lost.
    """
    out = gdf
    for i in range(gdf.shape[1]):
        s = gdf.iloc[:, i]
        if gdf.columns[i] == gdf.geometry.name or not may_hold_text(s):
            continue
        held = s.map(lambda v: isinstance(v, str) and "\x00" in v)
        if held.any():
            out = out.copy() if out is gdf else out
            out.isetitem(
                i, s.map(lambda v: v.replace("\x00", "\ufffd") if isinstance(v, str) else v)
            )
    return out


def write_gpkg(target: str | Path, layers: dict[str, gpd.GeoDataFrame]) -> Path:
    """Write several layers into one GeoPackage, atomically as a whole.

    Parameters
    ----------
    target
        The file to write.
    layers
        Layer name → its features.

    Returns
    -------
    Path
        ``target``.
    """
    gdal_can_name(Path(target))

    def write(p: Path) -> None:
        with _sqlite_unsynced():
            for name, gdf in layers.items():
                # GeoPackage reserves "fid" for its own row key; keep ours under a plain name.
                gdf = _without_nul(gdf.rename(columns={"fid": "facility_id"}))
                for col in gdf.columns:
                    if col != gdf.geometry.name and _holds_lists(gdf[col]):
                        gdf[col] = gdf[col].map(
                            lambda v: ";".join(map(str, v)) if isinstance(v, list) else v
                        )
                gdf.to_file(p, layer=name, driver="GPKG")
        _fsync(p)

    return write_with(target, write)


#: The vector formats an output path may name, by its extension (lower case).
LAYER_FORMATS = {".gpkg": "GPKG", ".geojson": "GeoJSON", ".json": "GeoJSON"}


def layer_format(path: str | Path) -> str | None:
    """The driver that ``path``'s extension names (:data:`LAYER_FORMATS`), None for another.

    Parameters
    ----------
    path
        A file name.

    Returns
    -------
    str or None
        The GDAL driver's name, or None.
    """
    return LAYER_FORMATS.get(Path(path).suffix.lower())


def write_geojson(target: str | Path, gdf: gpd.GeoDataFrame) -> Path:
    """Write one layer as GeoJSON (RFC 7946: WGS84 longitude/latitude), atomically.

    Parameters
    ----------
    target
        The file to write.
    gdf
        The features (any CRS: written in WGS-84).

    Returns
    -------
    Path
        ``target``.
    """
    gdal_can_name(Path(target))
    if gdf.crs is not None:
        gdf = gdf.to_crs(4326)
    name = Path(target).stem  # the collection's name, not the temporary file's
    gdf = _without_nul(gdf)
    return write_with(target, lambda p: gdf.to_file(p, driver="GeoJSON", layer=name))


def _holds_lists(s: pd.Series) -> bool:
    # Only a column of Python objects can hold a list (numbers, booleans, dates cannot).
    return s.dtype == object and bool(s.map(lambda v: isinstance(v, list)).any())
