"""The records DataFrame and the per-file extras (legs, field 178, profile, clocks), on real files.

Reference values come from fitparse's full ``FitFile`` path (its data processors, a separate code
path from our one-pass decoder), from the FIT profile's definitions (semicircles: 2^31 = 180°;
date_time: seconds since 1989-12-31 UTC) and from the session messages.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import fitparse
import numpy as np
import pandas as pd
import pytest
from fit_helpers import SAMPLES, sample_activity, sample_bytes

from pipeline.core.errors import RejectedFile
from pipeline.fit import RECORD_COLUMNS, decode_activity
from pipeline.fit.clock import Clock, timer_events, timer_seconds
from pipeline.fit.framing import scan
from pipeline.fit.messages import decode_messages
from tools.fitwriter import FitEncoder, WeightSample, encode_weight_scale

FIT_EPOCH = datetime(1989, 12, 31, tzinfo=timezone.utc)  # FIT profile, type date_time


def _fitparse_records(name: str) -> list[dict]:
    """Record fields through fitparse's FitFile (its default processors), native fields only."""
    out = []
    for message in fitparse.FitFile(str(SAMPLES / name)).get_messages("record"):
        out.append({fd.name: fd.value for fd in message.fields
                    if fd.field is not None and not isinstance(fd.field, fitparse.records.DevField)})
    return out


