"""An audit on real data: figures equal a scenario run per district, resume, a failing district.

One audit (module fixture, two local workers) over three Jianghan sub-district cells and one
district off the street extract; each test reads what that run wrote. The resume test edits one
district and comes last.
"""

from __future__ import annotations

import json
import logging
import signal
import time
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from prcoords import Coords, gcj_wgs_bored

from coverage import pipeline
from coverage._threads import cpu_count, thread_count
from coverage.audit import results, run_audit, runner, tasks
from coverage.audit.districts import District
from coverage.audit.runner import AuditRun
from coverage.scenario import load_scenario
from coverage.table_words import header, localize
from tests.audit.conftest import CELLS, NASTY, SAMPLE, audit_text, scenario_text, write_districts
from tests.test_words import Outputs, _check, _walk_tables

pytestmark = pytest.mark.realdata
#: The module audit's console lines (its progress).
LINES: list[str] = []


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, AuditRun]:
    root = tmp_path_factory.mktemp("audit")
    districts = write_districts(root / "districts.geojson")
    path = root / "audit.toml"
    path.write_text(audit_text(districts, root / "results"), encoding="utf-8")
    return root, run_audit(path, workers=2, progress=LINES.append)


def _reference(root: Path, code: str) -> pipeline.Run:
    """``coverage run`` on a hand-written scenario for this district alone."""
    path = root / f"ref_{code}.toml"
    path.write_text(scenario_text(code, root / "districts.geojson", root / "ref"), "utf-8")
    return pipeline.run(load_scenario(path), write=False)


def _register_in(polygon: shapely.Geometry) -> int:
    """Facilities of the Amap-coordinate register standing in the polygon, counted by hand."""
    reg = pd.read_excel(SAMPLE / "facilities.xlsx")
    wgs = [
        gcj_wgs_bored(Coords(lat, lon)) for lon, lat in zip(reg["经度"], reg["纬度"], strict=True)
    ]
    return sum(polygon.contains(shapely.Point(c.lon, c.lat)) for c in wgs)


@pytest.mark.parametrize("code", sorted(CELLS.values()))
def test_figures_equal_a_scenario_run_for_the_district_alone(
    audited: tuple[Path, AuditRun], code: str
) -> None:
    root, run = audited
    rec = run.records[code]
    assert rec["status"] == "done", rec
    ref = _reference(root, code)
    # The district's folder is what `coverage run` writes, with the same summary.
    # People's CSV: headers and codes in the scenario's language, numbers rounded as shown.
    mine = pd.read_csv(root / "results" / "districts" / code / "summary.csv", encoding="utf-8-sig")
    lang = ref.scenario.lang
    theirs = localize(ref.coverage.summary, lang)
    assert list(mine[header("key", lang)].astype(str)) == list(theirs[header("key", lang)])
    for col, atol in {
        "weight": 0.5,
        "covered_weight": 0.5,
        "unreachable_weight": 0.5,
        "share": 5e-5,
        "cross_share": 5e-5,
    }.items():
        got, want = mine[header(col, lang)].to_numpy(float), theirs[header(col, lang)]
        np.testing.assert_allclose(got, want.to_numpy(float), rtol=0, atol=atol)
    # The audit's figures, worked out again from the reference's demand points.
    d = ref.coverage.demand
    w = d["weight"].to_numpy(float)
    covered = d["covered"].to_numpy(bool)
    res = (d["kind"] == "residents").to_numpy()
    wrk = (d["kind"] == "workers").to_numpy()
    far = ~d["snapped"].to_numpy(bool)
    multi = d["n_reach"].to_numpy() >= 2
    fig = rec["figures"]
    assert fig["share_any"] == pytest.approx(w[covered].sum() / w.sum())
    assert fig["cross_share"] == pytest.approx(w[multi].sum() / w.sum())
    assert fig["workers_uncovered"] == pytest.approx(w[wrk & ~covered].sum())
    assert fig["population"] == pytest.approx(w[res].sum())
    assert fig["evaluable_share"] == pytest.approx(1 - w[res & far].sum() / w[res].sum())
    point = d["covered_point"].to_numpy(bool)
    assert fig["share_tier:point"] == pytest.approx(w[point].sum() / w.sum())
    polygon = next(x.geometry for x in run.districts if x.code == code)
    n_in = _register_in(polygon)
    assert fig["facilities_in"] == n_in
    assert fig["facilities_per_10k"] == pytest.approx(n_in / w[res].sum() * 10_000)


