"""How long a rider waits for `sweatline ride`, against the decoders' own speed (run by hand).

    .venv/bin/python benchmarks/bench_ride.py [FIT_FILE] [--runs N] [--prefect]
    .venv/bin/python benchmarks/bench_ride.py [FIT_FILE] --stored [--runs N]

Default file: a 9.5 h ride at 1 s recording built with the project's FIT writer
(benchmarks/long_file.py, 1.2 MB: the shared samples hold nothing that long), plus a 1-minute file.
Every figure is a whole process as a user runs it, alternated A B C ... A B C ... (machine load
hits all alike), median of N, with the peak RSS of its largest single process (``wait4``, and
every descendant's ``VmHWM``: the guard's child that reads the file is one):

* **ride, fresh** — ``sweatline ride F --json`` in a fresh data directory, no Prefect server up
  (the fast path), with the installed decoder (fitfast when the ``fast`` extra is installed);
* **ride, fresh, fitparse** — the same with ``SWEATLINE_DECODER=fitparse``;
* **ride again** — the same file a second time (the stored answer);
* **--help** — ``sweatline --help``;
* **bare fitparse** — ``list(fitparse.FitFile(F).get_messages())``: what any fitparse user pays
  to read the file (the anchor of the target: ride on the fitparse path <= 0.5 x this);
* **bare fitfast** — ``fitfast.parse(F)`` (moonshot: ride <= 2 x this; target 2: ride <= the
  pandas + pyarrow import floor + 2 x this, both parts printed);
* **floors** — a bare interpreter importing pandas and pyarrow's Parquet writer (what reading any
  new file needs before its first byte is decoded: the guard's forkserver imports them), and one
  importing pydantic (what a stored answer needs to read its config and catalog rows).

Ratios are printed to the bare fitparse decode and to the bare fitfast decode, with the load
average. ``--prefect`` adds the Prefect figures (ride through a Prefect server, nightly with
nothing new).

``--stored`` measures only the stored answer against ``sweatline --help`` (target: the stored
answer within 3 x ``--help``): ``sweatline ride --config C FILE`` (the headline) and the same with
``--json``, on a file already processed, alternated with ``--help``, a bare interpreter and one
importing pydantic and yaml (the floor of anything that reads the config), median of N (at least
7), with the load average before and after.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from benchmarks.long_file import ensure  # noqa: E402
from flows.cli.prefect_server import LocalServer  # noqa: E402

SWEATLINE = str(Path(sys.executable).with_name("sweatline"))


def _config(folder: Path, inbox: Path) -> Path:
    path = folder / "sweatline.yaml"
    path.write_text(f"inbox: {inbox}\ndata_dir: {folder / 'data'}\nweather: {{provider: none}}\n"
                    "nightly: {cron: '0 3 * * *', timezone: UTC}\n")
    return path


def _timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run([SWEATLINE, *args], env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"sweatline {' '.join(args)} failed ({proc.returncode}): {proc.stderr[-500:]}")
    return elapsed


def _workspace(root: Path, fit: Path) -> Path:
    folder = Path(tempfile.mkdtemp(dir=root))
    inbox = folder / "inbox"
    inbox.mkdir()
    shutil.copy(fit, inbox / fit.name)
    return _config(folder, inbox)


def prefect_figures(fit: Path, runs: int) -> None:
    """The figures of the fast path against the ways through Prefect."""
    figures: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-ride-") as tmp:
        root = Path(tmp)
        base = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        base["PREFECT_HOME"] = str(root / "prefect-home")
        base["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"

        for _ in range(runs):
            config = _workspace(root, fit)
            figures.setdefault("ride, fast path (no server up)", []).append(
                _timed(["ride", str(fit), "--json", "--config", str(config)], base))
            figures.setdefault("ride, fast path, again (report reused)", []).append(
                _timed(["ride", str(fit), "--json", "--config", str(config)], base))
        config = _workspace(root, fit)
        forced = dict(base, SWEATLINE_RIDE_VIA="prefect")
        figures["ride through Prefect's temporary server"] = [_timed(["ride", str(fit), "--json", "--config", str(config)], forced)]
        figures["nightly, nothing new, temporary server"] = [_timed(["nightly", "--config", str(config)], base)]

        start = time.perf_counter()
        server = LocalServer(root / "server-data").start()
        figures["(prefect server start, until healthy)"] = [time.perf_counter() - start]
        try:
            served = dict(base, PREFECT_API_URL=server.api_url)
            for _ in range(runs):
                config = _workspace(root, fit)
                figures.setdefault("ride via the running server", []).append(
                    _timed(["ride", str(fit), "--json", "--config", str(config)], served))
                figures.setdefault("ride via the running server, again (report reused)", []).append(
                    _timed(["ride", str(fit), "--json", "--config", str(config)], served))
            figures["nightly, nothing new, via the running server"] = [_timed(["nightly", "--config", str(config)], served)]
        finally:
            server.stop()

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"sweatline ride / nightly wall time, {fit.name} ({fit.stat().st_size / 1024:.0f} KiB), "
          f"{os.cpu_count()} CPUs, load average {load:.1f}")
    width = max(len(k) for k in figures)
    for what, values in figures.items():
        spread = f"  (min {min(values):.1f}, max {max(values):.1f}, n={len(values)})" if len(values) > 1 else ""
        print(f"  {what:<{width}}  {statistics.median(values):6.2f} s{spread}")


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one whole process; exit status must be 0.

    The peak is that of the largest single process of the command's tree: ``ru_maxrss`` from
    ``wait4`` (the command, and the descendants it waited for) or the high-water mark
    (``VmHWM``, sampled every 20 ms) of any descendant — the guard's child that reads the file is
    forked by the forkserver, which ``ride`` does not wait for, so ``wait4`` alone misses it."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    descendants_kib = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        descendants_kib = max(descendants_kib, _largest_descendant_hwm_kib(proc.pid))
        time.sleep(0.02)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err[-500:]}")
    return elapsed, max(usage.ru_maxrss, descendants_kib) / 1024


def _largest_descendant_hwm_kib(root: int) -> int:
    """The largest ``VmHWM`` (KiB) among the processes descended from ``root`` (Linux ``/proc``; 0 elsewhere)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if entry.isdigit():
            try:
                parent = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[-1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry))
    largest, todo = 0, list(children.get(root, []))
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    largest = max(largest, int(line.split()[1]))
        except (OSError, ValueError, IndexError):
            continue
    return largest


