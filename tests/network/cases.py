"""OSM fixtures and hand expectations shared by the network tests.

Hand networks use 3.6 km/h = 1 m/s, so a time in seconds equals a length in metres.
"""

from __future__ import annotations

import bz2
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import Transformer

from coverage import network, routing

# --------------------------------------------------------------------------------------------
# The hand-written .osm fixture (tests/fixtures/jiangbei_small.osm)
# --------------------------------------------------------------------------------------------

# Node positions (lon, lat) in the fixture; the island (10, 11) and motorway (7, 8) get dropped.
OSM_NODES = {
    1: (106.530, 29.580),
    2: (106.531, 29.580),
    3: (106.532, 29.580),
    4: (106.530, 29.581),
    5: (106.531, 29.581),
    6: (106.532, 29.581),
}
# (u, v): (highway, walkable both ways)
OSM_EDGES = {
    (1, 2): ("residential", True),
    (2, 3): ("residential", True),
    (4, 5): ("residential", True),
    (5, 6): ("residential", True),
    (2, 5): ("residential", True),  # oneway=yes road: two-way for walkers
    (3, 6): ("footway", False),  # oneway=yes footway: 3 → 6 only
    (1, 4): ("steps", True),
}


def _edge_set(net: network.WalkNetwork) -> dict[tuple[int, int], tuple[str, bool]]:
    e = net.edges
    return {
        (int(u), int(v)): (hw, bool(tw))
        for u, v, hw, tw in zip(e["u"], e["v"], e["highway"], e["two_way"], strict=True)
    }


def _check_fixture_network(net: network.WalkNetwork, *, osm_file: bool = True) -> None:
    """Hand expectations for jiangbei_small.osm at 3.6 km/h (1 m/s); ``osm_file``: read from
    the OSM file itself (ways are counted and filtered before the graph is built)."""
    assert net.crs.to_epsg() == 32648  # UTM 48N: 106.5° E lies in zone 48 (102°–108° E)
    assert sorted(net.node_ids.tolist()) == [1, 2, 3, 4, 5, 6]
    edges = _edge_set(net)
    # two-way edges may come out as (u, v) or (v, u); the one-way footway must be exactly 3 → 6
    norm = {(min(k), max(k)) if tw else k: (hw, tw) for k, (hw, tw) in edges.items()}
    assert norm == OSM_EDGES

    to_utm = Transformer.from_crs(4326, 32648, always_xy=True)
    xy = {n: to_utm.transform(*lonlat) for n, lonlat in OSM_NODES.items()}
    for n, (x, y) in xy.items():
        k = int(np.flatnonzero(net.node_ids == n)[0])
        assert (net.x[k], net.y[k]) == pytest.approx((x, y), abs=0.01)
    # Hand check of the scale: 0.001° of longitude at 29.58° N is
    # N·cos φ·(0.001·π/180) = 6 383 340 m × 0.86966 × 1.74533e-5 ≈ 96.89 m, times the UTM scale
    # factor there (0.9996 × (1 + (Δλ cos φ)²/2), Δλ = 1.53° → 0.99987) ≈ 96.88 m; 0.001° of
    # latitude is M·1.74533e-5 = 6 350 948 m × 1.74533e-5 ≈ 110.84 m × 0.99987 ≈ 110.83 m.
    e = {
        tuple(sorted((int(u), int(v)))): {"length": L, "time_s": t, "highway": hw}
        for u, v, L, t, hw in net.edges[["u", "v", "length", "time_s", "highway"]].itertuples(
            index=False
        )
    }
    assert e[(1, 2)]["length"] == pytest.approx(96.88, abs=0.01)
    assert e[(1, 4)]["length"] == pytest.approx(110.83, abs=0.01)
    for (a, b), row in e.items():
        straight = np.hypot(xy[b][0] - xy[a][0], xy[b][1] - xy[a][1])  # every way is straight
        assert row["length"] == pytest.approx(straight, abs=0.01)
        penalty = 2.0 if row["highway"] == "steps" else 1.0
        assert row["time_s"] == pytest.approx(straight * penalty, abs=0.01)  # 1 m/s

    rep = net.report
    # way 106 (3→7→8) from the file, or its one simplified segment from a GraphML
    assert rep["dropped_not_walkable"] == {"highway=motorway": 1}
    assert rep.get("osm_ways_in") == (7 if osm_file else None)
    assert rep["component"]["dropped_nodes"] == 2  # island 10, 11
    assert rep["component"]["dropped_edges"] == 1
    assert rep["one_way_for_walkers"] == 1
    # osmnx (bidirectional=False) stores two-way ways as u→v and v→u rows: 5 streets, the steps
    # and the island street come twice → 6 merges.
    assert rep["reciprocal_rows_merged"] == 6

    # Routing on it: from node 6 to node 3 the footway (3 → 6) is closed, so the walk goes
    # 6 → 5 → 2 → 3 = 96.88 + 110.83 + 96.88 ≈ 304.6 s; from 3 to 6 it is the footway: 110.83 s.
    ids = net.node_ids
    at = {n: shapely.Point(xy[n]) for n in (3, 6)}
    r = routing.reach(net, routing.snap(net, np.array([at[6], at[3]])), 1000)
    t6 = dict(zip(ids[r.node_times(0)[0]], r.node_times(0)[1], strict=True))
    t3 = dict(zip(ids[r.node_times(1)[0]], r.node_times(1)[1], strict=True))
    assert t6[3] == pytest.approx(
        e[(5, 6)]["time_s"] + e[(2, 5)]["time_s"] + e[(2, 3)]["time_s"], abs=0.01
    )
    assert t6[3] == pytest.approx(96.88 + 110.83 + 96.88, abs=0.05)
    assert t3[6] == pytest.approx(110.83, abs=0.01)


