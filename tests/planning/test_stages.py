"""The plan policy's checks before loading (``plan_stages`` is tested with the CLI)."""

from __future__ import annotations

import pytest

from coverage import pipeline, planning
from coverage.errors import InputError, ScenarioError
from coverage.planning.stages import _check_candidates
from coverage.scenario import load_scenario


def _scenario(tmp_path, hand, plan: str = ""):
    hand.table(hand.grid(2)).to_parquet(tmp_path / "streets.parquet")
    (tmp_path / "fac.csv").write_text("lon,lat,tier\n114.27,30.59,point\n", "utf-8")
    (tmp_path / "scenario.toml").write_text(
        f'name = "s"\n[network]\npath = "streets.parquet"\n[plan]\n{plan}'
        '[[facilities]]\npath = "fac.csv"\n',
        "utf-8",
    )
    return load_scenario(tmp_path / "scenario.toml")


def test_a_plan_needs_candidate_sites(tmp_path, hand):
    with pytest.raises(InputError, match=r"no candidate sites: add \[\[candidates\]\] layers"):
        _check_candidates(_scenario(tmp_path, hand))
    _check_candidates(_scenario(tmp_path, hand, "grid_spacing_m = 100\n"))  # a grid is enough


def test_osm_features_need_an_osm_file_a_place_or_an_area(tmp_path, hand):
    s = _scenario(tmp_path, hand, "osm_features = true\n")
    with pytest.raises(ScenarioError, match=r"plan.osm_features needs an .osm network file"):
        _check_candidates(s)


def test_the_pipeline_keeps_the_policy_names():
    assert pipeline.plan_stages is planning.plan_stages
    assert pipeline.PLAN_MODELS is planning.PLAN_MODELS


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "{src}: add=0: give a whole number of new sites, at least 1"),
        ("zh", "{src}：add=0：请给出新增地点的整数个数，至少为 1"),
    ],
)
def test_a_bad_plan_setting_is_said_in_both_languages(tmp_path, hand, lang, expected):
    s = _scenario(tmp_path, hand, "grid_spacing_m = 100\n")
    with pytest.raises(ScenarioError) as info:
        planning.plan_stages(s, add=0)
    assert info.value.text(lang) == expected.format(src=s.source)


def test_stage_tiers_are_named_as_in_plan_tiers(tmp_path, hand):
    # [plan] tiers takes labels and aliases (normalised to codes); so does --stage.
    s = _scenario(tmp_path, hand, 'tiers = ["分中心", "服务站"]\nstage_add = { "服务站" = 5 }\n')
    assert s.plan.tiers == ["subcentre", "point"]
    expected = [("subcentre", "pmedian", 2, None), ("point", "mclp", 5, None)]
    assert planning.plan_stages(s, stage_add={"分中心": 2}) == expected
    assert planning.plan_stages(s, stage_add={"Sub-centre": 2}) == expected
    assert planning.plan_stages(s, stage_add={"subcentre": 2, "服务站点": 7})[1][2] == 7
    with pytest.raises(ScenarioError) as info:  # one tier by two names
        planning.plan_stages(s, stage_add={"subcentre": 2, "分中心": 3})
    assert info.value.text("en").endswith(
        "stage_add={'分中心': 3}: subcentre is given more than once"
    )
    with pytest.raises(ScenarioError, match=r"stage_add={'中心': 2}: '中心' is not a staged tier"):
        planning.plan_stages(s, stage_add={"中心": 2})  # a tier, but not one of the stages
    with pytest.raises(
        ScenarioError, match=r"--stage 服务站=1 and --add/--target both set the point stage"
    ):
        planning.plan_stages(s, stage_add={"服务站": 1}, add=3)
