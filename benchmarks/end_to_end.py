"""The commands end to end on the Wuhan sample: wall time per command and where it goes.

Two parts, each command in fresh Python processes (as a user runs it), on a copy of
``data/wuhan`` in a temporary folder (so the network cache starts empty and nothing is written
into the repository):

1. **Commands** — wall time of ``python -m coverage run``, ``plan --add 30``, ``report`` and
   ``map`` (median of ``--repeat`` runs, after one untimed warm-up run that also fills the
   network cache and the compiled modules, see ``--source-only``) and the CPU time they used, against the targets of issue #15 (run ≤ 5 s,
   the others ≤ 10 s). The first ``run`` on the empty cache is reported too (``run, cold
   cache``).
2. **Stages** — the same commands with every stage timed inside the process: imports, scenario,
   area, network, layers (reading, datum checks), routing, coverage, catchments, planning and
   each writer (GeoPackage, CSV, JSON, Excel, map, report, PNG). Stage times are *exclusive*
   (a stage nested in another — routing inside coverage, an import inside a writer — counts
   only once, in the inner stage); whatever no stage claims is "other" (the command line, the
   console tables). Medians over the repeats, with each stage's share of the command's total.

Stages are timed by wrapping the pipeline's own functions (found by name; a function missing
from an older checkout is simply not timed) and by an import hook; the wrapping costs well
under 1 %. With ``--compare OTHER`` each command then runs alternately on this checkout and
on ``OTHER`` (each on its own copy of the sample): medians and ratios of wall and CPU time, in
one run, so that the load of a shared machine weighs on both alike. Nothing asserts on timings.

    python benchmarks/end_to_end.py                    # all four commands, 3 repeats
    python benchmarks/end_to_end.py --commands run --repeat 5
    python benchmarks/end_to_end.py --root /tmp/old    # another checkout
    python benchmarks/end_to_end.py --no-stages --compare /tmp/old   # before/after, alternating
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

#: Command-line arguments of each command (after the scenario), and its target in seconds.
COMMANDS: dict[str, tuple[list[str], float]] = {
    "run": (["--out", "{tmp}/out_run", "--map", "{tmp}/out_run/map.html"], 5.0),
    "plan": (
        ["--add", "30", "--out", "{tmp}/out_plan", "--map", "{tmp}/out_plan/plan.html"],
        10.0,
    ),
    "report": (["--out", "{tmp}/out_report/report.html"], 10.0),
    "map": (["--out", "{tmp}/out_map/map.html"], 10.0),
}

#: Stage of each wrapped function: (module, function) -> stage name. Stages nest.
STAGES: dict[tuple[str, str], str] = {
    ("coverage.scenario.load", "load_scenario"): "scenario",
    ("coverage.inputs.area", "load_area"): "area",
    ("coverage.network.loader", "load"): "network",
    ("coverage.network.graph", "clip"): "network",
    ("coverage.inputs.layers", "read_layers"): "layers",
    ("coverage.inputs.datum_check", "check_datum"): "layers: datum checks",
    ("coverage.routing", "snap"): "routing",
    ("coverage.routing", "reach"): "routing",
    ("coverage.routing", "point_times"): "routing",
    ("coverage.routing", "nearest"): "routing",
    ("coverage.routing", "nearest_point_times"): "routing",
    ("coverage.analysis", "evaluate"): "coverage",
    ("coverage.catchment_layers", "catchments_for"): "catchments",
    ("coverage.planning", "planning_sites"): "planning",
    ("coverage.planning.times", "stage_times"): "planning",
    ("coverage.planning.plan", "staged_plan"): "planning",
    ("coverage.layer_files", "write_gpkg"): "write: gpkg",
    ("coverage.io", "write_csv"): "write: csv",
    ("coverage.io", "write_json"): "write: json",
    ("coverage.excel", "write_workbook"): "write: excel",
    ("coverage.export", "write_map"): "write: map",
    ("coverage.export", "write_plan_map"): "write: map",
    ("coverage.report.build", "write_report"): "write: report",
    ("coverage.figures.curve", "save_curve_png"): "write: png",
}

# The child: stage clock, import hook, wrappers; then the command line in-process.
_CHILD = r'''
import importlib.abc, importlib.machinery, json, sys, time
T0 = time.perf_counter()
sys.path.insert(0, ROOT)

class Clock:
    """Exclusive time per stage: entering a stage pauses the one it is nested in."""
    def __init__(self):
        self.stack, self.times = [], {}
    def enter(self, name):
        now = time.perf_counter()
        if self.stack:
            top = self.stack[-1]
            self.times[top[0]] = self.times.get(top[0], 0.0) + now - top[1]
        self.stack.append([name, now])
    def leave(self):
        now = time.perf_counter()
        name, start = self.stack.pop()
        self.times[name] = self.times.get(name, 0.0) + now - start
        if self.stack:
            self.stack[-1][1] = now

CLOCK = Clock()
WRAPPED = {}

def wrap(func, stage):
    def timed(*args, **kwargs):
        CLOCK.enter(stage)
        try:
            return func(*args, **kwargs)
        finally:
            CLOCK.leave()
    timed.__wrapped__ = func
    return timed

def patch():
    """Replace every module-level reference to a staged function by its timed wrapper."""
    for (mod, name), stage in STAGES.items():
        m = sys.modules.get(mod)
        f = getattr(m, name, None) if m is not None else None
        if f is None:
            continue
        f = getattr(f, "__wrapped__", f)
        WRAPPED.setdefault(id(f), (f, wrap(f, stage)))
    for mname, m in list(sys.modules.items()):
        if not mname.startswith("coverage") or m is None:
            continue
        for key, value in list(vars(m).items()):
            hit = WRAPPED.get(id(value))
            if hit is not None and hit[0] is value:
                setattr(m, key, hit[1])

class Loader(importlib.abc.Loader):
    def __init__(self, inner):
        self.inner = inner
    def create_module(self, spec):
        return self.inner.create_module(spec)
    def exec_module(self, module):
        CLOCK.enter("imports")
        try:
            self.inner.exec_module(module)
        finally:
            CLOCK.leave()
        if module.__name__.startswith("coverage"):
            patch()
    def __getattr__(self, key):
        return getattr(self.inner, key)

class Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = Loader(spec.loader)
                return spec
        return None

sys.meta_path.insert(0, Finder())
CLOCK.enter("other")
import logging
from coverage import cli
logging.basicConfig(level=logging.WARNING, handlers=[cli.log_handler()])
try:
    cli.app(ARGS, prog_name="coverage")
except SystemExit as exc:
    code = exc.code
else:
    code = 0
CLOCK.leave()
total = time.perf_counter() - T0
with open(OUT, "w") as f:
    json.dump({"total": total, "code": code, "stages": CLOCK.times}, f)
'''


def _args(command: str, scenario: Path, tmp: Path) -> list[str]:
    extra, _ = COMMANDS[command]
    return [command, str(scenario), *(a.format(tmp=tmp) for a in extra)]


#: Compiled modules (``.pyc``) of the measured checkouts, outside them. An installed package
#: ships its ``.pyc`` files; without them every run compiles the project's ~100 modules again
#: (~0.3 s), e.g. where ``PYTHONDONTWRITEBYTECODE`` is set. ``--source-only`` keeps that setting.
_PYCACHE = Path(tempfile.gettempdir()) / "coverage-e2e-pycache"
_BYTECODE = [True]


def _env(root: Path) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(root), PYTHONWARNINGS="ignore")
    env.pop("CI", None)
    if _BYTECODE[0]:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(_PYCACHE)  # filled by the untimed warm-up run
    return env


def wall(root: Path, command: str, scenario: Path, tmp: Path) -> tuple[float, float]:
    """Wall and CPU time (user + system) of ``python -m coverage COMMAND`` in a fresh process.

    CPU time is what the process itself used: on a shared machine it moves far less than the
    wall time, which includes waiting for a core.
    """
    t = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "coverage", *_args(command, scenario, tmp)],
        cwd=scenario.parent,
        env=_env(root),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    _, err = proc.communicate()
    elapsed = time.perf_counter() - t
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime - _CPU_SO_FAR[0]
    _CPU_SO_FAR[0] += cpu
    if proc.returncode != 0:
        raise SystemExit(f"{command} failed:\n{err[-2000:]}")
    return elapsed, cpu


#: CPU time of the children waited for so far (getrusage adds them all up).
_CPU_SO_FAR = [0.0]


def compare(other: Path, root: Path, commands: list[str], repeat: int) -> None:
    """Each command alternately on ``root`` and on ``other``: medians and ratios, one run."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="e2e-cmp-") as name:
        ours_tmp, theirs_tmp = Path(name) / "ours", Path(name) / "theirs"
        ours_tmp.mkdir()
        theirs_tmp.mkdir()
        ours_s, theirs_s = sample_copy(root, ours_tmp), sample_copy(other, theirs_tmp)
        wall(root, "run", ours_s, ours_tmp)  # warm-up: network cache, OS file cache
        wall(other, "run", theirs_s, theirs_tmp)
        for c in commands:
            ours, theirs = [], []
            for _ in range(max(1, repeat)):
                ours.append(wall(root, c, ours_s, ours_tmp))
                theirs.append(wall(other, c, theirs_s, theirs_tmp))
            ow, oc = (statistics.median(x[i] for x in ours) for i in (0, 1))
            tw, tc = (statistics.median(x[i] for x in theirs) for i in (0, 1))
            rows.append(
                [
                    c,
                    f"{ow:.2f}",
                    f"{tw:.2f}",
                    f"{tw / ow:.2f}",
                    f"{oc:.2f}",
                    f"{tc:.2f}",
                    f"{tc / oc:.2f}",
                ]  # fmt: skip
            )
    print(f"\nThis checkout against {other}: medians of {repeat} alternating runs (s)\n")
    head = ["command", "wall", "wall other", "× faster", "CPU", "CPU other", "× less CPU"]
    print(_table(rows, head))


