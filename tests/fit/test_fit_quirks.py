"""FIT quirks from the wild — the activity as it really happened.

Each kind has its general rule (pipeline/fit/checks.py, framing.py, messages.py, reader.py) and
variants built here with the project's FIT writer; the right values are what the writer was told
to encode (the activity as it happened), never our own decoder's output. The shared fit-cases
(../shared/fit-cases) must give the values their README states.
"""
from __future__ import annotations

import json
import struct
from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np
import pytest
from fit_helpers import CASES, CONFIG

from pipeline.core.errors import RejectedFile
from pipeline.fit import decode_activity, read_activity
from pipeline.fit.checks import CALORIES_HUMAN_MAX_KCAL_PER_H, HR_HUMAN_MAX_BPM
from tools.fitwriter import RecordSample, TimerPause, encode_activity, write

T0 = datetime(2025, 6, 14, 7, 30, tzinfo=timezone.utc)


def _samples(minutes: float, *, step: int = 1, speed: float | None = 8.0, hr: Any = "vary",
             power: Any = None, temperature: float | None = None, calories_per_s: float | None = None,
             skip: tuple[int, int] | None = None) -> list[RecordSample]:
    """One record every ``step`` s for ``minutes``; ``hr``/``power``: "vary", a constant or None."""
    out = []
    for i in range(0, int(minutes * 60) + 1, step):
        if skip is not None and skip[0] < i < skip[1]:
            continue

        def channel(spec: Any, base: float, swing: float) -> float | None:
            if spec == "vary":
                return base + swing * np.sin(i / 97.0)
            return spec

        out.append(RecordSample(
            timestamp=T0 + timedelta(seconds=i),
            distance_m=speed * i if speed is not None else None, speed_m_per_s=speed,
            heart_rate_bpm=channel(hr, 131.0, 12.0), power_w=channel(power, 190.0, 40.0),
            temperature_c=temperature,
            calories_kcal=calories_per_s * i if calories_per_s is not None else None,
        ))
    return out


def _activity(data: bytes, name: str = "quirk.fit"):  # type: ignore[no-untyped-def]
    return decode_activity(data, name)


def _ride_json(ride_here: Any, tmp_path: Any, data: bytes, name: str) -> dict[str, Any]:
    path = write(tmp_path / name, data)
    proc = ride_here(path)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return json.loads(proc.stdout)


# ------------------------------------------------------------------------------------------------
# kind 2: session totals that contradict the records or physics


@pytest.mark.parametrize("kcal", [65534, 65535 - 2, 20000, 9000])
def test_calories_no_human_burns_are_set_aside(kcal: int) -> None:
    data = encode_activity(_samples(45, hr=None), sport="cycling", sub_sport="indoor_cycling",
                           total_calories_kcal=kcal)
    activity = _activity(data)
    assert kcal / 0.75 > CALORIES_HUMAN_MAX_KCAL_PER_H
    assert activity.summary.calories_kcal is None and activity.legs[0].calories_kcal is None
    assert any("calories" in w and "set aside" in w for w in activity.summary.warnings)


def test_plausible_calories_are_kept() -> None:
    data = encode_activity(_samples(45, hr=None), sport="cycling", total_calories_kcal=650)
    activity = _activity(data)
    assert activity.summary.calories_kcal == 650
    assert not any("calories" in w for w in activity.summary.warnings)


def test_calories_the_records_contradict_come_from_the_records() -> None:
    # 3 h ride: the records count 0.15 kcal/s = 1,620 kcal; the session claims 5,400 (1,800 kcal/h:
    # within the human range, but more than three times what the records count)
    data = encode_activity(_samples(180, step=5, calories_per_s=0.15), sport="cycling", total_calories_kcal=5400)
    activity = _activity(data)
    assert activity.summary.calories_kcal == pytest.approx(1620, abs=1)
    assert "calories_kcal" in activity.summary.summary_fields_from_records


@pytest.mark.parametrize("timer_s", [6 * 3600.0, 2 * 3600.0])
def test_timer_longer_than_elapsed_comes_from_the_records(timer_s: float) -> None:
    # a 47-minute run whose session says the timer ran for hours
    data = encode_activity(_samples(47, speed=3.2), sport="running", session_fields={"total_timer_time": timer_s})
    activity = _activity(data)
    s = activity.summary
    assert s.timer_s == pytest.approx(47 * 60, abs=1) and s.elapsed_s == pytest.approx(47 * 60, abs=1)
    assert activity.legs[0].timer_s == s.timer_s
    assert "timer_s" in s.summary_fields_from_records
    assert any("timer time" in w and "set aside" in w for w in s.warnings)


