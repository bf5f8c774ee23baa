"""``kill -9`` of a real ``sweatline nightly`` at seeded random points.

After every kill: the catalog passes SQLite's integrity check and every activity row points at a
whole report (report.json/md/html, records); every report folder is whole. After the next run
(which completes): the same activities as an undisturbed run, none twice, no hidden temporary
entry left anywhere in the data directory, and no run left ``running``.

The nightly is killed with its whole process group (the guard's children included), as a power
cut or the OOM killer would, at a seeded random point (5-80 % of the time an undisturbed run over the
same inbox took on this machine, measured first, and again by any run that ended before its kill: a
warm rebuild is quicker than the cold first run) after the run has recorded itself as started: in the
middle of decoding, rendering and committing, on a quiet machine as on a loaded one. The nightlies talk to the session's
Prefect server (what is tested is our data directory, which no Prefect server holds; starting one
is tested in test_serve and test_nightly_interrupt). Each killed run is a
``--rebuild``, so it has the whole inbox to work through whatever the runs before it committed, and
the seeded points fall inside its work also on a loaded machine (where the first kills come late).
"""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from flow_support import wait_until_running, write_config
from shared_paths import SAMPLES, SWEATLINE

from pipeline.store.catalog import Catalog

INBOX = [  # short real files: six activities and one settings file
         "tomtom-runner3-cycling-17min.fit", "garmin-fr945-multisport-1min-bike-run.fit",
         "garmin-edge530-cycling-18min-indoor-hrv.fit", "garmin-fenix6-swimming-11min-open-water.fit",
         "garmin-fr955-walking-5min-hrm-plugin.fit", "garmin-edge200-cycling-27min-gps-only.fit",
         "garmin-edge510-settings.fit"]
KILLS = 4
SEED = 14


def _nightly(config: Path, env: dict[str, str], *extra: str) -> subprocess.Popen:
    return subprocess.Popen([str(SWEATLINE), "nightly", "--config", str(config), *extra], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, start_new_session=True,
                            env=env)


def _whole_reports(data: Path) -> None:
    """Every report folder is whole, the catalog is sound and points only at whole reports."""
    db = data / "catalog.sqlite"
    if db.exists():
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        with Catalog(data) as catalog:
            for row in catalog.activities():
                folder = data / row.report_dir
                assert {p.name for p in folder.iterdir()} >= {"report.json", "report.md", "report.html"}, row.report_dir
                if row.records_path:
                    assert (data / row.records_path).is_file()
    reports = data / "reports"
    for folder in reports.iterdir() if reports.is_dir() else []:
        if folder.is_dir() and not folder.name.startswith("."):
            assert json.loads((folder / "report.json").read_text())["activity"]["id"]
            assert (folder / "report.html").read_text().rstrip().endswith("</html>")
            assert (folder / "report.md").stat().st_size > 0


def _files(catalog: Catalog) -> list[tuple[str, str]]:
    return sorted(tuple(row) for row in catalog.conn.execute("SELECT sha256, status FROM files"))


@pytest.mark.slow(reason="five real nightlies, four of them killed: about a minute")
def test_nightly_survives_kill_9_at_random_points(tmp_path: Path, prefect_env: dict[str, str]) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in INBOX:
        shutil.copy(SAMPLES / name, inbox / name)
    (tmp_path / "ref").mkdir()
    reference = write_config(tmp_path / "ref", inbox, tmp_path / "ref-data")
    proc = _nightly(reference, prefect_env)
    wait_until_running(tmp_path / "ref-data", proc)
    started = time.monotonic()
    out, err = proc.communicate(timeout=600)
    work_s = time.monotonic() - started  # how long this machine takes over the inbox, now
    assert proc.returncode == 0, err[-2000:]
    with Catalog(tmp_path / "ref-data") as catalog:
        expected = sorted(a.id for a in catalog.activities())
        expected_files = _files(catalog)
    assert len(expected) == 6, out + err[-3000:]

    config = write_config(tmp_path, inbox, tmp_path / "data")
    data = tmp_path / "data"
    rng = random.Random(SEED)
    killed = attempts = 0
    while killed < KILLS and attempts < 3 * KILLS:
        attempts += 1
        proc = _nightly(config, prefect_env, "--rebuild")
        wait_until_running(data, proc)
        running = time.monotonic()
        time.sleep(rng.uniform(0.05, 0.8) * work_s)  # somewhere in the files' processing and writing
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            killed += 1
        else:  # this run ended first (a warm rebuild is quicker than the cold first run): aim by its own time
            work_s = time.monotonic() - running
        proc.communicate(timeout=60)
        _whole_reports(data)
    assert killed == KILLS, f"{killed} of {attempts} runs killed"  # the seeded points fell inside the runs

    proc = _nightly(config, prefect_env)
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err[-2000:]
    _whole_reports(data)
    with Catalog(data) as catalog:
        ids = [a.id for a in catalog.activities()]
        assert sorted(ids) == expected and len(set(ids)) == len(ids)  # nothing lost, nothing twice
        assert _files(catalog) == expected_files
        states = [run.state for run in catalog.runs("nightly")]
        assert "running" not in states and states.count("completed") >= 1
    leftovers = [p for p in data.rglob("*") if p.name.startswith((".tmp-", ".old-"))]
    assert leftovers == []
    folders = sorted(p.name for p in (data / "reports").iterdir() if p.is_dir())
    assert len(folders) == len(expected)
