"""Metabolic rate from records: signal choice, spikes, zeros, grade (synthetic records)."""
from __future__ import annotations

import numpy as np
import pytest
from physio_records import make_records

from pipeline.physiology.intensity import GRAVITY_M_PER_S2, sample_intensity

REST_W_70KG = 1.3 * 3.5 * 70 * 20.1 / 60  # Compendium 07040 standing quietly, 70 kg


def test_power_spike_is_not_averaged_in(rider):
    power = np.full(600, 200.0)
    power[300] = 2000.0  # a 1 s, 2000 W glitch
    out = sample_intensity(make_records(600, power_w=power), "cycling", rider, 0.21)
    assert set(out.source) == {"power"}
    # M = P/GE = 200/0.21 everywhere: the running median removed the spike
    assert out.metabolic_w == pytest.approx(np.full(600, 200 / 0.21))
    assert out.external_work_w == pytest.approx(np.full(600, 200.0))


def test_impossible_power_is_missing_not_data(rider):
    power = np.full(300, 5000.0)  # beyond 30 W/kg for 70 kg: a sensor fault, not a rider
    out = sample_intensity(make_records(300, power_w=power, heart_rate_bpm=140.0), "cycling", rider, 0.21)
    assert set(out.source) == {"heart_rate"}


def test_heart_rate_spike_is_removed(rider):
    hr = np.full(600, 140.0)
    hr[100] = 250.0
    hr[101] = 251.0
    out = sample_intensity(make_records(600, heart_rate_bpm=hr), "cycling", rider, 0.21)
    keytel_140_w = (-55.0969 + 0.6309 * 140 + 0.1988 * 70 + 0.2017 * 35) * 1000 / 60  # Keytel 2005, male
    assert out.metabolic_w == pytest.approx(np.full(600, keytel_140_w))


def test_zero_watts_is_data_coasting_costs_rest(rider):
    out = sample_intensity(make_records(120, power_w=0.0, heart_rate_bpm=150.0), "cycling", rider, 0.21)
    assert set(out.source) == {"power"}  # 0 W is a measurement: power wins over heart rate
    assert out.metabolic_w == pytest.approx(np.full(120, REST_W_70KG))
    assert out.external_work_w == pytest.approx(np.zeros(120))


@pytest.mark.parametrize("sport, columns, expected", [
    ("cycling", {"power_w": 180.0, "heart_rate_bpm": 140.0, "speed_m_per_s": 8.0}, "power"),
    ("running", {"power_w": 250.0, "heart_rate_bpm": 150.0, "speed_m_per_s": 3.0}, "speed"),
    ("running", {"heart_rate_bpm": 150.0}, "heart_rate"),
    ("cycling", {"heart_rate_bpm": 150.0, "speed_m_per_s": 8.0}, "heart_rate"),
    ("cycling", {"speed_m_per_s": 8.0}, "speed"),
    ("swimming", {}, "duration"),
])
def test_best_signal_wins(rider, sport, columns, expected):
    out = sample_intensity(make_records(300, **columns), sport, rider, 0.21)
    assert set(out.source) == {expected}


def test_device_calories_before_duration(rider):
    out = sample_intensity(make_records(3600), "rowing", rider, 0.21, device_kcal=600.0, device_timer_s=3600.0)
    assert set(out.source) == {"device_calories"}
    assert out.metabolic_w == pytest.approx(np.full(3600, 600 * 4184 / 3600))  # 697.3 W


def test_duration_uses_compendium_mets(rider):
    out = sample_intensity(make_records(60), "hiking", rider, 0.21)
    assert out.metabolic_w == pytest.approx(np.full(60, 6.0 * 3.5 * 70 * 20.1 / 60))  # 17080 hiking, 6.0 MET


def test_running_uphill_costs_more_and_climbing_is_work_not_heat(rider):
    speed = 3.0
    n = 600
    flat = sample_intensity(make_records(n, speed_m_per_s=speed, altitude_m=100.0), "running", rider, 0.21)
    climb = sample_intensity(make_records(n, speed_m_per_s=speed, altitude_m=100.0 + 0.05 * speed * np.arange(n)),
                             "running", rider, 0.21)
    v = speed * 60  # m/min
    flat_w = (3.5 + 0.2 * v) * 70 * 20.1 / 60                # ACSM running, level
    climb_w = (3.5 + 0.2 * v + 0.9 * v * 0.05) * 70 * 20.1 / 60  # ACSM running, 5 %
    assert np.median(flat.metabolic_w) == pytest.approx(flat_w, rel=1e-6)
    assert np.median(climb.metabolic_w) == pytest.approx(climb_w, rel=0.01)
    # lifting 70 kg at 0.15 m/s vertical = 103 W of work, not heat
    assert np.median(climb.external_work_w) == pytest.approx(70 * GRAVITY_M_PER_S2 * speed * 0.05, rel=0.01)
    assert np.median(flat.external_work_w) == pytest.approx(0.0)


def test_speed_from_distance_when_no_speed_field(rider):
    records = make_records(600, distance_m=3.0 * np.arange(600.0))
    out = sample_intensity(records, "running", rider, 0.21)
    assert set(out.source) == {"speed"}
    assert np.median(out.speed_m_per_s) == pytest.approx(3.0)