def test_timer_and_elapsed_swapped_are_put_right() -> None:
    # 47 min on the clock with a 10-min stop: timer 37 min; the app wrote them the other way round
    samples = _samples(47, speed=3.2, skip=(600, 1200))
    pause = TimerPause(T0 + timedelta(seconds=600), T0 + timedelta(seconds=1200))
    data = encode_activity(samples, sport="running", pauses=[pause],
                           session_fields={"total_timer_time": 47 * 60.0, "total_elapsed_time": 37 * 60.0})
    s = _activity(data).summary
    assert s.elapsed_s == pytest.approx(47 * 60, abs=1)
    assert s.timer_s == pytest.approx(37 * 60, abs=2)


def test_distance_no_human_covers_is_set_aside() -> None:
    # a 40-minute run at 3.2 m/s (7.68 km) whose session says 1,000 km
    data = encode_activity(_samples(40, speed=3.2), sport="running", session_fields={"total_distance": 1_000_000.0})
    s = _activity(data).summary
    assert s.distance_m == pytest.approx(3.2 * 2400, abs=1)
    assert "distance_m" in s.summary_fields_from_records
    assert any("distance" in w and "set aside" in w for w in s.warnings)


def test_heart_rate_and_power_averages_no_human_reaches_are_set_aside() -> None:
    data = encode_activity(_samples(30, hr=140.0 + 0, power="vary"), sport="cycling",
                           session_fields={"avg_heart_rate": 250, "avg_power": 9000})
    s = _activity(data).summary
    assert 250 > HR_HUMAN_MAX_BPM
    assert s.avg_heart_rate is None or s.avg_heart_rate <= HR_HUMAN_MAX_BPM
    assert s.avg_power == pytest.approx(190, abs=5)  # from the records (190 +- 40 W sine)
    assert any("average heart rate 250" in w for w in s.warnings)
    assert any("average power 9000" in w for w in s.warnings)


# ------------------------------------------------------------------------------------------------
# kind 3: a missing sensor written as zeros


def test_power_zero_through_a_ride_with_heart_rate_is_no_power_meter(ride_here: Any, tmp_path: Any) -> None:
    data = encode_activity(_samples(45, power=0.0), sport="cycling", sub_sport="indoor_cycling")
    activity = _activity(data)
    assert activity.records["power_w"].isna().all()
    assert activity.summary.avg_power is None  # not "0 W"
    assert any("power is 0 W in every record" in w for w in activity.summary.warnings)
    report = _ride_json(ride_here, tmp_path, data, "zero-power.fit")
    assert report["intensity"]["source"] == "heart_rate"
    assert report["intensity"]["mean_metabolic_w"] > 300  # HR 131 riding, not rest
    assert report["sweat"]["total_l"] > 0.2


def test_heart_rate_zero_throughout_is_no_heart_rate_sensor() -> None:
    data = encode_activity(_samples(40, speed=3.0, hr=0.0), sport="running")
    activity = _activity(data)
    assert activity.records["heart_rate_bpm"].isna().all()
    assert activity.summary.avg_heart_rate is None  # not "heart rate 0 bpm"
    assert any("heart rate is 0 bpm in every record" in w for w in activity.summary.warnings)


def test_heart_rate_constant_throughout_is_no_heart_rate() -> None:
    activity = _activity(encode_activity(_samples(40, speed=3.0, hr=131.0), sport="running"))
    assert activity.records["heart_rate_bpm"].isna().all()
    assert activity.summary.avg_heart_rate is None


def test_temperature_exactly_zero_throughout_is_no_thermometer(ride_here: Any, tmp_path: Any) -> None:
    data = encode_activity(_samples(45, temperature=0.0), sport="cycling")
    activity = _activity(data)
    assert activity.records["temperature_c"].isna().all()
    report = _ride_json(ride_here, tmp_path, data, "zero-temperature.fit")
    assert report["environment"]["source"] != "device"


