"""The optional fast decoder: ``fitfast`` (a Rust FIT parser on PyPI, ``pip install sweatline[fast]``)
behind the same :class:`~pipeline.fit.messages.Messages` as the fitparse path.

Used when installed, for the files it is known to read exactly as fitparse does; fitparse reads
every other one (:func:`pipeline.fit.messages.decode_messages` falls back):

* only a whole, undamaged segment (the framing found its declared data and a right file CRC)
  with a 14-byte header whose header CRC is set and right — fitfast refuses a header CRC of 0
  (allowed by the FIT SDK: "not computed") and then checks the file CRC over the data only;
* not a file whose developer fields reuse the name of a native field we read (fitfast keys
  developer fields by their declared name, which would shadow the native value);
* not a file with a field whose size is not a whole number of its base type (fitparse's path
  reads those as raw bytes, :class:`~pipeline.fit.messages._Decoder`), nor any file fitfast
  refuses (``FitDecodeError``) or that makes it fail in any other way.

Values are taken from fitfast *raw* (``enum_names=False``, Unix seconds) and named with
fitparse's FIT profile — enum names, the ``garmin_product``-style subfields, unknown fields as
``unknown_N`` — and FIT ``date_time`` values are put back on the FIT epoch
(1989-12-31T00:00:00Z = Unix 631065600 s, FIT SDK "date_time"), so everything after decoding is
the same code for both decoders. ``tests/fit/test_fast_decoder.py`` runs both over every shared
sample and compares the activities.

``SWEATLINE_DECODER=fitparse`` forces the fitparse path (``auto``, the default, uses fitfast when
installed; ``fitfast`` is the same as ``auto``: a file fitfast cannot read exactly still goes to
fitparse).
"""
from __future__ import annotations

import contextlib
import os
import struct
import sys
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import numpy as np

DECODER_ENV = "SWEATLINE_DECODER"
FIT_EPOCH_UNIX_S = 631065600  # 1989-12-31T00:00:00Z in Unix seconds (FIT SDK, "date_time")
_DATE_TYPES = ("date_time", "local_date_time")


def wanted() -> bool:
    """Whether the fast decoder may be used: installed, and not switched off by ``SWEATLINE_DECODER``."""
    choice = os.environ.get(DECODER_ENV, "auto").strip().lower() or "auto"
    if choice == "fitparse":
        return False
    if choice not in ("auto", "fitfast"):
        from pipeline.core.errors import UsageError

        raise UsageError(DECODER_ENV, f"must be auto, fitfast or fitparse, got {choice!r}")
    return _module() is not None


@lru_cache(maxsize=1)
def _module() -> Any:
    try:
        import fitfast
    except ImportError:
        return None
    return fitfast


def version() -> str | None:
    """``fitfast x.y.z`` when it is installed, else None."""
    module = _module()
    return f"fitfast {module.__version__}" if module is not None else None


@lru_cache(maxsize=None)
def _profile(name: str) -> tuple[Any, dict[str, Any], frozenset[str]] | None:
    """fitparse's message type of that name, its fields by name, and its date/time field names."""
    from fitparse.profile import MESSAGE_TYPES

    for mtype in MESSAGE_TYPES.values():
        if mtype.name == name:
            fields = {f.name: f for f in mtype.fields.values()}
            dates = frozenset(n for n, f in fields.items() if getattr(f.type, "name", None) in _DATE_TYPES)
            return mtype, fields, dates
    return None


def segment_ok(data: bytes, segment: Any) -> bool:
    """Whether a segment is one fitfast reads exactly: whole, and a 14-byte header with its CRC set and right."""
    from pipeline.fit.framing import fit_crc

    if segment.cut or segment.open_ended or segment.header_size != 14:
        return False
    header = data[segment.start:segment.start + 14]
    stored = struct.unpack_from("<H", header, 12)[0]
    if struct.unpack_from("<I", header, 4)[0] != segment.data_size:
        return False
    return stored != 0 and stored == fit_crc(header[:12])


@contextlib.contextmanager
def _panic_message_hidden() -> Iterator[None]:
    """File descriptor 2 pointed at /dev/null for the call: a Rust panic prints its message there
    before pyo3 raises, and the command-line contract is one line on stderr. The files are read
    in the guard's single-threaded child (pipeline.runtime.guard), so nothing else writes meanwhile."""
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def parse_segment(data: bytes, segment: Any, others: tuple[tuple[int, int], ...] | None = None,
                  ) -> dict[str, list[dict[Any, Any]]] | None:
    """fitfast's raw messages of one segment (with its file CRC), or None when it refuses the bytes.

    ``others`` (:attr:`pipeline.fit.census.SegmentCensus.others`: the byte ranges of the segment's
    definitions and of its data messages other than records) has fitfast read those messages alone,
    as a FIT file of their own (:func:`without_records`): no Python object is built for a record,
    which :func:`record_columns` reads as columns. The result then has no ``record`` list."""
    if others is None:
        return _on_segment(data, segment, "parse", enum_names=False, datetimes=False)
    return _call("parse", without_records(data, segment, others), enum_names=False, datetimes=False)


