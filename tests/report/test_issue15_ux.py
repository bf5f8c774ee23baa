"""Issue 15, living with the reports: local time, notes per leg, imperial units, triathlon plans,
dives, sessions too short to estimate, files without a sport, readable sport names, progress bar.

Inputs are real FIT files: built with ``tools.fitwriter`` here, or the shared samples; commands
run as the installed ``sweatline`` in a subprocess. Expected values come from their sources (the
writer's own inputs, MANIFEST.csv, NIST SP 811, the IANA zone database through ``zoneinfo``),
never from our output.
"""
from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import zoneinfo
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from shared_paths import SAMPLES  # noqa: E402

from pipeline.core.config import parse_config
from pipeline.fit import read_activity
from pipeline.report.view import Display, report_view
from pipeline.usecases.analyse import analyse_activity
from tools import fitwriter as fw

from .helpers import CONFIG, MULTISPORT, TRIATHLON

SWEATLINE = Path(sys.executable).with_name("sweatline")
START = datetime(2026, 7, 18, 12, 10, tzinfo=UTC)


def ride_file(path: Path, seconds: int = 3600, utc_offset_s: int = 0, sport: str = "cycling",
              sub_sport: str = "road", finished: bool = True, device: fw.DeviceSpec = fw.DeviceSpec()) -> Path:
    """A steady ride, one record a second, at 8 m/s and 180 W: a real FIT file from the project's writer."""
    samples = [fw.RecordSample(timestamp=START + timedelta(seconds=i), distance_m=8.0 * i, speed_m_per_s=8.0,
                               heart_rate_bpm=140, power_w=180, temperature_c=24.0,
                               latitude_deg=51.5 + i * 1e-5, longitude_deg=-0.1)
               for i in range(seconds + 1)]
    data = fw.encode_activity(samples, sport=sport, sub_sport=sub_sport, utc_offset_s=utc_offset_s,
                              finished=finished, device=device)
    return fw.write(path, data)


def run_cli(*args: str, config: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SWEATLINE_RIDE_VIA="local")
    return subprocess.run([str(SWEATLINE), *args, "--config", str(config)], capture_output=True, text=True,
                          env=env, timeout=300)


@pytest.fixture
def config_file(tmp_path: Path):
    def make(units: str = "metric", timezone: str = "UTC") -> Path:
        path = tmp_path / f"sweatline-{units}-{timezone.replace('/', '-')}.yaml"
        path.write_text(f"inbox: {tmp_path / 'inbox'}\ndata_dir: {tmp_path / 'data'}\n"
                        f'nightly: {{cron: "0 3 * * *", timezone: "{timezone}"}}\n'
                        "athlete: {name: test, body_mass_kg: 70, height_cm: 178, sex: male, age: 35}\n"
                        f"units: {units}\n")
        (tmp_path / "inbox").mkdir(exist_ok=True)
        return path
    return make


# --- 1. the athlete's local time ------------------------------------------------------------

def test_local_time_comes_from_the_files_local_timestamp(tmp_path: Path) -> None:
    activity = read_activity(ride_file(tmp_path / "ride.fit", seconds=900, utc_offset_s=2 * 3600))
    assert activity.summary.utc_offset_s == 7200  # what the writer put in local_timestamp − timestamp
    assert activity.summary.start_time == START  # the JSON stays UTC
    view = report_view(analyse_activity(activity, CONFIG).report, display=Display(timezone="America/New_York"))
    assert view.title == "Ride on Sat 18 Jul 2026, 14:10 (UTC+2)"  # the file's offset beats the config's zone
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

    from .test_index import _night

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


# --- 2. notes per leg, in plain words, each once ----------------------------------------------

