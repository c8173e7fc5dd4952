"""Why our 15-minute catchments and Valhalla's isochrones differ: points checked one by one.

Reads the polygons ``peers.py --save DIR`` wrote (``ours.parquet`` and ``valhalla.parquet``, or
``--peer`` another file of the same form), samples points that lie inside one outline and not
the other, and computes each point's true walking time independently of our routing code:

* the graph: a networkx ``MultiGraph`` built straight from the OSM ways of
  ``../shared/data/wuhan_streets_osm.parquet`` (every row whose ``highway`` is not a motorway or
  trunk or their links; edge time = drawn length / walking speed; walking ignores one-way);
* the facility: the nearest point of the nearest such way (STRtree), joined to the way's two
  ends by the two parts of the way, plus the access walk (straight-line distance / speed) as
  the scenario counts it; one ``single_source_dijkstra_path_length``, cut off at 30 min;
* the walk-off rule, written out: a place ``p`` is reached within ``T`` when some point ``q``
  of a street with ``|p - q| <= W`` (``walk_off_m``, 50 m) is reached within ``T``; the time of
  ``q`` on a way of length ``L`` between ends reached at ``a`` and ``b`` is
  ``min(a + s / v, b + (L - s) / v)`` at ``s`` metres from the first end. That function has
  no interior minimum, so over the stretch of a straight piece inside the disk around ``p``
  it is smallest at one of the stretch's two ends: both are evaluated, for every piece of
  every way within ``W`` of ``p``.

Each sampled point gets: its true time under the rule (``t_W``), the distance to the nearest
street point reached within 15 min (``d``), and whether that street point is inside the
peer's outline. The tally says which side is right for how many points, and why.

Run: ``python benchmarks/catchment_shape.py DIR`` (after ``python benchmarks/peers.py --save
DIR``); ``--facilities 40 --points 25`` by default.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import shapely

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import CITY_NETWORK, SCENARIO, table  # noqa: E402

NOT_WALKABLE = {"motorway", "motorway_link", "trunk", "trunk_link"}
LIMIT_S = 900.0


def ways(path: Path) -> gpd.GeoDataFrame:
    """Walkable OSM ways, read plainly (first tag of a list)."""
    df = gpd.read_parquet(path)
    tag = df["highway"].map(lambda h: h if isinstance(h, str) else list(h)[0])
    return df[~tag.isin(NOT_WALKABLE)].reset_index(drop=True)


def ends(w: gpd.GeoDataFrame) -> tuple[list, list]:
    """Node keys of each way's first and last point: the points themselves (to 0.1 m), so a
    way's time along it always runs from its first drawn point, whatever its u/v order."""
    first = shapely.get_coordinates(shapely.get_point(w.geometry.values, 0)).round(1)
    last = shapely.get_coordinates(shapely.get_point(w.geometry.values, -1)).round(1)
    return list(map(tuple, first)), list(map(tuple, last))


def graph(w: gpd.GeoDataFrame, speed: float) -> nx.MultiGraph:
    g = nx.MultiGraph()
    a, b = ends(w)
    g.add_weighted_edges_from(zip(a, b, (w.geometry.length / speed).tolist(), strict=True))
    return g


def node_times(g, w, tree, p, speed: float, access: bool) -> dict:
    """True times (s, up to 30 min) from a facility at ``p`` to the graph's nodes, and where the
    facility stands: (its way, metres along it, access walk in seconds)."""
    k = int(tree.nearest(p))
    line = w.geometry.values[k]
    s = line.project(p)
    off = line.distance(p) / speed if access else 0.0
    a, b = ends(w.iloc[[k]])
    g.add_edge("f", a[0], weight=off + s / speed)
    g.add_edge("f", b[0], weight=off + (line.length - s) / speed)
    try:
        d = nx.single_source_dijkstra_path_length(g, "f", cutoff=2 * LIMIT_S)
    finally:
        g.remove_node("f")
    return {"times": d, "own": (k, s, off)}


