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

Activity files are FIT, GPX and TCX (:data:`ACTIVITY_SUFFIXES`), each plain or gzipped. A zip inside
a zip is read, down to :attr:`ArchiveLimits.max_nesting` levels (Garmin Connect's export nests its
activities one level down), in memory, within the *same* budget of members and decompressed bytes
as the outermost archive: the inner zip's bytes count, and so do its members', so a bomb nested in
a zip is refused as one at the top would be. A ``.gz`` member is gunzipped once; other archives
(``.tar``, ``.7z``, a ``.gz`` of anything but an activity file, a zip nested deeper) and every other
member are skipped with their reason (``Unpacked.skipped_members``), never opened.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import lzma
import os
import struct
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
    recording and every sensor) are a few MB, so 64 MiB per activity file is generous; a GPX or
    TCX file is about ten times a FIT file of the same recording (XML text: a 24 h ride at 1 s
    with heart rate, cadence and power is about 40 MB of TCX), and is held to the same cap."""

    max_fit_bytes: int = 64 * MiB
    max_archive_bytes: int = 256 * MiB
    max_members: int = 2000
    max_name_chars: int = 255
    max_ratio: int = 100
    """Uncompressed bytes per compressed byte, per member. Deflate gives FIT files 2-10x (the
    shared samples: 2.3-6.1x; an all-zero payload, which no recording is, reaches ~1000x)."""
    chunk_bytes: int = 1 * MiB
    max_nesting: int = 2
    """Archives opened inside an archive, in depth: Garmin Connect's "Export your data" zip holds
    its activities in zips one level down (``DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip``);
    two levels leave room for that export zipped once more: three zips deep in all, the outermost
    counted (the README says the same). Deeper ones are skipped with the reason."""


DEFAULT_LIMITS = ArchiveLimits()


def stored_bytes_cap(path: Path | str, limits: ArchiveLimits = DEFAULT_LIMITS) -> int:
    """The most bytes an inbox file of this kind may hold on disk, checked before it is hashed or
    read: ``limits.max_archive_bytes`` for a ``.zip`` (its members, compressed, are fewer bytes
    than they expand to), ``limits.max_fit_bytes`` for one activity file (``.fit``, ``.gpx``,
    ``.tcx``, each also ``.gz``)."""
    return limits.max_archive_bytes if str(path).lower().endswith(".zip") else limits.max_fit_bytes


EOCD_SIGNATURE = b"PK\x05\x06"
ZIP64_LOCATOR_SIGNATURE = b"PK\x06\x07"
ZIP64_EOCD_SIGNATURE = b"PK\x06\x06"
EOCD_BYTES = 22
MAX_COMMENT_BYTES = 0xFFFF
CENTRAL_ENTRY_MAX_BYTES = 46 + 255 * 4 + 1024
"""The most central-directory bytes one honest entry needs: its 46 fixed bytes (PKWARE APPNOTE
4.3.12), a name of :attr:`ArchiveLimits.max_name_chars` characters at up to 4 UTF-8 bytes each, and
1 KiB of extra fields and comment (the ones zip tools write — extended time, Unix ids, Zip64,
Unicode path — take tens of bytes)."""


def declared_entries(handle: IO[bytes]) -> tuple[int, int] | None:
    """(entries, central-directory bytes) that a zip's end-of-central-directory record declares
    (its Zip64 record when the plain one says 0xFFFF / 0xFFFFFFFF), read from the file's last
    ``22 + 65535`` bytes without parsing the directory itself (PKWARE APPNOTE 4.3.14-4.3.16);
    None when no record is found (not a zip: :mod:`zipfile` says why)."""
    size = handle.seek(0, os.SEEK_END)
    start = max(0, size - EOCD_BYTES - MAX_COMMENT_BYTES)
    handle.seek(start)
    tail = handle.read(size - start)
    at = tail.rfind(EOCD_SIGNATURE)
    if at < 0 or len(tail) - at < EOCD_BYTES:
        return None
    entries, cd_bytes = struct.unpack_from("<HI", tail, at + 10)
    locator = at - 20
    if (entries == 0xFFFF or cd_bytes == 0xFFFFFFFF) and locator >= 0 \
            and tail[locator:locator + 4] == ZIP64_LOCATOR_SIGNATURE:
        offset = struct.unpack_from("<Q", tail, locator + 8)[0]
        handle.seek(offset)
        record = handle.read(56)
        if len(record) == 56 and record[:4] == ZIP64_EOCD_SIGNATURE:
            entries, cd_bytes = struct.unpack_from("<QQ", record, 32)
    return entries, cd_bytes


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
    kind: str = "fit"  # "fit", "gpx" or "tcx" (:func:`member_kind`): which reader decodes ``data``


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
ACTIVITY_SUFFIXES: dict[str, str] = {".fit": "fit", ".gpx": "gpx", ".tcx": "tcx"}
"""The activity files read, by suffix (each also gzipped: ``.fit.gz``, ``.gpx.gz``, ``.tcx.gz``,
as Strava's bulk export stores them)."""
NOT_ACTIVITY = "not an activity file (.fit, .gpx or .tcx): skipped"


def member_kind(name: str) -> str | None:
    """"fit", "gpx" or "tcx" for an activity file's name (any case, gzipped or not), else None."""
    lower = name.lower().removesuffix(".gz")
    return next((kind for suffix, kind in ACTIVITY_SUFFIXES.items() if lower.endswith(suffix)), None)


def _opens(name: str, depth: int, limits: ArchiveLimits) -> bool:
    """A zip member that is itself a zip, read while the nesting stays within ``limits.max_nesting``."""
    return name.lower().endswith(".zip") and depth < limits.max_nesting


def _skip_reason(name: str, depth: int, limits: ArchiveLimits) -> str:
    lower = name.lower()
    if lower.endswith(".zip"):
        return f"a zip nested more than {limits.max_nesting} levels inside the outer zip (not read): skipped"
    if lower.endswith(".gz"):
        return "a .gz of something that is not an activity file (.fit, .gpx or .tcx): skipped"
    if lower.endswith(ARCHIVE_SUFFIXES):
        return f"an archive of a kind not read ({PurePosixPath(lower).suffix}; zip and .gz are): skipped"
    return NOT_ACTIVITY


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
    return member_kind(name) == "fit"


class ArchiveTooBig(RejectedFile):
    """An archive whose members, nested archives' members included, expand beyond
    :attr:`ArchiveLimits.max_archive_bytes`: the whole outermost file is refused, in one line."""


def _archive_too_big(source: str, limits: ArchiveLimits) -> RejectedFile:
    return ArchiveTooBig(source, f"zip archive expands beyond {limits.max_archive_bytes // MiB} MiB "
                         "(its members' decompressed bytes, nested archives and .gz members included; zip bomb?): "
                         "refused", "archive")


@dataclass
class _Budget:
    """What one outermost archive may still yield, shared by the archives nested in it: decompressed
    bytes (:attr:`ArchiveLimits.max_archive_bytes`) and members (:attr:`ArchiveLimits.max_members`)."""

    bytes_left: int
    members_left: int


def _open_zip(opened: Path | IO[bytes], raw_source: str, limits: ArchiveLimits, budget: _Budget) -> zipfile.ZipFile:
    """The zip, its end record and directory checked against the limits before it is read."""
    try:
        if isinstance(opened, Path):
            with open(opened, "rb") as handle:
                declared_dir = declared_entries(handle)
        else:
            declared_dir = declared_entries(opened)
    except OSError as exc:
        raise RejectedFile(raw_source, f"cannot read the file ({exc.strerror or exc})", "unreadable") from exc
    if declared_dir is not None:
        entries, cd_bytes = declared_dir
        if entries > budget.members_left:
            around = limits.max_members - budget.members_left
            raise RejectedFile(raw_source, f"zip archive declares {entries} entries (folders included)"
                               f"{f' besides the {around} of the archives around it' if around else ''}, over the "
                               f"limit of {limits.max_members}: refused before reading its directory", "archive")
        if cd_bytes > limits.max_members * CENTRAL_ENTRY_MAX_BYTES:
            raise RejectedFile(raw_source, f"zip directory of {cd_bytes} bytes, more than {limits.max_members} "
                               "entries need (its entry count is false): refused before reading it", "archive")
    try:
        return zipfile.ZipFile(opened)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise RejectedFile(raw_source, f"not a readable zip archive ({exc})", "archive") from exc


def _read_zip(opened: Path | IO[bytes], raw_source: str, limits: ArchiveLimits, budget: _Budget | None = None,
              depth: int = 0) -> Unpacked:
    """Every activity member of a zip, and of the zips inside it down to ``limits.max_nesting``
    levels, all within one :class:`_Budget` of members and decompressed bytes."""
    out = Unpacked()
    budget = budget or _Budget(limits.max_archive_bytes, limits.max_members)
    archive = _open_zip(opened, raw_source, limits, budget)
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        if len(infos) > budget.members_left:
            around = limits.max_members - budget.members_left
            raise RejectedFile(raw_source, f"zip archive has {len(infos)} members"
                               f"{f' besides the {around} of the archives around it' if around else ''}, over the "
                               f"limit of {limits.max_members}: refused", "archive")
        budget.members_left -= len(infos)
        overlap = _overlap(infos)
        if overlap is not None:
            raise RejectedFile(raw_source, f"{overlap}: refused", "archive")
        declared = sum(info.file_size for info in infos if member_kind(info.filename) is not None
                       or _opens(info.filename, depth, limits))
        if declared > budget.bytes_left:
            raise RejectedFile(raw_source, f"zip archive would expand to {declared} bytes, over the "
                               f"{limits.max_archive_bytes // MiB} MiB limit (zip bomb?): refused", "archive")
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
            nested = _opens(info.filename, depth, limits)
            kind = member_kind(info.filename)
            if kind is None and not nested:
                out.skipped_members.append((source, _skip_reason(info.filename, depth, limits)))
                continue
            cap = budget.bytes_left if nested else limits.max_fit_bytes
            what = "what the archive may still yield" if nested else f"for one {'FIT' if kind == 'fit' else 'activity'} file"
            if info.file_size > cap:
                out.rejections.append(RejectedFile(
                    source, f"member would expand to {info.file_size} bytes, over the "
                    f"{cap // MiB} MiB limit {what}: refused", "archive"))
                continue
            room = budget.bytes_left  # decompressed bytes the outermost archive may still yield
            try:
                with archive.open(info) as stream:
                    stored = _read_capped(stream, min(cap, room) + 1, limits.chunk_bytes,
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
            if len(stored) > room:
                raise _archive_too_big(raw_source, limits)
            if len(stored) > cap:
                out.rejections.append(RejectedFile(
                    source, f"member expands beyond {cap // MiB} MiB (limit {what}; "
                    "its declared size was false): refused", "archive"))
                continue
            budget.bytes_left -= len(stored)
            if nested:
                try:
                    inner = _read_zip(io.BytesIO(stored), source, limits, budget, depth + 1)
                except ArchiveTooBig:
                    raise
                except RejectedFile as exc:
                    out.rejections.append(exc)
                    continue
                if not (inner.blobs or inner.rejections or inner.skipped_members):
                    out.skipped_members.append((source, "an empty zip: skipped"))
                out.blobs += inner.blobs
                out.rejections += inner.rejections
                out.skipped_members += inner.skipped_members
                continue
            assert kind is not None
            try:
                data = gunzip(stored, source, limits) if info.filename.lower().endswith(".gz") else stored
            except RejectedFile as exc:
                out.rejections.append(exc)
                continue
            if data is not stored:  # a .gz member: what counts is what it expands to, not its gzip bytes
                budget.bytes_left -= len(data) - len(stored)
                if budget.bytes_left < 0:
                    raise _archive_too_big(raw_source, limits)
            out.blobs.append(FitBlob(source, data, _sha256(stored), kind))
    return out


def unpack(path: Path, limits: ArchiveLimits = DEFAULT_LIMITS) -> Unpacked:
    """Every activity file's bytes that ``path`` holds, dispatched once on the suffix.

    ``.zip``: every member named ``*.fit``, ``*.gpx``, ``*.tcx`` (each also ``.gz``), and those of
    the zips inside it down to ``limits.max_nesting`` levels (other members are listed in
    ``skipped_members`` with the reason); a bad member is a rejection in the result, a bad archive
    raises :class:`RejectedFile`. ``.gz``: gunzipped. Anything else is read as it is, its
    :attr:`FitBlob.kind` from its name (FIT unless ``.gpx`` / ``.tcx``).
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
    cap = stored_bytes_cap(path, limits)  # a .gz holds one FIT file: its compressed bytes are fewer still
    if size > cap:
        what = "zip archive" if suffix == ".zip" else "file"
        raise RejectedFile(source, f"{what} of {size} bytes is over the {cap // MiB} MiB limit: refused", "archive")
    if suffix == ".zip":
        return _read_zip(path, source, limits)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RejectedFile(source, f"cannot read the file ({exc.strerror or exc})", "unreadable") from exc
    data = gunzip(raw, source, limits) if suffix == ".gz" else raw
    return Unpacked(blobs=[FitBlob(source, data, _sha256(raw), member_kind(path.name) or "fit")])
