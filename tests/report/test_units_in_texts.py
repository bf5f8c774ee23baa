"""Every advice text and note in both unit systems, at -20, -2, 0, 25 and 40 °C.

The imperial text of each topic says what its metric text says, quantity for quantity: each
imperial figure is the NIST SP 811 conversion of the metric one, computed here (°F = °C × 1.8 +
32 for a temperature; 1.8 °F per °C for a temperature difference, without the 32; 1 US fl oz =
29.573 529 562 5 mL; 1 lb = 0.453 592 37 kg; 1 mi = 1,609.344 m, with 3,600 s per hour for a speed),
within the rounding of the two printed figures. The model's notes are checked as the model makes them. A minus sign that went missing (-2 °C read as 2 °C: 36 °F, not 28 °F) or a
difference converted as a temperature (±4 °C as 39 °F, not ±7 °F) falls outside it. The headline
and the text beside it give the same figures, in either system.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.advice.texts import SessionFacts, generic_advice
from pipeline.core.config import parse_config
from pipeline.core.inputs import WeatherOverride
from pipeline.core.schema import Report
from pipeline.physiology.planned import PlannedSession
from pipeline.report.text import plan_text
from pipeline.report.view import Display, ReportView, report_view
from pipeline.usecases.analyse import analyse_plan, analyse_triathlon_plan, too_short_advice

ML_PER_FL_OZ = 29.573_529_562_5  # NIST SP 811 B.8 (1/128 US gallon of 231 in³)
KG_PER_LB = 0.453_592_37  # NIST SP 811 B.8 (exact)
M_PER_MI = 1_609.344  # NIST SP 811 B.8 (exact)
TEMPERATURES_C = (-20.0, -2.0, 0.0, 25.0, 40.0)

_NUM = r"[-−]?\d[\d,]*(?:\.\d+)?"
_QUANTITY = re.compile(rf"(?<![\w.,])(±)?({_NUM})(?:(–| to )({_NUM}))?\s?(mL|L|°C|°F|K|kg|lb|km/h|km|m/s|mph|mi|fl oz)(?![\w²])"
                       r"(\s(?:of water )?(?:per|for each) (?:kg|lb)|\sfor each (?:litre|fl oz))?")


def minus(text: str) -> str:
    """``text`` with each negative number's hyphen-minus as the minus sign U+2212, the sign every text
    prints (the SI Brochure, BIPM 2019, 5.4.2)."""
    return re.sub(r"-(?=\d)", "\u2212", text)


def _value(text: str) -> float:
    return float(text.replace(",", "").replace("−", "-"))


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def _quantities(text: str) -> list[tuple[bool, list[str], str, str]]:
    """(a ± spread?, the figures as printed, the unit, what follows: 'per kg', 'for each litre', '')."""
    return [(m[1] is not None, [x for x in (m[2], m[4]) if x is not None], m[5], (m[6] or "").strip())
            for m in _QUANTITY.finditer(text)]


def _converted(value: float, unit: str, spread: bool, per: str) -> tuple[float, str, float]:
    """A metric figure in US customary units by NIST SP 811: (value, unit, factor of its rounding)."""
    if per.startswith("for each litre"):  # a ratio of volumes: the same figure in either system
        return value, "fl oz", 1.0
    if per:  # a volume per body mass: mL (or L) per kg -> fl oz per lb
        scale = (1000.0 if unit == "L" else 1.0) * KG_PER_LB / ML_PER_FL_OZ
        return value * scale, "fl oz", scale
    if unit == "°C":
        return (value * 1.8, "°F", 1.8) if spread else (value * 1.8 + 32.0, "°F", 1.8)
    if unit == "K":  # a temperature difference in kelvin (the sun's radiant excess): 1.8 °F per K, no offset
        return value * 1.8, "°F", 1.8
    if unit in ("mL", "L"):
        scale = (1000.0 if unit == "L" else 1.0) / ML_PER_FL_OZ
        return value * scale, "fl oz", scale
    if unit == "kg":
        return value / KG_PER_LB, "lb", 1.0 / KG_PER_LB
    if unit == "m/s":  # 3,600 s per hour, 1,609.344 m per mile
        return value * 3600.0 / M_PER_MI, "mph", 3600.0 / M_PER_MI
    if unit == "km/h":
        return value * 1000.0 / M_PER_MI, "mph", 1000.0 / M_PER_MI
    assert unit == "km", unit
    return value * 1000.0 / M_PER_MI, "mi", 1000.0 / M_PER_MI


def assert_same_quantities(metric: str, imperial: str) -> None:
    """``imperial`` says what ``metric`` says in the same words, and gives the NIST conversion of
    each of its figures, in the same order, within the rounding of both printed figures; no metric
    unit is left in it."""
    assert _QUANTITY.sub("#", metric) == _QUANTITY.sub("#", imperial).replace("fl oz", "litre"), (metric, imperial)
    ours, theirs = _quantities(metric), _quantities(imperial)
    assert [q[2] for q in theirs if q[2] in ("mL", "L", "°C", "K", "kg", "km", "m/s", "km/h")] == [], imperial
    assert len(ours) == len(theirs), (ours, theirs, metric, imperial)
    for (spread, figures, unit, per), (i_spread, i_figures, i_unit, _) in zip(ours, theirs):
        assert spread == i_spread and len(figures) == len(i_figures), (figures, i_figures, imperial)
        for figure, i_figure in zip(figures, i_figures):
            expected, expected_unit, scale = _converted(_value(figure), unit, spread, per)
            assert i_unit == expected_unit, (figure, unit, i_figure, i_unit, imperial)
            # the metric figure is rounded to its last digit, or to 10 mL (the plan's ranges); the imperial to its own
            metric_step = 10.0 if unit == "mL" and _decimals(figure) == 0 else 10.0 ** -_decimals(figure)
            tolerance = scale * metric_step / 2 + 10.0 ** -_decimals(i_figure) / 2 + 1e-9
            assert abs(_value(i_figure) - expected) <= tolerance, (figure, unit, i_figure, i_unit, expected, imperial)


@pytest.fixture(scope="module")
def config():
    return parse_config({"inbox": "/nonexistent/inbox", "data_dir": "/nonexistent/data",
                         "athlete": {"name": "t", "body_mass_kg": 70, "height_cm": 178, "sex": "male", "age": 35}})


def _views(report: Report, duration_s: float | None, sport: str) -> tuple[ReportView, ReportView]:
    return tuple(report_view(report, planned_duration_s=duration_s, planned_sport=sport, display=Display(units=units))
                 for units in ("metric", "imperial"))  # type: ignore[return-value]


def _sessions(config, temperature_c: float) -> list[tuple[Report, float | None, str]]:
    """Plans that between them reach every advice topic: a long run and ride (meals, alcohol,
    sodium), a small athlete's slow walk (over-drinking), a humid 40 °C (heat), a dive and a
    triathlon, and a session too short to estimate (the general advice)."""
    weather = WeatherOverride(temperature_c=temperature_c, humidity_pct=60.0)
    sessions = []
    for plan, athlete in (
            (PlannedSession("running", 3 * 3600.0, speed_kmh=11.0), None),
            (PlannedSession("cycling", 5 * 3600.0, power_w=220.0), None),
            (PlannedSession("walking", 5 * 3600.0, speed_kmh=4.0), {"body_mass_kg": 52.0, "sex": "female"}),
            (PlannedSession("running", 40 * 60.0, speed_kmh=10.0), None),
            (PlannedSession("diving", 3600.0, heart_rate_bpm=100.0), None),
            (PlannedSession("running", 5 * 60.0, speed_kmh=10.0), None)):
        report = analyse_plan(plan, config, weather, athlete).report
        sessions.append((report, plan.duration_s, plan.sport))
    triathlon = analyse_triathlon_plan((3600.0, 5 * 3600.0, 3 * 3600.0), 150.0, config, weather).report
    sessions.append((triathlon, 9 * 3600.0, "triathlon"))
    return sessions


@pytest.mark.parametrize("temperature_c", TEMPERATURES_C)
def test_every_advice_topic_and_note_says_the_same_in_both_systems(config, temperature_c: float) -> None:
    topics: set[str] = set()
    fahrenheit = minus(f"{round(temperature_c * 1.8 + 32):.0f} °F")  # NIST SP 811, sign and all: −20 °C is −4 °F
    celsius = minus(f"{round(temperature_c):.0f} °C")
    named = noted = 0
    for report, duration_s, sport in _sessions(config, temperature_c):
        metric, imperial = _views(report, duration_s, sport)
        assert [a.topic for a in metric.advice] == [a.topic for a in imperial.advice]
        for m, i in zip(metric.advice, imperial.advice):
            topics.add(m.topic)
            assert_same_quantities(m.text, i.text)
            assert m.text == next(item.text for item in report.advice if item.topic == m.topic)  # JSON: metric
        assert len(metric.flags) == len(imperial.flags)
        for m_note, i_note in zip(metric.flags, imperial.flags):
            assert_same_quantities(m_note, i_note)
        # the session's temperature, where a text names it ("the planned 3 h run at -20 °C"): the NIST conversion
        for m, i in zip(metric.advice, imperial.advice):
            if f"at {celsius}" in m.text:
                named += 1
                assert f"at {fahrenheit}" in i.text, (fahrenheit, i.text)
        for m_note, i_note in zip(metric.flags, imperial.flags):
            if minus(f"temperature {temperature_c:g} °C given") in m_note[:1].lower() + m_note[1:]:
                noted += 1
                assert f"temperature {fahrenheit} given" in i_note[:1].lower() + i_note[1:], (fahrenheit, i_note)
    assert named >= 5 and noted >= 5, (named, noted)  # every session with an estimate names it, in its text and notes
    expected = {"hydration", "potassium", "calcium", "warm-up", "cramps", "estimate", "meals", "alcohol",
                "hyponatremia"} | ({"heat"} if temperature_c >= 40 else set())
    assert expected <= topics, expected - topics


def test_a_sub_zero_plan_keeps_its_minus_sign(config) -> None:
    """28 °F is -2.2 °C: the plan says 28 °F in its title and its texts, never 36 °F."""
    celsius = (28.0 - 32.0) / 1.8
    plan = PlannedSession("running", 2 * 3600.0, speed_kmh=10.0)
    report = analyse_plan(plan, config, WeatherOverride(temperature_c=celsius)).report
    text = plan_text(report, plan.duration_s, plan.sport, display=Display(units="imperial"))
    assert "28 °F" in text and "36 °F" not in text and "°C" not in text, text
    metric = plan_text(report, plan.duration_s, plan.sport, display=Display(units="metric"))
    assert "\u22122 °C" in metric and "-2 °C" not in metric and "at 2 °C" not in metric, metric


@pytest.mark.parametrize("temperature_c", TEMPERATURES_C)
def test_a_course_plan_says_the_same_in_both_systems(tmp_path: Path, temperature_c: float) -> None:
    """``plan --course``: its course topic (bottles, refills at a distance) and the rest, in both systems."""
    from datetime import UTC, datetime

    from course_files import HILLY, profile_points, write_gpx

    from pipeline.fit.course import read_course
    from pipeline.usecases.race import RaceRequest, plan_course

    config = parse_config({"data_dir": str(tmp_path / "data"), "inbox": str(tmp_path / "inbox"),
                           "athlete": {"body_mass_kg": 70, "height_cm": 175, "sex": "male", "age": 35}})
    course = read_course(write_gpx(tmp_path / "hilly.gpx", profile_points(HILLY)))
    analysis = plan_course(course, RaceRequest("running", datetime(2027, 6, 12, 6, 0, tzinfo=UTC), speed_m_per_s=3.0,
                                               aid_m=(2000.0,)),
                           config, override=WeatherOverride(temperature_c=temperature_c, humidity_pct=60.0))
    report = analysis.report
    metric, imperial = _views(report, analysis.pace.total_s, "running")
    assert "course" in [a.topic for a in metric.advice]
    for m, i in zip(metric.advice, imperial.advice, strict=True):
        assert_same_quantities(m.text, i.text)
    for m_note, i_note in zip(metric.flags, imperial.flags, strict=True):
        assert_same_quantities(m_note, i_note)


@pytest.mark.parametrize("temperature_c", TEMPERATURES_C)
def test_the_general_advice_says_the_same_in_both_systems(temperature_c: float) -> None:
    facts = SessionFacts(sport="running", temperature_c=temperature_c, humidity_pct=60.0)
    for items in (generic_advice(facts), too_short_advice(200.0, facts)):
        for item in items:
            assert item.text_in("metric") == item.text
            assert_same_quantities(item.text_in("metric"), item.text_in("imperial"))


def _records(n: int = 600, **columns: float) -> pd.DataFrame:
    """``n`` one-second records of a leg with constant columns (``temperature_c=...``, weather columns)."""
    start = pd.Timestamp("2026-07-18T08:00:00Z")
    frame = pd.DataFrame({"timestamp": pd.date_range(start, periods=n, freq="s"), "temperature_c": np.nan})
    for name, value in columns.items():
        frame[name] = np.full(n, value)
    return frame


def _environment_notes(temperature_c: float) -> list[str]:
    """Every environment note the model makes about the air at ``temperature_c``: given on the command
    line, from the config climate, a bike computer's sensor, a watch's (corrected for the skin's heat),
    a swim's device, a weather service's hourly air with the device beside it, and its wind. The rides
    move (8 m/s): a ride that never moved is a trainer's, indoors, without weather."""
    from pipeline.core.config import ClimateConfig
    from pipeline.physiology.environment import WEATHER_TEMPERATURE, WEATHER_WIND, WeatherInputs, resolve_environment

    climate = ClimateConfig(temperature_c=temperature_c, humidity_pct=50.0)
    made = [
        resolve_environment(_records(temperature_c=temperature_c + 5), "running", None, "garmin fenix 6", climate,
                            WeatherInputs(temperature_c=temperature_c)),
        resolve_environment(_records(), "running", None, "garmin fenix 6", climate),
        resolve_environment(_records(temperature_c=temperature_c, speed_m_per_s=8.0), "cycling", None,
                            "garmin edge 530", climate),
        resolve_environment(_records(temperature_c=temperature_c), "running", None, "garmin fenix 6", climate),
        resolve_environment(_records(temperature_c=temperature_c), "swimming", None, "garmin fenix 6", climate),
        resolve_environment(_records(**{"temperature_c": temperature_c + 3, WEATHER_TEMPERATURE: temperature_c,
                                        WEATHER_WIND: 4.0, "speed_m_per_s": 8.0}), "cycling", None, "garmin edge 530",
                            climate,
                            WeatherInputs(service="Open-Meteo")),
    ]
    return [note for env in made for note in env.notes]


@pytest.mark.parametrize("temperature_c", TEMPERATURES_C)
def test_every_environment_note_says_the_same_in_both_systems(temperature_c: float) -> None:
    """Each note as the model makes it: its imperial text is its metric text with each quantity the NIST
    conversion of the metric one; the air's temperature keeps its sign (-20 °C: -4 °F)."""
    from pipeline.core.notes import ModelNote
    from pipeline.core.units import IMPERIAL_READER

    made = _environment_notes(temperature_c)
    with_units = [n for n in made if isinstance(n, ModelNote)]
    kinds = {"given on the command line", "from the config climate", "bike-mounted sensor", "wrist-worn sensor",
             "is the water's", "hour by hour", "wind 4.0"}
    assert all(any(kind in n for n in with_units) for kind in kinds), (kinds, made)
    for note in with_units:
        assert_same_quantities(str(note), note.in_units(IMPERIAL_READER))
    fahrenheit = minus(f"{temperature_c * 1.8 + 32:.0f}".replace("-0", "0"))
    imperial = [n.in_units(IMPERIAL_READER) for n in with_units]
    assert f"temperature {fahrenheit} °F given on the command line" in imperial, imperial
    assert f"temperature {fahrenheit} °F from the config climate" in imperial, imperial
    assert f"wind {4.0 * 3600 / M_PER_MI:.1f} mph at 10 m from Open-Meteo" in " ".join(imperial), imperial


@pytest.mark.parametrize("temperature_c", TEMPERATURES_C)
def test_the_wrist_sensors_note_converts_its_spread_as_a_difference(config, temperature_c: float) -> None:
    """The watch's note, as made and as the report shows it: its air temperature converts as a
    temperature, its ± spread as a difference (1.8 °F per °C, no 32): ±7 °F, never the 39 °F of 4 °C."""
    from pipeline.core.units import IMPERIAL_READER
    from pipeline.physiology.environment import TEMPERATURE_UNCERTAINTY_C

    [note] = [n for n in _environment_notes(temperature_c) if "wrist-worn" in n]
    spread_c = TEMPERATURE_UNCERTAINTY_C["wrist"]
    air = re.search(rf"about ({_NUM}) °C air", note)
    assert air is not None and f"±{spread_c:g} °C" in note, note
    imperial = note.in_units(IMPERIAL_READER)
    assert f"±{spread_c * 1.8:.0f} °F" in imperial and minus(f"{_value(air[1]) * 1.8 + 32:.0f} °F air") in imperial, imperial
    assert f"{spread_c * 1.8 + 32:.0f} °F)" not in imperial, imperial
    plan = PlannedSession("running", 3600.0, speed_kmh=10.0)
    report = analyse_plan(plan, config, WeatherOverride(temperature_c=temperature_c)).report
    env = report.environment.model_copy(update={"notes": [note]})
    metric_view, imperial_view = _views(report.model_copy(update={"environment": env}), plan.duration_s, plan.sport)
    [m_note] = [n for n in metric_view.flags if "wrist" in n]
    [i_note] = [n for n in imperial_view.flags if "wrist" in n]
    assert_same_quantities(m_note, i_note)
    assert f"±{spread_c * 1.8:.0f} °F" in i_note, i_note


@pytest.mark.parametrize("water_c", (0.0, 16.0, 25.0, 33.0, 40.0))
def test_every_water_note_says_the_same_in_both_systems(config, water_c: float) -> None:
    """A swim's water, given, read by the device or assumed, and the swim leg's notes (the water
    outside the measured range, warmer than open-water races allow) in both systems."""
    from pipeline.core.notes import ModelNote
    from pipeline.core.units import IMPERIAL_READER
    from pipeline.physiology.environment import WeatherInputs, resolve_water_temperature

    made = [resolve_water_temperature(_records(), None, WeatherInputs(water_temperature_c=water_c))[1],
            resolve_water_temperature(_records(temperature_c=water_c), None)[1],
            resolve_water_temperature(_records(), "open_water")[1], resolve_water_temperature(_records(), None)[1]]
    assert all(isinstance(note, ModelNote) for note in made), made
    for note in made:
        assert_same_quantities(str(note), note.in_units(IMPERIAL_READER))
    assert made[0].in_units(IMPERIAL_READER).startswith(f"water {water_c * 1.8 + 32:.0f} °F given")
    plan = PlannedSession("swimming", 3600.0, speed_kmh=3.0)
    report = analyse_plan(plan, config, WeatherOverride(water_temperature_c=water_c)).report
    metric, imperial = _views(report, plan.duration_s, plan.sport)
    assert any("water" in n for n in metric.flags), metric.flags
    for m_note, i_note in zip(metric.flags, imperial.flags, strict=True):
        assert_same_quantities(m_note, i_note)
    if water_c > 31.0:  # FINA's open-water limit, 31 °C = 87.8 °F
        assert any(f"warmer than the {31 * 1.8 + 32:.0f} °F allowed" in n for n in imperial.flags), imperial.flags


@pytest.mark.parametrize("temperature_c", (*TEMPERATURES_C, 50.0))
def test_the_fitted_domain_notes_say_the_same_in_both_systems(config, temperature_c: float) -> None:
    """The air below 15 °C (59 °F) or above 46 °C (115 °F) the sweat equation was fitted in, and the air
    speed above its 2.5 m/s (5.6 mph), as the model writes them, in both systems."""
    from pipeline.core.notes import ModelNote
    from pipeline.core.units import IMPERIAL_READER

    plan = PlannedSession("cycling", 3600.0, speed_kmh=30.0)
    flags = analyse_plan(plan, config, WeatherOverride(temperature_c=temperature_c, humidity_pct=30.0)).report.sweat.flags
    imperial = [f.in_units(IMPERIAL_READER) for f in flags if isinstance(f, ModelNote)]
    for flag in flags:
        if isinstance(flag, ModelNote):
            assert_same_quantities(str(flag), flag.in_units(IMPERIAL_READER))
    assert any(f"above the fitted {2.5 * 3600 / M_PER_MI:.1f} mph" in f for f in imperial), imperial
    if temperature_c < 15:
        assert any(f"air below the fitted {15 * 1.8 + 32:.0f} °F" in f for f in imperial), imperial
    if temperature_c > 46:
        assert any(f"air above the fitted {46 * 1.8 + 32:.0f} °F" in f for f in imperial), imperial


def test_the_sweat_ceiling_and_the_body_mass_notes_say_the_same_in_both_systems() -> None:
    """The total held at what a body can sweat, a loss past the survivable one, and a configured body mass
    that the watch contradicts (pounds typed as kilograms): litres in fl oz, kilograms in pounds."""
    from pipeline.core.notes import ModelNote
    from pipeline.core.units import IMPERIAL_READER
    from pipeline.physiology import sweat as sw
    from pipeline.physiology.athlete import Athlete

    totals = sw.sweat_totals(30.0, 30.0, 3600.0, 50.0, activity_s=3600.0)
    athlete = Athlete(body_mass_kg=172.0, height_cm=178.0, sex="male", age=35.0, hr_rest_bpm=60.0, hr_max_bpm=185.0,
                      ftp_w=None, sources={"body_mass_kg": "config"}, profile_body_mass_kg=78.0)
    made = [*totals.flags, *athlete.assumptions()]
    assert any("held at" in n for n in made) and any("pounds typed as kilograms" in n for n in made), made
    for note in made:
        assert isinstance(note, ModelNote), note
        assert_same_quantities(str(note), note.in_units(IMPERIAL_READER))
    assert any(f"body mass {172 / KG_PER_LB:.1f} lb in the config" in n.in_units(IMPERIAL_READER) for n in made), made


@pytest.mark.parametrize("values", (
    {"pre_kg": 70.0, "post_kg": 72.0, "drank_l": 0.5},                          # more after than before plus drinks
    {"pre_kg": 70.0, "post_kg": 69.0, "drank_l": 0.0, "urine_l": 1.5},          # the urine leaves no loss
    {"pre_kg": 70.0, "post_kg": 62.0, "drank_l": 0.0},                          # over 10 % of body mass
    {"pre_kg": 70.0, "post_kg": 69.5, "drank_l": 0.0, "duration_s": 600.0},     # too short to weigh
    {"pre_kg": 70.0, "post_kg": 69.9, "drank_l": 0.0, "duration_s": 7200.0},    # a rate no one sweats
    {"pre_kg": 70.0, "post_kg": 69.0, "drank_l": 40.0},                         # litres, not millilitres
))
def test_a_weigh_ins_refusal_says_the_same_in_both_systems(values: dict[str, float]) -> None:
    """What a weigh-in is refused for, as its model says it: kg in lb, L in fl oz, L/h in fl oz/h."""
    from pipeline.core.errors import InvalidValue
    from pipeline.core.inputs import checked
    from pipeline.core.notes import ModelNote
    from pipeline.core.units import IMPERIAL_READER
    from pipeline.physiology.calibration import WeighIn

    with pytest.raises(InvalidValue) as refused:
        checked(WeighIn, **values)
    note = refused.value.worded
    assert isinstance(note, ModelNote) and refused.value.reason == str(note), refused.value
    assert_same_quantities(str(note), note.in_units(IMPERIAL_READER))


@pytest.mark.parametrize("delta_c", (-10.0, -0.2, 0.0, 4.0, 10.0))
def test_a_temperature_difference_is_not_a_temperature(delta_c: float) -> None:
    from pipeline.core.units import IMPERIAL_READER, METRIC_READER

    assert IMPERIAL_READER.temperature_difference(delta_c) == minus(f"{delta_c * 1.8:.0f} °F".replace("-0 ", "0 "))
    assert METRIC_READER.temperature_difference(delta_c) == minus(f"{delta_c:.0f} °C".replace("-0 ", "0 "))
    assert IMPERIAL_READER.temperature(delta_c) == minus(f"{delta_c * 1.8 + 32:.0f} °F")  # 10 °C: 50 °F; a rise of 10 °C: 18 °F


@pytest.mark.parametrize("temperature_c", TEMPERATURES_C)
def test_headline_and_text_give_the_same_figures(config, temperature_c: float) -> None:
    """The "Sweat expected", "Drink during" and "Drink after" figures of the headline are the text's,
    in either system (one conversion and one rounding of the same SI numbers)."""
    plan = PlannedSession("running", 3 * 3600.0, speed_kmh=11.0)
    report = analyse_plan(plan, config, WeatherOverride(temperature_c=temperature_c, humidity_pct=50.0)).report
    for view in _views(report, plan.duration_s, plan.sport):
        rows = {row.label: row for row in view.headline}
        water = next(a.text for a in view.advice if a.topic == "hydration")
        estimate = next(a.text for a in view.advice if a.topic == "estimate")
        sweat, during, after = rows["Sweat expected"], rows["Drink during"], rows["Drink after"]
        assert f"about {sweat.value} of sweat ({sweat.note.removeprefix('plausibly ')})" in water, (sweat, water)
        assert f"an estimate of {sweat.value} ({sweat.note})" in estimate, (sweat, estimate)
        rate = during.value.removesuffix("/h")
        assert f"During: {rate} per hour" in water or f"During: about {rate} per hour" in water, (during, water)
        assert f"After: about {after.value} over the next hours" in water, (after, water)
        plan_rows = {row.label: row for row in view.plan}
        assert f"({plan_rows['After'].note.removesuffix(', no more')} is the usual guidance" in water


def test_the_imperial_headline_matches_the_text_in_the_report_files(tmp_path: Path, config_file) -> None:
    """The written Markdown report of an imperial ride: its headline figures are its advice's."""
    from cli_support import run_cli
    from ride_files import ride_file

    config = config_file(units="imperial")
    path = ride_file(tmp_path / "inbox" / "ride.fit", seconds=3 * 3600)
    done = run_cli("ride", str(path), config=config)
    assert done.returncode == 0, done.stderr
    md = next((tmp_path / "data" / "reports").glob("*-cycling-*")).joinpath("report.md").read_text()
    sweat = re.search(r"Sweat lost\*\* \| (\S+ fl oz) \(plausibly (\S+ fl oz)\)", md)
    assert sweat is not None, md
    assert f"about {sweat[1]} of sweat ({sweat[2]})" in md, md
    assert "°C" not in md.split("Notes on this estimate")[0]
    html = next((tmp_path / "data" / "reports").glob("*-cycling-*")).joinpath("report.html").read_text()
    assert f"about {sweat[1]} of sweat ({sweat[2]})" in html
    terminal = " ".join(done.stdout.split())  # what `ride` printed: the same figures
    assert f"Sweat lost {sweat[1]} (plausibly {sweat[2]})" in terminal, terminal


def test_plan_command_at_28_f_says_28_f_in_its_title_advice_and_notes(tmp_path: Path, config_file) -> None:
    """``sweatline plan --temp 28 --units imperial``: 28 °F (-2.2 °C) everywhere, the text's sweat
    figures the headline's."""
    from cli_support import run_cli

    done = run_cli("plan", "--sport", "running", "--duration", "2h", "--speed", "6", "--temp", "28",
                   "--units", "imperial", config=config_file())
    assert done.returncode == 0, done.stderr
    out = " ".join(done.stdout.split())  # the terminal wraps the text
    assert "Planned run: 2 h at 28 °F" in out and "run at 28 °F" in out and "Temperature 28 °F given" in out, out
    assert "36 °F" not in out and "°C" not in out and not re.search(r"\d ?(mL|L|kg)\b", out), out
    sweat = re.search(r"Sweat expected (\S+ fl oz) \(plausibly (\S+ fl oz)\)", out)
    assert sweat is not None and f"lose about {sweat[1]} of sweat ({sweat[2]})" in out, out


def test_every_negative_number_is_written_with_one_minus_sign(config) -> None:
    """A −20 °C plan: its texts in both systems write "−20 °C" / "−4 °F" (NIST SP 811: −20 × 1.8 + 32 = −4)
    with the minus sign U+2212, as the charts' ticks, the UTC offsets and the body-mass loss do; no
    number anywhere in them starts with a hyphen-minus."""
    from datetime import timedelta

    from pipeline.core.units import MINUS, number
    from pipeline.report.svg import tick_label
    from pipeline.report.view import offset_label, signed_loss_pct

    plan = PlannedSession("running", 2 * 3600.0, speed_kmh=10.0)
    report = analyse_plan(plan, config, WeatherOverride(temperature_c=-20.0)).report
    metric = plan_text(report, plan.duration_s, plan.sport, display=Display(units="metric"))
    imperial = plan_text(report, plan.duration_s, plan.sport, display=Display(units="imperial"))
    assert "\u221220 °C" in metric and "\u22124 °F" in imperial, (metric, imperial)
    for text in (metric, imperial):
        assert re.search(r"(?<![\w\-])-\d", text) is None, text
    assert MINUS == "\u2212" and number(-2.0) == "\u22122" and number(-0.2) == "0"
    assert tick_label(-5.0, 0) == "\u22125" and offset_label(timedelta(hours=-5)) == "UTC\u22125"
    assert signed_loss_pct(1.6) == "\u22121.6 %"
