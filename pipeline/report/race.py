"""``plan.html``: a race plan on a course to read the night before, on a desktop or a phone.

The same rules as the activity reports (:mod:`pipeline.report.render`): no script, a
Content-Security-Policy that forbids any fetch, every expression autoescaped, ``report.css``
inlined, each chart twice (wide for a desktop, narrow for a phone, one shown by a media query),
a wide table read as labelled rows on a phone. Two charts: the course profile with the air
temperature along it, and the cumulative sweat against the planned drinking with the water
points. Every quantity is built in the reader's units where its label or sentence is made
(:class:`~pipeline.core.units.Reader`: km or mi, m or ft, °C or °F, L/mL or fl oz); the advice is
the text written in those units beside the metric one, and the weather notes are written in them
by the notes themselves (:meth:`pipeline.core.notes.ModelNote.in_units`), as the reports show them. Pure: strings
out (the use case writes them).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

import numpy as np

from pipeline.advice.race import fill_words
from pipeline.advice.texts import format_duration
from pipeline.core.notes import in_units
from pipeline.core.schema import Report, TimelineEntry
from pipeline.core.units import METRIC_READER, Reader, Units, reader, signed
from pipeline.report.charts import BLUE, GRID, INK, MUTED, NARROW_IN, ORANGE, PX, TEAL, WIDE_IN
from pipeline.report.render import _HTML
from pipeline.report.svg import Canvas, LegendEntry, Scale, grid, legend, nice_ticks, path_d, tick_label, x_axis, y_axis
from pipeline.report.view import TOPIC_TITLES

ADVICE_TITLES = TOPIC_TITLES


def _frame(narrow: bool, height_in: float) -> tuple[Canvas, float, float, float, float, float]:
    width_in = NARROW_IN if narrow else WIDE_IN
    canvas = Canvas(width_in, height_in)
    left, right = 0.8 * PX, (width_in - 0.75) * PX
    top, bottom = (0.75 if narrow else 0.4) * PX, (height_in - 0.55) * PX
    return canvas, width_in, left, right, top, bottom


def _distance_axis(canvas: Canvas, total: float, left: float, right: float, bottom: float, narrow: bool,
                   r: Reader) -> Scale:
    """The x axis: distance from the start, ``total`` in the reader's unit (km or mi)."""
    ticks, decimals = nice_ticks(0.0, total, 5 if narrow else 10)
    ticks = [t for t in ticks if t <= total + 1e-9]
    xs = Scale((0.0, total), (left, right))
    x_axis(canvas, xs, ticks, [tick_label(t, decimals) for t in ticks], bottom, f"{r.distance_unit} from the start",
           ink=INK, muted=MUTED)
    return xs


NO_ELEVATION_LABEL = "no elevation in the course file: planned flat"


