"""When a FIT file contradicts itself: the signals that agree win, the one that disagrees is set aside.

One group of tests per kind (pipeline/fit/consistency.py), each with variants built with the
project's FIT writer (lengths, where in the file, how big the disagreement). The expected values
come from what the test wrote into the file: the records' true speed, which zeros were a dropout,
the main block's first timestamp, the power without its spikes, and, for the sweat, the same
records written honestly (a "control" file: the speed that matches the distance, the dropout
stretches with no power at all, the virtual ride named as one) — never from our output for the
contradicting file.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np
import pytest

from pipeline.core.config import Config
from pipeline.fit import decode_activity
from pipeline.fit.checks import POWER_HUMAN_MAX_W
from pipeline.report.view import report_view
from pipeline.usecases.analyse import analyse_activity
from pipeline.weather.service import asks_for
from tools.fitwriter import DeviceSpec, FitEncoder, RecordSample, TimerPause, encode_activity

T0 = datetime(2025, 6, 14, 7, 30, tzinfo=timezone.utc)


def _samples(seconds: int, *, t0: datetime = T0, speed: float = 3.0, speed_written: Any = None,
             power: Any = None, cadence: Any = None, hr: Any = None, altitude: Any = None,
             lat: float | None = None, distance0: float = 0.0, step: int = 1) -> list[RecordSample]:
    """One record every ``step`` s; ``distance`` grows at ``speed``; the channels are constants or
    functions of the second ``i`` (None: not recorded)."""
    def at(spec: Any, i: int, default: Any = None) -> Any:
        if spec is None:
            return default
        return spec(i) if callable(spec) else spec

    out = []
    for i in range(0, seconds + 1, step):
        out.append(RecordSample(
            timestamp=t0 + timedelta(seconds=i), distance_m=distance0 + speed * i,
            speed_m_per_s=at(speed_written, i, speed), power_w=at(power, i), cadence_rpm=at(cadence, i),
            heart_rate_bpm=at(hr, i, 150.0 + 8.0 * np.sin(i / 97.0)), altitude_m=at(altitude, i),
            latitude_deg=lat + i * 1e-5 if lat is not None else None, longitude_deg=166.9 if lat is not None else None))
    return out


def _analyse(data: bytes, name: str = "case.fit"):  # type: ignore[no-untyped-def]
    activity = decode_activity(data, name)
    return activity, analyse_activity(activity, Config()).report


def _set_aside(warnings: list[str], word: str) -> list[str]:
    return [w for w in warnings if word in w and "set aside" in w]


# ------------------------------------------------------------------------------------------------
# timer and elapsed swapped, the timer's start stamped hours before the first record


@pytest.mark.parametrize("minutes", [47.33, 90.0])
@pytest.mark.parametrize("lead_h", [0.0, 1.0, 5.23])
def test_a_swapped_timer_is_the_records_time_whatever_the_timer_events_claim(minutes: float, lead_h: float) -> None:
    """Session timer 6 h 01, elapsed = the records' span; the timer's first start ``lead_h`` before the
    first record (nothing recorded, no distance in between). The activity is the records' span: its
    timer and elapsed time, and the sweat of the same records with an honest session."""
    span_s = int(minutes * 60)
    samples = _samples(span_s)
    swapped = encode_activity(samples, sport="running", timer_start=T0 - timedelta(hours=lead_h),
                              session_fields={"total_timer_time": 21660.0, "total_elapsed_time": float(span_s)})
    activity, report = _analyse(swapped)
    _, control = _analyse(encode_activity(samples, sport="running"))
    assert activity.summary.timer_s == pytest.approx(span_s, abs=1)
    assert activity.summary.elapsed_s == pytest.approx(span_s, abs=1)
    assert activity.summary.start_time == T0
    assert report.sweat.total_l == pytest.approx(control.sweat.total_l, rel=0.01)
    assert report.plan.after_ml == pytest.approx(control.plan.after_ml, rel=0.02)
    said = [w for w in activity.summary.warnings if "timer time 6 h 01 min" in w]
    minutes_used = round(span_s / 60)
    shown = f"{minutes_used // 60} h {minutes_used % 60:02d} min" if minutes_used >= 60 else f"{minutes_used} min"
    assert len(said) == 1 and f"timer {shown}" in said[0]  # the note says the figure used
    if lead_h * 3600 > 60:
        assert any("timer was started" in w and "before the first record" in w for w in activity.summary.warnings)
    assert not any("unrecorded" in f or "not recorded" in f for f in report.sweat.flags)


# ------------------------------------------------------------------------------------------------
# record speed against the distance's rate


@pytest.mark.parametrize("ratio", [2.0, 1.6, 0.5])
@pytest.mark.parametrize("stretch", [(0, 3600), (1200, 2400), (2400, 3600)])
def test_a_speed_that_disagrees_with_the_distance_is_taken_from_the_distance(ratio: float,
                                                                          stretch: tuple[int, int]) -> None:
    """``speed`` written ``ratio`` times the distance's rate over ``stretch`` (a treadmill app's doubled
    speed); the distance grows at 2.9 m/s throughout."""
    a, b = stretch
    true = 2.9
    samples = _samples(3600, speed=true, speed_written=lambda i: true * ratio if a <= i <= b else true)
    activity, report = _analyse(encode_activity(samples, sport="running", sub_sport="treadmill"))
    _, control = _analyse(encode_activity(_samples(3600, speed=true), sport="running", sub_sport="treadmill"))
    speed = activity.records["speed_m_per_s"].to_numpy()
    elapsed = activity.records["elapsed_s"].to_numpy()
    # the written distance's rate, where the stretch was judged (whole 60-s windows inside it)
    inside = (elapsed >= a + 60) & (elapsed <= b - 60)
    assert np.nanmax(np.abs(speed[inside] - true)) < 0.05
    outside = (elapsed < a - 60) | (elapsed > b + 60)
    assert np.nanmax(np.abs(speed[outside] - true)) < 1e-6 if outside.any() else True
    assert activity.summary.distance_m == pytest.approx(true * 3600, abs=1)
    assert report.sweat.total_l == pytest.approx(control.sweat.total_l, rel=0.03)
    notes = _set_aside(activity.summary.warnings, "speed")
    assert len(notes) == 1 and f"{ratio:.1f} times" in notes[0]


def test_a_speed_within_a_few_per_cent_of_the_distance_is_kept() -> None:
    """A wheel-size error of 5 %: nothing set aside."""
    samples = _samples(1800, speed=7.0, speed_written=7.0 * 1.05)
    activity = decode_activity(encode_activity(samples, sport="cycling"), "wheel.fit")
    assert activity.records["speed_m_per_s"].iloc[100] == pytest.approx(7.35)
    assert not _set_aside(activity.summary.warnings, "speed")


# ------------------------------------------------------------------------------------------------
# zero power while heart rate and speed go on


def _dropout_ride(dead: tuple[int, int] | None, short: list[tuple[int, int]], *, honest: bool = False,
                  seconds: int = 3600) -> tuple[bytes, np.ndarray]:
    """A flat 60-min ride at 8 m/s and 200 W, cadence 88 rpm from its own sensor. ``short``: brief
    dropouts (0 W, the cadence goes on); ``dead``: the meter's battery dead (0 W, its cadence gone).
    ``honest``: the same ride with no power written in those stretches (the missing data as such).
    Also returns which seconds were a dropout."""
    dropout = np.zeros(seconds + 1, dtype=bool)
    for a, b in short + ([dead] if dead else []):
        dropout[a:b + 1] = True
    dead_mask = np.zeros(seconds + 1, dtype=bool)
    if dead:
        dead_mask[dead[0]:dead[1] + 1] = True

    def power(i: int) -> float | None:
        return (None if honest else 0.0) if dropout[i] else 200.0

    samples = _samples(seconds, speed=8.0, power=power, cadence=lambda i: None if dead_mask[i] else 88.0)
    return encode_activity(samples, sport="cycling", sub_sport="road"), dropout


SHORT = [(120 + 150 * k, 120 + 150 * k + (10 + (k * 7) % 31)) for k in range(14)]  # 14 of 10-40 s


@pytest.mark.parametrize("dead, short", [
    ((38 * 60, 3600), SHORT),          # 14 short dropouts, then the battery dead for the last 22 min
    ((600, 600 + 22 * 60), SHORT),     # the battery dead from 10 to 32 min (it came back)
    (None, SHORT),                     # short dropouts only
    ((38 * 60, 3600), []),             # the dead battery only
    ((1800, 1800 + 150), []),          # a 2.5-min dropout in the middle
], ids=["short+dead-end", "short+dead-middle", "short", "dead-end", "dead-150s"])
def test_zero_power_while_the_rider_goes_on_is_a_dropout_not_a_rest(dead: tuple[int, int] | None,
                                                                    short: list[tuple[int, int]]) -> None:
    data, dropout = _dropout_ride(dead, short)
    activity, report = _analyse(data)
    honest, control = _analyse(_dropout_ride(dead, short, honest=True)[0])
    power = activity.records["power_w"].to_numpy()
    assert np.array_equal(np.isnan(power), dropout)  # exactly the zeros written in the dropouts
    assert report.sweat.total_l == pytest.approx(control.sweat.total_l, rel=0.01)
    zeros_read_as_rest = analyse_activity(activity.model_copy(update={"records": activity.records.fillna(
        {"power_w": 0.0})}), Config()).report.sweat.total_l
    assert report.sweat.total_l > zeros_read_as_rest
    # the figure shown is the model's: 200 W wherever the meter worked
    assert activity.summary.avg_power_used == pytest.approx(200.0)
    assert activity.summary.avg_power == pytest.approx(float(np.where(dropout, 0.0, 200.0).mean()), abs=1)
    # one note per stretch of 2 min or more, one for all the shorter ones (counted from the mask written)
    edges = np.flatnonzero(np.diff(np.r_[0, dropout.astype(int), 0]))
    lengths = edges[1::2] - edges[::2]
    n_long, n_short = int((lengths - 1 >= 120).sum()), int((lengths - 1 < 120).sum())
    notes = [w for w in activity.summary.warnings if w.startswith("power set aside")]
    assert len(notes) == n_long + (1 if n_short else 0)
    if n_short:
        assert any(f"{n_short} short stretch(es)" in n for n in notes)


def test_coasting_down_a_hill_is_zero_power_kept() -> None:
    """Five minutes of 0 W on a 6 % descent, speed rising, cadence 0, heart rate falling: a real rest."""
    coast = (1200, 1500)

    def inside(i: int) -> bool:
        return coast[0] <= i <= coast[1]

    samples = _samples(2400, speed=10.0, power=lambda i: 0.0 if inside(i) else 210.0,
                       cadence=lambda i: 0.0 if inside(i) else 90.0,
                       hr=lambda i: 150.0 - 0.1 * (i - coast[0]) if inside(i) else 150.0,
                       altitude=lambda i: 500.0 - 0.6 * (min(i, coast[1]) - coast[0]) if i >= coast[0] else 500.0)
    activity = decode_activity(encode_activity(samples, sport="cycling"), "descent.fit")
    power = activity.records["power_w"].to_numpy()
    assert not np.isnan(power).any() and (power == 0).sum() == coast[1] - coast[0] + 1
    assert not _set_aside(activity.summary.warnings, "power")
    assert activity.summary.avg_power_used is None


# ------------------------------------------------------------------------------------------------
# the activity's date is its main block's


@pytest.mark.parametrize("stale_s, before, where", [
    (4, timedelta(days=27), "before"),      # a false start 27 days before the ride
    (90, timedelta(days=6), "before"),      # stale records 6 days before the workout
    (30, timedelta(days=3), "after"),       # a stray block days after
])
def test_the_activity_is_dated_by_its_main_block_of_records(stale_s: int, before: timedelta, where: str) -> None:
    main_start = T0 + before if where == "before" else T0
    main = _samples(3600, t0=main_start, speed=7.0, power=180.0, distance0=30.0)
    if where == "before":
        stale = _samples(stale_s, t0=T0, speed=7.0, power=180.0)
        samples, pause = stale + main, TimerPause(stop=stale[-1].timestamp, start=main[0].timestamp)
    else:
        stale = _samples(stale_s, t0=main[-1].timestamp + before, speed=7.0, power=180.0, distance0=30.0 + 7.0 * 3601)
        samples, pause = main + stale, TimerPause(stop=main[-1].timestamp, start=stale[0].timestamp)
    activity, report = _analyse(encode_activity(samples, sport="cycling", pauses=[pause]))
    _, control = _analyse(encode_activity(main, sport="cycling"))
    assert activity.summary.start_time == main[0].timestamp
    assert activity.legs[0].start_time == main[0].timestamp
    assert len(activity.records) == len(main)
    assert activity.records["timestamp"].iloc[0] == main[0].timestamp
    assert activity.summary.elapsed_s == pytest.approx(3600, abs=stale_s + 2)
    assert report.sweat.total_l == pytest.approx(control.sweat.total_l, rel=0.02)
    notes = _set_aside(activity.summary.warnings, "record(s)")
    assert len(notes) == 1 and f"{before.days} day(s) {where}" in notes[0]


def test_a_warm_up_hours_before_the_race_stays_part_of_it() -> None:
    """Eight minutes of warm-up, three hours' wait, the race: one activity from the warm-up on."""
    warm = _samples(480, t0=T0, speed=3.0)
    race = _samples(3600, t0=T0 + timedelta(hours=3), speed=3.5, distance0=1500.0)
    activity = decode_activity(encode_activity(warm + race, sport="running",
                                               pauses=[TimerPause(warm[-1].timestamp, race[0].timestamp)]), "w.fit")
    assert activity.summary.start_time == T0
    assert len(activity.records) == len(warm) + len(race)


