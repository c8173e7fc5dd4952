"""The page: images (curve, before/after static maps) and the sections.

They are assembled as one self-contained HTML string, and written atomically.

The report renders results handed to it (a :class:`coverage.results.Run` and, optionally, a
:class:`coverage.planning.PlanRun`); it never runs the pipeline (``coverage.pipeline.report``
does, then calls :func:`write_report`).
"""

from __future__ import annotations

import base64
import datetime as dt
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

from coverage import figures
from coverage import io as cio
from coverage._version import __version__
from coverage.i18n import lang_or_default, t
from coverage.i18n.values import served_notes, unsolved_notes
from coverage.maps.plan import PROPOSED_MARKER
from coverage.report import sections
from coverage.report.after import AfterPlan, after_plan, proposed_label
from coverage.report.conclusion import conclusion
from coverage.report.pieces import CSS
from coverage.report.pieces import esc as _e

if TYPE_CHECKING:
    from coverage.results import PlanResult, Run

__all__ = ["MAP_DPI", "build_report", "curve_png", "data_uri", "static_map_png", "write_report"]

Progress = Callable[[str], None]

#: Resolution of the embedded static maps: sharp on screen and on A4, a few hundred kB each.
MAP_DPI = 110

_quiet_fonts = figures.quiet_fonts


def _noop(_: str) -> None:
    pass


def data_uri(png: bytes) -> str:
    """A PNG as a ``data:`` URI, so the page needs no other file."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def curve_png(after: AfterPlan, *, lang: str | None = None, dpi: int = 150) -> bytes:
    """PNG of covered share against the number of new sites (:func:`coverage.figures.curve_png`).

    Parameters
    ----------
    after
        Coverage with the plan (:func:`after_plan`).
    lang
        ``"zh"`` or ``"en"`` (default :data:`coverage.settings.lang`).
    dpi
        Resolution of the PNG.

    Returns
    -------
    bytes
        The PNG file.
    """
    return figures.curve_png(after.curve, lang=lang, dpi=dpi)


def static_map_png(
    facilities: gpd.GeoDataFrame,
    demand: gpd.GeoDataFrame,
    tier_catchments: gpd.GeoDataFrame | None,
    area: Any,
    *,
    lang: str | None = None,
    title: str = "",
    dpi: int = MAP_DPI,
    thresholds: Any = None,
    styles: Any = None,
) -> bytes:
    """PNG bytes of :func:`coverage.figures.save_static_map` (written to a temporary file).

    Parameters
    ----------
    facilities
        Facilities to draw, as for :func:`coverage.figures.save_static_map`.
    demand
        Demand points, covered or not.
    tier_catchments
        Catchments per tier and band, or None.
    area
        The study area (WGS-84), or None.
    lang
        ``"zh"`` or ``"en"`` (default :data:`coverage.settings.lang`).
    title
        Title (a default title when empty).
    dpi
        Resolution of the PNG.
    thresholds
        Walking threshold in minutes per tier (bands up to it are drawn).
    styles
        Markers of some tiers over their own (:func:`coverage.figures.save_static_map`): the
        proposed sites as the plan map's stars.

    Returns
    -------
    bytes
        The PNG file.
    """
    with tempfile.TemporaryDirectory(prefix="coverage-report-") as tmp:
        path = Path(tmp) / "map.png"
        with _quiet_fonts():
            figures.save_static_map(
                facilities, demand, tier_catchments, area, path,
                lang=lang, dpi=dpi, title=title, thresholds=thresholds, styles=styles,
            )  # fmt: skip
        return path.read_bytes()


def _header(run: Run, title: str, lang: str, today: dt.date | None) -> list[str]:
    s = run.scenario
    subtitle = t(lang, "report.subtitle", minutes=f"{s.walk_model().threshold_min:g}")
    date = (today or dt.date.today()).isoformat()
    # The file's name only: the page is handed over, the planner's folders stay private.
    source = Path(s.source).name if s.source else "–"
    meta = t(lang, "report.meta", date=date, name=s.name, source=source)
    return [
        "<header>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="sub">{_e(subtitle)}</p>',
        f'<p class="meta">{_e(meta)}</p>',
        "</header>",
    ]


def _curve(after: AfterPlan, lang: str) -> str:
    img = data_uri(curve_png(after, lang=lang))
    return (
        f'<section><h2>{_e(t(lang, "report.curve"))}</h2><figure class="curve">'
        f'<img src="{img}" alt="{_e(t(lang, "report.curve"))}">'
        f"<figcaption>{_e(t(lang, 'report.curve_caption', n=after.k))}</figcaption>"
        "</figure></section>"
    )


def _after_map(run: Run, after: AfterPlan, title: str, lang: str) -> tuple[bytes, str, str]:
    """The "after" static map, its caption and the extra sentence for the maps' caption."""
    cov = run.coverage
    tiers = after.sites["tier"].astype(str).unique()
    label = {t: proposed_label(t, lang) for t in tiers}
    # On the map in the language it is drawn in: English without a Chinese font, never boxes.
    drawn = {t: proposed_label(t, figures.drawn_lang(lang)) for t in tiers}
    fac = pd.concat(
        [
            cov.facilities[["tier", "geometry"]],
            after.sites[["geometry"]].assign(tier=after.sites["tier"].astype(str).map(drawn)),
        ],
        ignore_index=True,
    )
    fac = gpd.GeoDataFrame(fac, geometry="geometry", crs=4326)
    dem = cov.demand[["weight", "geometry"]].assign(covered=after.covered, n_reach=after.n_reach)
    after_title = t(lang, "report.map_after", n=after.k)
    after_png = static_map_png(
        fac,
        dem,
        after.tier_catchments,
        run.layers.area,
        lang=lang,
        title=f"{title} · {after_title}",
        # the proposed sites' own (their label is a tier of its own): the default otherwise
        thresholds={
            **cov.thresholds,
            **{lab: run.scenario.walk_model().threshold_for(t) for t, lab in drawn.items()},
        },
        styles={proposed: PROPOSED_MARKER for proposed in drawn.values()},  # as the plan map's
    )
    bands = "/".join(f"{b:g}" for b in after.bands_min)
    caption = t(
        lang,
        "report.maps_caption_after",
        label="/".join(label.values()),
        bands=t(lang, "report.minutes", m=bands),
    )
    return after_png, after_title, caption


