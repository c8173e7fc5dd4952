"""network.download over real HTTP: a local server plays Nominatim and Overpass.

osmnx is not mocked: it geocodes and queries a ``http.server`` on 127.0.0.1 that answers with the
stored responses in tests/fixtures (hand-written in the Nominatim / Overpass JSON formats, see
tests/fixtures/README.md). osmnx 2.1.1 builds its URLs as

* ``settings.nominatim_url + "/search"`` (GET, ``format=json&polygon_geojson=1&dedupe=0&limit=50&q=…``),
* ``settings.overpass_url + "/interpreter"`` (POST, form field ``data`` = the Overpass QL query),
* ``settings.overpass_url + "/status"`` (GET, only when ``settings.overpass_rate_limit``; line 5
  of the text must start with the number of free slots, else osmnx pauses 60 s).

Every test restores the osmnx settings it changes (``download`` restores its own changes to
``use_cache``, ``cache_folder`` and ``useful_tags_way``), and ``socket.getaddrinfo``, which osmnx
patches when it resolves the Overpass host.
"""

from __future__ import annotations

import os
import socket
import threading
import types
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from pyproj import Transformer

from coverage import network
from coverage.errors import NetworkError
from coverage.network import fetch
from coverage.overpass import OverpassUnreachable, check_overpass

PLACE = "江北区, 重庆市, 中国"
BBOX = (106.528, 29.578, 106.535, 29.583)  # west, south, east, north: around all the nodes

# the Overpass status page as overpass-api.de serves it; line 5 = "2 slots available now."
STATUS = (
    "Connected as: 2130706433\n"
    "Current time: 2024-06-01T00:00:00Z\n"
    "Announced endpoint: none\n"
    "Rate limit: 2\n"
    "2 slots available now.\n"
    "Currently running queries (pid, space limit, time limit, start time):\n"
)


