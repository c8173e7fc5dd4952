"""coverage.inputs.buildings: people from building footprints, and the OSM download.

Hand-made footprints are drawn in UTM 48N (EPSG:32648, metres, around Guanyinqiao, Chongqing),
the zone the module picks for them, so footprint areas are width × height and every expected
head count below is worked out by hand: area × levels ÷ floor area per person.

The download is tested over real HTTP: osmnx queries a ``http.server`` on 127.0.0.1 that answers
with tests/fixtures/overpass_buildings.json (hand-written in the Overpass JSON format; its
buildings are the UTM rectangles listed in :data:`FIXTURE`, converted to longitude/latitude with
seven decimals, ≈ 1 cm). osmnx is not mocked.
"""

from __future__ import annotations

import json
import math
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import geopandas as gpd
import numpy as np
import pandas as pd
import pydantic
import pytest
import shapely

from coverage.errors import InputError, ScenarioError
from coverage.inputs import buildings as b
from coverage.overpass import OverpassUnreachable

X0, Y0 = 648_200.0, 3_273_200.0  # UTM 48N, ≈ 106.5301° E, 29.5798° N
UTM = "EPSG:32648"


def box(x: float, y: float, w: float, h: float) -> shapely.Polygon:
    """A w × h metre rectangle whose south-west corner is (x, y) metres from the origin."""
    return shapely.box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + h)


def layer(rows: list[dict[str, Any]], crs: str | None = UTM) -> gpd.GeoDataFrame:
    geoms = [r.pop("geometry") for r in rows]
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=crs)


# --------------------------------------------------------------------------------------------
# Estimating people from hand-made footprints
# --------------------------------------------------------------------------------------------


def test_20_by_30_building_with_5_levels_holds_75_residents():
    gdf = layer([{"building": "apartments", "building:levels": "5", "geometry": box(0, 0, 20, 30)}])
    points, report = b.estimate_people(gdf, b.BuildingAssumptions(), "residents")
    # 20 m × 30 m = 600 m² × 5 levels = 3000 m² ÷ 40 m² per person = 75
    assert points["weight"].tolist() == pytest.approx([75.0], abs=1e-6)
    assert points["footprint_m2"].tolist() == pytest.approx([600.0], abs=1e-6)
    assert points["floor_area_m2"].tolist() == pytest.approx([3000.0], abs=1e-5)
    assert points["levels"].tolist() == [5.0] and points["levels_source"].tolist() == ["tag"]
    assert report["people"] == pytest.approx(75.0, abs=1e-6)
    assert report["buildings_in"] == report["buildings_used"] == 1
    assert report["levels_from_tag"] == 1 and report["levels_default"] == 0
    assert report["skipped"] == {}


def test_kind_by_its_chinese_name_counts_the_same_people():
    """ "居民" is the residents' kind: the same building types and floor area per person (40 m²),
    not an unknown kind."""
    gdf = layer([{"building": "apartments", "building:levels": "5", "geometry": box(0, 0, 20, 30)}])
    points, report = b.estimate_people(gdf, b.BuildingAssumptions(), "居民")
    assert points["weight"].tolist() == pytest.approx([75.0], abs=1e-6)  # 3000 m² ÷ 40 m²
    assert report["kind"] == "residents"


def test_points_are_wgs84_inside_their_footprint():
    # an L-shaped building: its centroid lies outside, the representative point inside
    ell = shapely.Polygon(
        [
            (X0, Y0),
            (X0 + 40, Y0),
            (X0 + 40, Y0 + 5),
            (X0 + 5, Y0 + 5),
            (X0 + 5, Y0 + 40),
            (X0, Y0 + 40),
        ]
    )
    gdf = layer([{"building": "residential", "geometry": ell}])
    points, _ = b.estimate_people(gdf)
    assert points.crs.to_epsg() == 4326
    footprint = gdf.to_crs(4326).geometry.iloc[0]
    assert footprint.contains(points.geometry.iloc[0])
    assert not footprint.contains(footprint.centroid)
    # 40×5 + 5×35 = 375 m² × 6 levels (residential default) ÷ 40 = 56.25
    assert points["weight"].iloc[0] == pytest.approx(56.25, abs=1e-6)


