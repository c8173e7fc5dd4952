"""Build the Wuhan (江汉区 Jianghan district) sample scenario from the shared OSM street network.

Run from the repository root::

    python data/wuhan/build.py

It reads ``../shared/data/wuhan_streets_osm.parquet`` (never copied into the repository) and writes
small derived inputs next to this script: ``area.geojson``, ``subdistricts.geojson``,
``facilities.xlsx``, ``demand.csv`` and ``candidates.csv``. Everything is deterministic (fixed
seeds, sorted inputs, fixed file timestamps), so re-running it reproduces the committed files.

What is real and what is illustrative (see README.md):

* real: the OpenStreetMap street network (node positions, street classes, lengths);
* hand-drawn, approximate: the district boundary (no official boundary is available offline);
* illustrative: sub-district cells (Voronoi cells of the sub-centres), facility positions
  (sub-centres at approximate sub-district positions, grassroots points and outdoor stations
  placed by a seeded random procedure at street intersections), demand (street length × an
  assumed density) and candidate sites (street nodes on a grid).
"""

from __future__ import annotations

import csv
import io
import math
import re
import sys
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from prcoords import Coords, wgs_gcj
from pyproj import Transformer
from scipy.spatial import cKDTree

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
NETWORK = REPO_ROOT.parent / "shared" / "data" / "wuhan_streets_osm.parquet"

SEED = 20240515
WGS84 = "EPSG:4326"

#: Approximate boundary of 江汉区, drawn by hand over the OSM street network (lon, lat, WGS-84).
#: South-east: the Yangtze bank (龙王庙 to about 江汉路); south: the Han River bank (龙王庙 to
#: about 武胜路); west: the boundary with 硚口区 (approximate); north: towards 张公堤 / the ring
#: roads; east: the boundary with 江岸区 (approximate). About 32 km² (official figure 28.29 km²).
AREA_VERTICES = [
    (114.2805, 30.5690),  # 龙王庙, Han River mouth
    (114.2870, 30.5725),  # Yangtze bank (沿江大道)
    (114.2915, 30.5790),
    (114.2960, 30.5850),  # near 江汉路 / boundary with 江岸区
    (114.2880, 30.5920),
    (114.2820, 30.6000),
    (114.2785, 30.6100),
    (114.2720, 30.6240),
    (114.2630, 30.6380),
    (114.2540, 30.6470),  # northern tip, towards 张公堤
    (114.2420, 30.6420),
    (114.2250, 30.6370),
    (114.2120, 30.6320),  # north-west corner (江汉经济开发区)
    (114.2120, 30.6240),
    (114.2260, 30.6165),  # boundary with 硚口区 (approximate)
    (114.2400, 30.6070),
    (114.2500, 30.5975),
    (114.2560, 30.5865),
    (114.2620, 30.5760),
    (114.2660, 30.5680),  # Han River bank near 武胜路
    (114.2730, 30.5655),  # Han River bank (沿河大道)
]

#: District service centre (approximate WGS-84 position).
CENTRE = ("江汉区总工会职工服务中心", "新华街道", 114.267, 30.596)

#: One sub-centre per 街道 plus the economic development zone (approximate WGS-84 positions).
SUBCENTRES = [
    ("民族街道", 114.284, 30.577),
    ("花楼街道", 114.289, 30.581),
    ("水塔街道", 114.283, 30.585),
    ("民权街道", 114.276, 30.577),
    ("满春街道", 114.271, 30.573),
    ("民意街道", 114.266, 30.585),
    ("新华街道", 114.262, 30.595),
    ("万松街道", 114.259, 30.604),
    ("唐家墩街道", 114.248, 30.617),
    ("北湖街道", 114.271, 30.606),
    ("前进街道", 114.271, 30.586),
    ("汉兴街道", 114.245, 30.628),
    ("常青街道", 114.238, 30.634),
    ("江汉经济开发区", 114.220, 30.630),
]

