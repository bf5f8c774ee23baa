"""Real processes at once on one data directory.

* two ``sweatline nightly`` at once: one does the work, the other says another run is in
  progress; both exit 0, no row or report twice, no "database is locked";
* ``sweatline ride --temp 35 --humidity 70`` on a file while a nightly processes the same file,
  at seeded random moments: the rider's explicit override wins whichever finishes last, and the
  catalog row, the report on disk and the records all say so (before, the last writer won);
* a plain ``ride`` of another file during the nightly: no duplicates, no lock errors.
"""
from __future__ import annotations

import json
import random
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from flow_support import wait_until_running, write_config
from shared_paths import SAMPLES, SWEATLINE
from waits import scaled

from pipeline.store.catalog import Catalog

TARGET = "garmin-edge200-cycling-27min-gps-only.fit"
OTHERS = ["tomtom-runner3-cycling-17min.fit", "garmin-fr945-multisport-1min-bike-run.fit",
          "garmin-fr955-walking-5min-hrm-plugin.fit"]
ROUNDS = 3
SEED = 14


def _start(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen([str(SWEATLINE), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, text=True, env=env)


def _finish(proc: subprocess.Popen) -> tuple[str, str]:
    out, err = proc.communicate(timeout=scaled(900))
    assert proc.returncode == 0, err[-2000:]
    assert "database is locked" not in out + err and "Traceback" not in out + err
    return out, err


def _no_duplicates(data: Path, inbox: Path) -> list:
    with Catalog(data) as catalog:
        rows = catalog.activities()
        files = [r[0] for r in catalog.conn.execute("SELECT sha256 FROM files")]
    assert len({r.id for r in rows}) == len(rows) and len(set(files)) == len(files)
    assert len({r.report_dir for r in rows}) == len(rows)
    folders = [p for p in (data / "reports").iterdir() if p.is_dir() and not p.name.startswith(".")]
    assert len(folders) == len(rows)
    assert len(rows) == len(list(inbox.iterdir()))
    return rows


def _inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in [TARGET, *OTHERS]:
        shutil.copy(SAMPLES / name, inbox / name)
    return inbox


@pytest.mark.slow(reason="real nightlies with their Prefect servers and ride processes at once: minutes")
def test_two_nightlies_at_once(tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    config = write_config(tmp_path, inbox, tmp_path / "data")
    first, second = _start("nightly", "--config", str(config)), _start("nightly", "--config", str(config))
    outs = [_finish(first)[0], _finish(second)[0]]
    assert sum("processed 4," in out for out in outs) == 1
    assert sum("another nightly run is in progress" in out for out in outs) == 1
    _no_duplicates(tmp_path / "data", inbox)


@pytest.mark.slow(reason="real nightlies and ride processes at once: minutes")
def test_a_manual_override_wins_over_a_concurrent_nightly(tmp_path: Path, prefect_env: dict[str, str]) -> None:
    """The nightlies run against the session's Prefect server (the race is between the processes'
    commits, not in starting a server); the rides take their own path without Prefect."""
    rng = random.Random(SEED)
    inbox = _inbox(tmp_path)
    for round_ in range(ROUNDS):
        data = tmp_path / f"data{round_}"
        config = write_config(tmp_path, inbox, data)
        nightly = _start("nightly", "--config", str(config), env=prefect_env)
        wait_until_running(data, nightly)
        time.sleep(rng.uniform(0.0, 3.0))
        manual = _start("ride", str(inbox / TARGET), "--temp", "35", "--humidity", "70", "--json",
                        "--config", str(config))
        plain = _start("ride", str(inbox / OTHERS[0]), "--json", "--config", str(config))
        _finish(manual), _finish(plain), _finish(nightly)
        rows = _no_duplicates(data, inbox)
        (row,) = [r for r in rows if r.source == TARGET]
        assert (row.override_temperature_c, row.override_humidity_pct) == (35.0, 70.0)
        report = json.loads((data / row.report_dir / "report.json").read_text())
        assert report["environment"]["temperature_c"] == 35.0 and report["environment"]["humidity_pct"] == 70.0
        assert report["sweat"]["total_l"] == row.sweat_total_l
        assert (data / row.records_path).is_file()


def _config(tmp_path: Path):
    from pipeline.core.config import load_config

    inbox = _inbox(tmp_path)
    return load_config(write_config(tmp_path, inbox, tmp_path / "data")), inbox / TARGET


def _agrees(data: Path, row) -> dict:
    report = json.loads((data / row.report_dir / "report.json").read_text())
    assert report["sweat"]["total_l"] == row.sweat_total_l
    return report


def test_each_interleaving_of_the_race_keeps_the_manual_answer(tmp_path: Path) -> None:
    """The two orders the processes above may take, made to happen one step at a time: the
    nightly writes its report, the rider's ``ride --temp 35`` writes and commits, then the nightly
    commits (its answer yields); and the rider first, then the nightly (it writes nothing)."""
    from pipeline.usecases.analyse import WeatherOverride
    from pipeline.usecases.commit import record_outcome
    from pipeline.usecases.ingest import process_file
    from pipeline.usecases.ride import ride

    config, path = _config(tmp_path)
    data = Path(config.data_dir)
    manual = WeatherOverride(temperature_c=35.0, humidity_pct=70.0)

    nightly = process_file(path, config, run_id="night")  # written, not yet committed
    (answer,) = ride(path, config, manual, orchestrator="local")
    with Catalog(data) as catalog:
        committed = record_outcome(catalog, nightly)
        (row,) = catalog.activities()
    assert committed.activities[0].kept_manual
    assert (row.override_temperature_c, row.override_humidity_pct) == (35.0, 70.0) == (
        answer.activity.override_temperature_c, answer.activity.override_humidity_pct)
    assert _agrees(data, row)["environment"]["temperature_c"] == 35.0

    before = (data / row.report_dir / "report.json").stat().st_mtime_ns
    again = process_file(path, config, run_id="night2")  # the rider's answer is there first
    assert again.activities[0].kept_manual
    assert (data / row.report_dir / "report.json").stat().st_mtime_ns == before
    with Catalog(data) as catalog:
        record_outcome(catalog, again)
        (row,) = catalog.activities()
    assert row.override_temperature_c == 35.0 and _agrees(data, row)["environment"]["humidity_pct"] == 70.0

    (plain,) = ride(path, config, WeatherOverride(), orchestrator="local")  # the rider may take it back
    assert plain.activity.override_temperature_c is None
    with Catalog(data) as catalog:
        (row,) = catalog.activities()
    assert row.override_temperature_c is None and _agrees(data, row)["environment"]["temperature_c"] != 35.0
