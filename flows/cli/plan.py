"""`sweatline plan --sport S --duration D (--speed KMH | --power W | --hr BPM) [--temp C] [--humidity PCT]
[--water-temp C] [--load-kg KG] [--grade PCT] [--clothing sports|uniform] [--indoor | --solar-w-m2 W [--sun-elevation-deg DEG]] [--mass-kg KG] [--height-cm CM] [--sex male|female]
[--age YEARS] [--json]`: the sweat model for a
session that has not happened yet. Prints the same environment/intensity/sweat blocks as a ride
(no ``activity``) as JSON, or a few lines of text. Every value is checked in
:func:`pipeline.physiology.planned.check_plan`; an impossible one is one stderr line and exit 2.
"""
from __future__ import annotations

import argparse
import sys

from flows.cli.options import add_config, add_units, number
from flows.cli.typed import SPEED, TEMPERATURE, input_units, shown_as_typed, to_si
from pipeline.core.config import Config
from pipeline.core.errors import UsageError
from pipeline.core.sports import TRIATHLON_LEGS
from pipeline.physiology.effort_limits import above_ftp_line
from pipeline.physiology.planned import MAX_DURATION_S, PlanRequest, check_plan, planned_power_w
from pipeline.physiology.sweat import OPEN_WATER_C, POOL_WATER_C
from pipeline.report.text import plan_text
from pipeline.report.view import Display
from pipeline.store.weighins import calibration_for
from pipeline.usecases.analyse import WeatherOverride, analyse_plan, analyse_triathlon_plan

FLAGS = {"sport": "--sport", "duration_s": "--duration", "speed_kmh": "--speed", "power_w": "--power",
         "heart_rate_bpm": "--hr", "temperature_c": "--temp", "humidity_pct": "--humidity",
         "body_mass_kg": "--mass-kg", "height_cm": "--height-cm", "age": "--age", "intensity": "sweatline plan",
         "water_temperature_c": "--water-temp", "load_kg": "--load-kg", "grade_pct": "--grade",
         "clothing": "--clothing", "solar_w_m2": "--solar-w-m2", "sun_elevation_deg": "--sun-elevation-deg",
         "finish_s": "--finish", "finish": "--finish", "indoor": "--indoor"}
"""The command line's name for each field of :class:`~pipeline.physiology.planned.PlanRequest`."""


