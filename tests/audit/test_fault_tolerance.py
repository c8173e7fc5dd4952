"""A worker killed mid-task: its district runs elsewhere, every district appears exactly once.

The test starts a dask scheduler and two worker processes (no nanny, so a killed worker stays
dead), runs the audit against that scheduler in a thread, kills the first worker seen working
on a district, and checks the table.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from coverage.audit import run_audit
from tests.audit.conftest import CELLS, audit_text, write_districts
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.realdata


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(args: list[str]) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}  # workers import this checkout
    return subprocess.Popen(
        [sys.executable, "-m", *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def test_killed_worker_loses_no_district_and_counts_none_twice(tmp_path: Path) -> None:
    from distributed import Client

    districts = write_districts(tmp_path / "districts.geojson", off_map=False)
    path = tmp_path / "audit.toml"
    path.write_text(audit_text(districts, tmp_path / "results"), encoding="utf-8")
    address = f"tcp://127.0.0.1:{_free_port()}"
    procs = [_start(["distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port",
                     address.rsplit(":", 1)[1], "--no-dashboard"])]  # fmt: skip
    try:
        with Client(address, timeout="60s") as client:
            for _ in range(2):
                procs.append(
                    _start(
                        [
                            "distributed.cli.dask_worker",
                            address,
                            "--nthreads",
                            "1",
                            "--no-nanny",
                            "--no-dashboard",
                        ]
                    )  # fmt: skip
                )
            client.wait_for_workers(2, timeout=120)
            pids: dict[str, int] = client.run(os.getpid)
            result: dict[str, Any] = {}
            thread = threading.Thread(
                target=lambda: result.update(run=run_audit(path, scheduler=address))
            )
            thread.start()
            killed = None
            deadline = time.monotonic() + 300
            while killed is None and time.monotonic() < deadline and thread.is_alive():
                busy = [w for w, keys in client.processing().items() if keys]
                if busy:
                    time.sleep(1.0)  # well inside the task (each takes several seconds)
                    if client.processing().get(busy[0]):
                        killed = pids[busy[0]]
                        os.kill(killed, signal.SIGKILL)
                time.sleep(0.2)
            thread.join(timeout=600)
    finally:
        for p in procs:
            p.kill()
            p.wait()
    assert killed is not None, "no worker was seen working"
    run = result["run"]
    codes = sorted(CELLS.values())
    assert sorted(run.records) == codes
    assert all(r["status"] == "done" for r in run.records.values()), run.records
    assert all(r["worker_pid"] != killed for r in run.records.values())
    table = pd.read_csv(tmp_path / "results" / "districts.csv", encoding="utf-8-sig")
    assert sorted(table["代码"]) == codes  # each district exactly once
