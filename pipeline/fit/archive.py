"""From a path (``.fit``, ``.fit.gz``, ``.zip``) to FIT byte strings, with limits.

Archives are untrusted input (SPEC "What bad input gets": archives are read with limits on
size and entry names). Nothing here writes to disk: zip members are read into memory, never
extracted, so a hostile member name cannot reach the file system; it is still refused, because a
name like ``../../x.fit`` in an export is a sign of a crafted archive and it would end up in our
catalog and reports.

Limits (:class:`ArchiveLimits`) bound the decompressed size of one FIT file, of one archive, the
number of members and the compression ratio of each member, and are enforced while decompressing
(declared sizes in a zip directory can lie), so a zip or gzip bomb costs at most
``max_fit_bytes + 1`` bytes of memory per member before it is refused with one line. Members whose
stored bytes overlap (the "overlapping entries" zip bomb: thousands of directory entries pointing
at one compressed stream, each expanding it again) refuse the whole archive before anything is
decompressed; symbolic-link members are refused (they are never followed: nothing is extracted).

Nesting is one level: a zip's ``.fit.gz`` member is gunzipped once; an archive inside an archive
(``.zip``, ``.gz`` of anything but FIT, ``.tar``...) is skipped with its reason, as any other non-FIT
member is (``Unpacked.skipped_members``), never opened.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import lzma
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from pipeline.core.errors import RejectedFile
from pipeline.core.untrusted import storable_text

MiB = 1024 * 1024


@dataclass(frozen=True)
class ArchiveLimits:
    """Caps for untrusted containers. The largest real FIT files (a 24 h ultra with 1 s
    recording and every sensor) are a few MB, so 64 MiB per FIT file is generous."""

    max_fit_bytes: int = 64 * MiB
    max_archive_bytes: int = 256 * MiB
    max_members: int = 2000
    max_name_chars: int = 255
    max_ratio: int = 100
    """Uncompressed bytes per compressed byte, per member. Deflate gives FIT files 2-10x (the
    shared samples: 2.3-6.1x; an all-zero payload, which no recording is, reaches ~1000x)."""
    chunk_bytes: int = 1 * MiB


DEFAULT_LIMITS = ArchiveLimits()


@dataclass(frozen=True)
class FitBlob:
    """One FIT byte string ready for decoding.

    ``activity_id`` is the SHA-256 (hex) of the file *as stored*: of the ``.fit`` or ``.fit.gz``
    file itself; for a zip member, of the member's bytes as they would be if extracted (so the
    same activity gets the same id whether it arrives loose or inside an export).
    """

    source: str
    data: bytes
    activity_id: str


@dataclass
class Unpacked:
    """What one path yields: FIT byte strings, members refused, and members that are not FIT."""

    blobs: list[FitBlob] = field(default_factory=list)
    rejections: list[RejectedFile] = field(default_factory=list)
    skipped_members: list[tuple[str, str]] = field(default_factory=list)  # ("file:member", why), one per member

    @property
    def skipped(self) -> list[str]:
        """The skipped members, ``file:member``."""
        return [source for source, _ in self.skipped_members]

    @property
    def skipped_reasons(self) -> list[str]:
        """One line per skipped member: ``file:member: why``."""
        return [f"{source}: {why}" for source, why in self.skipped_members]


def safe_text(text: str, limit: int = 200) -> str:
    """Untrusted text (a member name) made printable and short for a one-line message."""
    cleaned = "".join(ch if ch.isprintable() else "?" for ch in text)
    return cleaned if len(cleaned) <= limit else cleaned[:limit] + "…"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def gunzip(raw: bytes, source: str, limits: ArchiveLimits = DEFAULT_LIMITS) -> bytes:
    """Decompress a gzip stream, refusing more than ``limits.max_fit_bytes`` of output."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream:
            data = _read_capped(stream, limits.max_fit_bytes + 1, limits.chunk_bytes, max(len(raw), 1) * limits.max_ratio)
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        raise RejectedFile(source, f"not a valid gzip file ({exc})", "archive") from exc
    if len(data) > max(len(raw), 1) * limits.max_ratio:
        raise RejectedFile(source, f"gzip content expands more than {limits.max_ratio}x its {len(raw)} bytes "
                           "(gzip bomb?): refused", "archive")
    if len(data) > limits.max_fit_bytes:
        raise RejectedFile(
            source, f"gzip content larger than {limits.max_fit_bytes // MiB} MiB (limit for one FIT file): refused",
            "archive")
    return data