@pytest.mark.parametrize("path", [MULTISPORT, TRIATHLON], ids=["7-leg multisport", "triathlon"])
def test_notes_are_grouped_per_leg_deduplicated_and_plain(path: Path) -> None:
    analysis = analyse_activity(read_activity(path), CONFIG)
    report = analysis.report
    groups = report_view(report).note_groups
    assert groups[0].title == "Whole activity"
    titles = [g.title for g in groups[1:]]
    assert all(re.fullmatch(r"Leg \d+: .+", t) for t in titles)
    legs = {leg.index + 1: leg for leg in report.legs}
    transitions = [leg for leg in report.legs if leg.sport == "transition"]
    assert sum(t.endswith(("T1", "T2", "T3")) for t in titles) <= len(transitions)
    whole = [str(n) for n in groups[0].notes]
    for group in groups:
        shown = [str(n) for n in group.notes]
        assert len(shown) == len(set(shown)), f"{group.title} repeats a note"
        if group is not groups[0]:
            assert not set(shown) & set(whole), "a leg repeats a whole-activity note"
    for note in (n for g in groups for n in g.notes):
        assert not re.match(r"^(running|cycling|swimming|transition|generic): ", note.text)  # no leg-less copies
        assert "ISO 7933" not in note.text and "W/m²" not in note.text and "fitted" not in note.text
    # every leg's own model notes are under that leg (or, if every leg has it, under the whole activity)
    for group in groups[1:]:
        number = int(group.title.split()[1].rstrip(":"))
        assert number in legs
    raw_leg_notes = {f for leg in report.legs for f in leg.sweat.flags}
    assert len(raw_leg_notes) <= sum(len(g.notes) for g in groups)


def test_plain_words_first_with_the_technical_detail_beside() -> None:
    from pipeline.report.notes import plain_note

    note = plain_note("metabolic rate above the fitted 450 W/m² for 40% of moving time")
    assert note.text.startswith("You worked harder") and "40%" in note.text
    assert note.detail == "metabolic rate above the fitted 450 W/m²"
    iso = plain_note("heat-balance lower bound (ISO 7933 required sweat) set the rate for 29% of moving time, "
                     "where the regression predicted less than the heat that must be evaporated")
    assert "ISO 7933" not in iso.text and "ISO 7933" in iso.detail


def test_report_markdown_lists_the_notes_under_their_legs() -> None:
    from .helpers import rendered

    md = rendered(TRIATHLON)["report.md"]
    notes = md[md.index("Notes on this estimate"):]
    assert "**Leg 1: open water swim**" in notes and "**Leg 2: T1**" in notes and "open_water" not in md
    assert re.search(r"\*\*Leg 3: ride\*\*\n\n- ", notes)
    assert ")- " not in notes  # one note a line


def test_a_triathlons_details_do_not_give_one_leg_s_power_as_the_race_s() -> None:
    # MANIFEST avg_power per leg for the fr255 triathlon: ";;;;403", the run leg's running power only;
    # the file's race summary repeats it, which read as the whole race's average power.
    from .helpers import rendered

    row = next(line for line in (SAMPLES / "MANIFEST.csv").read_text().splitlines() if line.startswith(TRIATHLON.name))
    assert ",;;;;403," in row
    md = rendered(TRIATHLON)["report.md"]
    details = md[md.index("## Details"):md.index("Notes on this estimate")]
    assert "403 W" not in details and "Average power" not in details


# --- 4. imperial units ------------------------------------------------------------------------

def test_conversion_factors_are_nist_sp_811() -> None:
    from pipeline.core import units

    # NIST SP 811 (2008) Appendix B.8: 1 fl oz = 2.957 353 E-05 m³, 1 lb = 4.535 924 E-01 kg, 1 mi = 1.609 344 E+03 m
    assert units.fl_oz(2.957353e-05 * 1e6) == pytest.approx(1.0)
    assert units.pounds(0.45359237) == pytest.approx(1.0)
    assert units.miles(1609.344) == pytest.approx(1.0)
    assert units.fahrenheit(100.0) == pytest.approx(212.0) and units.fahrenheit(-40.0) == pytest.approx(-40.0)


_METRIC = re.compile(r"\d\s?(mL|L|L/h|°C|km|kg)\b")


def test_ride_prints_imperial_and_json_stays_si(tmp_path: Path, config_file) -> None:
    config = config_file()
    path = ride_file(tmp_path / "inbox" / "ride.fit", seconds=3600)
    text = run_cli("ride", str(path), "--units", "imperial", config=config)
    assert text.returncode == 0, text.stderr
    assert "fl oz" in text.stdout and " mi" in text.stdout and not _METRIC.search(text.stdout), text.stdout
    assert "28.8 km" not in text.stdout and "17.9 mi" in text.stdout  # 28,800 m / 1,609.344 m per mile
    metric = json.loads(run_cli("ride", str(path), "--json", config=config).stdout)
    imperial = json.loads(run_cli("ride", str(path), "--json", "--units", "imperial", config=config).stdout)
    assert imperial["sweat"] == metric["sweat"] and imperial["activity"]["distance_m"] == pytest.approx(28800, abs=10)


