"""The catalog on a real SQLite file: migrations, rows whole or absent, lookups users rely on."""
from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from pipeline.core.errors import DamagedData, UsageError
from pipeline.store.catalog import ActivityRow, Catalog, FileRow, RejectionRow, RunRow, utc_now
from pipeline.store.db import catalog_path, connect, migrate, schema_version, transaction
from pipeline.store.migrations import CATALOG_MIGRATIONS


def _file(sha: str, status: str = "processed", name: str = "a.fit") -> FileRow:
    now = utc_now()
    return FileRow(sha256=sha, name=name, path=f"/inbox/{name}", size_bytes=10, status=status,  # type: ignore[arg-type]
                   activities=1 if status == "processed" else 0, first_seen_at=now, processed_at=now)


def _activity(activity_id: str, file_sha: str, start: datetime | None, total_l: float = 1.2) -> ActivityRow:
    return ActivityRow(id=activity_id, file_sha256=file_sha, source="a.fit", sport="cycling", start_time=start,
                       timer_s=3600.0, sweat_total_l=total_l, sweat_low_l=0.8, sweat_high_l=1.6,
                       report_dir=f"reports/{activity_id[:10]}", processed_at=utc_now())


def test_new_catalog_has_its_tables_and_schema_version(tmp_path: Path) -> None:
    conn = connect(tmp_path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"files", "activities", "rejections", "runs", "schema_version"} <= tables
    assert schema_version(conn, "catalog") == len(CATALOG_MIGRATIONS)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(CATALOG_MIGRATIONS)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    # opening again applies nothing twice
    again = connect(tmp_path)
    assert schema_version(again, "catalog") == len(CATALOG_MIGRATIONS)
    again.close()


def test_a_component_migrates_once_and_in_order(tmp_path: Path) -> None:
    conn = connect(tmp_path)
    steps = ["CREATE TABLE extra (id INTEGER PRIMARY KEY)", "ALTER TABLE extra ADD COLUMN note TEXT"]
    assert migrate(conn, "extra", steps[:1]) == 1
    assert migrate(conn, "extra", steps) == 2
    assert migrate(conn, "extra", steps) == 2  # idempotent
    columns = [r[1] for r in conn.execute("PRAGMA table_info(extra)")]
    assert columns == ["id", "note"]
    assert schema_version(conn, "catalog") == len(CATALOG_MIGRATIONS)  # components are independent


def test_a_failing_migration_leaves_the_previous_schema(tmp_path: Path) -> None:
    conn = connect(tmp_path)
    broken = ["CREATE TABLE half (id INTEGER);\nCREATE TABLE half (id INTEGER);"]  # second statement fails
    with pytest.raises(sqlite3.OperationalError):
        migrate(conn, "broken", broken)
    assert schema_version(conn, "broken") == 0
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'half'").fetchone() is None


def test_a_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    conn = connect(tmp_path)
    migrate(conn, "extra", ["CREATE TABLE extra (id INTEGER)", "ALTER TABLE extra ADD COLUMN b TEXT"])
    with pytest.raises(DamagedData, match="newer than this Sweatline knows"):
        migrate(conn, "extra", ["CREATE TABLE extra (id INTEGER)"])


def test_a_transaction_that_fails_writes_nothing(tmp_path: Path) -> None:
    conn = connect(tmp_path)
    with pytest.raises(ZeroDivisionError):
        with transaction(conn):
            conn.execute("INSERT INTO runs (id, flow, orchestrator, started_at, state) VALUES ('r', 'nightly', 'local', 'x', 'running')")
            1 / 0
    assert conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 0


def test_processed_and_rejected_files_round_trip(tmp_path: Path) -> None:
    start = datetime(2024, 6, 1, 7, 30, tzinfo=UTC)
    with Catalog(tmp_path) as catalog:
        good = _file("a" * 64)
        catalog.record_processed(good, [_activity("b" * 64, good.sha256, start)])
        bad = _file("c" * 64, status="rejected", name="bad.fit")
        catalog.record_rejected(bad, [RejectionRow(file_sha256=bad.sha256, name="bad.fit", path="/inbox/bad.fit",
                                                   kind="crc", reason="file CRC mismatch", rejected_at=utc_now())])
        assert catalog.known_hashes() == {"a" * 64, "c" * 64}
    # read back through a fresh connection: what was committed is on disk
    with Catalog(tmp_path) as catalog:
        (row,) = catalog.activities()
        assert row.id == "b" * 64 and row.start_time == start and row.sweat_total_l == 1.2
        (rejection,) = catalog.rejections()
        assert (rejection.name, rejection.kind, rejection.reason) == ("bad.fit", "crc", "file CRC mismatch")
        assert catalog.file("c" * 64).status == "rejected"  # type: ignore[union-attr]


