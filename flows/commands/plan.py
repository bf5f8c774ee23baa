"""`sweatline plan --sport S --duration D (--speed KMH | --power W | --hr BPM) [--temp C] [--humidity PCT]
[--mass-kg KG] [--height-cm CM] [--sex male|female] [--age YEARS] [--json]`: the sweat model for a
session that has not happened yet. Prints the same environment/intensity/sweat blocks as a ride
(no ``activity``) as JSON, or a few lines of text. Every value is checked in
:func:`pipeline.physiology.planned.check_plan`; an impossible one is one stderr line and exit 2.
"""
from __future__ import annotations

import argparse

from pipeline.analysis import WeatherOverride, analyse_plan
from pipeline.config import Config
from pipeline.physiology.planned import check_plan
from pipeline.report.text import plan_text
from pipeline.report.view import Display
from pipeline.store.weighins import calibration_for

FLAGS = {"sport": "--sport", "duration_s": "--duration", "speed_kmh": "--speed", "power_w": "--power",
         "heart_rate_bpm": "--hr", "temperature_c": "--temp", "humidity_pct": "--humidity",
         "body_mass_kg": "--mass-kg", "height_cm": "--height-cm", "age": "--age", "intensity": "sweatline plan"}
"""The command line's name for each field of :class:`~pipeline.physiology.planned.PlanRequest`."""


def run(args: argparse.Namespace, config: Config) -> int:
    plan = check_plan(args.sport, args.duration, speed_kmh=args.speed, power_w=args.power,
                      heart_rate_bpm=args.hr, temperature_c=args.temp, humidity_pct=args.humidity,
                      body_mass_kg=args.mass_kg, height_cm=args.height_cm, age=args.age)
    athlete_override = {"body_mass_kg": args.mass_kg, "height_cm": args.height_cm, "sex": args.sex, "age": args.age}
    override = WeatherOverride(temperature_c=args.temp, humidity_pct=args.humidity)
    calibration = calibration_for(config.data_dir, plan.sport)  # issue #6: the athlete's weigh-ins
    report = analyse_plan(plan, config, override, athlete_override, calibration).report
    display = Display.of(config, getattr(args, "units", None))
    print(report.to_json() if args.json else plan_text(report, duration_s=plan.duration_s, sport=plan.sport,
                                                       display=display))
    return 0
