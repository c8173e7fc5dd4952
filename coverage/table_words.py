"""The words of our tables for people: sheet titles, column headers and program keys.

Our tables use short English column names (``name``, ``covered_weight``…) and program keys
as values (``tier = "point"``, ``role = "candidate"``); planners read words. This module holds
the words, in Chinese and English: sheet titles (:data:`SHEETS`, :func:`sheet_name`), column
headers (:data:`HEADERS`, :func:`header`; a declared tier's minutes and reach too) and the
keys in cells (:func:`cell_word`, :func:`localize_cells`), all made from the catalogues of
:mod:`coverage.i18n`; names not in them are shown as they are.

Apart from the workbook writer (:mod:`coverage.excel`) because the same words name the columns
of every table people read: CSV files (:func:`localize`, ``problems.csv``), the command line's
tables and the tests that read outputs back.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from coverage import vocab
from coverage.i18n import catalogue, lang_or_default, t
from coverage.i18n.values import TIER_COLUMNS, VALUES, cell_word, stage_note

__all__ = [
    "SHEETS",
    "HEADERS",
    "VALUES",
    "TIER_COLUMNS",
    "cell_word",
    "lang_index",
    "sheet_name",
    "header",
    "unique_headers",
    "localize",
    "localize_cells",
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


def lang_index(lang: str) -> int:
    """Where ``lang``'s word stands in a (Chinese, English) pair; ValueError for another language.

    Parameters
    ----------
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    int
        0 for Chinese, 1 for English.
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    return 0 if lang == "zh" else 1


def sheet_name(key: str, lang: str | None = None) -> str:
    """Sheet title for one of our keys (e.g. ``"summary"`` → ``"汇总"``), or the key itself.

    Parameters
    ----------
    key
        A sheet key (``"summary"``, ``"facilities"`` …).
    lang
        ``"zh"`` or ``"en"`` (default :data:`coverage.settings.lang`).

    Returns
    -------
    str
        The sheet's title.
    """
    lang = lang_or_default(lang)
    return SHEETS[key][lang_index(lang)] if key in SHEETS else str(key)


def header(column: Any, lang: str | None = None) -> str:
    """Column header for one of our column names, or the name itself.

    Parameters
    ----------
    column
        A column's program name.
    lang
        ``"zh"`` or ``"en"`` (default :data:`coverage.settings.lang`).

    Returns
    -------
    str
        The header.
    """
    lang = lang_or_default(lang)
    if column in HEADERS:
        return HEADERS[column][lang_index(lang)]
    if isinstance(column, str) and column.startswith("t_") and column[2:] in vocab.active():
        return _minutes_to(column[2:])[lang_index(lang)]  # a declared type's minutes
    if isinstance(column, str) and column.startswith("covered_") and column[8:] in vocab.active():
        return _covered_by(column[8:])[lang_index(lang)]
    return str(column)


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
    lang_index(lang)
    out = localize_cells(frame.copy(), lang)
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


def _stage_notes(frame: pd.DataFrame, lang: str) -> None:
    """A plan stage table's notes in ``lang`` (:func:`coverage.i18n.values.stage_note`), in place.

    The notes come from the stage's figures (no plan within the time limit, fewer sites than
    asked, set covering's fewer sites), so each table says them in its own language.
    """
    notes = [stage_note(row, lang) or None for row in frame.to_dict("records")]
    frame["note"] = pd.Series(notes, index=frame.index, dtype=object)


def localize_cells(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``frame`` with its program keys as words (:func:`cell_word`), in place; headers unchanged.

    Parameters
    ----------
    frame
        A table with program keys, changed in place.
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    DataFrame
        ``frame``.
    """
    if {"note", "model", "n_selected"} <= set(frame.columns):
        _stage_notes(frame, lang)
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
