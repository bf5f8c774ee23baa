"""The FIT encoder the product writes with (``plan --export-fit``) and the tests' file builder
(``tools/fitwriter.py``) builds on: definition and data messages into FIT protocol 2.0 bytes, as
the FIT SDK documents it ("Flexible and Interoperable Data Transfer (FIT) Protocol", Garmin/ANT,
sections 3.3 File Header, 3.4 Data Records, 3.3.2 CRC):

* a 14-byte file header (size 14, protocol version 0x20, profile version, data size, ``.FIT``)
  with its own CRC over the first 12 bytes;
* normal-header records: a *definition message* (reserved, architecture 0 = little endian,
  global message number, field definitions: number, size, base type) before the first *data
  message* of each layout, for local message types 0-15;
* the 2-byte file CRC over header and records (:func:`pipeline.fit.framing.fit_crc`, the one CRC
  implementation in the project).

Field numbers, base types, scales, offsets and enum values are looked up in fitparse's FIT profile
(``fitparse.profile.MESSAGE_TYPES``, FIT SDK 21.218), so an encoded file means exactly what a FIT
decoder reads back. Values are given in physical units (``raw = round((value + offset) * scale)``),
enums by their profile names, times as ``datetime``. A value that does not fit its base type
raises ``ValueError`` rather than wrapping. Pure: bytes in memory.
"""
from __future__ import annotations

import math
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from fitparse.profile import MESSAGE_TYPES
from fitparse.records import BaseType

from pipeline.fit.framing import fit_crc

#: FIT ``date_time`` counts seconds since 1989-12-31T00:00:00Z (FIT SDK, "date_time" type).
FIT_EPOCH = datetime(1989, 12, 31, tzinfo=timezone.utc)
#: Degrees to FIT semicircles: 2^31 semicircles = 180 degrees (FIT SDK, "semicircles").
SEMICIRCLES_PER_DEGREE = 2**31 / 180.0
PROTOCOL_VERSION = 0x20  # 2.0
MAX_FIELD_BYTES = 255
"""Largest field size [bytes]: a field definition gives its size in one byte (FIT protocol, 3.4 Data Records)."""
PROFILE_VERSION = 2100   # 21.00 as major * 100 + minor (informative only for decoders)

# Invalid ("no value") raw values per base type (FIT SDK, "Base Types" table).
_INVALID: dict[str, Any] = {
    "enum": 0xFF, "sint8": 0x7F, "uint8": 0xFF, "sint16": 0x7FFF, "uint16": 0xFFFF,
    "sint32": 0x7FFFFFFF, "uint32": 0xFFFFFFFF, "uint8z": 0, "uint16z": 0, "uint32z": 0,
    "byte": 0xFF, "sint64": 0x7FFFFFFFFFFFFFFF, "uint64": 0xFFFFFFFFFFFFFFFF, "uint64z": 0,
    "float32": float("nan"), "float64": float("nan"),
}
_RANGE: dict[str, tuple[int, int]] = {
    "enum": (0, 0xFE), "sint8": (-0x80, 0x7E), "uint8": (0, 0xFE), "sint16": (-0x8000, 0x7FFE),
    "uint16": (0, 0xFFFE), "sint32": (-0x80000000, 0x7FFFFFFE), "uint32": (0, 0xFFFFFFFE),
    "uint8z": (1, 0xFF), "uint16z": (1, 0xFFFF), "uint32z": (1, 0xFFFFFFFF), "byte": (0, 0xFE),
    "sint64": (-(2**63), 2**63 - 2), "uint64": (0, 2**64 - 2), "uint64z": (1, 2**64 - 1),
}