def _maps(run: Run, after: AfterPlan | None, title: str, lang: str) -> str:
    cov = run.coverage
    before_png = static_map_png(
        cov.facilities,
        cov.demand,
        run.tier_catchments,
        run.layers.area,
        lang=lang,
        title=f"{title} · {t(lang, 'report.map_before')}",
        thresholds=cov.thresholds,
    )
    pngs = [(before_png, t(lang, "report.map_before"))]
    caption = t(lang, "report.maps_caption")
    if after is not None and after.k:
        after_png, after_title, more = _after_map(run, after, title, lang)
        pngs.append((after_png, after_title))
        caption += " " + more
    # A click shows a map full size (its legend is small beside the other): the figure is the
    # link's target (report.css, figure:target), so the page needs no script.
    close = _e(t(lang, "report.maps_close"))
    imgs = "".join(
        f'<figure id="map-{i}"><a class="zoom" href="#map-{i}"><img src="{data_uri(png)}" '
        f'alt="{_e(cap)}"></a><figcaption>{_e(cap)}</figcaption>'
        f'<a class="close" href="#maps" title="{close}">×</a></figure>'
        for i, (png, cap) in enumerate(pngs, start=1)
    )
    cls = "pair" if len(pngs) == 2 else ""
    zoom = f'<span class="screen">{_e(t(lang, "report.maps_zoom"))}</span>'
    return (
        f'<section class="images" id="maps"><h2>{_e(t(lang, "report.maps"))}</h2>'
        f'<div class="{cls}">{imgs}</div><p class="small">{_e(caption)} {zoom}</p></section>'
    )


