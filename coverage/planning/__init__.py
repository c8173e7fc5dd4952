"""Proposing new sites: candidates, the candidate × demand walking times, and staged plans.

This package connects the scenario data to the location models in :mod:`coverage.siting`:

1. :func:`candidate_sites` gathers candidates from files (roles ``candidate``/``existing``/
   ``excluded``), from a spacing grid over the network nodes, and from OSM features (community
   centres, libraries, townhalls, malls…) when the network comes from OSM;
   :func:`planning_sites` adds a scenario's existing facilities to them;
2. :func:`site_times` routes every site to every demand point within the threshold (sparse);
3. :func:`propose` runs one model (:data:`MODELS`: MCLP for a number of sites, LSCP for a target
   share, backup coverage, p-median) with the existing facilities counted as already open;
4. :func:`staged_plan` runs the tiers in order (sub-centres, then points given the sub-centres),
   as :func:`plan_stages` decides them from the command line and the scenario;
5. :func:`after_coverage` is coverage after the plan (before/after, per-site gains, the curve);
   :func:`plan_coverage` applies it to a whole :class:`PlanRun`, and :func:`demand_after` gives
   its demand table with the proposed sites open (nearest site, circle counts).

Modules: `candidates`, `times`, `stages` (the plan policy), `models` (the model registry),
`plan` (plans), `after` (coverage after them) and `demand` (the demand after them).
"""

from coverage.planning.after import AfterCoverage, after_coverage, covered_gains
from coverage.planning.candidates import (
    OSM_TAGS,
    candidate_sites,
    grid_candidates,
    osm_candidates,
    planning_sites,
    site_capacity,
    site_roles,
)
from coverage.planning.demand import demand_after
from coverage.planning.models import MODELS
from coverage.planning.plan import Plan, propose, shown_status, staged_plan
from coverage.planning.plan_run import PlanRun, describe_sites, plan_coverage
from coverage.planning.stages import PLAN_MODELS, Stage, plan_stages
from coverage.planning.times import site_times, within_row_limits

__all__ = [
    "MODELS",
    "OSM_TAGS",
    "PLAN_MODELS",
    "AfterCoverage",
    "Plan",
    "PlanRun",
    "Stage",
    "after_coverage",
    "candidate_sites",
    "covered_gains",
    "demand_after",
    "describe_sites",
    "grid_candidates",
    "osm_candidates",
    "plan_coverage",
    "plan_stages",
    "planning_sites",
    "site_capacity",
    "site_roles",
    "propose",
    "shown_status",
    "site_times",
    "staged_plan",
    "within_row_limits",
]
