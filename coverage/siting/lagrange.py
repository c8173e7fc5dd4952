"""p-median at full size: a Lagrangian lower bound and a swap local search for the plan.

The assignment MILP of the p-median (`coverage.siting.median_milp`) has a column per demand-site
pair (1.5 M on the Wuhan sample), too many for HiGHS's root LP. Relaxing the assignment rows
Σ_j z_ij + s_i = 1 with multipliers λ_i = w_i u_i (Beasley 1993; Daskin 2013, ch. 6) leaves a
problem solved by sorting: for any u, with f_i the fallback time of demand i (nearest existing
site or penalty) and t_ij < f_i the pairs of the model::

    L(u) = const + Σ_i w_i min(u_i, f_i) - top-p_j (σ_j),   σ_j = Σ_i w_i (min(u_i, f_i) - t_ij)⁺

is at most the cost of every plan of p sites (each plan pays at least w_i·min(u_i, f_i) - the
savings its sites offer). The bound is computed from u alone, so it is proven whatever the
subgradient's accuracy; its best value equals the LP relaxation's, which is usually within a
fraction of a per cent of the optimum for the p-median. Must-serve demand (f_i = inf) is given
a finite time M so large that any plan serving it is cheaper (`median_milp._big_missing`): the
relaxed problem then allows more plans, so its bound still holds.

The same L with one site forced in or out shows which sites no plan better than the incumbent
can use, or must use (Lagrangian reduced-cost fixing).

The plans come from the subgradient's own top-p sets and from a vertex-substitution local search
(Teitz & Bart 1968, with Whitaker's gain/loss bookkeeping as in Resende & Werneck 2004): for each
open site r the loss of closing it, for each closed site j the gain of opening it, and the
interaction of each (r, j) pair from the demand whose nearest open site is r.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from coverage.siting._sparse import CSR, Floats, Ints, _row_ids

__all__: list[str] = []

#: Subgradient steps without a better bound before the step factor θ is halved.
_STALL = 50
#: Share of the previous direction added to the subgradient.
_DEFLECT = 0.5


@dataclass
class _Pairs:
    """p-median pairs (demand row, site, time) with weights and finite fallback times."""

    rows: Ints
    cols: Ints
    t: Floats
    w: Floats
    f: Floats  # finite: must-serve demand has a big time here
    n: int  # sites
    p: int
    const: float

    @classmethod
    def from_csr(cls, pairs: CSR, w: Floats, f: Floats, p: int, const: float) -> _Pairs:
        return cls(
            _row_ids(pairs), pairs.indices.astype(np.int64), pairs.data.astype(np.float64),
            w.astype(np.float64), f.astype(np.float64), int(pairs.shape[1]), p, const,
        )  # fmt: skip

    def value(self, sites: Ints) -> float:
        """Cost of the plan ``sites``: each demand row at its nearest open site or fallback."""
        d = self.nearest(sites)[0]
        return self.const + float(self.w @ d)

    def nearest(self, sites: Ints) -> tuple[Floats, Ints]:
        """Time of each row to its nearest open site (or its fallback, site -1), and the site."""
        open_ = np.zeros(self.n, dtype=bool)
        open_[sites] = True
        sel = open_[self.cols]
        d = self.f.copy()
        site = np.full(len(self.f), -1, dtype=np.int64)
        r, c, t = self.rows[sel], self.cols[sel], self.t[sel]
        order = np.lexsort((t, r))  # by row, then time: the first pair of each row is nearest
        r, c, t = r[order], c[order], t[order]
        first = np.ones(len(r), dtype=bool)
        first[1:] = r[1:] != r[:-1]
        better = t[first] < d[r[first]]
        rows = r[first][better]
        d[rows] = t[first][better]
        site[rows] = c[first][better]
        return d, site


# --- the bound -----------------------------------------------------------------------------------


def _savings(pr: _Pairs, u: Floats) -> Floats:
    """σ_j = Σ_i w_i (u_i - t_ij)⁺ for u already clipped to f."""
    vals = pr.w[pr.rows] * np.maximum(u[pr.rows] - pr.t, 0.0)
    return np.asarray(np.bincount(pr.cols, weights=vals, minlength=pr.n), dtype=np.float64)


def _top_sites(sigma: Floats, p: int) -> Ints:
    """The ``p`` sites with the largest savings (all of them if fewer)."""
    if p >= len(sigma):
        return np.arange(len(sigma))
    return np.argpartition(-sigma, p - 1)[:p]


def _bound(pr: _Pairs, u: Floats) -> tuple[float, Floats, Ints]:
    """L(u) (u clipped into [0, f]), the savings σ and the top-p sites."""
    u = np.clip(u, 0.0, pr.f)
    sigma = _savings(pr, u)
    top = _top_sites(sigma, pr.p)
    return pr.const + float(pr.w @ u) - float(sigma[top].sum()), sigma, top


def _subgradient(pr: _Pairs, u: Floats, top: Ints) -> Floats:
    """A subgradient of L in λ = w·u: 1 (if u_i < f_i) minus the open sites cheaper than u_i."""
    open_ = np.zeros(pr.n, dtype=bool)
    open_[top] = True
    sel = open_[pr.cols] & (pr.t < u[pr.rows])
    count = np.bincount(pr.rows[sel], minlength=len(u)).astype(np.float64)
    return (u < pr.f).astype(np.float64) - count


@dataclass
class _Lagrangian:
    """Result of the subgradient: best bound, its multipliers and savings, best plan."""

    bound: float
    u: Floats
    sigma: Floats
    best: float
    plan: Ints
    iterations: int


def _lagrangian(
    pr: _Pairs,
    plan: Ints,
    u0: Floats,
    rel_gap: float,
    deadline: float,
    max_iter: int = 3000,
    theta: float = 2.0,
) -> _Lagrangian:
    """Maximise L by subgradient steps (Polyak's step to the incumbent, θ halved on stalls).

    Every top-p set is a plan: the cheapest is kept as the incumbent.
    """
    best = pr.value(plan)
    u = np.clip(u0, 0.0, pr.f)
    lb, sigma, top = _bound(pr, u)
    out = _Lagrangian(lb, u.copy(), sigma, best, np.asarray(plan, np.int64), 0)
    stall, it = 0, 0
    direction: Floats | None = None
    while it < max_iter and theta > 1e-4 and time.perf_counter() < deadline:
        it += 1
        g = _subgradient(pr, u, top)
        if not g.any():  # the top-p set serves every row once: L is the LP optimum here
            break
        # Deflected direction (Camerini, Fratta & Maffioli 1975): damps the zig-zag.
        g = g + _DEFLECT * direction if direction is not None else g
        direction = g
        norm = float(g @ g)
        if norm == 0.0:
            break
        step = theta * max(out.best - lb, 1e-9 * abs(out.best)) / norm
        u = np.clip(u + step * g / pr.w, 0.0, pr.f)
        lb, sigma, top = _bound(pr, u)
        if it % 5 == 0:
            value = pr.value(top)
            if value < out.best:
                out.best, out.plan = value, np.sort(top)
        if it % 250 == 0:  # the swap search from the relaxation's plan now and then
            plan, value = _local_search(pr, top, deadline)
            if value < out.best:
                out.best, out.plan = value, plan
        if lb > out.bound + 1e-9 * abs(out.bound):
            out.bound, out.u, out.sigma, stall = lb, u.copy(), sigma, 0
        else:
            stall += 1
            if stall >= _STALL:
                theta, stall = theta / 2, 0
        if _rel(out.best, out.bound) <= rel_gap:
            break
    out.iterations = it
    return out


def _rel(ub: float, lb: float) -> float:
    if ub <= lb:
        return 0.0
    return (ub - lb) / abs(ub) if ub != 0 else np.inf


def _fixing(lag: _Lagrangian, p: int, incumbent: float) -> tuple[Ints, Ints]:
    """Sites every better plan must use (forced in) and sites none can use (forced out).

    Forcing site j in replaces the p-th largest saving by σ_j; forcing a top site out brings
    in the (p+1)-th. A plan better than ``incumbent`` cannot do what raises L above it.
    """
    sigma = lag.sigma
    n = len(sigma)
    if p >= n:
        return np.arange(n), np.zeros(0, np.int64)
    order = np.argsort(-sigma, kind="stable")
    top, pth, next_ = order[:p], sigma[order[p - 1]], sigma[order[p]]
    tol = 1e-9 * max(abs(incumbent), 1.0)
    in_top = np.zeros(n, dtype=bool)
    in_top[top] = True
    out_bound = lag.bound + pth - sigma  # j forced in (j outside the top)
    in_bound = lag.bound + sigma - next_  # j forced out (j in the top)
    useless = np.flatnonzero(~in_top & (out_bound > incumbent + tol))
    needed = np.flatnonzero(in_top & (in_bound > incumbent + tol))
    return needed, useless


# --- local search ------------------------------------------------------------------------------


def _two_nearest(pr: _Pairs, sites: Ints) -> tuple[Floats, Ints, Floats]:
    """Nearest open site of each row (-1: fallback), its time, and the second-nearest time.

    The fallback counts as an open site that never closes.
    """
    d1, s1 = pr.nearest(sites)
    open_ = np.zeros(pr.n, dtype=bool)
    open_[sites] = True
    sel = open_[pr.cols] & (pr.cols != s1[pr.rows])
    d2 = np.where(s1 >= 0, pr.f, np.inf)  # second: the fallback if a site is nearest
    np.minimum.at(d2, pr.rows[sel], pr.t[sel])
    return d1, s1, d2


def _best_swap(pr: _Pairs, sites: Ints) -> tuple[float, int, int]:
    """The best single swap (saving, site out, site in) of the plan ``sites``.

    saving(r → j) = gain_j - loss_r + extra_rj, with gain_j what opening j saves, loss_r what
    closing r costs, and extra_rj the part of both counted twice (rows nearest r that j serves
    better than their second-nearest site).
    """
    d1, s1, d2 = _two_nearest(pr, sites)
    pos = np.full(pr.n, -1, dtype=np.int64)
    pos[sites] = np.arange(len(sites))
    d2c = np.minimum(d2, pr.f)
    served = s1 >= 0
    loss = np.bincount(
        pos[s1[served]], weights=pr.w[served] * (d2c[served] - d1[served]), minlength=len(sites)
    )
    wr, tr = pr.w[pr.rows], pr.t
    gain = np.bincount(pr.cols, weights=wr * np.maximum(d1[pr.rows] - tr, 0.0), minlength=pr.n)
    s1r = s1[pr.rows]
    sel = (s1r >= 0) & (tr < d2c[pr.rows]) & (pos[pr.cols] < 0)
    rr = pr.rows[sel]
    extra_v = wr[sel] * (d2c[rr] - np.maximum(tr[sel], d1[rr]))
    extra = np.bincount(
        pos[s1[rr]] * pr.n + pr.cols[sel], weights=extra_v, minlength=len(sites) * pr.n
    ).reshape(len(sites), pr.n)
    saving = gain[None, :] - loss[:, None] + extra
    saving[:, sites] = -np.inf  # open sites cannot come in
    r, j = np.unravel_index(int(np.argmax(saving)), saving.shape)
    return float(saving[r, j]), int(sites[r]), int(j)


def _local_search(pr: _Pairs, sites: Ints, deadline: float) -> tuple[Ints, float]:
    """Best-improvement swaps until none saves anything (or ``deadline``)."""
    sites = np.sort(np.asarray(sites, np.int64))
    value = pr.value(sites)
    if len(sites) == 0 or len(sites) >= pr.n:
        return sites, value
    tol = 1e-9 * max(abs(value), 1.0)
    while time.perf_counter() < deadline:
        saving, out, into = _best_swap(pr, sites)
        if saving <= tol:
            break
        new = np.sort(np.append(sites[sites != out], into))
        new_value = pr.value(new)
        if new_value >= value - tol:  # bookkeeping and truth disagree in rounding: stop
            break
        sites, value = new, new_value
    return sites, value


# --- the solver path -----------------------------------------------------------------------------


def _without(pr: _Pairs, sites: Ints) -> _Pairs:
    """The pairs of every site but ``sites`` (site numbers unchanged)."""
    drop = np.zeros(pr.n, dtype=bool)
    drop[sites] = True
    keep = ~drop[pr.cols]
    return _Pairs(pr.rows[keep], pr.cols[keep], pr.t[keep], pr.w, pr.f, pr.n, pr.p, pr.const)


def _median_lagrangian(
    pr: _Pairs, start: Ints, rel_gap: float, time_limit: float | None, t0: float
) -> tuple[float, float, Ints, Ints, str]:
    """Swap search from ``start``, then rounds of Lagrangian bound and fixing.

    Each round drops the pairs of the sites no plan better than the incumbent can use, so the
    next round's steps are cheaper; its bound, capped at the incumbent, holds for the whole
    model. Stops at ``rel_gap``, at the limit, or when a round fixes nothing new.

    Returns (incumbent, bound, plan, sites no better plan can use, text).
    """
    deadline = t0 + (time_limit if time_limit is not None else np.inf)
    plan, value = _local_search(pr, start, deadline)
    u, _ = pr.nearest(plan)
    bound, steps, rounds, theta = -np.inf, 0, 0, 2.0
    useless = np.zeros(0, np.int64)
    cur = pr
    while True:
        rounds += 1
        lag = _lagrangian(cur, plan, u, rel_gap, deadline, theta=theta)
        steps += lag.iterations
        bound = max(bound, min(lag.bound, value))
        u, theta = lag.u, 0.5
        if lag.best < value:
            plan, value = _local_search(pr, lag.plan, deadline)
        _, fixed = _fixing(lag, pr.p, value)  # σ and L of the same u: not the capped bound
        new = np.setdiff1d(fixed, useless)
        if _rel(value, bound) <= rel_gap or time.perf_counter() >= deadline or len(new) == 0:
            break
        useless = np.union1d(useless, new)
        cur = _without(pr, useless)
    text = f"Lagrangian bound ({steps} subgradient steps, fixing rounds: {rounds}), swap search"
    return value, bound, plan, useless, text
