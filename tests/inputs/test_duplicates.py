"""Duplicate rows: chains of the same entry, nameless twins, the tolerance."""

from __future__ import annotations

from coverage.inputs.validation import validate_layer

from .helpers import (
    point_layer,
    problems_by_row,
)


def test_duplicate_chains_keep_the_first_row() -> None:
    # Three entries of one facility within 5 m of each other (A-B 3 m, B-C 3 m, A-C 6 m).
    d = 3 / 111_320  # 3 m of latitude in degrees
    gdf = point_layer(
        [
            {"row": 9, "name": "驿站", "xy": (106.53, 29.575 + 2 * d)},
            {"row": 4, "name": "驿站", "xy": (106.53, 29.575)},
            {"row": 6, "name": " 驿站 ", "xy": (106.53, 29.575 + d)},
            {"row": 7, "name": "别处", "xy": (106.54, 29.58)},
        ]
    )
    kept, problems = validate_layer(gdf, "f.csv", role="facility")
    assert kept["row"].tolist() == [4, 7]
    msgs = problems_by_row(problems)
    assert msgs[6][0][1].startswith("duplicate of row 4 (same name ' 驿站 ', 3.0 m apart)")
    assert msgs[9][0][1].startswith("duplicate of row 4 (same name '驿站', 6.0 m apart)")


def test_nameless_duplicates_need_identical_attributes() -> None:
    gdf = point_layer(
        [
            {"row": 2, "weight": 10.0, "xy": (106.53, 29.575)},
            {"row": 3, "weight": 10.0, "xy": (106.53, 29.575)},
            {"row": 4, "weight": 12.0, "xy": (106.53, 29.575)},
        ]
    )
    kept, problems = validate_layer(gdf, "d.csv", role="demand")
    assert kept["row"].tolist() == [2, 4]  # two firms of other sizes in one building is normal
    assert [(p.row, p.message) for p in problems] == [
        (3, "duplicate of row 2 (same attributes, 0.0 m apart)")
    ]


def test_tolerance_is_configurable() -> None:
    d = 8 / 111_320
    gdf = point_layer(
        [
            {"row": 2, "name": "A", "xy": (106.53, 29.575)},
            {"row": 3, "name": "A", "xy": (106.53, 29.575 + d)},
        ]
    )
    kept, problems = validate_layer(gdf, "f.csv", role="facility")
    assert len(kept) == 2 and "same name as row 2 ('A') but 8 m away" in problems[0].message
    kept, problems = validate_layer(gdf, "f.csv", role="facility", dup_tolerance_m=10)
    assert kept["row"].tolist() == [2] and problems[0].action == "skipped"


def test_two_tiers_at_one_address_are_two_facilities() -> None:
    # A street's service point (row 194) and its outdoor station (row 230) share a building and
    # a name; another station entry of the same name 2 m away (row 231) is a duplicate of
    # row 230 (same tier), and one 3 km north (row 300) is the same name far away.
    d = 1 / 111_320  # a metre of latitude
    name = "六合路街道职工服务站"
    gdf = point_layer(
        [
            {"row": 194, "name": name, "tier": "point", "xy": (114.30, 30.60)},
            {"row": 230, "name": name, "tier": "outdoor_station", "xy": (114.30, 30.60)},
            {"row": 231, "name": name, "tier": "outdoor_station", "xy": (114.30, 30.60 + 2 * d)},
            {"row": 300, "name": name, "tier": "point", "xy": (114.30, 30.60 + 3000 * d)},
        ]
    )
    kept, problems = validate_layer(gdf, "f.csv", role="facility")
    assert kept["row"].tolist() == [194, 230, 300]
    assert kept["tier"].tolist() == ["point", "outdoor_station", "point"]
    got = [(p.row, p.field_text(), p.message, p.action) for p in problems]
    assert got[:2] == [
        (231, "name", f"duplicate of row 230 (same name '{name}', 2.0 m apart)", "skipped"),
        (
            230,
            "name",
            "0.0 m from row 194, same name in another tier: kept as a facility of each tier; "
            "check that the register means both",
            "kept",
        ),
    ]
    # No "same name" warning for row 230: it has its note. The far one keeps its usual warning
    # (about 3 km, in UTM metres).
    assert len(got) == 3 and (got[2][0], got[2][3]) == (300, "kept")
    assert got[2][2].startswith(f"same name as row 194 ('{name}') but ")
    note = problems[1]
    assert note.text("zh") == (
        "距第 194 行 0.0 米，同名但层级不同：按两个层级的设施分别保留；请核实登记表确有两处"
    )


