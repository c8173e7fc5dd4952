"""``coverage audit``: bad files and options are one line and exit 1, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from coverage.audit import Audit, AuditRun, read_districts
from coverage.cli import app
from tests.audit.conftest import audit_text, write_districts

pytestmark = pytest.mark.realdata
runner = CliRunner()


def test_bad_audit_file_is_one_line(tmp_path: Path) -> None:
    districts = write_districts(tmp_path / "districts.geojson")
    path = tmp_path / "audit.toml"
    text = audit_text(districts, tmp_path / "results").replace(
        'code_field = "code"', 'code_field = "adcode"'
    )
    path.write_text(text, encoding="utf-8")
    res = runner.invoke(app, ["audit", str(path)])
    assert res.exit_code == 1
    assert "Traceback" not in res.output
    # the audit's language: the file, the field and what to do, in Chinese
    assert (
        f"错误：{districts}，字段“adcode”：没有用作区县代码的字段“adcode”；"
        "现有字段：['id', 'code', 'name']；请设置 [districts] code_field"
    ) in res.output.splitlines()
    assert not (tmp_path / "results" / "districts.csv").exists()


def test_missing_audit_file(tmp_path: Path) -> None:
    res = runner.invoke(app, ["audit", str(tmp_path / "nope.toml")])
    assert res.exit_code == 1
    assert f"错误：{tmp_path / 'nope.toml'}：找不到评估文件" in res.output
    res = runner.invoke(app, ["audit", str(tmp_path / "nope.toml"), "--lang", "en"])
    assert res.exit_code == 1
    assert f"error: {tmp_path / 'nope.toml'}: audit file not found" in res.output


def test_workers_must_be_positive(tmp_path: Path) -> None:
    res = runner.invoke(app, ["audit", str(tmp_path / "a.toml"), "--workers", "0"])
    assert res.exit_code == 1
    assert res.output.strip() == "错误：--workers 0：应不小于 1，实际为 0"
    res = runner.invoke(app, ["audit", str(tmp_path / "a.toml"), "--workers", "0", "--lang", "en"])
    assert res.output.strip() == "error: --workers 0: must be at least 1, got 0"
    res = runner.invoke(app, ["audit", str(tmp_path / "a.toml"), "--lang", "fr"])
    assert res.exit_code == 1 and res.output.strip() == "错误：--lang fr：可用 zh 或 en"


def test_unreachable_scheduler_is_one_line(tmp_path: Path) -> None:
    districts = write_districts(tmp_path / "districts.geojson", off_map=False)
    path = tmp_path / "audit.toml"
    path.write_text(audit_text(districts, tmp_path / "results"), encoding="utf-8")
    res = runner.invoke(app, ["audit", str(path), "--scheduler", "tcp://127.0.0.1:9"])
    assert res.exit_code == 1
    assert (
        "错误：无法启动或连接 dask 调度器 tcp://127.0.0.1:9：" in res.output
    )  # the library's reason follows
    assert "Traceback" not in res.output


def test_an_interrupted_audit_says_what_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Districts finished before Ctrl-C are written (a re-run skips them); "previous results
    # were left as they were", as `coverage run` says, would not be true.
    districts = write_districts(tmp_path / "districts.geojson", off_map=False)
    path = tmp_path / "audit.toml"
    path.write_text(audit_text(districts, tmp_path / "results"), encoding="utf-8")

    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("coverage.audit.run_audit", interrupted)
    res = runner.invoke(app, ["audit", str(path)])
    assert res.exit_code == 130
    assert res.output.strip() == "已中断: 已完成的区已保存，再次运行将从未完成的区继续"
    res = runner.invoke(app, ["audit", str(path), "--lang", "en"])
    assert " ".join(res.output.split()) == (  # the console wraps at 80 columns
        "interrupted: the districts finished so far are kept; run again to continue with the rest"
    )


def test_an_undeclared_datum_of_the_district_layer_is_warned_about(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `[districts] crs` left out for a file in China: Amap boundaries say WGS-84 and are GCJ-02
    # (~500 m). The warning is about the layer, no one district's row, and must still show.
    districts = write_districts(tmp_path / "districts.geojson", off_map=False)
    path = tmp_path / "audit.toml"
    text = audit_text(districts, tmp_path / "results").replace('crs = "wgs84"\n', "", 1)
    path.write_text(text, encoding="utf-8")

    def finished(audit: Audit, **_: object) -> AuditRun:
        found = read_districts(audit)
        return AuditRun(audit, found, {d.code: {"status": "done"} for d in found})

    monkeypatch.setattr("coverage.audit.run_audit", finished)
    res = runner.invoke(app, ["audit", str(path)])
    assert res.exit_code == 0, res.output
    words = " ".join(res.output.split())
    assert f"警告：{districts}，字段“crs”：未声明坐标系" in words
    assert '实为 GCJ-02（相差约 500 米）：如文件来自高德，请设置“crs = "gcj02"”' in words