def test_a_file_row_and_its_activities_are_written_together_or_not_at_all(tmp_path: Path) -> None:
    with Catalog(tmp_path) as catalog:
        f = _file("d" * 64)
        first = _activity("e" * 64, f.sha256, None)
        with pytest.raises(Exception):
            # the second activity row violates NOT NULL (sport): the whole outcome is refused
            catalog.record_processed(f, [first, first.model_copy(update={"id": "f" * 64, "sport": None})])
        assert catalog.known_hashes() == set()
        assert catalog.activities() == []


def test_resolve_activity_by_id_prefix_latest_and_path(tmp_path: Path) -> None:
    fit = tmp_path / "ride.fit"
    fit.write_bytes(b"not really a fit file, but it has a hash")
    import hashlib

    fit_sha = hashlib.sha256(fit.read_bytes()).hexdigest()
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    with Catalog(tmp_path / "data") as catalog:
        catalog.record_processed(_file(fit_sha), [_activity("ab12" + "0" * 60, fit_sha, t0)])
        other = _file("9" * 64)
        catalog.record_processed(other, [_activity("ab34" + "0" * 60, other.sha256, t0 + timedelta(days=1))])
        assert catalog.resolve_activity("ab12").id.startswith("ab12")
        assert catalog.resolve_activity("latest").id.startswith("ab34")
        assert catalog.resolve_activity(str(fit)).id.startswith("ab12")
        with pytest.raises(UsageError, match="2 activities start with"):
            catalog.resolve_activity("ab")
        with pytest.raises(UsageError, match="no activity with this id"):
            catalog.resolve_activity("ffff")
        with pytest.raises(UsageError, match="not an activity id"):
            catalog.resolve_activity("yesterday")


def test_forget_file_drops_what_it_gave(tmp_path: Path) -> None:
    with Catalog(tmp_path) as catalog:
        f = _file("1" * 64)
        catalog.record_processed(f, [_activity("2" * 64, f.sha256, None)])
        catalog.forget_file(f.sha256)
        assert catalog.known_hashes() == set() and catalog.activities() == []


def test_runs_are_recorded_with_their_counts(tmp_path: Path) -> None:
    with Catalog(tmp_path) as catalog:
        catalog.start_run(RunRow(id="r1", flow="after-ride", orchestrator="local", started_at=utc_now(),
                                 parameters={"fit_file": "/x.fit", "temperature_c": 30.0}))
        assert catalog.run("r1").state == "running"  # type: ignore[union-attr]
        done = catalog.finish_run("r1", state="completed", processed=1, skipped=0, rejected=0, failed=0, summary="ok")
        assert done.state == "completed" and done.processed == 1 and done.finished_at is not None
        assert done.parameters == {"fit_file": "/x.fit", "temperature_c": 30.0}
        assert [r.id for r in catalog.runs("after-ride")] == ["r1"]


def test_the_catalog_file_lives_in_the_data_dir(tmp_path: Path) -> None:
    Catalog(tmp_path / "nested" / "data").close()
    assert catalog_path(tmp_path / "nested" / "data").is_file()


def test_latest_is_the_newest_activity_by_start_time_undated_ones_last(tmp_path: Path) -> None:
    # an undated activity processed last was "latest" (sorted by processing time)
    t0 = datetime(2026, 10, 10, 8, tzinfo=UTC)
    with Catalog(tmp_path) as catalog:
        catalog.record_processed(_file("f1"), [_activity("a" * 64, "f1", t0 + timedelta(days=2))])
        catalog.record_processed(_file("f2"), [_activity("b" * 64, "f2", t0)])
        catalog.record_processed(_file("f3"), [_activity("c" * 64, "f3", None)])  # processed last, no start time
        assert catalog.resolve_activity("latest").id == "a" * 64
    with Catalog(tmp_path / "undated") as catalog:
        catalog.record_processed(_file("f4"), [_activity("d" * 64, "f4", None)])
        assert catalog.resolve_activity("latest").id == "d" * 64  # only undated ones: the one there is


