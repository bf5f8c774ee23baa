"""Warm per-file cost inside a backfill, against a bare fitfast decode of the same files (run by hand).

    nice -n 10 .venv/bin/python benchmarks/bench_warm.py [--files 200] [--profile] [--catalog 10000]

A season: ``--files`` distinct activities of 30 min to 6 h at 1 s (rides with power, runs, and a
few swims without power), each with its own device serial and start time, written with
tools/fitwriter into ``<system temp>/sweatline-bench/season/`` once and reused (deterministic).

One process reads them as a backfill's worker does, warm (its imports done and one file read
before the clock starts): per file, alternated, the CPU time of

* **bare** — ``fitfast.parse(path)``: the anchor (what any fitfast user pays to decode the file);
* **ours** — :func:`pipeline.usecases.ingest.process_file` into one data directory shared by the
  season (hash, decode, model, records Parquet, report folder, each written atomically), then
  :func:`pipeline.usecases.commit.record_outcome` (the catalog rows).

CPU time (``time.thread_time``), not wall time: the machine may be shared. Prints the sums, the
medians per file and the ratio ours / bare, with the load average before and after, and where the
``ours`` part goes (each part's CPU time, timed around the functions named in :data:`PARTS`, each
part without the parts it calls). ``--catalog N``: N activities in the catalog before the season
(a long history: what a file's look-ups of the catalog cost then). ``--profile`` adds a cProfile of the ``ours`` part
(``SORT=cumulative FILTER=pipeline`` to choose its order and rows), to see where it goes.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

PARTS = {  # part: the functions (module, name) whose CPU time it is; a nested part's time is not its caller's
    "decode (read_fit: fitfast, records, summary, checks)": [("pipeline.usecases.ingest", "read_file_activities")],
    "copies (split_copies)": [("pipeline.usecases.ingest", "split_copies")],
    "model + advice (analyse_activity, calibrations)": [("pipeline.usecases.ingest", "_analyse_with_inputs")],
    "charts (SVG)": [("pipeline.report.charts", "session_chart_svg"), ("pipeline.report.charts", "session_chart_svgs"),
                     ("pipeline.report.charts", "sweat_rate_chart_svg")],
    "report files (render + atomic write)": [("pipeline.report.writer", "write_reports")],
    "records Parquet": [("pipeline.store.records", "write_records")],
    "catalog commit (record_outcome)": [],
}
SEASON = Path(tempfile.gettempdir()) / "sweatline-bench" / "season"


def activity_bytes(k: int) -> bytes:
    """The ``k``-th activity of the season: 30 min to 6 h, a ride, a run or a swim (deterministic)."""
    import numpy as np

    from tools.fitwriter import DeviceSpec, RecordSample, encode_activity

    rng = np.random.default_rng(k)
    start = datetime(2026, 1, 1, 6, tzinfo=timezone.utc) + timedelta(days=k, minutes=13 * k)
    minutes = 30 + (k * 37) % 331  # 30 min .. 6 h, spread over the season
    sport = ("cycling", "running", "cycling", "running", "swimming")[k % 5]
    n = minutes * 60
    t = np.arange(n, dtype=float)
    base = {"cycling": 8.0, "running": 3.0, "swimming": 1.0}[sport] + (k % 7) * 0.1
    speed = np.clip(base + 0.5 * np.sin(t / 600 + k) + rng.normal(0, 0.1, n), 0.3, 20)
    distance = np.cumsum(speed)
    hr = np.clip(120 + (k % 20) + 12 * np.sin(t / 900) + rng.normal(0, 2, n), 70, 195).round()
    power = np.clip(150 + (k % 60) + 40 * np.sin(t / 700) + rng.normal(0, 20, n), 0, 800).round()
    temperature = (8 + (k % 25) + 3 * np.sin(t / 3000)).round()
    samples = [RecordSample(timestamp=start + timedelta(seconds=i), distance_m=float(distance[i]),
                            speed_m_per_s=float(speed[i]), heart_rate_bpm=float(hr[i]),
                            power_w=float(power[i]) if sport == "cycling" else None,
                            cadence_rpm=None if sport == "swimming" else float(85 + k % 10),
                            temperature_c=float(temperature[i]))
               for i in range(n)]
    return encode_activity(samples, sport=sport, device=DeviceSpec(manufacturer="garmin", serial_number=200000 + k))


def season(n_files: int) -> list[Path]:
    """The first ``n_files`` activities of the season, written once under the system temp folder."""
    from tools.fitwriter import write

    files = []
    for k in range(n_files):
        path = SEASON / f"activity-{k:04d}.fit"
        if not path.is_file():
            write(path, activity_bytes(k))
        files.append(path)
    return files


class PartClock:
    """CPU time (this thread) of each part of :data:`PARTS`, exclusive of the parts nested in it."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = {part: 0.0 for part in PARTS}
        self._stack: list[list[float]] = []  # [start, time of nested parts]

    def install(self) -> None:
        import functools
        import importlib

        for part, targets in PARTS.items():
            for module_name, name in targets:
                module = importlib.import_module(module_name)
                original = getattr(module, name, None)
                if original is None:  # an older tree (the "before" of a comparison) may lack one
                    continue

                @functools.wraps(original)
                def timed(*args, __original=original, __part=part, **kwargs):
                    self._stack.append([time.thread_time(), 0.0])
                    try:
                        return __original(*args, **kwargs)
                    finally:
                        start, nested = self._stack.pop()
                        spent = time.thread_time() - start
                        self.totals[__part] += spent - nested
                        if self._stack:
                            self._stack[-1][1] += spent
                setattr(module, name, timed)


