"""Fonts for the static figures: a CJK font matplotlib can use, and quiet font warnings."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from functools import lru_cache

from coverage.figures._mpl import require_matplotlib

__all__ = ["cjk_font", "quiet_fonts"]

_CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
    "Sarasa Gothic SC",
    "AR PL UMing CN",
    "AR PL UKai CN",
    "Droid Sans Fallback",
    "Noto Sans CJK JP",
)


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """Name of a font matplotlib can use for Chinese labels, or None."""
    require_matplotlib()
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in _CJK_FONTS:
        if name in names:
            return name
    for name in sorted(names):
        if re.search(r"CJK|Hei|Song|Ming|Kai|WenQuanYi|YaHei", name):
            return name
    return None


@contextlib.contextmanager
def quiet_fonts() -> Iterator[None]:
    """Silence matplotlib's "Failed to find font weight" warnings while drawing.

    Common CJK fonts (WenQuanYi Zen Hei) ship a single weight, and matplotlib warns on every
    label drawn in another weight; the text still renders, so the warnings are noise here.
    """
    logger = logging.getLogger("matplotlib.font_manager")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)
