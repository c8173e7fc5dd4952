"""Catchment layers of facility points: the arguments an analyst passes by hand."""

import geopandas as gpd
import numpy as np
import pytest

from coverage.catchment_layers import facility_catchments
from coverage.errors import ArgumentError


@pytest.fixture(scope="module")
def grid(hand):
    net = hand.net(hand.grid(3, 100.0))  # 1 m/s: a band of 1 min reaches 60 m
    fac = gpd.GeoDataFrame({"tier": ["point"]}, geometry=hand.pts([(100, 100)])).to_crs(4326)
    return net, fac


@pytest.mark.parametrize(
    ("bands", "expected"),
    [
        ("5,10", "bands='5,10': every band must be a number of minutes above 0"),
        ([0, 1], "bands=[0, 1]: every band must be a number of minutes above 0"),
        ([1, float("nan")], "bands=[1, nan]: every band must be a number of minutes above 0"),
    ],
)
def test_bad_bands_are_one_line_not_a_type_error(grid, bands, expected):
    net, fac = grid
    with pytest.raises(ArgumentError) as info:
        facility_catchments(net, fac, bands)
    assert info.value.text("en") == expected


def test_no_band_is_named(grid):
    net, fac = grid
    with pytest.raises(ValueError, match="at least one band"):
        facility_catchments(net, fac, [])


def test_bands_as_an_array_are_drawn_as_a_list(grid):
    net, fac = grid
    by_list, _ = facility_catchments(net, fac, [1, 2])
    for bands in (np.array([1.0, 2.0]), [np.int64(1), np.float32(2)], np.array([1, 2])):
        by_array, _ = facility_catchments(net, fac, bands)
        assert list(by_array["band_min"]) == list(by_list["band_min"]) == [1, 2]
        assert by_array.geometry.equals(by_list.geometry)


def test_tier_names_are_read_as_codes_and_unioned_as_one_tier(hand):
    """Two service points, one written as register names write it: one tier's union (two
    separate unions before, one labelled 服务站点); another value is a group as written."""
    net = hand.net(hand.grid(3, 100.0))
    pts = hand.pts([(0, 0), (200, 200)])
    fac = gpd.GeoDataFrame({"tier": ["point", "服务站点"]}, geometry=pts).to_crs(4326)
    per_facility, by_tier = facility_catchments(net, fac, [1])
    assert per_facility["tier"].tolist() == ["point", "point"]
    assert by_tier["tier"].tolist() == ["point"]
    fac["tier"] = ["point", "Proposed service point"]  # the report's label of proposed sites
    assert sorted(facility_catchments(net, fac, [1])[1]["tier"]) == [
        "Proposed service point",
        "point",
    ]


def test_facilities_without_tier_or_crs_are_named(grid):
    net, fac = grid
    with pytest.raises(ValueError, match=r"^facilities need a 'tier' column$"):
        facility_catchments(net, fac.drop(columns="tier"), [1])
    with pytest.raises(ValueError, match=r"^facilities: no CRS"):
        facility_catchments(net, fac.set_crs(None, allow_override=True), [1])