def fill_catalog(data_dir: Path, template, count: int) -> None:
    """``count`` activities in the catalog before the season, an hour apart before it: the
    template's row with its own id, file and key, written through the store's API (no reports:
    a file's processing only looks the catalog up)."""
    from pipeline.store.catalog import Catalog, FileRow

    with Catalog(data_dir) as catalog:
        for i in range(1, count + 1):
            sha = f"{i:064x}"
            catalog.record_processed(
                FileRow(sha256=sha, name=f"old-{i}.fit", path=f"/inbox/old-{i}.fit", size_bytes=1, status="processed",
                        activities=1, first_seen_at=template.processed_at, processed_at=template.processed_at),
                [template.model_copy(update={"id": sha, "file_sha256": sha, "activity_key": f"fit-content:{sha}",
                                             "start_time": template.start_time - timedelta(hours=i)})])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--catalog", type=int, default=0,
                        help="activities already in the catalog before the season (a long history)")
    args = parser.parse_args()
    started = time.perf_counter()
    files = season(args.files)
    print(f"season: {len(files)} activities, {sum(f.stat().st_size for f in files) / 2**20:.0f} MiB "
          f"({time.perf_counter() - started:.0f} s to find or write)", file=sys.stderr)

    import fitfast

    from pipeline.core.config import load_config
    from pipeline.store.catalog import Catalog
    from pipeline.usecases.commit import record_outcome
    from pipeline.usecases.ingest import process_file

    with tempfile.TemporaryDirectory(prefix="bench-warm-") as tmp:
        root = Path(tmp)
        config_path = root / "sweatline.yaml"
        config_path.write_text(f"inbox: {SEASON}\ndata_dir: {root / 'data'}\nweather: {{provider: none}}\n"
                               "athlete: {body_mass_kg: 70, height_cm: 178, sex: male, age: 35}\n")
        config = load_config(config_path)
        with Catalog(config.data_dir) as catalog:  # warm: imports done, one file read, then its outputs gone
            warm = record_outcome(catalog, process_file(files[0], config))
        shutil.rmtree(config.data_dir)
        if args.catalog:
            fill_catalog(config.data_dir, warm.activities[0].row, args.catalog)
        parts = PartClock()
        parts.install()
        profiler = None
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
        load_before = os.getloadavg()
        bare: list[float] = []
        ours: list[float] = []
        with Catalog(config.data_dir) as catalog:
            for path in files:
                clock = time.thread_time()
                fitfast.parse(str(path))
                bare.append(time.thread_time() - clock)
                clock = time.thread_time()
                if profiler:
                    profiler.enable()
                outcome = process_file(path, config)
                committing = time.thread_time()
                outcome = record_outcome(catalog, outcome)
                parts.totals["catalog commit (record_outcome)"] += time.thread_time() - committing
                if profiler:
                    profiler.disable()
                ours.append(time.thread_time() - clock)
                assert outcome.status == "processed", (path, outcome.status)
        load_after = os.getloadavg()
    print(f"warm per-file cost, {len(files)} distinct activities of 30 min-6 h "
          f"({args.catalog} activities in the catalog before them), {os.cpu_count()} CPUs, "
          f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after (CPU time of this thread)")
    print(f"  bare fitfast.parse   {sum(bare):7.2f} s  median {1000 * statistics.median(bare):6.1f} ms/file")
    print(f"  process + commit     {sum(ours):7.2f} s  median {1000 * statistics.median(ours):6.1f} ms/file")
    print(f"  ratio (sum)          {sum(ours) / sum(bare):7.2f} x bare fitfast   (target <= 3)")
    print(f"  ratio (median file)  {statistics.median(o / b for o, b in zip(ours, bare)):7.2f} x")
    accounted = sum(parts.totals.values())
    print("  where process + commit goes (ms/file; x bare fitfast):")
    for part, spent in [*parts.totals.items(), ("the rest (hash, locks, outcome rows)", sum(ours) - accounted)]:
        print(f"    {part:<52} {1000 * spent / len(files):6.1f}   x{spent / sum(bare):5.2f}")
    if profiler:
        import pstats

        pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "tottime")).print_stats(os.environ.get("FILTER", ""), 45)


if __name__ == "__main__":
    main()
