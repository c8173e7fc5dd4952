"""One audit task per district: its scenario, its content hash, and the run on a worker.

The coordinator writes each district's scenario (``scenario.toml`` in the district's folder:
the district as ``[area]``, the audit's network, registers, demand and walking model, all paths
absolute), so ``coverage run`` on that file reproduces the district's results (with the same
:mod:`coverage.settings`, which the task carries to the worker: see
:mod:`coverage.audit.snapshot`). A task carries only that file's path, a few strings and those
settings: the worker loads the city-wide network itself (once per worker process, kept for
its next districts) and clips it to the district plus the walking margin, exactly as
``coverage run`` does. The city-wide registers are read whole; facilities
outside the district and its margin reach no one in it, those just outside serve its edge.
"""

from __future__ import annotations

import functools
import hashlib
import os
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely

from coverage import io as cio
from coverage import network
from coverage.analysis import Coverage
from coverage.audit.config import Audit, scenario_data
from coverage.audit.districts import District, folder_name
from coverage.audit.figures import (
    district_figures,
    figures_without_people,
    nobody_lives_in,
    people_without_streets,
)
from coverage.audit.registers import (
    EDGE_M,
    Copy,
    Register,
    as_registers,
    district_rows,
    is_register,
    reach_m,
    standing_in,
    to_register,
    write_rows,
)
from coverage.audit.snapshot import Snapshot, applied, in_results, take
from coverage.audit.toml import dumps
from coverage.errors import CoverageError, InputError, NetworkError
from coverage.inputs.demand import demand_kind
from coverage.inputs.layers import Layers
from coverage.inputs.usable import check_usable
from coverage.scenario import Scenario, load_scenario

__all__ = [
    "DistrictTask",
    "FORMAT",
    "NO_STREET",
    "RESULT_FILES",
    "district_folder",
    "file_digests",
    "make_task",
    "previous_record",
    "run_district",
    "source_digest",
]

#: Bumped when what a district's record holds changes: older records are then recomputed.
FORMAT = 2

#: The catalogue key of the error of a district outside the street network (nothing evaluable).
NO_STREET = "error.network.no_street"

#: The catalogue keys of the error of a run left without demand (or facility) rows.
NO_DEMAND = ("error.input.no_data_rows", "error.input.no_usable_rows")

#: The district's table of every input problem, which its notes point to.
_PROBLEMS = "problems.csv"

#: What a district's run writes in its folder: the record first, then ``coverage run``'s
#: results. Removed before the district runs again, so that a district that now fails shows
#: no figures or map of an earlier run beside its error (other files are left alone).
RESULT_FILES = (
    "audit.json", "coverage.gpkg", "coverage.xlsx", "summary.csv", "facilities.csv",
    "demand.csv", "uncovered.csv", "problems.csv", "skipped_rows.csv", "run.json", "map.html",
)  # fmt: skip


@dataclass(frozen=True)
class DistrictTask:
    """What a worker needs for one district (small: no geometry tables, no network)."""

    code: str
    name: str
    folder: str
    scenario: str  # the district's scenario file
    digest: str  # content hash of everything the district's results depend on
    geometry_wkb: bytes  # the district (WGS-84), for the facilities standing in it
    lang: str = "zh"  # the audit's: a failed district's error is recorded in it
    # False: no row of any register stands within reach, so nobody in the district is covered
    served: bool = True
    # the district's copies of the registers, to name their rows as the registers do
    copies: tuple[Copy, ...] = ()
    # rows of the registers whose position lies in the district (facilities_in, if all used)
    registered_in: int = 0
    # the coordinator's coverage.settings, in force on the worker while the task runs
    settings: Snapshot = ()


def district_folder(audit_dir: Path, code: str) -> Path:
    """The results folder of a district: ``<audit dir>/districts/<code>``."""
    return audit_dir / "districts" / folder_name(code)


