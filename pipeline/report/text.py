"""Untrusted text made safe, and human-readable terminal text for ``sweatline ride`` and ``sweatline plan``.

The two escapers of the project live here: :func:`terminal_safe` (a terminal) and
:func:`markdown_escape` (every Markdown the project writes: reports, digest, nightly summary,
weigh-in tables). Uses the same :func:`~pipeline.report.view.report_view` rows as the HTML and
Markdown reports, so the terminal shows the same numbers. Text from a FIT file (file name,
device) has its control characters removed: a hostile name cannot move the cursor or recolour
the terminal.
"""
from __future__ import annotations

import textwrap
from os import PathLike
from typing import Any

from pipeline.core.schema import Report
from pipeline.core.untrusted import clean_text, markdown_text
from pipeline.report.view import METRIC_UTC, Display, ReportView, report_view

WIDTH = 78


def terminal_safe(value: object) -> str:
    """``value`` as text with control characters (ANSI escapes, bidi overrides) replaced by '?'
    (:func:`pipeline.core.untrusted.clean_text`, the project's one sanitizer)."""
    return clean_text(value)




def markdown_escape(value: Any) -> str:
    """Untrusted text safe inside Markdown: :func:`pipeline.core.untrusted.markdown_text` (the rule
    lives with the other cleaning rules)."""
    return markdown_text(value)


def _headline_lines(view: ReportView) -> list[str]:
    width = max((len(row.label) for row in view.headline), default=0)
    return [f"  {row.label:<{width}}  {row.value}" + (f"  ({row.note})" if row.note else "") for row in view.headline]


def headline_text(report: Report, report_path: str | PathLike[str] | None = None, display: Display = METRIC_UTC) -> str:
    """What a rider reads after ``sweatline ride``: what was done, sweat lost, what to drink, where
    the report is (numbers in ``display.units``, the start in the athlete's local time)."""
    from pipeline.report.view import activity_label, when_text

    view = report_view(report, display=display)
    lines: list[str] = []
    a = report.activity
    if a is not None:
        label = activity_label(a.sport, a.sub_sport, [leg.sport for leg in report.legs or []])
        what = f"{terminal_safe(a.source)}: {terminal_safe(label)}"
        if a.start_time is not None:
            what += f" on {when_text(a.start_time, a.utc_offset_s, display.timezone)}"
        if view.subtitle:
            what += f", {view.subtitle}"
        lines.append(what)
    lines += _headline_lines(view)
    drinks = [leg for leg in view.legs if leg.drink]
    if drinks:  # a multisport file: what to drink in each leg (transitions are too short to say)
        lines.append("  Drink during, leg by leg:")
        width = max(len(leg.sport) for leg in drinks)
        lines += [f"    {leg.index}. {terminal_safe(leg.sport):<{width}}  {leg.duration:>12}  {leg.drink}"
                  + ("  (you cannot drink while swimming)" if leg.drink == "none" else "") for leg in drinks]
    if report.sweat is None:  # no estimate (too short to estimate): say why; the general advice is in the report
        why = [item for item in view.advice if item.topic == "estimate"]
        for item in why or view.advice:
            lines += textwrap.wrap(item.text, WIDTH, initial_indent="  ", subsequent_indent="  ")
        if why and len(view.advice) > len(why):
            lines.append("  (the general advice on water, potassium, calcium and warming up: see the report)")
    if view.flags:  # the headline stays short: the notes themselves are in the report
        count = len(view.flags)
        lines.append(f"  ({count} note{'s' if count != 1 else ''} on how this was estimated: see the report)")
    if report_path is not None:
        lines.append(f"report: {terminal_safe(report_path)}")
    return "\n".join(lines)


def plan_text(report: Report, duration_s: float | None = None, sport: str | None = None,
              report_path: str | PathLike[str] | None = None, display: Display = METRIC_UTC) -> str:
    """The plan and the advice for ``sweatline plan`` (a session not yet done), wrapped for a terminal.

    ``duration_s`` and ``sport`` describe the planned session (a planned report has no ``activity``).
    """
    view = report_view(report, planned_duration_s=duration_s, planned_sport=sport, display=display)
    lines = [terminal_safe(view.title)]
    headline = _headline_lines(view)
    if headline:  # none for a session too short to estimate
        lines += [""] + headline
    if view.plan:
        lines += ["", "Drinking plan:"]
        width = max(len(row.label) for row in view.plan)
        lines += [f"  {row.label:<{width}}  {row.value}  ({row.note})" for row in view.plan]
    if view.legs:
        lines += ["", "Legs:"]
        for leg in view.legs:
            lines.append(f"  {leg.sport:<6} {leg.duration:>12}  sweat {leg.sweat}"
                         + (f"  drink during {leg.drink}" if leg.drink else ""))
    for item in view.advice:
        says_why = report.sweat is None and item.topic == "estimate"  # its text starts "Too short to estimate:"
        lines += [""] if says_why else ["", item.title + ":"]
        lines += textwrap.wrap(item.text, WIDTH, initial_indent="  ", subsequent_indent="  ")
    if view.flags:
        lines += ["", "Notes on this estimate:"]
        for flag in view.flags:
            lines += textwrap.wrap(terminal_safe(flag), WIDTH, initial_indent="  - ", subsequent_indent="    ")
    if view.disclaimer:
        lines += [""] + textwrap.wrap(view.disclaimer, WIDTH)
    if report_path is not None:
        lines += ["", f"report: {terminal_safe(report_path)}"]
    return "\n".join(lines)
