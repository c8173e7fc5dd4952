"""Excel workbooks for planners: Chinese (or English) sheet names and headers, readable widths.

Our tables use short English column names (``name``, ``covered_weight``…) and program keys
as values (``tier = "point"``, ``role = "candidate"``); planners read words. :func:`write_workbook`
translates sheet names and headers (:data:`SHEETS`, :data:`HEADERS`, made from the catalogues
of :mod:`coverage.i18n`; names not in them are written as they are) and program keys
(:func:`cell_word`) into the workbook's language, Chinese or English; formats shares as
percentages and people as whole numbers (:func:`number_format`; the cells stay numbers);
turns point geometries into GCJ-02 and WGS-84 longitude/latitude columns, joins lists, sizes
columns to their content and freezes the header row. The file is written atomically
(:mod:`coverage.io`): a crash mid-write leaves the previous workbook intact.
:func:`localize` gives a table the same words for a CSV file people open (``problems.csv``).

Text is data, never a formula: cells are written by :mod:`coverage.xlsx` (XlsxWriter), text
only as strings, and text a spreadsheet would parse as a formula when edited
(:func:`coverage.neutralize.formula_like`) gets Excel's quote prefix: the cell shows the text unchanged
and Excel keeps it text. ``#N/A``-like text stays text. We write no formulas.
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
from coverage.i18n import catalogue, t
from coverage.i18n.values import TIER_COLUMNS, VALUES, cell_word
from coverage.io import write_with
from coverage.xlsx import Book, cell_value, clip, column_cells

__all__ = [
    "SHEETS",
    "HEADERS",
    "VALUES",
    "TIER_COLUMNS",
    "WHOLE",
    "cell_word",
    "is_minutes",
    "minutes_up",
    "localize",
    "unique_headers",
    "number_format",
    "sheet_name",
    "header",
    "column_width",
    "display_width",
    "write_workbook",
]


def _minutes_to(code: str, words: vocab.Vocabulary | None = None) -> tuple[str, str]:
    """Headers of a ``t_<tier>`` column (minutes to the nearest facility of the tier)."""
    zh, en = (vocab.tier_label(code, lang, words) for lang in ("zh", "en"))
    en = en[:1].lower() + en[1:]  # "Minutes to service point"
    return t("zh", "excel.minutes_to", label=zh), t("en", "excel.minutes_to", label=en)


def _covered_by(code: str, words: vocab.Vocabulary | None = None) -> tuple[str, str]:
    """Headers of a ``covered_<tier>`` column (within reach of a facility of the tier)."""
    zh, en = (vocab.tier_label(code, lang, words) for lang in ("zh", "en"))
    en = en[:1].lower() + en[1:]
    en = ("an " if en[:1] in "aeiou" else "a ") + en  # "Within reach of a service point"
    return t("zh", "excel.covered_by", label=zh), t("en", "excel.covered_by", label=en)


def _pairs(prefix: str) -> dict[str, tuple[str, str]]:
    """``{name: (Chinese, English)}`` of the catalogue keys ``<prefix><name>``."""
    n = len(prefix)
    return {k[n:]: (v, t("en", k)) for k, v in catalogue("zh").items() if k.startswith(prefix)}


#: Sheet names: our key → (Chinese, English), from the catalogues (keys ``excel.sheet.*``).
SHEETS: dict[str, tuple[str, str]] = _pairs("excel.sheet.")

#: Column headers: our column name → (Chinese, English), from the catalogues (keys
#: ``excel.header.*``), and the minutes to / reach of each built-in tier.
HEADERS: dict[str, tuple[str, str]] = {
    **_pairs("excel.header."),
    **{f"t_{c}": _minutes_to(c, vocab.BUILTIN) for c in vocab.TIER_CODES},
    **{f"covered_{c}": _covered_by(c, vocab.BUILTIN) for c in vocab.TIER_CODES},
}

#: Number formats by column: shares as percentages, people and counts as whole numbers (the
#: cells stay numbers, so sums and sorting still work).
PERCENT, INTEGER, DECIMAL = "0.0%", "#,##0", "0.0"
#: Row numbers and raster cells: whole numbers without a thousands separator (row 1203).
WHOLE = "0"
_WHOLE = {"row", "rank", "cell_row", "cell_col"}
_SHARES = {"share", "gap", "coverage"}
_COUNTS = {"weight", "capacity", "gain", "objective", "bound", "facilities", "demand_points",
           "uncovered_points", "proposed", "workers_reached", "demand_reached",
           "time_saved", "objective_gain"}  # fmt: skip
_DECIMALS = {"snap_m", "distance_m", "nearest_min", "threshold_min", "walk_min", "walk_time_min",
             "mean_time_min", "unreachable_penalty"}  # fmt: skip


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


def _group_words(frame: pd.DataFrame, lang: str) -> None:
    """Summary rows: the ``key`` of a tier/kind/overall row as a word too, in place."""
    scope = frame["scope"].astype(str)
    key = frame["key"]
    tier = scope == "tier"
    frame.loc[tier, "key"] = key[tier].map(lambda v: cell_word("tier", v, lang))
    kind = scope == "kind"
    frame.loc[kind, "key"] = key[kind].map(lambda v: cell_word("kind", v, lang))
    whole = (scope == "overall") & (key.astype(str) == "all")
    frame.loc[whole, "key"] = t(lang, "excel.value.key.all")


def localize(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A copy of ``frame`` with headers and program keys in ``lang`` (for CSV files people open).

    Numbers stay numbers; input text (names, messages) stays as written.

    Parameters
    ----------
    frame
        A table with program column names and keys.
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    DataFrame
        The copy in words.
    """
    _lang_index(lang)
    out = _words(frame.copy(), lang)
    out.columns = unique_headers([header(c, lang) for c in out.columns])
    return out