def stages(root: Path, command: str, scenario: Path, tmp: Path) -> dict[str, Any]:
    """One instrumented run of ``command``: total and exclusive time per stage."""
    out = tmp / "stages.json"
    code = "\n".join(
        [
            f"ROOT = {str(root)!r}",
            f"ARGS = {_args(command, scenario, tmp)!r}",
            f"OUT = {str(out)!r}",
            f"STAGES = {STAGES!r}",
            _CHILD,
        ]
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=scenario.parent,
        env=_env(root),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0 or not out.exists():
        raise SystemExit(f"{command} (instrumented) failed:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(out.read_text())
    if result["code"] not in (0, None):
        raise SystemExit(f"{command} (instrumented) exited with {result['code']}")
    return result


def sample_copy(root: Path, tmp: Path) -> Path:
    """A copy of the sample's inputs in ``tmp`` (no cache, results or maps); its scenario."""
    src = root / "data" / "wuhan"
    dst = tmp / "wuhan"
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("cache", "results", "maps"))
    return dst / "scenario.toml"


def _table(rows: list[list[Any]], header: list[str]) -> str:
    cells = [[str(c) for c in header]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"

    def line(r: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"

    return "\n".join([line(cells[0]), sep, *(line(r) for r in cells[1:])])


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--root", type=Path, default=ROOT, help="checkout to measure")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--commands", default="run,plan,report,map")
    ap.add_argument("--no-stages", action="store_true", help="no stage tables")
    ap.add_argument("--compare", type=Path, help="also: alternate runs against this checkout")
    ap.add_argument(
        "--source-only", action="store_true", help="keep PYTHONDONTWRITEBYTECODE (no .pyc)"
    )
    a = ap.parse_args()
    _BYTECODE[0] = not a.source_only
    root = a.root.resolve()
    commands = [c for c in a.commands.split(",") if c]
    for c in commands:
        if c not in COMMANDS:
            raise SystemExit(f"unknown command {c!r}; use {', '.join(COMMANDS)}")
    print(
        f"checkout {root}; Python {platform.python_version()}; {os.cpu_count()} CPUs; .pyc {'off' if a.source_only else 'on'}"
    )
    print(f"load average at start: {_load()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    with tempfile.TemporaryDirectory(prefix="e2e-") as name:
        tmp = Path(name)
        scenario = sample_copy(root, tmp)
        cold, cold_cpu = wall(root, "run", scenario, tmp)  # empty network cache; warms OS caches
        rows = [["run, cold cache", "1", f"{cold:.2f}", "", f"{cold_cpu:.2f}", "", ""]]
        for c in commands:
            runs = [wall(root, c, scenario, tmp) for _ in range(max(1, a.repeat))]
            med = statistics.median(w for w, _ in runs)
            cpu = statistics.median(u for _, u in runs)
            target = COMMANDS[c][1]
            lo, hi = min(w for w, _ in runs), max(w for w, _ in runs)
            rows.append(
                [
                    c,
                    str(len(runs)),
                    f"{med:.2f}",
                    f"{lo:.2f}–{hi:.2f}",
                    f"{cpu:.2f}",
                    f"≤ {target:g}",
                    "yes" if med <= target else "no",
                ]  # fmt: skip
            )
        print("\nCommands: `python -m coverage COMMAND` in a fresh process, wall and CPU (s)\n")
        print(_table(rows, ["command", "runs", "median", "range", "CPU", "target", "met"]))
        print(f"load average after: {_load()}")
        for c in [] if a.no_stages else commands:
            results = [stages(root, c, scenario, tmp) for _ in range(max(1, a.repeat))]
            names = sorted({k for r in results for k in r["stages"]})
            med = {k: statistics.median(r["stages"].get(k, 0.0) for r in results) for k in names}
            total = statistics.median(r["total"] for r in results)
            srows = [
                [k, f"{v:.3f}", f"{100 * v / total:.1f} %"]
                for k, v in sorted(med.items(), key=lambda kv: -kv[1])
            ]
            srows.append(["total (in process)", f"{total:.3f}", "100 %"])
            print(f"\nStages of `{c}` (exclusive seconds, median of {len(results)})\n")
            print(_table(srows, ["stage", "median s", "share"]))
        print(f"\nload average at end: {_load()}")
    if a.compare is not None:
        compare(a.compare.resolve(), root, commands, a.repeat)
        print(f"load average at end: {_load()}")


if __name__ == "__main__":
    main()
