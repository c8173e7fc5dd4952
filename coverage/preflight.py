"""What is checked before the long work of a command: its arguments and where it will write.

A mistyped results folder, a read-only map folder or a cache outside the scenario's folder
should stop a command at once, not after minutes of routing; :mod:`coverage.pipeline` and
:mod:`coverage.single_steps` call these first.
"""

from __future__ import annotations

import numbers
import os
from pathlib import Path

import numpy as np

from coverage import io as cio
from coverage.errors import ArgumentError, Msg, OutputError, ScenarioError
from coverage.scenario import Scenario, load_scenario
from coverage.scenario.sections import check_tianditu_key

__all__ = [
    "check_basemap",
    "check_catchment_args",
    "check_file",
    "check_flag",
    "check_outputs",
    "check_print_args",
    "check_report_paths",
    "check_writes",
    "scenario_of",
]

_PRINTS = (".png", ".pdf")  # what the printable map writes


def scenario_of(scenario: object) -> Scenario:
    """A loaded scenario, or the one a path names; anything else is a clear TypeError."""
    if isinstance(scenario, Scenario):
        return scenario
    if not isinstance(scenario, (str, os.PathLike)):
        raise TypeError(
            "scenario must be a path to a scenario file (str or pathlib.Path) or a loaded "
            f"Scenario, not {type(scenario).__name__}"
        )
    return load_scenario(Path(scenario))


def check_flag(name: str, value: object) -> None:
    """``write="no"`` is truthy: refuse anything but a bool rather than write by surprise."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, not {value!r}")


def check_catchment_args(bands: object, method: object) -> None:
    """``bands=[5, 10, 15]`` (minutes above 0) and ``method="grid"``/``"exact"``, or one line.

    None (or no bands) keeps the scenario's. Raises :class:`~coverage.errors.ArgumentError`.

    Parameters
    ----------
    bands
        The bands asked for.
    method
        The method asked for.
    """
    if bands is not None and not (
        isinstance(bands, (list, tuple, np.ndarray))
        and all(
            isinstance(b, numbers.Real)
            and not isinstance(b, (bool, np.bool_))
            and 0 < float(b) < float("inf")
            for b in bands
        )
    ):
        what = Msg("error.scenario.argument", name="bands", value=repr(bands))
        raise ArgumentError(what + Msg("error.scenario.bands_positive"))
    if method not in (None, "grid", "exact"):
        what = Msg("error.scenario.argument", name="method", value=repr(method))
        raise ArgumentError(what + Msg("error.plan.use", choices="grid, exact"))


def check_print_args(print_path: object, paper: object) -> None:
    """``print_path`` a ``.png``/``.pdf`` file and ``paper`` A4 or A3 (None: the scenario's).

    Checked before the map's long work, as the command line checks ``--print`` and ``--paper``.
    Raises :class:`~coverage.errors.ArgumentError`.

    Parameters
    ----------
    print_path
        The printable map asked for, or None.
    paper
        The paper size asked for, or None.
    """
    if paper is not None and paper not in ("A4", "A3"):
        what = Msg("error.scenario.argument", name="paper", value=repr(paper))
        raise ArgumentError(what + Msg("error.output.paper"))
    if print_path is not None and (
        not isinstance(print_path, (str, Path)) or Path(print_path).suffix.lower() not in _PRINTS
    ):
        what = Msg("error.scenario.argument", name="print_path", value=repr(str(print_path)))
        raise ArgumentError(what + Msg("error.output.print_suffix"))


def check_basemap(s: Scenario) -> None:
    """Fail fast, before the long work, when the map is to show Tianditu first without a key.

    Only where a map is drawn: reading the scenario, its network or its catchments needs no
    key, and ``--basemap`` may have replaced the setting.

    Parameters
    ----------
    s
        The scenario: ``[output] basemap`` and ``tianditu_key`` (or ``TIANDITU_KEY``).

    Raises
    ------
    ScenarioError
        One line naming where the key goes.
    """
    try:
        check_tianditu_key(s.output.basemap, s.output.tianditu_key)
    except ValueError as exc:
        raise ScenarioError(exc.args[0], s.source) from None


def check_outputs(s: Scenario, *folders: Path, map_path: Path | None = None) -> None:
    """Fail fast, before the long work, when the results cannot be written.

    Checks the results folder, the map's folder (``map_path``, default the scenario's map) and
    any other ``folders`` (created if missing) and that the map is not in the way of a folder,
    and that the map's basemap has its key (:func:`check_basemap`). Raises
    :class:`~coverage.errors.OutputError` (:class:`~coverage.errors.ScenarioError` for the key).

    Parameters
    ----------
    s
        The scenario: its results folder and map.
    *folders
        Further folders to check (created if missing).
    map_path
        The map to write; None: the scenario's.
    """
    check_basemap(s)
    map_path = s.map_path if map_path is None else Path(map_path)
    targets = [s.output_dir, map_path.parent, *folders]
    if s.output.print_map is not None:
        targets.append(Path(s.output.print_map).parent)
    for folder in dict.fromkeys(Path(p) for p in targets):
        cio.check_writable(folder)
    if map_path.is_dir():
        raise OutputError(Msg("error.output.map_is_folder"), map_path)


def check_file(path: Path, folder_msg: str = "error.output.reason.folder_in_way") -> None:
    """Fail fast, before the long work, when a file cannot be written there.

    A folder of that name in the way, or a folder that cannot take the file (read-only, a file
    in its place), raises :class:`~coverage.errors.OutputError` naming the path.

    Parameters
    ----------
    path
        The file to write (its folder is created if missing).
    folder_msg
        Catalogue key of the message for a folder in the file's place.
    """
    if path.is_dir():
        raise OutputError(Msg(folder_msg), path)
    cio.check_writable(path.parent)


def check_report_paths(report: Path, map_path: Path | None) -> None:
    """Fail fast, before the long work, when the report (or its map) cannot be written there."""
    check_file(report, "error.output.report_is_folder")
    if map_path is not None:
        check_file(map_path, "error.output.map_is_folder")


def check_writes(s: Scenario, keys: list[str]) -> None:
    """Refuse the scenario's unsafe write paths that this run will use, before loading anything.

    The network cache is always among them: downloads go there, a network file's prepared copy
    and the map's outlines too.
    """
    s.check_writes([*keys, "[network] cache_dir"])
