"""Location models for new service sites: covering, set covering, backup, p-median.

Maximal covering, set covering, backup coverage and p-median, solved exactly with HiGHS or by lazy
greedy.

Every model starts from a sparse candidate × demand matrix of walking times in minutes. A *stored*
entry means the pair is within reach; an explicit ``0.0`` is a site on top of its demand point and
counts as reachable. The code therefore works on the sparsity structure (``indices``/``indptr``)
and never on ``value > 0``, and builds its own matrices from arrays so no scipy operation can drop
an explicit zero.

The models are small classes in the style of spopt::

    model = MCLP.from_cost_matrix(cost, weights, k=10, existing=built)
    model.solve(time_limit=60)        # exact (HiGHS), warm-started from the greedy solution
    model.selected, model.covered_share, model.gap

``solve(method="greedy")`` runs lazy greedy (CELF) instead and reports a bound from
submodularity, so a greedy result carries an honest gap too.

Before solving, demand points that behave identically in a model (same covering sites and, for
p-median, the same times) are merged with summed weight. Street networks have many such points
(a block of buildings reached by the same sites), so merging shrinks models a lot without changing
the optimum. Results are always reported on the original demand points.

Large covering models (a million demand-site pairs on a district's street network) are solved by
site generation (`colgen`): the LP over a few hundred generated sites, priced by the duals of the
demand rows and kept in one HiGHS instance (`cover_lp`; for MCLP its dual, one row per site,
`cover_dual`), bounds the optimum; a best-first
branch-and-bound on sites and groups of similar sites (`groups`) over that LP (`branch`), with
reduced-cost fixing at every node and
plans from rounding and swaps, proves the gap. Large p-median models (with an unreachable penalty, or existing
sites for every demand point) get a Lagrangian bound of the assignment rows by subgradient
steps and a swap search for the plan (`lagrange`); the gap they prove is reported as is.

Modules: `base` (the shared model class and its solution), `covering` (MCLP), `backup` (backup coverage),
`set_covering` (LSCP), `median` (p-median; its data and exact solvers in `median_milp`), `capacity` (capacitated assignment), `curve`
(diminishing returns), and the building blocks `problem` (inputs, demand aggregation, dominated
sites), `greedy` (lazy greedy), `highs` (the HiGHS runner), `colgen` (site generation), `cover_lp`
(its LP and Lagrangian bound), `cover_dual` (the MCLP's LP in dual form), `branch` (its branch-and-bound), `groups` (the
groups of sites it branches on),
`lagrange` (the p-median's Lagrangian bound) and `_sparse`. Each model's class docstring states its formulation.
"""

from coverage.siting.backup import BackupCoverage
from coverage.siting.base import SitingModel, Solution
from coverage.siting.covering import MCLP
from coverage.siting.curve import coverage_curve
from coverage.siting.median import PMedian
from coverage.siting.set_covering import LSCP

__all__ = ["LSCP", "MCLP", "BackupCoverage", "PMedian", "SitingModel", "Solution", "coverage_curve"]
