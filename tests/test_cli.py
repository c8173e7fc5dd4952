"""The command line end to end: files written, their contents, errors and interrupted runs."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pytest
import typer.main
from conftest import copy_small_scenario
from map_payload import proposed_ranks
from rich.console import Console
from typer.testing import CliRunner

import coverage
from coverage import cli, pipeline, single_steps
from coverage.cli import app
from coverage.errors import Msg, NetworkError
from coverage.scenario import load_scenario
from coverage.table_words import header, sheet_name

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


@pytest.fixture
def small(tmp_path, wuhan_edges_path) -> Path:
    return copy_small_scenario(tmp_path, wuhan_edges_path, extra="\n[plan]\ngrid_spacing_m = 150\n")


@pytest.mark.realdata
def test_run_writes_every_output_with_consistent_contents(small, tmp_path):
    res = runner.invoke(app, ["run", str(small), "--columns", "keys"])  # program names
    assert res.exit_code == 0, res.output
    out = tmp_path / "out"
    for name in ("coverage.gpkg", "summary.csv", "facilities.csv", "demand.csv", "uncovered.csv",
                 "problems.csv", "skipped_rows.csv", "run.json", "coverage.xlsx"):  # fmt: skip
        assert (out / name).is_file(), name
    assert not list(out.glob(".*part*"))
    # Demand table → brute-force weighted shares; they must equal the summary table.
    dem = pd.read_csv(out / "demand.csv", encoding="utf-8-sig")
    src = pd.read_csv(small.parent / "demand.csv")
    assert len(dem) == len(src) and dem["weight"].sum() == src["workers"].sum()
    summary = pd.read_csv(out / "summary.csv", encoding="utf-8-sig").set_index(["scope", "key"])
    w = dem["weight"]
    assert summary.loc[("overall", "all"), "share"] == pytest.approx(
        w[dem["n_reach"] > 0].sum() / w.sum()
    )
    assert summary.loc[("overall", "all"), "cross_share"] == pytest.approx(
        w[dem["n_reach"] > 1].sum() / w.sum()
    )
    for tier in ("centre", "subcentre", "point", "outdoor_station"):
        assert summary.loc[("tier", tier), "covered_weight"] == pytest.approx(
            w[dem[f"covered_{tier}"]].sum()
        )
    # Thresholds per tier from the scenario: centre 15, outdoor_station 5, others 10 minutes.
    fac = pd.read_csv(out / "facilities.csv", encoding="utf-8-sig")
    limit = fac.set_index("tier")["threshold_min"].groupby(level=0).first().to_dict()
    assert limit == {"centre": 15.0, "subcentre": 10.0, "point": 10.0, "outdoor_station": 5.0}
    covered_t = dem[[f"t_{t}" for t in limit]].le(
        pd.Series({f"t_{t}": v for t, v in limit.items()})
    )
    assert (covered_t.any(axis=1) == (dem["n_reach"] > 0)).all()
    unc = pd.read_csv(out / "uncovered.csv", encoding="utf-8-sig")
    assert len(unc) == int((dem["n_reach"] == 0).sum())
    # GeoPackage layers and their sizes.
    layers = dict(pyogrio.list_layers(out / "coverage.gpkg"))
    assert set(layers) == {"facilities", "demand", "catchments", "tier_catchments", "subdistricts"}
    catch = gpd.read_file(out / "coverage.gpkg", layer="catchments")
    assert len(catch) == 2 * len(fac)  # bands 5 and 10 for every facility
    assert set(catch["band_min"]) == {5.0, 10.0} and catch.crs.to_epsg() == 4326
    subs = gpd.read_file(out / "coverage.gpkg", layer="subdistricts")
    assert set(subs["name"]) == {"西街道", "东街道"} and subs["share"].between(0, 1).all()
    # Excel workbook with Chinese sheet names; run.json with the KPIs.
    wb = openpyxl.load_workbook(out / "coverage.xlsx", read_only=True)
    assert {"汇总", "未覆盖需求点", "分街道"} <= set(wb.sheetnames)
    info = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert info["kpis"]["share_any"] == pytest.approx(summary.loc[("overall", "all"), "share"])
    html = (tmp_path / "map.html").read_text(encoding="utf-8")
    assert "测试场景" in html and "<script src=" not in html  # self-contained by default


@pytest.mark.realdata
def test_run_is_idempotent(small, tmp_path):
    assert runner.invoke(app, ["run", str(small)]).exit_code == 0
    first = {p.name: p.read_bytes() for p in (tmp_path / "out").glob("*.csv")}
    assert runner.invoke(app, ["run", str(small)]).exit_code == 0
    again = {p.name: p.read_bytes() for p in (tmp_path / "out").glob("*.csv")}
    assert first == again


@pytest.mark.realdata
def test_bad_rows_are_listed_and_the_run_goes_on(small, tmp_path):
    dem = pd.read_csv(small.parent / "demand.csv", dtype=str)
    dem.loc[4, "lat"] = "north"
    dem.loc[7, "workers"] = "0"
    dem.to_csv(small.parent / "demand.csv", index=False)
    # Rows kept with a warning: a capacity that is no number is left empty, the site serves.
    fac = pd.read_csv(small.parent / "facilities.csv", dtype=str)
    fac.loc[[1, 3], "容量"] = "很多"
    fac.to_csv(small.parent / "facilities.csv", index=False)
    res = runner.invoke(app, ["run", str(small)], env={"COLUMNS": "300"})
    assert res.exit_code == 0, res.output
    assert "跳过 2 行输入" in res.output  # the console speaks the scenario's language
    # ... and one line per file with rows kept with warnings, which only problems.csv lists
    problems_csv = tmp_path / "out" / "problems.csv"
    line = f"facilities.csv：2 行有警告（已保留） — 更正或假定的内容见 {problems_csv}"
    assert line in res.output
    assert res.output.count("行有警告") == 1  # demand.csv's rows were skipped, not kept
    kept = pd.read_csv(problems_csv, encoding="utf-8-sig")
    assert kept.loc[kept["处理"] == "保留（警告）", "行号"].tolist() == [3, 5]
    skipped = pd.read_csv(tmp_path / "out" / "skipped_rows.csv", encoding="utf-8-sig")
    assert skipped["行号"].tolist() == [6, 9]  # headers in the scenario's language
    assert skipped["字段"].tolist() == ["lat", "workers"]
    # ... and the problems too; the register's own text stays as written
    assert skipped["问题"].tolist() == ["不是数字：“north”", "权重必须为正数，实际为 0"]
    assert len(pd.read_csv(tmp_path / "out" / "demand.csv", encoding="utf-8-sig")) == 298


def test_bad_scenario_exits_1_with_the_reason(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text('[network]\npath = "nope.parquet"\n[[facilities]]\npath = "f.csv"\n', "utf-8")
    res = runner.invoke(app, ["run", str(p)])  # no lang in the file: Chinese
    assert res.exit_code == 1
    assert f"错误：{p}：network.path：找不到文件：" in res.output
    assert "Traceback" not in res.output
    res = runner.invoke(app, ["run", str(p), "--lang", "en"])
    assert res.exit_code == 1 and f"error: {p}: network.path: file not found" in res.output
    res = runner.invoke(app, ["run", str(tmp_path / "missing.toml")])
    assert res.exit_code == 1 and "missing.toml：找不到情景文件" in res.output
    res = runner.invoke(app, ["run", str(tmp_path / "missing.toml"), "--lang", "en"])
    assert res.exit_code == 1 and "missing.toml: scenario file not found" in res.output


_LAYER_FILE = "a .gpkg (GeoPackage), .geojson or .json (GeoJSON) file"


@pytest.mark.realdata
def test_catchments_out_follows_the_extension(small, tmp_path, recwarn):
    """.geojson writes GeoJSON (both layers, each feature saying which, in WGS84), .gpkg a
    GeoPackage; no library warning reaches the console and no temporary file is left."""
    args = ["catchments", str(small), "--bands", "3,6", "--columns", "keys"]
    res = runner.invoke(app, [*args, "--out", str(tmp_path / "c.gpkg")])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, [*args, "--out", str(tmp_path / "c.geojson")])
    assert res.exit_code == 0, res.output
    assert "Warning" not in res.output and not [w for w in recwarn if "pyogrio" in w.filename]
    assert (tmp_path / "c.geojson").read_bytes().lstrip().startswith(b"{")  # not SQLite
    assert (tmp_path / "c.gpkg").read_bytes().startswith(b"SQLite format 3")
    gj = gpd.read_file(tmp_path / "c.geojson")
    per_fac = gpd.read_file(tmp_path / "c.gpkg", layer="catchments")
    per_tier = gpd.read_file(tmp_path / "c.gpkg", layer="tier_catchments")
    assert gj.crs.to_epsg() == 4326
    counts = gj["layer"].value_counts().to_dict()
    assert counts == {"catchments": len(per_fac), "tier_catchments": len(per_tier)}
    # the same polygons: GeoJSON in degrees, the GeoPackage in its own CRS
    areas = gj[gj["layer"] == "catchments"].to_crs(32650).area.to_numpy()
    assert areas == pytest.approx(per_fac.to_crs(32650).area.to_numpy(), rel=1e-6)
    assert sorted(p.name for p in tmp_path.glob(".*")) == []
    # In words ("labels", the default), the layer too: its property and value, as QGIS shows
    # the GeoPackage's (was an English "layer" property among Chinese ones).
    res = runner.invoke(app, [*args[:-2], "--out", str(tmp_path / "w.geojson")])
    assert res.exit_code == 0, res.output
    words = gpd.read_file(tmp_path / "w.geojson")
    assert "layer" not in words and "层级" in words
    assert set(words["图层"]) == {"各设施步行范围", "各层级步行范围"}


@pytest.mark.realdata
def test_plan_lists_the_candidate_rows_it_skipped(small, tmp_path):
    # `plan` writes no skipped_rows.csv: a candidate outside the area must be named on screen
    dem = pd.read_csv(small.parent / "demand.csv")
    lon, lat = dem.loc[0, ["lon", "lat"]]
    far = [f"b{i},北京,116.4,39.9" for i in range(21)]  # lines 3-23, two reasons each
    rows = ["id,name,lon,lat", f"a,近处,{lon},{lat}", *far]
    (small.parent / "cands.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    with small.open("a", encoding="utf-8") as f:
        f.write('\n[[candidates]]\npath = "cands.csv"\n')
    res = runner.invoke(app, ["plan", str(small), "--add", "1"])
    assert res.exit_code == 0, res.output
    assert "跳过 21 行输入数据" in res.output
    # the row as a spreadsheet numbers it: the header is line 1, the first far one line 3
    assert "cands.csv，第 3 行，字段“几何图形”：位于研究区之外" in res.output
    # 42 reasons: the first 20 shown, then where to read them all
    assert res.output.count("cands.csv，第") == 20
    assert "……另有 22 条：coverage run 会把全部写入 skipped_rows.csv" in res.output


def test_plan_without_a_site_to_choose_says_what_the_candidate_rows_are(tmp_path, wuhan_edges_path):
    # rows there, none to choose: "add [[candidates]] layers" would send the planner astray
    small = copy_small_scenario(tmp_path, wuhan_edges_path)  # no grid of candidates
    dem = pd.read_csv(small.parent / "demand.csv")
    lon, lat = dem.loc[0, ["lon", "lat"]]
    rows = ["name,lon,lat,role", f"a,{lon},{lat},existing", f"b,{lon},{lat},excluded"]
    (small.parent / "cands.csv").write_text("\n".join([*rows, "c,116.4,39.9,"]) + "\n")
    with small.open("a", encoding="utf-8") as f:
        f.write('\n[[candidates]]\npath = "cands.csv"\n')
    res = runner.invoke(app, ["plan", str(small), "--add", "1", "--lang", "en"])
    assert res.exit_code == 1
    line = res.output.strip().splitlines()[-1]
    assert "cands.csv has no usable row with role candidate" in line
    assert "(1 existing, 1 excluded, 1 skipped as unusable)" in line


def test_plan_network_catchments_and_map_commands(small, tmp_path):
    keys = ["--columns", "keys"]  # the tables with the program's names, for the numbers
    res = runner.invoke(app, ["plan", str(small), "--add", "3", *keys])
    assert res.exit_code == 0, res.output
    plan_dir = tmp_path / "out" / "plan"
    prop = pd.read_csv(plan_dir / "proposed_sites.csv", encoding="utf-8-sig")
    assert prop["rank"].tolist() == [1, 2, 3]
    assert (prop["gain"] > 0).all() and prop["gain"].is_monotonic_decreasing
    stages = pd.read_csv(plan_dir / "plan_summary.csv", encoding="utf-8-sig")
    # "optimal" only when proven to the last worker, else within [plan] mip_rel_gap (0.5 %)
    status, gap = stages.loc[0, "status"], stages.loc[0, "gap"]
    assert (status, gap <= 1e-6) in {("optimal", True), ("within_gap", False)} and gap <= 0.005
    assert stages.loc[0, "after_share"] > stages.loc[0, "before_share"]
    assert (plan_dir / "coverage_curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "map_plan.html").is_file()

    res = runner.invoke(app, ["plan", str(small), "--target", "0.95", "--greedy", *keys])
    assert res.exit_code == 0, res.output
    stages = pd.read_csv(plan_dir / "plan_summary.csv", encoding="utf-8-sig")
    assert stages.loc[0, "model"] == "lscp" and stages.loc[0, "after_share"] >= 0.95

    # Staged: sub-centres (p-median) first, then points given them; [plan] is the last table.
    with small.open("a", encoding="utf-8") as f:
        f.write("stage_add = { subcentre = 2, point = 4 }\n")
    res = runner.invoke(app, ["plan", str(small), "--tiers", *keys])
    assert res.exit_code == 0, res.output
    stages = pd.read_csv(plan_dir / "plan_summary.csv", encoding="utf-8-sig")
    assert stages["tier"].tolist() == ["subcentre", "point"]
    assert stages["model"].tolist() == ["pmedian", "mclp"]
    assert stages.loc[1, "before_share"] == pytest.approx(stages.loc[0, "after_share"])
    prop = pd.read_csv(plan_dir / "proposed_sites.csv", encoding="utf-8-sig")
    assert prop.groupby("tier").size().to_dict() == {"point": 4, "subcentre": 2}

    res = runner.invoke(app, ["network", str(small), "--save", str(tmp_path / "edges.parquet")])
    assert res.exit_code == 0, res.output
    assert len(gpd.read_parquet(tmp_path / "edges.parquet")) > 500
    assert res.output.split("已写出：")[1].split() == [str(tmp_path / "edges.parquet")]

    res = runner.invoke(
        app,
        ["catchments", str(small), "--bands", "3,6", "--out", str(tmp_path / "c.gpkg"), *keys],
    )
    assert res.exit_code == 0, res.output
    c = gpd.read_file(tmp_path / "c.gpkg", layer="catchments")
    assert set(c["band_min"]) == {3.0, 6.0}
    res = runner.invoke(
        app,
        ["catchments", str(small), "--bands", "3,6", "--method", "exact",
         "--out", str(tmp_path / "x.gpkg"), *keys],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    x = gpd.read_file(tmp_path / "x.gpkg", layer="catchments")
    assert list(x["facility_id"]) == list(c["facility_id"])
    assert list(x["band_min"]) == list(c["band_min"])
    # the same catchments drawn two ways: the areas agree within a few per cent
    rel = x.to_crs(32650).area.to_numpy() / c.to_crs(32650).area.to_numpy()
    assert abs(rel - 1).max() < 0.04
    res = runner.invoke(app, ["catchments", str(small), "--method", "fast"])
    assert res.exit_code != 0 and "--method fast：“fast”不是 'grid' 或 'exact'" in res.output

    res = runner.invoke(
        app,
        ["map", str(small), "--lang", "en", "--out", str(tmp_path / "en.html"),
         "--print", str(tmp_path / "a3.pdf"), "--paper", "A3"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert (tmp_path / "a3.pdf").read_bytes()[:5] == b"%PDF-"
    html = (tmp_path / "en.html").read_text(encoding="utf-8")
    assert "Legend" in html and "图例" not in html


def test_sample_scenario_end_to_end(tmp_path):
    """The README's main job on the Wuhan sample (its own inputs), outputs redirected."""
    scenario = ROOT / "data" / "wuhan" / "scenario.toml"
    res = runner.invoke(
        app,
        [
            "run",
            str(scenario),
            "--out",
            str(tmp_path / "out"),
            "--map",
            str(tmp_path / "w.html"),
            "--columns",
            "keys",
        ],
    )
    assert res.exit_code == 0, res.output
    summary = pd.read_csv(tmp_path / "out" / "summary.csv", encoding="utf-8-sig")
    overall = summary[summary["scope"] == "overall"].iloc[0]
    jobs = len(pd.read_csv(ROOT / "data" / "wuhan" / "workplaces.csv"))
    # 3,824 WorldPop cells with people inside the boundary (the run's note says so) + the jobs
    assert overall["facilities"] == 190 and overall["demand_points"] == 3824 + jobs
    kinds = summary[summary["scope"] == "kind"].set_index("key")
    assert kinds["weight"].sum() == pytest.approx(overall["weight"])
    assert kinds.loc["workers", "demand_points"] == jobs
    assert 0.5 < overall["share"] < 1.0  # the sample has real gaps
    subs = summary[summary["scope"] == "subdistrict"]
    assert len(subs) == 14
    assert subs["weight"].sum() == pytest.approx(overall["weight"])
    assert (tmp_path / "w.html").stat().st_size > 100_000


