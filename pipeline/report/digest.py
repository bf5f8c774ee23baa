"""The digest across activities (daily and weekly) and the ``sweatline history`` table.

Input is a list of :class:`DigestRow` — the headline of the catalog's activity rows
(:class:`pipeline.store.catalog.ActivityHeadline`, so ``DigestRow.model_validate(row,
from_attributes=True)`` takes an ``ActivityRow`` as it is). :func:`build_digest` groups them by local day and ISO week; the renderers return strings:
:func:`render_digest_html` (self-contained page, inline SVG trend chart),
:func:`render_digest_markdown`, and :func:`history_table` (plain-text table for a terminal).
:func:`write_digest` writes the nightly's digest files (:func:`write_digest_pages` the two pages).

Potassium per day is set against the adequate intake (NASEM 2019: 3,400 mg/day men,
2,600 mg/day women), fluid per day against nothing but itself: there is no "adequate" sweat.
"""
from __future__ import annotations

import os
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict

from pipeline.advice.foods import POTASSIUM_AI_MG_PER_DAY
from pipeline.core.dates import CLOCK_MARK, clock_ahead
from pipeline.core.units import Units
from pipeline.core.untrusted import source_label
from pipeline.report.render import TEMPLATES
from pipeline.report.text import markdown_escape, terminal_safe
from pipeline.report.view import (
    distance_text,
    duration_s_text,
    litres,
    local_start,
    low_high,
    milligrams,
    rate,
    sport_label,
    sweat_litres,
    when_text,
)
from pipeline.store.catalog import ActivityHeadline
from pipeline.store.files import atomic_write_text
from pipeline.store.layout import run_summary_path

if TYPE_CHECKING:
    from pipeline.report.index import IndexedActivity

DIGEST_HTML_NAME = "digest.html"
DIGEST_MD_NAME = "digest.md"
INDEX_NAME = "index.md"  # the front door (pipeline.report.index), in reports/


class DigestRow(ActivityHeadline):
    """One processed activity as the digest and the history table need it: the catalog row's
    headline (:class:`pipeline.store.catalog.ActivityHeadline`, of which ``ActivityRow`` is the
    whole), read from any object with those attributes."""

    model_config = ConfigDict(extra="ignore", from_attributes=True, frozen=True)


def as_digest_rows(rows: Iterable[object]) -> list[DigestRow]:
    """Catalog rows (``ActivityRow`` or anything with the same attributes) as :class:`DigestRow`."""
    return [r if isinstance(r, DigestRow) else DigestRow.model_validate(r, from_attributes=True) for r in rows]


class DayTotal(BaseModel):
    model_config = ConfigDict(frozen=True)

    day: date
    activities: int
    timer_s: float
    fluid_l: float
    potassium_mg: float
    potassium_share_of_ai: float | None


class WeekTotal(BaseModel):
    model_config = ConfigDict(frozen=True)

    year: int
    week: int
    first_day: date
    activities: int
    timer_s: float
    fluid_l: float
    potassium_mg: float


class Digest(BaseModel):
    """What the digest says: the last ``days`` days day by day, recent weeks, the longest session."""

    model_config = ConfigDict(frozen=True)

    title: str
    timezone: str
    first_day: date
    last_day: date
    days: list[DayTotal]
    weeks: list[WeekTotal]
    activities: list[DigestRow]
    longest: DigestRow | None
    potassium_ai_mg: float | None
    sex: str | None
    total_fluid_l: float
    total_potassium_mg: float
    units: Units = "metric"
    span_note: str = ""
    """Why these days: when they end before today, that they end with the latest activity and none came since."""


def _local_day(start: datetime | None, zone: zoneinfo.ZoneInfo, utc_offset_s: int | None = None) -> date | None:
    """The athlete's local day of ``start``: the file's own offset when recorded, else ``zone``."""
    if start is None:
        return None
    return local_start(start, utc_offset_s, zone.key).date()


