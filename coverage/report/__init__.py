"""A one-page HTML report for leaders: KPIs, sub-districts, coverage curve, before/after maps.

The page is self-contained (inline CSS, images as base64 PNG data URIs, no scripts), so it can be
mailed, opened offline and printed on A4. Chinese labels by default, English with ``lang="en"``.

Every share on the page uses the same rule as ``coverage run``: a worker is covered when a
facility of some tier is within that tier's walking threshold. The "after" figures add the
proposed sites to the existing facilities under the same rule, so the curve starts at the
headline share; they equal the optimiser's own figures in ``plan_summary.csv``, which count
existing facilities with their own tier's threshold too.

The report renders results handed to it and never runs the pipeline; to run a scenario and its
plan and write the report in one go, use :func:`coverage.pipeline.report` (``coverage report``)::

    from coverage import pipeline, report
    pipeline.report("data/wuhan/scenario.toml")               # results/wuhan/report.html
    html = report.build_report(run, plan_run, lang="en")      # from pipeline.run / pipeline.plan
    report.write_report(run, plan_run, "report.html")

Its words are in :mod:`coverage.i18n` (keys ``report.*``). Modules:
:mod:`~coverage.report.text` (defaults), :mod:`~coverage.report.pieces` (escaped
cells, cards, ``report.css``), :mod:`~coverage.report.after` (coverage after the plan),
:mod:`~coverage.report.sections` (tables and notes), :mod:`~coverage.report.build` (images and
the page).
"""

from coverage.report.after import AfterPlan, after_plan
from coverage.report.build import MAP_DPI, build_report, curve_png, static_map_png, write_report
from coverage.report.pieces import CSS
from coverage.report.sections import MAX_PROBLEMS, TOP_SITES
from coverage.report.text import DEFAULT_ADD, check_lang

__all__ = [
    "CSS",
    "DEFAULT_ADD",
    "MAP_DPI",
    "MAX_PROBLEMS",
    "TOP_SITES",
    "AfterPlan",
    "after_plan",
    "build_report",
    "check_lang",
    "curve_png",
    "static_map_png",
    "write_report",
]
