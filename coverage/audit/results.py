"""The audit's own outputs: the district table (CSV, Excel), one GeoPackage, the choropleth.

One row per district, in the district layer's order, built from the records keyed by district
code (so a district that ran twice appears once). Shares are fractions in the CSV and the
GeoPackage, percentages in the workbook; every figure is the district's own ``coverage run``
figure (:mod:`coverage.audit.figures`).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

from coverage import io as cio
from coverage import vocab
from coverage.audit.tasks import district_folder

if TYPE_CHECKING:
    from coverage.audit.runner import AuditRun

__all__ = ["LABELS", "district_table", "labelled", "write_audit"]

#: Column labels (zh, en) of the district table; per-tier and per-kind columns are made from
#: :mod:`coverage.vocab`.
LABELS: dict[str, tuple[str, str]] = {
    "code": ("代码", "Code"),
    "name": ("名称", "District"),
    "status": ("状态", "Status"),
    "error": ("错误", "Error"),
    "population": ("人口", "Population"),
    "evaluable_share": ("可评估人口占比", "Share of population evaluable"),
    "share_any": ("总覆盖率", "Covered (any facility)"),
    "cross_share": ("交叉覆盖率", "Cross-coverage"),
    "workers_uncovered": ("未覆盖职工", "Workers not covered"),
    "facilities_in": ("区内阵地数", "Facilities in the district"),
    "facilities_serving": ("服务本区的阵地数", "Facilities serving it"),
    "facilities_per_10k": ("每万人阵地数", "Facilities per 10,000 people"),
    "unreachable": ("步行不可达人数", "People not reachable on foot"),
    "demand": ("需求总量", "Total demand"),
    "covered": ("覆盖需求量", "Demand covered"),
    "seconds": ("用时（秒）", "Time (s)"),
    "map": ("地图", "Map"),
}
_STATUS = {"done": ("完成", "done"), "failed": ("失败", "failed")}
_SHARES = ("evaluable_share", "share_any", "cross_share")


def district_table(run: AuditRun) -> pd.DataFrame:
    """One row per district: plain keys (``share_tier:point``, ``share_kind:residents``)."""
    rows = []
    for d in run.districts:
        rec = run.records.get(d.code, {"status": "failed", "error": "not run"})
        folder = district_folder(run.audit.output_dir, d.code)
        row: dict[str, Any] = {
            "code": d.code,
            "name": d.name,
            "status": rec.get("status", "failed"),
            "error": rec.get("error", ""),
            "seconds": rec.get("seconds", math.nan),
            "map": (folder / "map.html").relative_to(run.audit.output_dir).as_posix(),
        }
        row.update(rec.get("figures") or {})
        if row["status"] != "done" and "no street" in str(row["error"]):
            row["evaluable_share"] = 0.0  # outside the street extract: nothing evaluable
        rows.append(row)
    table = pd.DataFrame(rows)
    first = [c for c in LABELS if c in table and c not in ("seconds", "map")]
    tiers = vocab.tier_order([c.split(":", 1)[1] for c in table if c.startswith("share_tier:")])
    kinds = sorted(c for c in table if c.startswith("share_kind:"))
    rest = [c for c in table if c not in first and not c.startswith(("share_tier:", "share_kind:"))]
    return table[first + kinds + [f"share_tier:{t}" for t in tiers] + rest]


def _label(column: str, lang: str) -> str:
    i = 0 if lang == "zh" else 1
    if column in LABELS:
        return LABELS[column][i]
    scope, _, key = column.partition(":")
    kind = vocab.kind_label(key, lang) if scope.endswith("_kind") else ""
    if scope == "share_tier":
        label = vocab.tier_label(key, lang)
        return f"{label}覆盖率" if lang == "zh" else f"Covered by {label}"
    if scope == "share_kind":
        return f"{kind}覆盖率" if lang == "zh" else f"{kind} covered"
    if scope == "weight_kind":
        return f"{kind}总数" if lang == "zh" else f"{kind} (total)"
    if scope == "uncovered_kind":
        return f"未覆盖{kind}" if lang == "zh" else f"{kind} not covered"
    if scope == "unreachable_kind":
        return f"步行不可达{kind}" if lang == "zh" else f"{kind} not reachable on foot"
    return column


def labelled(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The table with headers and status words in ``lang``, as people read it."""
    out = table.copy()
    i = 0 if lang == "zh" else 1
    out["status"] = out["status"].map(lambda s: _STATUS.get(s, (s, s))[i])
    return out.rename(columns={c: _label(c, lang) for c in out.columns})


def _workbook(path: Path, table: pd.DataFrame, lang: str) -> None:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "各区" if lang == "zh" else "Districts"
    shown = labelled(table, lang)
    ws.append([str(c) for c in shown.columns])
    share_cols = {j for j, c in enumerate(table.columns) if c in _SHARES or c.startswith("share_")}
    for values in shown.itertuples(index=False):
        cells = []
        for v in values:
            if isinstance(v, float) and not math.isfinite(v):
                v = None
            cells.append(cio.neutralize_text(v) if isinstance(v, str) else v)
        ws.append(cells)
    for j in range(len(shown.columns)):
        letter = get_column_letter(j + 1)
        fmt = "0.0%" if j in share_cols else "#,##0.0" if table.columns[j] == "seconds" else "#,##0"
        for cell in ws[letter][1:]:
            if isinstance(cell.value, float | int):
                cell.number_format = fmt
        ws.column_dimensions[letter].width = max(10, min(40, len(str(shown.columns[j])) * 2))
    ws.freeze_panes = "C2"
    wb.save(path)


def write_audit(run: AuditRun) -> dict[str, Path]:
    """Write ``districts.csv``, ``districts.xlsx``, ``districts.gpkg`` and ``index.html``."""
    from coverage.audit.choropleth import write_choropleth

    out = run.audit.output_dir
    lang = run.audit.lang
    table = district_table(run)
    files = {"csv": cio.write_csv(out / "districts.csv", labelled(table, lang))}
    if run.audit.output.excel:
        files["excel"] = cio.write_with(out / "districts.xlsx", lambda p: _workbook(p, table, lang))
    geoms = {d.code: d.geometry for d in run.districts}
    gdf = gpd.GeoDataFrame(
        table.rename(columns=lambda c: c.replace(":", "_")),
        geometry=[geoms[c] for c in table["code"]],
        crs=4326,
    )
    files["gpkg"] = cio.write_gpkg(out / "districts.gpkg", {"districts": gdf})
    files["map"] = write_choropleth(run, table, out / "index.html")
    return files
