"""Plans: hand-checked instances and the small Wuhan scenario."""

from __future__ import annotations

import itertools
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
import shapely
from conftest import copy_small_scenario
from scipy import sparse

from coverage import excel, export_maps, pipeline, planning, report, table_words


def _brute_mclp(cover: np.ndarray, w: np.ndarray, k: int, existing: list[int], free: list[int]):
    best = -1.0
    for combo in itertools.combinations(free, k):
        open_ = existing + list(combo)
        best = max(best, float(w[cover[open_].any(axis=0)].sum()))
    return best


def test_propose_counts_existing_sites_and_reports_gains():
    rng = np.random.default_rng(3)
    n_s, n_d = 9, 30
    dense = np.where(rng.random((n_s, n_d)) < 0.25, rng.uniform(0, 20, (n_s, n_d)), np.inf)
    cost = sparse.csr_matrix(  # store only finite entries (a stored entry means reachable)
        (
            dense[np.isfinite(dense)],
            np.nonzero(np.isfinite(dense))[1],
            np.r_[0, np.cumsum(np.isfinite(dense).sum(1))],
        ),
        shape=dense.shape,
    )
    w = rng.integers(1, 10, n_d).astype(float)
    sites = gpd.GeoDataFrame(
        {"name": [f"s{i}" for i in range(n_s)],
         "role": ["existing", "existing"] + ["candidate"] * 6 + ["excluded"]},
        geometry=shapely.points(np.c_[np.arange(n_s), np.zeros(n_s)]),
        crs=4326,
    )  # fmt: skip
    plan = planning.propose(cost, w, sites, model="mclp", k=2, threshold_min=15.0, curve=True)
    cover = dense <= 15.0
    best = _brute_mclp(cover, w, 2, [0, 1], list(range(2, 8)))
    assert plan.model.objective == pytest.approx(best)
    assert plan.after_share == pytest.approx(best / w.sum())
    assert plan.before_share == pytest.approx(w[cover[[0, 1]].any(axis=0)].sum() / w.sum())
    assert 8 not in plan.model.selected and not {0, 1} & set(plan.model.selected)
    assert plan.proposed["rank"].tolist() == [1, 2]
    assert plan.proposed["cumulative_share"].iloc[-1] == pytest.approx(plan.after_share)
    assert plan.proposed["gain"].sum() == pytest.approx(best - plan.before_share * w.sum())
    # LSCP for the share this plan reached needs at most 2 sites; brute force says how many.
    lscp = planning.propose(
        cost, w, sites, model="lscp", target=plan.after_share, threshold_min=15.0
    )
    need = min(
        k for k in range(0, 3) if _brute_mclp(cover, w, k, [0, 1], list(range(2, 8))) >= best - 1e-9
    )
    assert len(lscp.model.selected) == need


@pytest.mark.parametrize("model", ["lscp", "backup"])
def test_capacity_on_a_model_without_it_is_said(model, caplog):
    """LSCP and backup coverage cannot limit what a site serves: with capacities asked for
    they planned without them, silently."""
    cost = sparse.csr_matrix(np.array([[1.0, 2.0, 0.0], [0.0, 3.0, 4.0], [5.0, 0.0, 6.0]]))
    w = np.array([4.0, 4.0, 4.0])
    sites = gpd.GeoDataFrame(
        {"name": ["a", "b", "c"], "role": "candidate"},
        geometry=shapely.points(np.c_[np.arange(3), np.zeros(3)]),
        crs=4326,
    )
    how = {"target": 1.0} if model == "lscp" else {"k": 2}
    plain = planning.propose(cost, w, sites, model=model, threshold_min=15.0, **how)
    capped = planning.propose(
        cost, w, sites, model=model, threshold_min=15.0, capacity=[1.0, 1.0, 1.0], **how
    )
    assert capped.model.selected.tolist() == plain.model.selected.tolist()
    (rec,) = [r for r in caplog.records if "capacity" in r.getMessage()]
    named = {"lscp": "Set covering", "backup": "Backup covering"}[model]
    assert rec.levelname == "WARNING" and named in rec.getMessage()


