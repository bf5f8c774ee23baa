"""Backfill on every core (target 3): N distinct activities, each way of running them (run by hand).

    .venv/bin/python benchmarks/bench_backfill.py [--files 200] [--modes one,default,...]

Writes N distinct valid activities with tools/fitwriter (15-45 min at 1 Hz, cycling and running,
each its own device serial and start time, so none is a duplicate of another) into a temporary
inbox, starts one local Prefect server (``prefect server start``; its start-up is not timed),
then processes the whole inbox once per mode, each in a fresh process and a fresh data directory:

* ``one`` — the anchor: the ``nightly`` flow with ``workers=1`` (one file at a time, batched as
  the default plan batches one worker's files);
* ``default`` — the ``nightly`` flow as ``sweatline nightly`` runs it (the plan it logs: threads,
  one task at a time per processor, each task's files in one guarded process, batches of
  ``ceil(N / (processors * 4))`` files, at most 16);
* ``unbatched`` — the default with ``batch=1``: one ``process-file`` task and one fresh guarded
  process per file (the default before batching);
* ``processes`` — ``runner="processes"``: Prefect's ProcessPoolTaskRunner, one worker per
  processor (each worker again guards its file in a child);
* ``threads2x`` — ``runner="threads"``, twice as many files at once as processors;
* ``plain`` — no Prefect and no guard: a ``concurrent.futures.ProcessPoolExecutor`` (one worker
  per processor) over :func:`pipeline.usecases.ingest.process_file`, outcomes committed with
  :func:`pipeline.usecases.commit.record_outcome` as they arrive (what the pipeline costs bare).

For each: wall time (inside the run, from the first file to the last commit), files per second,
the peak resident memory of the run's whole process tree (sampled every 0.2 s: the runner and
every worker and guarded child alive at that moment, summed) and of its largest single process,
the ratio of its wall time to the anchor's (``one``) and to ``plain``, and where the processor time
went: the run's own process (Prefect's task runs, states and logs, the catalog commits), the
processes that read the files (the guarded children, or the plain pool's workers, through the
forkserver that reaped them) and the Prefect server. The machine's CPU count and its load
average before and after each mode are printed with them: the machine may be shared.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

MODES = ("one", "default", "unbatched", "processes", "threads2x", "plain")


def write_inbox(inbox: Path, n_files: int) -> float:
    """``n_files`` distinct activities (fitwriter); returns their total size in MiB."""
    from tools.fitwriter import DeviceSpec, RecordSample, encode_activity, write

    inbox.mkdir(parents=True, exist_ok=True)
    total = 0
    for k in range(n_files):
        start = datetime(2026, 1, 1, 6, tzinfo=timezone.utc) + timedelta(days=k, minutes=7 * k)
        minutes = 15 + (k * 7) % 31
        running = k % 3 == 0
        speed = (3.0 if running else 8.0) + (k % 5) * 0.1
        samples = [RecordSample(timestamp=start + timedelta(seconds=i), distance_m=speed * i, speed_m_per_s=speed,
                                heart_rate_bpm=130 + (i + k) % 30, power_w=None if running else 180 + (i + k) % 60,
                                cadence_rpm=85 + k % 10, temperature_c=12 + k % 15)
                   for i in range(minutes * 60)]
        data = encode_activity(samples, sport="running" if running else "cycling",
                               device=DeviceSpec(manufacturer="garmin", serial_number=100000 + k))
        total += len(data)
        write(inbox / f"{start:%Y-%m-%d}-{k:04d}.fit", data)
    return total / 2**20


def _tree_rss_bytes(root_pid: int) -> tuple[int, int]:
    """(sum, largest) resident memory of ``root_pid`` and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = int(fields[21]) * page
    tree = {root_pid}
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    sizes = [rss.get(pid, 0) for pid in tree]
    return sum(sizes), max(sizes)