#: Grassroots points are denser near the old town by the rivers and sparser to the north-west:
#: nodes are drawn in a random order weighted by exp(-distance to DENSE_FOCUS / DENSITY_SCALE_M)
#: and kept when MIN_SPACING_M from every facility placed so far, until N_POINTS are placed. The
#: old town fills up first and the north and west keep real walking-coverage gaps.
DENSE_FOCUS = (114.284, 30.580)
DENSITY_SCALE_M = 1000.0
N_POINTS = 150
N_STATIONS = 25
MIN_SPACING_M = 150.0  # between any two facilities when placing grassroots points
STATION_SPACING_M = 300.0  # between outdoor stations

CAPACITY = {"centre": 2000, "subcentre": 500, "point": 150, "outdoor_station": 60}
SERVICES_CENTRE = "法律援助;心理咨询;职工书屋;技能培训;就业服务;困难帮扶;母婴室;休息;饮水;充电;热饭"
SERVICES_SUB = "法律援助;心理咨询;职工书屋;困难帮扶;母婴室;休息;饮水;充电;热饭"
SERVICES_POINT_BASE = ["休息", "饮水", "充电"]
SERVICES_POINT_EXTRA = ["热饭", "职工书屋", "母婴室", "法律援助", "心理咨询"]
SERVICES_STATION = "休息;饮水;充电;热饭;如厕;应急药箱"

#: Streets that carry demand: 1 worker per DEMAND_M_PER_WORKER metres of such street.
DEMAND_HIGHWAYS = {"residential", "living_street", "unclassified", "service", "tertiary"}
DEMAND_M_PER_WORKER = 2.0
DEMAND_STEP_M = 15.0

#: Not walkable (excluded from nodes used for facilities and candidates).
NOT_WALKABLE = {"motorway", "motorway_link", "trunk", "trunk_link"}

CANDIDATE_GRID_M = 60.0
N_EXCLUDED = 10

FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
FIXED_DOC_TIME = "2024-01-01T00:00:00Z"


def highway_values(value) -> set[str]:
    """OSM highway tags of one edge: a string, a list/array, or a list written as a string."""
    if value is None:
        return set()
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            return set(re.findall(r"[A-Za-z_]+", text))
        return {text}
    try:
        return {str(v) for v in value}
    except TypeError:
        return {str(value)}


def load_edges() -> gpd.GeoDataFrame:
    if not NETWORK.is_file():
        sys.exit(f"missing {NETWORK}: the shared data folder must sit beside the repository")
    edges = gpd.read_parquet(NETWORK)
    edges["hw"] = [highway_values(h) for h in edges["highway"]]
    return edges


def walk_nodes(edges: gpd.GeoDataFrame, area_m: shapely.Polygon) -> pd.DataFrame:
    """Walkable street nodes inside the area: id, x, y (metres), degree, on_main_road."""
    walk = edges[[not (h <= NOT_WALKABLE) for h in edges["hw"]]]
    coords = shapely.get_coordinates(walk.geometry.values, return_index=True)
    xy, idx = coords
    first = np.searchsorted(idx, np.arange(len(walk)), side="left")
    last = np.searchsorted(idx, np.arange(len(walk)), side="right") - 1
    u = walk["u"].to_numpy()
    v = walk["v"].to_numpy()
    ends = pd.DataFrame(
        {
            "id": np.concatenate([u, v]),
            "x": np.concatenate([xy[first, 0], xy[last, 0]]),
            "y": np.concatenate([xy[first, 1], xy[last, 1]]),
        }
    )
    nodes = ends.groupby("id", sort=True)[["x", "y"]].first()
    pairs = pd.DataFrame({"a": np.minimum(u, v), "b": np.maximum(u, v)})
    pairs = pairs[pairs["a"] != pairs["b"]].drop_duplicates()
    degree = pd.concat([pairs["a"], pairs["b"]]).value_counts()
    nodes["degree"] = degree.reindex(nodes.index).fillna(0).astype(int)
    main = {"primary", "secondary", "tertiary"}
    on_main = walk[[bool(h & main) for h in walk["hw"]]]
    main_ids = set(on_main["u"]) | set(on_main["v"])
    nodes["main_road"] = nodes.index.isin(main_ids)
    # Inside the area, at least 20 m from its edge (so nothing sits on a river bank line).
    inner = area_m.buffer(-20.0)
    inside = shapely.contains_xy(inner, nodes["x"].to_numpy(), nodes["y"].to_numpy())
    return nodes[inside].reset_index()