def test_same_tier_same_name_same_place_stays_a_duplicate() -> None:
    gdf = point_layer(
        [
            {"row": 2, "name": "驿站", "tier": "point", "xy": (114.30, 30.60)},
            {"row": 3, "name": "驿站", "tier": " POINT ", "xy": (114.30, 30.60)},
            {"row": 4, "name": "驿站", "tier": "", "xy": (114.30, 30.60)},
        ]
    )
    # Tiers compare like names (width, case, spaces); a blank tier is no other tier.
    kept, problems = validate_layer(gdf, "c.csv", role="candidate")
    assert kept["row"].tolist() == [2]
    assert [(p.row, p.action) for p in problems] == [(3, "skipped"), (4, "skipped")]


# --- names and attributes only where needed, against the row-by-row original -----------------


def _eager_check_duplicates(gdf, check, role, tol) -> None:
    """The original: every row's comparable name and attributes computed up front."""
    import numpy as np
    from scipy.spatial import cKDTree

    from coverage.datum import metric_xy
    from coverage.inputs import duplicates as dup
    from coverage.inputs.values import key_text

    live = np.flatnonzero(~check.skip)
    if len(live) < 2:
        return
    xy = metric_xy(gdf)[live]
    ok = np.isfinite(xy).all(axis=1)
    live, xy = live[ok], xy[ok]
    names = np.array([key_text(v) for v in gdf["name"]]) if "name" in gdf.columns else None
    attr_cols = [c for c in gdf.columns if c not in ("row", gdf.geometry.name)]
    sig = [
        tuple(key_text(v) if not isinstance(v, list) else tuple(v) for v in r)
        for r in gdf[attr_cols].itertuples(index=False, name=None)
    ]
    pairs = cKDTree(xy).query_pairs(tol, output_type="ndarray")
    pos = {int(k): p for p, k in enumerate(live)}

    def dist(i: int, j: int) -> float:
        return float(np.hypot(*(xy[pos[i]] - xy[pos[j]])))

    dups, near = [], []
    for a, b in pairs:
        i, j = sorted((int(live[a]), int(live[b])), key=lambda k: (check.rows[k], k))
        same_name = names is not None and names[i] != "" and names[i] == names[j]
        nameless_twin = (names is None or names[i] == names[j] == "") and sig[i] == sig[j]
        (dups if same_name or nameless_twin else near).append((i, j))
    if dups:
        dup._skip_duplicates(gdf, check, dups, names, dist)
    if role != "demand":
        dup._warn_same_place(gdf, check, near, names, dist)
    if names is not None and role != "demand":
        dup._warn_same_name(gdf, check, live, names, dist)


def test_lazy_keys_give_the_problems_of_the_original() -> None:
    import numpy as np

    from coverage.inputs.duplicates import check_duplicates
    from coverage.inputs.problems import Checker

    rng = np.random.default_rng(3)
    d = 1 / 111_320  # a metre of latitude
    for trial in range(40):
        n = int(rng.integers(2, 40))
        rows = []
        for k in range(n):
            row = {"row": k + 2, "xy": (106.53, 29.575 + d * float(rng.integers(0, 30)))}
            if trial % 3:
                row["name"] = rng.choice(["", "驿站", " 驿站", "Ａ", "a", "b", None])
            row["weight"] = float(rng.choice([1.0, 2.0, np.nan]))
            row["services"] = list(rng.choice(["饮水", "充电"], size=int(rng.integers(0, 2))))
            rows.append(row)
        gdf = point_layer(rows)
        for role in ("facility", "demand"):
            fast, slow = Checker(gdf, "x.csv"), Checker(gdf, "x.csv")
            check_duplicates(gdf, fast, role, 5.0)
            _eager_check_duplicates(gdf, slow, role, 5.0)
            assert [p.as_dict() for p in fast.problems] == [p.as_dict() for p in slow.problems]
            assert fast.skip.tolist() == slow.skip.tolist()


