"""OpenStreetMap files (``.osm``, ``.osm.bz2`` XML and ``.osm.pbf``) into a walking network.

osmium reads every format in one pass and copies only the walkable street ways (with their
nodes) to a small OSM XML file, which osmnx then turns into a graph: railways, buildings and
landuse outlines never become edges, whatever nodes they share with streets.
"""

from __future__ import annotations

import logging
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from coverage._optional import import_optional
from coverage.errors import Msg, NetworkError
from coverage.network._ox import osmnx_settings, simplify
from coverage.network.formats import _parse
from coverage.network.graph import WalkNetwork
from coverage.network.graphml import from_graph
from coverage.network.walkable import _count, _way_left_out, walk_rules

__all__ = ["read_osm"]

log = logging.getLogger(__name__)

_PURPOSE = Msg("error.purpose.osm_files")

# Ids for the pieces of ways cut at missing nodes: far above OSM's (~1.4e9 in 2025).
_CUT_WAY_ID0 = 10**15

_Entity = TypeVar("_Entity")


def _only(kind: type[_Entity], entities: Iterable[object]) -> Iterator[_Entity]:
    """The entities of an osmium reader that lets only ``kind`` through, typed as such.

    Osmium types every entity it yields as the union of all kinds.
    """
    for entity in entities:
        assert isinstance(entity, kind), f"osmium yielded a {type(entity).__name__}"
        yield entity


class _StreetWriter:
    """Writes street ways with their nodes for osmium, cutting ways at nodes without a location."""

    def __init__(self, writer: Any) -> None:
        self.writer = writer
        self.mutable = import_optional("osmium.osm.mutable", _PURPOSE, "osmium")
        self.written: set[int] = set()
        self.streets = 0
        self.cut = 0
        self.without_nodes = 0
        self.next_id = _CUT_WAY_ID0

    def add(self, way_id: int, nodes: list[tuple[int, Any]], tags: dict[str, str]) -> None:
        """Write one way; ``nodes`` are ``(ref, (lon, lat) or None)``."""
        Node, Way = self.mutable.Node, self.mutable.Way
        runs: list[list[tuple[int, Any]]] = [[]]  # stretches of consecutive located nodes
        for ref, lonlat in nodes:
            if lonlat is not None:
                runs[-1].append((ref, lonlat))
            elif runs[-1]:
                runs.append([])
        missing = len(runs) > 1 or len(runs[0]) < len(nodes)
        runs = [r for r in runs if len({ref for ref, _ in r}) >= 2]
        if not runs:
            self.without_nodes += 1
            return
        self.cut += missing
        self.streets += 1
        for k, run in enumerate(runs):
            for ref, lonlat in run:
                if ref not in self.written:
                    self.writer.add_node(Node(id=ref, location=lonlat))
                    self.written.add(ref)
            if k:
                self.next_id += 1
            ids = [ref for ref, _ in run]
            self.writer.add_way(Way(id=way_id if k == 0 else self.next_id, nodes=ids, tags=tags))


def _osm_streets(path: Path, out: Path) -> dict[str, Any]:
    """Copy the walkable streets of an OSM file and their nodes to ``out`` (OSM XML, for osmnx).

    The file may be OSM XML, bzip2 XML or PBF.

    Only ways the walk rule accepts are copied. osmium reads every format in one pass, with node
    locations, so nodes must come before the ways that use them (as in every OSM export); a way
    with missing nodes (an extract cut across it) is cut into the runs of nodes present.
    osmium's location index holds positive ids only: ways on the negative ids of unsaved editor
    (JOSM) objects wait for a second pass over those nodes.

    Returns
    -------
    dict
        ``ways`` (read), ``streets`` (copied), ``left_out`` (:class:`~collections.Counter` of
        ways by label), ``cut`` (ways cut at missing nodes).
    """
    osmium = import_optional("osmium", _PURPOSE)
    rules = walk_rules()
    left_out: Counter[str] = Counter()
    n_ways = 0
    waiting: list[tuple[int, list[tuple[int, Any]], dict[str, str]]] = []
    ways = (
        osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
        .with_locations()
        .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
    )
    with osmium.SimpleWriter(str(out), overwrite=True) as writer:
        streets = _StreetWriter(writer)
        for way in _only(osmium.osm.Way, ways):
            n_ways += 1
            tags = {t.k: t.v for t in way.tags}
            if (reason := _way_left_out(tags, rules)) is not None:
                left_out[reason] += 1
                continue
            nodes = [
                (nd.ref, (nd.location.lon, nd.location.lat) if nd.location.valid() else None)
                for nd in way.nodes
            ]
            if any(ll is None and ref < 0 for ref, ll in nodes):
                waiting.append((way.id, nodes, tags))
            else:
                streets.add(way.id, nodes, tags)
        if waiting:
            _add_waiting(osmium, path, waiting, streets)
    if streets.without_nodes:
        left_out["highway way without its nodes"] += streets.without_nodes
    return {"ways": n_ways, "streets": streets.streets, "left_out": left_out, "cut": streets.cut}