@pytest.mark.realdata
def test_killed_run_leaves_previous_results_readable(small, tmp_path):
    """SIGKILL while outputs are being written: every earlier file stays complete and readable;
    the next run cleans up and succeeds."""
    assert runner.invoke(app, ["run", str(small)]).exit_code == 0
    out = tmp_path / "out"
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-c", "from coverage.cli import app; app()", "run", str(small)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.time() + 120
    try:
        while time.time() < deadline and proc.poll() is None:
            if list(out.glob(".*.part*")):  # a write is under way
                break
            time.sleep(0.002)
        killed = proc.poll() is None
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(30)
    # CSV outputs are deterministic, so old or new they must be byte-identical to the first run.
    for name, data in before.items():
        if name.endswith(".csv"):
            assert (out / name).read_bytes() == data, name
    # Everything else still opens (each file is either the old one or a complete new one).
    json.loads((out / "run.json").read_text(encoding="utf-8"))
    pd.read_csv(out / "summary.csv", encoding="utf-8-sig")
    layers = set(dict(pyogrio.list_layers(out / "coverage.gpkg")))
    assert layers >= {sheet_name("facilities"), sheet_name("demand")}  # Chinese: labels
    openpyxl.load_workbook(out / "coverage.xlsx", read_only=True)
    assert runner.invoke(app, ["run", str(small)]).exit_code == 0
    assert not list(out.glob(".*.part*"))
    if not killed:
        pytest.fail("the run finished before a write was seen; the kill did not test anything")
    share = header("share")
    np.testing.assert_array_equal(
        pd.read_csv(out / "summary.csv", encoding="utf-8-sig")[share],
        pd.read_csv(pd.io.common.BytesIO(before["summary.csv"]), encoding="utf-8-sig")[share],
    )


