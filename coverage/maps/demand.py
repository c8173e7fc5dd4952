"""Worker points on the map: covered, cross-covered and uncovered classes, each one layer.

On a plan map (demand with a ``plan_added`` column, :func:`coverage.plan_layers.plan_demand`)
the points covered only thanks to the plan are a class of their own (``demand_added``), and
the uncovered class holds the points still uncovered after the plan.

Points ship as parallel arrays (coordinates and a few columns) and the page builds a popup on
click: far smaller than one marker and popup per point, so 30k points stay fluid.

Uncovered points are coloured by how far they are from being covered (:func:`minutes_over`):
the extra minutes of walk beyond the standard of the nearest tier that could serve them,
read from the analysis' ``t_<tier>`` times and the tiers' thresholds, in the classes of
:data:`GAP_CLASSES` (up to 5, 5–15, more than 15 minutes over, and not reachable on foot).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from coverage.i18n import t
from coverage.maps.geometry import draw_geoms
from coverage.maps.registry import Registry
from coverage.maps.tiers import normalize_tier, tier_label
from coverage.maps.values import clean, minutes, missing, number
from coverage.scenario.defaults import setting

__all__ = [
    "DEMAND_STYLE",
    "GAP_CLASSES",
    "GAP_COLORS",
    "MAX_COVERED_POINTS",
    "UNTHINNED",
    "covered_by_times",
    "demand_classes",
    "demand_label",
    "demand_layer",
    "gap_classes",
    "minutes_over",
]

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
    # The plan's purple (its sites' stars and catchments), a size between covered and uncovered.
    "demand_added": {
        "radius": 3,
        "color": "#4a235a",
        "weight": 0.5,
        "fillColor": "#a569bd",
        "fillOpacity": 0.9,
    },
}

#: Classes never thinned: the points the map is for (uncovered; newly covered on a plan map).
UNTHINNED = frozenset({"demand_uncovered", "demand_added"})


#: Classes of uncovered points (codes 0–3 in the page's data): at most 5, over 5 up to 15 and
#: more than 15 minutes beyond the standard, and not reachable on foot at all.
GAP_CLASSES: tuple[str, ...] = ("over_5", "over_15", "over_more", "unreachable")
#: Upper bounds (minutes over) of the first two classes.
GAP_BOUNDS: tuple[float, float] = (5.0, 15.0)
GAP_COLORS: dict[str, str] = {
    "over_5": "#f5b041",
    "over_15": "#e74c3c",
    "over_more": "#78281f",
    "unreachable": "#17202a",
}


def minutes_over(demand: pd.DataFrame, thresholds: Mapping[str, float]) -> np.ndarray:
    """Minutes each point would have to walk beyond the standard to be covered.

    For each tier with a ``t_<tier>`` column (the analysis' time to that tier's nearest
    facility), the time minus the tier's threshold (``thresholds``, by tier code; default
    :data:`coverage.settings.threshold_min`); the smallest over the tiers. NaN where no facility
    can be reached on foot (no finite time, or the point not ``snapped`` to a street). Covered
    points come out at zero or below.
    """
    limits = {normalize_tier(k): float(v) for k, v in thresholds.items()}
    best = np.full(len(demand), np.inf)
    for col in demand.columns:
        if isinstance(col, str) and col.startswith("t_") and col != "t_any":
            tier = normalize_tier(col[2:])  # the setting only when needed: it is checked
            limit = limits[tier] if tier in limits else setting("threshold_min")
            times = pd.to_numeric(demand[col], errors="coerce").to_numpy(dtype=float)
            best = np.fmin(best, np.where(np.isfinite(times), times - limit, np.inf))
    if "snapped" in demand:
        best[~demand["snapped"].fillna(False).to_numpy(dtype=bool)] = np.inf
    return np.where(np.isfinite(best), best, np.nan)


def _tier_times(demand: pd.DataFrame) -> list[str]:
    """The ``t_<tier>`` columns: each tier's nearest facility, in minutes."""
    return [c for c in demand.columns if isinstance(c, str) and c.startswith("t_") and c != "t_any"]


