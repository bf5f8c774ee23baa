"""One activity, two files: an activity's identity is the activity (device serial and
creation time, else the decoded content), not the bytes of its container.

The same ride as ``.fit`` and ``.fit.gz``, inside an export zip and loose, counts once: the
second copy is recorded as a duplicate of the first (file status ``duplicate``, reason
"duplicate of <first source>"), with no second activity row and no second report.
"""
from __future__ import annotations

import gzip
import io
import sqlite3
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from pipeline.core.config import Config
from pipeline.fit import decode_activity, read_activities
from pipeline.store.catalog import Catalog
from pipeline.store.db import connect
from pipeline.store.migrations import CATALOG_MIGRATIONS
from pipeline.usecases.commit import record_outcome
from pipeline.usecases.ingest import process_file
from pipeline.usecases.nightly_summary import NightlySummary
from tools.fitwriter import DeviceSpec, RecordSample, encode_activity

T0 = datetime(2026, 5, 2, 6, 15, tzinfo=timezone.utc)


def _ride(start: datetime = T0, minutes: int = 12, power_w: float = 180.0, serial: int | None = 3_456_789_012) -> bytes:
    samples = [RecordSample(timestamp=start + timedelta(seconds=i), distance_m=7.5 * i, speed_m_per_s=7.5,
                            power_w=power_w, heart_rate_bpm=135.0, temperature_c=24.0)
               for i in range(minutes * 60 + 1)]
    return encode_activity(samples, sport="cycling", sub_sport="road",
                           device=DeviceSpec(manufacturer="garmin", serial_number=serial))


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def config(tmp_path: Path) -> Config:
    (tmp_path / "inbox").mkdir()
    return Config(inbox=tmp_path / "inbox", data_dir=tmp_path / "data")


def _put(config: Config, name: str, data: bytes) -> Path:
    path = Path(config.inbox) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _run(config: Config, paths: list[Path]) -> NightlySummary:
    """What the nightly flow does per file, in order: process, commit, count."""
    summary = NightlySummary(run_id="r", inbox=Path(config.inbox), data_dir=Path(config.data_dir),
                             started_at=datetime.now(timezone.utc))
    with Catalog(config.data_dir) as catalog:
        for path in paths:
            summary.add(record_outcome(catalog, process_file(path, config, run_id="r")))
    return summary


# --- the key --------------------------------------------------------------------------------

def test_every_copy_of_one_ride_decodes_to_one_key_and_other_rides_to_others(tmp_path: Path) -> None:
    ride = _ride()
    plain = decode_activity(ride, "ride.fit")
    gz = tmp_path / "ride.fit.gz"
    gz.write_bytes(gzip.compress(ride))
    packed = tmp_path / "export.zip"
    packed.write_bytes(_zip({"activities/ride.fit": ride}))
    assert plain.activity_key is not None and plain.activity_key.startswith("fit-serial:garmin:3456789012:")
    assert read_activities(gz).activities[0].activity_key == plain.activity_key
    assert read_activities(packed).activities[0].activity_key == plain.activity_key
    # another ride of the same device, and a file stamped with the same file_id but not the same ride
    assert decode_activity(_ride(T0 + timedelta(days=1)), "b.fit").activity_key != plain.activity_key
    assert decode_activity(_ride(minutes=20), "c.fit").activity_key != plain.activity_key


def test_without_a_serial_number_the_key_is_the_decoded_content() -> None:
    ride, other = _ride(serial=None), _ride(serial=None, power_w=240.0)  # written as uint32z 0: "no serial"
    key = decode_activity(ride, "a.fit").activity_key
    assert key is not None and key.startswith("fit-content:")
    assert decode_activity(ride, "copy.fit").activity_key == key
    assert decode_activity(other, "b.fit").activity_key != key


# --- the catalog and the use case ---------------------------------------------------------------

