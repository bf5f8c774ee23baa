"""The inbox's stat index: a known file is not read again to learn that it is known.

A nightly run has to tell, for every inbox file, whether its content is already in the catalog
(keyed by SHA-256). Hashing every file every night reads the whole inbox — a season of a squad is
10,000 files. The index keeps, per path, the file's ``stat`` as it was when it was hashed and the
hash; a file whose ``stat`` is unchanged is taken to hold the same bytes, any other is hashed again.

The ``stat`` compared is (size, mtime_ns, ctime_ns, inode, device): a file rewritten in place
changes its size or mtime, and its ctime in any case — the kernel sets ctime on every write and
no tool can set it back (``touch -d`` or ``cp -p`` restore mtime only; POSIX ``stat``: st_ctime is
"time of last status change"); a file replaced by another (a sync writing a temporary and renaming
it over) has a new inode. So an unchanged key means unchanged bytes, short of someone rewriting the
raw device. A file changed between the stat and the read is hashed with its new bytes under its old
key, which no longer matches the next night: it is hashed again then (the safe direction).

The table lives in the catalog database, as its own component (``"inbox_index"``, migrated by
:func:`pipeline.store.db.migrate` like the weigh-ins).
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline.store.db import connect, migrate, transaction
from pipeline.store.files import OVERSIZE_KEY_PREFIX, sha256_file, unreadable_key

INBOX_INDEX_MIGRATIONS: list[str] = [
    """
    CREATE TABLE inbox_index (
        path       TEXT PRIMARY KEY,
        size_bytes INTEGER NOT NULL,
        mtime_ns   INTEGER NOT NULL,
        ctime_ns   INTEGER NOT NULL,
        inode      INTEGER NOT NULL,
        device     INTEGER NOT NULL,
        sha256     TEXT NOT NULL
    );
    """,
]

StatKey = tuple[int, int, int, int, int]


def stat_key(stat: os.stat_result) -> StatKey:
    """(size, mtime_ns, ctime_ns, inode, device) of a ``stat`` result."""
    return stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev


def hash_with_index(data_dir: Path, paths: Sequence[Path], stats: Sequence[StatKey | None],
                    caps: Sequence[int | None] | None = None) -> list[str | None]:
    """SHA-256 (hex) of each file, from the index where its stat key is the one recorded, else read
    (and recorded). ``stats[i]`` is the key taken when the inbox was scanned (None: always read);
    ``caps[i]`` the most bytes the file may hold (:func:`~pipeline.store.files.sha256_file`'s
    ``max_bytes``: a larger one is keyed without being read).
    None for a file that vanished since the scan; other I/O errors propagate."""
    conn = connect(Path(data_dir))
    try:
        migrate(conn, "inbox_index", INBOX_INDEX_MIGRATIONS)
        known: dict[str, tuple[Any, ...]] = {
            row[0]: tuple(row[1:]) for row in
            conn.execute("SELECT path, size_bytes, mtime_ns, ctime_ns, inode, device, sha256 FROM inbox_index")}
        hashes: list[str | None] = []
        fresh: list[tuple[Any, ...]] = []
        for path, key, cap in zip(paths, stats, caps if caps is not None else [None] * len(paths)):
            entry = known.get(str(path))
            if key is not None and entry is not None and entry[:5] == key:
                hashes.append(entry[5])
                continue
            try:
                sha = sha256_file(path, cap)
            except FileNotFoundError:
                hashes.append(None)
                continue
            except PermissionError:  # its rejection is recorded under this key (not in the index)
                hashes.append(unreadable_key(path))
                continue
            hashes.append(sha)
            if key is not None and not sha.startswith(OVERSIZE_KEY_PREFIX):
                fresh.append((str(path), *key, sha))
        if fresh:
            with transaction(conn):
                conn.executemany("INSERT INTO inbox_index (path, size_bytes, mtime_ns, ctime_ns, inode, device, sha256) "
                                 "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET "
                                 "size_bytes = excluded.size_bytes, mtime_ns = excluded.mtime_ns, "
                                 "ctime_ns = excluded.ctime_ns, inode = excluded.inode, device = excluded.device, "
                                 "sha256 = excluded.sha256", fresh)
        return hashes
    finally:
        conn.close()
