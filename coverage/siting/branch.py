"""Branch-and-bound over the covering LP, with site generation at every node (branch-and-price).

The covering LP of a street network is 0.3 % (MCLP, k = 10) to 0.8 % (k = 25) above the best
plan, so proving a plan optimal takes branching. HiGHS's own branch-and-bound on the whole
model (or on the sites left after reduced-cost fixing) spends most of its time on the root LP
and its cuts; here each node re-solves the LP of `coverage.siting.cover_lp` (for maximal
covering in its dual form, `coverage.siting.cover_dual`, one row per site) from its parent's
basis with one site forced open or shut (or a group row more), prices the sites outside the LP
with the node's duals, and bounds the node by the Lagrangian L_F(μ) of those duals (valid for
any μ, so whatever the LP solver's accuracy).

* Nodes are taken best bound first; a node is closed once its bound is within ``rel_gap`` of
  the incumbent. For maximal covering, branching is first on how many of a group of similar
  sites open (`coverage.siting.groups`: Σ_G x <= ⌊s⌋ or >= ⌈s⌉, rows of the dual-form LP):
  one site shut moves the bound little, as a near-twin takes its place. Otherwise (no group's
  sum fractional enough, or backup coverage) it is on the most fractional site (x nearest
  0.5: on the sample it closed MCLP k = 10 in fewer nodes than the largest x). Both children
  are solved at once, from the parent's basis.
* Reduced-cost fixing at every node: a site whose forcing in (out) brings L_F below the cut
  is shut (opened) for the node's subtree; no plan there better than the incumbent (beyond
  ``rel_gap``) uses it (leaves it out).
* Plans: every node's LP solution rounded (its forced sites plus the largest x), and now and
  then improved by single swaps on the true objective (`_Swap`), with random roundings of the
  LP (sites drawn ∝ x) as further starts at the root and every tenth node.

The reported bound is the largest of the incumbent, the bounds of the nodes still open, and the
largest bound of any part of the search closed by the gap tolerance, so it stays honest when the
time runs out or when ``rel_gap`` > 0.
"""

from __future__ import annotations

import heapq
import logging
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from coverage.errors import Msg
from coverage.siting._sparse import CSR, Bools, Floats, Ints
from coverage.siting.cover_dual import _DualCoverLP, _site_lp
from coverage.siting.cover_lp import _Rows, _seed, _SiteLP
from coverage.siting.groups import _Groups

__all__: list[str] = []

log = logging.getLogger(__name__)

#: x_j strictly between these is fractional.
_EPS = 1e-6
#: Improve the rounded plan of every this many nodes by swaps (the root's always).
_SWAP_EVERY = 10
#: Random roundings of the root's LP, and of every `_SWAP_EVERY`-th node's.
_STARTS_ROOT, _STARTS = 20, 3
#: Kicks of the incumbent at those nodes, and the neighbouring open sites each one drops.
_KICKS, _DROP = 5, 5


@dataclass
class _Node:
    bound: float
    lag: float  # L_F(μ) of the node's own duals (the bound may be its parent's, if lower)
    lower: Bools  # sites forced open
    upper: Bools  # sites allowed open
    x: Floats  # LP solution
    g: Floats  # site prices of its duals
    basis: Any  # HiGHS basis to start its children from
    groups: tuple[int, ...] = ()  # its group rows (ids of `_DualCoverLP.group`)


@dataclass
class _Result:
    """What the search proved: incumbent value and plan, bound, nodes, and whether it finished."""

    value: float
    plan: Floats
    bound: float
    nodes: int
    finished: bool