def covered_by_times(
    demand: pd.DataFrame, thresholds: Mapping[str, float]
) -> tuple[np.ndarray, np.ndarray]:
    """Covered, and unknown, per point from the walk times alone, each tier at its threshold.

    With ``t_<tier>`` columns a point is covered when some tier's nearest facility is within
    that tier's threshold (:func:`minutes_over`). With ``nearest_min`` only, the tier of the
    nearest facility is not known: a point within every tier's threshold is covered, one beyond
    every tier's is not, and one between is neither (the second mask): the general threshold
    would call a point 18 minutes from a 20-minute centre uncovered. ``thresholds``: minutes
    by tier code (none: :data:`coverage.settings.threshold_min` for every tier).
    """
    none = np.zeros(len(demand), dtype=bool)
    if _tier_times(demand):
        over = minutes_over(demand, thresholds)
        return np.nan_to_num(over, nan=np.inf) <= 0, none
    limits = [float(v) for v in thresholds.values()] or [setting("threshold_min")]
    nearest = pd.to_numeric(demand["nearest_min"], errors="coerce").to_numpy(dtype=float)
    nearest = np.nan_to_num(nearest, nan=np.inf)
    if "snapped" in demand:
        nearest[~demand["snapped"].fillna(False).to_numpy(dtype=bool)] = np.inf
    covered = nearest <= min(limits)
    return covered, ~covered & (nearest <= max(limits))


def gap_classes(over: np.ndarray) -> np.ndarray:
    """Class code (index into :data:`GAP_CLASSES`) of each point's :func:`minutes_over`.

    ``over <= 5`` → 0, ``5 < over <= 15`` → 1, ``over > 15`` → 2, NaN (not reachable) → 3.
    """
    over = np.asarray(over, dtype=float)
    codes = np.where(over <= GAP_BOUNDS[0], 0, np.where(over <= GAP_BOUNDS[1], 1, 2))
    return np.where(np.isnan(over), 3, codes).astype(np.int64)


