"""Tiers on the map: codes of a register's spellings, labels, and a stable style per tier."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from coverage import vocab
from coverage.i18n import t
from coverage.maps.values import missing

__all__ = ["TIER_STYLE", "Tiers", "is_tier", "normalize_tier", "tier_label"]

# Colour, SVG shape and icon size (px) per built-in tier; the centre is the largest.
TIER_STYLE: dict[str, dict[str, Any]] = {
    c: vocab.tier_style(c, vocab.BUILTIN) for c in vocab.TIER_CODES
}
_OTHER_COLORS = ("#8e44ad", "#7f8c8d", "#b7950b", "#17a589", "#a04000")


def normalize_tier(tier: Any) -> str:
    """The tier code of a register's spelling; free-form names keep their text as written.

    For example ``"Center"`` → ``"centre"``, see :func:`coverage.vocab.normalize_tier`; a name
    no tier has (``"Proposed service point"``) stays as it is (trimmed), because legends and
    layer names show it: only layer keys are made from it (:class:`Tiers`).

    Parameters
    ----------
    tier
        A tier cell as the register has it.

    Returns
    -------
    str
        The tier code, or the trimmed text.
    """
    if missing(tier) or str(tier).strip() == "":
        return "other"
    code = vocab.normalize_tier(tier)
    return code if code is not None else str(tier).strip()


def tier_label(tier: str, lang: str) -> str:
    """Display name of a tier code (free-form tiers show as they are).

    Parameters
    ----------
    tier
        A tier code, or a free-form tier name.
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    str
        The label in ``lang``.
    """
    if tier == "other":
        return t(lang, "map.tier_other")
    return vocab.tier_label(tier, lang)


def is_tier(code: str) -> bool:
    """Whether ``code`` is a tier of the active vocabulary."""
    return code in vocab.active()


class Tiers:
    """Stable slugs, colours and shapes for the tiers present, known ones first."""

    def __init__(self, tiers: Iterable[str]):
        self.order: list[str] = vocab.tier_order(set(tiers))
        self.slug: dict[str, str] = {}
        self.style: dict[str, dict[str, Any]] = {}
        used: set[str] = set()
        for i, tier in enumerate(self.order):
            slug = re.sub(r"[^0-9A-Za-z_-]+", "_", tier).strip("_") or f"tier{i + 1}"
            while slug in used:
                slug = f"{slug}_{i + 1}"
            used.add(slug)
            self.slug[tier] = slug
            self.style[tier] = {
                "color": _OTHER_COLORS[len(self.style) % len(_OTHER_COLORS)],
                "shape": "triangle",
                "size": 14,
                **vocab.tier_style(tier),  # declared types may set some of these
            }
