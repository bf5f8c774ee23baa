"""Charts for the reports, written as inline SVG strings (no disk, no plotting library).

- :func:`session_chart_svg`: the session over time — heart rate, power or speed, temperature —
  with the cumulative sweat loss beneath.
- :func:`sweat_rate_chart_svg`: our sweat rate with its range, the device's own estimate, the
  typical range (Sawka et al. 2007, ACSM: 0.5-2.0 L/h) and the planned drinking rate.
- :func:`trend_chart_svg` (digest): fluid and potassium lost per day.

The SVG is written element by element by :mod:`pipeline.report.svg` (linear scales, Heckbert's
"nice" 1-2-5 ticks, paths broken at NaN): matplotlib, which drew these charts before, cost
150–200 ms a figure and 0.25 s of import for every ``sweatline ride`` — more than decoding the
file with the fast decoder. Text goes out as SVG ``<text>``, every string escaped
(:func:`pipeline.report.svg.esc`); there is no XML prolog (the SVG sits inside an HTML page), no
element id (several charts share a page) and no script (the page's Content-Security-Policy).
Each axis is a ``<g class="axis x">`` / ``<g class="axis y">`` (``"axis y right"`` for a twin
axis) holding a ``<g class="tick">`` per tick (its mark and label) and its ``<text class="label">``;
legends are ``<g class="legend">``.

Two widths: every chart takes ``narrow``. The wide version (:data:`WIDE_IN`) is for a
desktop page, the narrow one (:data:`NARROW_IN`) for a phone: the same font sizes on a figure
narrow enough that a 390 px phone shows it whole with its text at 10 px or more, with fewer x
ticks, legends stacked above each panel, and half the points (it is drawn at half the width). The
page holds both and a CSS media query shows one (``report.css``: ``svg.chart-wide`` /
``svg.chart-narrow``); each SVG root carries its class, a ``viewBox`` of 72 units an inch and no
width or height.

Units: every chart takes ``units`` (``"metric"`` or ``"imperial"``, :mod:`pipeline.core.units`). Data
arrive in SI-derived units (m/s, °C, litres); for imperial the plotted values themselves are
converted with :mod:`pipeline.core.units` (NIST SP 811 factors) before drawing — speed in mph,
temperature in °F, volumes in US fl oz and rates in fl oz/h — and the axis, legend and bar labels
say so.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from pipeline.core.schema import PlanBlock, SweatBlock
from pipeline.core.units import Units, fahrenheit, fl_oz, mph, rate_l_per_h
from pipeline.report.svg import (
    UNITS_PER_IN,
    Canvas,
    LegendEntry,
    Scale,
    area_d,
    grid,
    legend,
    nice_ticks,
    path_d,
    tick_label,
    x_axis,
    y_axis,
)
from pipeline.report.view import rate_range_l_per_h

if TYPE_CHECKING:  # pandas is the caller's (a session's records); the digest's trend needs none of it
    import pandas as pd

#: Columns of ``Analysis.series`` the session chart can draw (RECORD_COLUMNS names, plus the model's).
CUMULATIVE_SWEAT_COLUMNS = ("sweat_cum_l", "cumulative_sweat_l", "sweat_l_cum", "sweat_total_l")
#: The series columns the session chart reads (the rest of ``Analysis.series`` is not thinned).
DRAWN_COLUMNS = ("timer_active", "heart_rate_bpm", "power_w", "speed_m_per_s", "temperature_c",
                 "device_temperature_c", *CUMULATIVE_SWEAT_COLUMNS)
MAX_POINTS = 600
MAX_POINTS_NARROW = 300  # the phone's chart is under half as wide: half the points keep the same density
WIDE_IN = 9.0
NARROW_IN = 4.3
"""Chart widths, inches (72 SVG units each). Text is 10-11 units, so it renders at ≥ 10 px when a
chart is shown at least 72 px per inch wide: the narrow chart fills a frame of 310 px (a 360 px
phone's) at ≥ 10 px; report.css shows the wide one only from a frame of 660 px."""
MAX_TICKS = 12
"""At most this many labelled ticks on any axis, whatever the span (two rides chained 25 years apart
once asked the plotting library we used then for 12,053 ticks: 105 s and 2.45 GB)."""
TYPICAL_RATE_L_PER_H = (0.5, 2.0)  # Sawka et al. 2007 (ACSM position stand)

INK = "#1f2933"
MUTED = "#7b8794"
BLUE = "#2680c2"
RED = "#d64545"
ORANGE = "#e8833a"
GREEN = "#3f9142"
TEAL = "#0b7285"
GRID = "#e4e7eb"
TYPICAL_FILL = "#f0b429"

PX = UNITS_PER_IN  # SVG units an inch: layout below is in inches, as the figure sizes are


def _y_desired(height_units: float, narrow: bool) -> int:
    """How many y ticks to ask for: one per 22 units of axis, 3 to 6 (5 at most on a phone)."""
    return max(3, min(5 if narrow else 6, int(height_units // 22)))


def _label_offset(ticks: Sequence[float], decimals: int, room: float) -> float:
    """How far from the spine a y axis's label goes: past its widest tick label, within ``room``."""
    widest = max((len(tick_label(t, decimals)) for t in ticks), default=1)
    return min(room - 7.0, 6.0 + 6.2 * widest + 8.0)


def _has(frame: pd.DataFrame, column: str) -> bool:
    return column in frame.columns and frame[column].notna().any()


def _timestamps(frame: pd.DataFrame) -> pd.Series:
    """The records' clock times (UTC): the ``timestamp`` column, else the index."""
    import pandas as pd

    if "timestamp" in frame.columns:
        return pd.to_datetime(frame["timestamp"], utc=True)
    return pd.to_datetime(pd.Series(frame.index, index=frame.index), utc=True)


def _elapsed_hours(frame: pd.DataFrame) -> pd.Series:
    for column in ("activity_s", "elapsed_s"):  # activity time (long stops left out) first
        if _has(frame, column):
            return frame[column].astype(float) / 3600.0
    ts = _timestamps(frame)
    return (ts - ts.iloc[0]).dt.total_seconds() / 3600.0


STOPS_LEFT_OUT_S = 60.0
"""When the records span this much longer than the activity time the chart is drawn on, long stops
were left out (:mod:`pipeline.physiology.stops`) and the time axis says so."""


def _time_axis_label(frame: pd.DataFrame) -> str:
    """The session chart's x-axis label: ``elapsed time`` when the axis is the clock since the start,
    or says that long stops were left out when it is activity time that skips them (a ride with its
    timer stopped for 12 hours would otherwise read as 1 h 40 min of "elapsed time")."""
    if not _has(frame, "activity_s"):
        return "elapsed time (h:mm)"
    stamps = _timestamps(frame)
    clock_s = (stamps.max() - stamps.min()).total_seconds()
    activity_s = float(frame["activity_s"].max() - frame["activity_s"].min())
    if clock_s - activity_s > STOPS_LEFT_OUT_S:
        return "time (h:mm), long stops left out"
    return "elapsed time (h:mm)"


def _slice_means(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The mean of ``values`` over each slice that begins at an index of ``starts`` (ascending, the
    first 0) and runs to the next; missing values (NaN) are left out of a mean, and a slice with
    none is NaN. Shape: ``(len(starts),)``."""
    finite = np.isfinite(values)
    sums = np.add.reduceat(np.where(finite, values, 0.0), starts)
    counts = np.add.reduceat(finite.astype(np.int64), starts)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def _drawn_columns(frame: pd.DataFrame, hours: pd.Series) -> dict[str, np.ndarray]:
    """The drawn numeric columns of ``frame`` (:data:`DRAWN_COLUMNS`) as float arrays (missing values
    NaN) with ``_h``, the hours, over the rows that have a time. Shape of each: ``(rows timed,)``."""
    import pandas as pd

    h = hours.to_numpy(dtype=float)
    keep = np.isfinite(h)
    columns: dict[str, np.ndarray] = {}
    for name in DRAWN_COLUMNS:
        if name in frame.columns:
            column = frame[name]
            if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
                columns[name] = column.to_numpy(dtype=float, na_value=np.nan)[keep]
    columns["_h"] = h[keep]
    return columns


def _thin_columns(columns: dict[str, np.ndarray], max_points: int = MAX_POINTS,
                  ) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """At most ``max_points`` points of :func:`_drawn_columns`' arrays: the mean of each over equal
    slices of the rows, missing values left out of a mean (keeps the shape). Returns the thinned
    columns (with ``_h``, hours; a new dict, the arrays new when thinned) and the hours. ``columns``
    and its arrays are not modified (nor are they by the charts, which draw from new arrays)."""
    n = len(columns["_h"])
    if n > max_points:
        starts = np.flatnonzero(np.diff(np.r_[-1, np.arange(n) * max_points // n]))  # first row of each slice
        columns = {name: _slice_means(values, starts) for name, values in columns.items()}
    else:
        columns = dict(columns)
    return columns, columns["_h"]


def _drawn(columns: dict[str, np.ndarray], name: str) -> bool:
    """Whether the drawn column ``name`` is there with at least one value (not NaN)."""
    values = columns.get(name)
    return values is not None and bool((~np.isnan(values)).any())


def _thin(frame: pd.DataFrame, hours: pd.Series, max_points: int = MAX_POINTS) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """At most ``max_points`` points: the mean of each drawn numeric column (:data:`DRAWN_COLUMNS`)
    over equal slices of the rows, missing values left out of a mean (keeps the shape); rows
    without a time are dropped. Returns the thinned columns (with ``_h``, hours) and the hours."""
    return _thin_columns(_drawn_columns(frame, hours), max_points)


@dataclass(frozen=True)
class SessionSeries:
    """What the session chart reads from an activity's series, read once for both of its versions
    (desktop and phone, :func:`session_chart_svgs`): the drawn columns over the timed rows
    (:func:`_drawn_columns`) and the time axis's label."""

    columns: dict[str, np.ndarray]
    time_label: str


def session_series(series: pd.DataFrame | None) -> SessionSeries | None:
    """:class:`SessionSeries` of ``series`` (None when it has fewer than two rows: nothing to draw)."""
    if series is None or len(series) < 2:
        return None
    return SessionSeries(_drawn_columns(series, _elapsed_hours(series)), _time_axis_label(series))


GAP_FACTOR = 5.0
"""A step in time more than this many times the median step is a pause (no records): the line breaks there."""


def _breaks(x: np.ndarray, values: np.ndarray, paused: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """``(x, values)`` with a NaN at every pause, so a line is not drawn across it (nor down to
    what a sensor read while stopped): samples taken mostly with the timer stopped are dropped, and
    a NaN goes between two samples further apart than :data:`GAP_FACTOR` median steps."""
    if paused is not None:
        values = np.where(np.asarray(paused, dtype=float) < 0.5, np.nan, values)
    keep = np.isfinite(values)
    xs, ys = x[keep], values[keep]
    if len(xs) < 3:
        return xs, ys
    steps = np.diff(xs)
    median = float(np.median(steps)) if len(steps) else 0.0
    cut = np.flatnonzero(steps > GAP_FACTOR * median) + 1 if median > 0 else np.array([], dtype=int)
    return np.insert(xs, cut, np.nan), np.insert(ys, cut, np.nan)


def time_step_h(span_h: float, max_ticks: int = 10) -> float:
    """A tick step in hours for an axis spanning ``span_h`` hours: round minutes (1, 2, 5, ... 240)
    for a session, then 1-2-5 multiples of 8 h, so the axis never has more than about
    ``max_ticks`` ticks (10; 5 on a phone's chart)."""
    span_min = max(span_h, 0.0) * 60.0 if np.isfinite(span_h) else 0.0
    for step_min in (1, 2, 5, 10, 15, 30, 60, 120, 240, 480):
        if span_min / step_min <= max_ticks:
            return step_min / 60.0
    step_h = 8.0
    while span_min / 60.0 / step_h > max_ticks:
        step_h *= 2.0
    return step_h


def _volume(value_l, units: Units):
    """Litres (a float or an array) in the chart's volume unit: litres, or US fl oz for imperial."""
    return fl_oz(value_l * 1000.0) if units == "imperial" else value_l


def sweat_column(series: pd.DataFrame) -> str | None:
    """Which column of the series holds cumulative sweat loss in litres, if any."""
    for name in CUMULATIVE_SWEAT_COLUMNS:
        if _has(series, name):
            return name
    return None


def _hours_label(value_h: float) -> str:
    """Elapsed hours as ``h:mm``."""
    minutes = int(round(value_h * 60))
    return f"{minutes // 60}:{minutes % 60:02d}"


def _time_ticks(x0: float, x1: float, step: float) -> list[float]:
    """Multiples of ``step`` within ``[x0, x1]`` (hours)."""
    first = math.ceil(x0 / step - 1e-9)
    last = math.floor(x1 / step + 1e-9)
    return [i * step for i in range(first, last + 1)]


def _finite_range(*arrays) -> tuple[float, float] | None:
    values = [np.asarray(a, dtype=float) for a in arrays]
    values = [v[np.isfinite(v)] for v in values]
    values = [v for v in values if len(v)]
    if not values:
        return None
    return float(min(v.min() for v in values)), float(max(v.max() for v in values))


def session_chart_svg(series: pd.DataFrame | None, sweat: SweatBlock | None = None,
                      units: Units = "metric", narrow: bool = False) -> str | None:
    """The session over time: effort (HR; power or speed), temperature and cumulative sweat.

    ``series`` has the canonical record columns (:data:`pipeline.fit.models.RECORD_COLUMNS`) plus
    the model's cumulative sweat (a column of :data:`CUMULATIVE_SWEAT_COLUMNS`, litres). Panels
    whose data are missing are left out; None when there is nothing to draw. ``units``: speed in
    km/h or mph, temperature in °C or °F, cumulative sweat in litres or US fl oz. ``narrow``: the
    phone's version (:data:`NARROW_IN` wide). Returns an ``<svg>`` element as a string.
    """
    return _session_chart(session_series(series), sweat, units, narrow)


def session_chart_svgs(series: pd.DataFrame | None, sweat: SweatBlock | None = None,
                       units: Units = "metric") -> tuple[str | None, str | None]:
    """``(desktop, phone)`` versions of :func:`session_chart_svg` (``narrow`` False, True), the
    series read once for both: the same two strings as two calls give."""
    prepared = session_series(series)
    return _session_chart(prepared, sweat, units, False), _session_chart(prepared, sweat, units, True)


def _session_chart(prepared: SessionSeries | None, sweat: SweatBlock | None, units: Units, narrow: bool) -> str | None:
    """:func:`session_chart_svg` of a series already read (:func:`session_series`)."""
    imperial = units == "imperial"
    if prepared is None:
        return None
    time_label = prepared.time_label
    data, x = _thin_columns(prepared.columns, MAX_POINTS_NARROW if narrow else MAX_POINTS)
    if len(x) < 2:
        return None
    effort = [c for c in ("heart_rate_bpm", "power_w", "speed_m_per_s") if _drawn(data, c)]
    sweat_col = next((name for name in CUMULATIVE_SWEAT_COLUMNS if _drawn(data, name)), None)
    paused = data.get("timer_active")
    # each panel: its lines [(x, y, style, side)], an optional band (x, low, high), y labels, legend
    panels: list[dict] = []
    if effort:
        lines, legend_entries, labels = [], [], {}
        if "heart_rate_bpm" in effort:
            xs, ys = _breaks(x, data["heart_rate_bpm"], paused)
            lines.append((xs, ys, {"stroke": RED, "width": 1.2}, "left"))
            legend_entries.append(("line", "heart rate (bpm)", {"stroke": RED, "width": 1.5}))
            labels["left"] = "bpm"
        second = "power_w" if "power_w" in effort else ("speed_m_per_s" if "speed_m_per_s" in effort else None)
        if second is not None:
            side = "right" if lines else "left"
            if second == "power_w":
                values, unit, name = data["power_w"], "W", "power (W)"
            else:
                unit = "mph" if imperial else "km/h"
                speed = data["speed_m_per_s"]
                values, name = (mph(speed) if imperial else speed * 3.6), f"speed ({unit})"
            xs, ys = _breaks(x, values, paused)
            lines.append((xs, ys, {"stroke": BLUE, "width": 0.9, "opacity": 0.8}, side))
            legend_entries.append(("line", name, {"stroke": BLUE, "width": 1.5, "opacity": 0.8}))
            labels[side] = unit
        panels.append({"title": "Effort", "height_in": 2.2, "lines": lines, "legend": legend_entries,
                       "labels": labels})
    if _drawn(data, "temperature_c"):
        # temperature_c: the air temperature the model used; device_temperature_c: the raw sensor
        to_unit = fahrenheit if imperial else (lambda c: c)
        xs, ys = _breaks(x, to_unit(data["temperature_c"]), None)
        lines = [(xs, ys, {"stroke": ORANGE, "width": 1.4}, "left")]
        legend_entries = []
        if _drawn(data, "device_temperature_c"):
            xs, ys = _breaks(x, to_unit(data["device_temperature_c"]), None)
            lines.append((xs, ys, {"stroke": ORANGE, "width": 0.9, "dasharray": "1 1.6"}, "left"))
            legend_entries = [("line", "air, as the model used it", {"stroke": ORANGE, "width": 1.4}),
                              ("line", "device sensor", {"stroke": ORANGE, "width": 1.2, "dasharray": "1 1.6"})]
        panels.append({"title": "Temperature", "height_in": 1.2, "lines": lines, "legend": legend_entries,
                       "labels": {"left": "°F" if imperial else "°C"}})
    if sweat_col is not None:
        y = _volume(data[sweat_col], units)
        keep = np.isfinite(y)
        lines = [(x[keep], y[keep], {"stroke": TEAL, "width": 1.6}, "left")]
        legend_entries = [("line", "our estimate", {"stroke": TEAL, "width": 1.6})]
        band = None
        if sweat is not None and sweat.total_l > 0 and keep.sum() >= 2:
            lo, hi = sweat.low_l / sweat.total_l, sweat.high_l / sweat.total_l
            band = (x[keep], y[keep] * lo, y[keep] * hi)
            legend_entries.append(("box", "plausible range", {"fill": TEAL, "opacity": 0.15}))
        panels.append({"title": "Cumulative sweat loss", "height_in": 1.8, "lines": lines, "band": band,
                       "legend": legend_entries, "labels": {"left": "fl oz" if imperial else "litres"},
                       "from_zero": True})
    if not panels:
        return None

    # layout, inches as the figure was laid out before (report.css and the browser checks rely on the sizes)
    legend_band_in = 0.42 if narrow else 0.0  # a phone's chart: each legend stacked between title and axes
    width_in = NARROW_IN if narrow else WIDE_IN
    height_in = sum(p["height_in"] for p in panels) + 0.4 + legend_band_in * len(panels)
    left_in, right_in = (0.7, 0.65) if narrow else (0.85, 0.75)
    top_in, bottom_in, gap_in = 0.35 + legend_band_in, 0.6, 0.55 + legend_band_in
    canvas = Canvas(width_in, height_in)
    left, right = left_in * PX, (width_in - right_in) * PX
    avail = (height_in - top_in - bottom_in - gap_in * (len(panels) - 1)) * PX
    total = sum(p["height_in"] for p in panels)

    x0, x1 = float(np.nanmin(x)), float(np.nanmax(x))
    if 0.0 <= x0 < 0.02 * (x1 - x0):  # a session starts at 0:00 (its first record a second or two in)
        x0 = 0.0
    if not x1 > x0:
        x1 = x0 + 1.0 / 60.0
    xscale = Scale((x0, x1), (left, right))
    xticks = _time_ticks(x0, x1, time_step_h(x1 - x0, 5 if narrow else 10))

    top = top_in * PX
    for index, panel in enumerate(panels):
        bottom = top + avail * panel["height_in"] / total
        canvas.open("panel")
        scales: dict[str, Scale] = {}
        axes: list[tuple[str, Scale, list[float], int]] = []
        for side in ("left", "right"):
            mine = [line for line in panel["lines"] if line[3] == side]
            if not mine:
                continue
            arrays = [line[1] for line in mine]
            if side == "left" and panel.get("band") is not None:
                arrays += [panel["band"][1], panel["band"][2]]
            span = _finite_range(*arrays) or (0.0, 1.0)
            if panel.get("from_zero"):
                span = (0.0, max(span[1], 0.0))
            ticks, decimals = nice_ticks(span[0], span[1], _y_desired(bottom - top, narrow), MAX_TICKS)
            scale = Scale((ticks[0], ticks[-1]), (bottom, top))
            scales[side] = scale
            axes.append((side, scale, ticks, decimals))
        for side, scale, ticks, _decimals in axes:  # grid first: beneath everything
            if side == "left":
                grid(canvas, scale, ticks, left, right, color=GRID)
        if panel.get("band") is not None:
            bx, blo, bhi = panel["band"]
            s = scales["left"]
            canvas.path(area_d(xscale(bx), s(blo), s(bhi)), fill=TEAL, fill_opacity=0.15)
        for xs, ys, style, side in panel["lines"]:
            s = scales[side]
            canvas.path(path_d(xscale(xs), s(ys)), stroke=style["stroke"], width=style["width"],
                        stroke_opacity=style.get("opacity"), stroke_dasharray=style.get("dasharray"),
                        stroke_linecap="round" if style.get("dasharray") else None)
        for side, scale, ticks, decimals in axes:
            room = (left if side == "left" else width_in * PX - right)
            y_axis(canvas, scale, ticks, decimals, left if side == "left" else right, panel["labels"].get(side, ""),
                   side=side, label_offset=_label_offset(ticks, decimals, room), ink=INK, muted=MUTED)
        last = index == len(panels) - 1
        x_axis(canvas, xscale, xticks, [_hours_label(t) for t in xticks] if last else None, bottom,
               time_label if last else None, ink=INK, muted=MUTED)
        title_y = top - 6 - legend_band_in * PX
        canvas.text(left, title_y, panel["title"], size=11, fill=INK, css_class="title")
        if narrow:
            legend(canvas, panel["legend"], left, top - legend_band_in * PX + 11, stacked=True)
        else:
            legend(canvas, panel["legend"], right, top - 6, align="right")
        canvas.close()
        top = bottom + gap_in * PX
    return canvas.svg("chart-narrow" if narrow else "chart-wide",
                      "The session over time: effort, temperature and cumulative sweat loss")


RATE_CAPTION = "Sweat rate: our estimate with its plausible range, the device's own estimate where the file has one"


def sweat_rate_caption(plan: PlanBlock | None, units: Units = "metric") -> str:
    """The caption under :func:`sweat_rate_chart_svg`: the planned drinking's bar and whisker
    explained only where they are drawn (a whisker when the upper figure is above the lower; one
    figure and no whisker when they are equal; no plan, no planned bar)."""
    if plan is None:
        return f"{RATE_CAPTION}."
    if plan.during_max_ml_per_h > plan.during_ml_per_h:
        return (f"{RATE_CAPTION}, and the planned drinking range (bar: the lower figure, within the low end of the "
                "sweat rate; whisker: the upper figure, within its middle).")
    return (f"{RATE_CAPTION}, and the planned drinking, one figure ({rate_l_per_h(plan.during_ml_per_h / 1000.0, units)}: "
            "within the low end of the sweat rate).")


def sweat_rate_chart_svg(sweat: SweatBlock, duration_h: float | None, plan: PlanBlock | None = None,
                         units: Units = "metric", narrow: bool = False) -> str:
    """Sweat rates side by side: ours (with range), the device's, the typical range, the plan's drinking.

    ``duration_h`` in hours (for the device's estimate, litres, as a rate); bars in L/h, or in
    US fl oz/h for ``units="imperial"``. ``narrow``: the phone's version (:data:`NARROW_IN` wide,
    the typical range's label shortened). Returns an ``<svg>`` element as a string."""
    labels: list[str] = []
    values: list[float] = []
    errors: list[tuple[float, float]] = []
    colors: list[str] = []
    lo_rate, hi_rate = rate_range_l_per_h(sweat)
    labels.append("Sweatline estimate")
    values.append(sweat.rate_l_per_h)
    errors.append((sweat.rate_l_per_h - lo_rate, hi_rate - sweat.rate_l_per_h))
    colors.append(TEAL)
    if sweat.device_estimate_l is not None and duration_h is not None and duration_h > 0:
        labels.append("Device's estimate")
        values.append(sweat.device_estimate_l / duration_h)
        errors.append((0.0, 0.0))
        colors.append(MUTED)
    if plan is not None:
        labels.append("Planned drinking")
        values.append(plan.during_ml_per_h / 1000.0)
        errors.append((0.0, max(plan.during_max_ml_per_h - plan.during_ml_per_h, 0.0) / 1000.0))
        colors.append(BLUE)
    imperial = units == "imperial"
    values = [float(_volume(v, units)) for v in values]
    errors = [(float(_volume(minus, units)), float(_volume(plus, units))) for minus, plus in errors]
    hi_rate = float(_volume(hi_rate, units))
    typical = (float(_volume(TYPICAL_RATE_L_PER_H[0], units)), float(_volume(TYPICAL_RATE_L_PER_H[1], units)))
    typical_text = (f"{typical[0]:.0f}–{typical[1]:.0f} fl oz/h" if imperial else
                    f"{TYPICAL_RATE_L_PER_H[0]:.1f}–{TYPICAL_RATE_L_PER_H[1]:.1f} L/h")

    n = len(labels)
    width_in, height_in = (NARROW_IN if narrow else WIDE_IN), 0.55 * n + 1.3
    canvas = Canvas(width_in, height_in)
    left, right = 1.45 * PX, (width_in - (0.55 if narrow else 0.3)) * PX
    top, bottom = 0.15 * PX, (height_in - 0.6) * PX
    x_max = max(max(values) * 1.15, hi_rate * 1.1, typical[1] * 1.05)
    ticks, decimals = nice_ticks(0.0, x_max, 6 if narrow else 10, MAX_TICKS)  # 0.5 L/h steps on a desktop
    ticks = [t for t in ticks if t <= x_max * (1 + 1e-9)]  # the axis ends at x_max: room for the labels, no more
    xs = Scale((0.0, x_max), (left, right))
    ys = Scale((-0.7, n - 0.1), (bottom, top))  # bar i at n - 1 - i: the first on top
    rows = [n - 1 - i for i in range(n)]

    grid(canvas, xs, ticks, top, bottom, vertical=True, color=GRID)
    canvas.open("typical")
    canvas.rect(xs(typical[0]), top, xs(typical[1]) - xs(typical[0]), bottom - top, TYPICAL_FILL, fill_opacity=0.12)
    canvas.text(xs(typical[1]) - 2, ys(rows[0] + 0.55),
                f"typical {typical_text}" if narrow else f"typical in exercise {typical_text} (ACSM 2007)",
                anchor="end", fill=MUTED)
    canvas.close()
    canvas.open("bars")
    half = (ys(0) - ys(0.25))  # a bar is 0.5 rows high
    for row, value, color in zip(rows, values, colors):
        canvas.rect(xs(0), ys(row) - half, xs(value) - xs(0), 2 * half, color)
    canvas.close()
    canvas.open("errorbars")
    for row, value, (minus, plus) in zip(rows, values, errors):
        if minus > 0 or plus > 0:
            y, a, b = ys(row), xs(value - minus), xs(value + plus)
            canvas.line(a, y, b, y, INK, 1.0)
            canvas.line(a, y - 4, a, y + 4, INK, 1.0)
            canvas.line(b, y - 4, b, y + 4, INK, 1.0)
    canvas.close()
    canvas.open("values")
    for row, value in zip(rows, values):
        canvas.text(xs(value) + 3, ys(row - 0.38), f"{value:.0f} fl oz/h" if imperial else f"{value:.2f} L/h",
                    fill=INK, middle=True)
    canvas.close()
    # the categories: a y axis whose ticks are the bars' names
    canvas.open("axis y")
    canvas.line(left, top, left, bottom, MUTED, 0.8)
    for row, label in zip(rows, labels):
        canvas.open("tick")
        canvas.line(left, ys(row), left - 3.5, ys(row), MUTED, 0.8)
        canvas.text(left - 6, ys(row), label, anchor="end", fill=INK, middle=True)
        canvas.close()
    canvas.close()
    x_axis(canvas, xs, ticks, [tick_label(t, decimals) for t in ticks], bottom,
           "fl oz per hour" if imperial else "litres per hour", ink=INK, muted=MUTED)
    return canvas.svg("chart-narrow" if narrow else "chart-wide",
                      "Sweat rate: our estimate and range, the device's estimate, the planned drinking")


MARKERS_UP_TO_DAYS = 60
"""The potassium line marks each day with a dot up to this many days (beyond, the dots would merge)."""


def trend_chart_svg(days: Sequence[str], fluid_l: Sequence[float], potassium_mg: Sequence[float],
                    potassium_ai_mg: float | None = None, units: Units = "metric", narrow: bool = False) -> str | None:
    """Digest trend: fluid lost per day (bars; litres, or US fl oz for ``units="imperial"``) and
    potassium lost per day (line, right axis, mg). ``days``, ``fluid_l`` and ``potassium_mg`` are
    parallel; None when there are no days. ``narrow``: the phone's version (:data:`NARROW_IN` wide,
    a third of the day labels, the legend stacked). Returns an ``<svg>`` element as a string."""
    if not days:
        return None
    if len(days) > MAX_POINTS:  # bars stay cheap: days averaged over equal slices, labelled by their first day
        bins = np.arange(len(days)) * MAX_POINTS // len(days)
        starts = np.flatnonzero(np.r_[True, bins[1:] != bins[:-1]])
        days = [days[int(i)] for i in starts]
        fluid_l = list(_slice_means(np.asarray(fluid_l, dtype=float), starts))
        potassium_mg = list(_slice_means(np.asarray(potassium_mg, dtype=float), starts))
    imperial = units == "imperial"
    fluid = np.array([float(_volume(float(v), units)) for v in fluid_l], dtype=float)
    potassium = np.array([float(v) for v in potassium_mg], dtype=float)
    n = len(days)
    many = n > (4 if narrow else 8)  # day labels at 45°
    width_in, height_in = (NARROW_IN, 3.6) if narrow else (WIDE_IN, 3.2)
    top_in = 0.55 if narrow else 0.15
    bottom_in = 0.75 if many else 0.45
    canvas = Canvas(width_in, height_in)
    left, right = 0.8 * PX, (width_in - 0.9) * PX
    top, bottom = top_in * PX, (height_in - bottom_in) * PX
    xs = Scale((-0.5, n - 0.5), (left, right))
    fluid_top = max(float(np.nanmax(fluid, initial=0.0)) * 1.2, float(_volume(0.5, units)))
    fticks, fdec = nice_ticks(0.0, fluid_top, _y_desired(bottom - top, narrow), MAX_TICKS)
    fs = Scale((fticks[0], fticks[-1]), (bottom, top))
    k_top = max(float(np.nanmax(potassium, initial=0.0)) * 1.2, 100.0)
    if potassium_ai_mg is not None:
        k_top = max(k_top, potassium_ai_mg * 0.35)
    kticks, kdec = nice_ticks(0.0, k_top, _y_desired(bottom - top, narrow), MAX_TICKS)
    ks = Scale((kticks[0], kticks[-1]), (bottom, top))

    grid(canvas, fs, fticks, left, right, color=GRID)
    half = (xs(0.3) - xs(0.0))  # a bar is 0.6 days wide
    base = fs(0.0)
    bars = " ".join(f"M{xs(i) - half:.1f} {base:.1f} V{fs(v):.1f} H{xs(i) + half:.1f} V{base:.1f} Z"
                    for i, v in enumerate(fluid.tolist()) if math.isfinite(v) and v > 0)
    canvas.path(bars, fill=TEAL)
    px = xs(np.arange(n, dtype=float))
    canvas.path(path_d(px, ks(potassium)), stroke=ORANGE, width=1.4)
    if n <= MARKERS_UP_TO_DAYS:
        for cx, cy in zip(px.tolist(), ks(potassium).tolist()):
            if math.isfinite(cy):
                canvas.circle(cx, cy, 3.0, ORANGE)
    y_axis(canvas, fs, fticks, fdec, left, "fl oz" if imperial else "litres",
           label_offset=_label_offset(fticks, fdec, left), ink=INK, muted=MUTED)
    y_axis(canvas, ks, kticks, kdec, right, "mg potassium", side="right",
           label_offset=_label_offset(kticks, kdec, width_in * PX - right), ink=INK, muted=MUTED)
    most = 4 if narrow else MAX_TICKS
    every = max(1, -(-n // most))  # a year of days: every 31st labelled, not 365
    shown = list(range(0, n, every))
    x_axis(canvas, xs, [float(i) for i in shown], [str(days[i]) for i in shown], bottom, None, rotate=many,
           ink=INK, muted=MUTED)
    entries: list[LegendEntry] = [("box", "sweat lost (fl oz)" if imperial else "sweat lost (L)", {"fill": TEAL}),
                                  ("line", "potassium lost (mg)", {"stroke": ORANGE, "width": 1.4})]
    if narrow:  # stacked above the bars: the narrow axes have no room for both side by side
        legend(canvas, entries, left, top - 27, stacked=True)
    else:
        legend(canvas, entries, left + 8, top + 14)
    return canvas.svg("chart-narrow" if narrow else "chart-wide", "Fluid and potassium lost per day")


__all__ = ["session_chart_svg", "session_chart_svgs", "sweat_rate_chart_svg", "trend_chart_svg", "sweat_column", "time_step_h",
           "NARROW_IN", "WIDE_IN", "MAX_POINTS", "MAX_TICKS", "GAP_FACTOR"]
