"""Seeded fuzzing of ingest: mutants of real FIT files through ``sweatline ride
--json`` (one process each, with a timeout) and one ``sweatline nightly`` over the whole batch.

    .venv/bin/python -m tools.fuzz --seed 14 --count 300 [--timeout 60] [--jobs 2] [--nightly-max N]
                                   [--samples DIR] [--keep DIR]

Every mutant must be processed (exit 0) or rejected with exactly one line (exit 2): a traceback,
any other exit code or a line count other than one is a *crash*, a process still running after
``--timeout`` seconds a *hang*. The script prints mutants tried, crashes, hangs, the slowest file
and the peak memory (resident set of the largest ``ride`` process, and of the nightly), and
exits 1 when anything crashed or hung. The same ``--seed`` gives the same mutants.

The mutator walks the FIT framing itself (Garmin FIT SDK, "The FIT protocol": file header 3.3.1,
record headers and definition messages 3.3.4-3.3.7, CRC 3.3.3) to find the boundaries it cuts
at and the bytes it changes, then recomputes the header CRC and the file CRC (the project's
:func:`pipeline.fit.framing.fit_crc`) so that mutants get past the CRC check and reach the decoder.
Kinds (:data:`KINDS`): bit flips; truncation inside the header, a definition, a data message, the
CRC and exactly at a message boundary; wrong data size and header size in the header; wrong field
sizes, huge field counts, invalid base types, another global message number, big-endian flag
and developer-data flag in definitions; definitions repeated thousands of times (definition
loops); data messages re-labelled with another local message type; a message repeated
thousands of times; garbage inserted; chained copies with clocks going back (or years forward).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.fit.framing import fit_crc

PROJECT = Path(__file__).resolve().parent.parent
SAMPLES = Path(os.environ.get("SWEATLINE_SHARED") or PROJECT.parent / "shared") / "fit-samples"  # SWEATLINE_SHARED: the shared folder, when not beside the clone
SWEATLINE = Path(sys.executable).with_name("sweatline")
FIT_EPOCH_S = 631065600  # 1989-12-31T00:00:00Z in Unix seconds (FIT SDK: date_time base)

# Small and varied real files (valid ones: a mutant of a broken file says little more).
DEFAULT_SAMPLES = (
    "tomtom-runner3-cycling-17min.fit", "garmin-fr945-multisport-1min-bike-run.fit",
    "garmin-edge530-cycling-18min-indoor-hrv.fit", "garmin-fenix6-swimming-11min-open-water.fit",
    "garmin-fr955-walking-5min-hrm-plugin.fit", "garmin-fr70-running-57min-compressed-timestamps.fit",
    "onelap-unknown-cycling-12min-indoor-devfields.fit", "garmin-edge200-cycling-27min-gps-only.fit",
    "wahoo-elemntbolt-cycling-2min-devdata-no-app-id.fit", "garmin-fr110-running-44min-header-crc-zero.fit",
    "garmin-vivoactivehr-rowing-28min-indoor-devfields.fit", "stages-dashl50-cycling-34min-road.fit",
)


# --------------------------------------------------------------------------------------------
# the framing walk


@dataclass
class Msg:
    """One message of the (first) segment: where it starts and ends, and what it is."""

    start: int
    end: int
    definition: bool
    local: int
    fields: list[tuple[int, int, int, int]] = field(default_factory=list)  # (offset, number, size, base) of a definition's fields, or of a data message's
    timestamp_at: int | None = None  # offset of a data message's uint32 timestamp (field 253)
    big_endian: bool = False


@dataclass
class Walk:
    header_size: int
    data_end: int
    messages: list[Msg]


def walk(data: bytes) -> Walk:
    """The messages of the first FIT segment of ``data`` (stops quietly at anything odd)."""
    header_size = data[0]
    data_size = struct.unpack_from("<I", data, 4)[0]
    end = min(len(data), header_size + data_size)
    defs: dict[int, tuple[list[tuple[int, int, int]], int, bool]] = {}
    messages: list[Msg] = []
    pos = header_size
    while pos < end:
        start = pos
        head = data[pos]
        pos += 1
        if head & 0x80:  # compressed timestamp header: a data message of local type 0-3
            local = (head >> 5) & 0x3
            if local not in defs:
                break
            fields, dev_size, big = defs[local]
            size = sum(s for _, s, _ in fields) + dev_size
            messages.append(Msg(start, pos + size, False, local, big_endian=big))
            pos += size
            continue
        local = head & 0x0F
        if head & 0x40:  # definition
            if pos + 5 > end:
                break
            big = data[pos + 1] == 1
            count = data[pos + 4]
            pos += 5
            fields = []
            raw_fields = []
            for _ in range(count):
                if pos + 3 > end:
                    break
                number, size, base = data[pos], data[pos + 1], data[pos + 2]
                raw_fields.append((pos, number, size, base))
                fields.append((number, size, base))
                pos += 3
            dev_size = 0
            if head & 0x20 and pos < end:
                dev_count = data[pos]
                pos += 1
                for _ in range(dev_count):
                    if pos + 3 > end:
                        break
                    dev_size += data[pos + 1]
                    pos += 3
            defs[local] = (fields, dev_size, big)
            messages.append(Msg(start, pos, True, local, raw_fields, big_endian=big))
            continue
        if local not in defs:
            break
        fields, dev_size, big = defs[local]
        offset = pos
        msg = Msg(start, 0, False, local, big_endian=big)
        for number, size, base in fields:
            msg.fields.append((offset, number, size, base))
            if number == 253 and size == 4 and not big:
                msg.timestamp_at = offset
            offset += size
        msg.end = offset + dev_size
        messages.append(msg)
        pos = msg.end
    return Walk(header_size, end, [m for m in messages if m.end <= end])


def refit(body: bytes | bytearray, header_size: int) -> bytes:
    """Header data size, header CRC (14-byte headers) and file CRC made right for ``body``
    (header + data, no CRC), so the mutant passes every CRC check."""
    out = bytearray(body)
    struct.pack_into("<I", out, 4, len(out) - header_size)
    if header_size >= 14:
        struct.pack_into("<H", out, 12, fit_crc(bytes(out[:12])))
    return bytes(out) + struct.pack("<H", fit_crc(bytes(out)))


def _crc_only(body: bytes | bytearray, header_size: int) -> bytes:
    """The file CRC (and header CRC) recomputed, the header's data size left as it is."""
    out = bytearray(body)
    if header_size >= 14:
        struct.pack_into("<H", out, 12, fit_crc(bytes(out[:12])))
    return bytes(out) + struct.pack("<H", fit_crc(bytes(out)))


