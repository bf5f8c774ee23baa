"""One view of a report for every renderer: the same formatted numbers in HTML, Markdown and text.

:func:`report_view` turns a :class:`~pipeline.core.schema.Report` into plain rows of strings. The
renderers never format a number themselves, so the HTML page, its Markdown twin and the
terminal headline cannot disagree. Strings from the FIT file (source, device, sport names) are
passed through unchanged here; each renderer escapes them for its own format.
"""
from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from pydantic import BaseModel, ConfigDict

from pipeline import advice as advice_rules
from pipeline.advice.guidance import after_rule, before_rule
from pipeline.advice.plan import CARRIED_BOTTLES_MAX
from pipeline.advice.texts import format_duration, sport_noun
from pipeline.core import units as u
from pipeline.core.config import Config
from pipeline.core.schema import EnvironmentBlock, IntensityBlock, Report, SweatBlock
from pipeline.core.sports import SUB_SPORT_WORDS, sport_profile
from pipeline.core.units import Units
from pipeline.report.notes import NoteGroup, note_groups


class Display(BaseModel):
    """How numbers and times are shown to a person: ``units`` (:mod:`pipeline.core.units`) and the IANA
    ``timezone`` used for an activity whose file does not record its local time."""

    model_config = ConfigDict(frozen=True)

    units: Units = "metric"
    timezone: str = "UTC"

    @classmethod
    def of(cls, config: Config, units: Units | None = None) -> "Display":
        """From a :class:`~pipeline.core.config.Config` (``units``, ``nightly.timezone``); ``units`` overrides."""
        return cls(units=units or config.units, timezone=config.nightly.timezone)


METRIC_UTC = Display()
"""The default display: metric units, UTC."""


def sport_label(sport: str | None, sub_sport: str | None = None) -> str:
    """'open water swim', 'indoor ride', 'trail run', 'run'; unknown names with spaces for underscores."""
    word = sport_profile(sport).label
    if sub_sport and sub_sport not in ("generic", "all", "invalid"):
        prefix = SUB_SPORT_WORDS.get(sub_sport)
        if prefix is not None:
            return f"{prefix} {word}"
    return word



RACE_NAMES = {("swimming", "cycling", "running"): "triathlon", ("running", "cycling", "running"): "duathlon",
              ("running", "swimming", "running"): "aquathlon", ("swimming", "running"): "aquathlon"}
"""A multisport file's name by its legs in order, transitions left out: World Triathlon's
multisport disciplines (triathlon swim–bike–run, duathlon run–bike–run, aquathlon run–swim–run)."""


def activity_label(sport: str | None, sub_sport: str | None = None, leg_sports: list[str] | None = None) -> str:
    """What a report calls its activity: :func:`sport_label` ('trail run'); a multisport file by its
    legs (:data:`RACE_NAMES`: 'triathlon' for swim, bike and run), else the sport's label
    ('multisport'). The terminal and the HTML title both use it."""
    legs = tuple(s for s in leg_sports or [] if not sport_profile(s).transition)
    return RACE_NAMES.get(legs) or sport_label(sport, sub_sport)


TOPIC_TITLES = {
    "hydration": "Water: before, during, after",
    "course": "On this course",
    "heat": "Heat you cannot shed",
    "hyponatremia": "Don't over-drink",
    "potassium": "Potassium",
    "calcium": "Calcium",
    "meals": "Meals",
    "alcohol": "Alcohol",
    "warm-up": "Warm-up and stretching",
    "cramps": "About cramps",
    "estimate": "How sure is this?",
}

ENV_SOURCES = {"weather": "from the weather service", "device": "from the device's sensor", "config": "assumed (config climate)", "override": "given by you",
               "forecast": "forecast for the course", "climatology": "climatology (beyond the forecast)"}
INTENSITY_SOURCES = {"power": "power meter", "speed": "speed and grade", "heart_rate": "heart rate",
                     "device_calories": "the device's calories", "duration": "duration only"}


