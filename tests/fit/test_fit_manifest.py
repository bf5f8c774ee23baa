"""Every sample of ../shared/fit-samples/MANIFEST.csv against the manifest's independent decoders.

The manifest's values come from Garmin's own SDK decoder, cross-checked with fitdecode
(fit-samples/README.md). Valid activities are compared field by field (names exactly, numbers to
±1 %); every broken or non-activity file is run through the real command line, which must refuse
it with exactly one stderr line and exit 2 — or, for a damaged activity worth keeping, salvage it.
"""
from __future__ import annotations

import json
import math
from datetime import datetime
from typing import Any

import pytest
from fit_helpers import SAMPLES, manifest, sample_activity
from shared_paths import json_error_or_nothing

from pipeline.fit.reader import SALVAGE_MIN_S

ROWS = manifest()


def _valid(row: dict[str, str]) -> bool:
    return row["integrity"].startswith("ok") and row["file_type"] == "activity"


VALID = [r for r in ROWS if _valid(r)]
INVALID = [r for r in ROWS if not _valid(r)]


def _disagreements(row: dict[str, str]) -> dict[str, tuple[str, str]]:
    """``column: sdk=... fitdecode=...`` entries of the manifest's disagreements column."""
    out = {}
    for part in row["disagreements"].split(" | "):
        if ":" not in part or "sdk=" not in part:
            continue
        column, rest = part.split(":", 1)
        sdk = rest.split("sdk=", 1)[1].split(" fitdecode=")[0].strip()
        fitdecode = rest.split("fitdecode=", 1)[1].strip()
        out[column.strip()] = (sdk, fitdecode)
    return out


def reference(row: dict[str, str], column: str) -> str:
    """The manifest value to trust. Per its README, where the decoders disagree the SDK is wrong
    on compressed-timestamp files (it stops at the first such header: garmin-fr70 shows 0
    records) and fitdecode is wrong where strict mode stops at an odd field definition (the
    COROS PACE 2 file), so fitdecode's value is taken for the former, the SDK's otherwise."""
    dis = _disagreements(row).get(column)
    if dis is not None and int(row["compressed_timestamp_messages"] or 0) > 0:
        return dis[1]
    return row[column]


def per_session(row: dict[str, str], column: str) -> list[str]:
    n = int(row["sessions"] or 0)
    value = row[column]
    parts = value.split(";") if value else [""] * n
    assert len(parts) == n, f"{row['file']}: manifest {column} has {len(parts)} values for {n} sessions"
    return parts


def _f(text: str) -> float | None:
    return float(text) if text not in ("", None) else None


def close(ours: float | None, theirs: float | None, rel: float = 0.01, abs_tol: float = 1e-6) -> bool:
    if ours is None or theirs is None:
        return ours is None and theirs is None
    return math.isclose(ours, theirs, rel_tol=rel, abs_tol=abs_tol)


def weighted(values: list[float | None], weights: list[float | None]) -> float | None:
    """The manifest's per-session averages combined by timer time (how a multisport average is defined)."""
    pairs = [(v, w or 0.0) for v, w in zip(values, weights) if v is not None]
    if not pairs:
        return None
    total = sum(w for _, w in pairs)
    return pairs[0][0] if len(pairs) == 1 else sum(v * w for v, w in pairs) / total