def test_report_files_follow_the_configs_units(tmp_path: Path, config_file) -> None:
    config = config_file(units="imperial")
    path = ride_file(tmp_path / "inbox" / "ride.fit", seconds=3600)
    assert run_cli("ride", str(path), config=config).returncode == 0
    folder = next((tmp_path / "data" / "reports").glob("*-cycling-*"))
    md = (folder / "report.md").read_text()
    main = md[:md.index("Notes on this estimate")]
    assert "fl oz" in main and "°F" in main and not _METRIC.search(main.replace("mmol", "")), main
    assert json.loads((folder / "report.json").read_text())["sweat"]["total_l"] > 0  # SI in the JSON


def test_units_flag_reaches_the_report_files_and_a_stored_report_in_other_units_is_made_again(
        tmp_path: Path, config_file) -> None:
    config = config_file()  # metric
    path = ride_file(tmp_path / "inbox" / "ride.fit", seconds=3600)
    assert run_cli("ride", str(path), "--units", "imperial", config=config).returncode == 0
    folder = next((tmp_path / "data" / "reports").glob("*-cycling-*"))
    main = (folder / "report.md").read_text().split("Notes on this estimate")[0]
    assert "fl oz" in main and not _METRIC.search(main.replace("mmol", "")), main
    # the shared pages keep the config's units: a one-off --units changes this ride's answer only
    # (a fresh-user trial found the whole index rewritten in fl oz)
    index = (tmp_path / "data" / "reports" / "index.md").read_text()
    assert f"{folder.name}/report.html" in index and "fl oz" not in index and re.search(r"\d L\b", index), index
    again = run_cli("ride", str(path), config=config)  # the config's metric: not the stored imperial report
    assert again.returncode == 0 and "stored report" not in again.stdout, again.stdout
    main = (folder / "report.md").read_text().split("Notes on this estimate")[0]
    assert "fl oz" not in main and _METRIC.search(main), main


def test_a_ride_is_on_the_front_door_at_once_not_after_the_next_nightly(tmp_path: Path, config_file) -> None:
    config = config_file()
    path = ride_file(tmp_path / "inbox" / "ride.fit", seconds=3600)
    assert run_cli("ride", str(path), config=config).returncode == 0
    folder = next((tmp_path / "data" / "reports").glob("*-cycling-*"))
    index = (tmp_path / "data" / "reports" / "index.md").read_text()
    assert f"{folder.name}/report.html" in index  # its relative link, with no nightly run yet
    assert (tmp_path / "data" / "reports" / "digest.md").is_file()


def test_a_planned_session_under_ten_minutes_gets_the_short_answer(config_file) -> None:
    # MIN_ESTIMATE_S, as for a recorded session: 10 min at 2 L/h (Sawka et al. 2007) is under the
    # day-to-day variation of body mass (Cheuvront et al. 2004)
    out = run_cli("plan", "--sport", "running", "--duration", "8m", "--speed", "12", "--json", config=config_file())
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout)
    assert answer["sweat"] is None and answer.get("plan") is None
    assert answer["advice"][0]["text"].startswith("Too short to estimate: 8 min")
    assert {"hydration", "potassium", "calcium", "warm-up"} <= {item["topic"] for item in answer["advice"]}
    longer = json.loads(run_cli("plan", "--sport", "running", "--duration", "10m", "--speed", "12", "--json",
                                config=config_file()).stdout)
    assert longer["sweat"]["total_l"] > 0 and longer["plan"]["during_ml_per_h"] >= 0


def test_plan_prints_imperial(config_file) -> None:
    out = run_cli("plan", "--sport", "running", "--duration", "1h30m", "--speed", "6.835", "--temp", "86",
                  "--units", "imperial", config=config_file())  # typed in mph and °F too (11 km/h, 30 °C)
    assert out.returncode == 0, out.stderr
    assert "at 86 °F" in out.stdout
    head = out.stdout[:out.stdout.index("Notes on this estimate")]
    assert "fl oz" in head and not _METRIC.search(head.replace("mmol", "")), head


def test_units_config_key_is_strict(tmp_path: Path) -> None:
    from pipeline.core.errors import ConfigError

    assert parse_config({"units": "imperial"}).units == "imperial"
    with pytest.raises(ConfigError, match="units"):
        parse_config({"units": "furlongs"})


# --- 5. triathlon plan ------------------------------------------------------------------------