def to_wgs(transformer: Transformer, x, y) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = transformer.transform(np.asarray(x, float), np.asarray(y, float))
    return np.round(lon, 6), np.round(lat, 6)


def to_gcj(lon: float, lat: float) -> tuple[float, float]:
    g = wgs_gcj(Coords(lat=lat, lon=lon))
    return round(g.lon, 6), round(g.lat, 6)


def snap(nodes: pd.DataFrame, tree: cKDTree, x: float, y: float, taken: set[int]) -> int:
    """Row of the nearest node to (x, y) not already used by another facility."""
    _, rows = tree.query([x, y], k=10)
    for r in rows:
        if int(r) not in taken:
            return int(r)
    raise RuntimeError("no free node")


def spaced_sample(
    nodes: pd.DataFrame,
    eligible: np.ndarray,
    weights: np.ndarray,
    n: int,
    spacing: np.ndarray,
    placed_xy: list[tuple[float, float]],
    rng: np.random.Generator,
) -> list[int]:
    """Weighted random order (Efraimidis–Spirakis), then greedy acceptance with a minimum spacing.

    ``spacing`` is per node: a new site keeps at least its own spacing from every placed site.
    """
    rows = np.flatnonzero(eligible)
    keys = np.log(rng.random(len(rows))) / weights[rows]
    order = rows[np.argsort(-keys, kind="stable")]
    xs = nodes["x"].to_numpy()
    ys = nodes["y"].to_numpy()
    chosen: list[int] = []
    px = [p[0] for p in placed_xy]
    py = [p[1] for p in placed_xy]
    for r in order:
        if px:
            d2 = (np.asarray(px) - xs[r]) ** 2 + (np.asarray(py) - ys[r]) ** 2
            if d2.min() < spacing[r] ** 2:
                continue
        chosen.append(int(r))
        px.append(xs[r])
        py.append(ys[r])
        if len(chosen) == n:
            break
    if len(chosen) < n:
        raise RuntimeError(f"only {len(chosen)} of {n} sites fit")
    return chosen


def write_xlsx(path: Path, header: list[str], rows: list[list]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "职工服务阵地"
    ws.append(header)
    for row in rows:
        ws.append(row)
    widths = {"名称": 30, "层级": 16, "服务项目": 60, "容量": 8, "地址": 24, "经度": 12, "纬度": 12}
    for i, name in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(i)].width = widths.get(name, 12)
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    # Re-pack with fixed timestamps so that the file is byte-for-byte reproducible.
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zin,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rf"\g<1>{FIXED_DOC_TIME}\g<3>",
                    text,
                )
                data = text.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(zi, data)
    path.write_bytes(out.getvalue())


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def write_geojson(path: Path, gdf: gpd.GeoDataFrame) -> None:
    gdf = gdf.copy()
    gdf.geometry = shapely.set_precision(gdf.geometry.values, 1e-7)
    path.write_text(gdf.to_json(drop_id=True, ensure_ascii=False, indent=1) + "\n", "utf-8")


