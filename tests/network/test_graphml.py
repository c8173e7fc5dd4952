"""osmnx graphs saved as GraphML, projected or not, load as the OSM file does."""

from __future__ import annotations

import pytest

from coverage import network

from .cases import _check_fixture_network


@pytest.mark.parametrize("projected", [False, True])
def test_graphml_round_trip(osm_path, tmp_path, projected):
    import osmnx as ox

    G = ox.graph_from_xml(osm_path, bidirectional=False, simplify=False, retain_all=True)
    G = ox.simplify_graph(G, edge_attrs_differ=["highway"])
    if projected:
        G = ox.project_graph(G)
    path = tmp_path / "jiangbei.graphml"
    ox.save_graphml(G, path)
    _check_fixture_network(network.load(path, speed_kmh=3.6), osm_file=False)
