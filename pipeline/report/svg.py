"""A small SVG writer for the report charts (:mod:`pipeline.report.charts`): scales, ticks, paths,
text — no plotting library.

Why our own: matplotlib drew the report's four figures (two charts, each wide and narrow) in
350–420 ms on a quiet machine, 150–200 ms a figure, most of it in its axis, tick and artist
objects, and importing it added about 0.25 s to every ``sweatline ride`` — several times the
fast decoder's 20 ms for a 1 h file. The charts are three fixed kinds, so this module
writes their SVG elements directly: a chart is a few hundred short strings.

Coordinates are SVG user units, 72 to the inch (:data:`UNITS_PER_IN`), y growing downwards. Every
string that goes into the SVG passes through :func:`esc` (text) or :func:`attr` (attribute values):
``&``, ``<``, ``>`` (and ``"`` in attributes) come out as entities, so a hostile file name stays text.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape

import numpy as np

from pipeline.core.units import MINUS

UNITS_PER_IN = 72.0
"""SVG user units per inch (a "point"; the charts' sizes are given in inches)."""


def esc(text: object) -> str:
    """``text`` as SVG character data: ``&``, ``<``, ``>`` escaped (``xml.sax.saxutils.escape``)."""
    return escape(str(text))


def attr(value: object) -> str:
    """``value`` as a double-quoted attribute value, quotes included: ``&``, ``<``, ``>`` and ``"``
    escaped (``xml.sax.saxutils.escape`` with ``&quot;``), so it can never close the attribute."""
    return '"' + escape(str(value), {'"': "&quot;"}) + '"'


def nice_number(x: float, round_: bool) -> float:
    """The "nice" number (1, 2 or 5 times a power of ten) closest to ``x`` (``round_``) or the
    smallest one ≥ ``x`` (not ``round_``). ``x`` > 0.

    Source: P. S. Heckbert, "Nice numbers for graph labels", in Graphics Gems (A. S. Glassner,
    ed.), Academic Press, 1990, pp. 61–63 and 657–659 (``nicenum``): rounding thresholds 1.5, 3
    and 7 on the fraction in [1, 10).

    :raises ValueError: ``x`` not positive and finite.
    """
    if not (x > 0 and math.isfinite(x)):
        raise ValueError(f"nice_number needs a positive finite number, got {x!r}")
    exponent = math.floor(math.log10(x))
    fraction = x / 10.0 ** exponent
    if round_:
        nice = 1.0 if fraction < 1.5 else 2.0 if fraction < 3.0 else 5.0 if fraction < 7.0 else 10.0
    else:
        nice = 1.0 if fraction <= 1.0 else 2.0 if fraction <= 2.0 else 5.0 if fraction <= 5.0 else 10.0
    return nice * 10.0 ** exponent


def nice_ticks(low: float, high: float, desired: int = 5, max_ticks: int = 12) -> tuple[list[float], int]:
    """Tick values for an axis covering ``[low, high]``, and the decimals to print them with.

    Heckbert's "loose" labelling (Graphics Gems 1990, ``loose_label``): the step is the nice
    number nearest ``nice_number(high − low, False) / (desired − 1)``, the first tick the largest
    multiple of it ≤ ``low``, the last the smallest ≥ ``high`` — so the axis runs from tick to tick
    and covers the data. The step grows to the next 1-2-5 value while there would be more than
    ``max_ticks`` ticks, whatever the span. A zero or non-finite span is widened to a unit around
    its value, and ends past ±1e300 are cut there (so the span is finite). Decimals:
    ``max(−floor(log10(step)), 0)``.
    """
    if not (math.isfinite(low) and math.isfinite(high)):
        low, high = 0.0, 1.0
    if low > high:
        low, high = high, low
    low, high = max(low, -1e300), min(high, 1e300)  # their difference stays finite
    if high - low <= 1e-12 * max(abs(low), abs(high), 1.0):
        pad = max(abs(low) * 0.1, 1.0)
        low, high = low - pad, high + pad
    desired = max(desired, 2)
    span = nice_number(high - low, False)
    step = nice_number(span / (desired - 1), True)
    while True:
        first, last = math.floor(low / step), math.ceil(high / step)
        if last - first + 1 <= max(max_ticks, 2):
            break
        step = nice_number(step * 1.5, True)  # the next 1-2-5 value up
    decimals = max(-math.floor(math.log10(step)), 0)
    ticks = [round(i * step, decimals + 2) for i in range(first, last + 1)]
    return ticks, decimals


def tick_label(value: float, decimals: int) -> str:
    """``value`` with ``decimals`` decimals and a typographic minus (never "−0")."""
    text = f"{value:.{decimals}f}"
    if text.lstrip("-").strip("0.") == "":
        text = text.lstrip("-")
    return text.replace("-", MINUS)


class Scale:
    """A linear map from data values to SVG units: ``domain[0]`` → ``range_[0]``, ``domain[1]`` →
    ``range_[1]`` (either may be reversed; a y scale usually is, SVG's y grows downwards). A zero
    domain maps everything to the middle of the range. Arrays map element-wise, NaN to NaN."""

    def __init__(self, domain: tuple[float, float], range_: tuple[float, float]) -> None:
        self.d0, self.d1 = float(domain[0]), float(domain[1])
        self.r0, self.r1 = float(range_[0]), float(range_[1])
        span = self.d1 - self.d0
        self.k = (self.r1 - self.r0) / span if span else 0.0

    def __call__(self, value):
        if np.ndim(value):
            return self.r0 + (np.asarray(value, dtype=float) - self.d0) * self.k + (
                (self.r1 - self.r0) / 2.0 if self.k == 0.0 else 0.0)
        if self.k == 0.0:
            return (self.r0 + self.r1) / 2.0
        return self.r0 + (float(value) - self.d0) * self.k


def _num(value: float) -> str:
    """A coordinate, to 0.1 unit (1/720 in: finer than any screen shows)."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


class _Text(dict[float, str]):
    """``f"{value:g}"`` of the coordinates met so far, ``prefix`` in front: a chart's coordinates
    are rounded to 0.1 unit on a canvas of a few hundred units, so a backfill's charts repeat a few
    thousand values, each formatted once. Not for zeros (0.0 and -0.0 are one key, ``"0"`` and
    ``"-0"`` two texts): :func:`_polyline` keeps those away."""

    LIMIT = 100_000  # entries; past it the cache starts again (a bound on memory, never reached by a chart)

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix

    def __missing__(self, value: float) -> str:
        if len(self) >= self.LIMIT:
            self.clear()
        text = self[value] = f"{self.prefix}{value:g}"
        return text


_PLAIN, _LINE_TO = _Text(""), _Text("L")


def _polyline(xs: np.ndarray, ys: np.ndarray) -> str:
    """``"Mx0 y0 Lx1 y1 …"`` of points already rounded to 0.1 (finite, at least one), each number
    as ``f"{v:g}"`` writes it; the formatted numbers come from :class:`_Text`'s caches unless a
    coordinate is zero (then formatted here: ``-0`` stays ``-0``)."""
    if not (xs.all() and ys.all()):
        return "M" + " L".join([f"{x:g} {y:g}" for x, y in zip(xs.tolist(), ys.tolist())])
    xl, yl = xs.tolist(), ys.tolist()
    words: list[str] = [""] * (2 * len(xl))
    words[0::2] = map(_LINE_TO.__getitem__, xl)
    words[1::2] = map(_PLAIN.__getitem__, yl)
    words[0] = "M" + _PLAIN[xl[0]]
    return " ".join(words)


def path_d(xs: np.ndarray, ys: np.ndarray) -> str:
    """An SVG path's ``d`` for a line through ``(xs, ys)`` (SVG units): a new ``M`` segment after
    every NaN in either array, so a line breaks at pauses and never crosses a gap; a segment of a
    single point is left out (nothing to draw). Empty when no two consecutive points are finite.
    Numbers to 0.1 unit, as ``f"{round(v, 1):g}"`` writes them."""
    xs = np.asarray(xs, dtype=float)
    ys = np.asarray(ys, dtype=float)
    ok = np.isfinite(xs) & np.isfinite(ys)
    if not ok.any():
        return ""
    # runs of finite points: starts where ok turns on, ends where it turns off
    edges = np.diff(np.r_[0, ok.astype(np.int8), 0])
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    xr, yr = np.round(xs, 1), np.round(ys, 1)
    return " ".join([_polyline(xr[a:b], yr[a:b]) for a, b in zip(starts.tolist(), ends.tolist()) if b - a > 1])


def area_d(xs: np.ndarray, lows: np.ndarray, highs: np.ndarray) -> str:
    """A closed path's ``d`` for the band between ``lows`` and ``highs`` over ``xs`` (SVG units,
    all finite and of one length ≥ 2): along the top, back along the bottom."""
    xr, hr, lr = (np.round(np.asarray(a, dtype=float), 1) for a in (xs, highs, lows))
    return _polyline(np.concatenate([xr, xr[::-1]]), np.concatenate([hr, lr[::-1]])) + " Z"


class Canvas:
    """An SVG document built element by element (:meth:`svg` returns it).

    ``width_in`` × ``height_in`` inches become the ``viewBox`` (72 units an inch) with no width or
    height attributes, so the page's CSS sizes the chart; the root carries ``css_class``,
    ``role="img"``, ``preserveAspectRatio`` and a ``<title>``. No element has an id (several charts
    share one page)."""

    def __init__(self, width_in: float, height_in: float) -> None:
        self.width = width_in * UNITS_PER_IN
        self.height = height_in * UNITS_PER_IN
        self.parts: list[str] = []

    def raw(self, markup: str) -> None:
        """Append markup built by this module's helpers (every string in it already escaped)."""
        self.parts.append(markup)

    def open(self, css_class: str) -> None:
        self.parts.append(f"<g class={attr(css_class)}>")

    def close(self) -> None:
        self.parts.append("</g>")

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str, width: float = 1.0, **extra: object) -> None:
        self.parts.append(f'<line x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}" '
                          f'stroke={attr(stroke)} stroke-width="{width:g}"{_extra(extra)}/>')

    def rect(self, x: float, y: float, w: float, h: float, fill: str, **extra: object) -> None:
        if w < 0:
            x, w = x + w, -w
        if h < 0:
            y, h = y + h, -h
        self.parts.append(f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(w)}" height="{_num(h)}" '
                          f'fill={attr(fill)}{_extra(extra)}/>')

    def path(self, d: str, stroke: str | None = None, width: float = 1.0, fill: str = "none", **extra: object) -> None:
        if not d:
            return
        stroke_attrs = f' stroke={attr(stroke)} stroke-width="{width:g}" stroke-linejoin="round"' if stroke else ""
        self.parts.append(f'<path d={attr(d)} fill={attr(fill)}{stroke_attrs}{_extra(extra)}/>')

    def circle(self, x: float, y: float, r: float, fill: str) -> None:
        self.parts.append(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{r:g}" fill={attr(fill)}/>')

    def text(self, x: float, y: float, text: str, size: float = 10, anchor: str = "start", fill: str = "#1f2933",
             rotate: float | None = None, css_class: str | None = None, middle: bool = False) -> None:
        """``text`` at ``(x, y)``: its baseline at ``y``, or its middle (``middle``, about 0.35 em
        lower); ``anchor`` is SVG's ``text-anchor``; ``rotate`` degrees about ``(x, y)``."""
        extra = f' class={attr(css_class)}' if css_class else ""
        if anchor != "start":
            extra += f' text-anchor={attr(anchor)}'
        if rotate:
            extra += f' transform="rotate({rotate:g} {_num(x)} {_num(y)})"'
        if middle:
            extra += ' dy="0.35em"'
        self.parts.append(f'<text x="{_num(x)}" y="{_num(y)}" font-size="{size:g}" fill={attr(fill)}{extra}>'
                          f"{esc(text)}</text>")

    def svg(self, css_class: str, title: str) -> str:
        """The document: ``<svg>`` root (no XML prolog, ready to inline in HTML) with its title first."""
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" class={attr(css_class)} role="img" '
                f'viewBox="0 0 {_num(self.width)} {_num(self.height)}" preserveAspectRatio="xMidYMid meet">'
                f"<title>{esc(title)}</title>")
        return head + "\n".join(self.parts) + "</svg>"