@functools.cache
def source_digest(root: Path | None = None) -> str:
    """SHA-256 of the package's own files (code, map scripts and styles), by relative path.

    Part of every district's content hash: a change to the code re-runs the districts, even
    when the version number stayed the same (a development checkout, a local fix). Hashed once
    per process; compiled files (``__pycache__``) are left out, they follow the sources.
    """
    root = Path(__file__).resolve().parent.parent if root is None else root
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix in (".pyc", ".pyo"):
            continue
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def file_digests(audit: Audit) -> dict[str, str]:
    """SHA-256 of every input file's content, by key (hashed once per audit run)."""
    # Each district hashes its own polygon and register rows: editing one district, one
    # facility or one demand point re-runs only the districts it touches.
    own = {"districts.path", *(f"facilities[{i}].path" for i in range(len(audit.facilities)))}
    own |= {f"demand[{i}].path" for i, layer in enumerate(audit.demand) if is_register(layer)}
    out = {}
    for key, path in audit.input_files():
        if key in own:
            continue
        h = hashlib.sha256()
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        out[key] = h.hexdigest()
    return out


def _by_content(data: Any, places: dict[str, str]) -> Any:
    """``data`` with each path in ``places`` (or under it) written as its label instead.

    A district's hash follows its inputs' content, hashed apart, not where they lie: a register
    moved or renamed with the same bytes leaves its districts as they were.
    """
    if isinstance(data, dict):
        return {k: _by_content(v, places) for k, v in data.items()}
    if isinstance(data, list):
        return [_by_content(v, places) for v in data]
    if isinstance(data, str):
        for path in sorted(places, key=len, reverse=True):  # a file before its folder
            if data == path or data.startswith(path.rstrip(os.sep) + os.sep):
                return places[path] + data[len(path) :]
    return data


def make_task(
    audit: Audit,
    district: District,
    digests: dict[str, str],
    registers: list[Register],
    settings: Snapshot | None = None,
) -> DistrictTask:
    """Write the district's scenario file and register rows; describe its task and hash.

    ``settings``: the coordinator's (:func:`coverage.audit.snapshot.take`), taken now if None.
    """
    from coverage._version import __version__

    settings = take() if settings is None else settings

    folder = district_folder(audit.output_dir, district.code)
    cio.ensure_folder(folder)
    reach = {"facilities": reach_m(audit), "demand": EDGE_M}
    keeps = [district_rows(r, district.geometry, reach[r.group]) for r in registers]
    copies = [write_rows(r, keep, folder) for r, keep in zip(registers, keeps, strict=True)]
    files = [Path(c.path) for c in copies if c.group == "facilities"]
    demand = {r.index: Path(c.path) for r, c in zip(registers, copies, strict=True)
              if r.group == "demand"}  # fmt: skip
    facility_keeps = [k for r, k in zip(registers, keeps, strict=True) if r.group == "facilities"]
    d = audit.districts
    area = {
        "path": str(audit.input_path(d.path)),
        "crs": d.crs,
        "layer": d.layer,
        # The audit's own selection too (a code may recur among the features it left out),
        # in its order, then the code: each of its values is there before the code narrows.
        "select": {
            **{k: v for k, v in (d.select or {}).items() if k != d.code_field},
            d.code_field: district.code,
        },
    }
    data = scenario_data(
        audit,
        code=district.code,
        name=district.name,
        folder=folder,
        area=area,
        facilities=files,
        demand=demand,
    )
    text = dumps(data)
    # The hash reads the scenario with its places as labels: the files' contents are hashed
    # apart (``digests``, the district's polygon and register rows), and the cache is no result.
    places = {str(p): f"<{key}>" for key, p in audit.input_files()}
    places[str(folder)] = "<district>"
    if "cache_dir" in data["network"]:
        places[data["network"]["cache_dir"]] = "<cache>"
    wkb = shapely.to_wkb(shapely.normalize(district.geometry))
    h = hashlib.sha256()
    keyed = dumps(_by_content(data, places))
    for part in (str(FORMAT), __version__, source_digest(), keyed, *sorted(digests.items())):
        h.update(str(part).encode())
    for name, value in in_results(settings):  # a set's order varies between processes
        h.update(repr((name, sorted(value) if isinstance(value, frozenset) else value)).encode())
    h.update(wkb)
    for c in copies:
        h.update(Path(c.path).read_bytes())
        # which register rows they are, and the register's reasons for rows it skipped (by
        # content: the register is named by its place in the scenario, not by its path)
        said = [
            (q.row, q.field_text("en"), q.text("en"), q.text("zh"), q.action) for q in c.problems
        ]
        h.update(repr((c.group, c.rows, said)).encode())
    cio.write_text(folder / "scenario.toml", text)
    return DistrictTask(
        district.code,
        district.name,
        str(folder),
        str(folder / "scenario.toml"),
        h.hexdigest(),
        wkb,
        audit.lang,
        served=not facility_keeps or any(keep.any() for keep in facility_keeps),
        copies=tuple(copies),
        registered_in=sum(
            standing_in(r, district.geometry) for r in registers if r.group == "facilities"
        ),
        settings=settings,
    )


