"""The Wuhan audit on dask.distributed with 1 and 2 workers vs a plain loop, in one run.

For the same districts of ``data/wuhan_city/audit.toml`` (default: the central districts the
street extract covers well; ``--all`` for all 13), three runs back to back, every district
recomputed each time (``force``):

1. a plain sequential loop in this process (``make_task`` + ``run_district``, no dask);
2. ``run_audit`` on a local cluster of 1 worker process;
3. ``run_audit`` on a local cluster of 2 worker processes.

Printed: wall time and speed-up over the loop, per-district time (from each district's record),
peak memory (``VmHWM``, the resident-set high-water mark) of the loop's process and of each
worker, then a national projection for ``--national`` districts (default 2,850) from the
measured mean per-district time and the 1→2-worker parallel efficiency: how many workers finish
in one hour, and the memory each needs. Results go to ``--out`` (a temporary folder by
default). Nothing asserts on timings.

    python benchmarks/audit.py                     # 江汉, 硚口, 汉阳, 青山
    python benchmarks/audit.py --all --national 2850
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coverage.audit import load_audit, read_districts, run_audit  # noqa: E402
from coverage.audit.registers import read_registers  # noqa: E402
from coverage.audit.tasks import file_digests, make_task, run_district  # noqa: E402

AUDIT = ROOT / "data" / "wuhan_city" / "audit.toml"
CENTRAL = ["420103", "420104", "420105", "420107"]


def peak_mb() -> float:
    """This process's resident-set high-water mark (MB)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return math.nan


def sequential(codes: list[str], out: Path) -> tuple[float, dict[str, float], float]:
    audit = load_audit(AUDIT)
    audit.output.dir = out
    audit.districts.select = {audit.districts.code_field: codes}
    digests = file_digests(audit)
    start = time.perf_counter()
    registers = read_registers(audit)
    per: dict[str, float] = {}
    for d in read_districts(audit):
        rec = run_district(make_task(audit, d, digests, registers))
        per[d.code] = float(rec["seconds"])
        print(f"  loop {d.name} ({d.code}): {rec['status']} {rec['seconds']:.1f} s", flush=True)
    return time.perf_counter() - start, per, peak_mb()


def distributed_run(
    codes: list[str], out: Path, workers: int
) -> tuple[float, dict[str, float], list[float]]:
    from distributed import Client, LocalCluster

    audit = load_audit(AUDIT)
    audit.districts.select = {audit.districts.code_field: codes}
    with (
        LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=":0") as cluster,
        Client(cluster) as client,
    ):
        start = time.perf_counter()
        run = run_audit(audit, scheduler=cluster.scheduler_address, out=out, force=True)
        wall = time.perf_counter() - start
        peaks = sorted(client.run(peak_mb).values())
    per = {c: float(r.get("seconds", math.nan)) for c, r in run.records.items()}
    bad = [r for r in run.records.values() if r.get("status") != "done"]
    if bad:
        print(f"  {len(bad)} districts failed: {[r.get('error') for r in bad]}")
    return wall, per, peaks


def machine() -> str:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {os.cpu_count()} cores ({cpu}); "
        f"load average {load}; Python {platform.python_version()}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--all", action="store_true", help="all 13 districts")
    ap.add_argument("--codes", default=",".join(CENTRAL), help="district codes (adcode)")
    ap.add_argument("--national", type=int, default=2850, help="districts to project for")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    audit = load_audit(AUDIT)
    codes = [d.code for d in read_districts(audit)] if args.all else args.codes.split(",")
    out = args.out or Path(tempfile.mkdtemp(prefix="audit_bench_"))
    print(f"machine: {machine()}")
    print(f"districts: {', '.join(codes)}; results under {out}")
    t0, per0, peak0 = sequential(codes, out / "loop")
    print(f"loop: {t0:.1f} s, peak {peak0:.0f} MB")
    rows: list[tuple[str, float, dict[str, float], list[float]]] = [("loop", t0, per0, [peak0])]
    for n in (1, 2):
        t, per, peaks = distributed_run(codes, out / f"dask{n}", n)
        print(f"dask {n} worker(s): {t:.1f} s, worker peaks {[round(p) for p in peaks]} MB")
        rows.append((f"dask, {n} worker{'s' if n > 1 else ''}", t, per, peaks))
    print()
    print(
        "| run | wall (s) | speed-up vs loop | per district (s): mean / max | peak MB per process |"
    )
    print("|---|---|---|---|---|")
    for name, t, per, peaks in rows:
        vals = list(per.values())
        print(
            f"| {name} | {t:.1f} | {t0 / t:.2f}× | {statistics.mean(vals):.1f} / {max(vals):.1f} "
            f"| {', '.join(f'{p:.0f}' for p in peaks)} |"
        )
    print()
    print("| district | loop (s) | dask 1 (s) | dask 2 (s) |")
    print("|---|---|---|---|")
    for c in codes:
        print(f"| {c} | " + " | ".join(f"{r[2].get(c, math.nan):.1f}" for r in rows) + " |")
    mean_cost = statistics.mean(per0.values())
    hours = args.national * mean_cost / 3600
    # Parallel efficiency of going from 1 to 2 workers (1.0: twice as fast); on a shared
    # machine it mostly measures the other load, so the ideal figure is printed too.
    efficiency = min(1.0, rows[1][1] / rows[2][1] / 2)
    need = math.ceil(hours / max(efficiency, 1e-9))
    mem = max(rows[2][3] + rows[1][3])
    print()
    print(
        f"national projection: {args.national} districts × {mean_cost:.1f} s (mean, loop) = "
        f"{hours:.1f} worker-hours: {math.ceil(hours)} workers for one hour on dedicated cores; "
        f"{need} at the 1→2-worker efficiency measured here ({efficiency:.0%}); each with ≥ "
        f"{mem / 1024:.2f} GB (measured peak per worker)"
    )


if __name__ == "__main__":
    main()