def test_real_zeros_and_constants_are_kept() -> None:
    # coasting zeros among real power, and a constant indoor temperature, are data
    samples = [s if i % 3 else RecordSample(**{**s.__dict__, "power_w": 0.0})
               for i, s in enumerate(_samples(40, power="vary", temperature=22.0))]
    activity = _activity(encode_activity(samples, sport="cycling"))
    assert activity.records["power_w"].notna().all() and (activity.records["power_w"] == 0).any()
    assert (activity.records["temperature_c"] == 22.0).all()
    # nothing moves: a 0 W channel alone is not judged
    still = _activity(encode_activity(_samples(20, speed=None, hr=None, power=0.0), sport="training"))
    assert (still.records["power_w"] == 0).all()


# ------------------------------------------------------------------------------------------------
# kind 4: a session present but missing its times

MISSING = {"start_time": None, "timestamp": None, "total_elapsed_time": None, "total_timer_time": None}


@pytest.mark.parametrize("missing", [MISSING, {"start_time": None}, {"total_timer_time": None, "total_distance": None}])
def test_missing_session_times_come_from_the_records(missing: dict[str, Any]) -> None:
    samples = _samples(50, speed=8.0, skip=(1200, 1500))
    pause = TimerPause(T0 + timedelta(seconds=1200), T0 + timedelta(seconds=1500))
    data = encode_activity(samples, sport="cycling", sub_sport="virtual_activity", pauses=[pause],
                           session_fields=missing)
    s = _activity(data).summary
    assert s.summary_source == "session"
    assert s.start_time == T0
    assert s.elapsed_s == pytest.approx(3000, abs=1)
    assert s.timer_s == pytest.approx(2700, abs=2)
    assert s.distance_m == pytest.approx(8.0 * 3000, abs=1)
    expected = {"start_time": "start_time", "total_elapsed_time": "elapsed_s", "total_timer_time": "timer_s",
                "total_distance": "distance_m"}
    assert {expected[k] for k in missing if k in expected} <= set(s.summary_fields_from_records)
    assert any("taken from the records" in w for w in s.warnings)


def test_a_complete_session_says_nothing_came_from_the_records() -> None:
    s = _activity(encode_activity(_samples(30), sport="cycling")).summary
    assert s.summary_fields_from_records == [] and s.summary_source == "session"


# ------------------------------------------------------------------------------------------------
# kind 5: fields whose size is not a multiple of their base type, unknown to the profile


@pytest.mark.parametrize("raw", [
    [(107, 0x86, b"\x05")],                # 1 byte declared uint32 (as the fit-case)
    [(200, 0x84, b"\x01\x02\x03")],        # 3 bytes declared uint16
    [(201, 0x85, b"\x01\x02"), (107, 0x86, b"\x05")],  # sint32 in 2 bytes, and another
])
def test_unknown_fields_of_odd_size_are_read_as_raw_bytes(raw: list[tuple[int, int, bytes]]) -> None:
    samples = _samples(40, speed=3.1)
    activity = _activity(encode_activity(samples, sport="running", record_raw_fields=raw))
    assert len(activity.records) == len(samples)
    assert activity.summary.timer_s == 2400 and activity.summary.salvaged is False
    assert activity.records["heart_rate_bpm"].notna().all()


# ------------------------------------------------------------------------------------------------
# kind 6: bytes after the final CRC of a complete file


@pytest.mark.parametrize("extra", [b"\x01", bytes(range(1, 25)), b"\xff" * 100, b"\x1a\x01" + b"\x5a\x3c" * 11])
@pytest.mark.parametrize("minutes", [8, 40])
def test_bytes_after_a_complete_file_are_ignored(extra: bytes, minutes: int) -> None:
    activity = _activity(encode_activity(_samples(minutes, speed=3.2), sport="running") + extra)
    assert activity.summary.salvaged is False
    assert activity.summary.timer_s == minutes * 60
    assert any(f"{len(extra)} extra bytes" in w for w in activity.summary.warnings)


# ------------------------------------------------------------------------------------------------
# kind 7: unfinished recordings


def test_header_declaring_zero_data_bytes_without_session_is_salvaged() -> None:
    data = encode_activity(_samples(30, speed=3.0), sport="running", finished=False, declared_data_size=0,
                           file_crc=False)
    s = _activity(data).summary
    assert s.salvaged is True and s.summary_source == "records"
    assert any("not finished" in w for w in s.warnings)
    assert s.timer_s == pytest.approx(1800, abs=1)


