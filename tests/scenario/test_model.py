"""A scenario changed in Python is checked as the file was: at assignment, and when it is used."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from coverage.errors import ScenarioError
from coverage.scenario import load_scenario

TEXT = """\
[network]
place = "江汉区, 武汉市, 中国"

[walk.tier_threshold_min]
"服务站点" = 12

[[facilities]]
path = "fac.csv"
tier = "point"
"""


@pytest.fixture
def scenario(tmp_path: Path):
    (tmp_path / "fac.csv").write_text("lon,lat\n", encoding="utf-8")
    (tmp_path / "scenario.toml").write_text(TEXT, encoding="utf-8")
    return load_scenario(tmp_path / "scenario.toml")


@pytest.mark.parametrize(
    ("field", "value"),
    [("speed_kmh", -1), ("threshold_min", "abc"), ("threshold_min", float("nan"))],
)
def test_a_bad_walk_value_fails_where_it_is_assigned(scenario, field, value):
    with pytest.raises(ValidationError, match=field):
        setattr(scenario.walk, field, value)
    assert scenario.walk.speed_kmh == 4.5 and scenario.walk.threshold_min == 15


def test_a_tier_named_in_chinese_in_python_sets_its_threshold(scenario):
    assert scenario.walk_model().threshold_for("point") == 12  # the file's 服务站点
    scenario.walk.tier_threshold_min = {"户外劳动者驿站": 8}
    walk = scenario.walk_model()
    assert walk.threshold_for("outdoor_station") == 8
    assert walk.threshold_for("point") == 15  # the general threshold again


def test_a_tier_name_no_tier_has_is_named(scenario):
    scenario.walk.tier_threshold_min["服务战点"] = 10  # in place: no validator sees it
    with pytest.raises(ScenarioError, match="unknown tier '服务战点'"):
        scenario.walk_model()


def test_a_value_changed_in_place_is_checked_when_used(scenario):
    scenario.walk.tier_threshold_min["point"] = -3
    with pytest.raises(
        ScenarioError, match=r"\[walk\] tier_threshold_min\.point: .*greater than 0"
    ):
        scenario.walk_model()
    scenario.walk.tier_threshold_min["point"] = 10
    scenario.walk.bands_min.append(0)
    with pytest.raises(ScenarioError, match=r"\[walk\] bands_min\[3\]: .*greater than 0"):
        scenario.catchment_spec()


def test_titles_and_type_labels_lose_bidirectional_controls(tmp_path: Path) -> None:
    # A right-to-left override copied into a title showed it reversed on every map, report and
    # page; register cells already lose such controls when read.
    (tmp_path / "fac.csv").write_text("lon,lat\n", encoding="utf-8")
    head = (
        'title = "\\u202e江汉区\\u202c覆盖"\ntitle_en = "\\u200fJianghan\\u2066 coverage\\u2069"\n'
        '[types.room]\nlabel_zh = "母婴\\u202e室"\nlabel_en = "Nursing\\u202d room"\n'
    )
    (tmp_path / "scenario.toml").write_text(head + TEXT, encoding="utf-8")
    s = load_scenario(tmp_path / "scenario.toml")
    assert (s.display_title("zh"), s.display_title("en")) == ("江汉区覆盖", "Jianghan coverage")
    assert (s.types["room"].label_zh, s.types["room"].label_en) == ("母婴室", "Nursing room")
    s.title = "\u202bA\u202c"  # in Python too
    assert s.title == "A"
    s.title = "\u200b江汉\ufeff区\u2060"  # zero-width: a look-alike of 江汉区 that search misses
    assert s.title == "江汉区"
