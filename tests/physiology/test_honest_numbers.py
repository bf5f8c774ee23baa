"""Honest numbers in every climate, sport and session length. Expected values come from
published sources (named at each assertion), never from the model's own output."""
from __future__ import annotations

import numpy as np
import pytest
from physio_records import make_records

from pipeline.physiology import sweat as sw
from pipeline.physiology.athlete import Athlete
from pipeline.physiology.environment import WeatherInputs
from pipeline.physiology.estimate import estimate_leg
from pipeline.physiology.minute import minute_sweat_g_per_m2_h

HOUR = 3600


def woman() -> Athlete:
    return Athlete(body_mass_kg=55.0, height_cm=165.0, sex="female", age=35.0, hr_rest_bpm=55.0, hr_max_bpm=185.0,
                   ftp_w=None, sources={})


def _at(records, sport, athlete, climate, temperature_c, **kw):
    return estimate_leg(records, sport, None, None, athlete, climate, WeatherInputs(temperature_c=temperature_c), **kw)


@pytest.mark.parametrize("sport,columns", [
    ("running", {"speed_m_per_s": 10 / 3.6}),
    ("cycling", {"power_w": 200.0, "speed_m_per_s": 9.0}),
])
def test_sweat_never_rises_as_air_cools_at_the_same_effort(rider, climate, sport, columns):
    """Same effort, −10…40 °C: sweat is non-decreasing with air temperature (heat stress drives
    sweating; Gonzalez et al. 2009/2012; Bain, Jay et al. 2013: whole-body sweat follows E_req)."""
    records = make_records(1800, **columns)
    temperatures = np.arange(-10.0, 40.01, 2.5)
    totals = [_at(records, sport, rider, climate, float(t)).total_l for t in temperatures]
    assert all(b >= a - 1e-9 for a, b in zip(totals, totals[1:])), list(zip(temperatures, np.round(totals, 3)))
    assert totals[-1] > 2 * totals[0]  # 40 °C is far sweatier than −10 °C


def test_in_cool_air_sweat_stays_within_the_equation_error_of_the_heat_balance():
    """Below 20 °C the estimate may exceed ISO 7933 required sweat by at most the prediction
    equations' published error, SEE 100 g·m⁻²·h⁻¹ (Gonzalez et al. 2009, abstract)."""
    t = np.repeat([-10.0, 0.0, 5.0, 10.0, 15.0, 19.0], 4)
    m = np.tile([200.0, 300.0, 400.0, 550.0], 6)
    rate, parts = minute_sweat_g_per_m2_h(m, 0.1 * m, t, 60.0, np.full(t.size, 3.0), np.full(t.size, 2.8))
    assert np.all(rate <= parts.required_sweat_g_per_m2_h + 100.0 + 1e-9)


def test_a_small_woman_running_at_0c_is_not_given_the_cool_form_constant(climate):
    """The 2012 cool-form intercept alone is 350 g·m⁻²·h⁻¹ (Gonzalez et al. 2012) ≈ 0.56 L/h at
    1.6 m²; the estimate must stay below that constant's worth (SCIENCE §8)."""
    records = make_records(HOUR, speed_m_per_s=10 / 3.6)
    leg = _at(records, "running", woman(), climate, 0.0)
    area = 0.007184 * 55.0**0.425 * 165.0**0.725  # DuBois & DuBois 1916
    assert leg.sweat.rate_l_per_h < 350.0 * area / 1000.0


@pytest.mark.parametrize("sport,seconds,columns", [
    ("running", 25 * 60, {"heart_rate_bpm": 95.0}),              # 25-minute easy run
    ("walking", 2 * HOUR, {"speed_m_per_s": 5.6 / 3.6}),         # 2-hour walk at 5.6 km/h
    ("cycling", HOUR, {"power_w": 50.0, "speed_m_per_s": 5.0}),  # 50 W ride
])
def test_real_exercise_never_sweats_nothing(rider, climate, sport, seconds, columns):
    """Floor: the lowest whole-body sweat rate measured among 506 athletes, 3.3 mL·kg⁻¹·h⁻¹
    (Baker et al. 2016, J Sports Sci 34:358, range 3.3–69.7)."""
    leg = estimate_leg(make_records(seconds, **columns), sport, None, None, rider, climate)
    floor_l = 3.3 / 1000.0 * rider.body_mass_kg * seconds / 3600.0
    assert leg.sweat.total_l >= floor_l * 0.999
    assert leg.sweat.low_l > 0.0


def test_pool_and_open_water_swims_sweat_what_swimmers_were_measured_to(rider, climate):
    """Cox et al. 2002 (J Sci Med Sport 5:183): swimmers lose 107–138 mL per km in training; an
    Ironman swim (3.8 km in 70 min, 0.9 m/s) is then 0.35–0.45 L/h in pool-warm water (27 °C given),
    nothing like 1.35–1.57 L/h."""
    ironman = estimate_leg(make_records(70 * 60, speed_m_per_s=3800 / (70 * 60), heart_rate_bpm=145.0),
                           "swimming", "open_water", None, rider, climate, WeatherInputs(water_temperature_c=27.0))
    km_per_h = 3.8 / (70 / 60)
    assert 0.107 * km_per_h * 0.99 <= ironman.sweat.rate_l_per_h <= 0.138 * km_per_h * 1.01
    assert any("water" in f for f in ironman.sweat.flags)
    pool = estimate_leg(make_records(HOUR, heart_rate_bpm=140.0), "swimming", "lap_swimming", None, rider, climate)
    # no distance: between water polo training (287 mL/h) and matches (786 mL/h) at most (Cox 2002)
    assert 0.05 <= pool.sweat.rate_l_per_h <= 0.786


