"""prcoords on whole arrays: its own functions, run on numpy arrays, bit for bit.

prcoords converts one point at a time: 10k points cost a second, and a national register has
hundreds of thousands. Its functions are plain arithmetic on a ``(lat, lon)`` namedtuple plus
``math`` calls, so the same code objects run on whole numpy arrays when their ``math`` is one
that takes arrays. Where numpy's function does not give math's result bit for bit (checked once,
on a probe), math's own runs element by element; a prcoords whose code no longer runs on arrays
is used point by point. Nothing here re-implements the obfuscation formulas.

This is how :mod:`coverage.datum` converts, kept apart so that the public module reads as the
datums and their conversions; everyone else converts through :mod:`coverage.datum`.
"""

from __future__ import annotations

import functools
import logging
import math
import types
import warnings
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import numpy as np
import numpy.typing as npt
import prcoords

log = logging.getLogger(__name__)

__all__ = ["convert", "in_box", "point_by_point", "vector_table"]

Floats = npt.NDArray[np.float64]

#: Points this far (degrees) inside prcoords' box stay in it through every intermediate step
#: (BD-09 moves points by less than 0.01°), so its China check never triggers on them.
_EDGE_DEG = 0.05


def in_box(lon: Any, lat: Any, edge: float = 0.0) -> np.ndarray:
    """Whether points fall ``edge`` degrees or more inside prcoords' China box.

    Parameters
    ----------
    lon
        Longitudes in degrees.
    lat
        Latitudes in degrees.
    edge
        How far inside the box (degrees); 0 is the box itself, where prcoords shifts points.

    Returns
    -------
    ndarray
        One boolean per point.
    """
    x, y = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    # The box of prcoords.sanity_in_china_p, vectorised; a test checks they agree.
    return (
        (y >= 0.8293 + edge) & (y <= 55.8271 - edge) & (x >= 72.004 + edge) & (x <= 137.8347 - edge)
    )