def register(parser: argparse.ArgumentParser) -> None:
    """``sweatline plan``'s description and options."""
    parser.description = "Estimate sweat loss and a drinking plan for a session that has not happened yet."
    add_config(parser)
    add_units(parser, "--temp and --water-temp °F, --speed mph")
    parser.add_argument("--sport", help="running, cycling, walking, ... (FIT sport name), or triathlon "
                                        "(with --legs and --hr); with --course, the course's own sport by default")
    parser.add_argument("--duration", help="45m, 2h, 2h30m or 1:45:00 (required, except for a triathlon: --legs)")
    parser.add_argument("--legs", metavar="SWIM,BIKE,RUN",
                        help="triathlon only: the three legs' durations, e.g. 1h,5h,3h30m (swim, bike, run)")
    how_hard = parser.add_mutually_exclusive_group(required=True)
    how_hard.add_argument("--speed", type=number(), metavar="KMH", help="average speed, km/h (mph with --units imperial)")
    how_hard.add_argument("--power", type=number(), metavar="W", help="average power, W")
    how_hard.add_argument("--hr", type=number(), metavar="BPM", help="average heart rate, bpm")
    how_hard.add_argument("--finish", metavar="TIME", help="with --course: the finish time to plan for (5h30m, 5:30:00); "
                                                           "the steady effort that gives it is solved for")
    course = parser.add_argument_group("a race on a course")
    course.add_argument("--course", metavar="ROUTE", help="a FIT course (.fit) or GPX route/track (.gpx): plan the "
                                                          "race segment by segment on its climbs and descents")
    course.add_argument("--start", metavar="WHEN", help="with --course: the start, ISO date-time (2027-06-12T06:00); "
                                                        "without an offset, in the start's own time zone (asked of the weather provider), else the "
                                                        "config's nightly.timezone")
    course.add_argument("--aid-km", metavar="KM,KM,...", help="with --course: where water can be had, km from the start "
                                                              "(default: the course's water and food points)")
    course.add_argument("--out", metavar="DIR", help="with --course: write plan.json and plan.html into DIR")
    course.add_argument("--export-fit", metavar="PLAN.fit", help="with --course: write the course back with a course "
                                                                  "point at each planned drink and feed, for the watch")
    course.add_argument("--export-fit-workout", metavar="WORKOUT.fit",
                        help="with --course: write the drink and feed cues as a FIT workout whose steps change at "
                             "each cue, by time, for a watch that cannot follow a course")
    parser.add_argument("--temp", type=number(), metavar="C",
                        help="air temperature, °C (°F with --units imperial) (default: config climate)")
    parser.add_argument("--humidity", type=number(), metavar="PCT", help="relative humidity, %% (default: config climate)")
    parser.add_argument("--water-temp", type=number(), metavar="C",
                        help="swimming or a triathlon's swim: water temperature, °C (°F with --units imperial) (default: "
                             f"{POOL_WATER_C:g} °C pool; a triathlon's open water: {OPEN_WATER_C:g} °C)")
    parser.add_argument("--load-kg", type=number(), metavar="KG", help="walking and hiking only, with or without --course: load "
                        "carried, kg (the Load Carriage Decision Aid is a walking equation, so running is refused)")
    parser.add_argument("--grade", type=number(), metavar="PCT",
                        help="walking, hiking, running: average grade, %% (negative downhill; running downhill "
                             "costs least near -20 %%, Minetti et al. 2002)")
    parser.add_argument("--clothing", choices=["sports", "uniform"],
                        help="walking, hiking, running: sports kit dressed for the weather (default) or a combat "
                             "uniform (a military march)")
    parser.add_argument("--solar-w-m2", type=number(), metavar="W",
                        help="sun: global solar (shortwave) radiation, W/m², as weather forecasts give it "
                             "(default outdoors: 370, the mean daylight sky of the global climate; 0 for shade or "
                             "night; indoors give --indoor)")
    parser.add_argument("--indoor", action="store_true",
                        help="a treadmill, a trainer or a gym: no sun, and a fan's air instead of the breeze of "
                             "moving")
    parser.add_argument("--sun-elevation-deg", type=number(), metavar="DEG",
                        help="with --solar-w-m2: the sun's height above the horizon, degrees (default 45)")
    parser.add_argument("--mass-kg", type=number(), metavar="KG", help="body mass for this answer only")
    parser.add_argument("--height-cm", type=number(), metavar="CM", help="height for this answer only")
    parser.add_argument("--sex", choices=["male", "female"], help="sex for this answer only")
    parser.add_argument("--age", type=number(), metavar="YEARS", help="age for this answer only")
    parser.add_argument("--json", action="store_true", help="print the JSON report")


def run(args: argparse.Namespace, config: Config) -> int:
    units = input_units(args, config)  # --temp and --water-temp in °F, --speed in mph with imperial units
    typed = to_si(args, units, PlanRequest, {"temperature_c": ("temp", TEMPERATURE), "speed_kmh": ("speed", SPEED),
                                             "water_temperature_c": ("water_temp", TEMPERATURE)})
    with shown_as_typed(units, typed):
        return _run(args, config)