def test_a_district_without_streets_fails_alone(audited: tuple[Path, AuditRun]) -> None:
    root, run = audited
    assert [r["code"] for r in run.failed] == ["X9"]
    # in the audit's language; told apart by its key, not by its words
    assert run.records["X9"]["error"] == "研究区内没有路网中的街道（请检查坐标系和研究区）"
    assert run.records["X9"]["error_key"] == "error.network.no_street"
    table = pd.read_csv(root / "results" / "districts.csv", encoding="utf-8-sig")
    assert list(table["代码"]) == ["D1", "D2", "D3", "X9"]  # each district once, in file order
    assert list(table["状态"]) == ["完成", "完成", "完成", "失败"]
    assert table.loc[3, "可评估人口占比"] == 0.0  # nothing of it could be evaluated


def test_outputs_gpkg_excel_and_choropleth(audited: tuple[Path, AuditRun]) -> None:
    root, run = audited
    out = root / "results"
    # [output] columns = "labels" (the default): field and layer names in the audit's language
    gpkg = gpd.read_file(out / "districts.gpkg", layer="各区")
    assert list(gpkg["代码"]) == ["D1", "D2", "D3", "X9"]
    assert gpkg.loc[0, "名称"] == NASTY
    assert list(gpkg["状态"]) == ["完成", "完成", "完成", "失败"]
    assert gpkg.loc[1, "总覆盖率"] == pytest.approx(run.records["D2"]["figures"]["share_any"])
    xlsx = pd.read_excel(out / "districts.xlsx")
    assert xlsx.loc[0, "名称"] == NASTY and len(xlsx) == 4
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "</script><b>" not in html  # the name is data inside JSON, never markup
    blob = html.split('id="data">', 1)[1].split("</script>", 1)[0]
    data: dict[str, Any] = json.loads(blob)
    assert data["features"][0]["name"] == f"{NASTY} (D1)"
    assert data["features"][0]["map"] == "districts/D1/map.html"
    assert (out / "districts" / "D1" / "map.html").is_file()
    assert data["features"][3]["value"] is None  # failed: grey, no link
    assert ["状态", "失败"] in data["features"][3]["rows"]  # the status is a word, not a key


def test_the_page_shows_each_districts_own_figures(audited: tuple[Path, AuditRun]) -> None:
    # Worked out again from what each district's folder holds (its people, covered or not),
    # not from the audit's records; every link opens a file on disk.
    root, _ = audited
    out = root / "results"
    blob = (out / "index.html").read_text(encoding="utf-8").split('id="data">', 1)[1]
    data: dict[str, Any] = json.loads(blob.split("</script>", 1)[0])
    csv = pd.read_csv(out / "districts.csv", encoding="utf-8-sig", dtype={"代码": str})
    for code in sorted(CELLS.values()):
        (f,) = [f for f in data["features"] if f["name"].endswith(f"({code})")]
        demand = pd.read_csv(out / "districts" / code / "demand.csv", encoding="utf-8-sig")
        w = demand["人数"].to_numpy(float)
        share = w[(demand["是否覆盖"] == "是").to_numpy()].sum() / w.sum()
        assert f["shown"] == f"{100 * share:.1f}%" == dict(f["rows"])["总覆盖率"]
        assert csv.loc[csv["代码"] == code, "总覆盖率"].item() == pytest.approx(share, abs=1e-4)
        assert (out / f["map"]).is_file()
    assert data["features"][3]["shown"] == "失败" and data["features"][3]["map"] == ""


def test_every_result_a_district_writes_is_cleared_before_a_rerun(
    audited: tuple[Path, AuditRun],
) -> None:
    # what the worker removes before a district runs again covers all a finished run wrote
    root, _ = audited
    folder = root / "results" / "districts" / "D2"
    written = {p.name for p in folder.iterdir() if p.is_file()} - {"scenario.toml"}
    assert "map.html" in written and "summary.csv" in written
    assert written <= set(tasks.RESULT_FILES)


def _rewritten(run: AuditRun, out: Path, lang: str, columns: str) -> AuditRun:
    """The same records written again by an audit in ``lang`` with ``[output] columns``."""
    output = run.audit.output.model_copy(update={"dir": out, "columns": columns})
    again = AuditRun(run.audit.model_copy(update={"lang": lang, "output": output}), *_of(run))
    again.files = results.write_audit(again)
    return again


def _of(run: AuditRun) -> tuple[list[District], dict[str, dict[str, Any]]]:
    return run.districts, run.records


