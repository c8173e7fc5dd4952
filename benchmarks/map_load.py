"""Size of the sample map and how fast it becomes usable in headless Chromium.

Renders the sample's map (``coverage run data/wuhan/scenario.toml --out <tmp> --map
<tmp>/m.html``, this checkout's code), then opens it ``--repeat`` times (default 5) from disk in
headless Chromium with no network (the browser tests' setup, ``tests/browser_helpers.py``) and
measures, from the start of navigation:

* ``load``: the page's load event (``PerformanceNavigationTiming.loadEventEnd``);
* ``markers``: the map's registry ready (``window.coverageMap.ready``) with every facility
  marker in the page (one ``svg.cov-fac`` per facility), checked on every animation frame by a
  script installed before the page's own;
* ``interactive``: the later of the two.

Prints the file size (and the payload's largest parts) and every run with the medians.
Issue #13's target: the map at most 3 MB and interactive within 2 s.

Run: ``python benchmarks/map_load.py`` (``--map FILE``: measure an existing map instead).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import SCENARIO, table  # noqa: E402
from browser_helpers import chromium  # noqa: E402

# Installed before any page script: the first animation frame at which the map is usable.
PROBE = """
(function () {
  function check() {
    var r = window.coverageMap;
    if (r && r.ready) {
      var n = Object.keys(r.facilities).length;
      if (n > 0 && document.querySelectorAll('svg.cov-fac').length >= n) {
        window.__covMarkersAt = performance.now();
        return;
      }
    }
    requestAnimationFrame(check);
  }
  requestAnimationFrame(check);
})();
"""

TIMES = """
var nav = performance.getEntriesByType('navigation')[0];
return {load: nav ? nav.loadEventEnd : null, markers: window.__covMarkersAt || null,
        facilities: window.coverageMap ? Object.keys(window.coverageMap.facilities).length : 0};
"""


def render(out: Path) -> Path:
    """The sample's map, written by this checkout's ``coverage run``."""
    page = out / "m.html"
    cmd = [sys.executable, "-c", "from coverage.cli import main; main()", "run", str(SCENARIO)]
    cmd += ["--out", str(out / "out"), "--map", str(page)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    print(f"rendered {page} in {time.perf_counter() - t:.1f} s")
    return page


def payload_parts(page: Path) -> list[list[Any]]:
    """The payload's largest parts (kB of compact JSON)."""
    match = re.search(r"^var coverageMeta=(.*);$", page.read_text(encoding="utf-8"), re.M)
    if not match:
        return []
    meta = json.loads(match.group(1))
    size = {
        k: len(json.dumps(v, ensure_ascii=False, separators=(",", ":")).encode())
        for k, v in meta.items()
    }
    for o in meta.get("overlays", []):
        size[f"overlays.{o['key']}"] = len(
            json.dumps(o, ensure_ascii=False, separators=(",", ":")).encode()
        )
    size.pop("overlays", None)
    top = sorted(size.items(), key=lambda kv: -kv[1])[:8]
    return [[k, f"{v / 1e3:,.0f}"] for k, v in top]


def measure(page: Path, repeat: int) -> list[dict[str, float]]:
    """``load`` and ``markers`` times (ms) of ``repeat`` fresh loads of ``page``."""
    runs = []
    with chromium() as driver:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PROBE})
        driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
        for _ in range(repeat):
            driver.get("about:blank")
            driver.get(page.as_uri())  # returns after the load event
            deadline = time.monotonic() + 30
            while True:
                t = driver.execute_script(TIMES)
                if t["markers"] is not None or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            if t["markers"] is None:
                raise SystemExit("the markers never appeared (30 s)")
            t["interactive"] = max(t["load"], t["markers"])
            runs.append(t)
    return runs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--map", type=Path, help="an existing map to measure (no rendering)")
    args = ap.parse_args()
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}; nproc {os.cpu_count()}; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {platform.platform()}")  # fmt: skip
    ver = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True, text=True)
    print(ver.stdout.strip())
    with tempfile.TemporaryDirectory(prefix="cov-mapload-") as tmp:
        page = args.map or render(Path(tmp))
        size = page.stat().st_size
        print(f"\nmap: {size:,} bytes ({size / 2**20:.2f} MiB, {size / 1e6:.2f} MB)")
        print(table(payload_parts(page), ["payload part", "kB"]))
        runs = measure(page, args.repeat)
    rows = [[i + 1, f"{r['load']:.0f}", f"{r['markers']:.0f}", f"{r['interactive']:.0f}"]
            for i, r in enumerate(runs)]  # fmt: skip
    med = {k: statistics.median(r[k] for r in runs) for k in ("load", "markers", "interactive")}
    rows.append(["median", *(f"{med[k]:.0f}" for k in ("load", "markers", "interactive"))])
    print(f"\n{runs[0]['facilities']} facility markers; times in ms from navigation start")
    print(table(rows, ["run", "load event", "markers drawn", "interactive"]))
    ok = size <= 3e6 and med["interactive"] <= 2000
    print(f"\ntarget (<= 3 MB, interactive <= 2 s): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
