"""The inbox's stat index (pipeline.store.inbox_index): a file unchanged since it was hashed is not
read again, and any change to a file — even one that keeps its size and puts its mtime back — is
seen. Real files, real SQLite catalog; SHA-256 from hashlib on the bytes written."""
from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from pipeline.store.db import connect
from pipeline.store.inbox_index import hash_with_index, stat_key


def _index(data_dir: Path, paths: list[Path]) -> list[str | None]:
    return hash_with_index(data_dir, paths, [stat_key(p.stat()) if p.exists() else None for p in paths])


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_hashes_and_remembers(tmp_path: Path) -> None:
    a, b = tmp_path / "inbox" / "a.fit", tmp_path / "inbox" / "b.fit"
    a.parent.mkdir()
    a.write_bytes(b"first ride")
    b.write_bytes(b"second ride")
    data = tmp_path / "data"
    assert _index(data, [a, b]) == [_sha(b"first ride"), _sha(b"second ride")]
    conn = connect(data)
    rows = dict(conn.execute("SELECT path, sha256 FROM inbox_index").fetchall())
    conn.close()
    assert rows == {str(a): _sha(b"first ride"), str(b): _sha(b"second ride")}


def test_an_unchanged_file_is_not_read_again(tmp_path: Path) -> None:
    """The index is trusted for an unchanged stat: a hash planted in it comes back as it is."""
    ride = tmp_path / "ride.fit"
    ride.write_bytes(b"a ride")
    data = tmp_path / "data"
    _index(data, [ride])
    conn = connect(data)
    with conn:
        conn.execute("UPDATE inbox_index SET sha256 = 'planted' WHERE path = ?", (str(ride),))
    conn.close()
    assert _index(data, [ride]) == ["planted"]


def test_a_file_rewritten_in_place_with_its_size_and_mtime_kept_is_hashed_again(tmp_path: Path) -> None:
    ride = tmp_path / "ride.fit"
    ride.write_bytes(b"version 1")
    data = tmp_path / "data"
    before = ride.stat()
    assert _index(data, [ride]) == [_sha(b"version 1")]
    time.sleep(0.01)
    with open(ride, "r+b") as handle:  # same inode, same size
        handle.write(b"VERSION 2")
    os.utime(ride, ns=(before.st_atime_ns, before.st_mtime_ns))  # what cp -p / touch -d would put back
    assert ride.stat().st_size == before.st_size and ride.stat().st_mtime_ns == before.st_mtime_ns
    assert _index(data, [ride]) == [_sha(b"VERSION 2")]


def test_a_file_replaced_by_rename_is_hashed_again(tmp_path: Path) -> None:
    ride = tmp_path / "ride.fit"
    ride.write_bytes(b"version 1")
    data = tmp_path / "data"
    before = ride.stat()
    assert _index(data, [ride]) == [_sha(b"version 1")]
    other = tmp_path / "sync.tmp"
    other.write_bytes(b"version 2")
    os.utime(other, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(other, ride)  # a sync client writing a temporary and renaming it over
    assert _index(data, [ride]) == [_sha(b"version 2")]


def test_a_vanished_file_has_no_hash(tmp_path: Path) -> None:
    ride = tmp_path / "ride.fit"
    ride.write_bytes(b"a ride")
    key = stat_key(ride.stat())
    ride.unlink()
    assert hash_with_index(tmp_path / "data", [ride], [key]) == [None]
