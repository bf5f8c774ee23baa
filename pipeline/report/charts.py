"""Charts for the reports, drawn with matplotlib and returned as inline SVG strings (no disk).

- :func:`session_chart_svg`: the session over time — heart rate, power or speed, temperature —
  with the cumulative sweat loss beneath.
- :func:`sweat_rate_chart_svg`: our sweat rate with its range, the device's own estimate, the
  typical range (Sawka et al. 2007, ACSM: 0.5-2.0 L/h) and the planned drinking rate.
- :func:`trend_chart_svg` (digest): fluid and potassium lost per day.

Text goes out as SVG ``<text>`` (``svg.fonttype = none``), which matplotlib's SVG writer
escapes (``&``, ``<``, ``>``); the XML prolog, DOCTYPE and metadata are stripped so the SVG can
sit inside an HTML page, and element ids are salted per chart so several charts on one page
never share an id. Rendering holds a lock: matplotlib's rc settings are process-global.

Two widths (issue 15): every chart takes ``narrow``. The wide version (:data:`WIDE_IN`) is for a
desktop page, the narrow one (:data:`NARROW_IN`) for a phone: the same font sizes on a figure
narrow enough that a 390 px phone shows it whole with its text at 10 px or more, with fewer x
ticks, legends stacked above each panel, and half the points (it is drawn at half the width). The
page holds both and a CSS media query shows one (``report.css``: ``svg.chart-wide`` /
``svg.chart-narrow``); each SVG root carries its class.

Units: every chart takes ``units`` (``"metric"`` or ``"imperial"``, :mod:`pipeline.units`). Data
arrive in SI-derived units (m/s, °C, litres); for imperial the plotted values themselves are
converted with :mod:`pipeline.units` (NIST SP 811 factors) before drawing — speed in mph,
temperature in °F, volumes in US fl oz and rates in fl oz/h — and the axis, legend and bar labels
say so. Metric charts are drawn exactly as before.
"""
from __future__ import annotations

import io
import re
import threading
from collections.abc import Sequence

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure  # no pyplot: no global figure manager, no GUI backend
from matplotlib.ticker import FuncFormatter, MaxNLocator, MultipleLocator

from pipeline.schema import PlanBlock, SweatBlock
from pipeline.units import Units, fahrenheit, fl_oz, mph

_LOCK = threading.Lock()
#: Columns of ``Analysis.series`` the session chart can draw (RECORD_COLUMNS names, plus the model's).
CUMULATIVE_SWEAT_COLUMNS = ("sweat_cum_l", "cumulative_sweat_l", "sweat_l_cum", "sweat_total_l")
MAX_POINTS = 600
MAX_POINTS_NARROW = 300  # the phone's chart is under half as wide: half the points keep the same density
WIDE_IN = 9.0
NARROW_IN = 4.3
"""Chart widths, inches (72 SVG units each). Text is 10-11 units, so it renders at ≥ 10 px when a
chart is shown at least 72 px per inch wide: the narrow chart fills a frame of 310 px (a 360 px
phone's) at ≥ 10 px; report.css shows the wide one only from a frame of 660 px."""
MAX_TICKS = 12
"""At most this many labelled ticks on any axis, whatever the span (two rides chained 25 years apart
once asked matplotlib for 12,053 ticks: 105 s and 2.45 GB)."""
TYPICAL_RATE_L_PER_H = (0.5, 2.0)  # Sawka et al. 2007 (ACSM position stand)

INK = "#1f2933"
MUTED = "#7b8794"
BLUE = "#2680c2"
RED = "#d64545"
ORANGE = "#e8833a"
GREEN = "#3f9142"
TEAL = "#0b7285"

_PROLOG = re.compile(r"^.*?(?=<svg\b)", re.S)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
_ROOT_SIZE = re.compile(r'(<svg\b[^>]*?)\s+width="[^"]*"\s+height="[^"]*"')


def _to_svg(fig: Figure, salt: str, title: str, narrow: bool = False) -> str:
    """The figure as an inline-ready SVG string with an accessible title and its width's class
    (``chart-wide`` / ``chart-narrow``)."""
    if narrow:
        salt += "-narrow"  # ids stay distinct from the wide twin's on the same page
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": salt}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    svg = buf.getvalue()
    svg = _PROLOG.sub("", svg, count=1)
    svg = _METADATA.sub("", svg, count=1)
    css_class = "chart-narrow" if narrow else "chart-wide"
    svg = _ROOT_SIZE.sub(rf'\1 class="{css_class}" role="img" preserveAspectRatio="xMidYMid meet"', svg, count=1)
    safe_title = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    svg = re.sub(r"(<svg\b[^>]*>)", lambda m: m.group(1) + f"<title>{safe_title}</title>", svg, count=1)
    return svg.strip()


