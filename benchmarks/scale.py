"""How loading a walking network grows with its size: wall time and peak memory vs edges.

Synthetic edge tables are made by tiling the real whole-city Wuhan table
(``../shared/data/wuhan_streets_osm.parquet``, 92,667 edges, UTM 50N) side by side: each copy is
shifted east by the table's width (plus a gap), its node ids renumbered, and neighbouring copies
joined by a few straight footways so that one connected component remains. Each size is loaded
with ``coverage.network.load`` in a fresh Python process (so nothing is cached and the peak is
the load's own); the process reports the load's wall time and its peak RSS
(``VmHWM`` of ``/proc/self/status``, the high-water mark of this process's own memory), and the
RSS after imports for reference. ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` is also read but
not used for the table: Linux carries it over ``fork``/``exec`` from the parent (which holds the
tiled tables), so it over-states small loads.
The median of ``--repeat`` runs is printed per size, then the log-log slopes (exponents) of time
and memory against edges. Nothing asserts on timings.

    python benchmarks/scale.py                    # copies 1, 3, 11 (~93k, 278k, 1.02M edges)
    python benchmarks/scale.py --copies 1,11 --repeat 1
    python benchmarks/scale.py --catchments 500,1000,2000,5000 --compare /work/main

``--catchments``: 15-minute catchments of N facilities at random places on the whole Wuhan
network (one process per checkout, the network loaded once): ``routing.reach``, then
``catchments.catchments`` (grid) — its first call, which builds the grid table, and the median
of ``--repeat`` later calls (wall and CPU time) — with the exponents against N.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import shapely

ROOT = Path(__file__).resolve().parents[1]
CITY_NETWORK = ROOT.parent / "shared" / "data" / "wuhan_streets_osm.parquet"
GAP_M = 200.0  # between copies
N_LINKS = 3  # footways joining neighbouring copies

warnings.filterwarnings("ignore")

# Run in the child: import, then time one load; print a JSON line.
_CHILD = r"""
import json, resource, sys, time, warnings
warnings.filterwarnings("ignore")
sys.path.insert(0, {root!r})
import coverage.network as cn
def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
rss_import = hwm()
t0 = time.perf_counter()
net = cn.load({path!r}, speed_kmh=5.0)
t = time.perf_counter() - t0
peak = hwm()
maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
held = int(net.edges.memory_usage(deep=True).sum())
print(json.dumps({{"time_s": t, "peak_kb": peak, "maxrss_kb": maxrss, "import_kb": rss_import, "edges": net.n_edges,
                  "nodes": net.n_nodes, "held_bytes": held}}))
"""


# Catchments vs the number of facilities, in the child: the whole Wuhan network loaded once,
# facilities at random places on its streets (fixed seed); per size: reach, then catchments
# (15 min, grid): the first call (builds the grid table) and the median of the next ones.
_CATCH = r"""
import json, statistics, sys, time, warnings
warnings.filterwarnings("ignore")
sys.path.insert(0, {root!r})
import numpy as np, shapely
from coverage import catchments, network, routing
net = network.load({path!r}, speed_kmh=4.5)
rng = np.random.default_rng(0)
for n in {sizes!r}:
    e = rng.integers(0, net.n_edges, n)
    pts = shapely.line_interpolate_point(net.edges.geometry.values[e], rng.random(n), normalized=True)
    fs = routing.snap(net, pts, max_dist_m=300.0)
    net.__dict__.pop("_grid_table", None)
    t = time.perf_counter(); r = routing.reach(net, fs, 900.0); reach_s = time.perf_counter() - t
    runs, cpu = [], []
    for _ in range({repeat} + 1):
        t, c = time.perf_counter(), time.process_time()
        out = catchments.catchments(net, r, [15.0], 50.0)
        runs.append(time.perf_counter() - t); cpu.append(time.process_time() - c)
    area = float(out.geometry.area.sum())
    print(json.dumps({{"n": n, "reach_s": reach_s, "cold_s": runs[0], "warm_s": statistics.median(runs[1:]),
                      "warm_cpu_s": statistics.median(cpu[1:]), "area_km2": area / 1e6}}), flush=True)
"""


def catchment_sizes(root: Path, sizes: list[int], repeat: int) -> list[dict[str, float]]:
    code = _CATCH.format(root=str(root), path=str(CITY_NETWORK), sizes=sizes, repeat=repeat)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return [json.loads(line) for line in out.strip().splitlines() if line.startswith("{")]


def catchment_table(roots: list[Path], sizes: list[int], repeat: int) -> None:
    """Catchment time vs facilities for each checkout, sizes interleaved by checkout."""
    res = {str(r): catchment_sizes(r, sizes, repeat) for r in roots}
    print(
        "\n| checkout | facilities | reach (s) | catchments, first call (s) |"
        " catchments, later calls (s, median) | CPU s of a later call | total area (km²) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r, rows in res.items():
        for x in rows:
            print(f"| {r} | {x['n']:,} | {x['reach_s']:.2f} | {x['cold_s']:.2f} |"
                  f" {x['warm_s']:.2f} | {x['warm_cpu_s']:.2f} | {x['area_km2']:,.1f} |")  # fmt: skip
        if len(rows) >= 2:
            n = [float(x["n"]) for x in rows]
            print(f"| {r} | exponent | {slope(n, [x['reach_s'] for x in rows]):.2f} |"
                  f" {slope(n, [x['cold_s'] for x in rows]):.2f} |"
                  f" {slope(n, [x['warm_s'] for x in rows]):.2f} |"
                  f" {slope(n, [x['warm_cpu_s'] for x in rows]):.2f} | |")  # fmt: skip


def _end_nodes(base: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Node ids with their coordinates, of the largest strongly connected part of the table."""
    sys.path.insert(0, str(ROOT))
    from coverage.network import from_edges

    net = from_edges(base, speed_kmh=5.0)
    return net.node_ids, net.x, net.y