def test_activity_rows_keep_the_fingerprint_of_their_inputs(tmp_path: Path) -> None:
    row = _activity("e" * 64, "f5", None).model_copy(update={"inputs_fingerprint": "0123abcd" * 4,
                                                             "calibration_sports": "swimming,cycling,running"})
    with Catalog(tmp_path) as catalog:
        catalog.record_processed(_file("f5"), [row])
        stored = catalog.activity("e" * 64)
    assert stored is not None and stored.inputs_fingerprint == "0123abcd" * 4
    assert stored.calibration_sports == "swimming,cycling,running"


def test_migration_5_adds_the_local_time_offset_to_an_existing_catalog(tmp_path: Path) -> None:
    """A catalog made before local times were kept (4 migrations, one activity) gains ``utc_offset_s`` (NULL for
    the old row: its reports fall back to the config's time zone) and keeps its row."""
    import sqlite3 as sq

    path = catalog_path(tmp_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    old = sq.connect(path)
    migrate(old, "catalog", CATALOG_MIGRATIONS[:4])
    now = utc_now().isoformat()
    old.execute("INSERT INTO files (sha256, name, path, size_bytes, status, first_seen_at, processed_at) "
                "VALUES ('f', 'a.fit', '/inbox/a.fit', 10, 'processed', ?, ?)", (now, now))
    old.execute("INSERT INTO activities (id, file_sha256, source, sport, report_dir, processed_at) "
                "VALUES ('a1', 'f', 'a.fit', 'cycling', 'reports/a1', ?)", (now,))
    old.commit()
    old.close()
    with Catalog(tmp_path) as catalog:
        rows = catalog.activities()
    assert [(r.id, r.utc_offset_s) for r in rows] == [("a1", None)]
    conn = connect(tmp_path)
    assert schema_version(conn, "catalog") == len(CATALOG_MIGRATIONS) >= 5
    assert "utc_offset_s" in [r[1] for r in conn.execute("PRAGMA table_info(activities)")]
    conn.close()


def test_activities_starting_at_one_instant_are_found_whatever_zone_the_instant_is_given_in(tmp_path: Path) -> None:
    """The copies policy asks the store for the activities that start at one instant (the indexed
    ``start_time`` column): the same instant given in another zone finds them, another file's only
    (``other_than_file``), oldest first; a second later finds none."""
    start = datetime(2026, 7, 18, 12, 10, tzinfo=UTC)
    with Catalog(tmp_path) as catalog:
        for sha, activity_id in (("f1", "a" * 16), ("f2", "b" * 16)):
            catalog.record_processed(_file(sha, name=f"{sha}.fit"), [_activity(activity_id, sha, start)], [], [])
        catalog.record_processed(_file("f3", name="f3.fit"), [_activity("c" * 16, "f3", start + timedelta(seconds=1))],
                                 [], [])
        same_instant = start.astimezone(timezone(timedelta(hours=2)))  # 14:10 at UTC+2
        assert [a.id for a in catalog.activities_starting_at(same_instant)] == ["a" * 16, "b" * 16]
        assert [a.id for a in catalog.activities_starting_at(same_instant, other_than_file="f1")] == ["b" * 16]
        assert catalog.activities_starting_at(start + timedelta(seconds=0.5)) == []


def test_a_read_only_copy_finds_a_number_column_written_by_hand_after_it_read_the_catalog_sound(tmp_path: Path) -> None:
    """Rows found sound are not scanned again while the file stays as it was; any write (here by
    hand, as a user with the sqlite3 shell would) is checked in full, and a damaged state stays refused."""
    seen = datetime(2026, 5, 1, 6, tzinfo=UTC)
    with Catalog(tmp_path) as catalog:
        catalog.record_processed(FileRow(sha256="a" * 64, name="ride.fit", path="/inbox/ride.fit", size_bytes=600,
                                         status="processed", first_seen_at=seen, processed_at=seen), [])
    for _ in range(2):  # sound, then the same state again
        with Catalog(tmp_path, read_only=True) as catalog:
            assert catalog.file("a" * 64) is not None
    with sqlite3.connect(catalog_path(tmp_path)) as db:
        db.execute("UPDATE files SET size_bytes = 'lots'")
    db.close()
    for _ in range(2):  # refused, and again: a damaged state is never taken for a sound one
        with pytest.raises(DamagedData, match="'size_bytes'"):
            Catalog(tmp_path, read_only=True)
