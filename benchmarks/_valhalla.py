"""Valhalla as a peer: its own venv, tiles built from our network's ways, isochrones in a subprocess.

pyvalhalla 3.9 ships wheels for CPython >= 3.12 only (checked with ``pip download pyvalhalla``:
for 3.11 the newest binary wheel is 3.2.0, which has no tile builder). So this module looks for
a Python >= 3.12 (``$VALHALLA_PYTHON``, ``python3.12``/``python3.13`` on PATH, or a pyenv
version), makes ``benchmarks/.venv-valhalla`` with it (``python -m venv`` + ``pip install
pyvalhalla osmium``), writes the network's ways as an OSM PBF there, builds tiles with the
wheel's ``valhalla_build_tiles`` and runs the isochrones with ``valhalla.Actor``
(``valhalla_peer.py``). Every step that fails raises :class:`Unavailable` with the reason.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv-valhalla"
WORK = HERE / ".valhalla"
PEER = HERE / "valhalla_peer.py"


class Unavailable(RuntimeError):
    """Valhalla cannot be used here (the message says why)."""


def _python312() -> str | None:
    cands = [os.environ.get("VALHALLA_PYTHON", "")]
    cands += [shutil.which(n) or "" for n in ("python3.13", "python3.12")]
    home = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    cands += sorted(glob.glob(str(home / "versions" / "3.1[2-9]*" / "bin" / "python3")))
    for c in cands:
        if not c or not Path(c).exists():
            continue
        out = subprocess.run([c, "-c", "import sys; print(sys.version_info >= (3, 12))"],
                             capture_output=True, text=True)  # fmt: skip
        if out.stdout.strip() == "True":
            return c
    return None


def venv_python() -> Path:
    """The venv's Python with pyvalhalla and osmium installed (made on first use)."""
    py = VENV / "bin" / "python"
    ok = (
        py.exists()
        and subprocess.run(
            [str(py), "-c", "import valhalla, osmium"], capture_output=True
        ).returncode
        == 0
    )
    if ok:
        return py
    base = _python312()
    if base is None:
        raise Unavailable(
            "pyvalhalla 3.9 has wheels for Python >= 3.12 only and none was found "
            "(set VALHALLA_PYTHON); for Python 3.11 PyPI has only 3.2.0, without the tile builder"
        )
    made = subprocess.run([base, "-m", "venv", str(VENV)], capture_output=True, text=True)
    if made.returncode != 0:
        raise Unavailable(f"{base} -m venv failed: " + made.stderr.strip()[-300:])
    pip = subprocess.run([str(py), "-m", "pip", "install", "-q", "pyvalhalla", "osmium"],
                         capture_output=True, text=True)  # fmt: skip
    if pip.returncode != 0:
        raise Unavailable("pip install pyvalhalla osmium failed: " + pip.stderr.strip()[-300:])
    return py


def version(py: Path) -> str:
    out = subprocess.run([str(py), "-c", "import valhalla; print(valhalla.__version__)"],
                         capture_output=True, text=True)  # fmt: skip
    return out.stdout.strip() or "?"


def ways(net: Any) -> dict[str, list[Any]]:
    """The network's segments as OSM nodes and ways (WGS-84); segment ends keep their node ids."""
    to_ll = Transformer.from_crs(net.crs, 4326, always_xy=True)
    e = net.edges
    xy, idx = shapely.get_coordinates(e.geometry.values, return_index=True)
    lon, lat = to_ll.transform(xy[:, 0], xy[:, 1])
    first = np.r_[True, idx[1:] != idx[:-1]]
    last = np.r_[idx[1:] != idx[:-1], True]
    ids = np.arange(len(xy), dtype=np.int64) + int(net.node_ids.max()) + 1
    ids[first] = net.node_ids[e["u_idx"].to_numpy()]
    ids[last] = net.node_ids[e["v_idx"].to_numpy()]
    # an end node's position: its node's, so ways that share it meet exactly
    nlon, nlat = to_ll.transform(net.x, net.y)
    pos = {int(n): (float(a), float(b)) for n, a, b in zip(net.node_ids, nlon, nlat, strict=True)}
    inner = ~(first | last)
    nodes = [[int(n), *pos[int(n)]] for n in net.node_ids]
    nodes += [[int(i), float(a), float(b)] for i, a, b in
              zip(ids[inner], lon[inner], lat[inner], strict=True)]  # fmt: skip
    hw = [h[0] if isinstance(h, list | tuple | np.ndarray) else str(h) for h in e["highway"]]
    split = np.flatnonzero(first)
    refs = np.split(ids, split[1:])
    return {
        "nodes": nodes,
        "ways": [[k + 1, hw[k], r.tolist()] for k, r in enumerate(refs)],
    }


def build(py: Path, net: Any) -> tuple[Path, float | None]:
    """Tiles for ``net``'s ways, rebuilt only when the ways change. Returns (folder, build s)."""
    data = json.dumps(ways(net))
    key = hashlib.sha256(data.encode()).hexdigest()[:16]
    folder = WORK / key
    if (folder / "valhalla.json").exists() and any((folder / "tiles").rglob("*.gph")):
        return folder, None
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ways.json").write_text(data)
    out = subprocess.run([str(py), str(PEER), "build", str(folder / "ways.json"), str(folder)],
                         capture_output=True, text=True)  # fmt: skip
    if out.returncode != 0:
        raise Unavailable("valhalla_build_tiles failed: " + out.stderr.strip()[-300:])
    return folder, float(json.loads(out.stdout.strip().splitlines()[-1])["build_s"])


def isochrones(
    py: Path,
    folder: Path,
    lonlat: np.ndarray,
    minutes: float,
    speed_kmh: float,
    repeat: int,
    options: dict[str, Any] | None = None,
) -> tuple[list[float], list[float], list[Any], list[str]]:
    """Valhalla's pedestrian isochrone of each point: loop wall and CPU times, GeoJSON, errors."""
    req = {"points": np.asarray(lonlat).tolist(), "minutes": minutes, "speed_kmh": speed_kmh,
           "repeat": repeat, "options": options or {}}  # fmt: skip
    (folder / "request.json").write_text(json.dumps(req))
    out = subprocess.run([str(py), str(PEER), "iso", str(folder), str(folder / "request.json"),
                          str(folder / "result.json")], capture_output=True, text=True)  # fmt: skip
    if out.returncode != 0:
        raise Unavailable("valhalla isochrones failed: " + out.stderr.strip()[-300:])
    res = json.loads((folder / "result.json").read_text())
    return res["runs"], res["cpu"], res["geometries"], res["errors"]


if __name__ == "__main__":  # smoke test: python benchmarks/_valhalla.py
    sys.path.insert(0, str(HERE.parent))
    from coverage import network

    n = network.load(HERE.parent / "data" / "wuhan" / "streets.parquet", speed_kmh=4.5)
    p = venv_python()
    f, s = build(p, n)
    print(version(p), f, s)
    ll = Transformer.from_crs(n.crs, 4326, always_xy=True).transform(n.x[:3], n.y[:3])
    print(isochrones(p, f, np.c_[ll], 15, 4.5, 1)[:2])
