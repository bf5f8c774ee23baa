"""How long a rider waits for `sweatline ride`, and a nightly run with nothing new (run by hand).

    .venv/bin/python benchmarks/bench_ride.py [FIT_FILE] [--runs N]

Default file: the project's own 2 h 30 min hot road ride (examples/fit/2026-07-18-road-ride-hot.fit).
Every figure is the wall time of the real command as a user runs it (a fresh process), median
of N runs, each in a fresh data directory unless it says "again":

* **fast path** — no Prefect server up: ``sweatline ride F --json`` without importing Prefect;
* **fast path, again** — the same file and weather a second time (stored report reused);
* **via server** — a local ``prefect server start`` is up (as under ``sweatline serve``): the
  ``after-ride`` flow runs as a real flow run on it;
* **temporary server** — ``SWEATLINE_RIDE_VIA=prefect`` with no server up: what every ride would
  cost if it always went through Prefect (Prefect starts and stops its temporary server);
* **nightly, nothing new** — ``sweatline nightly`` over an inbox whose only file is already in
  the catalog, with no server up (temporary server) and with the local server up.

Machine load moves these figures a lot (Prefect's start-up is CPU-bound): the load average is
printed with them.
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

from flows.commands.prefect_server import LocalServer  # noqa: E402

SWEATLINE = str(Path(sys.executable).with_name("sweatline"))
DEFAULT_FILE = PROJECT / "examples" / "fit" / "2026-07-18-road-ride-hot.fit"


def _config(folder: Path, inbox: Path) -> Path:
    path = folder / "sweatline.yaml"
    path.write_text(f"inbox: {inbox}\ndata_dir: {folder / 'data'}\nnightly: {{cron: '0 3 * * *', timezone: UTC}}\n")
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fit", nargs="?", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    fit = args.fit.resolve()
    figures: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-ride-") as tmp:
        root = Path(tmp)
        base = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        base["PREFECT_HOME"] = str(root / "prefect-home")
        base["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"

        for _ in range(args.runs):
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
            for _ in range(args.runs):
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


if __name__ == "__main__":
    main()
