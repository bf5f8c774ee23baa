"""Carbohydrate burned per hour (pipeline.physiology.fuel): the carbohydrate share of the metabolic
rate at easy, tempo and race intensities from Romijn et al. (1993), the intensity from the
heart-rate reserve (Swain & Leutholtz 1997), and the figures a recorded report carries and shows."""
from __future__ import annotations

import json
import warnings

import pytest
from shared_paths import SAMPLES

from pipeline.core.config import parse_config
from pipeline.fit import read_activity
from pipeline.physiology.fuel import (
    carbohydrate_g_per_h,
    carbohydrate_share,
    carbohydrate_use,
    heart_rate_reserve_fraction,
)
from pipeline.usecases.analyse import analyse_activity

# Romijn et al. (1993), Fig. 4 as secondary sources quote it (not confirmed against the paper, see
# pipeline.physiology.fuel): carbohydrate's share of energy after 30 min of cycling at 25, 65 and
# 85 % VO2max; Atwater's 4 kcal (16.736 kJ, rounded 16.7) per gram.
ROMIJN = {0.25: 0.10, 0.65: 0.50, 0.85: 0.75}
KJ_PER_G = 4.0 * 4.184


@pytest.mark.parametrize("fraction, share", sorted(ROMIJN.items()))
def test_the_share_at_romijns_intensities_is_the_papers(fraction: float, share: float) -> None:
    assert carbohydrate_share(fraction) == pytest.approx(share)


def test_the_share_between_and_beyond_the_measured_intensities() -> None:
    # halfway between 25 % and 65 %: halfway between 10 % and 50 %
    assert carbohydrate_share(0.45) == pytest.approx(0.30)
    assert carbohydrate_share(0.10) == pytest.approx(0.10)  # held below the easiest measured effort
    assert carbohydrate_share(1.0) == pytest.approx(1.0)    # all carbohydrate at VO2max (Brooks & Mercier 1994)
    assert carbohydrate_share(0.925) == pytest.approx((0.75 + 1.0) / 2)
    with pytest.raises(ValueError):
        carbohydrate_share(float("nan"))


def test_the_curve_agrees_with_what_the_abstracts_report() -> None:
    """van Loon et al. (2001, abstract): between 55 and 75 % Wmax whole-body fat oxidation fell from
    32 to 19 kJ/min while glycogen and glucose oxidation rose, so carbohydrate's share rises at every
    step; Achten et al. (2002, abstract): fat's contribution negligible above 89 ± 3 % VO2max, so at
    VO2max the share is all carbohydrate and at 89 % at least Romijn's 85 % figure."""
    grid = [k / 100.0 for k in range(25, 101)]
    shares = [carbohydrate_share(f) for f in grid]
    assert all(b > a for a, b in zip(shares, shares[1:]))
    assert carbohydrate_share(1.0) == 1.0
    assert ROMIJN[0.85] <= carbohydrate_share(0.89) < 1.0


@pytest.mark.parametrize("name, metabolic_w, fraction", [
    ("easy", 500.0, 0.25), ("tempo", 900.0, 0.65), ("race", 1200.0, 0.85)])
def test_grams_per_hour_at_easy_tempo_and_race(name: str, metabolic_w: float, fraction: float) -> None:
    expected = ROMIJN[fraction] * metabolic_w * 3600.0 / (KJ_PER_G * 1000.0)
    assert carbohydrate_g_per_h(metabolic_w, fraction) == pytest.approx(expected, rel=0.003)


def test_heart_rate_reserve() -> None:
    # Swain & Leutholtz (1997): (HR - rest) / (max - rest)
    assert heart_rate_reserve_fraction(120.0, 55.0, 185.0) == pytest.approx(65.0 / 130.0)
    assert heart_rate_reserve_fraction(40.0, 55.0, 185.0) == 0.0
    assert heart_rate_reserve_fraction(200.0, 55.0, 185.0) == 1.0
    with pytest.raises(ValueError):
        heart_rate_reserve_fraction(120.0, 185.0, 55.0)


