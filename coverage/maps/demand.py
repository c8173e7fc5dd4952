"""Worker points on the map: covered, cross-covered and uncovered classes, each one layer.

Points ship as parallel arrays (coordinates and a few columns) and the page builds a popup on
click: far smaller than one marker and popup per point, so 30k points stay fluid.
"""

from __future__ import annotations

import math
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from coverage import settings
from coverage.i18n import t
from coverage.maps.geometry import draw_geoms
from coverage.maps.registry import Registry
from coverage.maps.tiers import normalize_tier, tier_label
from coverage.maps.values import clean, minutes, missing, number

__all__ = ["DEMAND_STYLE", "MAX_COVERED_POINTS", "demand_classes", "demand_label", "demand_layer"]

#: Covered worker points drawn at most per layer; beyond this they are thinned evenly (and the
#: legend says so). Uncovered points are never thinned: they are what the map is for.
MAX_COVERED_POINTS: int = 60_000


DEMAND_STYLE: dict[str, dict[str, Any]] = {
    "demand_uncovered": {
        "radius": 3.5,
        "color": "#7b241c",
        "weight": 1,
        "fillColor": "#e74c3c",
        "fillOpacity": 0.9,
    },
    "demand_covered": {"radius": 2.5, "stroke": False, "fillColor": "#27ae60", "fillOpacity": 0.6},
    "demand_cross": {"radius": 2.5, "stroke": False, "fillColor": "#145a32", "fillOpacity": 0.75},
    "demand": {"radius": 2.5, "stroke": False, "fillColor": "#566573", "fillOpacity": 0.6},
}


def demand_classes(demand: gpd.GeoDataFrame) -> dict[str, np.ndarray]:
    """Boolean masks per demand layer key (uncovered last so it is drawn on top)."""
    n = len(demand)
    covered: np.ndarray | None = None
    if "covered" in demand:
        covered = demand["covered"].fillna(False).astype(bool).to_numpy()
    elif "n_reach" in demand:
        covered = pd.to_numeric(demand["n_reach"], errors="coerce").fillna(0).to_numpy() > 0
    elif "nearest_min" in demand:
        nearest = pd.to_numeric(demand["nearest_min"], errors="coerce").to_numpy(dtype=float)
        covered = np.nan_to_num(nearest, nan=np.inf) <= settings.threshold_min
    if covered is None:
        return {"demand": np.ones(n, dtype=bool)}
    if "n_reach" in demand:
        reach = pd.to_numeric(demand["n_reach"], errors="coerce").fillna(0).to_numpy()
        cross = covered & (reach >= 2)
        return {
            "demand_covered": covered & ~cross,
            "demand_cross": cross,
            "demand_uncovered": ~covered,
        }
    return {"demand_covered": covered, "demand_uncovered": ~covered}


def demand_label(lang: str, key: str, mask: np.ndarray, demand: pd.DataFrame) -> str:
    """Legend text of a worker-point class: its points, and its workers when weighted.

    Points and workers are named as such: a point is a workplace or a cluster of them, and its
    ``weight`` is how many workers it stands for. Worker totals are whole numbers (round half
    to even), like every worker count on the map.
    """
    n = int(mask.sum())
    pts = t(lang, "map.n_point" if n == 1 else "map.n_points", n=f"{n:,}")
    if "weight" not in demand:
        return t(lang, f"map.class.{key}", n=f"{n:,}", pts=pts)
    weights = pd.to_numeric(demand["weight"], errors="coerce").to_numpy(dtype=float)[mask]
    workers = float(np.nansum(weights)) if len(weights) else 0.0
    return t(lang, f"map.class.{key}_w", n=f"{n:,}", pts=pts, w=number(workers))


def demand_layer(
    reg: Registry,
    demand: gpd.GeoDataFrame,
    key: str,
    mask: np.ndarray,
    lang: str,
    datum: str,
) -> None:
    """Add the worker points of one class (``mask``) as the ``key`` layer; covered ones thinned."""
    total = int(mask.sum())
    idx = np.flatnonzero(mask)
    if key != "demand_uncovered" and total > MAX_COVERED_POINTS:
        # Even thinning keeps the density pattern; the legend reports it.
        idx = idx[np.linspace(0, total - 1, MAX_COVERED_POINTS).round().astype(int)]
        reg.notes.append(t(lang, "map.thinned", shown=f"{len(idx):,}", total=f"{total:,}"))
    part = demand.iloc[idx]
    label_key = key
    if key == "demand_covered" and "n_reach" in demand:
        label_key = "demand_covered_once"
    pts = draw_geoms(shapely.point_on_surface(part.geometry.to_numpy()), datum)
    data: dict[str, Any] = {
        "x": shapely.get_x(pts).tolist(),
        "y": shapely.get_y(pts).tolist(),
    }
    # Columns are shipped as parallel arrays and popups built on click: far smaller than one
    # marker (and popup) per point.
    fields: list[list[Any]] = []  # [label, column key, kind]
    if "name" in part:
        data["name"] = [None if missing(v) else str(v) for v in part["name"]]
    if "weight" in part:
        # Workers at the point: a whole number, like every worker count a person reads.
        data["w"] = [
            None if missing(v) or not math.isfinite(v) else round(float(v))
            for v in pd.to_numeric(part["weight"], errors="coerce")
        ]
        fields.append([t(lang, "map.weight"), "w", "num"])
    if "n_reach" in part:
        data["n"] = [clean(v) for v in pd.to_numeric(part["n_reach"], errors="coerce")]
        fields.append([t(lang, "map.n_reach"), "n", "num"])
    if "nearest_min" in part:
        data["m"] = minutes(part["nearest_min"])
        fields.append([t(lang, "map.nearest_min"), "m", "min"])
    for col in part.columns:
        if isinstance(col, str) and col.startswith("t_") and col != "t_any":
            tier = normalize_tier(col[2:])
            data[col] = minutes(part[col])
            fields.append([t(lang, "map.to_tier", label=tier_label(tier, lang)), col, "min"])
    style = dict(DEMAND_STYLE[key])
    if len(idx) > 5000:
        # Thousands of large dots merge into a blanket; smaller ones keep the pattern legible.
        style["radius"] = min(style["radius"], 2.5)
    spec = {
        "kind": "points",
        "data": data,
        "style": style,
        "fields": fields,
        "head": t(lang, "map.demand_head"),
        "minutes": t(lang, "map.minutes", v="{v}"),
        "beyond": t(lang, "map.beyond"),
    }
    reg.add(key, demand_label(lang, label_key, mask, demand), spec, count=len(idx))
    reg.front.append(key)
