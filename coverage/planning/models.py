"""The location models a plan can run: model name → siting class and how to build it.

:func:`coverage.planning.propose` looks a model up here instead of branching on its name, so a
new model is one :class:`PlanModel` entry in :data:`MODELS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal

from coverage import siting
from coverage.siting._sparse import CSR, Floats, Ints
from coverage.siting.problem import site_count

__all__ = ["MODELS", "ModelInputs", "PlanModel", "build_model"]


@dataclass(frozen=True)
class ModelInputs:
    """What a plan hands every model (see :func:`coverage.planning.propose`).

    ``threshold_min`` is the new sites' walking threshold and ``limit`` the covering limit the
    model uses (at least ``threshold_min``; larger when rows were already cut to their own
    limits, so every stored pair covers).
    """

    times: CSR
    weights: Floats
    existing: Ints
    excluded: Ints
    threshold_min: float
    limit: float
    k: int | None = None
    target: float | None = None
    capacity: Floats | None = None
    backup_weight: float = 0.0

    def common(self) -> dict[str, Any]:
        """Keyword arguments every ``from_cost_matrix`` takes."""
        return {"threshold": self.limit, "existing": self.existing, "excluded": self.excluded}


@dataclass(frozen=True)
class PlanModel:
    """One model a plan can run.

    Attributes
    ----------
    name
        The name plans and the command line use (``--model``).
    siting_class
        The :mod:`coverage.siting` class that solves it.
    needs
        ``"k"`` (a number of new sites) or ``"target"`` (a share of the weight to cover).
    build
        Builds the unsolved model from the plan's inputs.
    own_gain
        Column of the proposed sites that holds the model's own per-site gain
        (``model.gains``) for these inputs, or None when it is the covered weight already.
    """

    name: str
    siting_class: type[siting.SitingModel]
    needs: Literal["k", "target"]
    build: Callable[[ModelInputs], siting.SitingModel]
    own_gain: Callable[[ModelInputs], str | None]


def _mclp(x: ModelInputs) -> siting.SitingModel:
    return siting.MCLP.from_cost_matrix(
        x.times, x.weights, _k(x), capacity=x.capacity, backup_weight=x.backup_weight, **x.common()
    )


def _lscp(x: ModelInputs) -> siting.SitingModel:
    if x.target is None:
        raise ValueError("LSCP needs a target share (e.g. 0.95)")
    return siting.LSCP.from_cost_matrix(x.times, x.weights, x.target, **x.common())


def _backup(x: ModelInputs) -> siting.SitingModel:
    return siting.BackupCoverage.from_cost_matrix(
        x.times, x.weights, _k(x), primary_weight=1.0, **x.common()
    )


def _pmedian(x: ModelInputs) -> siting.SitingModel:
    # Unserved demand costs twice the threshold: far enough that serving it always pays.
    return siting.PMedian.from_cost_matrix(
        x.times, x.weights, _k(x), capacity=x.capacity,
        unreachable_penalty=2 * x.threshold_min, **x.common(),
    )  # fmt: skip


def _k(x: ModelInputs) -> int:
    if x.k is None:
        raise ValueError("this model needs a number of new sites (k)")
    return x.k


def _objective_gain(x: ModelInputs) -> str | None:
    """Twice-covered or capacity-served weight differs from the covered weight."""
    return "objective_gain" if x.backup_weight > 0 or x.capacity is not None else None


#: Models a plan can run, in the order the command line lists them.
MODELS: dict[str, PlanModel] = {
    m.name: m
    for m in (
        PlanModel("mclp", siting.MCLP, "k", _mclp, _objective_gain),
        PlanModel("lscp", siting.LSCP, "target", _lscp, _objective_gain),
        PlanModel("backup", siting.BackupCoverage, "k", _backup, lambda x: "objective_gain"),
        # p-median's own currency is worker-minutes saved.
        PlanModel("pmedian", siting.PMedian, "k", _pmedian, lambda x: "time_saved"),
    )
}


def build_model(name: str, inputs: ModelInputs) -> siting.SitingModel:
    """The unsolved model ``name`` for these inputs.

    Raises
    ------
    ValueError
        For an unknown model, or when its number of sites or target share is missing.
    """
    spec = MODELS.get(name)
    if spec is None:
        raise ValueError(f"unknown model {name!r}; use {', '.join(MODELS)}")
    if inputs.k is not None:
        inputs = replace(inputs, k=site_count(inputs.k, "k"))  # 10.0 is 10 sites, as in siting
    if spec.needs == "target" and inputs.target is None:
        raise ValueError(f"{name.upper()} needs a target share (e.g. 0.95)")
    if spec.needs == "k" and inputs.k is None:
        raise ValueError(f"{name} needs a number of new sites (k)")
    return spec.build(inputs)