def test_type_defaults_when_levels_missing():
    gdf = layer(
        [
            {"building": "residential", "geometry": box(0, 0, 10, 40)},  # 400 m² × 6 ÷ 40 = 60
            {"building": "apartments", "geometry": box(50, 0, 20, 20)},  # 400 m² × 12 ÷ 40 = 120
            {"building": "house", "geometry": box(100, 0, 10, 12)},  # 120 m² × 2 ÷ 40 = 6
            {"building": "yes", "geometry": box(150, 0, 10, 20)},  # 200 m² × 3 ÷ 40 = 15
            {"building": "bungalow", "geometry": box(200, 0, 8, 10)},  # 80 m² × 1 ÷ 40 = 2
        ]
    )
    points, report = b.estimate_people(gdf)
    assert points["weight"].tolist() == pytest.approx([60, 120, 6, 15, 2], abs=1e-6)
    assert points["levels"].tolist() == [6, 12, 2, 3, 1]
    assert set(points["levels_source"]) == {"default"}
    assert report["levels_default"] == report["levels_missing"] == 5
    assert report["levels_from_tag"] == 0 and report["levels_unreadable"] == 0
    assert report["people"] == pytest.approx(203, abs=1e-6)


def test_type_not_listed_gets_default_levels():
    a = b.BuildingAssumptions(
        building_types={"residents": ("houseboat",), "workers": ("office",)},
        default_levels=4,
    )
    gdf = layer([{"building": "houseboat", "geometry": box(0, 0, 10, 10)}])
    points, _ = b.estimate_people(gdf, a)
    assert points["levels"].tolist() == [4.0]  # 100 m² × 4 ÷ 40 = 10
    assert points["weight"].tolist() == pytest.approx([10.0], abs=1e-6)


def test_node_and_line_buildings_are_skipped_and_reported():
    gdf = layer(
        [
            {"building": "apartments", "geometry": box(0, 0, 20, 30)},
            {"building": "apartments", "geometry": shapely.Point(X0 + 50, Y0)},
            {
                "building": "house",
                "geometry": shapely.LineString([(X0, Y0 + 50), (X0 + 9, Y0 + 50)]),
            },
            {"building": "house", "geometry": shapely.Polygon()},
            {"building": "house", "geometry": None},
            # degenerate ring: a polygon with no area
            {
                "building": "house",
                "geometry": shapely.Polygon([(X0, Y0), (X0 + 5, Y0), (X0 + 9, Y0)]),
            },
        ]
    )
    points, report = b.estimate_people(gdf)
    assert len(points) == 1 and report["buildings_used"] == 1 and report["buildings_in"] == 6
    assert points.index.tolist() == [0]
    assert report["skipped"] == {
        "no footprint (Point)": 1,
        "no footprint (LineString)": 1,
        "no geometry": 2,
        "zero footprint area": 1,
    }
    assert report["people"] == pytest.approx(600 * 12 / 40, abs=1e-6)


def test_each_skip_reason_is_worded_in_both_languages():
    words = {
        "no footprint (Point)": ("1 no footprint (Point)", "1 栋无轮廓（Point）"),
        "no geometry": ("1 no geometry", "1 栋无几何图形"),
        "zero footprint area": ("1 zero footprint area", "1 栋轮廓面积为零"),
        "building=garage": ("1 building=garage", "1 栋 building=garage"),
    }
    for why, (en, zh) in words.items():
        msg = b.skip_reason(why, 1)
        assert (msg.text("en"), msg.text("zh")) == (en, zh), why


def test_garbage_levels_use_the_default_and_are_counted():
    values = ["two", "-3", "0", "5,5", "5-6", "1e3", "nan", "inf", "300"]
    gdf = layer(
        [
            {"building": "residential", "building:levels": v, "geometry": box(20 * i, 0, 10, 10)}
            for i, v in enumerate(values)
        ]
    )
    points, report = b.estimate_people(gdf)
    # every one falls back to the residential default: 100 m² × 6 ÷ 40 = 15
    assert points["weight"].tolist() == pytest.approx([15.0] * len(values), abs=1e-6)
    assert report["levels_unreadable"] == report["levels_default"] == len(values)
    assert report["levels_missing"] == 0
    assert report["unreadable_levels"] == values[:5]  # a few examples for the report


