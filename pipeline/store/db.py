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
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pipeline.core.errors import DamagedData
from pipeline.core.untrusted import storable_text
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

    Raises :class:`~pipeline.core.errors.DamagedData` for a catalog file that is not one Sweatline
    can use (:func:`catalog_file_problem`, :func:`migrate`): it is never taken as a new one.
    """
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    path = catalog_path(data_dir)
    if not path.exists():
        _create_whole(path)
    _refuse_empty_file(path)
    return _open(path)


def _open(path: Path) -> sqlite3.Connection:
    """A read-write connection to the catalog at ``path``: WAL, foreign keys, the schema migrated."""
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False,
                           factory=TextSafeConnection)
    try:
        with damage_named(path):
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            migrate(conn, "catalog", CATALOG_MIGRATIONS)
    except BaseException:
        conn.close()
        raise
    return conn


def _create_whole(path: Path) -> None:
    """Create the catalog at ``path`` whole: built under a name of this process's own, then linked
    into place in one step (``link`` fails if the name is taken: another process created it first,
    and its catalog is kept). No process ever sees a catalog between SQLite's creating the file
    empty and its writing the header, however slow the machine; a 0-byte catalog is then damage.
    Where the file system has no hard links, the catalog is created in place, as SQLite does."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.new-", dir=path.parent)  # this thread's own name
    os.close(handle)
    building = Path(name)
    try:
        _open(building).close()
        try:
            os.link(building, path)
        except FileExistsError:
            pass  # another process's catalog is in place: ours is dropped
        except OSError:
            if not path.exists():
                _open(path).close()
    finally:
        for leftover in (building, building.with_name(building.name + "-wal"), building.with_name(building.name + "-shm")):
            leftover.unlink(missing_ok=True)


def _storable(parameters: Any) -> Any:
    if isinstance(parameters, dict):
        return {key: storable_text(value) if isinstance(value, str) else value for key, value in parameters.items()}
    return [storable_text(value) if isinstance(value, str) else value for value in parameters]


class TextSafeConnection(sqlite3.Connection):
    """A connection whose ``execute``/``executemany`` store every text parameter as valid Unicode
    (:func:`pipeline.core.untrusted.storable_text`): a file name that is not UTF-8 is stored, and
    looked up, as ``M\\xfcller.fit`` instead of failing with ``UnicodeEncodeError`` (SQLite text
    is UTF-8) — which, raised while recording the file, stopped every later night."""

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        return super().execute(sql, _storable(parameters))

    def executemany(self, sql: str, seq_of_parameters: Any, /) -> sqlite3.Cursor:
        return super().executemany(sql, (_storable(parameters) for parameters in seq_of_parameters))


SQLITE_HEADER = b"SQLite format 3\x00"
"""The first 16 bytes of every SQLite 3 database file (https://www.sqlite.org/fileformat.html §1.3)."""

WHAT_TO_DO = ("move it aside (or restore a backup): the next `sweatline nightly` starts a new catalog and "
              "re-reads the inbox (weigh-ins recorded in the old one are not carried over)")
"""What a user does about a damaged catalog, said after what is damaged."""

_DAMAGE_WORDS = ("malformed", "not a database", "no such table", "no such column", "file is encrypted")
"""SQLite's words for a database file that is not what it should be (as opposed to a busy, read-only
or full one, which :mod:`flows.cli` reports as a storage problem)."""


