"""Plans: one model per stage, the stages in order, and coverage after the plan.

:func:`propose` runs one model (MCLP for a number of sites, LSCP for a target share, backup
coverage, p-median) with the existing facilities counted as already open; :func:`staged_plan`
runs the tiers in order (sub-centres, then points given the sub-centres).

Coverage after a plan is :func:`coverage.planning.after_coverage` (module ``after``): demand
covered before, then the new sites added one at a time in the plan's order, each adding the
workers nobody covered yet. It gives a stage's before/after shares, per-site gains and curve
(:func:`propose`); the whole plan's on top of the coverage run is
:func:`coverage.planning.plan_coverage` (module ``plan_run``).
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import sparse

from coverage import siting, vocab
from coverage.errors import Msg
from coverage.i18n import t
from coverage.i18n.values import stage_note
from coverage.planning.after import AfterCoverage, _model_coverage, covered_gains
from coverage.planning.candidates import site_roles
from coverage.planning.models import MODELS, ModelInputs, build_model
from coverage.planning.stages import Stage
from coverage.planning.times import _swap_rows
from coverage.results import serves_less
from coverage.scenario.defaults import setting
from coverage.siting._sparse import CSR, Ints
from coverage.siting.base import Method

if TYPE_CHECKING:
    pass

__all__ = [
    "Model",
    "Plan",
    "propose",
    "serves_less",
    "shown_status",
    "staged_plan",
]

Model = Literal["mclp", "lscp", "backup", "pmedian"]

#: Largest relative gap a stage's status calls optimal: one a table shows as 0.00 %. A solver
#: stopping at a larger one (within ``mip_rel_gap``) is "within the requested gap".
PROVEN_GAP = 1e-6


# --- plans ----------------------------------------------------------------------------------


log = logging.getLogger(__name__)


#: The models that can limit what a site serves ([plan] capacity); the others ignore it, saying so.
_CAPACITY_MODELS = ("mclp", "pmedian")


def shown_status(status: str, gap: float, objective: float = 0.0) -> str:
    """The status a table shows for a solved model: ``"optimal"`` only at a proven gap of 0.

    ``"within_gap"`` instead of ``"optimal"`` when the solver stopped within the requested
    ``mip_rel_gap`` (``gap`` above :data:`PROVEN_GAP`); ``"no_plan"`` instead of
    ``"time_limit"`` when the solver stopped with no plan at all (no ``objective``): "time
    limit reached" beside no site reads as a plan that needs none. Other statuses as they are.
    Worded by :func:`coverage.table_words.cell_word` (``"status"``).

    Parameters
    ----------
    status, gap, objective
        A solved siting model's ``status``, ``gap`` and ``objective`` (``model.status`` …).

    Returns
    -------
    str
        The status to show.

    Examples
    --------
    >>> shown_status("optimal", 0.0), shown_status("optimal", 0.008)
    ('optimal', 'within_gap')
    >>> shown_status("time_limit", 0.09), shown_status("time_limit", float("inf"), float("nan"))
    ('time_limit', 'no_plan')
    """
    if status == "time_limit" and not np.isfinite(objective):
        return "no_plan"
    # proven within mip_rel_gap, not to the last worker
    return "within_gap" if status == "optimal" and gap > PROVEN_GAP else status


@dataclass
class Plan:
    """One planning stage: the model, the proposed sites and coverage before/after.

    ``curve`` is the stage's :attr:`AfterCoverage.curve` with ``site`` (the model's row of each
    site added), or None when no site was proposed or none was asked for.

    Attributes
    ----------
    tier
        Tier of the new sites.
    model
        The solved siting model (status, objective, bound, gap).
    proposed
        The proposed sites, ranked, with ``gain`` and ``cumulative_share``.
    curve
        Covered weight after each new site, or None (see above).
    before_share
        Share of the demand weight covered before the stage.
    after_share
        The same after it.
    threshold_min
        The new sites' walking threshold in minutes.
    info
        Notes on how the plan was reached (e.g. fewer sites than asked cover as much).
    covered_weight
        Weight covered after the stage (existing and new sites).
    added_weight
        Weight the new sites add.
    """

    tier: str
    model: siting.SitingModel
    proposed: gpd.GeoDataFrame
    curve: pd.DataFrame | None
    before_share: float
    after_share: float
    threshold_min: float
    info: dict[str, Any] = field(default_factory=dict)
    #: Workers covered after the stage (existing and new sites), and those the new sites add.
    covered_weight: float = np.nan
    added_weight: float = np.nan

    def summary(self) -> dict[str, Any]:
        """The stage as one table row.

        ``covered_weight``/``covered_share`` are the workers covered after the stage and
        ``added_weight`` those the new sites add, whatever the model optimised; ``objective`` is
        the model's own (MCLP: covered weight, LSCP: sites, p-median: weighted minutes) and
        ``served_weight``/``served_share`` the weight the model assigns to a site (less than
        covered when p-median leaves far demand unserved or capacity runs out). ``method`` is
        what ran, and ``status`` ``"within_gap"`` instead of ``"optimal"`` when the plan is
        proven only within the requested gap (``gap`` above :data:`PROVEN_GAP`).
        """
        out = {
            "tier": self.tier,
            "threshold_min": self.threshold_min,
            "before_share": self.before_share,
            "after_share": self.after_share,
            "proposed": int(len(self.proposed)),
            "added_weight": self.added_weight,
        }
        s = self.model.summary()
        s.pop("selected", None)
        # The model's is the cut rows' cover limit (the longest stored time), not the new sites'.
        s.pop("threshold_min", None)
        s["served_weight"] = s.pop("covered_weight", np.nan)
        s["served_share"] = s.pop("covered_share", np.nan)
        s["covered_weight"] = self.covered_weight
        s["covered_share"] = self.after_share
        if "status" in s:
            s["status"] = shown_status(s["status"], s.get("gap", 0.0), s.get("objective", 0.0))
        row = {**out, **s, **self.info}
        note = stage_note(row, "en")  # the machine table's; tables and console word it anew
        if note:
            row["note"] = note
        return row


def propose(
    times: CSR,
    weights: ArrayLike,
    sites: gpd.GeoDataFrame,
    *,
    model: Model | str = "mclp",
    k: int | None = None,
    target: float | None = None,
    threshold_min: float | None = None,
    capacity: ArrayLike | None = None,
    backup_weight: float = 0.0,
    method: Method = "milp",
    time_limit: float | None = 120.0,
    mip_rel_gap: float = 0.005,
    tier: str = "point",
    curve: bool = True,
    cover_limit: float | None = None,
) -> Plan:
    """Choose new sites among ``sites`` (rows of ``times``).

    ``sites.role`` says which rows are already built (``existing``: counted as open) and which
    may not be chosen (``excluded``). ``model`` (see :data:`coverage.planning.models.MODELS`):
    ``mclp`` (``k`` sites, most weight covered), ``lscp`` (fewest sites to cover ``target`` of
    the weight), ``backup`` (``k`` sites, most weight covered twice) or ``pmedian`` (``k``
    sites, least weighted walking time).

    ``threshold_min`` is the new sites' walking threshold. When rows were already cut to their
    own limits (existing facilities of other tiers, see :func:`within_row_limits`), pass the
    largest stored time as ``cover_limit``: every stored pair then counts as covering.

    The proposed sites come ranked, with ``gain`` (workers each site newly covers, in rank
    order: :func:`after_coverage`, for every model) and ``cumulative_share``; p-median sites also
    carry ``time_saved`` (the weighted minutes each saves, the model's own gain), backup and
    capacitated models ``objective_gain``.

    Parameters
    ----------
    times
        Site × demand walking times in minutes (sparse; absent: out of reach).
    weights
        Weight of each demand point (people).
    sites
        One row per row of ``times``, with a ``role`` column (default: all candidates).
    model
        ``"mclp"``, ``"lscp"``, ``"backup"`` or ``"pmedian"``.
    k
        Number of new sites (MCLP, backup, p-median).
    target
        Share of the weight to cover (LSCP), in (0, 1].
    threshold_min
        The new sites' walking threshold in minutes (default
        :data:`coverage.settings.threshold_min`).
    capacity
        Per site, the most weight it can serve (NaN: no limit); MCLP and p-median only (ignored with
        a warning otherwise).
    backup_weight
        Weight of demand covered twice in MCLP's objective (see
        :meth:`coverage.siting.MCLP.from_cost_matrix`).
    method
        ``"milp"`` (HiGHS, with greedy's plan as a start) or ``"greedy"`` (lazy greedy with swaps
        and a proven bound).
    time_limit
        Seconds HiGHS may spend (None: no limit).
    mip_rel_gap
        Relative gap at which HiGHS stops.
    tier
        Tier of the new sites, written in the result: a code or a name (``"服务站点"``), read
        as the command line reads it (:func:`coverage.vocab.normalize_tier`).
    curve
        Whether to compute the coverage curve (covered weight after each site).
    cover_limit
        The largest stored time when rows were cut to their own limits (see above).

    Returns
    -------
    Plan
        The proposed sites, the curve, the shares before and after, and the solver's report.
    """
    if not sparse.issparse(times):
        # A dense matrix counts every finite value as reachable: the zeros of ``.toarray()``
        # would cover everybody.
        raise TypeError(
            f"times must be a scipy sparse matrix (stored entry = within reach), "
            f"not {type(times).__name__}"
        )
    tier = _tier_code(tier, "tier")
    threshold_min = setting("threshold_min") if threshold_min is None else threshold_min
    if capacity is not None and str(model) not in _CAPACITY_MODELS:
        name = {lang: t(lang, f"excel.value.model.{model}") for lang in ("en", "zh")}
        log.warning(Msg("error.plan.capacity_ignored", model=name))
        capacity = None
    role = site_roles(sites, times.shape[0])
    inputs = ModelInputs(
        times=times,
        weights=np.asarray(weights, dtype=float),
        existing=np.flatnonzero(role == "existing"),
        excluded=np.flatnonzero(role == "excluded"),
        threshold_min=threshold_min,
        limit=threshold_min if cover_limit is None else max(cover_limit, threshold_min),
        k=k,
        target=target,
        capacity=None if capacity is None else np.asarray(capacity, dtype=float),
        backup_weight=backup_weight,
    )
    solve: dict[str, Any] = {"time_limit": time_limit, "mip_rel_gap": mip_rel_gap}
    started = time.perf_counter()
    m = build_model(model, inputs).solve(method, **solve)
    info: dict[str, Any] = {}
    # The solves below only improve the plan: what is left of the stage's limit (_rest).
    if model == "mclp" and capacity is None and len(m.selected) > 1:
        m = _fewest(m, inputs, method, _rest(solve, started), info)
    if capacity is not None and len(m.selected):
        m = _without_idle(m, model, inputs, method, _rest(solve, started))
    # of the plan proposed, which may come from a solve made again above
    if shown_status(m.status, m.gap, m.objective) == "no_plan" or _greedy_instead(m):
        info["time_limit_s"] = time_limit  # the note says how long it had
    after = _model_coverage(m)
    prop = _proposed(sites, m, after, MODELS[model].own_gain(inputs), tier)
    crv = None
    if curve and len(m.selected):
        crv = after.curve.copy()
        crv.insert(1, "site", np.r_[-1, m.selected])
    return Plan(
        tier=tier,
        model=m,
        proposed=prop,
        curve=crv,
        before_share=after.before_share,
        after_share=after.after_share,
        threshold_min=threshold_min,
        info=info,
        covered_weight=after.after_weight,
        added_weight=after.added_weight,
    )


def _greedy_instead(m: siting.SitingModel) -> bool:
    """Whether a capacitated MILP found no plan in its time limit, so greedy's is proposed."""
    return m.method == "milp" and m.status == "greedy"