def test_staged_plan_treats_earlier_stages_as_built():
    # Sites a, b reach demand 0-1 and 2-3 in 5 min; c reaches all four in 12 min. Stage 1
    # (p-median, 20 min, unserved demand charged 2 × 20 = 40 min): a costs 5·3 + 40·7 = 295,
    # b 5·7 + 40·3 = 155, c 12·10 = 120 → c. Stage 2 (points, 10 min): the point times are cut
    # at 10 min, but c, now built as a sub-centre, keeps its own 20-min standard and already
    # covers everyone, so no point is needed.
    rows = [[0, 1], [2, 3], [0, 1, 2, 3]]
    t = [[5.0, 5.0], [5.0, 5.0], [12.0, 12.0, 12.0, 12.0]]

    def csr(limit):
        keep = [
            [(c, v) for c, v in zip(r, tt, strict=True) if v <= limit]
            for r, tt in zip(rows, t, strict=True)
        ]
        data = [v for r in keep for _, v in r]
        idx = [c for r in keep for c, _ in r]
        ptr = np.r_[0, np.cumsum([len(r) for r in keep])]
        return sparse.csr_matrix((data, idx, ptr), shape=(3, 4))

    w = np.array([1.0, 2.0, 3.0, 4.0])
    sites = gpd.GeoDataFrame(
        {"name": ["a", "b", "c"], "role": "candidate"},
        geometry=shapely.points([[0, 0], [1, 0], [2, 0]]),
        crs=4326,
    )
    times = {"subcentre": csr(20.0), "point": csr(10.0)}
    plans = planning.staged_plan(
        times, w, sites, [("subcentre", "pmedian", 1, None), ("point", "mclp", 1, None)],
        {"subcentre": 20.0, "point": 10.0},
    )  # fmt: skip
    assert plans[0].model.selected.tolist() == [2]
    # c newly covers all 10 workers; the 400 − 120 = 280 worker-minutes it saves are the
    # p-median's own currency, not workers.
    assert plans[0].proposed["gain"].tolist() == [10.0]
    assert plans[0].proposed["time_saved"].tolist() == pytest.approx([280.0])
    assert plans[0].summary()["added_weight"] == 10.0
    assert plans[1].before_share == 1.0
    assert plans[1].summary()["added_weight"] == 0.0
    assert plans[1].model.selected.tolist() == []
    # Each stage's row names its new sites' threshold, not the longest time kept for built c.
    assert [p.summary()["threshold_min"] for p in plans] == [20.0, 10.0]
    # Without stage 1 the point stage would have to choose b (7 of 10).
    alone = planning.propose(times["point"], w, sites, model="mclp", k=1, threshold_min=10.0)
    assert alone.model.selected.tolist() == [1] and alone.after_share == pytest.approx(0.7)


def test_staged_plan_reads_tier_names_as_the_command_line_does():
    # The case above with the tiers named as registers name them (分中心, 服务站点): the same
    # plan (c as the sub-centre, no point needed), reported under the tier codes.
    rows = [[0, 1], [2, 3], [0, 1, 2, 3]]
    t = [[5.0, 5.0], [5.0, 5.0], [12.0, 12.0, 12.0, 12.0]]

    def csr(limit):
        keep = [
            [(c, v) for c, v in zip(r, tt, strict=True) if v <= limit]
            for r, tt in zip(rows, t, strict=True)
        ]
        ptr = np.r_[0, np.cumsum([len(r) for r in keep])]
        return sparse.csr_matrix(
            ([v for r in keep for _, v in r], [c for r in keep for c, _ in r], ptr), shape=(3, 4)
        )

    w = np.array([1.0, 2.0, 3.0, 4.0])
    sites = gpd.GeoDataFrame(
        {"name": ["a", "b", "c"], "role": "candidate"},
        geometry=shapely.points([[0, 0], [1, 0], [2, 0]]),
        crs=4326,
    )
    plans = planning.staged_plan(
        {"分中心": csr(20.0), "point": csr(10.0)}, w, sites,
        [("subcentre", "pmedian", 1, None), ("服务站点", "mclp", 1, None)],
        {"subcentre": 20.0, "服务站点": 10.0},
    )  # fmt: skip
    assert [p.tier for p in plans] == ["subcentre", "point"]
    assert plans[0].model.selected.tolist() == [2]
    assert plans[0].proposed["tier"].tolist() == ["subcentre"]
    assert plans[1].before_share == 1.0 and plans[1].model.selected.tolist() == []
    with pytest.raises(ValueError, match=r"stages: unknown tier '服务战点'"):
        planning.staged_plan(
            {"point": csr(10.0)}, w, sites, [("服务战点", "mclp", 1, None)], {"point": 10.0}
        )
    with pytest.raises(ValueError, match=r"thresholds has no entry for the stage tier 'point'"):
        planning.staged_plan({"point": csr(10.0)}, w, sites, [("point", "mclp", 1, None)], {})


