"""The plan policy's checks before loading (``plan_stages`` is tested with the CLI)."""

from __future__ import annotations

import pytest

from coverage import pipeline, planning
from coverage.errors import InputError, Msg, PlanError, ScenarioError
from coverage.planning.stages import _check_candidates, _reworded
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
        ("zh", "{src}：add=0：请给出新增站点的整数个数，至少为 1"),
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
        ScenarioError, match=r"stage_add={'服务站': 1} and add=/target= both set the point stage"
    ):
        planning.plan_stages(s, stage_add={"服务站": 1}, add=3)


_STAGED = 'tiers = ["subcentre", "point"]\n'

#: A bad combination of settings, as a Python caller and the command line are told of it.
_WORDED = [
    (
        {"add": 3, "target": 0.5},
        "",
        "give add= or target=, not both",
        "add= 和 target= 只能给出其一",
        "give --add or --target, not both",
    ),
    (
        {},
        "",
        "give add=N or target=SHARE (or [plan] add / target)",
        "请给出 add=N 或 target=比例（或 [plan] add / target）",
        "give --add N or --target SHARE (or [plan] add / target)",
    ),
    (
        {"staged": True, "tier": "point"},
        _STAGED,
        "tier= is for a one-stage plan; the stages' tiers are [plan] tiers",
        "tier= 用于单阶段规划；分阶段规划的层级见 [plan] tiers",
        "--tier is for a one-stage plan; the stages' tiers are [plan] tiers",
    ),
    (
        {"stage_add": {"point": 2}, "add": 3},
        _STAGED,
        "stage_add={'point': 2} and add=/target= both set the point stage: give one",
        "stage_add={'point': 2} 和 add=/target= 都设置了 point 阶段：请只给出一个",
        "--stage point=2 and --add/--target both set the point stage: give one",
    ),
    (
        {"staged": True},
        _STAGED,
        "say how many subcentre sites to add: stage_add={'subcentre': N}, "
        "or [plan] stage_add = { subcentre = N }",
        "请说明 subcentre 要新增几处：stage_add={'subcentre': N}，"
        "或 [plan] stage_add = { subcentre = N }",
        "say how many subcentre sites to add: --stage subcentre=N, "
        "or [plan] stage_add = { subcentre = N }",
    ),
    (  # a model without what it needs: said before anything is loaded, not by the model later
        {"model": "lscp", "add": 3},
        "",
        "model='lscp': lscp finds the fewest new sites for a target share: give target=",
        "model='lscp'：lscp 求达到目标覆盖比例所需的最少新增站点：请给出 target=",
        "--model lscp: lscp finds the fewest new sites for a target share: give --target",
    ),
    (
        {"model": "pmedian", "target": 0.9},
        "",
        "model='pmedian': pmedian places a given number of new sites: give add=",
        "model='pmedian'：pmedian 按给定个数布设新增站点：请给出 add=",
        "--model pmedian: pmedian places a given number of new sites: give --add",
    ),
    (
        {"model": "lscp", "stage_add": {"subcentre": 2, "point": 3}},
        _STAGED,
        "model='lscp': lscp finds the fewest new sites for a target share: give target=",
        "model='lscp'：lscp 求达到目标覆盖比例所需的最少新增站点：请给出 target=",
        "--model lscp: lscp finds the fewest new sites for a target share: give --target",
    ),
]


@pytest.mark.parametrize(("kwargs", "plan", "en", "zh", "cli"), _WORDED)
def test_python_callers_are_told_of_keyword_arguments(tmp_path, hand, kwargs, plan, en, zh, cli):
    s = _scenario(tmp_path, hand, plan)
    with pytest.raises(ValueError) as info:  # a bad argument, as Python code expects it
        planning.plan_stages(s, **kwargs)
    assert isinstance(info.value, ScenarioError)  # and as before, for code that catches that
    assert info.value.text("en") == f"{s.source}: {en}"
    assert info.value.text("zh") == f"{s.source}：{zh}"
    with pytest.raises(ScenarioError) as info:  # the command line's words are unchanged
        planning.plan_stages(s, spelled="cli", **kwargs)
    assert info.value.text("en") == f"{s.source}: {cli}"


@pytest.mark.parametrize("bad", ["pont", "服务", 3])
def test_an_unknown_tier_argument_is_named_with_the_known_tiers(tmp_path, hand, bad):
    s = _scenario(tmp_path, hand, "add = 2\n")
    with pytest.raises(ValueError) as info:
        planning.plan_stages(s, tier=bad)
    text = info.value.text("en")
    assert text.startswith(f"{s.source}: tier={bad!r}: unknown tier; known tiers: centre (")
    for name in ("point", "服务站点", "Service point", "社区职工服务站", "outdoor_station"):
        assert name in text
    assert "\n" not in text and "[types" not in text  # one line, no scenario-file advice
    zh = info.value.text("zh")
    assert zh.startswith(f"{s.source}：tier={bad!r}：未知层级；已知层级：centre (")
    # A name of a tier is taken, as on the command line; there the scenario's words stay.
    assert planning.plan_stages(s, tier="服务站点")[0][0] == "point"
    with pytest.raises(ScenarioError, match=r"unknown tier 'pont'; known tiers: .*\[types"):
        planning.plan_stages(s, tier="pont", spelled="cli")


def test_a_report_without_candidates_names_its_arguments(tmp_path, hand):
    s = _scenario(tmp_path, hand)
    start = (
        "add=, target=, stage_add= and the other plan settings need candidate sites: "
        "add [[candidates]] layers"
    )
    with pytest.raises(ScenarioError) as info:
        pipeline.report(s, tmp_path / "r.html", add=2)
    ways = (
        ", set [plan] grid_spacing_m above 0 (a grid of street nodes) or set [plan] "
        "osm_features = true (OSM community centres, libraries, town halls, malls and "
        "government offices)"
    )
    assert info.value.text("en") == f"{s.source}: {start}{ways}"
    zh = f"{s.source}：add=、target=、stage_add= 等规划设置需要候选点"
    assert info.value.text("zh").startswith(zh)
    cli = r"--add, --target, --stage and the other plan options need candidate sites"
    with pytest.raises(ScenarioError, match=cli):
        pipeline.report(s, tmp_path / "r.html", add=2, spelled="cli")


def test_a_models_advice_names_the_callers_setting():
    # The siting models say what to ask for as Python does; the command line names --target.
    ask = Msg("error.plan.api.ask_target")
    exc = PlanError(Msg("error.plan.target_unreachable", target="90%", best="75%", minutes="15",
                        weight="1", points=1, suggest="0.75", ask=ask), target=0.9, max_share=0.75)  # fmt: skip
    assert _reworded(exc, "api") is exc
    assert "(target= or [plan] target)" in exc.text("en")
    assert "（target= 或 [plan] target）" in exc.text("zh")
    cli = _reworded(exc, "cli")
    assert isinstance(cli, PlanError) and cli.key == exc.key
    assert (cli.target, cli.max_share) == (0.9, 0.75)
    assert cli.text("en") == exc.text("en").replace("target= or", "--target or")
    assert "（--target 或 [plan] target）" in cli.text("zh")
