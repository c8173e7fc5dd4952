"""The printable map: catchments, facilities and gaps on paper (PNG or PDF) with matplotlib.

It draws what :func:`coverage.maps.coverage_map` draws, with the same words, tier styles and
worker-point classes, in the UTM zone of the data: water and green areas when known, catchment
bands up to each tier's standard (outlined and hatched per tier, so that overlapping catchments
stay apart), sub-district boundaries and names, the study area, covered and uncovered worker
points, facilities by tier, a scale bar, a north arrow, the key figures, a legend, and a line
with the method, the date and the data sources.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from coverage.datum import utm_epsg
from coverage.figures._mpl import require_matplotlib
from coverage.figures.fonts import cjk_font, no_cjk_font, quiet_fonts
from coverage.figures.print_layers import TIER_HATCHES, draw_landcover, draw_subdistricts
from coverage.figures.print_notes import draw_kpi_box, footer_lines, kpi_rows
from coverage.i18n import LANGS, lang_or_default, t
from coverage.io import write_with
from coverage.maps.demand import demand_classes, demand_label
from coverage.maps.geometry import area_geometry, wgs84
from coverage.maps.layers import BAND_OPACITY, shown_band
from coverage.maps.tiers import Tiers, normalize_tier, tier_label
from coverage.maps.values import band_text, missing
from coverage.scenario.defaults import setting

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType

__all__ = ["save_static_map"]

log = logging.getLogger(__name__)

_PAPER_IN = {"A4": (11.69, 8.27), "A3": (16.54, 11.69)}  # landscape, inches

# matplotlib markers of the tier shapes (the interactive map draws them as SVG).
_MARKERS = {"square": "s", "diamond": "D", "circle": "o", "triangle": "^", "star": "*"}

_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def save_static_map(
    facilities: gpd.GeoDataFrame,
    demand: gpd.GeoDataFrame | None,
    tier_catchments: gpd.GeoDataFrame | None,
    area: shapely.Geometry | None,
    path: str | Path,
    *,
    lang: str | None = None,
    paper: str = "A4",
    dpi: int = 200,
    title: str = "",
    thresholds: Mapping[str, float] | None = None,
    subdistricts: gpd.GeoDataFrame | None = None,
    kpis: Mapping[str, float] | None = None,
    date: str = "",
    sources: Sequence[str] = (),
    speed_kmh: float | None = None,
    landcover: gpd.GeoDataFrame | None = None,
    styles: Mapping[str, Mapping[str, Any]] | None = None,
) -> Path:
    """Printable map (PNG or PDF by the file suffix) of catchments, facilities and gaps.

    Parameters
    ----------
    facilities, demand, tier_catchments, area
        As for :func:`coverage.maps.coverage_map` (EPSG:4326); only uncovered worker points
        are drawn prominently, covered ones faintly.
    path
        ``.png`` or ``.pdf`` target, written atomically.
    lang
        ``"zh"`` or ``"en"`` (default :data:`coverage.settings.lang`). Without a Chinese font matplotlib can find, English labels are
        used and one line says so (install e.g. ``fonts-noto-cjk``): Chinese names and titles
        cannot show.
    paper
        ``"A4"`` or ``"A3"``, landscape.
    dpi
        Resolution of a PNG.
    title
        Title (a default title when empty).
    thresholds
        Walking threshold (minutes) per tier: only bands up to it are drawn for that tier
        (default ``settings.threshold_min``).
    subdistricts
        Sub-district polygons with a ``name`` column: boundaries and names drawn.
    kpis
        Figures of the key-figure box (as :meth:`coverage.analysis.Coverage.kpis`): the share
        covered overall and per demand kind, the people not covered, each tier's share.
    date, sources, speed_kmh
        For the line under the map: the date, the data sources (see
        :func:`coverage.figures.print_notes.print_sources`) and the walking speed.
    landcover
        Water and green polygons (``kind`` ``water``/``green``, any CRS) drawn underneath.
    styles
        Marker (``color``, ``shape``, ``size``) of some tiers over their own, their catchments
        drawn in that colour too: the report's proposed sites as the interactive map's stars.

    Returns
    -------
    Path
        The written file.
    """
    require_matplotlib()
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    lang = lang_or_default(lang)
    path, fmt = _target(path, lang, paper)
    # One line, not a warning per glyph, when Chinese names or titles cannot be drawn.
    with quiet_fonts():
        font = cjk_font()
        rc, lang, title = _font_setup(font, lang, title)
        facilities = wgs84(facilities)
        demand, tier_catchments = wgs84(demand), wgs84(tier_catchments)
        area = area_geometry(area)
        crs = _utm(area, [g for g in (facilities, demand) if g is not None and len(g)])
        n_fac = 0 if facilities is None else len(facilities)
        fac_tiers = _tier_codes(facilities) or ["other"] * n_fac
        band_tiers = _tier_codes(tier_catchments)
        tiers = Tiers([*fac_tiers, *band_tiers])
        for tier, style in (styles or {}).items():
            if tier in tiers.style:
                tiers.style[tier] = {**tiers.style[tier], **style}

        with rc_context(rc):
            fig = Figure(figsize=_PAPER_IN[paper], dpi=dpi)
            FigureCanvasAgg(fig)
            ax = fig.add_axes((0.02, 0.08, 0.74, 0.84))
            ax.set_axis_off()
            ax.set_aspect("equal")
            handles: list[Artist] = []
            if landcover is not None and len(landcover):
                handles += draw_landcover(ax, landcover, crs, lang)
            if tier_catchments is not None and len(tier_catchments):
                bands = _Bands(tier_catchments, band_tiers, thresholds or {})
                handles += _draw_catchments(ax, bands, tiers, crs, lang)
            subs = wgs84(subdistricts)
            if subs is not None and len(subs):
                handles += draw_subdistricts(ax, subs, crs, lang, font)
            if area is not None:
                handles += _draw_area(ax, area, crs, lang)
            if demand is not None and len(demand):
                handles += _draw_demand(ax, demand, crs, lang, thresholds)
            if facilities is not None and len(facilities):
                handles += _draw_facilities(ax, facilities, fac_tiers, tiers, crs, lang, font)
            _frame(ax, area, crs)
            _scale_bar(ax, lang)
            _north_arrow(ax, lang)
            top = draw_kpi_box(fig, kpi_rows(kpis or {}, lang, thresholds), lang, 0.91)
            _titles(fig, title, handles, lang, top)
            _footer(fig, footer_lines(lang, date, sources, speed_kmh, _line_width(fig)))

            def writer(tmp: Path) -> None:
                fig.savefig(tmp, format=fmt, dpi=dpi)

            return write_with(path, writer)


def _target(path: str | Path, lang: str, paper: str) -> tuple[Path, str]:
    """The checked target and its format (``png`` or ``pdf``)."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    if paper not in _PAPER_IN:
        raise ValueError(f"paper must be one of {tuple(_PAPER_IN)}, not {paper!r}")
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("png", "pdf"):
        raise ValueError(f"save_static_map writes .png or .pdf, not {path.suffix!r}")
    return path, fmt