# --------------------------------------------------------------------------------------------
# mutations: each (rng, data, walk) -> bytes


def _body(data: bytes, w: Walk) -> bytearray:
    return bytearray(data[:w.data_end])


def _pick(rng: random.Random, items: list):
    return items[rng.randrange(len(items))]


def m_bitflip(rng, data, w):
    body = _body(data, w)
    for _ in range(rng.choice((1, 2, 8, 64))):
        at = rng.randrange(w.header_size, len(body))
        body[at] ^= 1 << rng.randrange(8)
    return refit(body, w.header_size)


def m_bytes_ff(rng, data, w):
    body = _body(data, w)
    for _ in range(rng.choice((1, 4, 32))):
        body[rng.randrange(w.header_size, len(body))] = rng.choice((0x00, 0xFF, 0x7F, 0x80))
    return refit(body, w.header_size)


def m_cut_header(rng, data, w):
    return data[:rng.randrange(1, w.header_size)]


def _cut_inside(rng, data, w, definitions: bool):
    msgs = [m for m in w.messages if m.definition == definitions and m.end - m.start > 1]
    if not msgs:
        return m_cut_crc(rng, data, w)
    msg = _pick(rng, msgs)
    cut = rng.randrange(msg.start + 1, msg.end)
    if rng.random() < 0.5:
        return data[:cut]  # a truncated file: the header still declares the whole size
    return refit(data[:cut], w.header_size)  # a "complete" file ending part-way through a message


def m_cut_definition(rng, data, w):
    return _cut_inside(rng, data, w, True)


def m_cut_data(rng, data, w):
    return _cut_inside(rng, data, w, False)


def m_cut_crc(rng, data, w):
    return data[:w.data_end + 1]


def m_cut_boundary(rng, data, w):
    msg = _pick(rng, w.messages)
    if rng.random() < 0.5:
        return data[:msg.start]
    return refit(data[:msg.start], w.header_size)


def m_header_data_size(rng, data, w):
    out = bytearray(data)
    size = struct.unpack_from("<I", out, 4)[0]
    struct.pack_into("<I", out, 4, rng.choice((0, 1, size - 1, size + 1, size * 2, 0xFFFFFFFF, 0x7FFFFFFF)) & 0xFFFFFFFF)
    return _crc_only(out[:w.data_end], w.header_size)