def _margins(fig: Figure, left: float, right: float, top: float, bottom: float, gap: float = 0.0, rows: int = 1) -> None:
    """Fixed margins in inches (instead of ``tight_layout``, which costs a whole extra draw)."""
    width, height = fig.get_size_inches()
    avail = height - top - bottom
    axes_h = (avail - (rows - 1) * gap) / rows
    fig.subplots_adjust(left=left / width, right=1 - right / width, top=1 - top / height, bottom=bottom / height,
                        hspace=gap / axes_h if rows > 1 else 0.2)


def _style(ax) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(MUTED)
    ax.tick_params(colors=INK, labelsize=10)
    ax.grid(True, axis="y", color="#e4e7eb", linewidth=0.8)
    ax.set_axisbelow(True)


def _has(frame: pd.DataFrame, column: str) -> bool:
    return column in frame.columns and frame[column].notna().any()


def _elapsed_hours(frame: pd.DataFrame) -> pd.Series:
    for column in ("activity_s", "elapsed_s"):  # activity time (long stops left out) first
        if column in frame.columns and frame[column].notna().any():
            return frame[column].astype(float) / 3600.0
    if "timestamp" in frame.columns:
        ts = pd.to_datetime(frame["timestamp"], utc=True)
    else:
        ts = pd.to_datetime(pd.Series(frame.index, index=frame.index), utc=True)
    return (ts - ts.iloc[0]).dt.total_seconds() / 3600.0


def _thin(frame: pd.DataFrame, hours: pd.Series, max_points: int = MAX_POINTS) -> tuple[pd.DataFrame, np.ndarray]:
    """At most ``max_points`` points: mean of numeric columns over equal slices (keeps the shape)."""
    numeric = frame.select_dtypes(include=["number", "bool"]).astype(float)
    numeric = numeric.assign(_h=hours.to_numpy(dtype=float))
    numeric = numeric[np.isfinite(numeric["_h"])]
    if len(numeric) > max_points:
        bins = np.arange(len(numeric)) * max_points // len(numeric)
        numeric = numeric.groupby(bins).mean()
    return numeric, numeric["_h"].to_numpy()


GAP_FACTOR = 5.0
"""A step in time more than this many times the median step is a pause (no records): the line breaks there."""


def _breaks(x: np.ndarray, values: np.ndarray, paused: pd.Series | None) -> tuple[np.ndarray, np.ndarray]:
    """``(x, values)`` with a NaN at every pause, so a line is not drawn across it (nor down to
    what a sensor read while stopped): samples taken mostly with the timer stopped are dropped, and
    a NaN goes between two samples further apart than :data:`GAP_FACTOR` median steps."""
    if paused is not None:
        values = np.where(paused.to_numpy(dtype=float) < 0.5, np.nan, values)
    keep = np.isfinite(values)
    xs, ys = x[keep], values[keep]
    if len(xs) < 3:
        return xs, ys
    steps = np.diff(xs)
    median = float(np.median(steps)) if len(steps) else 0.0
    cut = np.flatnonzero(steps > GAP_FACTOR * median) + 1 if median > 0 else np.array([], dtype=int)
    return np.insert(xs, cut, np.nan), np.insert(ys, cut, np.nan)


def _line(ax, x: np.ndarray, y: pd.Series, paused: pd.Series | None = None, **style):
    """Plot ``y`` against ``x`` joining across missing samples (sparse sensors still draw a line),
    broken at pauses (:func:`_breaks`; ``paused`` is the thinned ``timer_active`` share)."""
    xs, ys = _breaks(x, y.to_numpy(dtype=float), paused)
    return ax.plot(xs, ys, **style)


def _hours_formatter(value: float, _pos: int) -> str:
    minutes = int(round(value * 60))
    return f"{minutes // 60}:{minutes % 60:02d}"


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


