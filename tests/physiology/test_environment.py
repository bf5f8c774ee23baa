"""Air temperature, humidity and air speed: override > device > config, wrist vs bike mount, indoors."""
from __future__ import annotations

import numpy as np
import pytest
from physio_records import make_records

from pipeline.physiology.environment import (
    INDOOR_FAN_AIR_SPEED_M_PER_S,
    WRIST_MAX_CORRECTION_C,
    WeatherInputs,
    air_speed_m_per_s,
    device_mount,
    is_indoor,
    resolve_environment,
)


def test_override_beats_device_and_config(climate):
    records = make_records(600, temperature_c=12.0)
    env = resolve_environment(records, "cycling", None, "garmin edge_530", climate,
                              WeatherInputs(temperature_c=31.0, humidity_pct=70.0))
    assert env.source == "override"
    assert env.temperature_c == pytest.approx(np.full(600, 31.0))
    assert env.humidity_pct == 70.0


def test_bike_mounted_sensor_is_air_temperature(climate):
    env = resolve_environment(make_records(600, temperature_c=27.0), "cycling", None, "garmin edge_530", climate)
    assert env.source == "device"
    assert env.temperature_c == pytest.approx(np.full(600, 27.0))
    assert env.humidity_pct == climate.humidity_pct  # FIT files carry no humidity: the config's


def test_wrist_sensor_is_corrected_for_skin_heat_not_discarded(climate):
    """A wrist reading is air temperature raised by skin heat. It is used (source device),
    lowered by at most the stated correction, and a hot reading can say "hot"."""
    warm = resolve_environment(make_records(600, temperature_c=30.0), "running", None, "garmin fenix6", climate)
    assert warm.source == "device"
    assert np.all(warm.temperature_c < 30.0) and np.all(warm.temperature_c >= 30.0 - WRIST_MAX_CORRECTION_C)
    assert np.all(warm.temperature_c > climate.temperature_c)  # warmer than the config's 20 °C: it can say hot
    assert any("wrist" in note and "skin" in note for note in warm.notes)
    hot = resolve_environment(make_records(600, temperature_c=36.0), "running", None, "garmin fenix6", climate)
    assert hot.temperature_c == pytest.approx(np.full(600, 36.0))  # above skin temperature: no skin heat to remove
    cold = resolve_environment(make_records(600, temperature_c=6.0), "running", None, "garmin fenix6", climate)
    assert cold.source == "device" and np.all(cold.temperature_c <= 6.0)


def test_sparse_or_absurd_device_temperature_falls_back_to_config(climate):
    temps = np.full(600, np.nan)
    temps[:100] = 25.0  # 17 % coverage
    env = resolve_environment(make_records(600, temperature_c=temps), "cycling", None, "garmin edge_530", climate)
    assert env.source == "config" and env.temperature_c == pytest.approx(np.full(600, 20.0))
    env = resolve_environment(make_records(600, temperature_c=127.0), "cycling", None, "garmin edge_530", climate)
    assert env.source == "config"


@pytest.mark.parametrize("reading_c", [57.0, 60.0, 59.5])
def test_a_bike_sensor_hotter_than_any_air_ever_measured_is_not_air(climate, reading_c):
    """56.7 °C is the highest air temperature recorded on Earth (WMO archive): a bike-mounted sensor
    reading more throughout is in the sun or broken, and the config's climate is used, said so."""
    env = resolve_environment(make_records(600, temperature_c=reading_c), "cycling", None, "garmin edge_530", climate)
    assert env.source == "config" and env.temperature_c == pytest.approx(np.full(600, 20.0))
    assert any("hotter than any air ever measured" in note and "100%" in note for note in env.notes)


def test_a_bike_sensor_above_the_record_part_of_the_time_keeps_its_plausible_readings(climate):
    temps = np.full(600, 35.0)
    temps[:200] = 58.0  # a third of the ride parked in the sun: those readings are not air
    env = resolve_environment(make_records(600, temperature_c=temps), "cycling", None, "garmin edge_530", climate)
    assert env.source == "device"
    assert np.all(env.temperature_c <= 35.0) and np.median(env.temperature_c) == pytest.approx(35.0)


def test_a_wrist_reading_above_the_air_record_is_still_read_as_a_wrist_reading(climate):
    """A wrist sensor reads skin heat too: 58 °C on a wrist is not judged against the air record (it is
    within the device bounds and corrected as a wrist reading), unlike a bike-mounted sensor."""
    env = resolve_environment(make_records(600, temperature_c=58.0), "running", None, "garmin fenix6", climate)
    assert env.source == "device"


def test_single_sensor_spike_does_not_move_air_temperature(climate):
    temps = np.full(1200, 18.0)
    temps[600] = 55.0
    env = resolve_environment(make_records(1200, temperature_c=temps), "cycling", None, "wahoo_fitness elemnt", climate)
    assert env.temperature_c.max() == pytest.approx(18.0)


@pytest.mark.parametrize("device, sport, mount", [
    ("garmin edge_530", "cycling", "bike"),
    ("wahoo_fitness ELEMNT BOLT", "cycling", "bike"),
    ("hammerhead karoo2", "cycling", "bike"),
    ("sigma ROX 11.1", "cycling", "bike"),
    ("garmin fenix6", "cycling", "wrist"),
    ("garmin fr955", "running", "wrist"),
    ("coros PACE 2", "cycling", "wrist"),
    ("suunto vertical2", "cycling", "wrist"),
    (None, "cycling", "bike"),
    (None, "running", "wrist"),
])
def test_device_mount(device, sport, mount):
    assert device_mount(device, sport) == mount


def test_indoor_sub_sports():
    assert is_indoor("indoor_cycling") and is_indoor("treadmill") and is_indoor("virtual_activity")
    assert not is_indoor(None) and not is_indoor("road") and not is_indoor("trail")


def test_air_speed_outdoors_indoors_and_paused():
    speed = np.array([8.0, np.nan, 0.0, 8.0])
    moving = np.array([True, True, True, False])
    out = air_speed_m_per_s(speed, moving, "cycling", indoor=False)
    assert out.tolist() == pytest.approx([8.0, 7.0, 0.4, 0.4])  # own speed; typical; still air; paused
    indoor = air_speed_m_per_s(speed, moving, "cycling", indoor=True)
    assert indoor.tolist() == pytest.approx([INDOOR_FAN_AIR_SPEED_M_PER_S] * 3 + [0.4])