def unique_headers(heads: list[str]) -> list[str]:
    """``heads`` with a repeated header numbered (``覆盖率``, ``覆盖率 (2)``).

    Two columns of a table may share a word; a CSV header or a layer's fields may not.

    Parameters
    ----------
    heads
        Headers in column order.

    Returns
    -------
    list of str
        The headers, each once.
    """
    seen: set[str] = set()
    out = []
    for h in heads:
        name, k = h, 2
        while name.lower() in seen:
            name, k = f"{h} ({k})", k + 1
        seen.add(name.lower())
        out.append(name)
    return out


def _fewest_note(frame: pd.DataFrame, lang: str) -> None:
    """A stage's note that set covering's fewer sites replaced MCLP's, as words, in place."""
    more = pd.to_numeric(frame["mclp_sites"], errors="coerce")
    rows = more.notna() & pd.to_numeric(frame["n_selected"], errors="coerce").notna()
    frame["note"] = frame["note"].astype(object)
    frame.loc[rows, "note"] = [
        t(lang, "excel.value.note.fewest", mclp=int(m), n=int(n))
        for m, n in zip(more[rows], frame.loc[rows, "n_selected"], strict=True)
    ]


def _words(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``frame`` with its program keys as words (:func:`cell_word`), in place."""
    if {"note", "mclp_sites", "n_selected"} <= set(frame.columns):
        _fewest_note(frame, lang)
    if {"scope", "key"} <= set(frame.columns):
        _group_words(frame, lang)
    for col in frame.columns:
        s = frame[col]
        text = s.dtype == object or pd.api.types.is_string_dtype(s.dtype)
        if text or s.dtype == bool or str(col) in (*VALUES, *TIER_COLUMNS, "kind"):
            frame[col] = _column_words(col, s, lang)
    return frame


def _column_words(col: Any, s: pd.Series, lang: str) -> pd.Series:
    """``s`` with :func:`cell_word` applied to every value, as an object column.

    The word depends only on the column and the value, so a column of text (or of booleans)
    looks up each distinct value once: the tables repeat a few words over thousands of rows.
    Mixed columns (a ``1`` beside a ``True``, which a dict would confuse) take every value.
    """
    if s.dtype == bool or pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty"):
        values = s.to_numpy(dtype=object)
        out = values.copy()
        keep = s.notna().to_numpy()
        if keep.any():
            codes, uniq = pd.factorize(values[keep])
            words = np.empty(len(uniq), dtype=object)
            words[:] = [cell_word(col, u, lang) for u in uniq]
            out[keep] = words[codes]
        return pd.Series(out, index=s.index, name=s.name, dtype=object)
    return s.map(lambda v: cell_word(col, v, lang)).astype(object)


_MIN_WIDTH, _MAX_WIDTH = 6, 60
#: Body rows a sheet holds below its header: Excel's 1,048,576 rows less one. XlsxWriter ignores
#: a write beyond it, so a longer table goes on in more sheets ("未覆盖 (2)"), not cut silently.
_SHEET_ROWS = 1_048_575
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _lang_index(lang: str) -> int:
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    return 0 if lang == "zh" else 1


def sheet_name(key: str, lang: str = "zh") -> str:
    """Sheet title for one of our keys (e.g. ``"summary"`` → ``"汇总"``), or the key itself.

    Parameters
    ----------
    key
        A sheet key (``"summary"``, ``"facilities"`` …).
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    str
        The sheet's title.
    """
    return SHEETS[key][_lang_index(lang)] if key in SHEETS else str(key)


def header(column: Any, lang: str = "zh") -> str:
    """Column header for one of our column names, or the name itself.

    Parameters
    ----------
    column
        A column's program name.
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    str
        The header.
    """
    if column in HEADERS:
        return HEADERS[column][_lang_index(lang)]
    if isinstance(column, str) and column.startswith("t_") and column[2:] in vocab.active():
        return _minutes_to(column[2:])[_lang_index(lang)]  # a declared type's minutes
    if isinstance(column, str) and column.startswith("covered_") and column[8:] in vocab.active():
        return _covered_by(column[8:])[_lang_index(lang)]
    return str(column)


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
    return _words(frame, lang)


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


def _save(path: Path, sheets: Mapping[str, pd.DataFrame], lang: str, datum: str) -> None:
    # rows streamed to disk: large uncovered-demand sheets stay cheap. A table's sheet count
    # is known from its length (_plain keeps every row): the titles first, then the tables.
    keys = [k for k, f in sheets.items() for _ in range(max(1, -(-len(f) // _SHEET_ROWS)))]
    with Book(path) as book:
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
    path: str | Path, sheets: Mapping[str, pd.DataFrame], lang: str = "zh", datum: str = "gcj02"
) -> Path:
    """Write tables as an ``.xlsx`` workbook for planners, atomically.

    Parameters
    ----------
    path
        Target ``.xlsx`` file; replaced only once the new workbook is complete.
    sheets
        Sheet key → table, in order. Keys in :data:`SHEETS` (``summary``, ``by_subdistrict``,
        ``uncovered``, ``proposed``, ``skipped``…) get translated titles; others are used as
        titles (cut to Excel's 31 characters, made unique). GeoDataFrames of points get
        GCJ-02 and WGS-84 longitude/latitude columns (:func:`coverage.datum.add_coordinates`)
        instead of geometry, unless they have them already; other geometries are dropped.
    lang
        ``"zh"``: Chinese titles, headers and action values; ``"en"``: English ones.
    datum
        ``"gcj02"`` or ``"wgs84"``: the coordinate pair that comes first (``[output] datum``).

    Returns
    -------
    Path
        ``path``.
    """
    _lang_index(lang)
    if datum not in OUTPUT_DATUMS:
        raise ValueError(f"datum must be 'gcj02' or 'wgs84', not {datum!r}")
    if not sheets:
        raise ValueError("a workbook needs at least one sheet")
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise ValueError(f"write_workbook writes .xlsx files, not {target.suffix or 'no suffix'}")
    return write_with(target, lambda tmp: _save(tmp, sheets, lang, datum))
