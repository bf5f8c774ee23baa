"""Atomic writes and file identity: a file or a report folder is either whole or absent.

Everything is written beside its final place (same folder, same file system) under a hidden
temporary name, flushed, then moved into place with :func:`os.replace`, which POSIX and Windows
make atomic for a single path. A crash or an exception midway leaves at most a hidden
``.tmp-*`` entry that :func:`remove_stale_temporaries` clears on the next run; readers never
see a half-written file.

Every temporary name carries its writer (``.tmp-<name>-<host>.<pid>-<random>``), so the next
run clears what a killed process left at once — the pid is gone — and never touches a write in
progress in another live process (an after-ride run during the nightly); names without a
writer, or from another host, are cleared after an hour untouched.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
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


def sha256_file(path: Path, max_bytes: int | None = None) -> str:
    """The catalog key of a file: the SHA-256 hex digest of its bytes as stored (also the activity id).

    ``max_bytes``: the most a file of its kind may hold (:func:`pipeline.fit.archive.stored_bytes_cap`).
    A larger file is not read at all — its size is taken from the open handle first, so a 100 GB
    sparse file costs one ``fstat`` — nor past ``max_bytes`` if it grows while it is read; its key
    is then :func:`oversize_key` (``oversize-`` and a digest of its path, size and time), under which
    its refusal is recorded once and found again by later nights. Raises ``OSError`` as ``open``.
    """
    digest = hashlib.sha256()
    read = 0
    with open(path, "rb") as handle:
        if max_bytes is not None and os.fstat(handle.fileno()).st_size > max_bytes:
            return oversize_key(path)
        for chunk in iter(lambda: handle.read(HASH_CHUNK_BYTES), b""):
            read += len(chunk)
            if max_bytes is not None and read > max_bytes:
                return oversize_key(path)
            digest.update(chunk)
    return digest.hexdigest()


UNREADABLE_KEY_PREFIX = "unreadable-"
OVERSIZE_KEY_PREFIX = "oversize-"


def _stat_digest(path: Path) -> str:
    """SHA-256 (hex) of a file's path, size and modification time: who it is, without its bytes."""
    stat = os.stat(path)
    return hashlib.sha256(os.fsencode(str(path)) + f"\0{stat.st_size}\0{stat.st_mtime_ns}".encode()).hexdigest()


def unreadable_key(path: Path) -> str:
    """The catalog key of an inbox file that cannot be read (permission denied): ``unreadable-`` and
    the SHA-256 of its path, size and modification time — its bytes, the usual key, are out of reach.
    The file is recorded as rejected under this key once, and later nights that still cannot read
    it find the key and skip it; once it is readable its bytes are hashed and it is read as new."""
    return UNREADABLE_KEY_PREFIX + _stat_digest(path)


def oversize_key(path: Path) -> str:
    """The catalog key of an inbox file over the size its kind may have (see :func:`sha256_file`):
    ``oversize-`` and the SHA-256 of its path, size and modification time; its bytes are never read."""
    return OVERSIZE_KEY_PREFIX + _stat_digest(path)


def _host_tag() -> str:
    """Eight hex digits naming this host in temporary names (a data directory may be shared)."""
    return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]


def writer_tag() -> str:
    """``<host>.<pid>``: who is writing a temporary entry (see the module docstring)."""
    return f"{_host_tag()}.{os.getpid()}"


REUSED_PID_AFTER_S = 86400.0
"""A temporary entry whose writer's pid is alive but that is untouched for a day: the pid was reused."""
_WRITER = re.compile(r"-([0-9a-f]{8})\.(\d+)-[^-]+$")


def _writer_alive(name: str) -> bool | None:
    """Whether the process of this host that wrote the temporary entry ``name`` is still running;
    None when the name does not say (an older name, or another host's)."""
    match = _WRITER.search(name)
    if match is None or match.group(1) != _host_tag():
        return None
    pid = int(match.group(2))
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True
    return True


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
    fd, name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{path.name}-{writer_tag()}-", dir=path.parent)
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
    tmp = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{final.name}-{writer_tag()}-", dir=final.parent))
    os.chmod(tmp, DIR_MODE)
    try:
        yield tmp
        for child in tmp.rglob("*"):
            if child.is_file():
                with open(child, "rb+") as handle:
                    os.fsync(handle.fileno())
        if final.exists():
            aside = final.parent / f"{OLD_PREFIX}{final.name}-{writer_tag()}-{uuid.uuid4().hex[:8]}"
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

    An entry whose writer (named in it, see the module docstring) was a process of this host that
    has exited is stale at once; any other entry only once untouched for ``older_than_s`` seconds,
    so a write in progress in another process (an after-ride run during the nightly one) is left
    alone. Returns how many entries were removed or restored.
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
            alive = _writer_alive(entry.name)
            mtime = entry.stat().st_mtime
            if (alive and mtime > time.time() - REUSED_PID_AFTER_S) or (alive is None and mtime > cutoff):
                continue
        except FileNotFoundError:
            continue
        if entry.name.startswith(OLD_PREFIX):
            stem = entry.name[len(OLD_PREFIX):]
            match = _WRITER.search(stem)
            original = folder / (stem[:match.start()] if match else stem.rsplit("-", 1)[0])
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


LOCKS_DIR = ".locks"
LOCK_STRIPES = 256


@contextmanager
def file_lock(data_dir: Path, sha256: str) -> Iterator[None]:
    """Hold, blocking, the exclusive ``flock`` that serialises writing and committing the answer
    for the inbox file whose SHA-256 (hex) is ``sha256`` across processes (an after-ride run and
    the nightly on the same file). One of :data:`LOCK_STRIPES` lock files under
    ``<data_dir>/.locks/`` (by the hash's first two hex digits), so their number stays bounded; the
    kernel releases it when the holder exits, however it exits. Not re-entrant: a process that
    holds it must not take it again."""
    import fcntl

    folder = Path(data_dir) / LOCKS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    stripe = int(sha256[:2], 16) % LOCK_STRIPES if len(sha256) >= 2 and all(c in "0123456789abcdef" for c in sha256[:2]) else 0
    fd = os.open(folder / f"{stripe:02x}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
