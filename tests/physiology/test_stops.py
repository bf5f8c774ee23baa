"""Long stops: sweat is counted while the athlete is active and for a bounded recovery
after a stop; the rest of a long stop (the timer stopped overnight, a false start resumed weeks
later) is outside the activity — not on the time grid at all.

The right answers come from the physics, not from our own output: two identical 50-minute rides
sweat about twice one of them whatever lies between them (the fit-cases README: within 15 %); a
4-second false start adds nothing to the two-hour ride that follows it weeks later.
"""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest
from physio_records import make_records

from pipeline.core.config import Config
from pipeline.fit import decode_activity
from pipeline.physiology.environment import WeatherInputs
from pipeline.physiology.estimate import estimate_leg
from pipeline.physiology.timeline import HOLD_S, MAX_SPAN_S, RECOVERY_S, duration_text
from pipeline.usecases.analyse import analyse_activity
from tools.fitwriter import DeviceSpec, RecordSample, TimerPause, encode_activity

T0 = datetime(2025, 6, 14, 7, 30, tzinfo=timezone.utc)
RIDE_S = 50 * 60


def _riding(start: datetime, seconds: int, distance0: float = 0.0) -> list[RecordSample]:
    """A steady road ride at 185 W, 7.7 m/s, 32 °C on the bike sensor: one record a second."""
    return [RecordSample(timestamp=start + timedelta(seconds=i), distance_m=distance0 + 7.7 * i, speed_m_per_s=7.7,
                         power_w=185.0, heart_rate_bpm=139.0, cadence_rpm=88.0, temperature_c=32.0)
            for i in range(seconds + 1)]


def _two_rides(stop: timedelta) -> bytes:
    """50 min, the timer stopped for ``stop``, 50 min more (the same ride again)."""
    first = _riding(T0, RIDE_S)
    resume = T0 + timedelta(seconds=RIDE_S) + stop
    second = _riding(resume, RIDE_S, distance0=first[-1].distance_m + 1.0)
    return encode_activity(first + second, sport="cycling", sub_sport="road", device=DeviceSpec(manufacturer="garmin"),
                           pauses=[TimerPause(stop=T0 + timedelta(seconds=RIDE_S), start=resume)])


def _analyse(data: bytes, name: str):
    return analyse_activity(decode_activity(data, name), Config())


@pytest.fixture(scope="module")
def control():
    return _analyse(encode_activity(_riding(T0, RIDE_S), sport="cycling", sub_sport="road"), "control.fit").report


@pytest.mark.parametrize("stop, left_out", [(timedelta(minutes=10), False), (timedelta(hours=12), True),
                                            (timedelta(days=27), True)])
def test_two_rides_sweat_about_twice_one_whatever_the_stop_between(control, stop, left_out):
    started = time.perf_counter()
    analysis = _analyse(_two_rides(stop), "two-rides.fit")
    seconds = time.perf_counter() - started
    report = analysis.report
    assert report.activity.timer_s == pytest.approx(2 * RIDE_S, abs=2)  # timer 100 min
    assert report.sweat.total_l == pytest.approx(2 * control.sweat.total_l, rel=0.15)
    assert report.sweat.body_mass_loss_pct == pytest.approx(2 * control.sweat.body_mass_loss_pct, rel=0.15)
    assert report.sweat.rate_l_per_h == pytest.approx(control.sweat.rate_l_per_h, rel=0.05)
    flags = [f for f in report.sweat.flags if "left out of the activity" in f]
    if left_out:
        assert len(flags) == 1 and "with the timer stopped" in flags[0]
        assert duration_text(stop.total_seconds() - RECOVERY_S) in flags[0]  # how much, in plain words
        assert len(analysis.series) == len(analysis.activity.records)  # every timer-running record kept
        # the series' activity time runs on across the stop instead of jumping by its hours
        assert analysis.series["activity_s"].iloc[-1] <= 2 * RIDE_S + HOLD_S + RECOVERY_S + 2
    else:
        assert not flags  # a 10-min stop is all recovery: counted, nothing left out
    # the plan is for the 100 minutes of riding, not the hours of the stop
    assert report.plan.after_ml < 2000
    assert seconds < 30  # a stop of weeks is not on the grid: time (and memory) stay bounded


def test_a_false_start_weeks_before_the_ride_is_not_the_ride(control):
    """4 s recorded by mistake, the timer stopped, then a real two-hour ride 27 days later."""
    ride = _riding(T0 + timedelta(days=27), 2 * 3600, distance0=30.0)
    false_start = _riding(T0, 4)
    alone = _analyse(encode_activity(ride, sport="cycling", sub_sport="road"), "ride.fit").report
    both = _analyse(encode_activity(false_start + ride, sport="cycling", sub_sport="road",
                                    pauses=[TimerPause(stop=T0 + timedelta(seconds=4), start=ride[0].timestamp)]),
                    "false-start.fit").report
    # the false start's 4 s are set aside with its records: the timer is the ride's own two hours
    assert both.activity.timer_s == pytest.approx(2 * 3600, abs=2)
    assert alone.sweat.total_l > 1.0  # two hours at 185 W in 32 °C air
    # the false start is set aside: not 0 L, not 27 days, and the ride's own day
    assert both.sweat.total_l == pytest.approx(alone.sweat.total_l, rel=0.05)
    assert both.activity.start_time == ride[0].timestamp
    assert any("set aside" in w and "27 day(s) before" in w for w in both.activity.warnings)


