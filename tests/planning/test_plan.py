"""Candidate sites, site times and plans: hand-checked instances and the small Wuhan scenario."""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import openpyxl
import pytest
import shapely
from conftest import copy_small_scenario
from scipy import sparse

from coverage import analysis, excel, pipeline, planning, report
from coverage.errors import InputError


def test_grid_candidates_pick_the_node_nearest_each_cell_centre(hand):
    # 4 × 4 grid, 100 m blocks: nodes at 0, 100, 200, 300 m (+ origin). With 200 m cells
    # aligned on multiples of 200 m (the origin is a multiple of 200 too), every cell holds
    # 2 × 2 nodes and its centre (100, 100) + 200·(i, j) is a node itself, except that nodes at
    # 300 fall into cells whose centres (500) are beyond the grid: those pick the node nearest.
    net = hand.net(hand.grid(4, 100.0))
    g = planning.grid_candidates(net, 200.0)
    xy = np.c_[g.to_crs(net.crs).geometry.x - hand.x0, g.to_crs(net.crs).geometry.y - hand.y0]
    got = sorted(map(tuple, np.round(xy).astype(int).tolist()))
    assert got == [(100, 100), (100, 300), (300, 100), (300, 300)]
    assert (g["role"] == "candidate").all() and (g["source"] == "grid").all()


def test_grid_candidates_respect_the_area(hand):
    net = hand.net(hand.grid(4, 100.0))
    west = gpd.GeoSeries(
        [shapely.box(hand.x0 - 10, hand.y0 - 10, hand.x0 + 150, hand.y0 + 310)], crs=hand.crs
    ).to_crs(4326)
    g = planning.grid_candidates(net, 200.0, area=west.iloc[0])
    xs = np.round(g.to_crs(net.crs).geometry.x - hand.x0).astype(int)
    assert set(xs) == {100}  # only cells west of x = 150 m


def test_candidate_roles_and_bad_role(tmp_path):
    pts = gpd.GeoSeries(
        shapely.points([[114.27, 30.59], [114.28, 30.59], [114.29, 30.59]]), crs=4326
    )
    f = gpd.GeoDataFrame(
        {
            "name": ["a", "", "c"],
            "role": ["已建", None, "排除"],
            "row": [2, 3, 4],
            "layer": "c.csv",
        },
        geometry=pts.values,
        crs=4326,
    )
    out = planning.candidate_sites(f)
    assert out["role"].tolist() == ["existing", "candidate", "excluded"]
    assert out["name"].tolist()[1] == "site-2"
    f.loc[2, "role"] = "maybe"
    with pytest.raises(InputError, match=r"c.csv, row 4, field 'role': unknown role 'maybe'"):
        planning.candidate_sites(f)


def test_osm_candidates_from_an_osm_file(fixtures_dir):
    c = planning.osm_candidates(osm_file=fixtures_dir / "amenities.osm")
    assert sorted(c["name"]) == ["amenity=townhall", "江北区图书馆", "观音桥社区服务中心"]
    town = c[c["osm_tag"] == "amenity=townhall"].geometry.iloc[0]
    assert shapely.box(106.526, 29.578, 106.527, 29.579).contains(town)  # inside the building


def test_site_times_equal_the_coverage_times(hand):
    net = hand.net(hand.grid(3, 100.0))
    sites = gpd.GeoDataFrame(geometry=list(hand.pts([(0, 0), (200, 150)])), crs=hand.crs)
    dem = gpd.GeoDataFrame(
        {"weight": [1.0, 1.0, 1.0]},
        geometry=list(hand.pts([(50, 0), (200, 200), (100, 130)])),
        crs=hand.crs,
    )
    t, _ = planning.site_times(net, sites.to_crs(4326), dem.to_crs(4326), 5.0)
    cov = analysis.evaluate(net, sites.assign(tier="point"), dem, threshold_min=5.0)
    np.testing.assert_allclose(t.toarray(), cov.times.toarray())
    # By hand (1 m/s): site 0 → (50,0) 50 s; (100,130): 100 + 100 + 30 access... via (100,100)
    # is 200 s then 30 s off the street = 230 s. Site 1 at (200,150) is on the street x = 200.
    assert t[0, 0] == pytest.approx(50 / 60)
    assert t[0, 2] == pytest.approx(230 / 60)
    assert t[1, 1] == pytest.approx(50 / 60)


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
    # Without stage 1 the point stage would have to choose b (7 of 10).
    alone = planning.propose(times["point"], w, sites, model="mclp", k=1, threshold_min=10.0)
    assert alone.model.selected.tolist() == [1] and alone.after_share == pytest.approx(0.7)


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
    rows = [list(r) for r in openpyxl.load_workbook(path)["建议选址"].iter_rows(values_only=True)]
    assert rows[0] == ["排序", "名称", "新增覆盖职工数", "减少的加权步行时间（人·分钟）"]
    assert [r[2] for r in rows[1:]] == [70, 20]
    assert [r[3] for r in rows[1:]] == pytest.approx([1330, 360])


def test_within_row_limits_keeps_zeros():
    m = sparse.csr_matrix(
        (np.array([0.0, 7.0, 12.0, 3.0]), np.array([0, 1, 2, 0]), np.array([0, 3, 4])), shape=(2, 3)
    )
    out = planning.within_row_limits(m, np.array([10.0, 2.0]))
    assert out.nnz == 2 and out.indptr.tolist() == [0, 2, 2]
    assert out.data.tolist() == [0.0, 7.0]  # the explicit zero (a site on its point) survives


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
    assert stages["model"].tolist() == ["p_median", "mclp"]
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
