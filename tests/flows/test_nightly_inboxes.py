"""The nightly over files as they are exported, from several inbox folders, really run by Prefect:
a Garmin Connect "Export your data" archive (zips inside the zip), Strava's GPX and a TCX, a smart
scale's file, the same file in two folders, and a configured folder that is not there tonight."""
from __future__ import annotations

import io
import json
import shutil
import zipfile
from datetime import timedelta
from pathlib import Path

from flow_support import snapshot
from shared_paths import SAMPLES
from track_files import START, gpx, run_points, tcx

from flows.nightly import nightly
from pipeline.store.catalog import Catalog
from tools.fitwriter import WeightSample, encode_weight_scale

RUN = "tomtom-runner3-cycling-17min.fit"
RIDE = "stages-dashl50-cycling-34min-road.fit"


def _garmin_export(path: Path) -> None:
    """The shape of Garmin Connect's export: the activity files in zips one level down, beside
    JSON and a picture."""
    part = io.BytesIO()
    with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as inner:
        inner.write(SAMPLES / RUN, "someone_123456789.fit")
        inner.write(SAMPLES / RIDE, "someone_987654321.fit")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip", part.getvalue())
        archive.writestr("DI_CONNECT/DI-Connect-Fitness/someone_summarizedActivities.json", "[]")
        archive.writestr("DI_CONNECT/DI-Connect-User/user_profile.json", "{}")
        archive.writestr("DI_CONNECT/DI-Connect-User/avatar.jpg", b"\xff\xd8\xff\xe0")


def test_a_night_over_exports_in_two_folders(prefect_api: str, tmp_path: Path) -> None:
    export, phone, data = tmp_path / "downloads", tmp_path / "phone", tmp_path / "data"
    export.mkdir()
    phone.mkdir()
    _garmin_export(export / "garmin-export.zip")
    run = gpx(run_points(25, power=False))
    (export / "Morning_Run.gpx").write_bytes(run)
    (phone / "Morning_Run.gpx").write_bytes(run)  # the same file in the second folder: one activity
    (phone / "Evening_Ride.tcx").write_bytes(tcx(run_points(30, power=True), sport="Biking", run_cadence=False))
    shutil.copy(SAMPLES / RUN, phone / "watch-copy.fit")  # the export's run, loose: a copy of it
    (phone / "scale.fit").write_bytes(encode_weight_scale(
        [WeightSample(START - timedelta(hours=1), 71.2), WeightSample(START + timedelta(hours=2), 70.4)]))
    config = tmp_path / "sweatline.yaml"
    config.write_text(f"inbox: [{export}, {phone}, {tmp_path / 'watch' / 'GARMIN' / 'Activity'}]\ndata_dir: {data}\n"
                      "weather: {provider: none}\nclimate: {temperature_c: 20, humidity_pct: 50}\n"
                      "athlete: {body_mass_kg: 71, height_cm: 178, sex: male, age: 35}\n")
    before = {"export": snapshot(export), "phone": snapshot(phone)}

    summary = nightly(config_path=str(config))

    with Catalog(data) as catalog:
        activities = {a.source: a for a in catalog.activities()}
    member = "garmin-export.zip:DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip:"
    assert set(activities) == {f"{member}someone_123456789.fit", f"{member}someone_987654321.fit",
                               "Morning_Run.gpx", "Evening_Ride.tcx"}
    assert activities["Morning_Run.gpx"].sport == "running" and activities["Evening_Ride.tcx"].sport == "cycling"
    for row in activities.values():
        report = json.loads((data / row.report_dir / "report.json").read_text())
        assert report["activity"]["id"] == row.id and report["sweat"]["total_l"] > 0
        assert (data / row.report_dir / "report.html").is_file()
    line = summary.line()
    # four activities, two of them in the export's zip (the scale's file holds none: its readings are said apart);
    # skipped: the GPX again, the loose copy, three members
    assert line.startswith("processed 4 activities from 3 files (garmin-export.zip: 2 activities), skipped 5 ("), line
    assert ("3 members not read: 2 .json, 1 .jpg (not an activity file (.fit, .gpx or .tcx))") in line
    assert f"{phone / 'Morning_Run.gpx'}: the same bytes as {export / 'Morning_Run.gpx'}" in line
    assert "watch-copy.fit: duplicate of" in line
    assert f"inboxes not read 1 ({tmp_path / 'watch' / 'GARMIN' / 'Activity'}: inbox folder not found)" in line
    assert "weigh-ins from a scale 1 (scale.fit: 2 weight reading(s), last 70.4 kg)" in line
    assert "rejected 0" in line
    assert {"export": snapshot(export), "phone": snapshot(phone)} == before  # every folder only read

    again = nightly(config_path=str(config))
    assert again.line().startswith("processed 0, ") and "rejected 0" in again.line()


def test_the_command_skips_a_later_folder_that_is_not_there_and_refuses_a_missing_first(
        prefect_env: dict[str, str], tmp_path: Path) -> None:
    """`sweatline nightly` itself (not only the flow): a watch folder listed after the inbox and not
    plugged in tonight is named in the night's line; a first folder that is not there is one line, exit 2."""
    from cli_support import run_cli

    inbox, data = tmp_path / "inbox", tmp_path / "data"
    inbox.mkdir()
    shutil.copy(SAMPLES / RUN, inbox / RUN)
    watch = tmp_path / "watch" / "GARMIN" / "Activity"
    config = tmp_path / "sweatline.yaml"
    config.write_text(f"inbox: [{inbox}, {watch}]\ndata_dir: {data}\nweather: {{provider: none}}\n"
                      "athlete: {body_mass_kg: 70}\n")
    out = run_cli("nightly", config=config, env={"PREFECT_API_URL": prefect_env["PREFECT_API_URL"]})
    assert out.returncode == 0, out.stderr
    assert f"inboxes not read 1 ({watch}: inbox folder not found)" in out.stdout + out.stderr
    with Catalog(data) as catalog:
        assert [a.source for a in catalog.activities()] == [RUN]

    config.write_text(config.read_text().replace(f"inbox: [{inbox}, {watch}]", f"inbox: [{watch}, {inbox}]"))
    refused = run_cli("nightly", config=config, env={"PREFECT_API_URL": prefect_env["PREFECT_API_URL"]})
    assert refused.returncode == 2 and refused.stderr.strip().endswith(f"{watch}: inbox folder not found")
