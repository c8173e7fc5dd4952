"""The audit file: same keys and validation as a scenario, one line per problem."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from coverage.audit import load_audit, read_districts
from coverage.audit.config import scenario_data
from coverage.audit.toml import dumps
from coverage.errors import InputError, ScenarioError
from tests.audit.conftest import NASTY, SAMPLE, audit_text, write_districts

pytestmark = pytest.mark.realdata


def _audit(tmp_path: Path, extra: str = "", replace: tuple[str, str] | None = None) -> Path:
    districts = write_districts(tmp_path / "districts.geojson")
    text = audit_text(districts, tmp_path / "results") + extra
    if replace:
        text = text.replace(*replace)
    path = tmp_path / "audit.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_unknown_key_is_named_with_its_line(tmp_path: Path) -> None:
    path = _audit(tmp_path, replace=("[walk.tier_threshold_min]", "[walk]\ntreshold_min = 5\n"
                                     "[walk.tier_threshold_min]"))  # fmt: skip
    with pytest.raises(ScenarioError) as e:
        load_audit(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(i for i, t in enumerate(lines, 1) if t.startswith("treshold_min"))
    assert str(e.value) == f"{path}:{line}: walk.treshold_min: unknown key (check the spelling)"


def test_checks_across_sections_as_a_scenario(tmp_path: Path) -> None:
    # An unknown tier in the walk thresholds: a scenario's own cross-section check.
    path = _audit(tmp_path, replace=("outdoor_station = 10", "kiosk = 10"))
    with pytest.raises(ScenarioError, match="kiosk"):
        load_audit(path)


def test_missing_input_file(tmp_path: Path) -> None:
    path = _audit(tmp_path, replace=("facilities.xlsx", "nope.xlsx"))
    with pytest.raises(ScenarioError) as info:
        load_audit(path)
    nope = SAMPLE.resolve() / "nope.xlsx"
    assert info.value.text("en") == f"{path}: facilities[0].path: file not found: {nope}"
    assert info.value.text("zh") == f"{path}：facilities[0].path：找不到文件：{nope}"


def test_duplicate_codes_name_both_rows(tmp_path: Path) -> None:
    path = _audit(tmp_path)
    gj = (tmp_path / "districts.geojson").read_text(encoding="utf-8")
    (tmp_path / "districts.geojson").write_text(gj.replace('"D3"', '"D2"'), encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_districts(load_audit(path))
    assert e.value.row == 3 and e.value.field == "code"
    assert "row 2" in str(e.value)


def test_district_scenario_round_trips_any_name(tmp_path: Path) -> None:
    audit = load_audit(_audit(tmp_path))
    data = scenario_data(audit, code="D1", name=NASTY, folder=tmp_path / "d", area={"path": "a"})
    data["area"]["select"] = {'we"ird key': NASTY + "\n\t\x01"}
    assert tomllib.loads(dumps(data)) == data | {"types": {}}


def test_district_scenario_holds_characters_toml_forbids_raw() -> None:
    # DEL (U+007F) may stand raw in a JSON string but not in a TOML one: a district named
    # with it must still give a scenario file that reads back (it failed as "Illegal character").
    data = {"title": "西\x7f街道 — \x00\x1f", "area": {"select": {"co\x7fde": "42\x7f01"}}}
    assert tomllib.loads(dumps(data)) == data


def test_audit_title_loses_bidirectional_controls(tmp_path: Path) -> None:
    # As a scenario's title and the districts' names: an override would reverse the page title.
    path = _audit(tmp_path, replace=('title = "小型普查"', 'title = "小型\\u202e普查"'))
    assert "\\u202e" in path.read_text(encoding="utf-8")
    assert load_audit(path).title == "小型普查"


def test_codes_giving_one_folder_are_refused(tmp_path: Path) -> None:
    path = _audit(tmp_path)
    gj = (tmp_path / "districts.geojson").read_text(encoding="utf-8")
    gj = gj.replace('"D2"', '"D/1"').replace('"D3"', '"D_1"')
    (tmp_path / "districts.geojson").write_text(gj, encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_districts(load_audit(path))
    assert e.value.row == 3 and "same folder name 'D_1'" in str(e.value)


def test_codes_differing_only_in_case_are_refused(tmp_path: Path) -> None:
    # One folder on Windows and macOS disks: the second district would overwrite the first.
    path = _audit(tmp_path)
    gj = (tmp_path / "districts.geojson").read_text(encoding="utf-8")
    (tmp_path / "districts.geojson").write_text(gj.replace('"D2"', '"d1"'), encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_districts(load_audit(path))
    assert e.value.row == 2 and "code 'd1' and code 'D1'" in str(e.value)


def test_unreadable_audit_files_get_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[districts\npath = 1\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"bad\.toml: not valid TOML"):
        load_audit(bad)
    bad.write_bytes("name = '武汉'\n".encode("gbk"))
    with pytest.raises(ScenarioError, match=r"bad\.toml: not UTF-8 text .*save it as UTF-8"):
        load_audit(bad)
    with pytest.raises(ScenarioError, match=r"missing\.toml: audit file not found"):
        load_audit(tmp_path / "missing.toml")


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "network.cache_dir = '../elsewhere' is outside the audit's folder and the working "
               "directory; move the cache there, or run the command from a folder that holds it"),
        ("zh", "network.cache_dir = '../elsewhere' 位于评估文件所在文件夹和工作目录之外；"
               "请把缓存移到那里，或在包含缓存的文件夹中运行命令"),
    ],
)  # fmt: skip
def test_a_network_cache_outside_the_audits_folder_and_the_cwd_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, words: str
) -> None:
    # Every district's run writes its network cache there: as a scenario's, it must lie in
    # the audit's folder or the working directory, refused once before any district runs.
    (tmp_path / "audit").mkdir()
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    path = _audit(tmp_path / "audit", replace=("[network]\n", '[network]\ncache_dir = "../elsewhere"\n'))  # fmt: skip
    with pytest.raises(ScenarioError) as e:
        load_audit(path)
    assert e.value.text(lang).endswith(words)
    assert e.value.text(lang).startswith(str(path))


def test_lang_left_out_follows_the_package_setting_as_a_scenarios_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # coverage.settings.lang is "the scenario's lang" when the file has none; an audit is read
    # with the scenario's keys, so it follows the setting too (it was always Chinese).
    from coverage import settings

    monkeypatch.setattr(settings, "lang", "en")
    path = _audit(tmp_path)
    assert not any(ln.startswith("lang") for ln in path.read_text(encoding="utf-8").splitlines())
    assert load_audit(path).lang == "en"
    district = scenario_data(load_audit(path), code="D1", name="D1", folder=tmp_path, area={})
    assert district["lang"] == "en"
    path.write_text('lang = "zh"\n' + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_audit(path).lang == "zh"  # the file's own wins
