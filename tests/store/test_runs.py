"""A nightly killed mid-run does not stay ``running`` forever; the next run marks it
``abandoned`` (its process is gone, or it is older than a day and cannot be checked)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from pipeline.core.config import parse_config
from pipeline.runtime.liveness import this_process
from pipeline.store.catalog import Catalog, RunRow, utc_now
from pipeline.usecases.nightly import NIGHTLY, start_nightly


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _run(catalog: Catalog, run_id: str, age: timedelta, **parameters) -> None:
    catalog.start_run(RunRow(id=run_id, flow=NIGHTLY, orchestrator="prefect", started_at=utc_now() - age,
                             parameters={"inbox": "x", **parameters}))


def test_a_killed_run_is_marked_abandoned_when_the_next_starts(tmp_path: Path) -> None:
    config = parse_config({"inbox": str(tmp_path / "inbox"), "data_dir": str(tmp_path / "data")})
    (tmp_path / "data").mkdir()
    catalog = Catalog(config.data_dir)
    host, me = socket.gethostname(), this_process()
    hour = timedelta(hours=1)
    _run(catalog, "killed", hour, pid=_dead_pid(), host=host)
    _run(catalog, "alive", hour, **me)
    _run(catalog, "pid-reused", hour, pid=os.getpid(), host=host, pid_start="1")
    _run(catalog, "old-no-pid", timedelta(days=2))
    _run(catalog, "recent-no-pid", hour)
    _run(catalog, "other-host-old", timedelta(days=2), pid=1, host=host + "-elsewhere")
    _run(catalog, "other-host-recent", hour, pid=1, host=host + "-elsewhere")
    catalog.start_run(RunRow(id="done", flow=NIGHTLY, orchestrator="local", started_at=utc_now() - hour,
                             state="completed"))

    summary = start_nightly(catalog, config, config.inbox, rebuild=False, workers=None, orchestrator="local")

    states = {run.id: run.state for run in catalog.runs(NIGHTLY)}
    assert states == {"killed": "abandoned", "alive": "running", "pid-reused": "abandoned",
                      "old-no-pid": "abandoned", "recent-no-pid": "running", "other-host-old": "abandoned",
                      "other-host-recent": "running", "done": "completed", summary.run_id: "running"}
    killed = catalog.run("killed")
    assert killed.finished_at is not None and "is gone" in killed.summary
    new = catalog.run(summary.run_id)
    assert new.parameters["pid"] == os.getpid() and new.parameters["host"] == host