def test_building_levels_variants():
    gdf = layer(
        [
            {"building": "apartments", "building:levels": "5;7", "geometry": box(0, 0, 10, 10)},
            {"building": "apartments", "building:levels": " 5.5 ", "geometry": box(20, 0, 10, 10)},
            {"building": "apartments", "building:levels": "", "geometry": box(40, 0, 10, 10)},
            {"building": "apartments", "building:levels": None, "geometry": box(60, 0, 10, 10)},
        ]
    )
    points, report = b.estimate_people(gdf)
    # 100 m² each: mean(5, 7) = 6 → 15; 5.5 → 13.75; missing → apartments default 12 → 30
    assert points["weight"].tolist() == pytest.approx([15, 13.75, 30, 30], abs=1e-6)
    assert points["levels_source"].tolist() == ["tag", "tag", "default", "default"]
    assert report["levels_from_tag"] == 2 and report["levels_missing"] == 2


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5", (5.0, "tag")),
        (" 12 ", (12.0, "tag")),
        ("5.5", (5.5, "tag")),
        ("5;6", (5.5, "tag")),
        ("3; 4; 8", (5.0, "tag")),
        (7, (7.0, "tag")),
        (7.0, (7.0, "tag")),
        (np.int64(4), (4.0, "tag")),
        ("200", (200.0, "tag")),
        ("", (None, "missing")),
        ("   ", (None, "missing")),
        (None, (None, "missing")),
        (float("nan"), (None, "missing")),
        ("abc", (None, "unreadable")),
        ("5 floors", (None, "unreadable")),
        ("-1", (None, "unreadable")),
        ("0", (None, "unreadable")),
        (0, (None, "unreadable")),
        ("5;", (None, "unreadable")),
        ("5;x", (None, "unreadable")),
        ("5,5", (None, "unreadable")),
        ("1e2", (None, "unreadable")),
        ("inf", (None, "unreadable")),
        (float("inf"), (None, "unreadable")),
        ("201", (None, "unreadable")),
        (True, (None, "unreadable")),
    ],
)
def test_parse_levels(value, expected):
    assert b.parse_levels(value) == expected


def test_types_counted_per_kind_and_floor_area_by_type():
    gdf = layer(
        [
            {"building": "apartments", "building:levels": "5", "geometry": box(0, 0, 20, 30)},
            {"building": "office", "building:levels": "10", "geometry": box(50, 0, 20, 20)},
            {"building": "retail", "building:levels": "1", "geometry": box(100, 0, 30, 20)},
            {"building": "garage", "geometry": box(150, 0, 6, 3)},
            {"building": "Office", "building:levels": "2", "geometry": box(200, 0, 10, 10)},
        ]
    )
    residents, r = b.estimate_people(gdf, kind="residents")
    assert residents["weight"].tolist() == pytest.approx([75.0], abs=1e-6)
    assert r["skipped"] == {"building=office": 2, "building=retail": 1, "building=garage": 1}
    workers, w = b.estimate_people(gdf, kind="workers")
    # office 400 m² × 10 ÷ 25 = 160; retail 600 m² × 1 ÷ 50 (per-type figure) = 12;
    # "Office" is read as office: 100 m² × 2 ÷ 25 = 8
    assert workers["weight"].tolist() == pytest.approx([160.0, 12.0, 8.0], abs=1e-6)
    assert workers["building"].tolist() == ["office", "retail", "office"]
    assert workers.index.tolist() == [1, 2, 4]
    assert w["skipped"] == {"building=apartments": 1, "building=garage": 1}
    assert w["people"] == pytest.approx(180.0, abs=1e-6)