def _font_setup(font: str | None, lang: str, title: str) -> tuple[dict[RcKeyType, Any], str, str]:
    """matplotlib settings, language and title: English without a font for Chinese."""
    # Names and titles are shown as written: "$...$" in them is not mathtext.
    rc: dict[RcKeyType, Any] = {
        "axes.unicode_minus": False,
        "hatch.linewidth": 0.7,
        "pdf.fonttype": 42,
        "text.parse_math": False,
    }
    if font:
        rc["font.family"] = [font, "sans-serif"]
    elif lang == "zh" or _NON_ASCII.search(title):
        no_cjk_font()  # said once, in the console's language
        lang = "en"
        if _NON_ASCII.search(title):
            title = ""
    return rc, lang, title or t(lang, "map.title")


def _utm(area: shapely.Geometry | None, layers: list[gpd.GeoDataFrame]) -> int:
    """EPSG code of the UTM zone of the area, else of the layers' points."""
    if area is not None:
        c = shapely.centroid(area)
        return utm_epsg([c.x], [c.y])
    if layers:
        pts = shapely.point_on_surface(pd.concat([g.geometry for g in layers]).to_numpy())
        return utm_epsg(shapely.get_x(pts), shapely.get_y(pts))
    raise ValueError("nothing to draw: no facilities, demand or area")


def _tier_codes(frame: gpd.GeoDataFrame | None) -> list[str]:
    """Tier code per row ([] without a layer or a ``tier`` column)."""
    if frame is not None and "tier" in frame:
        return [normalize_tier(t) for t in frame["tier"]]
    return []


class _Bands:
    """Tier catchments with their tier code (``_tier``), band (``_band``) and thresholds."""

    def __init__(
        self, frame: gpd.GeoDataFrame, band_tiers: list[str], thresholds: Mapping[str, float]
    ):
        self.frame = frame
        self.tiers = band_tiers or ["other"] * len(frame)
        self.limits = {normalize_tier(t): float(v) for t, v in thresholds.items()}

    def limit(self, tier: str) -> float:
        """The walking threshold of ``tier`` (minutes)."""
        # the setting only when no threshold is given: reading it checks it
        return float(self.limits[tier] if tier in self.limits else setting("threshold_min"))


