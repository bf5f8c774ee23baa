"""``plan --course``: a hilly route built here and the shared Stages course, with the air given
(``--temp``/``--humidity``; the forecast has its own tests): climbs are slower and drink more per
km than descents, the drinking never runs ahead of the sweat, and the JSON names its keys."""
from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from cli_support import run_cli
from course_files import HILLY, profile_points, write_gpx

from pipeline.core.config import parse_config
from pipeline.core.inputs import WeatherOverride
from pipeline.fit.course import read_course
from pipeline.usecases.race import RaceRequest, plan_course

START = datetime(2027, 6, 12, 6, 0, tzinfo=UTC)


def _config(tmp_path: Path):
    return parse_config({"data_dir": str(tmp_path / "data"), "inbox": str(tmp_path / "inbox"),
                         "athlete": {"body_mass_kg": 70, "height_cm": 175, "sex": "male", "age": 35}})


@pytest.fixture(params=["gpx", "fit"])
def hilly(request, tmp_path: Path) -> Path:
    """The hilly route as a GPX track, and as a FIT course written by the product's own encoder."""
    points = profile_points(HILLY)
    if request.param == "gpx":
        return write_gpx(tmp_path / "hilly.gpx", points)
    import pandas as pd

    from pipeline.fit.course_export import encode_course

    route = pd.DataFrame(points, columns=["latitude_deg", "longitude_deg", "altitude_m"])
    route["distance_m"] = np.arange(len(route)) * 25.0
    route["elapsed_s"] = route["distance_m"] / 5.0
    path = tmp_path / "hilly.fit"
    path.write_bytes(encode_course(route, START, [], "Hilly", "cycling"))
    return path


@pytest.mark.parametrize("sport, ask", [("cycling", {"power_w": 200.0}), ("running", {"speed_m_per_s": 3.0}),
                                        ("cycling", {"finish_s": 3600.0}), ("running", {"heart_rate_bpm": 155.0})])
def test_climbs_are_slower_and_drink_more_per_km_than_descents(hilly: Path, tmp_path: Path, sport: str,
                                                               ask: dict) -> None:
    plan = plan_course(read_course(hilly), RaceRequest(sport, START, **ask), _config(tmp_path),
                       override=WeatherOverride(temperature_c=30.0, humidity_pct=60.0))
    timeline = plan.report.plan.timeline
    climbs = [e for e in timeline if e.grade_pct > 4.0]
    descents = [e for e in timeline if e.grade_pct < -4.0]
    assert climbs and descents
    assert max(e.speed_m_per_s for e in climbs) < min(e.speed_m_per_s for e in descents)
    per_km = lambda entries, key: sum(getattr(e, key) for e in entries) / (sum(e.length_m for e in entries) / 1000)  # noqa: E731
    assert per_km(climbs, "sweat_ml") > per_km(descents, "sweat_ml")
    assert per_km(climbs, "drink_ml") > per_km(descents, "drink_ml")
    if "finish_s" in ask:
        assert timeline[-1].elapsed_s + timeline[-1].duration_s == pytest.approx(3600.0, abs=1.0)


def test_the_drinking_never_runs_ahead_of_the_sweat(hilly: Path, tmp_path: Path) -> None:
    plan = plan_course(read_course(hilly), RaceRequest("running", START, speed_m_per_s=2.8, aid_m=(7000.0, 14000.0)),
                       _config(tmp_path), override=WeatherOverride(temperature_c=30.0, humidity_pct=60.0))
    p, s = plan.report.plan, plan.report.sweat
    drink = np.cumsum([e.drink_ml for e in p.timeline])
    sweat = np.cumsum([e.sweat_ml for e in p.timeline])
    assert (drink <= sweat + 1e-6).all()
    assert drink[-1] <= s.total_l * 1000.0
    assert sweat[-1] == pytest.approx(s.total_l * 1000.0, rel=0.01)  # the segments add up to the headline
    concentration = s.sodium_mg / s.total_l  # mg per litre of sweat
    for e in p.timeline:
        assert e.sodium_mg == pytest.approx(e.drink_ml / 1000.0 * concentration, abs=0.1)
    assert [e.water for e in p.timeline].count(True) == 2
    # bottles: those the thirstiest stretch needs, each refill for its stretch
    bottle = 750.0
    up_to_7 = sum(e.drink_ml for e in p.timeline if e.distance_m < 7000.0)
    stretches = [up_to_7, *(r.drink_ml for r in p.refills)]
    assert p.start_bottles == max(int(np.ceil(v / bottle)) for v in stretches)  # the most carried at once
    assert [r.distance_m for r in p.refills] == [7000.0, 14000.0]
    assert sum(r.drink_ml for r in p.refills) + up_to_7 == pytest.approx(drink[-1])