def convert(
    func: Callable[..., tuple[float, float]], lon: Any, lat: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Apply a prcoords ``(lat, lon) -> (lat, lon)`` function to arrays of points.

    Parameters
    ----------
    func
        One of prcoords' conversions, e.g. ``prcoords.gcj_wgs_bored``.
    lon, lat
        Arrays (or scalars) in degrees; broadcast together.

    Returns
    -------
    (lon, lat)
        New float arrays. Points outside prcoords' box (:func:`in_box`) and NaN stay unchanged.
    """
    # Broadcast views are read-only: copy into fresh arrays that receive the results.
    lon, lat = (
        a.copy() for a in np.broadcast_arrays(np.asarray(lon, float), np.asarray(lat, float))
    )
    mask = np.isfinite(lon) & np.isfinite(lat) & in_box(lon, lat)
    if not mask.any():
        return lon, lat
    # prcoords' own code on whole arrays (same results bit for bit), except near the edge of
    # its China box, where an intermediate step may leave the box: there, point by point.
    vector = vector_table().get(func)
    inner = mask & in_box(lon, lat, _EDGE_DEG) if vector is not None else np.zeros_like(mask)
    if inner.any():
        assert vector is not None
        lat[inner], lon[inner] = vector(lat[inner], lon[inner])
    rest = mask & ~inner
    if rest.any():
        pairs = np.column_stack([lat[rest], lon[rest]])
        # Registers often repeat positions: each distinct one is converted once.
        unique, inverse = np.unique(pairs, axis=0, return_inverse=True)
        out = point_by_point(func, unique)[inverse.ravel()]
        lat[rest], lon[rest] = out[:, 0], out[:, 1]
    return lon, lat


def point_by_point(func: Callable[..., tuple[float, float]], pairs: np.ndarray) -> np.ndarray:
    """prcoords called once per ``(lat, lon)`` pair (the reference the array path must equal).

    Parameters
    ----------
    func
        One of prcoords' conversions.
    pairs
        ``(lat, lon)`` rows, inside prcoords' box.

    Returns
    -------
    ndarray
        The converted ``(lat, lon)`` rows.
    """
    with warnings.catch_warnings():
        # Points are inside prcoords' box, but an intermediate BD-09 → GCJ-02 step can land a
        # hair outside it; prcoords would warn and return that step unchanged, which is right.
        warnings.simplefilter("ignore")
        return np.array([func((a, b), False) for a, b in pairs], dtype=float).reshape(-1, 2)


def _elementwise(fn: Callable[..., float], nargs: int) -> Callable[..., Floats]:
    ufunc = np.frompyfunc(fn, nargs, 1)

    def call(*args: Any) -> Floats:
        return np.asarray(ufunc(*args), dtype=float)

    return call


def _array_math() -> SimpleNamespace:
    """``math`` for arrays: numpy where it equals math bit for bit on a probe, else math's own."""
    probe = np.linspace(-700.0, 700.0, 20_011)  # the arguments prcoords passes: |x| < 700
    fns: dict[str, Any] = {"pi": math.pi}
    for name, ufunc in (
        ("sin", np.sin),
        ("cos", np.cos),
        ("sqrt", np.sqrt),
        ("radians", np.radians),
    ):
        ref = getattr(math, name)
        args = np.abs(probe) if name == "sqrt" else probe
        same = np.array_equal(ufunc(args), np.array([ref(v) for v in args]))
        fns[name] = ufunc if same else _elementwise(ref, 1)
    for name in ("pow", "atan2", "hypot"):  # numpy's differ from math's in the last bit
        fns[name] = _elementwise(getattr(math, name), 2)
    return SimpleNamespace(**fns)


def _array_prcoords() -> dict[str, Any]:
    """prcoords' module-level functions, their code unchanged, running with :func:`_array_math`."""
    ns: dict[str, Any] = dict(vars(prcoords))
    ns["math"] = _array_math()
    for name, obj in vars(prcoords).items():
        if isinstance(obj, types.FunctionType) and obj.__closure__ is None:
            ns[name] = types.FunctionType(obj.__code__, ns, name, obj.__defaults__)
    return ns


def _bored(
    fwd: Callable[..., Any],
    rev: Callable[..., Any],
    hypot: Callable[..., Floats],
    lat: Floats,
    lon: Floats,
) -> tuple[Floats, Floats]:
    """prcoords' iterative inverse (``_bored``) on arrays: each point stops when prcoords would."""
    bad = prcoords.Coords(lat, lon)
    start = rev(bad, False)
    wlat, wlon = np.array(start.lat, dtype=float), np.array(start.lon, dtype=float)
    active = np.arange(len(lat))
    for _ in range(10):
        if not active.size:
            break
        diff = fwd(prcoords.Coords(wlat[active], wlon[active]), False) - prcoords.Coords(
            lat[active], lon[active]
        )
        wlat[active] = wlat[active] - diff.lat
        wlon[active] = wlon[active] - diff.lon
        active = active[hypot(diff.lat, diff.lon) > prcoords.PRC_EPS]  # abs(diff)
    return wlat, wlon


@functools.cache
def vector_table() -> dict[Callable[..., Any], Callable[[Floats, Floats], tuple[Floats, Floats]]]:
    """prcoords' conversions that run on arrays, each with its array version (built once).

    Returns
    -------
    dict
        prcoords function → ``(lat, lon) -> (lat, lon)`` on arrays. A conversion that fails or
        differs on a probe is left out: :func:`convert` runs it point by point.
    """
    ns = _array_prcoords()

    def plain(fn: Callable[..., Any]) -> Callable[[Floats, Floats], tuple[Floats, Floats]]:
        def call(lat: Floats, lon: Floats) -> tuple[Floats, Floats]:
            c = fn(prcoords.Coords(lat, lon), False)
            return np.asarray(c.lat, dtype=float), np.asarray(c.lon, dtype=float)

        return call

    def bored(fwd: str, rev: str) -> Callable[[Floats, Floats], tuple[Floats, Floats]]:
        return lambda lat, lon: _bored(ns[fwd], ns[rev], ns["math"].hypot, lat, lon)

    table = {
        prcoords.wgs_gcj: plain(ns["wgs_gcj"]),
        prcoords.wgs_bd: plain(ns["wgs_bd"]),
        prcoords.gcj_wgs: plain(ns["gcj_wgs"]),
        prcoords.bd_wgs: plain(ns["bd_wgs"]),
        prcoords.gcj_wgs_bored: bored("wgs_gcj", "gcj_wgs"),
        prcoords.bd_wgs_bored: bored("wgs_bd", "bd_wgs"),
    }
    # A prcoords whose code no longer runs on arrays (or differs on them) is used point by point.
    probe = np.random.default_rng(0).uniform((73.0, 18.0), (135.0, 54.0), (64, 2))
    for func, vector in list(table.items()):
        try:
            lat, lon = vector(probe[:, 1], probe[:, 0])
            same = np.array_equal(np.column_stack([lat, lon]), point_by_point(func, probe[:, ::-1]))
        except Exception:  # noqa: BLE001 - any failure means: not on arrays
            same = False
        if not same:
            log.info("prcoords %s runs point by point (its code does not run on arrays)", func)
            del table[func]
    return table