def _fit_seconds(moment: datetime) -> int:
    """A tz-aware datetime as FIT ``date_time`` seconds (naive datetimes are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(round((moment - FIT_EPOCH).total_seconds()))


def _whole_second(moment: datetime) -> datetime:
    """``moment`` as FIT stores it: whole seconds, UTC."""
    return FIT_EPOCH + timedelta(seconds=_fit_seconds(moment))


@dataclass(frozen=True)
class _FieldSpec:
    number: int
    base: BaseType
    scale: float | None
    offset: float | None
    enum_values: dict[str, int] | None
    is_time: bool


_MESSAGES_BY_NAME = {message.name: (number, message) for number, message in MESSAGE_TYPES.items()}
_FIELD_CACHE: dict[tuple[str, str], _FieldSpec] = {}


def _field_spec(message: str, name: str) -> _FieldSpec:
    key = (message, name)
    spec = _FIELD_CACHE.get(key)
    if spec is not None:
        return spec
    if message not in _MESSAGES_BY_NAME:
        raise ValueError(f"unknown FIT message {message!r}")
    _, mtype = _MESSAGES_BY_NAME[message]
    for number, fdef in mtype.fields.items():
        if fdef.name == name:
            ftype = fdef.type
            base = ftype if isinstance(ftype, BaseType) else ftype.base_type
            values = None if isinstance(ftype, BaseType) or not ftype.values else {v: k for k, v in ftype.values.items()}
            is_time = getattr(ftype, "name", "") in {"date_time", "local_date_time"}
            scale = fdef.scale if isinstance(fdef.scale, (int, float)) else None
            offset = fdef.offset if isinstance(fdef.offset, (int, float)) else None
            spec = _FieldSpec(number, base, scale, offset, values, is_time)
            _FIELD_CACHE[key] = spec
            return spec
    raise ValueError(f"FIT message {message!r} has no field {name!r} in the profile")


def _raw(message: str, name: str, spec: _FieldSpec, value: Any) -> Any:
    """Physical value -> raw value of the field's base type (None -> the base type's invalid value)."""
    base = spec.base.name
    if value is None:
        return b"" if base == "string" else _INVALID[base]
    if base == "string":
        return str(value).encode("utf-8")
    if isinstance(value, datetime):
        value = _fit_seconds(value)
    elif isinstance(value, str):
        if spec.enum_values is None or value not in spec.enum_values:
            raise ValueError(f"{message}.{name}: {value!r} is not a value of its FIT type")
        value = spec.enum_values[value]
    elif isinstance(value, bool):
        value = int(value)
    if base in ("float32", "float64"):
        return float(value)
    if isinstance(value, float) and math.isnan(value):
        return _INVALID[base]
    if spec.scale is not None or spec.offset is not None:
        value = (float(value) + (spec.offset or 0.0)) * (spec.scale or 1.0)
    raw = int(round(value))
    lo, hi = _RANGE[base]
    if not lo <= raw <= hi:
        raise ValueError(f"{message}.{name}: {value!r} does not fit FIT base type {base}")
    return raw


class FitEncoder:
    """Definition and data messages into a FIT byte stream (normal record headers, little endian).

    ``add(message, fields)`` writes one data message; a definition message is emitted whenever
    the layout (message, field numbers, sizes) has not been defined yet on a local message type.
    Local types 0-15 are reused least-recently-defined first. Fields whose value is ``None`` are
    written as the base type's invalid value, so callers can keep one layout for a series.
    """

    def __init__(self) -> None:
        self._body = bytearray()
        self._local: dict[tuple, int] = {}
        self._order: list[tuple] = []

    def add(self, message: str, fields: Mapping[str, Any], raw: Sequence[tuple[int, int, bytes]] = (),
            string_bytes: Mapping[str, int] | None = None) -> None:
        """One data message. ``raw``: extra fields as ``(field number, base type id, bytes)``,
        written as given, with the size of the bytes (e.g. a manufacturer field the profile does
        not know, 1 byte declared ``uint32`` = base type 0x86).

        A string field is as long as its UTF-8 bytes and a terminating NUL, unless ``string_bytes``
        gives its size [bytes, NUL included, at most 255: the definition's one-byte size, FIT
        protocol 3.4]: then it is padded with NULs to that size, so a series of messages keeps one
        definition. Raises ValueError for a string that does not fit its size."""
        mesg_num = _MESSAGES_BY_NAME[message][0] if message in _MESSAGES_BY_NAME else None
        if mesg_num is None:
            raise ValueError(f"unknown FIT message {message!r}")
        layout: list[tuple[int, int, int]] = []
        fmt = "<"
        values: list[Any] = []
        for number, base_id, payload in raw:
            layout.append((number, len(payload), base_id))
            fmt += f"{len(payload)}s"
            values.append(bytes(payload))
        for name, value in fields.items():
            spec = _field_spec(message, name)
            encoded = _raw(message, name, spec, value)
            base = spec.base
            if base.name == "string":
                size = (string_bytes or {}).get(name, len(encoded) + 1)
                if not len(encoded) < size <= MAX_FIELD_BYTES:
                    raise ValueError(f"{message}.{name}: {len(encoded)} bytes do not fit a string field of {size} "
                                     f"bytes (at most {MAX_FIELD_BYTES}, the NUL included)")
                fmt += f"{size}s"
                values.append(encoded + b"\0" * (size - len(encoded)))
            else:
                size = struct.calcsize("<" + base.fmt)
                fmt += base.fmt
                values.append(encoded)
            layout.append((spec.number, size, base.identifier))
        key = (mesg_num, tuple(layout))
        local = self._local.get(key)
        if local is None:
            local = self._define(key)
        self._body.append(local & 0x0F)
        self._body += struct.pack(fmt, *values)

    def _define(self, key: tuple) -> int:
        if len(self._order) < 16:
            local = len(self._order)
        else:
            oldest = self._order.pop(0)
            local = self._local.pop(oldest)
        self._order.append(key)
        self._local[key] = local
        mesg_num, layout = key
        self._body.append(0x40 | local)
        self._body += struct.pack("<BBHB", 0, 0, mesg_num, len(layout))
        for number, size, base_id in layout:
            self._body += struct.pack("<BBB", number, size, base_id)
        return local

    def to_bytes(self, *, declared_data_size: int | None = None, file_crc: bool = True) -> bytes:
        """The whole file: 14-byte header (with header CRC), the records, the file CRC.

        For files as unfinished recordings leave them: ``declared_data_size`` puts another data
        size in the header (0: an app that never wrote it), ``file_crc=False`` leaves the CRC out.
        """
        size = len(self._body) if declared_data_size is None else declared_data_size
        header = struct.pack("<BBHI4s", 14, PROTOCOL_VERSION, PROFILE_VERSION, size, b".FIT")
        header += struct.pack("<H", fit_crc(header))
        data = header + bytes(self._body)
        return data + struct.pack("<H", fit_crc(data)) if file_crc else data