def _draw_catchments(ax: Axes, bands: _Bands, tiers: Tiers, crs: int, lang: str) -> list[Artist]:
    """Each tier's bands up to its threshold; the centre on top, but first in the legend."""
    from matplotlib.colors import to_rgba
    from matplotlib.patches import Patch

    tc = bands.frame.to_crs(crs).assign(
        _tier=bands.tiers,
        _band=pd.to_numeric(bands.frame.get("band_min", np.nan), errors="coerce"),
    )
    handles: list[Artist] = []
    hatch = {tier: TIER_HATCHES[k % len(TIER_HATCHES)] for k, tier in enumerate(tiers.order)}
    for tier in reversed(tiers.order):
        part = tc[tc["_tier"] == tier]
        if not len(part):
            continue
        color = tiers.style[tier]["color"]
        all_bands = sorted(set(part["_band"].dropna()))
        top = shown_band(all_bands, bands.limit(tier)) if all_bands else np.nan
        part = part[~(part["_band"] > top)]  # bands beyond the tier's standard: not drawn
        for band in sorted(set(part["_band"].dropna()), reverse=True) or [np.nan]:
            sub = part if np.isnan(band) else part[part["_band"] == band]
            outer = np.isnan(band) or band == top
            # A faint fill per band, the tier's hatching and a firm outline at its standard:
            # where tiers overlap, the hatch directions and outlines still tell them apart.
            fill = to_rgba(color, 0.5 * BAND_OPACITY.get(float(band), 0.15))
            sub.plot(
                ax=ax,
                facecolor=fill,
                edgecolor=color,
                hatch=hatch[tier] if outer else None,
                linewidth=0.9 if outer else 0.4,
                linestyle="-" if outer else (0, (3, 2)),
                zorder=2,
            )
        label = t(
            lang,
            "map.catchment",
            label=tier_label(tier, lang),
            band="≤" + band_text(part["_band"].max()),
        )
        handles.append(
            Patch(
                facecolor=to_rgba(color, 0.15),
                edgecolor=color,
                hatch=hatch[tier],
                linewidth=1.3,
                label=label,
            )
        )
    return handles[::-1]


def _draw_area(ax: Axes, area: shapely.Geometry, crs: int, lang: str) -> list[Artist]:
    """The study area's outline, dashed."""
    from matplotlib.lines import Line2D

    gpd.GeoSeries([area], crs=4326).to_crs(crs).boundary.plot(
        ax=ax, color="#222", linewidth=1.2, linestyle="--", zorder=3
    )
    return [Line2D([], [], color="#222", ls="--", label=t(lang, "map.area"))]


def _point_handle(color: str, ms: float, label: str) -> Artist:
    """A legend entry for worker points."""
    from matplotlib.lines import Line2D

    return Line2D([], [], marker="o", ls="", color=color, ms=ms, label=label)


def _draw_demand(
    ax: Axes,
    demand: gpd.GeoDataFrame,
    crs: int,
    lang: str,
    thresholds: Mapping[str, float] | None = None,
) -> list[Artist]:
    """Uncovered worker points prominent, covered ones faint (all grey without coverage).

    Points whose coverage the frame cannot tell (walk times without the nearest facility's
    tier, :func:`coverage.maps.demand.covered_by_times`) are grey and labelled so.
    """
    dm = demand.to_crs(crs)
    classes = demand_classes(demand, thresholds)
    unc = classes.get("demand_uncovered")
    if unc is None:
        dm.plot(ax=ax, color="#566573", markersize=0.8, zorder=4)
        label = demand_label(lang, "demand", np.ones(len(dm), bool), demand)
        return [_point_handle("#566573", 3, label)]
    handles: list[Artist] = []
    unknown = classes.get("demand", np.zeros(len(dm), dtype=bool))
    covered = dm[~unc & ~unknown]
    if len(covered):
        covered.plot(ax=ax, color="#7f8c8d", markersize=0.6, alpha=0.5, zorder=4)
        label = demand_label(lang, "demand_covered", ~unc & ~unknown, demand)
        handles.append(_point_handle("#7f8c8d", 3, label))
    if unknown.any():
        dm[unknown].plot(ax=ax, color="#566573", markersize=0.8, zorder=4)
        label = demand_label(lang, "demand_unknown", unknown, demand)
        handles.append(_point_handle("#566573", 3, label))
    if unc.any():
        dm[unc].plot(ax=ax, color="#e74c3c", markersize=3, zorder=5)
        label = demand_label(lang, "demand_uncovered", unc, demand)
        handles.append(_point_handle("#e74c3c", 4, label))
    return handles