def _read_capped(stream: io.BufferedIOBase | IO[bytes], cap: int, chunk: int,
                 ratio_cap: int | None = None) -> bytes:
    """Up to ``cap`` bytes of ``stream``, read ``chunk`` bytes at a time (never a ``cap``-sized
    buffer up front); stops early, returning what it has plus one byte past ``ratio_cap`` (the
    caller's limit on output bytes, from the compression ratio), once that is exceeded."""
    parts: list[bytes] = []
    total = 0
    limit = cap if ratio_cap is None else min(cap, ratio_cap + 1)
    while total < limit:
        part = stream.read(min(chunk, limit - total))
        if not part:
            break
        parts.append(part)
        total += len(part)
    return b"".join(parts)


def _overlap(infos: list[zipfile.ZipInfo]) -> str | None:
    """Why the members' stored bytes overlap, or None. Each member occupies its local header
    (30 bytes + name, PKWARE APPNOTE 4.3.7) and ``compress_size`` bytes of data from
    ``header_offset``; in an honest zip these ranges are disjoint."""
    spans = sorted((info.header_offset, info.header_offset + 30 + len(info.orig_filename.encode("utf-8", "replace"))
                    + info.compress_size) for info in infos)
    for (start, end), (next_start, _) in zip(spans, spans[1:]):
        if next_start < end:
            return (f"zip members overlap (a member at byte {next_start} lies inside the one at byte {start}): "
                    "a crafted archive (zip bomb?)")
    return None


def _is_link(info: zipfile.ZipInfo) -> bool:
    """A member stored as a symbolic link (Unix mode S_IFLNK in the high 16 bits of external_attr)."""
    return (info.external_attr >> 16) & 0o170000 == 0o120000


ARCHIVE_SUFFIXES = (".zip", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".7z", ".rar", ".zst")


def _skip_reason(name: str) -> str:
    lower = name.lower()
    if lower.endswith(ARCHIVE_SUFFIXES):
        return "an archive inside an archive (read one level deep): skipped"
    return "not a FIT file (.fit or .fit.gz): skipped"


def _unsafe_member_name(name: str, limits: ArchiveLimits) -> str | None:
    """Why a zip member name is refused, or None if it is a plain relative name."""
    if len(name) > limits.max_name_chars:
        return f"member name longer than {limits.max_name_chars} characters"
    if any(not ch.isprintable() for ch in name):
        return "member name holds control characters"
    unified = name.replace("\\", "/")
    if unified.startswith("/") or (len(unified) > 1 and unified[1] == ":"):
        return "absolute path in member name"
    if ".." in PurePosixPath(unified).parts:
        return "path traversal ('..') in member name"
    return None


def is_fit_name(name: str) -> bool:
    lower = name.lower()
    return lower.endswith(".fit") or lower.endswith(".fit.gz")


