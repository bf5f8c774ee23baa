"""The front door of ``reports/``: ``index.html`` and ``index.md``.

Every activity in the catalog, newest first, each with its local date (the config's
``nightly.timezone``: the catalog keeps UTC start times only), a sport a person reads ("open
water swim", not ``swimming/open_water``), its duration ("9 h 31 min"), sweat and a *relative*
link to its report — the folder can be moved, zipped or served and the links still resolve.
Above the table: the last night's summary line and this week's totals. A night with nothing new
still lists everything (the run's own summary is kept under ``digests/``).

File-derived text (source names, sport names) is escaped: Jinja autoescape in HTML,
:func:`~pipeline.report.text.markdown_escape` in Markdown.
"""
from __future__ import annotations

import functools
import hashlib
import posixpath
import zoneinfo
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict

from pipeline.core.dates import CLOCK_MARK, clock_ahead
from pipeline.core.units import Units
from pipeline.report.text import markdown_escape
from pipeline.report.view import (
    duration_s_text,
    litres,
    local_start,
    sport_label,  # also imported from here, where it was first
    sweat_with_range,
    when_text,
)
from pipeline.store.files import atomic_write_text
from pipeline.store.layout import REPORTS_DIR

if TYPE_CHECKING:
    import jinja2

INDEX_HTML_NAME = "index.html"
INDEX_MD_NAME = "index.md"
DIGEST_HTML, DIGEST_MD = "digest.html", "digest.md"


class IndexedActivity(Protocol):
    """What the index reads of one activity: a catalog row
    (:class:`~pipeline.store.catalog.ActivityRow`) or a :class:`~pipeline.report.digest.DigestRow`.
    ``processed_at``, ``utc_offset_s`` and ``report_dir`` are read when the row has them."""

    @property
    def start_time(self) -> datetime | None: ...
    @property
    def sport(self) -> str: ...
    @property
    def sub_sport(self) -> str | None: ...
    @property
    def source(self) -> str: ...
    @property
    def timer_s(self) -> float | None: ...
    @property
    def sweat_total_l(self) -> float | None: ...
    @property
    def sweat_low_l(self) -> float | None: ...
    @property
    def sweat_high_l(self) -> float | None: ...


class IndexRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    date: str
    sport: str
    source: str
    duration: str
    sweat: str
    link: str | None


class IndexPage(BaseModel):
    model_config = ConfigDict(frozen=True)

    title: str
    timezone: str
    night: str | None  # the last run's summary line
    night_when: str | None
    night_link: str | None  # the run's own summary (under digests/), relative
    week_label: str
    week_iso: str = ""  # "W49"
    week_from: str = ""  # "from Mon 30 Nov"
    week_activities: int
    week_time: str
    week_sweat: str
    rows: list[IndexRow]


def _aware(start: datetime) -> datetime:
    return start.replace(tzinfo=UTC) if start.tzinfo is None else start


def build_index(activities: Iterable[IndexedActivity], *, timezone: str = "UTC", night: str | None = None,
                night_at: datetime | None = None, night_path: str | None = None,
                today: datetime | None = None, units: Units = "metric") -> IndexPage:
    """The index over ``activities`` (catalog rows: ``start_time``, ``sport``, ``sub_sport``,
    ``source``, ``timer_s``, ``sweat_*``, ``report_dir`` relative to the data directory).

    ``night_path`` is the run summary's path relative to ``reports/``; this week is the ISO week of
    ``today`` (default: the night's run, else now) in ``timezone``."""
    zone = zoneinfo.ZoneInfo(timezone)
    rows = list(activities)
    oldest = datetime.min.replace(tzinfo=UTC)

    def newest_first(r: IndexedActivity) -> tuple[datetime, datetime]:
        processed_at = getattr(r, "processed_at", None)
        start = r.start_time  # a start the tool calls a wrong clock's is listed with the undated
        return (_aware(start) if start is not None and not clock_ahead(start) else oldest,
                _aware(processed_at) if processed_at else oldest)

    ordered = sorted(rows, key=newest_first, reverse=True)
    now = _aware(today or night_at or datetime.now(UTC)).astimezone(zone)
    monday = now.date() - timedelta(days=now.weekday())
    week = [r for r in rows if r.start_time is not None
            and monday <= local_start(r.start_time, getattr(r, "utc_offset_s", None), timezone).date()
            <= monday + timedelta(days=6)]
    out = []
    for r in ordered:
        sweat = sweat_with_range(r.sweat_total_l, r.sweat_low_l, r.sweat_high_l, units)
        link = None
        report_dir = getattr(r, "report_dir", None)
        if report_dir:
            rel = posixpath.normpath(str(report_dir).replace("\\", "/"))
            if rel.startswith(REPORTS_DIR + "/"):
                link = rel[len(REPORTS_DIR) + 1:] + "/report.html"
            else:
                link = posixpath.join("..", rel, "report.html")
        out.append(IndexRow(
            date=when_text(r.start_time, getattr(r, "utc_offset_s", None), timezone, "%a %d %b %Y %H:%M")
            + (f" ({CLOCK_MARK})" if clock_ahead(r.start_time) else "") if r.start_time else "—",
            sport=sport_label(r.sport, r.sub_sport), source=r.source, duration=duration_s_text(r.timer_s),
            sweat=sweat, link=link))
    week_l = sum(r.sweat_total_l for r in week if r.sweat_total_l is not None)
    iso = monday.isocalendar()
    return IndexPage(
        title="Sweatline reports", timezone=timezone, night=night,
        night_when=_aware(night_at).astimezone(zone).strftime("%a %d %b %Y %H:%M") if night_at else None,
        night_link=night_path, week_label=f"{iso.year}-W{iso.week:02d} (from {monday:%a %d %b})",
        week_iso=f"W{iso.week:02d}", week_from=f"from {monday:%a %d %b}",
        week_activities=len(week), week_time=duration_s_text(sum(r.timer_s for r in week if r.timer_s)) if week else "0 min",
        week_sweat=litres(week_l, 1, units) if week else "—", rows=out)


