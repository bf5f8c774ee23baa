"""``sweatline plan --course ROUTE --start WHEN (--power W | --speed KMH | --hr BPM | --finish TIME)
[--aid-km KM,...] [--temp C] [--humidity PCT] [--out DIR] [--export-fit PLAN.fit]
[--export-fit-workout WORKOUT.fit] [--json]``: a race
plan on a course, segment by segment (:func:`pipeline.usecases.race.plan_course`). Thin: parse,
check, call, print or write. Every refusal is one line (the CLI's error family)."""
from __future__ import annotations

import argparse
import math
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline.advice.race import fill_words
from pipeline.advice.texts import format_duration
from pipeline.core.config import Config
from pipeline.core.errors import UsageError
from pipeline.core.inputs import WeatherOverride, checked
from pipeline.core.units import METRIC_READER, Reader, reader
from pipeline.fit.course import read_course
from pipeline.physiology.effort_limits import above_ftp_line
from pipeline.physiology.planned import CourseRequest
from pipeline.report.text import plan_text
from pipeline.report.view import Display
from pipeline.store.weighins import calibration_for
from pipeline.usecases.race import RaceRequest, plan_course


def parse_start(text: str | None) -> datetime:
    """The start as typed: ISO 8601, with or without an offset. Raises :class:`UsageError`
    (``--start``) for anything else."""
    if text is None:
        raise UsageError("--start", "a course is planned for a start: give --start 2027-06-12T06:00 (ISO date-time)")
    try:
        return datetime.fromisoformat(str(text).strip())
    except ValueError:
        raise UsageError("--start", f"{text!r} is not an ISO date-time (2027-06-12T06:00 or "
                                    "2027-06-12T06:00+02:00)") from None


def past_start_line(start: datetime, now: datetime | None = None) -> str | None:
    """One warning line when the (tz-aware) ``start`` is before ``now`` (default: the clock), else
    None. A past start is planned all the same: a racer may replan a race that is over to compare."""
    now = now if now is not None else datetime.now(UTC)
    if start >= now:
        return None
    return (f"sweatline plan: warning: --start {start:%Y-%m-%d %H:%M %z} is in the past; planned all the same "
            "(to compare with the race as it went)")


def start_zone(when: datetime, course, config: Config) -> tuple[datetime, str]:
    """A start without an offset placed in the time zone of the course's start (the weather provider's
    answer for its rounded position), else in the config's ``nightly.timezone``; with the words saying
    which, for the plan's notes."""
    if when.tzinfo is not None:
        return when, f"start {when.isoformat()} as given"
    from pipeline.weather.service import zone_of_place

    first = course.points.iloc[0]
    zone, why_not = zone_of_place(float(first["latitude_deg"]), float(first["longitude_deg"]), config.weather)
    if zone is not None:
        return when.replace(tzinfo=ZoneInfo(zone)), f"start {when:%Y-%m-%d %H:%M} read in {zone}, the start's time zone"
    zone = config.nightly.timezone
    return (when.replace(tzinfo=ZoneInfo(zone)),
            f"start {when:%Y-%m-%d %H:%M} read in {zone}, the config's nightly.timezone ({why_not}; give an offset, "
            "e.g. +02:00, for a race in another zone)")


def parse_aid_km(text: str | None) -> tuple[float, ...]:
    """``18,36,54`` -> metres from the start; :class:`UsageError` (``--aid-km``) for a bad list."""
    if text is None:
        return ()
    out = []
    for part in str(text).split(","):
        try:
            km = float(part.strip())
        except ValueError:
            raise UsageError("--aid-km", f"{part.strip()!r} is not a distance in km (give 18,36,54)") from None
        if not math.isfinite(km) or km < 0 or km > 2000:
            raise UsageError("--aid-km", f"{part.strip()!r}: must be between 0 and 2000 km")
        out.append(km * 1000.0)
    return tuple(sorted(out))