def _tier_code(tier: object, name: str) -> str:
    """The tier code ``tier`` names (``"服务站点"`` → ``"point"``), else a ValueError naming ``name``.

    A value written as a code (``nursing_room``) is kept: a scenario may declare that type.
    """
    code = vocab.normalize_tier(tier)
    if code is None and isinstance(tier, str) and vocab.CODE_PATTERN.fullmatch(tier):
        code = tier
    if code is None:
        raise ValueError(f"{name}: {vocab.unknown_tier(tier)}")
    return code


def _by_tier(values: dict[str, Any], name: str) -> dict[str, Any]:
    """``values`` keyed by tier code; two names of one tier are an error."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        code = _tier_code(key, name)
        if code in out:
            raise ValueError(f"{name}: {key!r} names tier {code!r} a second time")
        out[code] = value
    return out


def _proposed(
    sites: gpd.GeoDataFrame,
    m: siting.SitingModel,
    after: AfterCoverage,
    own: str | None,
    tier: str,
) -> gpd.GeoDataFrame:
    """The selected sites, ranked, with their gains (and the model's own in column ``own``)."""
    prop = sites.iloc[m.selected].copy()
    prop.insert(0, "rank", np.arange(1, len(m.selected) + 1))
    prop["gain"] = after.gains
    if own is not None:
        prop[own] = m.gains  # the model's own currency (worker-minutes, twice-covered weight)
    prop["tier"] = tier
    prop["cumulative_share"] = after.curve["covered_share"].to_numpy()[1:]
    prop["site_row"] = m.selected
    return prop.reset_index(drop=True)


def _fewest(
    m: siting.SitingModel,
    inputs: ModelInputs,
    method: Method,
    solve: dict[str, Any],
    info: dict[str, Any],
) -> siting.SitingModel:
    """The fewest sites (LSCP) when MCLP's reach every coverable worker, else MCLP's own.

    MCLP maximises coverage, not thrift: when k is more than enough it may spend more sites than
    needed. ``info`` gets a note when the set covering sites are proposed instead.
    """
    reachable = m.problem.total_weight - m.uncoverable_weight
    tol = 1e-9 * max(1.0, reachable)
    if not (m.covered_weight >= reachable - tol and m.covered_share > 0):
        return m
    lscp = dataclasses.replace(inputs, target=m.covered_share)
    fewest = build_model("lscp", lscp).solve(method, **solve)
    if len(fewest.selected) < len(m.selected) and fewest.covered_weight >= m.covered_weight - tol:
        info["mclp_sites"] = len(m.selected)
        info["note"] = (
            f"{len(m.selected)} sites from MCLP reach every coverable worker; "
            f"{len(fewest.selected)} suffice (set covering), so those are proposed"
        )
        return fewest
    return m


#: Share of a stage's time limit a follow-up solve has at least, when the first used it all.
_FOLLOW_UP_SHARE = 0.1


def _rest(solve: dict[str, Any], started: float) -> dict[str, Any]:
    """``solve`` with what is left of its time limit since ``started``, at least a tenth of it.

    A stage's limit bounds the whole stage: a plan solved again (fewer sites, no idle ones)
    must not double the wait a planner set; but when the first solve used it all, the plan is
    still solved again for a tenth of it, or it would propose sites that add nobody.
    """
    limit = solve.get("time_limit")
    if limit is None:
        return solve
    left = float(limit) - (time.perf_counter() - started)
    return {**solve, "time_limit": max(left, _FOLLOW_UP_SHARE * float(limit))}


def _without_idle(
    m: siting.SitingModel, model: str, inputs: ModelInputs, method: Method, solve: dict[str, Any]
) -> siting.SitingModel:
    """A capacitated plan without its last sites when they add nothing, solved again with fewer.

    Greedy stops when no site adds anything, but the capacitated MILP opens all ``k`` sites
    even when the last ones serve nobody more and cover nobody more (their gains in plan order
    are 0): those are not proposed. The model is solved again for the sites that add something,
    and kept when it does as well.
    """
    prob = m.problem
    added = covered_gains(prob, m.selected)
    idle = (added <= prob.tol) & (np.abs(m.gains) <= 1e-9 * max(1.0, abs(float(m.objective))))
    n = len(idle)
    while n and idle[n - 1]:
        n -= 1
    if n == len(idle):
        return m
    fewer = build_model(model, dataclasses.replace(inputs, k=n)).solve(method, **solve)
    tol = 1e-9 * max(1.0, abs(float(m.objective)))
    as_good = (
        fewer.objective >= m.objective - tol if m.maximize else fewer.objective <= m.objective + tol
    )
    return fewer if as_good and len(fewer.selected) <= n else m


def staged_plan(
    times_by_tier: dict[str, CSR],
    weights: ArrayLike,
    sites: gpd.GeoDataFrame,
    stages: Sequence[Stage],
    thresholds: dict[str, float],
    **kwargs: Any,
) -> list[Plan]:
    """Run the tiers in order; each stage's proposed sites count as existing for the next.

    ``stages`` lists ``(tier, model, k, target)``, e.g. ``[("subcentre", "pmedian", 3, None),
    ("point", "mclp", 50, None)]``. ``times_by_tier`` holds each tier's site × demand times
    (computed with that tier's threshold). Tiers may be named by code or name (``"分中心"``)
    everywhere, as the command line reads them.

    Parameters
    ----------
    times_by_tier
        Each tier's site × demand times in minutes, within that tier's threshold.
    weights
        Weight of each demand point.
    sites
        The planning sites (one row per row of the times), with ``role``.
    stages
        ``(tier, model, k, target)`` per stage, in order.
    thresholds
        Walking threshold in minutes per tier.
    **kwargs
        Passed to :func:`propose` (``method``, ``time_limit``, ``mip_rel_gap``, ``capacity`` …).

    Returns
    -------
    list of Plan
        One per stage, in order.
    """
    times_by_tier = _by_tier(times_by_tier, "times_by_tier")
    thresholds = _by_tier(thresholds, "thresholds")
    stages = [(_tier_code(t, "stages"), m, k, tg) for t, m, k, tg in stages]
    for tier, *_ in stages:
        for name, given in (("times_by_tier", times_by_tier), ("thresholds", thresholds)):
            if tier not in given:
                raise ValueError(f"{name} has no entry for the stage tier {tier!r}")
    plans = []
    role = (
        sites["role"].astype(str).to_numpy().copy()
        if "role" in sites
        else np.full(len(sites), "candidate")
    )
    built: list[tuple[str, Ints]] = []  # sites chosen so far, with their tier
    for tier, model, k, target in stages:
        s = sites.assign(role=role)
        times = times_by_tier[tier]
        for earlier, rows in built:  # sites built in earlier stages reach as their own tier
            times = _swap_rows(times, times_by_tier[earlier], rows)
        stored = float(times.data.max()) if times.nnz else 0.0
        plan = propose(
            times, weights, s, model=model, k=k, target=target,
            threshold_min=thresholds[tier], tier=tier, cover_limit=stored, **kwargs,
        )  # fmt: skip
        plan.info["requested"] = k if k is not None else np.nan
        role[plan.model.selected] = "existing"
        built.append((tier, plan.model.selected))
        plans.append(plan)
    return plans
