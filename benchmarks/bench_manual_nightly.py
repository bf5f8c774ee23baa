"""A manual ``sweatline nightly`` with nothing new while ``serve``'s server runs, against a trivial
flow run on the same server (run by hand; the second is what any Prefect flow run costs here).

    .venv/bin/python benchmarks/bench_manual_nightly.py [--repeat 3]

Starts the local Prefect server ``sweatline serve`` starts (:class:`flows.cli.prefect_server.LocalServer`,
which leaves ``<data_dir>/prefect/server.json`` for ``nightly`` to find), runs one nightly over a
one-file inbox so the file is known, then alternates, each in a fresh process:

* **nightly** — ``sweatline nightly --config ...`` (nothing new: hashing skipped by the stat index,
  the digest rewritten, two artifacts), no ``PREFECT_API_URL`` in its environment;
* **trivial** — ``python -c`` a ``@flow`` returning 1, with ``PREFECT_API_URL`` of the same server.

Prints each wall time, the medians and the difference (the issue asks under 5 s).
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
SAMPLES = Path(os.environ.get("SWEATLINE_SHARED") or PROJECT.parent / "shared") / "fit-samples"
sys.path.insert(0, str(PROJECT))
SWEATLINE = Path(sys.executable).with_name("sweatline")
TRIVIAL = "from prefect import flow\n@flow(name='trivial')\ndef trivial():\n    return 1\ntrivial()\n"


def _timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{command[:3]} failed ({done.returncode}): {done.stderr[-2000:]}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from flows.cli.prefect_server import LocalServer, free_port

    with tempfile.TemporaryDirectory(prefix="bench-manual-nightly-") as tmp:
        root = Path(tmp)
        inbox, data = root / "inbox", root / "data"
        inbox.mkdir()
        shutil.copy(SAMPLES / "tomtom-runner3-cycling-17min.fit", inbox)
        config = root / "sweatline.yaml"
        config.write_text(f"inbox: {inbox}\ndata_dir: {data}\n"
                          "athlete: {name: bench, body_mass_kg: 70, height_cm: 178, sex: male, age: 35}\n")
        base = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        base.update(PREFECT_HOME=str(root / "prefect-home"), PREFECT_SERVER_ANALYTICS_ENABLED="false")
        server = LocalServer(data, port=free_port(4299))
        print(f"starting a local Prefect server on {server.api_url} ...", flush=True)
        server.start()
        try:
            nightly = [str(SWEATLINE), "nightly", "--config", str(config)]
            trivial = [sys.executable, "-c", TRIVIAL]
            print(f"first nightly (the file becomes known): {_timed(nightly, base):.1f} s", flush=True)
            times: dict[str, list[float]] = {"nightly": [], "trivial": []}
            for _ in range(args.repeat):
                times["nightly"].append(_timed(nightly, base))
                times["trivial"].append(_timed(trivial, {**base, "PREFECT_API_URL": server.api_url}))
                print(f"nightly {times['nightly'][-1]:.1f} s, trivial flow {times['trivial'][-1]:.1f} s", flush=True)
        finally:
            server.stop()
    n, t = statistics.median(times["nightly"]), statistics.median(times["trivial"])
    load = os.getloadavg()[0]
    print(f"median of {args.repeat}: nightly with nothing new {n:.1f} s, trivial flow run {t:.1f} s, "
          f"difference {n - t:+.1f} s (load {load:.1f})")


if __name__ == "__main__":
    main()