def test_keys_keep_the_program_names(audited: tuple[Path, AuditRun], tmp_path: Path) -> None:
    _, run = audited
    again = _rewritten(run, tmp_path / "keys", "en", "keys")
    gpkg = gpd.read_file(again.files["gpkg"], layer="districts")
    assert list(gpkg["code"]) == ["D1", "D2", "D3", "X9"]
    assert list(gpkg["status"]) == ["done", "done", "done", "failed"]
    assert gpkg.loc[1, "share_any"] == pytest.approx(run.records["D2"]["figures"]["share_any"])
    assert "share_tier_point" in gpkg.columns
    csv = pd.read_csv(again.files["csv"], encoding="utf-8-sig")
    assert list(csv.columns[:3]) == ["code", "name", "status"] and "share_tier:point" in csv
    # the workbook is for people whatever the setting
    assert list(pd.read_excel(again.files["excel"]).columns[:2]) == ["Code", "District"]


def _audit_words(o: Outputs, page: Path) -> None:
    """The choropleth's words into ``o.words``; district names and errors are input text."""
    blob = page.read_text(encoding="utf-8").split('id="data">', 1)[1].split("</script>", 1)[0]
    data = json.loads(blob)
    o.words += [("index.html:title", data["title"])]
    o.words += [(f"index.html:{k}", v) for k, v in data["words"].items()]
    o.words += [("index.html:legend", c["label"]) for c in data["classes"]]
    error = "错误" if o.lang == "zh" else "Error"
    for f in data["features"]:
        o.user.add(f["name"])
        o.words.append(("index.html:<list>", f["shown"]))
        for label, value in f["rows"]:
            o.words.append(("index.html:<row>", label))
            if label != error:
                o.words.append(("index.html", value))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_outputs_speak_the_audits_language(
    audited: tuple[Path, AuditRun], tmp_path: Path, lang: str
) -> None:
    """Every header, layer, sheet, status and page word in ``lang``; district names, the
    readers' error lines and the maps' paths are the input's (or the program's files)."""
    _, run = audited
    again = _rewritten(run, tmp_path / lang, lang, "labels")
    o = Outputs(lang, tmp_path / lang, [], "")
    _walk_tables(o)
    own = {"代码", "名称", "错误", "地图"} if lang == "zh" else {"Code", "District", "Error", "Map"}
    o.words = [(w, v) for w, v in o.words if w.rsplit(":", 1)[-1] not in own]
    assert {w.split(":")[0] for w, _ in o.words} == {
        "districts.csv", "districts.xlsx", "districts.gpkg",
    }  # fmt: skip
    _audit_words(o, again.files["map"])
    o.user |= {d.name for d in again.districts}
    assert len(o.words) > 50
    assert _check(o) == []


def test_console_lines_are_in_the_audits_language(audited: tuple[Path, AuditRun]) -> None:
    _, run = audited
    o = Outputs("zh", Path("."), [], "\n".join(LINES))
    for d in run.districts:  # names and codes are input text (a path-like part goes first)
        o.user |= {d.code, d.name, *d.name.split()}
    o.user |= {r["error"] for r in run.failed}
    assert sum("完成（" in ln for ln in LINES) == 3 and sum("失败：" in ln for ln in LINES) == 1
    assert any(ln.startswith("[4/4] ") for ln in LINES)
    assert _check(o) == []  # no English word but the districts' names and the errors


@pytest.mark.parametrize("workers", [1, 2])
def test_local_workers_share_the_cpus(workers: int) -> None:
    # Each worker's thread pools get its share of the CPUs: one worker all of them, two on
    # two cores one thread each (not 2 × 2).
    with runner._client(workers, None) as client:
        got = client.run(thread_count)
    assert sorted(got.values()) == [max(1, cpu_count() // workers)] * workers


def _ignores_ctrl_c() -> bool:
    return signal.getsignal(signal.SIGINT) == signal.SIG_IGN


def _busy() -> None:
    end = time.monotonic() + 30  # a district's CPU-bound work: deaf to a polite close
    while time.monotonic() < end:
        pass


@pytest.mark.parametrize("interrupted", [True, False])
def test_local_workers_stop_quietly(caplog: pytest.LogCaptureFixture, interrupted: bool) -> None:
    # Ctrl-C reaches the whole process group: the workers leave it to the audit (no traceback
    # from each), which stops them. Killing a worker slow to exit (busy, or on a loaded
    # machine once every district is in) is the audit's doing, not a warning for the planner.
    start = time.monotonic()
    with caplog.at_level(logging.WARNING):
        try:
            with runner._client(1, None) as client:
                assert set(client.run(_ignores_ctrl_c).values()) == {True}
                busy = client.submit(_busy)
                while not client.processing()[next(iter(client.processing()))]:
                    time.sleep(0.1)
                if interrupted:
                    raise KeyboardInterrupt
        except KeyboardInterrupt:
            assert interrupted
    assert [r.getMessage() for r in caplog.records if r.name.startswith("distributed")] == []
    assert time.monotonic() - start < 25  # killed, not waited for
    del busy