def without_records(data: bytes, segment: Any, others: tuple[tuple[int, int], ...]) -> bytes:
    """The segment's definitions and other messages, in their order, as a whole FIT file: its
    14-byte header with the new data size and header CRC, the messages, the file CRC (FIT SDK,
    "The FIT protocol" 3.3.1-3.3.2). Read alone, each message decodes as it does in the whole
    segment: definitions keep every local type as it was, a message's own timestamp field stays
    with it (a message with a compressed-timestamp header, whose time comes from the records
    before it, makes ``others`` None), and fitfast accumulates a field within its message kind."""
    from pipeline.fit.framing import fit_crc

    body = b"".join(data[start:stop] for start, stop in others)
    header = bytearray(data[segment.start:segment.start + 12])
    struct.pack_into("<I", header, 4, len(body))
    header += struct.pack("<H", fit_crc(bytes(header)))
    whole = bytes(header) + body
    return whole + struct.pack("<H", fit_crc(whole))


def _on_segment(data: bytes, segment: Any, function: str, *args: Any, **kwargs: Any) -> Any:
    """fitfast's ``function`` over one segment's bytes (with its file CRC), or None when it refuses them."""
    end = segment.start + segment.header_size + segment.data_size + 2
    return _call(function, data[segment.start:end], *args, **kwargs)


def _call(function: str, data: bytes, *args: Any, **kwargs: Any) -> Any:
    """fitfast's ``function`` over whole FIT bytes, or None when it refuses them."""
    module = _module()
    try:
        with _panic_message_hidden():
            return getattr(module, function)(data, *args, **kwargs)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # FitDecodeError, or a Rust panic (pyo3's PanicException is a
        # BaseException: fitfast 0.1 panics on a zero-size field, "remainder with a divisor of zero",
        # found by tests/fit/test_fuzz.py): fitparse reads the file
        return None


def native(name: str, message: dict[Any, Any]) -> dict[str, Any]:
    """A message as the fitparse path keeps it (:func:`pipeline.fit.messages._fields`): enum names
    and subfields from fitparse's profile, FIT-epoch times, unknown fields as ``unknown_N``."""
    profile = _profile(name)
    if profile is None:
        return {(f"unknown_{k}" if isinstance(k, int) else k): v for k, v in message.items()}
    mtype, fields, dates = profile
    out: dict[str, Any] = {}
    for key, value in message.items():
        if isinstance(key, int):
            out[f"unknown_{key}"] = value
            continue
        if key in dates and isinstance(value, (int, float)):
            value = int(value) - FIT_EPOCH_UNIX_S
        field = fields.get(key)
        if field is None:
            out[key] = value
            continue
        name_used, shown = key, value
        for sub in field.subfields or ():
            if any(_raw(message, fields, ref.def_num) == ref.raw_value for ref in sub.ref_fields):
                if (sub.scale or None) == (field.scale or None) and (sub.offset or None) == (field.offset or None):
                    name_used, shown = sub.name, _render(sub, value)
                break
        if name_used == key:
            shown = _render(field, value)
        out[name_used] = shown
        out.setdefault(key, shown)
    return out


def _raw(message: dict[Any, Any], fields: dict[str, Any], def_num: int) -> Any:
    for key, value in message.items():
        field = fields.get(key) if isinstance(key, str) else None
        if (field is not None and field.def_num == def_num) or key == def_num:
            return value
    return None


def _render(field: Any, value: Any) -> Any:
    values = getattr(field.type, "values", None)
    if values and isinstance(value, int) and value in values:
        return values[value]
    return value


_EXPANDED = (("enhanced_speed", "speed", 0.0011), ("enhanced_altitude", "altitude", 0.21))
"""fitfast 0.1 expands the 16-bit ``speed`` into ``enhanced_speed`` one unit low (4.06 -> 4.059 m/s,
about 1 % of records), where fitparse gives the same value (FIT profile: ``speed`` is a component
of scale 1000 feeding ``enhanced_speed``); where both are there and differ by at most one unit of
the 16-bit field, the 16-bit value is taken, as fitparse does."""


def record_columns(data: bytes, segment: Any, rows: int, names: tuple[str, ...]) -> dict[str, np.ndarray] | None:
    """The record fields we read (``names``) of one segment, as float columns of ``rows`` values: NaN
    where a record has none, FIT-epoch timestamps; a field no record has is left out. Decoded by
    fitfast's column reader (``fitfast.records``, in Rust: 0.15 s on a 9.5 h file at 1 s recording,
    where building the columns from :func:`parse_segment`'s per-record dictionaries took 0.4 s).
    None when it refuses the bytes or its columns are not ``rows`` long (fitparse reads the file)."""
    decoded = _on_segment(data, segment, "records", "record", degrees=False)
    if decoded is None:
        return None
    columns: dict[str, np.ndarray] = {}
    for name in names:
        column = decoded.get(name)
        if column is None:
            continue
        column = np.asarray(column, dtype=float)
        if column.shape != (rows,):
            return None
        if not np.isnan(column).all():
            columns[name] = column
    for enhanced, legacy, step in _EXPANDED:
        if enhanced in columns and legacy in columns:
            value, base = columns[enhanced], columns[legacy]
            columns[enhanced] = np.where(np.abs(value - base) <= step, base, value)  # NaN on either side: kept
    if "timestamp" in columns:
        columns["timestamp"] = columns["timestamp"] - FIT_EPOCH_UNIX_S
    return columns


def developer_names(messages: dict[str, list[dict[Any, Any]]]) -> set[str]:
    """The names the file's developer fields declare (``field_description.field_name``)."""
    return {str(d.get("field_name")) for d in messages.get("field_description", []) if d.get("field_name") is not None}