def m_header_size(rng, data, w):
    out = bytearray(data)
    out[0] = rng.choice((0, 1, 11, 13, 15, 16, 64, 255))
    return bytes(out)


def _defs(w):
    return [m for m in w.messages if m.definition and m.fields]


def m_field_size(rng, data, w):
    body = _body(data, w)
    defs = _defs(w)
    for msg in rng.sample(defs, min(len(defs), rng.choice((1, 3)))):
        offset = _pick(rng, msg.fields)[0]
        body[offset + 1] = rng.choice((0, 1, 3, 5, 7, 128, 255))
    return refit(body, w.header_size)


def m_field_count(rng, data, w):
    body = _body(data, w)
    msg = _pick(rng, _defs(w))
    body[msg.start + 5] = rng.choice((0, 128, 255))
    return refit(body, w.header_size)


def m_base_type(rng, data, w):
    body = _body(data, w)
    for msg in rng.sample(_defs(w), min(len(_defs(w)), 3)):
        offset = _pick(rng, msg.fields)[0]
        body[offset + 2] = rng.choice((0x0F, 0x10, 0x20, 0x3F, 0x8F, 0xFF, 0x11, 0x00))
    return refit(body, w.header_size)


def m_global_number(rng, data, w):
    body = _body(data, w)
    msg = _pick(rng, _defs(w))
    struct.pack_into("<H", body, msg.start + 3, rng.choice((0, 18, 19, 20, 21, 34, 206, 207, 0xFFFF, 0xFF00)))
    return refit(body, w.header_size)


def m_architecture(rng, data, w):
    body = _body(data, w)
    msg = _pick(rng, _defs(w))
    body[msg.start + 2] = rng.choice((1, 2, 255))
    return refit(body, w.header_size)


def m_dev_flag(rng, data, w):
    body = _body(data, w)
    msg = _pick(rng, _defs(w))
    body[msg.start] ^= 0x20
    return refit(body, w.header_size)


def m_definition_loop(rng, data, w):
    """One definition message repeated thousands of times where it stands."""
    msg = _pick(rng, _defs(w))
    chunk = data[msg.start:msg.end]
    body = data[:msg.end] + chunk * rng.choice((1000, 20000)) + data[msg.end:w.data_end]
    return refit(body, w.header_size)


def m_local_type(rng, data, w):
    body = _body(data, w)
    normal = [m for m in w.messages if not m.definition and not (data[m.start] & 0x80)]
    for msg in rng.sample(normal, min(len(normal), rng.choice((1, 5, 50)))):
        body[msg.start] = (body[msg.start] & 0xF0) | rng.randrange(16)
    return refit(body, w.header_size)


def m_repeat_message(rng, data, w):
    """One data message (a session, a lap, a record...) repeated thousands of times."""
    msg = _pick(rng, [m for m in w.messages if not m.definition])
    chunk = data[msg.start:msg.end]
    body = data[:msg.end] + chunk * rng.choice((2000, 20000)) + data[msg.end:w.data_end]
    return refit(body, w.header_size)


def m_garbage(rng, data, w):
    at = _pick(rng, w.messages).start
    junk = bytes(rng.randrange(256) for _ in range(rng.choice((1, 7, 300))))
    return refit(data[:at] + junk + data[at:w.data_end], w.header_size)


def m_chained_clock(rng, data, w):
    """The file followed by copies of itself whose timestamps are shifted (back, or years on)."""
    out = data[:w.data_end + 2]
    for _ in range(rng.choice((1, 2))):
        shift = rng.choice((-3600, -86400 * 365 * 25, -10**9, 86400 * 365 * 25, -60))
        body = _body(data, w)
        for msg in w.messages:
            if msg.timestamp_at is not None:
                value = struct.unpack_from("<I", body, msg.timestamp_at)[0]
                if value not in (0xFFFFFFFF,):
                    struct.pack_into("<I", body, msg.timestamp_at, (value + shift) % 0xFFFFFFF0)
        out += refit(body, w.header_size) if rng.random() < 0.8 else _crc_only(body, w.header_size)
    return out


def m_clock_jumps(rng, data, w):
    """Timestamps inside one file jumping back and forth."""
    body = _body(data, w)
    stamped = [m for m in w.messages if m.timestamp_at is not None]
    for msg in rng.sample(stamped, min(len(stamped), rng.choice((1, 10, 100)))):
        value = struct.unpack_from("<I", body, msg.timestamp_at)[0]
        struct.pack_into("<I", body, msg.timestamp_at, (value + rng.choice((-86400 * 365 * 30, -1, 10**9, -10**6))) % 0xFFFFFFF0)
    return refit(body, w.header_size)


