"""Shared helpers for the benchmark scripts: loading the sample scenario, timing and memory.

Timing: ``time.perf_counter`` wall time, best of ``repeat`` runs with ``gc.collect()`` before
each. Memory is measured in a separate, untimed run (tracing slows Python code down):

* ``tracemalloc`` peak: Python allocations only (numpy buffers included, GEOS/C++ heap not);
* RSS peak: the process's resident-set high-water mark during the run minus the RSS when it
  started, read from ``/proc/self/status`` (``VmHWM`` reset through ``/proc/self/clear_refs``).
  It includes GEOS and scipy allocations but can under-count memory the allocator reuses.
"""

from __future__ import annotations

import gc
import platform
import time
import tracemalloc
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "data" / "wuhan" / "scenario.toml"
# The whole-city network for the unclipped part: the sample ships only its own street clip.
CITY_NETWORK = ROOT.parent / "shared" / "data" / "wuhan_streets_osm.parquet"

warnings.filterwarnings("ignore", category=UserWarning)
warnings.filterwarnings("ignore", category=FutureWarning)
warnings.filterwarnings("ignore", category=DeprecationWarning)


@dataclass
class Timing:
    best: float
    runs: list[float]
    result: Any


def timed(fn: Callable[[], Any], repeat: int = 2) -> Timing:
    """Best wall time of ``repeat`` calls (gc before each); keeps the best run's result."""
    runs = []
    best = None
    for _ in range(max(1, repeat)):
        gc.collect()
        t = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - t)
        if runs[-1] == min(runs):
            best = result
        del result
    return Timing(min(runs), runs, best)


def _status_kb(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return -1


def _reset_hwm() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


@dataclass
class Memory:
    tracemalloc_peak_mb: float
    rss_peak_delta_mb: float  # NaN where /proc is not available


def memory(fn: Callable[[], Any]) -> Memory:
    """Peak memory of one call: tracemalloc peak (MB) and RSS high-water delta (MB)."""
    gc.collect()
    rss_delta = float("nan")
    if _reset_hwm():
        start = _status_kb("VmRSS")
        fn()
        rss_delta = (_status_kb("VmHWM") - start) / 1024
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    gc.collect()
    return Memory(peak / 2**20, rss_delta)


def load_sample(clip: bool = True):
    """The sample scenario, its network (clipped as the pipeline does) and validated layers.

    With ``clip=False`` the network is the whole city (:data:`CITY_NETWORK`), unclipped, and no
    layers are read.
    """
    from coverage import network, pipeline

    s = pipeline.load_scenario(SCENARIO)
    area, _ = pipeline.load_area(s)
    t = time.perf_counter()
    if clip:
        net = pipeline.load_network(s, area)
    else:
        if not CITY_NETWORK.exists():
            raise SystemExit(
                f"whole-city network not found: {CITY_NETWORK} (see benchmarks/README.md)"
            )
        net = network.load(
            CITY_NETWORK,
            speed_kmh=s.walk.speed_kmh,
            steps_penalty=s.walk.steps_penalty,
            component=s.network.component,
        )
    load_s = time.perf_counter() - t
    layers = pipeline.read_layers(s, net) if clip else None
    return s, area, net, layers, load_s


def versions() -> dict[str, str]:
    import importlib.metadata as md

    out = {"python": platform.python_version()}
    for pkg in ("numpy", "scipy", "shapely", "geopandas", "networkx", "osmnx", "highspy", "spopt",
                "pulp"):  # fmt: skip
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            out[pkg] = "-"
    return out


def table(rows: list[list[Any]], header: list[str]) -> str:
    """A plain-text (Markdown-compatible) table."""
    cells = [[str(c) for c in header]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]

    def line(r: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"

    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(cells[0]), sep, *(line(r) for r in cells[1:])])
