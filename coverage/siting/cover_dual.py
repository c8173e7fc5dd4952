"""The covering LP of maximal covering in its dual form: one row per site instead of per demand.

The LP of `coverage.siting.cover_lp` has a row for every demand row (8,517 on the Wuhan sample)
and a column for each of the few hundred sites it holds, so each simplex iteration works on a
basis of thousands of rows. For maximal covering (once-rows only) its dual is small::

    min  (k - |F1|) λ + Σ_i (c_i - μ_i)
    s.t. Σ_{i ∈ N_j} μ_i - λ <= 0     for each site j in the LP, neither forced open nor shut
         0 <= μ_i <= c_i (0 where a site forced open covers row i),  λ >= 0

with one row per site and one column per demand row: from scratch HiGHS solves the root of
MCLP k = 25 in 0.26 s instead of 3.3 s, and a node of the branch-and-bound in about half the
time. The sites' x are the duals of their rows. Forcing a site shut frees its row; forcing it
open frees its row, zeroes μ on the rows it covers and takes it out of k. The bound x_j <= 1 is
left out: it never binds at an optimum unless λ = 0, so the LP value is the same (and x is
clipped to 1 for the rounding).

Site generation adds rows (cuts of the dual), which the dual simplex continues from; the bound
is the Lagrangian L_F(μ) of the μ found, as for the other form.

Group rows (for branching on how many of a group of sites open, `coverage.siting.branch`):
Σ_{j ∈ G} x_j <= u is a column ν >= 0 of cost u with -1 in the rows of G, Σ_{j ∈ G} x_j >= l
a column ν >= 0 of cost -l with +1 there (u, l less the sites of G forced open). A site of G
outside the LP is priced with g' below and gets its entry when it comes in, so a group does not
swell the LP; when a >= row finds too few of its sites in the LP (the LP infeasible), they all
come in before the node is given up. Columns of groups not imposed at a node are held at 0. With them the Lagrangian is L_F(μ, ν) = rest(μ) +
Σ ±ν_G·rhs_G + L_F's site term over g'_j = g_j ∓ Σ_{G ∋ j} ν_G (the group rows relaxed with
ν), valid for any ν >= 0. The bound x_j <= 1 stays left out: the LP is then a relaxation still
(at worst a weaker one when a >= row could be met by one site at x > 1), and L_F is exact over
0/1 plans whatever the duals.
"""

from __future__ import annotations

from typing import Any

import highspy
import numpy as np

from coverage.siting._sparse import Floats, Ints, _indptr
from coverage.siting.cover_lp import _CoverLP, _Rows, _SiteLP
from coverage.siting.highs import _new_highs

__all__: list[str] = []


