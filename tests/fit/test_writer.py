"""The FIT writer: what it encodes must decode, through fitparse (an independent decoder), to the
same physical values, with valid header and file CRCs, for activity and weight-scale files."""
from __future__ import annotations

import importlib.util
import io
import random
import struct
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fitparse
import fitparse.utils
import pytest

from pipeline.fit.framing import fit_crc
from tools.fitwriter import (
    FitEncoder,
    LapSplit,
    ProfileSpec,
    RecordSample,
    TimerPause,
    WeightSample,
    encode_activity,
    encode_weight_scale,
    write,
)

PROJECT = Path(__file__).resolve().parents[2]
from shared_paths import SAMPLES  # noqa: E402

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def _decode(data: bytes) -> list[fitparse.records.DataMessage]:
    return list(fitparse.FitFile(io.BytesIO(data), check_crc=True).get_messages())


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc)


def test_crc16_check_value_of_the_arc_polynomial() -> None:
    # The FIT SDK CRC is CRC-16/ARC (poly 0x8005 reflected, init 0); its published check value
    # for b"123456789" is 0xBB3D (Greg Cook, "Catalogue of parametrised CRC algorithms", CRC RevEng).
    assert fit_crc(b"123456789") == 0xBB3D


@pytest.mark.parametrize("name", ["garmin-edge500-cycling-3h31-road.fit", "garmin-fr965-running-1h15-power.fit",
                                  "hammerhead-karoo2-cycling-1h13-power-temp.fit"])
def test_crc16_matches_real_device_files(name: str) -> None:
    data = (SAMPLES / name).read_bytes()
    header_size = data[0]
    data_size = struct.unpack_from("<I", data, 4)[0]
    end = header_size + data_size
    assert fit_crc(data[:end]) == struct.unpack_from("<H", data, end)[0]
    if header_size == 14 and struct.unpack_from("<H", data, 12)[0] != 0:
        assert fit_crc(data[:12]) == struct.unpack_from("<H", data, 12)[0]


@pytest.mark.parametrize("size", [2**16 - 1, 2**16, 2**16 + 1, 70_001, 256 * 257 + 13, 1_234_567])
@pytest.mark.parametrize("start", [0, 0xBB3D])
def test_long_data_crc_equals_the_fit_sdk_nibble_algorithm(size: int, start: int) -> None:
    """Past 64 KiB the CRC is computed chunk-wise (pipeline.fit.framing._fit_crc_chunked): it must
    equal the FIT SDK's own nibble-wise algorithm (as fitparse copied it from the SDK's documentation,
    fitparse.records.Crc) for any length — chunk boundaries, a last chunk cut short, a start value
    carried in — over random bytes."""
    data = random.Random(size + start).randbytes(size)
    assert fit_crc(data, start) == fitparse.records.Crc.calculate(data, start)
    assert fit_crc(memoryview(data)[1:], start) == fitparse.records.Crc.calculate(data[1:], start)


def _ride(**overrides) -> bytes:
    samples = []
    for i in range(0, 601, 2):
        if 200 < i < 300:
            continue  # timer stopped: no records
        samples.append(RecordSample(
            timestamp=T0 + timedelta(seconds=i), latitude_deg=-33.8688 + i * 1e-5, longitude_deg=151.2093 - i * 2e-5,
            distance_m=i * 7.5, speed_m_per_s=7.5, altitude_m=-12.4 + i * 0.2, heart_rate_bpm=120 + i // 10,
            power_w=0.0 if i % 10 == 0 else 210.0, cadence_rpm=0.0 if i % 10 == 0 else 91.0,
            temperature_c=-5.0 + i / 100.0,
        ))
    kwargs = dict(sport="cycling", sub_sport="road",
                  pauses=[TimerPause(T0 + timedelta(seconds=201), T0 + timedelta(seconds=300))],
                  laps=[LapSplit(T0 + timedelta(seconds=400))],
                  profile=ProfileSpec(body_mass_kg=61.3, height_cm=168, age=42, sex="female",
                                      hr_rest_bpm=48, hr_max_bpm=181))
    kwargs.update(overrides)
    return encode_activity(samples, **kwargs)


def test_header_layout_and_crcs() -> None:
    data = _ride()
    size, protocol, _profile, data_size, signature, header_crc = struct.unpack_from("<BBHI4sH", data, 0)
    assert (size, protocol, signature) == (14, 0x20, b".FIT")
    assert data_size == len(data) - 14 - 2
    assert header_crc == fit_crc(data[:12])
    assert struct.unpack_from("<H", data, len(data) - 2)[0] == fit_crc(data[:-2])