def test_a_fit_then_its_gz_then_a_zip_holding_it_is_one_activity(config: Config) -> None:
    ride = _ride()
    paths = [_put(config, "ride.fit", ride), _put(config, "ride.fit.gz", gzip.compress(ride)),
             _put(config, "export.zip", _zip({"activities/ride.fit": ride, "notes.txt": b"hello"}))]
    summary = _run(config, paths)
    with Catalog(config.data_dir) as catalog:
        activities = catalog.activities()
        files = {Path(f).name: catalog.file(s) for f, s in ((p, _sha(p)) for p in paths)}
        duplicates = catalog.duplicates()
    assert len(activities) == 1 and activities[0].source == "ride.fit"
    assert files["ride.fit"].status == "processed"
    for name in ("ride.fit.gz", "export.zip"):
        assert files[name].status == "duplicate" and files[name].reason is not None
        assert "duplicate of ride.fit" in files[name].reason
    assert {(d.name, d.member) for d in duplicates} == {("ride.fit.gz", ""), ("export.zip", "activities/ride.fit")}
    assert all(d.duplicate_of == activities[0].id for d in duplicates)
    # one report folder, and the summary line counts the copies as skipped, with the reason
    assert len(list((Path(config.data_dir) / "reports").glob("*/report.json"))) == 1
    assert summary.processed_files == ["ride.fit"] and len(summary.activities) == 1
    assert summary.skipped == 3  # the two copies, and the zip's notes.txt (not an activity file), each named
    assert "1 member not read: 1 .txt (not an activity file (.fit, .gpx or .tcx))" in summary.line()
    assert "`export.zip:notes.txt`: not an activity file (.fit, .gpx or .tcx): skipped" in summary.markdown()
    assert "ride.fit.gz: duplicate of ride.fit" in summary.line()
    assert "export.zip:activities/ride.fit: duplicate of ride.fit" in summary.line()
    assert summary.line().endswith("rejected 0")


def test_a_copy_names_the_activity_it_repeats_for_weigh_ins(config: Config) -> None:
    ride = _ride()
    _run(config, [_put(config, "ride.fit", ride), _put(config, "ride.fit.gz", gzip.compress(ride))])
    with Catalog(config.data_dir) as catalog:
        first = catalog.resolve_activity(str(Path(config.inbox) / "ride.fit"))
        assert catalog.resolve_activity(str(Path(config.inbox) / "ride.fit.gz")).id == first.id


def test_copies_processed_side_by_side_are_resolved_when_committed(config: Config) -> None:
    """The nightly processes files in parallel: both copies are analysed before either is committed."""
    ride = _ride()
    loose, packed = _put(config, "ride.fit.gz", gzip.compress(ride)), _put(config, "export.zip", _zip({"r.fit": ride}))
    first, second = process_file(loose, config, run_id="r"), process_file(packed, config, run_id="r")
    assert first.status == second.status == "processed"  # neither knew of the other
    with Catalog(config.data_dir) as catalog:
        assert record_outcome(catalog, first).status == "processed"
        late = record_outcome(catalog, second)
        assert late.status == "duplicate" and not late.activities
        assert late.duplicates[0].reason == "duplicate of ride.fit.gz"
        assert len(catalog.activities()) == 1
    # the late copy's report was removed: no folder without a catalog row
    assert len(list((Path(config.data_dir) / "reports").glob("*/report.json"))) == 1


def test_a_zip_of_several_rides_keeps_the_new_ones_and_skips_the_known_one(config: Config) -> None:
    known, new = _ride(), _ride(T0 + timedelta(days=2))
    _run(config, [_put(config, "known.fit", known)])
    summary = _run(config, [_put(config, "export.zip", _zip({"a.fit": known, "b.fit": new}))])
    with Catalog(config.data_dir) as catalog:
        assert len(catalog.activities()) == 2
        row = catalog.file(_sha(Path(config.inbox) / "export.zip"))
    assert row.status == "processed" and row.activities == 1 and "a.fit: duplicate of known.fit" in row.reason
    assert summary.skipped == 1 and len(summary.activities) == 1


def test_the_same_file_processed_again_is_not_its_own_duplicate(config: Config) -> None:
    path = _put(config, "ride.fit", _ride())
    _run(config, [path])
    summary = _run(config, [path])  # `--rebuild`, or `sweatline ride` with another weather
    assert summary.processed_files == ["ride.fit"] and summary.skipped == 0


def test_two_different_rides_are_two_activities(config: Config) -> None:
    summary = _run(config, [_put(config, "a.fit", _ride()), _put(config, "b.fit", _ride(T0 + timedelta(hours=5)))])
    assert len(summary.activities) == 2 and summary.skipped == 0