def test_row_order_equals_sorting_by_row_then_position() -> None:
    import numpy as np

    from coverage.inputs.duplicates import _in_row_order
    from coverage.inputs.problems import Checker

    rng = np.random.default_rng(6)
    for rows in (rng.integers(2, 9, 30), rng.integers(2, 9, 30).astype(float), None):
        gdf = point_layer([{"xy": (106.5, 29.5)}] * 30)
        if rows is not None:
            gdf["row"] = rows
        check = Checker(gdf, "x.csv")
        idx = rng.permutation(30)[:20]
        expected = sorted(idx.tolist(), key=lambda k: (check.rows[k], k))
        assert _in_row_order(check, idx) == expected


def test_a_later_register_repeating_an_earlier_ones_row_is_skipped() -> None:
    # The district's register (a.xlsx) and a street's own list (b.csv) both hold 民族分中心.
    # In b.csv: row 2 is it again 3 m away (skipped); row 3 the same name as a point (another
    # tier: kept); row 4 the same name 30 m away (kept, as within a layer); row 5 another name
    # at the same place (kept); row 6 the name written with a full-width space (skipped).
    from pathlib import Path

    from coverage.inputs.duplicates import skip_duplicates_across

    d = 1 / 111_320  # 1 m of latitude in degrees
    a = point_layer(
        [
            {"row": 4, "name": "民族分中心", "tier": "subcentre", "xy": (114.28, 30.57)},
            {"row": 5, "name": "花楼分中心", "tier": "subcentre", "xy": (114.29, 30.58)},
        ]
    )
    b = point_layer(
        [
            {"row": 2, "name": "民族分中心", "tier": "subcentre", "xy": (114.28, 30.57 + 3 * d)},
            {"row": 3, "name": "民族分中心", "tier": "point", "xy": (114.28, 30.57)},
            {"row": 4, "name": "民族分中心", "tier": "subcentre", "xy": (114.28, 30.57 + 30 * d)},
            {"row": 5, "name": "民族驿站", "tier": "subcentre", "xy": (114.28, 30.57)},
            {"row": 6, "name": "民族\u3000分中心", "tier": "subcentre", "xy": (114.28, 30.57)},
        ]
    )
    (first, second), problems = skip_duplicates_across([(Path("a.xlsx"), a), (Path("b.csv"), b)])
    assert first["row"].tolist() == [4, 5]
    assert second["row"].tolist() == [3, 4, 5]
    got = [(Path(p.path).name, p.row, p.field_text(), p.action, p.message) for p in problems]
    assert got == [
        ("b.csv", 2, "name", "skipped",
         "duplicate of a.xlsx row 4 (same name '民族分中心' and tier, 3.0 m apart)"),
        ("b.csv", 6, "name", "skipped",
         "duplicate of a.xlsx row 4 (same name '民族\u3000分中心' and tier, 0.0 m apart)"),
    ]  # fmt: skip
    # A third register repeating it names the row kept (a.xlsx row 4), not b.csv's skipped one.
    c = point_layer([{"row": 7, "name": "民族分中心", "tier": "subcentre", "xy": (114.28, 30.57)}])
    three = [(Path("a.xlsx"), a), (Path("b.csv"), b), (Path("c.csv"), c)]
    kept, problems = skip_duplicates_across(three)
    assert [len(k) for k in kept] == [2, 3, 0]
    assert problems[-1].message.startswith("duplicate of a.xlsx row 4 ")
    one = [(Path("a.xlsx"), a)]
    assert skip_duplicates_across(one) == ([a], [])


