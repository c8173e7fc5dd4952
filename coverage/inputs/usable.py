"""The check that a run has something to count: usable facility and demand rows, or why not.

:func:`check_usable` runs after :func:`coverage.inputs.read_layers`: a layer group with no row
left fails in one line naming its files and how many rows were skipped, then the first reasons,
one line each (all of them in ``problems.csv``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from coverage import io as cio
from coverage.errors import InputError, Msg, Problem
from coverage.i18n import LANGS
from coverage.inputs.problems import problems_frame

if TYPE_CHECKING:
    from coverage.inputs.layers import Layers
    from coverage.scenario import Scenario

__all__ = ["FIRST_REASONS", "check_usable"]


#: How many reasons the "no usable rows" error lists before pointing to problems.csv.
FIRST_REASONS = 5


def check_usable(
    s: Scenario, layers: Layers, problems_csv: Path | None = None, *, facilities: bool = True
) -> None:
    """Fail when no facility or no demand row is left, saying why.

    Parameters
    ----------
    s, layers
        The scenario and its layers as :func:`coverage.inputs.read_layers` returned them.
    problems_csv
        Where to write every problem first (``coverage run`` writes ``problems.csv`` in the
        results folder, so the message points to a file that exists); None writes nothing.
    facilities
        False: the demand only (an audit's district that no facility stands near has none,
        and is 0 % covered; without usable demand it has no figures either).

    Raises
    ------
    InputError
        One line saying which layer has no usable rows and how many problems were found, then
        the first :data:`FIRST_REASONS` of them, one line each.
    """
    empty = [
        (what, group)
        for what, frame, group in (
            ("facility", layers.facilities, s.facilities),
            ("demand", layers.demand, s.demand),
        )
        if len(frame) == 0 and (facilities or what == "demand")
    ]
    if not empty:
        return
    written = None
    if problems_csv is not None:
        from coverage.table_words import localize  # the same words as the run's problems.csv

        written = cio.write_csv(
            problems_csv, localize(problems_frame(layers.problems, s.lang, s.folder), s.lang)
        )
    what, group = empty[0]
    if not group:
        section = "demand" if what == "demand" else "facilities"
        raise InputError(Msg("error.input.no_layer_section", section=section), s.source)
    files = {str(s.input_path(layer.path)) for layer in group if layer.path is not None}
    skipped = [p for p in layers.problems if p.path in files and p.action == "skipped"]
    rows = len({(p.path, p.row) for p in skipped if p.row is not None})
    names = ", ".join(sorted(Path(f).name for f in files))
    kind = Msg(f"error.input.{what}")
    if not skipped:
        head = Msg("error.input.no_data_rows", what=kind, names=names)
    else:
        listed = Msg("error.input.all_listed", path=written) if written else ""
        n = len(skipped)
        head = Msg(
            "error.input.no_usable_rows",
            what=kind,
            names=names,
            skipped=Msg("error.input.rows_skipped", n=rows),
            n=n,
            listed=listed,
        )
    lines = [head, *(_reason_line(p) for p in skipped[:FIRST_REASONS])]
    if len(skipped) > FIRST_REASONS:
        more = len(skipped) - FIRST_REASONS
        lines.append(
            Msg("error.input.and_more_in", n=more, path=written)
            if written
            else Msg("error.input.and_more", n=more)
        )
    raise InputError(lines)


def _reason_line(p: Problem) -> Msg:
    """A problem as a line of the error, in each language (file, row, field: what)."""
    # One line per problem: a line break inside a cell value must not start another.
    text = {lang: p.to_error().text(lang).replace("\n", "\\n") for lang in LANGS}
    return Msg("error.input.reason_line", text=text)