@pytest.mark.parametrize("sport, ask", [("cycling", {"power_w": 180.0}), ("running", {"speed_m_per_s": 3.2})])
def test_on_the_stages_course_its_climbs_are_slower_and_drink_more_per_km(samples: Path, tmp_path: Path, sport: str,
                                                                         ask: dict) -> None:
    plan = plan_course(read_course(samples / "stages-link-course.fit"), RaceRequest(sport, START, **ask),
                       _config(tmp_path), override=WeatherOverride(temperature_c=26.0, humidity_pct=50.0))
    timeline = plan.report.plan.timeline
    up = max(timeline, key=lambda e: e.grade_pct)
    down = min(timeline, key=lambda e: e.grade_pct)
    assert up.grade_pct > 0 > down.grade_pct
    assert up.speed_m_per_s < down.speed_m_per_s
    assert up.sweat_ml / up.length_m > down.sweat_ml / down.length_m


def test_plan_course_json_on_the_stages_course(samples: Path, config_file) -> None:
    result = run_cli("plan", "--course", str(samples / "stages-link-course.fit"), "--start", "2027-06-12T06:00+02:00",
                     "--power", "180", "--temp", "22", "--humidity", "55", "--json", config=config_file())
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    plan = report["plan"]
    assert report["environment"]["source"] == "override"
    assert plan["start_time"].startswith("2027-06-12T04:00:00")
    entry = plan["timeline"][0]
    for key in ("elapsed_s", "distance_m", "temperature_c", "drink_ml", "sodium_mg", "carbohydrate_g", "water"):
        assert key in entry
    for key in ("sodium_mg_per_h", "carbohydrate_g_per_h", "start_bottles", "refills"):
        assert key in plan
    assert plan["timeline"][-1]["distance_m"] + plan["timeline"][-1]["length_m"] == pytest.approx(7023.0, abs=1.0)


@pytest.mark.parametrize("args, words", [
    (["--start", "soon", "--power", "200"], "--start"),
    (["--power", "200"], "--start"),
    (["--start", "2027-06-12T06:00", "--sport", "running", "--power", "200"], "cycling only"),
    (["--start", "2027-06-12T06:00", "--finish", "5m"], "faster than this course"),
    (["--start", "2027-06-12T06:00", "--power", "200", "--aid-km", "3,x"], "--aid-km"),
    # the course is 7.023 km long (fitparse: the last record's distance): water past its end is not there
    (["--start", "2027-06-12T06:00", "--power", "200", "--aid-km", "20,40"], "20 km is beyond the course's end at 7.0 km"),
    (["--start", "2027-06-12T06:00", "--power", "200", "--aid-km", "3,7.5"], "7.5 km is beyond the course's end"),
    (["--start", "2027-06-12T06:00", "--power", "200", "--duration", "2h"], "--duration"),
    (["--start", "2027-06-12T06:00", "--power", "200", "--solar-w-m2", "5000"], "--solar-w-m2"),
    (["--start", "2027-06-12T06:00", "--power", "200", "--sun-elevation-deg", "40"], "--solar-w-m2"),
])
def test_bad_course_requests_are_one_line(samples: Path, config_file, args: list[str], words: str) -> None:
    result = run_cli("plan", "--course", str(samples / "stages-link-course.fit"), "--temp", "20", "--humidity", "50",
                     *args, config=config_file())
    assert result.returncode == 2
    assert words in result.stderr and result.stderr.count("\n") == 1


def test_the_sun_typed_beats_none_and_sweats_more(hilly: Path, tmp_path: Path) -> None:
    course = read_course(hilly)
    shade = plan_course(course, RaceRequest("running", START, speed_m_per_s=3.0), _config(tmp_path),
                        override=WeatherOverride(temperature_c=28.0, humidity_pct=50.0)).report
    sun = plan_course(course, RaceRequest("running", START, speed_m_per_s=3.0, solar_w_m2=900.0, sun_elevation_deg=60.0),
                      _config(tmp_path), override=WeatherOverride(temperature_c=28.0, humidity_pct=50.0)).report
    assert sun.sweat.total_l > shade.sweat.total_l
    assert any("900" in note for note in sun.environment.notes)


