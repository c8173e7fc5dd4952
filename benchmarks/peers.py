"""Routing primitives vs peers on the whole Wuhan network, measured side by side in one run.

Network: ``../shared/data/wuhan_streets_osm.parquet`` loaded whole (``coverage.network.load``
with the scenario's walk settings, no clipping); facilities (190) and demand (with weights) from
``data/wuhan/scenario.toml`` read against that network. Limit: 15 minutes (900 s).

(a) nearest facility per tier, bounded at 15 min: ours ``routing.nearest`` per tier vs
    networkx ``multi_source_dijkstra_path_length(cutoff=900)`` per tier vs pandana
    ``Network.nearest_pois`` per tier.
(b) demand weight within 15 min of each facility: ours ``routing.reach`` + ``point_times`` +
    row sums vs networkx (one ``single_source_dijkstra_path_length(cutoff=900)`` per facility)
    vs pandana ``Network.aggregate(900, type="sum", decay="flat")`` read at the facilities' nodes.
(c) whole-city nearest facility per tier, unbounded (every node's time to its tier's nearest
    facility): ours ``routing.nearest`` vs networkx ``multi_source_dijkstra_path_length``.
(d) 15-minute catchment of each facility: ours ``routing.reach`` + ``catchments.catchments``
    (grid) vs the osmnx isochrone example (``nearest_nodes`` + ``ego_graph(distance="time")`` +
    convex hull of the nodes; and its buffered variant, nodes 50 m and edges 25 m, unioned) and
    vs Valhalla (pyvalhalla, pedestrian isochrones at our walking speed, in-process ``Actor`` in
    its own venv: see ``_valhalla.py``; tiles are built from the very ways our network keeps).
    Agreement: intersection over union (IoU) of each facility's two polygons, and area ratio.

networkx gets exactly our problem: a DiGraph of the same arcs and weights (``net.csr``) plus a
virtual node per facility (arcs to its segment's ends, access walk included) and, for (b), a
node per demand point (arcs from its segment's ends), so its answers should equal ours.
pandana works on the same arcs but maps facilities and demand to their nearest network node (its
idiom: no mid-segment positions, no access walk), so its answers differ by design; the agreement
column says by how much. Setup (graph builds, snapping, pandana's POI mapping and precompute) is
timed separately. Times: median of ``--repeat`` runs (default 5), ``gc.collect()`` before each.

Run: ``python benchmarks/peers.py`` (``--no-valhalla`` skips Valhalla; ``--save DIR`` writes
our and Valhalla's polygons as GeoParquet for ``catchment_shape.py``).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import ROOT, SCENARIO, table, versions  # noqa: E402

from coverage import catchments, network, pipeline, routing  # noqa: E402

LIMIT_S = 900.0
NETWORK = ROOT.parent / "shared" / "data" / "wuhan_streets_osm.parquet"


def median_time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median wall time of ``repeat`` calls (gc before each) and the last call's result."""
    runs, out = [], None
    for _ in range(max(1, repeat)):
        gc.collect()
        t = time.perf_counter()
        out = fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs), out


def cpu_time(fn: Callable[[], Any]) -> float:
    """Process CPU time (all threads) of one call."""
    gc.collect()
    c = time.process_time()
    fn()
    return time.process_time() - c


def once(fn: Callable[[], Any]) -> tuple[float, Any]:
    return median_time(fn, 1)


def load() -> tuple[Any, Any, Any, Any]:
    s = pipeline.load_scenario(SCENARIO)
    net = network.load(
        NETWORK,
        speed_kmh=s.walk.speed_kmh,
        steps_penalty=s.walk.steps_penalty,
        component=s.network.component,
    )
    layers = pipeline.read_layers(s, net)
    return s, net, layers.facilities.reset_index(drop=True), layers.demand.reset_index(drop=True)


def min_arcs(*parts: tuple[Any, Any, Any]) -> dict[tuple[Any, Any], float]:
    """(tail, head) → the fastest time among the given arc lists (a DiGraph keeps one arc)."""
    best: dict[tuple[Any, Any], float] = {}
    for tails, heads, times in parts:
        for a, b, t in zip(tails, heads, times, strict=True):
            if t < best.get((a, b), np.inf):
                best[(a, b)] = t
    return best


