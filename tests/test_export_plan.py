"""The plan's outputs: stage table words and formats, the workbook's situation after the plan."""

from __future__ import annotations

from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
import shapely
from scipy import sparse

from coverage import excel, export, planning

#: Site × demand minutes: E (built) reaches d0; A d0, d1; B d2, d3; C d1, d2, d3.
TIMES = {0: {0: 4.0}, 1: {0: 1.0, 1: 8.0}, 2: {2: 1.0, 3: 1.0}, 3: {1: 2.0, 2: 9.0, 3: 9.0}}
WEIGHTS = np.array([10.0, 20.0, 30.0, 40.0])


def _case():
    r = [i for i, row in TIMES.items() for _ in row]
    c = [j for row in TIMES.values() for j in row]
    t = [v for row in TIMES.values() for v in row.values()]
    sites = gpd.GeoDataFrame(
        {"name": ["E", "A", "B", "C"], "role": ["existing", "candidate", "candidate", "candidate"]},
        geometry=shapely.points([[0, 0], [1, 0], [2, 0], [3, 0]]),
        crs=4326,
    )
    return sparse.csr_matrix((t, (r, c)), shape=(4, 4)), sites


def _stage_sheet(tmp_path, plan, lang):
    """The stage row as plan_summary.csv (labels) and the plan workbook's stage sheet show it."""
    stages = pd.DataFrame([plan.summary()])
    s = SimpleNamespace(output=SimpleNamespace(columns="labels"), lang=lang)
    csv = export._table(stages, s)
    book = excel.write_workbook(
        tmp_path / f"{lang}.xlsx", {"plan_stages": export._for_people(stages)}, lang=lang
    )
    ws = openpyxl.load_workbook(book).worksheets[0]
    cells = {c.value: ws.cell(2, c.column) for c in ws[1]}
    return csv, cells


def test_set_covering_stage_columns_are_worded_shares(tmp_path):
    # Target 87.6543 %: C alone covers d1-d3 (90 of 100 with E's d0 = 100 %), the largest share.
    cost, sites = _case()
    plan = planning.propose(cost, WEIGHTS, sites, model="lscp", target=0.876543, threshold_min=10.0)
    assert plan.proposed["name"].tolist() == ["C"]
    for lang, target, best in [
        ("zh", "目标覆盖率", "最大可达覆盖率"),
        ("en", "Target coverage", "Largest reachable coverage"),
    ]:
        csv, cells = _stage_sheet(tmp_path, plan, lang)
        assert {target, best} <= set(csv.columns)
        assert not {"target", "target_share", "max_share"} & set(csv.columns)
        assert csv.loc[0, target] == 0.8765 and csv.loc[0, best] == 1.0  # as other shares
        assert cells[target].value == pytest.approx(0.876543)
        assert cells[target].number_format == cells[best].number_format == "0.0%"


def test_pmedian_stage_columns_are_worded_minutes(tmp_path):
    # One site: B. d0 walks 4 min to E, d2 and d3 1 min to B; d1 reaches no open site and is left
    # unserved (the penalty, twice the 10-minute threshold, is 20): (40 + 30 + 40) / 80 min.
    cost, sites = _case()
    plan = planning.propose(cost, WEIGHTS, sites, model="pmedian", k=1, threshold_min=10.0)
    assert plan.proposed["name"].tolist() == ["B"]
    for lang, mean, penalty in [
        ("zh", "平均步行时间（分钟）", "超过此步行时间不分配（分钟）"),
        ("en", "Mean walking time (min)", "Not assigned beyond (min)"),
    ]:
        csv, cells = _stage_sheet(tmp_path, plan, lang)
        assert not {"mean_time_min", "unreachable_penalty"} & set(csv.columns)
        assert csv.loc[0, mean] == 1.4 and csv.loc[0, penalty] == 20.0  # 110 / 80 = 1.375
        assert cells[mean].value == pytest.approx(1.375)
        assert cells[mean].number_format == cells[penalty].number_format == "0.0"
