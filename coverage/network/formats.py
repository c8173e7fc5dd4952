"""Network file formats by name, and parser errors turned into one line naming the file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from coverage.errors import CoverageError, Msg, NetworkError, reason_line

__all__ = ["EDGE_TABLE_SUFFIXES", "OSM_SUFFIXES", "GRAPHML_SUFFIXES"]

EDGE_TABLE_SUFFIXES = (".parquet", ".geoparquet", ".gpkg", ".shp", ".geojson", ".json", ".fgb")
OSM_SUFFIXES = (".osm", ".osm.bz2", ".xml", ".osm.pbf", ".pbf")
GRAPHML_SUFFIXES = (".graphml",)


def _kind(path: Path) -> str | Msg:
    """The file format a network file's name promises, for messages."""
    name = path.name.lower()
    for suffixes, kind in (
        ((".parquet", ".geoparquet"), "GeoParquet"),
        ((".gpkg",), "GeoPackage"),
        ((".shp",), "Shapefile"),
        ((".geojson", ".json"), "GeoJSON"),
        ((".fgb",), "FlatGeobuf"),
        (GRAPHML_SUFFIXES, "GraphML"),
        ((".pbf",), "OSM PBF"),
        ((".bz2",), Msg("error.network.kind_bz2")),
        ((".osm", ".xml"), "OSM XML"),
    ):
        if name.endswith(suffixes):
            return kind
    return Msg("error.network.kind_network")


def _parse(reader: Callable[..., Any], path: Path, *args: Any, name: Path | None = None) -> Any:
    """Run a file parser; turn its errors into a one-line NetworkError naming the file.

    Errors from XML, GDAL, osmium, osmnx… name ``name`` when ``path`` is a temporary copy. Our
    own errors pass unchanged: they say what is wrong already (a missing library is no corrupt
    file).
    """
    try:
        return reader(path, *args)
    except CoverageError:
        raise
    except Exception as exc:
        shown = name or path
        raise NetworkError(
            Msg(
                "error.network.unreadable",
                file=str(shown),
                kind=_kind(shown),
                reason=reason_line(exc),
            )
        ) from exc