# The catalog columns the table of every activity is made of (see :func:`build_index`), and the
# sources whose code shapes its text: a change to any of them is a different table.
INDEX_ROW_COLUMNS: tuple[str, ...] = ("id", "start_time", "utc_offset_s", "processed_at", "sport", "sub_sport",
                                      "source", "timer_s", "sweat_total_l", "sweat_low_l", "sweat_high_l", "report_dir")
_ROW_SOURCES = ("report/index.py", "report/index_rows.html.j2", "report/view.py", "report/text.py",
                "core/units.py", "core/untrusted.py", "core/dates.py")


class IndexTable(BaseModel):
    """The index's table of every activity, rendered: ``count`` rows, ``html`` (the ``<tr>`` lines
    of the HTML page's ``<tbody>``) and ``md`` (the Markdown table's body lines, joined by newlines)."""

    model_config = ConfigDict(frozen=True)

    count: int
    html: str
    md: str


@functools.cache
def _environment() -> "jinja2.Environment":
    import jinja2

    from pipeline.report.render import TEMPLATES

    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


@functools.cache
def index_template() -> "jinja2.Template":
    """The front door's HTML template (Jinja2 with autoescape), compiled once a process; its
    table's rows are :func:`index_rows_template`'s."""
    index_rows_template()
    return _environment().get_template("index.html.j2")


def index_rows_template() -> "jinja2.Template":
    """The template of the front door's table rows (the ``<tr>`` lines), compiled once a process."""
    return _environment().get_template("index_rows.html.j2")


def render_index_table(rows: Sequence[IndexRow]) -> IndexTable:
    """The table's rows rendered once, for the HTML page and the Markdown page alike."""
    e = markdown_escape
    md = []
    for r in rows:
        name = f"[{e(r.source)}]({quote(r.link)})" if r.link else e(r.source)
        md.append(f"| {e(r.date)} | {e(r.sport)} | {e(r.duration)} | {e(r.sweat)} | {name} |")
    return IndexTable(count=len(rows), html=index_rows_template().render(rows=rows, quote=quote), md="\n".join(md))


@functools.cache
def _rows_code() -> bytes:
    """A digest of the sources that shape the table's text (:data:`_ROW_SOURCES`), read once a process."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for name in _ROW_SOURCES:
        digest.update(name.encode() + b"\0" + (root / name).read_bytes() + b"\0")
    return digest.digest()


def index_table_key(inputs: Sequence[tuple[object, ...]], *, timezone: str, units: Units) -> str:
    """What the table of every activity is made of, as one SHA-256 (hex): the activities' raw
    :data:`INDEX_ROW_COLUMNS` with their clock-ahead flags (``Catalog.index_inputs``), the time zone,
    the units and the code that renders them. Equal keys, equal tables: a table rendered for one key
    is reused while the key is unchanged, and any edit to an activity, a new or a removed one gives
    another key."""
    digest = hashlib.sha256(_rows_code())
    digest.update(repr((timezone, units, len(inputs))).encode())
    digest.update(repr(list(inputs)).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def render_index_html(page: IndexPage, table: IndexTable | None = None) -> str:
    """The front door in HTML (Jinja2 with autoescape: every text from a file is inert); ``table``
    (default: rendered from ``page.rows``) is the table of every activity."""
    from markupsafe import Markup

    table = table if table is not None else render_index_table(page.rows)
    return index_template().render(p=page, quote=quote, digest_html=DIGEST_HTML, digest_md=DIGEST_MD,
                                   count=table.count, rows_html=Markup(table.html))


def render_index_markdown(page: IndexPage, table: IndexTable | None = None) -> str:
    """The same page in Markdown: text cells through :func:`markdown_escape`, links percent-quoted;
    ``table`` as in :func:`render_index_html`."""
    table = table if table is not None else render_index_table(page.rows)
    e = markdown_escape
    lines = [f"# {e(page.title)}", ""]
    if page.night is not None:
        night = f"**Latest nightly run ({e(page.night_when)}):** {e(page.night)}"
        if page.night_link:
            night += f" ([run summary]({quote(page.night_link)}))"
        lines += [night, ""]
    lines += [f"**This week, {e(page.week_label)}:** {page.week_activities} "
              f"{'activity' if page.week_activities == 1 else 'activities'}, {e(page.week_time)}, sweat {e(page.week_sweat)}", "",
              f"The last days and weeks: [{DIGEST_HTML}]({DIGEST_HTML}) ([{DIGEST_MD}]({DIGEST_MD})).", "",
              f"## All activities ({table.count}), newest first", "",
              f"Dates in the athlete's local time (from the file, else {e(page.timezone)}).", ""]
    if table.count:
        lines += ["| Date | Sport | Duration | Sweat | Activity |", "|---|---|---|---|---|", table.md]
    else:
        lines.append("No processed activities yet.")
    return "\n".join(lines) + "\n"


def write_index(page: IndexPage, reports: Path, table: IndexTable | None = None) -> tuple[Path, Path]:
    """Write ``index.html`` and ``index.md`` into ``reports``, each atomically; returns (html, md).
    ``table`` (default: rendered from ``page.rows``) is the table of every activity."""
    reports = Path(reports)
    table = table if table is not None else render_index_table(page.rows)
    html_path, md_path = reports / INDEX_HTML_NAME, reports / INDEX_MD_NAME
    atomic_write_text(html_path, render_index_html(page, table))
    atomic_write_text(md_path, render_index_markdown(page, table))
    return html_path, md_path
