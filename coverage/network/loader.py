"""Load a walking network from a file, choosing the reader by the file's name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coverage.errors import Msg, NetworkError
from coverage.network.cache import cached
from coverage.network.edges import from_edges, read_edge_table
from coverage.network.formats import EDGE_TABLE_SUFFIXES, GRAPHML_SUFFIXES, OSM_SUFFIXES, _parse
from coverage.network.graph import WalkNetwork
from coverage.network.graphml import _read_graphml
from coverage.network.osm import read_osm

__all__ = ["load"]


def load(path: str | Path, *, cache_dir: str | Path | None = None, **kwargs: Any) -> WalkNetwork:
    """Load a walking network from a file, choosing the reader by its suffix.

    ``kwargs`` go to :func:`~coverage.network.from_edges` (``speed_kmh``, ``steps_penalty``,
    ``component``, ``source``). With ``cache_dir`` the prepared network is kept there
    (:mod:`coverage.network.cache`) and read back while the file and the settings are the same.

    Parameters
    ----------
    path
        An edge table (:data:`EDGE_TABLE_SUFFIXES`), an OSM file (:data:`OSM_SUFFIXES`) or an osmnx
        GraphML (:data:`GRAPHML_SUFFIXES`).
    cache_dir
        Folder for the prepared network; None: no cache.
    **kwargs
        Passed to :func:`~coverage.network.from_edges`.

    Returns
    -------
    WalkNetwork
        The walking network.
    """
    path = Path(path)
    if not path.exists():
        raise NetworkError(Msg("error.network.not_found", file=str(path)))
    kwargs.setdefault("source", str(path))
    if cache_dir is not None and path.is_file():
        return cached(path, cache_dir, lambda: _load(path, **kwargs), kwargs)
    return _load(path, **kwargs)


def _load(path: Path, **kwargs: Any) -> WalkNetwork:
    name = path.name.lower()
    if name.endswith(GRAPHML_SUFFIXES):
        return _read_graphml(path, **kwargs)
    if name.endswith(OSM_SUFFIXES):
        return read_osm(path, **kwargs)
    if name.endswith(EDGE_TABLE_SUFFIXES):
        return from_edges(_parse(read_edge_table, path), **kwargs)
    osm = ".osm/.osm.bz2/.osm.pbf"
    raise NetworkError(
        Msg(
            "error.network.unknown_format",
            file=str(path),
            formats={"en": f"{osm}, .graphml", "zh": f"{osm}、.graphml"},
            tables=".parquet/.gpkg/.shp/.geojson",
        )
    )
