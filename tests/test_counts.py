"""coverage.counts: whole people that add up (numbers chosen and worked out by hand)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coverage.counts import (
    nested_parts,
    off_the_ends,
    shown_counts,
    shown_share,
    whole_parts,
    whole_point_people,
    whole_table,
    with_shown_people,
)
from coverage.report.conclusion import conclusion_lines


@pytest.mark.parametrize(
    ("parts", "total", "expected"),
    [
        ([1.4, 2.4, 3.2], 7, [2, 2, 3]),  # one more to the largest fraction (tie: the earlier)
        ([2.75, 3.5], 6, [3, 3]),  # rounded one by one: 3 + 4 = 7, not the 6 shown
        ([0.5, 0.5], 1, [1, 0]),
        ([2.25, 3.75], 4, [1, 3]),  # below the rounded-down sum 5: the smallest fraction gives
        ([3.0, 4.0], 7, [3, 4]),
        ([], 0, []),
    ],
)
def test_whole_parts_sum_to_the_total(parts, total, expected):
    assert whole_parts(parts, total).tolist() == expected


def test_whole_table_adds_up_along_rows_and_columns():
    # Rows (demand kinds) 4 and 9, columns (sub-districts) 5, 3 and 5 people. Rounded alone the
    # cells read 1+3+0 = 4 (2.5 up) and 4+1+5 = 10 (0.5 up too), and the middle column 4, not 3.
    # Floors 1 2 0 / 3 0 4: the rows want 1 and 2 more, the columns 1 each; the cheapest cells
    # to raise are the 0.75s of the second row and a 0.5 of the first one's.
    cells = [[1.25, 2.5, 0.25], [3.75, 0.5, 4.75]]
    got = whole_table(cells, [4, 9], [5, 3, 5])
    assert got.tolist() == [[1, 3, 0], [4, 0, 5]]
    # Totals no table of floors and ceilings meets: the rows add up, the columns cannot.
    assert whole_table([[0.5, 0.0], [0.0, 0.5]], [1, 0], [0, 1]).tolist() == [[1, 0], [0, 0]]
    assert whole_table([[3.0, 0.0]], [3], [3, 0]).tolist() == [[3, 0]]


def test_whole_point_people_add_up_in_every_group_shown():
    # Four points of 1.5 people, none covered: kinds a a b b, sub-districts X Y X Y; each kind
    # and each sub-district shows 3. Pooled, the largest remainder gives 2 2 1 1: kind a 4 and
    # b 2. Within the groups every cell of 1.5 is 1 or 2, one of each per kind and district.
    shown = pd.DataFrame(
        {"covered": [0, 0, 0, 0], "uncovered": [3, 3, 3, 3]},
        index=pd.MultiIndex.from_tuples(
            [("kind", "a"), ("kind", "b"), ("subdistrict", "X"), ("subdistrict", "Y")]
        ),
    )
    groups = {"kind": ["a", "a", "b", "b"], "subdistrict": ["X", "Y", "X", "Y"]}
    got = whole_point_people([1.5] * 4, [False] * 4, shown, groups)
    assert sorted(got.tolist()) == [1, 1, 2, 2]
    assert got[:2].sum() == got[2:].sum() == 3  # per kind
    assert got[[0, 2]].sum() == got[[1, 3]].sum() == 3  # per sub-district
    # Figures that do not split these points (a key missing): covered and not only.
    pooled = whole_point_people([1.5] * 4, [False] * 4, shown, {"kind": list("aacc")})
    assert pooled.tolist() == [2, 2, 1, 1]


def _summary() -> pd.DataFrame:
    # Binary-exact fractions, so the sums below are exact. Sub-districts' not covered:
    # 10.625 + 20.625 + 30.75 = 62, but rounded one by one 11 + 21 + 31 = 63; their people
    # 30.25 + 30.375 + 39.375 = 100, rounded one by one 30 + 30 + 39 = 99.
    rows = [
        ("overall", "all", 100.0, 38.0, 0.38, 0.0),
        ("kind", "residents", 60.5, 20.5, 20.5 / 60.5, 0.0),
        ("kind", "workers", 39.5, 17.5, 17.5 / 39.5, 0.0),
        ("tier", "point", 100.0, 37.5, 0.375, 0.0),
        ("subdistrict", "A", 30.25, 19.625, 19.625 / 30.25, 0.0),
        ("subdistrict", "B", 30.375, 9.75, 9.75 / 30.375, 0.0),
        ("subdistrict", "C", 39.375, 8.625, 8.625 / 39.375, 0.0),
    ]
    cols = ["scope", "key", "weight", "covered_weight", "share", "unreachable_weight"]
    return pd.DataFrame(rows, columns=cols)


def test_shown_counts_add_up_to_the_shown_totals():
    n = shown_counts(_summary())[["weight", "covered", "uncovered"]]
    assert n.loc[("overall", "all")].tolist() == [100, 38, 62]
    # Covered to 38: 19 + 9 + 8 = 36 rounded down, one more to B (.75) then A (.625, before C).
    # Not covered to 62: 10 + 20 + 30 = 60, one more to C (.75) then A (.625, before B).
    assert n.loc["subdistrict"].to_dict("index") == {
        "A": {"weight": 31, "covered": 20, "uncovered": 11},
        "B": {"weight": 30, "covered": 10, "uncovered": 20},
        "C": {"weight": 39, "covered": 8, "uncovered": 31},
    }
    # Kinds: covered 20.5 + 17.5 to 38 → 21 + 17 (tie: the earlier); not covered 40 + 22.
    assert n.loc["kind"].to_dict("index") == {
        "residents": {"weight": 61, "covered": 21, "uncovered": 40},
        "workers": {"weight": 39, "covered": 17, "uncovered": 22},
    }
    # A tier counts everyone again: rounded on its own (37.5 → 38, half to even).
    assert n.loc[("tier", "point")].tolist() == [100, 38, 62]


def test_rows_that_do_not_split_everyone_add_up_to_their_own_sum():
    s = _summary()
    s = s[~((s["scope"] == "subdistrict") & (s["key"] == "C"))]  # A and B: 60.625 people
    n = shown_counts(s)[["weight", "covered", "uncovered"]]
    # Covered 19.625 + 9.75 = 29.375 → 29: 19 + 9 = 28, one more to B (.75).
    # Not covered 10.625 + 20.625 = 31.25 → 31: 10 + 20 = 30, one more to A (tie, earlier).
    assert n.loc["subdistrict"].to_dict("index") == {
        "A": {"weight": 30, "covered": 19, "uncovered": 11},
        "B": {"weight": 30, "covered": 10, "uncovered": 20},
    }


def test_conclusion_shows_the_counts_that_add_up():
    lines = conclusion_lines(_summary(), "en", snap_m=300)
    assert lines[0].startswith("Of 100 people, 38 (38.0%)") and "62 are not covered" in lines[0]
    assert lines[1] == "Residents (at home): 21 of 61 covered (33.9%); 40 not covered."
    # Weakest first (C 21.9%, B 32.1%, A 64.9%), with the table's whole people: B shows 20
    # (20.625 alone would round to 21, and the three would not add up to 62).
    assert (
        "C 21.9% (31 not covered), B 32.1% (20 not covered), A 64.9% (11 not covered)"
        in (lines[-1])
    )


@pytest.mark.parametrize(
    ("parts", "total", "most", "expected"),
    [
        # 39.4 and 0.3 (total 40): A's 0.4 would win the extra one, but A may have 39 at most.
        ([39.4, 0.3], 40, [39, 60], [39, 1]),
        ([2.5, 2.5, 0.4, 0.6], 6, [3, 3, 3, 3], [3, 2, 0, 1]),  # room everywhere: as uncapped
        ([1.9, 1.9], 4, [1, 5], [1, 3]),  # a part above its most is cut to it
        ([0.5, 0.5], 3, [1, 1], [1, 1]),  # every part full: the sum falls short
    ],
)
def test_whole_parts_at_most(parts, total, most, expected):
    assert whole_parts(parts, total, most=most).tolist() == expected


@pytest.mark.parametrize(
    ("share", "text"),
    [
        (0.9996, "99.9%"),  # 99.96 %: not everyone, so never "100.0%"
        (0.99951, "99.9%"),
        (0.9994, "99.9%"),
        (1.0, "100.0%"),
        (1.0000000000000002, "100.0%"),  # float noise of covered / total in a full cell
        (0.9999999999999999, "100.0%"),
        (0.0004, "0.1%"),  # someone is covered: never "0.0%"
        (0.0, "0.0%"),
        (0.92634, "92.6%"),
        (0.92651, "92.7%"),
        (float("nan"), "–"),
        (None, "–"),
    ],
)
def test_shown_share_never_reads_everyone_or_no_one_unless_it_is(share, text):
    assert shown_share(share) == text


def test_stored_shares_move_off_the_ends_only_when_they_are_not_there():
    shares = [0.99996, 0.99949, 0.9995, 1.0, 1.0000000000000002, 0.00004, 0.0, 0.5, np.nan]
    # at 4 decimals (the tables): only 0.99996 and 0.00004 would round to an end they are not
    got = off_the_ends(shares, 4)
    assert got[[0, 5]].tolist() == [0.9999, 0.0001]
    assert got[[1, 2, 3, 4, 6, 7]].tolist() == [0.99949, 0.9995, 1.0, 1.0000000000000002, 0.0, 0.5]
    assert np.isnan(got[8])
    # at 3 decimals (a "0.0%" cell): 0.9995 and 0.99996 would read "100.0%"; 0.99949 reads 99.9
    assert off_the_ends(shares, 3)[:3].tolist() == [0.999, 0.99949, 0.999]
    for share, stored in zip(shares[:8], off_the_ends(shares, 3)[:8], strict=True):
        assert f"{100 * round(stored, 3):.1f}%" == shown_share(share)  # what the cell reads


def test_whole_parts_hands_out_many_units_in_rounds() -> None:
    # By hand: both parts round down to 0; 2e12 + 1 units go round by round, the extra one to
    # the larger fraction (the first part on a tie). One unit at a time never finished.
    big = 10**12
    assert whole_parts([0.5, 0.5], 2 * big + 1).tolist() == [big + 1, big]
    assert whole_parts([0.5, 0.25, 0.9], 10).tolist() == [3, 3, 4]


def _nested_summary() -> pd.DataFrame:
    # Sub-district A: 12 people, 10.6 covered, all of them by two facilities or more; B: 8.4
    # people, 5.8 covered, none twice. Everyone: 20.4 people, 16.4 covered, 10.6 cross-covered.
    cols = ["scope", "key", "weight", "covered_weight", "cross_weight", "unreachable_weight"]
    rows = [
        ("overall", "all", 20.4, 16.4, 10.6, 0.0),
        ("tier", "point", 20.4, 16.4, 10.6, 0.0),
        ("subdistrict", "A", 12.0, 10.6, 10.6, 0.0),
        ("subdistrict", "B", 8.4, 5.8, 0.0, 0.0),
    ]
    return pd.DataFrame(rows, columns=cols)


def test_cross_covered_people_never_exceed_the_covered_shown():
    # Covered 16.4 → 16 shown: floors 10 + 5 = 15, one more to B (.8 before A's .6): A 10,
    # B 6. Rounded alone, A's 10.6 cross-covered read 11 beside its 10 covered. Within its
    # parent A shows 10; B has no one cross-covered, so the column adds up to 10, not the 11
    # that 10.6 rounds to: everyone and the tier (some of the facilities) show 10 too.
    n = shown_counts(_nested_summary())
    assert n.loc["subdistrict"][["covered", "cross"]].to_dict("index") == {
        "A": {"covered": 10, "cross": 10},
        "B": {"covered": 6, "cross": 0},
    }
    assert n.loc[("overall", "all"), ["covered", "cross"]].tolist() == [16, 10]
    assert n.loc[("tier", "point"), ["covered", "cross"]].tolist() == [16, 10]
    # The tables, workbooks and popups (with_shown_people) show the same.
    shown = with_shown_people(_nested_summary()).set_index("key")
    assert shown.loc["A", ["covered_weight", "cross_weight"]].tolist() == [10, 10]


def test_people_no_street_reaches_never_exceed_the_not_covered_shown():
    # No one covered. A: 1.6 people, all too far from any street; B: 2.7, all reachable.
    # Not covered 4.3 → 4: floors 1 + 2, one more to B (.7): A 1, B 3. A's 1.6 unreachable
    # rounded alone read 2 beside its 1 not covered; within it, 1, and so everyone's 1 too.
    cols = ["scope", "key", "weight", "covered_weight", "cross_weight", "unreachable_weight"]
    rows = [
        ("overall", "all", 4.3, 0.0, 0.0, 1.6),
        ("tier", "point", 4.3, 0.0, 0.0, 1.6),
        ("subdistrict", "A", 1.6, 0.0, 0.0, 1.6),
        ("subdistrict", "B", 2.7, 0.0, 0.0, 0.0),
    ]
    n = shown_counts(pd.DataFrame(rows, columns=cols))
    assert n["uncovered"].tolist() == [4, 4, 1, 3]
    assert n["unreachable"].tolist() == [1, 1, 1, 0]


@pytest.mark.parametrize(
    ("parts", "most", "total", "expected"),
    [
        ([10.6, 3.2], [10, 4], None, [10, 3]),  # alone: rounded, at most the parent
        ([2.5, 3.5], [9, 9], None, [2, 4]),  # half to even, as everywhere
        ([1.5, 2.5, 0.0], [2, 2, 5], 4, [2, 2, 0]),  # 1 + 2 + 0; +1 to the first .5 (and
        # the second .5 has no room); the row with no one gets no one
        ([0.4, 0.7], [1, 1], 1, [0, 1]),  # largest fraction first
    ],
)
def test_nested_parts(parts, most, total, expected):
    assert nested_parts(parts, most, total).tolist() == expected


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(*[st.floats(0.0, 1.0)] * 3, st.floats(0.0, 60.0)), min_size=1, max_size=8),
    st.floats(0.0, 1.0),
)
def test_nested_figures_never_invert(subs, tier_part) -> None:
    # Each sub-district: its people, the share of them covered, of those cross-covered, and
    # of the rest out of reach of any street; a tier covers some of the covered.
    rows, w_all, c_all, x_all, f_all = [], 0.0, 0.0, 0.0, 0.0
    for i, (cov, cross, far, w) in enumerate(subs):
        c, x = w * cov, w * cov * cross
        f = (w - c) * far
        rows.append(("subdistrict", f"S{i}", w, c, x, f))
        w_all, c_all, x_all, f_all = w_all + w, c_all + c, x_all + x, f_all + f
    rows.insert(0, ("tier", "point", w_all, c_all * tier_part, x_all * tier_part, f_all))
    rows.insert(0, ("overall", "all", w_all, c_all, x_all, f_all))
    cols = ["scope", "key", "weight", "covered_weight", "cross_weight", "unreachable_weight"]
    n = shown_counts(pd.DataFrame(rows, columns=cols))
    assert (n["cross"] <= n["covered"]).all() and (n["covered"] <= n["weight"]).all()
    assert (n["unreachable"] <= n["uncovered"]).all() and (
        n[["cross", "unreachable"]] >= 0
    ).all().all()
    everyone = n.loc[("overall", "all")]
    assert (
        (n[["covered", "cross", "unreachable"]] <= everyone[["covered", "cross", "unreachable"]])
        .all()
        .all()
    )
    # The sub-districts add up to everyone, each figure within a person of the exact one.
    subs_shown = n.loc["subdistrict"]
    assert subs_shown["cross"].sum() == everyone["cross"]
    assert subs_shown["unreachable"].sum() == everyone["unreachable"]
    exact = pd.DataFrame(rows, columns=cols).set_index(["scope", "key"])
    assert (abs(n.loc["subdistrict", "cross"] - exact.loc["subdistrict", "cross_weight"]) < 1).all()