def test_propose_names_the_tier_by_its_code_and_refuses_dense_times():
    cost = sparse.csr_matrix(np.array([[5.0, 0.0], [0.0, 5.0]]))  # site 0 reaches d0, 1 d1
    sites = gpd.GeoDataFrame(
        {"name": ["a", "b"], "role": "candidate"},
        geometry=shapely.points([[0, 0], [1, 0]]),
        crs=4326,
    )
    plan = planning.propose(cost, [1.0, 3.0], sites, k=1, threshold_min=10.0, tier="驿站")
    assert plan.tier == "outdoor_station" and plan.proposed["tier"].tolist() == ["outdoor_station"]
    assert plan.proposed["name"].tolist() == ["b"]
    with pytest.raises(ValueError, match=r"tier: unknown tier '驿栈'"):
        planning.propose(cost, [1.0, 3.0], sites, k=1, tier="驿栈")
    # As a dense array the absent pairs would be times of 0: everybody reached by every site.
    with pytest.raises(TypeError, match="times must be a scipy sparse matrix"):
        planning.propose(cost.toarray(), [1.0, 3.0], sites, k=1)


# Workers newly covered, for a p-median plan, by hand. Demand d0..d3 weighs 10, 20, 30, 40
# (100 in all); threshold 10 min, so unserved demand is charged 2 × 10 = 20 min. Times (min):
#
#   site          d0   d1   d2   d3
#   E (existing)   4    —    —    —
#   A              1    8    —    —
#   B              —    —    1    1
#   C              —    2    9    9
#
# Before: 10·4 + (20 + 30 + 40)·20 = 1840 worker-minutes, 10 workers covered.
# One site: A 10·1 + 20·8 + 70·20 = 1570, B 40 + 400 + 30 + 40 = 510, C 40 + 40 + 270 + 360 = 710,
# so p-median opens B: it saves 1840 − 510 = 1330 worker-minutes and newly covers d2 + d3 = 70.
# Two sites: {B, C} 40 + 40 + 30 + 40 = 150 beats {A, B} 240 and {A, C} 680; greedy by time
# saved takes B, then C (saves 510 − 150 = 360, newly covers d1 = 20): 90 workers added.
PMEDIAN_TIMES = {0: {0: 4.0}, 1: {0: 1.0, 1: 8.0}, 2: {2: 1.0, 3: 1.0}, 3: {1: 2.0, 2: 9.0, 3: 9.0}}


def _pmedian_case():
    r = [i for i, row in PMEDIAN_TIMES.items() for _ in row]
    c = [j for row in PMEDIAN_TIMES.values() for j in row]
    t = [v for row in PMEDIAN_TIMES.values() for v in row.values()]
    cost = sparse.csr_matrix((t, (r, c)), shape=(4, 4))
    sites = gpd.GeoDataFrame(
        {"name": ["E", "A", "B", "C"], "role": ["existing", "candidate", "candidate", "candidate"]},
        geometry=shapely.points([[0, 0], [1, 0], [2, 0], [3, 0]]),
        crs=4326,
    )
    return cost, np.array([10.0, 20.0, 30.0, 40.0]), sites


@pytest.mark.parametrize("method", ["milp", "greedy"])
def test_pmedian_gain_is_workers_newly_covered(method):
    cost, w, sites = _pmedian_case()
    one = planning.propose(cost, w, sites, model="pmedian", k=1, threshold_min=10.0, method=method)
    assert one.proposed["name"].tolist() == ["B"]
    assert one.model.objective == pytest.approx(510.0)
    assert one.proposed["gain"].tolist() == [70.0]
    assert one.proposed["time_saved"].tolist() == pytest.approx([1330.0])
    assert one.before_share == pytest.approx(0.1) and one.after_share == pytest.approx(0.8)
    assert one.proposed["cumulative_share"].tolist() == pytest.approx([0.8])
    row = one.summary()
    assert row["added_weight"] == 70.0 <= row["total_weight"] == 100.0
    assert row["covered_weight"] == 80.0 and row["covered_share"] == pytest.approx(0.8)
    assert row["objective"] == pytest.approx(510.0)

    two = planning.propose(cost, w, sites, model="pmedian", k=2, threshold_min=10.0, method=method)
    assert two.proposed["name"].tolist() == ["B", "C"]
    assert two.model.objective == pytest.approx(150.0)
    assert two.proposed["gain"].tolist() == [70.0, 20.0]
    assert two.proposed["time_saved"].tolist() == pytest.approx([1330.0, 360.0])
    assert two.proposed["cumulative_share"].tolist() == pytest.approx([0.8, 1.0])
    assert two.summary()["added_weight"] == 90.0 and two.after_share == 1.0