def test_triathlon_plan_drinks_per_leg_never_more_than_lost(config_file) -> None:
    out = run_cli("plan", "--sport", "triathlon", "--legs", "1h,5h,3h30m", "--hr", "140", "--temp", "26", "--json",
                  config=config_file())
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    legs = report["legs"]
    assert [leg["sport"] for leg in legs] == ["swimming", "cycling", "running"]
    assert [leg["timer_s"] for leg in legs] == [3600, 18000, 12600]
    assert legs[0]["plan"]["during_max_ml_per_h"] == 0  # nobody drinks while swimming
    drunk_ml = 0.0
    for leg in legs:
        upper_ml = leg["plan"]["during_max_ml_per_h"] * leg["timer_s"] / 3600
        assert upper_ml <= leg["sweat"]["total_l"] * 1000 + 1e-6
        drunk_ml += upper_ml
    assert report["sweat"]["total_l"] == pytest.approx(sum(leg["sweat"]["total_l"] for leg in legs), abs=0.01)
    plan = report["plan"]
    # the headline rate is the legs' volumes over the 9.5 h, rounded down to 50 mL as every rate is
    assert plan["during_max_ml_per_h"] == (drunk_ml / 9.5) // 50 * 50
    assert drunk_ml <= report["sweat"]["total_l"] * 1000
    assert drunk_ml / 1000 + plan["after_ml"] / 1000 <= report["sweat"]["high_l"] + 1e-6
    text = run_cli("plan", "--sport", "triathlon", "--legs", "1h,5h,3h30m", "--hr", "140", config=config_file()).stdout
    assert "Legs:" in text and "swim" in text and "drink during none" in text and "never more than you lose" in text


def test_triathlon_plan_headline_rate_is_rounded_like_every_other_rate(config_file) -> None:
    """The whole race's rate (Σ leg rate × leg hours / race hours) rounded down to 50 mL, the rule of
    single-sport plans (pipeline.advice.plan: 'rounded *down* to 50 mL'), not '458–511 mL/h'."""
    config = config_file()
    report = json.loads(run_cli("plan", "--sport", "triathlon", "--legs", "1h,5h,3h30m", "--hr", "140", "--json",
                                config=config).stdout)
    hours = [leg["timer_s"] / 3600 for leg in report["legs"]]
    low = sum(leg["plan"]["during_ml_per_h"] * h for leg, h in zip(report["legs"], hours)) / sum(hours)
    high = sum(leg["plan"]["during_max_ml_per_h"] * h for leg, h in zip(report["legs"], hours)) / sum(hours)
    expected_low, expected_high = low // 50 * 50, high // 50 * 50
    assert expected_high - expected_low >= 50  # the legs' ranges leave a range for the race
    out = run_cli("plan", "--sport", "triathlon", "--legs", "1h,5h,3h30m", "--hr", "140", config=config)
    assert out.returncode == 0, out.stderr
    headline = next(line for line in out.stdout.splitlines() if line.strip().startswith("Drink during"))
    assert f"{expected_low:,.0f}–{expected_high:,.0f} mL/h" in headline, headline
    during = next(line for line in out.stdout.splitlines() if line.strip().startswith("During "))
    assert f"{expected_low:,.0f}–{expected_high:,.0f} mL per hour" in during, during


def _manifest_row(name: str) -> dict[str, str]:
    import csv

    with (SAMPLES / "MANIFEST.csv").open(newline="") as f:
        return next(row for row in csv.DictReader(f) if row["file"] == name)


