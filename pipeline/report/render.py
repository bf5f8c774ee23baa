"""Render an :class:`~pipeline.report.analysis.Analysis` as HTML and Markdown strings (no disk).

Both go through Jinja2 templates beside this module (``report.html.j2``, ``report.md.j2``)
fed the same :class:`~pipeline.report.view.ReportView`, so the two show the same numbers.

Escaping: the HTML environment autoescapes every expression (only the chart SVG, whose
text :mod:`pipeline.report.svg` itself escapes, is marked safe), and the page carries a Content-Security-Policy
that forbids scripts and any network fetch. The Markdown environment escapes every expression
with :func:`markdown_escape` through Jinja's ``finalize`` hook, so a file name such as
``<script>alert(1)</script>`` or ``*bold*|pipe`` shows as text and cannot break a table.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
from markupsafe import Markup

from pipeline.core.untrusted import clean_text
from pipeline.report.text import markdown_escape
from pipeline.report.view import Display, ReportView, report_duration_s, report_view

if TYPE_CHECKING:
    from pipeline.report.analysis import Analysis

TEMPLATES = Path(__file__).resolve().parent

def _html_finalize(value: object) -> object:
    """Every ``{{ expression }}`` of the page without control characters (ESC, BEL, C1, bidi):
    autoescape handles ``<``/``&``, this the bytes no escaping makes harmless."""
    if isinstance(value, Markup):
        return Markup(clean_text(str(value), keep_lines=True))
    if isinstance(value, str):
        return clean_text(value, keep_lines=True)
    return value


def _html_env() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, finalize=_html_finalize,
                              undefined=jinja2.StrictUndefined, trim_blocks=False, lstrip_blocks=False)


def _md_env() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=False,
                              undefined=jinja2.StrictUndefined, finalize=markdown_escape,
                              trim_blocks=True, lstrip_blocks=False, keep_trailing_newline=True)


_HTML = _html_env()
_MD = _md_env()
REPORT_TEMPLATES = ((_HTML, ("report.html.j2", "report.css")), (_MD, ("report.md.j2",)))
"""Each environment with the templates a report page renders (``report.css`` is included by the page)."""


def compile_templates() -> None:
    """Compile the report's templates into their environments' caches now. Jinja compiles a template
    on first use: 0.14 s, the largest part of what a fresh guarded child spends on its first file
    beyond a warm one (0.42 s against 0.12 s, measured). The guard's forkserver calls it once
    (:mod:`pipeline.report.warm`), so every child forked from it starts with them compiled."""
    for env, names in REPORT_TEMPLATES:
        for name in names:
            env.get_template(name)


def _planned(analysis: "Analysis") -> tuple[float | None, str | None]:
    """A planned session's duration and sport (``Analysis.planned``), or (None, None)."""
    planned = getattr(analysis, "planned", None)
    if planned is None:
        return None, None
    return planned.duration_s, planned.sport


def _display(analysis: "Analysis") -> Display:
    """How the analysis is shown (units, timezone): ``Analysis.display``, else metric in UTC."""
    return getattr(analysis, "display", None) or Display()


def view_of(analysis: "Analysis") -> ReportView:
    duration, sport = _planned(analysis)
    return report_view(analysis.report, planned_duration_s=duration, planned_sport=sport,
                       display=_display(analysis))


def render_html(analysis: "Analysis", generated: datetime | None = None) -> str:
    """The self-contained report page (inline CSS, inline SVG charts, no script, no fetch)."""
    from pipeline.report.charts import (  # numpy, pandas: only when drawing
        session_chart_svgs,
        sweat_rate_caption,
        sweat_rate_chart_svg,
    )

    report = analysis.report
    view = view_of(analysis)
    rate_svg = session_svg = None
    units = _display(analysis).units
    sweat = report.sweat
    if sweat is not None:
        duration_s = report_duration_s(report) or _planned(analysis)[0]
        rate_svg = _both(lambda narrow: sweat_rate_chart_svg(sweat, duration_s / 3600.0 if duration_s else None,
                                                             report.plan, units=units, narrow=narrow))
    # a session too short to estimate has one too
    wide, narrow = session_chart_svgs(analysis.series, report.sweat, units=units)  # the series read once for both
    session_svg = _both(lambda phone: narrow if phone else wide)
    stamp = (generated or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return _HTML.get_template("report.html.j2").render(view=view, rate_svg=rate_svg, session_svg=session_svg,
                                                       rate_caption=Markup(sweat_rate_caption(report.plan, units)),  # our words, no markup
                                                       generated=stamp)


def _both(draw: Callable[[bool], str | None]) -> Markup | None:
    """A chart's desktop and phone versions side by side in the page (report.css shows one of them,
    by the width of the screen: no script); None when there is nothing to draw."""
    wide = draw(False)
    if not wide:
        return None
    return Markup(wide + "\n" + (draw(True) or ""))


def render_markdown(analysis: "Analysis") -> str:
    """The Markdown twin of the page: the same numbers, the same advice, no charts."""
    return _MD.get_template("report.md.j2").render(view=view_of(analysis))
