"""Damaged FIT files built at test time from real samples: what is refused, what is salvaged.

The policy under test (pipeline/fit/reader.py): not-FIT, bad first header and CRC mismatches are
refused; truncation, a corrupt chained header and undecodable data are salvaged when what decodes
is an activity of at least 10 minutes, refused otherwise. Every refusal is one line.
"""
from __future__ import annotations

import struct

import pytest
from fit_helpers import sample_activity, sample_bytes

from pipeline.core.errors import RejectedFile
from pipeline.fit import decode_activity
from pipeline.fit.framing import fit_crc

LONG = "garmin-fenix2-running-47min.fit"  # 47 min, session at the end of the file, laps on the way
CUT = "garmin-edge530-cycling-18min-indoor-hrv.fit"  # 18 min, sport message first, session last
SHORT = "dynastream-sdkexample-running-chained-with-settings.fit"  # valid, 14 s activity + settings


def _refusal(data: bytes, name: str = "bad.fit") -> RejectedFile:
    with pytest.raises(RejectedFile) as err:
        decode_activity(data, name)
    line = str(err.value)
    assert line.startswith(f"{name}: ") and "\n" not in line
    return err.value


def test_crc_matches_the_fit_sdk_on_a_real_file() -> None:
    data = sample_bytes(LONG)
    header_size = data[0]
    data_size = struct.unpack_from("<I", data, 4)[0]
    end = header_size + data_size
    assert fit_crc(data[:end]) == struct.unpack_from("<H", data, end)[0]


@pytest.mark.parametrize("data, words", [
    (b"", "empty file"),
    (b"hello", "shorter than a FIT header"),
    (b"This is a text file, certainly not FIT.\n", "not a FIT file"),
])
def test_not_fit(data: bytes, words: str) -> None:
    assert words in str(_refusal(data))


def test_header_size_zero() -> None:
    data = bytearray(sample_bytes(LONG))
    data[0] = 0
    err = _refusal(bytes(data))
    assert err.kind == "header" and "header size 0" in str(err)


def test_header_crc_mismatch() -> None:
    data = bytearray(sample_bytes(LONG))
    assert data[0] == 14 and struct.unpack_from("<H", data, 12)[0] != 0
    data[12] ^= 0xFF
    assert "header CRC mismatch" in str(_refusal(bytes(data)))