def session_chart_svg(series: pd.DataFrame | None, sweat: SweatBlock | None = None,
                      units: Units = "metric", narrow: bool = False) -> str | None:
    """The session over time: effort (HR; power or speed), temperature and cumulative sweat.

    ``series`` has the canonical record columns (:data:`pipeline.fit.models.RECORD_COLUMNS`) plus
    the model's cumulative sweat (a column of :data:`CUMULATIVE_SWEAT_COLUMNS`, litres). Panels
    whose data are missing are left out; None when there is nothing to draw. ``units``: speed in
    km/h or mph, temperature in °C or °F, cumulative sweat in litres or US fl oz. ``narrow``: the
    phone's version (:data:`NARROW_IN` wide).
    """
    imperial = units == "imperial"
    if series is None or len(series) < 2:
        return None
    hours = _elapsed_hours(series)
    data, x = _thin(series, hours, MAX_POINTS_NARROW if narrow else MAX_POINTS)
    if len(x) < 2:
        return None
    effort = [c for c in ("heart_rate_bpm", "power_w", "speed_m_per_s") if _has(data, c)]
    sweat_col = sweat_column(data)
    panels: list[str] = []
    if effort:
        panels.append("effort")
    if _has(data, "temperature_c"):
        panels.append("temperature")
    if sweat_col is not None:
        panels.append("sweat")
    if not panels:
        return None
    heights = {"effort": 2.2, "temperature": 1.2, "sweat": 1.8}
    # a phone's chart: each legend stacked (one entry a line) between the panel's title and its axes
    legend_band_in = 0.42 if narrow else 0.0
    extra_in = legend_band_in * len(panels)

    def legend(ax, **kw) -> None:
        if narrow:
            ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), fontsize=10, frameon=False, ncols=1,
                      borderaxespad=0.1, handlelength=1.5, labelspacing=0.2, **{k: v for k, v in kw.items() if k == "handles"})
        else:
            ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), fontsize=10, frameon=False, borderaxespad=0.2, **kw)

    def title(ax, text: str) -> None:
        # y given: no automatic title placement (a tight-bbox pass over the axes, a quarter of the draw;
        # nothing sits above these axes for it to avoid)
        ax.set_title(text, loc="left", fontsize=11, color=INK, y=1.0, pad=legend_band_in * 72 + 6 if narrow else 6.0)

    with _LOCK:
        fig = Figure(figsize=(NARROW_IN if narrow else WIDE_IN, sum(heights[p] for p in panels) + 0.4 + extra_in))
        axes = fig.subplots(len(panels), 1, sharex=True, gridspec_kw={"height_ratios": [heights[p] for p in panels]})
        axes = np.atleast_1d(axes)
        for ax, panel in zip(axes, panels):
            _style(ax)
            if panel == "effort":
                handles = []
                if "heart_rate_bpm" in effort:
                    (h,) = _line(ax, x, data["heart_rate_bpm"], data.get("timer_active"), color=RED, linewidth=1.2, label="heart rate (bpm)")
                    handles.append(h)
                    ax.set_ylabel("bpm", color=INK, fontsize=10)
                second = "power_w" if "power_w" in effort else ("speed_m_per_s" if "speed_m_per_s" in effort else None)
                if second is not None:
                    target = ax.twinx() if handles else ax
                    if target is not ax:
                        target.spines[["top"]].set_visible(False)
                        target.tick_params(colors=INK, labelsize=10)
                    if second == "power_w":
                        (h,) = _line(target, x, data["power_w"], data.get("timer_active"), color=BLUE, linewidth=0.9, alpha=0.8, label="power (W)")
                        target.set_ylabel("W", color=INK, fontsize=10)
                    else:
                        speed_unit = "mph" if imperial else "km/h"
                        speed = mph(data["speed_m_per_s"]) if imperial else data["speed_m_per_s"] * 3.6
                        (h,) = _line(target, x, speed, data.get("timer_active"), color=BLUE, linewidth=0.9, alpha=0.8,
                                     label=f"speed ({speed_unit})")
                        target.set_ylabel(speed_unit, color=INK, fontsize=10)
                    handles.append(h)
                legend(ax, handles=handles, ncols=len(handles))
                title(ax, "Effort")
            elif panel == "temperature":
                # temperature_c: the air temperature the model used; device_temperature_c: the raw sensor
                to_unit = fahrenheit if imperial else (lambda c: c)
                _line(ax, x, to_unit(data["temperature_c"]), color=ORANGE, linewidth=1.4, label="air, as the model used it")
                if _has(data, "device_temperature_c"):
                    _line(ax, x, to_unit(data["device_temperature_c"]), color=ORANGE, linewidth=0.9, linestyle=":",
                            label="device sensor")
                    legend(ax, ncols=2)
                ax.set_ylabel("°F" if imperial else "°C", color=INK, fontsize=10)
                title(ax, "Temperature")
            else:
                y = _volume(data[sweat_col].to_numpy(dtype=float), units)
                keep = np.isfinite(y)
                ax.plot(x[keep], y[keep], color=TEAL, linewidth=1.6, label="our estimate")
                if sweat is not None and sweat.total_l > 0:
                    lo, hi = sweat.low_l / sweat.total_l, sweat.high_l / sweat.total_l
                    ax.fill_between(x[keep], y[keep] * lo, y[keep] * hi, color=TEAL, alpha=0.15, linewidth=0,
                                    label="plausible range")
                ax.set_ylabel("fl oz" if imperial else "litres", color=INK, fontsize=10)
                title(ax, "Cumulative sweat loss")
                legend(ax, ncols=2)
                ax.set_ylim(bottom=0)
        if narrow:  # 4 labelled values a side on a phone: readable, and half the ticks to build and draw
            for ax in fig.axes:
                ax.yaxis.set_major_locator(MaxNLocator(4))
        span_h = float(np.nanmax(x) - np.nanmin(x))
        axes[-1].xaxis.set_major_locator(MultipleLocator(time_step_h(span_h, 5 if narrow else 10)))
        axes[-1].xaxis.set_major_formatter(FuncFormatter(_hours_formatter))
        axes[-1].set_xlabel("elapsed time (h:mm)", color=INK, fontsize=10)
        if narrow:
            _margins(fig, left=0.7, right=0.65, top=0.35 + legend_band_in, bottom=0.6, gap=0.55 + legend_band_in,
                     rows=len(panels))
        else:
            _margins(fig, left=0.85, right=0.75, top=0.35, bottom=0.6, gap=0.55, rows=len(panels))
        return _to_svg(fig, "session", "The session over time: effort, temperature and cumulative sweat loss", narrow)