def _extra(extra: dict[str, object]) -> str:
    """Further attributes, ``stroke_dasharray`` written ``stroke-dasharray``; None left out."""
    return "".join(f" {k.replace('_', '-')}={attr(v)}" for k, v in extra.items() if v is not None)


def text_width(text: str, size: float = 10.0) -> float:
    """A generous estimate of ``text``'s width in SVG units at font ``size`` (0.6 em a character,
    about a sans-serif's widest average), for laying out legends without measuring fonts."""
    return 0.6 * size * len(text)


LegendEntry = tuple[str, str, dict]
"""``(kind, label, style)``: kind ``"line"`` (style: ``stroke``, ``width``, optional
``dasharray``/``opacity``) or ``"box"`` (style: ``fill``, optional ``opacity``)."""


def _swatch(canvas: Canvas, x: float, baseline: float, kind: str, style: dict) -> None:
    mid = baseline - 3.5
    if kind == "line":
        canvas.line(x, mid, x + 16, mid, style["stroke"], style.get("width", 1.5),
                    stroke_dasharray=style.get("dasharray"), stroke_opacity=style.get("opacity"))
    else:
        canvas.rect(x, mid - 4.5, 16, 9, style["fill"], fill_opacity=style.get("opacity"))


def legend(canvas: Canvas, entries: Sequence[LegendEntry], x: float, baseline: float, align: str = "left",
           stacked: bool = False, line_height: float = 13.0, size: float = 10.0) -> None:
    """A legend in a ``<g class="legend">``: each entry a 16-unit swatch and its label. In a row
    starting at ``x`` (``align="left"``) or ending at ``x`` (``"right"``), or ``stacked`` one entry
    a line from ``baseline`` down."""
    if not entries:
        return
    canvas.open("legend")
    if stacked:
        for i, (kind, label, style) in enumerate(entries):
            y = baseline + i * line_height
            _swatch(canvas, x, y, kind, style)
            canvas.text(x + 21, y, label, size=size)
    else:
        widths = [21 + text_width(label, size) for _, label, _ in entries]
        gap = 12.0
        cursor = x if align == "left" else x - sum(widths) - gap * (len(entries) - 1)
        for (kind, label, style), w in zip(entries, widths):
            _swatch(canvas, cursor, baseline, kind, style)
            canvas.text(cursor + 21, baseline, label, size=size)
            cursor += w + gap
    canvas.close()


