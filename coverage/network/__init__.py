"""Walking networks: load, filter to walkable streets, keep one component, and build the CSR graph.

A :class:`WalkNetwork` is the single representation every later step uses: one row per street
segment (geometry oriented from ``u`` to ``v``, in a metric CRS) plus a compact directed graph
(``scipy.sparse`` CSR, weights in seconds) for routing.

Modules: :mod:`~coverage.network.graph` (the network, subsets, components, clipping),
:mod:`~coverage.network.walkable` (the walk rule by tag), :mod:`~coverage.network.edges` (edge
tables), :mod:`~coverage.network.osm` (OSM files), :mod:`~coverage.network.graphml` (osmnx
graphs), :mod:`~coverage.network.fetch` (downloads and geocoding, cached),
:mod:`~coverage.network.loader` (a file by its name) and :mod:`~coverage.network.formats`.
"""

from coverage.network.edges import from_edges, read_edge_table
from coverage.network.fetch import download, geocode_area
from coverage.network.formats import EDGE_TABLE_SUFFIXES, GRAPHML_SUFFIXES, OSM_SUFFIXES
from coverage.network.graph import WalkNetwork, clip, largest_component, subset
from coverage.network.graphml import from_graph
from coverage.network.loader import load
from coverage.network.osm import read_osm

__all__ = [
    "EDGE_TABLE_SUFFIXES",
    "OSM_SUFFIXES",
    "GRAPHML_SUFFIXES",
    "WalkNetwork",
    "from_edges",
    "subset",
    "largest_component",
    "clip",
    "from_graph",
    "read_edge_table",
    "read_osm",
    "download",
    "geocode_area",
    "load",
]