def test_mclp_gain_on_the_pmedian_case():
    # MCLP with one site opens C instead: it covers d1, d2, d3 (90 workers; B only 70).
    cost, w, sites = _pmedian_case()
    plan = planning.propose(cost, w, sites, model="mclp", k=1, threshold_min=10.0)
    assert plan.proposed["name"].tolist() == ["C"]
    assert plan.proposed["gain"].tolist() == [90.0]
    assert "time_saved" not in plan.proposed
    assert plan.summary()["added_weight"] == 90.0


def test_plan_workbook_names_each_gain(tmp_path):
    cost, w, sites = _pmedian_case()
    plan = planning.propose(cost, w, sites, model="pmedian", k=2, threshold_min=10.0)
    table = plan.proposed.drop(columns="geometry")[["rank", "name", "gain", "time_saved"]]
    path = excel.write_workbook(tmp_path / "p.xlsx", {"proposed": table})
    rows = [
        list(r) for r in openpyxl.load_workbook(path)["建议新增站点"].iter_rows(values_only=True)
    ]
    assert rows[0] == ["排序", "名称", "新增覆盖人数", "减少的加权步行时间（人·分钟）"]
    assert [r[2] for r in rows[1:]] == [70, 20]
    assert [r[3] for r in rows[1:]] == pytest.approx([1330, 360])


def test_mclp_that_covers_everyone_proposes_the_fewest_sites():
    """A = {0,1,2}, B = {3,4,5}, M = {1,2,4,5}: with k = 3 greedy takes M, A, B (each adds
    someone), but A and B alone cover everyone; the plan proposes those two."""
    rows = {0: [0, 1, 2], 1: [3, 4, 5], 2: [1, 2, 4, 5]}
    r = [i for i, cols in rows.items() for _ in cols]
    c = [j for cols in rows.values() for j in cols]
    cost = sparse.csr_matrix((np.full(len(r), 5.0), (r, c)), shape=(3, 6))
    sites = gpd.GeoDataFrame(
        {"name": ["A", "B", "M"], "role": "candidate"},
        geometry=shapely.points([[0, 0], [1, 0], [2, 0]]),
        crs=4326,
    )
    plan = planning.propose(cost, np.ones(6), sites, model="mclp", k=3, threshold_min=15.0)
    assert sorted(plan.proposed["name"]) == ["A", "B"]
    assert plan.after_share == 1.0
    assert plan.info["mclp_sites"] == 3 and "2 suffice" in plan.info["note"]


@pytest.mark.realdata
def test_staged_plan_gains_are_workers_covered_on_wuhan(tmp_path, wuhan_edges_path):
    """Sub-centres by p-median, then points: each site's gain is the workers it newly covers,
    as an independent evaluation of the run with the proposed sites added counts them."""
    extra = "\n[plan]\ngrid_spacing_m = 200\nstage_add = { subcentre = 2, point = 3 }\n"
    toml = copy_small_scenario(tmp_path, wuhan_edges_path, extra=extra)
    result = pipeline.plan(toml, staged=True, write=False)
    stages = result.stages()
    assert stages["model"].tolist() == ["pmedian", "mclp"]
    total = float(result.before.coverage.demand["weight"].sum())
    after = report.after_plan(result.before, result, catchments=False)
    prop = result.proposed
    assert prop["gain"].to_numpy() == pytest.approx(after.sites["added"].to_numpy())
    assert (prop["gain"] >= 0).all() and stages["added_weight"].sum() <= total
    pm = prop[prop["tier"] == "subcentre"]
    assert stages.loc[0, "added_weight"] == pytest.approx(pm["gain"].sum())
    assert stages.loc[0, "added_weight"] == pytest.approx(
        (stages.loc[0, "after_share"] - stages.loc[0, "before_share"]) * total
    )
    assert pm["time_saved"].notna().all()  # the p-median's own gain, in its own column
    assert prop["cumulative_share"].iloc[-1] == pytest.approx(stages.loc[1, "after_share"])


# --- coverage after the plan: one computation -----------------------------------------------