def test_record_columns_are_canonical_and_si() -> None:
    name = "garmin-edge810-cycling-1h18-vector-power.fit"  # every signal, GPS, header CRC 0
    records = sample_activity(name).records
    assert tuple(records.columns) == RECORD_COLUMNS
    assert str(records["timestamp"].dtype) == "datetime64[ns, UTC]"
    assert records["timer_active"].dtype == bool
    theirs = _fitparse_records(name)
    assert len(theirs) == len(records)
    def same(ours: float, ref: float | None) -> bool:
        return bool(np.isnan(ours)) if ref is None else ours == pytest.approx(ref)

    for i in (0, 1, 2, len(theirs) // 2, len(theirs) - 1):
        ref, ours = theirs[i], records.iloc[i]
        assert ours["timestamp"] == pd.Timestamp(ref["timestamp"]).tz_localize("UTC")  # fitparse: naive UTC
        for column, field in (("heart_rate_bpm", "heart_rate"), ("power_w", "power"), ("cadence_rpm", "cadence"),
                              ("temperature_c", "temperature"), ("distance_m", "distance")):
            assert same(ours[column], ref.get(field)), column
        assert same(ours["speed_m_per_s"], ref.get("enhanced_speed", ref.get("speed")))
        assert same(ours["altitude_m"], ref.get("enhanced_altitude", ref.get("altitude")))
        # FIT semicircles: 2^31 semicircles = 180 degrees
        lat, lon = ref.get("position_lat"), ref.get("position_long")
        assert same(ours["latitude_deg"], None if lat is None else lat * 180.0 / 2**31)
        assert same(ours["longitude_deg"], None if lon is None else lon * 180.0 / 2**31)
    for column in ("heart_rate_bpm", "power_w", "cadence_rpm", "temperature_c", "latitude_deg", "altitude_m"):
        assert records[column].notna().mean() > 0.9, column
    assert records["latitude_deg"].abs().max() <= 90 and records["longitude_deg"].abs().max() <= 180
    assert records["elapsed_s"].iloc[0] == 0 and records["elapsed_s"].is_monotonic_increasing


def test_developer_fields_never_shadow_native_ones() -> None:
    # The vívoactive HR rowing file has Connect IQ developer fields called Power, Speed, Distance
    # and Calories, and no native power: power_w must stay empty, speed/distance native.
    name = "garmin-vivoactivehr-rowing-28min-indoor-devfields.fit"
    records = sample_activity(name).records
    theirs = _fitparse_records(name)
    assert records["power_w"].isna().all()
    native_distance = [r.get("distance") for r in theirs]
    assert records["distance_m"].isna().tolist() == [d is None for d in native_distance]


def test_timer_active_marks_the_paused_records() -> None:
    # Edge 500, 3 h 31 with auto-pause: records written while the timer was stopped are the
    # standing-still ones (speed about 0), the others are riding.
    records = sample_activity("garmin-edge500-cycling-3h31-road.fit").records
    paused, running = records[~records["timer_active"]], records[records["timer_active"]]
    assert len(paused) > 10
    assert paused["speed_m_per_s"].median() < 0.5
    assert running["speed_m_per_s"].mean() > 5.0


@pytest.mark.parametrize("name", ["garmin-edge500-cycling-3h31-road.fit",  # 95 timer events
                                  "osynce-navi2coach-cycling-1h52-power.fit",  # pauses without records
                                  "garmin-edge200-cycling-27min-gps-only.fit",  # 13 timer events
                                  "garmin-edge530-cycling-18min-indoor-hrv.fit"])
def test_timer_time_from_events_agrees_with_the_session(name: str) -> None:
    """The timer time we derive when a file has no session (timer events over the records) agrees
    with the device's own session total_timer_time on files that have both."""
    data = sample_bytes(name)
    msgs = decode_messages(data, scan(data), fast=False)  # one dict a record (fitfast: columns, same values)
    clock = Clock(msgs.correlations)
    stamps = np.array([clock.seconds(r["timestamp"]) for r in msgs.records], dtype=float)
    derived = timer_seconds(np.sort(stamps), timer_events(msgs, clock))
    session = sample_activity(name).summary.timer_s
    assert derived == pytest.approx(session, rel=0.01)


def test_multisport_records_are_assigned_to_their_leg() -> None:
    activity = sample_activity("garmin-fr255-triathlon-1h07-summary-last.fit")
    records = activity.records
    assert [leg.sport for leg in activity.legs] == ["swimming", "transition", "cycling", "transition", "running"]
    assert sorted(records["leg"].unique().tolist()) == [0, 1, 2, 3, 4]
    for leg in activity.legs:
        mine = records[records["leg"] == leg.index]
        assert mine["timestamp"].min() >= leg.start_time
        nxt = [other.start_time for other in activity.legs if other.start_time > leg.start_time]
        if nxt:
            assert mine["timestamp"].max() < min(nxt)
        # a leg's records span about its elapsed time
        span = (mine["timestamp"].max() - mine["timestamp"].min()).total_seconds()
        assert span == pytest.approx(leg.elapsed_s, abs=5)


def _raw_field_178(name: str) -> list[float | None]:
    """Session field 178 straight from fitparse (``unknown_178``: not in its profile)."""
    return [m.get_values().get("unknown_178") for m in fitparse.FitFile(str(SAMPLES / name)).get_messages("session")]


def test_device_sweat_loss_is_deaccumulated_per_leg() -> None:
    name = "garmin-fr255-triathlon-1h07-summary-last.fit"
    raw = _raw_field_178(name)
    assert all(b >= a for a, b in zip(raw, raw[1:]))  # Garmin writes a running total across legs
    activity = sample_activity(name)
    assert activity.device_sweat_loss_ml == raw[-1]
    assert [leg.device_sweat_loss_ml for leg in activity.legs] == [raw[0]] + [b - a for a, b in zip(raw, raw[1:])]
    assert sum(leg.device_sweat_loss_ml for leg in activity.legs) == raw[-1]


def test_device_sweat_loss_single_session_and_absent() -> None:
    name = "garmin-fr955-walking-5min-hrm-plugin.fit"
    raw = _raw_field_178(name)
    activity = sample_activity(name)
    assert activity.device_sweat_loss_ml == raw[0] and activity.legs[0].device_sweat_loss_ml == raw[0]
    assert sample_activity("garmin-edge200-cycling-27min-gps-only.fit").device_sweat_loss_ml is None


def test_user_profile_from_the_file() -> None:
    name = "garmin-fr735xt-swimming-1h16-pool.fit"
    up = next(fitparse.FitFile(str(SAMPLES / name)).get_messages("user_profile")).get_values()
    profile = sample_activity(name).profile
    assert profile.body_mass_kg == pytest.approx(up["weight"])
    assert profile.height_cm == pytest.approx(up["height"] * 100)  # FIT height is in metres
    assert profile.sex == up["gender"]
    assert up["resting_heart_rate"] == 0 and profile.hr_rest_bpm is None  # 0 = not set, not 0 bpm
    assert sample_activity("garmin-edge200-cycling-27min-gps-only.fit").profile.body_mass_kg is None


def test_compressed_timestamps_on_an_unset_clock() -> None:
    # FR70: every record has a compressed-timestamp header, and the device clock was never set
    # (times are seconds since power-on; no timestamp_correlation in the file).
    activity = sample_activity("garmin-fr70-running-57min-compressed-timestamps.fit")
    records = activity.records
    assert len(records) == 686
    assert records["timestamp"].isna().all()  # no invented dates
    assert records["elapsed_s"].is_monotonic_increasing
    assert records["elapsed_s"].iloc[-1] == pytest.approx(activity.summary.timer_s, rel=0.02)
    assert activity.summary.start_time is None
    assert any("power-on" in w for w in activity.summary.warnings)


def _relative_activity(correlate: bool) -> bytes:
    """A small activity on a relative clock (seconds since power-on), optionally anchored."""
    enc = FitEncoder()
    start_rel = 5000
    enc.add("file_id", {"type": "activity", "manufacturer": "garmin", "product": 1, "time_created": start_rel})
    if correlate:
        enc.add("timestamp_correlation", {"timestamp": datetime(2024, 6, 1, 7, 0, tzinfo=timezone.utc),
                                          "system_timestamp": start_rel})
    enc.add("event", {"timestamp": start_rel, "event": "timer", "event_type": "start"})
    for i in range(900):
        enc.add("record", {"timestamp": start_rel + i, "heart_rate": 140, "distance": 3.0 * i})
    enc.add("event", {"timestamp": start_rel + 899, "event": "timer", "event_type": "stop_all"})
    enc.add("session", {"timestamp": start_rel + 899, "start_time": start_rel, "total_elapsed_time": 899.0,
                        "total_timer_time": 899.0, "total_distance": 2697.0, "sport": "running"})
    enc.add("activity", {"timestamp": start_rel + 899, "num_sessions": 1})
    return enc.to_bytes()


def test_relative_clock_is_anchored_by_timestamp_correlation() -> None:
    activity = decode_activity(_relative_activity(correlate=True), "anchored.fit")
    assert activity.summary.start_time == datetime(2024, 6, 1, 7, 0, tzinfo=timezone.utc)
    assert activity.records["timestamp"].iloc[-1] == pd.Timestamp("2024-06-01T07:14:59Z")
    assert not any("power-on" in w for w in activity.summary.warnings)
    unanchored = decode_activity(_relative_activity(correlate=False), "relative.fit")
    assert unanchored.summary.start_time is None and unanchored.records["timestamp"].isna().all()
    assert unanchored.summary.timer_s == 899.0


def _session_file(sport: int | str, sub_sport: int | str, manufacturer: int | str, product: int) -> bytes:
    enc = FitEncoder()
    t0 = datetime(2024, 6, 1, 7, 0, tzinfo=timezone.utc)
    enc.add("file_id", {"type": "activity", "manufacturer": manufacturer, "product": product, "time_created": t0})
    for i in range(60):
        enc.add("record", {"timestamp": t0 + timedelta(seconds=i), "heart_rate": 120})
    enc.add("session", {"timestamp": t0 + timedelta(seconds=59), "start_time": t0, "total_elapsed_time": 59.0,
                        "total_timer_time": 59.0, "sport": sport, "sub_sport": sub_sport})
    return enc.to_bytes()


def test_names_the_profile_does_not_know_stay_numbers() -> None:
    # As the Garmin SDK prints them: the number, as a string. No table of our own. A sport number
    # says which kind of number it is ("sport 52" rather than a bare "52").
    summary = decode_activity(_session_file(250, 200, 4000, 77), "future.fit").summary
    assert (summary.sport, summary.sub_sport, summary.manufacturer, summary.product) == ("sport 250", "200", "4000", "77")
    assert summary.device == "4000 77"


def test_names_come_from_the_fit_profile() -> None:
    # Sport 82 is "snorkeling" in the current FIT profile (SDK 21.x, type sport); fitparse 1.2's
    # older profile left it as a number.
    summary = decode_activity(_session_file(82, 0, "garmin", 3113), "snorkel.fit").summary
    assert summary.sport == "snorkeling"
    assert summary.sub_sport == "generic"
    assert summary.manufacturer == "garmin"


def test_a_weight_scale_file_is_not_an_activity() -> None:
    data = encode_weight_scale([WeightSample(datetime(2024, 6, 1, 6, 0, tzinfo=timezone.utc), 70.2)])
    with pytest.raises(RejectedFile) as err:
        decode_activity(data, "scale.fit")
    assert err.value.kind == "not_activity"
    assert str(err.value) == "scale.fit: a FIT weight file, not an activity"


def test_a_summary_only_activity_is_kept_with_empty_records() -> None:
    # e.g. a manual entry or an app export with the session but no samples
    t0 = datetime(2024, 6, 1, 7, 0, tzinfo=timezone.utc)
    enc = FitEncoder()
    enc.add("file_id", {"type": "activity", "manufacturer": "garmin", "product": 1, "time_created": t0})
    enc.add("session", {"timestamp": t0 + timedelta(hours=1), "start_time": t0, "total_elapsed_time": 3600.0,
                        "total_timer_time": 3500.0, "total_distance": 10000.0, "sport": "running",
                        "avg_heart_rate": 150})
    activity = decode_activity(enc.to_bytes(), "summary-only.fit")
    assert (activity.summary.timer_s, activity.summary.distance_m, activity.summary.avg_heart_rate) == (3500, 10000, 150)
    assert len(activity.records) == 0 and tuple(activity.records.columns) == RECORD_COLUMNS


def test_records_without_any_timestamp_and_no_session_are_refused() -> None:
    enc = FitEncoder()
    enc.add("file_id", {"type": "activity", "manufacturer": "garmin", "product": 1})
    for i in range(5):
        enc.add("record", {"heart_rate": 100 + i})
    with pytest.raises(RejectedFile) as err:
        decode_activity(enc.to_bytes(), "untimed.fit")
    assert "nothing to analyse" in str(err.value)


def test_a_session_without_sport_takes_the_sport_message() -> None:
    t0 = datetime(2024, 6, 1, 7, 0, tzinfo=timezone.utc)
    enc = FitEncoder()
    enc.add("file_id", {"type": "activity", "manufacturer": "garmin", "product": 1, "time_created": t0})
    enc.add("sport", {"sport": "cycling", "sub_sport": "road"})
    for i in range(60):
        enc.add("record", {"timestamp": t0 + timedelta(seconds=i), "power": 200})
    enc.add("session", {"timestamp": t0 + timedelta(seconds=59), "start_time": t0, "total_timer_time": 59.0})
    summary = decode_activity(enc.to_bytes(), "nosport.fit").summary
    assert (summary.sport, summary.sub_sport, summary.avg_power) == ("cycling", "road", 200)
