"""The command line end to end: files written, their contents, errors and interrupted runs."""

from __future__ import annotations

import json
import os
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
from conftest import copy_small_scenario
from typer.testing import CliRunner

from coverage.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


@pytest.fixture
def small(tmp_path, wuhan_edges_path) -> Path:
    return copy_small_scenario(tmp_path, wuhan_edges_path, extra="\n[plan]\ngrid_spacing_m = 150\n")


@pytest.mark.realdata
def test_run_writes_every_output_with_consistent_contents(small, tmp_path):
    res = runner.invoke(app, ["run", str(small)])
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
    res = runner.invoke(app, ["run", str(small)])
    assert res.exit_code == 0, res.output
    assert "2 input rows skipped" in res.output
    skipped = pd.read_csv(tmp_path / "out" / "skipped_rows.csv", encoding="utf-8-sig")
    assert skipped["row"].tolist() == [6, 9]
    assert skipped["field"].tolist() == ["lat", "workers"]
    assert "not a number: 'north'" in skipped["problem"].iloc[0]
    assert len(pd.read_csv(tmp_path / "out" / "demand.csv", encoding="utf-8-sig")) == 298


def test_bad_scenario_exits_1_with_the_reason(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text('[network]\npath = "nope.parquet"\n[[facilities]]\npath = "f.csv"\n', "utf-8")
    res = runner.invoke(app, ["run", str(p)])
    assert res.exit_code == 1
    assert f"{p}: network.path: file not found" in res.output
    assert "Traceback" not in res.output
    res = runner.invoke(app, ["run", str(tmp_path / "missing.toml")])
    assert res.exit_code == 1 and "scenario file not found" in res.output


@pytest.mark.realdata
def test_plan_network_catchments_and_map_commands(small, tmp_path):
    res = runner.invoke(app, ["plan", str(small), "--add", "3"])
    assert res.exit_code == 0, res.output
    plan_dir = tmp_path / "out" / "plan"
    prop = pd.read_csv(plan_dir / "proposed_sites.csv", encoding="utf-8-sig")
    assert prop["rank"].tolist() == [1, 2, 3]
    assert (prop["gain"] > 0).all() and prop["gain"].is_monotonic_decreasing
    stages = pd.read_csv(plan_dir / "plan_summary.csv", encoding="utf-8-sig")
    assert stages.loc[0, "status"] == "optimal" and stages.loc[0, "gap"] <= 0.005
    assert stages.loc[0, "after_share"] > stages.loc[0, "before_share"]
    assert (plan_dir / "coverage_curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "map_plan.html").is_file()

    res = runner.invoke(app, ["plan", str(small), "--target", "0.95", "--greedy"])
    assert res.exit_code == 0, res.output
    stages = pd.read_csv(plan_dir / "plan_summary.csv", encoding="utf-8-sig")
    assert stages.loc[0, "model"] == "lscp" and stages.loc[0, "after_share"] >= 0.95

    # Staged: sub-centres (p-median) first, then points given them; [plan] is the last table.
    with small.open("a", encoding="utf-8") as f:
        f.write("stage_add = { subcentre = 2, point = 4 }\n")
    res = runner.invoke(app, ["plan", str(small), "--tiers"])
    assert res.exit_code == 0, res.output
    stages = pd.read_csv(plan_dir / "plan_summary.csv", encoding="utf-8-sig")
    assert stages["tier"].tolist() == ["subcentre", "point"]
    assert stages["model"].tolist() == ["p_median", "mclp"]
    assert stages.loc[1, "before_share"] == pytest.approx(stages.loc[0, "after_share"])
    prop = pd.read_csv(plan_dir / "proposed_sites.csv", encoding="utf-8-sig")
    assert prop.groupby("tier").size().to_dict() == {"point": 4, "subcentre": 2}

    res = runner.invoke(app, ["network", str(small), "--save", str(tmp_path / "edges.parquet")])
    assert res.exit_code == 0, res.output
    assert len(gpd.read_parquet(tmp_path / "edges.parquet")) > 500

    res = runner.invoke(
        app, ["catchments", str(small), "--bands", "3,6", "--out", str(tmp_path / "c.gpkg")]
    )
    assert res.exit_code == 0, res.output
    c = gpd.read_file(tmp_path / "c.gpkg", layer="catchments")
    assert set(c["band_min"]) == {3.0, 6.0}
    res = runner.invoke(
        app,
        ["catchments", str(small), "--bands", "3,6", "--method", "exact",
         "--out", str(tmp_path / "x.gpkg")],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    x = gpd.read_file(tmp_path / "x.gpkg", layer="catchments")
    assert list(x["facility_id"]) == list(c["facility_id"])
    assert list(x["band_min"]) == list(c["band_min"])
    # the same catchments drawn two ways: the areas agree within a few per cent
    rel = x.to_crs(32650).area.to_numpy() / c.to_crs(32650).area.to_numpy()
    assert abs(rel - 1).max() < 0.04
    res = runner.invoke(app, ["catchments", str(small), "--method", "fast"])
    assert res.exit_code != 0 and "'fast' is not 'grid' or 'exact'" in res.output

    res = runner.invoke(
        app,
        ["map", str(small), "--lang", "en", "--out", str(tmp_path / "en.html"),
         "--print", str(tmp_path / "a3.pdf"), "--paper", "A3"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert (tmp_path / "a3.pdf").read_bytes()[:5] == b"%PDF-"
    html = (tmp_path / "en.html").read_text(encoding="utf-8")
    assert "Legend" in html and "图例" not in html


@pytest.mark.realdata
def test_sample_scenario_end_to_end(tmp_path, wuhan_edges_path):
    """The README's main job on the real Wuhan sample, outputs redirected to tmp_path."""
    scenario = ROOT / "data" / "wuhan" / "scenario.toml"
    res = runner.invoke(
        app,
        ["run", str(scenario), "--out", str(tmp_path / "out"), "--map", str(tmp_path / "w.html")],
    )
    assert res.exit_code == 0, res.output
    summary = pd.read_csv(tmp_path / "out" / "summary.csv", encoding="utf-8-sig")
    overall = summary[summary["scope"] == "overall"].iloc[0]
    assert overall["facilities"] == 190 and overall["demand_points"] == 12788
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
    assert set(dict(pyogrio.list_layers(out / "coverage.gpkg"))) >= {"facilities", "demand"}
    openpyxl.load_workbook(out / "coverage.xlsx", read_only=True)
    assert runner.invoke(app, ["run", str(small)]).exit_code == 0
    assert not list(out.glob(".*.part*"))
    if not killed:
        pytest.fail("the run finished before a write was seen; the kill did not test anything")
    np.testing.assert_array_equal(
        pd.read_csv(out / "summary.csv", encoding="utf-8-sig")["share"],
        pd.read_csv(pd.io.common.BytesIO(before["summary.csv"]), encoding="utf-8-sig")["share"],
    )
