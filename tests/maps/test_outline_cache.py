"""The map's outline cache: a hit draws exactly what simplifying again would."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from coverage.maps import geometry
from coverage.maps.geometry import draw_geoms
from coverage.maps.outline_cache import cache_file


def _rings(n: int, seed: int) -> np.ndarray:
    """Wiggly polygons (many vertices within a metre of a circle) near Wuhan, in degrees."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        a = np.linspace(0, 2 * np.pi, 400, endpoint=False)
        r = 0.003 * (1 + 0.1 * np.sin(5 * a)) + rng.normal(0, 2e-6, a.size)
        x, y = 114.27 + 0.01 * i + r * np.cos(a), 30.58 + r * np.sin(a)
        out.append(shapely.Polygon(np.column_stack([x, y])))
    out.append(None)  # a missing geometry stays missing
    return np.asarray(out, dtype=object)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return list(shapely.to_wkb(a)) == list(shapely.to_wkb(b))


@pytest.mark.parametrize("datum", ["wgs84", "gcj02"])
def test_a_hit_draws_what_simplifying_draws(tmp_path, monkeypatch, datum):
    geoms = _rings(4, 1)
    slow = draw_geoms(geoms, datum, simplify=1.0)
    first = draw_geoms(geoms, datum, simplify=1.0, cache=(tmp_path, "catch"))
    assert cache_file(tmp_path, "catch").exists()
    assert _same(first, slow)

    def no_simplify(*args, **kwargs):
        raise AssertionError("simplified again although the cache holds the drawing")

    monkeypatch.setattr(geometry.shapely, "simplify", no_simplify)
    hit = draw_geoms(geoms, datum, simplify=1.0, cache=(tmp_path, "catch"))
    assert _same(hit, slow)
    assert hit[-1] is None and shapely.get_num_coordinates(hit[0]) < 400


def test_other_input_or_tolerance_draws_again(tmp_path):
    geoms, other = _rings(3, 1), _rings(3, 2)
    draw_geoms(geoms, "wgs84", simplify=1.0, cache=(tmp_path, "catch"))
    again = draw_geoms(other, "wgs84", simplify=1.0, cache=(tmp_path, "catch"))
    assert _same(again, draw_geoms(other, "wgs84", simplify=1.0))
    coarser = draw_geoms(other, "wgs84", simplify=5.0, cache=(tmp_path, "catch"))
    assert _same(coarser, draw_geoms(other, "wgs84", simplify=5.0))
    assert not _same(coarser, again)
    assert len(list(tmp_path.glob("map-outlines-*"))) == 1  # one file per role


def test_a_damaged_file_is_drawn_again(tmp_path):
    geoms = _rings(2, 3)
    cache_file(tmp_path, "catch").write_bytes(b"not an npz")
    got = draw_geoms(geoms, "wgs84", simplify=1.0, cache=(tmp_path, "catch"))
    assert _same(got, draw_geoms(geoms, "wgs84", simplify=1.0))
