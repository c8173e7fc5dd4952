"""The covering LP of site generation, kept in one HiGHS instance, and its Lagrangian bound.

The rows are the strengthened ones of `coverage.siting.covering` (see ``BackupCoverage``):
y1_i <= Σx (once-rows, d1); twice-rows (d2) either y1_i + y2_i <= Σx with y2_i <= y1_i kept in
the inner problem (e_i = 0, a > 0: "paired", p_i = 1) or d_i·y2_i <= Σx with d_i = 2 - e_i
(p_i = 0; paired rows have d_i = 1). For any μ >= 0 the Lagrangian relaxation of these rows
bounds the optimum::

    L(μ) = Σ_{d1} (a w_i - μ1_i)⁺ + top-k_j (g_j)⁺
           + Σ_{d2} max(0, a p_i w_i - μ2_i, (a p_i + b) w_i - (p_i + d_i) μ2_i),
    g_j  = Σ_{i ∈ N_j} (μ1_i + μ2_i)

(each max is the inner problem's best vertex, y = (0, 0), (1, 0), (1, 1); sums over the demand
rows of the model). With the LP's duals, L equals the LP bound once no site prices out
(g_j <= λ, the dual of Σx <= k, for every site outside the LP). With some sites forced open
(F1) and some forced shut (F0), as in a node of the branch-and-bound, the inner problem opens
F1 and the best k - |F1| of the rest: L_F(μ) = rest(μ) + Σ_{F1} g_j + top-(k - |F1|) over the
sites outside F0 ∪ F1 of g_j⁺, again valid for any μ >= 0 and every plan of the node.

The LP is kept in one HiGHS instance (`_CoverLP`): rebuilding it each round (and merging the
demand rows identical on the sites so far) made every solve start from scratch. Here the model
has every demand row from the start (a row no site in the LP reaches just holds its y at 0);
sites come in as new columns (``addCols``), branching changes column bounds, and HiGHS starts
each solve from the basis of the last one (or one given). Columns: y1 of the d1 rows, y2 of the
d2 rows, y1 of the paired d2 rows, then one x per site in the order the sites came in. Rows:
Σx <= k, the d1 rows, the d2 rows, the pairing rows y2 <= y1.

Notation as in `coverage.siting.covering`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np

from coverage.siting._sparse import CSR, Bools, Floats, Ints, _take_rows, _transpose
from coverage.siting.greedy import _top_sum
from coverage.siting.highs import _new_highs

__all__: list[str] = []

log = logging.getLogger(__name__)

#: Sites added to the LP per pricing round (the most attractive first).
_BATCH = 50


@dataclass
class _Rows:
    """The covering rows of a model: once-rows (d1) and twice-rows (d2), all free sites."""

    p1: CSR  # d1 rows × free sites
    p2: CSR  # d2 rows × free sites
    s1: CSR  # transposes
    s2: CSR
    c1: Floats  # objective weight of each d1 row (a·w)
    c2: Floats  # objective weight of each d2 row (b·w)
    e2: Floats  # existing sites covering each d2 row (0 or 1)
    c21: Floats  # once-weight (a·w) of each paired d2 row (y1 + y2 <= Σx), else 0
    paired: Floats  # 1.0 for paired d2 rows, else 0.0
    k: int
    offset: float  # objective of the demand outside the rows

    @property
    def n(self) -> int:
        return int(self.p1.shape[1])

    def value(self, x: Floats) -> float:
        """True objective of the 0/1 plan ``x``."""
        once = (self.p1 @ x) >= 1 - 1e-9
        s2 = self.p2 @ x
        twice = (s2 + self.e2) >= 2 - 1e-9
        once2 = s2 >= 1 - 1e-9
        return self.offset + float(
            self.c1[once].sum() + self.c21[once2].sum() + self.c2[twice].sum()
        )

    @property
    def d2(self) -> Floats:
        """Coefficient of y2 in each d2 row: 1 when paired or e = 1, else 2."""
        out: Floats = np.where((self.paired > 0) | (self.e2 >= 1), 1.0, 2.0)
        return out

    def bound(self, mu1: Floats, mu2: Floats) -> tuple[float, Floats]:
        """Lagrangian bound L(μ) (μ clipped into its box) and the site prices g."""
        rest, g = self.parts(mu1, mu2)
        return rest + _top_sum(np.maximum(g, 0.0), self.k), g

    def parts(self, mu1: Floats, mu2: Floats) -> tuple[float, Floats]:
        """L(μ) without its site term (offset included), and the site prices g.

        μ is clipped into its box first.
        """
        d = self.paired + self.d2
        # Past these caps a larger μ only raises g: its row's term is already 0.
        mu1 = np.clip(mu1, 0.0, self.c1)
        mu2 = np.clip(mu2, 0.0, np.maximum(self.c21, (self.c21 + self.c2) / d))
        g = np.asarray(self.s1 @ mu1 + self.s2 @ mu2, dtype=np.float64)
        t2 = np.maximum(np.maximum(self.c21 - mu2, self.c21 + self.c2 - d * mu2), 0.0)
        return self.offset + float(np.sum(self.c1 - mu1) + np.sum(t2)), g

    def node_bound(self, rest: float, g: Floats, lower: Bools, upper: Bools) -> float:
        """L(μ) when the sites ``lower`` must open and only the sites ``upper`` may.

        ``rest`` and ``g`` as returned by `parts`; the inner problem opens the forced sites and
        the best k - |lower| of the others that may open.
        """
        free = upper & ~lower
        return (
            rest
            + float(g[lower].sum())
            + _top_sum(np.maximum(g[free], 0.0), self.k - int(lower.sum()))
        )


def _rows(pattern: CSR, w: Floats, e: Floats, a: float, b: float, k: int, const: float) -> _Rows:
    lens = np.diff(pattern.indptr)
    d2 = np.flatnonzero((e <= 1) & (lens + e >= 2)) if b > 0 else np.zeros(0, np.int64)
    paired = np.zeros(len(e), dtype=bool)
    paired[d2] = (e[d2] == 0) & (a > 0)  # their once-weight moves into the d2 row
    d1 = np.flatnonzero((e == 0) & ~paired) if a > 0 else np.zeros(0, np.int64)
    p1, p2 = _take_rows(pattern, d1), _take_rows(pattern, d2)
    # Demand outside the rows: covered once (twice) by existing sites, or out of reach of enough.
    offset = const + a * float(w[e >= 1].sum()) + b * float(w[e >= 2].sum())
    return _Rows(
        p1, p2, _transpose(p1), _transpose(p2), a * w[d1], b * w[d2], e[d2].astype(float),
        a * w[d2] * paired[d2], paired[d2].astype(float), k, offset,
    )  # fmt: skip


class _SiteLP:
    """An LP relaxation of the covering rows over a growing set of sites, and site generation.

    Subclasses keep the LP in ``h`` (HiGHS) and say how sites come in (`add`), how a node's
    fixings are set (`set_bounds`) and what a solve gives (`solve`); ``col`` is each site's
    place in the LP (-1: not in it).
    """

    rows: _Rows
    h: highspy.Highs
    col: Ints

    def add(self, sites: Ints) -> None:
        """Add the sites not yet in the LP."""
        raise NotImplementedError

    def set_bounds(self, lower: Floats, upper: Floats) -> None:
        """Each site in the LP between ``lower`` and ``upper`` (indexed by site)."""
        raise NotImplementedError

    def solve(self, basis: Any = None) -> tuple[Floats, Floats, float, Floats] | None:
        """Duals (μ1, μ2, λ) and the x of every site (0 outside the LP); None if not solved."""
        raise NotImplementedError

    def set_groups(self, groups: tuple[int, ...]) -> bool:
        """Impose the group rows ``groups`` (see `_DualCoverLP.group`); False: they cannot hold.

        This form has none.
        """
        if groups:
            raise ValueError("group rows are for the dual form (maximal covering) only")
        return True

    def adjust(self, g: Floats) -> tuple[Floats, float]:
        """Site prices and constant of L_F with the group rows' duals (none here)."""
        return g, 0.0

    def infeasible(self) -> bool:
        """Whether the last solve found the node's LP (with its group rows) infeasible."""
        return False

    def widen(self) -> bool:
        """Add the sites the LP's group rows may need to be feasible; False if none."""
        return False

    def generate(
        self,
        lower: Bools,
        upper: Bools,
        stop: float,
        deadline: float,
        basis: Any = None,
        groups: tuple[int, ...] = (),
    ) -> _Priced | None:
        """Site generation with the sites ``lower`` forced open and only ``upper`` allowed.

        Solves the LP (with the group rows ``groups``), prices the allowed sites outside it
        with the duals (g_j > λ: worth adding), adds the best `_BATCH` and solves again, until
        none prices out, the bound is at most ``stop``, or ``deadline``. The bound is L_F of
        the last duals, valid whether or not the LP converged; -inf when the node has no plan.
        None if HiGHS did not solve the LP.
        """
        rows = self.rows
        self.add(np.flatnonzero(lower))
        self.set_bounds(lower.astype(np.float64), upper.astype(np.float64))
        none = _Priced(-np.inf, np.zeros(rows.n), np.zeros(rows.n), True)
        if not self.set_groups(groups):
            return none
        tol = 1e-9 * max(float(rows.c1.sum() + rows.c2.sum() + rows.c21.sum()), 1.0)
        while True:
            sol = self.solve(basis)
            basis = None
            if sol is None and self.infeasible() and self.widen():
                continue
            if sol is None:
                return none if self.infeasible() else None
            mu1, mu2, lam, x = sol
            rest, g = rows.parts(mu1, mu2)
            gg, const = self.adjust(g)
            bound = rows.node_bound(rest + const, gg, lower, upper)
            price = np.where(upper & ~lower & (self.col < 0), gg, -np.inf)
            new = np.flatnonzero(price > lam + tol)
            if bound <= stop or not len(new) or time.perf_counter() > deadline:
                return _Priced(bound, gg, x, not len(new))
            self.add(new[np.argsort(-price[new])][:_BATCH])


