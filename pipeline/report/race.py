"""``plan.html``: a race plan on a course to read the night before, on a desktop or a phone.

The same rules as the activity reports (:mod:`pipeline.report.render`): no script, a
Content-Security-Policy that forbids any fetch, every expression autoescaped, ``report.css``
inlined, each chart twice (wide for a desktop, narrow for a phone, one shown by a media query),
a wide table read as labelled rows on a phone. Two charts: the course profile with the air
temperature along it, and the cumulative sweat against the planned drinking with the water
points. Values are metric. Pure: strings out (the use case writes them).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np

from pipeline.core.schema import Report, TimelineEntry
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


def _km_axis(canvas: Canvas, total_km: float, left: float, right: float, bottom: float, narrow: bool) -> Scale:
    ticks, decimals = nice_ticks(0.0, total_km, 5 if narrow else 10)
    ticks = [t for t in ticks if t <= total_km + 1e-9]
    xs = Scale((0.0, total_km), (left, right))
    x_axis(canvas, xs, ticks, [tick_label(t, decimals) for t in ticks], bottom, "km from the start", ink=INK, muted=MUTED)
    return xs


def profile_chart_svg(distance_m: Sequence[float], altitude_m: Sequence[float], timeline: Sequence[TimelineEntry],
                      narrow: bool = False) -> str:
    """The course's altitude [m] against distance [km] with each segment's air temperature [°C] on a
    right-hand axis. Returns an ``<svg>`` element as a string."""
    canvas, _, left, right, top, bottom = _frame(narrow, 3.2)
    dist_km = np.asarray(distance_m, float) / 1000.0
    alt = np.asarray(altitude_m, float)
    total_km = float(dist_km[-1])
    lo, hi = float(np.nanmin(alt)), float(np.nanmax(alt))
    if hi - lo < 20:
        lo, hi = lo - 10, hi + 10
    alt_ticks, alt_dec = nice_ticks(lo, hi, 4)
    ya = Scale((alt_ticks[0], alt_ticks[-1]), (bottom, top))
    temps = [e.temperature_c for e in timeline]
    t_lo, t_hi = min(temps), max(temps)
    if t_hi - t_lo < 4:
        t_lo, t_hi = t_lo - 2, t_hi + 2
    t_ticks, t_dec = nice_ticks(t_lo, t_hi, 4)
    yt = Scale((t_ticks[0], t_ticks[-1]), (bottom, top))
    grid(canvas, ya, alt_ticks, left, right, color=GRID)
    xs = _km_axis(canvas, total_km, left, right, bottom, narrow)
    canvas.open("altitude")
    xy = path_d(np.array([xs(v) for v in dist_km]), np.array([ya(v) for v in alt]))
    canvas.path(f"{xy} L{xs(total_km):.1f},{bottom:.1f} L{xs(0):.1f},{bottom:.1f} Z", fill=MUTED, fill_opacity=0.25)
    canvas.path(xy, stroke=MUTED, width=1.2)
    canvas.close()
    canvas.open("temperature")
    xs_t, ys_t = [], []
    for e in timeline:
        xs_t += [xs(e.distance_m / 1000.0), xs((e.distance_m + e.length_m) / 1000.0)]
        ys_t += [yt(e.temperature_c), yt(e.temperature_c)]
    canvas.path(path_d(np.array(xs_t), np.array(ys_t)), stroke=ORANGE, width=2.0)
    canvas.close()
    y_axis(canvas, ya, alt_ticks, alt_dec, left, "altitude, m", ink=INK, muted=MUTED)
    y_axis(canvas, yt, t_ticks, t_dec, right, "air, °C", side="right", ink=INK, muted=MUTED)
    entries: list[LegendEntry] = [("box", "course profile", {"fill": MUTED, "opacity": 0.25}),
                                  ("line", "air temperature", {"stroke": ORANGE, "width": 2.0})]
    legend(canvas, entries, left, top - 12 - (13 if narrow else 0), stacked=narrow)
    return canvas.svg("chart-narrow" if narrow else "chart-wide", "Course profile and the air temperature along it")


def drinking_chart_svg(timeline: Sequence[TimelineEntry], water_m: Sequence[float], narrow: bool = False) -> str:
    """Cumulative sweat lost and cumulative planned drinking [L] against distance [km], the water
    points as vertical lines. Returns an ``<svg>`` element as a string."""
    canvas, _, left, right, top, bottom = _frame(narrow, 3.0)
    ends = [(e.distance_m + e.length_m) / 1000.0 for e in timeline]
    total_km = ends[-1]
    sweat = np.cumsum([e.sweat_ml for e in timeline]) / 1000.0
    drink = np.cumsum([e.drink_ml for e in timeline]) / 1000.0
    ticks, dec = nice_ticks(0.0, max(float(sweat[-1]), 0.1), 5)
    ys = Scale((0.0, ticks[-1]), (bottom, top))
    grid(canvas, ys, ticks, left, right, color=GRID)
    xs = _km_axis(canvas, total_km, left, right, bottom, narrow)
    canvas.open("water")
    for w in water_m:
        canvas.line(xs(w / 1000.0), top, xs(w / 1000.0), bottom, BLUE, 0.8, stroke_dasharray="3 3")
    canvas.close()
    x = np.array([xs(0.0), *[xs(v) for v in ends]])
    canvas.open("sweat")
    canvas.path(path_d(x, np.array([ys(0.0), *[ys(v) for v in sweat]])), stroke=TEAL, width=2.0)
    canvas.close()
    canvas.open("drink")
    canvas.path(path_d(x, np.array([ys(0.0), *[ys(v) for v in drink]])), stroke=BLUE, width=2.0)
    canvas.close()
    y_axis(canvas, ys, ticks, dec, left, "litres", ink=INK, muted=MUTED)
    entries: list[LegendEntry] = [("line", "sweat lost", {"stroke": TEAL, "width": 2.0}),
                                  ("line", "planned drinking", {"stroke": BLUE, "width": 2.0}),
                                  ("line", "water", {"stroke": BLUE, "width": 0.8, "dasharray": "3 3"})]
    legend(canvas, entries, left, top - 12 - (26 if narrow else 0), stacked=narrow)
    return canvas.svg("chart-narrow" if narrow else "chart-wide", "Sweat lost against the planned drinking")


@dataclass(frozen=True)
class Row:
    km: str
    time: str
    grade: str
    air: str
    drink: str
    sodium: str
    carbohydrate: str
    water: str


def _clock(start: datetime, seconds: float, zone: str) -> str:
    from datetime import timedelta

    return (start + timedelta(seconds=seconds)).astimezone(ZoneInfo(zone)).strftime("%H:%M")


def render_plan_html(report: Report, distance_m: Sequence[float], altitude_m: Sequence[float], water_m: Sequence[float],
                     title: str, zone: str = "UTC") -> str:
    """The page for ``report`` (a planned course's: ``plan.timeline`` set), its course profile
    (``distance_m``, ``altitude_m``) and water points [m]; times shown in ``zone`` (IANA)."""
    plan, sweat = report.plan, report.sweat
    assert plan is not None and plan.timeline and sweat is not None and plan.start_time is not None
    timeline = plan.timeline
    duration_s = timeline[-1].elapsed_s + timeline[-1].duration_s
    drink_ml = sum(e.drink_ml for e in timeline)
    start = plan.start_time
    cards = [("Sweat lost", f"{sweat.total_l:.1f} L", f"plausibly {sweat.low_l:.1f}–{sweat.high_l:.1f} L"),
             ("Drink during", f"{drink_ml:,.0f} mL", "under the loss"),
             ("Sodium", f"{plan.sodium_mg_per_h or 0:,.0f} mg/h", "lost in sweat"),
             ("Carbs", f"{plan.carbohydrate_g_per_h or 0:.0f} g/h", "eaten or drunk"),
             ("Start with", f"{plan.start_bottles or 0} bottle{'s' if (plan.start_bottles or 0) != 1 else ''}",
              "filled")]
    rows = [Row(f"{e.distance_m / 1000:.1f}", _clock(start, e.elapsed_s, zone), f"{e.grade_pct:+.1f} %",
                f"{e.temperature_c:.0f} °C", f"{e.drink_ml:.0f} mL", f"{e.sodium_mg:.0f} mg", f"{e.carbohydrate_g:.0f} g",
                "water" if e.water else "") for e in timeline]
    refills = [(f"{r.distance_m / 1000:.1f}", r.bottles, f"{r.drink_ml:,.0f} mL") for r in plan.refills or []]
    advice = [(ADVICE_TITLES.get(a.topic, a.topic.replace("_", " ").capitalize()), a.text) for a in report.advice]
    hours, minutes = divmod(int(round(duration_s / 60.0)), 60)
    subtitle = (f"Start {start.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M} ({zone}) · "
                f"{(timeline[-1].distance_m + timeline[-1].length_m) / 1000:.1f} km · about {hours} h {minutes:02d} min · "
                f"weather: {plan.weather}")
    charts = [(profile_chart_svg(distance_m, altitude_m, timeline), profile_chart_svg(distance_m, altitude_m, timeline, True),
               "The course's altitude and the air along it (the forecast where and when you will be, when asked)."),
              (drinking_chart_svg(timeline, water_m), drinking_chart_svg(timeline, water_m, True),
               "Sweat lost (central estimate) and the planned drinking along the course; dashed: water points.")]
    from markupsafe import Markup

    return _HTML.get_template("plan.html.j2").render(
        title=title, subtitle=subtitle, cards=cards, rows=rows, refills=refills, advice=advice,
        charts=[(Markup(wide), Markup(narrow), caption) for wide, narrow, caption in charts],
        disclaimer=report.disclaimer, environment=report.environment)
