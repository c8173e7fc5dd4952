"""Packed geometries of the map's payload: integer steps that decode to the drawn coordinates."""

from __future__ import annotations

import json

import numpy as np
import shapely
from map_payload import unpack_collection
from shapely.geometry import mapping

from coverage.maps.geometry import SCALE, draw_geoms, feature_collection, pack_geometry

# A polygon with a hole, a two-part multipolygon, a line, a point and a collection, around Wuhan
# with more decimals than the page keeps.
_RING = [(114.2712345, 30.5901234), (114.2798765, 30.5904321), (114.2791111, 30.5987654)]
_HOLE = [(114.2751, 30.5931), (114.2761, 30.5932), (114.2757, 30.5941)]
GEOMS = [
    shapely.Polygon(_RING, [_HOLE]),
    shapely.MultiPolygon([shapely.Polygon(_RING), shapely.box(114.30, 30.60, 114.31, 30.61)]),
    shapely.LineString([(114.27, 30.59), (114.2700049, 30.5900051), (114.2611, 30.5722)]),
    shapely.Point(114.2727401, 30.5932749),
    shapely.GeometryCollection([shapely.Point(114.1, 30.1), shapely.LineString(_HOLE)]),
]


def _positions(gj: dict) -> np.ndarray:
    """Every position of a GeoJSON geometry, in order."""
    if gj["type"] == "GeometryCollection":
        return np.vstack([_positions(g) for g in gj["geometries"]])
    return np.asarray(shapely.get_coordinates(shapely.geometry.shape(gj)))


def test_packed_collection_decodes_to_the_drawn_coordinates():
    drawn = draw_geoms(GEOMS, "wgs84")  # rounded to 1e-5 degrees, as embedded
    fc = feature_collection(drawn, [{"i": i} for i in range(len(GEOMS))])
    assert fc["scale"] == SCALE == 100_000
    # Through JSON, as the page gets it; then a plain-loop decoder (tests/map_payload.py).
    back = unpack_collection(json.loads(json.dumps(fc)))
    assert "scale" not in back and [f["properties"]["i"] for f in back["features"]] == [
        0,
        1,
        2,
        3,
        4,
    ]
    for geom, orig, f in zip(drawn, GEOMS, back["features"], strict=True):
        gj = f["geometry"]
        assert gj["type"] == geom.geom_type and "c" not in gj
        got, want = _positions(gj), shapely.get_coordinates(geom)
        assert got.shape == want.shape
        assert np.abs(got - want).max() < 1e-6  # the drawn coordinates, to 1e-6 degrees
        assert np.abs(got - shapely.get_coordinates(orig)).max() <= 0.5e-5 + 1e-12  # rounding only


def test_packing_is_first_position_then_steps():
    line = shapely.LineString([(114.27, 30.59), (114.27001, 30.58998), (114.27101, 30.58998)])
    assert pack_geometry(line) == {
        "type": "LineString",
        "c": [11427000, 3059000, 1, -2, 100, 0],
    }
    assert pack_geometry(shapely.Point(114.27, 30.59))["c"] == [11427000, 3059000]
    poly = pack_geometry(shapely.box(0, 0, 0.001, 0.002))
    assert poly["type"] == "Polygon" and len(poly["c"]) == 1  # one ring
    # Steps of a closed ring come back to the start.
    ring = np.asarray(poly["c"][0]).reshape(-1, 2)
    assert ring[1:].sum(axis=0).tolist() == [0, 0]


def test_packed_payload_is_smaller():
    circle = draw_geoms([shapely.Point(114.27, 30.59).buffer(0.01, 64)], "wgs84")
    plain = {"type": "FeatureCollection", "features": [{"geometry": mapping(circle[0])}]}
    packed = feature_collection(circle, [{}])
    assert len(json.dumps(packed, separators=(",", ":"))) < 0.5 * len(
        json.dumps(plain, separators=(",", ":"))
    )


def test_packing_from_arrays_equals_packing_geojson():
    """pack_geometry's array path gives what packing ``mapping(geom)`` gives, every type."""
    from shapely.geometry import mapping

    from coverage.maps.geometry import _DEPTH, _pack, pack_geometry

    ring = [(114.1, 30.5), (114.12345, 30.5), (114.12345, 30.52), (114.1, 30.5)]
    hole = [(114.11, 30.505), (114.115, 30.505), (114.115, 30.51), (114.11, 30.505)]
    poly = shapely.Polygon(ring, [hole])
    geoms = [
        shapely.Point(114.123456789, 30.5),
        shapely.MultiPoint([(114.1, 30.5), (114.2, 30.6)]),
        shapely.LineString(ring[:3]),
        shapely.MultiLineString([ring[:2], hole[:3]]),
        poly,
        shapely.MultiPolygon([poly, shapely.Polygon([(115, 31), (115.01, 31), (115, 31.01)])]),
        shapely.GeometryCollection([shapely.Point(1, 2), shapely.LineString(ring[:2])]),
        shapely.Polygon(),  # empty: the GeoJSON path
        shapely.LineString([(114.1, 30.5, 7.0), (114.2, 30.6, 8.0)]),  # 3-D: the GeoJSON path
    ]
    for g in geoms:
        got = pack_geometry(g)
        if g.geom_type == "GeometryCollection":
            assert [p["c"] for p in got["geometries"]] == [
                _pack(mapping(p)["coordinates"], _DEPTH[p.geom_type]) for p in g.geoms
            ]
            continue
        assert got == {
            "type": g.geom_type,
            "c": _pack(mapping(g)["coordinates"], _DEPTH[g.geom_type]),
        }
    assert pack_geometry(geoms[4])["c"][1][:2] == [11411000, 3050500]  # the hole, first position


def test_fit_returns_the_box_it_fits():
    import folium

    from coverage.maps.geometry import fit

    m = folium.Map(location=[0, 0], zoom_start=3)
    # Two boxes (west, south, east, north) and one not drawn (NaN): the union of the two.
    box = fit(
        m,
        [np.array([114.25, 30.58, 114.27, 30.60]), np.array([114.26, 30.57, 114.30, 30.59]),
         np.array([np.nan] * 4)],
        "wgs84",
    )  # fmt: skip
    assert box == [[30.57, 114.25], [30.60, 114.30]]
    assert m.location == [30.585, 114.275]
    assert fit(m, [np.array([np.nan] * 4)], "wgs84") is None