def previous_record(task: DistrictTask) -> dict[str, Any] | None:
    """The district's record from an earlier run when it finished with the same inputs.

    None (run it again) also when the map its record links to is no longer there.
    """
    import json

    path = Path(task.folder) / "audit.json"
    try:
        record: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if record.get("digest") != task.digest or record.get("status") != "done":
        return None
    if record.get("map") and not (Path(task.folder) / "map.html").is_file():
        return None  # its map was deleted: the table and the page would link to nothing
    return record


# --- on the worker --------------------------------------------------------------------------

#: The networks this worker process has loaded, by source file and walking settings.
_NETWORKS: dict[tuple[Any, ...], network.WalkNetwork] = {}


def _city_network(s: Scenario) -> network.WalkNetwork | None:
    """The scenario's whole network file, loaded once per worker process (None: downloads)."""
    if s.network.path is None:
        return None  # osmnx per district: downloaded and cached by the pipeline
    path = s.input_path(s.network.path)
    st = path.stat()
    # the settings in force (the task's): the walk rule is among them
    key = (str(path), st.st_size, st.st_mtime_ns, s.walk.speed_kmh, s.walk.steps_penalty,
           s.network.component, in_results(take()))  # fmt: skip
    if key not in _NETWORKS:
        _NETWORKS.clear()  # one city at a time: memory stays one network
        _NETWORKS[key] = network.load(
            path,
            speed_kmh=s.walk.speed_kmh,
            steps_penalty=s.walk.steps_penalty,
            component=s.network.component,
        )
    return _NETWORKS[key]


def _unserved(
    s: Scenario, loaded: network.WalkNetwork | None, amend: Callable[[Layers], None], folder: Path
) -> Coverage:
    """The coverage of a district that no facility of the registers stands near.

    Not a failure but the audit's starkest finding: nobody is covered. Its people and the share
    the streets reach are counted as a run counts them; there is no catchment or map to draw.
    Its input problems are written as a run writes them (``problems.csv``, ``skipped_rows.csv``
    in ``folder``): the demand rows it skipped are listed somewhere.
    """
    from coverage import steps
    from coverage.export import write_problem_tables

    area = steps.load_area(s)
    net = steps.load_network(s, area[0], loaded=loaded)
    layers = steps.read_layers(s, net, area=area)
    amend(layers)
    write_problem_tables(layers.problems, s, folder)
    # no facility is expected; no usable demand fails as in a run, with the reasons
    check_usable(s, layers, facilities=False)
    return steps.coverage_of(s, net, layers)


