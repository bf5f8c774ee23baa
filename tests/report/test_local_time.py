"""The athlete's local time: the file's own offset (its local_timestamp), else the config's zone, in
the report, the catalog, history, the nightly's summary, the index and digest, and weigh-ins.

Inputs are real FIT files (built with ``tools.fitwriter`` here, or the shared samples); expected
times come from the writer's inputs, MANIFEST.csv and the IANA zone database through ``zoneinfo``.
"""
from __future__ import annotations

import json
import re
import sqlite3
import zoneinfo
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cli_support import run_cli
from ride_files import START, ride_file
from shared_paths import SAMPLES

from pipeline.fit import read_activity
from pipeline.report.view import Display, report_view
from pipeline.usecases.analyse import analyse_activity
from report.helpers import CONFIG


def test_local_time_comes_from_the_files_local_timestamp(tmp_path: Path) -> None:
    activity = read_activity(ride_file(tmp_path / "ride.fit", seconds=900, utc_offset_s=2 * 3600))
    assert activity.summary.utc_offset_s == 7200  # what the writer put in local_timestamp − timestamp
    assert activity.summary.start_time == START  # the JSON stays UTC
    view = report_view(analyse_activity(activity, CONFIG).report, display=Display(timezone="America/New_York"))
    # the file's offset beats the config's zone; the sport as the terminal names it (road ride)
    assert view.title == "Road ride on Sat 18 Jul 2026, 14:10 (UTC+2)"
    report = json.loads(analyse_activity(activity, CONFIG).report.to_json())
    assert report["activity"]["start_time"].startswith("2026-07-18T12:10:00")
    assert report["activity"]["utc_offset_s"] == 7200


