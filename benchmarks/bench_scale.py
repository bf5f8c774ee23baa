"""Backfill throughput against the number of files and the way of running them: the scale curve (run by hand).

    .venv/bin/python benchmarks/bench_scale.py [--files 10,50,200,1000,2000] [--modes one,default,plain,dask4]
                                               [--png docs/img/scale-curve.png]

For each number of files N, writes N distinct valid activities (``bench_backfill.write_inbox``:
tools/fitwriter, 15-45 min at 1 Hz, cycling and running) and runs the whole inbox once per mode,
each in a fresh process and a fresh data directory, against one local Prefect server:

* ``one`` — the ``nightly`` flow with ``workers=1``;
* ``default`` — the ``nightly`` flow as ``sweatline nightly`` runs it (one worker per processor);
* ``plain`` — no Prefect and no guard: a process pool over
  :func:`pipeline.usecases.ingest.process_file` (what the work costs bare);
* ``dask4`` — the ``nightly`` flow on a ``distributed.LocalCluster`` of 4 single-threaded worker
  processes (``dask: {address: ...}`` in the config, as a user points the nightly at a cluster).

Prints files per second for each (N, mode) with the machine's processor count and load, and draws
the curves (files per second against files, a log axis, one line per mode) as an SVG, rendered to
PNG by headless Chromium (Debian's ``chromium``, the browser the report tests use) when it is
installed. The figures go to docs/performance.md ("The scale curve").
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(HERE))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

MODES = ("one", "default", "plain", "dask4")
COLOURS = {"one": "#888888", "default": "#1f6fb4", "plain": "#2a9d4b", "dask4": "#c8512b"}
LABELS = {"one": "nightly, 1 worker", "default": "nightly, default (1 per processor)",
          "plain": "plain process pool, no Prefect", "dask4": "nightly on a 4-worker Dask LocalCluster"}


def _one_run(mode: str, inbox: Path, root: Path, env: dict[str, str]) -> dict | None:
    """One mode over ``inbox`` in a fresh process (``bench_backfill.py --run``); its figures, or None."""
    data = root / f"data-{mode}"
    config = root / f"config-{mode}.yaml"
    text = f"inbox: {inbox}\ndata_dir: {data}\nathlete: {{body_mass_kg: 70, height_cm: 178, sex: male, age: 35}}\n"
    cluster = None
    run_as = mode
    if mode == "dask4":
        from distributed import LocalCluster

        cluster = LocalCluster(n_workers=4, threads_per_worker=1, processes=True, dashboard_address=None)
        text += f'dask: {{address: "{cluster.scheduler_address}"}}\n'
        run_as = "default"  # the nightly's own plan; the config sends it to the cluster
    config.write_text(text)
    try:
        done = subprocess.run([sys.executable, str(HERE / "bench_backfill.py"), "--run", run_as, "--config", str(config)],
                              env=env, capture_output=True, text=True, cwd=PROJECT)
    finally:
        if cluster is not None:
            cluster.close()
        shutil.rmtree(data, ignore_errors=True)
    rows = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not rows:
        print(f"{mode}: failed (exit {done.returncode}): {done.stderr[-1500:]}", file=sys.stderr)
        return None
    return json.loads(rows[-1])


def svg_curve(points: dict[str, list[tuple[int, float]]], title: str) -> str:
    """Files per second (y, linear) against files (x, log10) for each mode: an SVG document."""
    width, height, left, right, top, bottom = 900, 540, 80, 300, 50, 70
    all_n = [n for line in points.values() for n, _ in line]
    all_rate = [r for line in points.values() for _, r in line]
    if not all_n:
        return ""
    x_lo, x_hi = math.log10(min(all_n)), math.log10(max(all_n))
    x_hi = x_hi if x_hi > x_lo else x_lo + 1
    y_hi = max(all_rate) * 1.1

    def x(n: float) -> float:
        return left + (math.log10(n) - x_lo) / (x_hi - x_lo) * (width - left - right)

    def y(rate: float) -> float:
        return height - bottom - rate / y_hi * (height - top - bottom)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'font-family="sans-serif" font-size="14"><rect width="100%" height="100%" fill="white"/>',
             f'<text x="{left}" y="28" font-size="16">{title}</text>',
             f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="black"/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="black"/>',
             f'<text x="{(left + width - right) / 2}" y="{height - 20}" text-anchor="middle">activities in the inbox</text>',
             f'<text x="20" y="{(top + height - bottom) / 2}" text-anchor="middle" '
             f'transform="rotate(-90 20 {(top + height - bottom) / 2})">activities per second</text>']
    for n in sorted(set(all_n)):
        parts.append(f'<text x="{x(n):.1f}" y="{height - bottom + 20}" text-anchor="middle">{n}</text>')
    raw_step = y_hi / 5
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw_step)
    for k in range(int(y_hi / step) + 1):
        rate = k * step
        parts.append(f'<line x1="{left - 5}" y1="{y(rate):.1f}" x2="{width - right}" y2="{y(rate):.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 8}" y="{y(rate) + 5:.1f}" text-anchor="end">{rate:g}</text>')
    for row, (mode, line) in enumerate(points.items()):
        colour = COLOURS.get(mode, "black")
        path = " ".join(f"{x(n):.1f},{y(r):.1f}" for n, r in sorted(line))
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        parts += [f'<circle cx="{x(n):.1f}" cy="{y(r):.1f}" r="4" fill="{colour}"/>' for n, r in line]
        legend_y = top + 20 + row * 24
        parts.append(f'<line x1="{width - right + 15}" y1="{legend_y - 5}" x2="{width - right + 40}" y2="{legend_y - 5}" '
                     f'stroke="{colour}" stroke-width="2.5"/>')
        parts.append(f'<text x="{width - right + 46}" y="{legend_y}" font-size="12">{LABELS.get(mode, mode)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def render_png(svg: Path, png: Path) -> bool:
    """Render ``svg`` to ``png`` with headless Chromium; False when no Chromium is installed."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        return False
    with tempfile.TemporaryDirectory(prefix="bench-scale-chromium-") as profile:
        subprocess.run([binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        f"--user-data-dir={profile}", f"--screenshot={png}", "--window-size=900,540",
                        svg.resolve().as_uri()], capture_output=True, timeout=120, check=False)
    return png.exists()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", default="10,50,200,1000,2000")
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--png", type=Path, default=PROJECT / "docs" / "img" / "scale-curve.png")
    args = parser.parse_args()
    from bench_backfill import write_inbox

    from flows.cli.prefect_server import LocalServer
    from pipeline.runtime.guard import cpu_count

    counts = sorted(int(n) for n in args.files.split(",") if n)
    modes = [m for m in args.modes.split(",") if m]
    points: dict[str, list[tuple[int, float]]] = {m: [] for m in modes}
    loads: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        root = Path(tmp)
        server = LocalServer(root / "server-data").start()
        try:
            env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
            env.update({"PREFECT_API_URL": server.api_url, "PREFECT_HOME": str(root / "prefect-home"),
                        "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "WARNING"})
            os.environ.update({k: v for k, v in env.items() if k.startswith("PREFECT_")})
            for n in counts:
                inbox = root / f"inbox-{n}"
                write_inbox(inbox, n)
                for mode in modes:
                    loads.append(os.getloadavg()[0])
                    figures = _one_run(mode, inbox, root, env)
                    if figures is None:
                        continue
                    rate = n / figures["wall_s"]
                    points[mode].append((n, rate))
                    print(f"{n:6d} files  {mode:<8} {figures['wall_s']:8.1f} s  {rate:6.2f} files/s  "
                          f"peak tree {figures['peak_tree_mb']:.0f} MB  load {loads[-1]:.1f}", flush=True)
                shutil.rmtree(inbox, ignore_errors=True)
        finally:
            server.stop()
    title = (f"Backfill throughput, {cpu_count()} processors, 1-minute load {min(loads):.1f}-{max(loads):.1f}"
             if loads else "Backfill throughput")
    print(title)
    print(f"{'files':>6}  " + "  ".join(f"{m:>8}" for m in modes) + "   (files/s; ratio to plain)")
    for n in counts:
        rates = {m: dict(points[m]).get(n) for m in modes}
        plain = rates.get("plain")
        cells = [f"{r:8.2f}" if r else f"{'-':>8}" for r in rates.values()]
        ratios = [f"{m} {r / plain:.2f}" for m, r in rates.items() if r and plain and m != "plain"]
        print(f"{n:6d}  " + "  ".join(cells) + ("   " + ", ".join(ratios) if ratios else ""))
    svg = svg_curve(points, title)
    args.png.parent.mkdir(parents=True, exist_ok=True)
    svg_path = args.png.with_suffix(".svg")
    svg_path.write_text(svg, encoding="utf-8")
    print(f"curve: {svg_path}" + (f", {args.png}" if render_png(svg_path, args.png) else " (no chromium: no PNG)"))


if __name__ == "__main__":
    main()