class _CoverLP(_SiteLP):
    """The LP relaxation of the covering rows ``rows`` over a growing set of sites."""

    def __init__(self, rows: _Rows) -> None:
        self.rows = rows
        m1, m2 = rows.p1.shape[0], rows.p2.shape[0]
        pair = np.flatnonzero(rows.paired > 0)
        m3 = len(pair)
        self.m1, self.m2 = m1, m2
        h = _new_highs(False)
        h.setOptionValue("output_flag", False)
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        inf = highspy.kHighsInf
        n_rows = 1 + m1 + m2 + m3
        empty_i, empty_f = np.zeros(0, np.int32), np.zeros(0)
        h.addRows(
            n_rows,
            np.full(n_rows, -inf),
            np.concatenate([[float(rows.k)], np.zeros(n_rows - 1)]),
            0,
            empty_i,
            empty_i,
            empty_f,
        )
        # y1 (d1): +1 in its row. y2 (d2): d in its row, +1 in its pairing row if paired.
        # y1 (paired d2): +1 in the d2 row, -1 in the pairing row.
        d2 = rows.d2
        is_pair = np.zeros(m2, dtype=bool)
        is_pair[pair] = True
        cnt2 = 1 + is_pair.astype(np.int64)
        starts2 = np.cumsum(cnt2) - cnt2
        idx2 = np.empty(int(cnt2.sum()), np.int64)
        val2 = np.empty(int(cnt2.sum()))
        idx2[starts2] = 1 + m1 + np.arange(m2)
        val2[starts2] = d2
        prow = np.full(m2, -1, dtype=np.int64)
        prow[pair] = 1 + m1 + m2 + np.arange(m3)
        idx2[starts2[pair] + 1] = prow[pair]
        val2[starts2[pair] + 1] = 1.0
        idx = np.concatenate(
            [1 + np.arange(m1), idx2, np.column_stack([1 + m1 + pair, prow[pair]]).ravel()]
        )
        val = np.concatenate([np.ones(m1), val2, np.tile([1.0, -1.0], m3)])
        starts = np.concatenate([np.arange(m1), m1 + starts2, m1 + len(idx2) + 2 * np.arange(m3)])
        n_y = m1 + m2 + m3
        cost = np.concatenate([rows.c1, rows.c2, rows.c21[pair]])
        h.addCols(
            n_y, cost, np.zeros(n_y), np.ones(n_y), len(idx),
            starts.astype(np.int32), idx.astype(np.int32), val,
        )  # fmt: skip
        self.h, self.n_y = h, n_y
        self.sites = np.zeros(0, dtype=np.int64)  # site of each x column
        self.col = np.full(rows.n, -1, dtype=np.int64)  # x column of each site (-1: none)

    def add(self, sites: Ints) -> None:
        """Add the sites not yet in the LP as columns (open between 0 and 1)."""
        sites = np.unique(np.asarray(sites, dtype=np.int64))
        sites = sites[self.col[sites] < 0]
        if not len(sites):
            return
        r = self.rows
        n = len(sites)
        a, b = r.s1[sites], r.s2[sites]
        la, lb = np.diff(a.indptr), np.diff(b.indptr)
        lens = 1 + la + lb
        starts = np.cumsum(lens) - lens
        idx = np.empty(int(lens.sum()), np.int64)
        val = np.full(len(idx), -1.0)
        idx[starts] = 0
        val[starts] = 1.0
        pos_a = np.repeat(starts + 1, la) + (np.arange(a.nnz) - np.repeat(a.indptr[:-1], la))
        pos_b = np.repeat(starts + 1 + la, lb) + (np.arange(b.nnz) - np.repeat(b.indptr[:-1], lb))
        idx[pos_a] = 1 + a.indices
        idx[pos_b] = 1 + self.m1 + b.indices
        self.h.addCols(
            n, np.zeros(n), np.zeros(n), np.ones(n), len(idx),
            starts.astype(np.int32), idx.astype(np.int32), val,
        )  # fmt: skip
        self.col[sites] = self.n_y + len(self.sites) + np.arange(n)
        self.sites = np.concatenate([self.sites, sites])

    def set_bounds(self, lower: Floats, upper: Floats) -> None:
        """Bounds of every site in the LP (``lower``/``upper`` indexed by site)."""
        n = len(self.sites)
        if not n:
            return
        cols = (self.n_y + np.arange(n)).astype(np.int32)
        self.h.changeColsBounds(n, cols, lower[self.sites], upper[self.sites])

    def solve(self, basis: Any = None) -> tuple[Floats, Floats, float, Floats] | None:
        """Duals (μ1, μ2, λ) and the x of every site (0 outside the LP); None if not solved."""
        if basis is not None:
            self._set_basis(basis)
        t = time.perf_counter()
        self.h.run()
        log.debug(
            "LP: %d sites, %d iterations, %.3f s",
            len(self.sites),
            self.h.getInfo().simplex_iteration_count,
            time.perf_counter() - t,
        )
        if self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        sol = self.h.getSolution()
        dual = np.abs(np.asarray(sol.row_dual, dtype=np.float64))
        x = np.zeros(self.rows.n)
        x[self.sites] = np.asarray(sol.col_value, dtype=np.float64)[self.n_y :]
        m1, m2 = self.m1, self.m2
        return dual[1 : 1 + m1], dual[1 + m1 : 1 + m1 + m2], float(dual[0]), x

    def _set_basis(self, basis: Any) -> None:
        """Start from ``basis`` (a HighsBasis of this LP, perhaps from before sites came in)."""
        n_cols = self.n_y + len(self.sites)
        status = list(basis.col_status)
        if len(status) < n_cols:  # the sites added since: out of the basis, at 0
            status += [highspy.HighsBasisStatus.kLower] * (n_cols - len(status))
            basis.col_status = status
        self.h.setBasis(basis)


@dataclass
class _Priced:
    """The outcome of `_CoverLP.generate`: bound, site prices, LP solution, converged?"""

    bound: float
    g: Floats
    x: Floats
    converged: bool


def _seed(rows: _Rows, start: Ints) -> Ints:
    """First sites of the LP: ``start`` and the sites worth most with every row unpriced."""
    g0 = rows.s1 @ rows.c1 + rows.s2 @ (rows.c2 + rows.c21)
    return np.union1d(start, np.argsort(-g0)[: max(rows.k, _BATCH)]).astype(np.int64)