def build_digest(rows: Iterable[object], *, end: date | None = None, days: int = 7, weeks: int = 8,
                 timezone: str = "UTC", sex: str | None = None, units: Units = "metric",
                 today: date | None = None) -> Digest:
    """Group ``rows`` by local day (``timezone``) over the ``days`` days ending ``end``.

    ``end`` defaults to the day of the newest activity whose start is believable
    (:func:`pipeline.core.dates.clock_ahead`; today, with none), so a quiet spell does not leave
    the digest empty; when that day is before ``today`` (default: the date in ``timezone``), the
    digest's ``span_note`` says so, since a reader expects the current week. The weekly
    table covers the ``weeks`` ISO weeks ending with ``end``'s week. Activities without a start
    time cannot be placed on a day and are left out of the daily totals (not of the history).
    """
    if days < 1 or weeks < 1:
        raise ValueError("days and weeks must be at least 1")
    rows = as_digest_rows(rows)
    zone = zoneinfo.ZoneInfo(timezone)
    dated = [(r, _local_day(r.start_time, zone, r.utc_offset_s)) for r in rows]
    placed = [(r, d) for r, d in dated if d is not None]
    today = today if today is not None else datetime.now(zone).date()
    span_note = ""
    if end is None:  # a start the tool calls a wrong clock's does not anchor the week
        end = max((d for r, d in placed if not clock_ahead(r.start_time)), default=today)
        if end < today:
            gap = (today - end).days
            span_note = (f"The {days} days up to the latest activity, on {end:%a %d %b %Y}: none since "
                         f"({gap} day{'s' if gap != 1 else ''} before today, {today:%a %d %b}).")
    first = end - timedelta(days=days - 1)
    ai = POTASSIUM_AI_MG_PER_DAY.get(sex) if sex is not None else None
    ai_for_share = ai if ai is not None else POTASSIUM_AI_MG_PER_DAY["female"]  # the lower AI when sex unknown

    by_day: dict[date, list[DigestRow]] = defaultdict(list)
    for r, d in placed:
        if first <= d <= end:
            by_day[d].append(r)
    day_totals = []
    for i in range(days):
        d = first + timedelta(days=i)
        items = by_day.get(d, [])
        k = sum(r.potassium_mg for r in items if r.potassium_mg is not None)
        day_totals.append(DayTotal(
            day=d, activities=len(items), timer_s=sum(r.timer_s for r in items if r.timer_s is not None),
            fluid_l=sum(r.sweat_total_l for r in items if r.sweat_total_l is not None), potassium_mg=k,
            potassium_share_of_ai=k / ai_for_share if items else None,
        ))

    end_monday = end - timedelta(days=end.weekday())
    first_monday = end_monday - timedelta(weeks=weeks - 1)
    by_week: dict[date, list[DigestRow]] = defaultdict(list)
    for r, d in placed:
        monday = d - timedelta(days=d.weekday())
        if first_monday <= monday <= end_monday:
            by_week[monday].append(r)
    week_totals = []
    for i in range(weeks):
        monday = first_monday + timedelta(weeks=i)
        items = by_week.get(monday, [])
        iso = monday.isocalendar()
        week_totals.append(WeekTotal(
            year=iso.year, week=iso.week, first_day=monday, activities=len(items),
            timer_s=sum(r.timer_s for r in items if r.timer_s is not None),
            fluid_l=sum(r.sweat_total_l for r in items if r.sweat_total_l is not None),
            potassium_mg=sum(r.potassium_mg for r in items if r.potassium_mg is not None),
        ))

    while len(week_totals) > 1 and week_totals[0].activities == 0:  # no empty weeks before the first activity
        week_totals.pop(0)
    in_window = sorted((r for r, d in placed if first <= d <= end),
                       key=lambda r: r.start_time or datetime.min.replace(tzinfo=UTC))
    longest = max((r for r in in_window if r.timer_s is not None), key=lambda r: r.timer_s or 0.0, default=None)
    return Digest(
        title=f"Sweatline digest: {first:%d %b} – {end:%d %b %Y}",
        timezone=timezone, first_day=first, last_day=end, days=day_totals, weeks=week_totals,
        activities=in_window, longest=longest, potassium_ai_mg=ai, sex=sex,
        total_fluid_l=sum(t.fluid_l for t in day_totals), total_potassium_mg=sum(t.potassium_mg for t in day_totals),
        units=units, span_note=span_note,
    )


