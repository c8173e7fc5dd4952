"""The audit's own outputs: the district table (CSV, Excel), one GeoPackage, the choropleth.

One row per district, in the district layer's order, built from the records keyed by district
code (so a district that ran twice appears once). Shares are fractions in the CSV and the
GeoPackage, percentages in the workbook; every figure is the district's own ``coverage run``
figure (:mod:`coverage.audit.figures`). As ``coverage run``'s tables, the CSV and the GeoPackage
follow ``[output] columns``: ``"labels"`` (default) names fields, layer and status in the
audit's language and rounds as the workbook shows (:func:`shown_table`: people whole and adding
up), ``"keys"`` keeps the program's names and full precision for scripts; the workbook and the
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
from coverage.audit.figures import POPULATION_KIND, WORKERS_KIND
from coverage.audit.tasks import NO_STREET, district_folder
from coverage.counts import off_the_ends, shown_counts, whole_parts
from coverage.i18n import t
from coverage.layer_files import write_gpkg
from coverage.xlsx import Book, cell_value

if TYPE_CHECKING:
    from coverage.audit.outcome import AuditRun

__all__ = [
    "COLUMNS",
    "district_table",
    "failure_line",
    "labelled",
    "shown_table",
    "whole_people",
    "write_audit",
]

#: Workbook formats of the columns that are neither shares nor whole counts: a district has a
#: few facilities per 10,000 people (0.99 and 1.49 must not both read "1").
_FORMATS = {"facilities_per_10k": "#,##0.00", "seconds": "#,##0.0"}
#: Decimals of those columns in the CSV and the GeoPackage, as the workbook shows them.
_DECIMALS = {"facilities_per_10k": 2, "seconds": 1}
#: Columns counting people or facilities: whole numbers wherever people read them.
_COUNTS = ("population", "demand", "covered", "unreachable", "workers_uncovered")
_FACILITIES = ("facilities_in", "facilities_serving")
_KIND_COUNTS = ("weight_kind:", "uncovered_kind:", "unreachable_kind:")


def _finite(v: Any) -> bool:
    return isinstance(v, int | float) and math.isfinite(v)


def _whole_row(row: dict[str, Any], kinds: list[str]) -> dict[str, Any]:
    """One district's people as whole numbers that add up as its own ``summary.csv`` does."""
    out = dict(row)
    people = [c for c in row if c in _COUNTS or c.startswith(_KIND_COUNTS)]
    demand, covered = row.get("demand"), row.get("covered")
    if not (_finite(demand) and _finite(covered)):  # not audited: no covered people to split
        out.update({c: round(row[c]) for c in people if _finite(row[c])})
        return out
    kinds = [k for k in kinds if _finite(row.get(f"weight_kind:{k}"))]
    summary = pd.DataFrame(
        [("overall", "all", demand, covered)]
        + [
            (
                "kind",
                k,
                row[f"weight_kind:{k}"],
                row[f"weight_kind:{k}"] - row[f"uncovered_kind:{k}"],
            )
            for k in kinds
        ],
        columns=["scope", "key", "weight", "covered_weight"],
    )
    far = [f"unreachable_kind:{k}" for k in kinds if _finite(row.get(f"unreachable_kind:{k}"))]
    nested = _finite(row.get("unreachable")) and len(far) == len(kinds)
    if nested:  # people no street reaches: within the not covered shown (counts.NESTED)
        summary["unreachable_weight"] = [row["unreachable"], *(row[c] for c in far)]
    shown = shown_counts(summary)  # each kind's covered and not covered add up to its people
    out["demand"], out["covered"] = (int(v) for v in shown.loc[("overall", "all")][:2])
    for k in kinds:
        out[f"weight_kind:{k}"] = int(shown.loc[("kind", k), "weight"])
        out[f"uncovered_kind:{k}"] = int(shown.loc[("kind", k), "uncovered"])
    if nested:
        out["unreachable"] = int(shown.loc[("overall", "all"), "unreachable"])
        out.update(
            {f"unreachable_kind:{k}": int(shown.loc[("kind", k), "unreachable"]) for k in kinds}
        )
    elif _finite(row.get("unreachable")):
        out["unreachable"] = min(round(row["unreachable"]), out["demand"] - out["covered"])
        parts = whole_parts([row[c] for c in far], out["unreachable"])
        out.update({c: int(v) for c, v in zip(far, parts, strict=True)})
    pop = f"weight_kind:{POPULATION_KIND}"
    out["population"] = out[pop] if pop in out and _finite(out[pop]) else out["demand"]
    if _finite(row.get("workers_uncovered")):
        out["workers_uncovered"] = out[f"uncovered_kind:{WORKERS_KIND}"]
    return out