def effort_sources_text(source: str, shares: dict[str, float]) -> str:
    """'power meter' when one signal gave the effort for (nearly) all the moving time; otherwise each
    signal by its share of it, largest first: 'power meter 49 %, speed and grade 33 %, duration only 18 %'."""
    named = sorted(((k, v) for k, v in shares.items() if v >= 0.005), key=lambda kv: -kv[1])
    if len(named) <= 1 or named[0][1] >= 0.95:
        return INTENSITY_SOURCES.get(source, source)
    return ", ".join(f"{INTENSITY_SOURCES.get(k, k)} {100 * v:.0f} %" for k, v in named)


def weather_text(env: EnvironmentBlock, units: Units = "metric") -> str:
    """The weather service's figures in one line: air, humidity, wind, sun."""
    parts = [u.temperature(env.temperature_c, 1, units) if env.source in ("weather", "forecast", "climatology") else None, f"{env.humidity_pct:.0f} % humidity"]
    if env.wind_speed_m_per_s is not None:
        parts.append(f"wind {env.wind_speed_m_per_s:.1f} m/s")
    if env.solar_radiation_w_per_m2 is not None:
        parts.append(f"sun {env.solar_radiation_w_per_m2:.0f} W/m²")
    return ", ".join(p for p in parts if p)


class Row(BaseModel):
    model_config = ConfigDict(frozen=True)

    label: str
    value: str
    note: str = ""


class LegRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    index: int
    sport: str
    duration: str
    distance: str
    temperature: str
    sweat: str
    rate: str
    potassium: str
    drink: str = ""  # a planned leg's drinking (plan --sport triathlon): "400–550 mL/h", "none"


class AdviceView(BaseModel):
    model_config = ConfigDict(frozen=True)

    topic: str
    title: str
    text: str


class ReportView(BaseModel):
    model_config = ConfigDict(frozen=True)

    planned: bool
    title: str
    subtitle: str
    source: str | None
    device: str | None
    headline: list[Row]
    cards: list[Row]  # the page's headline cards: the headline less what the plan section shows
    plan: list[Row]
    details: list[Row]
    legs: list[LegRow]
    advice: list[AdviceView]
    flags: list[str]  # every note once, "plain words (detail)", grouped order
    note_groups: list[NoteGroup]
    warnings: list[str]
    disclaimer: str | None


def litres(value_l: float | None, digits: int = 1, units: Units = "metric") -> str:
    return u.volume_l(value_l, digits, units)


def millilitres(value_ml: float | None, units: Units = "metric") -> str:
    return u.volume_ml(value_ml, units)


def during_range(low_ml: float, high_ml: float | None, units: Units = "metric") -> str:
    """'450–550 mL' (drink to thirst between the plan's two figures), or '400 mL' when they agree."""
    if high_ml is None or high_ml <= low_ml or u.volume_ml(low_ml, units) == u.volume_ml(high_ml, units):
        return millilitres(low_ml, units)
    return u.volume_ml_range(low_ml, high_ml, units)


def milligrams(value_mg: float | None) -> str:
    return "—" if value_mg is None else f"{round(value_mg, -1):,.0f} mg"


def rate(value_l_per_h: float | None, units: Units = "metric") -> str:
    return u.rate_l_per_h(value_l_per_h, units)


def _advice_title(topic: str, report: Report) -> str:
    """An advice item's heading; the ``estimate`` item of a session with no estimate says why."""
    if topic == "estimate" and report.sweat is None:
        return "Too short to estimate"
    return TOPIC_TITLES.get(topic, topic.capitalize())


def duration_s_text(seconds: float | None) -> str:
    return "—" if seconds is None or seconds <= 0 else format_duration(seconds / 3600.0)


def distance_text(metres: float | None, units: Units = "metric") -> str:
    return u.distance(metres, units)