def profile_chart_svg(distance_m: Sequence[float], altitude_m: Sequence[float], timeline: Sequence[TimelineEntry],
                      narrow: bool = False, r: Reader = METRIC_READER) -> str:
    """The course's altitude against distance with each segment's air temperature on a right-hand
    axis, in the reader's units ``r`` (m or ft, km or mi, °C or °F); the inputs are SI (m, °C).
    An altitude all NaN (a course without elevation) draws no profile and no altitude axis, and says
    :data:`NO_ELEVATION_LABEL` instead. Returns an ``<svg>`` element as a string."""
    canvas, _, left, right, top, bottom = _frame(narrow, 3.2)
    dist = r.distance_value(np.asarray(distance_m, float))
    alt = r.altitude_value(np.asarray(altitude_m, float))
    total = float(dist[-1])
    measured = bool(np.isfinite(alt).any())  # a course without elevation: no altitude line, said in the chart
    lo, hi = (float(np.nanmin(alt)), float(np.nanmax(alt))) if measured else (0.0, 0.0)
    flat = r.altitude_value(20.0)  # a course within 20 m of level: drawn in a 40 m band
    if hi - lo < flat:
        lo, hi = lo - flat / 2.0, hi + flat / 2.0
    alt_ticks, alt_dec = nice_ticks(lo, hi, 4)
    ya = Scale((alt_ticks[0], alt_ticks[-1]), (bottom, top))
    temps = [float(r.temperature_value(e.temperature_c)) for e in timeline]
    t_lo, t_hi = min(temps), max(temps)
    even = r.temperature_difference_value(4.0)  # air within 4 °C along the course: a band of 8 °C
    if t_hi - t_lo < even:
        t_lo, t_hi = t_lo - even / 2.0, t_hi + even / 2.0
    t_ticks, t_dec = nice_ticks(t_lo, t_hi, 4)
    yt = Scale((t_ticks[0], t_ticks[-1]), (bottom, top))
    grid(canvas, ya, alt_ticks, left, right, color=GRID)
    xs = _distance_axis(canvas, total, left, right, bottom, narrow, r)
    if measured:
        canvas.open("altitude")
        xy = path_d(np.array([xs(v) for v in dist]), np.array([ya(v) for v in alt]))
        canvas.path(f"{xy} L{xs(total):.1f},{bottom:.1f} L{xs(0):.1f},{bottom:.1f} Z", fill=MUTED, fill_opacity=0.25)
        canvas.path(xy, stroke=MUTED, width=1.2)
        canvas.close()
    else:
        canvas.text((left + right) / 2.0, (top + bottom) / 2.0, NO_ELEVATION_LABEL, anchor="middle", fill=MUTED)
    canvas.open("temperature")
    xs_t, ys_t = [], []
    for e, t in zip(timeline, temps):
        xs_t += [xs(r.distance_value(e.distance_m)), xs(r.distance_value(e.distance_m + e.length_m))]
        ys_t += [yt(t), yt(t)]
    canvas.path(path_d(np.array(xs_t), np.array(ys_t)), stroke=ORANGE, width=2.0)
    canvas.close()
    if measured:
        y_axis(canvas, ya, alt_ticks, alt_dec, left, f"altitude, {r.altitude_unit}", ink=INK, muted=MUTED)
    y_axis(canvas, yt, t_ticks, t_dec, right, f"air, {r.temperature_unit}", side="right", ink=INK, muted=MUTED)
    entries: list[LegendEntry] = [("box", "course profile", {"fill": MUTED, "opacity": 0.25})] if measured else []
    entries.append(("line", "air temperature", {"stroke": ORANGE, "width": 2.0}))
    legend(canvas, entries, left, top - 12 - (13 if narrow else 0), stacked=narrow)
    return canvas.svg("chart-narrow" if narrow else "chart-wide", "Course profile and the air temperature along it")


def drinking_chart_svg(timeline: Sequence[TimelineEntry], water_m: Sequence[float], narrow: bool = False,
                       r: Reader = METRIC_READER) -> str:
    """Cumulative sweat lost and cumulative planned drinking against distance, the water points
    [m] as vertical lines, in the reader's units ``r`` (L or fl oz, km or mi). Returns an ``<svg>``
    element as a string."""
    canvas, _, left, right, top, bottom = _frame(narrow, 3.0)
    ends = [float(r.distance_value(e.distance_m + e.length_m)) for e in timeline]
    total = ends[-1]
    sweat = r.fluid_value(np.cumsum([e.sweat_ml for e in timeline]) / 1000.0)
    drink = r.fluid_value(np.cumsum([e.drink_ml for e in timeline]) / 1000.0)
    ticks, dec = nice_ticks(0.0, max(float(sweat[-1]), float(r.fluid_value(0.1))), 5)
    ys = Scale((0.0, ticks[-1]), (bottom, top))
    grid(canvas, ys, ticks, left, right, color=GRID)
    xs = _distance_axis(canvas, total, left, right, bottom, narrow, r)
    canvas.open("water")
    for w in water_m:
        at = xs(r.distance_value(w))
        canvas.line(at, top, at, bottom, BLUE, 0.8, stroke_dasharray="3 3")
    canvas.close()
    x = np.array([xs(0.0), *[xs(v) for v in ends]])
    canvas.open("sweat")
    canvas.path(path_d(x, np.array([ys(0.0), *[ys(v) for v in sweat]])), stroke=TEAL, width=2.0)
    canvas.close()
    canvas.open("drink")
    canvas.path(path_d(x, np.array([ys(0.0), *[ys(v) for v in drink]])), stroke=BLUE, width=2.0)
    canvas.close()
    y_axis(canvas, ys, ticks, dec, left, "litres" if not r.imperial else "fl oz", ink=INK, muted=MUTED)
    entries: list[LegendEntry] = [("line", "sweat lost", {"stroke": TEAL, "width": 2.0}),
                                  ("line", "planned drinking", {"stroke": BLUE, "width": 2.0}),
                                  ("line", "water", {"stroke": BLUE, "width": 0.8, "dasharray": "3 3"})]
    legend(canvas, entries, left, top - 12 - (26 if narrow else 0), stacked=narrow)
    return canvas.svg("chart-narrow" if narrow else "chart-wide", "Sweat lost against the planned drinking")


@dataclass(frozen=True)
class Row:
    distance: str
    time: str
    grade: str
    air: str
    drink: str
    sodium: str
    carbohydrate: str
    water: str


