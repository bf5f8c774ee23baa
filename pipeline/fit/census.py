"""How many messages a FIT file holds, counted from its framing before anything is decoded.

The fitparse path builds a Python object per field of every message: a file of 40-60 MiB of
records (millions of them) takes minutes and gigabytes before the model, which integrates at most
ten days of activity (:data:`pipeline.physiology.timeline.MAX_SPAN_S`), would use a tenth of them.
:func:`count_messages` walks the record headers and definition messages only (Garmin FIT SDK,
"The FIT protocol": record headers 3.3.4-3.3.5, definition messages 3.3.6-3.3.7), a few
bytes read per message, and stops as soon as the count passes the bound, so the work is bounded
by the bound, not by the file. A file that holds more is refused in one line before decoding.

Data messages are sized by their definitions; a definition that promises a message larger than
the bytes left, or a data message of a local type never defined, ends the count there (what
follows cannot be read as messages; the decoder reports it as damage).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.fit.framing import Framing

MESG_RECORD = 20
MAX_RECORDS = 1_000_000
"""Most record messages a file may hold: ten days of activity (:data:`~pipeline.physiology.timeline.MAX_SPAN_S`,
the longest the model integrates) at one record a second (the rate of "every second" recording,
the most a watch or bike computer writes) is 864,000; a little over that for a device that writes
a few records more. More is not one activity this model could read whole."""
MAX_MESSAGES = 4_000_000
"""Most data messages of any kind: four per record second of the bound above (records, HRV,
events, device and lap messages of a ten-day activity); a file of more is not one activity."""


@dataclass(frozen=True)
class SegmentCensus:
    """One segment's count, and where its messages other than records lie (for the fast decoder).

    ``others``: the byte ranges ``(start, stop)`` of ``data`` holding every definition message and
    every data message that is not a record, in file order; None when the walk did not reach the
    end of the segment's data (odd bytes: only the decoder can say what they are) or a message
    other than a record has a compressed-timestamp header (its time is counted from the records
    before it, so it cannot be read without them)."""

    index: int
    records: int
    others: tuple[tuple[int, int], ...] | None


@dataclass(frozen=True)
class Census:
    """Data messages counted (all kinds, and records), and whether the count stopped at a bound;
    per segment, its records and the byte ranges of its other messages (:class:`SegmentCensus`)."""

    messages: int
    records: int
    over: bool
    segments: tuple[SegmentCensus, ...] = ()


_RUN_CHUNK = 4096  # headers compared at once when a run of same-sized data messages is skipped


def _run_length(view: np.ndarray, pos: int, stride: int, local: int, last: int, limit: int) -> int:
    """How many data messages of local type ``local`` follow one another from the header at ``pos``,
    each ``stride`` bytes (header + data): at most ``limit``, none whose header is past ``last``."""
    if limit <= 0 or pos > last:
        return 0
    count = min(limit, (last - pos) // stride + 1)
    run = 0
    while run < count:
        take = min(_RUN_CHUNK, count - run)
        heads = view[pos + run * stride: pos + (run + take - 1) * stride + 1: stride]
        compressed = (heads & 0x80) != 0
        same = np.where(compressed, ((heads >> 5) & 0x3) == local, ((heads & 0x40) == 0) & ((heads & 0x0F) == local))
        if same.all():
            run += take
            continue
        return run + int(np.argmin(same))
    return run


def count_messages(data: bytes, framing: Framing, max_records: int = MAX_RECORDS,
                   max_messages: int = MAX_MESSAGES) -> Census:
    """Data messages and record messages in every segment of ``data``, stopping once either passes
    its bound (``over`` is then True). Never raises: odd bytes end a segment's count.

    A run of data messages of one local type (the records of a file, mostly) is counted by
    comparing their header bytes at once (numpy), not one by one: the same count, message for
    message, and the bounds still stop it at the exact message that passes them."""
    view = np.frombuffer(data, dtype=np.uint8)
    messages = records = 0
    counted: list[SegmentCensus] = []
    for segment in framing.segments:
        pos = segment.start + segment.header_size
        end = min(len(data), pos + segment.available_data)
        sizes: dict[int, tuple[int, int]] = {}  # local type -> (data message size, global number)
        others: list[tuple[int, int]] | None = []
        segment_records = 0
        whole = False  # the walk reached the end of the segment's data
        while pos < end:
            start = pos
            head = data[pos]
            pos += 1
            if head & 0x80:  # compressed timestamp header: a data message of local type 0-3
                local = (head >> 5) & 0x3
            elif head & 0x40:  # definition message
                local = head & 0x0F
                if pos + 5 > end:
                    break
                big = data[pos + 1] == 1
                number = int.from_bytes(data[pos + 2:pos + 4], "big" if big else "little")
                count = data[pos + 4]
                pos += 5
                if pos + 3 * count > end:
                    break
                size = sum(data[pos + 3 * i + 1] for i in range(count))
                pos += 3 * count
                if head & 0x20:  # developer fields
                    if pos + 1 > end:
                        break
                    dev = data[pos]
                    pos += 1
                    if pos + 3 * dev > end:
                        break
                    size += sum(data[pos + 3 * i + 1] for i in range(dev))
                    pos += 3 * dev
                sizes[local] = (size, number)
                if others is not None:
                    others.append((start, pos))
                continue
            else:
                local = head & 0x0F
            known = sizes.get(local)
            if known is None or pos + known[0] > end:
                break
            pos += known[0]
            messages += 1
            if known[1] == MESG_RECORD:
                records += 1
                segment_records += 1
                if records > max_records:
                    return Census(messages, records, True)
            elif others is not None:
                others = None if head & 0x80 else others
                if others is not None:
                    others.append((start, pos))
            if messages > max_messages:
                return Census(messages, records, True)
            # the same local type again, many times (records): counted at once, short of either bound
            stride = known[0] + 1
            limit = max_messages - messages
            if known[1] == MESG_RECORD:
                limit = min(limit, max_records - records)
            elif others is not None:
                limit = 0  # other messages are kept one by one (their byte ranges)
            if pos + stride <= end and limit > 1:
                nxt = data[pos]
                if ((nxt & 0x80) and ((nxt >> 5) & 0x3) == local) or (not (nxt & 0xC0) and (nxt & 0x0F) == local):
                    run = _run_length(view, pos, stride, local, end - stride, limit)
                    pos += run * stride
                    messages += run
                    if known[1] == MESG_RECORD:
                        records += run
                        segment_records += run
        else:
            whole = pos == end
        counted.append(SegmentCensus(segment.index, segment_records,
                                     tuple(others) if others is not None and whole else None))
    return Census(messages, records, False, tuple(counted))
