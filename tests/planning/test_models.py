"""The model registry: each name builds its siting class, and says what it needs."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from coverage import planning, siting
from coverage.planning.models import MODELS, ModelInputs, build_model

# Site 0 reaches demand 0 (1 worker) in 5 min, site 1 demand 1 (3 workers) in 5 min.
COST = sparse.csr_matrix((np.array([5.0, 5.0]), np.array([0, 1]), np.array([0, 1, 2])), (2, 2))
NONE = np.zeros(0, dtype=np.int64)


def _inputs(**kw) -> ModelInputs:
    base = {"times": COST, "weights": np.array([1.0, 3.0]), "existing": NONE, "excluded": NONE,
            "threshold_min": 10.0, "limit": 10.0}  # fmt: skip
    return ModelInputs(**{**base, **kw})


def test_the_command_line_models_are_the_registry():
    assert planning.PLAN_MODELS == tuple(MODELS) == ("mclp", "lscp", "backup", "pmedian")
    classes = {n: m.siting_class for n, m in MODELS.items()}
    assert classes == {"mclp": siting.MCLP, "lscp": siting.LSCP,
                       "backup": siting.BackupCoverage, "pmedian": siting.PMedian}  # fmt: skip


@pytest.mark.parametrize("name", ["mclp", "backup", "pmedian"])
def test_one_site_models_open_the_heavier_demand(name):
    m = build_model(name, _inputs(k=1))
    assert isinstance(m, MODELS[name].siting_class)
    assert m.solve("milp").selected.tolist() == [1]  # 3 workers beat 1
    # One spelling: what the plan's summary says is what the command line and [plan] take.
    assert m.summary()["model"] == name


def test_lscp_opens_the_fewest_sites_for_the_target():
    # 75 % of 4 workers is site 1 alone; 100 % needs both.
    assert build_model("lscp", _inputs(target=0.75)).solve().selected.tolist() == [1]
    assert sorted(build_model("lscp", _inputs(target=1.0)).solve().selected.tolist()) == [0, 1]


def test_missing_settings_and_unknown_models():
    with pytest.raises(ValueError, match=r"LSCP needs a target share"):
        build_model("lscp", _inputs(k=2))
    with pytest.raises(ValueError, match=r"pmedian needs a number of new sites \(k\)"):
        build_model("pmedian", _inputs(target=0.9))
    with pytest.raises(
        ValueError, match=r"unknown model 'median'; use mclp, lscp, backup, pmedian"
    ):
        build_model("median", _inputs(k=1))


@pytest.mark.parametrize("k", ["2", 2.5, -1, True])
def test_a_number_of_sites_that_is_not_one_is_named(k):
    with pytest.raises(ValueError, match=rf"k must be a whole number of sites >= 0, not {k!r}"):
        build_model("mclp", _inputs(k=k))


def test_a_whole_float_is_that_many_sites_as_the_siting_models_take_it():
    assert build_model("mclp", _inputs(k=2.0)).k == build_model("mclp", _inputs(k=2)).k == 2


def test_each_model_names_its_own_gain_column():
    plain, capped = _inputs(k=1), _inputs(k=1, capacity=np.array([1.0, 1.0]))
    assert [MODELS[n].own_gain(plain) for n in MODELS] == [None, None, "objective_gain",
                                                          "time_saved"]  # fmt: skip
    assert MODELS["mclp"].own_gain(capped) == "objective_gain"
    assert MODELS["mclp"].own_gain(_inputs(k=1, backup_weight=0.01)) == "objective_gain"
    assert MODELS["pmedian"].own_gain(capped) == "time_saved"
