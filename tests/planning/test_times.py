"""Site × demand times: the same as the coverage engine's, cut to each row's limit."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from scipy import sparse

from coverage import analysis, planning
from coverage.planning.times import stage_times


def test_site_times_equal_the_coverage_times(hand):
    net = hand.net(hand.grid(3, 100.0))
    sites = gpd.GeoDataFrame(geometry=list(hand.pts([(0, 0), (200, 150)])), crs=hand.crs)
    dem = gpd.GeoDataFrame(
        {"weight": [1.0, 1.0, 1.0]},
        geometry=list(hand.pts([(50, 0), (200, 200), (100, 130)])),
        crs=hand.crs,
    )
    t, _ = planning.site_times(net, sites.to_crs(4326), dem.to_crs(4326), 5.0)
    cov = analysis.evaluate(net, sites.assign(tier="point"), dem, threshold_min=5.0)
    np.testing.assert_allclose(t.toarray(), cov.times.toarray())
    # By hand (1 m/s): site 0 → (50,0) 50 s; (100,130): 100 + 100 + 30 access... via (100,100)
    # is 200 s then 30 s off the street = 230 s. Site 1 at (200,150) is on the street x = 200.
    assert t[0, 0] == pytest.approx(50 / 60)
    assert t[0, 2] == pytest.approx(230 / 60)
    assert t[1, 1] == pytest.approx(50 / 60)


def test_within_row_limits_keeps_zeros():
    m = sparse.csr_matrix(
        (np.array([0.0, 7.0, 12.0, 3.0]), np.array([0, 1, 2, 0]), np.array([0, 3, 4])), shape=(2, 3)
    )
    out = planning.within_row_limits(m, np.array([10.0, 2.0]))
    assert out.nnz == 2 and out.indptr.tolist() == [0, 2, 2]
    assert out.data.tolist() == [0.0, 7.0]  # the explicit zero (a site on its point) survives


def test_default_snap_distance_is_read_at_call_time(hand, monkeypatch):
    from coverage import settings

    net = hand.net(hand.grid(3, 100.0))
    # The site is 80 m from the nearest street (y = 0); the demand point is on it.
    sites = gpd.GeoDataFrame(geometry=list(hand.pts([(50, -80)])), crs=hand.crs).to_crs(4326)
    dem = gpd.GeoDataFrame(
        {"weight": [1.0]}, geometry=list(hand.pts([(50, 0)])), crs=hand.crs
    ).to_crs(4326)
    t, snapped = planning.site_times(net, sites, dem, 5.0)
    assert snapped.ok.tolist() == [True] and t.nnz == 1
    monkeypatch.setattr(settings, "max_snap_m", 60.0)
    t, snapped = planning.site_times(net, sites, dem, 5.0)
    assert snapped.ok.tolist() == [False] and t.nnz == 0  # too far from a street: reaches nobody


def test_site_times_name_what_would_reach_nobody_silently(hand):
    # A negative threshold stored no pair, and a site with a NaN coordinate got an empty row,
    # both without a word; a frame without CRS failed deep in geopandas.
    net = hand.net(hand.grid(3, 100.0))
    sites = gpd.GeoDataFrame(geometry=list(hand.pts([(0, 0), (200, 150)])), crs=hand.crs)
    dem = gpd.GeoDataFrame({"weight": [1.0]}, geometry=list(hand.pts([(50, 0)])), crs=hand.crs)
    with pytest.raises(ValueError, match=r"threshold_min must be a number >= 0, not -5"):
        planning.site_times(net, sites, dem, -5.0)
    bad = sites.set_geometry(gpd.points_from_xy([np.nan, 0.0], [0.0, 0.0]), crs=hand.crs)
    with pytest.raises(ValueError, match=r"sites, rows 0: no geometry, or a coordinate"):
        planning.site_times(net, bad, dem, 5.0)
    with pytest.raises(ValueError, match=r"demand: no CRS"):
        planning.site_times(net, sites, dem.set_crs(None, allow_override=True), 5.0)


def test_stage_times_read_a_tier_name_with_its_own_threshold(hand):
    # The sample scenario gives rest stations (驿站, outdoor_station) 10 minutes, the others 15.
    # On a straight street walked at 1 m/s, a candidate at 0 reaches demand at 300 m in 5 min
    # and at 720 m in 12 min: a stage of 驿站 keeps only the first. Read as a code, "驿站" got
    # the general 15 minutes and kept both.
    from types import SimpleNamespace

    from coverage.scenario import load_scenario

    s = load_scenario(Path(__file__).resolve().parents[2] / "data" / "wuhan" / "scenario.toml")
    net = hand.net([("A", "B", [(0, 0), (500, 0)], "residential"),
                    ("B", "C", [(500, 0), (1000, 0)], "residential")])  # fmt: skip
    dem = gpd.GeoDataFrame(
        {"weight": [1.0, 1.0]}, geometry=list(hand.pts([(300, 0), (720, 0)])), crs=hand.crs
    )
    cov = analysis.evaluate(
        net, gpd.GeoDataFrame({"tier": ["point"]}, geometry=list(hand.pts([(0, 0)])), crs=hand.crs),
        dem, threshold_min=15.0,
    )  # fmt: skip
    sites = gpd.GeoDataFrame(
        {"role": ["candidate"]}, geometry=list(hand.pts([(0, 0)])), crs=hand.crs
    )
    before = SimpleNamespace(coverage=cov, network=net)
    times = stage_times(s, before, sites.to_crs(4326), ["驿站"])
    assert list(times) == ["outdoor_station"]
    assert times["outdoor_station"].indices.tolist() == [0]
    assert times["outdoor_station"].data == pytest.approx([5.0])
    with pytest.raises(ValueError, match=r"tiers: unknown tier '驿栈'"):
        stage_times(s, before, sites.to_crs(4326), ["驿栈"])


def test_within_row_limits_name_limits_that_do_not_fit_the_rows():
    # Three limits for two rows were taken as they came, a NaN limit emptied its row.
    m = sparse.csr_matrix(
        (np.array([1.0, 2.0]), np.array([0, 0]), np.array([0, 1, 2])), shape=(2, 2)
    )
    with pytest.raises(ValueError, match=r"limits has 3 values for 2 rows of times"):
        planning.within_row_limits(m, [3.0, 1.0, 2.0])
    with pytest.raises(ValueError, match=r"limits must be minutes >= 0"):
        planning.within_row_limits(m, [np.nan, 3.0])
    assert planning.within_row_limits(m, 1.5).data.tolist() == [1.0]  # one limit for every row
