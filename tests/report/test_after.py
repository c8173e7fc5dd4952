"""coverage.report.after: coverage after the plan adds up to the plan's own numbers."""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from conftest import copy_small_scenario

from coverage import export_maps, maps, pipeline, plan_layers, report
from coverage.report.after import proposed_label


@pytest.mark.realdata
def test_after_plan_adds_up(planned):
    run = planned.before
    after = report.after_plan(run, planned, catchments=False)
    w = run.coverage.demand["weight"].to_numpy(dtype=float)
    covered_before = run.coverage.summary.set_index(["scope", "key"]).loc[
        ("overall", "all"), "covered_weight"
    ]
    c = after.curve
    assert after.k == len(planned.proposed) == 5
    assert c["k"].tolist() == list(range(6))
    assert c["covered_weight"].iloc[0] == pytest.approx(covered_before)
    assert np.all(np.diff(c["covered_weight"]) >= 0)
    assert np.diff(c["covered_weight"]) == pytest.approx(after.sites["added"].to_numpy())
    assert c["covered_weight"].iloc[-1] == pytest.approx(w[after.covered].sum())
    # Nobody covered before is lost; the proposed sites only add.
    assert after.covered[run.coverage.demand["covered"].to_numpy(dtype=bool)].all()
    assert (after.n_reach >= run.coverage.demand["n_reach"].to_numpy()).all()
    assert after.sites["cumulative_share"].iloc[-1] == pytest.approx(c["covered_share"].iloc[-1])


# --- the proposed sites' catchments: the report's figure and the plan map's layer ------------


def _old_report_catchments(run, prop, lang):
    """The report's own drawing before it used plan_layers (kept here as the reference): every
    proposed site at once, labelled as a proposed tier, bands up to the largest threshold."""
    from coverage.catchment_layers import catchments_for

    walk, spec = run.scenario.walk_model(), run.scenario.catchment_spec()
    sites = gpd.GeoDataFrame(
        {"tier": prop["tier"].astype(str)}, geometry=prop.geometry.values, crs=4326
    )
    label = {t: proposed_label(t, lang) for t in sites["tier"].unique()}
    thr = max(walk.threshold_for(t) for t in label)
    bands = sorted({float(b) for b in spec.bands_min if b < thr} | {float(thr)})
    _, by_tier = catchments_for(
        run.network,
        sites.assign(tier=sites["tier"].map(label)),
        spec.with_(bands_min=bands),
        max_snap_m=walk.max_snap_m,
    )
    return by_tier, bands


def _old_map_catchments(run, plans):
    """The plan map's drawing as it was: each stage's sites at that stage's threshold."""
    from coverage.catchment_layers import catchments_for

    walk, spec = run.scenario.walk_model(), run.scenario.catchment_spec()
    parts = []
    for p in plans:
        sites = gpd.GeoDataFrame(
            {"tier": [p.tier] * len(p.proposed)}, geometry=p.proposed.geometry.values, crs=4326
        )
        _, by_tier = catchments_for(
            run.network,
            sites,
            spec.with_(bands_min=[float(p.threshold_min)]),
            max_snap_m=walk.max_snap_m,
        )
        parts.append(by_tier)
    return pd.concat(parts, ignore_index=True)


def _by_tier_band(frame):
    """``{(tier, band_min): geometry}``, one polygon per pair."""
    keys = list(zip(frame["tier"].astype(str), frame["band_min"].astype(float), strict=True))
    assert len(set(keys)) == len(keys)
    return dict(zip(keys, frame.geometry, strict=True))


def _assert_same_shapes(got, want):
    assert got.keys() == want.keys()
    for key, g in want.items():
        # Drawn by the same code on the same network: the same polygon, to rounding.
        diff = shapely.symmetric_difference(got[key], g).area
        assert diff <= 1e-9 * max(g.area, 1e-12), key


@pytest.fixture(scope="module")
def staged(tmp_path_factory, wuhan_edges_path):
    """A two-stage plan whose tiers walk 15 and 5 minutes (the small scenario's own tier
    thresholds): one centre, then two outdoor stations."""
    tiers = '\n[plan]\ngrid_spacing_m = 150\ntiers = ["centre", "outdoor_station"]\n'
    toml = copy_small_scenario(tmp_path_factory.mktemp("staged"), wuhan_edges_path, extra=tiers)
    stage_add = {"centre": 1, "outdoor_station": 2}
    plan = pipeline.plan(toml, staged=True, stage_add=stage_add, write=False)
    assert [p.threshold_min for p in plan.plans] == [15.0, 5.0]
    return plan


