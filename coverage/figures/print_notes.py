"""The printable map's words: the key-figure box, the method and date line, the data sources.

Every word comes from :mod:`coverage.i18n` (keys ``print.*``). The sources name the scenario's
input files by their file name only (a printed map is handed over; the planner's folders stay
private) with the attribution their data asks for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from coverage.i18n import t
from coverage.maps.tiers import is_tier, normalize_tier, tier_label
from coverage.maps.values import band_text, number, percent
from coverage.vocab import kind_label

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from coverage.scenario import Scenario

__all__ = ["draw_kpi_box", "footer_lines", "kpi_rows", "print_sources"]

# share_* keys that are not a tier's share.
_NOT_TIER = frozenset({"share_any", "share_cross", "share_circle", "share_tier"})

_OSM = "© OpenStreetMap contributors"


def _people(lang: str, value: float) -> str:
    """A count of people, whole (round half to even), thousands separated."""
    return t(lang, "print.people", n=number(value))


def kpi_rows(
    kpis: Mapping[str, float], lang: str, thresholds: Mapping[str, float] | None = None
) -> list[tuple[str, str]]:
    """Rows of the key-figure box: label and figure.

    The share of people within reach of any facility and the number not covered first, then
    per demand kind (``kind_share:<kind>``, ``kind_uncovered:<kind>``), then each tier's share
    within its own threshold. Shares are percentages with one decimal (as on the interactive
    map and in the report), people whole numbers.
    """
    rows: list[tuple[str, str]] = []
    if "share_any" in kpis:
        rows.append((t(lang, "print.kpi.share_any"), percent(kpis["share_any"])))
    if "uncovered_weight" in kpis:
        rows.append((t(lang, "print.kpi.uncovered"), _people(lang, kpis["uncovered_weight"])))
    for key, value in kpis.items():
        head, _, kind = str(key).partition(":")
        if head == "kind_share" and kind:
            label = kind_label(kind, lang)
            rows.append((t(lang, "print.kpi.kind_share", kind=label), percent(value)))
            left = kpis.get(f"kind_uncovered:{kind}")
            if left is not None:
                rows.append((t(lang, "print.kpi.kind_uncovered", kind=label), _people(lang, left)))
    limits = {normalize_tier(k): float(v) for k, v in (thresholds or {}).items()}
    for key, value in kpis.items():
        key = str(key)
        if not key.startswith("share_") or key in _NOT_TIER or key.startswith("share_circle"):
            continue
        tier = normalize_tier(key[6:])
        if not is_tier(tier):
            continue
        label = tier_label(tier, lang)
        if tier in limits:
            label = t(lang, "print.kpi.tier", label=label, minutes=band_text(limits[tier]))
        rows.append((label, percent(value)))
    return rows


def print_sources(s: Scenario, lang: str, *, landcover: bool = False) -> list[str]:
    """The data sources of a scenario's printable map, by file name and attribution.

    Parameters
    ----------
    s
        The scenario.
    lang
        Language of the words.
    landcover
        Whether water and green areas (from OpenStreetMap) are drawn.

    Returns
    -------
    list of str
        One entry per kind of input: the walking network, facilities, each demand layer,
        boundaries, and water/green areas when drawn. File names only, never folders.
    """
    nw = s.network
    sep = t(lang, "map.sep")
    if nw.path is not None:
        what = Path(nw.path).name
    else:
        what = t(lang, "print.src.download", what=nw.place or t(lang, "print.src.this_area"))
    out = [t(lang, "print.src.network", what=f"{what}{sep}{_OSM}")]
    files = [Path(layer.path).name for layer in s.facilities if layer.path is not None]
    if files:
        out.append(t(lang, "print.src.facilities", what=sep.join(files)))
    for layer in s.demand:
        kind = kind_label(layer.kind or "workers", lang)
        if layer.path is None:  # estimated from OSM building footprints
            what = t(lang, "print.src.buildings", osm=_OSM)
        else:
            what = Path(layer.path).name
            if layer.is_raster and "worldpop" in what.lower():
                what = f"{what}{sep}WorldPop (worldpop.org)"
        out.append(t(lang, "print.src.demand", kind=kind, what=what))
    bounds = [Path(p).name for p in (s.area.path, s.area.subdistricts) if p is not None]
    if bounds:
        out.append(t(lang, "print.src.boundaries", what=sep.join(bounds)))
    if landcover:
        out.append(t(lang, "print.src.landcover", osm=_OSM))
    return out


def footer_lines(
    lang: str, date: str, sources: Sequence[str], speed_kmh: float | None, width: int
) -> list[str]:
    """The lines under the map: coordinates, method, date; then the sources, wrapped.

    ``width`` is the line length in Latin characters (a Chinese character counts two).
    """
    parts = [t(lang, "print.coords")]
    if speed_kmh is not None:
        parts.append(t(lang, "print.method", speed=f"{speed_kmh:g}"))
    if date:
        parts.append(t(lang, "print.date", date=date))
    lines = [t(lang, "print.sep").join(parts)]
    if sources:
        text = t(lang, "print.sources", sources=t(lang, "print.sources_sep").join(sources))
        lines += _wrap(text, width)
    return lines


def _width(text: str) -> int:
    return sum(1 if c.isascii() else 2 for c in text)


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` (see :func:`footer_lines`), broken at spaces where possible."""
    lines: list[str] = []
    line = ""
    for ch in text:
        if _width(line + ch) > width:
            cut = line.rfind(" ")
            if cut > len(line) // 2:  # break at the last space when it is not far back
                lines.append(line[:cut])
                line = line[cut + 1 :]
            else:
                lines.append(line)
                line = ""
        line += ch
    return [*lines, line] if line else lines


def draw_kpi_box(fig: Figure, rows: Sequence[tuple[str, str]], lang: str, top: float) -> float:
    """The key-figure box in the right column from ``top`` (figure fraction) down.

    Returns the figure fraction of its lower edge (``top`` without rows).
    """
    from matplotlib.patches import FancyBboxPatch

    if not rows:
        return top
    size = 8.5
    line = 1.55 * size / (fig.get_figheight() * 72)  # one row, in figure fraction
    height = line * (len(rows) + 1.6)
    x0, x1 = 0.775, 0.985
    bottom = top - height
    fig.add_artist(
        FancyBboxPatch(
            (x0, bottom),
            x1 - x0,
            height,
            boxstyle="round,pad=0.004",
            transform=fig.transFigure,
            facecolor="#f7f7f7",
            edgecolor="#888",
            linewidth=0.8,
        )
    )
    y = top - 0.8 * line
    fig.text(x0 + 0.006, y, t(lang, "print.kpi_head"), fontsize=10, fontweight="bold", va="center")
    for k, (label, value) in enumerate(rows):
        y = top - (k + 1.9) * line
        bold = "bold" if k < 2 else "normal"  # the headline figures
        fig.text(x0 + 0.006, y, label, fontsize=size, va="center")
        fig.text(x1 - 0.006, y, value, fontsize=size, va="center", ha="right", fontweight=bold)
    return bottom
