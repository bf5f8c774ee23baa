"""What the sources fetched: one row per (source, activity id), in the catalog database under its
own migration component (``sync``), so each activity is downloaded once however often the service
lists it.

A row is written after its file is in place (a pull killed in between downloads that one again,
which the catalog's content hash then skips). ``status`` ``fetched`` names the file written,
``no_file`` says why the service had none (an activity imported from Strava): neither is asked for
again.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Literal

from pipeline.store.catalog import iso_utc, utc_now
from pipeline.store.db import connect, migrate, transaction

SYNC_MIGRATIONS: list[str] = [
    # 1: one row per activity a source listed and dealt with
    """
    CREATE TABLE synced_activities (
        source     TEXT NOT NULL,
        remote_id  TEXT NOT NULL,
        status     TEXT NOT NULL CHECK (status IN ('fetched', 'no_file')),
        file_name  TEXT,
        note       TEXT,
        fetched_at TEXT NOT NULL,
        PRIMARY KEY (source, remote_id)
    );
    """,
]


class Ledger:
    """``with Ledger(data_dir) as ledger:`` the sync rows of the catalog under ``data_dir``
    (created and migrated on first use). Raises :class:`~pipeline.core.errors.DamagedData` for a
    damaged catalog, ``sqlite3.Error`` as SQLite does."""

    def __init__(self, data_dir: Path) -> None:
        self._conn: sqlite3.Connection = connect(Path(data_dir))
        try:
            migrate(self._conn, "sync", SYNC_MIGRATIONS)
        except BaseException:
            self._conn.close()
            raise

    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, *exc: object) -> None:
        self._conn.close()

    def known(self, source: str) -> set[str]:
        """The activity ids of ``source`` dealt with before (fetched or found without a file)."""
        rows = self._conn.execute("SELECT remote_id FROM synced_activities WHERE source = ?", (source,))
        return {str(row[0]) for row in rows}

    def remember(self, source: str, remote_id: str, status: Literal["fetched", "no_file"], *,
                 file_name: str | None = None, note: str | None = None) -> None:
        with transaction(self._conn):
            self._conn.execute(
                "INSERT INTO synced_activities (source, remote_id, status, file_name, note, fetched_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(source, remote_id) DO UPDATE SET status = excluded.status, "
                "file_name = excluded.file_name, note = excluded.note, fetched_at = excluded.fetched_at",
                (source, remote_id, status, file_name, note, iso_utc(utc_now())))

    def rows(self, source: str) -> list[tuple[str, str, str | None]]:
        """``(remote_id, status, file_name)`` of ``source``, in the order they were written."""
        return [(str(r[0]), str(r[1]), r[2]) for r in self._conn.execute(
            "SELECT remote_id, status, file_name FROM synced_activities WHERE source = ? ORDER BY fetched_at, remote_id",
            (source,))]
