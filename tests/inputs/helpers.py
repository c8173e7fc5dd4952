"""Fixture registers, real-data files and small builders shared by the tests of coverage.inputs."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import shapely

from coverage.errors import Problem
from tests.conftest import shared_data as shared_data  # the tests of inputs import it from here

REG = Path(__file__).resolve().parents[1] / "fixtures" / "registers"
#: The tiers the fixture registers' validation tests allow.
TIERS = ["centre", "subcentre", "point"]
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "wuhan"

NAMES = ["观音桥职工服务中心", "华新街职工驿站", "北城天街户外劳动者驿站", "大石坝职工服务分中心"]
LONLAT = [(106.5300, 29.5750), (106.5320, 29.5770), (106.5345, 29.5782), (106.5410, 29.5855)]


def skipped_by_row(problems: list[Problem]) -> dict[int, list[Problem]]:
    """The skipping problems, by row."""
    out: dict[int, list[Problem]] = {}
    for p in problems:
        if p.action == "skipped":
            out.setdefault(p.row, []).append(p)
    return out


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """``text`` written to ``path`` in ``encoding``."""
    path.write_bytes(text.encode(encoding))
    return path


def lonlat_points(lon, lat) -> gpd.GeoSeries:
    """WGS-84 points."""
    return gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=4326)


def point_layer(rows: list[dict], crs: int = 4326) -> gpd.GeoDataFrame:
    """A small layer as read_points returns it; ``rows`` give ``row``, ``xy`` and columns."""
    data = [{k: v for k, v in r.items() if k != "xy"} for r in rows]
    return gpd.GeoDataFrame(
        data, geometry=[shapely.Point(r["xy"]) for r in rows], crs=crs
    ).reset_index(drop=True)


def problems_by_row(problems: list[Problem]) -> dict[int | None, list[tuple[str | None, str, str]]]:
    """(field, message, action) of every problem, by row."""
    out: dict[int | None, list[tuple[str | None, str, str]]] = {}
    for p in problems:
        out.setdefault(p.row, []).append((p.field_text(), p.message, p.action))
    return out