KINDS = {
    "bitflip": m_bitflip, "bytes": m_bytes_ff, "cut_header": m_cut_header, "cut_definition": m_cut_definition,
    "cut_data": m_cut_data, "cut_crc": m_cut_crc, "cut_boundary": m_cut_boundary,
    "header_data_size": m_header_data_size, "header_size": m_header_size, "field_size": m_field_size,
    "field_count": m_field_count, "base_type": m_base_type, "global_number": m_global_number,
    "architecture": m_architecture, "dev_flag": m_dev_flag, "definition_loop": m_definition_loop,
    "local_type": m_local_type, "repeat_message": m_repeat_message, "garbage": m_garbage,
    "chained_clock": m_chained_clock, "clock_jumps": m_clock_jumps,
}


@dataclass(frozen=True)
class Mutant:
    name: str  # <n>-<kind>-<sample stem>.fit
    kind: str
    sample: str
    data: bytes


def mutants(seed: int, count: int, samples_dir: Path = SAMPLES, names: tuple[str, ...] = DEFAULT_SAMPLES,
            kinds: tuple[str, ...] | None = None) -> list[Mutant]:
    """``count`` mutants, the same for the same ``seed``: kinds taken in turn, samples at random."""
    rng = random.Random(seed)
    originals = {name: (samples_dir / name).read_bytes() for name in names}
    walks = {name: walk(data) for name, data in originals.items()}
    order = list(kinds or KINDS)
    out = []
    for n in range(count):
        kind = order[n % len(order)]
        name = rng.choice(names)
        data = KINDS[kind](rng, originals[name], walks[name])
        out.append(Mutant(f"{n:04d}-{kind}-{Path(name).stem[:40]}.fit", kind, name, data))
    return out


# --------------------------------------------------------------------------------------------
# running them


@dataclass
class Outcome:
    name: str
    exit: int | None  # None: killed after the timeout (a hang)
    seconds: float
    peak_mib: float
    stderr: str

    @property
    def crashed(self) -> bool:
        if self.exit is None:
            return False
        lines = self.stderr.strip().splitlines()
        if "Traceback" in self.stderr or self.exit not in (0, 2):
            return True
        return self.exit == 2 and len(lines) != 1