def test_courtyard_hole_is_not_floor_area():
    ring = shapely.Polygon(box(0, 0, 40, 40).exterior.coords, [box(10, 10, 20, 20).exterior.coords])
    gdf = layer([{"building": "apartments", "building:levels": "3", "geometry": ring}])
    points, _ = b.estimate_people(gdf)
    # (1600 − 400) m² × 3 ÷ 40 = 90
    assert points["weight"].tolist() == pytest.approx([90.0], abs=1e-6)


def test_missing_building_column_counts_as_yes():
    gdf = layer([{"geometry": box(0, 0, 10, 20)}, {"geometry": box(50, 0, 10, 10)}])
    points, report = b.estimate_people(gdf)
    # yes: 3 levels; 200 m² × 3 ÷ 40 = 15 and 100 × 3 ÷ 40 = 7.5
    assert points["weight"].tolist() == pytest.approx([15.0, 7.5], abs=1e-6)
    assert report["type_missing"] == 2
    gdf = layer([{"building": None, "geometry": box(0, 0, 10, 20)}])
    assert b.estimate_people(gdf).report["type_missing"] == 1


def test_wgs84_input_gives_the_same_people():
    gdf = layer(
        [
            {"building": "apartments", "building:levels": "5", "geometry": box(0, 0, 20, 30)},
            {"building": "residential", "geometry": box(40, 0, 10, 40)},
        ]
    )
    points, _ = b.estimate_people(gdf.to_crs(4326))
    assert points["weight"].tolist() == pytest.approx([75.0, 60.0], rel=1e-6)


def test_empty_layer_gives_no_people():
    points, report = b.estimate_people(layer([]))
    assert len(points) == 0 and points.crs.to_epsg() == 4326
    assert report["people"] == 0 and report["buildings_in"] == 0


def test_layer_without_crs_is_refused():
    with pytest.raises(InputError, match="no coordinate system"):
        b.estimate_people(layer([{"building": "yes", "geometry": box(0, 0, 1, 1)}], crs=None))


def test_unknown_kind_is_refused():
    gdf = layer([{"building": "yes", "geometry": box(0, 0, 1, 1)}])
    with pytest.raises(ScenarioError, match="unknown demand kind 'visitors'.*residents, workers"):
        b.estimate_people(gdf, kind="visitors")


# --------------------------------------------------------------------------------------------
# Assumptions
# --------------------------------------------------------------------------------------------


def test_assumptions_change_the_estimate():
    gdf = layer([{"building": "apartments", "building:levels": "5", "geometry": box(0, 0, 20, 30)}])
    a = b.BuildingAssumptions(floor_area_per_person_m2={"residents": 30, "workers": 25})
    # 3000 m² ÷ 30 = 100
    assert b.estimate_people(gdf, a).report["people"] == pytest.approx(100.0, abs=1e-6)
    a = b.BuildingAssumptions(levels_by_type={"apartments": 20})
    gdf["building:levels"] = None  # 600 m² × 20 ÷ 40 = 300
    assert b.estimate_people(gdf, a).report["people"] == pytest.approx(300.0, abs=1e-6)
    a = b.BuildingAssumptions(max_levels=4)
    gdf["building:levels"] = "5"  # above max_levels: the default 12 → 180
    assert b.estimate_people(gdf, a).report["people"] == pytest.approx(180.0, abs=1e-6)


def test_assumptions_as_dict_round_trip():
    a = b.BuildingAssumptions(default_levels=5)
    d = a.as_dict()
    assert json.loads(json.dumps(d)) == d  # plain JSON for run.json
    assert d["floor_area_per_person_m2"] == {"residents": 40.0, "workers": 25.0}
    assert d["default_levels"] == 5 and d["levels_by_type"]["apartments"] == 12
    assert "yes" in d["building_types"]["residents"]
    assert set(d) == set(b.BuildingAssumptions.model_fields)  # every field recorded
    assert b.BuildingAssumptions(**d) == a


