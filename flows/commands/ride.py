"""`sweatline ride [FIT_PATH] [--temp C] [--humidity PCT] [--json]`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.analysis import WeatherOverride, analyse_activity
from pipeline.config import Config
from pipeline.errors import UsageError
from pipeline.fit import read_activity
from pipeline.report.text import headline_text


def run(args: argparse.Namespace, config: Config) -> int:
    if args.fit_path is None:
        raise UsageError("sweatline ride", "give a FIT file (the newest inbox file arrives with issue #5)")
    activity = read_activity(Path(args.fit_path))
    for warning in activity.summary.warnings:
        print(f"{args.fit_path}: warning: {warning}", file=sys.stderr)
    override = WeatherOverride(temperature_c=args.temp, humidity_pct=args.humidity)
    report = analyse_activity(activity, config, override).report
    print(report.to_json() if args.json else headline_text(report))
    return 0
