"""Static figures (matplotlib): the coverage curve of a plan and the printable map.

:func:`curve_png` / :func:`save_curve_png` draw the curve once for the plan files and the
report; :func:`save_static_map` draws catchments, facilities and gaps for print (PNG or PDF).
"""

from __future__ import annotations

from coverage.figures.curve import curve_png, save_curve_png
from coverage.figures.fonts import cjk_font, drawn_lang, quiet_fonts
from coverage.figures.static_map import save_static_map

__all__ = [
    "cjk_font",
    "curve_png",
    "drawn_lang",
    "quiet_fonts",
    "save_curve_png",
    "save_static_map",
]