def nx_graphs(net, fs, ds):
    """DiGraphs of the same arcs: base + virtual facility nodes (a), + demand nodes (b)."""
    import networkx as nx

    coo = net.csr.tocoo()
    s, node, t = routing._entry_arcs(net, fs)
    ga = nx.DiGraph()
    ga.add_nodes_from(range(net.n_nodes))
    ga.add_weighted_edges_from(
        zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True)
    )
    entry = min_arcs(([("s", i) for i in s.tolist()], node.tolist(), np.maximum(t, 1e-6).tolist()))
    ga.add_weighted_edges_from((a, b, w) for (a, b), w in entry.items())
    gb = ga.copy()
    tgt, node, off = routing._exit_offsets(net, ds)
    si, tj, tt = routing.same_edge_pairs(net, fs, ds)
    extra = min_arcs(
        (node.tolist(), [("t", j) for j in tgt.tolist()], off.tolist()),
        ([("s", i) for i in si.tolist()], [("t", j) for j in tj.tolist()], tt.tolist()),
    )
    gb.add_weighted_edges_from((a, b, w) for (a, b), w in extra.items())
    return ga, gb


def pandana_network(net):
    import pandana as pdna
    import pandas as pd

    coo = net.csr.tocoo()
    ids = pd.RangeIndex(net.n_nodes)
    return pdna.Network(
        pd.Series(net.x, index=ids),
        pd.Series(net.y, index=ids),
        pd.Series(coo.row),
        pd.Series(coo.col),
        pd.DataFrame({"time": coo.data}),
        twoway=False,
    )


def agreement(ours: np.ndarray, peer: np.ndarray) -> str:
    """Max |Δ| where both are finite, and how many values only one side has."""
    both = np.isfinite(ours) & np.isfinite(peer)
    only = int((np.isfinite(ours) != np.isfinite(peer)).sum())
    if not both.any():
        return "nothing in common"
    d = np.abs(ours[both] - peer[both])
    return f"max {d.max():.3g}, median {np.median(d):.3g} (n={both.sum()}, one side only: {only})"


def iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Intersection over union of paired polygons (NaN where either is missing or empty)."""
    import shapely

    ok = np.array([x is not None and y is not None and not x.is_empty and not y.is_empty
                   for x, y in zip(a, b, strict=True)])  # fmt: skip
    out = np.full(len(a), np.nan)
    if ok.any():
        aa, bb = a[ok], b[ok]
        out[ok] = shapely.area(shapely.intersection(aa, bb)) / shapely.area(shapely.union(aa, bb))
    return out


def shape_agreement(ours: np.ndarray, peer: np.ndarray) -> str:
    import shapely

    j = iou(ours, peer)
    ok = np.isfinite(j)
    ratio = shapely.area(peer[ok].tolist()) / shapely.area(ours[ok].tolist())
    return (f"IoU mean {np.nanmean(j):.2f}, median {np.nanmedian(j):.2f} (n={ok.sum()}); "
            f"peer/ours area median {np.median(ratio):.2f}")  # fmt: skip


def osmnx_recipe(G: Any, xs: np.ndarray, ys: np.ndarray, buffered: bool) -> np.ndarray:
    """The osmnx isochrone example per facility: ego graph by time, then hull or buffers."""
    import osmnx as ox
    import shapely

    out = []
    for node in ox.distance.nearest_nodes(G, xs, ys):
        sub = nx_ego(G, node)
        nodes = shapely.points([(d["x"], d["y"]) for _, d in sub.nodes(data=True)])
        if not buffered:
            out.append(shapely.MultiPoint(nodes.tolist()).convex_hull)
            continue
        # make_iso_polys of the example: nodes buffered 50 m, edges 25 m, holes filled
        lines = [shapely.LineString([(G.nodes[u]["x"], G.nodes[u]["y"]),
                                     (G.nodes[v]["x"], G.nodes[v]["y"])])
                 for u, v in sub.edges()]  # fmt: skip
        poly = shapely.union_all(
            np.concatenate([shapely.buffer(nodes, 50), shapely.buffer(np.array(lines), 25)])
        )
        parts = shapely.get_parts(poly)
        out.append(shapely.union_all([shapely.Polygon(p.exterior) for p in parts]))
    return np.array(out, dtype=object)


def nx_ego(G: Any, node: Any) -> Any:
    import networkx as nx

    return nx.ego_graph(G, node, radius=LIMIT_S, distance="time")


def catchment_lines(net, fs, fpts, s, rep, args, setup) -> tuple[list[list[str]], dict]:
    """(d): ours vs the osmnx recipe (convex and buffered) and vs Valhalla."""
    import shapely
    from pyproj import Transformer

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from catchments import nx_graph

    def ours():
        r = routing.reach(net, fs, LIMIT_S)
        return catchments.catchments(net, r, [15.0], s.walk.walk_off_m)

    ours()  # first call builds the grid table (kept on the network), as the pipeline's would
    ours_s, catch = median_time(ours, rep)
    # CPU time too (all threads): the machine is shared, and ours uses a 2-thread pool
    ours_cpu = statistics.median(cpu_time(ours) for _ in range(max(1, rep)))
    poly = np.full(len(fs), None, dtype=object)
    poly[catch["source"].to_numpy()] = catch.geometry.values
    rows = []
    gb_s, G = once(lambda: nx_graph(net))
    setup.append(["osmnx recipe: MultiDiGraph of the same segments", f"{gb_s:.3f}"])
    xs, ys = shapely.get_x(fpts), shapely.get_y(fpts)
    for buffered in (False, True):
        peer_s, hull = median_time(
            lambda b=buffered: osmnx_recipe(G, xs, ys, b), 1 if buffered else max(1, rep // 2)
        )
        name = "osmnx recipe, " + ("buffered (50/25 m)" if buffered else "convex hull")
        rows.append(["(d) 15-min catchment of each facility", name, f"{ours_s:.4f}",
                     f"{peer_s:.4f}", f"{peer_s / ours_s:.1f}", shape_agreement(poly, hull)])  # fmt: skip
    saved = {"ours": poly, "facilities": np.asarray(fpts)}
    if args.no_valhalla:
        return rows, saved
    import _valhalla as vh

    try:
        py = vh.venv_python()
        build_s_, (folder, build_s) = once(lambda: vh.build(py, net))
        ver = vh.version(py)
        setup.append([f"Valhalla {ver}: venv + OSM PBF + valhalla_build_tiles"
                      + ("" if build_s is not None else " (tiles cached)"), f"{build_s_:.3f}"])  # fmt: skip
        ll = Transformer.from_crs(net.crs, 4326, always_xy=True)
        lon, lat = ll.transform(xs, ys)
        runs, cpu, geoms, errors = vh.isochrones(
            py, folder, np.c_[lon, lat], 15, s.walk.speed_kmh, rep
        )
    except vh.Unavailable as exc:
        print(f"\nValhalla: not available ({exc}); its line is left out")
        return rows, saved
    back = Transformer.from_crs(4326, net.crs, always_xy=True)

    def to_net(g: dict[str, Any] | None) -> Any:
        if not g:
            return None
        geom = shapely.make_valid(shapely.geometry.shape(g))
        return shapely.transform(geom, lambda c: np.c_[back.transform(c[:, 0], c[:, 1])])

    val = np.array([to_net(g) for g in geoms], dtype=object)
    saved["valhalla"] = val
    note = f"; {len(errors)} errors" if errors else ""
    rows.append(["(d) 15-min catchment of each facility", f"Valhalla {ver} (in-process Actor)",
                 f"{ours_s:.4f}", f"{statistics.median(runs):.4f}",
                 f"{statistics.median(runs) / ours_s:.1f}", shape_agreement(poly, val) + note
                 + f"; CPU s ours {ours_cpu:.3f}, Valhalla {statistics.median(cpu):.3f}"])  # fmt: skip
    return rows, saved


def main() -> None:  # noqa: PLR0915 - one linear script
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-valhalla", action="store_true", help="skip the Valhalla line")
    ap.add_argument("--save", type=Path, help="folder for the catchment polygons (GeoParquet)")
    args = ap.parse_args()
    rep = args.repeat
    import networkx as nx

    load_s, (s, net, fac, dem) = once(load)
    tiers = fac["tier"].astype(str).to_numpy()
    names = sorted(set(tiers))
    weight = dem["weight"].to_numpy(dtype=float)
    fpts = fac.geometry.to_crs(net.crs).values
    dpts = dem.geometry.to_crs(net.crs).values
    print(f"network: {net.n_nodes} nodes, {net.n_edges} segments, {net.csr.nnz} arcs "
          f"(loaded and layers read in {load_s:.1f} s); {len(fac)} facilities in tiers "
          f"{', '.join(f'{t} ({(tiers == t).sum()})' for t in names)}; {len(dem)} demand points "
          f"(weight {weight.sum():.0f})")  # fmt: skip
    kw = {"max_dist_m": s.walk.max_snap_m, "include_access": s.walk.include_access}
    snap_s, (fs, ds) = median_time(
        lambda: (routing.snap(net, fpts, **kw), routing.snap(net, dpts, **kw)), rep
    )
    by_tier = {t: np.flatnonzero(tiers == t) for t in names}
    setup = [["ours: snap facilities + demand onto segments", f"{snap_s:.3f}"]]

    # (a) nearest facility per tier -------------------------------------------------------
    def ours_a():
        return {t: routing.nearest(net, fs.take(i), LIMIT_S)[0] for t, i in by_tier.items()}

    ours_a_s, ours_a_res = median_time(ours_a, rep)
    build_s, (ga, gb) = once(lambda: nx_graphs(net, fs, ds))
    setup.append(["networkx: DiGraphs (arcs + facility and demand nodes)", f"{build_s:.3f}"])

    def nx_a():
        out = {}
        for t, idx in by_tier.items():
            d = nx.multi_source_dijkstra_path_length(
                ga, [("s", i) for i in idx if fs.ok[i]], cutoff=LIMIT_S
            )
            arr = np.full(net.n_nodes, np.inf)
            keys = [k for k in d if not isinstance(k, tuple)]
            arr[keys] = [d[k] for k in keys]
            out[t] = arr
        return out

    nx_a_s, nx_a_res = median_time(nx_a, rep)
    nx_a_agree = max(
        float(np.abs(ours_a_res[t][both] - nx_a_res[t][both]).max(initial=0.0))
        for t in names
        for both in [np.isfinite(ours_a_res[t]) & np.isfinite(nx_a_res[t])]
    )
    same_set_a = all((np.isfinite(ours_a_res[t]) == np.isfinite(nx_a_res[t])).all() for t in names)

    # (b) demand weight within 15 min of each facility -----------------------------------------
    def ours_b():
        r = routing.reach(net, fs, LIMIT_S)
        t = routing.point_times(net, r, ds, LIMIT_S)
        rows = np.repeat(np.arange(len(fs)), np.diff(t.indptr))
        return np.bincount(rows, weights=weight[t.indices], minlength=len(fs))

    ours_b_s, ours_b_res = median_time(ours_b, rep)

    def nx_b():
        out = np.zeros(len(fs))
        for i in np.flatnonzero(fs.ok):
            d = nx.single_source_dijkstra_path_length(gb, ("s", i), cutoff=LIMIT_S)
            out[i] = sum(weight[k[1]] for k in d if isinstance(k, tuple) and k[0] == "t")
        return out

    nx_b_s, nx_b_res = median_time(nx_b, rep)

    rows = [
        [f"(a) nearest facility per tier ({len(names)} tiers), ≤ 15 min", "networkx",
         f"{ours_a_s:.4f}", f"{nx_a_s:.4f}", f"{nx_a_s / ours_a_s:.1f}",
         f"max |Δt| {nx_a_agree:.2g} s, same reached nodes: {same_set_a}"],
        ["(b) demand weight within 15 min of each facility", "networkx",
         f"{ours_b_s:.4f}", f"{nx_b_s:.4f}", f"{nx_b_s / ours_b_s:.1f}",
         f"max |Δweight| {np.abs(ours_b_res - nx_b_res).max():.3g} "
         f"(of up to {ours_b_res.max():.0f})"],
    ]  # fmt: skip

    # (c) whole-city nearest facility per tier, unbounded ----------------------------------------
    def ours_c():
        return {t: routing.nearest(net, fs.take(i))[0] for t, i in by_tier.items()}

    ours_c_s, ours_c_res = median_time(ours_c, rep)

    def nx_c():
        out = {}
        for t, idx in by_tier.items():
            d = nx.multi_source_dijkstra_path_length(ga, [("s", i) for i in idx if fs.ok[i]])
            arr = np.full(net.n_nodes, np.inf)
            keys = [k for k in d if not isinstance(k, tuple)]
            arr[keys] = [d[k] for k in keys]
            out[t] = arr
        return out

    nx_c_s, nx_c_res = median_time(nx_c, rep)
    dc = max(float(np.abs(ours_c_res[t] - nx_c_res[t])[np.isfinite(nx_c_res[t])].max())
             for t in names)  # fmt: skip
    same_c = all((np.isfinite(ours_c_res[t]) == np.isfinite(nx_c_res[t])).all() for t in names)
    c_row = [f"(c) whole-city nearest facility per tier ({len(names)} tiers), unbounded",
                 "networkx", f"{ours_c_s:.4f}", f"{nx_c_s:.4f}", f"{nx_c_s / ours_c_s:.1f}",
                 f"max |Δt| {dc:.2g} s, same reached nodes: {same_c}"]  # fmt: skip

    # pandana -----------------------------------------------------------------------------
    try:
        import pandana  # noqa: F401

        pd_ok = True
    except ImportError as exc:
        pd_ok = False
        print(f"\npandana: not available ({exc}); its lines are left out")
    if pd_ok:
        pbuild_s, pnet = once(lambda: pandana_network(net))
        setup.append(["pandana: Network (contraction hierarchy)", f"{pbuild_s:.3f}"])
        fx, fy = np.array([p.x for p in fpts]), np.array([p.y for p in fpts])
        dx, dy = np.array([p.x for p in dpts]), np.array([p.y for p in dpts])

        def pd_setup():
            pnet.precompute(LIMIT_S)
            for t, idx in by_tier.items():
                pnet.set_pois(t, LIMIT_S, 1, fx[idx], fy[idx])
            nodes = pnet.get_node_ids(dx, dy)
            pnet.set(nodes, variable=weight, name="w")
            return pnet.get_node_ids(fx, fy).to_numpy()

        psetup_s, fnode = once(pd_setup)
        setup.append(
            ["pandana: precompute(900) + set_pois per tier + set demand", f"{psetup_s:.3f}"]
        )

        def pd_a():
            out = {}
            for t in names:
                v = pnet.nearest_pois(LIMIT_S, t, num_pois=1)[1].to_numpy(dtype=float)
                out[t] = np.where(v < LIMIT_S, v, np.inf)
            return out

        pd_a_s, pd_a_res = median_time(pd_a, rep)
        agree_a = "; ".join(f"{t}: {agreement(ours_a_res[t], pd_a_res[t])}" for t in names)

        def pd_b():
            return pnet.aggregate(LIMIT_S, type="sum", decay="flat", name="w").to_numpy()

        pd_b_s, pd_b_all = median_time(pd_b, rep)
        pd_b_res = pd_b_all[fnode]
        rel = np.abs(pd_b_res - ours_b_res) / np.maximum(ours_b_res, 1)
        rows.insert(
            1,
            [
                f"(a) nearest facility per tier ({len(names)} tiers), ≤ 15 min",
                "pandana",
                f"{ours_a_s:.4f}",
                f"{pd_a_s:.4f}",
                f"{pd_a_s / ours_a_s:.1f}",
                f"|Δt| s, {agree_a}",
            ],
        )
        rows.append([
            "(b) demand weight within 15 min of each facility", "pandana",
            f"{ours_b_s:.4f}", f"{pd_b_s:.4f}", f"{pd_b_s / ours_b_s:.1f}",
            f"max |Δweight| {np.abs(pd_b_res - ours_b_res).max():.3g}, "
            f"median relative {np.median(rel):.1%}"])  # fmt: skip

    rows.append(c_row)
    d_rows, saved = catchment_lines(net, fs, fpts, s, rep, args, setup)
    rows.extend(d_rows)
    if args.save:
        import geopandas as gpd

        args.save.mkdir(parents=True, exist_ok=True)
        for name, geoms in saved.items():
            gpd.GeoDataFrame({"facility": np.arange(len(geoms))}, geometry=list(geoms),
                             crs=net.crs).to_parquet(args.save / f"{name}.parquet")  # fmt: skip

    print("\n## Setup (once)\n")
    print(table(setup, ["step", "wall s"]))
    print(f"\n## Primitives (median of {rep} runs)\n")
    print(table(rows, ["operation", "peer", "ours s", "peer s", "peer/ours", "agreement"]))
    v = versions()
    for pkg in ("pandana",):
        try:
            import importlib.metadata as md

            v[pkg] = md.version(pkg)
        except Exception:  # noqa: BLE001
            v[pkg] = "-"
    print("\nversions: " + ", ".join(f"{k} {x}" for k, x in v.items()))
    print("load: " + subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