def test_corrupting_one_byte_is_caught_by_the_file_crc() -> None:
    data = bytearray(_ride())
    data[200] ^= 0x01
    with pytest.raises(fitparse.utils.FitCRCError):
        _decode(bytes(data))


def test_records_round_trip_in_physical_units() -> None:
    messages = _decode(_ride())
    records = [m for m in messages if m.name == "record"]
    assert len(records) == len([i for i in range(0, 601, 2) if not 200 < i < 300])
    first = records[0].get_values()
    assert _utc(first["timestamp"]) == T0
    # semicircles -> degrees (2^31 semicircles = 180 deg): resolution ~8.4e-8 deg
    assert first["position_lat"] * 180 / 2**31 == pytest.approx(-33.8688, abs=1e-6)
    assert first["position_long"] * 180 / 2**31 == pytest.approx(151.2093, abs=1e-6)
    assert first["enhanced_altitude"] == pytest.approx(-12.4, abs=0.2)  # scale 5, offset 500
    assert first["temperature"] == -5  # sint8: sub-zero temperatures survive
    assert first["power"] == 0 and first["cadence"] == 0  # zeros are data, not "missing"
    last = records[-1].get_values()
    assert _utc(last["timestamp"]) == T0 + timedelta(seconds=600)
    assert last["distance"] == pytest.approx(4500.0, abs=0.01)
    assert last["enhanced_speed"] == pytest.approx(7.5, abs=0.001)
    assert last["heart_rate"] == 180 and last["power"] == 0
    assert records[1].get_value("power") == 210


def test_timer_events_laps_session_and_profile() -> None:
    messages = _decode(_ride())
    names = [m.name for m in messages]
    assert names[:4] == ["file_id", "device_info", "user_profile", "event"]
    assert names[-4:] == ["lap", "lap", "session", "activity"]
    events = [(m.get_value("event"), m.get_value("event_type"), _utc(m.get_value("timestamp")))
              for m in messages if m.name == "event"]
    assert events == [
        ("timer", "start", T0),
        ("timer", "stop_all", T0 + timedelta(seconds=201)),
        ("timer", "start", T0 + timedelta(seconds=300)),
        ("timer", "stop_all", T0 + timedelta(seconds=600)),
    ]
    session = next(m for m in messages if m.name == "session").get_values()
    assert (session["sport"], session["sub_sport"], session["num_laps"]) == ("cycling", "road", 2)
    assert session["total_elapsed_time"] == pytest.approx(600.0)
    assert session["total_timer_time"] == pytest.approx(600.0 - 99.0)
    assert session["total_distance"] == pytest.approx(4500.0)
    assert session["max_heart_rate"] == 180
    laps = [m.get_values() for m in messages if m.name == "lap"]
    assert sum(lap["total_timer_time"] for lap in laps) == pytest.approx(session["total_timer_time"])
    profile = next(m for m in messages if m.name == "user_profile").get_values()
    assert (profile["gender"], profile["age"], profile["weight"], profile["height"]) == ("female", 42, 61.3, 1.68)
    activity = next(m for m in messages if m.name == "activity").get_values()
    assert activity["num_sessions"] == 1 and activity["type"] == "manual"
    assert next(m for m in messages if m.name == "file_id").get_value("type") == "activity"


def test_legacy_16_bit_speed_and_altitude_fields() -> None:
    record = next(m for m in _decode(_ride(legacy_speed_altitude=True)) if m.name == "record")
    fields = {f.def_num for f in record.fields}
    assert {2, 6, 73, 78} <= fields  # altitude, speed, enhanced_speed, enhanced_altitude


def test_missing_values_are_written_invalid_not_zero() -> None:
    samples = [RecordSample(T0, heart_rate_bpm=130, power_w=200),
               RecordSample(T0 + timedelta(seconds=1), heart_rate_bpm=None, power_w=201)]
    records = [m for m in _decode(encode_activity(samples, sport="cycling")) if m.name == "record"]
    assert records[1].get_value("heart_rate") is None
    assert records[1].get_value("power") == 201


def test_weight_scale_file() -> None:
    data = encode_weight_scale([WeightSample(T0 + timedelta(hours=3), 68.95),
                                WeightSample(T0, 70.4, percent_fat=18.5)])
    messages = _decode(data)
    assert messages[0].name == "file_id" and messages[0].get_value("type") == "weight"
    weights = [(_utc(m.get_value("timestamp")), m.get_value("weight"), m.get_value("percent_fat"))
               for m in messages if m.name == "weight_scale"]
    assert weights == [(T0, 70.4, 18.5), (T0 + timedelta(hours=3), 68.95, None)]