def test_after_coverage_by_hand():
    # Demand d0..d3 weighs 1, 2, 4, 8 (15 in all); d0 is covered before (by one site). Site X
    # covers d0 and d1, site Y d1 and d2, site Z d0 again. In that order X adds d1 (2 workers),
    # Y adds d2 (4; d1 is covered already), Z adds nobody; d3 stays uncovered.
    covered_before = np.array([True, False, False, False])
    n_reach_before = np.array([1, 0, 0, 0])
    after = planning.after_coverage(
        [np.array([0, 1]), np.array([1, 2]), np.array([0])],
        np.array([1.0, 2.0, 4.0, 8.0]),
        covered_before,
        n_reach_before,
    )
    assert after.gains.tolist() == [2.0, 4.0, 0.0]
    assert after.curve["k"].tolist() == [0, 1, 2, 3]
    assert after.curve["gain"].tolist() == [0.0, 2.0, 4.0, 0.0]
    assert after.curve["covered_weight"].tolist() == [1.0, 3.0, 7.0, 7.0]
    assert after.curve["covered_share"].tolist() == pytest.approx([1 / 15, 3 / 15, 7 / 15, 7 / 15])
    assert after.covered.tolist() == [True, True, True, False]
    assert after.n_reach.tolist() == [3, 2, 1, 0]  # d0: before, X and Z; d1: X and Y
    assert (after.k, after.before_weight, after.after_weight, after.added_weight) == (3, 1, 7, 6)
    assert after.before_share == pytest.approx(1 / 15) and after.after_share == pytest.approx(
        7 / 15
    )
    assert covered_before.tolist() == [True, False, False, False]  # inputs left as they were
    assert n_reach_before.tolist() == [1, 0, 0, 0]
    # No new site, no weight: the curve is the "before" point, shares undefined.
    none = planning.after_coverage([], np.zeros(2), np.array([False, True]))
    assert none.curve["covered_weight"].tolist() == [0.0] and np.isnan(none.after_share)
    assert none.n_reach.tolist() == [0, 1]


def test_pmedian_plan_has_the_covered_share_curve():
    # The p-median case above: E covers d0 (10 of 100) before; B then C add 70 and 20.
    cost, w, sites = _pmedian_case()
    two = planning.propose(cost, w, sites, model="pmedian", k=2, threshold_min=10.0)
    assert two.curve["site"].tolist() == [-1, 2, 3]  # rows of B and C
    assert two.curve["covered_weight"].tolist() == [10.0, 80.0, 100.0]
    assert two.curve["covered_share"].tolist() == pytest.approx([0.1, 0.8, 1.0])
    assert planning.propose(cost, w, sites, model="pmedian", k=2, curve=False).curve is None


# One straight street x = 0 … 1000 m, walked at 1 m/s, threshold 3 min (180 m). The existing
# service point F is at x = 0; candidates E, A, B at x = 300, 500, 800.
#
#   demand  x     w    within 180 m of
#   d0      100   10   F
#   d1      400   20   E, A
#   d2      600   30   A          (B is 200 m away)
#   d3      900   40   B
#
# Before: 10 of 100 workers. Two new sites: {A, B} cover everyone ({A, E} 60, {B, E} 70); A
# first (it adds 50, B 40, E 20), then B: the curve is 10, 60, 100 workers (10 %, 60 %, 100 %).
def _street_scenario(tmp_path, hand, roles: list[str] | None = None) -> Path:
    lines = [(i, i + 1, [(100 * i, 0), (100 * (i + 1), 0)], "residential") for i in range(10)]
    hand.table(lines).to_parquet(tmp_path / "streets.parquet")

    def layer(file: str, xs: list[float], **cols) -> None:
        lonlat = np.asarray(hand.pts([(x, 0) for x in xs]).to_crs(4326).get_coordinates())
        frame = pd.DataFrame(lonlat, columns=["lon", "lat"]).assign(**cols)
        frame.to_csv(tmp_path / file, index=False, float_format="%.9f")

    layer("fac.csv", [0], name=["F"], tier=["point"])
    layer("dem.csv", [100, 400, 600, 900], workers=[10.0, 20.0, 30.0, 40.0])
    roles = roles or ["candidate"] * 3
    layer("cand.csv", [300, 500, 800], name=["E", "A", "B"], role=roles)
    path = tmp_path / "scenario.toml"
    path.write_text(
        f"""name = "street"
[network]
path = "streets.parquet"
[walk]
speed_kmh = 3.6
threshold_min = 3
bands_min = [3]
[[facilities]]
path = "fac.csv"
[[demand]]
path = "dem.csv"
weight = "workers"
[[candidates]]
path = "cand.csv"
[output]
dir = "{(tmp_path / "out").as_posix()}"
map = "{(tmp_path / "map.html").as_posix()}"
excel = false
columns = "keys"
""",
        encoding="utf-8",
    )
    return path