def run_course(args: argparse.Namespace, config: Config) -> int:
    """The ``--course`` branch of ``sweatline plan``."""
    for flag, name in (("duration", "--duration"), ("legs", "--legs"), ("water_temp", "--water-temp"),
                       ("grade", "--grade"), ("clothing", "--clothing")):
        if getattr(args, flag, None) is not None:
            raise UsageError(name, "is not used with --course (the course gives the duration and the grades)")
    if getattr(args, "indoor", False):
        raise UsageError("--indoor", "a course is ridden or run outdoors: plan an indoor session without --course")
    course = read_course(args.course)
    sport = args.sport or course.sport
    if sport is None:
        raise UsageError("--sport", f"{Path(args.course).name} does not say its sport: give --sport")
    asked = checked(CourseRequest, sport=sport, speed_kmh=args.speed, power_w=args.power, heart_rate_bpm=args.hr,
                    finish_s=args.finish, temperature_c=args.temp, humidity_pct=args.humidity,
                    body_mass_kg=args.mass_kg, height_cm=args.height_cm, age=args.age,
                    solar_w_m2=getattr(args, "solar_w_m2", None), sun_elevation_deg=getattr(args, "sun_elevation_deg", None),
                    load_kg=getattr(args, "load_kg", None))
    sport = asked.sport
    start, start_words = start_zone(parse_start(args.start), course, config)
    past = past_start_line(start)
    if past is not None:
        print(past, file=sys.stderr)
    request = RaceRequest(sport=sport, start=start, power_w=args.power,
                          speed_m_per_s=args.speed / 3.6 if args.speed is not None else None,
                          heart_rate_bpm=args.hr, finish_s=asked.finish_s, aid_m=parse_aid_km(args.aid_km),
                          solar_w_m2=asked.solar_w_m2, sun_elevation_deg=asked.sun_elevation_deg,
                          load_kg=asked.load_kg or 0.0)
    athlete_override = {"body_mass_kg": args.mass_kg, "height_cm": args.height_cm, "sex": args.sex, "age": args.age}
    override = WeatherOverride(temperature_c=args.temp, humidity_pct=args.humidity)
    plan = plan_course(course, request, config, override=override, athlete_override=athlete_override,
                       calibration=calibration_for(config.data_dir, sport))
    athlete = plan.analysis.athlete
    warning = above_ftp_line(plan.pace.effort.value if plan.pace.effort.pedalled else None, plan.pace.total_s,
                             athlete.ftp_w if athlete is not None else None)
    if warning is not None:
        print(warning, file=sys.stderr)
    report = plan.report
    if report.environment is not None:
        report.environment.notes.append(start_words)
    _keep_archive_hours(plan, config)
    if args.export_fit is not None:
        from pipeline.usecases.race import export_fit

        try:
            export_fit(Path(args.export_fit), plan, Display.of(config, args.units).units)
        except OSError as exc:
            raise UsageError("--export-fit", f"{args.export_fit}: cannot be written "
                                             f"({exc.strerror or type(exc).__name__})") from None
    if getattr(args, "export_fit_workout", None) is not None:
        from pipeline.usecases.race import export_fit_workout

        try:
            export_fit_workout(Path(args.export_fit_workout), plan, Display.of(config, args.units).units)
        except OSError as exc:
            raise UsageError("--export-fit-workout", f"{args.export_fit_workout}: cannot be written "
                                                     f"({exc.strerror or type(exc).__name__})") from None
    if args.out is not None:
        from pipeline.usecases.race import write_race_plan

        try:
            write_race_plan(Path(args.out), plan, start.tzinfo, Display.of(config, args.units).units,
                            config.advice.bottle_ml)
        except OSError as exc:
            raise UsageError("--out", f"{args.out}: cannot be written ({exc.strerror or type(exc).__name__})") from None
    display = Display.of(config, getattr(args, "units", None))
    if args.json:
        print(report.to_json())
    else:
        assumed = "the config's nightly.timezone" in start_words
        start_line = zone_words(start, assumed=assumed, longitude_deg=float(course.points["longitude_deg"].iloc[0]))
        text = plan_text(report, duration_s=plan.pace.total_s, sport=sport, display=display)
        if assumed:  # a guessed zone moves every hour of the plan: said under the headline, not only at the end
            headline, _, rest = text.partition("\n")
            text = f"{headline}\n{start_line}\n{rest}"
        print(text)
        print(course_lines(plan, reader(display.units), config.advice.bottle_ml, start_line))
    return 0


