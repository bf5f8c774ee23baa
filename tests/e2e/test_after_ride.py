"""The after-ride flow and `sweatline ride`: one file, fast path and via a real Prefect server."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flow_support import PROJECT, SAMPLES, write_config
from shared_paths import json_error_or_nothing

from flows.after_ride import after_ride
from pipeline.store.catalog import Catalog

RIDE = "tomtom-runner3-cycling-17min.fit"


@pytest.fixture
def ride_workspace(tmp_path: Path) -> tuple[Path, Path, Path]:
    inbox, data = tmp_path / "inbox", tmp_path / "data"
    inbox.mkdir()
    shutil.copy(SAMPLES / RIDE, inbox / RIDE)
    return write_config(tmp_path, inbox, data), inbox, data


def test_after_ride_defaults_to_the_newest_file_and_reprocesses_only_when_the_override_changes_the_answer(
        prefect_api: str, ride_workspace: tuple[Path, Path, Path]) -> None:
    config, inbox, data = ride_workspace
    older = inbox / "older.fit"
    shutil.copy(SAMPLES / "garmin-edge200-cycling-27min-gps-only.fit", older)
    os.utime(older, (time.time() - 86400, time.time() - 86400))

    (first,) = after_ride(config_path=str(config))  # no fit_file: the newest in the inbox
    assert first.activity.source == RIDE and not first.reused
    assert first.report_json.is_file() and first.orchestrator == "prefect"
    report = json.loads(first.report_json.read_text())
    assert report["environment"]["source"] != "override"

    (same,) = after_ride(fit_file=str(inbox / RIDE), config_path=str(config))
    assert same.reused and same.report_dir == first.report_dir

    (hot,) = after_ride(fit_file=str(inbox / RIDE), temperature_c=34.0, humidity_pct=70.0, config_path=str(config))
    assert not hot.reused
    report = json.loads(hot.report_json.read_text())
    assert report["environment"]["source"] == "override"
    assert report["environment"]["temperature_c"] == 34.0 and report["environment"]["humidity_pct"] == 70.0
    with Catalog(data) as catalog:
        (row,) = catalog.activities()
        assert (row.override_temperature_c, row.override_humidity_pct) == (34.0, 70.0)
        runs = catalog.runs("after-ride")
    assert [r.processed for r in runs] == [1, 0, 1] and [r.skipped for r in runs] == [0, 1, 0]
    assert all(r.orchestrator == "prefect" and r.prefect_flow_run_id for r in runs)


def _sweatline(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    full_env.update(env or {})
    return subprocess.run([str(Path(sys.executable).with_name("sweatline")), *args], capture_output=True, text=True,
                          env=full_env, cwd=PROJECT, timeout=300, stdin=subprocess.DEVNULL)


def test_ride_fast_path_prints_the_json_report_and_records_a_local_run(
        ride_workspace: tuple[Path, Path, Path]) -> None:
    config, inbox, data = ride_workspace
    proc = _sweatline("ride", str(inbox / RIDE), "--json", "--config", str(config))
    assert proc.returncode == 0, proc.stderr
    with Catalog(data) as catalog:
        (row,) = catalog.activities()
        (run,) = catalog.runs("after-ride")
    assert proc.stdout == (data / row.report_dir / "report.json").read_text()
    assert json.loads(proc.stdout)["activity"]["source"] == RIDE
    assert run.orchestrator == "local" and run.state == "completed" and run.prefect_flow_run_id is None

    text = _sweatline("ride", "--config", str(config), "--temp", "30")
    assert text.returncode == 0, text.stderr
    assert f"report: {data / row.report_dir / 'report.html'}" in text.stdout


@pytest.mark.parametrize("name, kind", [("unknown-unknown-none-zero-length.fit", "empty"),
                                        ("garmin-edge510-settings.fit", "not_activity")])
def test_ride_on_a_bad_file_gives_one_stderr_line_and_exit_2_on_both_paths(
        prefect_api: str, ride_workspace: tuple[Path, Path, Path], name: str, kind: str) -> None:
    config, inbox, data = ride_workspace
    bad = inbox / name
    shutil.copy(SAMPLES / name, bad)
    for env in ({}, {"PREFECT_API_URL": prefect_api}):  # fast path, then a real flow run on the server
        proc = _sweatline("ride", str(bad), "--json", "--config", str(config), env=env)
        assert proc.returncode == 2, (env, proc.stderr)
        assert json_error_or_nothing(proc.stdout, proc.stderr)
        assert len(proc.stderr.strip().splitlines()) == 1, (env, proc.stderr)
        assert proc.stderr.startswith(f"{bad}: ")
    with Catalog(data) as catalog:
        runs = catalog.runs("after-ride")
        rejection = catalog.rejections()[-1]
    assert [r.orchestrator for r in runs] == ["local", "prefect"]
    assert rejection.kind == kind


def test_ride_uses_the_prefect_server_when_one_is_up(prefect_api: str, ride_workspace: tuple[Path, Path, Path]) -> None:
    config, inbox, data = ride_workspace
    proc = _sweatline("ride", str(inbox / RIDE), "--json", "--config", str(config), env={"PREFECT_API_URL": prefect_api})
    assert proc.returncode == 0, proc.stderr
    json.loads(proc.stdout)  # stdout is the JSON report and nothing else
    assert proc.stderr == ""
    with Catalog(data) as catalog:
        (run,) = catalog.runs("after-ride")
    assert run.orchestrator == "prefect" and run.prefect_flow_run_id
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(run.prefect_flow_run_id)
    assert flow_run.state.is_completed()


def test_ride_refuses_impossible_weather_with_one_line(ride_workspace: tuple[Path, Path, Path]) -> None:
    config, inbox, _ = ride_workspace
    proc = _sweatline("ride", str(inbox / RIDE), "--humidity", "140", "--config", str(config))
    assert proc.returncode == 2 and proc.stderr.strip() == "--humidity: must be between 0 and 100 %, got 140"