class _Search:
    """Best-first branch-and-bound over a `_SiteLP` (see the module docstring)."""

    def __init__(
        self, rows: _Rows, lp: _SiteLP, plan: Floats, rel_gap: float, deadline: float
    ) -> None:
        self.rows, self.lp = rows, lp
        self.plan = (plan > 0.5).astype(np.float64)
        self.value = rows.value(self.plan)
        self.rel_gap, self.deadline = max(rel_gap, 0.0), deadline
        self.lost = -np.inf  # largest bound of a part closed above the incumbent
        self.scale = max(float(rows.c1.sum() + rows.c2.sum() + rows.c21.sum()), 1.0)
        self.nodes = 0
        self.swap = _Swap(rows)
        self.rng = np.random.default_rng(0)  # fixed: the same run gives the same plans

    def cut(self) -> float:
        """Parts of the search whose bound is at most this are closed."""
        return self.value + self.rel_gap * abs(self.value)

    def close(self, bound: float) -> None:
        if bound > self.value:
            self.lost = max(self.lost, bound)

    def offer(self, plan: Floats) -> None:
        """Keep ``plan`` if it beats the incumbent."""
        value = self.rows.value(plan)
        if value > self.value + 1e-12 * self.scale:
            self.value, self.plan = value, plan.copy()
            log.debug("node %d: incumbent %.10g", self.nodes, value)

    def round(self, lower: Bools, upper: Bools, x: Floats, g: Floats, bound: float) -> None:
        """Plans from the node's LP: its forced sites plus its largest x (ties: larger g).

        That plan is improved by swaps when it beats the incumbent and every `_SWAP_EVERY`
        nodes; those nodes (the root most) also try random roundings (kk free sites drawn with
        probability ∝ x), each improved by swaps: single swaps stop at local optima far apart,
        and a few starts from the LP find better ones cheaply (a swap pass is one product per
        open site). They stop once the node's ``bound`` is within the gap of the incumbent.
        """
        kk = self.rows.k - int(lower.sum())
        free = np.flatnonzero(upper & ~lower)
        plan = lower.astype(np.float64)
        plan[free[np.lexsort((-g[free], -x[free]))][:kk]] = 1.0
        every = self.nodes % _SWAP_EVERY == 1
        if every or self.rows.value(plan) > self.value:
            plan = self.swap.improve(plan, self.deadline)
        self.offer(plan)
        p = np.maximum(x[free], 0.0) + 1e-9
        if not every or kk <= 0 or kk >= len(free):
            return
        for _ in range(_STARTS_ROOT if self.nodes == 1 else _STARTS):
            if time.perf_counter() > self.deadline or bound <= self.cut():
                return
            plan = lower.astype(np.float64)
            plan[self.rng.choice(free, size=kk, replace=False, p=p / p.sum())] = 1.0
            self.offer(self.swap.improve(plan, self.deadline))
        for _ in range(_KICKS):
            if time.perf_counter() > self.deadline or bound <= self.cut():
                return
            self.kick(x)

    def kick(self, x: Floats) -> None:
        """Offer the incumbent kicked: `_DROP` neighbouring sites out, others drawn ∝ x in.

        The sites out are a random open site and the open sites sharing most demand with it;
        the refilled plan is improved by swaps (iterated local search). Random roundings of
        nodes deep in the search repeat the root's; kicks move from the best plan (on MCLP
        k = 25, 448,127 against 447,481 after 20 s).
        """
        plan = self.plan.copy()
        on = np.flatnonzero(plan > 0.5)
        if not len(on):
            return
        s1 = self.rows.s1
        share = s1[on] @ s1[self.rng.choice(on)].T.toarray().ravel()
        plan[on[np.argsort(-share)[:_DROP]]] = 0.0
        cand = np.flatnonzero(plan < 0.5)
        size = min(self.rows.k - int(plan.sum()), len(cand))
        p = np.maximum(x[cand], 0.0) + 1e-3  # sites the LP leaves out now and then too
        plan[self.rng.choice(cand, size=size, replace=False, p=p / p.sum())] = 1.0
        self.offer(self.swap.improve(plan, self.deadline))

    def fix(self, bound: float, g: Floats, lower: Bools, upper: Bools) -> None:
        """Lagrangian reduced-cost fixing of the node (``lower``/``upper`` changed in place).

        With kk sites left to choose, forcing j in replaces the kk-th largest price g_(kk)
        by g_j; forcing a top site out brings in g_(kk+1). Where that bound is at most the cut,
        no plan of the node beyond the cut does it.
        """
        free = np.flatnonzero(upper & ~lower)
        kk = self.rows.k - int(lower.sum())
        if kk <= 0 or kk >= len(free):
            return
        gp = np.maximum(g[free], 0.0)
        order = np.argsort(-gp, kind="stable")
        top = np.zeros(len(free), dtype=bool)
        top[order[:kk]] = True
        into = bound - gp[order[kk - 1]] + gp
        out = bound - gp + gp[order[kk]]
        drop, need = ~top & (into <= self.cut()), top & (out <= self.cut())
        if drop.any():
            self.close(float(into[drop].max()))
            upper[free[drop]] = False
        if need.any():
            self.close(float(out[need].max()))
            lower[free[need]] = True

    def evaluate(
        self, lower: Bools, upper: Bools, basis: Any, parent: float, groups: tuple[int, ...] = ()
    ) -> _Node | None:
        """Solve a node; None when it is closed (bound within the gap, or no LP solution)."""
        lower = lower & upper
        if int(lower.sum()) > self.rows.k:
            return None
        priced = self.lp.generate(lower, upper, self.cut(), self.deadline, basis, groups)
        if priced is None:  # HiGHS failed: give up the node, keeping its parent's bound
            log.warning(Msg("error.plan.node_lp"))
            self.close(parent)
            return None
        bound = min(priced.bound, parent)
        if bound <= self.cut():
            self.close(bound)
            return None
        self.nodes += 1
        self.round(lower, upper, priced.x, priced.g, bound)
        lower, upper = lower.copy(), upper.copy()
        self.fix(priced.bound, priced.g, lower, upper)
        basis = self.lp.h.getBasis()
        return _Node(bound, priced.bound, lower, upper, priced.x, priced.g, basis, groups)

    def pick(self, node: _Node) -> int:
        """The site to branch on, or -1 when the node is closed (its best plan is known).

        The most fractional site. When x is integral the plan it opens is the node's best if
        its true value reaches the bound; with twice-rows it may not (an integral x can leave
        y fractional: two rows each half covered twice), so the node branches on a free site
        the LP opens (or, if none, the free site with the largest price) until no free site is
        left. Each branch shrinks the free sites of both children, so this ends.
        """
        lower, upper, x = node.lower, node.upper, node.x
        free = upper & ~lower
        frac = np.flatnonzero(free & (x > _EPS) & (x < 1 - _EPS))
        if len(frac):
            return int(frac[np.argmin(np.abs(x[frac] - 0.5))])
        plan = (lower | (free & (x > 0.5))).astype(np.float64)
        self.offer(plan)
        value = self.rows.value(plan)
        if value >= node.bound - 1e-9 * self.scale or int(lower.sum()) >= self.rows.k:
            self.close(value)  # the LP's plan is the node's best (or the node has one plan)
            return -1
        cand = np.flatnonzero(free & (x > 0.5))
        if not len(cand):
            cand = np.flatnonzero(free)
        if not len(cand):
            self.close(value)
            return -1
        return int(cand[np.argmax(node.g[cand])])

    def run(self) -> _Result:
        n = self.rows.n
        heap: list[tuple[float, int, _Node]] = []
        root = self.evaluate(np.zeros(n, dtype=bool), np.ones(n, dtype=bool), None, np.inf)
        if root is not None:
            heap.append((-root.bound, 0, root))
        count = 1
        lp = self.lp
        split: _Groups | None = None  # built when a node first branches (~0.5 s at full size)
        while heap and time.perf_counter() <= self.deadline:
            _, _, node = heapq.heappop(heap)
            if node.bound <= self.cut():
                self.close(node.bound)
                continue
            lower, upper = node.lower, node.upper
            self.fix(node.lag, node.g, lower, upper)  # the incumbent may be better now
            if split is None and isinstance(lp, _DualCoverLP):  # groups: maximal covering only
                split = _Groups(self.rows.s1, self.rows.c1, lp.sites)
            group = split.pick(node.x, lower, upper) if split is not None else None
            ids = []
            if group is not None and isinstance(lp, _DualCoverLP):
                sites, s = group
                ids = [lp.group(sites, 1, int(np.floor(s))), lp.group(sites, -1, int(np.ceil(s)))]
            # x is clipped to 1, so a >= row may look unmet: never a child equal to its parent.
            if ids and not set(ids) & set(node.groups):
                kids = [(lower, upper, node.groups + (i,)) for i in ids]
            else:
                j = self.pick(node)
                if j < 0:
                    continue
                up, down = lower.copy(), upper.copy()
                up[j], down[j] = True, False
                kids = [(up, upper, node.groups), (lower, down, node.groups)]
            for lo, hi, groups in kids:
                child = self.evaluate(lo, hi, node.basis, node.bound, groups)
                if child is not None:
                    heapq.heappush(heap, (-child.bound, count, child))
                    count += 1
        open_bound = max((-b for b, _, _ in heap), default=-np.inf)
        bound = max(self.value, self.lost, open_bound)
        return _Result(self.value, self.plan, bound, self.nodes, not heap)


