"""OSM files (.osm, .osm.bz2, .osm.pbf): the hand-written fixture, ways cut at missing nodes,
negative ids of unsaved editor objects, and files without streets.

Hand networks use 3.6 km/h = 1 m/s, so a time in seconds equals a length in metres.
"""

from __future__ import annotations

import bz2
import re
from pathlib import Path

import numpy as np
import pytest

from coverage import network
from coverage.errors import NetworkError

from .cases import _check_fixture_network, _edge_set, _osm_text


def test_load_osm_xml(osm_path):
    net = network.load(osm_path, speed_kmh=3.6)
    _check_fixture_network(net)
    assert net.report["source"] == str(osm_path)
    # names survive (Chinese text included)
    assert "建新东路" in set(net.edges["name"])


def test_load_osm_bz2(osm_path, tmp_path):
    path = tmp_path / "jiangbei_small.osm.bz2"
    path.write_bytes(bz2.compress(osm_path.read_bytes()))
    _check_fixture_network(network.load(path, speed_kmh=3.6))


def test_load_osm_pbf(fixtures_dir):
    net = network.load(fixtures_dir / "jiangbei_small.osm.pbf", speed_kmh=3.6)
    _check_fixture_network(net)


def test_pbf_fixture_matches_osm(osm_path, fixtures_dir):
    """The committed .pbf holds the same data as the .osm (re-run make_pbf.py if not)."""
    import osmium

    def objects(path: Path) -> list[str]:
        out = []
        for o in osmium.FileProcessor(str(path)):
            tags = sorted((t.k, t.v) for t in o.tags)
            if o.is_node():
                out.append(f"n{o.id} {o.location.lon:.7f} {o.location.lat:.7f} {tags}")
            elif o.is_way():
                out.append(f"w{o.id} {[n.ref for n in o.nodes]} {tags}")
        return out

    assert objects(fixtures_dir / "jiangbei_small.osm.pbf") == objects(osm_path)


def test_osm_way_cut_at_missing_nodes(tmp_path):
    # Street 100-101-[999]-102-103 where node 999 is not in the file (an extract cut across
    # the way), and a footway whose nodes (998, 997) are all missing but one.
    nodes = {100: (0.0, 0.0), 101: (100.0, 0.0), 102: (300.0, 0.0), 103: (400.0, 0.0)}
    ways = [
        ([100, 101, 999, 102, 103], {"highway": "residential"}),
        ([103, 998, 997], {"highway": "footway"}),
    ]
    path = tmp_path / "cut.osm"
    path.write_text(_osm_text(nodes, ways), encoding="utf-8")
    net = network.load(path, component="all")
    e = _edge_set(net)
    # the two stretches present, never a straight line across the gap (101 → 102)
    assert {(min(k), max(k)) for k in e} == {(100, 101), (102, 103)}
    np.testing.assert_allclose(net.edges["length"], 100.0, atol=0.02)
    assert net.report["osm_ways_cut_at_missing_nodes"] == 1
    assert net.report["dropped_not_walkable"] == {"highway way without its nodes": 1}


def test_osm_negative_ids_of_unsaved_editor_objects(osm_path, tmp_path):
    # JOSM saves objects not yet uploaded with negative ids: the same streets, ids negated.
    text = re.sub(r'(id|ref)="(\d+)"', r'\1="-\2"', osm_path.read_text(encoding="utf-8"))
    path = tmp_path / "unsaved.osm"
    path.write_text(text, encoding="utf-8")
    neg = network.load(path, speed_kmh=3.6)
    pos = network.load(osm_path, speed_kmh=3.6)

    def norm(edges: dict, sign: int) -> set:  # two-way edges either way round; one-way as is
        return {
            (frozenset((sign * u, sign * v)) if tw else (sign * u, sign * v), hw, tw)
            for (u, v), (hw, tw) in edges.items()
        }

    assert norm(_edge_set(neg), -1) == norm(_edge_set(pos), 1)
    assert (-3, -6) in _edge_set(neg)  # the one-way footway 3 → 6
    np.testing.assert_allclose(sorted(neg.edges["length"]), sorted(pos.edges["length"]))
    assert {k: v for k, v in neg.report.items() if k != "source"} == {
        k: v for k, v in pos.report.items() if k != "source"
    }


def test_osm_without_streets_names_what_it_holds(tmp_path):
    nodes = {1: (0.0, 0.0), 2: (100.0, 0.0), 3: (100.0, 100.0)}
    ways = [([1, 2], {"railway": "rail"}), ([1, 2, 3, 1], {"building": "yes"})]
    path = tmp_path / "no_streets.osm"
    path.write_text(_osm_text(nodes, ways), encoding="utf-8")
    with pytest.raises(NetworkError) as info:
        network.load(path)
    assert str(info.value) == (
        f"{path}: no walkable street among its 2 ways (left out: building: 1, railway=rail: 1)"
    )