def run_limited(argv: list[str], timeout_s: float, cwd: Path | None = None) -> Outcome:
    """Run ``argv``; its own peak RSS (``wait4``), wall time; killed (exit None) after ``timeout_s``."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=cwd)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > timeout_s:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                status = None
                break
            time.sleep(0.02)
        proc.returncode = 0  # reaped by wait4: keep Popen from waiting again
        seconds = time.monotonic() - started
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    code = None if status is None else os.waitstatus_to_exitcode(status)
    return Outcome(Path(argv[2]).name if len(argv) > 2 else argv[0], code, seconds, usage.ru_maxrss / 1024, text)


CONFIG = """inbox: {inbox}
data_dir: {data}
climate: {{temperature_c: 20, humidity_pct: 50}}
athlete: {{name: fuzz, body_mass_kg: 70, height_cm: 178, sex: male, age: 35}}
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per ride before it counts as a hang")
    parser.add_argument("--samples", type=Path, default=SAMPLES)
    parser.add_argument("--keep", type=Path, help="copy crashing or hanging mutants here")
    parser.add_argument("--no-nightly", action="store_true")
    parser.add_argument("--nightly-max", type=int, default=None, help="the nightly reads only the first N mutants")
    parser.add_argument("--jobs", type=int, default=1, help="ride processes at once")
    parser.add_argument("--no-rides", action="store_true", help="only the nightly over the mutants")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="sweatline-fuzz-"))
    inbox, data = work / "inbox", work / "data"
    inbox.mkdir()
    config = work / "sweatline.yaml"
    config.write_text(CONFIG.format(inbox=inbox, data=data))
    batch = mutants(args.seed, args.count, args.samples)
    outcomes: list[Outcome] = []
    bad: list[Outcome] = []
    began = time.monotonic()
    try:
        from concurrent.futures import ThreadPoolExecutor

        rides = work / "rides"  # the rides' data directory: the nightly starts from nothing
        ride_config = work / "ride.yaml"
        ride_config.write_text(CONFIG.format(inbox=inbox, data=rides))
        for m in batch:
            (inbox / m.name).write_bytes(m.data)

        def one(m: Mutant) -> Outcome:
            return run_limited([str(SWEATLINE), "ride", str(inbox / m.name), "--json", "--config", str(ride_config)],
                               args.timeout)

        with ThreadPoolExecutor(max(1, args.jobs)) as pool:
            for m, result in zip(batch, pool.map(one, [] if args.no_rides else batch)):
                path = inbox / m.name
                outcomes.append(result)
                if result.crashed or result.exit is None:
                    bad.append(result)
                    what = "HANG" if result.exit is None else f"CRASH exit {result.exit}"
                    tail = result.stderr.strip().splitlines()[-1:] or [""]
                    print(f"{what}: {m.name} ({result.seconds:.1f} s) {tail[0][:200]}", flush=True)
                    if args.keep:
                        args.keep.mkdir(parents=True, exist_ok=True)
                        shutil.copy(path, args.keep / m.name)
                if len(outcomes) % 25 == 0:
                    print(f"... {len(outcomes)} tried, {sum(o.crashed for o in outcomes)} crashes, "
                          f"{sum(o.exit is None for o in outcomes)} hangs, slowest "
                          f"{max(o.seconds for o in outcomes):.1f} s, peak {max(o.peak_mib for o in outcomes):.0f} MiB",
                          flush=True)
        nightly = None
        if not args.no_nightly:
            if args.nightly_max is not None:
                for m in batch[args.nightly_max:]:
                    (inbox / m.name).unlink()
            nightly = run_limited([str(SWEATLINE), "nightly", "--config", str(config)], args.timeout * 10)
        processed = sum(o.exit == 0 for o in outcomes)
        rejected = sum(o.exit == 2 and not o.crashed for o in outcomes)
        crashes = [o for o in outcomes if o.crashed]
        hangs = [o for o in outcomes if o.exit is None]
        nothing = Outcome("-", 0, 0.0, 0.0, "")
        slowest = max(outcomes, key=lambda o: o.seconds, default=nothing)
        fattest = max(outcomes, key=lambda o: o.peak_mib, default=nothing)
        print(f"seed {args.seed}: mutants tried {len(outcomes)} ({len(KINDS)} kinds, {len(DEFAULT_SAMPLES)} real samples), "
              f"processed {processed}, rejected with one line {rejected}, crashes {len(crashes)}, hangs {len(hangs)}")
        print(f"slowest file: {slowest.name} {slowest.seconds:.2f} s; peak memory of one ride: "
              f"{fattest.peak_mib:.0f} MiB ({fattest.name}); all rides {time.monotonic() - began:.0f} s")
        failed_night = False
        if nightly is not None:
            line = next((ln for ln in reversed(nightly.stderr.splitlines()) if "processed" in ln), "")
            print(f"one nightly over {len(list(inbox.iterdir()))} of the mutants: exit {nightly.exit}, {nightly.seconds:.1f} s, "
                  f"peak {nightly.peak_mib:.0f} MiB")
            failed_night = nightly.exit != 0 or ", failed " in line or "Traceback" in nightly.stderr
            if failed_night:
                print(nightly.stderr[-2000:])
            elif line:
                print(f"  {line.strip()[:300]}")
        from tools.figures import check_catalog, check_report

        impossible: list[str] = []
        reports = 0
        for folder in (rides, data):
            for report in sorted(folder.glob("reports/**/report.json")):
                reports += 1
                impossible += check_report(report)
            if (folder / "catalog.sqlite").is_file():
                impossible += check_catalog(folder / "catalog.sqlite")[1]
        print(f"figures: {reports} reports and the two catalogs checked (tools.figures), "
              f"{len(impossible)} impossible figures")
        for line in impossible[:20]:
            print(f"  IMPOSSIBLE {line[:300]}")
        if args.keep and impossible:
            args.keep.mkdir(parents=True, exist_ok=True)
            for line in impossible:
                name = line.split(" ")[1].rstrip(":") if " " in line else ""  # a catalog line names its source
                if (inbox / name).is_file():
                    shutil.copy(inbox / name, args.keep / name)
        print(json.dumps({"seed": args.seed, "mutants": len(outcomes), "crashes": len(crashes), "hangs": len(hangs),
                          "impossible_figures": len(impossible), "reports_checked": reports,
                          "slowest_s": round(slowest.seconds, 2), "slowest": slowest.name,
                          "peak_ride_mib": round(fattest.peak_mib), "nightly_exit": nightly.exit if nightly else None,
                          "nightly_s": round(nightly.seconds, 1) if nightly else None,
                          "nightly_peak_mib": round(nightly.peak_mib) if nightly else None}))
        return 1 if bad or failed_night or impossible else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