def test_assumptions_are_frozen_and_defaults_not_shared():
    a = b.BuildingAssumptions()
    with pytest.raises(pydantic.ValidationError):
        a.default_levels = 9  # type: ignore[misc]
    a.levels_by_type["apartments"] = 99
    assert b.BuildingAssumptions().levels_by_type["apartments"] == 12
    assert b.LEVELS_BY_TYPE["apartments"] == 12


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"default_levels": 0}, "greater than 0"),
        ({"max_levels": float("nan")}, "finite number"),
        ({"floor_area_per_person_m2": {"residents": -1, "workers": 25}}, "greater than 0"),
        ({"floor_area_per_person_m2": {"residents": 40}}, "must name the same demand kinds"),
        ({"building_types": {"residents": ("yes",)}}, "must name the same demand kinds"),
        ({"levels_by_type": {"Apartments": 10}}, "lower case"),
        ({"building_types": {"residents": ("yes ",), "workers": ()}}, "lower case"),
        ({"levels_per_type": {}}, "Extra inputs are not permitted"),
    ],
)
def test_bad_assumptions_are_refused(fields, message):
    with pytest.raises(pydantic.ValidationError, match=message):
        b.BuildingAssumptions(**fields)


# --------------------------------------------------------------------------------------------
# Download over real HTTP from a local Overpass
# --------------------------------------------------------------------------------------------

# The fixture's buildings, as drawn in UTM 48N before conversion to longitude/latitude:
# (element, id) → (building, levels tag, width × height in m, people by hand).
FIXTURE: dict[tuple[str, int], tuple[str, str | None, float, float]] = {
    ("way", 770001): ("apartments", "5", 20 * 30, 600 * 5 / 40),  # 75
    ("way", 770002): ("residential", None, 10 * 40, 400 * 6 / 40),  # 60, default levels
    ("way", 770003): ("yes", "5;7", 12 * 25, 300 * 6 / 40),  # 45, mean of 5 and 7
    ("way", 770004): ("house", "two", 10 * 12, 120 * 2 / 40),  # 6, garbage → default
    ("way", 770005): ("office", "10", 20 * 20, 400 * 10 / 25),  # 160 workers
    ("way", 770006): ("retail", "1", 30 * 20, 600 * 1 / 50),  # 12 workers
    ("way", 770007): ("garage", None, 6 * 3, 0.0),  # neither
    ("relation", 660001): ("apartments", "3", 40 * 40 - 20 * 20, 1200 * 3 / 40),  # 90
    ("node", 990101): ("apartments", "20", 0.0, 0.0),  # a node: no footprint
}
RESIDENTS = {
    k: v[3]
    for k, v in FIXTURE.items()
    if v[0] in ("apartments", "residential", "yes", "house") and v[2]
}
WORKERS = {k: v[3] for k, v in FIXTURE.items() if v[0] in ("office", "retail")}
AREA = shapely.box(106.5295, 29.5793, 106.5322, 29.5816)  # around every building

STATUS = "Connected as: 1\nCurrent time: 2024-06-01T00:00:00Z\nAnnounced endpoint: none\nRate limit: 2\n2 slots available now.\n"