class PeakSampler(threading.Thread):
    """Samples this process tree's resident memory every ``interval_s`` until stopped."""

    def __init__(self, interval_s: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.interval_s = interval_s
        self.peak_sum = 0
        self.peak_one = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            total, largest = _tree_rss_bytes(os.getpid())
            self.peak_sum, self.peak_one = max(self.peak_sum, total), max(self.peak_one, largest)
            self._done.wait(self.interval_s)

    def stop(self) -> None:
        self._done.set()
        self.join()


def _plain(config_path: Path) -> str:
    """The same work without Prefect or the guard: a process pool over process_file."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from pipeline.core.config import load_config
    from pipeline.runtime.guard import cpu_count
    from pipeline.store.catalog import Catalog
    from pipeline.usecases.commit import record_outcome
    from pipeline.usecases.inbox import scan_inbox
    from pipeline.usecases.ingest import process_file
    from pipeline.usecases.nightly import hash_files

    config = load_config(config_path)
    files = scan_inbox(config.inbox)
    hashes = hash_files(files)
    processed = rejected = 0
    with Catalog(config.data_dir) as catalog, ProcessPoolExecutor(
            cpu_count(), mp_context=multiprocessing.get_context("forkserver")) as pool:
        futures = [pool.submit(process_file, f.path, config, None, None, sha) for f, sha in zip(files, hashes)]
        for future in as_completed(futures):
            outcome = record_outcome(catalog, future.result())
            processed += outcome.status == "processed"
            rejected += outcome.status == "rejected"
    return f"processed {processed}, rejected {rejected} (plain process pool, {cpu_count()} workers)"


def run_mode(mode: str, config_path: Path) -> None:
    """In a fresh process: one mode over the inbox; prints a JSON line of figures."""
    sampler = PeakSampler()
    if mode == "plain":
        sampler.start()
        start = time.perf_counter()
        line = _plain(config_path)
    else:
        import logging

        from flows.nightly import nightly
        from pipeline.runtime.guard import cpu_count

        said: list[str] = []

        class Plan(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                if "new," in record.getMessage():
                    said.append(record.getMessage().split("; ", 1)[-1])

        logging.getLogger("prefect.flow_runs").addHandler(Plan())
        logging.getLogger("prefect.flow_runs").setLevel(logging.INFO)
        kwargs = {"one": {"workers": 1}, "default": {}, "unbatched": {"batch": 1}, "processes": {"runner": "processes"},
                  "threads2x": {"runner": "threads", "workers": 2 * cpu_count()}}[mode]
        sampler.start()
        start = time.perf_counter()
        summary = nightly(config_path=str(config_path), **kwargs)
        line = summary.line()[:80] + (f" [{said[0]}]" if said else "")
    wall = time.perf_counter() - start
    sampler.stop()
    own = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"mode": mode, "wall_s": wall, "peak_tree_mb": sampler.peak_sum / 2**20,
                      "peak_one_mb": sampler.peak_one / 2**20, "line": line,
                      "flow_cpu_s": own.ru_utime + own.ru_stime, "files_cpu_s": _forkserver_cpu_s()}))


def _forkserver_cpu_s() -> float:
    """CPU seconds of the processes the forkserver started and reaped (the guarded children, or the
    plain pool's workers), with the forkserver's own: where the files' work was done."""
    from multiprocessing import forkserver

    pid = getattr(forkserver._forkserver, "_forkserver_pid", None)
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")  # utime stime cutime cstime


def _cpu_s_of(needle: str) -> float:
    """CPU seconds so far of every process whose command line holds ``needle`` (the Prefect server)."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if needle not in Path(f"/proc/{entry}/cmdline").read_bytes().decode(errors="replace"):
                continue
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[-1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--run", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--config", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run_mode(args.run, args.config)
        return
    from flows.cli.prefect_server import LocalServer
    from pipeline.runtime.guard import cpu_count

    modes = [m for m in args.modes.split(",") if m]
    with tempfile.TemporaryDirectory(prefix="bench-backfill-") as tmp:
        root = Path(tmp)
        inbox = root / "inbox"
        started = time.perf_counter()
        size_mib = write_inbox(inbox, args.files)
        print(f"wrote {args.files} distinct activities ({size_mib:.1f} MiB) in {time.perf_counter() - started:.0f} s",
              file=sys.stderr)
        server = LocalServer(root / "server-data").start()
        load_before = os.getloadavg()
        figures: dict[str, dict] = {}
        try:
            env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
            env.update({"PREFECT_API_URL": server.api_url, "PREFECT_HOME": str(root / "prefect-home"),
                        "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "WARNING"})
            for mode in modes:
                data = root / f"data-{mode}"
                config = root / f"config-{mode}.yaml"
                config.write_text(f"inbox: {inbox}\ndata_dir: {data}\n"
                                  "athlete: {body_mass_kg: 70, height_cm: 178, sex: male, age: 35}\n")
                server_cpu = _cpu_s_of(f"{server.port}")
                load = os.getloadavg()[0]
                done = subprocess.run([sys.executable, __file__, "--run", mode, "--config", str(config)],
                                      env=env, capture_output=True, text=True, cwd=PROJECT)
                rows = [line for line in done.stdout.splitlines() if line.startswith("{")]
                if done.returncode or not rows:
                    print(f"{mode}: failed (exit {done.returncode}): {done.stderr[-2000:]}", file=sys.stderr)
                    continue
                figures[mode] = json.loads(rows[-1])
                figures[mode]["server_cpu_s"] = _cpu_s_of(f"{server.port}") - server_cpu
                figures[mode]["load"] = (load, os.getloadavg()[0])
                print(f"  {mode}: {figures[mode]['wall_s']:.1f} s  {figures[mode]['line']}", file=sys.stderr)
        finally:
            server.stop()
        load_after = os.getloadavg()
    print(f"backfill of {args.files} distinct activities ({size_mib:.1f} MiB), {cpu_count()} CPUs, "
          f"load average before {load_before[0]:.1f} / {load_before[1]:.1f} (1/5 min), after {load_after[0]:.1f} / "
          f"{load_after[1]:.1f}")
    anchor = figures.get("one", {}).get("wall_s")
    plain = figures.get("plain", {}).get("wall_s")
    print(f"  {'mode':<10} {'wall':>8} {'files/s':>8} {'peak tree':>10} {'peak one':>9} {'one/this':>9} {'this/plain':>11}"
          f" {'cpu: flow':>10} {'files':>7} {'server':>7}  load (1 min) before-after")
    for mode, f in figures.items():
        speed_up = f"{anchor / f['wall_s']:.2f}x" if anchor else "-"
        to_plain = f"{f['wall_s'] / plain:.2f}x" if plain else "-"
        print(f"  {mode:<10} {f['wall_s']:7.1f}s {args.files / f['wall_s']:8.2f} {f['peak_tree_mb']:8.0f}MB "
              f"{f['peak_one_mb']:7.0f}MB {speed_up:>9} {to_plain:>11} {f['flow_cpu_s']:9.1f}s {f['files_cpu_s']:6.1f}s "
              f"{f['server_cpu_s']:6.1f}s  {f['load'][0]:.1f}-{f['load'][1]:.1f}")
    for mode, f in figures.items():
        print(f"  {mode}: {f['line']}")


if __name__ == "__main__":
    main()
