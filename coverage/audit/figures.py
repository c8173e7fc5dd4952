"""A district's headline figures, read from its coverage summary (what ``coverage run`` wrote).

Every figure comes from the same :class:`~coverage.analysis.Coverage` that ``coverage run``
computes for the district's scenario, so the audit table and the district's own ``summary.csv``
agree by construction. Keys are plain (``share_any``, ``share_tier:point``,
``share_kind:residents``); :mod:`coverage.audit.results` turns them into labelled columns.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from coverage.analysis import Coverage
from coverage.errors import Msg, Problem
from coverage.inputs.demand import demand_kind
from coverage.inputs.layers import Layers
from coverage.scenario import Scenario

__all__ = [
    "POPULATION_KIND",
    "WORKERS_KIND",
    "district_figures",
    "figures_without_people",
    "nobody_lives_in",
    "people_without_streets",
]

#: The demand kind that counts the district's population (facilities per 10,000 people,
#: the share the street extract could evaluate); the overall demand when there is none.
POPULATION_KIND = "residents"
#: The demand kind whose uncovered weight is reported as workers not covered.
WORKERS_KIND = "workers"


def _f(v: Any) -> float:
    x = float(v)
    return x if math.isfinite(x) else math.nan


def _facilities_in(facilities: gpd.GeoDataFrame, district: shapely.Geometry) -> float:
    """How many of ``facilities`` (WGS-84 points) stand in the ``district`` polygon."""
    x, y = facilities.geometry.x.to_numpy(), facilities.geometry.y.to_numpy()
    return float(np.count_nonzero(shapely.contains_xy(district, x, y)))


def district_figures(
    cov: Coverage, district: shapely.Geometry, kinds: Iterable[str] = ()
) -> dict[str, float]:
    """Coverage per tier and demand kind, cross-coverage, gaps and evaluable share.

    Parameters
    ----------
    cov
        The district scenario's coverage.
    district
        The district's polygon (WGS-84): facilities standing in it are the district's own
        (those just outside may still cover its edge, and count in the shares).
    kinds
        The demand kinds the scenario's layers hold: a kind none of whose rows lies in the
        district counts 0 people (0 workers not covered), its share not applicable (NaN),
        rather than unknown.

    Returns
    -------
    dict
        ``demand``, ``covered``, ``share_any``, ``cross_share``, ``unreachable``,
        ``population`` (people of :data:`POPULATION_KIND`, else all demand),
        ``evaluable_share`` (of that population, the part near enough to a street to be
        routed), ``workers_uncovered`` (NaN without a workers layer), ``facilities_in``,
        ``facilities_serving`` (those, inside or near, whose walk reaches someone in the
        district), ``facilities_per_10k``,
        and per tier ``share_tier:<code>``, per kind ``share_kind:<kind>``,
        ``weight_kind:<kind>``, ``uncovered_kind:<kind>``, ``unreachable_kind:<kind>``.
    """
    s = cov.summary.set_index(["scope", "key"])
    overall = s.loc[("overall", "all")]
    out: dict[str, float] = {
        "demand": _f(overall["weight"]),
        "covered": _f(overall["covered_weight"]),
        "share_any": _f(overall["share"]),
        "cross_share": _f(overall["cross_share"]),
        "unreachable": _f(overall["unreachable_weight"]),
    }
    for _, r in cov.summary[cov.summary["scope"] == "kind"].iterrows():
        k = str(r["key"])
        out[f"share_kind:{k}"] = _f(r["share"])
        out[f"weight_kind:{k}"] = _f(r["weight"])
        out[f"uncovered_kind:{k}"] = _f(r["weight"] - r["covered_weight"])
        out[f"unreachable_kind:{k}"] = _f(r["unreachable_weight"])
    for _, r in cov.summary[cov.summary["scope"] == "tier"].iterrows():
        out[f"share_tier:{r['key']}"] = _f(r["share"])
    pop_key = POPULATION_KIND if f"weight_kind:{POPULATION_KIND}" in out else None
    population = out[f"weight_kind:{pop_key}"] if pop_key else out["demand"]
    far = out[f"unreachable_kind:{pop_key}"] if pop_key else out["unreachable"]
    out["population"] = population
    out["evaluable_share"] = (population - far) / population if population > 0 else math.nan
    for k in sorted(set(kinds)):
        if f"weight_kind:{k}" not in out:  # the layer was read: nobody of it is in the district
            out.update({f"share_kind:{k}": math.nan, f"weight_kind:{k}": 0.0,
                        f"uncovered_kind:{k}": 0.0, f"unreachable_kind:{k}": 0.0})  # fmt: skip
    out["workers_uncovered"] = out.get(f"uncovered_kind:{WORKERS_KIND}", math.nan)
    fac = cov.facilities
    out["facilities_in"] = _facilities_in(fac, district)
    # Serving the district: reaching one of its demand points within the facility's walk. A
    # facility of the margin that is on a street but reaches no one in it serves it not.
    reached = fac["snapped"].to_numpy(dtype=bool) & (fac["demand_reached"].to_numpy() > 0)
    out["facilities_serving"] = float(np.count_nonzero(reached))
    out["facilities_per_10k"] = (
        out["facilities_in"] / population * 10_000 if population > 0 else math.nan
    )
    return out


def people_without_streets(s: Scenario) -> dict[str, float]:
    """Figures of a district the network does not reach: its raster population, 0 % evaluable.

    Only population rasters are counted (point registers are placed on streets); a raster that
    cannot be read for the district leaves the population unknown (NaN).
    """
    from coverage.inputs.demand import read_raster_layer
    from coverage.pipeline import load_area

    area, _ = load_area(s)
    weights: dict[str, float] = {}
    for layer in s.demand:
        if not layer.is_raster or layer.path is None or area is None:
            continue
        kind = demand_kind(layer)  # a raster's: its own, else residents
        try:
            gdf, _ = read_raster_layer(s, layer, area, kind)
        except Exception:  # noqa: BLE001 - the district has failed already; this is extra
            weights[kind] = math.nan
            continue
        weights[kind] = weights.get(kind, 0.0) + (float(gdf["weight"].sum()) if len(gdf) else 0.0)
    out: dict[str, float] = {f"weight_kind:{k}": w for k, w in weights.items()}
    out.update({f"unreachable_kind:{k}": w for k, w in weights.items()})
    total = sum(weights.values()) if weights else math.nan
    population = weights.get(POPULATION_KIND, total)
    out.update(demand=total, unreachable=total, population=population, evaluable_share=0.0)
    return out


def _key(p: Problem) -> str | None:
    return p.msg.key if isinstance(p.msg, Msg) else None


def nobody_lives_in(s: Scenario, layers: Layers) -> bool:
    """Whether the district's demand is empty because no one is in it, not because of bad rows.

    True when no demand point was kept and every demand row skipped lies outside the district
    (a city-wide register's other districts) and every raster cell skipped holds no data.
    """
    if len(layers.demand):
        return False
    files = {str(s.input_path(layer.path)) for layer in s.demand if layer.path is not None}
    skipped = [p for p in layers.problems if p.path in files and p.action == "skipped"]
    rows = {(p.path, p.row) for p in skipped if p.row is not None}
    away = {(p.path, p.row) for p in skipped if _key(p) == "problem.outside_area"}
    whole = [p for p in skipped if p.row is None]
    return rows <= away and all(_key(p) == "problem.raster_nodata" for p in whole)


def figures_without_people(
    s: Scenario, layers: Layers, district: shapely.Geometry
) -> dict[str, float]:
    """Figures of a district without people: counts 0, shares and rates not applicable (NaN).

    0 % would say nobody is covered and 100 % that everybody is; with nobody there, neither
    is true. Its facilities are counted as in :func:`district_figures`; which of them a route
    would reach is not computed (NaN).
    """
    nan = math.nan
    out: dict[str, float] = {"demand": 0.0, "covered": 0.0, "share_any": nan, "cross_share": nan,
                             "unreachable": 0.0, "population": 0.0, "evaluable_share": nan}  # fmt: skip
    kinds = {demand_kind(layer) for layer in s.demand}
    for k in sorted(kinds):
        out.update({f"share_kind:{k}": nan, f"weight_kind:{k}": 0.0,
                    f"uncovered_kind:{k}": 0.0, f"unreachable_kind:{k}": 0.0})  # fmt: skip
    out["workers_uncovered"] = 0.0 if WORKERS_KIND in kinds else nan
    out["facilities_in"] = _facilities_in(layers.facilities, district)
    out["facilities_serving"] = nan
    out["facilities_per_10k"] = nan
    return out