class FakeOverpass:
    """A local HTTP server answering Overpass ``/api/interpreter`` and ``/api/status``."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.status = 200
        self.requests: list[tuple[str, str, dict[str, list[str]]]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _send(self, code: int, body: bytes) -> None:
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802
                fake.requests.append(("GET", urlsplit(self.path).path, {}))
                self._send(200, STATUS.encode())

            def do_POST(self) -> None:  # noqa: N802
                form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
                fake.requests.append(("POST", urlsplit(self.path).path, form))
                self._send(fake.status, fake.body if fake.status == 200 else b"Server Error")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api"

    def posts(self) -> list[dict[str, list[str]]]:
        return [form for method, _, form in self.requests if method == "POST"]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def ox(monkeypatch) -> Iterator[Any]:
    """osmnx, its settings and socket.getaddrinfo restored afterwards; no proxy for 127.0.0.1."""
    import osmnx

    keys = ("overpass_url", "overpass_rate_limit", "use_cache", "cache_folder", "requests_timeout")
    saved = {k: getattr(osmnx.settings, k) for k in keys}
    getaddrinfo = socket.getaddrinfo
    for var in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(var, "127.0.0.1,localhost")
    osmnx.settings.requests_timeout = 10
    try:
        yield osmnx
    finally:
        socket.getaddrinfo = getaddrinfo
        for k, v in saved.items():
            setattr(osmnx.settings, k, v)


@pytest.fixture
def overpass(fixtures_dir: Path, ox: Any) -> Iterator[FakeOverpass]:
    server = FakeOverpass((fixtures_dir / "overpass_buildings.json").read_bytes())
    ox.settings.overpass_url = server.url
    try:
        yield server
    finally:
        server.stop()


def _by_osm_id(points: gpd.GeoDataFrame) -> dict[tuple[str, int], float]:
    return {
        (e, int(i)): w
        for e, i, w in zip(points["element"], points["id"], points["weight"], strict=True)
    }


def _check_buildings(gdf: gpd.GeoDataFrame) -> None:
    assert gdf.crs.to_epsg() == 4326
    assert list(gdf.columns) == [*b.KEPT_COLUMNS, "geometry"]
    tags = zip(gdf["element"], gdf["id"], gdf["building"], gdf["building:levels"], strict=True)
    got = {(e, int(i)): (t, None if pd.isna(lv) else lv) for e, i, t, lv in tags}
    assert got == {k: (v[0], v[1]) for k, v in FIXTURE.items()}
    name = gdf.set_index(["element", "id"]).loc[("way", 770001), "name"]
    assert name == "观音桥1栋"


def _check_estimates(gdf: gpd.GeoDataFrame) -> None:
    # ≤ 1 cm of rounding in the fixture's coordinates: areas within 0.1 %
    points, report = b.estimate_people(gdf, kind="residents")
    assert _by_osm_id(points) == pytest.approx(RESIDENTS, rel=1e-3)
    assert report["people"] == pytest.approx(75 + 60 + 45 + 6 + 90, rel=1e-3)
    assert report["skipped"] == {
        "building=office": 1,
        "building=retail": 1,
        "building=garage": 1,
        "no footprint (Point)": 1,
    }
    assert report["levels_from_tag"] == 3 and report["levels_missing"] == 1
    assert report["levels_unreadable"] == 1 and report["unreadable_levels"] == ["two"]
    fp = dict(
        zip(zip(points["element"], points["id"], strict=True), points["footprint_m2"], strict=True)
    )
    assert fp[("relation", 660001)] == pytest.approx(1200, rel=1e-3)  # the courtyard is no floor
    points, report = b.estimate_people(gdf, kind="workers")
    assert _by_osm_id(points) == pytest.approx(WORKERS, rel=1e-3)
    assert report["people"] == pytest.approx(172, rel=1e-3)


def test_download_then_estimate_then_cache(overpass, ox, tmp_path):
    before = {k: getattr(ox.settings, k) for k in ("use_cache", "cache_folder")}
    gdf = b.download_buildings(AREA, cache_dir=tmp_path)
    assert {k: getattr(ox.settings, k) for k in before} == before  # the caller's settings
    _check_buildings(gdf)
    _check_estimates(gdf)
    # osmnx went over HTTP: one Overpass query for building=* in our polygon
    (form,) = overpass.posts()
    query = form["data"][0]
    assert query.startswith("[out:json]") and "['building'](poly:" in query
    assert "29.5793" in query and "106.5322" in query
    (cache,) = tmp_path.glob("buildings-*.parquet")
    assert not list(tmp_path.glob("*.part")) and list((tmp_path / "http").glob("*.json"))

    # the second call is answered from the cache: the server sees no request, even with
    # osmnx's own HTTP cache gone
    for f in (tmp_path / "http").glob("*"):
        f.unlink()
    seen = len(overpass.requests)
    again = b.download_buildings(AREA, cache_dir=tmp_path)
    assert len(overpass.requests) == seen
    _check_buildings(again)
    _check_estimates(again)
    # … and with no server at all
    overpass.stop()
    ox.settings.overpass_url = "http://127.0.0.1:9/api"
    assert b.download_buildings(AREA, cache_dir=tmp_path).equals(again)


def test_other_polygon_is_another_download(overpass, tmp_path):
    b.download_buildings(AREA, cache_dir=tmp_path)
    b.download_buildings(shapely.box(106.5296, 29.5793, 106.5322, 29.5816), cache_dir=tmp_path)
    assert len(overpass.posts()) == 2
    assert len(list(tmp_path.glob("buildings-*.parquet"))) == 2


def test_no_building_in_the_area_gives_an_empty_layer(overpass, tmp_path):
    overpass.body = json.dumps({"version": 0.6, "elements": []}).encode()
    gdf = b.download_buildings(AREA, cache_dir=tmp_path)
    assert len(gdf) == 0 and list(gdf.columns) == [*b.KEPT_COLUMNS, "geometry"]
    assert b.estimate_people(gdf).report["people"] == 0
    assert len(b.download_buildings(AREA, cache_dir=tmp_path)) == 0  # cached too
    assert len(overpass.posts()) == 1


def test_unreachable_overpass_fails_at_once(ox, tmp_path):
    """Offline, with osmnx's rate limit on: one line naming the status page, at once (osmnx alone
    waits 60 s after failing to reach it, then fails on the query)."""
    with socket.socket() as s:  # a free port that nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ox.settings.overpass_url = f"http://127.0.0.1:{port}/api"
    ox.settings.overpass_rate_limit = True
    with pytest.raises(InputError, match="download of OSM buildings failed") as info:
        b.download_buildings(AREA, cache_dir=tmp_path)
    assert isinstance(info.value.__cause__, OverpassUnreachable)
    assert f"127.0.0.1:{port}/api/status" in str(info.value) and "\n" not in str(info.value)
    assert not list(tmp_path.glob("buildings-*"))


def test_server_error_is_one_line_and_nothing_cached(overpass, ox, tmp_path):
    overpass.status = 500
    with pytest.raises(InputError, match="download of OSM buildings failed") as info:
        b.download_buildings(AREA, cache_dir=tmp_path)
    assert "\n" not in str(info.value) and str(tmp_path) in str(info.value)
    assert not list(tmp_path.glob("buildings-*"))


def test_unwritable_cache_fails_before_downloading(overpass, tmp_path):
    a_file = tmp_path / "cache"
    a_file.write_text("not a folder")
    with pytest.raises(InputError) as info:
        b.download_buildings(AREA, cache_dir=a_file)
    assert str(info.value) == (
        f"{a_file}: the cache folder is a file, not a folder; give a cache folder you can write to"
    )
    assert overpass.requests == []


def test_damaged_cache_is_named(overpass, tmp_path):
    b.download_buildings(AREA, cache_dir=tmp_path)
    (cache,) = tmp_path.glob("buildings-*.parquet")
    cache.write_bytes(cache.read_bytes()[:100])
    with pytest.raises(InputError) as info:
        b.download_buildings(AREA, cache_dir=tmp_path)
    msg = str(info.value)
    assert msg.startswith(f"{cache}: the cached download is unreadable (")
    assert msg.endswith("delete the file to download it again") and "\n" not in msg
    cache.unlink()
    _check_buildings(b.download_buildings(AREA, cache_dir=tmp_path))


@pytest.mark.parametrize(
    ("polygon", "message"),
    [
        (shapely.Point(106.53, 29.58), "for a polygon, not Point"),
        (shapely.Polygon(), "for a polygon, not Polygon"),
        (shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)]), "invalid \\(Self-intersection"),
        (shapely.box(648000, 3273000, 648500, 3273500), "not in longitude/latitude"),
    ],
)
def test_bad_polygon_is_refused(polygon, message, tmp_path):
    with pytest.raises(InputError, match=message):
        b.download_buildings(polygon, cache_dir=tmp_path)
    assert not any(tmp_path.iterdir())


def test_hand_figures_agree_with_a_plain_shoelace(fixtures_dir):
    """A second check of the fixture's areas: shoelace on the nodes projected with pyproj."""
    from pyproj import Transformer

    data = json.loads((fixtures_dir / "overpass_buildings.json").read_text(encoding="utf-8"))
    nodes = {e["id"]: (e["lon"], e["lat"]) for e in data["elements"] if e["type"] == "node"}
    to_utm = Transformer.from_crs(4326, 32648, always_xy=True)
    for e in data["elements"]:
        if e["type"] == "way" and e["id"] in (
            770001,
            770002,
            770003,
            770004,
            770005,
            770006,
            770007,
        ):
            xy = np.array([to_utm.transform(*nodes[n]) for n in e["nodes"]])
            x, y = (xy - xy[0]).T  # relative to a corner: no cancellation in the products
            area = abs(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1])) / 2
            # within the ≈ 1 cm rounding of the coordinates times the perimeter
            assert math.isclose(area, FIXTURE[("way", e["id"])][2], abs_tol=0.5)


