"""The binary cache of prepared networks: a hit equals a fresh load; a changed file, setting or
a damaged cache file is rebuilt (and logged); an unwritable cache folder costs only the rebuild.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from geopandas.testing import assert_geodataframe_equal

from coverage import network, settings
from coverage.network import cache, loader

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "wuhan" / "streets.parquet"


def _same(a: network.WalkNetwork, b: network.WalkNetwork) -> None:
    assert_geodataframe_equal(a.edges, b.edges)
    assert list(a.edges.dtypes) == list(b.edges.dtypes)
    for field in ("node_ids", "x", "y"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert a.node_ids.dtype == b.node_ids.dtype
    assert (a.speed_mps, a.report, a.summary()) == (b.speed_mps, b.report, b.summary())
    assert a.crs == b.crs
    # Printed alike too: a cache hit gave the CRS as PROJJSON text instead of "EPSG:32650".
    assert str(a.crs) == str(b.crs) and a.edges.crs.to_string() == b.edges.crs.to_string()


@pytest.fixture
def streets(tmp_path) -> Path:
    return Path(shutil.copy(SAMPLE, tmp_path / "streets.parquet"))


@pytest.fixture
def builds(monkeypatch) -> list[Path]:
    """Every time the network is prepared from its file (not read from the cache)."""
    seen: list[Path] = []
    real = loader._load

    def counted(path, **kwargs):
        seen.append(path)
        return real(path, **kwargs)

    monkeypatch.setattr(loader, "_load", counted)
    return seen


def test_hit_equals_a_fresh_load(streets, tmp_path, builds):
    fresh = network.load(streets, speed_kmh=4.5)
    first = network.load(streets, speed_kmh=4.5, cache_dir=tmp_path / "cache")
    second = network.load(streets, speed_kmh=4.5, cache_dir=tmp_path / "cache")
    assert len(builds) == 2  # the fresh load and the first cached one; the second is a hit
    assert list((tmp_path / "cache").glob("network-streets-*.npz")) == [
        cache.cache_file(tmp_path / "cache", streets)
    ]
    _same(first, fresh)
    _same(second, fresh)
    assert second.csr.nnz == fresh.csr.nnz  # the routing graph is built from it as before


def test_changed_content_or_setting_is_a_miss(streets, tmp_path, builds, monkeypatch):
    where = tmp_path / "cache"
    network.load(streets, speed_kmh=4.5, cache_dir=where)
    # Same name, other content: the last 40 edges gone.
    edges = gpd.read_parquet(streets)
    edges.iloc[:-40].to_parquet(streets)
    changed = network.load(streets, speed_kmh=4.5, cache_dir=where)
    assert len(builds) == 2
    _same(changed, network.load(streets, speed_kmh=4.5))
    # Another speed, and another walk rule in the settings: rebuilt too.
    slower = network.load(streets, speed_kmh=3.6, cache_dir=where)
    assert len(builds) == 4 and slower.speed_mps == pytest.approx(1.0)
    monkeypatch.setattr(settings, "non_walkable_highways", frozenset({"motorway"}))
    opened = network.load(streets, speed_kmh=3.6, cache_dir=where)
    assert len(builds) == 5 and opened.n_edges > slower.n_edges
    # One file per source: each rebuild replaced the last.
    assert len(list(where.glob("*.npz"))) == 1


@pytest.mark.parametrize("damage", [b"", b"not a zip file", "truncated"])
def test_corrupt_cache_is_rebuilt_and_logged(streets, tmp_path, builds, caplog, damage):
    where = tmp_path / "cache"
    good = network.load(streets, speed_kmh=4.5, cache_dir=where)
    file = cache.cache_file(where, streets)
    if damage == "truncated":
        file.write_bytes(file.read_bytes()[: file.stat().st_size // 2])
    else:
        file.write_bytes(damage)
    with caplog.at_level(logging.INFO, logger="coverage.network.cache"):
        again = network.load(streets, speed_kmh=4.5, cache_dir=where)
    assert len(builds) == 2
    _same(again, good)
    assert any("not used" in r.getMessage() and "rebuilding" in r.getMessage()
               for r in caplog.records)  # fmt: skip
    network.load(streets, speed_kmh=4.5, cache_dir=where)  # the rewritten file is good
    assert len(builds) == 2


def test_unwritable_cache_folder_only_costs_the_rebuild(streets, tmp_path, builds):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    net = network.load(streets, speed_kmh=4.5, cache_dir=blocker / "cache")
    network.load(streets, speed_kmh=4.5, cache_dir=blocker / "cache")
    assert len(builds) == 2 and net.n_edges > 0


def test_stale_key_is_refused(streets, tmp_path):
    net = network.load(streets, speed_kmh=4.5)
    file = cache.write_network(tmp_path / "n.npz", net, "key-a")
    _same(cache.read_network(file, "key-a"), net)
    with pytest.raises(ValueError, match="stale"):
        cache.read_network(file, "key-b")


def test_pipeline_keeps_the_sample_network_in_the_scenario_cache(tmp_path):
    from coverage import pipeline

    folder = tmp_path / "wuhan"
    shutil.copytree(SAMPLE.parent, folder, ignore=shutil.ignore_patterns("cache", "results"))
    s = pipeline.load_scenario(folder / "scenario.toml")
    area, _ = pipeline.load_area(s)
    first = pipeline.load_network(s, area)
    assert len(list((folder / "cache").glob("network-streets-*.npz"))) == 1
    _same(pipeline.load_network(s, area), first)


def test_the_language_or_cache_folder_setting_is_still_a_hit(
    streets, tmp_path, builds, monkeypatch
):
    """The words of the outputs and where downloads go do not change a prepared network: an
    analyst switching settings.lang to English must not rebuild it."""
    where = tmp_path / "cache"
    network.load(streets, speed_kmh=4.5, cache_dir=where)
    monkeypatch.setattr(settings, "lang", "en")
    monkeypatch.setattr(settings, "cache_folder", str(tmp_path / "elsewhere"))
    network.load(streets, speed_kmh=4.5, cache_dir=where)
    assert len(builds) == 1