def sweat_rate_chart_svg(sweat: SweatBlock, duration_h: float | None, plan: PlanBlock | None = None,
                         units: Units = "metric", narrow: bool = False) -> str:
    """Sweat rates side by side: ours (with range), the device's, the typical range, the plan's drinking.

    ``duration_h`` in hours (for the device's estimate, litres, as a rate); bars in L/h, or in
    US fl oz/h for ``units="imperial"``. ``narrow``: the phone's version (:data:`NARROW_IN` wide,
    the typical range's label shortened)."""
    labels: list[str] = []
    values: list[float] = []
    errors: list[tuple[float, float]] = []
    colors: list[str] = []
    if sweat.total_l > 0:
        lo_rate = sweat.rate_l_per_h * sweat.low_l / sweat.total_l
        hi_rate = sweat.rate_l_per_h * sweat.high_l / sweat.total_l
    else:
        lo_rate = hi_rate = sweat.rate_l_per_h
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
    values = [_volume(v, units) for v in values]
    errors = [(_volume(minus, units), _volume(plus, units)) for minus, plus in errors]
    hi_rate = _volume(hi_rate, units)
    typical = (_volume(TYPICAL_RATE_L_PER_H[0], units), _volume(TYPICAL_RATE_L_PER_H[1], units))
    typical_text = (f"{typical[0]:.0f}–{typical[1]:.0f} fl oz/h" if imperial else
                    f"{TYPICAL_RATE_L_PER_H[0]:.1f}–{TYPICAL_RATE_L_PER_H[1]:.1f} L/h")
    with _LOCK:
        fig = Figure(figsize=(NARROW_IN if narrow else WIDE_IN, 0.55 * len(labels) + 1.3))
        ax = fig.subplots()
        _style(ax)
        ax.grid(True, axis="x", color="#e4e7eb", linewidth=0.8)
        ax.grid(False, axis="y")
        y = np.arange(len(labels))[::-1]
        ax.axvspan(*typical, color="#f0b429", alpha=0.12, linewidth=0)
        ax.text(typical[1], y[0] + 0.55, f"typical {typical_text}" if narrow else f"typical in exercise {typical_text} (ACSM 2007)",
                ha="right", va="bottom", fontsize=10, color=MUTED)
        ax.barh(y, values, color=colors, height=0.5)
        for yi, v, (minus, plus) in zip(y, values, errors):
            if minus > 0 or plus > 0:
                ax.errorbar([v], [yi], xerr=[[minus], [plus]], fmt="none", ecolor=INK, capsize=4, linewidth=1)
        for yi, v in zip(y, values):
            ax.text(v, yi - 0.38, f" {v:.0f} fl oz/h" if imperial else f" {v:.2f} L/h", va="center", fontsize=10, color=INK)
        ax.set_yticks(y, labels, fontsize=10)
        ax.set_xlabel("fl oz per hour" if imperial else "litres per hour", color=INK, fontsize=10)
        ax.set_xlim(0, max(max(values) * 1.15, hi_rate * 1.1, typical[1] * 1.05))
        ax.set_ylim(-0.7, len(labels) - 0.1)
        if narrow:
            ax.xaxis.set_major_locator(MaxNLocator(4))
        _margins(fig, left=1.45, right=0.55 if narrow else 0.3, top=0.15, bottom=0.6)
        return _to_svg(fig, "rate", "Sweat rate: our estimate and range, the device's estimate, the planned drinking",
                       narrow)