def test_plan_files_report_and_map_show_one_curve(tmp_path, hand, monkeypatch):
    shown: list[dict] = []
    draw = export_maps.coverage_map

    def spy(run, **kw):
        shown.append(dict(kw["kpis"]))
        return draw(run, **kw)

    monkeypatch.setattr(export_maps, "coverage_map", spy)  # the plan map's writer draws with it
    result = pipeline.plan(_street_scenario(tmp_path, hand), add=2)
    assert result.proposed["name"].tolist() == ["A", "B"]
    weight, share = [10.0, 60.0, 100.0], [0.1, 0.6, 1.0]
    # The plan's curve file.
    csv = pd.read_csv(result.files["curve_csv"], encoding="utf-8-sig", keep_default_na=False)
    assert csv["k"].tolist() == [0, 1, 2]
    assert csv["covered_weight"].tolist() == weight
    assert csv["covered_share"].tolist() == pytest.approx(share)
    assert csv["gain"].tolist() == [0.0, 50.0, 40.0]
    assert csv["name"].tolist() == ["", "A", "B"] and csv["tier"].tolist() == ["", "point", "point"]
    # The plan's own stage figures and the proposed sites.
    assert result.plans[0].before_share == pytest.approx(0.1)
    assert result.plans[0].after_share == pytest.approx(1.0)
    assert result.proposed["gain"].tolist() == [50.0, 40.0]
    assert result.proposed["cumulative_share"].tolist() == pytest.approx([0.6, 1.0])
    # The report's curve and per-site additions.
    after = report.after_plan(result.before, result, catchments=False)
    assert after.curve["covered_weight"].tolist() == weight
    assert after.curve["covered_share"].tolist() == pytest.approx(share)
    assert after.sites["added"].tolist() == [50.0, 40.0]
    assert after.covered.tolist() == [True, True, True, True]
    assert after.n_reach.tolist() == [1, 1, 1, 1]
    # The plan map's before/after figures.
    assert shown[-1]["share_before_plan"] == pytest.approx(0.1)
    assert shown[-1]["share_after_plan"] == pytest.approx(1.0)
    assert shown[-1]["share_any"] == pytest.approx(0.1)  # the run's headline share
    png = result.files["curve_png"].read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


# The same street with E already built (role "existing" in the candidate file): before the
# plan F and E cover d0 and d1, 30 of 100 workers. B adds d3 (40), then A adds d2 (30): the
# curve is 30, 70, 100 workers, while the run (facilities only) still says 10.
def test_existing_candidates_count_before_the_plan_in_every_output(tmp_path, hand, monkeypatch):
    shown: list[dict] = []
    draw = export_maps.coverage_map

    def spy(run, **kw):
        shown.append(dict(kw["kpis"]))
        return draw(run, **kw)

    monkeypatch.setattr(export_maps, "coverage_map", spy)
    roles = ["existing", "candidate", "candidate"]
    result = pipeline.plan(_street_scenario(tmp_path, hand, roles), add=2)
    assert result.proposed["name"].tolist() == ["B", "A"]
    assert result.proposed["gain"].tolist() == [40.0, 30.0]
    assert result.plans[0].before_share == pytest.approx(0.3)
    weight = [30.0, 70.0, 100.0]
    csv = pd.read_csv(result.files["curve_csv"], encoding="utf-8-sig", keep_default_na=False)
    assert csv["covered_weight"].tolist() == weight
    assert csv["gain"].tolist() == [0.0, 40.0, 30.0]
    after = report.after_plan(result.before, result, catchments=False)
    assert after.curve["covered_weight"].tolist() == weight
    assert after.sites["added"].tolist() == [40.0, 30.0]
    assert after.n_reach.tolist() == [1, 2, 1, 1]  # d1: E and A
    assert shown[-1]["share_before_plan"] == pytest.approx(0.3)
    assert shown[-1]["share_after_plan"] == pytest.approx(1.0)
    assert shown[-1]["share_any"] == pytest.approx(0.1)  # the run: facilities only


def test_stage_status_says_optimal_only_when_proven(tmp_path):
    # MCLP k = 1 on the p-median case: C (90 of the 100 workers with E) is proven optimal.
    cost, w, sites = _pmedian_case()
    plan = planning.propose(cost, w, sites, model="mclp", k=1, threshold_min=10.0)
    row = plan.summary()
    assert (row["status"], row["gap"], row["method"]) == ("optimal", 0.0, plan.model.method)
    # Stopped within the requested gap (HiGHS's "optimal", or greedy proven close enough):
    # the stage table says so rather than "optimal".
    plan.model.gap = 0.0016
    assert plan.summary()["status"] == "within_gap" and plan.model.status == "optimal"
    assert table_words.cell_word("status", "within_gap", "zh") == "达到最优性差距要求"
    assert table_words.cell_word("status", "within_gap", "en") == "Within requested gap"
    plan.model.gap = 1e-9  # a gap no table shows: optimal
    assert plan.summary()["status"] == "optimal"
    # the same word for a model solved outside a plan (the notebook's backup coverage)
    assert planning.shown_status("optimal", 0.008) == "within_gap"
    assert planning.shown_status("optimal", 1e-9) == "optimal"
    assert planning.shown_status("time_limit", 0.09) == "time_limit"
    plan.model.status, plan.model.gap = "time_limit", 0.03
    assert plan.summary()["status"] == "time_limit"


