"""Run an audit on dask.distributed: one task per district, resumable, nothing lost or doubled.

A :class:`distributed.LocalCluster` of ``workers`` processes by default; ``scheduler``
(``tcp://HOST:PORT``) runs the same tasks on an existing cluster, whose workers must see the
same input paths (a shared disk) and have this package installed. Districts whose inputs and
settings are unchanged since their last successful run (same content hash, see
:mod:`coverage.audit.tasks`) are not run again. A district whose data fail is reported with its
error while the others finish. A task whose worker dies is run again elsewhere by the scheduler
(and ``retries`` more times if it raises); results are kept by district code, one record per
district, so a district run twice is counted once.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from coverage._threads import cpu_count
from coverage.audit.config import Audit, load_audit
from coverage.audit.districts import District, read_districts
from coverage.audit.outcome import AuditRun
from coverage.audit.registers import EDGE_M, near_no_district, reach_m, read_registers
from coverage.audit.snapshot import take
from coverage.audit.tasks import (
    DistrictTask,
    file_digests,
    make_task,
    previous_record,
    run_district,
)
from coverage.errors import CoverageError, Msg
from coverage.i18n import t

__all__ = ["AuditRun", "not_audited", "run_audit"]

Progress = Callable[[str], None]


def _noop(_: str) -> None:
    pass


def _ignore_ctrl_c(**_: Any) -> None:
    """On a local worker: leave Ctrl-C to the audit, which stops the cluster."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def _client(workers: int | None, scheduler: str | None) -> Iterator[Any]:
    from distributed import Client, LocalCluster

    # The cluster's own info lines (nannies, comms) are not the audit's progress.
    log = logging.getLogger("distributed")
    log.setLevel(logging.WARNING)
    with ExitStack() as stack:
        stack.callback(log.setLevel, logging.WARNING)  # last: once the cluster has stopped
        try:
            if scheduler is not None:
                client = stack.enter_context(Client(scheduler, timeout="30s"))
            else:
                n = workers or 1
                cluster = stack.enter_context(
                    LocalCluster(
                        n_workers=n,
                        threads_per_worker=1,  # CPU-bound Python/numpy: one task a process
                        processes=True,
                        dashboard_address=":0",  # any free port: audits may share a host
                        silence_logs=logging.ERROR,
                        # Each worker's thread pools (catchments, BLAS) use its share of the
                        # CPUs: all of them for one worker, not N × N threads for N workers.
                        env={"OMP_NUM_THREADS": str(max(1, cpu_count() // n))},
                    )
                )
                client = stack.enter_context(Client(cluster))
                # Ctrl-C reaches the terminal's whole process group: without this each
                # worker would print its own traceback while the audit stops them.
                client.run(_ignore_ctrl_c)
        except (OSError, RuntimeError, TimeoutError, ValueError) as exc:
            if scheduler:
                msg = Msg("error.audit.scheduler", scheduler=scheduler, reason=str(exc))
            else:
                msg = Msg("error.audit.local_cluster", reason=str(exc))
            raise CoverageError(msg) from exc
        try:
            yield client
        finally:
            # The cluster is the audit's to stop, once every result is in or at Ctrl-C: a
            # worker slow to exit (busy, or on a loaded machine) is killed, and the library's
            # complaints about that ("Worker process still alive ... killing") are not the
            # planner's.
            log.setLevel(logging.CRITICAL)


def not_audited(district: District, lang: str) -> dict[str, Any]:
    """The record of a district whose polygon the reader skipped: status ``"skipped"``.

    The error is the reader's own line (file, row, field and why) in the audit's language.
    """
    problem = district.skipped
    return {
        "code": district.code,
        "name": district.name,
        "status": "skipped",
        "error": problem.to_error().text(lang) if problem else "",
        "error_key": problem.msg.key if problem and isinstance(problem.msg, Msg) else None,
    }


def _lost(task: DistrictTask, exc: BaseException) -> dict[str, Any]:
    """The record of a task the cluster gave up on (e.g. its workers died too often).

    The error is the library's own (``KilledWorker: ...``), as is.
    """
    return {
        "code": task.code,
        "name": task.name,
        "digest": task.digest,
        "status": "failed",
        "error": f"{type(exc).__name__}: {exc}".splitlines()[0],
    }


def _running(client: Any) -> int:
    try:  # a worker may hold more tasks than threads: those beyond are queued, not running
        threads = client.nthreads()
        return sum(min(len(keys), threads.get(w, 1)) for w, keys in client.processing().items())
    except Exception:  # noqa: BLE001 - progress only
        return 0


def _submit_all(
    client: Any, todo: list[DistrictTask], retries: int, progress: Progress, lang: str
) -> dict[str, dict[str, Any]]:
    from distributed import as_completed

    futures = {
        client.submit(
            run_district, task, key=f"district-{task.digest[:24]}", retries=retries, pure=False
        ): task
        for task in todo
    }
    records: dict[str, dict[str, Any]] = {}
    failed = 0
    for fut in as_completed(futures):
        task = futures[fut]
        try:
            rec = fut.result()
        except Exception as exc:  # noqa: BLE001 - KilledWorker and the like: this district only
            rec = _lost(task, exc)
        records[task.code] = rec  # by code: a district that ran twice is counted once
        ok = rec.get("status") == "done"
        failed += not ok
        if ok:
            what = t(lang, "console.audit.done", s=f"{rec.get('seconds', 0):.1f}")
        else:
            what = t(lang, "console.audit.failed", error=rec.get("error"))
        running = _running(client)
        queued = len(todo) - len(records) - running
        progress(
            t(lang, "console.audit.district", i=len(records), n=len(todo), name=task.name,
              code=task.code, what=what, running=running, queued=max(queued, 0), failed=failed)
        )  # fmt: skip
    return records


def run_audit(
    audit: Audit | str | Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    out: str | Path | None = None,
    force: bool = False,
    retries: int = 2,
    progress: Progress = _noop,
    write: bool = True,
) -> AuditRun:
    """Run every district of an audit and write the district table, GeoPackage and map.

    Parameters
    ----------
    audit
        The audit file (or a loaded :class:`~coverage.audit.config.Audit`).
    workers
        Worker processes of the local cluster (default 1); ignored with ``scheduler``.
    scheduler
        Address of an existing dask scheduler, e.g. ``tcp://10.0.0.5:8786``.
    out
        The audit's results folder (default ``[output] dir``, else ``results/<name>``).
    force
        Run every district, even those unchanged since their last successful run.
    retries
        Further attempts for a task that raises (beyond the scheduler re-running tasks whose
        worker died).
    progress
        Receives one line per finished district (done / failed / running).
    write
        Write the audit's tables, GeoPackage and choropleth (each district's folder is
        always written: it is the district's result).
    """
    from coverage.audit import results

    start = time.perf_counter()
    a = audit if isinstance(audit, Audit) else load_audit(audit)
    if out is not None:
        a.output.dir = Path(out)
    districts = read_districts(a)
    digests = file_digests(a)
    progress(t(a.lang, "console.audit.registers"))
    registers = read_registers(a) + read_registers(a, "demand")
    # A district without a polygon has no task: listed with the reader's reason, never dropped.
    records = {d.code: not_audited(d, a.lang) for d in districts if d.geometry is None}
    # The settings in force here, for every worker (their processes start with the defaults).
    now = take()
    tasks = [make_task(a, d, digests, registers, now) for d in districts if d.code not in records]
    skipped = len(records)
    todo = []
    for task in tasks:
        prev = None if force else previous_record(task)
        if prev is not None:
            records[task.code] = {**prev, "resumed": True}
        else:
            todo.append(task)
    same = len(tasks) - len(todo)
    key = "console.audit.todo_skipped" if skipped else "console.audit.todo"
    progress(t(a.lang, key, n=len(districts), same=same, todo=len(todo), skipped=skipped))
    if todo:
        with _client(workers, scheduler) as client:
            n = len(client.scheduler_info()["workers"])
            progress(t(a.lang, "console.audit.workers", n=n))
            records.update(_submit_all(client, todo, retries, progress, a.lang))
    mapped = [d.geometry for d in districts if d.geometry is not None]
    reach = {"facilities": reach_m(a), "demand": EDGE_M}
    notes = [near_no_district(r, mapped, reach[r.group]) for r in registers]
    run = AuditRun(a, districts, records, notes=[n for n in notes if n is not None])
    if write:
        run.files = results.write_audit(run)
    run.seconds = time.perf_counter() - start
    return run
