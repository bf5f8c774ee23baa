"""`sweatline serve` end to end: a real local Prefect server on 127.0.0.1, both deployments served,
after-ride triggered through the Prefect CLI, and the nightly schedule really firing.

The schedule under test is every minute (``* * * * *``) in Europe/London. Prefect's scheduler makes
its runs (``auto_scheduled``, each expected on a minute boundary); the first of them is started now,
as the Prefect UI's "Start now" does, unless it is due within seconds anyway, so the test does not
wait for the minute to turn; the served runner then picks it up and runs the nightly as at its
time. Bounded: every wait has a deadline, and the server and serve process are stopped (process
group) whatever happens.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TypeVar

import pytest
from flow_support import PROJECT, SAMPLES, write_config
from waits import scaled

from flows.cli.prefect_server import free_port, is_reachable, state_file
from pipeline.store.catalog import Catalog

pytestmark = pytest.mark.slow(reason="starts `sweatline serve` with a real Prefect server and waits for scheduled runs")

T = TypeVar("T")
RIDE = "tomtom-runner3-cycling-17min.fit"  # in the inbox: the scheduled nightly processes it
# triggered by hand from outside the inbox: a different file, so the every-minute nightly and the
# manual after-ride never race over the same activity in this test
TRIGGERED = "garmin-edge200-cycling-27min-gps-only.fit"


def _wait(what: str, probe: Callable[[], T | None], timeout_s: float, proc: subprocess.Popen[bytes], log: Path) -> T:
    deadline = time.monotonic() + scaled(timeout_s)
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        if proc.poll() is not None:
            raise AssertionError(f"sweatline serve exited ({proc.returncode}) while waiting for {what}:\n{log.read_text()[-3000:]}")
        time.sleep(0.25)
    raise AssertionError(f"timed out after {scaled(timeout_s):.0f} s waiting for {what}:\n{log.read_text()[-3000:]}")


def _get_json(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return json.loads(response.read())
    except (OSError, ValueError):
        return None


def _post_json(url: str, body: dict) -> dict | list:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


DUE_SOON_S = 20
"""A scheduled run due within this many seconds is left to come at its time: Prefect's runner may
already be taking it (it fetches runs due within its prefetch, 10 s by default)."""


def _start_first_scheduled_run_now(api: str, deployment_id: str) -> dict | None:
    """The deployment's first scheduled run (the scheduler's, from the cron), moved to start now as the
    Prefect UI's "Start now" does unless it is due within :data:`DUE_SOON_S` anyway; None before the
    scheduler has made one."""
    runs = _post_json(f"{api}/flow_runs/filter", {
        "deployments": {"id": {"any_": [deployment_id]}},
        "flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}}},
        "sort": "EXPECTED_START_TIME_ASC", "limit": 1})
    if not runs:
        return None
    (first,) = runs  # type: ignore[misc]
    due = datetime.fromisoformat(first["state"]["state_details"]["scheduled_time"])
    if due - datetime.now(timezone.utc) > timedelta(seconds=DUE_SOON_S):
        answer = _post_json(f"{api}/flow_runs/{first['id']}/set_state", {
            "state": {"type": "SCHEDULED", "name": "Scheduled",
                      "state_details": {"scheduled_time": datetime.now(timezone.utc).isoformat()}},
            "force": True})
        assert answer["status"] == "ACCEPT", answer  # type: ignore[call-overload]
    return first  # type: ignore[no-any-return]


def test_serve_starts_a_server_serves_both_deployments_runs_after_ride_and_fires_the_schedule(tmp_path: Path) -> None:
    inbox, data = tmp_path / "inbox", tmp_path / "data"
    inbox.mkdir()
    shutil.copy(SAMPLES / RIDE, inbox / RIDE)
    (tmp_path / "downloads").mkdir()
    shutil.copy(SAMPLES / TRIGGERED, tmp_path / "downloads" / TRIGGERED)
    config = write_config(tmp_path, inbox, data, cron="* * * * *", timezone="Europe/London")
    port = free_port(0)  # a free port of the OS's choosing, pinned in the config like a user's serve.port
    with open(config, "a", encoding="utf-8") as extra:
        extra.write(f"serve: {{port: {port}}}\n")
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    # serve's runner asks the server for due runs every 2 s instead of Prefect's 10 (a Prefect setting,
    # not ours): the every-minute run is picked up when it falls due, not up to 10 s later
    env["PREFECT_RUNNER_POLL_FREQUENCY"] = "2"
    log = tmp_path / "serve.log"
    sweatline = str(Path(sys.executable).with_name("sweatline"))
    with open(log, "wb") as out:
        proc = subprocess.Popen([sweatline, "serve", "--config", str(config)], stdout=out, stderr=subprocess.STDOUT,
                                env=env, cwd=PROJECT, start_new_session=True, stdin=subprocess.DEVNULL)
    api = None
    try:
        state = _wait("the server state file", lambda: _get_json(state_file(data).as_uri()) if state_file(data).exists() else None,
                      150, proc, log)
        api = state["api_url"]
        assert api == f"http://127.0.0.1:{port}/api"  # loopback only, on the configured port
        assert (data / "prefect" / "prefect.db").is_file()  # the server's database lives under data_dir
        nightly = _wait("the nightly deployment", lambda: _get_json(f"{api}/deployments/name/nightly/nightly"), 90, proc, log)
        _wait("the after-ride deployment", lambda: _get_json(f"{api}/deployments/name/after-ride/after-ride"), 30, proc, log)
        assert f"PREFECT_API_URL=http://127.0.0.1:{port}/api" in log.read_text()  # the trigger commands, printed
        (schedule,) = nightly["schedules"]
        assert schedule["schedule"]["cron"] == "* * * * *"
        assert schedule["schedule"]["timezone"] == "Europe/London"
        assert schedule["active"] is True
        assert nightly["parameters"]["config_path"] == str(config)

        # trigger after-ride from "another terminal": the Prefect CLI against the served API
        trigger = subprocess.run(
            [str(Path(sys.executable).with_name("prefect")), "deployment", "run", "after-ride/after-ride",
             "--param", f"fit_file={tmp_path / 'downloads' / TRIGGERED}", "--param", "temperature_c=31"],
            env={**env, "PREFECT_API_URL": api}, capture_output=True, text=True, timeout=120)
        assert trigger.returncode == 0, trigger.stdout + trigger.stderr

        def activity() -> object:
            # the every-minute nightly may write its row first: wait for the after-ride answer
            if not (data / "catalog.sqlite").exists():
                return None
            with Catalog(data) as catalog:
                rows = [r for r in catalog.activities() if r.override_temperature_c == 31]
            return rows[0] if rows else None

        row = _wait("the after-ride report", activity, 120, proc, log)
        report = json.loads((data / row.report_dir / "report.json").read_text())  # type: ignore[attr-defined]
        assert report["environment"]["source"] == "override" and report["environment"]["temperature_c"] == 31

        first = _wait("a run the schedule made", lambda: _start_first_scheduled_run_now(api, nightly["id"]), 60, proc, log)
        assert first["auto_scheduled"] is True  # the scheduler's, from the cron
        expected = datetime.fromisoformat(first["expected_start_time"])
        assert (expected.second, expected.microsecond) == (0, 0)  # every minute, on the minute

        def scheduled_nightly() -> object:
            with Catalog(data) as catalog:
                runs = [r for r in catalog.runs("nightly") if r.state == "completed"]
            return runs[0] if runs else None

        run = _wait("a scheduled nightly run", scheduled_nightly, 150, proc, log)
        assert run.orchestrator == "prefect"  # type: ignore[attr-defined]
        # the catalog row is written inside the flow; Prefect records the run's final state just after
        def finished_flow_run() -> object:
            flow_run = _get_json(f"{api}/flow_runs/{run.prefect_flow_run_id}")  # type: ignore[attr-defined]
            return flow_run if flow_run is not None and flow_run["state"]["type"] != "RUNNING" else None

        flow_run = _wait("the nightly flow run's final state", finished_flow_run, 60, proc, log)
        assert flow_run["deployment_id"] == nightly["id"]  # type: ignore[index]
        assert flow_run["state"]["type"] == "COMPLETED"  # type: ignore[index]
        assert flow_run["auto_scheduled"] is True  # created by the scheduler, not by hand

        # stop: serve exits cleanly and takes its server with it
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0, log.read_text()[-3000:]
        assert not state_file(data).exists()
        deadline = time.monotonic() + 30
        while is_reachable(api, timeout_s=1) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not is_reachable(api, timeout_s=1)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        server_state = _get_json(state_file(data).as_uri()) if state_file(data).exists() else None
        if server_state is not None:
            try:
                os.killpg(int(server_state["pid"]), signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


def _time_wait_on(port: int) -> None:
    """Leave a connection in TIME_WAIT on 127.0.0.1:``port``, as a stopped server does: the listening
    side closes first (the active close), then the listener is gone too."""
    import socket

    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen()
        with socket.create_connection(("127.0.0.1", port)) as client:
            accepted, _ = listener.accept()
            accepted.close()  # the server's side closes first: its end waits in TIME_WAIT
            client.recv(1)


def test_serve_starts_again_on_its_port_while_the_last_servers_connections_wait_in_time_wait() -> None:
    """A user stopped `serve` and started it again at once: it said "port 4731 … is already in use"
    for about a minute, while nothing listened there (only TIME_WAIT sockets, `ss`)."""
    import socket

    from flows.cli.serve import _port_is_free

    port = free_port()
    _time_wait_on(port)
    states = subprocess.run(["ss", "-tan", f"sport = :{port}"], capture_output=True, text=True).stdout
    assert "TIME-WAIT" in states, states
    assert _port_is_free(port)
    with socket.socket() as listener:  # a program that does listen there still keeps serve off it
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen()
        assert not _port_is_free(port)
