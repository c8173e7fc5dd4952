"""Backup ("cross") coverage: demand within the threshold of at least two open sites.

Built on the covering data, oracle and solver paths of `coverage.siting.covering`; notation as
there.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from coverage.scenario.defaults import setting
from coverage.siting.base import Solution
from coverage.siting.covering import _CoveringModel
from coverage.siting.problem import _is_number, _Problem

__all__ = ["BackupCoverage"]


class BackupCoverage(_CoveringModel):
    """Backup ("cross") coverage.

    Open ``k`` new sites to maximise the demand weight within the threshold of at least two open
    sites.

    Weighted form: maximise ``Σ w_i·[covered twice] + primary_weight·Σ w_i·[covered]``. The
    default ``primary_weight=0`` is pure backup coverage; a small value breaks ties towards plans
    that also cover more demand once, a value >= 1 makes single coverage count as much.

    Formulation (y2_i: demand i covered twice; y1_i: covered, only with ``primary_weight``
    α > 0; s_i = e_i + Σ_{j ∈ N_i} x_j the number of open sites reaching i)::

        max   Σ_i w_i y2_i + α Σ_i w_i y1_i
        s.t.  y1_i + y2_i <= Σ_{j ∈ N_i} x_j,  y2_i <= y1_i   for i with e_i = 0, α > 0
              y1_i <= Σ_{j ∈ N_i} x_j                         for i with e_i = 0 (no y2 row)
              2 y2_i <= Σ_{j ∈ N_i} x_j                       for i with e_i = 0, α = 0
              y2_i <= Σ_{j ∈ N_i} x_j                         for i with e_i = 1
              Σ_j x_j <= k
              x_j ∈ {0, 1},  y2_i ∈ {0, 1},  y1_i ∈ [0, 1]

    (y2_i exists only when e_i + |N_i| >= 2, as otherwise i cannot be covered twice.) The
    textbook rows are y1_i <= s_i and 2 y2_i <= s_i; these are stronger and still valid:

    * Validity: any 0/1 plan with y1_i = [s_i >= 1], y2_i = [s_i >= 2] satisfies them, since
      y1_i + y2_i = min(s_i, 2) <= s_i (with e_i = 0, s_i = Σx), covered twice implies covered
      once (y2_i <= y1_i), and for e_i = 1 covered twice needs a new site (y2_i <= s_i - 1 =
      Σx). Conversely at integral x each row admits only y1_i <= [s_i >= 1], y2_i <= [s_i >= 2]
      (y1_i + y2_i <= s_i with y2_i <= y1_i <= 1 forces y2_i = 0 at s_i = 1), so the MILP
      optimum is unchanged.
    * Strength: they imply the textbook rows (2 y2_i <= y1_i + y2_i <= Σx; y2_i <= Σx gives
      2 y2_i <= 1 + Σx when y2_i <= 1) and are the convex hull of {(s, y1, y2): y1 <= [s >= 1],
      y2 <= [s >= 2]} for each demand point. Two half-open sites no longer "cover twice and
      once" (1.5 in the LP, 1 now). With α = 0, y1 would carry no weight and projecting it out
      gives back 2 y2_i <= Σx, which is kept.

    Identical demand rows (same N_i and e_i) are merged, weights summed, before the model is
    built (``aggregate``).

    Parameters
    ----------
    problem
        The sites, demand and times (build with :meth:`from_cost_matrix`).
    name
        Label for reports.
    k
        Number of new sites.
    a
        Weight of demand covered at least once (``primary_weight``).
    b
        Weight of demand covered at least twice (1 from :meth:`from_cost_matrix`).
    """

    model_name = "backup"

    @classmethod
    def from_cost_matrix(
        cls,
        cost: Any,
        weights: Any,
        k: int,
        *,
        threshold: float | None = None,
        existing: Any = None,
        excluded: Any = None,
        primary_weight: float = 0.0,
        name: str = "backup",
    ) -> BackupCoverage:
        """Build the model.

        Parameters
        ----------
        cost
            Candidate × demand walking times in minutes (scipy sparse; a stored entry, explicit
            0.0 included, is reachable). A dense array counts every finite value as stored.
        weights
            Demand weights (workers, residents), one per demand point, non-negative.
        k
            New sites to open (existing sites do not count).
        threshold
            Minutes within which a site covers a demand point (default
            :data:`coverage.settings.threshold_min`).
        existing
            Candidate rows (or boolean mask) already built: always open, not counted in ``k``.
        excluded
            Candidate rows (or boolean mask) that may not be chosen.
        primary_weight
            Weight of the demand covered at least once in the objective (0: pure backup
            coverage).
        name
            Label for reports.

        Returns
        -------
        BackupCoverage
            The unsolved model.
        """
        threshold = setting("threshold_min") if threshold is None else threshold
        if not (_is_number(primary_weight) and primary_weight >= 0):
            raise ValueError(f"primary_weight must be a number >= 0, not {primary_weight!r}")
        prob = _Problem.build(cost, weights, threshold, existing, excluded, None)
        return cls(prob, name, k, primary_weight, 1.0)

    def _set_coverage(self, sol: Solution) -> None:
        super()._set_coverage(sol)
        total = self.problem.total_weight
        self.backup_covered_share = self.backup_covered_weight / total if total > 0 else np.nan

    def summary(self) -> dict[str, Any]:
        """The base summary plus the backup-covered weight and share."""
        out = super().summary()
        out["backup_covered_weight"] = self.backup_covered_weight
        out["backup_covered_share"] = self.backup_covered_share
        return out
