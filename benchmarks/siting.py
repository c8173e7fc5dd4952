"""Siting (MCLP, LSCP) on the sample scenario: ours (sparse, HiGHS) vs spopt (dense, PuLP/CBC).

Instance: every demand point of the Wuhan sample (weights from the scenario); sites = the
scenario's facilities (role ``existing``) + its candidate file + a 100 m node grid
(``planning.grid_candidates``); cost = ``planning.site_times`` within 15 min.

Full size: ours only (spopt builds a dense PuLP model term by term, see RESULTS.md), with and
without the existing facilities, for the issue's k = 300 and for a binding k. Reduced size
(random demand and candidate subsets, fixed seed): ours vs spopt on the same dense matrix,
spopt solved with its documented solver ``pulp.PULP_CBC_CMD(msg=False)`` (600 s limit). The
objective is the covered weight, recomputed here from each model's chosen sites.

Run: ``python benchmarks/siting.py`` (``--quick``: a small reduced instance, no full size).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time

import numpy as np
from scipy import sparse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import load_sample, table, timed, versions  # noqa: E402

from coverage import planning, siting  # noqa: E402

THRESHOLD = 15.0
UNREACHABLE = 999.0


def instance():
    """Sparse site × demand minutes, weights, site roles (existing/candidate/excluded)."""
    import geopandas as gpd
    import pandas as pd

    s, area, net, layers, _ = load_sample()
    fac = layers.facilities
    existing = gpd.GeoDataFrame(
        {"name": fac["name"].to_numpy(), "role": "existing", "source": "facility"},
        geometry=fac.geometry.values,
        crs=4326,
    )
    cands = planning.candidate_sites(layers.candidates, net=net, grid_spacing_m=100, area=area)
    sites = gpd.GeoDataFrame(
        pd.concat([existing, cands], ignore_index=True), geometry="geometry", crs=4326
    )
    t = time.perf_counter()
    cost, _ = planning.site_times(
        net, sites, layers.demand, THRESHOLD, max_snap_m=s.walk.max_snap_m,
        include_access=s.walk.include_access,
    )  # fmt: skip
    t_cost = time.perf_counter() - t
    w = layers.demand["weight"].to_numpy(dtype=float)
    return cost.tocsr(), w, sites["role"].to_numpy(), sites["source"].to_numpy(), t_cost


def covered_weight(cost: sparse.csr_matrix, w: np.ndarray, open_rows: np.ndarray) -> float:
    """Weight of demand within the threshold of any open site (stored entry = reachable)."""
    sub = cost[np.asarray(open_rows, dtype=np.int64)]
    hit = np.zeros(cost.shape[1], dtype=bool)
    hit[sub.indices[sub.data <= THRESHOLD + 1e-9]] = True
    return float(w[hit].sum())


def ours_mclp(cost, w, k, existing, excluded, method, time_limit=300.0):
    m = siting.MCLP.from_cost_matrix(
        cost, w, k, threshold=THRESHOLD, existing=existing, excluded=excluded
    )
    return m.solve(method, time_limit=time_limit, mip_rel_gap=0.005)


def dense_for_spopt(cost: sparse.csr_matrix) -> np.ndarray:
    """spopt's layout: demand × sites, unreachable = 999 (> the 15 min radius)."""
    d = np.full((cost.shape[1], cost.shape[0]), UNREACHABLE)
    coo = cost.tocoo()
    d[coo.col, coo.row] = coo.data
    return d


def spopt_solver(time_limit: float):
    import pulp

    return pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit)


def spopt_mclp(dense, w, p, time_limit):
    import pulp
    from spopt.locate import MCLP

    gc.collect()
    t = time.perf_counter()
    m = MCLP.from_cost_matrix(dense, w, service_radius=THRESHOLD, p_facilities=p)
    build = time.perf_counter() - t
    t = time.perf_counter()
    m.solve(spopt_solver(time_limit))
    solve = time.perf_counter() - t
    chosen = np.array([j for j, x in enumerate(m.fac_vars) if (x.value() or 0) > 0.5], dtype=int)
    status = pulp.LpStatus[m.problem.status]
    return chosen, build, solve, status


def spopt_lscp(dense, time_limit):
    import pulp
    from spopt.locate import LSCP

    gc.collect()
    t = time.perf_counter()
    m = LSCP.from_cost_matrix(dense, service_radius=THRESHOLD)
    build = time.perf_counter() - t
    t = time.perf_counter()
    m.solve(spopt_solver(time_limit))
    solve = time.perf_counter() - t
    chosen = np.array([j for j, x in enumerate(m.fac_vars) if (x.value() or 0) > 0.5], dtype=int)
    return chosen, build, solve, pulp.LpStatus[m.problem.status]


