"""Nothing new, nothing spent (item 4): a nightly over an inbox whose every file is already
in the catalog, against a trivial Prefect flow's start-up (run by hand).

    .venv/bin/python benchmarks/bench_known.py [--files 1000 10000] [--runs 5]

For each size N it builds, once, in a temporary folder:

* an inbox of N *distinct*, valid FIT files (10-second rides of different start times and serial
  numbers, written with the project's FIT writer, tools/fitwriter.py: about 600 bytes each);
* a catalog holding every one of them as processed: the first file is processed for real
  (``pipeline.usecases.ingest.process_file``, report and records written); each other file gets the
  same catalog rows with its own SHA-256, source, id and start time (spread over the past year,
  as a season is), through the store's own API (``Catalog.record_processed``). Building 10,000
  real reports would take hours and measure nothing more: a nightly never opens a known file's report.

Then it times, as whole processes alternated A B A B (median of ``--runs``):

* **A** ``sweatline nightly --config ...`` with no Prefect server up (it starts Prefect's
  temporary server, as a scheduled run on a laptop would without ``sweatline serve``);
* **B** a trivial Prefect flow (``@flow def noop(): return 0``) run the same way: Prefect's own
  start-up, import, temporary server and one flow run.

and prints each median, A - B (target: < 1 s at 1,000 files) and A / B, with the load average.
Run with another checkout's interpreter (``/path/to/other/.venv/bin/python benchmarks/bench_known.py``)
to time that checkout's ``sweatline`` on the same inbox and catalog: the before/after figure.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from tools.fitwriter import DeviceSpec, RecordSample, encode_activity  # noqa: E402

SWEATLINE = str(Path(sys.executable).with_name("sweatline"))
NOOP_FLOW = """
from prefect import flow

@flow(name="noop")
def noop() -> int:
    return 0

