"""`sweatline ride [FIT_PATH] [--temp C] [--humidity PCT] [--json]`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.analysis import analyse_activity
from pipeline.config import Config
from pipeline.errors import UsageError
from pipeline.fit import read_activity


def run(args: argparse.Namespace, config: Config) -> int:
    if args.fit_path is None:
        raise UsageError("sweatline ride", "give a FIT file (the newest inbox file arrives with issue #5)")
    activity = read_activity(Path(args.fit_path))
    for warning in activity.summary.warnings:
        print(f"{args.fit_path}: warning: {warning}", file=sys.stderr)
    report = analyse_activity(activity, config)
    if args.json:
        print(report.to_json())
    else:
        a = report.activity
        assert a is not None
        print(f"{a.source}: {a.sport} {a.timer_s or 0:.0f} s, {(a.distance_m or 0) / 1000:.2f} km")
    return 0
