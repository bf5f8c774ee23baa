"""Atomic writes and file identity: a file or a report folder is either whole or absent.

Everything is written beside its final place (same folder, same file system) under a hidden
temporary name, flushed, then moved into place with :func:`os.replace`, which POSIX and Windows
make atomic for a single path. A crash or an exception midway leaves at most a hidden
``.tmp-*`` entry that :func:`remove_stale_temporaries` clears on the next run; readers never
see a half-written file.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

TEMP_PREFIX = ".tmp-"
OLD_PREFIX = ".old-"
HASH_CHUNK_BYTES = 1 << 20

# tempfile creates private entries (0600 files, 0700 folders); a report is an ordinary file, so
# it gets the permissions the user's umask gives any new file. Read once, at import (single-threaded).
_UMASK = os.umask(0)
os.umask(_UMASK)
FILE_MODE = 0o666 & ~_UMASK
DIR_MODE = 0o777 & ~_UMASK


def sha256_file(path: Path) -> str:
    """SHA-256 hex digest of the file's bytes as stored (the catalog key and the activity id)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(HASH_CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not supported (e.g. Windows): the rename itself is still atomic
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary sibling and :func:`os.replace`."""
    return atomic_write_with(path, lambda tmp: tmp.write_bytes(data))


def atomic_write_text(path: Path, text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_with(path: Path, write: Callable[[Path], object]) -> Path:
    """Let ``write(tmp_path)`` produce the file (e.g. ``df.to_parquet``), then move it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX + path.name + "-", dir=path.parent)
    os.fchmod(fd, FILE_MODE)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)
    return path


@contextmanager
def atomic_directory(final: Path) -> Iterator[Path]:
    """Yield an empty temporary folder; on success it replaces ``final`` as a whole.

    On an exception the temporary folder is removed and ``final`` (an earlier report, say) is
    left exactly as it was. Replacing an existing folder takes two renames (old aside, new in):
    between them ``final`` is briefly absent — absent, never half-written — and a crash there is
    undone by :func:`remove_stale_temporaries`, which puts the old folder back.
    """
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX + final.name + "-", dir=final.parent))
    os.chmod(tmp, DIR_MODE)
    try:
        yield tmp
        for child in tmp.rglob("*"):
            if child.is_file():
                with open(child, "rb+") as handle:
                    os.fsync(handle.fileno())
        if final.exists():
            aside = final.parent / f"{OLD_PREFIX}{final.name}-{uuid.uuid4().hex[:8]}"
            os.replace(final, aside)
            os.replace(tmp, final)
            shutil.rmtree(aside, ignore_errors=True)
        else:
            os.replace(tmp, final)
        _fsync_dir(final.parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def remove_stale_temporaries(folder: Path, older_than_s: float = 3600.0) -> int:
    """Clear what an interrupted write left in ``folder``; restore a report folder set aside.

    Only entries untouched for ``older_than_s`` seconds are considered stale, so a write in
    progress in another process (an after-ride run during the nightly one) is left alone.
    Returns how many entries were removed or restored.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return 0
    count = 0
    cutoff = time.time() - older_than_s
    for entry in folder.iterdir():
        if not entry.name.startswith((OLD_PREFIX, TEMP_PREFIX)):
            continue
        try:
            if entry.stat().st_mtime > cutoff:
                continue
        except FileNotFoundError:
            continue
        if entry.name.startswith(OLD_PREFIX):
            original = folder / entry.name[len(OLD_PREFIX):].rsplit("-", 1)[0]
            if not original.exists():
                os.replace(entry, original)
            else:
                shutil.rmtree(entry, ignore_errors=True)
            count += 1
        elif entry.name.startswith(TEMP_PREFIX):
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            count += 1
    return count


@contextmanager
def exclusive_lock(path: Path) -> Iterator[bool]:
    """Hold an exclusive, non-blocking ``flock`` on ``path`` (created if missing) for the block;
    yields False at once, holding nothing, when another process holds it. The kernel releases the
    lock when the holder exits, however it exits (a killed run never leaves a stale lock). The
    holder's pid is written into the file for whoever looks."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except (BlockingIOError, PermissionError):
            yield False
            return
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield True
    finally:
        os.close(fd)