def _clock(start: datetime, seconds: float, zone: tzinfo) -> str:
    from datetime import timedelta

    return (start + timedelta(seconds=seconds)).astimezone(zone).strftime("%H:%M")


def zone_label(zone: tzinfo, when: datetime) -> str:
    """The words for the zone times are shown in: an IANA name ('Europe/Paris') as it is, a fixed
    offset as typed with the start ('UTC-07:00'; 'UTC' for none)."""
    if isinstance(zone, ZoneInfo):
        return zone.key
    offset = when.astimezone(zone).strftime("%z")
    return "UTC" if offset in ("+0000", "") else f"UTC{offset[:3]}:{offset[3:]}"


def render_plan_html(report: Report, distance_m: Sequence[float], altitude_m: Sequence[float], water_m: Sequence[float],
                     title: str, zone: str | tzinfo = "UTC", units: Units = "metric", bottle_ml: float = 750.0) -> str:
    """The page for ``report`` (a planned course's: ``plan.timeline`` set), its course profile
    (``distance_m``, ``altitude_m``) and water points [m]; times shown in ``zone`` (an IANA name or
    a tzinfo: the race's, as its start was given), every quantity in ``units`` (metric or imperial);
    refills said against bottles of ``bottle_ml`` [mL]."""
    plan, sweat = report.plan, report.sweat
    assert plan is not None and plan.timeline and sweat is not None and plan.start_time is not None
    r = reader(units)
    tz = ZoneInfo(zone) if isinstance(zone, str) else zone
    timeline = plan.timeline
    duration_s = timeline[-1].elapsed_s + timeline[-1].duration_s
    drink_ml = sum(e.drink_ml for e in timeline)
    start = plan.start_time
    bottles = plan.start_bottles or 0
    cards = [("Sweat lost", r.volume_l(sweat.total_l), f"range {r.volume_l_range(sweat.low_l, sweat.high_l)}"),
             ("Drink during", r.volume_ml(drink_ml), "under the loss"),
             ("Sodium", f"{plan.sodium_mg_per_h or 0:,.0f} mg/h", "lost in sweat"),
             ("Carbs", f"{plan.carbohydrate_g_per_h or 0:.0f} g/h", "eaten or drunk"),
             ("Start with", f"{bottles} bottle{'s' if bottles != 1 else ''}",
              "at most, refilled" if bottles and plan.refills else "filled" if bottles else "a race this short")]
    rows = [Row(f"{r.distance_value(e.distance_m):.1f}", _clock(start, e.elapsed_s, tz), f"{signed(e.grade_pct, 1)} %",
                r.temperature(e.temperature_c), r.volume_ml(e.drink_ml), f"{e.sodium_mg:.0f} mg",
                f"{e.carbohydrate_g:.0f} g", "water" if e.water else "") for e in timeline]
    refills = [(f"{r.distance_value(f.distance_m):.1f}", fill_words(f.drink_ml, bottle_ml, r), r.volume_ml(f.drink_ml))
               for f in plan.refills or []]
    advice = [(ADVICE_TITLES.get(a.topic, a.topic.replace("_", " ").capitalize()), a.text_in(units))
              for a in report.advice]
    notes = [in_units(note, reader(units)) for note in (report.environment.notes if report.environment else [])]
    end_m = timeline[-1].distance_m + timeline[-1].length_m
    subtitle = (f"Start {start.astimezone(tz):%Y-%m-%d %H:%M} ({zone_label(tz, start)}) · {r.distance(end_m)} · "
                f"about {format_duration(duration_s / 3600.0)} · weather: {plan.weather}")
    charts = [(profile_chart_svg(distance_m, altitude_m, timeline, r=r),
               profile_chart_svg(distance_m, altitude_m, timeline, True, r),
               "The course's altitude and the air along it (the forecast where and when you will be, when asked)."
               if np.isfinite(np.asarray(altitude_m, float)).any() else
               "The air along the course (the forecast where and when you will be, when asked); the course file "
               "gives no elevation, so it is planned flat."),
              (drinking_chart_svg(timeline, water_m, r=r), drinking_chart_svg(timeline, water_m, True, r),
               "Sweat lost (central estimate) and the planned drinking along the course; dashed: water points.")]
    from markupsafe import Markup

    return _HTML.get_template("plan.html.j2").render(
        title=title, subtitle=subtitle, cards=cards, rows=rows, refills=refills, advice=advice, notes=notes,
        distance_unit=r.distance_unit, charts=[(Markup(wide), Markup(narrow), caption) for wide, narrow, caption in charts],
        disclaimer=report.disclaimer)
