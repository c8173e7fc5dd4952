"""SCIP as a siting peer: its own venv (pyscipopt), the model as an MPS file, a subprocess.

SCIP is the strongest open-source MILP solver with Python wheels (pyscipopt bundles SCIP);
it is not a dependency of ``coverage``, so this module makes ``benchmarks/.venv-scip`` with the
running Python (``python -m venv`` + ``pip install pyscipopt``) on first use, writes the compact
maximal-covering MILP with highspy (max Σ w_i z_i, z_i <= Σ_{j ∈ N_i} x_j, Σ x_j = k, x binary,
0 <= z <= 1) and solves it in the venv with a time limit and a relative gap. Every step that
fails raises :class:`Unavailable` with the reason.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import highspy
import numpy as np
from scipy import sparse

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv-scip"

# Runs inside the venv: read the MPS, solve, print one JSON line (objective negated back).
_SOLVE = """
import json, sys, time
from pyscipopt import Model
m = Model()
m.hideOutput()
m.readProblem(sys.argv[1])
m.setParam("limits/time", float(sys.argv[2]))
m.setParam("limits/gap", float(sys.argv[3]))
t = time.perf_counter()
m.optimize()
wall = time.perf_counter() - t
has = m.getNSols() > 0
print(json.dumps({"status": m.getStatus(), "objective": -m.getObjVal() if has else None,
                  "bound": -m.getDualbound(), "nodes": m.getNNodes(), "solve_s": wall,
                  "version": str(m.version())}))
"""


class Unavailable(RuntimeError):
    """SCIP cannot be used here (the message says why)."""


def venv_python() -> Path:
    """The venv's Python with pyscipopt installed (made on first use)."""
    py = VENV / "bin" / "python"
    ok = py.exists() and subprocess.run([str(py), "-c", "import pyscipopt"]).returncode == 0
    if ok:
        return py
    made = subprocess.run([sys.executable, "-m", "venv", str(VENV)], capture_output=True, text=True)
    if made.returncode != 0:
        raise Unavailable("python -m venv failed: " + made.stderr.strip()[-300:])
    pip = subprocess.run([str(py), "-m", "pip", "install", "-q", "pyscipopt"],
                         capture_output=True, text=True)  # fmt: skip
    if pip.returncode != 0:
        raise Unavailable("pip install pyscipopt failed: " + pip.stderr.strip()[-300:])
    return py


def write_mclp(path: Path, reach: sparse.csr_matrix, w: np.ndarray, k: int) -> None:
    """The compact MCLP of ``reach`` (demand × sites, any stored entry = within reach) as MPS."""
    reach = reach.tocsr()
    m, n = reach.shape
    a = sparse.vstack([
        sparse.hstack([-(reach > 0).astype(np.float64), sparse.eye(m)]),
        sparse.hstack([np.ones((1, n)), sparse.csr_matrix((1, m))]),
    ]).tocsc()  # fmt: skip
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n + m, m + 1
    lp.col_cost_ = np.concatenate([np.zeros(n), -np.asarray(w, dtype=np.float64)])
    lp.col_lower_, lp.col_upper_ = np.zeros(n + m), np.ones(n + m)
    lp.row_lower_ = np.concatenate([np.full(m, -highspy.kHighsInf), [float(k)]])
    lp.row_upper_ = np.concatenate([np.zeros(m), [float(k)]])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_ = a.indptr, a.indices
    lp.a_matrix_.value_ = a.data
    kinds = highspy.HighsVarType
    lp.integrality_ = [kinds.kInteger] * n + [kinds.kContinuous] * m
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.passModel(lp)
    h.writeModel(str(path))


def solve(path: Path, time_limit: float, rel_gap: float) -> dict[str, Any]:
    """SCIP's result on the MPS at ``path``: status, objective, bound, nodes, solve_s, version."""
    py = venv_python()
    out = subprocess.run([str(py), "-c", _SOLVE, str(path), str(time_limit), str(rel_gap)],
                         capture_output=True, text=True)  # fmt: skip
    if out.returncode != 0:
        raise Unavailable("SCIP failed: " + out.stderr.strip()[-300:])
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result