NO_PLAN_EN = (
    "no plan found within the time limit (0 s): no site is proposed; raise the time limit "
    "([plan] time_limit_s / --time-limit)"
)


@pytest.mark.parametrize(
    ("model", "cls", "ask"),
    [("pmedian", "PMedian", {"k": 2}), ("backup", "BackupCoverage", {"k": 2}),
     ("lscp", "LSCP", {"target": 0.9})],
)  # fmt: skip
def test_a_stage_that_finds_no_plan_in_its_time_limit_says_so(model, cls, ask, monkeypatch):
    """HiGHS stopped at a time limit of 0 s before any plan (no warm start: as when it has
    none to start from). The stage must not read "time limit reached" beside no site and a
    NaN objective, nor "0 of the 2 sites asked for already reach everyone": it found no plan."""
    import functools

    from coverage import console, siting
    from coverage.i18n.values import stage_note

    klass = getattr(siting, cls)
    monkeypatch.setattr(klass, "solve", functools.partialmethod(klass.solve, warm_start=False))
    cost, w, sites = _pmedian_case()
    plan = planning.propose(cost, w, sites, model=model, threshold_min=10.0, time_limit=0.0, **ask)
    plan.info["requested"] = ask.get("k", np.nan)  # as staged_plan records it
    assert plan.model.status == "time_limit" and np.isnan(plan.model.objective)
    assert len(plan.proposed) == 0 and plan.after_share == plan.before_share
    row = plan.summary()
    assert (row["status"], row["time_limit_s"], row["note"]) == ("no_plan", 0.0, NO_PLAN_EN)
    stages = pd.DataFrame([row])
    markup = NO_PLAN_EN.replace("[plan]", "\\[plan]")  # rich markup: the bracket as text
    assert console.stage_notes(stages, "en") == [f"[yellow]Service point: {markup}.[/]"]
    zh = "在时间上限（0 秒）内未找到方案，未建议任何站点；请调高时间上限（[plan] time_limit_s / --time-limit）"
    assert stage_note(row, "zh") == zh
    for lang, status in (("zh", "时间上限内未找到方案"), ("en", "No plan within the time limit")):
        cells = table_words.localize(stages, lang).iloc[0]
        assert cells[table_words.header("status", lang)] == status
        assert cells[table_words.header("note", lang)] == stage_note(row, lang)


def test_greedy_with_more_sites_than_needed_says_how_many_and_why():
    """By hand, on the p-median case within 10 minutes: E (built) covers d0 (10 workers); C
    covers d1, d2, d3 (90), so after C every worker any site reaches is covered, and A (d0, d1)
    and B (d2, d3) add nobody. Greedy asked for 3 sites proposes C alone, and the stage's
    note (table, workbook, console) says 1 of the 3 and why."""
    from coverage import console

    cost, w, sites = _pmedian_case()
    sites = sites.assign(name=["E", "A", "B", "C"])
    (plan,) = planning.staged_plan(
        {"point": cost}, w, sites, [("point", "mclp", 3, None)], {"point": 10.0}, method="greedy"
    )
    assert plan.proposed["name"].tolist() == ["C"] and plan.after_share == 1.0
    row = plan.summary()
    why = (
        "1 of the 3 sites asked for already reach everyone any candidate site can reach; "
        "more would add nobody"
    )
    assert row["note"] == why and row["requested"] == 3
    stages = pd.DataFrame([row])
    cells = table_words.localize(stages, "zh").iloc[0]
    assert (
        cells["说明"]
        == "要求 3 处，选出的 1 处已能覆盖任一候选点所能覆盖的全部人员；再多也不会新增覆盖"
    )
    assert cells["要求新增站点数"] == 3
    assert console.stage_notes(stages, "en") == [f"[yellow]Service point: {why}.[/]"]


@pytest.mark.parametrize("method", ["milp", "greedy"])
def test_a_capacitated_plan_proposes_no_site_that_adds_nothing(method):
    """By hand, the p-median case within 10 minutes, each new site able to serve 100 workers:
    E (built, no limit) serves d0 (10); C reaches and can serve d1, d2, d3 (90). After C every
    worker is covered and served: A and B would add nobody. The MILP opened all 3 sites asked
    for (A and B idle); the plan proposes C alone and says 1 of the 3, and why."""
    cost, w, sites = _pmedian_case()
    capacity = np.array([np.nan, 100.0, 100.0, 100.0])
    (plan,) = planning.staged_plan(
        {"point": cost}, w, sites, [("point", "mclp", 3, None)], {"point": 10.0},
        method=method, capacity=capacity,
    )  # fmt: skip
    assert plan.proposed["name"].tolist() == ["C"]
    assert plan.proposed["gain"].tolist() == [90.0] and plan.after_share == 1.0
    row = plan.summary()
    assert row["served_share"] == 1.0 and row["n_selected"] == 1 and row["requested"] == 3
    assert row["note"].startswith("1 of the 3 sites asked for already reach everyone")


