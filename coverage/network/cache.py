"""A binary cache of prepared walking networks, so that the next run does not rebuild them.

Preparing a network (reading the file, the walk rule, one-ways, the largest component) costs
seconds on a city. The prepared :class:`~coverage.network.graph.WalkNetwork` is kept as one
``.npz`` file (plain numpy arrays, no pickle) per source file in the cache folder, keyed by:

* the source file's content (BLAKE2b), not its name or date;
* the options that change the preparation (speed, steps penalty, component, source name);
* every value of :mod:`coverage.settings` (the walk rule lives there);
* the code that prepares networks (the source of :mod:`coverage.network`) and :data:`FORMAT`.

A cache file whose key differs (stale) or that cannot be read (corrupt, truncated) is rebuilt
and replaced, with a log line; a cache that cannot be written only costs the next run the
rebuild. Files are written atomically (:mod:`coverage.io`).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from coverage import io as cio
from coverage import settings
from coverage.network.graph import WalkNetwork

__all__ = [
    "FORMAT",
    "Unsupported",
    "cache_key",
    "cache_file",
    "cached",
    "read_network",
    "write_network",
]

log = logging.getLogger(__name__)

#: Version of the file layout; a change makes every older cache file stale.
FORMAT = 1


class Unsupported(ValueError):
    """A network this cache cannot hold exactly (it is then simply not cached)."""


@functools.cache
def _code_hash() -> str:
    h = hashlib.blake2b(digest_size=16)
    for f in sorted(Path(__file__).parent.glob("*.py")):
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


#: Settings a prepared network does not depend on: changing them must not rebuild it.
_NOT_IN_NETWORK = frozenset({"lang", "cache_folder"})


def _settings() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in sorted(set(settings.__all__) - _NOT_IN_NETWORK):
        value = getattr(settings, name)
        out[name] = sorted(value) if isinstance(value, frozenset | set) else value
    return out


def cache_key(path: str | Path, options: dict[str, Any]) -> str:
    """The key of a prepared network: source content, options, settings and code (hex)."""
    h = hashlib.blake2b(digest_size=20)
    head = {"format": FORMAT, "options": options, "settings": _settings(), "code": _code_hash()}
    h.update(json.dumps(head, sort_keys=True, default=str).encode())
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def cache_file(cache_dir: str | Path, path: str | Path) -> Path:
    """The cache file of a source file: one per source (a new key replaces the old file)."""
    p = Path(path).resolve()
    tag = hashlib.blake2b(str(p).encode(), digest_size=8).hexdigest()
    return Path(cache_dir) / f"network-{p.stem}-{tag}.npz"


def cached(
    path: str | Path,
    cache_dir: str | Path,
    build: Callable[[], WalkNetwork],
    options: dict[str, Any],
) -> WalkNetwork:
    """The network prepared from ``path``: from the cache when its key matches, else built."""
    key = cache_key(path, options)
    file = cache_file(cache_dir, path)
    if file.is_file():
        try:
            net = read_network(file, key)
        except Exception as exc:  # noqa: BLE001 - any damage means: rebuild
            log.info("network cache %s not used (%s): rebuilding it", file, exc)
        else:
            log.info("network from the cache %s", file)
            return net
    net = build()
    try:
        write_network(file, net, key)
    except Exception as exc:  # noqa: BLE001 - a cache that cannot be written costs a rebuild
        log.info("network cache %s not written: %s", file, exc)
    return net


def _column(name: str, s: pd.Series) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """One edge column as arrays (numbers as they are, text as unicode plus a missing mask)."""
    dtype = s.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "biuf":
        return {"name": name, "kind": "num"}, {"": s.to_numpy()}
    values = s.to_numpy(dtype=object)
    missing = pd.isna(values)
    if not all(isinstance(v, str) for v in values[~missing]):
        raise Unsupported(f"column {name!r} holds values other than text")
    text = np.array(["" if m else v for v, m in zip(values, missing, strict=True)], dtype=str)
    return {"name": name, "kind": "text", "dtype": str(dtype)}, {"": text, "_na": missing}


def write_network(file: str | Path, net: WalkNetwork, key: str) -> Path:
    """Write ``net`` to ``file`` (atomically) under ``key``; :class:`Unsupported` if it cannot."""
    e = net.edges
    geoms = e.geometry.to_numpy()
    if not isinstance(e.index, pd.RangeIndex) or e.index.start != 0 or e.index.step != 1:
        raise Unsupported("the edges have an index of their own")
    if len(e) and not (shapely.get_type_id(geoms) == 1).all():
        raise Unsupported("not every edge is one LineString")
    arrays: dict[str, np.ndarray] = {}
    columns = []
    for i, name in enumerate(e.columns):
        if name == e.geometry.name:
            columns.append({"name": name, "kind": "geometry"})
            continue
        meta, parts = _column(str(name), e[name])
        columns.append(meta)
        arrays.update({f"c{i}{suffix}": a for suffix, a in parts.items()})
    coords, offsets = np.empty((0, 2)), np.zeros(1, dtype=np.int64)
    if len(e):
        _, coords, (offsets,) = shapely.to_ragged_array(geoms)
    if np.asarray(net.node_ids).dtype == object:
        raise Unsupported("node ids are not numbers")
    meta = {
        "key": key,
        "format": FORMAT,
        "crs": CRS.from_user_input(e.crs).to_json(),
        "speed_mps": float(net.speed_mps),
        "report": net.report,
        "columns": columns,
    }
    blob = json.dumps(meta, ensure_ascii=False, allow_nan=False).encode()
    arrays |= {
        "meta": np.frombuffer(blob, dtype=np.uint8),
        "coords": np.asarray(coords, dtype=float),
        "offsets": np.asarray(offsets, dtype=np.int64),
        "node_ids": np.asarray(net.node_ids),
        "x": np.asarray(net.x),
        "y": np.asarray(net.y),
    }

    return cio.write_npz(file, arrays)


def read_network(file: str | Path, key: str | None = None) -> WalkNetwork:
    """The network in a cache file; ValueError when its key is not ``key`` (stale)."""
    with np.load(file, allow_pickle=False) as z:
        meta = json.loads(z["meta"].tobytes().decode())
        if meta.get("format") != FORMAT or (key is not None and meta.get("key") != key):
            raise ValueError("stale: made from another file, setting or version")
        coords, offsets = z["coords"], z["offsets"]
        n = len(offsets) - 1
        geoms = (
            shapely.from_ragged_array(shapely.GeometryType.LINESTRING, coords, (offsets,))
            if n
            else np.empty(0, dtype=object)
        )
        data: dict[str, Any] = {}
        geometry = "geometry"
        for i, col in enumerate(meta["columns"]):
            if col["kind"] == "geometry":
                geometry = col["name"]
                data[geometry] = geoms
            elif col["kind"] == "num":
                data[col["name"]] = z[f"c{i}"]
            else:
                values = z[f"c{i}"].astype(object)
                values[z[f"c{i}_na"]] = np.nan
                data[col["name"]] = pd.Series(values, dtype=col["dtype"])
        crs = CRS.from_json(meta["crs"])
        # As the loaders set it (a plain EPSG code), so the CRS prints as after a fresh load.
        epsg = crs.to_epsg(min_confidence=70)
        edges = gpd.GeoDataFrame(data, geometry=geometry, crs=crs if epsg is None else epsg)
        return WalkNetwork(
            edges, z["node_ids"], z["x"], z["y"], float(meta["speed_mps"]), meta["report"]
        )