@pytest.mark.realdata
@pytest.mark.parametrize("which", ["planned", "staged"])
def test_proposed_catchments_draw_as_before_in_the_report_and_on_the_map(which, request):
    plan = request.getfixturevalue(which)
    run = plan.before
    after = report.after_plan(run, plan, lang="en")
    want, bands = _old_report_catchments(run, plan.proposed, "en")
    assert after.bands_min == bands
    n_run = len(run.tier_catchments)
    tc = after.tier_catchments
    assert tc.iloc[:n_run]["tier"].tolist() == run.tier_catchments["tier"].tolist()
    _assert_same_shapes(_by_tier_band(tc.iloc[n_run:]), _by_tier_band(want))

    layer = plan_layers.proposed_catchments(run, plan.plans)
    map_want = _by_tier_band(_old_map_catchments(run, plan.plans))
    _assert_same_shapes(_by_tier_band(layer), map_want)
    # Both callers draw a stage's sites alike at its threshold (the report under its label).
    shown = _by_tier_band(tc.iloc[n_run:])
    for p in plan.plans:
        key = (proposed_label(p.tier, "en"), float(p.threshold_min))
        _assert_same_shapes({0: shown[key]}, {0: map_want[(p.tier, float(p.threshold_min))]})


@pytest.mark.realdata
@pytest.mark.parametrize("which", ["planned", "staged"])
def test_renderers_draw_the_catchments_the_planner_drew(which, request, monkeypatch):
    """The report and the plan map are handed the plan's catchments; neither draws its own."""
    plan = dataclasses.replace(request.getfixturevalue(which))  # nothing cached yet
    own = {(p.tier, float(p.threshold_min)) for p in plan.plans}
    assert own <= set(zip(plan.catchments["tier"], plan.catchments["band_min"], strict=True))
    moved = plan.catchments.copy()
    moved["geometry"] = moved.translate(0.01, 0.0)  # no routing could draw these
    plan.catchments = moved

    def refuse(*args, **kwargs):
        raise AssertionError("a renderer drew catchments")

    monkeypatch.setattr(plan_layers, "catchments_for", refuse)
    after = report.after_plan(plan.before, plan, lang="en")
    n_run = len(plan.before.tier_catchments)
    want = moved[moved["band_min"].isin(after.bands_min)]
    want = want.assign(tier=[proposed_label(t, "en") for t in want["tier"]])
    _assert_same_shapes(_by_tier_band(after.tier_catchments.iloc[n_run:]), _by_tier_band(want))

    drawn = {}
    monkeypatch.setattr(maps, "coverage_map", lambda *a, **kw: drawn.update(kw))
    export_maps.coverage_map(plan.before, plan=plan, lang="en", basemap="none")
    keep = [key in own for key in zip(moved["tier"], moved["band_min"], strict=True)]
    _assert_same_shapes(_by_tier_band(drawn["proposed_catchments"]), _by_tier_band(moved[keep]))


@pytest.mark.realdata
def test_after_plan_without_lang_labels_the_proposed_sites_in_the_scenarios_lang(
    planned, monkeypatch
):
    """Without ``lang``, the run's own language (its scenario's), which the package setting
    does not override: a report for an English scenario is English in any session."""
    from coverage import settings

    run = planned.before
    english = set(report.after_plan(run, planned, lang="en").tier_catchments["tier"])
    chinese = set(report.after_plan(run, planned, lang="zh").tier_catchments["tier"])
    assert english != chinese
    monkeypatch.setattr(run.scenario, "lang", "en")
    monkeypatch.setattr(settings, "lang", "zh")
    assert set(report.after_plan(run, planned).tier_catchments["tier"]) == english
    monkeypatch.setattr(run.scenario, "lang", "zh")
    monkeypatch.setattr(settings, "lang", "en")
    assert set(report.after_plan(run, planned).tier_catchments["tier"]) == chinese