def whole_people(table: pd.DataFrame) -> pd.DataFrame:
    """The district table with its people and facilities as whole numbers, as people read them.

    Each district's people add up as its own tables do (:func:`coverage.counts.shown_counts`):
    the kinds to the district's total, each kind's covered and not covered people to its
    people; those not reachable on foot split by largest remainder. Empty where unknown.

    Parameters
    ----------
    table
        :func:`district_table`.

    Returns
    -------
    pandas.DataFrame
        The same columns; counts as nullable integers.
    """
    kinds = sorted(c.split(":", 1)[1] for c in table if c.startswith("weight_kind:"))
    rows = [_whole_row(r, kinds) for r in table.to_dict("records")]
    out = pd.DataFrame(rows, columns=table.columns, index=table.index)
    for col in out:
        if col in _COUNTS or col in _FACILITIES or col.startswith(_KIND_COUNTS):
            out[col] = pd.to_numeric(out[col], errors="coerce").round().astype("Int64")
    return out


def shown_table(table: pd.DataFrame, people: pd.DataFrame | None = None) -> pd.DataFrame:
    """The district table as the CSV and the GeoPackage give it to people (``"labels"``).

    As the workbook shows it, cells staying numbers: people whole and adding up
    (:func:`whole_people`), shares to 0.0001 and never 1 or 0 unless exactly, facilities per
    10,000 people to 0.01, seconds to 0.1.

    Parameters
    ----------
    table
        :func:`district_table`.
    people
        ``whole_people(table)`` if already made (it rounds each district apart: costly on a
        large audit); made here if None.
    """
    out = (whole_people(table) if people is None else people).copy()
    for col in out:
        if col in SHARES or col.startswith("share_"):
            s = pd.to_numeric(out[col], errors="coerce")
            out[col] = off_the_ends(s, 4).round(4)
        elif col in _DECIMALS:
            out[col] = pd.to_numeric(out[col], errors="coerce").round(_DECIMALS[col])
    return out


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
    # Each kind's people, not covered and not reachable, in that order whichever district
    # comes first (one outside the streets has no "not covered"): the same columns every run.
    names = sorted({c.split(":", 1)[1] for c in table if c.startswith(_KIND_COUNTS)})
    counts = [f"{scope}{k}" for k in names for scope in _KIND_COUNTS if f"{scope}{k}" in table]
    rest = [
        c
        for c in table
        if c not in first and c not in counts and not c.startswith(("share_tier:", "share_kind:"))
    ]
    return table[first + kinds + [f"share_tier:{t}" for t in tiers] + rest + counts]


def _workbook(path: Path, table: pd.DataFrame, lang: str) -> None:
    shares = {c for c in table.columns if c in SHARES or c.startswith("share_")}
    table = table.copy()
    for col in shares:  # a "0.0%" cell shows 0.99996 as 100.0 %: stored 0.999, it reads 99.9 %
        table[col] = off_the_ends(pd.to_numeric(table[col], errors="coerce"), 3)
    shown = labelled(table, lang)
    with Book(path, "districts.xlsx") as book:  # the workbook's name, not the temporary file's
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
                if (isinstance(v, float) and not math.isfinite(v)) or v is pd.NA  # NA: counts
                else cell_value(v)
                for v in values
            ]
            for ok, values in zip(done, shown.itertuples(index=False, name=None), strict=True)
        ]
        sheet.rows(rows, formats)
        sheet.widths([max(10, min(40, len(str(c)) * 2)) for c in shown.columns])
        sheet.ws.freeze_panes(1, 2)


def write_audit(run: AuditRun) -> dict[str, Path]:
    """Write ``districts.csv``, ``districts.xlsx``, ``districts.gpkg`` and ``index.html``.

    With ``[output] excel = false`` an earlier audit's ``districts.xlsx`` is removed.
    """
    from coverage.audit.choropleth import write_choropleth

    out = run.audit.output_dir
    lang = run.audit.lang
    table = district_table(run)
    keys = run.audit.output.columns == "keys"  # for scripts: the program's own names
    # Each district's people made whole once, for the CSV, the workbook and the map alike.
    people = whole_people(table)
    shown = table if keys else labelled(shown_table(table, people), lang)  # for people: as shown
    files = {"csv": cio.write_csv(out / "districts.csv", shown)}
    if run.audit.output.excel:
        # its shares rounded by the workbook, from the exact ones
        files["excel"] = cio.write_with(
            out / "districts.xlsx", lambda p: _workbook(p, people, lang)
        )
    else:  # [output] excel = false: an earlier audit's workbook would disagree with these tables
        cio.remove_output(out / "districts.xlsx")
    outlines = {d.code: d.geometry for d in run.districts}
    geoms = [outlines[c] for c in table["code"]]
    if keys:
        layer = gpd.GeoDataFrame(
            table.rename(columns=lambda c: c.replace(":", "_")), geometry=geoms, crs=4326
        )
        files["gpkg"] = write_gpkg(out / "districts.gpkg", {"districts": layer})
    else:  # as `coverage run` writes its layers: field and layer names in words
        layer = gpd.GeoDataFrame(shown, geometry=geoms, crs=4326)
        name = t(lang, "excel.audit.sheet")
        files["gpkg"] = write_gpkg(out / "districts.gpkg", {name: layer})
    # the page counts people as the table and the workbook do (12,232 not covered, not 12,233)
    files["map"] = write_choropleth(run, people, out / "index.html")
    return files
