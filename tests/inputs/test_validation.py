"""Checking layers after reading: the fixture registers end to end, single checks, fuzzing."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coverage.errors import InputError
from coverage.inputs.points import read_points
from coverage.inputs.problems import problems_frame, skipped_rows
from coverage.inputs.validation import validate_layer

from .helpers import (
    REG,
    TIERS,
    point_layer,
    problems_by_row,
)

SERVICES = ["法律援助", "心理咨询", "职工书屋", "母婴室", "技能培训"]
AREA = shapely.box(106.52, 29.57, 106.56, 29.595)


# --- the fixture registers, end to end -----------------------------------------------------------


def test_facility_register(area: gpd.GeoDataFrame) -> None:
    path = REG / "facilities_faults.csv"
    gdf, read_problems = read_points(path)
    kept, problems = validate_layer(
        gdf,
        path,
        role="facility",
        area=area,
        allowed_tiers=TIERS,
        allowed_services=SERVICES,
    )
    got = problems_by_row(problems)
    assert got == {
        7: [
            ("名称", "duplicate of row 2 (same name '观音桥职工服务中心', 2.2 m apart)", "skipped")
        ],
        8: [("层级", "missing tier (allowed: centre, subcentre, point)", "skipped")],
        9: [("层级", "unknown tier 'supercentre' (allowed: centre, subcentre, point)", "skipped")],
        10: [
            (
                "服务内容",
                "unknown service '按摩椅' ignored (known: 法律援助, 心理咨询, 职工书屋, 母婴室, "
                "技能培训)",
                "kept",
            )
        ],
        11: [
            (
                "geometry",
                "outside the study area; kept because it may serve people across the boundary",
                "kept",
            )
        ],
        12: [
            (
                "geometry",
                "2.9 m from row 2 ('观音桥职工服务中心'): same place, different name; check that "
                "it is not the same facility",
                "kept",
            )
        ],
        13: [
            (
                "名称",
                "same name as row 3 ('华新街职工驿站') but 2262 m away; check that it is a "
                "different facility",
                "kept",
            )
        ],
    }
    assert all(p.path == str(path) for p in problems)
    # Kept rows are exactly the valid ones; with the reader's skips they account for every row.
    assert kept["row"].tolist() == [2, 3, 10, 11, 12, 13, 15, 16, 18]
    skipped = {p.row for p in read_problems + problems if p.action == "skipped"}
    assert skipped == {4, 5, 6, 7, 8, 9, 14}
    assert len(kept) + len(skipped) == gdf.attrs["rows_read"] == 16
    # Tiers in the allowed spelling, unknown services dropped, attrs kept for the report.
    row10 = kept.set_index("row").loc[10]
    assert row10["tier"] == "point" and row10["services"] == ["职工书屋"]
    assert kept.attrs["columns"]["name"] == "名称"


def test_demand_register(area: gpd.GeoDataFrame) -> None:
    path = REG / "demand_faults.csv"
    gdf, read_problems = read_points(path, require=("weight",))
    kept, problems = validate_layer(gdf, path, role="demand", area=area)
    assert problems_by_row(problems) == {
        8: [
            (
                "企业名称",
                "duplicate of row 2 (same name '重庆某机械有限公司', 1.5 m apart)",
                "skipped",
            )
        ],
        9: [("geometry", "outside the study area", "skipped")],
    }
    assert kept["row"].tolist() == [2, 10, 11]  # row 7's '50-80' is a range (reader)
    assert kept["weight"].tolist() == [120, 80, 30]
    skipped = {p.row for p in read_problems + problems if p.action == "skipped"}
    assert len(kept) + len(skipped) == gdf.attrs["rows_read"] == 10


# --- single checks -------------------------------------------------------------------------------


def test_demand_weights() -> None:
    gdf = point_layer(
        [
            {"row": 2, "weight": 5.0, "xy": (106.53, 29.575)},
            {"row": 3, "weight": 0.0, "xy": (106.531, 29.575)},
            {"row": 4, "weight": -1.0, "xy": (106.532, 29.575)},
            {"row": 5, "weight": np.nan, "xy": (106.533, 29.575)},
            {"row": 6, "weight": np.inf, "xy": (106.534, 29.575)},
        ]
    )
    gdf.attrs["columns"] = {"weight": "职工人数"}
    kept, problems = validate_layer(gdf, "d.csv", role="demand")
    assert kept["row"].tolist() == [2]
    assert [(p.row, p.field_text(), p.message) for p in problems] == [
        (3, "职工人数", "weight must be positive, got 0"),
        (4, "职工人数", "weight must be positive, got -1"),
        (5, "职工人数", "missing weight"),
        (6, "职工人数", "weight must be positive, got inf"),
    ]


def test_demand_weight_of_more_people_than_a_point_holds_is_skipped() -> None:
    # 1e308 workers at one place is a slip or a fill value; counted, it overflowed the
    # whole-people counts of the tables and the run never finished.
    gdf = point_layer(
        [
            {"row": 2, "weight": 1e9, "xy": (106.53, 29.575)},  # a billion: the most allowed
            {"row": 3, "weight": 1e308, "xy": (106.531, 29.575)},
            {"row": 4, "weight": 2.5e9, "xy": (106.532, 29.575)},
        ]
    )
    gdf.attrs["columns"] = {"weight": "职工人数"}
    kept, problems = validate_layer(gdf, "d.csv", role="demand")
    assert kept["row"].tolist() == [2]
    said = "is more people than one point can hold (at most 1,000,000,000): a fill value or a slip"
    assert [(p.row, p.field_text(), p.message, p.action) for p in problems] == [
        (3, "职工人数", f"weight 1e+308 {said}", "skipped"),
        (4, "职工人数", f"weight 2.5e+09 {said}", "skipped"),
    ]


def test_demand_without_weight_column_counts_one_each() -> None:
    gdf = point_layer([{"row": 2, "name": "A", "xy": (106.53, 29.575)}])
    kept, problems = validate_layer(gdf, "d.csv", role="demand")
    assert kept["weight"].tolist() == [1.0]
    assert [(p.row, p.field_text(), p.action) for p in problems] == [(None, "weight", "kept")]


def test_facility_without_tier_column() -> None:
    gdf = point_layer([{"row": 2, "name": "A", "xy": (106.53, 29.575)}])
    with pytest.raises(InputError, match="no tier column") as err:
        validate_layer(gdf, "f.csv", role="facility", allowed_tiers=TIERS)
    assert err.value.path == "f.csv" and str(err.value.field) == "tier"
    kept, problems = validate_layer(gdf, "f.csv", role="facility")  # single-tier plan
    assert len(kept) == 1 and problems == []


def test_services_listed_with_spaces_or_slashes_are_read_when_each_is_known() -> None:
    # Registers separate services with spaces (also the ideographic one) or slashes as often as
    # with 、 or ；. A cell whose every part is a known service is that list; a cell whose parts
    # are not all known stays one item (warned about and ignored, as before).
    gdf = point_layer(
        [
            {"row": 2, "services": ["法律援助 心理咨询\u3000职工书屋"], "xy": (106.53, 29.575)},
            {"row": 3, "services": ["母婴室/技能培训", "法律援助"], "xy": (106.531, 29.575)},
            {"row": 4, "services": ["法律援助 按摩椅"], "xy": (106.532, 29.575)},
        ]
    )
    gdf["tier"] = "point"
    gdf.attrs["columns"] = {"services": "服务项目"}
    kept, problems = validate_layer(
        gdf, "f.csv", role="facility", allowed_tiers=TIERS, allowed_services=SERVICES
    )
    assert kept["services"].tolist() == [
        ["法律援助", "心理咨询", "职工书屋"],
        ["母婴室", "技能培训", "法律援助"],
        [],
    ]
    assert [(p.row, p.field_text(), p.action) for p in problems] == [(4, "服务项目", "kept")]
    assert problems[0].message.startswith("unknown service '法律援助 按摩椅' ignored")


def test_services_with_spaces_are_split_without_a_services_list() -> None:
    # No services in the scenario: the built-in services (休息, 饮水, 充电) and those the layer
    # lists on its own elsewhere (职工驿站书吧, row 5) are known. Rows 2 and 3 list only known ones;
    # rows 3 and 4's "免费 WiFi" and row 4's "休息 按摩" are not all known: kept as written, with
    # one warning for the layer naming both items and their rows.
    gdf = point_layer(
        [
            {"row": 2, "services": ["休息 饮水"], "xy": (106.53, 29.575)},
            {"row": 3, "services": ["充电/职工驿站书吧", "免费 WiFi"], "xy": (106.531, 29.575)},
            {"row": 4, "services": ["免费 WiFi", "休息 按摩"], "xy": (106.532, 29.575)},
            {"row": 5, "services": ["职工驿站书吧"], "xy": (106.533, 29.575)},
            {"row": 6, "services": [], "xy": (106.534, 29.575)},
        ]
    )
    gdf["tier"] = "point"
    gdf.attrs["columns"] = {"services": "服务项目"}
    kept, problems = validate_layer(gdf, "f.csv", role="facility", allowed_tiers=TIERS)
    assert kept["services"].tolist() == [
        ["休息", "饮水"],
        ["充电", "职工驿站书吧", "免费 WiFi"],
        ["免费 WiFi", "休息 按摩"],
        ["职工驿站书吧"],
        [],
    ]
    assert [(p.row, p.field_text(), p.action) for p in problems] == [(None, "服务项目", "kept")]
    assert problems[0].message.startswith(
        "2 rows list services joined by spaces or slashes that are not all known services: "
        "'免费 WiFi', '休息 按摩' (rows 3, 4); each was counted as one service, as written."
    )
    assert problems[0].text("zh").startswith("2 行的服务项目以空格或斜杠连接")
    # Demand layers have no services to read.
    _, problems = validate_layer(gdf.drop(columns="tier"), "d.csv", role="demand")
    assert not [p for p in problems if "services" in p.message]


def test_an_english_service_name_with_a_space_is_one_service_without_a_warning() -> None:
    # An English register names its services in words: "legal aid" and "drinking water" are
    # one service each (no part is a known service, nothing but Latin words), not services
    # joined by a space. Row 3's "休息 massage" does join a known service: still warned.
    gdf = point_layer(
        [
            {"row": 2, "services": ["legal aid", "drinking water"], "xy": (106.53, 29.575)},
            {"row": 3, "services": ["legal aid/counselling"], "xy": (106.531, 29.575)},
            {"row": 4, "services": ["休息 massage"], "xy": (106.532, 29.575)},
        ]
    )
    gdf["tier"] = "point"
    kept, problems = validate_layer(gdf, "f.csv", role="facility", allowed_tiers=TIERS)
    assert kept["services"].tolist() == [
        ["legal aid", "drinking water"],
        ["legal aid/counselling"],
        ["休息 massage"],
    ]
    assert [p.message.split(" (row")[0] for p in problems] == [
        "1 row lists services joined by spaces or slashes that are not all known services: "
        "'休息 massage'"
    ]


def test_candidates_outside_area_are_skipped_facilities_kept() -> None:
    gdf = point_layer(
        [
            {"row": 2, "name": "in", "xy": (106.53, 29.575)},
            {"row": 3, "name": "out", "xy": (106.60, 29.60)},
            {"row": 4, "name": "edge", "xy": (106.52, 29.58)},  # on the boundary: inside
        ]
    )
    kept, problems = validate_layer(gdf, "c.csv", role="candidate", area=AREA)
    assert kept["row"].tolist() == [2, 4]
    assert [(p.row, p.message, p.action) for p in problems] == [
        (3, "outside the study area", "skipped")
    ]
    kept, problems = validate_layer(gdf, "f.csv", role="facilities", area=AREA)
    assert len(kept) == 3 and problems[0].action == "kept"
    # The area may come in a projected CRS.
    projected = gpd.GeoSeries([AREA], crs=4326).to_crs(32648)
    kept, _ = validate_layer(gdf, "c.csv", role="candidate", area=projected)
    assert kept["row"].tolist() == [2, 4]


def test_far_from_streets() -> None:
    gdf = point_layer(
        [
            {"row": 2, "name": "A", "xy": (106.53, 29.575)},
            {"row": 3, "name": "B", "xy": (106.54, 29.575)},
            {"row": 4, "name": "C", "xy": (106.55, 29.575)},
        ]
    )
    kept, problems = validate_layer(
        gdf, "f.csv", role="facility", street_distance_m=[12.0, 450.0, np.inf]
    )
    assert kept["row"].tolist() == [2]
    assert [(p.row, p.message) for p in problems] == [
        (3, "450 m from the nearest walkable street (limit 300 m)"),
        (4, "no walkable street found nearby"),
    ]
    with pytest.raises(ValueError, match="2 values for 3 rows"):
        validate_layer(gdf, "f.csv", role="facility", street_distance_m=[1.0, 2.0])


def test_capacity_warning_and_unknown_role() -> None:
    gdf = point_layer([{"row": 2, "name": "A", "capacity": 0.0, "xy": (106.53, 29.575)}])
    kept, problems = validate_layer(gdf, "f.csv", role="facility")
    assert len(kept) == 1
    assert [(p.message, p.action) for p in problems] == [
        ("capacity should be positive, got 0", "kept")
    ]
    with pytest.raises(ValueError, match="unknown role 'clinic'"):
        validate_layer(gdf, "f.csv", role="clinic")


def test_missing_geometry_and_empty_layer() -> None:
    gdf = gpd.GeoDataFrame(
        {"row": [2, 3], "name": ["A", "B"]},
        geometry=[shapely.Point(106.53, 29.575), None],
        crs=4326,
    )
    kept, problems = validate_layer(gdf, "f.csv", role="facility", area=AREA)
    assert kept["row"].tolist() == [2] and [(p.row, p.message) for p in problems] == [
        (3, "missing geometry")
    ]
    empty = gdf.iloc[:0]
    kept, problems = validate_layer(empty, "f.csv", role="demand", area=AREA)
    assert kept.empty and [p.row for p in problems] == [None]


# --- fuzz: random corruption of a valid register -------------------------------------------------

HEADER = ["名称", "经度", "纬度", "层级", "服务内容", "容量", "职工人数"]
NASTY = [
    "", " ", "abc", "-1", "0", "1e400", "nan", "inf", "106.5", "29.5", "200", "95", "１０６",
    "106°30'", "约20", ",", '"', "\n", ";;;;;;;;;;", "\t\t\t\t\t\t\t", "centre", "未知", "经度",
    "名称", "站点1",
]  # fmt: skip


def _valid_rows(n: int) -> list[list[str]]:
    return [
        [
            f"站点{i}",
            f"{106.525 + 0.003 * i:.4f}",
            f"{29.572 + 0.002 * i:.4f}",
            TIERS[i % 3],
            SERVICES[i % 5],
            str(10 + i),
            str(100 + i),
        ]
        for i in range(n)
    ]


corruption = st.tuples(
    st.integers(0, 100),
    st.integers(0, len(HEADER) - 1),
    st.one_of(st.sampled_from(NASTY), st.text(max_size=12)),
)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    n=st.integers(1, 10),
    cuts=st.lists(corruption, max_size=12),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
)
def test_fuzz_every_row_is_kept_or_reported(
    n: int, cuts: list[tuple[int, int, str]], encoding: str
) -> None:
    rows = _valid_rows(n)
    touched = set()
    for r, c, text in cuts:
        rows[r % n][c] = text
        touched.add(r % n)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.csv"
        with path.open("w", encoding=encoding, newline="") as fh:
            writer = csv.writer(fh, lineterminator="\r\n")
            writer.writerow(HEADER)
            writer.writerows(rows)
        try:
            gdf, read_problems = read_points(path, require=("weight",))
            kept, problems = validate_layer(
                gdf,
                path,
                role="facility",
                area=AREA,
                allowed_tiers=TIERS,
                allowed_services=SERVICES,
            )
        except InputError:
            return  # a file-level problem (e.g. every row swapped), reported with the file
    # Data rows are spreadsheet rows 2..n+1; rows left entirely blank are not data rows.
    expected = {i + 2 for i, r in enumerate(rows) if any(str(c).strip() for c in r)}
    kept_rows = kept["row"].tolist()
    all_problems = read_problems + problems
    skipped = {p.row for p in all_problems if p.action == "skipped"}
    assert len(kept_rows) == len(set(kept_rows))
    assert not set(kept_rows) & skipped
    assert set(kept_rows) | skipped == expected
    assert {p.row for p in all_problems} <= expected | {None}
    assert all(p.path == str(path) for p in all_problems)
    # Rows nobody touched are kept (they can only lose to a corrupted copy of themselves).
    for i in set(range(n)) - touched:
        dup = any(p.row == i + 2 and "duplicate of row" in p.message for p in problems)
        assert i + 2 in kept_rows or dup
    # Report frames never fail on what the fuzz produced.
    frame = problems_frame(all_problems)
    assert len(frame) == len(all_problems)
    assert isinstance(skipped_rows(all_problems), pd.DataFrame)