class Pieces:
    """Straight pieces of every way: ends, length, owning way, metres of the way before it."""

    def __init__(self, w: gpd.GeoDataFrame) -> None:
        xy, idx = shapely.get_coordinates(w.geometry.values, return_index=True)
        j = np.flatnonzero(idx[1:] == idx[:-1])
        self.a, self.b, self.way = xy[j], xy[j + 1], idx[j]
        self.seg = np.hypot(*(self.b - self.a).T)
        cs = np.cumsum(self.seg)
        first = np.r_[True, self.way[1:] != self.way[:-1]]
        self.start = cs - self.seg - np.maximum.accumulate(np.where(first, cs - self.seg, 0))
        self.tree = shapely.STRtree(shapely.linestrings(np.stack([self.a, self.b], axis=1)))
        self.length = w.geometry.length.to_numpy()
        self.first, self.last = ends(w)

    def near(self, pts: np.ndarray, radius: float) -> tuple[np.ndarray, ...]:
        """(point, piece) pairs within ``radius``: point, piece, along, perpendicular distance."""
        pi, pj = self.tree.query(pts, predicate="dwithin", distance=radius)
        u = (self.b[pj] - self.a[pj]) / np.maximum(self.seg[pj], 1e-12)[:, None]
        rel = shapely.get_coordinates(pts)[pi] - self.a[pj]
        along = (rel * u).sum(1)
        perp = np.sqrt(np.maximum((rel * rel).sum(1) - along**2, 0))
        return pi, pj, along, perp


def point_times(pts, pc: Pieces, nt: dict, speed: float, walk_off: float):
    """Per point: the walk-off rule's time ``t_W`` (s) and the distance (m) to the nearest
    street point reached within 15 minutes (inf when none within 500 m)."""
    d, (k, s0, off) = nt["times"], nt["own"]
    ta = np.array([d.get(n, np.inf) for n in pc.first])
    tb = np.array([d.get(n, np.inf) for n in pc.last])

    def t_at(pj: np.ndarray, s: np.ndarray) -> np.ndarray:
        way = pc.way[pj]
        arc = pc.start[pj] + s
        t = np.minimum(ta[way] + arc / speed, tb[way] + (pc.length[way] - arc) / speed)
        # the facility's own way is also walked straight from the facility's position
        return np.where(way == k, np.minimum(t, off + np.abs(arc - s0) / speed), t)

    pi, pj, along, perp = pc.near(pts, walk_off)
    half = np.sqrt(np.maximum(walk_off**2 - perp**2, 0))  # the piece inside the disk
    lo, hi = np.clip(along - half, 0, pc.seg[pj]), np.clip(along + half, 0, pc.seg[pj])
    tw = np.full(len(pts), np.inf)
    np.minimum.at(tw, pi, np.minimum(t_at(pj, lo), t_at(pj, hi)))

    pi, pj, along, perp = pc.near(pts, 500.0)
    way, arc0, seg = pc.way[pj], pc.start[pj], pc.seg[pj]
    budget = LIMIT_S * speed
    spans = [  # reached intervals of each way, metres from its first point
        (np.zeros(len(pj)), (LIMIT_S - ta[way]) * speed),
        (pc.length[way] - (LIMIT_S - tb[way]) * speed, pc.length[way]),
        (np.where(way == k, s0 - (budget - off * speed), np.inf),
         np.where(way == k, s0 + (budget - off * speed), -np.inf)),
    ]  # fmt: skip
    dist = np.full(len(pts), np.inf)
    for lo, hi in spans:
        lo, hi = np.maximum(lo - arc0, 0), np.minimum(hi - arc0, seg)
        ok = hi >= lo
        gap = np.maximum(np.maximum(lo - along, 0), along - hi)
        np.minimum.at(dist, pi[ok], np.hypot(perp, gap)[ok])
    return tw, dist


