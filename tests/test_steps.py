"""The steps as a notebook calls them: a scenario's file or object, and rows of its own."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from coverage import steps
from coverage.scenario import load_scenario

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "wuhan" / "scenario.toml"


@pytest.fixture(scope="module")
def sample():
    area, _ = steps.load_area(str(SAMPLE))  # the file, as pipeline.run takes it
    net = steps.load_network(SAMPLE, area)
    layers = steps.read_layers(str(SAMPLE), net)
    return net, layers


def test_the_steps_take_the_scenario_file(sample):
    net, layers = sample
    assert len(layers.facilities) > 0 and len(layers.demand) > 0
    cov = steps.evaluate(str(SAMPLE), net, layers)
    assert cov.thresholds["outdoor_station"] == 10.0  # the file's [walk.tier_threshold_min]


def test_rows_of_ones_own_with_tier_names_get_their_tiers_threshold(sample):
    net, layers = sample
    station = layers.facilities[layers.facilities["tier"] == "outdoor_station"].iloc[[0]]
    mine = gpd.GeoDataFrame(
        {"name": ["新驿站"], "tier": ["户外劳动者驿站"]}, geometry=station.geometry.values, crs=4326
    )
    own = dataclasses.replace(
        layers, facilities=pd.concat([layers.facilities, mine], ignore_index=True)
    )
    cov = steps.evaluate(SAMPLE, net, own)
    added = cov.facilities.iloc[-1]
    assert added["tier"] == "outdoor_station" and added["threshold_min"] == 10.0
    # Where the register's station stands, the new one reaches the same people.
    first = cov.facilities[cov.facilities["name"] == station["name"].iloc[0]].iloc[0]
    assert added["demand_reached"] == first["demand_reached"]


def test_a_tier_name_no_tier_has_is_named_with_its_rows(sample):
    net, layers = sample
    typo = layers.facilities.assign(tier=layers.facilities["tier"].astype(object))
    typo.loc[[3, 7], "tier"] = "服务战点"
    with pytest.raises(ValueError, match=r"facilities, rows 3, 7: unknown tier '服务战点'"):
        steps.evaluate(SAMPLE, net, dataclasses.replace(layers, facilities=typo))


def test_many_rows_with_a_tier_no_tier_has_are_counted(sample):
    net, layers = sample
    typo = layers.facilities.assign(tier=layers.facilities["tier"].astype(object))
    typo.loc[[1, 2, 3, 4, 6, 8, 9], "tier"] = "服务战点"
    with pytest.raises(ValueError, match=r"facilities, rows 1, 2, 3, 4, 6 … \(7 rows\): unknown"):
        steps.evaluate(SAMPLE, net, dataclasses.replace(layers, facilities=typo))


def test_arguments_mixed_up_are_named(sample):
    net, layers = sample
    with pytest.raises(TypeError, match="net must be the WalkNetwork"):
        steps.read_layers(SAMPLE, layers)
    with pytest.raises(TypeError, match="layers must be the Layers"):
        steps.evaluate(SAMPLE, net, layers.facilities)
    with pytest.raises(TypeError, match="scenario must be a path"):
        steps.load_area(3)


def test_a_network_loaded_at_another_speed_is_not_used_silently(sample):
    # A notebook sets a slower walk but keeps the network whose times were fixed at 4.5 km/h.
    net, layers = sample
    slow = load_scenario(SAMPLE)
    slow.walk.speed_kmh = 3.6
    with pytest.raises(ValueError, match=r"loaded walking at 4.5 km/h .* now says 3.6 km/h"):
        steps.evaluate(slow, net, layers)


def test_a_network_loaded_with_another_steps_penalty_is_not_used_silently(hand):
    # Stairs cost twice their length's time when loaded; a notebook now says three times.
    lines = [(0, 1, [(0, 0), (100, 0)], "residential"), (1, 2, [(100, 0), (100, 50)], "steps")]
    net = hand.net(lines, steps_penalty=2.0)  # 1 m/s
    s = load_scenario(SAMPLE)
    s.walk.speed_kmh = net.speed_mps * 3.6
    s.walk.steps_penalty = 2.0
    steps._check_times(net, s)  # as loaded: fine
    s.walk.steps_penalty = 3.0
    with pytest.raises(ValueError, match=r"at steps_penalty 2 .* now says steps_penalty 3: load"):
        steps._check_times(net, s)
    flat = hand.net(lines[:1], steps_penalty=2.0)  # no stairs: no penalty to hold
    steps._check_times(flat, s)


def test_the_area_is_taken_as_load_area_returned_it(sample):
    net, _ = sample  # clipped to the area, unpacked
    whole = steps.load_area(SAMPLE)  # not unpacked: the pair
    assert len(steps.load_network(SAMPLE, whole).edges) == len(net.edges)
    frame = gpd.GeoDataFrame(geometry=[whole[0]], crs=4326).to_crs(3857)  # a frame, its own CRS
    assert len(steps.load_network(SAMPLE, frame).edges) == len(net.edges)
    with pytest.raises(TypeError, match="area must be a shapely geometry in WGS-84"):
        steps.load_network(SAMPLE, "江汉区")