def test_header_declaring_zero_data_bytes_cut_mid_message_is_salvaged() -> None:
    data = encode_activity(_samples(30, speed=3.0), sport="running", finished=False, declared_data_size=0,
                           file_crc=False)[:-7]
    activity = _activity(data)
    assert activity.summary.salvaged is True
    assert 1790 <= activity.summary.timer_s <= 1800


def test_header_declaring_zero_data_bytes_with_session_but_no_crc_is_salvaged_with_its_session() -> None:
    data = encode_activity(_samples(30, speed=3.0), sport="running", declared_data_size=0, file_crc=False)
    s = _activity(data).summary
    assert s.salvaged is True and s.summary_source == "session" and s.timer_s == 1800
    assert any("not finished" in w for w in s.warnings)


def test_header_declaring_zero_data_bytes_with_a_valid_crc_is_complete() -> None:
    data = encode_activity(_samples(30, speed=3.0), sport="running", declared_data_size=0)
    s = _activity(data).summary
    assert s.salvaged is False and s.timer_s == 1800
    assert any("declares 0 data bytes" in w for w in s.warnings)


@pytest.mark.parametrize("crc", [b"\x00\x00", b"\xff\xff"])
def test_hours_of_records_without_session_and_without_valid_crc_are_salvaged(crc: bytes) -> None:
    data = encode_activity(_samples(180, step=2, speed=8.0), sport="cycling", finished=False)
    activity = _activity(data[:-2] + crc)
    s = activity.summary
    assert s.salvaged is True and s.summary_source == "records"
    assert any("not finished" in w for w in s.warnings)
    assert s.timer_s == pytest.approx(3 * 3600, abs=2)
    assert s.distance_m == pytest.approx(8.0 * 3 * 3600, abs=1)


def test_a_short_unfinished_recording_is_refused_saying_what_to_do() -> None:
    data = encode_activity(_samples(5, speed=3.0), sport="running", finished=False, declared_data_size=0,
                           file_crc=False)
    with pytest.raises(RejectedFile) as err:
        _activity(data)
    assert "not finished" in str(err.value) and "sync or export it again" in str(err.value)