class _DualCoverLP(_SiteLP):
    """The dual of the maximal-covering LP over a growing set of sites (rows of ``h``)."""

    def __init__(self, rows: _Rows) -> None:
        if rows.p2.shape[0]:
            raise ValueError("the dual form is for once-rows only (maximal covering)")
        self.rows = rows
        m = rows.p1.shape[0]
        self.m = m
        h = _new_highs(False)
        h.setOptionValue("output_flag", False)
        h.changeObjectiveSense(highspy.ObjSense.kMinimize)
        # Columns μ_0 … μ_{m-1}, then λ; no rows until sites come in.
        cost = np.concatenate([-np.ones(m), [float(rows.k)]])
        upper = np.concatenate([rows.c1, [highspy.kHighsInf]])
        empty = np.zeros(0, np.int32)
        h.addCols(
            m + 1, cost, np.zeros(m + 1), upper, 0, np.zeros(m + 1, np.int32), empty, np.zeros(0)
        )
        self.h = h
        self.sites = np.zeros(0, dtype=np.int64)  # site of each row
        self.col = np.full(rows.n, -1, dtype=np.int64)  # row of each site (-1: none)
        self.lower = np.zeros(rows.n, dtype=bool)  # the node's fixings (see `set_bounds`)
        self.allowed = np.ones(rows.n, dtype=bool)
        self.groups: list[tuple[Ints, int, int]] = []  # (sites, 1 for <= / -1 for >=, rhs)
        self.ids: dict[tuple[bytes, int, int], int] = {}
        self.sense = np.zeros(0)  # of each group, as a float
        self.of_site: dict[int, list[int]] = {}  # the groups of each site
        self.active = np.zeros(0, dtype=np.int64)  # the groups imposed at the node
        self.nu = np.zeros(0)  # their columns' values at the last solve
        self.unbounded = False

    def add(self, sites: Ints) -> None:
        """Add a row Σ_{N_j} μ - λ ∓ Σ_{G ∋ j} ν_G <= 0 for each site not yet in the LP."""
        sites = np.unique(np.asarray(sites, dtype=np.int64))
        sites = sites[self.col[sites] < 0]
        if not len(sites):
            return
        a = self.rows.s1[sites]
        idx: list[Ints] = []
        val: list[Floats] = []
        lam = np.array([self.m])
        for r, j in enumerate(sites):
            gids = np.asarray(self.of_site.get(int(j), []), dtype=np.int64)
            idx += [a.indices[a.indptr[r] : a.indptr[r + 1]], lam, self.m + 1 + gids]
            val += [np.ones(a.indptr[r + 1] - a.indptr[r]), -np.ones(1), -self.sense[gids]]
        lens = np.diff(a.indptr) + 1 + [len(self.of_site.get(int(j), [])) for j in sites]
        n = len(sites)
        self.h.addRows(
            n, np.full(n, -highspy.kHighsInf), self.upper(sites), int(lens.sum()),
            _indptr(lens)[:-1].astype(np.int32), np.concatenate(idx).astype(np.int32),
            np.concatenate(val),
        )  # fmt: skip
        self.col[sites] = len(self.sites) + np.arange(n)
        self.sites = np.concatenate([self.sites, sites])

    def upper(self, sites: Ints) -> Floats:
        """Row bound of ``sites``: 0 (the site may open), or none when it is fixed."""
        fixed = self.lower[sites] | ~self.allowed[sites]
        out: Floats = np.where(fixed, highspy.kHighsInf, 0.0)
        return out

    def set_bounds(self, lower: Floats, upper: Floats) -> None:
        """Fix the node's sites: shut ones lose their row, open ones take their rows out."""
        self.lower, self.allowed = lower > 0.5, upper > 0.5
        n, m, inf = len(self.sites), self.m, highspy.kHighsInf
        if n:
            rows = np.arange(n, dtype=np.int32)
            # highspy has it; its type stubs do not.
            self.h.changeRowsBounds(n, rows, np.full(n, -inf), self.upper(self.sites))  # type: ignore[attr-defined]
        covered = (self.rows.p1 @ self.lower.astype(np.float64)) > 0.5
        mu_upper = np.where(covered, 0.0, self.rows.c1)
        self.h.changeColsBounds(m, np.arange(m, dtype=np.int32), np.zeros(m), mu_upper)
        self.h.changeColCost(m, float(self.rows.k - int(self.lower.sum())))

    def group(self, sites: Ints, sense: int, rhs: int) -> int:
        """Id of the group row Σ_{sites} x <= rhs (``sense`` 1) or >= rhs (-1); added if new.

        Only the sites already in the LP get an entry now; the others get theirs when they
        come in (priced with the row's dual), so a group does not swell the LP.
        """
        sites = np.unique(np.asarray(sites, dtype=np.int64))
        key = (sites.tobytes(), sense, rhs)
        if key not in self.ids:
            gid = len(self.groups)
            idx = self.col[sites][self.col[sites] >= 0].astype(np.int32)
            self.h.addCol(0.0, 0.0, 0.0, len(idx), idx, np.full(len(idx), -float(sense)))
            self.ids[key] = gid
            self.groups.append((sites, sense, rhs))
            self.sense = np.append(self.sense, float(sense))
            for j in sites:
                self.of_site.setdefault(int(j), []).append(gid)
        return self.ids[key]

    def widen(self) -> bool:
        """Bring in every allowed site of the node's >= groups; False if all were in.

        Without them the LP may lack the sites a >= row needs (then it is infeasible though
        the node is not).
        """
        need = [self.groups[gid][0] for gid in self.active if self.groups[gid][1] < 0]
        if not need:
            return False
        sites = np.unique(np.concatenate(need))
        sites = sites[(self.col[sites] < 0) & self.allowed[sites]]
        self.add(sites)
        return len(sites) > 0

    def set_groups(self, groups: tuple[int, ...]) -> bool:
        """Impose the group rows ``groups`` (ids from `group`) after `set_bounds`; others at 0.

        False (nothing changed) when one cannot hold: more sites of a <= group forced open than
        it allows, or fewer allowed in a >= group than it asks.
        """
        n = len(self.groups)
        cost, upper = np.zeros(n), np.zeros(n)
        active = np.unique(np.asarray(groups, dtype=np.int64))
        for gid in active:
            sites, sense, rhs = self.groups[gid]
            opened = int(self.lower[sites].sum())
            short = int(self.allowed[sites].sum()) < rhs
            if (sense > 0 and opened > rhs) or (sense < 0 and short):
                return False
            cost[gid], upper[gid] = sense * (rhs - opened), highspy.kHighsInf
        self.active = active
        if n:
            cols = (self.m + 1 + np.arange(n)).astype(np.int32)
            self.h.changeColsBounds(n, cols, np.zeros(n), upper)
            self.h.changeColsCost(n, cols, cost)
        return True

    def adjust(self, g: Floats) -> tuple[Floats, float]:
        """Site prices g' and the constant Σ ±ν_G·rhs_G of L_F(μ, ν) (module docstring)."""
        out, const = g.copy(), 0.0
        for gid in self.active:
            nu = float(self.nu[gid])
            sites, sense, rhs = self.groups[gid]
            out[sites] -= sense * nu
            const += sense * nu * rhs
        return out, const

    def infeasible(self) -> bool:
        """The dual is feasible (all 0), so unbounded means the node's LP has no solution."""
        return self.unbounded

    def solve(self, basis: Any = None) -> tuple[Floats, Floats, float, Floats] | None:
        """(μ, no μ2, λ, x): x from the duals of the site rows, 1 where forced open."""
        if basis is not None:
            status = list(basis.row_status)
            if len(status) < len(self.sites):  # rows added since: their slack in the basis
                status += [highspy.HighsBasisStatus.kBasic] * (len(self.sites) - len(status))
                basis.row_status = status
            cols, n_cols = list(basis.col_status), self.m + 1 + len(self.groups)
            if len(cols) < n_cols:  # group columns added since: at 0
                basis.col_status = cols + [highspy.HighsBasisStatus.kLower] * (n_cols - len(cols))
            self.h.setBasis(basis)
        self.h.run()
        model = self.h.getModelStatus()
        self.unbounded = model in (
            highspy.HighsModelStatus.kUnbounded,
            highspy.HighsModelStatus.kUnboundedOrInfeasible,
        )
        if model != highspy.HighsModelStatus.kOptimal:
            return None
        sol = self.h.getSolution()
        value = np.asarray(sol.col_value, dtype=np.float64)
        self.nu = np.maximum(value[self.m + 1 :], 0.0)
        x = np.zeros(self.rows.n)
        x[self.sites] = np.minimum(np.abs(np.asarray(sol.row_dual, dtype=np.float64)), 1.0)
        x[self.lower] = 1.0
        return value[: self.m], np.zeros(0), float(value[self.m]), x


def _site_lp(rows: _Rows) -> _SiteLP:
    """The LP of ``rows`` in the form HiGHS solves fastest: dual for maximal covering."""
    return _DualCoverLP(rows) if rows.p2.shape[0] == 0 else _CoverLP(rows)