def sweat_digits(*values_l: float | None) -> int:
    """Decimals for a sweat volume and its range (:func:`pipeline.core.units.litre_digits`, which the
    advice texts use too)."""
    return u.litre_digits(*values_l)


def low_high(low_l: float | None, high_l: float | None, units: Units = "metric") -> str:
    """'0.9–1.8 L', '0.06–0.11 L'; '—' when either is missing."""
    if low_l is None or high_l is None:
        return "—"
    return u.volume_l_range(low_l, high_l, sweat_digits(low_l, high_l), units)


def sweat_litres(total_l: float | None, low_l: float | None = None, high_l: float | None = None,
                 units: Units = "metric") -> str:
    """One activity's sweat, with as many decimals as its range needs: '1.3 L', '0.08 L'."""
    return litres(total_l, sweat_digits(total_l, high_l), units)


def sweat_with_range(total_l: float | None, low_l: float | None, high_l: float | None,
                     units: Units = "metric") -> str:
    """'0.08 L (0.06–0.11 L)', '1.3 L (0.9–1.8 L)', or the total alone when the range is missing."""
    text = sweat_litres(total_l, low_l, high_l, units)
    return text if total_l is None or low_l is None or high_l is None else f"{text} ({low_high(low_l, high_l, units)})"


def signed_loss_pct(value_pct: float) -> str:
    """A body-mass loss as '−1.6 %'; a loss that rounds to nothing is '0 %' (never '−0.0 %')."""
    return "0 %" if round(value_pct, 1) == 0 else f"{u.MINUS}{value_pct:.1f} %"


def sweat_range(s: SweatBlock, units: Units = "metric") -> str:
    return low_high(s.low_l, s.high_l, units)


def rate_range_l_per_h(s: SweatBlock) -> tuple[float, float]:
    """The sweat-rate range implied by the total's range (same proportions)."""
    if s.total_l <= 0:
        return (s.rate_l_per_h, s.rate_l_per_h)
    return (s.rate_l_per_h * s.low_l / s.total_l, s.rate_l_per_h * s.high_l / s.total_l)