# Two streets 200 m apart, A (x = 0) and B (x = 200), joined at their north ends by a 200 m
# tertiary road; their south ends are joined only by a railway (way 204). A building (205) and
# a landuse outline (206) share corner nodes with both streets, and a motorway (207) crosses
# from A to B. Node positions are UTM 48N (EPSG:32648) points (648000 + x, 3273000 + y) in
# metres, given to 1e-7° (≈ 1 cm); hand-written, not OpenStreetMap data.
RAIL_DETOUR_OSM = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="hand-written test">
  <node id="1" version="1" lat="29.5779991" lon="106.5279933"/><!-- A (0, 0) -->
  <node id="2" version="1" lat="29.5807057" lon="106.5280341"/><!-- A (0, 300) -->
  <node id="3" version="1" lat="29.5811568" lon="106.5280409"/><!-- A (0, 350) -->
  <node id="4" version="1" lat="29.5834123" lon="106.5280748"/><!-- A (0, 600) -->
  <node id="5" version="1" lat="29.5843145" lon="106.5280884"/><!-- A (0, 700) -->
  <node id="6" version="1" lat="29.5870211" lon="106.5281292"/><!-- A (0, 1000) -->
  <node id="7" version="1" lat="29.5906299" lon="106.5281836"/><!-- A (0, 1400) -->
  <node id="10" version="1" lat="29.5779754" lon="106.5300575"/><!-- B (200, 0) -->
  <node id="11" version="1" lat="29.5806819" lon="106.5300984"/><!-- B (200, 300) -->
  <node id="12" version="1" lat="29.5811330" lon="106.5301052"/><!-- B (200, 350) -->
  <node id="13" version="1" lat="29.5833885" lon="106.5301392"/><!-- B (200, 600) -->
  <node id="14" version="1" lat="29.5842907" lon="106.5301528"/><!-- B (200, 700) -->
  <node id="15" version="1" lat="29.5869973" lon="106.5301936"/><!-- B (200, 1000) -->
  <node id="16" version="1" lat="29.5906061" lon="106.5302481"/><!-- B (200, 1400) -->
  <way id="201" version="1">
    <nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="5"/><nd ref="6"/><nd ref="7"/>
    <tag k="highway" v="residential"/><tag k="name" v="建设路"/>
  </way>
  <way id="202" version="1">
    <nd ref="7"/><nd ref="16"/>
    <tag k="highway" v="tertiary"/>
  </way>
  <way id="203" version="1">
    <nd ref="16"/><nd ref="15"/><nd ref="14"/><nd ref="13"/><nd ref="12"/><nd ref="11"/>
    <nd ref="10"/>
    <tag k="highway" v="residential"/><tag k="name" v="解放路"/>
  </way>
  <way id="204" version="1">
    <nd ref="1"/><nd ref="10"/>
    <tag k="railway" v="rail"/><tag k="name" v="京广铁路"/>
  </way>
  <way id="205" version="1">
    <nd ref="2"/><nd ref="11"/><nd ref="12"/><nd ref="3"/><nd ref="2"/>
    <tag k="building" v="yes"/>
  </way>
  <way id="206" version="1">
    <nd ref="4"/><nd ref="13"/><nd ref="14"/><nd ref="5"/><nd ref="4"/>
    <tag k="landuse" v="residential"/>
  </way>
  <way id="207" version="1">
    <nd ref="6"/><nd ref="15"/>
    <tag k="highway" v="motorway"/><tag k="oneway" v="yes"/>
  </way>
</osm>
"""
RAIL_TAG = '<tag k="railway" v="rail"/>'


def _write_osm_formats(text: str, folder: Path) -> list[Path]:
    """The same OSM data as .osm, .osm.bz2 and .osm.pbf (written by osmium)."""
    import osmium

    xml = folder / "streets.osm"
    xml.write_text(text, encoding="utf-8")
    compressed = folder / "streets.osm.bz2"
    compressed.write_bytes(bz2.compress(xml.read_bytes()))
    pbf = folder / "streets.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as writer:
        for obj in osmium.FileProcessor(str(xml)):
            writer.add(obj)
    return [xml, compressed, pbf]


def _lonlat(x: float, y: float) -> tuple[float, float]:
    """WGS-84 of UTM 48N (648000 + x, 3273000 + y)."""
    return Transformer.from_crs(32648, 4326, always_xy=True).transform(648_000 + x, 3_273_000 + y)


def _osm_text(nodes: dict[int, tuple[float, float]], ways: list[tuple[list[int], dict]]) -> str:
    """OSM XML of nodes (id → metres in UTM 48N from the origin above) and ways (refs, tags)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6">']
    for nid, (x, y) in nodes.items():
        lon, lat = _lonlat(x, y)
        lines.append(f'<node id="{nid}" version="1" lat="{lat:.7f}" lon="{lon:.7f}"/>')
    for wid, (refs, tags) in enumerate(ways, start=500):
        lines.append(f'<way id="{wid}" version="1">')
        lines += [f'<nd ref="{r}"/>' for r in refs]
        lines += [f'<tag k="{k}" v="{v}"/>' for k, v in tags.items()]
        lines.append("</way>")
    return "\n".join(lines + ["</osm>"])


# Spurs off one street: (tags, why left out; None = a walkable street)


def _network_scenario(folder: Path, network_path: str) -> Path:
    (folder / "fac.csv").write_text("名称,层级,经度,纬度\n站点A,point,106.528,29.578\n", "utf-8")
    scenario = folder / "s.toml"
    scenario.write_text(
        f'name = "t"\n[network]\npath = "{network_path}"\n[[facilities]]\npath = "fac.csv"\n',
        encoding="utf-8",
    )
    return scenario