# --------------------------------------------------------------------------------------------
# Through a whole run: [[demand]] osm_buildings = true, over the same local Overpass
# --------------------------------------------------------------------------------------------


def _buildings_scenario(folder: Path) -> Path:
    """A 4 × 4 grid of 100 m blocks (UTM 48N) around the fixture's buildings, one facility at its
    middle, the area = AREA, demand = residents and workers from OSM buildings."""
    from conftest import edge_table, grid_lines
    from pyproj import Transformer

    to_m = Transformer.from_crs("EPSG:4326", "EPSG:32648", always_xy=True)
    x0, y0 = to_m.transform(AREA.bounds[0], AREA.bounds[1])
    origin = (round(x0) - 70.0, round(y0) - 70.0)
    edge_table(grid_lines(4, 100.0), origin=origin, crs="EPSG:32648").to_parquet(
        folder / "streets.parquet"
    )
    to_ll = Transformer.from_crs("EPSG:32648", "EPSG:4326", always_xy=True)
    lon, lat = to_ll.transform(origin[0] + 200, origin[1] + 200)
    (folder / "facilities.csv").write_text(f"名称,经度,纬度\n甲,{lon},{lat}\n", encoding="utf-8")
    gpd.GeoDataFrame({"name": ["hand"]}, geometry=[AREA], crs=4326).to_file(folder / "area.geojson")
    (folder / "scenario.toml").write_text(
        """name = "b"
[area]
path = "area.geojson"
crs = "wgs84"
[network]
path = "streets.parquet"
cache_dir = "cache"
[walk]
bands_min = [15]
[[facilities]]
path = "facilities.csv"
tier = "point"
[[demand]]
osm_buildings = true
kind = "residents"
[[demand]]
osm_buildings = true
kind = "workers"
buildings = { floor_area_per_person_m2 = { residents = 40.0, workers = 25.0 } }
[output]
dir = "out"
map = "out/map.html"
excel = false
""",
        encoding="utf-8",
    )
    return folder / "scenario.toml"


