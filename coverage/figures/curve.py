"""The coverage curve of a plan, drawn once for the plan files and the report.

The curve is :attr:`coverage.planning.AfterCoverage.curve`: the share of all workers covered
after the first k proposed sites, in the plan's order, with the plan's k marked.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from coverage import io as cio
from coverage.counts import shown_share
from coverage.figures._mpl import require_matplotlib
from coverage.figures.fonts import cjk_font, quiet_fonts
from coverage.i18n import lang_or_default, t

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

__all__ = ["curve_png", "save_curve_png"]


def curve_png(curve: pd.DataFrame, *, lang: str | None = None, dpi: int = 150) -> bytes:
    """PNG of covered share against the number of new sites, with the plan's k marked.

    Parameters
    ----------
    curve
        ``k`` (0, 1, …, the plan's number of sites) and ``covered_share`` after the first k.
    lang
        ``"zh"`` or ``"en"`` (default :data:`coverage.settings.lang`); Chinese falls back to
        English labels when no CJK font is found.
    dpi
        Resolution of the 7 × 3.4 inch figure.

    Returns
    -------
    bytes
        The PNG file.
    """
    require_matplotlib()
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    lang = lang_or_default(lang)
    font = cjk_font()
    if lang == "zh" and not font:
        lang = "en"  # no Chinese glyphs: English axis labels beat empty boxes
    rc: dict[RcKeyType, Any] = {"axes.unicode_minus": False}
    if font:
        rc["font.family"] = [font, "sans-serif"]
    k = int(curve["k"].iloc[-1])
    y = 100 * curve["covered_share"].to_numpy(dtype=float)
    with rc_context(rc), quiet_fonts():
        # Figure, not pyplot: no global state, safe in threads and notebooks.
        fig = Figure(figsize=(7, 3.4), dpi=dpi)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        ax.plot(curve["k"], y, color="#2471a3", marker="o" if len(y) <= 30 else None, ms=3, lw=1.8)
        ax.axvline(k, color="#8e44ad", ls="--", lw=1)
        ax.annotate(
            t(lang, "curve.chosen", k=k, share=shown_share(float(curve["covered_share"].iloc[-1]))),
            (k, y[-1]),
            xytext=(-8, -18),
            textcoords="offset points",
            ha="right",
            fontsize=9,
            color="#8e44ad",
        )
        lo = max(0.0, float(np.nanmin(y)) - 5)
        ax.set_ylim(lo, min(100.0, float(np.nanmax(y)) + 3) if np.nanmax(y) < 97 else 101)
        ax.set_xlim(-0.3, max(k, 1) + 0.3)
        ax.set_xlabel(t(lang, "curve.x"))
        ax.set_ylabel(t(lang, "curve.y"))
        ax.grid(alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
        if k <= 20:
            ax.set_xticks(range(0, k + 1, 1 if k <= 12 else 2))
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
    return buf.getvalue()


def save_curve_png(
    curve: pd.DataFrame, path: str | Path, *, lang: str | None = None, dpi: int = 150
) -> Path:
    """Write :func:`curve_png` to ``path`` atomically; returns the path.

    Parameters
    ----------
    curve
        The coverage curve, as for :func:`curve_png`.
    path
        The PNG file to write.
    lang
        ``"zh"`` or ``"en"``: the words of the axes (default :data:`coverage.settings.lang`).
    dpi
        Resolution of the PNG.

    Returns
    -------
    Path
        The file written.
    """
    png = curve_png(curve, lang=lang, dpi=dpi)
    return cio.write_with(path, lambda p: p.write_bytes(png))