@pytest.mark.parametrize("hours", [8.0, 20.0])
@pytest.mark.parametrize("temperature_c", [2.0, 15.0])
def test_a_slow_course_sweats_at_least_the_athletes_floor(tmp_path: Path, hours: float, temperature_c: float) -> None:
    """60 km with 1,050 m of climbing planned for 20 h gave 0.00 L: minutes the model put below 2 METs
    skipped the floor. Hours of moving on a planned course sweat at least the lowest rate measured in
    athletes, 3.3 mL per kg per hour (Baker et al. 2016, abstract), 70 kg here, over the finish time."""
    pieces = [(7500.0, 0.07), (7500.0, -0.07)] * 2 + [(30000.0, 0.0)]  # 60 km, 2 × 525 m up
    course = read_course(write_gpx(tmp_path / "col.gpx", profile_points(pieces, step_m=50.0)))
    plan = plan_course(course, RaceRequest("cycling", START, finish_s=hours * 3600.0), _config(tmp_path),
                       override=WeatherOverride(temperature_c=temperature_c, humidity_pct=50.0))
    floor_l = 3.3 * 70.0 * hours / 1000.0
    assert plan.report.sweat.total_l >= floor_l - 0.01
    assert plan.report.sweat.low_l > 0.0


@pytest.mark.parametrize("finish, aid", [("45m", "5,10"), ("3h", "5,10,15"), ("3h", "2,4,6,8,10,12,14,16,18")])
def test_bottles_to_carry_and_start_with_are_one_figure(tmp_path: Path, finish: str, aid: str) -> None:
    """The session's "Bottles to carry", the course's "Start with", the advice and plan.html give one
    figure: the bottles carried at once, those of the thirstiest stretch between water points (the
    timeline's drinks by stretch at 750 mL a bottle, the config's default, counted here). Water
    points lower what is carried, never add a bottle: more points never carry more. Each refill
    says the millilitres to fill, not a bottle. A race under the config's 60 minutes
    (advice.long_session_min) carries none and fills none, as its advice says."""
    import math

    route = write_gpx(tmp_path / "hilly.gpx", profile_points(HILLY))
    config = tmp_path / "sweatline.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\ninbox: {tmp_path / 'inbox'}\n")
    args = ("plan", "--course", str(route), "--sport", "cycling", "--start", "2027-06-12T06:00+00:00",
            "--finish", finish, "--temp", "30", "--humidity", "50", "--aid-km", aid)
    report = json.loads(run_cli(*args, "--json", config=config).stdout)
    text = run_cli(*args, "--out", str(tmp_path / "out"), config=config).stdout
    plan = report["plan"]
    edges = [0.0, *(float(km) * 1000.0 for km in aid.split(",")), math.inf]
    by_stretch = [sum(e["drink_ml"] for e in plan["timeline"] if lo <= e["distance_m"] < hi)
                  for lo, hi in zip(edges, edges[1:])]
    if finish == "45m":
        assert plan["carry_bottles"] == plan["start_bottles"] == 0 and plan["refills"] == []
        assert "Bottles to carry  0" in text and "No bottle to carry" in text and "Start with" not in text
        return
    carried = max(math.ceil(ml / 750.0) for ml in by_stretch)
    without_water = math.ceil(sum(by_stretch) / 750.0)
    assert carried <= without_water
    assert plan["start_bottles"] == plan["carry_bottles"] == carried
    assert [r["drink_ml"] for r in plan["refills"]] == [ml for ml in by_stretch[1:] if ml > 0]
    assert f"Bottles to carry  {carried}" in text
    assert f"Start with {carried} bottle" in text
    for refill in plan["refills"]:
        assert f"fill {refill['drink_ml']:,.0f} mL" in text
    hydration = next(a["text"] for a in report["advice"] if a["topic"] == "hydration")
    assert f"{carried} bottle{'s' if carried != 1 else ''} of 750 mL at a time" in hydration
    html = (tmp_path / "out" / "plan.html").read_text(encoding="utf-8")
    assert f"{carried} bottle{'s' if carried != 1 else ''}" in html
    assert " bottle</td>" not in html and " bottles</td>" not in html  # the refills fill millilitres


def test_fill_words_say_millilitres_and_the_share_of_a_bottle() -> None:
    from pipeline.advice.race import fill_words

    assert fill_words(110.0, 750.0) == "110 mL (up to a quarter of a bottle)"
    assert fill_words(375.0, 750.0) == "375 mL (up to half a bottle)"
    assert fill_words(400.0, 750.0) == "400 mL (up to three quarters of a bottle)"
    assert fill_words(750.0, 750.0) == "750 mL (a full bottle)"
    assert fill_words(1200.0, 750.0) == "1,200 mL (2 bottles)"


