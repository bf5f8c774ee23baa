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

import numpy as np
from fitparse import FitFileDecoder
from fitparse.profile import FIELD_TYPE_TIMESTAMP, MESSAGE_TYPES
from fitparse.records import BASE_TYPE_BYTE, BASE_TYPES, DevField, FieldData
from fitparse.utils import FitEOFError, FitParseError

from pipeline.core.untrusted import clean_text
from pipeline.fit.census import Census, SegmentCensus
from pipeline.fit.framing import Framing

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
    records: list[dict[str, Any]] = field(default_factory=list)  # fitparse path: one dict a record
    record_columns: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # fitfast path: (rows, columns) a segment
    weight_scale: list[dict[str, Any]] = field(default_factory=list)  # from any segment
    developer_fields: int = 0
    stop: DecodeStop | None = None
    decoder_warnings: list[str] = field(default_factory=list)
    decoder: str = "fitparse"  # which decoder read the file: "fitfast" or "fitparse" (pipeline.fit.fast)

    @property
    def record_count(self) -> int:
        return len(self.records) + sum(rows for rows, _ in self.record_columns)


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
        # The hook is set on the instance only while a definition message is read: data messages
        # (almost all of a file) keep fitparse's own ``_read_struct`` without an extra call layer.
        self._definition = [None, 0]
        self._read_struct = self._definition_read_struct
        try:
            return super()._parse_definition_message(header)
        finally:
            self._definition = None
            del self._read_struct

    def _definition_read_struct(self, fmt: str, endian: str = "<", data: Any = None, always_tuple: bool = False) -> Any:
        value = FitFileDecoder._read_struct(self, fmt, endian, data, always_tuple)
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


class _FieldData(FieldData):
    """fitparse's ``FieldData`` (same slots and properties), set up by plain assignments: fitparse's
    generic ``__init__`` (``zip_longest`` + ``setattr`` per slot) was a fifth of decoding time."""

    __slots__ = ()
    # fitparse's slots, declared for the type checker (fitparse ships no types); no class attributes
    field_def: Any
    field: Any
    parent_field: Any
    value: Any
    raw_value: Any
    units: Any

    def __init__(self, field_def: Any, field: Any, parent_field: Any, value: Any, raw_value: Any) -> None:
        self.field_def = field_def
        self.field = field
        self.parent_field = parent_field
        self.value = value
        self.raw_value = raw_value
        self.units = field.units if field else None