def ride_figures(fit: Path, short: Path, runs: int) -> None:
    """Ride against bare decodes, side by side."""
    py = sys.executable
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "SWEATLINE_DECODER")}
    env["SWEATLINE_RIDE_VIA"] = "local"
    slow = dict(env, SWEATLINE_DECODER="fitparse")
    with tempfile.TemporaryDirectory(prefix="bench-ride-") as tmp:
        root = Path(tmp)
        stored = _workspace(root, fit)
        _run([SWEATLINE, "ride", str(fit), "--json", "--config", str(stored)], env)
        cases = {
            "ride, fresh": lambda: [SWEATLINE, "ride", str(fit), "--json", "--config", str(_workspace(root, fit))],
            "ride, fresh, fitparse path": lambda: ("slow", [SWEATLINE, "ride", str(fit), "--json", "--config",
                                                            str(_workspace(root, fit))]),
            "ride, 1-minute file, fresh": lambda: [SWEATLINE, "ride", str(short), "--json", "--config",
                                                   str(_workspace(root, short))],
            "ride again (stored answer)": lambda: [SWEATLINE, "ride", str(fit), "--json", "--config", str(stored)],
            "sweatline --help": lambda: [SWEATLINE, "--help"],
            "bare fitparse FitFile().get_messages()": lambda: [py, "-c", "import sys, fitparse; "
                                                               "list(fitparse.FitFile(sys.argv[1]).get_messages())", str(fit)],
            "bare fitfast.parse()": lambda: [py, "-c", "import sys, fitfast; fitfast.parse(sys.argv[1])", str(fit)],
            "floor: import pandas, pyarrow.parquet": lambda: [py, "-c", "import pandas, pyarrow.parquet"],
            "floor: import pydantic": lambda: [py, "-c", "import pydantic; from pydantic import BaseModel"],
        }
        walls: dict[str, list[float]] = {k: [] for k in cases}
        peaks: dict[str, list[float]] = {k: [] for k in cases}
        for _ in range(runs):
            for name, make in cases.items():
                cmd = make()
                use = env
                if isinstance(cmd, tuple):
                    use, cmd = slow, cmd[1]
                wall, peak = _run(cmd, use)
                walls[name].append(wall)
                peaks[name].append(peak)
    load = os.getloadavg()[0]
    fitparse_s = statistics.median(walls["bare fitparse FitFile().get_messages()"])
    fitfast_s = statistics.median(walls["bare fitfast.parse()"])
    print(f"sweatline ride vs bare decodes, {fit.name} ({fit.stat().st_size / 1e6:.2f} MB), {os.cpu_count()} CPUs, "
          f"load average {load:.1f}, median of {runs} alternated runs")
    width = max(len(k) for k in walls)
    for name in walls:
        wall = statistics.median(walls[name])
        print(f"  {name:<{width}}  {wall:6.2f} s (min {min(walls[name]):.2f}, max {max(walls[name]):.2f})  "
              f"peak {max(peaks[name]):5.0f} MiB  x{wall / fitparse_s:5.2f} of bare fitparse  "
              f"x{wall / fitfast_s:5.2f} of bare fitfast")
    fitparse_ride = statistics.median(walls["ride, fresh, fitparse path"])
    fast_ride = statistics.median(walls["ride, fresh"])
    print(f"  target 1: ride on the fitparse path / bare fitparse = {fitparse_ride / fitparse_s:.2f} (<= 0.5), "
          f"peak {max(peaks['ride, fresh, fitparse path']):.0f} MiB (<= 250)")
    print(f"  moonshot: ride (fitfast) / bare fitfast = {fast_ride / fitfast_s:.2f} (<= 2)")
    floor = statistics.median(walls["floor: import pandas, pyarrow.parquet"])
    allowed = floor + 2 * fitfast_s
    print(f"  target 2: cold ride on a new file {fast_ride:.2f} s against import floor {floor:.2f} s + 2 x bare fitfast "
          f"{fitfast_s:.2f} s = {allowed:.2f} s: {fast_ride / allowed:.2f} x the allowance (<= 1); over the floor "
          f"{fast_ride - floor:.2f} s = {(fast_ride - floor) / fitfast_s:.2f} x bare fitfast (<= 2)")
    print(f"  importing pandas and pyarrow alone = {floor / fitfast_s:.2f} x bare fitfast; the 1-minute ride = "
          f"{statistics.median(walls['ride, 1-minute file, fresh']) / floor:.2f} x that import, the stored answer = "
          f"{statistics.median(walls['ride again (stored answer)']) / statistics.median(walls['floor: import pydantic']):.2f}"
          " x importing pydantic")