def test_a_run_with_demand_from_osm_buildings(overpass, tmp_path, monkeypatch):
    from coverage import pipeline

    monkeypatch.chdir(tmp_path)
    run = pipeline.run(_buildings_scenario(tmp_path))
    s = run.coverage.summary.set_index(["scope", "key"])
    assert s.loc[("kind", "residents"), "weight"] == pytest.approx(
        sum(RESIDENTS.values()), rel=1e-3
    )
    assert s.loc[("kind", "workers"), "weight"] == pytest.approx(sum(WORKERS.values()), rel=1e-3)
    assert sum(RESIDENTS.values()) == 276 and sum(WORKERS.values()) == 172  # by hand, above
    # Every building lies within 15 minutes of the middle of a 400 m grid.
    assert s.loc[("overall", "all"), "share"] == pytest.approx(1.0)
    # One download for both kinds (the second layer reads the cache), cached in the scenario's
    # cache folder; the assumptions are in run.json.
    assert len(overpass.posts()) == 1
    assert list((tmp_path / "cache").glob("buildings-*.parquet"))
    notes = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))["notes"]
    assert any(n.startswith("osm_buildings assumptions: {") and "floor_area_per_person_m2" in n
               for n in notes)  # fmt: skip
    assert any(n.startswith("osm_buildings: 276 residents in 5 of 9 buildings") for n in notes)