# ------------------------------------------------------------------------------------------------
# a long activity is a long activity


@pytest.mark.parametrize("hours", [50, 60])
def test_a_multi_day_ultra_with_continuous_records_is_estimated_whole(hours: int) -> None:
    """A record every 10 s for ``hours`` h, moving all along: its whole time is estimated (twice its
    first half's sweat at a constant effort), and nothing is said to be ignored."""
    samples = _samples(hours * 3600, speed=2.5, step=10, hr=135.0)
    activity, report = _analyse(encode_activity(samples, sport="running"), "ultra.fit")
    _, half = _analyse(encode_activity(samples[: len(samples) // 2 + 1], sport="running"), "half.fit")
    assert activity.summary.timer_s == pytest.approx(hours * 3600, abs=1)
    assert not any("ignored" in f for f in report.sweat.flags)
    assert report.sweat.total_l == pytest.approx(2 * half.sweat.total_l, rel=0.02)


# ------------------------------------------------------------------------------------------------
# a virtual platform's recording


ZWIFT = DeviceSpec(manufacturer="zwift", product=1, product_name=None)


@pytest.mark.parametrize("finished, sport, power", [
    (False, "generic", 143.0),   # an unfinished Zwift file that names no sport
    (True, "generic", 143.0),
    (True, "cycling", 230.0),    # a Zwift ride that names its sport but not "virtual"
])
def test_a_virtual_platforms_recording_is_indoors_and_power_comes_first(finished: bool, sport: str,
                                                                       power: float) -> None:
    samples = _samples(3600, speed=9.0, power=power, lat=-11.64)  # positions on Watopia's map
    data = encode_activity(samples, sport=sport, device=ZWIFT, finished=finished, file_crc=finished)
    activity, report = _analyse(data, "zwift.fit")
    _, control = _analyse(encode_activity(samples, sport="cycling", sub_sport="virtual_activity"), "control.fit")
    assert activity.summary.sport == "cycling" and activity.summary.sub_sport == "virtual_activity"
    assert not asks_for(activity)  # no weather request about the game map's coordinates
    assert report.environment.indoor
    assert report.intensity.source == "power"
    assert report.environment.air_speed_m_per_s == pytest.approx(control.environment.air_speed_m_per_s)
    assert report.sweat.total_l == pytest.approx(control.sweat.total_l, rel=0.01)
    assert any("virtual-training platform" in w for w in activity.summary.warnings)
    assert not any("shown as 'activity (sport not recorded)'" in w for w in activity.summary.warnings)


def test_a_zwift_run_stays_a_run_indoors() -> None:
    samples = _samples(1800, speed=3.2, lat=-11.64)
    activity = decode_activity(encode_activity(samples, sport="running", device=ZWIFT), "zrun.fit")
    assert activity.summary.sport == "running" and activity.summary.sub_sport == "virtual_activity"
    assert not asks_for(activity)


# ------------------------------------------------------------------------------------------------
# power spikes: the average shown is the model's


@pytest.mark.parametrize("spike_w, every_s", [(30000.0, 600), (5000.0, 120), (65000.0, 1800)])
def test_the_average_power_shown_is_the_one_without_spikes(spike_w: float, every_s: int) -> None:
    def power(i: int) -> float:
        return spike_w if i % every_s == 7 else 189.0 + 20.0 * np.sin(i / 50.0)

    samples = _samples(3600, speed=8.0, power=power)
    activity, report = _analyse(encode_activity(samples, sport="cycling"))
    written = np.array([s.power_w for s in samples])
    without = written[written <= POWER_HUMAN_MAX_W]
    assert activity.summary.avg_power == pytest.approx(written.mean(), abs=1)  # the device's, counting them
    assert activity.summary.avg_power_used == pytest.approx(without.mean(), abs=0.5)
    view = report_view(report)
    rows = {row.label: row for row in view.details}
    assert rows["Average power"].value == f"{without.mean():.0f} W"
    assert f"{written.mean():.0f} W" in rows["Average power"].note and "device" in rows["Average power"].note
    assert len(_set_aside(activity.summary.warnings, f"above {POWER_HUMAN_MAX_W:,.0f} W")) == 1


# ------------------------------------------------------------------------------------------------
# a manual entry, and a clock years ahead


def _manual_entry(start: datetime, seconds: float, distance_m: float) -> bytes:
    """What Garmin Connect exports for an activity typed in by hand: file_id, session, activity."""
    enc = FitEncoder()
    enc.add("file_id", {"type": "activity", "manufacturer": "garmin", "product": 65534, "serial_number": 1,
                        "time_created": start})
    end = start + timedelta(seconds=seconds)
    enc.add("session", {"timestamp": end, "start_time": start, "total_elapsed_time": seconds,
                        "total_timer_time": seconds, "total_distance": distance_m, "sport": "running",
                        "sub_sport": "generic", "event": "session", "event_type": "stop", "message_index": 0})
    enc.add("activity", {"timestamp": end, "total_timer_time": seconds, "num_sessions": 1, "type": "manual",
                         "event": "activity", "event_type": "stop"})
    return enc.to_bytes()


@pytest.mark.parametrize("seconds, distance_m", [(3600.0, 10000.0), (1800.0, 5200.0)])
def test_a_manual_entry_is_estimated_with_a_note_that_nothing_was_recorded(seconds: float, distance_m: float) -> None:
    activity, report = _analyse(_manual_entry(T0, seconds, distance_m), "manual.fit")
    assert len(activity.records) == 0
    assert activity.summary.timer_s == seconds and activity.summary.distance_m == distance_m
    assert report.sweat is not None and report.sweat.total_l > 0
    assert any("no records" in w and "manual entry" in w for w in activity.summary.warnings)


@pytest.mark.parametrize("years", [14, 3])
def test_a_start_years_ahead_gets_a_note(years: int) -> None:
    ahead = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=round(365.25 * years))
    activity = decode_activity(encode_activity(_samples(1800, t0=ahead), sport="running"), "future.fit")
    notes = [w for w in activity.summary.warnings if "device clock looks wrong" in w]
    assert len(notes) == 1 and f"{years} years ahead" in notes[0]


def test_a_start_today_gets_no_clock_note() -> None:
    now = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=2)
    activity = decode_activity(encode_activity(_samples(1800, t0=now), sport="running"), "today.fit")
    assert not any("device clock" in w for w in activity.summary.warnings)


@pytest.mark.parametrize("stale_s, before", [(4, timedelta(days=3)), (60, timedelta(days=1)), (300, timedelta(days=6))])
@pytest.mark.parametrize("paused", [False, True])
def test_every_note_on_stale_records_is_true_to_what_was_done(stale_s: int, before: timedelta, paused: bool) -> None:
    """A watch that kept recording (``paused`` False: session timer = elapsed = days) or paused between
    a stale block and the 1-h run: the one note says the records were set aside; none says that
    nothing was recorded before the run (there were records) nor that timer and elapsed were swapped
    (nothing was), and the timer is the main block's hour, as written."""
    stale = _samples(stale_s, t0=T0, speed=0.0, hr=90.0)
    main = _samples(3600, t0=T0 + before, speed=3.0, distance0=0.0)
    pauses = [TimerPause(stop=stale[-1].timestamp, start=main[0].timestamp)] if paused else []
    activity = decode_activity(encode_activity(stale + main, sport="running", pauses=pauses), "stale.fit")
    assert activity.summary.start_time == main[0].timestamp
    assert activity.summary.timer_s == pytest.approx(3600, abs=1)
    assert activity.summary.elapsed_s == pytest.approx(3600, abs=1)
    warnings = activity.summary.warnings
    assert len(_set_aside(warnings, "record(s)")) == 1
    assert not [w for w in warnings if "nothing recorded" in w or "impossible" in w or "swap" in w], warnings


# ------------------------------------------------------------------------------------------------
# a heart rate no human reaches


@pytest.mark.parametrize("block_s, spike_bpm", [(300, 240.0), (60, 250.0), (1, 254.0)])
@pytest.mark.parametrize("with_speed", [False, True])
def test_impossible_heart_rates_are_set_aside_and_the_average_shown_is_without_them(
        block_s: int, spike_bpm: float, with_speed: bool) -> None:
    """A 1-h run whose heart rate alternates ``block_s`` seconds at ``spike_bpm`` (above any human
    heart) and ``block_s`` seconds at an honest 140 + 10·sin level, with or without a speed channel.
    The readings above the ceiling are missing, a note says so, and the average shown is the mean of
    the honest readings written; a file without a speed gets no note about "your speed"."""
    def hr(i: int) -> float:
        return spike_bpm if (i // block_s) % 2 else 140.0 + 10.0 * np.sin(i / 50.0)

    samples = _samples(3600, hr=hr)
    if not with_speed:
        samples = [RecordSample(timestamp=s.timestamp, heart_rate_bpm=s.heart_rate_bpm) for s in samples]
    honest = [hr(i) for i in range(3601) if not (i // block_s) % 2]
    spikes = 3601 - len(honest)
    activity, report = _analyse(encode_activity(samples, sport="running"))
    assert activity.summary.avg_heart_rate == pytest.approx(float(np.mean(honest)), abs=0.5)
    assert int(activity.records["heart_rate_bpm"].isna().sum()) == spikes
    notes = [w for w in activity.summary.warnings if "heart-rate reading(s)" in w]
    assert len(notes) == 1 and f"{spikes} heart-rate reading(s)" in notes[0] and f"{spike_bpm:.0f} bpm" in notes[0]
    view = report_view(report)
    rows = {row.label: row.value for row in view.details}
    assert rows["Average heart rate"] == f"{np.mean(honest):.0f} bpm"
    if not with_speed:
        assert not [f for f in report.sweat.flags if "up to" in f and "air speed" in f]
        assert all("Your speed" not in f for f in view.flags)


def test_a_heart_rate_within_the_human_range_is_kept() -> None:
    """A hard finish at 200-210 bpm is a real heart: nothing is set aside, no note."""
    samples = _samples(3600, hr=lambda i: 150.0 if i < 3000 else 205.0)
    activity = decode_activity(encode_activity(samples, sport="running"), "hard.fit")
    assert not activity.records["heart_rate_bpm"].isna().any()
    assert not [w for w in activity.summary.warnings if "heart" in w]


# ------------------------------------------------------------------------------------------------
# a distance that grows faster than the speed: which one the other evidence agrees with


def _distance_scaled(samples: list[RecordSample], factor: float, a: int, b: int, v: float,
                     track: bool = False) -> list[RecordSample]:
    """``samples`` (one a second at ``v`` m/s) with the distance growing ``factor`` times as fast
    between seconds ``a`` and ``b``; ``track``: GPS positions that move at the true ``v`` northwards
    (111,195 m per degree of latitude on the mean Earth sphere)."""
    out = []
    for i, s in enumerate(samples):
        extra = (factor - 1.0) * v * (min(max(i, a), b) - a)
        fields = {**s.__dict__, "distance_m": v * i + extra}
        if track:
            fields.update(latitude_deg=45.0 + v * i / 111_195.0, longitude_deg=7.0)
        out.append(RecordSample(**fields))
    return out


@pytest.mark.parametrize("sport, v, factor, stretch, track", [
    ("running", 3.0, 10.0, (0, 3600), False),      # the tester's file: 108 km in a 1-h run
    ("running", 3.0, 20.0, (0, 3600), False),
    ("running", 3.0, 5.0, (1200, 2400), False),    # 15 m/s for 20 min in the middle
    ("cycling", 9.0, 5.0, (2400, 3600), False),    # 45 m/s at the end of a ride
    ("running", 3.0, 2.0, (0, 3600), True),        # 6 m/s is a runner's too: the GPS track decides
    ("cycling", 8.0, 2.0, (600, 3000), True),
])
def test_a_distance_the_evidence_contradicts_is_taken_from_the_speed(
        sport: str, v: float, factor: float, stretch: tuple[int, int], track: bool) -> None:
    """The records' speed is ``v`` throughout; the distance grows ``factor`` times as fast over
    ``stretch``. Either the distance's rate is beyond anyone in the sport or the GPS track moves at
    the speed: the distance there is rebuilt from the speed, so the activity's distance is v·3600 as
    written, the headline shows it, the sweat is the honest file's, and the notes say one thing."""
    a, b = stretch
    honest = _samples(3600, speed=v)
    samples = _distance_scaled(honest, factor, a, b, v, track)
    activity, report = _analyse(encode_activity(samples, sport=sport))
    _, control = _analyse(encode_activity(_distance_scaled(honest, 1.0, a, b, v, track), sport=sport))
    assert activity.summary.distance_m == pytest.approx(v * 3600, abs=v * 2)
    assert np.nanmax(np.abs(activity.records["speed_m_per_s"].to_numpy() - v)) < 1e-6
    assert report.sweat.total_l == pytest.approx(control.sweat.total_l, rel=0.03)
    view = report_view(report)
    assert f"{v * 3.6:.1f} km" in view.subtitle + " ".join(r.value for r in view.headline + view.details)
    warnings = activity.summary.warnings
    assert len(_set_aside(warnings, "distance set aside for")) == 1
    assert not _set_aside(warnings, "speed set aside"), warnings


@pytest.mark.parametrize("factor", [10.0, 4.5])
def test_a_speed_beyond_the_sport_loses_to_the_distance(factor: float) -> None:
    """The other direction: the speed written ``factor`` times the distance's 2.9 m/s (30 or 13 m/s in
    a run): the distance wins, and the note says why."""
    samples = _samples(3600, speed=2.9, speed_written=2.9 * factor)
    activity, report = _analyse(encode_activity(samples, sport="running"))
    assert activity.summary.distance_m == pytest.approx(2.9 * 3600, abs=1)
    notes = _set_aside(activity.summary.warnings, "speed set aside")
    assert len(notes) == 1 and "faster than anyone" in notes[0]
    assert not _set_aside(activity.summary.warnings, "distance set aside for")


# ------------------------------------------------------------------------------------------------
# the sport's label against the records


@pytest.mark.parametrize("label, v, seconds", [("running", 9.0, 7200), ("walking", 8.0, 3600),
                                               ("running", 7.2, 1200)])
def test_a_foot_label_on_a_rides_records_is_taken_as_a_ride(label: str, v: float, seconds: int) -> None:
    """Labelled on foot, recorded at ``v`` m/s (above the one-hour running record's 5.9 m/s) with a
    power meter's 200 W and cadence 88: a ride. The sweat is that of the same records labelled a
    ride, one note says what was done, and no note quotes a speed the records contradict."""
    samples = _samples(seconds, speed=v, power=200.0, cadence=88.0, hr=140.0)
    activity, report = _analyse(encode_activity(samples, sport=label))
    _, control = _analyse(encode_activity(samples, sport="cycling"))
    assert activity.summary.sport == "cycling" and activity.legs[0].sport == "cycling"
    assert report.sweat.total_l == pytest.approx(control.sweat.total_l, rel=0.01)
    notes = [w for w in activity.summary.warnings if "taken as a ride" in w]
    assert len(notes) == 1 and f"{v:.1f} m/s" in notes[0]
    speeds = [f for f in report.sweat.flags if "air speed" in f]
    assert all(f"{v:.1f} m/s" in f for f in speeds if "up to" in f)


@pytest.mark.parametrize("v", [9.0, 15.0])
def test_a_foot_label_at_a_speed_no_one_holds_without_power_sets_the_speed_aside(v: float) -> None:
    """Labelled a run, 1 h at ``v`` m/s, heart rate only besides: nothing says what it was, so the label
    stays and the speed is set aside (missing); the effort is the heart rate's, as in the same file
    with no speed written, and no note names "your speed"."""
    samples = _samples(3600, speed=v)
    activity, report = _analyse(encode_activity(samples, sport="running"))
    no_speed = [RecordSample(timestamp=s.timestamp, heart_rate_bpm=s.heart_rate_bpm) for s in samples]
    _, control = _analyse(encode_activity(no_speed, sport="running"))
    assert activity.summary.sport == "running"
    assert activity.records["speed_m_per_s"].isna().all()
    assert report.sweat.total_l == pytest.approx(control.sweat.total_l, rel=0.02)
    assert len(_set_aside(activity.summary.warnings, "speed set aside: the file says a run")) == 1
    assert all("Your speed" not in f for f in report_view(report).flags)


@pytest.mark.parametrize("v, seconds", [(5.5, 3600), (9.0, 300)])
def test_a_fast_run_with_a_running_power_pod_stays_a_run(v: float, seconds: int) -> None:
    """5.5 m/s for an hour (a sub-elite half-marathon pace) with a running power pod's 300 W, or 5 min
    at 9 m/s (a sprint, a GPS jump): a run, nothing set aside."""
    samples = _samples(seconds, speed=v, power=300.0, cadence=90.0)
    activity = decode_activity(encode_activity(samples, sport="running"), "fast.fit")
    assert activity.summary.sport == "running"
    assert not [w for w in activity.summary.warnings if "on foot" in w]