def sample(poly, minus, n: int, rng) -> np.ndarray:
    """Up to ``n`` uniform random points in ``poly`` minus ``minus``."""
    region = poly.difference(minus) if minus is not None else poly
    if region.is_empty or region.area < 1:
        return np.zeros(0, dtype=object)
    x0, y0, x1, y1 = region.bounds
    out: list[np.ndarray] = []
    for _ in range(50):
        x, y = rng.uniform(x0, x1, 20 * n), rng.uniform(y0, y1, 20 * n)
        inside = shapely.contains_xy(region, x, y)
        out.append(shapely.points(x[inside], y[inside]))
        if sum(map(len, out)) >= n:
            break
    return np.concatenate(out)[:n]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--peer", default="valhalla", help="file stem of the peer polygons")
    ap.add_argument("--facilities", type=int, default=40)
    ap.add_argument("--points", type=int, default=25, help="per facility and side")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    from coverage import pipeline

    s = pipeline.load_scenario(SCENARIO)
    speed, walk_off = s.walk.speed_kmh / 3.6, s.walk.walk_off_m
    ours = gpd.read_parquet(args.folder / "ours.parquet")
    peer = gpd.read_parquet(args.folder / f"{args.peer}.parquet").to_crs(ours.crs)
    w = ways(CITY_NETWORK).to_crs(ours.crs)
    g = graph(w, speed)
    tree = shapely.STRtree(w.geometry.values)
    pc = Pieces(w)
    fac = gpd.read_parquet(args.folder / "facilities.parquet").to_crs(ours.crs)
    rng = np.random.default_rng(args.seed)
    both = np.flatnonzero(ours.geometry.notna() & peer.geometry.notna())
    pick = rng.choice(both, size=min(args.facilities, len(both)), replace=False)
    recs, street = [], []
    for i in pick:
        a, b = ours.geometry.values[i], peer.geometry.values[i]
        nt = node_times(g, w, tree, fac.geometry.values[i], speed, s.walk.include_access)
        for side, inside, outside in (("ours only", a, b), (f"{args.peer} only", b, a)):
            pts = sample(inside, outside, args.points, rng)
            if not len(pts):
                continue
            tw, dist = point_times(pts, pc, nt, speed, walk_off)
            # is the reached street point nearest to p inside the other outline?
            recs.append((side, tw, dist, shapely.distance(pts, outside.boundary)))
        # points on streets the facility reaches in 15 min: does the peer's outline hold them?
        near = pc.tree.query(fac.geometry.values[i], predicate="dwithin", distance=1500.0)
        pj = rng.choice(near, size=min(200, len(near)), replace=False)
        on = shapely.points(pc.a[pj] + (pc.b[pj] - pc.a[pj]) * rng.random(len(pj))[:, None])
        t0, _ = point_times(on, pc, nt, speed, 0.01)
        keep = t0 <= LIMIT_S
        street.append((t0[keep], shapely.contains(b, on[keep]), shapely.contains(a, on[keep])))
    report(recs, walk_off, args.peer)
    t = np.concatenate([x[0] for x in street])
    inside = np.concatenate([x[1] for x in street])
    ours_in = np.concatenate([x[2] for x in street])
    out = ~inside
    print(
        f"\nstreet points reached within 15 min (independent times; {len(t)} points): inside our "
        f"outline {ours_in.mean():.1%}, inside {args.peer}'s {inside.mean():.1%}. Of those "
        f"outside {args.peer}'s ({out.sum()}): reached in <= 10 min {(t[out] <= 600).mean():.0%}, "
        f"10-14 min {((t[out] > 600) & (t[out] <= 840)).mean():.0%}, 14-15 min "
        f"{(t[out] > 840).mean():.0%}; median {np.median(t[out]) / 60 if out.any() else 0:.1f} min"
    )


def report(recs, walk_off: float, peer: str) -> None:
    rows = []
    for side in sorted({r[0] for r in recs}):
        tw = np.concatenate([r[1] for r in recs if r[0] == side])
        d = np.concatenate([r[2] for r in recs if r[0] == side])
        gap = np.concatenate([r[3] for r in recs if r[0] == side])
        n = len(tw)
        within = tw <= LIMIT_S
        rows.append([side, n,
                     f"{within.mean():.0%}", f"{((tw > 840) & within).mean():.0%}",
                     f"{(d <= walk_off + 10).mean():.0%}",
                     f"{((d > walk_off + 10) & (d <= 150)).mean():.0%}",
                     f"{(d > 150).mean():.0%}",
                     f"{np.median(d[np.isfinite(d)]):.0f}" if np.isfinite(d).any() else "-",
                     f"{np.median(gap):.0f}"])  # fmt: skip
    print(table(rows, ["points in", "n", f"reached by the rule (t_W <= 15 min, W = {walk_off:g} m)",
                       "… in its last minute (14-15 min)",
                       f"street reached in 15 min within {walk_off + 10:g} m",
                       "… 60-150 m", "… > 150 m or none", "median distance to a reached street (m)",
                       "median distance to the other outline (m)"]))  # fmt: skip


if __name__ == "__main__":
    main()