# --- settings are checked before anything is loaded -----------------------------------------


@pytest.fixture
def offline(tmp_path) -> Path:
    """The small scenario with a network file that is not one: reading it would fail."""
    fake = tmp_path / "streets.parquet"
    fake.write_bytes(b"not a network")
    return copy_small_scenario(tmp_path, fake, extra="\n[plan]\ngrid_spacing_m = 150\n")


@pytest.fixture
def loads(monkeypatch) -> list[str]:
    """Every attempt to load the area or the network, each stopped with a NetworkError."""
    calls: list[str] = []

    def stop(name: str):
        def loader(*args, **kwargs):
            calls.append(name)
            raise NetworkError(f"{name} was called")

        return loader

    for module in (pipeline, single_steps):  # a whole run, and the network/catchments/map alone
        monkeypatch.setattr(module, "load_area", stop("load_area"))
        monkeypatch.setattr(module, "load_network", stop("load_network"))
    return calls


def _errors(res) -> list[str]:
    """The error lines of a failed command (exit 1), each a single ``error: ...`` line, its
    prefix in the scenario's language (``错误：`` for these Chinese scenarios), here ``error:``."""
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert res.exit_code == 1, res.output
    assert lines and all(ln.startswith(("错误：", "error: ")) for ln in lines), res.output
    lines = ["error: " + ln.removeprefix("错误：").removeprefix("error: ") for ln in lines]
    assert "Traceback" not in res.output
    return lines