def _wall(cmd: list[str], env: dict[str, str]) -> float:
    """Wall seconds of one whole process (exit status 0), waited for plainly: :func:`_run`'s polling
    of ``/proc`` every 20 ms would both round a 50 ms ``--help`` and load the processors it measures."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
    return elapsed


def stored_figures(fit: Path, runs: int) -> None:
    """The stored answer against ``sweatline --help``, alternated whole processes, in one run."""
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "SWEATLINE_DECODER")}
    env["SWEATLINE_RIDE_VIA"] = "local"
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-stored-") as tmp:
        config = _workspace(Path(tmp), fit)
        _run([SWEATLINE, "ride", str(fit), "--config", str(config)], env)  # the file processed: its answer stored
        cases = {
            "ride again, headline (stored answer)": [SWEATLINE, "ride", "--config", str(config), str(fit)],
            "ride again, --json (stored answer)": [SWEATLINE, "ride", "--config", str(config), str(fit), "--json"],
            "sweatline --help": [SWEATLINE, "--help"],
            "bare interpreter (python -c pass)": [sys.executable, "-c", "pass"],
            "floor: import pydantic, yaml": [sys.executable, "-c", "import yaml; from pydantic import BaseModel"],
        }
        walls: dict[str, list[float]] = {k: [] for k in cases}
        for _ in range(runs):
            for name, cmd in cases.items():
                walls[name].append(_wall(cmd, env))
    load_after = os.getloadavg()[0]
    medians = {name: statistics.median(values) for name, values in walls.items()}
    help_s = medians["sweatline --help"]
    print(f"stored answer vs --help, {fit.name}, {os.cpu_count()} CPUs, load average {load_before:.1f} before, "
          f"{load_after:.1f} after, median of {runs} alternated runs")
    width = max(len(k) for k in walls)
    for name, values in walls.items():
        print(f"  {name:<{width}}  {medians[name]:6.3f} s (min {min(values):.3f}, max {max(values):.3f})  "
              f"x{medians[name] / help_s:5.2f} of --help")
    print(f"  target: stored answer / --help = {medians['ride again, headline (stored answer)'] / help_s:.2f} "
          f"(headline), {medians['ride again, --json (stored answer)'] / help_s:.2f} (--json); <= 3")
    print(f"  importing pydantic and yaml alone (the config's libraries: a stored answer cannot do without them) = "
          f"{medians['floor: import pydantic, yaml'] / help_s:.2f} x --help")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fit", nargs="?", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--prefect", action="store_true", help="also the Prefect server paths")
    parser.add_argument("--stored", action="store_true", help="only the stored answer against --help")
    args = parser.parse_args()
    cache = Path(tempfile.gettempdir()) / "sweatline-bench"
    fit = args.fit.resolve() if args.fit else ensure(cache / "ride-9h30.fit", 9.5)
    if args.stored:
        stored_figures(fit, max(args.runs, 7))
        return
    short = ensure(cache / "ride-1min.fit", 1 / 60)
    ride_figures(fit, short, args.runs)
    if args.prefect:  # the README's table: the 2 h 30 min example ride
        prefect_figures(args.fit.resolve() if args.fit else PROJECT / "examples" / "fit" / "2026-07-18-road-ride-hot.fit",
                        args.runs)


if __name__ == "__main__":
    main()
