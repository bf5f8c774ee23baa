"""Helpers for the flow tests: inboxes of real samples, configs, snapshots.

Imported as ``flow_support`` (a unique module name: every tests/ folder has its own conftest, so
``from conftest import`` would pick whichever was imported first). Inbox files are copied from ../shared/fit-samples at test time, never committed.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import time
import zipfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
from shared_paths import SAMPLES  # noqa: E402
from waits import scaled

# short real files, so the tests stay quick (decoding is the slow part)
GOOD = {
    "tomtom-runner3-cycling-17min.fit": "cycling",
    "garmin-fr945-multisport-1min-bike-run.fit": "multisport",
}
GOOD_IN_SUBFOLDER = {"2024/06/garmin-edge1030plus-cycling-46min-virtual-odd-session.fit.gz": "cycling"}
BAD = {  # file -> rejection kind (pipeline.core.errors.RejectedFile)
    "unknown-unknown-none-zero-length.fit": "empty",
    "dynastream-sdkexample-running-bad-file-crc.fit": "crc",
    "garmin-edge510-settings.fit": "not_activity",
}

def write_config(folder: Path, inbox: Path, data_dir: Path, cron: str = "0 3 * * *", timezone: str = "UTC") -> Path:
    path = folder / "sweatline.yaml"
    path.write_text(
        f"inbox: {inbox}\ndata_dir: {data_dir}\n"
        f'nightly: {{cron: "{cron}", timezone: "{timezone}"}}\n'
        "climate: {temperature_c: 20, humidity_pct: 50}\n"
        "athlete: {name: test, body_mass_kg: 70, height_cm: 178, sex: male, age: 35}\n")
    return path


def build_inbox(inbox: Path) -> None:
    """Good, broken and non-activity samples, a sub-folder, a zip (one good + one broken member),
    a text file pretending to be FIT, and files that are not inbox material at all."""
    for name in [*GOOD, *BAD]:
        shutil.copy(SAMPLES / name, inbox / name)
    for rel in GOOD_IN_SUBFOLDER:
        (inbox / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SAMPLES / Path(rel).name, inbox / rel)
    with zipfile.ZipFile(inbox / "export.zip", "w") as archive:
        archive.write(SAMPLES / "stages-dashl50-cycling-34min-road.fit", "activities/stages-dashl50-cycling-34min-road.fit")
        archive.write(SAMPLES / "dynastream-sdkexample-running-unexpected-eof.fit", "activities/eof.fit")
    (inbox / "notes.fit").write_text("this is a shopping list, not a FIT file\n")
    (inbox / "readme.txt").write_text("ignored: not .fit/.fit.gz/.zip\n")
    (inbox / ".hidden.fit").write_bytes((SAMPLES / "tomtom-runner3-cycling-17min.fit").read_bytes())


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file under ``folder``: SHA-256 and mtime (ns)."""
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def wait_until_running(data: Path, proc: subprocess.Popen, timeout_s: float = 300) -> None:
    """Until the nightly process ``proc`` has recorded its run (with its pid) as started in the
    catalog under ``data``; returns early if ``proc`` ends first. ``timeout_s`` is for a quiet machine
    (:func:`waits.scaled`)."""
    deadline = time.monotonic() + scaled(timeout_s)
    db = data / "catalog.sqlite"
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists():
            try:
                with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
                    rows = conn.execute("SELECT parameters FROM runs WHERE state = 'running'").fetchall()
                if any(json.loads(params or "{}").get("pid") == proc.pid for (params,) in rows):
                    return
            except sqlite3.OperationalError:  # the table is not there yet
                pass
        time.sleep(0.05)


RUN_FIELDS = {"processed_at", "run_id"}  # when and by which run: the rest of a catalog row must be equal


def catalog_outcome(data: Path) -> tuple[dict, dict, list]:
    """What a nightly left in ``data``: catalog rows by source (without :data:`RUN_FIELDS`), each
    report.json by source (without its generation time), and the sorted rejections."""
    from pipeline.store.catalog import Catalog

    with Catalog(data) as catalog:
        rows = {a.source: a.model_dump(exclude=RUN_FIELDS) for a in catalog.activities()}
        rejections = sorted((r.name, r.member, r.kind, r.reason) for r in catalog.rejections())
    reports = {}
    for source, row in rows.items():
        report = json.loads((data / row["report_dir"] / "report.json").read_text())
        report.pop("generated_at", None)
        report.get("inputs", {}).pop("generated_at", None)
        reports[source] = report
    return rows, reports, rejections