def _one_line(text: str) -> str:
    """A message on one line for the table and the console, yet every line of it.

    A head such as "no usable demand rows …; the first:" means nothing without the reasons
    on the lines below it.
    """
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def _run(task: DistrictTask, s: Scenario, record: dict[str, Any]) -> None:
    """Run the district's scenario and put its figures and notes in ``record``, or raise."""
    from coverage import pipeline

    district = shapely.from_wkb(task.geometry_wkb)
    read: list[Layers] = []

    def amend(layers: Layers) -> None:
        to_register(layers, list(task.copies))
        read.append(layers)

    try:
        if task.served:
            cov = pipeline.run(s, loaded=_city_network(s), amend=amend).coverage
        else:
            cov = _unserved(s, _city_network(s), amend, Path(task.folder))
        notes: list[list[Any]] = []
        kinds = [demand_kind(layer) for layer in s.demand]
        figures, drawn = district_figures(cov, district, kinds), task.served
    except NetworkError as exc:  # no street in the district: say how many people that is
        record.update(figures=people_without_streets(s) if exc.key == NO_STREET else {})
        if exc.key == NO_STREET and s.network.path is not None:
            # "check the datum and the area" misleads when the street file ends short of it
            file = Path(s.network.path).name
            record["notes"] = [["excel.audit.note.no_street", {"file": file}]]
        raise
    except InputError as exc:  # no demand at all: the district is done, with nobody in it
        if exc.key not in NO_DEMAND or not read:
            raise
        named = as_registers(s, task.copies) if task.copies else s
        if not nobody_lives_in(named, read[-1]):
            if task.copies:  # the run's words, naming the registers' files as problems.csv does
                problems = Path(task.folder) / _PROBLEMS
                check_usable(named, read[-1], problems, facilities=task.served)
            raise
        figures = figures_without_people(s, read[-1], district)
        notes = [["excel.audit.note.no_people", {"table": _PROBLEMS}]]
        drawn = False  # the run stopped before its map
    if figures.get("evaluable_share") == 0:  # 0 % covered would read as nobody served
        notes.append(["excel.audit.note.not_evaluable", {}])
    unused = task.registered_in - figures["facilities_in"]
    if unused > 0:  # register rows standing in the district that the run did not use
        notes.append(["excel.audit.note.facilities_unused", {"n": int(unused), "table": _PROBLEMS}])
    record.update(status="done", figures=figures, map=drawn)
    if notes:  # catalogue keys and fields: worded when the table is written, in its language
        record["notes"] = notes


def run_district(task: DistrictTask) -> dict[str, Any]:
    """Run one district's scenario and write its folder; never raises for the district's data.

    Returns the district's record (also written to ``audit.json`` in its folder, last, so a
    folder with a record is complete): ``status`` ``"done"`` with ``figures``, or
    ``"failed"`` with ``error`` (one line, as ``coverage run`` would print it). An earlier
    run's results (:data:`RESULT_FILES`) are removed first. A district no facility stands
    near is done, nobody covered, without a map (``map`` false); so is one without people
    (no demand row or populated cell in it), its shares not applicable (NaN) and a note
    saying why. ``notes`` (catalogue key and fields each, worded by the table's writer) also
    say when none of its people is evaluable, when the street file has no street in it, and
    how many register rows in the district the run did not use (reasons in its
    ``problems.csv``).
    """
    start = time.perf_counter()
    record: dict[str, Any] = {
        "format": FORMAT,
        "code": task.code,
        "name": task.name,
        "digest": task.digest,
        "worker_pid": os.getpid(),
    }
    try:
        cio.remove_outputs(task.folder, RESULT_FILES)  # one line if one cannot go
        with applied(task.settings):  # the coordinator's settings, for this task only
            s = load_scenario(task.scenario)
            # The district's network cache is the audit's, which load_audit confined to the
            # audit's folder or the working directory: not the district's folder, by which its
            # scenario file alone would refuse it (and every district fail, naming a file
            # nobody wrote).
            if isinstance(s, Scenario):
                s.allow_write("[network] cache_dir")
            _run(task, s, record)
    except CoverageError as exc:
        text = _one_line(exc.text(task.lang))
        record.update(status="failed", error=text or repr(exc), error_key=exc.key)
    except Exception as exc:  # noqa: BLE001 - one district's bug must not stop the others
        last = traceback.extract_tb(exc.__traceback__)[-1]
        record.update(
            status="failed",
            error=_one_line(
                f"{type(exc).__name__}: {exc} ({Path(last.filename).name}:{last.lineno})"
            ),
        )
    record["seconds"] = round(time.perf_counter() - start, 3)
    cio.write_json(Path(task.folder) / "audit.json", record)
    return record