class _FastDecoder(_Decoder):
    """:class:`_Decoder` with fitparse's data-message step done with fewer Python calls, value for
    value the same (``tests/fit/test_fast_fitparse.py`` compares every field of every shared sample
    with fitparse's own ``FitFileDecoder``):

    * a data message's raw values are read with one precompiled ``struct.Struct`` per definition
      (fitparse unpacks each field separately); definitions with a field whose size is not a whole
      number of its base type, and a message cut short by the end of the bytes, go through
      fitparse's own code (its warnings and errors unchanged);
    * fields are resolved as fitparse does (subfields, components, accumulation, scale and
      offset, compressed timestamps), into :class:`_FieldData`.
    """

    _plans: dict[int, tuple[Any, Any]] | None = None

    def _plan(self, def_mesg: Any) -> Any:
        plans = self._plans
        if plans is None:
            plans = self._plans = {}
        entry = plans.get(id(def_mesg))
        if entry is not None and entry[0] is def_mesg:
            return entry[1]
        fmt, steps, total = [], [], 0
        plan: Any = None
        for field_def in def_mesg.field_defs + def_mesg.dev_field_defs:
            base = field_def.base_type
            width = base.size
            count = int(field_def.size / width)
            if count <= 0 or field_def.size % width:
                break  # fitparse's own path: its errors and odd-size handling
            fmt.append(f"{count}{base.fmt}")
            total += field_def.size
            values = 1 if base.fmt == "s" else count
            steps.append((values, base.name == "byte", base.parse))
        else:
            plan = (struct.Struct(def_mesg.endian + "".join(fmt)), total, steps)
        plans[id(def_mesg)] = (def_mesg, plan)
        return plan

    def _parse_raw_values_from_data_message(self, def_mesg: Any) -> list[Any]:
        plan = self._plan(def_mesg)
        if plan is None or self._filesize - self._file.tell() < plan[1]:
            return super()._parse_raw_values_from_data_message(def_mesg)
        if not plan[1]:
            return []  # a definition without fields
        unpacked = plan[0].unpack(self._read(plan[1]))
        raw_values = []
        at = 0
        for values, is_byte, parse in plan[2]:
            if is_byte:
                raw_values.append(parse(unpacked[at:at + values]))
            elif values == 1:
                raw_values.append(parse(unpacked[at]))
            else:
                raw_values.append(tuple(parse(v) for v in unpacked[at:at + values]))
            at += values
        return raw_values

    def _parse_data_message_components(self, header: Any) -> Any:
        # fitparse 2.7's FitFileDecoder._parse_data_message_components, step for step
        def_mesg = self._local_mesgs.get(header.local_mesg_num)
        if not def_mesg:
            raise FitParseError("Got data message with invalid local message type %d" % header.local_mesg_num)
        raw_values = self._parse_raw_values_from_data_message(def_mesg)
        field_datas = []
        resolve = self._resolve_subfield
        scale_offset = self._apply_scale_offset
        timestamp_num = FIELD_TYPE_TIMESTAMP.def_num
        for field_def, raw_value in zip(def_mesg.field_defs + def_mesg.dev_field_defs, raw_values):
            field, parent_field = field_def.field, None
            if field:
                if field.subfields:
                    field, parent_field = resolve(field, def_mesg, raw_values)
                if field.components:
                    for component in field.components:
                        try:
                            cmp_raw_value = component.render(raw_value)
                        except ValueError:
                            continue
                        if component.accumulate and cmp_raw_value is not None:
                            accumulator = self._accumulators[def_mesg.mesg_num]
                            cmp_raw_value = self._apply_compressed_accumulation(
                                cmp_raw_value, accumulator[component.def_num], component.bits)
                            accumulator[component.def_num] = cmp_raw_value
                        cmp_raw_value = scale_offset(component, cmp_raw_value)
                        cmp_field = def_mesg.mesg_type.fields[component.def_num]
                        cmp_field, cmp_parent_field = resolve(cmp_field, def_mesg, raw_values)
                        field_datas.append(_FieldData(None, cmp_field, cmp_parent_field,
                                                      cmp_field.render(cmp_raw_value), cmp_raw_value))
                rendered = field.render(raw_value)
                if (field.scale or field.offset) and isinstance(rendered, (int, float, tuple)):
                    value = scale_offset(field, rendered)
                else:
                    value = rendered
            else:
                value = raw_value
            if field_def.def_num == timestamp_num and raw_value is not None:
                self._compressed_ts_accumulator = raw_value
            field_datas.append(_FieldData(field_def, field, parent_field, value, raw_value))
        if header.time_offset is not None:
            ts_value = self._compressed_ts_accumulator = self._apply_compressed_accumulation(
                header.time_offset, self._compressed_ts_accumulator, 5)
            field_datas.append(_FieldData(None, FIELD_TYPE_TIMESTAMP, None, FIELD_TYPE_TIMESTAMP.render(ts_value),
                                          ts_value))
        return header, def_mesg, field_datas


# ``warnings.catch_warnings`` swaps process-global state: concurrent decodes (a flow's thread pool)
# take turns. Decoding is pure-Python CPU work that the GIL serialises anyway, so this costs nothing.
_WARNINGS_LOCK = threading.Lock()


def decode_messages(data: bytes, framing: Framing, *, fast: bool | None = None,
                    census: Census | None = None) -> Messages:
    """One pass over every segment's messages; fitparse's warnings are captured, never printed.

    ``fast`` (default: :func:`pipeline.fit.fast.wanted`) lets the optional fast decoder read a file
    whose every segment it reads exactly as fitparse does (:mod:`pipeline.fit.fast`); fitparse
    reads every other file, whole. ``census`` (:func:`pipeline.fit.census.count_messages` of the
    same bytes and framing) tells the fast decoder where the records are, so that it reads the
    other messages without building an object per record.
    """
    out = Messages()
    if fast is None:
        from pipeline.fit import fast as fast_module

        fast = fast_module.wanted()
    counted = {s.index: s for s in census.segments} if census is not None else {}
    if fast and framing.damage is None and framing.segments \
            and all(_decode_segment_fast(data, segment, out, counted.get(segment.index)) for segment in framing.segments):
        out.decoder = "fitfast"
        return out
    out = Messages()
    with _WARNINGS_LOCK, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for segment in framing.segments:
            _decode_segment(data, segment, out)
            if out.stop is not None:
                break
    out.decoder_warnings = sorted({str(w.message) for w in caught})
    return out