@pytest.mark.parametrize("sport", ["diving", "snorkeling"])
def test_diving_and_snorkeling_are_modelled_in_water_and_flagged(rider, climate, sport):
    leg = estimate_leg(make_records(53 * 60, heart_rate_bpm=90.0), sport, None, None, rider, climate)
    assert any("in water" in f for f in leg.sweat.flags)
    assert leg.sweat.rate_l_per_h <= 0.287  # below water polo training (Cox et al. 2002)


def test_transitions_are_short_walks_not_the_previous_legs_heart_rate(rider, climate):
    """A 3-minute T1 right after a swim (HR still 150): walking with the bike, 3.5 METs (Compendium
    2011); at 20 °C that is under the 0.5 L/h low end of exercise sweat rates (Sawka et al. 2007)."""
    leg = estimate_leg(make_records(180, heart_rate_bpm=150.0), "transition", None, None, rider, climate)
    assert 0.0 < leg.sweat.rate_l_per_h <= 0.5
    assert leg.sweat.total_l < 0.03


def test_a_watch_reading_of_a_hot_day_says_hot(rider, climate):
    """Kona: the watch read 27–36 °C. The wrist reading is used, corrected for skin heat, so the
    session runs hotter than the config's 20 °C (source device)."""
    temps = np.linspace(27.0, 36.0, HOUR)
    leg = estimate_leg(make_records(HOUR, speed_m_per_s=10 / 3.6, temperature_c=temps), "running", None,
                       "garmin fenix6", rider, climate)
    assert leg.environment.source == "device"
    assert 25.0 <= leg.environment.temperature_c <= 36.0
    assert any("wrist" in n for n in leg.environment.notes)


def test_the_range_widens_with_uncertain_inputs_and_narrows_when_calibrated(rider, climate):
    """Power with a known gross efficiency is a better intensity signal than duration alone
    (Compendium METs; Ettema & Lorås 2009), and a calibration's CV replaces the spread between
    athletes (Baker 2017: 30–40 %)."""
    def width(leg):
        return leg.sweat.high_l / leg.sweat.low_l

    power = estimate_leg(make_records(HOUR, power_w=200.0, speed_m_per_s=9.0), "cycling", None, None, rider, climate,
                         gross_efficiency_known=True)
    default_ge = estimate_leg(make_records(HOUR, power_w=200.0, speed_m_per_s=9.0), "cycling", None, None, rider,
                              climate)
    duration = estimate_leg(make_records(HOUR), "cycling", None, None, rider, climate)
    calibrated = estimate_leg(make_records(HOUR, power_w=200.0, speed_m_per_s=9.0), "cycling", None, None, rider,
                              climate, calibration=sw.Calibration(factor=1.0, cv=0.15, n=5))
    override = estimate_leg(make_records(HOUR, power_w=200.0, speed_m_per_s=9.0), "cycling", None, None, rider,
                            climate, WeatherInputs(temperature_c=20.0), gross_efficiency_known=True)
    assert width(duration) > width(default_ge) > width(power)
    assert width(power) > width(override)  # a measured temperature beats the config's climate
    assert width(calibrated) < width(power)
    for leg in (power, default_ge, duration, calibrated):
        assert 0.0 < leg.sweat.low_l < leg.sweat.total_l < leg.sweat.high_l
        assert leg.sweat.high_l >= 1.3 * leg.sweat.low_l


@pytest.mark.parametrize("sex,mean,sd", [("female", 33.9, 12.1), ("male", 35.9, 10.4), (None, 35.9, 10.4)])
def test_sodium_range_by_sex(sex, mean, sd):
    """Whole-body sweat Na⁺ 35.9 ± 10.4 mmol/L (Baker et al. 2016, J Sports Sci 34:358, 506 athletes; the
    abstract does not split by sex); women 33.9 ± 12.1 (Lara et al. 2016, J Int Soc Sports Nutr 13:31);
    22.99 mg/mmol."""
    totals = sw.sweat_totals(1.5, 1.5, HOUR, 70.0, sex=sex)
    assert totals.sodium_mg == pytest.approx(1.5 * mean * 22.99, rel=1e-3)
    assert totals.sodium_low_mg == pytest.approx(1.5 * (mean - sd) * 22.99, rel=1e-3)
    assert totals.sodium_high_mg == pytest.approx(1.5 * (mean + sd) * 22.99, rel=1e-3)
    assert 0 < totals.sodium_low_mg < totals.sodium_mg < totals.sodium_high_mg


def test_the_report_carries_the_sodium_range(rider, climate):
    from pipeline.report.blocks import sweat_block
    leg = estimate_leg(make_records(HOUR, speed_m_per_s=3.0), "running", None, None, rider, climate)
    block = sweat_block(leg.sweat, [])
    assert block.sodium_low_mg < block.sodium_mg < block.sodium_high_mg
