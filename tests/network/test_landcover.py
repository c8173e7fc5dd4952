"""Water and green from an osmnx features table: classes by tag, polygons only, clipped, merged."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from coverage.network.landcover import LANDCOVER_TAGS, WATER_TAGS, classify, tidy_landcover


def _features() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "natural": ["water", None, "water", None, "wood", None, "water"],
            "leisure": [None, "park", "park", None, None, "pitch", None],
            "landuse": [None, None, None, "reservoir", None, None, None],
        },
        geometry=[
            shapely.box(0, 0, 2, 1),  # water
            shapely.box(3, 0, 5, 2),  # green: park
            shapely.box(3.5, 0.5, 4, 1),  # a pond in the park: water wins
            shapely.box(-1, 1.5, 0.5, 2.5),  # reservoir, two thirds outside the box below
            shapely.box(6, 0, 7, 1),  # green: wood, outside the box
            shapely.box(0, 3, 1, 4),  # a pitch: not asked for
            shapely.LineString([(0, 5), (1, 5)]),  # an unclosed water way: a line
        ],
        crs=4326,
    )


def test_classify_by_tag_water_first():
    assert classify(_features()).tolist() == [
        "water",
        "green",
        "water",
        "water",
        "green",
        "",
        "water",
    ]
    assert classify(gpd.GeoDataFrame(geometry=[])).tolist() == []


def test_water_tags_are_asked_for():
    asked = {(k, v) for k, vs in LANDCOVER_TAGS.items() if isinstance(vs, list) for v in vs}
    assert WATER_TAGS <= asked
    assert {("natural", "water"), ("waterway", "riverbank"), ("landuse", "reservoir")} <= asked
    assert {("leisure", "park"), ("landuse", "grass"), ("landuse", "forest")} <= asked


def test_tidy_polygons_clipped_and_merged():
    lc = tidy_landcover(_features(), box=(0, 0, 5.5, 3))
    assert lc["kind"].tolist() == ["water", "green"] and lc.crs.to_epsg() == 4326
    water, green = lc.geometry
    # 2 × 1 pond + 0.5 × 1 of the reservoir inside the box + the 0.5 × 0.5 park pond
    assert water.area == pytest.approx(2 + 0.5 + 0.25)
    assert green.area == pytest.approx(4)  # the park only (the wood is outside the box)
    assert set(lc.geom_type) == {"MultiPolygon"}


def test_tidy_keeps_only_polygons_on_the_box_edge():
    # A polygon touching the box only along its edge clips to a line: nothing is left.
    touching = gpd.GeoDataFrame(
        {"natural": ["water"]}, geometry=[shapely.box(5.5, 0, 6, 1)], crs=4326
    )
    assert len(tidy_landcover(touching, box=(0, 0, 5.5, 3))) == 0
    empty = tidy_landcover(gpd.GeoDataFrame(geometry=[], crs=4326))
    assert list(empty.columns) == ["kind", "geometry"] and len(empty) == 0
    assert np.array_equal(classify(touching), ["water"])