def _draw_facilities(
    ax: Axes,
    facilities: gpd.GeoDataFrame,
    fac_tiers: list[str],
    tiers: Tiers,
    crs: int,
    lang: str,
    font: str | None,
) -> list[Artist]:
    """Facilities by tier in their tier's shape and colour; centres named."""
    from matplotlib.lines import Line2D

    fc = facilities.to_crs(crs).reset_index(drop=True)
    pts = shapely.point_on_surface(fc.geometry.to_numpy())
    tier_arr = np.asarray(fac_tiers, dtype=object)
    handles: list[Artist] = []
    for tier in tiers.order:
        rows = np.flatnonzero(tier_arr == tier)
        if not len(rows):
            continue
        st = tiers.style[tier]
        mk = _MARKERS.get(st["shape"], "^")
        ax.scatter(
            shapely.get_x(pts[rows]),
            shapely.get_y(pts[rows]),
            marker=mk,
            s=st["size"] ** 2 / 4,
            c=st["color"],
            edgecolors="white",
            linewidths=0.8,
            zorder=10 + (tier == "centre"),
        )
        label = t(lang, "map.count", label=tier_label(tier, lang), n=len(rows))
        handles.append(
            Line2D(
                [],
                [],
                marker=mk,
                ls="",
                color=st["color"],
                markeredgecolor="white",
                ms=st["size"] / 2.5,
                label=label,
            )
        )
        if tier == "centre" and "name" in fc:
            _name_points(ax, fc["name"], pts, rows, font)
    return handles


def _name_points(
    ax: Axes, names: pd.Series, pts: np.ndarray, rows: np.ndarray, font: str | None
) -> None:
    """Names next to the points (only ASCII ones without a font for Chinese)."""
    for r in rows:
        name = names.at[r]
        if not missing(name) and not (font or str(name).isascii()):
            no_cjk_font()  # one line says why the names are not shown
        elif not missing(name):
            ax.annotate(
                str(name),
                (pts[r].x, pts[r].y),
                xytext=(6, 6),
                textcoords="offset points",
                fontsize=7,
                zorder=12,
            )


def _frame(ax: Axes, area: shapely.Geometry | None, crs: int) -> None:
    """Fit the axes to the study area with a small margin (else matplotlib's own limits)."""
    if area is None:
        return
    x0, y0, x1, y1 = gpd.GeoSeries([area], crs=4326).to_crs(crs).total_bounds
    pad = 0.03 * max(x1 - x0, y1 - y0)
    ax.set_xlim(x0 - pad, x1 + pad)
    ax.set_ylim(y0 - pad, y1 + pad)


def _scale_bar(ax: Axes, lang: str) -> None:
    """A plain scale bar in the lower left (axes in metres)."""
    from matplotlib.patches import Rectangle

    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    target = (x1 - x0) / 5
    steps = [50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 50000, 100000]
    length = max([s for s in steps if s <= target] or [steps[0]])
    bx, by, h = x0 + (x1 - x0) * 0.04, y0 + (y1 - y0) * 0.05, (y1 - y0) * 0.008
    for k in range(2):
        ax.add_patch(
            Rectangle(
                (bx + k * length / 2, by),
                length / 2,
                h,
                facecolor="black" if k == 0 else "white",
                edgecolor="black",
                lw=0.8,
                zorder=20,
            )
        )
    if length >= 1000:
        text = t(lang, "print.scale_km", n=length / 1000)
    else:
        text = t(lang, "print.scale_m", n=length)
    ax.text(bx + length / 2, by + 2.2 * h, text, ha="center", va="bottom", fontsize=8, zorder=20)


def _north_arrow(ax: Axes, lang: str) -> None:
    """A north arrow in the upper right (the UTM grid is close enough to north)."""
    ax.annotate(
        t(lang, "print.north"),
        xy=(0.96, 0.95),
        xytext=(0.96, 0.86),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=11,
        fontweight="bold",
        arrowprops={"facecolor": "black", "width": 3, "headwidth": 10, "headlength": 10},
        zorder=20,
    )


def _titles(fig: Figure, title: str, handles: list[Artist], lang: str, top: float) -> None:
    """Title, and the legend on the right from ``top`` (figure fraction) down."""
    fig.suptitle(title, fontsize=16, fontweight="bold", y=0.97)
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.77, top - 0.01),
        fontsize=8,
        frameon=False,
        title=t(lang, "map.legend"),
    )


def _line_width(fig: Figure) -> int:
    """Latin characters of the footer's font size across the page (a CJK one is two)."""
    return int(0.96 * fig.get_figwidth() * 72 / (_FOOTER_PT * 0.55))


_FOOTER_PT = 7.0


def _footer(fig: Figure, lines: list[str]) -> None:
    """Coordinates, method, date and data sources along the bottom of the page."""
    if lines:
        fig.text(
            0.02,
            0.012,
            "\n".join(lines),
            fontsize=_FOOTER_PT,
            color="#444",
            va="bottom",
            linespacing=1.4,
        )