def test_a_start_in_the_past_is_planned_with_one_warning_line(tmp_path: Path) -> None:
    """A racer may replan a race that is over: it is planned, with one line on stderr saying so."""
    route = write_gpx(tmp_path / "r.gpx", profile_points(((3000.0, 0.0),)))
    config = tmp_path / "sweatline.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\ninbox: {tmp_path / 'inbox'}\n")
    args = ("plan", "--course", str(route), "--sport", "running", "--speed", "10", "--temp", "20", "--humidity", "50",
            "--json")
    past = run_cli(*args, "--start", "2020-06-12T06:00+00:00", config=config)
    assert past.returncode == 0 and json.loads(past.stdout)["plan"]["timeline"]
    assert past.stderr.count("\n") == 1 and "--start 2020-06-12 06:00 +0000 is in the past" in past.stderr
    future = run_cli(*args, "--start", "2099-06-12T06:00+00:00", config=config)
    assert future.returncode == 0 and future.stderr == ""


def test_past_start_line_against_a_given_clock() -> None:
    from flows.cli.plan_course import past_start_line

    assert past_start_line(START, now=datetime(2027, 6, 12, 6, 1, tzinfo=UTC)) is not None
    assert past_start_line(START, now=datetime(2027, 6, 12, 5, 59, tzinfo=UTC)) is None


@pytest.mark.parametrize("start, clock, label", [
    ("2027-05-01T08:00-07:00", "08:00", "UTC-07:00"),
    ("2027-07-12T07:00+02:00", "07:00", "UTC+02:00"),
    ("2027-07-12T07:00", "07:00", "Europe/London"),  # no offset, no weather: the config's zone, said assumed
])
def test_the_plan_shows_the_race_clock_as_its_start_was_given(samples: Path, tmp_path: Path, start: str, clock: str,
                                                              label: str) -> None:
    """plan.html and the text show the start and the segments' times on the clock the start was given
    in (its offset), not the config's nightly.timezone (Europe/London here); a start without an
    offset whose place's zone is unknown is read in the config's zone and the output says so."""
    config = tmp_path / "sweatline.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\ninbox: {tmp_path / 'inbox'}\nnightly:\n  timezone: Europe/London\n")
    result = run_cli("plan", "--course", str(samples / "stages-link-course.fit"), "--start", start, "--power", "180",
                     "--temp", "20", "--humidity", "50", "--out", str(tmp_path / "out"), config=config)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "out" / "plan.html").read_text(encoding="utf-8")
    day = start[:10]
    assert f"Start {day} {clock} ({label})" in html
    assert f'data-label="Time">{clock}<' in html  # the first segment starts at the start
    assert f"Start {day} {clock} ({label}" in result.stdout
    assert ("assumed: the config's nightly.timezone" in result.stdout) == (label == "Europe/London")
    # no forecast for the course (the temperature and humidity were typed): the daylight sky is assumed
    assert "the average daylight sky was assumed" in result.stdout
    assert "about 14 min" in result.stdout and "0 h 14 min" not in result.stdout and "0 h 14 min" not in html


def test_an_activity_fit_as_a_course_plans_for_its_own_sport(samples: Path, tmp_path: Path) -> None:
    """An activity FIT given as --course says its sport in its session (running, per the shared
    MANIFEST.csv): it is used, not refused with "does not say its sport"."""
    import csv

    name = "garmin-fr965-running-1h15-power.fit"
    with (samples / "MANIFEST.csv").open(encoding="utf-8") as handle:
        sport = next(row["sport"] for row in csv.DictReader(handle) if row["file"] == name)
    assert read_course(samples / name).sport == sport
    config = tmp_path / "sweatline.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\ninbox: {tmp_path / 'inbox'}\n")
    result = run_cli("plan", "--course", str(samples / name), "--start", "2027-05-01T08:00+02:00", "--hr", "150",
                     "--temp", "20", "--humidity", "50", "--json", config=config)
    assert result.returncode == 0, result.stderr
    assert "does not say its sport" not in result.stderr