def test_migration_4_keeps_a_version_2_catalog_and_widens_the_file_status(tmp_path: Path) -> None:
    """A catalog made before this change: migrated in place, its rows kept, the new columns empty."""
    conn = sqlite3.connect(tmp_path / "catalog.sqlite", isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("CREATE TABLE schema_version (component TEXT PRIMARY KEY, version INTEGER NOT NULL)")
    for step in CATALOG_MIGRATIONS[:2]:
        conn.executescript(step)
    conn.execute("INSERT INTO schema_version VALUES ('catalog', 2)")
    conn.execute("INSERT INTO files VALUES ('s', 'a.fit', '/in/a.fit', 1, 'processed', 1, 't', 't', NULL)")
    conn.execute("INSERT INTO activities (id, file_sha256, source, sport, report_dir, processed_at) "
                 "VALUES ('s', 's', 'a.fit', 'cycling', 'reports/x', 't')")
    conn.close()
    conn = connect(tmp_path)
    assert conn.execute("SELECT version FROM schema_version WHERE component = 'catalog'").fetchone()[0] == \
        len(CATALOG_MIGRATIONS)
    assert conn.execute("SELECT activity_key FROM activities").fetchone()[0] is None
    conn.execute("INSERT INTO files VALUES ('d', 'a.fit.gz', '/in/a.fit.gz', 1, 'duplicate', 0, 't', 't', NULL, "
                 "'duplicate of a.fit')")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO files VALUES ('x', 'x', 'x', 1, 'lost', 0, 't', 't', NULL, NULL)")
    with pytest.raises(sqlite3.IntegrityError):  # the activities -> files foreign key still holds
        conn.execute("INSERT INTO activities (id, file_sha256, source, sport, report_dir, processed_at) "
                     "VALUES ('y', 'nowhere', 'y', 'cycling', 'r', 't')")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def _sha(path: Path) -> str:
    from pipeline.store.files import sha256_file

    return sha256_file(path)


# --- a damaged, shorter copy of a recording held whole (a user's truncated upload) ------------

def _truncated(data: bytes, keep: float = 0.5) -> bytes:
    """The first ``keep`` of the bytes: a copy cut off in the middle of its records (no session, no CRC)."""
    return data[:int(len(data) * keep)]


def _activity_counts(config: Config) -> tuple[int, list[str]]:
    with Catalog(config.data_dir) as catalog:
        return len(catalog.activities()), sorted(f.status for f in (catalog.file(s) for s in catalog.known_hashes()) if f)


def test_a_truncated_copy_of_a_ride_held_whole_is_its_duplicate(config: Config) -> None:
    """A user's truncated copy of a 60-minute ride already in the catalog was stored as a second
    activity (30 min, the same start): the day's sweat counted twice. It is now a duplicate of the
    whole one, with no report of its own; a truncated copy of another ride is still an activity."""
    whole = _ride(minutes=60)
    summary = _run(config, [_put(config, "ride.fit", whole), _put(config, "upload.fit", _truncated(whole))])
    assert len(summary.processed_files) == 1 and summary.skipped == 1
    assert "upload.fit: duplicate of ride.fit" in summary.line()
    with Catalog(config.data_dir) as catalog:
        (kept,) = catalog.activities()
        assert kept.source == "ride.fit" and kept.timer_s == 3600 and not kept.salvaged
        (duplicate,) = catalog.duplicates()
        assert duplicate.name == "upload.fit" and duplicate.duplicate_of == kept.id
    assert len(list((Path(config.data_dir) / "reports").glob("*/report.json"))) == 1

    other = _ride(start=T0 + timedelta(days=1), minutes=60)  # another ride of the same device, cut short
    _run(config, [_put(config, "other.fit", _truncated(other))])
    with Catalog(config.data_dir) as catalog:
        salvaged = [a for a in catalog.activities() if a.source == "other.fit"]
        assert len(salvaged) == 1 and salvaged[0].salvaged and 600 <= salvaged[0].timer_s < 3600


def test_the_whole_ride_replaces_a_truncated_copy_that_came_first(config: Config) -> None:
    """A device (or an upload) gave the partial file first, the whole one the night after: the whole
    ride becomes the activity, the partial one its duplicate, its report folder and records removed,
    and a weigh-in the rider had recorded around it moves to the whole ride."""
    from pipeline.store.weighins import WeighInRow, WeighIns

    whole = _ride(minutes=60)
    _run(config, [_put(config, "partial.fit", _truncated(whole, 0.4))])
    with Catalog(config.data_dir) as catalog:
        (partial,) = catalog.activities()
        assert partial.salvaged and partial.timer_s < 3600
        WeighIns(catalog).put(WeighInRow(activity_id=partial.id, sport="cycling", source="manual", pre_kg=70.0,
                                         post_kg=69.2, drank_l=0.3, measured_l=1.1, recorded_at=T0))
    partial_report = Path(config.data_dir) / partial.report_dir
    assert partial_report.is_dir()

    summary = _run(config, [_put(config, "ride.fit", whole)])
    assert len(summary.processed_files) == 1
    with Catalog(config.data_dir) as catalog:
        (kept,) = catalog.activities()
        assert kept.source == "ride.fit" and kept.timer_s == 3600
        (duplicate,) = catalog.duplicates()
        assert (duplicate.name, duplicate.duplicate_of) == ("partial.fit", kept.id)
        held = catalog.file(partial.file_sha256)
        assert held is not None and held.status == "duplicate" and held.activities == 0
        assert held.reason == "duplicate of ride.fit"
        weighed = WeighIns(catalog).get(kept.id)
        assert weighed is not None and weighed.pre_kg == 70.0 and WeighIns(catalog).get(partial.id) is None
    assert not partial_report.exists()
    assert len(list((Path(config.data_dir) / "reports").glob("*/report.json"))) == 1


def test_two_whole_files_stamped_with_one_file_id_stay_two_rides(config: Config) -> None:
    """Undamaged files are never folded into one another, even with one device file_id and one start
    (a converter that stamps the same file_id on what it writes): only a damaged copy is a duplicate."""
    summary = _run(config, [_put(config, "a.fit", _ride(minutes=60)), _put(config, "b.fit", _ride(minutes=30))])
    assert len(summary.processed_files) == 2
    assert _activity_counts(config)[0] == 2


def test_the_whole_ride_is_estimated_with_the_weigh_in_it_took_over(config: Config, tmp_path: Path) -> None:
    """A user weighed in around the truncated copy (factor from the copy's small model estimate),
    then the whole ride came: its estimate still used that factor (1.7 L where 1.0 L was right).
    Through ``sweatline ride`` and through the nightly's re-estimation (of rides within its window:
    older reports stay as they are until ``--rebuild``, the nightly's window rule), the whole ride ends
    with the estimate it gets when the same weigh-in is recorded on it directly, in a catalog that
    never saw the copy."""
    from pipeline.core.inputs import WeatherOverride
    from pipeline.store.files import sha256_file
    from pipeline.store.weighins import WeighInRow, WeighIns
    from pipeline.usecases.inbox import InboxFile
    from pipeline.usecases.nightly import select_stale
    from pipeline.usecases.ride import ride

    whole = _ride(minutes=60)

    def weigh(catalog: Catalog, activity_id: str) -> None:
        WeighIns(catalog).put(WeighInRow(activity_id=activity_id, sport="cycling", source="manual", pre_kg=70.0,
                                         post_kg=69.2, drank_l=0.3, measured_l=1.1, recorded_at=T0), replace=True)

    # the reference: the weigh-in recorded on the whole ride itself
    direct = Config(inbox=config.inbox, data_dir=tmp_path / "direct")
    (first,) = ride(_put(config, "ride.fit", whole), direct, WeatherOverride(), orchestrator="local")
    with Catalog(direct.data_dir) as catalog:
        weigh(catalog, first.activity.id)
    (expected,) = ride(Path(config.inbox) / "ride.fit", direct, WeatherOverride(), orchestrator="local")
    assert expected.activity.calibrated and not expected.reused

    for way in ("ride", "nightly"):
        moved = Config(inbox=config.inbox, data_dir=tmp_path / way)
        (partial,) = ride(_put(config, "partial.fit", _truncated(whole, 0.4)), moved, WeatherOverride(),
                          orchestrator="local")
        with Catalog(moved.data_dir) as catalog:
            weigh(catalog, partial.activity.id)
        if way == "ride":
            (answer,) = ride(Path(config.inbox) / "ride.fit", moved, WeatherOverride(), orchestrator="local")
            kept = answer.activity
        else:
            with Catalog(moved.data_dir) as catalog:
                record_outcome(catalog, process_file(Path(config.inbox) / "ride.fit", moved, run_id="r"))
                summary = NightlySummary(run_id="r", inbox=Path(config.inbox), data_dir=Path(moved.data_dir),
                                         started_at=datetime.now(timezone.utc))
                path = Path(config.inbox) / "ride.fit"
                jobs = select_stale([InboxFile(path, 1, 0)], [sha256_file(path)], catalog, moved, summary,
                                    window_days=(datetime.now(timezone.utc) - T0).days + 2)  # T0 within the window
                assert [sha for _, sha, _ in jobs] == [sha256_file(path)]  # its answer is stale: re-estimated
                record_outcome(catalog, process_file(path, moved, run_id="r"))
                (kept,) = catalog.activities()
        assert kept.source == "ride.fit"
        assert kept.calibration_factor == pytest.approx(expected.activity.calibration_factor), way
        assert kept.sweat_total_l == pytest.approx(expected.activity.sweat_total_l), way


def test_ride_on_another_copy_says_when_the_stored_answer_predates_a_weigh_in(config: Config) -> None:
    """``ride export.zip`` after a weigh-in changed the ride's factor printed the old report with
    "already processed with these inputs"; now the answer says it predates the change and how to
    estimate it again. Before any change, the copy's answer is the current stored one."""
    from pipeline.core.inputs import WeatherOverride
    from pipeline.store.weighins import WeighInRow, WeighIns
    from pipeline.usecases.ride import ride

    whole = _ride(minutes=30)
    (first,) = ride(_put(config, "ride.fit", whole), config, WeatherOverride(), orchestrator="local")
    packed = _put(config, "export.zip", _zip({"ride.fit": whole}))
    (copy,) = ride(packed, config, WeatherOverride(), orchestrator="local")
    assert copy.reused and not copy.stale and copy.activity.id == first.activity.id
    with Catalog(config.data_dir) as catalog:
        WeighIns(catalog).put(WeighInRow(activity_id=first.activity.id, sport="cycling", source="manual", pre_kg=70.0,
                                         post_kg=69.0, drank_l=0.5, measured_l=1.5, recorded_at=T0))
    (again,) = ride(packed, config, WeatherOverride(), orchestrator="local")
    assert again.reused and again.stale
    held = Path(config.inbox) / "ride.fit"
    assert any("made before its inputs changed" in w and f"`sweatline ride {held}`" in w for w in again.warnings)


def test_a_weather_override_on_a_copy_is_applied_to_the_file_given(config: Config) -> None:
    """``ride ride.fit --temp 29`` on a ride first read from an export zip answered with the zip's
    report, said the weather was not applied and named ``export.zip:activities/ride.fit`` to run
    ``ride`` on (no such file). The file given now takes the activity over, estimated at 29 °C;
    the zip's member becomes its copy; the same question again is answered from the catalog."""
    from pipeline.core.inputs import WeatherOverride
    from pipeline.usecases.ride import ride

    whole = _ride(minutes=20)
    packed = _put(config, "export.zip", _zip({"activities/ride.fit": whole, "other.fit": _ride(start=T0 + timedelta(days=1))}))
    first, other = ride(packed, config, WeatherOverride(), orchestrator="local")
    assert first.activity.source == "export.zip:activities/ride.fit"
    loose = _put(config, "ride.fit", whole)
    hot = WeatherOverride(temperature_c=29.0, humidity_pct=40.0)
    (applied,) = ride(loose, config, hot, orchestrator="local")
    assert not applied.reused and applied.duplicate_of is None and applied.activity.source == "ride.fit"
    assert applied.activity.override_temperature_c == 29.0 and applied.activity.temperature_c == 29.0
    assert applied.activity.humidity_pct == 40.0
    assert any("same activity as export.zip:activities/ride.fit" in w for w in applied.warnings), applied.warnings
    with Catalog(config.data_dir) as catalog:
        held = catalog.activities()
        assert sorted(a.source for a in held) == ["export.zip:other.fit", "ride.fit"]  # one row for the ride
        (copy,) = catalog.duplicates(_sha(packed))
        assert copy.member == "activities/ride.fit" and copy.duplicate_of == applied.activity.id
        assert catalog.file(_sha(packed)).activities == 1  # the other ride stays the zip's
    assert (Path(config.data_dir) / applied.activity.report_dir / "report.json").is_file()
    (again,) = ride(loose, config, hot, orchestrator="local")
    assert again.reused and again.activity.override_temperature_c == 29.0
    reread = ride(packed, config, WeatherOverride(), orchestrator="local")
    assert {r.activity.source for r in reread} == {"export.zip:other.fit"}  # its own activity, stored
    assert not any("was not applied" in w for r in reread for w in r.warnings)

def test_a_damaged_file_of_another_ride_stamped_with_the_same_file_id_stays_a_ride(config: Config) -> None:
    """A converter (or a test generator) stamps one device ``file_id`` and start on different rides:
    a damaged one of them is not a copy of a longer one whose records it does not start, even of the
    same sport and shorter (a clean-clone CI run caught the first version of the rule folding such a
    file into another)."""
    longer = _ride(minutes=60, power_w=180.0)
    other = _truncated(_ride(minutes=60, power_w=240.0), 0.4)  # same serial, start and sport; other power
    summary = _run(config, [_put(config, "long.fit", longer), _put(config, "other.fit", other)])
    assert len(summary.processed_files) == 2 and summary.skipped == 0
    summary = _run(Config(inbox=config.inbox, data_dir=Path(config.data_dir).with_name("reversed")),
                   [_put(config, "other.fit", other), _put(config, "long.fit", longer)])
    assert len(summary.processed_files) == 2 and summary.skipped == 0


def _run_with_pause(*, serial: int | None, session_fields: dict[str, float] | None, minutes: int,
                    pause: tuple[int, int]) -> bytes:
    """A run of ``minutes`` with the timer stopped between ``pause`` seconds; ``session_fields``
    overrides the session's totals as a tool that swaps or rewrites them would."""
    samples = [RecordSample(timestamp=T0 + timedelta(seconds=i), distance_m=3.0 * i, speed_m_per_s=3.0,
                            heart_rate_bpm=150.0) for i in range(minutes * 60 + 1)
               if not pause[0] < i < pause[1]]
    from tools.fitwriter import TimerPause

    return encode_activity(samples, sport="running", session_fields=session_fields,
                           pauses=[TimerPause(T0 + timedelta(seconds=pause[0]), T0 + timedelta(seconds=pause[1]))],
                           device=DeviceSpec(manufacturer="garmin", serial_number=serial))


@pytest.mark.parametrize("serial", [3_456_789_012, None])
@pytest.mark.parametrize("minutes, pause", [(120, (2400, 4800)), (80, (600, 1500))])
@pytest.mark.parametrize("swapped_first", [True, False])
def test_two_undamaged_files_whose_sessions_differ_stay_two_activities(
        config: Config, serial: int | None, minutes: int, pause: tuple[int, int], swapped_first: bool) -> None:
    """The same records, one file with its session's timer and elapsed times swapped (the checks
    correct it into the other's totals): two undamaged files, so two activities with a report each,
    whichever comes first (the README: undamaged files are never folded together); each file's key
    is its own, and the same file again is still not its own duplicate."""
    elapsed = float(minutes * 60)
    timer = elapsed - (pause[1] - pause[0])
    swapped = _run_with_pause(serial=serial, minutes=minutes, pause=pause,
                              session_fields={"total_timer_time": elapsed, "total_elapsed_time": timer})
    normal = _run_with_pause(serial=serial, minutes=minutes, pause=pause, session_fields=None)
    a, b = decode_activity(swapped, "swapped.fit"), decode_activity(normal, "normal.fit")
    assert a.summary.timer_s == pytest.approx(b.summary.timer_s, abs=1)  # the swap is corrected ...
    assert a.activity_key != b.activity_key  # ... and the files stay two
    files = [("swapped.fit", swapped), ("normal.fit", normal)]
    paths = [_put(config, name, data) for name, data in (files if swapped_first else files[::-1])]
    summary = _run(config, paths)
    assert sorted(summary.processed_files) == ["normal.fit", "swapped.fit"] and summary.skipped == 0
    assert _activity_counts(config)[0] == 2
    again = _run(config, paths[:1])
    assert again.skipped == 0


@pytest.mark.parametrize("copy_name, pack", [("ride.fit.gz", gzip.compress), ("export.zip", None)])
def test_ride_on_a_copy_names_the_file_it_duplicates(config: Config, copy_name: str, pack: Any) -> None:
    """``sweatline ride`` on a copy of a ride held from ``ride.fit`` answers with that ride's report and
    says plainly, in the result itself (the command prints it on stdout), "duplicate of ride.fit"; the
    ride itself, and the same question asked again, say no such thing about ``ride.fit``."""
    from pipeline.core.inputs import WeatherOverride
    from pipeline.usecases.ride import ride

    whole = _ride(minutes=20)
    (first,) = ride(_put(config, "ride.fit", whole), config, WeatherOverride(), orchestrator="local")
    assert first.duplicate_of is None
    data = pack(whole) if pack else _zip({"ride.fit": whole})
    for _ in range(2):
        (copy,) = ride(_put(config, copy_name, data), config, WeatherOverride(), orchestrator="local")
        assert copy.duplicate_of == "ride.fit" and copy.activity.id == first.activity.id
    (again,) = ride(Path(config.inbox) / "ride.fit", config, WeatherOverride(), orchestrator="local")
    assert again.duplicate_of is None
