"""A deployment run that fails on bad input says so in one line: the run executed as a runner
executes it (``python -m prefect.engine <flow run id>`` in its own process, against a real
server), its output read whole."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from flow_support import write_config


def test_a_deployment_run_on_a_missing_file_logs_one_line_and_no_traceback(prefect_api: str, tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.serving import build_deployments
    from pipeline.core.config import load_config

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    config = load_config(write_config(tmp_path, inbox, tmp_path / "data"))
    after_ride = build_deployments(config)[1]
    with temporary_settings(updates={PREFECT_API_URL: prefect_api}):
        deployment_id = after_ride.apply()
        with get_client(sync_client=True) as client:
            run = client.create_flow_run_from_deployment(deployment_id, parameters={"fit_file": str(tmp_path / "gone.fit")})
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "PREFECT_LOGGING_LEVEL": "INFO"}
    done = subprocess.run([sys.executable, "-m", "prefect.engine", str(run.id)], env=env, capture_output=True,
                          text=True, timeout=300, cwd=tmp_path)
    output = done.stdout + done.stderr
    assert "Traceback" not in output, output
    said = [line for line in output.splitlines() if "| ERROR" in line and "Finished in state" not in line]
    assert len(said) == 1, output  # beside Prefect's one-line state changes
    assert said[0].endswith(f" - {tmp_path / 'gone.fit'}: no such file"), said[0]
    with get_client(sync_client=True) as client:
        assert client.read_flow_run(run.id).state.is_failed()
