"""The coverage table: weighted shares by tier, kind, type, service and sub-district.

:func:`summarize` reads who is covered from the facility × demand cover matrix that
:func:`coverage.analysis.evaluate` builds, and adds the straight-line circle (``circle_share``)
from :func:`circle_pairs`. Every share is weighted by demand (workers, residents).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from scipy import sparse

from coverage import vocab
from coverage.counts import shown_counts, whole_parts
from coverage.scenario.defaults import setting

if TYPE_CHECKING:
    from coverage import analysis

__all__ = ["OUTSIDE", "circle_counts", "circle_pairs", "subdistricts_after", "summarize"]

#: The ``subdistrict`` row of the demand outside every sub-district.
OUTSIDE = "(outside)"


def circle_counts(facilities: gpd.GeoSeries, demand: gpd.GeoSeries, radius_m: float) -> np.ndarray:
    """Number of facilities within a straight-line radius of each demand point (metric CRS).

    Parameters
    ----------
    facilities
        Facility points in a metric CRS.
    demand
        Demand points in the same CRS.
    radius_m
        The radius in metres.

    Returns
    -------
    ndarray
        One count per demand point.
    """
    return np.asarray(circle_pairs(facilities, demand, radius_m).sum(axis=0), np.int64).ravel()


def circle_pairs(
    facilities: gpd.GeoSeries, demand: gpd.GeoSeries, radius_m: float
) -> sparse.csr_matrix:
    """Facility × demand boolean CSR: pairs within a straight-line radius (metric CRS).

    Parameters
    ----------
    facilities
        Facility points in a metric CRS.
    demand
        Demand points in the same CRS.
    radius_m
        The radius in metres.

    Returns
    -------
    csr_matrix
        Facilities × demand, True within the radius.
    """
    shape = (len(facilities), len(demand))
    if 0 in shape:
        return sparse.csr_matrix(shape, dtype=bool)
    tree = shapely.STRtree(facilities.values)
    d_idx, f_idx = tree.query(demand.values, predicate="dwithin", distance=radius_m)
    return sparse.csr_matrix((np.ones(len(d_idx), dtype=bool), (f_idx, d_idx)), shape=shape)


def summarize(
    facilities: gpd.GeoDataFrame,
    demand: gpd.GeoDataFrame,
    covers: sparse.csr_matrix,
    thresholds: Mapping[str, float],
    *,
    services: Sequence[str] | None = None,
    facility_subdistricts: Sequence[str] | npt.NDArray[np.object_] | None = None,
    circles: sparse.csr_matrix | None = None,
) -> pd.DataFrame:
    """Weighted coverage table.

    One row per ``scope``/``key``: ``overall``/``all``; ``kind``/<kind> (each demand kind by
    any facility, when demand has a ``kind`` column); ``tier``/<tier>; ``type``/<type> (when
    facilities have a ``type`` column); ``service``/<service>; ``subdistrict``/<name> (when demand
    has a ``subdistrict`` column). ``covered_weight`` and ``share`` count demand covered by the
    facilities of that group (for sub-districts: by any facility); ``cross_*`` by at least two of
    them; ``circle_share`` by the straight-line circle of any facility of the group;
    ``unreachable_weight`` is the demand farther than the snap limit from every street (not
    ``snapped``): counted in ``weight``, never covered.
    ``facilities`` counts the facilities of the group; for a sub-district, those located in it,
    by ``facility_subdistricts`` (the sub-district containing each facility, '' outside all,
    as :func:`evaluate` finds them; without it the count is unknown: NaN). ``circles``: the
    facility × demand pairs within the circle (:func:`circle_pairs`, in
    ``demand.attrs["metric_crs"]``), when the caller has them.

    Parameters
    ----------
    facilities
        Facilities with ``tier`` (and ``type``, ``services`` when present).
    demand
        Demand with ``weight`` and ``snapped`` (``kind``, ``subdistrict`` when present).
    covers
        Facility × demand boolean CSR: pairs within the facility's tier threshold.
    thresholds
        Threshold in minutes per tier.
    services
        Services to summarise (default: all found).
    facility_subdistricts
        The sub-district of each facility (see above).
    circles
        Facility × demand pairs within the circle (see above).

    Returns
    -------
    DataFrame
        The summary table.
    """
    w = demand["weight"].to_numpy(dtype=float)
    far = ~demand["snapped"].to_numpy(dtype=bool) if "snapped" in demand else np.zeros(len(w), bool)
    radius_hits = (
        demand["n_circle"].to_numpy() > 0 if "n_circle" in demand else np.zeros(len(w), bool)
    )
    rows: list[dict[str, Any]] = []
    if circles is None:
        circles = _circle_pairs_of(facilities, demand)

    def group(scope: str, key: str, members: np.ndarray) -> None:
        counts = (
            np.asarray(covers[members].sum(axis=0)).ravel() if len(members) else np.zeros(len(w))
        )
        # A group's circle: any of its facilities' (the pairs found once for all of them).
        circle = (
            np.asarray(circles[members].sum(axis=0)).ravel() > 0
            if len(members) and circles is not None
            else np.zeros(len(w), bool)
        )
        rows.append(_row(scope, key, w, counts > 0, counts > 1, circle, int(len(members)), far))

    counts = np.diff(covers.tocsc().indptr)
    rows.append(
        _row("overall", "all", w, counts > 0, counts > 1, radius_hits, len(facilities), far)
    )
    if "kind" in demand:  # residents, workers …: each kind on its own, by any facility
        kinds = demand["kind"].fillna("").astype(str).to_numpy()
        for kind in sorted(set(kinds) - {""}):
            m = kinds == kind
            rows.append(_row("kind", kind, w[m], counts[m] > 0, counts[m] > 1, radius_hits[m],
                             len(facilities), far[m]))  # fmt: skip
    tiers = facilities["tier"].astype(str).to_numpy()
    for tier in vocab.tier_order(thresholds):
        group("tier", tier, np.flatnonzero(tiers == tier))
    if "type" in facilities:
        types = facilities["type"].fillna("").astype(str).to_numpy()
        for t in sorted(set(types) - {""}):
            group("type", t, np.flatnonzero(types == t))
    svc = [_services_of(v) for v in facilities["services"]] if "services" in facilities else []
    wanted = services if services is not None else sorted({s for v in svc for s in v})
    for s in wanted:
        group("service", s, np.array([i for i, v in enumerate(svc) if s in v], dtype=np.int64))
    if "subdistrict" in demand:
        names = demand["subdistrict"].fillna("").astype(str).to_numpy()
        zones = (
            pd.Series(facility_subdistricts, dtype=object).fillna("").astype(str).to_numpy()
            if facility_subdistricts is not None
            else None
        )
        if zones is not None and len(zones) != len(facilities):
            raise ValueError(
                f"facility_subdistricts has {len(zones)} names for {len(facilities)} facilities"
            )
        for name in sorted(set(names)):
            m = names == name
            n_fac = int((zones == name).sum()) if zones is not None else np.nan
            rows.append(
                _row(
                    "subdistrict",
                    name or OUTSIDE,
                    w[m],
                    counts[m] > 0,
                    counts[m] > 1,
                    radius_hits[m],
                    n_fac,
                    far[m],
                )
            )
    return pd.DataFrame(rows)


def _services_of(value: Any) -> list[str]:
    if isinstance(value, list | tuple | np.ndarray):
        return [str(s) for s in value]
    if isinstance(value, str) and value:
        return [s.strip() for s in value.replace("；", ";").split(";") if s.strip()]
    return []


def _row(scope: str, key: str, w: np.ndarray, hit: np.ndarray, cross: np.ndarray,
         circle: np.ndarray, n_fac: float, far: np.ndarray) -> dict[str, Any]:  # fmt: skip
    total = float(w.sum())
    cw = float(w[hit].sum())
    return {
        "scope": scope,
        "key": key,
        "facilities": n_fac,
        "demand_points": int(len(w)),
        "weight": total,
        "covered_weight": cw,
        "share": cw / total if total > 0 else np.nan,
        "cross_weight": float(w[cross].sum()),
        "cross_share": float(w[cross].sum()) / total if total > 0 else np.nan,
        "circle_share": float(w[circle].sum()) / total if total > 0 else np.nan,
        "uncovered_points": int((~hit).sum()),
        # people too far from any walkable street to be routed: in the totals, never covered
        "unreachable_weight": float(w[far].sum()),
    }


def _circle_pairs_of(
    facilities: gpd.GeoDataFrame, demand: gpd.GeoDataFrame
) -> sparse.csr_matrix | None:
    """:func:`circle_pairs` in the demand's metric CRS (None when it has no usable CRS)."""
    radius = demand.attrs.get("circle_radius_m")
    if radius is None:  # the setting only when the run gave none: reading it checks it
        radius = setting("circle_radius_m")
    crs = demand.attrs.get("metric_crs")
    d = demand.geometry
    if crs is None:
        crs = d.estimate_utm_crs() if len(d) else None
    if crs is None:
        return None
    return circle_pairs(facilities.geometry.to_crs(crs), d.to_crs(crs), radius)