def tiled(base: gpd.GeoDataFrame, copies: int) -> gpd.GeoDataFrame:
    """``copies`` shifted copies of ``base`` side by side, renumbered and joined."""
    x0, _, x1, _ = base.total_bounds
    width = x1 - x0 + GAP_M
    id_step = int(max(base["u"].max(), base["v"].max())) + 1
    ids, nx_, ny_ = _end_nodes(base)
    east = np.argsort(nx_)[-N_LINKS:]  # join the easternmost nodes of one copy …
    west = np.argsort(nx_)[:N_LINKS]  # … to the westernmost of the next
    parts = []
    for i in range(copies):
        part = base.copy()
        part["u"] = part["u"] + i * id_step
        part["v"] = part["v"] + i * id_step
        part["geometry"] = shapely.transform(
            part.geometry.values, lambda c, i=i: c + [i * width, 0]
        )
        parts.append(part)
        if i == 0:
            continue
        links = [
            shapely.linestrings([[nx_[e] + (i - 1) * width, ny_[e]], [nx_[w] + i * width, ny_[w]]])
            for e, w in zip(east, west, strict=True)
        ]
        parts.append(
            gpd.GeoDataFrame(
                {
                    "u": ids[east] + (i - 1) * id_step,
                    "v": ids[west] + i * id_step,
                    "key": 0,
                    "highway": "footway",
                },
                geometry=links,
                crs=base.crs,
            )
        )
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=base.crs)


def run_one(path: Path, root: Path = ROOT) -> dict[str, float]:
    code = _CHILD.format(root=str(root), path=str(path))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def slope(x: list[float], y: list[float]) -> float:
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", default="1,3,11", help="copies of the Wuhan table per size")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="directory to keep the tables in (else a temp dir)")
    ap.add_argument(
        "--root",
        type=Path,
        default=ROOT,
        help="checkout whose coverage package loads (before/after)",
    )
    ap.add_argument(
        "--catchments",
        default="",
        help="facility counts for the catchment part (e.g. 500,1000,2000,5000); skips loading",
    )
    ap.add_argument("--compare", type=Path, help="with --catchments: also this checkout")
    args = ap.parse_args()
    if args.catchments:
        roots = [args.root] + ([args.compare] if args.compare else [])
        sizes = [int(x) for x in args.catchments.split(",")]
        catchment_table(roots, sizes, args.repeat)
        return
    print(f"loading with {args.root / 'coverage'}")
    base = gpd.read_parquet(CITY_NETWORK)
    print(f"python {platform.python_version()} on {platform.platform()}; base {len(base):,} edges")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for c in (int(s) for s in args.copies.split(",")):
            path = folder / f"wuhan_x{c}.parquet"
            if not path.exists():
                tiled(base, c).to_parquet(path)
            runs = [run_one(path, args.root) for _ in range(args.repeat)]
            n_in = pq.ParquetFile(path).metadata.num_rows
            med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            rows.append((c, n_in, med, [r["time_s"] for r in runs]))
            print(
                f"x{c}: {n_in:,} edges in, {int(med['edges']):,} kept, {int(med['nodes']):,} nodes:"
                f" {med['time_s']:.2f} s (runs {', '.join(f'{r:.2f}' for r in rows[-1][3])}),"
                f" peak RSS {med['peak_kb'] / 1024:,.0f} MB",
                flush=True,
            )
    print()
    print(
        "| edges in | edges kept | nodes | load (s, median) | peak RSS (MB) | RSS after imports (MB) | edge table columns (MB, geometries not counted) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for _, n_in, med, _ in rows:
        print(
            f"| {n_in:,} | {int(med['edges']):,} | {int(med['nodes']):,} | {med['time_s']:.2f} |"
            f" {med['peak_kb'] / 1024:,.0f} | {med['import_kb'] / 1024:,.0f} |"
            f" {med['held_bytes'] / 2**20:,.0f} |"
        )
    if len(rows) >= 2:
        n = [float(r[1]) for r in rows]
        t = [r[2]["time_s"] for r in rows]
        m = [r[2]["peak_kb"] for r in rows]
        grow = [r[2]["peak_kb"] - r[2]["import_kb"] for r in rows]
        print()
        print(
            f"exponents (log-log slope vs edges): time {slope(n, t):.2f}, peak RSS {slope(n, m):.2f},"
            f" peak RSS above imports {slope(n, grow):.2f}"
        )


if __name__ == "__main__":
    main()