def offset_label(offset: timedelta | None) -> str:
    """'UTC', 'UTC+2', 'UTC−5', 'UTC+5:45'."""
    seconds = int(offset.total_seconds()) if offset is not None else 0
    if seconds == 0:
        return "UTC"
    sign = "+" if seconds > 0 else u.MINUS
    hours, rest = divmod(abs(seconds) // 60, 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def local_start(start: datetime, utc_offset_s: int | None = None, zone: str = "UTC") -> datetime:
    """``start`` (UTC) in the athlete's local time: the file's own offset when it records one
    (``ActivityBlock.utc_offset_s``), else the IANA ``zone`` (the config's ``nightly.timezone``)."""
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    if utc_offset_s is not None:
        return start.astimezone(timezone(timedelta(seconds=utc_offset_s)))
    return start.astimezone(zoneinfo.ZoneInfo(zone))


def when_text(start: datetime | None, utc_offset_s: int | None = None, zone: str = "UTC",
              fmt: str = "%a %d %b %Y, %H:%M") -> str:
    """'Sat 18 Jul 2026, 14:10 (UTC+2)': the athlete's local time (:func:`local_start`) and its offset."""
    if start is None:
        return ""
    local = local_start(start, utc_offset_s, zone)
    return f"{local.strftime(fmt)} ({offset_label(local.utcoffset())})"


def report_duration_s(report: Report) -> float | None:
    a = report.activity
    if a is None:
        return None
    for value in (a.timer_s, a.elapsed_s):
        if value is not None and value > 0:
            return value
    return None


def report_view(report: Report, planned_duration_s: float | None = None, planned_sport: str | None = None,
                display: Display = METRIC_UTC) -> ReportView:
    """Formatted rows for one report (a done activity, or a planned session without ``activity``),
    numbers in ``display.units``, the start in the athlete's local time (the file's offset, else
    ``display.timezone``): the title, the headline, the drinking plan, the details, the legs and
    the advice and notes in the reader's units, each built below."""
    a, un = report.activity, display.units
    planned = a is None
    duration_s = report_duration_s(report) if not planned else planned_duration_s
    sport = a.sport if a is not None else (planned_sport or "session")
    title, subtitle = _titles(report, sport, duration_s, display)
    water = _Water.of(report, sport)
    headline = _headline_rows(report, water, un)
    plan_rows = _plan_rows(report, water, un)
    # the page shows the plan in its own section: its cards do not repeat the drinking rows
    cards = [row for row in headline if not (plan_rows and row.label in ("Drink during", "Drink after"))]

    advice = [AdviceView(topic=item.topic, title=_advice_title(item.topic, report),
                         text=item.text_in(un)) for item in report.advice]
    groups = note_groups(report, sport_label, u.reader(un))
    flags = [str(note) for group in groups for note in group.notes]
    return ReportView(
        planned=planned, title=title, subtitle=subtitle,
        source=a.source if a is not None else None, device=a.device if a is not None else None,
        headline=headline, cards=cards, plan=plan_rows, details=_detail_rows(report, duration_s, display),
        legs=_leg_rows(report, un), advice=advice,
        flags=flags, note_groups=groups, warnings=list(a.warnings) if a is not None else [],
        disclaimer=report.disclaimer,
    )


def _titles(report: Report, sport: str, duration_s: float | None, display: Display) -> tuple[str, str]:
    """'Run on Sat 18 Jul 2026, 09:00' and its duration and distance; a plan's 'Planned run: 2 h at 30 °C'."""
    a, env, un = report.activity, report.environment, display.units
    noun = sport_noun(sport)
    if a is not None or (noun == "session" and sport not in ("session", "generic")):
        noun = activity_label(sport, a.sub_sport if a is not None else None,
                              [leg.sport for leg in report.legs or []])
    if a is None:
        title = f"Planned {noun}" + (f": {duration_s_text(duration_s)}" if duration_s else "")
        if env is not None and env.water_temperature_c is not None:  # a swim: the water is what it sweats in
            title += f" in {u.temperature(env.water_temperature_c, 0, un)} water"
        elif env is not None:
            title += f" at {u.temperature(env.temperature_c, 0, un)}"
        return title, "What to drink and eat for a session that has not happened yet."
    when = when_text(a.start_time, a.utc_offset_s, display.timezone)
    title = f"{noun.capitalize() if noun != 'session' else 'Session'} on {when}" if a.start_time else noun.capitalize()
    return title, ", ".join(x for x in (duration_s_text(duration_s), distance_text(a.distance_m, un)) if x != "—")


SWIM_LITTLE_SWEAT = "too little sweat to drink during: drink after"
"""A pool swim (or one whose place is not known) whose plan gives no drinking rate: the reason is the
sweat figure (rounded down, nothing to drink), not the water; a bottle at the wall would be reachable."""


@dataclass(frozen=True)
class _Water:
    """Where drinking during is not possible or happens at a wall: a dive, an open-water swim, and
    the note of a pool swim (the same tests as the advice, :mod:`pipeline.advice`)."""

    underwater: bool
    open_water: bool
    pool: str | None

    @classmethod
    def of(cls, report: Report, sport: str) -> "_Water":
        underwater, venue = advice_rules.underwater(report, sport), advice_rules.swim_venue(report, sport)
        # one rule for a swim: where it is says where a bottle is (at the pool wall; none in open water,
        # both named when the recording or the plan does not say which); the figure says whether
        # there is anything to drink during at all
        pool = ("from a bottle at the pool wall, between sets" + ("; none in open water" if venue == "unknown" else "")
                if venue in ("pool", "unknown") else None)
        return cls(underwater, venue == "open_water", pool)


def _headline_rows(report: Report, water: _Water, un: Units) -> list[Row]:
    """The figures a reader looks for first: sweat, its rate, what to drink during and after,
    potassium, body mass."""
    s, p, planned = report.sweat, report.plan, report.activity is None
    rows: list[Row] = []
    if s is not None:
        rows.append(Row(label="Sweat lost" if not planned else "Sweat expected",
                        value=sweat_litres(s.total_l, s.low_l, s.high_l, un), note=f"plausibly {sweat_range(s, un)}"))
        lo, hi = rate_range_l_per_h(s)
        rows.append(Row(label="Sweat rate", value=rate(s.rate_l_per_h, un), note=u.rate_range_l_per_h(lo, hi, un)))
    if p is not None:
        at_once = bool(p.refills)  # a course's bottles are those carried at once, refilled at its water
        bottles = (f"{p.carry_bottles} bottles over the session: carry up to {CARRIED_BOTTLES_MAX}, refill on the way"
                   if p.carry_bottles > CARRIED_BOTTLES_MAX and not at_once
                   else f"{p.carry_bottles} bottle" + ("s" if p.carry_bottles != 1 else "") + " to carry"
                   if p.carry_bottles else "short session: a bottle is optional")
        if p.during_max_ml_per_h <= 0:
            rows.append(Row(label="Drink during", value="none",
                            note="you cannot drink underwater: drink after" if water.underwater
                            else "you cannot drink while swimming: drink after" if water.open_water
                            else SWIM_LITTLE_SWEAT if water.pool
                            else "drink to thirst"))
        else:
            per_leg = any(leg.plan is not None for leg in report.legs or [])  # the race's average: each leg's is below
            rows.append(Row(label="Drink during", value=f"{during_range(p.during_ml_per_h, p.during_max_ml_per_h, un)}/h",
                            note="race average; per leg below" if per_leg else water.pool if water.pool else
                            bottles + ("; to thirst within the range" if p.during_max_ml_per_h > p.during_ml_per_h else "")))
        rows.append(Row(label="Drink after", value=millilitres(p.after_ml, un), note="over the next hours, with food"))
    if s is not None:
        rows.append(Row(label="Potassium lost" if not planned else "Potassium", value=milligrams(s.potassium_mg),
                        note="in sweat"))
        if s.body_mass_loss_pct is not None:
            rows.append(Row(label="Body mass", value=signed_loss_pct(s.body_mass_loss_pct), note="if nothing drunk"))
        elif s.body_mass_loss_beyond_pct is not None:
            during = (f"drink {during_range(p.during_ml_per_h, p.during_max_ml_per_h, un)} per hour during"
                      if p is not None and p.during_max_ml_per_h > 0 else "drink during and after")
            rows.append(Row(label="Body mass", value=f"more than {u.MINUS}{s.body_mass_loss_beyond_pct:.0f} %",
                            note=f"if nothing drunk: a life-threatening loss (Adolph et al. 1947); {during}"))
    return rows


def _plan_rows(report: Report, water: _Water, un: Units) -> list[Row]:
    """The drinking plan: before, during, bottles, after, each with the rule it follows
    (:mod:`pipeline.advice.guidance`, in the reader's units); none without a plan."""
    p = report.plan
    if p is None:
        return []
    r = u.reader(un)
    per_kg = before_rule("per {mass}", r)  # the reader's units, from the rule's own figures
    after_per = after_rule(r=r)
    return [
        Row(label="Before", value=millilitres(p.before_ml, un), note=f"at least 4 h before; {per_kg}"),
        Row(label="During", value=f"{during_range(p.during_ml_per_h, p.during_max_ml_per_h, un)} per hour"
            if p.during_max_ml_per_h > 0 else "none",
            note=water.pool if water.pool and p.during_max_ml_per_h > 0
            else "to thirst within it, never more" if p.during_max_ml_per_h > p.during_ml_per_h
            else "you cannot drink underwater" if p.during_max_ml_per_h <= 0 and water.underwater
            else "you cannot drink while swimming in open water" if p.during_max_ml_per_h <= 0 and water.open_water
            else SWIM_LITTLE_SWEAT if p.during_max_ml_per_h <= 0 and water.pool
            else "never more than you sweat"),
        Row(label="Bottles to carry" if p.carry_bottles <= CARRIED_BOTTLES_MAX or p.refills else "Bottles over the session",
            value=str(p.carry_bottles),
            note=("none in the water" if p.during_max_ml_per_h <= 0 and (water.underwater or water.open_water)
                  else "short session: a bottle is optional") if p.carry_bottles == 0
            else "at once, refilled at the water points" if p.refills
            else f"carry up to {CARRIED_BOTTLES_MAX}, refill on the way" if p.carry_bottles > CARRIED_BOTTLES_MAX
            else "refill if you can't carry them all"),
        Row(label="After", value=millilitres(p.after_ml, un), note=f"{after_per}, no more"),
    ]


def _detail_rows(report: Report, duration_s: float | None, display: Display) -> list[Row]:
    """The session (sport, start, times, distance, heart rate, power), its air, the effort's
    source, sodium, the device's own estimate, calibration, a damaged file."""
    a, s, env, it, un = report.activity, report.sweat, report.environment, report.intensity, display.units
    rows: list[Row] = []
    if a is not None:
        rows.append(Row(label="Sport", value=activity_label(a.sport, a.sub_sport, [leg.sport for leg in report.legs or []])))
        if a.start_time is not None:
            rows.append(Row(label="Started", value=when_text(a.start_time, a.utc_offset_s, display.timezone),
                            note="local time from the file" if a.utc_offset_s is not None
                            else f"time zone {display.timezone} (the file does not record its local time)"))
        rows.append(Row(label="Moving time", value=duration_s_text(a.timer_s),
                        note=f"elapsed {duration_s_text(a.elapsed_s)}" if a.elapsed_s is not None else ""))
        rows.append(Row(label="Distance", value=distance_text(a.distance_m, un)))
        if a.avg_heart_rate is not None:
            rows.append(Row(label="Average heart rate", value=f"{a.avg_heart_rate:.0f} bpm"))
        if a.avg_power is not None and not report.legs:  # a multisport file's one figure mixes a bike's and a run's power
            used = a.avg_power_used
            if used is not None and round(used) != round(a.avg_power):  # the model's figure; the device's named
                rows.append(Row(label="Average power", value=f"{used:.0f} W",
                                note=f"the device's figure, {a.avg_power:.0f} W, counts readings set aside"))
            else:
                rows.append(Row(label="Average power", value=f"{a.avg_power:.0f} W"))
    elif duration_s:
        rows.append(Row(label="Duration", value=duration_s_text(duration_s)))
    if env is not None:
        rows.append(Row(label="Temperature", value=u.temperature(env.temperature_c, 1, un),
                        note=ENV_SOURCES.get(env.source, env.source) + (", indoors" if env.indoor else "")))
        rows.append(Row(label="Humidity", value=f"{env.humidity_pct:.0f} %"))
        if env.weather_provider is not None:
            rows.append(Row(label="Weather", value=weather_text(env, un), note=f"{env.weather_provider}, at the route's "
                            f"positions rounded to 0.1° and the session's hours"))
    if it is not None:
        rows.append(Row(label="Effort from", value=effort_sources_text(it.source, it.sources_share),
                        note=f"mean metabolic rate {it.mean_metabolic_w:,.0f} W"))
    if s is not None:
        per_h = report.plan.sodium_mg_per_h if report.plan is not None else None
        rows.append(Row(label="Sodium lost", value=milligrams(s.sodium_mg),
                        note=f"in sweat, about {per_h:,.0f} mg per hour" if per_h else "in sweat"))
        burned = _carbohydrate_used_row(it)
        if burned is not None:
            rows.append(burned)
        carbs = _carbohydrate_row(report, duration_s)
        if carbs is not None:
            rows.append(carbs)
        rows.append(Row(label="Device's estimate", value=litres(s.device_estimate_l, 1, un) if s.device_estimate_l is not None
                        else "none in the file"))
        rows.append(Row(label="Calibrated", value="yes" if s.calibrated else "no",
                        note="from your weigh-ins" if s.calibrated else "sweatline weigh-in calibrates it"))
    if a is not None and a.salvaged:
        rows.append(Row(label="File", value="damaged; read as far as it goes"))
    return rows


def _carbohydrate_used_row(it: IntensityBlock | None) -> Row | None:
    """Carbohydrate burned per hour (``intensity.carbohydrate_g_per_h``, :mod:`pipeline.physiology.fuel`),
    with its range and total, or None when the report has none."""
    if it is None or it.carbohydrate_g_per_h is None:
        return None
    lo, hi = it.carbohydrate_low_g_per_h, it.carbohydrate_high_g_per_h
    spread = f"{lo:.0f}–{hi:.0f} g/h, " if lo is not None and hi is not None and lo != hi else ""
    total = f"{it.carbohydrate_g:.0f} g in all; " if it.carbohydrate_g is not None else ""
    basis = (f"at {it.heart_rate_reserve_fraction * 100:.0f} % of heart-rate reserve" if it.heart_rate_reserve_fraction is not None
             else "intensity unknown without heart rate")
    return Row(label="Carbohydrate used", value=f"{it.carbohydrate_g_per_h:.0f} g per hour",
               note=f"{spread}{total}{basis} (Romijn et al. 1993; Swain and Leutholtz 1997)")


def _carbohydrate_row(report: Report, duration_s: float | None) -> Row | None:
    """Carbohydrate per hour for the next session of this length and effort
    (:func:`pipeline.advice.race.carbohydrate_g_per_h`: Thomas et al. 2016; Jeukendrup 2014), or None
    without a duration or an estimate, and for a session already planned on a course (its plan says it)."""
    from pipeline.advice.race import carbohydrate_g_per_h

    if not duration_s or report.intensity is None or (report.plan is not None and report.plan.timeline):
        return None
    rate = carbohydrate_g_per_h(duration_s / 3600.0, report.intensity.mean_metabolic_w)
    words = ("none needed under an hour (a mouth rinse can help)" if rate == 0 else
             "as glucose and fructose together above 60 g" if rate > 60 else "sports drink, gels or food")
    return Row(label="Carbohydrate", value=f"{rate:.0f} g per hour",
               note=f"for a session like this next time: {words} (Thomas et al. 2016; Jeukendrup 2014)")


def _leg_rows(report: Report, un: Units) -> list[LegRow]:
    """One row per leg of a multisport report (transitions as T1, T2), with what to drink in it."""
    from pipeline.report.notes import leg_titles

    legs = report.legs or []
    titles = leg_titles([leg.sport for leg in legs], sport_label, [leg.sub_sport for leg in legs])
    rows: list[LegRow] = []
    for leg, leg_title in zip(legs, titles):
        ls = leg.sweat
        rows.append(LegRow(
            index=leg.index + 1,
            sport=leg_title.split(": ", 1)[1],
            duration=duration_s_text(leg.timer_s),
            distance=distance_text(leg.distance_m, un),
            temperature=u.temperature(leg.environment.temperature_c, 0, un) if leg.environment is not None else "—",
            sweat=sweat_with_range(ls.total_l, ls.low_l, ls.high_l, un) if ls is not None else "—",
            rate=rate(ls.rate_l_per_h, un) if ls is not None else "—",
            potassium=milligrams(ls.potassium_mg) if ls is not None else "—",
            drink=("" if leg.plan is None else "none" if leg.plan.during_max_ml_per_h <= 0
                   else f"{during_range(leg.plan.during_ml_per_h, leg.plan.during_max_ml_per_h, un)}/h"),
        ))
    return rows
