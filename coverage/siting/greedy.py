"""Lazy greedy (CELF) over a monotone submodular set function, with an honest bound.

A model supplies an `Oracle`: the marginal gains of adding sites to the current set. Greedy is
the method ``"greedy"`` of every model, and the warm start (and backup bound) of ``"milp"``.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from coverage.siting._sparse import Bools, Floats, Ints

__all__ = ["Oracle"]


class Oracle(Protocol):
    """A monotone submodular set function, seen through its marginal gains."""

    def all(self) -> Floats:
        """Gain of every site given the current set."""
        ...

    def one(self, j: int) -> float:
        """Gain of site j given the current set."""
        ...

    def add(self, j: int) -> None:
        """Add site j to the set."""
        ...

    def level(self) -> float:
        """Current objective (covered weight, or cost to minimise)."""
        ...


@dataclass
class _Greedy:
    order: Ints  # sites in the order added
    gains: Floats  # gain of each when added
    bound: float  # budget mode: bound on the optimal level; target mode: fewest sites needed


def _top_sum(g: Floats, k: int) -> float:
    if k <= 0 or g.size == 0:
        return 0.0
    if k >= g.size:
        return float(g.sum())
    return float(np.partition(g, g.size - k)[g.size - k :].sum())


def _fewest(g: Floats, short: float) -> float:
    """Fewest of the gains ``g`` that can add up to ``short`` (inf if all of them cannot)."""
    if short <= 0:
        return 0.0
    csum = np.cumsum(np.sort(g)[::-1])
    q = int(np.searchsorted(csum, short, side="left"))
    return float(q + 1) if q < len(csum) else np.inf


@dataclass
class _Bound:
    """The best bound so far, from the gains seen at each step (see `_lazy_greedy`)."""

    budget: int | None
    need: float | None
    maximize: bool
    tol: float
    best: float = field(init=False)

    def __post_init__(self) -> None:
        self.best = np.inf if (self.maximize and self.need is None) else -np.inf

    def tighten(self, oracle: Oracle, g: Floats) -> None:
        g = np.maximum(g, 0.0)
        level = oracle.level()
        if self.need is not None:
            self.best = max(self.best, _fewest(g, self.need - self.tol - level))
        elif self.budget is not None:
            sign = 1.0 if self.maximize else -1.0
            value = level + sign * _top_sum(g, self.budget)
            self.best = min(self.best, value) if self.maximize else max(self.best, value)


def _pop_best(
    heap: list[tuple[float, int]], ub: Floats, fresh: Ints, step: int, oracle: Oracle
) -> int:
    """Pop the site with the largest current gain (-1 if none is left).

    A site whose gain was re-evaluated in this round and still heads the queue is the best;
    any other head gets its gain re-evaluated and goes back in.
    """
    while heap:
        _, cand = heapq.heappop(heap)
        if fresh[cand] == step:
            return cand
        val = float(oracle.one(cand))
        ub[cand] = val
        fresh[cand] = step
        heapq.heappush(heap, (-val, cand))
    return -1


def _lazy_greedy(
    oracle: Oracle,
    n: int,
    *,
    allowed: Bools | None = None,
    budget: int | None = None,
    need: float | None = None,
    maximize: bool = True,
    stop_at_zero: bool = True,
    tol: float = 0.0,
) -> _Greedy:
    """Lazy greedy (CELF).

    Add the site with the largest marginal gain until ``budget`` sites are added or the level
    reaches ``need``.

    Submodularity makes a stale gain an upper bound on the current one, so a site whose gain was
    re-evaluated in this round and still heads the queue is the best. The same property gives the
    bounds (Nemhauser, Wolsey & Fisher's online bound): for any set S, the optimum with ``budget``
    sites is at most level(S) + the ``budget`` largest gains at S (at least level(S) - that sum
    when minimising), and reaching ``need`` takes at least as many sites as the fewest gains at S
    that add up to the shortfall. The best bound over all steps is kept; stale gains give valid
    (looser) bounds, and one exact pass at the end tightens the final one.
    """
    active = np.ones(n, dtype=bool) if allowed is None else np.asarray(allowed, bool).copy()
    ub = np.array(oracle.all(), dtype=np.float64)
    ub[~active] = -np.inf
    heap = [(-ub[j], int(j)) for j in np.flatnonzero(active)]
    heapq.heapify(heap)
    fresh = np.zeros(n, dtype=np.int64)  # round in which ub[j] was last computed exactly
    order: list[int] = []
    gains: list[float] = []
    limit = n if budget is None else budget
    bound = _Bound(budget, need, maximize, tol)
    step = 0
    while True:
        bound.tighten(oracle, ub[active])
        if len(order) >= limit or not heap:
            break
        if need is not None and oracle.level() >= need - tol:
            break
        j = _pop_best(heap, ub, fresh, step, oracle)
        if j < 0:
            break
        gain = float(ub[j])
        if stop_at_zero and gain <= tol:
            heapq.heappush(heap, (-gain, j))
            break
        oracle.add(j)
        active[j] = False
        ub[j] = -np.inf
        order.append(j)
        gains.append(gain)
        step += 1
    if budget is not None or need is not None:
        exact = np.asarray(oracle.all(), dtype=np.float64)[active] if active.any() else ub[:0]
        bound.tighten(oracle, exact)
    return _Greedy(
        np.asarray(order, dtype=np.int64), np.asarray(gains, dtype=np.float64), bound.best
    )