def fmt_w(x: float) -> str:
    return f"{x:,.1f}"


def model_row(label, m, wall, total_w):
    return [
        label, fmt_w(m.covered_weight), f"{m.covered_weight / total_w:.4%}", len(m.selected),
        m.status, f"{m.gap:.4%}", f"{m.build_time:.2f}", f"{m.solve_time:.2f}", f"{wall:.2f}",
    ]  # fmt: skip


HEAD = ["run", "covered weight", "share", "new sites", "status", "proven gap", "build s",
        "solve s", "wall s"]  # fmt: skip


def full_size(cost, w, role, args) -> None:
    existing = np.flatnonzero(role == "existing")
    excluded = np.flatnonzero(role == "excluded")
    total = float(w.sum())
    rows = []
    # MILP without existing sites runs for minutes on this instance (see RESULTS.md), so it is
    # opt-in (--full-milp) to keep the default run under ~10 minutes.
    runs = [
        (f"existing=190, k={args.k}", existing, args.k, 2),
        (f"no existing, k={args.k}", None, args.k, 1 if args.full_milp else 0),
        (f"no existing, k={args.k_hard} (binding)", None, args.k_hard, 1 if args.full_milp else 0),
    ]
    for label, ex, k, rep in runs:
        g = timed(lambda ex=ex, k=k: ours_mclp(cost, w, k, ex, excluded, "greedy"), 2)
        rows.append(model_row(f"{label}: greedy", g.result, g.best, total))
        if rep == 0:
            print(f"  done: {label} (greedy only; --full-milp for the MILP)", flush=True)
            continue
        m = timed(
            lambda ex=ex, k=k: ours_mclp(cost, w, k, ex, excluded, "milp", args.time_limit), rep
        )
        rows.append(model_row(f"{label}: milp", m.result, m.best, total))
        print(f"  done: {label} (milp runs {', '.join(f'{x:.1f}' for x in m.runs)} s)", flush=True)
    print(table(rows, HEAD))
    print(
        "build s / solve s: the model's own build_time (aggregation + greedy warm start) and "
        "HiGHS time; wall s: from_cost_matrix + solve, best of the runs shown above."
    )