def trend_chart_svg(days: Sequence[str], fluid_l: Sequence[float], potassium_mg: Sequence[float],
                    potassium_ai_mg: float | None = None, units: Units = "metric", narrow: bool = False) -> str | None:
    """Digest trend: fluid lost per day (bars; litres, or US fl oz for ``units="imperial"``) and
    potassium lost per day (line, right axis, mg). ``days``, ``fluid_l`` and ``potassium_mg`` are
    parallel; None when there are no days. ``narrow``: the phone's version (:data:`NARROW_IN` wide,
    a third of the day labels, the legend stacked)."""
    if not days:
        return None
    if len(days) > MAX_POINTS:  # bars stay cheap: days averaged over equal slices, labelled by their first day
        bins = np.arange(len(days)) * MAX_POINTS // len(days)
        starts = np.flatnonzero(np.r_[True, bins[1:] != bins[:-1]])
        days = [days[i] for i in starts]
        fluid_l = list(pd.Series(fluid_l, dtype=float).groupby(bins).mean())
        potassium_mg = list(pd.Series(potassium_mg, dtype=float).groupby(bins).mean())
    imperial = units == "imperial"
    fluid = [_volume(float(v), units) for v in fluid_l]
    with _LOCK:
        fig = Figure(figsize=(NARROW_IN if narrow else WIDE_IN, 3.6 if narrow else 3.2))
        ax = fig.subplots()
        _style(ax)
        x = np.arange(len(days))
        ax.bar(x, fluid, color=TEAL, width=0.6, label="sweat lost (fl oz)" if imperial else "sweat lost (L)")
        ax.set_ylabel("fl oz" if imperial else "litres", color=INK, fontsize=10)
        most = 4 if narrow else MAX_TICKS
        every = max(1, -(-len(days) // most))  # a year of days: every 31st labelled, not 365
        ax.set_xticks(x[::every], list(days)[::every], fontsize=10,
                      rotation=0 if len(days) <= (4 if narrow else 8) else 45)
        ax2 = ax.twinx()
        ax2.spines[["top"]].set_visible(False)
        ax2.tick_params(colors=INK, labelsize=10)
        ax2.plot(x, potassium_mg, color=ORANGE, marker="o", linewidth=1.4, label="potassium lost (mg)")
        ax2.set_ylabel("mg potassium", color=INK, fontsize=10)
        top = max(max(potassium_mg, default=0.0) * 1.2, 100.0)
        if potassium_ai_mg is not None:
            top = max(top, potassium_ai_mg * 0.35)
        ax2.set_ylim(0, top)
        ax.set_ylim(0, max(max(fluid, default=0.0) * 1.2, _volume(0.5, units)))
        handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
        if narrow:  # stacked above the bars: the narrow axes have no room for both side by side
            ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), fontsize=10, frameon=False,
                      ncols=1, borderaxespad=0.1, labelspacing=0.2)
            _margins(fig, left=0.8, right=0.9, top=0.55, bottom=0.75 if len(days) > 4 else 0.45)
        else:
            ax.legend(handles=handles, loc="upper left", fontsize=10, frameon=False, ncols=2)
            _margins(fig, left=0.8, right=0.9, top=0.15, bottom=0.75 if len(days) > 8 else 0.45)
        return _to_svg(fig, "trend", "Fluid and potassium lost per day", narrow)


__all__ = ["session_chart_svg", "sweat_rate_chart_svg", "trend_chart_svg", "sweat_column", "NARROW_IN", "WIDE_IN"]
