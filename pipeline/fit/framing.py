"""The FIT container, checked before any message is decoded: headers, sizes, chaining, CRCs.

A FIT file is one or more *segments* ("chained FIT files"), each::

    header (12 or 14 bytes: size, protocol, profile, data size, ".FIT", [header CRC])
    data records (exactly ``data size`` bytes)
    file CRC (2 bytes, CRC-16 over header + data)

Walking this framing ourselves, instead of letting the decoder find out half-way through, gives
precise one-line reasons (empty, not FIT, bad header, truncated, CRC mismatch, corrupt chained
header) and tells the reader where the readable part ends, which is what salvage needs. It also
lets the decoder run with ``check_crc=False`` on CRC-stripped segments: the CRC below (byte-wise
table, the FIT SDK's CRC-16) is about 5x cheaper than fitparse's nibble-wise one.

Reference: Garmin FIT SDK, "FIT File Types / The FIT protocol" — file header (section 3.3.1),
CRC (section 3.3.3; "the CRC is computed over the entire file from byte 0, header included").
"""
from __future__ import annotations

import functools
import struct
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import numpy as np

HEADER_MIN_BYTES = 12
SIGNATURE = b".FIT"


def _crc_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_CRC_TABLE = _crc_table()


def fit_crc(data: bytes | memoryview, crc: int = 0) -> int:
    """CRC-16 of the FIT protocol (polynomial 0x8005 reflected, i.e. CRC-16/ARC; check value 0xBB3D
    for ``b"123456789"``, Cook's catalogue of parametrised CRC algorithms) of ``data``, continuing
    from ``crc``. Byte-wise table for short data; past :data:`_CHUNKED_FROM` bytes,
    :func:`_fit_crc_chunked` (the same value: 0.024 s instead of 0.16 s on a 1.2 MB file, 2 processors)."""
    if len(data) >= _CHUNKED_FROM:
        return _fit_crc_chunked(data, crc)
    table = _CRC_TABLE
    for byte in data:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc


_CHUNKED_FROM = 1 << 16
"""From this many bytes (64 KiB: a 20-minute recording) the CRC is computed chunk-wise."""