def _one_error(res) -> str:
    lines = _errors(res)
    assert len(lines) == 1, res.output
    return lines[0]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["plan", "--add", "3", "--target", "0.9"], "give --add or --target, not both"),
        (["plan", "--add", "0"], "--add 0: give a whole number of new sites, at least 1"),
        (["plan", "--target", "1.5"], "--target 1.5: give a share between 0 and 1"),
        (["plan", "--tier", "pont", "--add", "2"], "unknown tier 'pont'; known tiers: centre ("),
        (["plan", "--tiers"], "say how many subcentre sites to add: --stage subcentre=N"),
        (["plan", "--stage", "subcentre=2"], "say how many point sites to add: --stage point=N"),
        (["plan", "--stage", "pont=2"], "--stage pont=2: 'pont' is not a staged tier"),
        (["plan", "--stage", "point=0"], "--stage point=0: give a whole number of new sites"),
        (["plan", "--stage", "point=2.5"], "--stage point=2.5: give a whole number of new sites"),
        (["plan", "--stage", "point"], "--stage point: write TIER=N"),
        (["plan", "--stage", "point=2,point=3"], "--stage point=3: point is given more than once"),
        (["plan", "--stage", "point=2", "--add", "3"], "both set the point stage: give one"),
        (["plan", "--tiers", "--tier", "point"], "--tier is for a one-stage plan"),
        (["plan", "--add", "2", "--model", "pmedain"], "--model pmedain: use mclp, lscp, backup"),
        (["plan", "--add", "2", "--time-limit", "0"], "--time-limit 0.0: give seconds"),
        (["run", "--basemap", "gaode"], "--basemap gaode: must be one of 'osm', 'amap'"),
        (["run", "--lang", "fr"], "--lang fr：可用 zh 或 en"),  # the scenario's language
        (["map", "--paper", "A5"], "--paper A5: A4 or A3"),
        (["map", "--print", "m.jpg"], "--print m.jpg: a .png or .pdf file"),
        (["catchments", "--bands", "5,x"], "--bands 5,x: not a list of minutes"),
        (["catchments", "--bands", "0,5"], "--bands 0,5: every band must be a number of minutes"),
        (["catchments", "--method", "fast"], "--method fast: 'fast' is not 'grid' or 'exact'"),
        (["catchments", "--out", "catch"], f"--out catch: {_LAYER_FILE}"),
        (["catchments", "--out", "c.shp"], f"--out c.shp: {_LAYER_FILE}"),
        (["catchments", "--out", "results/"], f"--out results: {_LAYER_FILE}"),  # a folder
        (["network", "--save", "e.shp"], "--save e.shp: a .parquet (GeoParquet) or .gpkg"),
        (["report", "--add", "2", "--target", "0.9"], "--add 2: give --add or --target, not both"),
        (["report", "--target", "0"], "--target 0.0: give a share between 0 and 1"),
    ],
)
def test_bad_settings_fail_before_anything_is_loaded(offline, loads, args, expected):
    english = [] if "--lang" in args else ["--lang", "en"]  # the scenario is Chinese
    res = runner.invoke(app, [args[0], str(offline), *args[1:], *english])
    assert expected in _one_error(res)
    assert loads == []


def test_a_file_that_cannot_be_written_there_fails_before_loading(offline, loads, tmp_path):
    # A folder named like the file, or a file where its folder should be: the README promises
    # these stop the command before the long work, as for run's and plan's outputs.
    in_the_way = tmp_path / "catch.gpkg"
    in_the_way.mkdir()
    res = runner.invoke(app, ["catchments", str(offline), "--out", str(in_the_way), "--lang", "en"])
    assert "a folder of that name is in the way" in _one_error(res)
    (tmp_path / "blocked").write_text("a file, not a folder")
    res = runner.invoke(
        app,
        ["catchments", str(offline), "--out", str(tmp_path / "blocked" / "c.gpkg"), "--lang", "en"],
    )
    assert "blocked" in _one_error(res)
    res = runner.invoke(
        app, ["network", str(offline), "--save", str(tmp_path / "blocked" / "e.gpkg")]
    )
    assert "blocked" in _one_error(res)
    res = runner.invoke(app, ["map", str(offline), "--out", str(in_the_way), "--lang", "en"])
    assert "a folder of that name is in the way" in _one_error(res)
    printed = str(tmp_path / "blocked" / "m.pdf")
    res = runner.invoke(app, ["map", str(offline), "--print", printed, "--lang", "en"])
    assert "blocked" in _one_error(res)
    assert loads == []


@pytest.mark.parametrize(
    ("lang", "ways"),
    [
        (
            "en",
            "no candidate sites: add [[candidates]] layers, set [plan] grid_spacing_m above 0 (a "
            "grid of street nodes) or set [plan] osm_features = true (OSM community centres, ",
        ),
        (
            "zh",
            "没有候选点：请添加 [[candidates]] 图层、将 [plan] grid_spacing_m 设为大于 0（路网"
            "节点网格），或设置 [plan] osm_features = true（OSM 中的社区中心、",
        ),
    ],
)
def test_a_plan_without_candidates_names_every_way_to_give_them(tmp_path, loads, lang, ways):
    """Candidate layers, a grid and OSM features: the one line names all three, before loading."""
    fake = tmp_path / "streets.parquet"
    fake.write_bytes(b"not a network")
    scenario = copy_small_scenario(tmp_path, fake)  # no [[candidates]], no grid, no OSM features
    line = _one_error(runner.invoke(app, ["plan", str(scenario), "--add", "2", "--lang", lang]))
    assert line.startswith("error: ") and ways in line
    assert loads == []


@pytest.mark.parametrize(
    ("args", "fault"),
    [
        (["--stage", "point"], "--stage point: "),
        (["--stage", "pont=2"], "--stage pont=2: "),
        (["--stage", "point=0"], "--stage point=0: "),
        (["--add", "3", "--stage", "point=2"], "both set the point stage"),
        (["--tier", "point", "--tiers"], "--tier is for a one-stage plan"),
        (["--add", "2", "--model", "pmedain"], "--model pmedain: "),
        (["--add", "2", "--time-limit", "0"], "--time-limit 0.0: "),
    ],
)
def test_report_refuses_a_bad_plan_option_as_plan_does(offline, loads, args, fault):
    plan, report = (
        _one_error(runner.invoke(app, [cmd, str(offline), *args, "--lang", "en"]))
        for cmd in ("plan", "report")
    )
    assert report == plan and fault in report
    assert loads == []


def test_bad_plan_setting_in_the_scenario_fails_before_loading(offline, loads):
    with offline.open("a", encoding="utf-8") as f:
        f.write('tiers = ["subcentre", "pont"]\n')
    line = _one_error(runner.invoke(app, ["plan", str(offline), "--tiers", "--lang", "en"]))
    assert f"{offline}:" in line and "plan: tiers: unknown tier 'pont'" in line
    assert loads == []