def grid(canvas: Canvas, scale: Scale, ticks: Iterable[float], start: float, end: float, vertical: bool = False,
         color: str = "#e4e7eb") -> None:
    """Light grid lines in a ``<g class="grid">``, one at each tick of ``scale``: horizontal from x
    ``start`` to ``end``, or (``vertical``) vertical from y ``start`` to ``end``. Drawn before the
    data, so they lie beneath it."""
    canvas.open("grid")
    for t in ticks:
        at = scale(t)
        if vertical:
            canvas.line(at, start, at, end, color, 0.8)
        else:
            canvas.line(start, at, end, at, color, 0.8)
    canvas.close()


def y_axis(canvas: Canvas, scale: Scale, ticks: Iterable[float], decimals: int, x: float, label: str,
           side: str = "left", label_offset: float = 44.0, ink: str = "#1f2933", muted: str = "#7b8794") -> None:
    """A vertical axis at ``x`` in a ``<g class="axis y">`` (``"axis y right"`` for ``side="right"``):
    the spine, a 3.5-unit tick and a label per tick (``<g class="tick">``), the axis ``label``
    (``<text class="label">``) rotated along it ``label_offset`` units out."""
    right = side == "right"
    out = 1.0 if right else -1.0
    canvas.open("axis y right" if right else "axis y")
    ticks = list(ticks)
    canvas.line(x, scale.r0, x, scale.r1, muted, 0.8)
    for t in ticks:
        y = scale(t)
        canvas.open("tick")
        canvas.line(x, y, x + 3.5 * out, y, muted, 0.8)
        canvas.text(x + 6 * out, y, tick_label(t, decimals), anchor="start" if right else "end", fill=ink, middle=True)
        canvas.close()
    mid = (scale.r0 + scale.r1) / 2.0
    canvas.text(x + label_offset * out, mid, label, anchor="middle", fill=ink, rotate=90 if right else -90,
                css_class="label", middle=True)
    canvas.close()


def x_axis(canvas: Canvas, scale: Scale, ticks: Sequence[float], labels: Sequence[str] | None, y: float,
           label: str | None, rotate: bool = False, ink: str = "#1f2933", muted: str = "#7b8794",
           label_offset: float = 34.0) -> None:
    """A horizontal axis at ``y`` in a ``<g class="axis x">``: the spine, a tick per value and (when
    ``labels`` is given) its label under it (``<g class="tick">``; ``rotate``: labels at 45°), and
    the axis ``label`` (``<text class="label">``) ``label_offset`` units below the spine."""
    canvas.open("axis x")
    canvas.line(scale.r0, y, scale.r1, y, muted, 0.8)
    for i, t in enumerate(ticks):
        x = scale(t)
        canvas.open("tick")
        canvas.line(x, y, x, y + 3.5, muted, 0.8)
        if labels is not None:
            if rotate:
                canvas.text(x, y + 12, labels[i], anchor="end", fill=ink, rotate=-45)
            else:
                canvas.text(x, y + 15, labels[i], anchor="middle", fill=ink)
        canvas.close()
    if label:
        canvas.text((scale.r0 + scale.r1) / 2.0, y + label_offset, label, anchor="middle", fill=ink, css_class="label")
    canvas.close()