class _Swap:
    """Single-swap local search on the true objective of the covering rows.

    Each demand row's value is u·[s >= 1] + v·[s >= 2], s its open sites (existing included).
    Swapping r out and j in changes the objective by gain_j - loss_r plus, on the rows both
    reach (whose count does not change), loss - gain of those rows: one product per open site.
    """

    def __init__(self, rows: _Rows) -> None:
        self.p: CSR = sparse.vstack([rows.p1, rows.p2]).tocsr()
        self.st: CSR = sparse.hstack([rows.s1, rows.s2]).tocsr()
        self.u = np.concatenate([rows.c1, rows.c21])
        self.v = np.concatenate([np.zeros(len(rows.c1)), rows.c2])
        self.e = np.concatenate([np.zeros(len(rows.c1)), rows.e2])
        self.tol = 1e-9 * max(float(self.u.sum() + self.v.sum()), 1.0)

    def improve(self, plan: Floats, deadline: float, max_passes: int = 50) -> Floats:
        """``plan`` (0/1 over the sites) after first-improvement swaps until none gains."""
        st, u, v = self.st, self.u, self.v
        x = (plan > 0.5).astype(np.float64)
        s = self.e + self.p @ x
        for _ in range(max_passes):
            improved = False
            for r in np.flatnonzero(x):
                if time.perf_counter() > deadline:
                    return x
                up = u * (s == 0) + v * (s == 1)  # gain of one more site, per row
                down = u * (s == 1) + v * (s == 2)  # loss of one site less
                mine = st.indices[st.indptr[r] : st.indptr[r + 1]]
                both = np.zeros(len(s))
                both[mine] = down[mine] - up[mine]
                delta = st @ (up + both) - float(down[mine].sum())
                delta[x > 0.5] = -np.inf
                j = int(np.argmax(delta))
                if delta[j] > self.tol:
                    x[r], x[j] = 0.0, 1.0
                    s[mine] -= 1
                    s[st.indices[st.indptr[j] : st.indptr[j + 1]]] += 1
                    improved = True
            if not improved:
                break
        return x


def _branch_and_bound(
    rows: _Rows, plan: Floats, rel_gap: float, deadline: float, start: Ints
) -> _Result:
    """Best plan of the covering rows within ``rel_gap`` (or by ``deadline``), from ``plan``.

    ``start``: sites the LP begins with (with `_seed`'s).
    """
    lp = _site_lp(rows)
    lp.add(_seed(rows, start))
    return _Search(rows, lp, plan, rel_gap, deadline).run()
