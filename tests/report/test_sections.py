"""coverage.report.sections: the tables of the report, checked against figures worked out by
hand from a summary table."""

from __future__ import annotations

import dataclasses
import html
import re

import pytest

from coverage.report.sections import tier_table


@pytest.mark.realdata
def test_the_tier_tables_people_left_out_are_the_total_less_the_covered_as_shown(planned):
    # A tier covering 499.6 of 1,000.4 people: the tables and the console show 1,000 people
    # and 500 covered, so 500 are left out (rounded on its own, 500.8 read 501).
    run = planned.before
    summary = run.coverage.summary.copy()
    rows = summary["scope"].isin(["overall", "tier"])
    summary.loc[rows, "weight"] = 1000.4
    summary.loc[summary["scope"] == "overall", "covered_weight"] = 900.0
    summary.loc[summary["scope"] == "tier", "covered_weight"] = 499.6
    cov = dataclasses.replace(run.coverage, summary=summary)
    page = html.unescape(tier_table(dataclasses.replace(run, coverage=cov), "zh"))
    left = re.findall(r'data-label="未覆盖人数" class="n">([\d,]+)<', page)
    n_tiers = int((summary["scope"] == "tier").sum())
    assert left[:n_tiers] == ["500"] * n_tiers