def main() -> None:
    rng = np.random.default_rng(SEED)
    edges = load_edges()
    crs_m = edges.crs
    to_m = Transformer.from_crs(WGS84, crs_m, always_xy=True)
    to_ll = Transformer.from_crs(crs_m, WGS84, always_xy=True)

    # 1. Area -------------------------------------------------------------------------------
    area_ll = shapely.Polygon(AREA_VERTICES)
    area_m = shapely.transform(area_ll, lambda c: np.column_stack(to_m.transform(c[:, 0], c[:, 1])))
    area_gdf = gpd.GeoDataFrame(
        {
            "name": ["江汉区"],
            "name_en": ["Jianghan District, Wuhan"],
            "note": ["approximate, hand-drawn boundary (not official); 示意边界，非官方"],
            "area_km2": [round(area_m.area / 1e6, 2)],
        },
        geometry=[area_ll],
        crs=WGS84,
    )
    write_geojson(HERE / "area.geojson", area_gdf)

    # 2. Nodes --------------------------------------------------------------------------------
    nodes = walk_nodes(edges, area_m)
    xs = nodes["x"].to_numpy()
    ys = nodes["y"].to_numpy()
    tree = cKDTree(np.column_stack([xs, ys]))

    # 3. Facilities ---------------------------------------------------------------------------
    taken: set[int] = set()
    fac: list[dict] = []

    def add(name, tier, services, street, row):
        taken.add(row)
        fac.append(
            {
                "name": name,
                "tier": tier,
                "services": services,
                "street": street,
                "row": row,
            }
        )

    cx, cy = to_m.transform(CENTRE[2], CENTRE[3])
    add(CENTRE[0], "centre", SERVICES_CENTRE, CENTRE[1], snap(nodes, tree, cx, cy, taken))
    for street, lon, lat in SUBCENTRES:
        x, y = to_m.transform(lon, lat)
        add(
            f"{street}职工服务分中心",
            "subcentre",
            SERVICES_SUB,
            street,
            snap(nodes, tree, x, y, taken),
        )

    seeds_xy = np.array([[xs[f["row"]], ys[f["row"]]] for f in fac if f["tier"] == "subcentre"])
    seed_names = [f["street"] for f in fac if f["tier"] == "subcentre"]
    seed_tree = cKDTree(seeds_xy)

    def street_of(row: int) -> str:
        return seed_names[int(seed_tree.query([xs[row], ys[row]])[1])]

    fx, fy = to_m.transform(*DENSE_FOCUS)
    dist = np.hypot(xs - fx, ys - fy)
    placed = [(xs[f["row"]], ys[f["row"]]) for f in fac]
    free = ~np.isin(np.arange(len(nodes)), list(taken))

    w_points = np.exp(-dist / DENSITY_SCALE_M)
    spacing = np.full(len(nodes), MIN_SPACING_M)
    eligible = free & (nodes["degree"].to_numpy() >= 3)
    rows = spaced_sample(nodes, eligible, w_points, N_POINTS, spacing, placed, rng)
    # Number the points from south-east to north-west, so that ids read like a register.
    rows.sort(key=lambda r: (dist[r], r))
    for i, r in enumerate(rows, start=1):
        k = int(rng.integers(0, 4))
        extra = sorted(rng.choice(len(SERVICES_POINT_EXTRA), size=k, replace=False))
        services = ";".join(SERVICES_POINT_BASE + [SERVICES_POINT_EXTRA[j] for j in extra])
        add(f"江汉区职工服务站点-{i:03d}", "point", services, street_of(r), r)

    free = ~np.isin(np.arange(len(nodes)), list(taken))
    w_stations = np.exp(-dist / (2 * DENSITY_SCALE_M))
    eligible = free & (nodes["degree"].to_numpy() >= 3) & nodes["main_road"].to_numpy()
    spacing = np.full(len(nodes), STATION_SPACING_M)
    rows = spaced_sample(nodes, eligible, w_stations, N_STATIONS, spacing, [], rng)
    rows.sort(key=lambda r: (dist[r], r))
    for i, r in enumerate(rows, start=1):
        add(f"户外劳动者驿站-{i:02d}", "outdoor_station", SERVICES_STATION, street_of(r), r)

    header = ["名称", "层级", "服务项目", "容量", "地址", "经度", "纬度"]
    table = []
    for f in fac:
        lon, lat = to_wgs(to_ll, xs[f["row"]], ys[f["row"]])
        glon, glat = to_gcj(float(lon), float(lat))
        table.append(
            [
                f["name"],
                f["tier"],
                f["services"],
                CAPACITY[f["tier"]],
                f"武汉市江汉区{f['street']}",
                glon,
                glat,
            ]
        )
    write_xlsx(HERE / "facilities.xlsx", header, table)

    # 4. Sub-districts (Voronoi cells of the sub-centres, clipped to the area) ----------------
    cells = shapely.voronoi_polygons(
        shapely.multipoints(seeds_xy), extend_to=area_m.buffer(5000.0), ordered=True
    )
    geoms = []
    for i in range(len(seeds_xy)):
        cell = shapely.get_geometry(cells, i)
        assert cell.contains(shapely.Point(seeds_xy[i]))
        geoms.append(cell.intersection(area_m))
    sub = gpd.GeoDataFrame(
        {
            "name": seed_names,
            "note": ["illustrative Voronoi cell of the sub-centre, not an official boundary; 示意"]
            * len(seed_names),
        },
        geometry=geoms,
        crs=crs_m,
    ).to_crs(WGS84)
    write_geojson(HERE / "subdistricts.geojson", sub)

    # 5. Demand: points every ~50 m along local streets, weighted by street length ------------
    demand = edges[[bool(h & DEMAND_HIGHWAYS) for h in edges["hw"]]]
    demand = demand[demand.intersects(area_m)]
    # osmnx stores a two-way street twice (u->v and v->u, reversed geometry): keep one.
    norm = shapely.normalize(demand.geometry.values)
    demand = demand.assign(_wkb=shapely.to_wkb(norm, output_dimension=2)).sort_values(
        ["u", "v", "key"]
    )
    demand = demand.drop_duplicates("_wkb")
    clipped = shapely.intersection(shapely.normalize(demand.geometry.values), area_m)
    lines = shapely.get_parts(shapely.line_merge(clipped[~shapely.is_empty(clipped)]))
    lines = [g for g in shapely.get_parts(lines) if g.geom_type == "LineString" and g.length > 1]
    dx, dy, dw = [], [], []
    for line in lines:
        n = max(1, round(line.length / DEMAND_STEP_M))
        step = line.length / n
        pts = shapely.line_interpolate_point(line, (np.arange(n) + 0.5) * step)
        c = shapely.get_coordinates(pts)
        dx.extend(c[:, 0])
        dy.extend(c[:, 1])
        dw.extend([step / DEMAND_M_PER_WORKER] * n)
    lon, lat = to_wgs(to_ll, dx, dy)
    order = np.lexsort((lon, lat))
    drows = []
    for i, j in enumerate(order, start=1):
        drows.append(
            [
                f"d{i:05d}",
                f"路段样点-{i:05d}",
                f"{lon[j]:.6f}",
                f"{lat[j]:.6f}",
                f"{dw[j]:.1f}",
                "street_sample",
            ]
        )
    write_csv(HERE / "demand.csv", ["id", "name", "lon", "lat", "workers", "kind"], drows)

    # 6. Candidates: one street node per grid cell (nearest to the cell centre) -------------
    x0, y0 = math.floor(xs.min() / CANDIDATE_GRID_M), math.floor(ys.min() / CANDIDATE_GRID_M)
    gi = np.floor(xs / CANDIDATE_GRID_M).astype(int) - x0
    gj = np.floor(ys / CANDIDATE_GRID_M).astype(int) - y0
    ccx = (gi + x0 + 0.5) * CANDIDATE_GRID_M
    ccy = (gj + y0 + 0.5) * CANDIDATE_GRID_M
    cand = pd.DataFrame(
        {"gi": gi, "gj": gj, "d": np.hypot(xs - ccx, ys - ccy), "row": np.arange(len(nodes))}
    )
    cand = cand.sort_values(["gj", "gi", "d", "row"]).drop_duplicates(["gi", "gj"])
    crow = cand["row"].to_numpy()
    excluded = set(rng.choice(len(crow), size=N_EXCLUDED, replace=False).tolist())
    clon, clat = to_wgs(to_ll, xs[crow], ys[crow])
    crows = []
    for i in range(len(crow)):
        role = "excluded" if i in excluded else "candidate"
        name = f"候选点-{i + 1:04d}" + ("（用地不可用）" if role == "excluded" else "")
        crows.append([f"c{i + 1:04d}", name, f"{clon[i]:.6f}", f"{clat[i]:.6f}", role])
    write_csv(HERE / "candidates.csv", ["id", "name", "lon", "lat", "role"], crows)

    tiers = pd.Series([f["tier"] for f in fac]).value_counts().to_dict()
    print(f"area: {area_m.area / 1e6:.2f} km²; walk nodes inside: {len(nodes)}")
    print(f"facilities: {tiers}")
    print(
        f"demand points: {len(drows)}, workers: {sum(dw):.0f}, street length: {sum(dw) * DEMAND_M_PER_WORKER / 1000:.1f} km"
    )
    print(f"candidates: {len(crows)} ({N_EXCLUDED} excluded)")


if __name__ == "__main__":
    main()
