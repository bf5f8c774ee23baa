"""Files for the guard tests: a long ride written with tools/fitwriter, and the guarded
child's own address space at rest, to set limits a file provably crosses.

Imported as ``guard_files`` (tests/ is on sys.path)."""
from __future__ import annotations

import hashlib
import os
import struct
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pipeline.fit.framing import fit_crc
from tools.fitwriter import DeviceSpec, RecordSample, encode_activity, write

LONG_RIDE_H = 24
"""A 24-hour ride at 1 Hz (86,400 records, 1.4 MB): about 1.7 s to process here (a third of the
72-hour ride's 5.0 s, measured at load 1.2 on 2 cores) and 40-80 MB over the child's resting
address space, against about 0.1 s and under 40 MB for the 17-minute sample. Its header CRC is 0
(allowed by the FIT protocol, "the header CRC is optional"), which sends it to the fitparse decoder
(pipeline.fit.fast reads such files with fitparse): those figures are for that decoder."""

SLOW_RIDE_H = 72
"""Three days at 1 Hz (259,200 records, 4.4 MB): 5.0 s to process in a guarded child here (load 1.2
on 2 cores; about 3.5 s on the faster CI machine), against 0.1 s for each of the 17-minute and
1-minute samples once the child is warm: a 1 s limit sits 10 times above the one and 3.5 times
below the other, so it sets the ride aside and not the samples on a slower or a faster machine."""

_CACHE = Path(tempfile.gettempdir()) / "sweatline-test-rides"

LIMIT_OVER_SHORT = 8
"""How many times the slowest measured read of a short sample a time limit is set at: the 72-hour ride
takes about 50 times as long as a short sample on the same machine at the same load (5.0 s against
0.1 s here), so a limit 8 times the short read leaves a margin of about 6 on either side, at any
machine speed or load, as long as the load does not change by that much between the measure and the
run."""


def time_limit_s(samples: list[Path], scratch: Path) -> float:
    """A ``limits.file_time_s`` (s) that the short ``samples`` stay under and the 72-hour ride
    (:data:`SLOW_RIDE_H`) goes over on this machine at its present load: each sample is read through
    the guard as a nightly reads it (a guarded child of the started forkserver), twice, and the limit is
    :data:`LIMIT_OVER_SHORT` times the slowest read, rounded up to a half second and at least 1 s.
    Scaling the limit instead of fixing it is what keeps a time-limit test true at load 15 as on a
    quiet machine (a fixed 1 s let a 17-minute sample be set aside at load 7 with three workers)."""
    import math
    import time

    from pipeline.core.config import LimitsConfig, parse_config
    from pipeline.runtime.guard import run_guarded
    from pipeline.usecases.guarded import process_file_guarded

    run_guarded(sum, ([1, 2],), LimitsConfig())  # the forkserver up first: its imports are not a read
    config = parse_config({"inbox": str(scratch), "data_dir": str(scratch / "calibration-data"),
                           "limits": {"file_time_s": 300}})
    slowest = 0.0
    for _ in range(2):
        for sample in samples:
            started = time.monotonic()
            process_file_guarded(sample, config)
            slowest = max(slowest, time.monotonic() - started)
    return max(1.0, math.ceil(2 * LIMIT_OVER_SHORT * slowest) / 2)


def write_long_ride(folder: Path, hours: float = LONG_RIDE_H, name: str = "long-ride.fit") -> Path:
    """A valid FIT activity of ``hours`` hours at 1 Hz (cycling: speed, distance, HR, power, cadence),
    written to ``folder/name``. Writing three days takes about 7 s, so the bytes are kept in the
    system's temporary folder, keyed by the hours and the writer's source, for the other tests and
    workers of the run."""
    writer = Path(__file__).resolve().parents[1] / "tools" / "fitwriter.py"
    key = hashlib.sha256(writer.read_bytes() + Path(__file__).read_bytes()).hexdigest()[:16]
    cached = _CACHE / f"ride-{hours:g}h-{key}.fit"
    if not cached.is_file():
        _CACHE.mkdir(exist_ok=True)
        fd, partial = tempfile.mkstemp(dir=_CACHE, suffix=".part")
        with os.fdopen(fd, "wb") as out:
            out.write(_long_ride_bytes(hours))
        os.replace(partial, cached)  # atomic: another worker sees the whole file or none
    return write(Path(folder) / name, cached.read_bytes())


def _long_ride_bytes(hours: float) -> bytes:
    start = datetime(2026, 6, 1, 6, tzinfo=timezone.utc)
    samples = [RecordSample(timestamp=start + timedelta(seconds=i), distance_m=8.0 * i, speed_m_per_s=8.0,
                            heart_rate_bpm=140 + (i % 20), power_w=200 + (i % 50), cadence_rpm=90)
               for i in range(int(hours * 3600))]
    data = encode_activity(samples, sport="cycling", device=DeviceSpec(manufacturer="garmin", serial_number=424242))
    body = data[:12] + b"\x00\x00" + data[14:-2]  # header CRC 0; the file CRC covers header and data
    return body + struct.pack("<H", fit_crc(body))


def resting_address_space_mb() -> int:
    """The address space (MiB, ``VmSize``) of a guarded child before it reads anything."""
    from pipeline.core.config import LimitsConfig
    from pipeline.runtime.guard import run_guarded

    status = run_guarded(Path.read_text, (Path("/proc/self/status"),), LimitsConfig())
    line = next(line for line in status.splitlines() if line.startswith("VmSize:"))
    return int(line.split()[1]) // 1024 + 1


_HOARD: list[bytearray] = []


def hoard(mib: int) -> int:
    """In a guarded child: keep ``mib`` MiB more (written to, so really mapped) for the child's life,
    as a file's leftovers would; returns the child's pid. A module function, so it pickles by name."""
    import os

    block = bytearray(mib * 2**20)
    block[::4096] = b"\x01" * len(block[::4096])
    _HOARD.append(block)
    return os.getpid()
