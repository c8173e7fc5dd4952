"""A scenario's plan as handed on: :class:`PlanRun` and coverage after it.

:class:`PlanRun`, the record :func:`coverage.pipeline.plan` returns, holds the coverage run
before, the stages (:class:`coverage.planning.Plan`) and every site considered;
:func:`plan_coverage` adds the stages' sites to the run in plan order (the curve
``coverage_curve.csv``, the report and the plan map show), and :func:`describe_sites` says where
each proposed site stands. Apart from :mod:`coverage.planning.plan`, which solves the stages:
this is the part that writers and maps read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from coverage import analysis, routing
from coverage._arrays import whole_rows
from coverage.datum import add_coordinates
from coverage.plan_layers import nearest_proposed, proposed_catchments
from coverage.planning.after import AfterCoverage, _site_hits, after_coverage
from coverage.planning.demand import demand_after
from coverage.planning.plan import Plan

if TYPE_CHECKING:
    from coverage.results import Run

__all__ = ["PlanRun", "describe_sites", "plan_coverage"]


@dataclass
class PlanRun:
    """Result of :func:`coverage.pipeline.plan`: the run before, the stages, all sites.

    Holds the coverage run before, the stages and all sites considered; :attr:`after` is coverage
    after the whole plan.

    Attributes
    ----------
    before
        The coverage run without the plan.
    sites
        Every site considered (candidates and existing facilities).
    plans
        The stages, in order.
    files
        What was written, by kind.
    """

    before: Run
    sites: gpd.GeoDataFrame
    plans: list[Plan]
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def proposed(self) -> gpd.GeoDataFrame:
        """Every stage's proposed sites, in plan order."""
        if not self.plans:
            return gpd.GeoDataFrame(geometry=[], crs=4326)
        out = pd.concat([p.proposed for p in self.plans], ignore_index=True)
        return whole_rows(gpd.GeoDataFrame(out, geometry="geometry", crs=4326))

    def stages(self) -> pd.DataFrame:
        """One row per stage (:meth:`Plan.summary`)."""
        return pd.DataFrame([p.summary() for p in self.plans])

    @cached_property
    def after(self) -> AfterCoverage:
        """Coverage of the run with the proposed sites added in plan order (`plan_coverage`)."""
        return plan_coverage(self.before, self.plans, self.sites)

    @cached_property
    def demand(self) -> gpd.GeoDataFrame:
        """The run's demand after the plan (:func:`coverage.planning.demand_after`), made once.

        The plan workbook and the plan map both read it (walks to the nearest site with the
        proposed sites open).
        """
        return demand_after(self)

    @cached_property
    def plan_min(self) -> np.ndarray:
        """Minutes from each demand row to the nearest proposed site reaching it (else inf).

        Read from the stages' own site × demand times
        (:func:`coverage.plan_layers.nearest_proposed`); the plan map shows it for the points the
        plan newly covers.
        """
        return nearest_proposed(self.plans, len(self.before.coverage.demand))

    @cached_property
    def catchment_bands(self) -> list[float]:
        """Bands of :attr:`catchments`: every stage's threshold, and the scenario's below them.

        The plan map draws each stage's sites at its own threshold; the report draws all of
        them at the scenario's bands up to the longest threshold.
        """
        own = {float(p.threshold_min) for p in self.plans if len(p.proposed)}
        if not own:
            return []
        longest = max(own)
        spec = self.before.scenario.catchment_spec()
        return sorted(own | {float(b) for b in spec.bands_min if b < longest})

    @cached_property
    def catchments(self) -> gpd.GeoDataFrame | None:
        """The proposed sites' walking catchments at :attr:`catchment_bands` (None without sites).

        One polygon per stage's tier and band (``tier``, ``band_min``; WGS-84), drawn once here
        for the plan map and the report (:func:`coverage.plan_layers.proposed_catchments`).
        """
        if not self.catchment_bands:
            return None
        return proposed_catchments(self.before, self.plans, self.catchment_bands)


def plan_coverage(
    before: Run, plans: Sequence[Plan], sites: gpd.GeoDataFrame | None = None
) -> AfterCoverage:
    """Coverage after a plan: the run's coverage, then every stage's sites in plan order.

    A worker is covered as in ``coverage run``: a facility of some tier within that tier's
    threshold; each new site covers what its stage's model counted it to reach (its tier's
    threshold). Candidate sites already built (role ``existing`` in a candidate file, which the
    run does not read as facilities) are open before the plan, as the stages count them. The
    curve starts at the share before the plan (the run's overall share when no candidate is
    already built) and ends at the share after it.

    Parameters
    ----------
    before
        The coverage run the plan started from (same demand rows).
    plans
        The stages, in order.
    sites
        The planning sites (rows of the models), with ``role`` and ``source``; None: no site
        beyond the run's facilities is open before the plan.

    Returns
    -------
    AfterCoverage
        With ``tier``, ``site`` and ``name`` of each site added in the curve.
    """
    d = before.coverage.demand
    covered = d["covered"].fillna(False).to_numpy(dtype=bool, copy=True)
    n_reach = d["n_reach"].fillna(0).to_numpy(dtype=np.int64, copy=True)
    if plans and sites is not None and {"role", "source"} <= set(sites.columns):
        built = (sites["role"].astype(str) == "existing") & (sites["source"] != "facility")
        extra = plans[0].model.problem.counts(np.flatnonzero(built.to_numpy()))
        covered |= extra > 0
        n_reach += extra
    hits = [h for p in plans for h in _site_hits(p.model.problem.reach, p.model.selected)]
    after = after_coverage(hits, d["weight"].to_numpy(dtype=float), covered, n_reach)
    added = pd.DataFrame(
        {
            "tier": ["", *(p.tier for p in plans for _ in p.model.selected)],
            "site": np.concatenate([[-1], *(p.model.selected for p in plans)]).astype(np.int64),
            "name": ["", *(name for p in plans for name in _names(p.proposed))],
        }
    )
    c = after.curve
    curve = pd.concat([c[["k"]], added, c[["gain", "covered_weight", "covered_share"]]], axis=1)
    return dataclasses.replace(after, curve=curve)


def _names(prop: gpd.GeoDataFrame) -> list[str]:
    return prop["name"].astype(str).tolist() if "name" in prop else [""] * len(prop)


def describe_sites(prop: gpd.GeoDataFrame, before: Run) -> None:
    """Add sub-district, nearest street (name or type) and GCJ-02/WGS-84 coordinates, in place.

    The coordinate pairs are ordered by ``[output] datum`` (:func:`coverage.datum.add_coordinates`).

    Parameters
    ----------
    prop
        Proposed sites (:attr:`Plan.proposed`), changed in place.
    before
        The run the plan was made for: its sub-districts, streets and ``[output] datum``.
    """
    if not len(prop):
        return
    net = before.network
    if before.layers.subdistricts is not None:
        prop["subdistrict"] = analysis._label(
            prop, before.layers.subdistricts, before.scenario.area.name_field
        )
    snapped = routing.snap(net, prop.geometry.to_crs(net.crs), max_dist_m=1e6)
    e = net.edges.iloc[np.maximum(snapped.edge, 0)]
    street = e["name"].astype(str) if "name" in e else pd.Series("", index=e.index)
    hw = e["highway"].astype(str).to_numpy()
    prop["street"] = np.where(street.isin(["", "nan", "None"]), "(" + hw + ")", street)
    coords = add_coordinates(
        pd.DataFrame(index=prop.index),
        prop.geometry.x,
        prop.geometry.y,
        before.scenario.output.datum,
    )
    for col in coords:
        prop[col] = coords[col].to_numpy()