@pytest.mark.parametrize("path", [TRIATHLON, MULTISPORT], ids=["triathlon", "7-leg multisport"])
def test_ride_on_a_multisport_file_drinks_leg_by_leg(tmp_path: Path, config_file, path: Path) -> None:
    """`ride` on a recorded multisport file: each leg its own drinking plan (JSON legs[i].plan, the
    terminal, report.md/.html's legs table), none in the water, each capped at the leg's own loss,
    none for a transition under 10 minutes; the whole race's plan stays. Legs from MANIFEST.csv."""
    manifest = _manifest_row(path.name)
    sports = manifest["sport"].split(";")
    timers_s = [float(t) for t in manifest["total_timer_time"].split(";")]
    config = config_file()
    out = run_cli("ride", str(path), "--json", config=config)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    legs = report["legs"]
    assert [leg["sport"] for leg in legs] == sports
    for leg, sport, timer_s in zip(legs, sports, timers_s):
        plan = leg["plan"]
        if sport == "transition" and timer_s < 600:
            assert plan is None, leg
            continue
        assert plan is not None, leg
        if sport == "swimming":
            assert plan["during_ml_per_h"] == plan["during_max_ml_per_h"] == 0 and plan["carry_bottles"] == 0
        else:
            assert 0 < plan["during_ml_per_h"] <= plan["during_max_ml_per_h"]
            assert plan["during_max_ml_per_h"] % 50 == 0 and plan["during_ml_per_h"] % 50 == 0  # rounded down to 50 mL
        assert plan["during_max_ml_per_h"] * timer_s / 3600 <= leg["sweat"]["total_l"] * 1000 + 1e-6  # its own loss
    assert report["plan"]["during_max_ml_per_h"] > 0  # the whole race's plan stays

    text = run_cli("ride", str(path), config=config).stdout
    assert re.search(r"Drink during .*\(race average; per leg below\)", text), text  # the headline is the race's
    block = text[text.index("Drink during, leg by leg:"):].splitlines()[1:]
    planned = [(i, s) for i, (s, t) in enumerate(zip(sports, timers_s), 1) if not (s == "transition" and t < 600)]
    assert [int(line.split(".")[0]) for line in block[:len(planned)]] == [i for i, _ in planned]
    for line, (_, sport) in zip(block, planned):
        assert ("none  (you cannot drink while swimming)" in line) == (sport == "swimming"), line
    report_dir = next((tmp_path / "data" / "reports").glob("*multisport*"))
    md = (report_dir / "report.md").read_text()
    header = next(line for line in md.splitlines() if line.startswith("| # | Sport |"))
    assert header.endswith("| Drink during |")
    rows = [line for line in md.splitlines() if re.match(r"\| \d+ \|", line)]
    assert len(rows) == len(sports)
    for row, leg in zip(rows, legs):
        drink = row.rstrip(" |").rsplit("| ", 1)[1]
        plan = leg["plan"]
        expected = ("—" if plan is None else "none" if plan["during_max_ml_per_h"] == 0
                    else f"{plan['during_ml_per_h']:,.0f} mL/h" if plan["during_ml_per_h"] == plan["during_max_ml_per_h"]
                    else f"{plan['during_ml_per_h']:,.0f}–{plan['during_max_ml_per_h']:,.0f} mL/h")
        assert drink == expected, row
    html = (report_dir / "report.html").read_text()
    assert html.count('data-label="Drink during"') == len(sports) and "<th>Drink during</th>" in html


def test_triathlon_plan_refuses_two_legs(config_file) -> None:
    out = run_cli("plan", "--sport", "triathlon", "--legs", "1h,5h", "--hr", "140", config=config_file())
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.strip() == "--legs: '1h,5h': give three durations, swim, bike and run, e.g. 1h,5h,3h30m"


# --- 8. dives, very short sessions, files without a sport ------------------------------------

def test_a_dive_gets_no_drinking_rate_during() -> None:
    analysis = analyse_activity(read_activity(SAMPLES / "garmin-descentmk2-diving-53min.fit"), CONFIG)
    plan = analysis.report.plan
    assert plan.during_ml_per_h == 0 and plan.during_max_ml_per_h == 0 and plan.carry_bottles == 0
    assert plan.after_ml > 0
    hydration = next(a.text for a in analysis.report.advice if a.topic == "hydration")
    assert "cannot drink" in hydration and "immersion" in hydration and "per hour" not in hydration
    drink = next(r for r in report_view(analysis.report).headline if r.label == "Drink during")
    assert drink.value == "none"


def test_a_13_second_file_is_too_short_to_estimate(tmp_path: Path, config_file) -> None:
    path = ride_file(tmp_path / "inbox" / "blip.fit", seconds=13)
    out = run_cli("ride", str(path), config=config_file())
    assert out.returncode == 0, out.stderr
    assert "Too short to estimate: 13 s" in out.stdout
    assert "Drink during" not in out.stdout and "mL/h" not in out.stdout
    report = json.loads(run_cli("ride", str(path), "--json", config=config_file()).stdout)
    assert report["sweat"] is None and report["plan"] is None  # SPEC's blocks are all there, null
    assert {"schema_version", "activity", "environment", "intensity", "sweat", "plan", "advice"} <= set(report)


ARTICLE_WORDS = ("banana", "potato", "water", "stretch")
"""The consumer article's advice, in the words SPEC's report check looks for."""


