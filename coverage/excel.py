"""Excel workbooks for planners: Chinese (or English) sheet names and headers, readable widths.

Our tables use short English column names (``name``, ``covered_weight``…) and program keys
as values (``tier = "point"``, ``role = "candidate"``); planners read words. :func:`write_workbook`
puts sheet names, headers and program keys in the workbook's language, Chinese or English (the
words are :mod:`coverage.table_words`'s, which CSV files share); formats shares as
percentages and people as whole numbers (:func:`number_format`; the cells stay numbers);
turns point geometries into GCJ-02 and WGS-84 longitude/latitude columns, joins lists, sizes
columns to their content and freezes the header row. The file is written atomically
(:mod:`coverage.io`): a crash mid-write leaves the previous workbook intact.

Text is data, never a formula: cells are written by :mod:`coverage.xlsx` (XlsxWriter), text
only as strings, and text a spreadsheet would parse as a formula when edited
(:func:`coverage.neutralize.formula_like`) gets Excel's quote prefix: the cell shows the text
unchanged and Excel keeps it text. ``#N/A``-like text stays text. We write no formulas. Text
over Excel's 32,767 characters is cut, ending with "…", with a warning naming the sheet, column
and rows (:class:`coverage.xlsx.Book`).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coverage import vocab
from coverage.counts import off_the_ends
from coverage.datum import COORDINATE_COLUMNS, OUTPUT_DATUMS, add_coordinates
from coverage.i18n import lang_or_default, t
from coverage.io import write_with
from coverage.table_words import header, localize_cells, sheet_name, unique_headers
from coverage.xlsx import Book, cell_value, clip, column_cells

__all__ = [
    "WHOLE",
    "is_minutes",
    "minutes_up",
    "number_format",
    "column_width",
    "display_width",
    "write_workbook",
]


#: Number formats by column: shares as percentages, people and counts as whole numbers (the
#: cells stay numbers, so sums and sorting still work).
PERCENT, INTEGER, DECIMAL = "0.0%", "#,##0", "0.0"
#: Areas in km² to a hundredth (a hectare): a 5-minute catchment is a few tenths of a km².
AREA = "0.00"
#: Row numbers and raster cells: whole numbers without a thousands separator (row 1203).
WHOLE = "0"
_WHOLE = {"row", "rank", "cell_row", "cell_col"}
_SHARES = {"share", "gap", "coverage"}
_COUNTS = {"weight", "capacity", "gain", "objective", "bound", "facilities", "demand_points",
           "uncovered_points", "proposed", "workers_reached", "demand_reached",
           "time_saved", "objective_gain"}  # fmt: skip
_DECIMALS = {"snap_m", "distance_m", "nearest_min", "threshold_min", "walk_min", "walk_time_min",
             "mean_time_min", "unreachable_penalty"}  # fmt: skip
_AREAS = {"area_km2"}


def number_format(column: Any) -> str | None:
    """Excel number format of a column (by its name), or None for Excel's default.

    Parameters
    ----------
    column
        A column's program name.

    Returns
    -------
    str or None
        The format.
    """
    c = str(column)
    if c in _WHOLE:
        return WHOLE
    if c in _SHARES or c.endswith("_share"):
        return PERCENT
    if c in _COUNTS or c.endswith("_weight") or c.startswith("n_"):
        return INTEGER
    if c in _DECIMALS or (c.startswith("t_") and c[2:] in vocab.active()):
        return DECIMAL
    if c in _AREAS:
        return AREA
    return None


#: The coverage test's slack (:mod:`coverage.analysis`: within the threshold + 1e-9 s is
#: covered), in minutes: a time this little above a tenth of a minute is shown at that tenth.
_SLACK_MIN = 1e-9 / 60


def is_minutes(column: Any) -> bool:
    """Whether a column holds walking minutes (``nearest_min``, ``t_<tier>``…).

    Parameters
    ----------
    column
        A column's program name.

    Returns
    -------
    bool
        Whether it holds minutes.
    """
    c = str(column)
    return c.endswith("_min") or (c.startswith("t_") and c[2:] in vocab.active())


def minutes_up(values: Any) -> np.ndarray:
    """Minutes rounded UP to a tenth, as every output a person reads shows them.

    Rounded to the nearest tenth, 15.04 min would read 15.0 beside "not covered" (threshold
    15); rounded up it reads 15.1, and 14.96 reads 15.0 beside "covered". So the minutes shown
    never contradict the covered flag for a threshold in tenths. NaN and inf stay as they are.

    Parameters
    ----------
    values
        Minutes (array-like).

    Returns
    -------
    ndarray
        The minutes rounded up to a tenth.
    """
    v = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        near = np.round(v, 1)
        up = v - near > _SLACK_MIN
    return np.where(up, np.round(near + 0.1, 1), near) + 0.0  # + 0.0: no "-0.0"


_MIN_WIDTH, _MAX_WIDTH = 6, 60
#: Body rows a sheet holds below its header: Excel's 1,048,576 rows less one. XlsxWriter ignores
#: a write beyond it, so a longer table goes on in more sheets ("未覆盖需求点 (2)"), not cut silently.
_SHEET_ROWS = 1_048_575
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def display_width(text: str) -> int:
    """Width of text in Excel's character units: CJK and full-width characters count two.

    Parameters
    ----------
    text
        A text.

    Returns
    -------
    int
        Its width.
    """
    if text.isascii():  # no ASCII character is wide: most cells are numbers and codes
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def column_width(head: str, values: Iterable[Any]) -> int:
    """Widest of a column's header and cells (first lines), each distinct text measured once.

    Parameters
    ----------
    head
        The header.
    values
        The column's cells.

    Returns
    -------
    int
        The width in Excel's character units.
    """
    texts = {f"{v:.4g}" if isinstance(v, float) else str(v) for v in values if v is not None}
    return max([display_width(head), *(display_width(t.split("\n")[0]) for t in texts)])


def _plain(frame: pd.DataFrame, lang: str, datum: str = "gcj02") -> pd.DataFrame:
    """A copy of ``frame`` with cells Excel can store and planners can read."""
    frame = frame.copy()
    if frame.index.name is None and not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index(drop=True)  # row labels of a filtered table mean nothing
    elif frame.index.name is not None:
        frame = frame.reset_index()
    geom_name = getattr(frame, "_geometry_column_name", None)
    if geom_name is not None and geom_name in frame.columns:
        geom = frame.geometry
        if geom.crs is not None:
            geom = geom.to_crs(4326)
        points = (geom.geom_type.dropna() == "Point").all()
        frame = pd.DataFrame(frame.drop(columns=geom_name))
        named = {c for pair in COORDINATE_COLUMNS.values() for c in pair}
        if points and not named & set(frame.columns):
            # Points become coordinates a planner can paste into Amap (GCJ-02) or a GPS tool.
            frame = add_coordinates(frame, geom.x, geom.y, datum, at=len(frame.columns))
    sep = t(lang, "excel.sep")
    for col in frame.columns:
        s = frame[col]
        if pd.api.types.is_float_dtype(s):
            s = frame[col] = s.where(np.isfinite(s))  # no walking path: an empty cell, not "inf"
            if number_format(col) == WHOLE:
                frame[col] = s.round().astype("Int64")  # row 1203 beside a row-less point
            elif is_minutes(col):
                frame[col] = minutes_up(s)  # the cell shows what its "0.0" format displays
            elif number_format(col) == PERCENT:  # 99.96 %: "99.9%", not "100.0%"
                frame[col] = off_the_ends(s, 3)
        elif s.dtype == object:
            frame[col] = s.map(lambda v: _cell(v, sep))
        elif isinstance(s.dtype, pd.DatetimeTZDtype):
            frame[col] = s.dt.tz_localize(None)
    return localize_cells(frame, lang)


def _cell(value: Any, sep: str) -> Any:
    if isinstance(value, list | tuple | set | np.ndarray):
        return sep.join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if value is None or isinstance(value, str | int | float | bool | dt.date | dt.time):
        return value
    if isinstance(value, np.generic):
        return value.item()
    return str(value)


def _unique_titles(keys: list[str], lang: str) -> list[str]:
    """Sheet titles Excel accepts: none of ``[]:*?/`` or a backslash, 31 UTF-16 units at most."""
    titles: list[str] = []
    for key in keys:
        title = _BAD_SHEET_CHARS.sub("_", sheet_name(key, lang)).strip("'")
        title = clip(title, 31).strip("'") or "Sheet"
        base, k = title, 2
        while title.lower() in (t.lower() for t in titles):
            suffix = f" ({k})"
            title, k = clip(base, 31 - len(suffix)) + suffix, k + 1
        titles.append(title)
    return titles


def _parts(sheets: Mapping[str, pd.DataFrame], lang: str, datum: str) -> Iterator[pd.DataFrame]:
    """Each table as written, in as many sheets of at most :data:`_SHEET_ROWS` rows as it needs.

    One table at a time: a city's uncovered cells are not held beside every other sheet.
    """
    for frame in sheets.values():
        data = _plain(frame, lang, datum)
        for i in range(0, max(len(data), 1), _SHEET_ROWS):
            yield data.iloc[i : i + _SHEET_ROWS]


def _save(path: Path, sheets: Mapping[str, pd.DataFrame], lang: str, datum: str, name: str) -> None:
    # rows streamed to disk: large uncovered-demand sheets stay cheap. A table's sheet count
    # is known from its length (_plain keeps every row): the titles first, then the tables.
    keys = [k for k, f in sheets.items() for _ in range(max(1, -(-len(f) // _SHEET_ROWS)))]
    with Book(path, name) as book:  # name: the workbook's, not the temporary file's
        for title, data in zip(
            _unique_titles(keys, lang), _parts(sheets, lang, datum), strict=True
        ):
            sheet = book.sheet(title)
            heads = unique_headers([header(c, lang) for c in data.columns])
            # column by column: a clean numeric column needs no test per cell (column_cells)
            columns = [column_cells(data.iloc[:, j]) for j in range(len(heads))]
            widths = [column_width(h, col) for h, col in zip(heads, columns, strict=True)]
            sheet.widths([min(max(w + 2, _MIN_WIDTH), _MAX_WIDTH) for w in widths])
            sheet.ws.freeze_panes(1, 0)
            if heads:
                sheet.ws.autofilter(0, 0, len(data), len(heads) - 1)
            for j, h in enumerate(heads):
                sheet.text(0, j, cell_value(h), bold=True)
            sheet.rows(zip(*columns, strict=True), [number_format(c) for c in data.columns])


def write_workbook(
    path: str | Path,
    sheets: Mapping[str, pd.DataFrame],
    lang: str | None = None,
    datum: str = "gcj02",
) -> Path:
    """Write tables as an ``.xlsx`` workbook for planners, atomically.

    Parameters
    ----------
    path
        Target ``.xlsx`` file; replaced only once the new workbook is complete.
    sheets
        Sheet key → table, in order. Keys in :data:`~coverage.table_words.SHEETS`
        (``summary``, ``by_subdistrict``, ``uncovered``, ``proposed``, ``skipped``…) get
        translated titles; others are used as titles (cut to Excel's 31 characters, made
        unique). GeoDataFrames of points get GCJ-02 and WGS-84 longitude/latitude columns
        (:func:`coverage.datum.add_coordinates`) instead of geometry, unless they have them
        already; other geometries are dropped.
    lang
        ``"zh"``: Chinese titles, headers and action values; ``"en"``: English ones (default
        :data:`coverage.settings.lang`).
    datum
        ``"gcj02"`` or ``"wgs84"``: the coordinate pair that comes first (``[output] datum``).

    Returns
    -------
    Path
        ``path``.
    """
    lang = lang_or_default(lang)
    if datum not in OUTPUT_DATUMS:
        raise ValueError(f"datum must be 'gcj02' or 'wgs84', not {datum!r}")
    if not sheets:
        raise ValueError("a workbook needs at least one sheet")
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise ValueError(f"write_workbook writes .xlsx files, not {target.suffix or 'no suffix'}")
    return write_with(target, lambda tmp: _save(tmp, sheets, lang, datum, target.name))
