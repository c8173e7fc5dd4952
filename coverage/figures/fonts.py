"""Fonts for the static figures: a CJK font matplotlib can use, and quiet font warnings."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from coverage.figures._mpl import require_matplotlib

__all__ = ["cjk_font", "drawn_lang", "quiet_fonts"]

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


# File names of CJK fonts (fonts-wqy-zenhei, fonts-noto-cjk, Source Han, Droid fallback…).
_CJK_FILE = re.compile(r"wqy|cjk|sourcehan|droidsansfallback|simhei|simsun|msyh|pingfang", re.I)
_CJK_NAME = re.compile(r"CJK|Hei|Song|Ming|Kai|WenQuanYi|YaHei")


def _pick(names: set[str]) -> str | None:
    """The preferred CJK font among ``names``, else any that looks like one."""
    for name in _CJK_FONTS:
        if name in names:
            return name
    return next((n for n in sorted(names) if _CJK_NAME.search(n)), None)


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """Name of a font matplotlib can use for Chinese labels, or None.

    matplotlib lists the system's fonts once and caches the list: a Chinese font installed
    afterwards (``apt-get install fonts-wqy-zenhei``) stays unseen. When the cached list has
    none, the system's font files with a CJK-looking name are added for this session.
    """
    require_matplotlib()
    from matplotlib import font_manager

    manager = font_manager.fontManager
    found = _pick({f.name for f in manager.ttflist})
    if found:
        return found
    known = {f.fname for f in manager.ttflist}
    for fname in font_manager.findSystemFonts(fontext="ttf"):
        if fname not in known and _CJK_FILE.search(Path(fname).name):
            with contextlib.suppress(Exception):  # an unreadable font file is just not used
                manager.addfont(fname)
    return _pick({f.name for f in manager.ttflist})


def drawn_lang(lang: str) -> str:
    """The language a static map is drawn in: ``lang``, or English when Chinese has no font.

    Words made for the map before it is drawn (its data sources, a proposed tier's label) are
    made in this language, so that without a Chinese font they never print as empty boxes.

    Parameters
    ----------
    lang
        ``"zh"`` or ``"en"``: the language asked for.
    """
    return lang if lang != "zh" or cjk_font() else "en"


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
