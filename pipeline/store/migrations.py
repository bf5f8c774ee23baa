"""The catalog's table definitions, as ordered migrations (:func:`pipeline.store.db.migrate`).

Kept apart from :mod:`pipeline.store.catalog` (the typed rows and queries) so that
:func:`pipeline.store.db.connect` can bring the schema up to date without importing the catalog:
``db`` -> ``migrations`` and ``catalog`` -> ``db``, no cycle. Migrations are appended, never edited.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable


def _one_activity_two_files(conn: sqlite3.Connection) -> None:
    """Migration 4: an activity's identity is the activity, not its container's bytes.

    * ``activities.activity_key`` (:mod:`pipeline.fit.identity`), indexed: a second copy of an
      activity (``.fit`` and ``.fit.gz``, a zip member and the loose file) finds the first;
    * ``files.status`` may be ``duplicate`` and ``files.reason`` says of what ("duplicate of ride.fit");
    * ``duplicates``: each copy recorded as a duplicate (a zip member too), with the activity it repeats.

    Widening the ``files.status`` CHECK changes nothing on disk, so it is done the way SQLite's
    ALTER TABLE documentation gives for such changes ("writable_schema": edit the stored CREATE
    TABLE text, bump ``schema_version``); rebuilding the table would trip the ``activities``
    foreign key, which cannot be switched off inside the migration's transaction.
    """
    conn.execute("ALTER TABLE activities ADD COLUMN activity_key TEXT")
    conn.execute("CREATE INDEX activities_activity_key ON activities(activity_key)")
    conn.execute("ALTER TABLE files ADD COLUMN reason TEXT")
    conn.execute("""
        CREATE TABLE duplicates (
            file_sha256  TEXT NOT NULL,
            member       TEXT NOT NULL DEFAULT '',
            name         TEXT NOT NULL,
            path         TEXT NOT NULL,
            activity_key TEXT NOT NULL,
            duplicate_of TEXT NOT NULL,
            first_source TEXT NOT NULL,
            seen_at      TEXT NOT NULL,
            run_id       TEXT,
            PRIMARY KEY (file_sha256, member)
        )""")
    old = "CHECK (status IN ('processed', 'rejected'))"
    new = "CHECK (status IN ('processed', 'rejected', 'duplicate'))"
    row = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'files'").fetchone()
    sql = row[0]
    if old not in sql:
        raise RuntimeError("catalog table 'files' is not as migration 1 made it: cannot widen its status")
    version = conn.execute("PRAGMA schema_version").fetchone()[0]
    conn.execute("PRAGMA writable_schema = ON")
    try:
        conn.execute("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'files'",
                     (sql.replace(old, new),))
        conn.execute(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        conn.execute("PRAGMA writable_schema = OFF")


CATALOG_MIGRATIONS: list[str | Callable[[sqlite3.Connection], None]] = [
    # 1: the catalog as first shipped
    """
    CREATE TABLE files (
        sha256        TEXT PRIMARY KEY,
        name          TEXT NOT NULL,
        path          TEXT NOT NULL,
        size_bytes    INTEGER NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('processed', 'rejected')),
        activities    INTEGER NOT NULL DEFAULT 0,
        first_seen_at TEXT NOT NULL,
        processed_at  TEXT NOT NULL,
        run_id        TEXT
    );
    CREATE TABLE activities (
        id                     TEXT PRIMARY KEY,
        file_sha256            TEXT NOT NULL REFERENCES files(sha256),
        source                 TEXT NOT NULL,
        sport                  TEXT NOT NULL,
        sub_sport              TEXT,
        start_time             TEXT,
        elapsed_s              REAL,
        timer_s                REAL,
        distance_m             REAL,
        avg_heart_rate         REAL,
        avg_power              REAL,
        device                 TEXT,
        salvaged               INTEGER NOT NULL DEFAULT 0,
        temperature_c          REAL,
        humidity_pct           REAL,
        environment_source     TEXT,
        intensity_source       TEXT,
        mean_metabolic_w       REAL,
        sweat_total_l          REAL,
        sweat_low_l            REAL,
        sweat_high_l           REAL,
        sweat_rate_l_per_h     REAL,
        sodium_mg              REAL,
        potassium_mg           REAL,
        body_mass_loss_pct     REAL,
        calibrated             INTEGER NOT NULL DEFAULT 0,
        device_estimate_l      REAL,
        override_temperature_c REAL,
        override_humidity_pct  REAL,
        report_dir             TEXT NOT NULL,
        records_path           TEXT,
        processed_at           TEXT NOT NULL,
        run_id                 TEXT
    );
    CREATE INDEX activities_start_time ON activities(start_time);
    CREATE TABLE rejections (
        file_sha256 TEXT NOT NULL,
        member      TEXT NOT NULL DEFAULT '',
        name        TEXT NOT NULL,
        path        TEXT NOT NULL,
        kind        TEXT NOT NULL,
        reason      TEXT NOT NULL,
        rejected_at TEXT NOT NULL,
        run_id      TEXT,
        PRIMARY KEY (file_sha256, member)
    );
    CREATE TABLE runs (
        id                  TEXT PRIMARY KEY,
        flow                TEXT NOT NULL,
        orchestrator        TEXT NOT NULL,
        prefect_flow_run_id TEXT,
        parameters          TEXT NOT NULL DEFAULT '{}',
        started_at          TEXT NOT NULL,
        finished_at         TEXT,
        state               TEXT NOT NULL,
        processed           INTEGER NOT NULL DEFAULT 0,
        skipped             INTEGER NOT NULL DEFAULT 0,
        rejected            INTEGER NOT NULL DEFAULT 0,
        failed              INTEGER NOT NULL DEFAULT 0,
        summary             TEXT
    );
    """,
    # 2: what later steps need without re-reading report.json: the model's uncalibrated litres
    #    and the personal factor applied (weigh-ins compare against the former)
    """
    ALTER TABLE activities ADD COLUMN model_total_l REAL;
    ALTER TABLE activities ADD COLUMN calibration_factor REAL;
    UPDATE activities SET model_total_l = sweat_total_l WHERE calibrated = 0;
    """,
    # 3: what the estimate was made from — the fingerprint of its inputs known before
    #    decoding (pipeline.usecases.provenance) and the leg sports whose calibrations it used. Rows from
    #    before have NULL: unknown inputs, so they are re-estimated when next asked.
    """
    ALTER TABLE activities ADD COLUMN inputs_fingerprint TEXT;
    ALTER TABLE activities ADD COLUMN calibration_sports TEXT;
    """,
    # 4: one activity, two files: see _one_activity_two_files
    _one_activity_two_files,
    # 5: the athlete's local time — the offset from UTC the file's activity message
    #    records (local_timestamp − timestamp), seconds; NULL when the file has none (the config's
    #    nightly.timezone is used for display then). start_time stays UTC.
    """
    ALTER TABLE activities ADD COLUMN utc_offset_s INTEGER;
    """,
    # 6: the model's non-sweat mass losses, water breathed out and fuel burned (L ≈ kg), which a
    #    weigh-in's mass balance counts with the sweat (pipeline.store.weighins.model_estimate_l).
    #    NULL on rows from before: counted as 0 until the activity is re-estimated.
    """
    ALTER TABLE activities ADD COLUMN respiratory_water_l REAL;
    ALTER TABLE activities ADD COLUMN metabolic_mass_l REAL;
    """,
]

