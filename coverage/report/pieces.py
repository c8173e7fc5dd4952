"""Small pieces of the page: escaped text, numbers, table cells, cards and the style sheet.

Every piece of input text goes through :func:`esc`: the page is assembled from strings and no
template engine ever sees input text.
"""

from __future__ import annotations

import html
from collections.abc import Collection, Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from coverage.counts import UNDEFINED, shown_share
from coverage.i18n import t

__all__ = [
    "CSS",
    "bar",
    "card",
    "esc",
    "local_dirs",
    "num",
    "pct",
    "points",
    "radius",
    "table",
    "td",
    "without_dirs",
]

#: The page's style sheet (``report.css``, shipped with the package), inlined in ``<style>``.
CSS = "\n" + resources.files("coverage.report").joinpath("report.css").read_text(encoding="utf-8")


def esc(value: Any) -> str:
    """Text for the page, quotes included: every piece of input goes through here.

    The page is assembled from strings (no template engine ever sees input text).
    """
    return html.escape(str(value), quote=True)


def pct(x: float) -> str:
    """A share as a percentage with one decimal ("–" when undefined).

    99.96 % reads "99.9%", not "100.0%" (:func:`coverage.counts.shown_share`).
    """
    return shown_share(x)


def num(x: float) -> str:
    """A number with thousands separators and no decimals ("–" when undefined)."""
    return UNDEFINED if x is None or not np.isfinite(x) else f"{x:,.0f}"


def points(before: float, after: float) -> str:
    """``after - before`` in percentage points, as a reader subtracts the two shown shares.

    Both are rounded as :func:`pct` shows them first, so "92.6% → 99.7%" reads "7.1 points"
    (not 7.0, the difference of the unrounded shares).
    """
    shown = float(pct(after).rstrip("%")) - float(pct(before).rstrip("%"))
    return f"{shown:.1f}"


def radius(m: float, lang: str) -> str:
    """A distance in metres as the page shows it (km from 1000 m)."""
    if m >= 1000:
        return t(lang, "report.radius_km", km=f"{m / 1000:g}")
    return t(lang, "report.radius_m", m=f"{m:g}")


def bar(share: float, color: str = "#aed6f1") -> str:
    """A table cell whose background is a bar as long as the share (CSS only, prints too)."""
    v = 0.0 if share is None or not np.isfinite(share) else float(np.clip(share, 0, 1))
    return (
        f'<td class="bar"><span class="track"><span class="fill" '
        f'style="width:{100 * v:.1f}%;background:{color}"></span></span>{pct(share)}</td>'
    )


def table(
    head: Sequence[tuple[str, bool]],
    rows: Sequence[Sequence[str]],
    *,
    title: int | None = None,
    wide: Collection[int] = (),
) -> str:
    """HTML table; ``head`` is (label, numeric) pairs, ``rows`` hold ready-made cells.

    With ``title`` (1 or 2 leading columns), the table becomes a stack of blocks on a phone
    (``report.css``): each row a block headed by its first ``title`` cells, its other cells
    "label value" pairs, two a line (the columns in ``wide`` a line each), the labels the
    header's, escaped, in ``data-label``. Without it the table stays one and scrolls sideways
    if need be. The wrapper keeps the table in one piece on paper.
    """
    if title not in (None, 1, 2):
        raise ValueError(f"title must be 1 or 2 columns (report.css), not {title!r}")
    th = "".join(f'<th class="n">{esc(h)}</th>' if n else f"<th>{esc(h)}</th>" for h, n in head)
    wrap, cls = "tablewrap", ""
    if title is not None:
        wrap, cls = "tablewrap stack", f' class="t{title}"'
        rows = [_labelled(r, head, title, wide) for r in rows]
    body = "".join("<tr>" + "".join(r) + "</tr>" for r in rows)
    return (
        f'<div class="{wrap}"><table{cls}><thead><tr>{th}</tr></thead><tbody>{body}</tbody>'
        "</table></div>"
    )


def _labelled(
    row: Sequence[str], head: Sequence[tuple[str, bool]], title: int, wide: Collection[int]
) -> list[str]:
    """A row's cells after its ``title`` ones labelled with their header (``data-label``)."""
    out = list(row[:title])
    for i, (cell, (label, _)) in enumerate(zip(row, head, strict=True)):
        if i < title:
            continue
        if not cell.startswith("<td"):
            raise ValueError(f"a table cell must be a <td> (td() or bar()), not {cell[:20]!r}")
        mark = f'data-label="{esc(label)}"' + (" data-w" if i in wide else "")
        out.append(f"<td {mark}{cell[3:]}")
    return out


def td(value: Any, numeric: bool = False) -> str:
    """A table cell holding ``value`` escaped (right-aligned when ``numeric``)."""
    return f'<td class="n">{esc(value)}</td>' if numeric else f"<td>{esc(value)}</td>"


def card(value: str, label: str, sub: str = "", kind: str = "") -> str:
    """A KPI card: ``value`` large, ``label`` under it, ``sub`` small (all escaped)."""
    cls = f"card {kind}".strip()
    # Two numbers in one card need a smaller font to fit the card's width.
    v = "v pair2" if " / " in value else "v"
    return (
        f'<div class="{cls}"><div class="{v}">{esc(value)}</div><div class="l">{esc(label)}</div>'
        f'<div class="s">{esc(sub)}</div></div>'
    )


def local_dirs(*folders: Path | None) -> list[Path]:
    """``folders`` as written and resolved, deepest first: what :func:`without_dirs` drops."""
    out: set[Path] = set()
    for f in folders:
        if f is not None and str(f) not in ("", ".", "/"):
            out |= {f, f.resolve()}
    return sorted(out, key=lambda d: -len(str(d)))


def without_dirs(text: str, dirs: Iterable[Path]) -> str:
    """``text`` with the local folders ``dirs`` taken out of any path in it.

    The page is handed over: ``/home/me/project/data/sites.csv`` in a note becomes
    ``sites.csv`` when ``/home/me/project/data`` is one of ``dirs``.
    """
    for d in dirs:
        for form in {str(d), d.as_posix()}:
            for sep in ("/", "\\"):
                text = text.replace(form.rstrip("/\\") + sep, "")
    return text