def catalog_file_problem(path: Path) -> str | None:
    """Why the existing file at ``path`` cannot be a catalog, in a few words, or None (fine, or absent).

    Looks at the 100-byte header only (https://www.sqlite.org/fileformat.html §1.3): a 0-byte file
    (SQLite would silently take it as a new, empty database, and every activity would be read again
    as new), a file shorter than the header or not starting with :data:`SQLITE_HEADER`, and one
    shorter than the page count its header states (cut off; only trusted when the header's "version
    valid for" number equals its change counter, as SQLite itself does).

    Only before this process opens the catalog (the command line calls it first): closing any file
    descriptor of a database file drops every POSIX lock the process holds on it, those of its open
    SQLite connections included ("How To Corrupt An SQLite Database File", §2.2,
    https://www.sqlite.org/howtocorrupt.html)."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            header = handle.read(100)
    except FileNotFoundError:
        return None
    if size == 0:
        return "it is empty (0 bytes)"
    if not header.startswith(SQLITE_HEADER) and not SQLITE_HEADER.startswith(header):
        return "it is not an SQLite database"
    if len(header) < 100:
        return f"it is cut off ({size} bytes, shorter than a database header)"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    if header[24:28] == header[92:96] and pages and size < pages * page_size:
        return f"it is cut off ({size} bytes of the {pages * page_size} its header states)"
    return None


def refuse_damaged_file(data_dir: Path) -> None:
    """:func:`catalog_file_problem` of ``data_dir``'s catalog as a
    :class:`~pipeline.core.errors.DamagedData` (nothing when it is fine or absent). Call it before
    this process opens the catalog (see there)."""
    path = catalog_path(data_dir)
    problem = catalog_file_problem(path)
    if problem is not None:
        raise DamagedData(str(path), f"the catalog is damaged: {problem}; {WHAT_TO_DO}")


EMPTY_WAIT_S = 2.0
"""How long a 0-byte catalog may stay so before it is damage: SQLite creates a file empty and writes
its header with the first statement. Sweatline itself creates the catalog whole (:func:`_create_whole`),
so this covers a catalog another program is creating in place."""


def _refuse_empty_file(path: Path) -> None:
    """A 0-byte catalog that stays so (:data:`EMPTY_WAIT_S`) is damage, not a new catalog (SQLite
    would take it for one, and every file would be read again as new). Looked at with ``stat`` only:
    no descriptor of the file is opened and closed beside the process's connections."""
    deadline = time.monotonic() + EMPTY_WAIT_S
    while True:
        try:
            if path.stat().st_size > 0:
                return
        except FileNotFoundError:
            return
        if time.monotonic() >= deadline:
            raise DamagedData(str(path), f"the catalog is damaged: it is empty (0 bytes); {WHAT_TO_DO}")
        time.sleep(0.05)