class _NotExact(Exception):
    """The fast decoder's reading of a segment is not certain to equal fitparse's: fitparse reads it."""


def _decode_segment_fast(data: bytes, segment: Any, out: Messages, counted: SegmentCensus | None = None) -> bool:
    """The segment read by fitfast into ``out``; False when fitparse must read the file. With the
    segment's census (``counted``), the messages other than records are read on their own and the
    records only as columns; without it (or when the census could not place them), from one
    decode of every message."""
    from pipeline.fit import fast

    if not fast.segment_ok(data, segment):
        return False
    others = counted.others if counted is not None else None
    parsed = fast.parse_segment(data, segment, others)
    if parsed is None or len(parsed.get("file_id", [])) > 1 or fast.developer_names(parsed) & _NATIVE_NAMES:
        return False
    try:
        kept = {name: [_exact(fast.native(name, m)) for m in parsed.get(name, [])] for name in _KEPT_NAMES}
        rows = counted.records if others is not None and counted is not None else len(parsed.get("record", []))
        columns = fast.record_columns(data, segment, rows, _RECORD_FIELDS) if rows else {}
        if columns is None:
            return False
        stamps = columns.get("timestamp")
        if stamps is not None and np.nanmin(stamps, initial=np.inf) < _RELATIVE_LIMIT:
            raise _NotExact("relative (power-on) times")
    except _NotExact:
        return False
    for values in kept["file_id"]:
        out.file_types.append(values.get("type"))
    is_activity: bool | None  # None: no file_id here and no earlier segment to go by
    if kept["file_id"]:
        is_activity = kept["file_id"][0].get("type") in ("activity", None)
        if is_activity and out.file_id is None:
            out.file_id = kept["file_id"][0]
    else:  # a continuation segment: as the previous one
        is_activity = out.file_types[-1] in ("activity", None) if segment.index > 1 and out.file_types else None
    out.weight_scale.extend(kept["weight_scale"])
    out.developer_fields += len(parsed.get("field_description", []))
    if is_activity is not False:
        if rows:
            out.record_columns.append((rows, columns))
        for values in kept["event"]:
            _add_timer_event(out, values)
        for raw, values in zip(parsed.get("session", []), kept["session"]):
            values["_sweat_loss_raw"] = raw.get(SESSION_SWEAT_LOSS_FIELD)
            out.sessions.append(values)
        out.laps.extend(kept["lap"])
        out.sports.extend(kept["sport"])
        out.device_info.extend(kept["device_info"])
        out.activity.extend(kept["activity"])
        out.user_profile.extend(kept["user_profile"])
        out.zones_target.extend(kept["zones_target"])
        out.hr_zones.extend(kept["hr_zone"])
        out.correlations.extend(kept["timestamp_correlation"])
    return True


_KEPT_NAMES = ("file_id", "user_profile", "zones_target", "hr_zone", "sport", "session", "lap", "event",
               "device_info", "weight_scale", "activity", "timestamp_correlation")
_RELATIVE_LIMIT = 0x10000000  # FIT profile: date_time below this is seconds since power-on


def _native_names() -> frozenset[str]:
    names = set(_RECORD_FIELDS)
    for num in _KEPT:
        names.update(f.name for f in MESSAGE_TYPES[num].fields.values())
    return frozenset(names)


_NATIVE_NAMES = _native_names()


def _exact(values: dict[str, Any]) -> dict[str, Any]:
    """A kept message of the fast decoder, refused when one of its times is relative (power-on)."""
    for key in ("timestamp", "start_time", "system_timestamp"):
        value = values.get(key)
        if isinstance(value, (int, float)) and value < _RELATIVE_LIMIT:
            raise _NotExact(key)
    return values


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
                if key is not None and (fd.value is not None or key not in row):
                    # an invalid component (a ``compressed_speed_distance`` of 0xFFFFFF, Zwift)
                    # never blanks the same field read natively
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
            _add_timer_event(out, values)
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
        decoder = _FastDecoder(body, check_crc=False, check_developer_data=False)
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


def _add_timer_event(out: Any, values: dict[str, Any]) -> None:
    """A timer start or stop event (FIT ``event`` message, ``event == timer``) appended to
    ``out.timer_events`` as ``(timestamp, running)``; any other event is ignored."""
    if values.get("event") == "timer" and values.get("timestamp") is not None:
        kind = values.get("event_type")
        if kind == "start":
            out.timer_events.append((values["timestamp"], True))
        elif kind in _TIMER_STOPS:
            out.timer_events.append((values["timestamp"], False))
