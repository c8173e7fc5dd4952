"""The scenario pipeline on the small Wuhan scenario: bad rows are reported by file/row/field and
everything valid is used."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from conftest import copy_small_scenario

from coverage import pipeline, single_steps
from coverage.errors import InputError, ScenarioError


@pytest.fixture
def small(tmp_path, wuhan_edges_path):
    """A copy of the small scenario in tmp_path, network by absolute path, outputs in tmp_path."""
    return copy_small_scenario(tmp_path, wuhan_edges_path).parent


@pytest.mark.realdata
def test_bad_rows_are_reported_and_the_rest_used(small):
    fac = pd.read_csv(small / "facilities.csv", dtype=str)
    fac.loc[2, "经度"] = "东经一一四"  # spreadsheet row 4 (row 1 is the header): not a number
    fac.loc[4, "层级"] = ""  # row 6: no tier
    fac.loc[6, ["经度", "纬度"]] = ["114.2875", "30.595"]  # row 8: 200 m outside the area
    fac.loc[7, ["经度", "纬度"]] = ["114.40", "30.70"]  # row 9: far outside, no street near
    fac.to_csv(small / "facilities.csv", index=False)
    dem = pd.read_csv(small / "demand.csv", dtype={"lon": object, "lat": object})
    dem.loc[9, "workers"] = -5  # row 11
    dem.loc[19, ["lon", "lat"]] = ["114.10", "30.50"]  # row 21: outside the area
    dem.to_csv(small / "demand.csv", index=False)

    s = pipeline.load_scenario(small / "scenario.toml")
    area, _ = pipeline.load_area(s)
    net = pipeline.load_network(s, area)
    layers = pipeline.read_layers(s, net)
    probs = {(Path(p.path).name, p.row, p.field_text()): p for p in layers.problems}

    def said(name: str, row: int) -> list[tuple[str, str]]:
        return [
            (p.message, p.action)
            for p in layers.problems
            if (Path(p.path).name, p.row) == (name, row)
        ]

    assert probs[("facilities.csv", 4, "经度")].action == "skipped"
    assert probs[("facilities.csv", 6, "层级")].action == "skipped"
    assert "missing tier" in probs[("facilities.csv", 6, "层级")].message
    # A facility outside the area is kept (it may serve people inside), with a warning.
    assert probs[("facilities.csv", 8, "geometry")].action == "kept"
    assert ("no walkable street found nearby", "skipped") in said("facilities.csv", 9)
    assert probs[("demand.csv", 11, "workers")].action == "skipped"
    assert ("outside the study area", "skipped") in said("demand.csv", 21)
    # Nothing valid is lost: every other row is there, in order.
    assert layers.facilities["row"].tolist() == [r for r in range(2, 14) if r not in (4, 6, 9)]
    assert layers.demand["row"].tolist() == [r for r in range(2, 302) if r not in (11, 21)]
    assert layers.demand["weight"].sum() == dem.drop(index=[9, 19])["workers"].astype(float).sum()


@pytest.mark.realdata
def test_missing_weight_column_is_an_error(small):
    dem = pd.read_csv(small / "demand.csv").rename(columns={"workers": "count"})
    dem.to_csv(small / "demand.csv", index=False)
    s = pipeline.load_scenario(small / "scenario.toml")
    area, _ = pipeline.load_area(s)
    net = pipeline.load_network(s, area)
    with pytest.raises(
        InputError,
        match=r"demand.csv, field 'workers': column 'workers' \(mapped to weight\) not found",
    ):
        pipeline.read_layers(s, net)


@pytest.mark.realdata
def test_facility_layer_without_tier_needs_a_default(small):
    fac = pd.read_csv(small / "facilities.csv").drop(columns="层级")
    fac.to_csv(small / "facilities.csv", index=False)
    s = pipeline.load_scenario(small / "scenario.toml")
    area, _ = pipeline.load_area(s)
    net = pipeline.load_network(s, area)
    with pytest.raises(InputError, match=r"facilities.csv, field 'tier': no tier column"):
        pipeline.read_layers(s, net)
    s.facilities[0].tier = "point"
    layers = pipeline.read_layers(s, net)
    assert set(layers.facilities["tier"]) == {"point"}


@pytest.mark.realdata
def test_network_is_clipped_to_area_plus_margin(small):
    s = pipeline.load_scenario(small / "scenario.toml")
    area, subs = pipeline.load_area(s)
    net = pipeline.load_network(s, area)
    assert list(subs["name"]) == ["西街道", "东街道"]
    import geopandas as gpd

    a = gpd.GeoSeries([area], crs=4326).to_crs(net.crs).iloc[0]
    # Every kept edge touches the area grown by the 500 m margin; the network is not the city.
    assert net.edges.geometry.intersects(a.buffer(500 + 1)).all()
    assert 500 < net.n_nodes < 5000


@pytest.mark.realdata
def test_unknown_services_are_warned_and_dropped(small):
    toml = (small / "scenario.toml").read_text(encoding="utf-8")
    toml = toml.replace(
        'title = "测试场景"', 'title = "测试场景"\nservices = ["休息", "饮水", "职工书屋"]'
    )
    (small / "scenario.toml").write_text(toml, encoding="utf-8")
    s = pipeline.load_scenario(small / "scenario.toml")
    area, _ = pipeline.load_area(s)
    net = pipeline.load_network(s, area)
    layers = pipeline.read_layers(s, net)
    # Row 2 (site 01) offers 法律援助;心理咨询;职工书屋: two are unknown to this scenario.
    warn = [p for p in layers.problems if p.row == 2 and p.field == "服务项目"]
    assert len(warn) == 1 and warn[0].action == "kept"
    assert "unknown services '法律援助', '心理咨询' ignored" in warn[0].message
    assert layers.facilities["services"].iloc[0] == ["职工书屋"]
    assert len(layers.facilities) == 12  # nothing skipped for it


@pytest.mark.realdata
def test_plan_starts_from_the_run_coverage_and_reuses_a_run(small):
    """Existing facilities count with their own tier's threshold in a plan (centre 15, outdoor
    stations 5, others 10 min here), so the plan's "before" equals the run's overall share."""
    toml = (small / "scenario.toml").read_text(encoding="utf-8")
    (small / "scenario.toml").write_text(toml + "\n[plan]\ngrid_spacing_m = 150\n", "utf-8")
    s = pipeline.load_scenario(small / "scenario.toml")
    before = pipeline.run(s, write=False)
    result = pipeline.plan(s, add=3, write=False, before=before)
    assert result.before is before
    overall = before.coverage.summary.set_index(["scope", "key"]).loc[("overall", "all"), "share"]
    stage = result.plans[0]
    assert stage.before_share == pytest.approx(overall)
    assert stage.after_share > stage.before_share
    # After: re-evaluating coverage with the proposed points added gives the plan's figure.
    from coverage import analysis

    added = result.proposed.assign(tier="point")[["tier", "geometry"]]
    fac = pd.concat([before.coverage.facilities[["tier", "geometry"]], added], ignore_index=True)
    cov = analysis.evaluate(
        before.network, gpd.GeoDataFrame(fac, crs=4326), before.coverage.demand[["weight", "geometry"]],
        threshold_min=s.walk.threshold_min, tier_threshold_min=s.walk.tier_threshold_min,
    )  # fmt: skip
    assert cov.kpis()["share_any"] == pytest.approx(stage.after_share)


@pytest.mark.realdata
def test_catchment_method_and_cell_come_from_the_scenario(small):
    toml = small / "scenario.toml"
    text = toml.read_text(encoding="utf-8")
    grid = pipeline.run(toml, write=False)
    toml.write_text(
        text.replace("bands_min = [5, 10]", 'bands_min = [5, 10]\ncatchment_method = "exact"'),
        encoding="utf-8",
    )
    exact = pipeline.run(toml, write=False)
    toml.write_text(
        text.replace("bands_min = [5, 10]", "bands_min = [5, 10]\ncatchment_cell_m = 5"),
        encoding="utf-8",
    )
    fine = pipeline.run(toml, write=False)
    assert exact.scenario.walk.catchment_method == "exact"
    for run in (grid, fine):
        assert list(run.catchments["fid"]) == list(exact.catchments["fid"])
    # the same catchments drawn three ways: areas agree within a few per cent, and finer cells
    # come closer to the exact buffers
    a_exact = exact.catchments.to_crs(grid.network.crs).area.to_numpy()
    a_grid = grid.catchments.to_crs(grid.network.crs).area.to_numpy()
    a_fine = fine.catchments.to_crs(grid.network.crs).area.to_numpy()
    assert abs(a_grid / a_exact - 1).max() < 0.03
    assert abs(a_fine / a_exact - 1).mean() < abs(a_grid / a_exact - 1).mean()

    # grid vertices sit on multiples of the cell (the crossings lie on grid lines): 5 m vs 20 m
    def on_lines(run, cell):
        xy = shapely.get_coordinates(run.catchments.to_crs(run.network.crs).geometry.values)
        r = np.abs(xy / cell - np.round(xy / cell))
        return float(np.mean(np.minimum(r[:, 0], r[:, 1]) < 1e-3))

    assert on_lines(grid, 20.0) > 0.99 and on_lines(fine, 5.0) > 0.99
    assert on_lines(exact, 20.0) < 0.5


@pytest.mark.realdata
def test_add_without_candidates_is_a_scenario_error(tmp_path, wuhan_edges_path):
    toml = copy_small_scenario(tmp_path, wuhan_edges_path)
    with pytest.raises(ScenarioError, match="candidate sites"):
        pipeline.report(toml, add=3)
    with pytest.raises(ScenarioError, match="stage_add= and the other plan settings need"):
        pipeline.report(toml, stage_add={"point": 2})  # a plan asked for is not left out
    with pytest.raises(ScenarioError, match="candidate sites"):
        pipeline.report(toml, add=0)


@pytest.mark.realdata
def test_report_makes_a_staged_plan_from_python(tmp_path, wuhan_edges_path):
    extra = "\n[plan]\ngrid_spacing_m = 150\n"  # no [plan] add: the report's default is not used
    toml = copy_small_scenario(tmp_path, wuhan_edges_path, extra=extra)
    path = pipeline.report(
        toml, tmp_path / "r.html", lang="en", stage_add={"subcentre": 1, "point": 2}
    )
    html = path.read_text(encoding="utf-8")
    table = html.split("<h2>Proposed sites", 1)[1].split("</table>", 1)[0]
    tiers = re.findall(r'<tr><td class="n">\d+</td><td>[^<]*</td><td[^>]*>([^<]*)</td>', table)
    assert tiers == ["Sub-centre", "Service point", "Service point"]  # sub-centres first
    assert html.count("Siting model: P-median") == 1 and html.count("Siting model: ") == 2
    walk = pipeline.load_scenario(toml).walk_model()
    sub, point = (f"{walk.threshold_for(tier):g} min" for tier in ("subcentre", "point"))
    assert f"(Sub-centre, {sub}; Service point, {point})" in html  # both stages' sites count


@pytest.mark.realdata
def test_run_reads_the_area_once_and_the_same_layers(small, monkeypatch):
    from coverage.inputs import area as area_mod

    s = pipeline.load_scenario(small / "scenario.toml")
    area = pipeline.load_area(s)
    net = pipeline.load_network(s, area[0])
    given = pipeline.read_layers(s, net, area=area)
    read_again = pipeline.read_layers(s, net)  # reads the area files itself
    for a, b in ((given.facilities, read_again.facilities), (given.demand, read_again.demand)):
        pd.testing.assert_frame_equal(pd.DataFrame(a), pd.DataFrame(b))
    assert [p.as_dict() for p in given.problems] == [p.as_dict() for p in read_again.problems]

    calls: list[Path] = []
    real = area_mod.read_polygons

    def counted(path, *args, **kwargs):
        calls.append(Path(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(area_mod, "read_polygons", counted)
    pipeline.run(s, write=False)
    expected = [p for p in (s.area.path, s.area.subdistricts) if p is not None]
    assert len(calls) == len(expected) >= 1


# --- misuse from Python: clear errors that name the parameter, before anything is loaded -----


@pytest.fixture
def unread(tmp_path, monkeypatch) -> Path:
    """The small scenario with a network that is never read (every check below comes first);
    the working directory is an empty folder, to see that nothing is written there."""
    fake = tmp_path / "streets.parquet"
    fake.write_bytes(b"not a network")
    toml = copy_small_scenario(tmp_path / "s", fake, extra="\n[plan]\ngrid_spacing_m = 150\n")
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)

    def stop(*args, **kwargs):
        raise AssertionError("loaded")

    monkeypatch.setattr(pipeline, "load_area", stop)
    monkeypatch.setattr(single_steps, "load_area", stop)  # the network, catchments or map alone
    return toml


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda p: pipeline.run(p, write="no"), "write must be True or False, not 'no'"),
        (lambda p: pipeline.run(123), "scenario must be a path to a scenario file (str or "
         "pathlib.Path) or a loaded Scenario, not int"),
        (lambda p: pipeline.plan(p, add=2, write=1), "write must be True or False, not 1"),
        (lambda p: pipeline.plan(None, add=2), "scenario must be a path"),
    ],
)  # fmt: skip
def test_api_misuse_is_a_type_error_and_writes_nothing(unread, call, expected):
    with pytest.raises(TypeError) as info:
        call(unread)
    assert str(info.value).startswith(expected)
    assert list(Path.cwd().iterdir()) == []


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"add": 5.0}, "add=5.0: give a whole number of new sites, at least 1"),
        ({"target": 95}, "target=95: give a share between 0 and 1, e.g. 0.95"),
        ({"add": 2, "model": "pmedain"}, "model='pmedain': use "),
        ({"add": 2, "method": "greedy2"}, "method='greedy2': use milp, greedy"),
        ({"add": 2, "time_limit": 0}, "time_limit=0: give seconds, more than 0"),
        ({"add": 2, "time_limit": "60"}, "time_limit='60': give seconds, more than 0"),
        ({"stage_add": {"point": 2.5}},
         "stage_add={'point': 2.5}: give a whole number of new sites, at least 1"),
    ],
)  # fmt: skip
def test_api_plan_settings_are_named_as_python_spells_them(unread, kwargs, expected):
    with pytest.raises(ScenarioError) as info:
        pipeline.plan(unread, **kwargs)
    text = info.value.text("en")
    assert text.startswith(f"{unread}: {expected}"), text
    assert "--" not in text
    assert list(Path.cwd().iterdir()) == []


def test_api_catchments_path_names_its_format(unread):
    s = pipeline.load_scenario(unread)
    with pytest.raises(ScenarioError) as info:
        single_steps.draw_catchments(s, path=Path("c.shp"))
    expected = "path='c.shp': a .gpkg (GeoPackage), .geojson or .json (GeoJSON) file"
    assert info.value.text("en").endswith(expected)
    assert list(Path.cwd().iterdir()) == []


def test_row_numbers_are_whole_in_the_sample_frames_and_key_tables(tmp_path):
    """The sample's demand mixes a raster (cells, no rows) and a CSV (rows, no cells); its plan
    sites mix existing facilities and file candidates: every row number stays whole."""
    s = pipeline.load_scenario(Path(__file__).resolve().parents[1] / "data/wuhan/scenario.toml")
    for key, value in [("dir", tmp_path), ("map", tmp_path / "m.html"), ("columns", "keys")]:
        s.set_output(key, value)
    s.output.excel = False
    before = pipeline.run(s)
    result = pipeline.plan(s, add=2, before=before)
    demand = before.coverage.demand
    assert {demand[c].dtype.name for c in ("row", "cell_row", "cell_col")} == {"Int64"}
    raster = demand["layer"] == "worldpop_jianghan.tif"
    assert demand.loc[raster, "row"].isna().all() and demand.loc[~raster, "row"].notna().all()
    assert result.sites["row"].dtype.name == result.proposed["row"].dtype.name == "Int64"
    table = pd.read_csv(tmp_path / "demand.csv", dtype=str, keep_default_na=False)
    for col in ("row", "cell_row", "cell_col"):
        assert table[col].str.fullmatch(r"\d*").all()  # 12, never 12.0; empty where none
    assert (table["row"] != "").sum() == (~raster).sum()
    sites = pd.read_csv(tmp_path / "plan/proposed_sites.csv", dtype=str, keep_default_na=False)
    assert sites["row"].str.fullmatch(r"\d+").all()
    info = pyogrio.read_info(tmp_path / "coverage.gpkg", layer="demand")
    kinds = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert [kinds[c] for c in ("row", "cell_row", "cell_col")] == ["int64"] * 3


def test_an_unreachable_target_names_the_keyword_argument(tmp_path):
    s = pipeline.load_scenario(Path(__file__).resolve().parents[1] / "data/wuhan/scenario.toml")
    with pytest.raises(ValueError) as info:  # a PlanError, a ValueError for scripts
        pipeline.plan(s, target=1.0, write=False)
    assert info.value.key == "error.plan.target_unreachable"
    text = info.value.text("en")
    assert "ask for 0.99" in text and text.endswith(
        "(target= or [plan] target), or add candidate sites"
    )
    assert "--" not in text and "--" not in info.value.text("zh")


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda p: single_steps.draw_catchments(p, bands=[0, 5]),
         "bands=[0, 5]: every band must be a number of minutes above 0"),
        (lambda p: single_steps.draw_catchments(p, bands="5,10"),
         "bands='5,10': every band must be a number of minutes above 0"),
        (lambda p: single_steps.draw_catchments(p, method="buffer"), "method='buffer': use grid, exact"),
        (lambda p: single_steps.draw_map(p, print_path="map.svg"),
         "print_path='map.svg': a .png or .pdf file"),
        (lambda p: single_steps.draw_map(p, print_path="map.pdf", paper="B5"),
         "paper='B5': A4 or A3"),
        (lambda p: single_steps.walk_network(p, save="edges.csv"),
         "path='edges.csv': a .parquet (GeoParquet) or .gpkg (GeoPackage) file"),
    ],
)  # fmt: skip
def test_api_drawing_settings_are_named_before_loading(unread, call, expected):
    # As the command line checks --bands and --save: at once, on the scenario's file itself.
    with pytest.raises(ScenarioError) as info:
        call(str(unread))
    assert info.value.text("en") == expected
    assert list(Path.cwd().iterdir()) == []


def test_api_plan_before_must_be_a_run(unread):
    with pytest.raises(TypeError, match="before must be a pipeline.run result \\(Run\\), not str"):
        pipeline.plan(unread, add=2, write=False, before="run")
    assert list(Path.cwd().iterdir()) == []


@pytest.mark.realdata
def test_tianditu_without_a_key_stops_only_what_draws_the_map(
    tmp_path, wuhan_edges_path, monkeypatch
):
    """basemap = "tianditu" with the key left to TIANDITU_KEY, unset here: the scenario, its
    network and a run without files need no key; a run that writes its map and `coverage map`
    stop before the work, in one line naming where the key goes (not a traceback at the map);
    --basemap osm runs it."""
    monkeypatch.delenv("TIANDITU_KEY", raising=False)
    toml = copy_small_scenario(tmp_path, wuhan_edges_path)
    text = toml.read_text(encoding="utf-8").replace(
        "[output]\n", '[output]\nbasemap = "tianditu"\n'
    )
    toml.write_text(text, encoding="utf-8")
    s = pipeline.load_scenario(toml)
    assert s.output.basemap == "tianditu"
    assert len(single_steps.walk_network(s).edges) > 0
    assert pipeline.run(s, write=False).coverage.kpis()
    said = 'basemap = "tianditu" needs a key: set [output] tianditu_key or the TIANDITU_KEY'
    for step in (lambda: pipeline.run(s), lambda: single_steps.draw_map(s)):
        with pytest.raises(ScenarioError, match=re.escape(said)) as info:
            step()
        assert str(toml) in str(info.value) and "\n" not in str(info.value)
    assert not (tmp_path / "out").exists() and not (tmp_path / "map.html").exists()
    s.set_output("basemap", "osm", label="--basemap")
    path, _ = single_steps.draw_map(s)
    assert path.is_file()


@pytest.mark.realdata
def test_a_gcj02_point_outside_china_is_one_line_of_problems_csv(small):
    """Declared GCJ-02, a point at Liège (5.57, 50.63) is outside China: said once, on its row.

    The reader (no shift there: used unchanged) and the datum check (a Chinese datum outside
    China) each wrote it, as two layer-wide lines without a row.
    """
    from coverage.datum import from_wgs84

    fac = pd.read_csv(small / "facilities.csv")
    fac["经度"], fac["纬度"] = from_wgs84(fac["经度"].to_numpy(), fac["纬度"].to_numpy(), "gcj02")
    fac.loc[len(fac)] = [*fac.iloc[1, :4], 5.57, 50.63]  # row 14 (row 1 is the header)
    fac.to_csv(small / "facilities.csv", index=False)
    toml = small / "scenario.toml"
    text = toml.read_text(encoding="utf-8")
    text = 'lang = "en"\n' + text.replace('"facilities.csv"', '"facilities.csv"\ncrs = "gcj02"')
    toml.write_text(text, encoding="utf-8")
    s = pipeline.load_scenario(toml)
    pipeline.run(s, write=True)
    problems = pd.read_csv(s.output_dir / "problems.csv", encoding="utf-8-sig")
    china = problems[problems.iloc[:, 3].str.contains("China")]
    assert china.iloc[:, :3].astype(str).values.tolist() == [["facilities.csv", "14", "经度"]]
    assert china.iloc[0, 3] == (
        "outside China although the layer is declared GCJ-02: the GCJ-02 shift is only defined "
        "in China, so its coordinates were used unchanged; check the coordinates or the "
        "declared coordinate system"
    )
