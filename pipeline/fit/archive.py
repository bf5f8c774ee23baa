"""From a path (``.fit``, ``.fit.gz``, ``.zip``) to FIT byte strings, with limits.

Archives are untrusted input (SPEC "What bad input gets": archives are read with limits on
size and entry names). Nothing here writes to disk: zip members are read into memory, never
extracted, so a hostile member name cannot reach the file system; it is still refused, because a
name like ``../../x.fit`` in an export is a sign of a crafted archive and it would end up in our
catalog and reports.

Limits (:class:`ArchiveLimits`) bound the decompressed size of one FIT file, of one archive and
the number of members, and are enforced while decompressing (declared sizes in a zip directory
can lie), so a zip or gzip bomb costs at most ``max_fit_bytes + 1`` bytes of memory per member
before it is refused with one line.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from pipeline.errors import RejectedFile

MiB = 1024 * 1024


@dataclass(frozen=True)
class ArchiveLimits:
    """Caps for untrusted containers. The largest real FIT files (a 24 h ultra with 1 s
    recording and every sensor) are a few MB, so 64 MiB per FIT file is generous."""

    max_fit_bytes: int = 64 * MiB
    max_archive_bytes: int = 512 * MiB
    max_members: int = 2000
    max_name_chars: int = 255


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
    skipped: list[str] = field(default_factory=list)


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
            data = stream.read(limits.max_fit_bytes + 1)
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        raise RejectedFile(source, f"not a valid gzip file ({exc})", "archive") from exc
    if len(data) > limits.max_fit_bytes:
        raise RejectedFile(
            source, f"gzip content larger than {limits.max_fit_bytes // MiB} MiB (limit for one FIT file): refused",
            "archive")
    return data


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
            if not is_fit_name(info.filename):
                out.skipped.append(source)
                continue
            if info.file_size > limits.max_fit_bytes:
                out.rejections.append(RejectedFile(
                    source, f"member would expand to {info.file_size} bytes, over the "
                    f"{limits.max_fit_bytes // MiB} MiB limit for one FIT file: refused", "archive"))
                continue
            try:
                with archive.open(info) as stream:
                    stored = stream.read(limits.max_fit_bytes + 1)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError, zlib.error,
                    ValueError) as exc:  # RuntimeError: encrypted; NotImplementedError: compression method
                out.rejections.append(RejectedFile(source, f"unreadable zip member ({exc})", "archive"))
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
    source = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise RejectedFile(source, f"cannot read the file ({exc.strerror or exc})", "unreadable") from exc
    if path.is_dir():
        raise RejectedFile(source, "is a directory, not a FIT file", "unreadable")
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return _read_zip(path, source, limits)
    cap = limits.max_fit_bytes if suffix != ".gz" else limits.max_archive_bytes
    if size > cap:
        raise RejectedFile(source, f"file of {size} bytes is over the {cap // MiB} MiB limit: refused", "archive")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RejectedFile(source, f"cannot read the file ({exc.strerror or exc})", "unreadable") from exc
    data = gunzip(raw, source, limits) if suffix == ".gz" else raw
    return Unpacked(blobs=[FitBlob(source, data, _sha256(raw))])
