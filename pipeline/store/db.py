"""The SQLite connection helper and the schema-migration hook every store table goes through.

One database file, ``<data_dir>/catalog.sqlite``, holds the catalog (files, activities,
rejections, runs) and whatever other rooms keep beside it (weigh-ins). Each *component* owns an
ordered list of migrations and its own schema version in the ``schema_version`` table, so two
modules can evolve their tables independently without agreeing on one global number::

    from pipeline.store.db import connect, migrate, transaction

    WEIGHIN_MIGRATIONS = [
        "CREATE TABLE weighins (activity_id TEXT PRIMARY KEY REFERENCES activities(id), ...)",
        # appended later, never edited: "ALTER TABLE weighins ADD COLUMN note TEXT",
    ]

    conn = connect(data_dir)                      # catalog tables are migrated here
    migrate(conn, "weighins", WEIGHIN_MIGRATIONS)  # idempotent: applies only the new steps
    with transaction(conn):
        conn.execute("INSERT INTO weighins ...")

A migration is an SQL script (several statements allowed) or a callable taking the connection.
Each migration runs in its own transaction together with the version bump, so a crash leaves
the schema at the previous version, never half-migrated. ``PRAGMA user_version`` mirrors the
catalog component's version for tools that only look there.
"""
from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from pipeline.store.migrations import CATALOG_MIGRATIONS

CATALOG_FILE_NAME = "catalog.sqlite"
BUSY_TIMEOUT_S = 30.0

Migration = str | Callable[[sqlite3.Connection], None]


def catalog_path(data_dir: Path) -> Path:
    """Where the catalog database of ``data_dir`` lives."""
    return Path(data_dir) / CATALOG_FILE_NAME


def connect(data_dir: Path) -> sqlite3.Connection:
    """Open (creating if needed) the catalog database under ``data_dir``, with the catalog schema current.

    The connection is in autocommit mode: write through :func:`transaction`. WAL journaling lets a
    ``sweatline history`` read while a nightly run writes; ``busy_timeout`` makes a second writer
    (an after-ride run during the nightly one) wait instead of failing.
    """
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(catalog_path(data_dir), timeout=BUSY_TIMEOUT_S, isolation_level=None,
                           check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    migrate(conn, "catalog", CATALOG_MIGRATIONS)
    return conn


def connect_read_only(data_dir: Path) -> sqlite3.Connection:
    """A read-only command's view of the catalog under ``data_dir``, needing no write access anywhere.

    The database is opened read-only (URI ``mode=ro``; where that cannot read it because the
    folder is not writable — SQLite cannot create the WAL's ``-shm`` index there — ``immutable=1``,
    https://www.sqlite.org/wal.html#readonly and https://www.sqlite.org/uri.html#uriimmutable),
    copied into memory with SQLite's backup API (one consistent snapshot; no lock held
    afterwards), and closed; the copy is brought to the current schema there, so a catalog written
    by an older Sweatline reads too. Writes to the returned connection change only the copy.
    Without a catalog file the copy is an empty, current catalog (nothing processed yet).

    Raises ``sqlite3.Error`` when the file cannot be read at all (no read permission, not SQLite).
    """
    path = catalog_path(data_dir)
    memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    if path.is_file():
        uri = path.resolve().as_uri()
        try:
            _copy(sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S), memory)
        except sqlite3.OperationalError:
            if os.access(path.parent, os.W_OK):
                raise
            _copy(sqlite3.connect(f"{uri}?immutable=1", uri=True), memory)
    memory.row_factory = sqlite3.Row
    memory.execute("PRAGMA foreign_keys=ON")
    migrate(memory, "catalog", CATALOG_MIGRATIONS)
    return memory


def _copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    try:
        source.backup(target)
    finally:
        source.close()


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (``ROLLBACK`` on any exception): rows are whole or absent."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def schema_version(conn: sqlite3.Connection, component: str) -> int:
    """The number of migrations of ``component`` applied to this database (0 if none)."""
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (component TEXT PRIMARY KEY, version INTEGER NOT NULL)")
    row = conn.execute("SELECT version FROM schema_version WHERE component = ?", (component,)).fetchone()
    return int(row[0]) if row is not None else 0


def migrate(conn: sqlite3.Connection, component: str, migrations: Sequence[Migration]) -> int:
    """Apply the migrations of ``component`` that this database has not seen yet; return its version.

    ``migrations`` is append-only: the n-th entry takes the schema from version n-1 to n.
    A database newer than the code (version > len(migrations)) is refused rather than guessed at.
    """
    current = schema_version(conn, component)
    if current > len(migrations):
        raise RuntimeError(f"catalog schema of {component!r} is version {current}, newer than this "
                           f"Sweatline knows ({len(migrations)}): upgrade Sweatline")
    for version in range(current + 1, len(migrations) + 1):
        step = migrations[version - 1]
        with transaction(conn):
            # re-check inside the write lock: another process may have migrated meanwhile
            if schema_version(conn, component) >= version:
                continue
            if isinstance(step, str):
                for statement in _statements(step):
                    conn.execute(statement)
            else:
                step(conn)
            conn.execute("INSERT INTO schema_version (component, version) VALUES (?, ?) "
                         "ON CONFLICT(component) DO UPDATE SET version = excluded.version", (component, version))
            if component == "catalog":
                conn.execute(f"PRAGMA user_version = {int(version)}")
    return schema_version(conn, component)


def _statements(script: str) -> list[str]:
    """Split an SQL script into complete statements (``executescript`` would commit on its own)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