@pytest.mark.parametrize("row", VALID, ids=[r["file"] for r in VALID])
def test_valid_activity_matches_manifest(row: dict[str, str]) -> None:
    activity = sample_activity(row["file"])
    s = activity.summary
    n_sessions = int(row["sessions"] or 0)

    assert s.id == row["sha256"]  # sha256 of the file as stored (of the .gz for the .gz sample)
    assert s.source == row["file"]
    assert s.salvaged is False
    assert s.manufacturer == (row["manufacturer"] or None)
    assert s.product == (row["product"] or None)  # profile name, else the number as a string
    if row["product_name"]:
        assert row["product_name"] in s.device

    if n_sessions == 0:
        # garmin-edge1040-cycling-33min-no-session-gear-changes.fit: records and events only (the
        # manifest has no session values). Derived from the records, and said so.
        assert s.summary_source == "records"
        assert any("no session" in w for w in s.warnings)
        # the file names no sport anywhere; its device is a bike computer (MANIFEST: product edge_1040,
        # "gear-change events"), so it is a ride, and a warning says how that was decided
        assert s.sport == "cycling" and "edge" in row["product"]
        assert any("inferred from the device, a bike computer" in w for w in s.warnings)
        assert len(activity.records) == int(row["records"])
        span = float(activity.records["elapsed_s"].iloc[-1])
        assert s.timer_s is not None and 0 < s.timer_s <= span + 1
        assert s.distance_m == pytest.approx(activity.records["distance_m"].max())
        return

    assert s.summary_source == "session"
    assert len(activity.legs) == n_sessions
    sports = per_session(row, "sport")
    sub_sports = per_session(row, "sub_sport")
    starts = per_session(row, "start_time")
    timers = [_f(v) for v in per_session(row, "total_timer_time")]
    distances = [_f(v) for v in per_session(row, "total_distance")]
    # A session average of 0 is a missing sensor, not a rest: coros-pace2-cycling-3h32
    # has avg_power 0 and no power in any record; zwift-app-cycling-30min avg_heart_rate 0 and 0 bpm
    # in every record. Ours is None.
    hrs = [None if _f(v) == 0 else _f(v) for v in per_session(row, "avg_heart_rate")]
    powers = [None if _f(v) == 0 else _f(v) for v in per_session(row, "avg_power")]

    for leg, sport, sub, start, timer, dist, hr, power in zip(activity.legs, sports, sub_sports, starts, timers,
                                                             distances, hrs, powers):
        assert leg.sport == sport
        assert leg.sub_sport == (sub or None)
        if start.endswith("(relative)"):
            # garmin-fr70: the session start is seconds since power-on, and the file has no
            # timestamp_correlation to anchor it: unknown, and a warning says so.
            assert leg.start_time is None
        else:
            assert leg.start_time == datetime.fromisoformat(start.replace("Z", "+00:00"))
        assert close(leg.timer_s, timer)
        assert close(leg.distance_m, dist)
        assert close(leg.avg_heart_rate, hr)
        assert close(leg.avg_power, power)

    # the activity block: sport name exact, totals summed over sessions, averages time-weighted
    assert s.sport == (sports[0] if n_sessions == 1 else "multisport")
    assert s.sub_sport == ((sub_sports[0] or None) if n_sessions == 1 else None)
    if starts[0].endswith("(relative)"):
        assert s.start_time is None
        assert any("power-on" in w for w in s.warnings)
    else:
        assert s.start_time == datetime.fromisoformat(starts[0].replace("Z", "+00:00"))
        assert s.start_time.utcoffset() is not None and s.start_time.utcoffset().total_seconds() == 0
    assert close(s.timer_s, sum(t for t in timers if t is not None))
    assert close(s.distance_m, None if all(d is None for d in distances) else sum(d for d in distances if d is not None))
    for ours, theirs, column, flag in ((s.avg_heart_rate, weighted(hrs, timers), "heart_rate_bpm", "has_heart_rate"),
                                       (s.avg_power, weighted(powers, timers), "power_w", "has_power")):
        if theirs is not None:
            assert close(ours, theirs)
        else:
            # No session average: ours comes from the records when they hold the signal
            # (e.g. garmin-fenix2-running-47min: HR in records, none in the session), else None.
            assert ours is None or (reference(row, flag) == "yes" and ours > 0)


@pytest.mark.parametrize("row", VALID, ids=[r["file"] for r in VALID])
def test_records_match_manifest(row: dict[str, str]) -> None:
    """Record count, which signals are present, and the temperature range, from the records."""
    records = sample_activity(row["file"]).records
    assert len(records) == int(reference(row, "records"))  # fr70: fitdecode's 686 (SDK stops at 0)
    signals = {"has_heart_rate": "heart_rate_bpm", "has_power": "power_w", "has_cadence": "cadence_rpm",
               "has_temperature": "temperature_c", "has_altitude": "altitude_m", "has_speed": "speed_m_per_s",
               "has_position": "latitude_deg"}
    for flag, column in signals.items():
        expected = reference(row, flag) == "yes"
        if flag == "has_heart_rate" and all(_f(v) == 0 for v in row["max_heart_rate"].split(";")):
            expected = False  # 0 bpm in every record (max 0: zwift, onelap) is no sensor: missing
        assert bool(records[column].notna().any()) == expected, f"{flag} / {column}"
    if row["min_temperature"]:
        assert records["temperature_c"].min() == pytest.approx(float(row["min_temperature"]))
        assert records["temperature_c"].max() == pytest.approx(float(row["max_temperature"]))


