"""Reading cell values: numbers as registers write them, text, service lists, message excerpts.

Registers write numbers the way people type them: full-width digits (``１１４．２７``), thousands
separators (``1,234,567``), decimal commas (``114,27``) and, for coordinates, degrees, minutes
and seconds (``东经114度17分20.2秒``). :func:`numeric` reads them all; a text with two plausible
readings (``30,580``: 30.58 or 30580) stays "not a number" and :func:`not_a_number` names both.
Counts come with a unit or an "about" (``50人``, ``约50``): :func:`count_text` takes the number
out, and reads a single comma before three digits as a thousands separator (``1,200人``: people
are counted whole, and Chinese registers never write a decimal comma); a range (``50-80``) stays
"not a number".
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

import numpy as np
import pandas as pd

from coverage.errors import Msg
from coverage.vocab import INVISIBLE

__all__ = [
    "MAX_PEOPLE",
    "cell_text",
    "number_text",
    "number_texts",
    "not_a_number",
    "count_text",
    "shown",
    "one_line",
    "numeric",
    "is_empty",
    "text_column",
    "split_services",
    "key_text",
]

#: More people than one demand point or raster cell can stand for. A larger weight is a fill
#: value or a slip (float rasters that declare no nodata often fill with 3.4e38), and counting
#: it would overflow every table's whole-people counts (a run stalled on one such cell).
MAX_PEOPLE = 1e9


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a planner sees (numbers without a spurious ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if np.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def one_line(exc: BaseException, limit: int = 300) -> str:
    """A library's error message on one line, without GDAL's advice meant for programmers."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    text = text.split("; It might help to specify the correct driver")[0].rstrip(".")
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: Thousands separators that cannot be read otherwise: several groups (``1,234,567``) or a
#: decimal point after the group (``30,580.5``).
_THOUSANDS = re.compile(r"^[+-]?[1-9]\d{0,2}(?:(?:,\d{3}){2,}(?:\.\d+)?|,\d{3}\.\d+)$")
#: One comma followed by exactly three digits (``30,580``): a thousands separator (30580) or a
#: decimal comma (30.58); both readings are plausible, so the value is an error naming both.
_AMBIGUOUS = re.compile(r"^[+-]?[1-9]\d{0,2},\d{3}$")
#: One comma that cannot separate thousands (``114,27``, ``0,580``, ``1234,5``): a decimal comma.
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
_HEMISPHERE = r"(东经|西经|北纬|南纬|[nsew东西南北])"
#: Degrees, minutes and seconds (lower-cased, NFKC): ``东经114度17分20.2秒``,
#: ``北纬30°35′42″`` (NFKC turns ″ into ′′), ``114°17'20.2"e``, ``-114°17.5'``.
_DMS = re.compile(
    rf"^{_HEMISPHERE}?\s*([+-])?\s*(\d+(?:\.\d+)?)\s*(?:°|度)\s*"
    r"(?:(\d+(?:\.\d+)?)\s*(?:'|′|’|分)\s*)?"
    r"(?:(\d+(?:\.\d+)?)\s*(?:\"|″|′′|''|’’|”|秒)\s*)?"
    rf"{_HEMISPHERE}?$"
)
#: Decimal degrees with a hemisphere and no degree sign: ``114.27E``, ``E114.27``, ``北纬30.5``.
_HEMISPHERE_DECIMAL = re.compile(
    rf"^(?:{_HEMISPHERE}\s*(\d+(?:\.\d+)?)|(\d+(?:\.\d+)?)\s*{_HEMISPHERE})$"
)
#: A decimal point typed as the ideographic full stop by a Chinese input method: ``114。27``.
_IDEOGRAPHIC_POINT = re.compile(r"^([+-]?\d+)。(\d+)$")
_HEMISPHERE_LETTER = {
    **dict.fromkeys(("n", "北", "北纬"), "n"),
    **dict.fromkeys(("s", "南", "南纬"), "s"),
    **dict.fromkeys(("e", "东", "东经"), "e"),
    **dict.fromkeys(("w", "西", "西经"), "w"),
}


def _clean_number_text(value: Any) -> str:
    """Cell text as compared with the number patterns: NFKC, stripped, true minus as '-'.

    Invisible characters (:data:`coverage.vocab.INVISIBLE`, e.g. a zero-width space copied
    with the number) are removed.
    """
    text = INVISIBLE.sub("", unicodedata.normalize("NFKC", str(value)))
    return text.strip().replace("−", "-")


def _dms(text: str) -> float | None:
    """Decimal degrees of a degrees-minutes-seconds text, or None if it is not one.

    Decimal degrees with a hemisphere and no degree sign (``114.27E``, ``北纬30.5``) count too:
    the hemisphere says they are degrees.
    """
    m = _DMS.match(text.lower())
    if m is None:
        h = _HEMISPHERE_DECIMAL.match(text.lower())
        if h is None:
            return None
        before, deg_before, deg_after, after = h.groups()
        value = float(deg_before or deg_after)
        return -value if _HEMISPHERE_LETTER[before or after] in ("s", "w") else value
    before, sign, deg, minutes, seconds, after = m.groups()
    hemispheres = {_HEMISPHERE_LETTER[h] for h in (before, after) if h}
    if len(hemispheres) > 1 or (sign and hemispheres):
        return None  # two hemispheres, or a sign and a hemisphere: no single reading
    minutes_f, seconds_f = float(minutes or 0), float(seconds or 0)
    if minutes_f >= 60 or seconds_f >= 60:
        return None
    value = float(deg) + minutes_f / 60 + seconds_f / 3600
    negative = sign == "-" or bool(hemispheres & {"s", "w"})
    return -value if negative else value