def test_one_flipped_byte_is_a_crc_refusal() -> None:
    data = bytearray(sample_bytes(LONG))
    data[len(data) // 2] ^= 0x01
    err = _refusal(bytes(data))
    assert err.kind == "crc" and "file CRC mismatch" in str(err)


def test_a_long_truncated_activity_is_salvaged_from_its_records() -> None:
    data = sample_bytes(CUT)
    whole = sample_activity(CUT)
    cut = data[: int(len(data) * 0.75)]  # a sync that broke off: the session at the end is lost
    activity = decode_activity(cut, "cut.fit")
    s = activity.summary
    assert s.salvaged is True
    assert s.summary_source == "records"
    assert any("truncated" in w for w in s.warnings) and any("no session" in w for w in s.warnings)
    assert (s.sport, s.sub_sport) == (whole.summary.sport, whole.summary.sub_sport)  # the sport message
    assert s.start_time == whole.summary.start_time
    n = len(activity.records)
    assert 0.6 * len(whole.records) < n < 0.9 * len(whole.records)
    # what was read is the same as in the whole file
    assert activity.records["heart_rate_bpm"].iloc[: n - 1].equals(whole.records["heart_rate_bpm"].iloc[: n - 1])
    assert 0 < s.timer_s < whole.summary.timer_s


def test_a_short_truncated_activity_is_refused() -> None:
    data = sample_bytes(SHORT)
    err = _refusal(data[: len(data) // 3 * 2 // 2])
    assert err.kind == "truncated" and "too little to salvage" in str(err)


def test_extra_bytes_after_a_complete_file_are_ignored_not_salvage() -> None:
    # fit-cases' kind 6: the file's declared data is all there and its CRC is right, so bytes that do
    # not start another FIT header are extra bytes (Forerunner 255 firmware), not damage
    data = sample_bytes(LONG) + b"GARBAGE GARBAGE GARBAGE GARBAGE"
    activity = decode_activity(data, "trailing.fit")
    assert activity.summary.salvaged is False
    assert activity.summary.timer_s == sample_activity(LONG).summary.timer_s  # nothing of the activity lost
    assert any("31 extra bytes" in w and "ignored" in w for w in activity.summary.warnings)


def test_a_corrupt_chained_header_after_a_long_activity_is_salvaged() -> None:
    # a second header whose signature is broken (".FIT" -> "GIT@", as the SDK's corrupt-header
    # example) but which is still a header (size 14, protocol 2.0): damage, not extra bytes
    header = bytearray(struct.pack("<BBHI4sH", 14, 0x20, 2100, 40, b"GIT@", 0))
    data = sample_bytes(LONG) + bytes(header) + bytes(range(1, 43))
    activity = decode_activity(data, "trailing.fit")
    assert activity.summary.salvaged is True
    assert activity.summary.timer_s == sample_activity(LONG).summary.timer_s
    assert any("chained FIT file 2" in w for w in activity.summary.warnings)


def test_zero_padding_after_the_data_is_harmless() -> None:
    activity = decode_activity(sample_bytes(LONG) + b"\0" * 64, "padded.fit")
    assert activity.summary.salvaged is False
    assert any("padding" in w for w in activity.summary.warnings)


def test_chained_activity_plus_settings_is_accepted() -> None:
    activity = decode_activity(sample_bytes(SHORT), "chained.fit")
    assert activity.summary.sport == "running" and len(activity.records) == 14
    # the settings file chained behind (another device's user profile) does not feed the activity
    assert activity.profile.body_mass_kg is None


def test_settings_then_activity_chained_is_accepted() -> None:
    settings = sample_bytes("garmin-edge510-settings.fit")
    activity = decode_activity(settings + sample_bytes("garmin-fenix2-running-47min.fit"), "chained.fit")
    assert activity.summary.timer_s == sample_activity("garmin-fenix2-running-47min.fit").summary.timer_s


def test_a_bad_plain_file_is_a_rejection_in_read_activities(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from pipeline.fit import read_activities

    path = tmp_path / "broken.fit"
    path.write_bytes(b"\0" * 40)
    result = read_activities(path)  # the nightly flow's entry point never raises for bad input
    assert result.activities == [] and [r.kind for r in result.rejections] == ["not_fit"]


def test_fitparse_warnings_do_not_leak() -> None:
    # COROS PACE 2: a uint32 field defined with size 1; fitparse warns and reads it as bytes.
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        activity = decode_activity(sample_bytes("coros-pace2-cycling-3h32-misaligned-fields.fit"), "coros.fit")
    assert caught == []
    assert activity.summary.timer_s == 11287 and activity.summary.warnings == []


def test_corrupted_content_with_a_valid_crc_never_crashes() -> None:
    """Random byte changes with the CRC recomputed (so the decoder really sees them) and random
    cuts: every outcome is an Activity or a one-line RejectedFile, never another exception — a
    nightly run must not die on a strange file. Seeded, so a failure is reproducible."""
    import random

    rng = random.Random(20261125)
    original = sample_bytes("garmin-fr945-multisport-1min-bike-run.fit")
    header_size, data_size = original[0], struct.unpack_from("<I", original, 4)[0]
    end = header_size + data_size
    outcomes = {"activity": 0, "rejected": 0}
    for _ in range(60):
        data = bytearray(original)
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(header_size, end)] = rng.randrange(256)
        struct.pack_into("<H", data, end, fit_crc(bytes(data[:end])))
        if rng.random() < 0.3:
            data = data[: rng.randrange(len(data))]
        try:
            decode_activity(bytes(data), "fuzz.fit")
            outcomes["activity"] += 1
        except RejectedFile as err:
            assert "\n" not in str(err)
            outcomes["rejected"] += 1
    assert outcomes["activity"] > 0 and outcomes["rejected"] > 0
