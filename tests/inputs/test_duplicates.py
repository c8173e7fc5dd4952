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