def number_text(value: Any, coordinate: bool = False) -> Any:
    """Text of a numeric cell made parseable: full-width digits, separators, DMS.

    Handles full-width digits, thousands separators, decimal commas and (for coordinates)
    degrees-minutes-seconds. Ambiguous texts such as ``30,580`` are returned unchanged, so they stay
    "not a number" (see :func:`not_a_number`).
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, int | float | np.number):
        return value
    text = _clean_number_text(value)
    if _THOUSANDS.match(text):
        return text.replace(",", "")
    if _DECIMAL_COMMA.match(text) and not _AMBIGUOUS.match(text):
        return text.replace(",", ".")
    if coordinate and (deg := _dms(text)) is not None:
        return deg
    if coordinate and (point := _IDEOGRAPHIC_POINT.match(text)):
        return f"{point[1]}.{point[2]}"
    return text


def not_a_number(value: Any) -> Msg:
    """Why a cell is not a number, naming both readings of an ambiguous comma.

    A :class:`~coverage.errors.Msg`, worded in the run's language when written (``str()`` of it
    is English).
    """
    text = _clean_number_text(value)
    if _AMBIGUOUS.match(text):
        left, right = text.split(",")
        return Msg("problem.ambiguous_number", text=text, dec=f"{left}.{right}", thou=left + right)
    return Msg("problem.not_a_number", value=shown(value))


#: A count as registers write it: ``50人``, ``约50``, ``约 1,234,567 人次``, ``50人左右``,
#: ``200余人``/``200多人`` (more than 200: read as about 200), ``1.2万人`` (NFKC).
_COUNT = re.compile(
    r"^(?:约|大约|约计)?\s*(.+?)\s*(万)?\s*(?:余|多)?\s*(?:人次|人|名|位|个|座|张|床)?\s*(?:左右)?$"
)


def count_text(value: Any) -> Any:
    """A count's cell without its unit or "about" (``约50人`` → ``50``); other cells as they are.

    The number left is read by :func:`numeric` with its usual rules, except that one comma
    before exactly three digits separates thousands (``约1,200人`` and ``1,200`` are 1200, where
    a coordinate ``30,580`` stays ambiguous); ``1.2万人`` is 12000 (a number), ``200余人`` and
    ``200多人`` are 200.
    """
    if type(value) is not str:
        return value
    m = _COUNT.match(_clean_number_text(value))
    if m is None:
        return value
    if m.group(2) is None:
        number = m.group(1)
        return number.replace(",", "") if _AMBIGUOUS.match(number) else number
    number = pd.to_numeric(pd.Series([number_text(m.group(1))]), errors="coerce").iat[0]
    return float(number) * 10_000 if np.isfinite(number) else value  # 万: ten thousand


def shown(value: Any, limit: int = 80) -> str:
    r"""A cell's text for a one-line message: line breaks written as \n, long text cut."""
    text = str(value).replace("\r", "\\r").replace("\n", "\\n")
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: A cell that is a plain ASCII decimal number already: :func:`number_text` returns it as it is
#: (nothing to normalise, no comma, no degree sign), so most cells skip it.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _plain(value: Any) -> bool:
    return type(value) is str and _PLAIN_NUMBER.fullmatch(value) is not None


def number_texts(series: pd.Series, coordinate: bool = False) -> pd.Series:
    """:func:`number_text` of every cell (plain numbers are taken as they are)."""
    match = _PLAIN_NUMBER.fullmatch
    return pd.Series(
        [
            v if type(v) is str and match(v) is not None else number_text(v, coordinate)
            for v in series.to_numpy(dtype=object)
        ],
        index=series.index,
        dtype=object,
    )


def numeric(series: pd.Series, coordinate: bool = False) -> pd.Series:
    """Numbers of a column; NaN where the cell is empty, not a number or not finite."""
    text = number_texts(series, coordinate)
    num = pd.to_numeric(text.replace("", np.nan), errors="coerce").astype(float)
    return num.where(np.isfinite(num))


def is_empty(series: pd.Series) -> np.ndarray:
    """Whether each cell is empty (blank text, None or NaN)."""
    return np.fromiter(
        (not _plain(v) and number_text(v) == "" for v in series.to_numpy(dtype=object)),
        dtype=bool,
        count=len(series),
    )


def text_column(series: pd.Series) -> np.ndarray:
    """A column's cells as trimmed text (empty cells as ``""``)."""

    def one(v: Any) -> str:
        if type(v) is str:  # most cells: cell_text of a str is the str itself
            return v.strip()
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return ""
        return cell_text(v).strip()

    return np.array([one(v) for v in series.to_numpy(dtype=object)], dtype=object)


def split_services(value: object) -> list[str]:
    """A services cell as a list: Chinese and ASCII commas, semicolons, 、, | and line breaks."""
    if isinstance(value, list | tuple | np.ndarray):
        return [str(v).strip() for v in value if str(v).strip()]
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    text = str(value)
    for sep in ("；", "，", "、", "|", ";", "\n"):
        text = text.replace(sep, ",")
    return [s.strip() for s in text.split(",") if s.strip()]


def key_text(value: Any) -> str:
    """Comparable form of a name, tier or service: NFKC, no spaces or invisible characters, casefold."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    text = INVISIBLE.sub("", unicodedata.normalize("NFKC", str(value)))
    return "".join(text.split()).casefold()