def _short_multisport(path: Path, legs: tuple[tuple[str, int], ...]) -> Path:
    """A multisport file of short legs (sport, seconds), one record a second with heart rate and
    speed, a session per leg, as a Garmin watch writes a multisport activity."""
    from tools.fitwriter import FitEncoder

    enc = FitEncoder()
    enc.add("file_id", {"type": "activity", "manufacturer": "garmin", "product": 3113, "time_created": START})
    t = START
    for sport, seconds in legs:
        leg_start = t
        enc.add("event", {"timestamp": t, "event": "timer", "event_type": "start"})
        for i in range(seconds + 1):
            enc.add("record", {"timestamp": t + timedelta(seconds=i), "heart_rate": 120 + i % 20,
                               "enhanced_speed": 3.0, "distance": 3.0 * i})
        t = t + timedelta(seconds=seconds)
        enc.add("event", {"timestamp": t, "event": "timer", "event_type": "stop_all"})
        enc.add("session", {"timestamp": t, "start_time": leg_start, "total_elapsed_time": float(seconds),
                            "total_timer_time": float(seconds), "total_distance": 3.0 * seconds, "sport": sport})
        t = t + timedelta(seconds=5)
    enc.add("activity", {"timestamp": t, "num_sessions": len(legs), "type": "manual"})
    return fw.write(path, enc.to_bytes())


@pytest.mark.parametrize("legs", [(("cycling", 50), ("running", 25)), (("running", 299), ("cycling", 240), ("running", 30))])
def test_a_short_multisport_file_keeps_its_legs_chart_and_the_articles_advice(tmp_path: Path, config_file, legs) -> None:
    # Under MIN_ESTIMATE_S in all there is no estimate, but the activity is still what it was:
    # its legs (SPEC: "a legs list, each leg with its own sport, timer_s"), its chart and the
    # article's general advice; only this session's amounts are left out.
    path = _short_multisport(tmp_path / "inbox" / "brick.fit", legs)
    cfg = config_file()
    report = json.loads(run_cli("ride", str(path), "--json", config=cfg).stdout)
    assert report["activity"]["sport"] == "multisport"
    assert [(leg["sport"], leg["timer_s"]) for leg in report["legs"]] == [(sport, float(s)) for sport, s in legs]
    assert report["sweat"] is None and report.get("plan") is None
    assert all(leg["sweat"] is None for leg in report["legs"])
    topics = [item["topic"] for item in report["advice"]]
    assert topics[0] == "estimate" and {"hydration", "potassium", "calcium", "warm-up"} <= set(topics)
    html = next((tmp_path / "data" / "reports").glob("*/report.html")).read_text().lower()
    assert all(word in html for word in ARTICLE_WORDS) and "<svg" in html
    assert "too short to estimate" in html and "drink during" not in html
    terminal = run_cli("ride", str(path), config=cfg).stdout
    assert "Too short to estimate" in terminal and "Drink during" not in terminal


def test_a_13_second_report_page_still_has_its_chart_and_the_articles_advice(tmp_path: Path, config_file) -> None:
    path = ride_file(tmp_path / "inbox" / "blip.fit", seconds=13)
    assert run_cli("ride", str(path), config=config_file()).returncode == 0
    folder = next((tmp_path / "data" / "reports").glob("*/"))
    html = (folder / "report.html").read_text().lower()
    assert all(word in html for word in ARTICLE_WORDS) and "<svg" in html
    assert "13 s" in (folder / "report.md").read_text()


def test_no_session_file_from_a_bike_computer_is_a_ride() -> None:
    name = "garmin-edge1040-cycling-33min-no-session-gear-changes.fit"
    manifest = next(line for line in (SAMPLES / "MANIFEST.csv").read_text().splitlines() if line.startswith(name))
    # no session, so no sport in the file; the manifest says what it is: an Edge 1040 (a bike
    # computer) recording gear changes (bicycle shifting: a ride)
    assert ",edge_1040," in manifest.replace("edge1040", "edge_1040") or "edge1040" in manifest
    assert "gear-change events" in manifest
    assert read_activity(SAMPLES / name).summary.sport == "cycling"


def test_no_sport_anywhere_reads_as_sport_not_recorded(tmp_path: Path) -> None:
    watch = fw.DeviceSpec(manufacturer="development", product_name="wrist unit")
    activity = read_activity(ride_file(tmp_path / "cut.fit", seconds=900, sport="generic", sub_sport="generic",
                                       finished=False, device=watch))
    assert activity.summary.summary_source == "records"
    from pipeline.report.view import sport_label

    assert sport_label(activity.summary.sport, activity.summary.sub_sport) == "activity (sport not recorded)"