def test_a_stop_without_records_is_bounded_like_a_timer_stop(rider, climate):
    """A file without timer events: the records simply stop for 12 h (no distance), then go on."""
    first = make_records(RIDE_S, power_w=185.0, speed_m_per_s=7.7)
    second = make_records(RIDE_S, power_w=185.0, speed_m_per_s=7.7)
    second["elapsed_s"] += RIDE_S + 12 * 3600
    second["distance_m"] += float(first["distance_m"].iloc[-1])
    both = pd.concat([first, second], ignore_index=True)
    weather = WeatherInputs(temperature_c=32.0)
    one = estimate_leg(first, "cycling", "road", None, rider, climate, weather)
    two = estimate_leg(both, "cycling", "road", None, rider, climate, weather)
    assert two.sweat.total_l == pytest.approx(2 * one.sweat.total_l, rel=0.15)
    assert two.elapsed_s <= 2 * RIDE_S + HOLD_S + RECOVERY_S
    assert any("without records or distance covered left out" in f for f in two.sweat.flags)


@pytest.mark.parametrize("stop_h", [3.0, 12.0])
def test_a_stop_left_out_is_not_added_back_as_unrecorded_timer_time(rider, climate, stop_h):
    """The same stop without records, with the device's timer running through it (its session timer
    counts the stop): the stop is left out as above, and the timer's count of it is not estimated
    again as moving time the records missed (the note says "left out", and it is)."""
    first = make_records(RIDE_S, power_w=185.0, speed_m_per_s=7.7)
    second = make_records(RIDE_S, power_w=185.0, speed_m_per_s=7.7)
    second["elapsed_s"] += RIDE_S + stop_h * 3600
    second["distance_m"] += float(first["distance_m"].iloc[-1])
    both = pd.concat([first, second], ignore_index=True)
    weather = WeatherInputs(temperature_c=32.0)
    one = estimate_leg(first, "cycling", "road", None, rider, climate, weather)
    device_timer_s = float(both["elapsed_s"].iloc[-1])  # the timer ran from the first record to the last
    two = estimate_leg(both, "cycling", "road", None, rider, climate, weather, device_timer_s=device_timer_s)
    assert two.sweat.total_l == pytest.approx(2 * one.sweat.total_l, rel=0.15)
    assert any("left out of the activity" in f for f in two.sweat.flags)
    assert not any("estimated at the recorded rate" in f for f in two.sweat.flags)


def test_the_kept_time_is_bounded_not_the_clock_span(rider, climate):
    """A timer left running for weeks at rest loses its stop; a weeks-long
    stop before real riding costs no grid seconds."""
    records = make_records(3600, power_w=185.0, speed_m_per_s=7.7)
    records["elapsed_s"] = np.where(records.index < 1800, records["elapsed_s"], records["elapsed_s"] + 40 * 86400)
    est = estimate_leg(records, "cycling", None, None, rider, climate, WeatherInputs(temperature_c=25.0))
    assert est.elapsed_s <= 3600 + HOLD_S + RECOVERY_S
    assert est.moving_s == pytest.approx(3600 + HOLD_S, abs=2)


def test_more_activity_time_than_a_human_activity_holds_is_cut_and_said(rider, climate):
    """Records moving on for two hours past the bound (a record every 60 s, moving all along)."""
    records = make_records(int(MAX_SPAN_S / 60) + 120, power_w=120.0, speed_m_per_s=5.0)
    records["elapsed_s"] = records["elapsed_s"] * 60.0
    records["distance_m"] = records["elapsed_s"] * 5.0
    est = estimate_leg(records, "cycling", None, None, rider, climate, WeatherInputs(temperature_c=15.0))
    assert est.elapsed_s == MAX_SPAN_S
    assert any(f"records after {duration_text(MAX_SPAN_S)} of activity ignored (" in f for f in est.sweat.flags)


def test_a_sixty_hour_ultra_with_continuous_records_is_one_activity(rider, climate):
    """A 60-h ultra (a record every 10 s, moving all along) is estimated whole: its grid is its
    60 h, nothing is said to be ignored, and its sweat is twice its first 30 h's (constant effort)."""
    records = make_records(60 * 360, power_w=120.0, speed_m_per_s=5.0)
    records["elapsed_s"] = records["elapsed_s"] * 10.0
    records["distance_m"] = records["elapsed_s"] * 5.0
    weather = WeatherInputs(temperature_c=15.0)
    whole = estimate_leg(records, "cycling", None, None, rider, climate, weather)
    half = estimate_leg(records.iloc[: 30 * 360 + 1], "cycling", None, None, rider, climate, weather)
    assert whole.elapsed_s == pytest.approx(60 * 3600, abs=HOLD_S)
    assert not any("ignored" in f for f in whole.sweat.flags)
    assert whole.sweat.total_l == pytest.approx(2 * half.sweat.total_l, rel=0.02)


def test_duration_text_reads_like_a_person_would_say_it():
    assert duration_text(12 * 3600 + 3 * 60) == "12 h 3 min"
    assert duration_text(27 * 86400 + 4 * 3600) == "27 d 4 h"
    assert duration_text(40 * 60) == "40 min"


def test_the_fit_cases_overnight_stop_sweats_like_two_control_rides():
    """fit-cases README: timer 100 min; sweat about twice the control's (within 15 %), not the
    hours of the stop; the report says the stop was left out."""
    from shared_paths import CASES

    from pipeline.fit import read_activity

    control = analyse_activity(read_activity(CASES / "ride-50min-control.fit"), Config()).report
    stopped = analyse_activity(read_activity(CASES / "ride-2x50min-12h-timer-stopped.fit"), Config()).report
    assert stopped.activity.timer_s == pytest.approx(100 * 60, abs=1)
    assert stopped.sweat.total_l == pytest.approx(2 * control.sweat.total_l, rel=0.15)
    assert any("with the timer stopped left out of the activity" in f for f in stopped.sweat.flags)