def reduced(cost, w, role, args) -> None:
    rng = np.random.default_rng(args.seed)
    free = np.flatnonzero(role == "candidate")
    sites = np.sort(rng.choice(free, size=min(args.sites, len(free)), replace=False))
    dem = np.sort(rng.choice(cost.shape[1], size=min(args.demand, cost.shape[1]), replace=False))
    c = cost[sites][:, dem].tocsr()
    wr = w[dem]
    total = float(wr.sum())
    k = args.k_reduced
    print(
        f"\n## Reduced instance: {len(dem)} demand points × {len(sites)} candidate sites "
        f"(random, seed {args.seed}), no existing facilities, k = {k}, {c.nnz:,} reachable "
        f"pairs ({c.nnz / (c.shape[0] * c.shape[1]):.1%} dense)\n"
    )
    t = time.perf_counter()
    dense = dense_for_spopt(c)
    t_dense = time.perf_counter() - t

    rep = 2
    og = timed(lambda: ours_mclp(c, wr, k, None, None, "greedy"), rep)
    om = timed(lambda: ours_mclp(c, wr, k, None, None, "milp"), rep)
    sp_chosen, sp_build, sp_solve, sp_status = spopt_mclp(dense, wr, k, args.spopt_time_limit)
    sp_w = covered_weight(c, wr, sp_chosen)
    ours_w = covered_weight(c, wr, om.result.selected)
    assert abs(ours_w - om.result.covered_weight) < 1e-6 * max(total, 1)
    sp_wall = sp_build + sp_solve
    rows = [
        ["ours milp (HiGHS)", fmt_w(ours_w), f"{ours_w / sp_w:.4f}", f"{om.result.build_time:.2f}",
         f"{om.result.solve_time:.2f}", f"{om.best:.2f}", f"{sp_wall / om.best:.1f}×",
         f"{om.result.gap:.4%} ({om.result.status})"],
        ["ours greedy", fmt_w(og.result.covered_weight), f"{og.result.covered_weight / sp_w:.4f}",
         f"{og.result.build_time:.2f}", f"{og.result.solve_time:.2f}", f"{og.best:.2f}",
         f"{sp_wall / og.best:.1f}×", f"{og.result.gap:.4%} (greedy bound)"],
        ["spopt MCLP + CBC", fmt_w(sp_w), "1.0000", f"{sp_build:.2f}", f"{sp_solve:.2f}",
         f"{sp_wall:.2f}", "1.0×", f"- ({sp_status}, {len(sp_chosen)} sites)"],
    ]  # fmt: skip
    print(table(rows, ["MCLP", "covered weight", "÷ spopt", "build s", "solve s", "wall s",
                       "speed-up", "proven gap"]))  # fmt: skip
    ok_obj = ours_w >= sp_w - 1e-6 * total
    speed = sp_wall / om.best
    print(
        f"(dense matrix for spopt: {t_dense:.2f} s, not counted; spopt run once.) Targets: "
        f"objective ≥ spopt {'MET' if ok_obj else 'NOT MET'}; ≥ 10× faster end to end "
        f"{'MET' if speed >= 10 else 'NOT MET'} ({speed:.1f}×); proven gap ≤ 0.5% "
        f"{'MET' if om.result.gap <= 0.005 + 1e-12 else 'NOT MET'} ({om.result.gap:.4%})."
    )

    # LSCP: spopt covers every demand point, so keep only the coverable ones for both.
    coverable = np.zeros(c.shape[1], dtype=bool)
    coverable[c.indices] = True
    cc = c[:, np.flatnonzero(coverable)].tocsr()
    wc = wr[coverable]
    dense_c = dense[coverable]
    ol = timed(
        lambda: siting.LSCP.from_cost_matrix(cc, wc, 1.0, threshold=THRESHOLD).solve(
            "milp", time_limit=300, mip_rel_gap=0.005
        ),
        rep,
    )
    olg = timed(
        lambda: siting.LSCP.from_cost_matrix(cc, wc, 1.0, threshold=THRESHOLD).solve("greedy"), rep
    )
    sl_chosen, sl_build, sl_solve, sl_status = spopt_lscp(dense_c, args.spopt_time_limit)
    sl_wall = sl_build + sl_solve
    sl_cov = covered_weight(cc, wc, sl_chosen) / float(wc.sum())
    lr = ol.result
    rows = [
        ["ours LSCP milp", len(lr.selected), f"{lr.covered_share:.4%}", f"{lr.build_time:.2f}",
         f"{lr.solve_time:.2f}", f"{ol.best:.2f}", f"{sl_wall / ol.best:.1f}×",
         f"{lr.gap:.4%} ({lr.status}, bound {lr.bound:g})"],
        ["ours LSCP greedy", len(olg.result.selected), f"{olg.result.covered_share:.4%}",
         f"{olg.result.build_time:.2f}", f"{olg.result.solve_time:.2f}", f"{olg.best:.2f}",
         f"{sl_wall / olg.best:.1f}×", f"{olg.result.gap:.4%}"],
        ["spopt LSCP + CBC", len(sl_chosen), f"{sl_cov:.4%}", f"{sl_build:.2f}", f"{sl_solve:.2f}",
         f"{sl_wall:.2f}", "1.0×", f"- ({sl_status})"],
    ]  # fmt: skip
    print(
        f"\nLSCP, cover all {int(coverable.sum())} coverable demand points "
        f"({int((~coverable).sum())} of the sample reach no candidate and are left out):\n"
    )
    print(table(rows, ["LSCP", "sites", "covered", "build s", "solve s", "wall s", "speed-up",
                       "proven gap"]))  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small reduced instance only")
    ap.add_argument("--k", type=int, default=300, help="new sites, full size (issue: 300)")
    ap.add_argument("--k-hard", type=int, default=15, help="a binding k without existing sites")
    ap.add_argument("--demand", type=int, default=2000, help="reduced instance: demand points")
    ap.add_argument("--sites", type=int, default=500, help="reduced instance: candidate sites")
    ap.add_argument("--k-reduced", type=int, default=10, help="reduced instance: new sites")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--full-milp", action="store_true", help="MILP at full size without existing")
    ap.add_argument("--time-limit", type=float, default=300.0, help="our HiGHS time limit (s)")
    ap.add_argument("--spopt-time-limit", type=float, default=600.0)
    args = ap.parse_args()
    if args.quick:
        args.demand, args.sites, args.k_reduced = 800, 200, 5

    print("# Siting benchmark:", time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()))
    print("versions:", ", ".join(f"{k} {v}" for k, v in versions().items()))
    cost, w, role, source, t_cost = instance()
    n_src = {s_: int((source == s_).sum()) for s_ in np.unique(source)}
    print(
        f"instance: {cost.shape[0]} sites ({n_src}; roles "
        f"{ {r: int((role == r).sum()) for r in np.unique(role)} }) × {cost.shape[1]} demand "
        f"points, total weight {w.sum():,.1f}; {cost.nnz:,} pairs within {THRESHOLD:g} min "
        f"(site_times {t_cost:.1f} s)\n"
    )
    if not args.quick:
        print(f"## Full size, ours (HiGHS, time_limit {args.time_limit:g} s, mip_rel_gap 0.5%)\n")
        full_size(cost, w, role, args)
    reduced(cost, w, role, args)


if __name__ == "__main__":
    main()