noop()
"""


def small_ride(i: int) -> bytes:
    start = datetime(2025, 1, 1, 6, tzinfo=UTC) + timedelta(hours=7 * i)
    samples = [RecordSample(timestamp=start + timedelta(seconds=s), heart_rate_bpm=120 + s, power_w=150 + s,
                            speed_m_per_s=8.0, distance_m=8.0 * s) for s in range(10)]
    return encode_activity(samples, sport="cycling", device=DeviceSpec(serial_number=100000 + i))


def build(root: Path, n: int) -> Path:
    """A config whose inbox holds ``n`` distinct FIT files, every one already in the catalog."""
    from pipeline.core.config import load_config
    from pipeline.store.catalog import ActivityRow, Catalog, FileRow
    from pipeline.store.files import sha256_file
    from pipeline.usecases.commit import record_outcome
    from pipeline.usecases.ingest import process_file

    inbox = root / "inbox"
    inbox.mkdir(parents=True)
    config_path = root / "sweatline.yaml"
    config_path.write_text(f"inbox: {inbox}\ndata_dir: {root / 'data'}\nweather: {{provider: none}}\n"
                           "nightly: {cron: '0 3 * * *', timezone: UTC}\n")
    paths = []
    for i in range(n):
        path = inbox / f"ride-{i:05d}.fit"
        path.write_bytes(small_ride(i))
        paths.append(path)
    config = load_config(str(config_path))
    first = record_outcome(Catalog(config.data_dir), process_file(paths[0], config))
    assert first.status == "processed", first.reason
    template: ActivityRow = first.activities[0].row
    now = datetime.now(UTC)
    with Catalog(config.data_dir) as catalog:
        for i, path in enumerate(paths[1:], start=1):
            sha = sha256_file(path)
            when = now - timedelta(days=365 * i / n)
            row = template.model_copy(update={"id": sha, "file_sha256": sha, "source": path.name,
                                              "start_time": when, "processed_at": when,
                                              "activity_key": f"fit-content:{sha}"})
            catalog.record_processed(FileRow(sha256=sha, name=path.name, path=str(path), size_bytes=path.stat().st_size,
                                             status="processed", activities=1, first_seen_at=when, processed_at=when),
                                     [row])
        assert len(catalog.known_hashes()) == n
    return config_path


def steps(config_path: Path, *, index: bool, front_door: bool = False) -> float:
    """Seconds of the nightly's own work to find nothing new, in this process, without Prefect:
    scan the inbox, hash (with the stat index, or every file), look the hashes up in the catalog,
    and check the last 30 days' estimates are current (pipeline.usecases.nightly's steps, as the flow runs them);
    with ``front_door``, the seconds of writing the digest and the index afterwards instead
    (``write_nightly_digest``, as the flow's ``write-digest`` task runs it)."""
    from pipeline.core.config import load_config
    from pipeline.store.catalog import Catalog, utc_now
    from pipeline.usecases.inbox import scan_inbox
    from pipeline.usecases.nightly import hash_files, select_new, select_stale, write_nightly_digest
    from pipeline.usecases.nightly_summary import NightlySummary

    config = load_config(str(config_path))
    start = time.perf_counter()
    with Catalog(config.data_dir) as catalog:
        summary = NightlySummary(run_id="bench", started_at=utc_now(), inbox=config.inbox, data_dir=config.data_dir)
        files = scan_inbox(Path(config.inbox))
        hashes = hash_files(files, config.data_dir if index else None)
        todo = select_new(files, hashes, catalog.known_hashes(), summary)
        stale = select_stale(files, hashes, catalog, config, summary)
    elapsed = time.perf_counter() - start
    assert not todo and not stale and summary.skipped == len(files), (len(todo), len(stale), summary.skipped)
    if front_door:
        summary.finished_at = utc_now()
        start = time.perf_counter()
        write_nightly_digest(summary, config)
        return time.perf_counter() - start
    return elapsed


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr[-800:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--steps-only", action="store_true",
                        help="only the nightly's own steps in this process (no Prefect, no whole processes)")
    args = parser.parse_args()
    if args.steps_only:
        with tempfile.TemporaryDirectory(prefix="bench-known-") as tmp:
            out = []
            for n in args.files:
                started = time.perf_counter()
                config = build(Path(tmp) / f"n{n}", n)
                built = time.perf_counter() - started
                steps(config, index=True)  # the first run hashes every file and fills the index
                steps(config, index=True, front_door=True)  # the first front door over this catalog
                every, indexed, door = [], [], []
                for _ in range(args.runs):
                    every.append(steps(config, index=False))
                    indexed.append(steps(config, index=True))
                    door.append(steps(config, index=True, front_door=True))
                out.append((n, statistics.median(every), statistics.median(indexed), built, statistics.median(door)))
        print(f"the nightly's own steps with nothing new (scan, hash, catalog look-up, stale check), no Prefect, "
              f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, median of {args.runs} alternated runs")
        for n, every, indexed, built, door in out:
            print(f"  {n:>6} known files: hashing every file {every:6.2f} s ({1000 * every / n:.3f} ms a file), "
                  f"stat index {indexed:6.2f} s ({1000 * indexed / n:.3f} ms a file), x{every / indexed:.1f}; "
                  f"then the digest and the index {door:6.2f} s  [built in {built:.0f} s]")
        return
    with tempfile.TemporaryDirectory(prefix="bench-known-") as tmp:
        root = Path(tmp)
        # PYTHONDONTWRITEBYTECODE (set on some CI machines and shared workplaces) makes every process
        # compile every module it imports from source, seconds more for the nightly's imports than a
        # trivial flow's: not what a user's machine does after its first run, so the warm-up writes them
        env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "PYTHONDONTWRITEBYTECODE")}
        env.update(PREFECT_HOME=str(root / "prefect-home"), PREFECT_SERVER_ANALYTICS_ENABLED="false",
                   PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120")  # a loaded machine starts it slowly
        noop = root / "noop.py"
        noop.write_text(NOOP_FLOW)
        rows = []
        for n in args.files:
            started = time.perf_counter()
            config = build(root / f"n{n}", n)
            built = time.perf_counter() - started
            nightly = [SWEATLINE, "nightly", "--config", str(config)]
            timed(nightly, env)  # warm-up: the first nightly run over this catalog
            timed([sys.executable, str(noop)], env)
            a, b = [], []
            load_before = os.getloadavg()[0]
            for _ in range(args.runs):
                a.append(timed(nightly, env))
                b.append(timed([sys.executable, str(noop)], env))
            pairs = sorted(x - y for x, y in zip(a, b))
            rows.append((n, statistics.median(a), statistics.median(b), min(a), max(a), built,
                         statistics.median(pairs), (load_before, os.getloadavg()[0])))
            print(f"  {n} known files done: nightly {[round(x, 2) for x in a]}, trivial flow {[round(x, 2) for x in b]}, "
                  f"load {load_before:.1f}-{os.getloadavg()[0]:.1f}", file=sys.stderr)
    print(f"nightly with nothing new vs a trivial Prefect flow, {os.cpu_count()} CPUs, "
          f"median of {args.runs} alternated runs (whole processes, each starting Prefect's temporary server)")
    for n, a, b, lo, hi, built, pair, load in rows:
        print(f"  {n:>6} known files: nightly {a:6.2f} s (min {lo:.2f}, max {hi:.2f}), trivial flow {b:6.2f} s, "
              f"difference of medians {a - b:+.2f} s, median of pairwise differences {pair:+.2f} s "
              f"(target < 1 s at 1,000), ratio {a / b:.2f}, {1000 * max(pair, 0) / n:.3f} ms a known file, "
              f"load average {load[0]:.1f}-{load[1]:.1f}  [inbox and catalog built in {built:.0f} s]")


if __name__ == "__main__":
    main()
