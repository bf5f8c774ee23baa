"""A file's messages are counted from its framing before anything is decoded, and a file that holds
more records than ten days at one a second is refused in one line, before fitparse builds an
object per field (pipeline.fit.census). Expected counts are what the FIT writer wrote."""
from __future__ import annotations

import struct
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from guard_files import write_long_ride

from pipeline.core.errors import RejectedFile
from pipeline.fit.census import MAX_RECORDS, count_messages
from pipeline.fit.framing import fit_crc, scan
from pipeline.fit.reader import decode_activity
from tools.fitwriter import DeviceSpec, RecordSample, encode_activity
from tools.fuzz import walk


def test_the_census_counts_what_the_writer_wrote(tmp_path: Path) -> None:
    data = write_long_ride(tmp_path, 24).read_bytes()
    census = count_messages(data, scan(data))
    assert census.records == 24 * 3600 and not census.over
    # file_id, device_info, two timer events, lap, session, activity besides the records
    assert census.messages == 24 * 3600 + 7


def test_the_census_stops_at_its_bound(tmp_path: Path) -> None:
    data = write_long_ride(tmp_path, 24).read_bytes()
    census = count_messages(data, scan(data), max_records=1000)
    assert census.over and census.records == 1001  # it stopped there, not at the file's end
    assert count_messages(data, scan(data), max_messages=50).over


def _bare_records(count: int, payload: int = 4) -> bytes:
    """A FIT file of one record definition (timestamp only, or ``payload`` bytes of it) and ``count``
    records: the smallest record a definition can promise, many times over."""
    definition = bytes([0x40, 0, 0]) + struct.pack("<H", 20) + bytes([1, 253, payload, 0x86 if payload == 4 else 0x0D])
    base = 1_000_000_000
    if payload == 4:
        body = b"".join(b"\x00" + struct.pack("<I", base + i) for i in range(count))
    else:
        body = (b"\x00" + b"\x00" * payload) * count
    data = definition + body
    header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(data), b".FIT")
    header += struct.pack("<H", fit_crc(header))
    whole = header + data
    return whole + struct.pack("<H", fit_crc(whole))


@pytest.mark.parametrize("payload", [4, 1])
def test_more_records_than_ten_days_hold_is_refused_before_decoding(payload: int) -> None:
    data = _bare_records(MAX_RECORDS + 1, payload)
    started = time.process_time()
    with pytest.raises(RejectedFile) as refused:
        decode_activity(data, "million.fit")
    spent = time.process_time() - started
    assert refused.value.kind == "too_many_records"
    assert "more than 1,000,000 records" in str(refused.value) and "\n" not in str(refused.value)
    # counted, not decoded: fitparse takes about 20 us a record, so a decode would be 20 s of CPU
    # here; the census a few. Generous for a machine five times slower.
    assert spent < 30.0


def test_a_ten_day_activity_at_one_record_a_second_is_not_refused() -> None:
    # 864,000 records is the bound's own case: counted whole, not over
    data = _bare_records(864_000, 1)
    census = count_messages(data, scan(data))
    assert census.records == 864_000 and not census.over


def test_a_definition_promising_more_than_the_file_holds_ends_the_count() -> None:
    t0 = datetime(2026, 6, 1, 6, tzinfo=timezone.utc)
    samples = [RecordSample(timestamp=t0 + timedelta(seconds=i), heart_rate_bpm=140) for i in range(100)]
    data = bytearray(encode_activity(samples, sport="running", device=DeviceSpec()))
    assert count_messages(bytes(data), scan(bytes(data))).records == 100
    record_definitions = [m for m in walk(bytes(data)).messages
                          if m.definition and struct.unpack_from("<H", data, m.start + 3)[0] == 20]
    offset = record_definitions[0].fields[0][0]  # (offset, number, size, base) of its first field
    data[offset + 1] = 255  # that field now promises 255 bytes a record: more than the data holds
    census = count_messages(bytes(data), scan(bytes(data)))
    assert census.records < 100 and not census.over