def test_a_tcx_file_as_a_course_is_named_a_tcx_file(tmp_path: Path) -> None:
    """A TCX document (Garmin Training Center Database v2: root element TrainingCenterDatabase) is
    refused in one line that names it TCX, not "a GPX file with no track or route points"."""
    tcx = tmp_path / "route.tcx"
    tcx.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<TrainingCenterDatabase '
                   'xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"><Courses><Course><Name>R</Name>'
                   '<Track><Trackpoint><Position><LatitudeDegrees>45.0</LatitudeDegrees><LongitudeDegrees>6.0'
                   '</LongitudeDegrees></Position></Trackpoint></Track></Course></Courses></TrainingCenterDatabase>\n',
                   encoding="utf-8")
    config = tmp_path / "sweatline.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\ninbox: {tmp_path / 'inbox'}\n")
    result = run_cli("plan", "--course", str(tcx), "--sport", "running", "--start", "2027-05-01T08:00+02:00",
                     "--speed", "10", "--temp", "20", "--humidity", "50", config=config)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "TCX" in result.stderr and "GPX file with no" not in result.stderr


def test_plan_help_names_only_plans_own_typed_options(tmp_path: Path) -> None:
    """``plan --help`` on --units names the options plan takes (--temp, --water-temp, --speed), not
    weigh-in's --pre/--post/--drank, which plan refuses."""
    config = tmp_path / "sweatline.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\ninbox: {tmp_path / 'inbox'}\n")
    text = " ".join(run_cli("plan", "--help", config=config).stdout.split())
    units = text[text.index("--units {metric,imperial} units"):]
    units = units[:units.index("JSON stays SI")]
    for flag in ("--pre", "--post", "--drank", "--urine"):
        assert flag not in units
    assert "--temp" in units and "--speed" in units


@pytest.mark.parametrize("zone, far", [("Europe/London", True), ("America/Los_Angeles", False)])
def test_a_start_read_in_a_guessed_zone_is_said_under_the_headline(samples: Path, tmp_path: Path, zone: str,
                                                                  far: bool) -> None:
    """No weather provider, so no zone for the Seattle course: the start without an offset is read in
    the config's zone, and the line under the headline says so and how to give one. From London the
    course is 9 h of sun time away (BST +1 h; Seattle's longitude -122.35° is -8.2 h of mean solar
    time), which is said; from Los Angeles it is not."""
    config = tmp_path / "sweatline.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\ninbox: {tmp_path / 'inbox'}\nnightly:\n  timezone: {zone}\n"
                      "weather:\n  provider: none\n")
    result = run_cli("plan", "--course", str(samples / "stages-link-course.fit"), "--start", "2027-05-01T09:00",
                     "--power", "220", config=config)
    assert result.returncode == 0, result.stderr
    second = result.stdout.splitlines()[1]
    assert second.startswith(f"Start 2027-05-01 09:00 ({zone}, assumed: the config's nightly.timezone")
    assert "give --start with an offset" in second
    assert ("about 9 h of sun time from Europe/London" in second and "UTC-08:00" in second) == far
    assert ("sun time" in second) == far


def test_a_gpx_course_without_elevation_is_said_flat_and_draws_no_altitude(tmp_path: Path) -> None:
    """A GPX track with positions only (no ``<ele>``): the plan says it was planned flat, and
    plan.html draws no altitude line or axis as if 0 m had been measured; the same route with its
    elevation draws both and says nothing of the kind."""
    points = profile_points(HILLY)
    with_ele = write_gpx(tmp_path / "hilly.gpx", points)
    bare = tmp_path / "bare.gpx"
    bare.write_text(re.sub(r"<ele>[^<]*</ele>", "", with_ele.read_text(encoding="utf-8")), encoding="utf-8")
    assert "<ele>" not in bare.read_text(encoding="utf-8")
    config = tmp_path / "sweatline.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\ninbox: {tmp_path / 'inbox'}\n")
    for route, flat in ((bare, True), (with_ele, False)):
        out = tmp_path / f"out-{route.stem}"
        result = run_cli("plan", "--course", str(route), "--sport", "cycling", "--start", "2027-06-12T06:00+00:00",
                         "--power", "200", "--temp", "20", "--humidity", "50", "--out", str(out), config=config)
        assert result.returncode == 0, result.stderr
        html = (out / "plan.html").read_text(encoding="utf-8")
        assert ("planned as flat" in " ".join(result.stdout.split())) == flat
        assert ('<g class="altitude">' in html) == (not flat)
        assert ("altitude, m</text>" in html) == (not flat)
        assert ("no elevation in the course file: planned flat" in html) == flat