def _read_zip(path: Path, raw_source: str, limits: ArchiveLimits) -> Unpacked:
    out = Unpacked()
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise RejectedFile(raw_source, f"not a readable zip archive ({exc})", "archive") from exc
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        if len(infos) > limits.max_members:
            raise RejectedFile(raw_source, f"zip archive has {len(infos)} members, over the limit of "
                               f"{limits.max_members}: refused", "archive")
        overlap = _overlap(infos)
        if overlap is not None:
            raise RejectedFile(raw_source, f"{overlap}: refused", "archive")
        declared = sum(info.file_size for info in infos if is_fit_name(info.filename))
        if declared > limits.max_archive_bytes:
            raise RejectedFile(raw_source, f"zip archive would expand to {declared} bytes, over the "
                               f"{limits.max_archive_bytes // MiB} MiB limit (zip bomb?): refused", "archive")
        total = 0
        for info in infos:
            shown = safe_text(info.filename)
            source = f"{raw_source}:{shown}"
            why = _unsafe_member_name(info.filename, limits)
            if why is not None:
                out.rejections.append(RejectedFile(source, f"{why}: refused", "archive"))
                continue
            if _is_link(info):
                out.rejections.append(RejectedFile(source, "member is a symbolic link (never followed): refused",
                                                   "archive"))
                continue
            if not is_fit_name(info.filename):
                out.skipped_members.append((source, _skip_reason(info.filename)))
                continue
            if info.file_size > limits.max_fit_bytes:
                out.rejections.append(RejectedFile(
                    source, f"member would expand to {info.file_size} bytes, over the "
                    f"{limits.max_fit_bytes // MiB} MiB limit for one FIT file: refused", "archive"))
                continue
            try:
                with archive.open(info) as stream:
                    stored = _read_capped(stream, limits.max_fit_bytes + 1, limits.chunk_bytes,
                                          max(info.compress_size, 1) * limits.max_ratio)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError, zlib.error,
                    lzma.LZMAError, ValueError) as exc:  # RuntimeError: encrypted; NotImplementedError:
                # compression method; a damaged member: zlib.error (deflate), OSError (bzip2), LZMAError
                out.rejections.append(RejectedFile(source, f"unreadable zip member ({exc})", "archive"))
                continue
            if info.compress_type != zipfile.ZIP_STORED and len(stored) > max(info.compress_size, 1) * limits.max_ratio:
                out.rejections.append(RejectedFile(
                    source, f"member expands more than {limits.max_ratio}x its {info.compress_size} compressed "
                    "bytes (zip bomb?): refused", "archive"))
                continue
            if len(stored) > limits.max_fit_bytes:
                out.rejections.append(RejectedFile(
                    source, f"member expands beyond {limits.max_fit_bytes // MiB} MiB (limit for one FIT file; "
                    "its declared size was false): refused", "archive"))
                continue
            total += len(stored)
            if total > limits.max_archive_bytes:
                raise RejectedFile(raw_source, f"zip archive expands beyond {limits.max_archive_bytes // MiB} MiB "
                                   "(zip bomb?): refused", "archive")
            try:
                data = gunzip(stored, source, limits) if info.filename.lower().endswith(".gz") else stored
            except RejectedFile as exc:
                out.rejections.append(exc)
                continue
            out.blobs.append(FitBlob(source, data, _sha256(stored)))
    return out


def unpack(path: Path, limits: ArchiveLimits = DEFAULT_LIMITS) -> Unpacked:
    """Every FIT byte string that ``path`` holds, dispatched once on the suffix.

    ``.zip``: every member named ``*.fit`` / ``*.fit.gz`` (other members are listed in
    ``skipped``); a bad member is a rejection in the result, a bad archive raises
    :class:`RejectedFile`. ``.gz``: gunzipped. Anything else is read as FIT bytes.
    """
    path = Path(path)
    source = storable_text(path.name)  # a name that is not UTF-8 is shown, stored and reported as M\xfcller.fit
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise RejectedFile(source, f"cannot read the file ({exc.strerror or exc})", "unreadable") from exc
    if path.is_dir():
        raise RejectedFile(source, "is a directory, not a FIT file", "unreadable")
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return _read_zip(path, source, limits)
    cap = limits.max_fit_bytes  # a .gz holds one FIT file: its compressed bytes are fewer still
    if size > cap:
        raise RejectedFile(source, f"file of {size} bytes is over the {cap // MiB} MiB limit: refused", "archive")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RejectedFile(source, f"cannot read the file ({exc.strerror or exc})", "unreadable") from exc
    data = gunzip(raw, source, limits) if suffix == ".gz" else raw
    return Unpacked(blobs=[FitBlob(source, data, _sha256(raw))])