def _fmt_pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f} %"


def _when(start: datetime | None, timezone: str, fmt: str = "%a %d %b %H:%M", utc_offset_s: int | None = None) -> str:
    """The athlete's local time of ``start`` with its offset: 'Sat 18 Jul 14:10 (UTC+2)'."""
    if start is None:
        return "—"
    return when_text(start, utc_offset_s, timezone, fmt)


def _environment(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=autoescape,
                             undefined=jinja2.StrictUndefined, trim_blocks=not autoescape,
                             keep_trailing_newline=True, finalize=None if autoescape else markdown_escape)
    env.filters.update(litres=litres, mg=milligrams, pct=_fmt_pct, duration=duration_s_text, distance=distance_text)
    return env


_HTML = _environment(True)
_MD = _environment(False)


def compile_templates() -> None:
    """Compile the digest's two templates now (Jinja compiles on first use)."""
    _HTML.get_template("digest.html.j2")
    _MD.get_template("digest.md.j2")


def _context(digest: Digest) -> dict:
    ai = digest.potassium_ai_mg
    ai_text = (f"{ai:,.0f} mg a day" if ai is not None else
               f"{POTASSIUM_AI_MG_PER_DAY['male']:,.0f} mg a day for men, {POTASSIUM_AI_MG_PER_DAY['female']:,.0f} mg "
               "for women (shares below use the lower figure)")
    return {"d": digest, "ai_text": ai_text, "sweat": sweat_litres, "sport": sport_label,
            "when": lambda s, offset=None: _when(s, digest.timezone, utc_offset_s=offset),
            "day": lambda s, offset=None: local_start(s, offset, digest.timezone).strftime("%a %d %b") if s else "—",
            "vol": lambda v: litres(v, 1, digest.units), "rate": lambda v: rate(v, digest.units)}


