"""Text cells and names as every output shows them: what no register means taken out.

A cell is cleaned when a file is read (:func:`clean_cell`, :func:`without_unseen` for a GIS
file's attributes); a name or code that must stay on one line (a district's) with
:func:`clean_name`. The invisible characters are :data:`coverage.vocab.UNSEEN`.
"""

from __future__ import annotations

import re
from typing import TypeVar

import pandas as pd

from coverage.vocab import UNSEEN

__all__ = ["clean_cell", "clean_name", "without_unseen"]


#: What a name never needs: C0 and C1 control characters (tab and line breaks among them), DEL,
#: and the line and paragraph separators. A terminal acts on them, a line or a CSV row breaks at
#: them, an XML file (a workbook) cannot hold most of them. Spaces beside them join the run
#: (a cell read with its bell a space, then its tab: one space, not two).
_CONTROLS = re.compile(" *[\x00-\x1f\x7f-\x9f\u2028\u2029][ \x00-\x1f\x7f-\x9f\u2028\u2029]*")


#: Control characters a cell never needs (a broken export's NUL, a bell, an escape, C1):
#: every C0 and C1 control and DEL but the tab and line breaks an address may hold.
_CELL_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]+")


def clean_cell(text: str) -> str:
    r"""A text cell as every output shows it, cleaned of what no register means.

    :data:`~coverage.vocab.UNSEEN` taken out, each run of other control characters one space
    (tab and line breaks kept), the ends stripped. A terminal acts on an escape, a workbook
    (XML) cannot hold a bell or a NUL: ``"江汉\x07区"`` reads ``"江汉 区"`` everywhere, not
    "江汉�区" in the workbook beside the bell in a CSV.

    >>> clean_cell(" 甲\x00\x1b[31m乙\u202e\n丙 ")
    '甲 [31m乙\n丙'
    """
    if text.isprintable():  # most cells: no control (Cc) nor UNSEEN (Cf) character to find
        return text.strip()
    return _CELL_CONTROLS.sub(" ", UNSEEN.sub("", text)).strip()


def clean_name(text: str) -> str:
    r"""A name or code as every output shows it: cleaned as a table cell is, and on one line.

    :data:`~coverage.vocab.UNSEEN` taken out (as from every cell), each run of control
    characters or separators one space, and the ends stripped: ``" 江汉\x1b[31m区\n"`` is
    ``"江汉 [31m区"``, the text shown, never acted on.

    Parameters
    ----------
    text
        The value as read.
    """
    return _CONTROLS.sub(" ", UNSEEN.sub("", text)).strip()


#: A frame type kept by :func:`without_unseen` (a GeoDataFrame stays one).
_Frame = TypeVar("_Frame", bound=pd.DataFrame)


def without_unseen(frame: _Frame) -> _Frame:
    """``frame`` without bidirectional controls or zero-width spaces in its text.

    The characters are :data:`~coverage.vocab.UNSEEN` (other controls become a space, as
    :func:`clean_cell` has them); the table readers clean every cell so, this a GIS file's
    attributes. Columns without such a character are left as they are (and are not copied).
    """
    for col in frame.columns:
        column = frame[col]
        if not (column.dtype == object or isinstance(column.dtype, pd.StringDtype)):
            continue
        values = column.to_numpy(dtype=object)
        if any(
            isinstance(v, str) and (UNSEEN.search(v) or _CELL_CONTROLS.search(v)) for v in values
        ):
            cleaned = [clean_cell(v) if isinstance(v, str) else v for v in values]
            frame[col] = pd.Series(cleaned, index=frame.index, dtype=column.dtype)
    return frame
