"""Ingest speed and memory on the largest sample, against a bare fitparse decode (run by hand).

    .venv/bin/python benchmarks/bench_ingest.py [FIT_FILE] [--runs N]

* **bare**: ``list(fitparse.FitFile(path).get_messages())`` — fitparse's standard API decoding
  every message (what any fitparse user pays just to read the file).
* **ingest**: ``pipeline.fit.read_activity(path)`` — everything Sweatline does: SHA-256 id, framing
  and CRC check, decoding, the records DataFrame in SI units, legs, summary, profile.

For transparency it also times **raw**: ``fitparse.FitFileDecoder`` (no data processors, CRC
checked) — the fitparse layer ingest is built on; the gap between raw and ingest is our own
per-file work (SHA-256, framing/CRC scan, DataFrame, summary).

Runs alternate (bare, ingest, raw, bare, ...) so machine load hits both alike; the medians and their
ratio are printed (target: ingest <= 1.2 x bare), with peak Python memory of one run of each
measured separately under ``tracemalloc`` (which slows execution, so it is not timed).
"""
from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import fitparse

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from pipeline.fit import read_activity  # noqa: E402

DEFAULT = Path(os.environ.get("SWEATLINE_SHARED") or PROJECT.parent / "shared") / "fit-samples" / "garmin-fenix2-multisport-6h50-7sessions.fit"  # SWEATLINE_SHARED: the shared folder, when not beside the clone
TARGET_RATIO = 1.2


def bare(path: Path) -> int:
    return len(list(fitparse.FitFile(str(path)).get_messages()))


def raw(path: Path) -> int:
    return sum(1 for _ in fitparse.FitFileDecoder(str(path)).get_messages())


def ingest(path: Path) -> int:
    return len(read_activity(path).records)


def timed(func, path: Path) -> float:  # type: ignore[no-untyped-def]
    gc.collect()
    start = time.perf_counter()
    func(path)
    return time.perf_counter() - start


def peak_mib(func, path: Path) -> float:  # type: ignore[no-untyped-def]
    gc.collect()
    tracemalloc.start()
    func(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fit_file", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    path: Path = args.fit_file
    messages = bare(path)  # warm-up (imports, page cache) and the message count
    records = ingest(path)
    bare_s: list[float] = []
    ingest_s: list[float] = []
    raw_s: list[float] = []
    for _ in range(args.runs):
        bare_s.append(timed(bare, path))
        ingest_s.append(timed(ingest, path))
        raw_s.append(timed(raw, path))
    bare_med, ingest_med = statistics.median(bare_s), statistics.median(ingest_s)
    ratio = ingest_med / bare_med
    print(f"file      {path.name}: {path.stat().st_size} bytes, {messages} messages, {records} records")
    print(f"bare      fitparse.FitFile(...).get_messages(): median {bare_med:.2f} s of {args.runs} "
          f"(runs: {', '.join(f'{t:.2f}' for t in bare_s)})")
    print(f"ingest    read_activity(...): median {ingest_med:.2f} s of {args.runs} "
          f"(runs: {', '.join(f'{t:.2f}' for t in ingest_s)}); {1e3 * ingest_med / records:.3f} ms/record")
    print(f"raw       fitparse.FitFileDecoder(...).get_messages(): median {statistics.median(raw_s):.2f} s (information)")
    print(f"ratio     ingest / bare = {ratio:.2f} (target <= {TARGET_RATIO}): {'OK' if ratio <= TARGET_RATIO else 'OVER'}")
    print(f"memory    peak Python allocations: bare {peak_mib(bare, path):.1f} MiB, ingest {peak_mib(ingest, path):.1f} MiB")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