def _add_waiting(
    osmium: Any,
    path: Path,
    waiting: list[tuple[int, list[tuple[int, Any]], dict[str, str]]],
    streets: _StreetWriter,
) -> None:
    """Write the ways that wait for negative-id nodes, found in a second pass over the nodes."""
    wanted = {ref for _, nodes, _ in waiting for ref, ll in nodes if ll is None}
    found = {
        n.id: (n.location.lon, n.location.lat)
        for n in _only(osmium.osm.Node, osmium.FileProcessor(str(path), osmium.osm.NODE))
        if n.id in wanted and n.location.valid()
    }
    for way_id, nodes, tags in waiting:
        streets.add(way_id, [(r, ll or found.get(r)) for r, ll in nodes], tags)


def read_osm(path: str | Path, **kwargs: Any) -> WalkNetwork:
    """Read ``.osm`` / ``.osm.bz2`` XML or ``.osm.pbf`` into a walking network.

    Only ways with a walkable ``highway`` value become streets (see :mod:`coverage.settings`);
    the report counts the ways left out by tag (``dropped_not_walkable``, e.g.
    ``{"railway=rail": 3, "building": 12, "highway=motorway": 2}``).
    Ways are loaded one-directional (osmnx ``bidirectional=False``) so that ``oneway`` survives;
    our filter then makes roads two-way for walkers and keeps one-way footpaths one-way.

    Parameters
    ----------
    path
        An ``.osm``, ``.osm.bz2`` or ``.osm.pbf`` file.
    **kwargs
        Passed to :func:`~coverage.network.from_edges` (``speed_kmh``, ``steps_penalty``,
        ``component``; ``source`` defaults to the path).

    Returns
    -------
    WalkNetwork
        The walking network.
    """
    path = Path(path)
    kwargs.setdefault("source", str(path))

    def parse_xml(xml: Path) -> Any:
        with osmnx_settings() as ox:
            return ox.graph_from_xml(xml, bidirectional=False, simplify=False, retain_all=True)

    with tempfile.TemporaryDirectory() as tmp:
        xml = Path(tmp) / "streets.osm"
        counts = _parse(_osm_streets, path, xml)
        if counts["streets"] == 0:
            left = list(_count(counts["left_out"]).items())
            shown = ", ".join(f"{k}: {n}" for k, n in left[:5]) + (", …" if len(left) > 5 else "")
            msg = Msg("error.network.no_walkable", file=str(path), n=counts["ways"])
            raise NetworkError(msg + Msg("error.network.left_out", shown=shown) if left else msg)
        G = _parse(parse_xml, xml, name=path)
    net = from_graph(simplify(G), **kwargs)
    segments = net.report.get("dropped_not_walkable", {})
    net.report["osm_ways_in"] = counts["ways"]
    net.report["dropped_not_walkable"] = _count(counts["left_out"] + Counter(segments))
    if counts["cut"]:
        net.report["osm_ways_cut_at_missing_nodes"] = counts["cut"]
        log.warning(Msg("error.network.ways_cut", file=str(path), n=counts["cut"]))
    return net
