"""One pass over a FIT file's messages, with fitparse as the message decoder.

How the work is split, and why it is fast
-----------------------------------------
* :mod:`pipeline.fit.framing` checks the container first (headers, sizes, CRC) and hands over
  the CRC-stripped segments; the decoder then runs with ``check_crc=False``.
* Messages are decoded by ``fitparse.FitFileDecoder`` — fitparse's own decoder (definitions,
  compressed-timestamp headers, component expansion such as ``speed`` -> ``enhanced_speed``,
  subfields such as ``garmin_product``, developer fields, enum names from its FIT profile)
  without the ``FitFile`` data-processor layer, whose only effects are turning every
  ``date_time`` into a naive ``datetime`` and re-labelling units. We take the scaled values and
  convert times and semicircles column-wise once, with numpy, at the end
  (:mod:`pipeline.fit.records`).
* Every message is visited exactly once. A ``record`` costs one dict lookup per field (keyed by
  fitparse's profile ``Field`` object, so a developer field that happens to be called "power"
  can never be taken for the native one); all other messages are few and kept as small dicts.
  A weight-scale file's ``weight_scale`` messages are kept in the same pass
  (:mod:`pipeline.fit.scale` turns them into readings).

Names (sport, sub_sport, manufacturer, product) are whatever fitparse's FIT profile calls them;
a number the profile does not know stays a number and is written as its decimal string, as the
Garmin SDK does (:func:`fit_name`). There is no table of our own.
"""
from __future__ import annotations

import math
import struct
import threading
import warnings
from dataclasses import dataclass, field
from typing import Any

from fitparse import FitFileDecoder
from fitparse.profile import FIELD_TYPE_TIMESTAMP, MESSAGE_TYPES
from fitparse.records import BASE_TYPE_BYTE, BASE_TYPES, DevField
from fitparse.utils import FitEOFError, FitParseError

from pipeline.fit.framing import Framing
from pipeline.untrusted import clean_text

# Global message numbers (FIT profile, "mesg_num" type).
MESG_FILE_ID, MESG_USER_PROFILE, MESG_ZONES_TARGET, MESG_HR_ZONE = 0, 3, 7, 8
MESG_SPORT, MESG_SESSION, MESG_LAP, MESG_RECORD, MESG_EVENT = 12, 18, 19, 20, 21
MESG_DEVICE_INFO, MESG_WEIGHT_SCALE, MESG_ACTIVITY, MESG_FILE_CREATOR = 23, 30, 34, 49
MESG_TIMESTAMP_CORRELATION, MESG_FIELD_DESCRIPTION = 162, 206
_KEPT = {MESG_FILE_ID, MESG_USER_PROFILE, MESG_ZONES_TARGET, MESG_HR_ZONE, MESG_SPORT, MESG_SESSION,
         MESG_LAP, MESG_EVENT, MESG_DEVICE_INFO, MESG_WEIGHT_SCALE, MESG_ACTIVITY, MESG_TIMESTAMP_CORRELATION}

SESSION_SWEAT_LOSS_FIELD = 178  # Garmin session field 178: estimated sweat loss, mL (not in the public profile)

# Native record fields we read, keyed by fitparse's profile Field objects (identity lookups).
_RECORD_FIELDS = ("timestamp", "heart_rate", "power", "speed", "enhanced_speed", "distance", "altitude",
                  "enhanced_altitude", "cadence", "fractional_cadence", "temperature", "position_lat",
                  "position_long", "calories")
_RECORD_KEY: dict[Any, str] = {
    fld: fld.name for fld in MESSAGE_TYPES[MESG_RECORD].fields.values() if fld.name in _RECORD_FIELDS}
_RECORD_KEY[FIELD_TYPE_TIMESTAMP] = "timestamp"  # the field fitparse adds for compressed-timestamp headers

_TIMER_STOPS = {"stop", "stop_all", "stop_disable", "stop_disable_all"}
# Errors fitparse can raise on odd input besides its own FitParseError (STYLE §6: fitparse#38).
DECODE_ERRORS = (FitParseError, KeyError, TypeError, UnicodeDecodeError, IndexError, ValueError,
                 struct.error, AttributeError, OverflowError)


@dataclass
class DecodeStop:
    """Decoding stopped early: in which chained file, at which byte, and why."""

    segment: int
    offset: int | None
    reason: str
    expected: bool = False  # the framing already knew: the bytes of a truncated segment ran out