def build_report(
    run: Run,
    plan: PlanResult | None,
    *,
    lang: str | None = None,
    notes: Sequence[str] = (),
    today: dt.date | None = None,
    progress: Progress = _noop,
) -> str:
    """The report as one self-contained HTML page.

    Parameters
    ----------
    run
        A scenario run (:func:`coverage.pipeline.run`, ``write=False`` is enough).
    plan
        A site plan for the same scenario (:func:`coverage.pipeline.plan`), or None to leave out
        the curve, the "after" map and the proposed sites.
    lang
        ``"zh"`` or ``"en"`` (default: the run's scenario's ``lang``, which is
        :data:`coverage.settings.lang` when its file sets none).
    notes
        Extra lines for the data notes (e.g. why there is no plan).
    today
        Date printed in the header (default: today).
    progress
        Called with a line for each step (the command line's spinner); default: nothing.

    Returns
    -------
    str
        HTML with inline CSS and base64 PNG images: no scripts, no external links.
    """
    lang = lang_or_default(run.scenario.lang if lang is None else lang)
    s = run.scenario
    title = s.display_title(lang)
    after = None
    if plan is not None:
        progress(t(lang, "console.step.report_sites"))
        after = after_plan(run, plan, lang=lang)
    # Page 1 on paper: the conclusion and the key figures, nothing else.
    parts = ['<div class="summary">', *_header(run, title, lang, today)]
    served = served_notes(plan.plans, lang) if plan is not None else []  # with capacities
    unsolved = unsolved_notes(plan.plans, lang) if plan is not None else []  # no plan in time
    served += unsolved
    parts.append(conclusion(run, after, lang, served))
    cards = sections.kpi_cards(run, after, lang)
    parts.append(f"<section><h2>{_e(t(lang, 'report.kpis'))}</h2>{cards}</section></div>")
    subs = sections.subdistrict_table(run, after, lang)
    if subs:
        parts.append(f"<section><h2>{_e(t(lang, 'report.subdistricts'))}</h2>{subs}</section>")
    tiers = sections.tier_table(run, lang)
    parts.append(f"<section><h2>{_e(t(lang, 'report.by_tier'))}</h2>{tiers}</section>")
    extra = list(notes)
    with _quiet_fonts():  # the figures together: at most one line when Chinese cannot show
        if after is not None and after.k:
            progress(t(lang, "console.step.report_curve"))
            parts.append(_curve(after, lang))
        elif after is not None and not unsolved:  # else page 1 says why there is none
            extra.append(t(lang, "report.no_plan", reason=t(lang, "report.no_new_sites")))
        progress(t(lang, "console.step.report_maps"))
        parts.append(_maps(run, after, title, lang))
    if after is not None and after.k:
        n = min(sections.TOP_SITES, after.k)
        parts.append(
            f"<section><h2>{_e(t(lang, 'report.sites', n=n))}</h2>"
            f"{sections.sites_table(run, after, lang)}</section>"
        )
    parts.append(f"<section><h2>{_e(t(lang, 'report.data'))}</h2>")
    parts.append(sections.data_notes(run, lang, extra))
    parts.append(f"</section><section><h2>{_e(t(lang, 'report.method'))}</h2>")
    parts.append(f"{sections.method_notes(run, plan, lang)}</section>")
    parts.append(f"<footer>{_e(t(lang, 'report.footer', version=__version__))}</footer>")
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(t(lang, 'report.doc_title', title=title))}</title>\n<style>{CSS}</style>\n"
        f"</head>\n<body>\n<main>\n{''.join(parts)}\n</main>\n</body>\n</html>\n"
    )


def write_report(
    run: Run,
    plan: PlanResult | None,
    path: str | Path,
    *,
    lang: str | None = None,
    notes: Sequence[str] = (),
    progress: Progress = _noop,
) -> Path:
    """Build the page (:func:`build_report`) and write it to ``path`` atomically.

    Parameters
    ----------
    run
        A scenario run, as for :func:`build_report`.
    plan
        A site plan for it, or None.
    path
        The HTML file to write.
    lang
        ``"zh"`` or ``"en"`` (default: the run's scenario's ``lang``, which is
        :data:`coverage.settings.lang` when its file sets none).
    notes
        Extra lines for the data notes.
    progress
        Called with a line for each step; default: nothing.

    Returns
    -------
    Path
        The file written.
    """
    lang = lang_or_default(run.scenario.lang if lang is None else lang)
    page = build_report(run, plan, lang=lang, notes=notes, progress=progress)
    progress(t(lang, "console.step.writing", path=path))
    return cio.write_text(Path(path), page)
