"""Drawn outlines kept between runs: simplifying the catchments is most of the map's time.

``shapely.simplify(..., preserve_topology=True)`` of the sample's 570 catchment outlines takes
about 0.35 s of CPU, every run, for the same polygons. This module keeps what
:func:`coverage.maps.geometry.draw_geoms` made of them (simplified, shifted to the basemap's
datum, rounded) in the scenario's cache folder, one ``.npz`` file (WKB bytes, no pickle) per
layer role, keyed by the input geometries' WKB, the datum, the tolerance, the shapely/GEOS
versions and this package's geometry code. A key that differs is recomputed and overwrites the
file, so the folder holds at most one file per role. WKB keeps every coordinate bit for bit:
a hit draws exactly what a miss would.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from coverage import io as cio

__all__ = ["cache_file", "cached", "outline_key"]

log = logging.getLogger(__name__)

#: Version of the file layout; a change makes every older file stale.
FORMAT = 1


@functools.cache
def _code_hash() -> str:
    """The code that turns geometries into drawn ones (simplify, datum shift, rounding)."""
    import prcoords

    here = Path(__file__).resolve().parent
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{FORMAT} {shapely.__version__} {shapely.geos_version_string}".encode())
    h.update(str(getattr(prcoords, "__version__", "")).encode())
    for f in (here / "geometry.py", here.parent / "datum.py"):
        h.update(f.read_bytes())
    return h.hexdigest()


def _wkb(geoms: np.ndarray) -> list[bytes | None]:
    out: list[bytes | None] = list(shapely.to_wkb(geoms, include_srid=False))
    return out


def outline_key(geoms: np.ndarray, datum: str, tolerance: float) -> str:
    """Hex key of drawing ``geoms`` in ``datum`` within ``tolerance`` (degrees)."""
    h = hashlib.blake2b(digest_size=20)
    h.update(f"{_code_hash()}|{datum}|{float(tolerance)!r}|{len(geoms)}|".encode())
    for b in _wkb(geoms):
        h.update(b"-" if b is None else len(b).to_bytes(8, "little") + b)
    return h.hexdigest()


def cache_file(cache_dir: str | Path, role: str) -> Path:
    """The file of a layer role (``facility-catchments``, ``catchments-centre-15``, …)."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", role)[:80]
    return Path(cache_dir) / f"map-outlines-{safe}.npz"


def _read(file: Path, key: str) -> np.ndarray | None:
    try:
        with np.load(file, allow_pickle=False) as z:
            if bytes(z["key"]).decode() != key:
                return None
            blob, lengths = bytes(z["blob"]), z["lengths"]
    except (OSError, ValueError, KeyError):
        return None
    ends = np.cumsum(np.maximum(lengths, 0))
    parts = [None if n < 0 else blob[e - n : e] for n, e in zip(lengths, ends, strict=True)]
    out: np.ndarray = shapely.from_wkb(np.asarray(parts, dtype=object))
    return out


def _write(file: Path, key: str, drawn: np.ndarray) -> None:
    wkb = _wkb(drawn)
    lengths = np.asarray([-1 if b is None else len(b) for b in wkb], dtype=np.int64)
    blob = b"".join(b for b in wkb if b is not None)
    arrays: dict[str, np.ndarray] = {
        "key": np.frombuffer(key.encode(), dtype=np.uint8),
        "blob": np.frombuffer(blob, dtype=np.uint8),
        "lengths": lengths,
    }

    cio.write_npz(file, arrays)


def cached(
    geoms: np.ndarray,
    datum: str,
    tolerance: float,
    cache_dir: str | Path,
    role: str,
    draw: Callable[[], Any],
) -> np.ndarray:
    """``draw()`` (which draws ``geoms``), or what it returned last time for the same input.

    A folder that cannot be written only costs the saving: the drawing is returned anyway.
    """
    file = cache_file(cache_dir, role)
    key = outline_key(geoms, datum, tolerance)
    hit = _read(file, key)
    if hit is not None and len(hit) == len(geoms):
        return hit
    drawn: np.ndarray = np.asarray(draw(), dtype=object)
    try:
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
        _write(file, key, drawn)
    except OSError as exc:
        log.info("map outlines not cached: %s", exc)
    return drawn
