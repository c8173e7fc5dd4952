"""Large covering models: an LP bound by site generation, then a MILP on the sites that matter.

On a street network every demand point is within reach of a hundred sites or more, so the
covering MILP (MCLP, backup coverage) has about a million nonzeros and HiGHS spends most of its
time on the root LP. Yet the LP needs few sites: it is solved here over a small set R of sites,
and the duals μ of its demand rows price the others (site generation, as column generation in
Cordeau, Furini & Ljubić 2019 prices demand). The bound is computed from μ alone, so it is
proven whatever the LP solver's accuracy. The rows are the strengthened ones of
`coverage.siting.covering` (see ``BackupCoverage``): y1_i <= Σx (once-rows, d1); twice-rows
(d2) either y1_i + y2_i <= Σx with y2_i <= y1_i kept in the inner problem (e_i = 0, a > 0:
"paired", p_i = 1) or d_i·y2_i <= Σx with d_i = 2 - e_i (p_i = 0; paired rows have d_i = 1).
For any μ >= 0 the Lagrangian relaxation of these rows bounds the optimum::

    L(μ) = Σ_{d1} (a w_i - μ1_i)⁺ + top-k_j (g_j)⁺
           + Σ_{d2} max(0, a p_i w_i - μ2_i, (a p_i + b) w_i - (p_i + d_i) μ2_i),
    g_j  = Σ_{i ∈ N_j} (μ1_i + μ2_i)

(each max is the inner problem's best vertex, y = (0, 0), (1, 0), (1, 1); sums over the demand
rows of the model; with the LP's duals, L equals the LP bound once no
site prices out). The same bound with one site forced in, L(μ) - g_(k)⁺ + g_j⁺, shows which
sites no plan better than the incumbent can use (reduced-cost fixing); they are dropped and
HiGHS solves the MILP on the rest. Its bound holds for the whole model: a plan with a dropped
site is worse than the incumbent, which the rest contains.

Notation as in `coverage.siting.covering`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import highspy
import numpy as np
from scipy import sparse

from coverage.siting._sparse import (
    CSR,
    Floats,
    Ints,
    _coo,
    _row_ids,
    _sum_by,
    _take_rows,
    _transpose,
)
from coverage.siting.highs import MipOptions, Outcome, _gap, _Model, _pass_model, _run_highs
from coverage.siting.problem import _keep_sites, _merge_rows

__all__: list[str] = []

log = logging.getLogger(__name__)

#: Sites added to R per pricing round (the most attractive first).
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
        d = self.paired + self.d2
        # Past these caps a larger μ only raises g: its row's term is already 0.
        mu1 = np.clip(mu1, 0.0, self.c1)
        mu2 = np.clip(mu2, 0.0, np.maximum(self.c21, (self.c21 + self.c2) / d))
        g = np.asarray(self.s1 @ mu1 + self.s2 @ mu2, dtype=np.float64)
        t2 = np.maximum(np.maximum(self.c21 - mu2, self.c21 + self.c2 - d * mu2), 0.0)
        rest = float(np.sum(self.c1 - mu1) + np.sum(t2))
        return self.offset + rest + _top(np.maximum(g, 0.0), self.k), g


def _top(g: Floats, k: int) -> float:
    if k <= 0:
        return 0.0
    if k >= len(g):
        return float(g.sum())
    return float(np.partition(g, len(g) - k)[len(g) - k :].sum())


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


@dataclass
class _Restricted:
    """The covering rows restricted to sites R: rows R reaches, identical ones merged.

    Columns: x (n), y1 of the d1 rows (m1), y2 of the d2 rows (m2), y1 of the paired d2 rows.
    """

    model: _Model
    n: int  # sites in R
    r1: Ints  # d1 rows R reaches
    r2: Ints
    g1: Ints  # merged row of each of r1
    g2: Ints
    m1: int  # merged d1 rows
    share1: Floats  # each row's share of its merged row's weight
    share2: Floats
    e2: Floats  # existing sites covering each merged d2 row
    pair: Ints  # merged d2 rows that are paired


def _merged(p: CSR, sites: Ints, c: Floats, key: Floats | None) -> tuple[CSR, Ints, Ints, Ints]:
    """Rows of ``p`` on ``sites`` that R reaches, merged: (matrix, rows, group, first of each)."""
    q = p[:, sites].tocsr()
    touched = np.flatnonzero(np.diff(q.indptr) > 0)
    sub = None if key is None else key[touched]
    q, _, group, rep = _merge_rows(_take_rows(q, touched), c[touched], sub)
    return q, touched, group, rep


def _restrict(rows: _Rows, sites: Ints, integer: bool) -> _Restricted:
    """The covering LP (or MILP) on ``sites``, rows merged where identical on them."""
    q1, r1, g1, rep1 = _merged(rows.p1, sites, rows.c1, None)
    # Paired rows have e = 0 and unpaired e = 0 rows occur only when a = 0: e is the whole key.
    q2, r2, g2, rep2 = _merged(rows.p2, sites, rows.c2, rows.e2)
    n, m1, m2 = len(sites), q1.shape[0], q2.shape[0]
    w1 = _sum_by(g1, rows.c1[r1], m1)
    w2 = _sum_by(g2, rows.c2[r2], m2)
    w21 = _sum_by(g2, rows.c21[r2], m2)
    tot2 = _sum_by(g2, rows.c2[r2] + rows.c21[r2], m2)
    e2 = rows.e2[r2][rep2]
    paired = rows.paired[r2][rep2] > 0
    d = np.where(paired | (e2 >= 1), 1.0, 2.0)
    pair = np.flatnonzero(paired)
    m3 = len(pair)
    y1p = n + m1 + m2 + np.arange(m3)
    a_mat = _coo(
        [
            (np.zeros(n), np.arange(n), 1.0),
            (1 + _row_ids(q1), q1.indices, -1.0),
            (1 + np.arange(m1), n + np.arange(m1), 1.0),
            (1 + m1 + _row_ids(q2), q2.indices, -1.0),
            (1 + m1 + np.arange(m2), n + m1 + np.arange(m2), d),
            (1 + m1 + pair, y1p, 1.0),  # y1 + y2 <= Σx
            (1 + m1 + m2 + np.arange(m3), n + m1 + pair, 1.0),  # y2 <= y1
            (1 + m1 + m2 + np.arange(m3), y1p, -1.0),
        ],
        (1 + m1 + m2 + m3, n + m1 + m2 + m3),
    )
    share1 = np.divide(rows.c1[r1], w1[g1], out=np.zeros(len(g1)), where=w1[g1] > 0)
    c2r = rows.c2[r2] + rows.c21[r2]
    share2 = np.divide(c2r, tot2[g2], out=np.zeros(len(g2)), where=tot2[g2] > 0)
    model = _Model(
        np.concatenate([np.zeros(n), w1, w2, w21[pair]]),
        a_mat,
        np.full(1 + m1 + m2 + m3, -np.inf),
        np.concatenate([[float(rows.k)], np.zeros(m1 + m2 + m3)]),
        np.concatenate(
            [np.full(n, float(integer)), np.zeros(m1), np.full(m2, float(integer)), np.zeros(m3)]
        ),
        True,
    )
    return _Restricted(model, n, r1, r2, g1, g2, m1, share1, share2, e2, pair)


def _restricted_lp(rows: _Rows, sites: Ints) -> tuple[Floats, Floats, float, Ints]:
    """Duals (μ1, μ2, λ) of the covering LP restricted to ``sites``, and its support.

    A merged row's dual is shared among its rows by weight; rows R does not reach get the
    duals that make their terms of L vanish.
    """
    res = _restrict(rows, sites, integer=False)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    a = sparse.csc_matrix(res.model.a)
    a.sum_duplicates()
    _pass_model(h, res.model, a)
    h.run()
    dual = np.abs(np.asarray(h.getSolution().row_dual, dtype=np.float64))
    mu1, mu2 = rows.c1.copy(), np.maximum(rows.c21, (rows.c21 + rows.c2) / (rows.paired + rows.d2))
    if len(dual) != len(res.model.row_lower):  # no solution: the weakest valid duals
        return mu1, mu2, 0.0, sites
    mu1[res.r1] = dual[1 + res.g1] * res.share1
    mu2[res.r2] = dual[1 + res.m1 + res.g2] * res.share2
    support = sites[np.asarray(h.getSolution().col_value)[: len(sites)] > 1e-6]
    return mu1, mu2, float(dual[0]), support


def _lp_bound(
    rows: _Rows, start: Ints, incumbent: float, rel_gap: float, deadline: float
) -> tuple[float, Floats, Ints]:
    """Best L(μ) over the rounds of site generation, the site prices g there, and a support.

    The support is the sites the last restricted LP opens (in part).

    Stops when no site prices out (L is then the LP bound), when the bound proves the incumbent
    within ``rel_gap``, or at ``deadline``.
    """
    g0 = rows.s1 @ rows.c1 + rows.s2 @ rows.c2
    seed = np.argsort(-g0)[: max(rows.k, _BATCH)]
    sites = np.union1d(start, seed).astype(np.int64)
    best, best_g = np.inf, g0
    scale = max(float(rows.c1.sum() + rows.c2.sum()), 1.0)
    while True:
        mu1, mu2, lam, support = _restricted_lp(rows, sites)
        value, g = rows.bound(mu1, mu2)
        if value < best:
            best, best_g = value, g
        price = g.copy()
        price[sites] = -np.inf
        new = np.flatnonzero(price > lam + 1e-9 * scale)
        if not len(new) or _gap(incumbent, best, True) <= rel_gap:
            break
        if time.perf_counter() > deadline:
            break
        sites = np.union1d(sites, new[np.argsort(-price[new])][:_BATCH])
    log.debug("site generation: %d sites, bound %.6g", len(sites), best)
    return best, best_g, support


def _colgen_milp(
    rows: _Rows, sites: Ints, opts: MipOptions, start: Floats, time_limit: float | None
) -> Outcome:
    """The covering MILP on ``sites`` only, warm-started from ``start`` (a 0/1 plan)."""
    res = _restrict(rows, sites, integer=True)
    res.model.offset = rows.offset  # rows R does not reach add nothing (d2 rows have e <= 1)
    x = start[sites]
    a = sparse.csr_matrix(res.model.a)
    n = res.n
    m1, m2 = res.m1, len(res.e2)
    s1 = -(a[1 : 1 + m1, :n] @ x)  # Σx of each merged row
    s2 = -(a[1 + m1 : 1 + m1 + m2, :n] @ x)
    y = np.concatenate(
        [
            np.minimum(s1, 1.0),
            (s2 + res.e2 >= 2 - 1e-9).astype(float),
            np.minimum(s2, 1.0)[res.pair],
        ]
    )
    sub = MipOptions(time_limit, opts.mip_rel_gap, opts.threads, opts.verbose, opts.highs_options)
    out = _run_highs(res.model, sub, (np.arange(len(res.model.cost)), np.concatenate([x, y])))
    if out.values is not None:
        full = np.zeros(rows.n)
        full[sites] = out.values[:n]
        out.values = full
    return out


def _cover_colgen(
    pattern: CSR,
    w: Floats,
    e: Floats,
    const: float,
    a: float,
    b: float,
    k: int,
    opts: MipOptions,
    start: Ints,
) -> Outcome:
    """Maximal / backup covering by site generation, fixing and a MILP on the remaining sites.

    ``pattern`` is model demand × free sites; ``start`` a plan (positions among the free sites),
    e.g. greedy's. Returns HiGHS-like figures with ``values`` = the plan over the free sites.
    """
    t0 = time.perf_counter()
    n_all = pattern.shape[1]
    keep = np.arange(n_all)
    if b == 0:
        # Dominated sites are never needed (see `_keep_sites`): price only the others.
        rep = _keep_sites(_take_rows(pattern, np.flatnonzero(e == 0)))
        keep = np.flatnonzero(rep == np.arange(n_all))
        start = np.unique(np.searchsorted(keep, rep[start]))
        pattern = pattern[:, keep].tocsr()
    rows = _rows(pattern, w, e, a, b, k, const)
    value, bound, x, text, status = _solve_rows(rows, opts, start, t0)
    full = np.zeros(n_all)
    full[keep] = x
    return Outcome(
        status, text, value, bound, _gap(value, bound, True), full, time.perf_counter() - t0
    )


def _solve_rows(
    rows: _Rows, opts: MipOptions, start: Ints, t0: float
) -> tuple[float, float, Floats, str, str]:
    """(objective, bound, plan, HiGHS-like text, status) of the covering model ``rows``."""
    limit = opts.time_limit
    deadline = t0 + (limit if limit is not None else np.inf)
    x = np.zeros(rows.n)
    x[start] = 1.0
    incumbent = rows.value(x)
    bound, g, support = _lp_bound(
        rows, start, incumbent, opts.mip_rel_gap, t0 + 0.5 * (deadline - t0)
    )
    log.debug(
        "LP phase %.2f s: incumbent %.6g bound %.6g", time.perf_counter() - t0, incumbent, bound
    )
    if _gap(incumbent, bound, True) > opts.mip_rel_gap:
        # A good incumbent first (the MILP on the sites the LP opens), then the fixing it allows.
        left = None if limit is None else max(0.25 * (deadline - time.perf_counter()), 1.0)
        out = _colgen_milp(rows, np.union1d(support, start), opts, x, left)
        if out.values is not None and out.objective > incumbent:
            x = (out.values > 0.5).astype(float)
            incumbent = rows.value(x)
    if _gap(incumbent, bound, True) <= opts.mip_rel_gap:
        return incumbent, bound, x, "LP bound by site generation", "optimal"
    k = rows.k
    gk = np.sort(np.maximum(g, 0.0))[::-1][k - 1] if k <= len(g) else 0.0
    forced_in = bound - gk + np.maximum(g, 0.0)
    tol = 1e-9 * max(abs(incumbent), 1.0)
    keep = np.flatnonzero((forced_in >= incumbent - tol) | (x > 0.5))
    log.debug(
        "heuristic %.2f s: incumbent %.6g, %d sites left",
        time.perf_counter() - t0,
        incumbent,
        len(keep),
    )
    left = None if limit is None else max(deadline - time.perf_counter(), 1.0)
    out = _colgen_milp(rows, keep, opts, x, left)
    if out.values is not None and out.objective > incumbent:
        x = (out.values > 0.5).astype(float)
        incumbent = rows.value(x)
    if np.isfinite(out.bound):
        bound = min(bound, max(out.bound, incumbent))
    text = f"{out.solver_status} (MILP on {len(keep)} of {rows.n} sites after fixing)"
    return incumbent, bound, x, text, out.status