def _fit_crc_chunked(data: bytes | memoryview, crc: int = 0) -> int:
    """:func:`fit_crc` of long data, the same value: the CRC is linear over GF(2), so the bytes are
    cut into ``k`` chunks of ``n`` bytes (zeros in front of the first: with a zero start value,
    leading zero bytes leave the CRC at 0), a two-byte table (:func:`_two_byte_table`) runs down all
    chunks at once with numpy (``n / 2`` steps over arrays of ``k``), and the chunks' CRCs are folded in order:
    ``crc(A + B) = shift(crc(A), len(B)) ^ crc(B)``, where ``shift`` — the CRC register carried
    through ``len(B)`` zero bytes — is linear in its 16 bits, applied with two 256-entry tables
    (Williams 1993, "A painless guide to CRC error detection algorithms": the table-driven, reflected
    algorithm; the fold is the idea of zlib's ``crc32_combine``, Adler and Gailly). A start value ``crc``
    other than 0 is carried through the first chunk's own bytes by the table, then through the
    later chunks by the fold."""
    import numpy as np

    size = len(data)
    # about sqrt(size) bytes a chunk, rounded up to a multiple of 64 so that files of similar sizes
    # share a chunk length and so the fold's tables (:func:`_shift_tables`, kept per length)
    chunk = -(-max(256, int(size ** 0.5)) // 64) * 64
    chunks = -(-size // chunk)
    padded = np.zeros(chunks * chunk, dtype=np.uint8)
    padded[chunks * chunk - size:] = np.frombuffer(data, dtype=np.uint8)
    # row j: bytes 2j and 2j + 1 of every chunk as one little-endian word (the chunk length is even)
    words = padded.view("<u2").reshape(chunks, chunk // 2).T.copy()
    table = _two_byte_table()
    state = np.zeros(chunks, dtype=np.uint16)
    for row in words:
        state = table[state ^ row]
    for _ in range(chunk - (chunks * chunk - size)):  # the start value through the first chunk's own bytes
        crc = (crc >> 8) ^ _CRC_TABLE[crc & 0xFF]
    first, *later = state.tolist()
    low, high = _shift_tables(chunk)
    total = crc ^ first  # then through every later chunk, with the fold
    for value in later:
        total = low[total & 0xFF] ^ high[total >> 8] ^ value
    return total


@functools.lru_cache(maxsize=1)
def _two_byte_table() -> np.ndarray:
    """The byte-wise table step taken twice, for every 16-bit value ``v`` (65,536 entries, uint16):
    with ``v = register ^ (b0 | b1 << 8)``, the register after bytes ``b0`` then ``b1`` is
    ``step(step(v))``, ``step(x) = (x >> 8) ^ TABLE[x & 0xFF]`` — the second byte only meets the
    register's high byte, which the first step has shifted down (the slicing-by-N idea of the
    table-driven CRC, Williams 1993)."""
    import numpy as np

    table = np.asarray(_CRC_TABLE, dtype=np.uint16)
    values = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16)
    once = (values >> 8) ^ table[values & 0xFF]
    return (once >> 8) ^ table[once & 0xFF]


@functools.lru_cache(maxsize=64)
def _shift_tables(zeros: int) -> tuple[list[int], list[int]]:
    """What ``zeros`` zero bytes make of a CRC register, by its low and its high byte (the map is
    linear: the images of the 16 one-bit registers, XOR-ed for every byte value). Kept per
    ``zeros`` (64 lengths at most): a backfill's files share a few chunk lengths. Callers must not
    modify the lists."""
    images = []
    for bit in range(16):
        register = 1 << bit
        for _ in range(zeros):
            register = (register >> 8) ^ _CRC_TABLE[register & 0xFF]
        images.append(register)
    tables = []
    for first in (0, 8):
        table = [0] * 256
        for value in range(1, 256):
            lowest = (value & -value).bit_length() - 1
            table[value] = table[value & (value - 1)] ^ images[first + lowest]
        tables.append(table)
    return tables[0], tables[1]


DamageKind = Literal["truncated", "crc", "header", "unfinished"]


@dataclass(frozen=True)
class Segment:
    """One chained FIT file inside the byte string: ``data[start:start + header_size + data_size]``."""

    index: int  # 1-based, as a user would count "chained file 2"
    start: int
    header_size: int
    data_size: int
    available_data: int  # data bytes actually present (< data_size when truncated)
    open_ended: bool = False  # the header declared 0 data bytes: the data runs to the end of the bytes

    @property
    def cut(self) -> bool:
        """The data may end part-way through a message (truncated, or never finalised)."""
        return self.open_ended or self.available_data < self.data_size

    @property
    def body(self) -> slice:
        """Header plus the data bytes present, without the trailing file CRC."""
        return slice(self.start, self.start + self.header_size + self.available_data)


@dataclass(frozen=True)
class Damage:
    """Where and how the framing breaks. Everything before ``offset`` is intact framing."""

    kind: DamageKind
    offset: int
    reason: str


@dataclass
class Framing:
    segments: list[Segment] = field(default_factory=list)
    damage: Damage | None = None
    notes: list[str] = field(default_factory=list)


class NotFit(Exception):
    """The first header is unusable: the bytes are not a FIT file at all (message = the reason)."""

    def __init__(self, reason: str, kind: str) -> None:
        self.kind = kind
        super().__init__(reason)


def scan(data: bytes) -> Framing:
    """Walk every chained segment of ``data``; raise :class:`NotFit` if the first header is unusable.

    Damage after at least one header (truncation, CRC mismatch, a corrupt chained header) is
    reported in ``Framing.damage``, never raised: the caller decides whether what precedes it
    is worth reading.
    """
    size = len(data)
    if size == 0:
        raise NotFit("empty file (0 bytes)", "empty")
    framing = Framing()
    offset = 0
    index = 1
    while offset < size:
        remaining = size - offset
        if remaining < HEADER_MIN_BYTES or data[offset + 8:offset + 12] != SIGNATURE:
            if index == 1:
                if remaining < HEADER_MIN_BYTES:
                    raise NotFit(f"not a FIT file (only {size} bytes, shorter than a FIT header)", "not_fit")
                raise NotFit("not a FIT file (no '.FIT' signature in the header)", "not_fit")
            if not any(data[offset:]):
                framing.notes.append(f"{remaining} zero bytes of padding after the last FIT data ignored")
                break
            if not _looks_like_header(data, offset):
                framing.notes.append(f"{remaining} extra bytes after the end of the FIT file (after its valid "
                                     "file CRC) ignored")
                break
            framing.damage = Damage("header", offset, f"chained FIT file {index} at byte {offset}: not a FIT header")
            break
        header_size = data[offset]
        data_size = struct.unpack_from("<I", data, offset + 4)[0]
        where = "" if index == 1 else f"chained FIT file {index} at byte {offset}: "
        if header_size < HEADER_MIN_BYTES or header_size == 13:
            reason = f"{where}bad FIT header (header size {header_size}, must be 12 or at least 14)"
            if index == 1:
                raise NotFit(reason, "header")
            framing.damage = Damage("header", offset, reason)
            break
        if header_size >= 14 and remaining >= 14:
            stored = struct.unpack_from("<H", data, offset + 12)[0]
            if stored != 0 and stored != fit_crc(memoryview(data)[offset:offset + 12]):
                reason = f"{where}FIT header CRC mismatch"
                if index == 1:
                    raise NotFit(reason, "header")
                framing.damage = Damage("header", offset, reason)
                break
        data_start = offset + header_size
        if data_size == 0 and size - data_start > 2:
            _open_ended(data, framing, index, offset, header_size, where)
            break
        end = data_start + data_size
        if end + 2 > size:
            present = max(0, min(size, end) - data_start)
            framing.segments.append(Segment(index, offset, header_size, data_size, present))
            framing.damage = Damage(
                "truncated", min(size, end),
                f"{where}truncated: " + (f"header declares {data_size} data bytes, {present} present"
                                         if present < data_size else
                                         f"all {data_size} data bytes present but the file CRC after them is cut off"))
            break
        stored_crc = struct.unpack_from("<H", data, end)[0]
        computed = fit_crc(memoryview(data)[offset:end])
        framing.segments.append(Segment(index, offset, header_size, data_size, data_size))
        if stored_crc != computed:
            framing.damage = Damage(
                "crc", end,
                f"{where}file CRC mismatch (stored 0x{stored_crc:04X}, computed 0x{computed:04X}): "
                "the file was altered or damaged")
            break
        offset = end + 2
        index += 1
    return framing


def _looks_like_header(data: bytes, offset: int) -> bool:
    """Whether bytes after a complete file start another (chained) FIT file, even a damaged one:
    the ``.FIT`` signature, or a header size of 12/14 with a protocol version 1.x/2.x (a chained
    header whose signature was corrupted). Anything else is extra bytes some firmware writes
    after the file CRC (e.g. Forerunner 255), not a file."""
    if data[offset + 8:offset + 12] == SIGNATURE:
        return True
    return len(data) - offset >= HEADER_MIN_BYTES and data[offset] in (12, 14) and data[offset + 1] >> 4 in (1, 2)


def _open_ended(data: bytes, framing: Framing, index: int, offset: int, header_size: int, where: str) -> None:
    """A header declaring 0 data bytes with bytes following: an app that never finalised the
    file (the data size is written when a recording is closed). The data runs to the end of the
    bytes. If the last two bytes are a valid CRC of everything before them, the file is complete
    and only its header was never filled in; otherwise the recording was not finished."""
    size = len(data)
    data_start = offset + header_size
    body = size - data_start - 2
    if struct.unpack_from("<H", data, size - 2)[0] == fit_crc(memoryview(data)[offset:size - 2]):
        framing.segments.append(Segment(index, offset, header_size, body, body))
        framing.notes.append(f"{where}the header declares 0 data bytes, but the file CRC covers all {body} "
                             "data bytes: read as complete")
        return
    present = size - data_start
    framing.segments.append(Segment(index, offset, header_size, present, present, open_ended=True))
    framing.damage = Damage(
        "unfinished", size,
        f"{where}the recording was not finished (the header declares 0 data bytes and the file has no "
        f"file CRC: the app never closed the file); {present} data bytes read")
