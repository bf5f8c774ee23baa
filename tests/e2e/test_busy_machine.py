"""A machine too busy for Prefect's temporary server to start in time: the nightly says so in one line
(exit 1, no traceback, no "internal error"), processes nothing, and the next run does the work.

The busy machine is Prefect's own startup limit set to 0 s (``PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS``,
which Sweatline keeps when the user sets it): the server is really started and really not waited for."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from flow_support import write_config
from shared_paths import SAMPLES, SWEATLINE

from pipeline.store.catalog import Catalog

SAMPLE = "tomtom-runner3-cycling-17min.fit"


@pytest.mark.slow(reason="two real nightlies, the first one's temporary Prefect server cut short")
def test_a_server_that_cannot_start_in_time_is_one_line_and_loses_nothing(tmp_path: Path,
                                                                           prefect_env: dict[str, str]) -> None:
    inbox, data = tmp_path / "inbox", tmp_path / "data"
    inbox.mkdir()
    shutil.copy(SAMPLES / SAMPLE, inbox / SAMPLE)
    config = write_config(tmp_path, inbox, data)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"), PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="0")
    busy = subprocess.run([str(SWEATLINE), "nightly", "--config", str(config)], capture_output=True, text=True,
                          timeout=600, env=env)
    assert busy.returncode == 1, busy.stderr[-3000:]
    lines = [line for line in busy.stderr.splitlines() if line.startswith("sweatline:")]
    assert lines == ["sweatline: Prefect's temporary server did not start within 0 s (the machine is busy); no file "
                     "was processed: run the command again, or keep a server up with `sweatline serve`"]
    assert "Traceback" not in busy.stderr and "internal error" not in busy.stderr
    with Catalog(data) as catalog:
        assert catalog.activities() == []

    again = subprocess.run([str(SWEATLINE), "nightly", "--config", str(config)], capture_output=True, text=True,
                           timeout=600, env=prefect_env)
    assert again.returncode == 0, again.stderr[-3000:]
    assert again.stdout.startswith("processed 1, skipped 0,")