def subdistricts_after(cov: analysis.Coverage, covered: np.ndarray) -> pd.DataFrame:
    """Per sub-district: the share covered before the plan, with it, and the people it adds.

    ``covered`` is per demand point after the plan (:func:`coverage.planning.plan_coverage`);
    demand outside every sub-district is the summary's ``(outside)`` row, as in the report.
    ``added_weight`` is in whole people that add up to the rounded total (largest remainder,
    :func:`coverage.counts.whole_parts`), as the plan map's popups show them, each at most the
    sub-district's people left uncovered as shown (:func:`coverage.counts.shown_counts`).
    """
    rows = cov.summary[cov.summary["scope"] == "subdistrict"]
    out = rows[["scope", "key", "demand_points", "weight"]].copy()
    out["before_share"] = rows["share"]
    d = cov.demand
    if "subdistrict" in d and len(rows):
        names = d["subdistrict"].fillna("").astype(str).replace("", OUTSIDE).to_numpy()
        w = d["weight"].to_numpy(dtype=float)
        added = covered & ~d["covered"].fillna(False).to_numpy(dtype=bool)

        def by_name(weights: np.ndarray) -> pd.Series:
            return out["key"].map(pd.Series(weights).groupby(names).sum())

        out["after_share"] = (by_name(np.where(covered, w, 0.0)) / out["weight"]).where(
            out["weight"] > 0
        )
        # Whole people adding up to the plan's total: the workbook shows the popups' figures
        # (rounding each exact figure on its own could show one more or less than the map).
        exact = by_name(np.where(added, w, 0.0)).to_numpy(dtype=float)
        # At most the people left uncovered as shown, so that covered before plus added never
        # exceeds a sub-district's people (61 + 40 of 100 when 60.6 and 39.4 each round up).
        mine = (cov.summary["scope"] == "subdistrict").to_numpy()
        left = shown_counts(cov.summary)["uncovered"].to_numpy()[mine]
        out["added_weight"] = whole_parts(exact, round(float(np.nansum(exact))), most=left)
    return out.reset_index(drop=True)
