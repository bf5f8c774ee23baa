"""Check every figure Sweatline published in a data directory against what a body can do.

    .venv/bin/python -m tools.figures DATA_DIR [DATA_DIR ...]

Reads every ``reports/**/report.json`` and the catalog's ``activities`` rows (read-only) and flags
any figure outside the bounds of :mod:`pipeline.physiology.limits` (sources there):

* a duration (``elapsed_s``, ``timer_s``, a leg's ``timer_s``) above :data:`~pipeline.physiology.limits.MAX_ACTIVITY_S`;
* sweat (``total_l``, ``high_l``) above :func:`~pipeline.physiology.limits.sweat_ceiling_l` of the
  activity's time (its elapsed time, else its timer time), or ``low_l > total_l``;
* a sweat rate above :data:`~pipeline.physiology.limits.PEAK_RATE_L_PER_H` scaled to the athlete's
  mass (the per-minute ceiling), or negative figures;
* ``body_mass_loss_pct`` above 100 × :data:`~pipeline.physiology.limits.SURVIVABLE_LOSS_FRACTION`;
* ``plan.after_ml`` above :func:`~pipeline.advice.plan.after_cap_l` of the athlete's mass;
  ``during_max_ml_per_h`` above the gut's :data:`~pipeline.advice.plan.GUT_LIMIT_ML_PER_H`.

Prints one line per problem and a summary line; exits 1 when any figure is out of bounds.
"""
from __future__ import annotations

import argparse
import json
import math
import sqlite3
import sys
from pathlib import Path
from typing import Any

from pipeline.advice.plan import GUT_LIMIT_ML_PER_H, after_cap_l
from pipeline.physiology import limits

SLACK = 1.001  # rounding in the published figures (litres to the mL, % to 0.01)


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def check_figures(where: str, activity_s: float | None, sweat: dict[str, Any], body_mass_kg: float | None,
                  plan: dict[str, Any] | None = None, durations: dict[str, Any] | None = None) -> list[str]:
    """The problems of one published set of figures (a report's, a leg's or a catalog row's)."""
    problems: list[str] = []
    for name, value in (durations or {}).items():
        v = _num(value)
        if v is not None and (not math.isfinite(v) or v < 0 or v > limits.MAX_ACTIVITY_S):
            problems.append(f"{where}: {name} {v:.0f} s outside 0-{limits.MAX_ACTIVITY_S:.0f} s")
    total, low, high = (_num(sweat.get(k)) for k in ("total_l", "low_l", "high_l"))
    for name in ("total_l", "low_l", "high_l", "rate_l_per_h", "sodium_mg", "potassium_mg"):
        v = _num(sweat.get(name))
        if v is not None and (not math.isfinite(v) or v < 0):
            problems.append(f"{where}: {name} {v}")
    if activity_s is not None and activity_s > 0:
        ceiling = limits.sweat_ceiling_l(min(activity_s, limits.MAX_ACTIVITY_S)) * SLACK
        for name, v in (("total_l", total), ("high_l", high)):
            if v is not None and v > ceiling:
                problems.append(f"{where}: {name} {v:.1f} L over {activity_s / 3600:.1f} h, above the {ceiling:.1f} L "
                                "a body sweats in that time")
    if total is not None and low is not None and low > total * SLACK:
        problems.append(f"{where}: low_l {low} above total_l {total}")
    rate = _num(sweat.get("rate_l_per_h"))
    mass = body_mass_kg if body_mass_kg and body_mass_kg > 0 else 70.0
    if rate is not None and rate > limits.PEAK_RATE_L_PER_H * mass / 70.0 * 1.3:
        problems.append(f"{where}: rate_l_per_h {rate:.2f} above the highest measured whole-body rate")
    loss = _num(sweat.get("body_mass_loss_pct"))
    if loss is not None and loss > 100.0 * limits.SURVIVABLE_LOSS_FRACTION * SLACK:
        problems.append(f"{where}: body_mass_loss_pct {loss:.1f} % (if nothing drunk) is past the life-threatening "
                        f"{100 * limits.SURVIVABLE_LOSS_FRACTION:.0f} %")
    if plan:
        after = _num(plan.get("after_ml"))
        if after is not None and body_mass_kg and after > after_cap_l(body_mass_kg) * 1000.0 * SLACK:
            problems.append(f"{where}: plan.after_ml {after:.0f} mL above what can be drunk back")
        during = _num(plan.get("during_max_ml_per_h"))
        if during is not None and during > GUT_LIMIT_ML_PER_H * SLACK:
            problems.append(f"{where}: plan.during_max_ml_per_h {during:.0f} above the gut's limit")
    return problems


def check_report(path: Path) -> list[str]:
    """The problems of one ``report.json`` (an unreadable one is one problem)."""
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"{path}: unreadable ({exc.__class__.__name__})"]
    if not isinstance(report, dict):
        return [f"{path}: not an object"]
    activity = report.get("activity") or {}
    athlete = (report.get("inputs") or {}).get("athlete") or {}
    mass = _num(athlete.get("body_mass_kg"))
    seconds = _num(activity.get("elapsed_s")) or _num(activity.get("timer_s"))
    problems = check_figures(str(path), seconds, report.get("sweat") or {}, mass, report.get("plan"),
                             {k: activity.get(k) for k in ("elapsed_s", "timer_s")})
    for leg in report.get("legs") or []:
        if isinstance(leg, dict):
            where = f"{path} leg {leg.get('index')}"
            # a leg's sweat covers its kept time, pauses included, which its timer leaves out: the
            # leg's bound is the activity's (no leg sweats more than the whole activity may)
            problems += check_figures(where, seconds, leg.get("sweat") or {}, mass, leg.get("plan"),
                                      {"timer_s": leg.get("timer_s")})
    return problems


def check_catalog(path: Path) -> tuple[int, list[str]]:
    """Rows read and the problems of the catalog's ``activities`` rows (opened read-only)."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        db.row_factory = sqlite3.Row
        rows = db.execute("SELECT * FROM activities").fetchall()
        db.close()
    except sqlite3.Error as exc:
        return 0, [f"{path}: unreadable ({exc})"]
    problems: list[str] = []
    for row in rows:
        r = dict(row)
        sweat = {k: r.get(f"sweat_{k}") for k in ("total_l", "low_l", "high_l", "rate_l_per_h")}
        sweat.update({k: r.get(k) for k in ("sodium_mg", "potassium_mg", "body_mass_loss_pct")})
        seconds = _num(r.get("elapsed_s")) or _num(r.get("timer_s"))
        problems += check_figures(f"{path} {r.get('source')}", seconds, sweat, None, None,
                                  {k: r.get(k) for k in ("elapsed_s", "timer_s")})
    return len(rows), problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dirs", nargs="+", type=Path)
    args = parser.parse_args(argv)
    reports = rows = 0
    problems: list[str] = []
    for data in args.data_dirs:
        for path in sorted(data.glob("reports/**/report.json")):
            reports += 1
            problems += check_report(path)
        catalog = data / "catalog.sqlite"
        if catalog.is_file():
            n, found = check_catalog(catalog)
            rows += n
            problems += found
    for line in problems:
        print(line)
    print(json.dumps({"reports": reports, "catalog_rows": rows, "impossible_figures": len(problems)}))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