def expected_outcome(row: dict[str, str]) -> tuple[str, str]:
    """What a user gets for a file that is not a plain valid activity: ("reject", kind) or
    ("salvage", ""). Per broken sample (decided in pipeline/fit/reader.py's salvage policy):

    * unknown-unknown-none-zero-length: empty -> refused.
    * dynastream-...-bad-file-crc: CRC mismatch -> refused (bytes were altered; which values
      are wrong cannot be known, so nothing is guessed).
    * dynastream-...-unexpected-eof: truncated, 14 s readable -> refused (below the 10-min
      salvage floor: no sweat estimate is possible from 14 s; re-sync instead).
    * dynastream-...-chained-corrupt-header: second header corrupt after a 14 s activity ->
      refused for the same reason.
    * strava-androidapp-running-59min-truncated: truncated and undecodable from byte 7471, but
      the session (59 min, 11.3 km) sits before the damage -> salvaged, with a warning.
    * settings / monitoring_b / workout x2 / course: FIT, but not an activity -> refused.
    """
    integrity = row["integrity"]
    if integrity.startswith("empty"):
        return "reject", "empty"
    if "CRC mismatch" in integrity:
        return "reject", "crc"
    if integrity.startswith("truncated") or integrity.startswith("not a FIT header (chained"):
        timer = sum(float(x) for x in row["total_timer_time"].split(";") if x)
        kind = "truncated" if integrity.startswith("truncated") else "header"
        return ("salvage", "") if timer >= SALVAGE_MIN_S else ("reject", kind)
    assert row["file_type"] != "activity", f"{row['file']}: unexpected manifest row"
    return "reject", "not_activity"


REASON_WORDS = {"empty": "empty", "crc": "CRC", "truncated": "truncated", "header": "header",
                "not_activity": "not an activity"}


@pytest.mark.parametrize("row", INVALID, ids=[r["file"] for r in INVALID])
def test_broken_and_non_activity_files_through_the_cli(row: dict[str, str], ride: Any) -> None:
    path = SAMPLES / row["file"]
    outcome, kind = expected_outcome(row)
    proc = ride(path)
    assert "Traceback" not in proc.stderr
    if outcome == "reject":
        assert proc.returncode == 2, proc.stderr
        lines = proc.stderr.splitlines()
        assert len(lines) == 1, proc.stderr  # exactly one line: no library warnings leak
        assert lines[0].startswith((f"{path}: ", f"{row['file']}: "))  # FILE as given, or its name
        assert REASON_WORDS[kind] in lines[0]
        assert json_error_or_nothing(proc.stdout, proc.stderr)
    else:
        assert proc.returncode == 0, proc.stderr
        block = json.loads(proc.stdout)["activity"]
        assert block["salvaged"] is True
        assert block["sport"] == row["sport"]
        assert close(block["timer_s"], float(row["total_timer_time"]))
        assert close(block["distance_m"], float(row["total_distance"]))
        assert "damaged file read as far as it goes" in proc.stderr
        assert all(line.startswith(f"{path}: warning: ") for line in proc.stderr.splitlines())


@pytest.mark.parametrize("name", ["garmin-fr255-triathlon-1h07-summary-last.fit",
                                  "garmin-edge1030plus-cycling-46min-virtual-odd-session.fit.gz"])
def test_cli_prints_the_activity_block(name: str, ride_here: Any) -> None:
    """`sweatline ride FILE --json` prints the SPEC activity block the library built (the command line
    in this process; the installed command's contract over files is the test above)."""
    proc = ride_here(SAMPLES / name)
    assert proc.returncode == 0, proc.stderr
    block = json.loads(proc.stdout)["activity"]
    ours = sample_activity(name).summary
    for key in ("id", "source", "sport", "sub_sport", "elapsed_s", "timer_s", "distance_m", "avg_heart_rate",
                "avg_power", "device", "salvaged"):
        assert block[key] == getattr(ours, key), key
    assert datetime.fromisoformat(block["start_time"].replace("Z", "+00:00")) == ours.start_time