def test_a_finished_file_with_a_bad_crc_is_still_refused_saying_what_to_do() -> None:
    data = bytearray(encode_activity(_samples(30, speed=3.0), sport="running"))
    data[len(data) // 2] ^= 0x01
    with pytest.raises(RejectedFile) as err:
        _activity(bytes(data))
    assert err.value.kind == "crc" and "sync or export it again" in str(err.value)


# ------------------------------------------------------------------------------------------------
# kind 9: sport numbers the profile does not name


def test_unnamed_sport_number_uses_the_files_own_name(ride_here: Any, tmp_path: Any) -> None:
    data = encode_activity(_samples(30, speed=2.0), sport=52, sub_sport="generic", sport_name="Stopwatch")
    assert _activity(data).summary.sport == "Stopwatch"
    report = _ride_json(ride_here, tmp_path, data, "stopwatch.fit")  # the model takes it as a generic activity
    assert report["activity"]["sport"] == "Stopwatch" and report["sweat"]["total_l"] > 0


def test_unnamed_sport_number_without_a_name_is_sport_n() -> None:
    data = encode_activity(_samples(30, speed=2.0), sport=52, sub_sport="generic")
    assert _activity(data).summary.sport == "sport 52"
    named = encode_activity(_samples(30, speed=2.0), sport="running", sport_name="Morning jog")
    assert _activity(named).summary.sport == "running"  # a sport the profile names keeps its FIT name


# ------------------------------------------------------------------------------------------------
# the shared fit-cases (values from ../shared/fit-cases/README.md)


def test_case_indoor_ride_65534_calories(ride_here: Any) -> None:
    proc = ride_here(CASES / "indoor-ride-45min-session-calories-65534.fit")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["activity"]["calories_kcal"] is None
    assert any("calories" in w and "set aside" in w for w in report["activity"]["warnings"])
    assert report["intensity"]["source"] != "device_calories"
    assert report["intensity"]["mean_metabolic_w"] < 1000
    assert 0.1 < report["sweat"]["total_l"] < 0.8  # 45 min of moderate indoor riding: well under 1 L


def test_case_run_with_an_unknown_odd_size_field(ride_here: Any) -> None:
    activity = read_activity(CASES / "run-40min-unknown-field-odd-size.fit")
    assert len(activity.records) == 2401 and len(activity.legs) == 1
    assert activity.summary.timer_s == 2400 and activity.summary.salvaged is False
    proc = ride_here(CASES / "run-40min-unknown-field-odd-size.fit")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["activity"]["timer_s"] == 2400


def test_case_run_with_bytes_after_its_crc(ride_here: Any) -> None:
    proc = ride_here(CASES / "run-8min-bytes-after-crc.fit")
    assert proc.returncode == 0, proc.stderr
    block = json.loads(proc.stdout)["activity"]
    assert block["salvaged"] is False and block["timer_s"] == 480
    assert any("extra bytes" in w and "ignored" in w for w in block["warnings"])


def test_case_control_ride(ride_here: Any) -> None:
    proc = ride_here(CASES / "ride-50min-control.fit")
    assert proc.returncode == 0, proc.stderr
    block = json.loads(proc.stdout)["activity"]
    assert block["timer_s"] == 3000 and block["salvaged"] is False


def test_case_ride_with_a_12h_timer_stop(ride_here: Any) -> None:
    control = json.loads(ride_here(CASES / "ride-50min-control.fit").stdout)
    proc = ride_here(CASES / "ride-2x50min-12h-timer-stopped.fit")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["activity"]["timer_s"] == 6000
    assert report["sweat"]["total_l"] == pytest.approx(2 * control["sweat"]["total_l"], rel=0.15)


def test_every_shared_case_is_read_or_refused_in_one_line(ride: Any) -> None:
    """The installed command over every shared case (the cases' answers above are read in-process)."""
    assert CASES.exists()
    for path in sorted(CASES.glob("*.fit")):
        proc = ride(path)
        assert "Traceback" not in proc.stderr, path
        assert proc.returncode == 0, proc.stderr


def test_struct_sanity_of_the_unfinished_writer() -> None:
    data = encode_activity(_samples(1), sport="running", declared_data_size=0, file_crc=False)
    assert struct.unpack_from("<I", data, 4)[0] == 0




def test_nightly_over_an_inbox_of_quirks_reads_or_refuses_each_in_one_line(tmp_path: Any, prefect_env) -> None:
    """`sweatline nightly` over the shared fit-cases and writer-built variants of every kind: each
    file is processed or rejected with a one-line reason, no traceback. The installed command
    against the session's Prefect server."""
    import subprocess

    from fit_helpers import SWEATLINE

    inbox, data_dir = tmp_path / "inbox", tmp_path / "data"
    inbox.mkdir()
    for path in CASES.glob("*.fit"):
        (inbox / path.name).write_bytes(path.read_bytes())  # the test's own temporary inbox
    variants = {
        "power-zero.fit": encode_activity(_samples(45, power=0.0), sport="cycling", sub_sport="indoor_cycling"),
        "timer-6h.fit": encode_activity(_samples(47, speed=3.2), sport="running",
                                        session_fields={"total_timer_time": 21600.0}),
        "no-times.fit": encode_activity(_samples(50), sport="cycling", session_fields=MISSING),
        "hdr0.fit": encode_activity(_samples(30, speed=3.0), sport="running", finished=False, declared_data_size=0,
                                    file_crc=False),
        "hdr0-short.fit": encode_activity(_samples(5, speed=3.0), sport="running", finished=False,
                                          declared_data_size=0, file_crc=False),
        "stopwatch.fit": encode_activity(_samples(30, speed=2.0), sport=52, sport_name="Stopwatch"),
    }
    for name, data in variants.items():
        write(inbox / name, data)
    config = tmp_path / "sweatline.yaml"
    config.write_text(CONFIG.format(inbox=inbox, data=data_dir))
    proc = subprocess.run([str(SWEATLINE), "nightly", "--config", str(config)], capture_output=True, text=True,
                          timeout=900, stdin=subprocess.DEVNULL, env=prefect_env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    total = len(variants) + len(list(CASES.glob("*.fit")))
    assert f"processed {total - 1}, skipped 0, rejected 1 (hdr0-short.fit: the recording was not finished" in proc.stdout
