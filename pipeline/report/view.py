"""One view of a report for every renderer: the same formatted numbers in HTML, Markdown and text.

:func:`report_view` turns a :class:`~pipeline.schema.Report` into plain rows of strings. The
renderers never format a number themselves, so the HTML page, its Markdown twin and the
terminal headline cannot disagree. Strings from the FIT file (source, device, sport names) are
passed through unchanged here; each renderer escapes them for its own format.
"""
from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict

from pipeline.advice.texts import format_duration, sport_noun
from pipeline.schema import Report, SweatBlock

TOPIC_TITLES = {
    "hydration": "Water: before, during, after",
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

ENV_SOURCES = {"weather": "from the weather service", "device": "from the device's sensor", "config": "assumed (config climate)", "override": "given by you"}
INTENSITY_SOURCES = {"power": "power meter", "speed": "speed and grade", "heart_rate": "heart rate",
                     "device_calories": "the device's calories", "duration": "duration only"}


def weather_text(env) -> str:  # noqa: ANN001 - an EnvironmentBlock
    """The weather service's figures in one line: air, humidity, wind, sun."""
    parts = [f"{env.temperature_c:.1f} °C" if env.source == "weather" else None, f"{env.humidity_pct:.0f} % humidity"]
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
    plan: list[Row]
    details: list[Row]
    legs: list[LegRow]
    advice: list[AdviceView]
    flags: list[str]
    warnings: list[str]
    disclaimer: str | None


def litres(value_l: float | None, digits: int = 1) -> str:
    return "—" if value_l is None else f"{value_l:,.{digits}f} L"


def millilitres(value_ml: float | None) -> str:
    return "—" if value_ml is None else f"{value_ml:,.0f} mL"


def during_range(low_ml: float, high_ml: float | None) -> str:
    """'450–550 mL' (drink to thirst between the plan's two figures), or '400 mL' when they agree."""
    if high_ml is None or high_ml <= low_ml:
        return millilitres(low_ml)
    return f"{low_ml:,.0f}–{high_ml:,.0f} mL"


def milligrams(value_mg: float | None) -> str:
    return "—" if value_mg is None else f"{round(value_mg, -1):,.0f} mg"


def rate(value_l_per_h: float | None) -> str:
    return "—" if value_l_per_h is None else f"{value_l_per_h:.2f} L/h"


def duration_s_text(seconds: float | None) -> str:
    return "—" if seconds is None or seconds <= 0 else format_duration(seconds / 3600.0)


def distance_text(metres: float | None) -> str:
    return "—" if metres is None or metres <= 0 else f"{metres / 1000:,.1f} km"


def sweat_digits(*values_l: float | None) -> int:
    """Decimals for a sweat volume and its range: 2 below 1 L ('0.08 L (0.06–0.11 L)', not '0.1 L
    (0.1–0.1 L)'), else 1."""
    known = [v for v in values_l if v is not None]
    return 2 if known and max(known) < 1 else 1


def low_high(low_l: float | None, high_l: float | None) -> str:
    """'0.9–1.8 L', '0.06–0.11 L'; '—' when either is missing."""
    if low_l is None or high_l is None:
        return "—"
    digits = sweat_digits(low_l, high_l)
    return f"{low_l:.{digits}f}–{high_l:.{digits}f} L"


def sweat_litres(total_l: float | None, low_l: float | None = None, high_l: float | None = None) -> str:
    """One activity's sweat, with as many decimals as its range needs: '1.3 L', '0.08 L'."""
    return litres(total_l, sweat_digits(total_l, high_l))


def sweat_with_range(total_l: float | None, low_l: float | None, high_l: float | None) -> str:
    """'0.08 L (0.06–0.11 L)', '1.3 L (0.9–1.8 L)', or the total alone when the range is missing."""
    text = sweat_litres(total_l, low_l, high_l)
    return text if total_l is None or low_l is None or high_l is None else f"{text} ({low_high(low_l, high_l)})"


def signed_loss_pct(value_pct: float) -> str:
    """A body-mass loss as '−1.6 %'; a loss that rounds to nothing is '0 %' (never '−0.0 %')."""
    return "0 %" if round(value_pct, 1) == 0 else f"−{value_pct:.1f} %"


def sweat_range(s: SweatBlock) -> str:
    return low_high(s.low_l, s.high_l)


def rate_range_l_per_h(s: SweatBlock) -> tuple[float, float]:
    """The sweat-rate range implied by the total's range (same proportions)."""
    if s.total_l <= 0:
        return (s.rate_l_per_h, s.rate_l_per_h)
    return (s.rate_l_per_h * s.low_l / s.total_l, s.rate_l_per_h * s.high_l / s.total_l)


def when_text(start: datetime | None) -> str:
    if start is None:
        return ""
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    return start.astimezone(UTC).strftime("%a %d %b %Y, %H:%M UTC")


def report_duration_s(report: Report) -> float | None:
    a = report.activity
    if a is None:
        return None
    for value in (a.timer_s, a.elapsed_s):
        if value is not None and value > 0:
            return value
    return None


def report_view(report: Report, planned_duration_s: float | None = None, planned_sport: str | None = None) -> ReportView:
    """Formatted rows for one report (a done activity, or a planned session without ``activity``)."""
    a, s, p, env, it = report.activity, report.sweat, report.plan, report.environment, report.intensity
    planned = a is None
    duration_s = report_duration_s(report) if not planned else planned_duration_s
    sport = a.sport if a is not None else (planned_sport or "session")
    noun = sport_noun(sport)
    if planned:
        title = f"Planned {noun}" + (f": {duration_s_text(duration_s)}" if duration_s else "")
        if env is not None:
            title += f" at {env.temperature_c:.0f} °C"
        subtitle = "What to drink and eat for a session that has not happened yet."
    else:
        title = f"{noun.capitalize() if noun != 'session' else 'Session'} on {when_text(a.start_time)}" if a.start_time else noun.capitalize()
        subtitle = ", ".join(x for x in (duration_s_text(duration_s), distance_text(a.distance_m)) if x != "—")

    headline: list[Row] = []
    if s is not None:
        headline.append(Row(label="Sweat lost" if not planned else "Sweat expected", value=sweat_litres(s.total_l, s.low_l, s.high_l),
                            note=f"plausibly {sweat_range(s)}"))
        lo, hi = rate_range_l_per_h(s)
        headline.append(Row(label="Sweat rate", value=rate(s.rate_l_per_h), note=f"{lo:.2f}–{hi:.2f} L/h"))
    if p is not None:
        bottles = (f"{p.carry_bottles} bottle" + ("s" if p.carry_bottles != 1 else "") + " to carry"
                   if p.carry_bottles else "short session: a bottle is optional")
        headline.append(Row(label="Drink during", value=f"{during_range(p.during_ml_per_h, p.during_max_ml_per_h)}/h",
                            note=bottles + ("; to thirst within the range" if p.during_max_ml_per_h > p.during_ml_per_h else "")))
        headline.append(Row(label="Drink after", value=millilitres(p.after_ml), note="over the next hours, with food"))
    if s is not None:
        headline.append(Row(label="Potassium lost" if not planned else "Potassium", value=milligrams(s.potassium_mg),
                            note="in sweat"))
        if s.body_mass_loss_pct is not None:
            headline.append(Row(label="Body mass", value=signed_loss_pct(s.body_mass_loss_pct), note="if nothing drunk"))

    plan_rows: list[Row] = []
    if p is not None:
        plan_rows = [
            Row(label="Before", value=millilitres(p.before_ml), note="at least 4 h before; 5–7 mL per kg"),
            Row(label="During", value=f"{during_range(p.during_ml_per_h, p.during_max_ml_per_h)} per hour",
                note="to thirst within it, never more" if p.during_max_ml_per_h > p.during_ml_per_h
                else "never more than you sweat"),
            Row(label="Bottles to carry", value=str(p.carry_bottles),
                note="short session: none" if p.carry_bottles == 0 else "refill if you can't carry them all"),
            Row(label="After", value=millilitres(p.after_ml),
                note="1.25–1.5 L per kg lost, no more"),
        ]

    details: list[Row] = []
    if a is not None:
        details.append(Row(label="Sport", value=a.sport + (f" / {a.sub_sport}" if a.sub_sport else "")))
        details.append(Row(label="Moving time", value=duration_s_text(a.timer_s),
                           note=f"elapsed {duration_s_text(a.elapsed_s)}" if a.elapsed_s is not None else ""))
        details.append(Row(label="Distance", value=distance_text(a.distance_m)))
        if a.avg_heart_rate is not None:
            details.append(Row(label="Average heart rate", value=f"{a.avg_heart_rate:.0f} bpm"))
        if a.avg_power is not None:
            details.append(Row(label="Average power", value=f"{a.avg_power:.0f} W"))
    elif duration_s:
        details.append(Row(label="Duration", value=duration_s_text(duration_s)))
    if env is not None:
        details.append(Row(label="Temperature", value=f"{env.temperature_c:.1f} °C",
                           note=ENV_SOURCES.get(env.source, env.source) + (", indoors" if env.indoor else "")))
        details.append(Row(label="Humidity", value=f"{env.humidity_pct:.0f} %"))
        if env.weather_provider is not None:
            details.append(Row(label="Weather", value=weather_text(env), note=f"{env.weather_provider}, at the route's "
                               f"positions rounded to 0.1° and the session's hours"))
    if it is not None:
        details.append(Row(label="Effort from", value=INTENSITY_SOURCES.get(it.source, it.source),
                           note=f"mean metabolic rate {it.mean_metabolic_w:,.0f} W"))
    if s is not None:
        details.append(Row(label="Sodium lost", value=milligrams(s.sodium_mg), note="in sweat"))
        details.append(Row(label="Device's estimate", value=litres(s.device_estimate_l) if s.device_estimate_l is not None else "none in the file"))
        details.append(Row(label="Calibrated", value="yes" if s.calibrated else "no",
                           note="from your weigh-ins" if s.calibrated else "sweatline weigh-in calibrates it"))
    if a is not None and a.salvaged:
        details.append(Row(label="File", value="damaged; read as far as it goes"))

    legs: list[LegRow] = []
    for leg in report.legs or []:
        ls = leg.sweat
        legs.append(LegRow(
            index=leg.index + 1,
            sport=leg.sport + (f" / {leg.sub_sport}" if leg.sub_sport else ""),
            duration=duration_s_text(leg.timer_s),
            distance=distance_text(leg.distance_m),
            temperature=f"{leg.environment.temperature_c:.0f} °C" if leg.environment is not None else "—",
            sweat=f"{litres(ls.total_l)} ({sweat_range(ls)})" if ls is not None else "—",
            rate=rate(ls.rate_l_per_h) if ls is not None else "—",
            potassium=milligrams(ls.potassium_mg) if ls is not None else "—",
        ))

    advice = [AdviceView(topic=item.topic, title=TOPIC_TITLES.get(item.topic, item.topic.capitalize()), text=item.text)
              for item in report.advice]
    flags = list(s.flags) + list(getattr(s, "assumptions", [])) if s is not None else []
    if env is not None:
        flags += list(env.notes)
    for leg in report.legs or []:  # per-leg notes, once each
        if leg.sweat is not None:
            flags += leg.sweat.flags
        if leg.environment is not None:
            flags += leg.environment.notes
    flags = list(dict.fromkeys(flags))
    return ReportView(
        planned=planned, title=title, subtitle=subtitle,
        source=a.source if a is not None else None, device=a.device if a is not None else None,
        headline=headline, plan=plan_rows, details=details, legs=legs, advice=advice,
        flags=flags, warnings=list(a.warnings) if a is not None else [], disclaimer=report.disclaimer,
    )