@dataclass
class Messages:
    """What one pass over the messages keeps (only from activity segments)."""

    file_types: list[Any] = field(default_factory=list)  # file_id.type of every segment with a file_id
    file_id: dict[str, Any] | None = None  # the first activity file_id
    creator_info: list[dict[str, Any]] = field(default_factory=list)
    device_info: list[dict[str, Any]] = field(default_factory=list)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    laps: list[dict[str, Any]] = field(default_factory=list)
    sports: list[dict[str, Any]] = field(default_factory=list)
    timer_events: list[tuple[int, bool]] = field(default_factory=list)
    activity: list[dict[str, Any]] = field(default_factory=list)
    user_profile: list[dict[str, Any]] = field(default_factory=list)
    zones_target: list[dict[str, Any]] = field(default_factory=list)
    hr_zones: list[dict[str, Any]] = field(default_factory=list)
    correlations: list[dict[str, Any]] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)
    weight_scale: list[dict[str, Any]] = field(default_factory=list)  # from any segment
    developer_fields: int = 0
    stop: DecodeStop | None = None
    decoder_warnings: list[str] = field(default_factory=list)


def _fields(message: Any) -> dict[str, Any]:
    """A data message's native fields as ``{name: value}`` (subfields also under the parent's
    name, e.g. ``garmin_product`` -> ``product``; unknown fields as ``unknown_N``). Developer
    fields are left out: their names are untrusted and may shadow native ones."""
    out: dict[str, Any] = {}
    for fd in message.fields:
        fld = fd.field
        if fld is None:
            out[f"unknown_{fd.field_def.def_num}"] = fd.value
            continue
        if isinstance(fld, DevField):
            continue
        out[fld.name] = fd.value
        if fd.parent_field is not None:
            out.setdefault(fd.parent_field.name, fd.value)
    return out


class _Decoder(FitFileDecoder):
    """fitparse's decoder with one narrow fix: a field the FIT profile does not know, whose size is
    not a multiple of its base type's size (a manufacturer field of 1 byte declared ``uint32``),
    is read as raw bytes (base type ``byte``).

    fitparse 2.7 means to do exactly that ("falling back to byte encoding"), but its warning
    formats ``field.name`` of the unknown field (``None``) and raises ``AttributeError``, so the
    whole file stopped at its first definition of such a field. Here the field definition's
    base type is rewritten to ``byte`` as it is read (``_read_struct`` of the ``3B`` triples of a
    definition message's native fields), before fitparse looks at it; known fields with an odd
    size keep fitparse's own handling. Developer-field triples are left alone.
    """

    _definition: list[Any] | None = None  # [message type or None, native field triples still to read]
    odd_fields = 0

    def _parse_definition_message(self, header: Any) -> Any:
        self._definition = [None, 0]
        try:
            return super()._parse_definition_message(header)
        finally:
            self._definition = None

    def _read_struct(self, fmt: str, endian: str = "<", data: Any = None, always_tuple: bool = False) -> Any:
        value = super()._read_struct(fmt, endian, data, always_tuple)
        state = self._definition
        if state is None or data is not None:
            return value
        if fmt == "HB":  # global message number, number of native fields
            state[0], state[1] = MESSAGE_TYPES.get(value[0]), value[1]
        elif fmt == "3B" and state[1] > 0:  # field number, size, base type
            state[1] -= 1
            number, size, base_num = value
            base = BASE_TYPES.get(base_num, BASE_TYPE_BYTE)
            known = state[0].fields.get(number) if state[0] is not None else None
            if known is None and size % base.size:
                self.odd_fields += 1
                return number, size, BASE_TYPE_BYTE.identifier
        return value


# ``warnings.catch_warnings`` swaps process-global state: concurrent decodes (a flow's thread pool)
# take turns. Decoding is pure-Python CPU work that the GIL serialises anyway, so this costs nothing.
_WARNINGS_LOCK = threading.Lock()


def decode_messages(data: bytes, framing: Framing) -> Messages:
    """One pass over every segment's messages; fitparse's warnings are captured, never printed."""
    out = Messages()
    with _WARNINGS_LOCK, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for segment in framing.segments:
            _decode_segment(data, segment, out)
            if out.stop is not None:
                break
    out.decoder_warnings = sorted({str(w.message) for w in caught})
    return out