def test_values_outside_the_base_type_are_refused() -> None:
    with pytest.raises(ValueError, match="heart_rate"):
        encode_activity([RecordSample(T0, heart_rate_bpm=300)], sport="running")
    with pytest.raises(ValueError, match="sport"):
        encode_activity([RecordSample(T0, heart_rate_bpm=100)], sport="not-a-sport")
    with pytest.raises(ValueError, match="no field"):
        FitEncoder().add("record", {"heartrate": 100})


def test_more_layouts_than_local_message_types() -> None:
    encoder = FitEncoder()
    encoder.add("file_id", {"type": "activity", "manufacturer": "development", "time_created": T0})
    optional = ["heart_rate", "power", "cadence", "temperature", "distance"]
    expected = []
    for i in range(40):  # 32 different layouts: forces local message types to be redefined
        fields = {"timestamp": T0 + timedelta(seconds=i)}
        for bit, name in enumerate(optional):
            if i & (1 << bit):
                fields[name] = 10 + i
        encoder.add("record", fields)
        expected.append({k: v for k, v in fields.items() if k != "timestamp"})
    records = [m for m in _decode(encoder.to_bytes()) if m.name == "record"]
    got = [{k: v for k, v in m.get_values().items() if k != "timestamp"} for m in records]
    assert got == expected


def test_write_is_atomic_and_creates_folders(tmp_path: Path) -> None:
    target = write(tmp_path / "a" / "b.fit", _ride())
    assert target.read_bytes() == _ride()
    assert [p.name for p in target.parent.iterdir()] == ["b.fit"]


# --- the project's own example files --------------------------------------------------------

EXAMPLES = PROJECT / "examples" / "fit"
# name -> (sport, sub_sport, timer time [s] as the generator's docstring promises, tolerance)
EXAMPLE_FILES = {
    "2026-07-18-road-ride-hot.fit": ("cycling", "road", 150 * 60, 60),
    "2026-10-10-hill-run-cool.fit": ("running", "generic", 75 * 60, 60),
    "2026-01-14-indoor-trainer.fit": ("cycling", "indoor_cycling", 45 * 60, 5),
}


@pytest.mark.parametrize("name", sorted(EXAMPLE_FILES))
def test_example_files_decode_with_fitparse(name: str) -> None:
    sport, sub_sport, timer_s, tolerance = EXAMPLE_FILES[name]
    messages = list(fitparse.FitFile(str(EXAMPLES / name), check_crc=True).get_messages())
    session = next(m for m in messages if m.name == "session").get_values()
    assert (session["sport"], session["sub_sport"]) == (sport, sub_sport)
    assert session["total_timer_time"] == pytest.approx(timer_s, abs=tolerance)
    assert (EXAMPLES / name).stat().st_size < 200_000


def test_example_files_are_what_the_generator_makes() -> None:
    spec = importlib.util.spec_from_file_location("make_examples", PROJECT / "examples" / "make_examples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    import numpy as np

    assert module.indoor_trainer(np.random.default_rng(module.SEED + 2)) == \
        (EXAMPLES / "2026-01-14-indoor-trainer.fit").read_bytes()
    assert module.hill_run(np.random.default_rng(module.SEED + 1)) == \
        (EXAMPLES / "2026-10-10-hill-run-cool.fit").read_bytes()
    assert module.smart_scale() == (EXAMPLES / "2026-10-10-smart-scale.fit").read_bytes()


def test_round_trip_through_our_reader(tmp_path: Path) -> None:
    from pipeline.fit.reader import read_activity

    path = write(tmp_path / "ride.fit", _ride())
    activity = read_activity(path)
    leg = activity.legs[0]
    assert (leg.sport, leg.sub_sport) == ("cycling", "road")
    assert leg.timer_s == pytest.approx(600.0 - 99.0)
    assert leg.elapsed_s == pytest.approx(600.0)
    assert (activity.profile.sex, activity.profile.body_mass_kg, activity.profile.height_cm) == ("female", 61.3, 168.0)
    records = activity.records
    assert len(records) == len([i for i in range(0, 601, 2) if not 200 < i < 300])
    first = records.iloc[0]
    assert first["timestamp"] == T0
    assert first["latitude_deg"] == pytest.approx(-33.8688, abs=1e-6)
    assert first["longitude_deg"] == pytest.approx(151.2093, abs=1e-6)
    assert first["temperature_c"] == -5.0 and first["power_w"] == 0.0
    assert first["altitude_m"] == pytest.approx(-12.4, abs=0.2)
    assert records["speed_m_per_s"].iloc[-1] == pytest.approx(7.5)
    assert records["distance_m"].iloc[-1] == pytest.approx(4500.0)