def test_a_later_demand_register_repeating_an_earlier_ones_row_is_skipped() -> None:
    # a.csv and b.csv count workers, c.csv residents; a raster's people (no path) sit between.
    # b.csv row 2 is a.csv's 江汉大厦 again 3 m away (skipped); row 3 is unnamed at the place
    # of a.csv's unnamed row 3 (unnamed rows are never repeats: kept); row 4 the same name
    # 30 m away (kept). c.csv's 江汉大厦 counts residents, not workers: kept. The raster's
    # points come back as they are.
    from pathlib import Path

    from coverage.inputs.duplicates import skip_duplicates_across

    d = 1 / 111_320  # 1 m of latitude in degrees
    here, there = (114.28, 30.57), (114.29, 30.58)
    a = point_layer(
        [
            {"row": 2, "name": "江汉大厦", "kind": "workers", "weight": 120.0, "xy": here},
            {"row": 3, "name": "", "kind": "workers", "weight": 40.0, "xy": there},
        ]
    )
    raster = point_layer([{"weight": 7.5, "kind": "workers", "xy": here}])
    b = point_layer(
        [
            {"row": 2, "name": "江汉大厦", "kind": "workers", "weight": 120.0, "xy": (here[0], here[1] + 3 * d)},
            {"row": 3, "name": "", "kind": "workers", "weight": 40.0, "xy": there},
            {"row": 4, "name": "江汉大厦", "kind": "workers", "weight": 9.0, "xy": (here[0], here[1] + 30 * d)},
        ]
    )  # fmt: skip
    c = point_layer(
        [{"row": 2, "name": "江汉大厦", "kind": "residents", "weight": 800.0, "xy": here}]
    )
    layers = [(Path("a.csv"), a), (None, raster), (Path("b.csv"), b), (Path("c.csv"), c)]
    kept, problems = skip_duplicates_across(layers, same="kind")
    assert kept[0] is a and kept[1] is raster and kept[3] is c
    assert kept[2]["row"].tolist() == [3, 4]
    got = [(Path(p.path).name, p.row, p.field_text(), p.action, p.message) for p in problems]
    assert got == [
        ("b.csv", 2, "name", "skipped",
         "duplicate of a.csv row 2 (same name '江汉大厦' and demand kind, 3.0 m apart)"),
    ]  # fmt: skip
    assert problems[0].text("zh") == "与 a.csv 第 2 行重复（同名“江汉大厦”、同类需求，相距 3.0 米）"
    # Without names (a register that has none) nothing is compared.
    nameless = [(Path("a.csv"), a.drop(columns="name")), (Path("b.csv"), b.drop(columns="name"))]
    assert skip_duplicates_across(nameless, same="kind")[1] == []


def test_of_a_site_written_twice_the_strictest_role_stays() -> None:
    """A candidate file lists 候选点-1350 as a candidate and again, lower down, as excluded (the
    landlord refused): the excluded row stays and the candidate row is the duplicate, so the
    plan cannot propose the site (the later row was skipped, and the site proposed)."""
    gdf = point_layer(
        [
            {"row": 2, "name": "候选点-1350", "role": "candidate", "xy": (106.53, 29.575)},
            {"row": 3, "name": "候选点-7", "role": "候选", "xy": (106.54, 29.58)},
            {"row": 4, "name": "候选点-1350", "role": "排除", "xy": (106.53, 29.575)},
            {"row": 5, "name": "候选点-7", "role": "existing", "xy": (106.54, 29.58)},
        ]
    )
    kept, problems = validate_layer(gdf, "c.csv", role="candidate")
    assert kept["row"].tolist() == [4, 5]
    assert [(p.row, p.message.split(" (")[0]) for p in problems] == [
        (2, "duplicate of row 4"),
        (3, "duplicate of row 5"),
    ]
