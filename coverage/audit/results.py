"""The audit's own outputs: the district table (CSV, Excel), one GeoPackage, the choropleth.

One row per district, in the district layer's order, built from the records keyed by district
code (so a district that ran twice appears once). Shares are fractions in the CSV and the
GeoPackage, percentages in the workbook; every figure is the district's own ``coverage run``
figure (:mod:`coverage.audit.figures`). As ``coverage run``'s tables, the CSV and the GeoPackage
follow ``[output] columns``: ``"labels"`` (default) names fields, layer and status in the
audit's language, ``"keys"`` keeps the program's names for scripts; the workbook and the
choropleth are always in words.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

from coverage import io as cio
from coverage import vocab
from coverage.audit.columns import COLUMNS, NOT_APPLICABLE, SHARES, labelled
from coverage.audit.tasks import NO_STREET, district_folder
from coverage.counts import off_the_ends
from coverage.i18n import t
from coverage.layer_files import write_gpkg
from coverage.xlsx import Book, cell_value

if TYPE_CHECKING:
    from coverage.audit.outcome import AuditRun

__all__ = ["COLUMNS", "district_table", "failure_line", "labelled", "write_audit"]

#: Workbook formats of the columns that are neither shares nor whole counts: a district has a
#: few facilities per 10,000 people (0.99 and 1.49 must not both read "1").
_FORMATS = {"facilities_per_10k": "#,##0.00", "seconds": "#,##0.0"}


def _notes(rec: dict[str, Any], lang: str) -> str:
    """The record's notes in ``lang``, one after another."""
    words = [t(lang, str(key), **dict(fields)) for key, fields in rec.get("notes") or []]
    return ("；" if lang == "zh" else "; ").join(words)


def failure_line(rec: dict[str, Any], lang: str) -> str:
    """A failed or skipped district's console line: name, code, error, then its notes (why).

    Parameters
    ----------
    rec
        The district's record (``name``, ``code``, ``error``, ``notes``).
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    str
        E.g. ``"汉南区 (420113): … — 路网文件在该区没有街道 …"``.
    """
    line = f"{rec.get('name')} ({rec.get('code')}): {rec.get('error')}"
    notes = _notes(rec, lang)
    return f"{line} — {notes}" if notes else line


def district_table(run: AuditRun) -> pd.DataFrame:
    """One row per district: plain keys (``share_tier:point``, ``share_kind:residents``)."""
    rows = []
    for d in run.districts:
        not_run = {"status": "failed", "error": t(run.audit.lang, "error.audit.not_run")}
        rec = run.records.get(d.code, not_run)
        folder = district_folder(run.audit.output_dir, d.code)
        done = rec.get("status", "failed") == "done"
        row: dict[str, Any] = {
            "code": d.code,
            "name": d.name,
            "status": rec.get("status", "failed"),
            "error": rec.get("error", ""),
            "note": _notes(rec, run.audit.lang),
            "seconds": rec.get("seconds", math.nan),
            # Only a finished district has a map (as index.html links), and not one that no
            # facility stands near (nothing to draw): no link to nothing.
            "map": (folder / "map.html").relative_to(run.audit.output_dir).as_posix()
            if done and rec.get("map", True)
            else "",
        }
        row.update(rec.get("figures") or {})
        if not done and rec.get("error_key") == NO_STREET:
            row["evaluable_share"] = 0.0  # outside the street extract: nothing evaluable
        rows.append(row)
    table = pd.DataFrame(rows)
    if "demand" in table:
        # A tier no facility of within reach covers nobody in the district: 0 %, not "–"
        # (which the workbook and the page keep for shares of nobody).
        counted = (table["status"] == "done") & (table["demand"] > 0)
        for col in [c for c in table if c.startswith("share_tier:")]:
            table.loc[counted & table[col].isna(), col] = 0.0
    first = [c for c in COLUMNS if c in table and c not in ("seconds", "map")]
    tiers = vocab.tier_order([c.split(":", 1)[1] for c in table if c.startswith("share_tier:")])
    kinds = sorted(c for c in table if c.startswith("share_kind:"))
    rest = [c for c in table if c not in first and not c.startswith(("share_tier:", "share_kind:"))]
    return table[first + kinds + [f"share_tier:{t}" for t in tiers] + rest]


def _workbook(path: Path, table: pd.DataFrame, lang: str) -> None:
    shares = {c for c in table.columns if c in SHARES or c.startswith("share_")}
    table = table.copy()
    for col in shares:  # a "0.0%" cell shows 0.99996 as 100.0 %: stored 0.999, it reads 99.9 %
        table[col] = off_the_ends(pd.to_numeric(table[col], errors="coerce"), 3)
    shown = labelled(table, lang)
    with Book(path) as book:
        sheet = book.sheet(t(lang, "excel.audit.sheet"))
        # Cells as in the run's workbook (coverage.xlsx module): formula-like text, headers too,
        # is quote-prefixed text, shown unchanged.
        for j, head in enumerate(shown.columns):
            sheet.text(0, j, cell_value(str(head)))
        formats = [_FORMATS.get(c, "0.0%" if c in shares else "#,##0") for c in table.columns]
        # A finished district's figure that does not apply (shares of nobody) reads "–"; a
        # failed one's cells stay empty: it has no figures.
        done = (table["status"] == "done").tolist()
        rows = [
            [
                (NOT_APPLICABLE if ok else None)
                if isinstance(v, float) and not math.isfinite(v)
                else cell_value(v)
                for v in values
            ]
            for ok, values in zip(done, shown.itertuples(index=False, name=None), strict=True)
        ]
        sheet.rows(rows, formats)
        sheet.widths([max(10, min(40, len(str(c)) * 2)) for c in shown.columns])
        sheet.ws.freeze_panes(1, 2)


def write_audit(run: AuditRun) -> dict[str, Path]:
    """Write ``districts.csv``, ``districts.xlsx``, ``districts.gpkg`` and ``index.html``."""
    from coverage.audit.choropleth import write_choropleth

    out = run.audit.output_dir
    lang = run.audit.lang
    table = district_table(run)
    keys = run.audit.output.columns == "keys"  # for scripts: the program's own names
    files = {"csv": cio.write_csv(out / "districts.csv", table if keys else labelled(table, lang))}
    if run.audit.output.excel:
        files["excel"] = cio.write_with(out / "districts.xlsx", lambda p: _workbook(p, table, lang))
    geoms = [{d.code: d.geometry for d in run.districts}[c] for c in table["code"]]
    if keys:
        layer = gpd.GeoDataFrame(
            table.rename(columns=lambda c: c.replace(":", "_")), geometry=geoms, crs=4326
        )
        files["gpkg"] = write_gpkg(out / "districts.gpkg", {"districts": layer})
    else:  # as `coverage run` writes its layers: field and layer names in words
        layer = gpd.GeoDataFrame(labelled(table, lang), geometry=geoms, crs=4326)
        name = t(lang, "excel.audit.sheet")
        files["gpkg"] = write_gpkg(out / "districts.gpkg", {name: layer})
    files["map"] = write_choropleth(run, table, out / "index.html")
    return files