def test_the_settings_checks_let_good_settings_through_to_loading(offline, loads):
    """The same fixtures let a valid command reach the loaders (so the tests above can fail)."""
    with offline.open("a", encoding="utf-8") as f:
        f.write("stage_add = { subcentre = 1, point = 2 }\n")
    for args in (["plan", "--tiers"], ["plan", "--add", "2"], ["run", "--basemap", "amap"]):
        line = _one_error(runner.invoke(app, [args[0], str(offline), *args[1:]]))
        assert "load_area was called" in line
    assert loads == ["load_area"] * 3


# --- where a scenario may write -------------------------------------------------------------


def _writes_elsewhere(scenario: Path, elsewhere: Path) -> None:
    toml = scenario.read_text(encoding="utf-8")
    toml = re.sub(r'(?m)^dir = ".*"$', f'dir = "{(elsewhere / "out").as_posix()}"', toml)
    toml = re.sub(r'(?m)^map = ".*"$', f'map = "{(elsewhere / "m.html").as_posix()}"', toml)
    scenario.write_text(toml, encoding="utf-8")


def test_scenario_output_elsewhere_is_refused_unless_given_on_the_command_line(
    offline, loads, tmp_path_factory
):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    _writes_elsewhere(offline, elsewhere)
    mine = tmp_path_factory.mktemp("mine")
    refused = {
        "dir": f"error: {offline}: [output] dir = '{(elsewhere / 'out').as_posix()}' is outside",
        "map": f"error: {offline}: [output] map = '{(elsewhere / 'm.html').as_posix()}' is outside",
    }
    hint = {"dir": 'pass --out on the command line instead (from Python: scenario.set_output("dir",'
                   ' path))',
            "map": 'pass --map on the command line instead (from Python: scenario.set_output("map",'
                   ' path))'}  # fmt: skip
    for args, keys in (
        (["run"], ["dir", "map"]),
        (["plan", "--add", "2"], ["dir", "map"]),
        (["report"], ["dir"]),
        (["catchments"], ["dir"]),
        (["map"], ["map"]),
    ):
        res = runner.invoke(app, [args[0], str(offline), *args[1:], "--lang", "en"])
        lines = _errors(res)
        assert len(lines) == len(keys), (args, lines)
        for line, key in zip(lines, keys, strict=True):
            assert line.startswith(refused[key]) and line.endswith(hint[key]), (args, line)
    assert loads == []
    # The command line's own paths are the user's choice: the run goes on to loading. --out
    # alone puts the map in that folder (plan: its plan/), so the scenario's map is not written
    # and not refused (only its file name is taken).
    for args in (
        ["run", "--out", str(mine / "out")],
        ["plan", "--add", "2", "--out", str(mine / "out")],
        ["run", "--out", str(mine / "out"), "--map", str(mine / "m.html")],
        ["plan", "--add", "2", "--out", str(mine / "out"), "--map", str(mine / "p.html")],
        ["report", "--out", str(mine / "r.html")],
        ["catchments", "--out", str(mine / "c.gpkg")],
        ["map", "--out", str(mine / "m.html")],
    ):
        line = _one_error(runner.invoke(app, [args[0], str(offline), *args[1:]]))
        assert "load_area was called" in line, args
    assert not list(elsewhere.iterdir())


def test_scenario_cache_elsewhere_is_refused_by_every_command(offline, loads, tmp_path_factory):
    """A [network] cache_dir outside the scenario's folder and the cwd stops every command that
    loads a network (a network file's prepared copy and the map's outlines go there too) with
    one line naming the file, the key and the value, before anything is loaded or written."""
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    cache = (elsewhere / "c").as_posix()
    toml = offline.read_text(encoding="utf-8")
    offline.write_text(toml.replace("[network]\n", f'[network]\ncache_dir = "{cache}"\n'), "utf-8")
    start = f"error: {offline}: [network] cache_dir = '{cache}' is outside"
    hint = "move the cache there, or run the command from a folder that holds it"
    mine = tmp_path_factory.mktemp("mine")
    for args in (
        ["run"],
        ["run", "--out", str(mine / "out"), "--map", str(mine / "m.html")],
        ["plan", "--add", "2"],
        ["network"],
        ["catchments", "--out", str(mine / "c.gpkg")],
        ["map", "--out", str(mine / "m.html")],
        ["report", "--out", str(mine / "r.html")],
    ):
        line = _one_error(runner.invoke(app, [args[0], str(offline), *args[1:], "--lang", "en"]))
        assert line.startswith(start) and line.endswith(hint), (args, line)
    assert loads == []
    assert not list(elsewhere.iterdir()) and not list(mine.iterdir())


# --- the documented commands ----------------------------------------------------------------