def demand_classes(
    demand: gpd.GeoDataFrame, thresholds: Mapping[str, float] | None = None
) -> dict[str, np.ndarray]:
    """Boolean masks per demand layer key (uncovered last so it is drawn on top).

    With ``plan_added`` (a plan map), the points it marks are ``demand_added`` and leave the
    covered classes; ``covered`` is then coverage after the plan. Without ``covered`` or
    ``n_reach``, coverage is read from the walk times against each tier's own threshold
    (``thresholds``, by tier code): see :func:`covered_by_times`; the points it cannot tell
    are the ``demand`` class, whose legend says so (:func:`demand_layer`).
    """
    n = len(demand)
    covered: np.ndarray | None = None
    unknown = np.zeros(n, dtype=bool)
    if "covered" in demand:
        covered = demand["covered"].fillna(False).astype(bool).to_numpy()
    elif "n_reach" in demand:
        covered = pd.to_numeric(demand["n_reach"], errors="coerce").fillna(0).to_numpy() > 0
    elif "nearest_min" in demand or _tier_times(demand):
        covered, unknown = covered_by_times(demand, thresholds or {})
    if covered is None:
        return {"demand": np.ones(n, dtype=bool)}
    if unknown.any():
        return {
            "demand_covered": covered,
            "demand": unknown,
            "demand_uncovered": ~covered & ~unknown,
        }
    added = None
    if "plan_added" in demand:
        added = demand["plan_added"].fillna(False).astype(bool).to_numpy()
        covered = covered | added
    was = covered if added is None else covered & ~added  # covered without the plan
    if "n_reach" in demand:
        reach = pd.to_numeric(demand["n_reach"], errors="coerce").fillna(0).to_numpy()
        cross = was & (reach >= 2)
        out = {"demand_covered": was & ~cross, "demand_cross": cross}
    else:
        out = {"demand_covered": was}
    if added is not None:
        out["demand_added"] = added
    out["demand_uncovered"] = ~covered
    return out


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
    thresholds: Mapping[str, float] | None = None,
) -> None:
    """Add the worker points of one class (``mask``) as the ``key`` layer; covered ones thinned.

    Uncovered points with the analysis' ``t_<tier>`` times are coloured by their
    :func:`gap_classes` (``thresholds`` per tier, minutes), with one legend row per class.
    """
    total = int(mask.sum())
    idx = np.flatnonzero(mask)
    if key not in UNTHINNED and total > MAX_COVERED_POINTS:
        # Even thinning keeps the density pattern; the legend reports it.
        idx = idx[np.linspace(0, total - 1, MAX_COVERED_POINTS).round().astype(int)]
        reg.notes.append(t(lang, "map.thinned", shown=f"{len(idx):,}", total=f"{total:,}"))
    part = demand.iloc[idx]
    label_key = key
    if key == "demand_covered" and "n_reach" in demand:
        label_key = "demand_covered_once"
    elif key == "demand" and ("nearest_min" in demand or _tier_times(demand)):
        label_key = "demand_unknown"  # times without the tier of the nearest: said so
    plan = "plan_added" in demand  # a plan map: the uncovered are those the plan leaves
    if key == "demand_uncovered" and plan:
        label_key = "demand_uncovered_after"
    elif plan and label_key in ("demand_covered_once", "demand_cross"):
        # classed by the existing facilities reaching them, as before the plan: said so
        label_key += "_before"
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
        # Workers at the point: a whole number, like every worker count a person reads; "<1"
        # where some people round to none (a point drawn with "0 people" puzzles its reader).
        data["w"] = [
            None
            if missing(v) or not math.isfinite(v)
            else ("<1" if 0 < v and round(float(v)) == 0 else round(float(v)))
            for v in pd.to_numeric(part["weight"], errors="coerce")
        ]
        fields.append([t(lang, "map.weight"), "w", "num"])
    if "n_reach" in part:
        data["n"] = [clean(v) for v in pd.to_numeric(part["n_reach"], errors="coerce")]
        # a plan map's points covered before count the existing facilities only: said so
        before = plan and key in ("demand_covered", "demand_cross")
        fields.append([t(lang, "map.n_reach_before" if before else "map.n_reach"), "n", "num"])
    if "nearest_min" in part:
        data["m"] = minutes(part["nearest_min"])
        fields.append([t(lang, "map.nearest_min"), "m", "min"])
    for col in part.columns:
        if isinstance(col, str) and col.startswith("t_") and col != "t_any":
            tier = normalize_tier(col[2:])
            data[col] = minutes(part[col])
            label = tier_label(tier, lang)
            if lang == "en" and label[1:2].islower():  # mid-phrase: "Nearest service point"
                label = label[:1].lower() + label[1:]  # but "GP clinic", "ATM" as written
            fields.append([t(lang, "map.to_tier", label=label), col, "min"])
    extra: dict[str, Any] = {}
    if key == "demand_added":
        # Said first in the popup, whatever the point's name: covered only thanks to the plan.
        extra["lead"] = [[t(lang, "map.plan"), t(lang, "map.plan_added")]]
        if "plan_min" in part:
            data["p"] = minutes(part["plan_min"])
            fields.insert(1 if "weight" in part else 0, [t(lang, "map.to_proposed"), "p", "min"])
    style = dict(DEMAND_STYLE[key])
    if len(idx) > 5000:
        # Thousands of large dots merge into a blanket; smaller ones keep the pattern legible.
        style["radius"] = min(style["radius"], 2.5)
    has_times = any(isinstance(c, str) and c.startswith("t_") for c in part.columns)
    if key == "demand_uncovered" and has_times:
        over = minutes_over(part, thresholds or {})
        codes = gap_classes(over)
        data["o"] = minutes(over)
        data["g"] = codes.tolist()
        fields.insert(0, [t(lang, "map.minutes_over"), "o", "min", t(lang, "map.unreachable")])
        extra["classes"] = [{**style, "fillColor": GAP_COLORS[c]} for c in GAP_CLASSES]
        reg.legend_rows[key] = _gap_legend(part, codes, lang)
    spec = {
        "kind": "points",
        "data": data,
        "style": style,
        "fields": fields,
        "head": t(lang, "map.demand_head"),
        "minutes": t(lang, "map.minutes", v="{v}"),
        "beyond": t(lang, "map.beyond"),
        **extra,
    }
    reg.add(key, demand_label(lang, label_key, mask, demand), spec, count=len(idx))
    reg.front.append(key)


def _gap_legend(part: pd.DataFrame, codes: np.ndarray, lang: str) -> list[dict[str, Any]]:
    """Legend rows of the uncovered points' classes present: colour, label, points, workers."""
    rows = []
    weights = (
        pd.to_numeric(part["weight"], errors="coerce").to_numpy(dtype=float)
        if "weight" in part
        else None
    )
    for code, name in enumerate(GAP_CLASSES):
        hit = codes == code
        n = int(hit.sum())
        if not n:
            continue
        label = t(lang, f"map.gap.{name}")
        if weights is None:
            text = t(lang, "map.gap.row", label=label, n=f"{n:,}")
        else:
            pts = t(lang, "map.n_point" if n == 1 else "map.n_points", n=f"{n:,}")
            w = number(float(np.nansum(weights[hit])))
            text = t(lang, "map.gap.row_w", label=label, w=w, pts=pts)
        rows.append({"dot": GAP_COLORS[name], "text": text, "cls": name})
    return rows