class FakeOSM:
    """A local HTTP server answering Nominatim search and Overpass interpreter/status requests."""

    def __init__(self, fixtures: Path) -> None:
        self.nominatim = (fixtures / "nominatim_jiangbei.json").read_bytes()
        self.overpass = (fixtures / "overpass_jiangbei.json").read_bytes()
        # osmnx's features query (water and green) names the tags as 'natural'='water'
        self.landcover = (fixtures / "overpass_landcover.json").read_bytes()
        self.fail_landcover = False  # answer only the water/green query with HTTP 500
        self.fail = False  # answer queries with HTTP 500
        self.requests: list[tuple[str, str, dict[str, list[str]]]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _send(self, code: int, body: bytes, ctype: str) -> None:
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802
                url = urlsplit(self.path)
                fake.requests.append(("GET", url.path, parse_qs(url.query)))
                if url.path == "/api/status":
                    self._send(200, STATUS.encode(), "text/plain")
                elif fake.fail:
                    self._send(500, b"Internal Server Error", "text/plain")
                elif url.path == "/nominatim/search":
                    self._send(200, fake.nominatim, "application/json; charset=utf-8")
                else:
                    self._send(404, b"not found", "text/plain")

            def do_POST(self) -> None:  # noqa: N802
                url = urlsplit(self.path)
                n = int(self.headers.get("Content-Length", 0))
                form = parse_qs(self.rfile.read(n).decode())
                fake.requests.append(("POST", url.path, form))
                landcover = "'natural'" in form.get("data", [""])[0]
                if fake.fail or (landcover and fake.fail_landcover):
                    self._send(500, b"Internal Server Error", "text/plain")
                elif url.path == "/api/interpreter":
                    body = fake.landcover if landcover else fake.overpass
                    self._send(200, body, "application/json")
                else:
                    self._send(404, b"not found", "text/plain")

            def log_message(self, *args: Any) -> None:  # keep pytest output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if self.thread.is_alive():
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(5)

    def paths(self, method: str) -> list[str]:
        return [p for m, p, _ in self.requests if m == method]


def _point_osmnx_at(ox: Any, port: int) -> None:
    ox.settings.overpass_url = f"http://127.0.0.1:{port}/api"
    ox.settings.nominatim_url = f"http://127.0.0.1:{port}/nominatim"


@pytest.fixture
def ox_settings(monkeypatch) -> Iterator[Any]:
    """osmnx, with its settings and socket.getaddrinfo restored afterwards; no proxy for 127.0.0.1."""
    import osmnx as ox

    saved = {
        k: getattr(ox.settings, k)
        for k in dir(ox.settings)
        if not k.startswith("_")
        and not isinstance(getattr(ox.settings, k), types.ModuleType)
        and k not in {"Any", "TYPE_CHECKING", "annotations"}
    }
    saved = {k: (list(v) if isinstance(v, list) else v) for k, v in saved.items()}
    getaddrinfo = socket.getaddrinfo
    for var in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(var, "127.0.0.1,localhost")
    try:
        yield ox
    finally:
        socket.getaddrinfo = getaddrinfo
        for k, v in saved.items():
            setattr(ox.settings, k, v)


@pytest.fixture
def fake_osm(fixtures_dir, ox_settings) -> Iterator[FakeOSM]:
    server = FakeOSM(fixtures_dir)
    _point_osmnx_at(ox_settings, server.port)
    try:
        yield server
    finally:
        server.stop()


# Expected network, worked out from overpass_jiangbei.json: 6 street corners (990001 … 990006)
# and 7 segments. osmnx's walk networks are two-way throughout (the tertiary road's oneway=yes
# binds cars), the footway's middle node 990007 (a bollard) is not a junction, so the footway
# 990002 → 990007 → 990005 is one segment; every corner where the highway type changes
# (residential/tertiary at 990001, 990004; residential/steps at 990003, 990006) stays a node.
EXPECTED = {
    (990001, 990002): "residential",
    (990002, 990003): "residential",
    (990004, 990005): "residential",
    (990005, 990006): "residential",
    (990001, 990004): "tertiary",
    (990002, 990005): "footway",
    (990003, 990006): "steps",
}
LONLAT = {
    990001: (106.530, 29.580),
    990002: (106.531, 29.580),
    990003: (106.532, 29.580),
    990004: (106.530, 29.581),
    990005: (106.531, 29.581),
    990006: (106.532, 29.581),
    990007: (106.5311, 29.5805),
}


def _check_network(net: network.WalkNetwork) -> None:
    assert net.crs.to_epsg() == 32648  # UTM 48N
    got = {
        (min(u, v), max(u, v)): hw
        for u, v, hw in zip(net.edges["u"], net.edges["v"], net.edges["highway"], strict=True)
    }
    assert got == EXPECTED
    assert net.n_edges == 7 and net.edges["two_way"].all()
    to_utm = Transformer.from_crs(4326, 32648, always_xy=True)
    xy = {n: np.array(to_utm.transform(*ll)) for n, ll in LONLAT.items()}
    for n in range(990001, 990007):
        k = int(np.flatnonzero(net.node_ids == n)[0])
        assert (net.x[k], net.y[k]) == pytest.approx(tuple(xy[n]), abs=0.01)
    e = net.edges.set_index("highway")
    # footway: two straight pieces through the bollard, ≈ 55.9 + 55.9 m
    foot = np.linalg.norm(xy[990007] - xy[990002]) + np.linalg.norm(xy[990005] - xy[990007])
    assert e.loc["footway", "length"] == pytest.approx(foot, abs=0.01)
    # steps: 0.001° of latitude ≈ 110.83 m, at 1.25 m/s (4.5 km/h) × penalty 2 ≈ 177.3 s
    steps = np.linalg.norm(xy[990006] - xy[990003])
    assert e.loc["steps", "time_s"] == pytest.approx(steps / 1.25 * 2, abs=0.01)
    assert e.loc["steps", "time_s"] == pytest.approx(110.83 / 1.25 * 2, abs=0.05)


def test_download_place_then_offline_from_cache(fake_osm, ox_settings, tmp_path):
    ox = ox_settings
    mine = ("use_cache", "cache_folder", "useful_tags_way")
    before = {k: getattr(ox.settings, k) for k in mine}
    net = network.download(place=PLACE, cache_dir=tmp_path)
    _check_network(net)
    # the caller's osmnx settings are as they were (the download used its own, temporarily)
    assert {k: getattr(ox.settings, k) for k in mine} == before
    assert list((tmp_path / "http").glob("*.json"))  # … and osmnx's HTTP cache was ours
    assert net.report["source"] == f"osmnx download {PLACE}"

    # osmnx really went over HTTP: our check that Overpass can be reached at all, then osmnx's
    # geocoding, its status check and an Overpass query for the streets in our polygon, then the
    # same two checks and a query for the water and green areas
    status = "/api/status"
    assert fake_osm.paths("GET") == [status, "/nominatim/search", status, status, status]
    assert fake_osm.paths("POST") == ["/api/interpreter", "/api/interpreter"]
    search = next(r[2] for r in fake_osm.requests if r[1] == "/nominatim/search")
    assert search["q"] == [PLACE] and search["format"] == ["json"]
    assert search["polygon_geojson"] == ["1"]
    query = next(r[2] for r in fake_osm.requests if r[0] == "POST")["data"][0]
    assert query.startswith("[out:json]") and "(poly:" in query and '["highway"]' in query
    # the query polygon is the district polygon buffered by 500 m: its coordinates are there
    assert "29.57" in query and "106.52" in query

    caches = list(tmp_path.glob("walk-*.graphml"))
    assert len(caches) == 1 and not list(tmp_path.glob("*.part"))

    # offline: no server, and the osmnx HTTP cache removed: only the GraphML cache can answer
    fake_osm.stop()
    for f in (tmp_path / "http").glob("*"):
        f.unlink()
    ox.settings.overpass_url = "http://127.0.0.1:9/api"  # nothing listens on port 9 (discard)
    ox.settings.nominatim_url = "http://127.0.0.1:9/nominatim"
    again = network.download(place=PLACE, cache_dir=tmp_path)
    _check_network(again)
    cols = ["u", "v", "highway", "length", "time_s", "two_way"]
    assert again.edges[cols].equals(net.edges[cols])
    np.testing.assert_array_equal(again.node_ids, net.node_ids)
    np.testing.assert_allclose(np.c_[again.x, again.y], np.c_[net.x, net.y])


def test_download_bbox_then_offline_from_cache(fake_osm, ox_settings, tmp_path):
    net = network.download(bbox=BBOX, cache_dir=tmp_path)
    _check_network(net)
    # a bounding box needs no geocoding; streets, then water and green
    assert "/nominatim/search" not in fake_osm.paths("GET")
    assert fake_osm.paths("POST") == ["/api/interpreter", "/api/interpreter"]
    fake_osm.stop()
    again = network.download(bbox=BBOX, cache_dir=tmp_path)
    _check_network(again)
    # a different box is a different cache entry: with the server gone it must fail (no rate
    # limit check: osmnx would wait 60 s when the status page is unreachable)
    ox_settings.settings.overpass_rate_limit = False
    with pytest.raises(NetworkError, match="download of the walking network failed"):
        network.download(bbox=(106.529, 29.578, 106.535, 29.583), cache_dir=tmp_path)


@pytest.mark.parametrize("query", [{"place": PLACE}, {"bbox": BBOX}])
def test_download_server_error_gives_network_error(fake_osm, tmp_path, query):
    fake_osm.fail = True
    with pytest.raises(NetworkError, match="download of the walking network failed") as info:
        network.download(cache_dir=tmp_path, **query)
    assert "500" in str(info.value)
    assert not list(tmp_path.glob("walk-*.graphml"))  # nothing cached after a failure


@pytest.mark.parametrize("query", [{"place": PLACE}, {"bbox": BBOX}])
def test_download_connection_refused_gives_network_error(ox_settings, tmp_path, query):
    ox = ox_settings
    with socket.socket() as s:  # a free port that nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    _point_osmnx_at(ox, port)
    # osmnx would wait 60 s when the Overpass status page is unreachable
    ox.settings.overpass_rate_limit = False
    with pytest.raises(NetworkError, match="download of the walking network failed") as info:
        network.download(cache_dir=tmp_path, **query)
    assert isinstance(info.value.__cause__, Exception)
    assert "Connection" in type(info.value.__cause__).__name__ or "refused" in str(info.value)


def _free_port() -> int:
    with socket.socket() as s:  # a free port that nobody listens on
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_overpass_fails_at_once(ox_settings, tmp_path):
    """Offline, with osmnx's rate limit on (its default): osmnx would wait 60 s after failing to
    reach the status page, then fail on the query; the download fails on the status page itself,
    naming it (the check below fails after that minute without it)."""
    ox = ox_settings
    port = _free_port()
    _point_osmnx_at(ox, port)
    assert ox.settings.overpass_rate_limit is True
    with pytest.raises(NetworkError, match="download of the walking network failed") as info:
        network.download(bbox=BBOX, cache_dir=tmp_path)
    assert isinstance(info.value.__cause__, OverpassUnreachable)
    assert f"cannot reach http://127.0.0.1:{port}/api/status" in str(info.value)
    assert "\n" not in str(info.value)


def test_unreachable_server_is_worded_in_the_console_language(ox_settings, tmp_path):
    """The reason is our own words, so a Chinese message says it in Chinese: no English
    "cannot reach" inside it (the library's own text after it stays as the library wrote it)."""
    port = _free_port()
    _point_osmnx_at(ox_settings, port)
    with pytest.raises(NetworkError) as info:
        network.download(bbox=BBOX, cache_dir=tmp_path)
    zh = info.value.text("zh")
    assert zh.startswith("步行路网下载失败")
    assert f"无法连接 http://127.0.0.1:{port}/api/status：" in zh
    assert "cannot reach" not in zh and "OverpassUnreachable" not in zh


def test_offline_place_lookup_names_nominatim_not_overpass(ox_settings, tmp_path):
    """Offline with osmnx's cache on, a place name is looked up on Nominatim before Overpass is
    asked: the message names the server that failed (Nominatim's search page), not Overpass's
    status page, which was never what stopped the download."""
    port = _free_port()
    _point_osmnx_at(ox_settings, port)
    assert ox_settings.settings.use_cache is True
    with pytest.raises(NetworkError) as info:
        network.download(place="江北区, 重庆市, 中国", cache_dir=tmp_path)
    assert isinstance(info.value.__cause__, OverpassUnreachable)
    msg = str(info.value)
    assert f"cannot reach http://127.0.0.1:{port}/nominatim/search" in msg
    assert "/api/status" not in msg and "\n" not in msg


def test_check_overpass_asks_the_status_page_only_as_osmnx_would(fake_osm, ox_settings):
    ox = ox_settings
    check_overpass(ox)  # a server that answers: nothing raised, one question asked
    assert fake_osm.paths("GET") == ["/api/status"]
    ox.settings.overpass_rate_limit = False  # osmnx asks no status page: neither do we
    _point_osmnx_at(ox, _free_port())
    check_overpass(ox)
    assert fake_osm.paths("GET") == ["/api/status"]


def test_download_needs_exactly_one_query(tmp_path):
    with pytest.raises(NetworkError, match="exactly one of place, polygon or bbox"):
        network.download(cache_dir=tmp_path)
    with pytest.raises(NetworkError, match="exactly one of place, polygon or bbox"):
        network.download(place=PLACE, bbox=BBOX, cache_dir=tmp_path)


def test_settings_restored(ox_settings):
    """Runs after the download tests in file order: osmnx points at the real services again."""
    ox = ox_settings
    assert ox.settings.overpass_url == "https://overpass-api.de/api"
    assert ox.settings.nominatim_url == "https://nominatim.openstreetmap.org/"
    assert ox.settings.overpass_rate_limit is True


def test_place_scenario_runs_online_then_offline(fake_osm, ox_settings, tmp_path):
    """A scenario naming only a place (like data/jiangbei): boundary and network are fetched
    once over HTTP, then the run works with no server at all."""
    from coverage import pipeline

    (tmp_path / "fac.csv").write_text(
        "名称,层级,经度,纬度\n站点A,point,106.5300,29.5801\n站点B,subcentre,106.5320,29.5809\n",
        encoding="utf-8",
    )
    (tmp_path / "dem.csv").write_text(
        "lon,lat,workers\n106.5310,29.5800,10\n106.5320,29.5805,20\n106.5301,29.5810,30\n",
        encoding="utf-8",
    )
    (tmp_path / "s.toml").write_text(
        f'name = "jb"\n[network]\nplace = "{PLACE}"\ncache_dir = "cache"\n'
        '[[facilities]]\npath = "fac.csv"\n[[demand]]\npath = "dem.csv"\nweight = "workers"\n',
        encoding="utf-8",
    )
    first = pipeline.run(tmp_path / "s.toml", write=False)
    assert first.layers.area is not None and first.layers.area.area > 0
    assert len(list((tmp_path / "cache").glob("area-*.geojson"))) == 1
    assert len(first.coverage.demand) == 3 and len(first.coverage.facilities) == 2
    assert first.coverage.demand["covered"].all()  # everything is a few hundred metres apart
    fake_osm.stop()
    for f in (tmp_path / "cache" / "http").glob("*"):
        f.unlink()
    ox_settings.settings.overpass_url = "http://127.0.0.1:9/api"
    ox_settings.settings.nominatim_url = "http://127.0.0.1:9/nominatim"
    again = pipeline.run(tmp_path / "s.toml", write=False)
    assert again.layers.area.equals(first.layers.area)
    assert again.coverage.summary.equals(first.coverage.summary)
    # Water and green came with the network, survive clipping and reach both maps offline.
    _check_landcover(again.network.landcover)
    from map_payload import overlays

    from coverage.export_maps import coverage_map, write_print_map

    page = coverage_map(again, basemap="osm").get_root().render()
    assert [f["properties"]["cls"] for f in overlays(page)["landcover"]["data"]["features"]] == [
        "green",
        "water",
    ]
    import pypdf

    printed = write_print_map(again, tmp_path / "print.pdf", lang="en")
    text = pypdf.PdfReader(printed).pages[0].extract_text()
    assert "Water" in text and "Parks and green areas" in text
    assert "water and green areas: © OpenStreetMap contributors" in " ".join(text.split())


# --------------------------------------------------------------------------------------------
# The cache folder: checked before downloading; damaged cache files are named
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", [{"place": PLACE}, {"bbox": BBOX}])
@pytest.mark.parametrize("blocker", ["is a file", "is inside a file"])
def test_unwritable_cache_fails_before_downloading(fake_osm, tmp_path, query, blocker):
    a_file = tmp_path / "cache.txt"
    a_file.write_text("not a folder")
    folder = a_file if blocker == "is a file" else a_file / "cache"
    with pytest.raises(NetworkError) as info:
        network.download(cache_dir=folder, **query)
    msg = str(info.value)
    assert msg.startswith(f"{folder}: ") and "\n" not in msg
    assert msg.endswith("set network.cache_dir in the scenario to a folder you can write to")
    if blocker == "is a file":
        assert "is a file, not a folder" in msg
    else:
        assert "cannot write the network cache there (Not a directory)" in msg
    assert fake_osm.requests == []  # failed fast: nothing was downloaded only to be lost


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_read_only_cache_fails_before_downloading(fake_osm, tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(NetworkError, match="Permission denied") as info:
            network.download(bbox=BBOX, cache_dir=folder)
    finally:
        folder.chmod(0o755)
    assert str(info.value).startswith(f"{folder}: cannot write the network cache there")
    assert fake_osm.requests == []


def test_cached_network_needs_no_writable_folder(fake_osm, tmp_path, monkeypatch):
    network.download(bbox=BBOX, cache_dir=tmp_path)
    fake_osm.stop()

    def no_writing(folder: Path) -> None:
        pytest.fail(f"a cached network must not need a writable folder ({folder})")

    monkeypatch.setattr(fetch, "_writable_cache", no_writing)
    _check_network(network.download(bbox=BBOX, cache_dir=tmp_path))


@pytest.mark.parametrize("damage", ["cut in half", "empty"])
def test_damaged_cached_network_is_named(fake_osm, tmp_path, damage):
    network.download(bbox=BBOX, cache_dir=tmp_path)
    (cache,) = tmp_path.glob("walk-*.graphml")
    data = cache.read_bytes()
    cache.write_bytes(data[: len(data) // 2] if damage == "cut in half" else b"")
    with pytest.raises(NetworkError) as info:
        network.download(bbox=BBOX, cache_dir=tmp_path)
    msg = str(info.value)
    assert msg.startswith(f"{cache}: the cached download is unreadable (ParseError: ")
    assert msg.endswith("delete the file to download it again") and "\n" not in msg
    cache.unlink()  # as the message says: the next run downloads it again
    _check_network(network.download(bbox=BBOX, cache_dir=tmp_path))


def test_area_cache_checked_and_damage_named(fake_osm, tmp_path):
    a_file = tmp_path / "cache.txt"
    a_file.write_text("not a folder")
    with pytest.raises(NetworkError, match="is a file, not a folder"):
        network.geocode_area(PLACE, a_file)
    assert fake_osm.requests == []
    area = network.geocode_area(PLACE, tmp_path)
    (cache,) = tmp_path.glob("area-*.geojson")
    assert not list(tmp_path.glob("*.part"))
    cache.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    with pytest.raises(NetworkError) as info:
        network.geocode_area(PLACE, tmp_path)
    assert str(info.value).startswith(f"{cache}: the cached download is unreadable (")
    cache.unlink()
    assert network.geocode_area(PLACE, tmp_path).equals(area)


def test_cli_network_with_unwritable_cache_exits_1_in_one_line(fake_osm, tmp_path):
    from typer.testing import CliRunner

    from coverage.cli import app

    (tmp_path / "cache").write_text("not a folder")
    (tmp_path / "fac.csv").write_text("名称,层级,经度,纬度\n站点A,point,106.5300,29.5801\n")
    scenario = tmp_path / "s.toml"
    scenario.write_text(
        f'name = "jb"\n[network]\nbbox = {list(BBOX)}\ncache_dir = "cache"\n'
        '[[facilities]]\npath = "fac.csv"\n',
        encoding="utf-8",
    )
    res = CliRunner().invoke(app, ["network", str(scenario), "--lang", "en"])
    assert res.exit_code == 1
    errors = [line for line in res.output.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: {tmp_path / 'cache'}: the network cache folder is a file, not a folder; "
        "set network.cache_dir in the scenario to a folder you can write to"
    ]
    assert "Traceback" not in res.output
    assert fake_osm.requests == []


# --------------------------------------------------------------------------------------------
# Water and green areas: fetched with a downloaded network, cached beside it
# --------------------------------------------------------------------------------------------

# The network's nodes span 106.530-106.532 E, 29.580-29.581 N; the box asked for is that
# padded by 0.002°. From overpass_landcover.json (degrees, by hand):
# water: the pond 770001 (0.0006 × 0.0002), the park pond 770004 (0.0002 × 0.0001; tagged
#   leisure=park too, water wins) and the riverbank 770006 (0.0003 × 0.0002);
# green: the park 770002 (0.0006 × 0.0003, holding 770004) and the grass 770003, clipped by the
#   box's south-east corner (29.578, 106.534) to 0.001 × 0.001 of its 0.002 × 0.002;
# left out: the unclosed water way 770005 (a line) and the water node (a point).
LANDCOVER_BOX = (106.528, 29.578, 106.534, 29.583)
WATER_AREA = 0.0006 * 0.0002 + 0.0002 * 0.0001 + 0.0003 * 0.0002
GREEN_AREA = 0.0006 * 0.0003 + 0.001 * 0.001


def _check_landcover(lc: Any) -> None:
    assert list(lc["kind"]) == ["water", "green"] and lc.crs.to_epsg() == 4326
    by_kind = dict(zip(lc["kind"], lc.geometry, strict=True))
    assert by_kind["water"].area == pytest.approx(WATER_AREA, rel=1e-4)
    assert by_kind["green"].area == pytest.approx(GREEN_AREA, rel=1e-4)
    assert by_kind["green"].bounds == pytest.approx((106.5312, 29.578, 106.534, 29.5809))
    assert set(lc.geom_type) == {"MultiPolygon"}


def test_download_fetches_water_and_green_then_offline(fake_osm, ox_settings, tmp_path):
    net = network.download(bbox=BBOX, cache_dir=tmp_path)
    _check_landcover(net.landcover)
    query = fake_osm.requests[-1][2]["data"][0]
    for tag in ("'natural'='water'", "'waterway'='riverbank'", "'landuse'='reservoir'"):
        assert tag in query
    for tag in ("'leisure'='park'", "'landuse'='grass'", "'landuse'='forest'"):
        assert tag in query
    assert "106.534" in query and "29.578" in query  # the padded box of the nodes
    (cache,) = tmp_path.glob("landcover-*.parquet")
    (graph,) = tmp_path.glob("walk-*.graphml")
    assert cache.name.removeprefix("landcover-").removesuffix(".parquet") == graph.name[5:-8]
    # offline: the cache answers, and a clipped network keeps its background
    fake_osm.stop()
    for f in (tmp_path / "http").glob("*"):
        f.unlink()
    again = network.download(bbox=BBOX, cache_dir=tmp_path)
    _check_landcover(again.landcover)
    assert network.subset(again, again.edges["highway"] != "steps").landcover is again.landcover


def test_failed_water_and_green_leave_the_network(fake_osm, tmp_path, caplog):
    fake_osm.fail_landcover = True
    with caplog.at_level("WARNING", logger="coverage.network.fetch"):
        net = network.download(bbox=BBOX, cache_dir=tmp_path)
    _check_network(net)
    assert net.landcover is None
    assert "water and green areas could not be downloaded" in caplog.text
    assert not list(tmp_path.glob("landcover-*")) and not list(tmp_path.glob("*.part"))
    # later runs read the cached network and do not ask again (they may be offline)
    fake_osm.stop()
    again = network.download(bbox=BBOX, cache_dir=tmp_path)
    assert again.landcover is None and again.n_edges == net.n_edges


def test_network_files_have_no_water_and_green(fixtures_dir):
    assert network.load(fixtures_dir / "jiangbei_small.osm").landcover is None


def test_osmnx_cache_answers_offline_despite_the_overpass_check(fake_osm, ox_settings, tmp_path):
    """osmnx answers a query asked before from its HTTP cache without reaching Overpass: offline,
    with the status page unreachable, such a download still works (a network file deleted to be
    rebuilt, OSM candidates or buildings asked again), and one not in the cache fails at once."""
    first = network.download(bbox=BBOX, cache_dir=tmp_path)
    assert ox_settings.settings.overpass_rate_limit is True  # the status page was asked
    fake_osm.stop()
    for f in [*tmp_path.glob("walk-*.graphml"), *tmp_path.glob("landcover-*.parquet")]:
        f.unlink()  # only osmnx's own cache (tmp_path/http) is left
    again = network.download(bbox=BBOX, cache_dir=tmp_path)
    assert sorted(again.edges["highway"]) == sorted(first.edges["highway"])
    _check_landcover(again.landcover)
    assert ox_settings.settings.overpass_rate_limit is True  # restored
    other = (BBOX[0], BBOX[1], BBOX[2] + 0.001, BBOX[3])  # a query osmnx never asked
    with pytest.raises(NetworkError, match="download of the walking network failed") as info:
        network.download(bbox=other, cache_dir=tmp_path)
    assert isinstance(info.value.__cause__, OverpassUnreachable)
    assert f"cannot reach http://127.0.0.1:{fake_osm.port}/api/status" in str(info.value)
    assert ox_settings.settings.overpass_rate_limit is True


def test_osm_candidates_are_cached_in_the_scenario_cache_then_offline(
    fake_osm, ox_settings, tmp_path, monkeypatch
):
    """OSM candidates keep osmnx's HTTP cache in the scenario's cache folder, as the network
    does (not osmnx's default ``./cache`` in the working directory), so a later run offline
    reads them from there; the caller's osmnx settings are restored."""
    import shapely

    from coverage import planning

    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    cache = tmp_path / "scenario_cache"
    before = (ox_settings.settings.use_cache, ox_settings.settings.cache_folder)
    polygon = shapely.box(*BBOX)
    first = planning.osm_candidates(polygon=polygon, cache_dir=cache)
    assert "/api/interpreter" in fake_osm.paths("POST")
    assert list((cache / "http").glob("*.json")), "the answer is cached in the scenario's folder"
    assert not any(cwd.iterdir()), "nothing written to the working directory"
    assert (ox_settings.settings.use_cache, ox_settings.settings.cache_folder) == before
    fake_osm.stop()
    again = planning.osm_candidates(polygon=polygon, cache_dir=cache)  # offline: the cache
    assert again.equals(first)
