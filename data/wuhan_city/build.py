"""Build the illustrative city-wide facility register of the Wuhan audit sample.

Run from the repository root::

    python data/wuhan_city/build.py

It reads ``../shared/data/wuhan_streets_osm.parquet`` and ``wuhan_districts_gcj02.geojson``
(never copied into the repository) and writes ``facilities.csv`` next to this script: one
district service centre per district, street sub-centres on a 3 km grid, grassroots service
points on a 1 km grid and outdoor-worker rest stations on an offset 1.5 km grid, each at the
street node nearest its grid cell's centre (when one lies within a third of the cell), with
GCJ-02 coordinates as Amap users pick them. Where the street extract has no streets (the outer
districts) there are no facilities: the audit reports how much of each district it could
evaluate. Deterministic (sorted inputs, no randomness): re-running reproduces the file.

Illustrative only: the positions are made up from the street layout, not a real register.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from prcoords import Coords, wgs_gcj
from scipy.spatial import cKDTree

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
SHARED = REPO_ROOT.parent / "shared" / "data"
NETWORK = SHARED / "wuhan_streets_osm.parquet"
DISTRICTS = SHARED / "wuhan_districts_gcj02.geojson"

#: (tier, label, grid cell in metres, grid offset as a share of the cell, services)
GRIDS = [
    ("subcentre", "服务分中心", 3000.0, 0.0, "法律援助;心理咨询;职工书屋;困难帮扶;休息;饮水;充电"),
    ("point", "服务站点", 1000.0, 0.0, "职工书屋;休息;饮水;充电;热饭"),
    ("outdoor_station", "户外劳动者驿站", 1500.0, 0.5, "休息;饮水;充电;热饭;如厕;应急药箱"),
]
WALKABLE_NOT = ("motorway", "trunk")


def street_nodes() -> tuple[np.ndarray, np.ndarray, str]:
    """End points of walkable streets (metres, the file's UTM CRS), sorted and unique."""
    edges = gpd.read_parquet(NETWORK)
    hw = edges["highway"].astype(str)
    edges = edges[~hw.str.contains("|".join(WALKABLE_NOT))]
    xy = np.vstack(
        [shapely.get_coordinates(shapely.get_point(edges.geometry.values, i)) for i in (0, -1)]
    )
    xy = np.unique(np.round(xy, 2), axis=0)
    return xy[:, 0], xy[:, 1], str(edges.crs)


def main() -> None:
    sys.path.insert(0, str(REPO_ROOT))
    from coverage.inputs.boundaries import read_polygons

    x, y, crs = street_nodes()
    districts = read_polygons(DISTRICTS, crs="gcj02", name_field="name")
    districts = districts.sort_values("adcode")
    shapes = districts.to_crs(crs)
    rows = []
    for (_, d), geom in zip(districts.iterrows(), shapes.geometry, strict=True):
        inside = shapely.contains_xy(geom, x, y)
        if not inside.any():
            continue  # outside the street extract
        sub = cKDTree(np.c_[x[inside], y[inside]])
        xi, yi = x[inside], y[inside]
        c = shapely.get_coordinates(geom.point_on_surface())[0]
        _, j = sub.query(c)
        found = [
            (
                "centre",
                f"{d['name']}职工服务中心",
                xi[j],
                yi[j],
                "法律援助;心理咨询;技能培训;就业服务;困难帮扶;职工书屋;母婴室;休息;饮水;充电",
            )
        ]
        for tier, label, cell, offset, services in GRIDS:
            x0, y0, x1, y1 = geom.bounds
            n = 0
            for cy in np.arange(y0 + cell * (0.5 + offset), y1, cell):
                for cx in np.arange(x0 + cell * (0.5 + offset), x1, cell):
                    dist, k = sub.query([cx, cy])
                    if dist <= cell / 3:
                        n += 1
                        found.append((tier, f"{d['name']}{label}{n:03d}", xi[k], yi[k], services))
        for tier, name, fx, fy, services in found:
            rows.append((d["adcode"], d["name"], tier, name, fx, fy, services))
    lonlat = gpd.GeoSeries(gpd.points_from_xy([r[4] for r in rows], [r[5] for r in rows]), crs=crs)
    lonlat = lonlat.to_crs(4326)
    with (HERE / "facilities.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["编号", "名称", "层级", "服务项目", "所在区", "经度", "纬度"])
        for i, (r, p) in enumerate(zip(rows, lonlat, strict=True), start=1):
            g = wgs_gcj(Coords(p.y, p.x))
            w.writerow([f"F{i:04d}", r[3], r[2], r[6], r[1], f"{g.lon:.6f}", f"{g.lat:.6f}"])
    print(f"facilities.csv: {len(rows)} facilities")


if __name__ == "__main__":
    main()