def test_without_local_timestamp_the_config_zone_is_used() -> None:
    name = "garmin-edge800-cycling-38min-indoor-trainer.fit"  # its activity message has no local_timestamp
    activity = read_activity(SAMPLES / name)
    assert activity.summary.utc_offset_s is None
    manifest = next(line for line in (SAMPLES / "MANIFEST.csv").read_text().splitlines() if line.startswith(name))
    start = datetime.fromisoformat(re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", manifest).group().replace("Z", "+00:00"))
    local = start.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    view = report_view(analyse_activity(activity, CONFIG).report, display=Display(timezone="America/New_York"))
    hours = int(local.utcoffset().total_seconds() // 3600)
    assert view.title.endswith(f"{local:%a %d %b %Y, %H:%M} (UTC{hours:+d})".replace("-", "−"))


def test_catalog_keeps_the_offset_and_history_shows_local_time(tmp_path: Path, config_file) -> None:
    config = config_file(timezone="UTC")
    path = ride_file(tmp_path / "inbox" / "evening.fit", seconds=900, utc_offset_s=-5 * 3600 - 1800 * 0)
    assert run_cli("ride", str(path), config=config).returncode == 0
    with sqlite3.connect(tmp_path / "data" / "catalog.sqlite") as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(activities)")]
        offsets = conn.execute("SELECT utc_offset_s FROM activities").fetchall()
    assert "utc_offset_s" in columns and offsets == [(-18000,)]
    out = run_cli("history", config=config).stdout
    assert "2026-07-18 07:10 (UTC−5)" in out  # 12:10 UTC in the file's own zone, not the config's UTC


def test_nightly_run_summary_shows_local_time_and_the_configs_units(tmp_path: Path) -> None:
    """The run summary kept under digests/ and the Prefect table artifact's rows: each start in the
    athlete's local time (the file's offset, else the config's zone) and numbers in imperial, as the
    index; not '… UTC' and litres. A real night (the flow's plain steps) over two real files."""
    from pipeline.core.config import load_config
    from pipeline.core.units import ML_PER_US_FL_OZ
    from pipeline.store.catalog import Catalog
    from pipeline.usecases.nightly_summary import NightlySummary
    from report.test_index import _night

    inbox, data = tmp_path / "inbox", tmp_path / "data"
    inbox.mkdir()
    ride_file(inbox / "offset.fit", seconds=1800, utc_offset_s=2 * 3600)  # 12:10 UTC, the watch at UTC+2
    indoor = "garmin-edge800-cycling-38min-indoor-trainer.fit"  # no local_timestamp: the config's zone
    (inbox / indoor).write_bytes((SAMPLES / indoor).read_bytes())
    manifest = next(line for line in (SAMPLES / "MANIFEST.csv").read_text().splitlines() if line.startswith(indoor))
    indoor_start = datetime.fromisoformat(
        re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", manifest).group().replace("Z", "+00:00"))
    indoor_local = indoor_start.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    indoor_offset = f"UTC−{-int(indoor_local.utcoffset().total_seconds()) // 3600}"
    config_path = tmp_path / "sweatline.yaml"
    config_path.write_text(f"inbox: {inbox}\ndata_dir: {data}\n"
                           'nightly: {cron: "0 3 * * *", timezone: "America/New_York"}\n'
                           "weather: {provider: none}\nunits: imperial\n"
                           "athlete: {name: test, body_mass_kg: 70, height_cm: 178, sex: male, age: 35}\n")
    assert _night(config_path).startswith("processed 2, skipped 0")

    kept = (next((data / "digests").glob("*-nightly.md"))).read_text()
    heading = kept.splitlines()[0]
    assert re.fullmatch(r"# Sweatline nightly run \d{4}-\d\d-\d\d \d\d:\d\d \(UTC−[45]\)", heading), heading
    rows = {name: line for line in kept.splitlines() for name in ("offset.fit", indoor) if f"| {name} |" in line}
    assert rows["offset.fit"].startswith("| 2026-07-18 14:10 (UTC+2) |"), rows["offset.fit"]
    assert rows[indoor].startswith(f"| {indoor_local:%Y-%m-%d %H:%M} ({indoor_offset}) |"), rows[indoor]
    with Catalog(data) as catalog:
        activities = {a.source: a for a in catalog.activities()}
    ride = activities["offset.fit"]
    oz = ride.sweat_total_l * 1000 / ML_PER_US_FL_OZ  # NIST SP 811: 1 US fl oz = 29.573 53 mL
    assert f"| {oz:,.0f} fl oz (" in rows["offset.fit"] or f"| {oz:,.1f} fl oz (" in rows["offset.fit"]
    assert "| 8.9 mi |" in rows["offset.fit"]  # 8 m/s × 1800 s = 14.4 km / 1609.344 m per mile
    for line in rows.values():
        assert not re.search(r"\d (L|km|mL)\b", line) and " UTC |" not in line, line

    summary = NightlySummary(run_id="r", inbox=inbox, data_dir=data, started_at=datetime.now(UTC),
                             activities=[ride], display=Display.of(load_config(config_path)))
    (table,) = summary.table_rows()
    assert table["start"] == "2026-07-18 14:10 (UTC+2)"
    assert table["distance_mi"] == round(14_400 / 1609.344, 1) and "distance_km" not in table
    assert table["sweat_fl_oz"] == pytest.approx(oz, abs=0.05) and "sweat_l" not in table
    metric = summary.model_copy(update={"display": Display(timezone="America/New_York")}).table_rows()[0]
    assert metric["start"] == "2026-07-18 14:10 (UTC+2)" and metric["distance_km"] == 14.4


def test_index_and_digest_in_imperial_and_local_time() -> None:
    from pipeline.report.digest import DigestRow, build_digest, history_table, render_digest_markdown
    from pipeline.report.index import build_index, render_index_markdown

    # 1.5 L = 1,500 mL / 29.573 53 mL per fl oz (NIST SP 811) = 50.7 fl oz; 42,195 m / 1,609.344 m = 26.2 mi
    row = DigestRow(id="a" * 64, source="marathon.fit", sport="running", start_time=datetime(2026, 7, 18, 22, 30, tzinfo=UTC),
                    timer_s=3 * 3600, distance_m=42195, sweat_total_l=1.5, sweat_low_l=1.0, sweat_high_l=2.3,
                    sweat_rate_l_per_h=0.5, potassium_mg=300, report_dir="reports/x", utc_offset_s=9 * 3600)
    index = render_index_markdown(build_index([row], timezone="Europe/London", units="imperial",
                                              today=datetime(2026, 7, 19, 12, 0, tzinfo=UTC)))
    assert "51 fl oz (34–78 fl oz)" in index and " L" not in index.replace("Last", "")
    assert "Sun 19 Jul 2026 07:30 (UTC+9)" in index  # the file's own offset, the next local day
    digest = render_digest_markdown(build_digest([row], timezone="Europe/London", units="imperial"))
    assert "51 fl oz" in digest and "17 fl oz/h" in digest  # 0.5 L/h = 16.9 fl oz/h
    assert "Sun 19 Jul" in digest  # placed on the athlete's local day
    table = history_table([row], timezone="UTC", units="imperial")
    assert "26.2 mi" in table and "2026-07-19 07:30 (UTC+9)" in table


def test_weigh_ins_show_the_athletes_local_time_as_history_does(tmp_path: Path, config_file) -> None:
    # The writer's file starts at START (12:10 UTC) with a UTC+2 offset: 14:10 local, the time the
    # activity table of history shows; the weigh-in lines used to print 12:10 (UTC, unlabelled).
    cfg = config_file()
    path = ride_file(tmp_path / "inbox" / "hot.fit", seconds=3600, utc_offset_s=7200)
    assert run_cli("ride", str(path), config=cfg).returncode == 0
    local = (START + timedelta(seconds=7200)).strftime("%Y-%m-%d %H:%M")  # 2026-07-18 14:10
    stored = run_cli("weigh-in", "latest", "--pre", "70.0", "--post", "69.2", "--drank", "0.3", config=cfg)
    assert stored.returncode == 0, stored.stderr
    assert f"{local} (UTC+2)" in stored.stdout and "UTC)" not in stored.stdout.replace("(UTC+2)", "")
    history = run_cli("history", config=cfg).stdout
    weighins = history[history.index("Weigh-ins"):]
    assert f"{local} (UTC+2)" in weighins, weighins
