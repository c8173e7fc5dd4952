"""Valhalla side of ``peers.py``: runs in Valhalla's own venv (stdlib + osmium + pyvalhalla only).

pyvalhalla ships wheels for some Pythons only (3.9.x: CPython >= 3.12), so ``peers.py`` makes a
venv for it and calls this script in a subprocess:

    python valhalla_peer.py build WAYS.json DIR   # OSM PBF of the ways, config, tiles in DIR
    python valhalla_peer.py iso DIR REQUEST.json OUT.json

``WAYS.json``: ``{"nodes": [[id, lon, lat], ...], "ways": [[id, highway, [node ids]], ...]}`` —
the very street segments our network keeps, so both sides walk the same ways. ``REQUEST.json``:
``{"points": [[lon, lat], ...], "minutes": 15, "speed_kmh": 4.5, "options": {...}}``. The
isochrones are computed in-process with ``valhalla.Actor`` (one request per point, as a user
would); ``OUT.json`` gets their GeoJSON geometries and the wall time of the loop.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path


def build(ways_path: str, folder: str) -> None:
    import osmium
    import valhalla

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    data = json.loads(Path(ways_path).read_text())
    pbf = out / "streets.osm.pbf"
    pbf.unlink(missing_ok=True)
    writer = osmium.SimpleWriter(str(pbf))
    for nid, lon, lat in sorted(data["nodes"]):
        writer.add_node(osmium.osm.mutable.Node(id=nid, location=(lon, lat), version=1))
    for wid, highway, refs in data["ways"]:
        tags = {"highway": highway, "foot": "yes"}
        writer.add_way(osmium.osm.mutable.Way(id=wid, nodes=refs, tags=tags, version=1))
    writer.close()
    (out / "tiles").mkdir(exist_ok=True)
    config = valhalla.get_config(tile_extract="", tile_dir=str(out / "tiles"), verbose=False)
    config["mjolnir"]["admin"] = ""
    config["mjolnir"]["timezone"] = ""
    (out / "valhalla.json").write_text(json.dumps(config))
    exe = Path(valhalla.__file__).parent / "bin" / "valhalla_build_tiles"
    t = time.perf_counter()
    subprocess.run([str(exe), "-c", str(out / "valhalla.json"), str(pbf)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    print(json.dumps({"build_s": time.perf_counter() - t}))


def iso(folder: str, request_path: str, out_path: str) -> None:
    import valhalla

    req = json.loads(Path(request_path).read_text())
    config = json.loads((Path(folder) / "valhalla.json").read_text())
    actor = valhalla.Actor(config)
    opts = {"walking_speed": req["speed_kmh"], **req.get("costing_options", {})}
    geoms, errors, runs, cpu = [], [], [], []
    for repeat in range(int(req.get("repeat", 1))):
        t, c = time.perf_counter(), time.process_time()
        out = []
        for lon, lat in req["points"]:
            body = {
                "locations": [{"lon": lon, "lat": lat}],
                "costing": "pedestrian",
                "costing_options": {"pedestrian": opts},
                "contours": [{"time": req["minutes"]}],
                "polygons": True,
                **req.get("options", {}),
            }
            try:
                res = json.loads(actor.isochrone(json.dumps(body)))
                out.append(res["features"][0]["geometry"])
            except Exception as exc:  # noqa: BLE001 - report and go on (e.g. no edge nearby)
                out.append(None)
                if repeat == 0:
                    errors.append(str(exc)[:200])
        runs.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        geoms = out
    Path(out_path).write_text(
        json.dumps({"runs": runs, "cpu": cpu, "geometries": geoms, "errors": errors})
    )


if __name__ == "__main__":
    cmd, *rest = sys.argv[1:]
    {"build": build, "iso": iso}[cmd](*rest)