def _keep_archive_hours(plan, config: Config) -> None:
    """The archive's hours a climatology was made of, kept in the catalog's weather cache (as a
    ride's are; the forecast is not kept: it changes). A cache that cannot be written is passed
    over: the plan is made."""
    import sqlite3

    samples = plan.weather
    if samples is None or not samples.fetched or not config.weather.cache:
        return
    from pipeline.weather.cache import WeatherCache

    try:
        WeatherCache(config.data_dir, config.weather.provider).store(samples.fetched)
    except (sqlite3.Error, OSError):
        pass


def solar_gap_h(start: datetime, longitude_deg: float) -> float:
    """Hours between the UTC offset of ``start``'s zone and the mean solar time at ``longitude_deg``
    (mean solar time is UTC + ``longitude/15`` h: the Earth turns 360° in 24 h). Civil zones sit
    within about 1-2 h of it (daylight saving, wide zones); a larger gap says the zone is not the
    place's."""
    offset = start.utcoffset()
    assert offset is not None
    return abs(offset.total_seconds() / 3600.0 - longitude_deg / 15.0)


FOREIGN_ZONE_H = 2.5
"""A gap (:func:`solar_gap_h`) [h] beyond which an assumed zone is called another place's: more than
the 1 h of daylight saving plus the up to 1.5 h a wide zone keeps from mean solar time at its edge
(our figure, so that a neighbouring country's zone is not flagged)."""


def zone_words(start: datetime, assumed: bool = False, longitude_deg: float | None = None) -> str:
    """The start as the race's clock reads it, and its zone: 'Start 2027-05-01 08:00 (UTC-07:00).'
    With ``assumed`` (no offset typed and no zone found for the course's place), the zone is said to
    be the config's guess, with how to give one; when the course's ``longitude_deg`` puts its sun
    more than :data:`FOREIGN_ZONE_H` from that zone, that is said too."""
    from pipeline.report.race import zone_label

    assert start.tzinfo is not None
    label = zone_label(start.tzinfo, start)
    if not assumed:
        return f"Start {start:%Y-%m-%d %H:%M} ({label})."
    far = ""
    if longitude_deg is not None and solar_gap_h(start, longitude_deg) > FOREIGN_ZONE_H:
        far = (f" The course lies about {solar_gap_h(start, longitude_deg):.0f} h of sun time from {label} "
               f"(its longitude {longitude_deg:.1f}° keeps clocks near UTC{round(longitude_deg / 15.0):+03d}:00): "
               "the plan's hours, daylight and sun are likely wrong.")
    return (f"Start {start:%Y-%m-%d %H:%M} ({label}, assumed: the config's nightly.timezone, as no time zone was "
            "found for the course's place; give --start with an offset, e.g. 2027-06-12T06:00-07:00, "
            f"for a race in another zone).{far}")


def course_lines(plan, r: Reader = METRIC_READER, bottle_ml: float = 750.0, start_line: str | None = None) -> str:
    """A few lines on the course under the plan's text, in the reader's units ``r``: distance, time,
    weather, bottles and refills (the same bottles as the plan's "Bottles to carry": those carried
    at once, of ``bottle_ml`` [mL]; at each water point, what to fill up to the next)."""
    p = plan.report.plan
    lines = ["", f"Course: {r.distance(plan.course.distance_m)} in about {format_duration(plan.pace.total_s / 3600.0)}, "
                 f"{len(p.timeline or [])} segments; weather: {p.weather}."]
    if start_line:
        lines.append(start_line)
    if p.carbohydrate_g_per_h:
        lines.append(f"Carbohydrate: {p.carbohydrate_g_per_h:.0f} g per hour.")
    start = p.start_bottles or 0
    lines.append(f"Start with {start} bottle{'s' if start != 1 else ''}"
                 + (", the most you carry at once." if p.refills else ".") if start or p.refills else
                 "No bottle to carry (a session this short; sip if thirsty).")
    for refill in p.refills or []:
        lines.append(f"  {r.distance(refill.distance_m)}: fill {fill_words(refill.drink_ml, bottle_ml, r)} "
                     "to drink until the next water.")
    return "\n".join(lines)