def _run(args: argparse.Namespace, config: Config) -> int:
    if args.course is not None:
        from flows.cli.plan_course import run_course

        return run_course(args, config)
    for flag, name in (("finish", "--finish"), ("start", "--start"), ("aid_km", "--aid-km"), ("out", "--out"),
                       ("export_fit", "--export-fit"), ("export_fit_workout", "--export-fit-workout")):
        if getattr(args, flag, None) is not None:
            raise UsageError(name, "is for a race on a course: give --course ROUTE")
    if args.sport is None:
        raise UsageError("--sport", "is required (running, cycling, walking, ...), except with --course")
    if str(args.sport).strip().lower() == "triathlon" or args.legs is not None:
        return _triathlon(args, config)
    if args.duration is None:
        raise UsageError("--duration", "is required (45m, 2h, 2h30m or 1:45:00)")
    plan = check_plan(args.sport, args.duration, speed_kmh=args.speed, power_w=args.power,
                      heart_rate_bpm=args.hr, temperature_c=args.temp, humidity_pct=args.humidity,
                      body_mass_kg=args.mass_kg, height_cm=args.height_cm, age=args.age,
                      water_temp_c=getattr(args, "water_temp", None), load_kg=getattr(args, "load_kg", None),
                      grade_pct=getattr(args, "grade", None), clothing=getattr(args, "clothing", None),
                      solar_w_m2=getattr(args, "solar_w_m2", None),
                      sun_elevation_deg=getattr(args, "sun_elevation_deg", None),
                      indoor=bool(getattr(args, "indoor", False)))
    athlete_override = {"body_mass_kg": args.mass_kg, "height_cm": args.height_cm, "sex": args.sex, "age": args.age}
    override = WeatherOverride(temperature_c=args.temp, humidity_pct=args.humidity)
    calibration = calibration_for(config.data_dir, plan.sport)  # the athlete's weigh-ins
    analysis = analyse_plan(plan, config, override, athlete_override, calibration)
    athlete = analysis.athlete
    warning = (above_ftp_line(planned_power_w(plan, athlete.body_mass_kg), plan.duration_s, athlete.ftp_w)
               if athlete is not None else None)
    if warning is not None:
        print(warning, file=sys.stderr)
    report = analysis.report
    display = Display.of(config, getattr(args, "units", None))
    print(report.to_json() if args.json else plan_text(report, duration_s=plan.duration_s, sport=plan.sport,
                                                       display=display))
    return 0


def _triathlon(args: argparse.Namespace, config: Config) -> int:
    """``plan --sport triathlon --legs SWIM,BIKE,RUN --hr BPM``: each leg checked as a plan of its
    own sport (:func:`check_plan`), then the three together (:func:`analyse_triathlon_plan`)."""
    if str(args.sport).strip().lower() != "triathlon":
        raise UsageError("--legs", "is for --sport triathlon only")
    if args.legs is None:
        raise UsageError("--legs", "a triathlon needs the three legs' durations: --legs 1h,5h,3h30m (swim, bike, run)")
    if args.duration is not None:
        raise UsageError("--duration", "a triathlon's duration is its legs': give --legs only")
    if getattr(args, "indoor", False):
        raise UsageError("--indoor", "a triathlon is raced outdoors: plan an indoor session with its own --sport")
    if args.hr is None:
        raise UsageError("--hr", "a triathlon is planned from one average heart rate for all legs "
                                 "(speed and power differ by leg)")
    parts = [part.strip() for part in str(args.legs).split(",")]
    if len(parts) != len(TRIATHLON_LEGS) or not all(parts):
        raise UsageError("--legs", f"{args.legs!r}: give three durations, swim, bike and run, e.g. 1h,5h,3h30m")
    solar, elevation = getattr(args, "solar_w_m2", None), getattr(args, "sun_elevation_deg", None)
    water_c = getattr(args, "water_temp", None)  # the swim's: checked with its leg
    swim_s, bike_s, run_s = [check_plan(sport, part, heart_rate_bpm=args.hr, temperature_c=args.temp,
                                        humidity_pct=args.humidity, body_mass_kg=args.mass_kg, height_cm=args.height_cm,
                                        age=args.age, solar_w_m2=None if index == 0 else solar,
                                        sun_elevation_deg=None if index == 0 else elevation,
                                        water_temp_c=water_c if index == 0 else None).duration_s
                             for index, (sport, part) in enumerate(zip(TRIATHLON_LEGS, parts))]
    durations = (swim_s, bike_s, run_s)
    if sum(durations) > MAX_DURATION_S:  # each leg within the bound, the race as one session too
        raise UsageError("--legs", f"{args.legs!r}: {sum(durations) / 3600:g} hours in all; more than "
                                   f"{MAX_DURATION_S / 3600:g} hours is not one session")
    athlete_override = {"body_mass_kg": args.mass_kg, "height_cm": args.height_cm, "sex": args.sex, "age": args.age}
    override = WeatherOverride(temperature_c=args.temp, humidity_pct=args.humidity)
    calibration = {sport: calibration_for(config.data_dir, sport) for sport in TRIATHLON_LEGS}
    analysis = analyse_triathlon_plan(durations, args.hr, config, override, athlete_override, calibration,
                                      solar_w_m2=solar, sun_elevation_deg=elevation, water_temperature_c=water_c)
    display = Display.of(config, getattr(args, "units", None))
    print(analysis.report.to_json() if args.json else
          plan_text(analysis.report, duration_s=sum(durations), sport="triathlon", display=display))
    return 0
