"""coverage.settings changed in the coordinator are the settings of the audit's worker processes.

One district (a Jianghan cell) audited on a local cluster of one worker process, whose settings
are the package's defaults until a task brings the coordinator's. Its figures must move with a
changed walking speed exactly as a run in this process moves.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from coverage import pipeline, settings
from coverage.audit import run_audit
from coverage.audit.snapshot import applied, take
from coverage.scenario import load_scenario
from tests.audit.conftest import audit_text, scenario_text, write_districts

CODE = "D2"


def _share_here(root: Path, name: str) -> float:
    """The district's covered share from ``coverage run`` in this process (demand rows)."""
    path = root / f"{name}.toml"
    path.write_text(scenario_text(CODE, root / "districts.geojson", root / name), "utf-8")
    d = pipeline.run(load_scenario(path), write=False).coverage.demand
    w = d["weight"].to_numpy(float)
    return float(w[d["covered"].to_numpy(bool)].sum() / w.sum())


@pytest.mark.realdata
def test_a_changed_setting_reaches_the_workers(tmp_path: Path, monkeypatch) -> None:
    write_districts(tmp_path / "districts.geojson", {3: CODE}, off_map=False)
    path = tmp_path / "audit.toml"
    path.write_text(audit_text(tmp_path / "districts.geojson", tmp_path / "results"), "utf-8")
    default = _share_here(tmp_path, "ref_default")
    monkeypatch.setattr(settings, "walk_speed_kmh", 1.0)
    slow = _share_here(tmp_path, "ref_slow")
    assert slow < default - 0.02  # the setting matters here
    run = run_audit(path, workers=1, write=False)
    rec = run.records[CODE]
    assert rec["status"] == "done", rec
    assert rec["figures"]["share_any"] == pytest.approx(slow)
    # Back to the default: the district's hash names its settings, so it is run again.
    monkeypatch.setattr(settings, "walk_speed_kmh", 4.5)
    again = run_audit(path, workers=1, write=False).records[CODE]
    assert not again.get("resumed") and again["figures"]["share_any"] == pytest.approx(default)


def test_applied_settings_are_the_tasks_only(monkeypatch) -> None:
    monkeypatch.setattr(settings, "threshold_min", 9.0)
    snap = take()
    monkeypatch.setattr(settings, "threshold_min", 15.0)
    monkeypatch.setattr(settings, "foot_allowed", frozenset({"yes"}))
    with applied(snap):
        assert settings.threshold_min == 9.0
        assert settings.foot_allowed == frozenset({"yes", "designated", "permissive"})
        with applied(snap):  # a second task with the same settings runs alongside
            assert settings.threshold_min == 9.0
        assert settings.threshold_min == 9.0  # still the first task's
    assert settings.threshold_min == 15.0 and settings.foot_allowed == frozenset({"yes"})
    with applied(()):  # a task made without settings changes nothing
        assert settings.threshold_min == 15.0


def test_a_bad_setting_stops_the_audit_before_any_district(monkeypatch) -> None:
    from coverage.errors import ArgumentError

    monkeypatch.setattr(settings, "threshold_min", float("nan"))
    with pytest.raises(ArgumentError, match=r"coverage\.settings\.threshold_min: .*finite"):
        take()
