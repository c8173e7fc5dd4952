"""Fonts for the static figures: a CJK font matplotlib can use, and quiet font warnings."""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import warnings
from collections.abc import Iterator
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

from coverage.errors import Msg
from coverage.figures._mpl import require_matplotlib

__all__ = ["cjk_font", "drawn_lang", "no_cjk_font", "quiet_fonts"]

log = logging.getLogger(__name__)

# matplotlib's warning for each character its fonts cannot draw ("Glyph 27743 (\N{CJK UNIFIED
# IDEOGRAPH-6C5F}) missing from font(s) DejaVu Sans."): one per character of every Chinese name.
_GLYPH_MISSING = re.compile(r"Glyph \d+ .*missing from (current )?font")

# Whether the outermost quiet_fonts() has Chinese to report as not shown: said once, after.
_UNSHOWN: ContextVar[list[bool] | None] = ContextVar("coverage_unshown_chinese", default=None)

# warnings.catch_warnings and the font logger's level are process-wide: two threads inside
# quiet_fonts() at once would each restore what the other had set (leaving its "always" filter
# and recorder in force for good). One thread at a time; re-entrant for nested drawings.
_QUIET = threading.RLock()

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


def no_cjk_font() -> None:
    """Say that Chinese text will not show for want of a font: once per outermost drawing.

    Inside :func:`quiet_fonts` the line is left to its outermost call, so that a report's
    maps and curve, or a map whose title and names are Chinese, say it once.
    """
    unshown = _UNSHOWN.get()
    if unshown is None:
        log.warning(Msg("error.output.no_cjk_font"))  # in the console's language
    else:
        unshown[0] = True


@contextlib.contextmanager
def quiet_fonts() -> Iterator[None]:
    """Draw without matplotlib's font warnings; one line if Chinese text could not be drawn.

    Common CJK fonts (WenQuanYi Zen Hei) ship a single weight, and matplotlib warns on every
    label drawn in another weight; the text still renders, so the warnings are noise here.
    Without any CJK font, matplotlib warns once per character of every Chinese name
    ("Glyph … missing from font(s)"): those warnings are caught here and replaced by one line
    saying how to install a font (:func:`no_cjk_font`); other warnings pass on unchanged.

    The warning filters and the font logger's level are the process's: threads drawing at
    once take turns here (do not wait inside for another thread that draws).
    """
    with _QUIET, _quiet_fonts():
        yield


@contextlib.contextmanager
def _quiet_fonts() -> Iterator[None]:
    outer = _UNSHOWN.get() is None
    token = _UNSHOWN.set([False]) if outer else None
    logger = logging.getLogger("matplotlib.font_manager")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings(record=True) as caught:
            # recorded, each one (never raised by an "error" filter, nor left out as a repeat)
            warnings.filterwarnings("always", message=_GLYPH_MISSING.pattern, category=UserWarning)
            yield
        for w in caught:
            if _GLYPH_MISSING.search(str(w.message)):
                no_cjk_font()
            else:  # not ours to silence
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno, source=w.source)
    finally:
        logger.setLevel(level)
        if token is not None:
            unshown = _UNSHOWN.get()
            _UNSHOWN.reset(token)
            if unshown is not None and unshown[0]:
                no_cjk_font()