def _decode_segment(data: bytes, segment: Any, out: Messages) -> None:
    body = data[segment.body]
    if struct.unpack_from("<I", body, 4)[0] != segment.data_size:
        # a header that never had its data size written (0: an unfinished recording, see
        # framing._open_ended): fitparse takes the header's word for where the data ends, so it is
        # given the size the framing found (header CRC 0 = "not computed", FIT SDK 3.3.1)
        patched = bytearray(body)
        struct.pack_into("<I", patched, 4, segment.data_size)
        if segment.header_size >= 14:
            struct.pack_into("<H", patched, 12, 0)
        body = bytes(patched)
    truncated = segment.cut
    records = out.records
    record_key = _RECORD_KEY
    is_activity: bool | None = None  # decided by this segment's file_id (a continuation has none)
    if segment.index > 1 and out.file_types:
        is_activity = out.file_types[-1] in ("activity", None)
    pending: Any = None  # one message behind, so the last (possibly partial) one can be dropped
    decoder = None

    def handle(message: Any) -> None:
        nonlocal is_activity
        num = message.def_mesg.mesg_num
        if num == MESG_RECORD:
            if is_activity is False:
                return
            row = {}
            for fd in message.fields:
                key = record_key.get(fd.field)
                if key is not None:
                    row[key] = fd.value
            records.append(row)
            return
        if num == MESG_FIELD_DESCRIPTION:
            out.developer_fields += 1
            return
        if num not in _KEPT:
            return
        values = _fields(message)
        if num == MESG_FILE_ID:
            out.file_types.append(values.get("type"))
            is_activity = values.get("type") in ("activity", None)
            if is_activity and out.file_id is None:
                out.file_id = values
            return
        if num == MESG_WEIGHT_SCALE:  # a smart scale's file (not an activity): kept whatever the segment
            out.weight_scale.append(values)
            return
        if is_activity is False:
            return
        if num == MESG_EVENT:
            if values.get("event") == "timer" and values.get("timestamp") is not None:
                kind = values.get("event_type")
                if kind == "start":
                    out.timer_events.append((values["timestamp"], True))
                elif kind in _TIMER_STOPS:
                    out.timer_events.append((values["timestamp"], False))
            return
        target = {
            MESG_SESSION: out.sessions, MESG_LAP: out.laps, MESG_SPORT: out.sports,
            MESG_DEVICE_INFO: out.device_info, MESG_ACTIVITY: out.activity,
            MESG_USER_PROFILE: out.user_profile, MESG_ZONES_TARGET: out.zones_target,
            MESG_HR_ZONE: out.hr_zones, MESG_TIMESTAMP_CORRELATION: out.correlations,
        }[num]
        if num == MESG_SESSION:
            values["_sweat_loss_raw"] = _raw_field(message, SESSION_SWEAT_LOSS_FIELD)
        target.append(values)

    try:
        decoder = _Decoder(body, check_crc=False, check_developer_data=False)
        for message in decoder.get_messages():
            if pending is not None:
                handle(pending)
            pending = message
    except FitEOFError as exc:
        # Running out of bytes is expected in a segment the framing found truncated; the last
        # message may be cut short (fitparse keeps the fields it got), so it is dropped.
        pending = None
        if not truncated:
            out.stop = DecodeStop(segment.index, _offset(decoder, segment), f"unexpected end of data ({exc})")
        else:
            out.stop = DecodeStop(segment.index, _offset(decoder, segment), "end of the bytes present", expected=True)
        return
    except DECODE_ERRORS as exc:
        # Undecodable bytes: the message decoded just before them may already be garbage
        # (a damaged file rarely breaks exactly on a message boundary), so it is dropped too.
        pending = None
        out.stop = DecodeStop(segment.index, _offset(decoder, segment),
                              f"undecodable data ({type(exc).__name__}: {exc})")
        return
    if pending is not None:
        handle(pending)


def _offset(decoder: Any, segment: Any) -> int | None:
    try:
        return segment.start + decoder._file.tell() - 1  # fitparse keeps its stream private
    except Exception:  # closed or never opened: the position is only informative
        return None


def _raw_field(message: Any, def_num: int) -> Any:
    for fd in message.fields:
        if fd.field_def is not None and fd.field_def.def_num == def_num and not isinstance(fd.field, DevField):
            return fd.value
    return None


# ----------------------------------------------------------------------------------------------
# values


def fit_name(value: Any) -> str | None:
    """A FIT enum value as the profile names it; a number it does not know as its decimal string."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else str(value)
    return clean_text(value)  # a string enum value is the file's own text: untrusted


def fit_number(value: Any) -> float | None:
    if value is None or isinstance(value, (str, bytes, tuple, list)):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def fit_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    text = clean_text("".join(ch for ch in str(value) if ch.isprintable())).strip()
    return text or None