def test_a_session_with_and_without_heart_rate() -> None:
    # 2 h at 900 W, mean HR 139.5 of 55..185 bpm: 65 % of the reserve, Romijn's tempo effort
    use = carbohydrate_use(900.0, 7200.0, 139.5, 55.0, 185.0)
    central = 0.50 * 900.0 * 3.6 / 16.7
    assert use.hrr_fraction == pytest.approx(0.65)
    assert use.g_per_h == round(central)
    assert use.total_g == round(central * 2)
    # ±0.10 of the reserve: 55 % and 75 % of VO2max
    low = (0.10 + (0.50 - 0.10) * (0.55 - 0.25) / 0.40) * 900.0 * 3.6 / 16.7
    high = (0.50 + (0.75 - 0.50) * (0.75 - 0.65) / 0.20) * 900.0 * 3.6 / 16.7
    assert (use.low_g_per_h, use.high_g_per_h) == (round(low), round(high))
    unknown = carbohydrate_use(900.0, 7200.0, None, 55.0, 185.0)
    assert unknown.hrr_fraction is None
    assert (unknown.low_g_per_h, unknown.g_per_h, unknown.high_g_per_h) == (
        round(0.10 * 900 * 3.6 / 16.7), round(central), round(0.75 * 900 * 3.6 / 16.7))
    assert carbohydrate_use(0.0, 7200.0, 140.0, 55.0, 185.0).g_per_h == 0


CONFIG = parse_config({"athlete": {"name": "t", "body_mass_kg": 70, "height_cm": 178, "sex": "male", "age": 35,
                                   "hr_rest_bpm": 55, "hr_max_bpm": 185},
                       "climate": {"temperature_c": 20, "humidity_pct": 50}})


def test_a_recorded_ride_reports_and_shows_the_carbohydrate_it_burned() -> None:
    """The Edge 810 ride of the shared samples (MANIFEST: 1 h 18 min, mean HR 154 bpm)."""
    from pipeline.report.render import render_html, render_markdown

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        analysis = analyse_activity(read_activity(SAMPLES / "garmin-edge810-cycling-1h18-vector-power.fit"), CONFIG)
    report = analysis.report
    it = report.intensity
    assert it is not None and report.activity is not None
    hr = report.activity.avg_heart_rate
    assert hr == pytest.approx(154, abs=1)
    fraction = (hr - 55.0) / (185.0 - 55.0)
    expected = carbohydrate_share(fraction) * it.mean_metabolic_w * 3.6 / 16.7
    assert it.heart_rate_reserve_fraction == pytest.approx(fraction, abs=0.001)
    assert it.carbohydrate_g_per_h == pytest.approx(expected, abs=1)
    assert it.carbohydrate_low_g_per_h < it.carbohydrate_g_per_h < it.carbohydrate_high_g_per_h
    assert it.carbohydrate_g == pytest.approx(expected * report.activity.timer_s / 3600.0, abs=2)
    data = json.loads(report.model_dump_json())
    for key in ("carbohydrate_g_per_h", "carbohydrate_low_g_per_h", "carbohydrate_high_g_per_h", "carbohydrate_g",
                "heart_rate_reserve_fraction"):
        assert key in data["intensity"]
    assert data["plan"]["sodium_mg_per_h"] is not None
    shown = f"{it.carbohydrate_g_per_h:.0f} g per hour"
    for text in (render_html(analysis), render_markdown(analysis)):
        assert "Carbohydrate used" in text and shown in text and "Romijn" in text


def test_a_planned_session_carries_it_too() -> None:
    """``sweatline plan``: at a given heart rate the intensity is its reserve fraction; at a given
    power alone the intensity is unknown and the range spans easy to race (25–85 % VO2max)."""
    from pipeline.physiology.planned import PlannedSession
    from pipeline.usecases.analyse import analyse_plan

    by_hr = analyse_plan(PlannedSession("cycling", 3 * 3600.0, heart_rate_bpm=139.5), CONFIG).report.intensity
    assert by_hr is not None and by_hr.heart_rate_reserve_fraction == pytest.approx(0.65)
    assert by_hr.carbohydrate_g_per_h == pytest.approx(0.50 * by_hr.mean_metabolic_w * 3.6 / 16.7, abs=1)
    assert by_hr.carbohydrate_g == pytest.approx(3 * by_hr.carbohydrate_g_per_h, abs=3)
    by_power = analyse_plan(PlannedSession("cycling", 2 * 3600.0, power_w=200.0), CONFIG).report.intensity
    assert by_power is not None and by_power.heart_rate_reserve_fraction is None
    m = by_power.mean_metabolic_w
    assert (by_power.carbohydrate_low_g_per_h, by_power.carbohydrate_high_g_per_h) == pytest.approx(
        (0.10 * m * 3.6 / 16.7, 0.75 * m * 3.6 / 16.7), abs=1)
