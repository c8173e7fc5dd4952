"""An audit whose network is downloaded per district (``[network] polygon = true``), offline.

osmnx is not mocked: it queries a ``http.server`` on 127.0.0.1 answering with the stored
Overpass responses (tests/fixtures, as in tests/test_download.py). The dask cluster runs its
worker in this process (``processes=False``) so that the worker's osmnx talks to that server;
the audit reaches it as an existing scheduler, as a cluster of machines would be.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import shapely

from coverage.audit import run_audit
from tests.test_download import FakeOSM, _point_osmnx_at
from tests.test_download import ox_settings as ox_settings  # noqa: F401 - a fixture

#: Two districts splitting the fixture's street block (106.530–106.532 E, 29.580–29.581 N).
WEST = shapely.box(106.528, 29.578, 106.5315, 29.583)
EAST = shapely.box(106.5315, 29.578, 106.535, 29.583)
CJK = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


@pytest.fixture
def fake_osm(fixtures_dir: Path, ox_settings: Any) -> Iterator[FakeOSM]:  # noqa: F811
    server = FakeOSM(fixtures_dir)
    _point_osmnx_at(ox_settings, server.port)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def scheduler() -> Iterator[str]:
    """A one-thread dask cluster inside this process (its osmnx settings are the test's)."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as cluster:
        yield cluster.scheduler_address


def _audit(tmp_path: Path) -> Path:
    gdf = gpd.GeoDataFrame(
        {"code": ["W", "E"], "name": ["West", "East"]}, geometry=[WEST, EAST], crs=4326
    )
    (tmp_path / "districts.geojson").write_text(gdf.to_json(), encoding="utf-8")
    (tmp_path / "fac.csv").write_text(
        "name,tier,lon,lat\nA,point,106.5300,29.5801\nB,point,106.5320,29.5809\n",
        encoding="utf-8",
    )
    (tmp_path / "dem.csv").write_text(
        "lon,lat,workers\n106.5310,29.5800,10\n106.5320,29.5805,20\n106.5301,29.5810,30\n",
        encoding="utf-8",
    )
    path = tmp_path / "audit.toml"
    path.write_text(
        'name = "dl"\nlang = "en"\n'
        '[districts]\npath = "districts.geojson"\ncrs = "wgs84"\n'
        '[network]\npolygon = true\ncache_dir = "cache"\n'
        '[[facilities]]\npath = "fac.csv"\ncrs = "wgs84"\n'
        '[[demand]]\npath = "dem.csv"\ncrs = "wgs84"\nweight = "workers"\n'
        '[output]\ndir = "results"\n',
        encoding="utf-8",
    )
    return path


def test_each_district_downloads_its_network_once(
    fake_osm: FakeOSM,
    ox_settings: Any,  # noqa: F811
    scheduler: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # output.dir is relative to the working directory
    path = _audit(tmp_path)
    lines: list[str] = []
    first = run_audit(path, scheduler=scheduler, progress=lines.append)
    assert {c: r["status"] for c, r in first.records.items()} == {"W": "done", "E": "done"}
    # One street query per district (its own polygon plus the walking margin), each network
    # cached under its own key. Water and green are asked for by the streets' box: both
    # districts got the same streets, so osmnx's own HTTP cache answers the second time.
    queries = [f["data"][0] for m, _, f in fake_osm.requests if m == "POST"]
    streets = [q for q in queries if '["highway"]' in q]
    assert len(streets) == 2 and len(set(streets)) == 2 and len(queries) == 3
    cache = tmp_path / "cache"
    assert len(list(cache.glob("walk-*.graphml"))) == 2
    assert len(list(cache.glob("landcover-*.parquet"))) == 2
    # West holds A and the points at 106.5301 and 106.5310; East holds B and 106.5320.
    assert first.records["W"]["figures"]["facilities_in"] == 1
    assert first.records["W"]["figures"]["demand"] == pytest.approx(40)
    assert first.records["E"]["figures"]["demand"] == pytest.approx(20)
    # The audit's lines are in its language (English: no Chinese word).
    assert lines and not [ln for ln in lines if CJK.search(ln)]
    assert any(ln.startswith("[2/2] ") and " done (" in ln for ln in lines)

    # Again, every district forced to run, with no server and no osmnx HTTP cache: the
    # networks come from the audit's cache and nothing is downloaded.
    fake_osm.stop()
    for f in (cache / "http").glob("*"):
        f.unlink()
    ox_settings.settings.overpass_url = "http://127.0.0.1:9/api"  # nothing listens there
    sent = len(fake_osm.requests)
    again = run_audit(path, scheduler=scheduler, force=True)
    assert {c: r["status"] for c, r in again.records.items()} == {"W": "done", "E": "done"}
    assert not any(r.get("resumed") for r in again.records.values())  # both ran again
    assert len(fake_osm.requests) == sent
    for code in ("W", "E"):
        assert again.records[code]["figures"] == first.records[code]["figures"]