def _capacitated_mclp(k: int, time_limit: float) -> planning.Plan:
    """MCLP on the p-median case (by hand above), each new site able to serve 100 workers."""
    cost, w, sites = _pmedian_case()
    capacity = np.array([np.nan, 100.0, 100.0, 100.0])
    return planning.propose(
        cost, w, sites, model="mclp", k=k, threshold_min=10.0, capacity=capacity,
        time_limit=time_limit,
    )  # fmt: skip


def test_a_capacitated_milp_with_no_plan_in_time_says_greedys_stands(monkeypatch):
    """A time limit of 1 ns and no warm start: the capacitated MILP finds no plan and greedy's
    is proposed (C, by hand as above); the stage says so and how to look for a better one, not
    just "greedy solution" beside the MILP it asked for."""
    import functools

    from coverage import siting
    from coverage.i18n.values import stage_note

    solve = functools.partialmethod(siting.MCLP.solve, warm_start=False)
    monkeypatch.setattr(siting.MCLP, "solve", solve)

    plan = _capacitated_mclp(k=1, time_limit=1e-9)
    assert plan.proposed["name"].tolist() == ["C"]
    row = plan.summary()
    assert (row["status"], row["method"], row["time_limit_s"]) == ("greedy", "milp", 1e-9)
    assert row["note"] == (
        "the MILP found no plan within the time limit (1e-09 s), so the greedy plan is "
        "proposed; raise the time limit for a better one ([plan] time_limit_s / --time-limit)"
    )
    assert stage_note(row, "zh").startswith(
        "混合整数规划在时间上限（1e-09 秒）内未找到方案，故建议贪心解"
    )


def test_a_resolved_capacitated_stage_says_the_time_limit_of_the_plan_it_proposes(monkeypatch):
    """The capacitated plan opened A and B for nobody (by hand above) and is solved again with
    C alone; when that solve is the one whose MILP found no plan in its 30 s (greedy's stands),
    its note must say the 30 s it had, not "–": the time limit is recorded for the plan
    proposed, not only for the first solve."""
    from coverage.planning import plan as plan_module

    resolve = plan_module._without_idle

    def greedy_on_resolve(m, *args):
        fewer = resolve(m, *args)
        assert fewer is not m  # solved again with C alone
        fewer.status, fewer.method = "greedy", "milp"  # as when that MILP found no plan
        return fewer

    monkeypatch.setattr(plan_module, "_without_idle", greedy_on_resolve)
    plan = _capacitated_mclp(k=3, time_limit=30.0)
    assert plan.proposed["name"].tolist() == ["C"]
    row = plan.summary()
    assert (row["status"], row["method"], row["time_limit_s"]) == ("greedy", "milp", 30.0)
    assert row["note"].startswith("the MILP found no plan within the time limit (30 s)")


def test_a_plan_solved_again_shares_the_stages_time_limit(monkeypatch):
    """The capacitated plan opened A and B for nobody (by hand above) and is solved again with
    C alone: that solve gets what is left of the stage's 30 s, not 30 s more (a planner's limit
    bounds the stage); with no time left, a tenth of it (not none: the plan would keep sites
    that add nobody)."""
    from coverage.planning import plan as plan_module

    limits: list[float] = []
    build = plan_module.build_model

    def recording(model, inputs):
        built = build(model, inputs)
        solve = built.solve

        def timed(method, **kw):
            limits.append(kw["time_limit"])
            return solve(method, **kw)

        built.solve = timed
        return built

    monkeypatch.setattr(plan_module, "build_model", recording)
    plan = _capacitated_mclp(k=3, time_limit=30.0)
    assert plan.proposed["name"].tolist() == ["C"]
    assert len(limits) == 2 and limits[0] == 30.0 and 0 < limits[1] < 30.0
    import time

    past = time.perf_counter() - 2.0  # the first solve used all of its 1 s: a tenth of it
    assert plan_module._rest({"time_limit": 1.0}, started=past) == {"time_limit": 0.1}
    assert plan_module._rest({"time_limit": None}, started=0.0) == {"time_limit": None}
