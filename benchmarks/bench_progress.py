"""What the terminal progress bar of ``sweatline nightly`` costs a backfill (run by hand).

    .venv/bin/python benchmarks/bench_progress.py [--files N] [--runs R]

The bar is fed once per finished file (:func:`pipeline.runtime.progress.report_progress`) and redraws on
rich's own thread at most 4 times a second. This times N calls (one per file of a backfill of N
files) three ways, median of R runs: no listener (a scheduled run, or output to a file), the bar
drawn into a real pseudo-terminal (``pty.openpty``, drained by a reader thread as a terminal
would), and the bar's set-up and tear-down alone. The figure to compare with is the work per file
(decode, model, report): about a second for a short ride here (``benchmarks/bench_nightly.py``).
"""
from __future__ import annotations

import argparse
import os
import pty
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flows.cli.nightly import terminal_progress  # noqa: E402
from pipeline.runtime.progress import report_progress  # noqa: E402


def _calls(files: int) -> None:
    for done in range(1, files + 1):
        report_progress(done, files, f"2026-07-{done % 28 + 1:02d}-ride.fit")


def _time(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=400)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    master, slave = pty.openpty()
    stop = threading.Event()

    def drain() -> None:  # a terminal reads what is written to it
        while not stop.is_set():
            try:
                os.read(master, 65536)
            except OSError:
                return

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    tty = os.fdopen(slave, "w")
    none, bar, setup = [], [], []
    for _ in range(args.runs):
        none.append(_time(lambda: _calls(args.files)))

        def with_bar() -> None:
            with terminal_progress(tty):
                _calls(args.files)
        bar.append(_time(with_bar))

        def only_setup() -> None:
            with terminal_progress(tty):
                report_progress(1, args.files, "x.fit")
        setup.append(_time(only_setup))
    stop.set()
    tty.close()
    n, b, s = (statistics.median(v) for v in (none, bar, setup))
    print(f"{args.files} files, median of {args.runs} runs")
    print(f"  no listener           {n * 1e3:8.2f} ms  ({n / args.files * 1e6:.2f} µs a file)")
    print(f"  progress bar on a pty {b * 1e3:8.2f} ms  ({(b - s) / args.files * 1e6:.2f} µs a file after set-up)")
    print(f"  bar set-up+tear-down  {s * 1e3:8.2f} ms")
    print(f"  bar cost over the backfill: {(b - n) * 1e3:.1f} ms, "
          f"{(b - n) / (args.files * 1.0) * 100:.4f} % of {args.files} files at 1 s of work each")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
