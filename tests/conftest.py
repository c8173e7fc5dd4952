"""Shared fixtures: the real Wuhan street network and tiny hand-built networks.

Hand networks are drawn in EPSG:32650 (UTM 50N, metres) near Wuhan, so lengths are exact
coordinate differences; with ``speed_kmh=3.6`` a walker covers 1 m per second and every walking
time in seconds equals a distance in metres, which keeps the expected values in the tests easy
to work out by hand.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import shapely

from coverage import network

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

#: Origin of hand networks: a plausible UTM 50N position (Wuhan), so coordinates look real.
X0, Y0 = 500_000.0, 3_380_000.0
HAND_CRS = "EPSG:32650"

#: 3.6 km/h is exactly 1 m/s: times in seconds read as metres.
ONE_MPS_KMH = 3.6


def _missing_data(path: Path) -> None:
    msg = (
        f"real-data file {path} is missing: the tests expect the shared data folder "
        f"{SHARED_DATA} beside the repository (see ../shared/data/README.md)"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(msg)
    pytest.skip(msg)


def shared_data(name: str) -> Path:
    """A real-data file of ../shared/data (fails in CI when missing, skips elsewhere)."""
    path = SHARED_DATA / name
    if not path.is_file():
        _missing_data(path)
    return path


@pytest.fixture(scope="session")
def wuhan_districts_path() -> Path:
    """Real Wuhan district boundaries, GCJ-02 (Amap/DataV)."""
    return shared_data("wuhan_districts_gcj02.geojson")


@pytest.fixture(scope="session")
def worldpop_path() -> Path:
    """WorldPop people per cell over Wuhan (band 1 aged 20-59, band 2 aged 20+)."""
    return shared_data("wuhan_worldpop_adults.tif")


@pytest.fixture(scope="session")
def wuhan_edges_path() -> Path:
    """The Wuhan GeoParquet street edge table (fails in CI when missing, skips elsewhere)."""
    path = SHARED_DATA / "wuhan_streets_osm.parquet"
    if not path.is_file():
        _missing_data(path)
    return path


@pytest.fixture(scope="session")
def wuhan_net(wuhan_edges_path: Path) -> network.WalkNetwork:
    """The Wuhan walking network, loaded once per test session (default speed 4.5 km/h)."""
    return network.load(wuhan_edges_path)


def edge_table(
    lines: Iterable[tuple[Any, ...]],
    *,
    origin: tuple[float, float] = (X0, Y0),
    crs: str = HAND_CRS,
) -> gpd.GeoDataFrame:
    """Edge table from ``(u, v, coords, highway[, oneway[, extra-columns dict]])`` tuples.

    ``coords`` are metres relative to ``origin``, listed in the direction the geometry should run
    (normally from ``u`` to ``v``; give them backwards to test re-orientation). ``oneway`` may be
    None (column value left empty); the ``oneway`` column is written only when some line gives one.
    """
    rows: list[dict[str, Any]] = []
    geoms = []
    for line in lines:
        u, v, coords, highway, *rest = line
        oneway = rest[0] if rest else None
        extra = rest[1] if len(rest) > 1 else {}
        rows.append({"u": u, "v": v, "key": 0, "highway": highway, "oneway": oneway, **extra})
        geoms.append(shapely.LineString([(origin[0] + x, origin[1] + y) for x, y in coords]))
    gdf = gpd.GeoDataFrame(rows, geometry=geoms, crs=crs)
    if gdf["oneway"].isna().all():
        gdf = gdf.drop(columns="oneway")
    return gdf


def hand_network(
    lines: Iterable[tuple[Any, ...]],
    *,
    speed_kmh: float = ONE_MPS_KMH,
    **kwargs: Any,
) -> network.WalkNetwork:
    """A :class:`~coverage.network.WalkNetwork` from hand-written lines (see :func:`edge_table`)."""
    return network.from_edges(edge_table(lines), speed_kmh=speed_kmh, **kwargs)


def grid_lines(n: int = 3, block: float = 100.0, highway: str = "residential") -> list[tuple]:
    """An ``n`` × ``n`` street grid: node ``n*i + j`` sits at (``block*j``, ``block*i``).

    Horizontal edges run (i, j) → (i, j+1), vertical ones (i, j) → (i+1, j).
    """
    lines = []
    for i in range(n):
        for j in range(n):
            a = n * i + j
            if j + 1 < n:
                lines.append(
                    (a, a + 1, [(block * j, block * i), (block * (j + 1), block * i)], highway)
                )
            if i + 1 < n:
                lines.append(
                    (a, a + n, [(block * j, block * i), (block * j, block * (i + 1))], highway)
                )
    return lines


def point(x: float, y: float, origin: tuple[float, float] = (X0, Y0)) -> shapely.Point:
    """A point given in metres relative to the hand-network origin."""
    return shapely.Point(origin[0] + x, origin[1] + y)


def points(xy: Iterable[tuple[float, float]]) -> gpd.GeoSeries:
    """Points relative to the hand-network origin, as a GeoSeries in the hand CRS."""
    return gpd.GeoSeries([point(x, y) for x, y in xy], crs=HAND_CRS)


def edge_row(net: network.WalkNetwork, u: Any, v: Any) -> int:
    """Row of the edge joining original nodes ``u`` and ``v`` (either orientation)."""
    e = net.edges
    hit = ((e["u"] == u) & (e["v"] == v)) | ((e["u"] == v) & (e["v"] == u))
    rows = hit.to_numpy().nonzero()[0]
    assert len(rows) == 1, f"expected one edge {u}-{v}, found {len(rows)}"
    return int(rows[0])


def assert_same_csr(a: Any, b: Any) -> None:
    """Two sparse matrices hold the same entries, bit for bit (index order aside)."""
    a, b = a.copy(), b.copy()
    a.sort_indices()
    b.sort_indices()
    assert a.shape == b.shape
    np.testing.assert_array_equal(a.indptr, b.indptr)
    np.testing.assert_array_equal(a.indices, b.indices)
    np.testing.assert_array_equal(a.data, b.data)


def node_pos(net: network.WalkNetwork, node_id: Any) -> int:
    """Position (index into ``net.x``/``net.y`` and reach results) of an original node id."""
    hit = (net.node_ids == node_id).nonzero()[0]
    assert len(hit) == 1, f"node {node_id} not in the network"
    return int(hit[0])


@pytest.fixture(scope="session")
def hand() -> SimpleNamespace:
    """Helpers for hand networks (session-scoped, so Hypothesis tests may use it too).

    ``hand.net(lines, **from_edges_kwargs)``, ``hand.table(lines)``, ``hand.grid(n, block)``,
    ``hand.pt(x, y)``, ``hand.pts([(x, y), ...])``, ``hand.edge(net, u, v)``,
    ``hand.node(net, id)``, ``hand.x0``/``hand.y0`` (origin) and ``hand.crs``.
    """
    return SimpleNamespace(
        net=hand_network,
        table=edge_table,
        grid=grid_lines,
        pt=point,
        pts=points,
        edge=edge_row,
        node=node_pos,
        x0=X0,
        y0=Y0,
        crs=HAND_CRS,
    )


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """Folder of the small stored test inputs (tests/fixtures)."""
    return FIXTURES


#: Routing limit for the real-network tests: the 15-minute walk.
WUHAN_LIMIT_S = 15 * 60.0


@pytest.fixture(scope="session")
def wuhan_sample(wuhan_net: network.WalkNetwork) -> SimpleNamespace:
    """20 "facilities" at random places in Wuhan, snapped to the network, and their 15-min reach.

    Points are random street nodes moved by up to ±120 m in x and y (so most fall off the street,
    some mid-block), drawn with a fixed seed. Attributes: ``points`` (GeoSeries), ``snapped``,
    ``reach`` (limit 15 min) and ``limit_s``.
    """
    from coverage import routing

    rng = np.random.default_rng(20240615)
    net = wuhan_net
    k = rng.choice(net.n_nodes, size=20, replace=False)
    xy = np.c_[net.x[k], net.y[k]] + rng.uniform(-120, 120, size=(20, 2))
    pts = gpd.GeoSeries(shapely.points(xy), crs=net.edges.crs)
    snapped = routing.snap(net, pts)
    r = routing.reach(net, snapped, WUHAN_LIMIT_S)
    return SimpleNamespace(points=pts, snapped=snapped, reach=r, limit_s=WUHAN_LIMIT_S)


#: The small hand-made scenario on the real Wuhan network (tests/fixtures/scenario_small).
SMALL_SCENARIO = FIXTURES / "scenario_small"


def copy_small_scenario(
    tmp: Path, edges: Path, *, extra: str = "", map_name: str = "map.html"
) -> Path:
    """Copy the small scenario into ``tmp`` with the network by absolute path, results in
    ``tmp/out`` and the map at ``tmp/<map_name>`` (inside the scenario's folder, where a scenario
    may write); ``extra`` TOML is appended. Returns the scenario file."""
    import shutil

    folder = tmp
    shutil.copytree(SMALL_SCENARIO, folder, dirs_exist_ok=True)
    toml = (folder / "scenario.toml").read_text(encoding="utf-8")
    toml = toml.replace("../../../../shared/data/wuhan_streets_osm.parquet", edges.as_posix())
    toml = toml.replace('dir = "results/small"', f'dir = "{(tmp / "out").as_posix()}"')
    toml = toml.replace('map = "maps/small.html"', f'map = "{(tmp / map_name).as_posix()}"')
    (folder / "scenario.toml").write_text(toml + extra, encoding="utf-8")
    return folder / "scenario.toml"


def small_scenario_in(tmp: Path, edges: Path, lang: str) -> Path:
    """The small scenario in ``lang`` (English title too) with a 150 m planning grid and one
    demand row of weight 0, so that its problem tables have a skipped row."""
    import pandas as pd

    toml = copy_small_scenario(tmp, edges, extra="\n[plan]\ngrid_spacing_m = 150\n")
    head = f'lang = "{lang}"\ntitle_en = "Test scenario"\n'
    toml.write_text(head + toml.read_text(encoding="utf-8"), encoding="utf-8")
    dem = pd.read_csv(tmp / "demand.csv", dtype=str)
    dem.loc[4, "workers"] = "0"  # a weight of 0: skipped
    dem.to_csv(tmp / "demand.csv", index=False)
    return toml