@pytest.mark.realdata
def test_plan_tiers_with_stages_from_the_scenario_and_the_command_line(small, tmp_path_factory):
    """Sub-centres as many as [plan] stage_add says, points as many as --stage says; the
    scenario's own output paths are refused, so the plan is written where --out/--map say."""
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    _writes_elsewhere(small, elsewhere)
    with small.open("a", encoding="utf-8") as f:
        f.write("stage_add = { subcentre = 2, point = 4 }\n")
    mine = tmp_path_factory.mktemp("mine")
    res = runner.invoke(
        app,
        ["plan", str(small), "--stage", "point=3", "--out", str(mine / "out"),
         "--map", str(mine / "plan.html"), "--columns", "keys"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    stages = pd.read_csv(mine / "out" / "plan" / "plan_summary.csv", encoding="utf-8-sig")
    assert stages["tier"].tolist() == ["subcentre", "point"]
    assert stages["model"].tolist() == ["pmedian", "mclp"]
    assert stages["requested"].tolist() == [2, 3]
    prop = pd.read_csv(mine / "out" / "plan" / "proposed_sites.csv", encoding="utf-8-sig")
    assert prop.groupby("tier").size().to_dict() == {"point": 3, "subcentre": 2}
    html = (mine / "plan.html").read_text(encoding="utf-8")
    assert proposed_ranks(html) == ["1", "2", "1", "2", "3"]  # sub-centres, then points
    assert not list(elsewhere.iterdir())


@pytest.mark.realdata
def test_report_writes_the_plan_map_given_with_map(small, tmp_path):
    res = runner.invoke(
        app,
        ["report", str(small), "--add", "2", "--out", str(tmp_path / "r.html"),
         "--map", str(tmp_path / "r_map.html")],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert (tmp_path / "r.html").is_file()
    html = (tmp_path / "r_map.html").read_text(encoding="utf-8")
    assert proposed_ranks(html) == ["1", "2"] and "<script src=" not in html


@pytest.mark.realdata
def test_report_without_candidates_leaves_the_plan_out_with_a_note(tmp_path, wuhan_edges_path):
    scenario = copy_small_scenario(tmp_path, wuhan_edges_path)  # no candidates, no grid
    res = runner.invoke(
        app, ["report", str(scenario), "--out", str(tmp_path / "r.html"), "--lang", "en"]
    )
    assert res.exit_code == 0, res.output
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "No site plan: " in html and "no OSM features ([plan] osm_features = true)" in html
    res = runner.invoke(app, ["report", str(scenario), "--stage", "point=2", "--lang", "en"])
    assert "--stage and the other plan options need candidate sites" in _one_error(res)


def _report_sites(html: str) -> list[tuple[str, str, str]]:
    """Name, tier and workers added of each row of the report's proposed-sites table."""
    table = html.split("<h2>Proposed sites", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><td class=\"n\">\d+</td>(.*?)</tr>", table)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in rows]
    return [(c[0], c[1], c[-2]) for c in cells]


@pytest.mark.realdata
def test_report_shows_the_plan_that_plan_makes_with_the_same_options(small, tmp_path):
    how = ["--stage", "subcentre=2", "--stage", "point=3", "--lang", "en"]
    res = runner.invoke(
        app, ["plan", str(small), *how, "--out", str(tmp_path / "out"),
              "--map", str(tmp_path / "plan.html")],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["report", str(small), *how, "--out", str(tmp_path / "r.html")])
    assert res.exit_code == 0, res.output
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    plan = pd.read_excel(tmp_path / "out" / "plan" / "plan.xlsx", sheet_name=None)
    sites, stages = plan["Proposed sites"], plan["Plan stages"]
    assert stages["Sites proposed"].tolist() == [2, 3]
    added = [f"{round(n):,}" for n in sites["People newly covered"]]
    assert _report_sites(html) == list(zip(sites["Name"], sites["Tier"], added, strict=True))
    after = re.search(r'<div class="v">([\d.]+%)</div><div class="l">Covered after the plan', html)
    assert after is not None and after[1] == f"{stages['Share after the plan'].iloc[-1]:.1%}"
    assert html.count("Siting model: ") == 2  # each stage's model and method


@pytest.mark.realdata
def test_the_sample_scenario_has_its_staged_plan():
    """`coverage plan data/wuhan/scenario.toml --tiers` needs no more settings (README)."""
    s = load_scenario(ROOT / "data" / "wuhan" / "scenario.toml")
    assert pipeline.plan_stages(s, staged=True) == [
        ("subcentre", "pmedian", 3, None),
        ("point", "mclp", 5, None),
    ]
    # The command line changes one stage and keeps the other.
    assert pipeline.plan_stages(s, stage_add={"point": 8}) == [
        ("subcentre", "pmedian", 3, None),
        ("point", "mclp", 8, None),
    ]
    # --add / --target set the last stage over [plan] stage_add.
    assert pipeline.plan_stages(s, staged=True, add=7)[-1] == ("point", "mclp", 7, None)
    assert pipeline.plan_stages(s, staged=True, target=0.9)[-1] == ("point", "lscp", None, 0.9)
    # One stage: [plan] tier and add, unless the command line says otherwise.
    assert pipeline.plan_stages(s) == [("point", "mclp", 50, None)]
    assert pipeline.plan_stages(s, target=0.95) == [("point", "lscp", None, 0.95)]
    assert pipeline.plan_stages(s, tier="subcentre", add=2, model="pmedian") == [
        ("subcentre", "pmedian", 2, None)
    ]


def _quick_tour() -> list[list[str]]:
    """The README's Quick tour commands, as argument lists (comments dropped)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## Quick tour", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    return [shlex.split(ln, comments=True) for ln in block.splitlines() if ln.strip()]


def test_quick_tour_commands_and_options_exist():
    tour = _quick_tour()
    assert len(tour) >= 10 and all(args[0] == "coverage" for args in tour)
    assert ["coverage", "plan", "data/wuhan/scenario.toml", "--tiers"] in tour
    for args in tour:
        cmd, scenario, *rest = args[1:]
        assert (ROOT / scenario).is_file(), args
        res = runner.invoke(app, [cmd, "--help"], env={"COLUMNS": "240", "NO_COLOR": "1"})
        assert res.exit_code == 0, res.output
        shown = set(re.findall(r"--[a-z][\w-]*", res.output))
        for opt in (a for a in rest if a.startswith("--")):
            assert opt in shown, f"{' '.join(args)}: {opt} is not an option of `coverage {cmd}`"


@pytest.mark.parametrize(
    ("cmd", "words"),
    [
        ("report", "New sites to propose (default: [plan] add or target, else 10)."),
        ("catchments", "default: [walk] catchment_method."),
        ("plan", "(or subcentre=3,point=30); over [plan] stage_add; implies --tiers."),
    ],
)
def test_help_shows_scenario_sections_in_brackets(cmd, words):
    # The help is rich markup: an unescaped "[plan]" would vanish as a style tag.
    res = runner.invoke(app, [cmd, "--help"], env={"COLUMNS": "400", "NO_COLOR": "1"})
    assert res.exit_code == 0, res.output
    assert words in res.output


def test_every_option_help_is_shown_as_written():
    # Each option's words (rich escapes undone) appear whole in its command's --help.
    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        res = runner.invoke(app, [name, "--help"], env={"COLUMNS": "400", "NO_COLOR": "1"})
        shown = " ".join(res.output.split())
        for param in command.params:
            words = " ".join((getattr(param, "help", None) or "").replace("\\[", "[").split())
            assert words in shown, f"coverage {name} --help: {words!r}"


# --- what the console shows -----------------------------------------------------------------


def test_version_prints_the_package_version():
    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0, res.output
    assert res.output == f"coverage {coverage.__version__}\n"
    # The console script (coverage.cli:main) answers the same.
    proc = subprocess.run(
        [sys.executable, "-c", "from coverage.cli import main; main()", "--version"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert (proc.returncode, proc.stdout) == (0, f"coverage {coverage.__version__}\n")


def _logged(name: str, arg: str) -> str:
    """What the CLI's log handler writes for one warning naming ``arg``."""
    stream = io.StringIO()
    logger = logging.getLogger(f"coverage.{name}")
    logger.addHandler(cli.log_handler(stream))
    try:
        logger.warning("%s: 3 street ways cut", arg)
    finally:
        logger.handlers.clear()
    return stream.getvalue()


def test_log_lines_name_no_source_file():
    assert _logged("test_cli", "a [b].osm") == "warning: a [b].osm: 3 street ways cut\n"


@pytest.mark.parametrize(("lang", "head"), [("zh", "警告："), ("en", "warning:")])
def test_log_lines_speak_the_console_language(lang, head):
    from coverage import progress

    stream = io.StringIO()
    logger = logging.getLogger("coverage.test_cli_lang")
    logger.addHandler(cli.log_handler(stream))
    try:
        with progress.step("t", lang=lang):
            logger.warning("3 street ways cut")
            logger.error("gone")
            logger.warning(Msg("error.value.missing"))  # worded in the step's language
        logger.warning("after")  # outside any step: English, as before
        logger.warning(Msg("error.value.missing"))
    finally:
        logger.handlers.clear()
    # no space after a full-width colon
    error, head = ("错误：", head) if lang == "zh" else ("error: ", head + " ")
    assert stream.getvalue().splitlines() == [
        f"{head}3 street ways cut",
        f"{error}gone",
        f"{head}{'必填' if lang == 'zh' else 'required'}",
        "warning: after",
        "warning: required",
    ]


def _step_output(monkeypatch, terminal: bool) -> str:
    """What `progress.step` writes during two steps of 1.2 s and 1.3 s, on a terminal or not."""
    from coverage import progress as shown

    buf = io.StringIO()
    console = Console(file=buf, force_terminal=terminal, width=100, log_path=False)
    monkeypatch.setattr(shown, "err", console)
    with shown.step("coverage plan") as progress:
        progress("routing 2/4")
        time.sleep(1.2)
        progress("solving mclp for point (milp)")
        time.sleep(1.3)
    return buf.getvalue()


def test_a_spinner_with_the_step_time_on_a_terminal_only(monkeypatch):
    shown = _step_output(monkeypatch, terminal=True)
    # The clock restarts with each step: the solve's own second, not the 2.5 s of both steps.
    assert "solving mclp for point (milp)" in shown and "0:00:01" in shown
    assert "0:00:02" not in shown
    assert "2/4" in shown  # the bar's count while routing
    plain = _step_output(monkeypatch, terminal=False)
    lines = [ln.rstrip() for ln in plain.splitlines() if ln.strip()]
    assert len(lines) == 2 and lines[0].endswith("routing") and "solving mclp" in lines[1]
    assert "0:00:0" not in plain and "\x1b" not in plain


@pytest.mark.realdata
def test_plan_prints_the_sites_and_the_next_step(small, tmp_path):
    args = ["plan", str(small), "--add", "3", "--lang", "en", "--columns", "keys"]
    res = runner.invoke(app, args, env={"COLUMNS": "120"})  # names unwrapped
    assert res.exit_code == 0, res.output
    prop = pd.read_csv(tmp_path / "out" / "plan" / "proposed_sites.csv", encoding="utf-8-sig")
    assert len(prop) == 3
    rows = [ln for ln in res.output.splitlines() if ln.startswith("│")]
    for _, r in prop.iterrows():
        # one table row per site: rank, name, workers it adds, sub-district, GCJ-02 lon,lat
        (row,) = [ln for ln in rows if f" {r['name']} " in ln]
        cells = [c.strip() for c in row.strip("│").split("│")]
        assert cells == [
            str(r["rank"]), r["name"], "Service point", f"{r['gain']:,.0f}", r["subdistrict"],
            f"{r['gcj02_lon']:.6f},{r['gcj02_lat']:.6f}",
        ]  # fmt: skip
    workbook, html = tmp_path / "out" / "plan" / "plan.xlsx", tmp_path / "map_plan.html"
    assert workbook.is_file() and html.is_file()
    assert f"Next: open {html} and {workbook}" in res.output.splitlines()
    assert ".py:" not in res.output


@pytest.mark.realdata
def test_network_prints_what_was_kept_and_what_was_left_out(small):
    res = runner.invoke(app, ["network", str(small)], env={"COLUMNS": "120"})
    assert res.exit_code == 0, res.output
    assert "测试场景 的步行路网" in res.output  # the scenario's title, not its name "small"
    small.write_text('title_en = "Test area"\n' + small.read_text("utf-8"), "utf-8")
    res = runner.invoke(app, ["network", str(small), "--lang", "en"], env={"COLUMNS": "120"})
    assert res.exit_code == 0, res.output
    assert "Walking network of Test area" in res.output
    assert "{" not in res.output and ".py:" not in res.output
    cells = {
        c[0]: c[1]
        for ln in res.output.splitlines()
        if ln.startswith("│") and len(c := [x.strip() for x in ln.strip("│").split("│")]) == 2
    }
    summary = single_steps.walk_network(load_scenario(small)).summary()
    assert cells["nodes"] == f"{summary['nodes']:,}"
    assert cells["street segments"] == f"{summary['edges']:,}"
    assert cells["component kept"].startswith("the largest of ")
    dropped = summary["dropped_not_walkable"]
    assert {"highway=motorway", "highway=trunk"} <= set(dropped)
    for tag, n in dropped.items():
        assert cells[f"not walkable: {tag}"] == f"{n:,}"
    comp = summary["component"]
    km = f"{comp['dropped_length_km']:,.1f}"
    assert cells[f"off the largest component ({km} km)"] == f"{comp['dropped_edges']:,}"
    clipped = summary["clipped_to_area"]["edges_dropped"]
    assert cells["outside the study area + 500 m"] == f"{clipped:,}"


def test_unreachable_target_is_one_error_line_naming_what_can_be_reached(tmp_path):
    """--target above what every candidate together reaches: one line, exit 1, no traceback;
    the largest share it names, asked for, is met."""
    scenario = ROOT / "data" / "wuhan" / "scenario.toml"
    out = ["--out", str(tmp_path / "out"), "--map", str(tmp_path / "plan.html")]
    res = runner.invoke(app, ["plan", str(scenario), "--target", "1", *out])
    assert res.exit_code == 1 and "Traceback" not in res.output
    (line,) = [x for x in res.output.splitlines() if x.startswith("错误：")]
    m = re.fullmatch(
        r"错误：目标覆盖率 100\.00% 无法达到：现有设施或候选点步行 15 分钟内的需求最多占 "
        r"(\d+\.\d\d)%（\d+ 个需求点共 [\d,]+ 人不在任何设施或候选点的步行范围内）；请改为不超过 "
        r"(0\.\d+) 的目标（--target 或 \[plan\] target），或增加候选点",
        line,
    )
    assert m, line
    best, suggest = float(m[1]), float(m[2])
    assert 99 < best < 100 and best - 0.01 <= suggest * 100 <= best + 0.005
    report = ["--out", str(tmp_path / "report.html"), "--lang", "en"]
    res = runner.invoke(app, ["report", str(scenario), "--target", "0.999", *report])
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert f"error: the target share 99.90% cannot be reached: at most {m[1]}%" in res.output
    res = runner.invoke(
        app, ["plan", str(scenario), "--target", m[2], "--greedy", "--columns", "keys", *out]
    )
    assert res.exit_code == 0, res.output
    stages = pd.read_csv(tmp_path / "out" / "plan" / "plan_summary.csv", encoding="utf-8-sig")
    assert stages.loc[0, "after_share"] >= float(m[2])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_into_a_folder_is_refused_before_the_work(tmp_path, monkeypatch, lang):
    def no_work(*args, **kwargs):
        raise AssertionError("the paths are checked before anything is computed")

    monkeypatch.setattr(pipeline, "plan", no_work)
    monkeypatch.setattr(pipeline, "run", no_work)
    scenario = ROOT / "data" / "wuhan" / "scenario.toml"
    folder = tmp_path / "already_here"
    folder.mkdir()
    words = {
        "zh": f"错误：{folder}：报告路径是一个文件夹；请给出以 .html 结尾的文件名",
        "en": f"error: {folder}: the report path is a folder; give a file name ending in .html",
    }
    res = runner.invoke(app, ["report", str(scenario), "--out", str(folder), "--lang", lang])
    assert res.exit_code == 1 and words[lang] in res.output, res.output
    report = ["--out", str(tmp_path / "r.html"), "--map", str(folder), "--lang", "en"]
    res = runner.invoke(app, ["report", str(scenario), *report])
    assert res.exit_code == 1 and f"error: {folder}: the map path is a folder" in res.output
    assert not (tmp_path / "r.html").exists()


def test_input_text_on_the_console_is_printed_as_written_on_one_line(tmp_path):
    """A file name with a line break, an ANSI escape and rich markup: one error line that shows
    them all as written, and no escape reaches the terminal."""
    bad = "f\n[bold]x[/]\x1b[2J\u202e.csv"
    p = tmp_path / "s.toml"
    p.write_text(f'[network]\npath = {json.dumps(bad)}\n[[facilities]]\npath = "f.csv"\n', "utf-8")
    (tmp_path / "f.csv").write_text("name,lon,lat\n", "utf-8")
    res = runner.invoke(app, ["run", str(p), "--lang", "en"], color=True)
    assert res.exit_code == 1
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in res.output
    assert "f\\n[bold]x[/]\\x1b[2J\\u202e.csv" in lines[0]
    assert "\x1b[2J" not in res.output and "\u202e" not in res.output


def test_progress_and_log_lines_send_no_escape_from_input(monkeypatch):
    from coverage import progress

    buf = io.StringIO()
    monkeypatch.setattr(progress, "err", Console(file=buf, width=200, log_path=False))
    with progress.step("t", lang="en") as step:
        step("reading the facility layer a\x1b[2Jb\nc [bold]d[/].csv")
    assert "a\\x1b[2Jb\\nc [bold]d[/].csv" in buf.getvalue() and "\x1b" not in buf.getvalue()
    logged = _logged("test_cli_escape", "a\x1b]8;;http://x\x07b\nc")
    assert logged == "warning: a\\x1b]8;;http://x\\x07b\\nc: 3 street ways cut\n"


def test_plan_with_a_negative_capacity_is_one_line(tmp_path, hand):
    from test_export_plan import _street_scenario

    _street_scenario(tmp_path, hand)
    cand = pd.read_csv(tmp_path / "cand.csv").assign(capacity=[10, -5, 10])
    cand.to_csv(tmp_path / "cand.csv", index=False)
    toml = tmp_path / "scenario.toml"
    toml.write_text(toml.read_text() + "\n[plan]\ncapacity = true\n")
    res = runner.invoke(app, ["plan", str(toml), "--add", "1", "--lang", "en"])
    assert res.exit_code == 1 and isinstance(res.exception, SystemExit)  # not a ValueError
    assert "row 3, field 'capacity': capacity should be positive, got -5" in res.output
    assert "Traceback" not in res.output


@pytest.mark.parametrize(("args", "paper"), [([], "A3"), (["--paper", "A4"], "A4")])
def test_map_print_takes_the_scenario_paper_unless_paper_is_given(
    offline, monkeypatch, tmp_path, args, paper
):
    # `[output] paper` is the printable map's paper; --paper, when given, wins over it.
    toml = offline.read_text(encoding="utf-8").replace("[output]\n", '[output]\npaper = "A3"\n')
    offline.write_text(toml, encoding="utf-8")
    asked: list[str | None] = []
    monkeypatch.setattr(single_steps, "run", lambda s, **kw: s)  # no network: drawing is faked
    monkeypatch.setattr(single_steps, "write_map", lambda result, path: path)
    monkeypatch.setattr(
        single_steps,
        "write_print_map",
        lambda result, path, paper=None: asked.append(paper) or path,
    )
    res = runner.invoke(
        app,
        ["map", str(offline), "--out", str(tmp_path / "m.html"),
         "--print", str(tmp_path / "m.pdf"), *args],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert asked == [paper]


@pytest.mark.realdata
def test_out_alone_puts_the_map_beside_the_results_it_shows(small, tmp_path):
    """Two variants run with --out A and --out B each keep their own map (both wrote the
    scenario's one map, so A's folder was paired with B's map); --map still decides."""
    default_map = tmp_path / "map.html"  # the small scenario's [output] map
    for variant in ("a", "b"):
        out = tmp_path / variant
        res = runner.invoke(app, ["run", str(small), "--out", str(out), "--lang", "en"])
        assert res.exit_code == 0, res.output
        assert (out / "map.html").is_file()
        res = runner.invoke(
            app, ["plan", str(small), "--add", "2", "--out", str(out), "--lang", "en"]
        )
        assert res.exit_code == 0, res.output
        assert (out / "plan" / "map_plan.html").is_file()
    assert not default_map.exists() and not (tmp_path / "map_plan.html").exists()
    mine = tmp_path / "mine.html"
    res = runner.invoke(app, ["run", str(small), "--out", str(tmp_path / "c"), "--map", str(mine)])
    assert res.exit_code == 0 and mine.is_file() and not (tmp_path / "c" / "map.html").exists()


def test_out_alone_takes_only_the_name_of_the_scenario_map(offline, monkeypatch, tmp_path_factory):
    """A scenario's [output] map outside its folder, without .html: run --out X writes X/<name>,
    plan --out X writes X/plan/<name>_plan, and neither refuses the path it does not write; a
    run's printable map ([output] print_map) goes to X too (two variants kept one file)."""
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    toml = offline.read_text(encoding="utf-8")
    toml = re.sub(r'(?m)^map = ".*"$', f'map = "{(elsewhere / "town").as_posix()}"', toml)
    offline.write_text(toml, encoding="utf-8")
    toml = toml.replace(
        "[output]\n", f'[output]\nprint_map = "{(elsewhere / "t.pdf").as_posix()}"\n'
    )
    offline.write_text(toml, encoding="utf-8")
    seen: list[Path | None] = []

    def run(s, **kwargs):
        seen.extend([s.map_path, s.print_map_path])
        raise typer.Exit(0)

    def plan(s, **kwargs):
        seen.append(kwargs["map_path"])
        raise typer.Exit(0)

    monkeypatch.setattr(pipeline, "run", run)
    monkeypatch.setattr(pipeline, "plan", plan)
    out = tmp_path_factory.mktemp("mine") / "out"
    for args in (["run"], ["plan", "--add", "2"]):
        res = runner.invoke(app, [args[0], str(offline), *args[1:], "--out", str(out)])
        assert res.exit_code == 0, res.output
    assert seen == [out / "town", out / "t.pdf", out / "plan" / "town_plan"]
