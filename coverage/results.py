"""What a run and a plan hand on: the records that planning, writers, maps and the report read.

They live apart from :mod:`coverage.pipeline` and :mod:`coverage.planning`, which make them, so
that data flows one way: the steps after the run (planning, export, maps, report) import these
records, never the pipeline, and the renderers never import the planner (they read a plan
through :class:`PlanResult`, which :class:`coverage.planning.PlanRun` is).

Examples
--------
>>> from coverage.results import Run
>>> sorted(Run.__dataclass_fields__)[:3]
['catchments', 'coverage', 'files']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from coverage.analysis import Coverage
    from coverage.inputs.layers import Layers
    from coverage.network import WalkNetwork
    from coverage.scenario import Scenario

__all__ = ["AfterCoverage", "PlanResult", "PlanStage", "Run", "serves_less"]


@dataclass
class Run:
    """Everything a scenario run produced (returned by :func:`coverage.pipeline.run`).

    Attributes
    ----------
    scenario
        The scenario that ran.
    network
        The walking network, clipped to the area plus the walking margin.
    layers
        The input layers and every problem found in them.
    coverage
        Coverage per facility, per demand point and in summary
        (:class:`coverage.analysis.Coverage`).
    catchments
        Catchment polygons per facility and band.
    tier_catchments
        Their union per tier and band.
    files
        What was written, by kind (empty with ``write=False``).
    timings
        Seconds per step.
    """

    scenario: Scenario
    network: WalkNetwork
    layers: Layers
    coverage: Coverage
    catchments: gpd.GeoDataFrame
    tier_catchments: gpd.GeoDataFrame
    files: dict[str, Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class AfterCoverage:
    """Coverage before new sites and after each of them, in the order they were added.

    Attributes
    ----------
    covered
        Per demand point: covered after every new site.
    n_reach
        Per demand point: open sites within reach after every new site (existing included).
    gains
        Workers each new site newly covers, in order (≥ 0; a demand point counts once).
    curve
        ``k`` (0 = before any new site), ``gain``, ``covered_weight`` and ``covered_share`` (of
        all the weight) after the first ``k`` new sites; :func:`coverage.planning.plan_coverage`
        adds ``tier``, ``site`` (row of the plan's sites, -1 at k = 0) and ``name``.
    total_weight
        All the demand weight.
    """

    covered: npt.NDArray[np.bool_]
    n_reach: npt.NDArray[np.int64]
    gains: npt.NDArray[np.float64]
    curve: pd.DataFrame
    total_weight: float

    @property
    def k(self) -> int:
        """Number of new sites."""
        return len(self.gains)

    @property
    def before_weight(self) -> float:
        """Demand weight covered before the plan."""
        return float(self.curve["covered_weight"].iloc[0])

    @property
    def after_weight(self) -> float:
        """Demand weight covered after the whole plan."""
        return float(self.curve["covered_weight"].iloc[-1])

    @property
    def before_share(self) -> float:
        """Share of the total demand weight covered before the plan."""
        return self._share(self.before_weight)

    @property
    def after_share(self) -> float:
        """Share of the total demand weight covered after the whole plan."""
        return self._share(self.after_weight)

    @property
    def added_weight(self) -> float:
        """Demand weight the proposed sites add."""
        return float(self.gains.sum())

    def _share(self, weight: float) -> float:
        return weight / self.total_weight if self.total_weight > 0 else np.nan


class PlanStage(Protocol):
    """What a renderer reads of one planning stage (:class:`coverage.planning.Plan` is one)."""

    @property
    def tier(self) -> str:
        """Tier code of the new sites."""

    @property
    def threshold_min(self) -> float:
        """Their walking threshold in minutes."""

    @property
    def proposed(self) -> gpd.GeoDataFrame:
        """The proposed sites, ranked."""

    def summary(self) -> dict[str, Any]:
        """The stage as one table row."""


class PlanResult(Protocol):
    """What a renderer reads of a plan (:class:`coverage.planning.PlanRun` is one).

    ``catchments`` are the proposed sites' walking catchments (tier, band_min, WGS-84), drawn
    by the planner, never by the renderer.
    """

    @property
    def before(self) -> Run:
        """The coverage run the plan was made for."""

    @property
    def plans(self) -> Sequence[PlanStage]:
        """The stages, in order."""

    @property
    def proposed(self) -> gpd.GeoDataFrame:
        """Every stage's proposed sites, in plan order."""

    @property
    def after(self) -> AfterCoverage:
        """Coverage with the proposed sites added in plan order."""

    @property
    def catchments(self) -> gpd.GeoDataFrame | None:
        """The proposed sites' catchments, or None without proposed sites."""

    @property
    def demand(self) -> gpd.GeoDataFrame:
        """The run's demand with walks to the nearest site, the proposed sites open."""

    @property
    def plan_min(self) -> npt.NDArray[np.float64]:
        """Minutes from each demand row to the nearest proposed site reaching it (else inf)."""

    def stages(self) -> pd.DataFrame:
        """One row per stage."""


def serves_less(stage: Mapping[str, Any]) -> bool:
    """Whether a stage's sites can serve less demand than they cover (a row of the stages).

    Only capacities make a maximal-covering stage's served share (``served_share``) fall below
    its covered share (``after_share``, everyone within reach): tables and the report then say
    both. (P-median serves less when far demand is left unserved: not this.)

    Examples
    --------
    >>> serves_less({"model": "mclp", "served_share": 0.8, "after_share": 0.9})
    True
    >>> serves_less({"model": "pmedian", "served_share": 0.8, "after_share": 0.9})
    False
    """
    served, after = stage.get("served_share"), stage.get("after_share")
    if stage.get("model") != "mclp" or not isinstance(served, int | float):
        return False
    return isinstance(after, int | float) and float(served) < float(after) - 1e-6  # NaN: False