# --- 7. readable sport names in history ------------------------------------------------------

def test_history_lists_newest_first_like_the_index(tmp_path: Path, config_file) -> None:
    """Three rides written a day apart (the writer's start times), ridden in a shuffled order:
    `history` and `history --json` list them newest first, as reports/index.html does."""
    config = config_file()
    starts = {}
    for name, day in (("middle.fit", 2), ("oldest.fit", 1), ("newest.fit", 3)):
        samples = [fw.RecordSample(timestamp=START + timedelta(days=day, seconds=i), distance_m=8.0 * i,
                                   speed_m_per_s=8.0, heart_rate_bpm=140, power_w=180) for i in range(0, 901, 5)]
        path = fw.write(tmp_path / "inbox" / name, fw.encode_activity(samples, sport="cycling"))
        starts[name] = START + timedelta(days=day)
        assert run_cli("ride", str(path), config=config).returncode == 0
    expected = sorted(starts, key=starts.get, reverse=True)
    assert expected == ["newest.fit", "middle.fit", "oldest.fit"]
    out = run_cli("history", config=config)
    assert out.returncode == 0, out.stderr
    listed = [name for line in out.stdout.splitlines() for name in starts if name in line]
    assert listed == expected
    assert [f"{starts[n]:%Y-%m-%d %H:%M}" for n in expected] == [
        line[:16] for line in out.stdout.splitlines() if any(n in line for n in starts)]
    rows = json.loads(run_cli("history", "--json", config=config).stdout)
    assert [row["source"] for row in rows] == expected
    assert "newest first" in run_cli("history", "--help", config=config).stdout


def test_history_names_sports_as_people_do(tmp_path: Path, config_file) -> None:
    config = config_file()
    sample = SAMPLES / "garmin-fenix6-swimming-11min-open-water.fit"
    assert run_cli("ride", str(sample), config=config).returncode == 0
    out = run_cli("history", config=config).stdout
    row = out.splitlines()[-1]
    cells = re.split(r"\s{2,}", row[row.index("…") + 1:].strip())  # after the (cut) file name
    assert cells[0] == "open water swim", row


# --- 6. progress bar ----------------------------------------------------------------------------

def _drain(master: int) -> bytes:
    """Everything written so far to the terminal whose pty master is ``master``."""
    os.set_blocking(master, False)
    drawn = b""
    try:
        while chunk := os.read(master, 65536):
            drawn += chunk
    except BlockingIOError:
        pass
    return drawn


def test_progress_bar_only_on_a_terminal(tmp_path: Path) -> None:
    import pty

    from flows.cli.nightly import terminal_progress
    from pipeline.runtime.progress import report_progress

    master, slave = pty.openpty()
    with os.fdopen(slave, "w") as tty:
        assert tty.isatty()
        with terminal_progress(tty):
            for done in range(1, 11):
                report_progress(done, 10, f"file-{done}.fit")
        tty.flush()
        drawn = _drain(master)
    os.close(master)
    assert b"nightly" in drawn and b"10/10" in drawn
    with open(tmp_path / "log.txt", "w") as plain:
        with terminal_progress(plain):
            for done in range(1, 11):
                report_progress(done, 10, "x.fit")
    assert (tmp_path / "log.txt").read_text() == ""  # no bar into a file or pipe


def test_log_lines_print_above_the_progress_bar_not_glued_to_it() -> None:
    """Prefect's console log lines written during the bar (a user's report: `… 1/63 -:--:-- bomb.zip13:09:00.768
    | INFO …`, the line glued to the bar, then half wiped by its redraw) go above the bar: after the
    terminal's escape sequences are taken out, no log line follows the bar's text on the same line."""
    import logging
    import pty

    from prefect.logging.handlers import PrefectConsoleHandler

    from flows.cli.nightly import terminal_progress
    from pipeline.runtime.progress import report_progress

    master, slave = pty.openpty()
    logger = logging.getLogger("sweatline-test-progress-logs")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    with os.fdopen(slave, "w") as tty:
        handler = PrefectConsoleHandler(stream=tty)
        logger.addHandler(handler)
        try:
            with terminal_progress(tty):
                for done in range(1, 11):
                    report_progress(done, 10, f"file-{done}.fit")
                    logger.info("log line %d", done)
            assert handler.console.file is tty  # given back when the bar ends
        finally:
            logger.removeHandler(handler)
        tty.flush()
        drawn = _drain(master)
    os.close(master)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", drawn.decode(errors="replace"))
    lines = [line for chunk in text.split("\n") for line in chunk.split("\r")]
    assert sum("log line" in line for line in lines) == 10, text
    assert not any("log line" in line and "nightly" in line for line in lines), text


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