@contextmanager
def damage_named(path: Path) -> Iterator[None]:
    """Inside the block, an SQLite error that means the file is damaged (:data:`_DAMAGE_WORDS`) is a
    :class:`~pipeline.core.errors.DamagedData` naming ``path``; any other error passes unchanged."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        if not any(word in str(exc).lower() for word in _DAMAGE_WORDS):
            raise
        raise DamagedData(str(path), f"the catalog is damaged: {exc}; {WHAT_TO_DO}") from None


def connect_read_only(data_dir: Path) -> sqlite3.Connection:
    """A read-only command's view of the catalog under ``data_dir``, needing no write access anywhere.

    The database is opened read-only (URI ``mode=ro``; where that cannot read it because the
    folder is not writable — SQLite cannot create the WAL's ``-shm`` index there — ``immutable=1``,
    https://www.sqlite.org/wal.html#readonly and https://www.sqlite.org/uri.html#uriimmutable),
    copied into memory with SQLite's backup API (one consistent snapshot; no lock held
    afterwards), and closed; the copy is brought to the current schema there, so a catalog written
    by an older Sweatline reads too (its rows are scanned once a state of the file, :data:`_ROWS_SOUND`).
    Writes to the returned connection change only the copy.
    Without a catalog file the copy is an empty, current catalog (nothing processed yet).

    Raises :class:`~pipeline.core.errors.DamagedData` for a damaged catalog (as :func:`connect`),
    ``sqlite3.Error`` when the file cannot be read at all (no read permission).
    """
    path = catalog_path(data_dir)
    memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False, factory=TextSafeConnection)
    state = None
    with damage_named(path):
        if path.is_file():
            _refuse_empty_file(path)
            state = _file_state(path)  # before the copy: a write after it makes another state
            uri = path.resolve().as_uri()
            try:
                _copy(sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S), memory)
            except sqlite3.OperationalError:
                if os.access(path.parent, os.W_OK):
                    raise
                _copy(sqlite3.connect(f"{uri}?immutable=1", uri=True), memory)
        memory.row_factory = sqlite3.Row
        memory.execute("PRAGMA foreign_keys=ON")
        try:
            migrate(memory, "catalog", CATALOG_MIGRATIONS, rows=state is None or state not in _ROWS_SOUND)
        except DamagedData as exc:  # found in the copy: named by the file it was copied from
            raise DamagedData(str(path), exc.reason) from None
    if state is not None:
        if len(_ROWS_SOUND) >= 256:
            _ROWS_SOUND.clear()
        _ROWS_SOUND[state] = None
    return memory


_ROWS_SOUND: dict[tuple[int, ...], None] = {}
"""The states of catalog files (:func:`_file_state`) whose rows this process found sound in a
read-only copy: a copy of the file in the same state again is not scanned row by row again (its
tables and columns still are). A backfill looks the catalog up a few times a file (copies held,
the weigh-ins, a manual answer), and over a large catalog the row scan was most of a copy's cost
(docs/performance.md). Any write, by Sweatline or by hand, gives the file (or its write-ahead log)
another state, checked in full."""


def _file_state(path: Path) -> tuple[int, ...] | None:
    """The catalog file and its write-ahead log as the file system sees them (device, inode, size,
    modification time in ns of each); None when the file cannot be looked at."""
    try:
        main = os.stat(path)
        try:
            wal = os.stat(f"{path}-wal")
            log: tuple[int, ...] = (wal.st_ino, wal.st_size, wal.st_mtime_ns)
        except FileNotFoundError:
            log = ()
    except OSError:
        return None
    return (main.st_dev, main.st_ino, main.st_size, main.st_mtime_ns, *log)


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


def migrate(conn: sqlite3.Connection, component: str, migrations: Sequence[Migration], *, check: bool = True,
            rows: bool = True) -> int:
    """Apply the migrations of ``component`` that this database has not seen yet; return its version.

    ``migrations`` is append-only: the n-th entry takes the schema from version n-1 to n.
    A database newer than the code (version > len(migrations)) is refused rather than guessed at;
    with ``check``, so are tables that are not what the migrations made (:func:`schema_problem`;
    ``rows=False``: without its scan of the rows): both raise :class:`~pipeline.core.errors.DamagedData`.
    """
    current = schema_version(conn, component)
    if current > len(migrations):
        raise DamagedData(_database_name(conn), f"its {component!r} tables are version {current}, newer than this "
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
    problem = schema_problem(conn, component, migrations, rows=rows) if check else None
    if problem is not None:
        raise DamagedData(_database_name(conn), f"the catalog is damaged: {problem}; {WHAT_TO_DO}")
    return schema_version(conn, component)


def _database_name(conn: sqlite3.Connection) -> str:
    """The file of ``conn``'s main database (``catalog`` for one in memory: a read-only command's copy)."""
    row = conn.execute("PRAGMA database_list").fetchone()
    return str(row[2]) if row is not None and row[2] else "catalog"


_EXPECTED: dict[tuple[str, tuple[str, ...]], dict[str, dict[str, str]]] = {}


def _expected_tables(component: str, migrations: Sequence[Migration]) -> dict[str, dict[str, str]]:
    """The tables ``component``'s migrations make, each as ``{column: declared type}``: found by applying
    them to an empty database in memory (after the catalog's, which other components build on), once
    a process."""
    key = (component, tuple(step if isinstance(step, str) else f"{step.__module__}.{step.__qualname__}"
                            for step in migrations))
    if key not in _EXPECTED:
        fresh = sqlite3.connect(":memory:", isolation_level=None)
        try:
            if component != "catalog":
                migrate(fresh, "catalog", CATALOG_MIGRATIONS, check=False)
            before = _tables(fresh)
            migrate(fresh, component, migrations, check=False)
            _EXPECTED[key] = {name: columns for name, columns in _tables(fresh).items()
                              if name not in before or component == "catalog"}
        finally:
            fresh.close()
    return _EXPECTED[key]


def _tables(conn: sqlite3.Connection) -> dict[str, dict[str, str]]:
    names = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                            "AND name NOT LIKE 'sqlite_%'")]
    return {name: {row[1]: str(row[2]).upper() for row in conn.execute(f'PRAGMA table_info("{name}")')}
            for name in names}


def schema_problem(conn: sqlite3.Connection, component: str, migrations: Sequence[Migration], *,
                   rows: bool = True) -> str | None:
    """What is wrong with ``component``'s tables in ``conn`` after :func:`migrate`, in a few words, or None:
    a table or column its migrations made that is gone (dropped by hand, a restore of half a file),
    or a row holding text (or bytes) in a column declared INTEGER or REAL — SQLite stores whatever it
    is given, so such a row was not written by Sweatline and would be read as a wrong number.
    ``rows=False``: the tables and columns only (the rows known sound, :data:`_ROWS_SOUND`)."""
    expected = _expected_tables(component, migrations)
    found = _tables(conn)
    for table, columns in expected.items():
        if table not in found:
            return f"table {table!r} is missing"
        missing = sorted(set(columns) - set(found[table]))
        if missing:
            return f"table {table!r} has no column {missing[0]!r}"
        numeric = [name for name, kind in columns.items() if kind in ("INTEGER", "REAL")]
        if not numeric or not rows:
            continue
        listed = ", ".join(f'"{name}"' for name in numeric)
        test = " OR ".join(f"typeof(\"{name}\") NOT IN ('integer', 'real', 'null')" for name in numeric)
        row = conn.execute(f'SELECT rowid, {listed} FROM "{table}" WHERE {test} LIMIT 1').fetchone()
        if row is not None:
            column, value = next((name, value) for name, value in zip(numeric, tuple(row)[1:])
                                 if isinstance(value, (str, bytes)))
            return f"table {table!r} holds {str(value)[:40]!r} in its number column {column!r} (row {row[0]})"
    return None


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