def render_digest_html(digest: Digest, generated: datetime | None = None) -> str:
    """The digest as one self-contained HTML page (inline CSS and SVG, no script, no fetch)."""
    days = ([f"{t.day:%a %d}" for t in digest.days], [t.fluid_l for t in digest.days],
            [t.potassium_mg for t in digest.days], digest.potassium_ai_mg)
    from pipeline.report.charts import trend_chart_svg  # numpy (no pandas): only when the digest changed

    svg = trend_chart_svg(*days, units=digest.units)
    if svg:  # the phone's version beside it: report.css shows one, by the width of the screen
        svg += "\n" + (trend_chart_svg(*days, units=digest.units, narrow=True) or "")
    stamp = (generated or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return _HTML.get_template("digest.html.j2").render(**_context(digest), trend_svg=Markup(svg) if svg else None,
                                                      generated=stamp)


def render_digest_markdown(digest: Digest) -> str:
    """The digest in Markdown: the same tables, no chart."""
    return _MD.get_template("digest.md.j2").render(**_context(digest))


def write_digest_pages(digest: Digest, out_dir: Path, generated: datetime | None = None) -> tuple[Path, Path]:
    """Write ``digest.md`` and ``digest.html`` into ``out_dir``, each atomically; returns (html, md).

    The HTML carries a "generated on" time, the Markdown the same tables without it: when the
    Markdown is unchanged, nothing in the digest changed and neither file is rewritten (the HTML
    is still written when it is missing).
    """
    out_dir = Path(out_dir)
    html_path, md_path = out_dir / DIGEST_HTML_NAME, out_dir / DIGEST_MD_NAME
    if _write_if_changed(md_path, render_digest_markdown(digest)) or not html_path.exists():
        atomic_write_text(html_path, render_digest_html(digest, generated=generated))
    return html_path, md_path


def write_digest(run_markdown: str, started_at: datetime, activities: Iterable[IndexedActivity], digests: Path,
                 reports: Path, *, timezone: str = "UTC", sex: str | None = None, night: str | None = None,
                 units: Units = "metric") -> Path:
    """The nightly digest: this run's summary (``run_markdown``) under ``digests/`` (kept, one per run),
    the front door ``reports/index.html`` + ``index.md`` (:mod:`pipeline.report.index`: ``night``, the
    run's summary line, this week's totals, every activity in the catalog newest first), and the
    day-by-day / week-by-week pages ``reports/digest.html`` + ``digest.md`` over ``activities``.
    Returns the run summary's path."""
    from pipeline.report.index import build_index, write_index

    activities = list(activities)
    write_digest_pages(build_digest(activities, timezone=timezone, sex=sex, units=units), reports)
    path = write_run_summary(run_markdown, started_at, digests, reports)
    write_index(build_index(activities, timezone=timezone, night=night, night_at=started_at,
                            night_path=os.path.relpath(path, Path(reports)).replace(os.sep, "/"), units=units), reports)
    return path


def write_run_summary(run_markdown: str, started_at: datetime, digests: Path, reports: Path) -> Path:
    """This run's summary (``run_markdown``) under ``digests/`` (kept, one per run, named by
    :func:`pipeline.store.layout.run_summary_path`), with the links to the digest pages in
    ``reports``; written atomically. Returns its path."""
    summary_path = run_summary_path(Path(digests), started_at)
    to_reports = os.path.relpath(Path(reports), summary_path.parent).replace(os.sep, "/")  # '../reports'
    text = (run_markdown + f"\nThe last days and weeks: [{DIGEST_HTML_NAME}]({to_reports}/{DIGEST_HTML_NAME}) "
            f"([{DIGEST_MD_NAME}]({to_reports}/{DIGEST_MD_NAME})).\n")
    return atomic_write_text(summary_path, text)


def digest_reach(days: int = 7, weeks: int = 8) -> timedelta:
    """How long before the newest believable start an activity can still count in
    :func:`build_digest` (same ``days``/``weeks``): the longer of the two windows, the days from the
    newest day back to its week's Monday, and two days for the difference between an activity's
    local date and its UTC one (time zones lie between UTC-12 and UTC+14). A digest built from the
    activities that started within this reach of the newest one equals the digest of them all."""
    return timedelta(days=max(days, 7 * weeks) + 7 + 2)


def _write_if_changed(path: Path, text: str) -> bool:
    """Atomic write, skipped when the file already holds exactly this text (a night with nothing
    new rewrites nothing). Returns whether it wrote."""
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    atomic_write_text(path, text)
    return True


HISTORY_COLUMNS = ("start (local)", "activity", "sport", "time", "distance", "sweat", "range", "rate", "potassium")


def history_table(rows: Iterable[object], timezone: str = "UTC", units: Units = "metric") -> str:
    """``sweatline history``: one line per activity, newest first (as the report index), in aligned
    plain-text columns: the start in the athlete's local time (the file's offset, else ``timezone``) with its UTC offset,
    the sport as a person says it ("open water swim"), numbers in ``units``."""
    rows = as_digest_rows(rows)
    if not rows:
        return "no processed activities yet"
    # a start the tool calls a wrong clock's is listed (marked) with the undated, not as the newest
    ordered = sorted(rows, key=lambda r: r.start_time if r.start_time is not None and not clock_ahead(r.start_time)
                     else datetime.min.replace(tzinfo=UTC), reverse=True)
    header = list(HISTORY_COLUMNS)
    header[0] = "start (local time)"
    body = []
    for r in ordered:
        source = source_label(terminal_safe(r.source), 40)  # the member's own name: one export zip's rides differ
        body.append([
            _when(r.start_time, timezone, "%Y-%m-%d %H:%M", r.utc_offset_s)
            + (f" ({CLOCK_MARK})" if clock_ahead(r.start_time) else ""), source,
            terminal_safe(sport_label(r.sport, r.sub_sport)), duration_s_text(r.timer_s),
            distance_text(r.distance_m, units), sweat_litres(r.sweat_total_l, r.sweat_low_l, r.sweat_high_l, units),
            low_high(r.sweat_low_l, r.sweat_high_l, units), rate(r.sweat_rate_l_per_h, units),
            milligrams(r.potassium_mg),
        ])
    widths = [max(len(header[i]), *(len(row[i]) for row in body)) for i in range(len(header))]
    numeric = {3, 4, 5, 6, 7, 8}

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in numeric else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *(line(row) for row in body)])