def test_an_open_water_swim_gets_no_drinking_rate_during_as_a_triathlons_swim(tmp_path: Path, config_file) -> None:
    # MANIFEST: the fenix6 file is a swim in open water (sub_sport open_water); the fr735xt one a pool
    # swim (lap_swimming). Nobody drinks while swimming in open water (the triathlon swim leg has
    # none either); a pool swim keeps its rate (a bottle at the end of the lane).
    cfg = config_file()
    rows = {line.split(",")[0]: line.split(",") for line in (SAMPLES / "MANIFEST.csv").read_text().splitlines()}
    open_water, pool = "garmin-fenix6-swimming-11min-open-water.fit", "garmin-fr735xt-swimming-1h16-pool.fit"
    assert rows[open_water][13] == "open_water" and rows[pool][13] == "lap_swimming"
    swim = json.loads(run_cli("ride", str(SAMPLES / open_water), "--json", config=cfg).stdout)
    assert swim["plan"]["during_ml_per_h"] == 0 and swim["plan"]["during_max_ml_per_h"] == 0
    assert swim["plan"]["carry_bottles"] == 0
    hydration = next(a["text"] for a in swim["advice"] if a["topic"] == "hydration")
    assert hydration.startswith("In open water you cannot drink while you swim")
    assert swim["plan"]["after_ml"] <= 1.5 * swim["sweat"]["high_l"] * 1000 + 1  # never more than is lost, x1.5 (ACSM)
    terminal = run_cli("ride", str(SAMPLES / open_water), config=cfg).stdout
    assert re.search(r"Drink during\s+none\s+\(you cannot drink while swimming: drink after\)", terminal), terminal
    lanes = json.loads(run_cli("ride", str(SAMPLES / pool), "--json", config=cfg).stdout)
    assert lanes["plan"]["during_max_ml_per_h"] > 0
    # where a swim's rate is drunk: at the pool wall; a planned swim, whose water is unknown, also
    # says open water gets none (a fresh-user trial read "drink during" as while swimming)
    terminal = run_cli("ride", str(SAMPLES / pool), config=cfg).stdout
    assert re.search(r"Drink during\s+\S+ mL/h\s+\(from a bottle at the pool wall, between sets\)", terminal), terminal
    planned = run_cli("plan", "--sport", "swimming", "--duration", "45m", "--hr", "130", config=cfg).stdout
    assert re.search(r"Drink during\s+.+ mL/h\s+\(from a bottle at the pool wall, between sets; none in open water\)",
                     planned), planned


def test_an_uncertainty_in_celsius_converts_as_a_difference() -> None:
    # NIST SP 811 (B.8): a temperature interval of 1 K = 1 °C = 1.8 °F; a temperature adds the 32.
    # The wrist sensor's note says "±4 °C": ±7.2 °F, not the 39 °F that 4 °C is as a temperature.
    from pipeline.core.units import convert_text

    text = convert_text("corrected to about 12.0 °C air (our estimate, ±4 °C)", "imperial")
    assert f"±{4 * 1.8:.0f} °F" in text and f"{12.0 * 1.8 + 32:.0f} °F air" in text
    assert "39 °F" not in text


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


def test_ride_on_a_zip_names_the_members_it_set_aside(tmp_path: Path, config_file) -> None:
    # The nightly lists a zip's refused members; `ride` answered the good one and said nothing of the rest.
    import zipfile

    good = SAMPLES / "tomtom-runner3-cycling-17min.fit"
    archive = tmp_path / "odd.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(good, "rides/tomtom.fit")
        z.writestr("../evil.fit", b"x" * 100)  # a path-traversal name: refused before anything is read
        z.writestr("broken.fit", good.read_bytes()[:500])  # cut inside its first records
    out = run_cli("ride", str(archive), config=config_file())
    assert out.returncode == 0, out.stderr
    assert "odd.zip:rides/tomtom.fit" in out.stdout
    warned = [line for line in out.stderr.splitlines() if line.startswith(f"{archive}: warning: ")]
    assert any("../evil.fit" in line and "refused" in line for line in warned), out.stderr
    assert any("broken.fit" in line and "truncated" in line for line in warned), out.stderr
