"""osmnx street graphs (downloaded, from OSM XML, or saved as GraphML) into a walking network."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coverage.errors import Msg, NetworkError, reason_line
from coverage.network._ox import osmnx
from coverage.network.edges import from_edges
from coverage.network.formats import _parse
from coverage.network.graph import WalkNetwork

__all__ = ["from_graph"]


def from_graph(G: Any, **kwargs: Any) -> WalkNetwork:
    """Build from an osmnx ``MultiDiGraph`` (downloaded, read from XML or GraphML).

    Parameters
    ----------
    G
        The graph, with node ``x``/``y`` and a ``crs`` in its graph attributes, as osmnx makes it.
    **kwargs
        Passed to :func:`~coverage.network.from_edges` (``speed_kmh``, ``steps_penalty``,
        ``component``, ``source``).

    Returns
    -------
    WalkNetwork
        The walking network.
    """
    ox = osmnx()
    source = kwargs.get("source", "graph")
    if G.number_of_edges() == 0:
        raise NetworkError(Msg("error.network.no_edges", file=source))
    try:
        edges = ox.graph_to_gdfs(G, nodes=False, fill_edge_geometry=True).reset_index()
    except Exception as exc:  # a GraphML that osmnx did not write: nodes without x/y, no crs…
        raise NetworkError(
            Msg("error.network.not_osmnx", file=source, reason=reason_line(exc))
        ) from exc
    return from_edges(edges, **kwargs)


def _read_graphml(path: Path, **kwargs: Any) -> WalkNetwork:
    """Read a GraphML file osmnx wrote (``kwargs`` as for :func:`from_graph`)."""
    return from_graph(_parse(osmnx().load_graphml, path), **kwargs)
