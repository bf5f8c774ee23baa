"""What one nightly run did, and how a person reads it: :class:`NightlySummary` counts each file's
outcome and says it as one line (logs, the index, the runs table), as Markdown (the run summary
artifact and the digest's run page) and as table rows (the Prefect table artifact), in the
config's units and time zone."""
from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from pipeline.core.dates import clock_ahead
from pipeline.core.notes import ModelNote, NoteText, in_units, mass_kg
from pipeline.core.units import fl_oz, miles, reader
from pipeline.core.untrusted import clean_text, markdown_text
from pipeline.report.text import markdown_escape
from pipeline.report.view import Display, distance_text, duration_s_text, low_high, sweat_with_range, when_text
from pipeline.sources import SourceReport
from pipeline.store.catalog import ActivityRow
from pipeline.usecases.outcome import FileOutcome


class Rejection(BaseModel):
    name: str
    kind: str
    reason: str


class NightlySummary(BaseModel):
    """The outcome of one nightly run (also the flow's return value). ``display``: the config's
    units and time zone, in which :meth:`markdown` and :meth:`table_rows` show times and numbers,
    as the index and reports do."""

    run_id: str
    inbox: Path
    data_dir: Path
    started_at: datetime
    finished_at: datetime | None = None
    skipped: int = 0
    duplicates: list[Rejection] = []  # copies of activities already held (counted as skipped, with the reason)
    not_fit: list[Rejection] = []  # archive members not read (not an activity file...: skipped, with the reason)
    inboxes_absent: list[str] = []  # configured inboxes (after the first) not there tonight: "folder: why"
    weigh_ins: list[NoteText] = []  # smart-scale files taken in: "scale.fit: 2 readings, last 72.4 kg" (its mass in SI)
    set_aside_before: list[Rejection] = []  # files still in the inbox that an earlier run refused (skipped)
    processed_files: list[str] = []
    held: dict[str, int] = {}  # a processed file's name -> the activities it held (a zip: several; a scale's file: none)
    activities: list[ActivityRow] = []
    rejected: list[Rejection] = []
    failed: list[tuple[str, str]] = []
    digest_path: Path | None = None
    reestimated: list[str] = []  # files already processed whose inputs changed, estimated again
    stale_shas: list[str] = []
    processed_shas: list[str] = []
    busy: bool = False  # another nightly held the lock: this one did nothing
    sources: list[SourceReport] = []  # what each configured source downloaded, or why it failed
    weather_problems: dict[str, int] = {}  # a weather note ("open-meteo weather not used: ...") -> activities it hit
    display: Display = Display()  # units and time zone of what a person reads (Display.of(config))

    def add(self, outcome: FileOutcome) -> None:
        """Count one file's outcome (as committed to the catalog by :func:`pipeline.usecases.commit.record_outcome`).

        A copy of an activity already held is skipped with its reason: the whole file
        when that is all it holds, else the zip member."""
        if outcome.status == "processed":
            sha = outcome.file.sha256
            if sha not in self.stale_shas:
                self.processed_files.append(outcome.file.name)
                self.held[outcome.file.name] = len(outcome.activities)
                self.processed_shas.append(sha)
            elif sha not in self.processed_shas and outcome.file.name not in self.reestimated:
                self.reestimated.append(outcome.file.name)
            ids = {a.row.id for a in outcome.activities}
            for a in outcome.activities:
                for note in dict.fromkeys(w.removeprefix("weather: ") for w in a.warnings if w.startswith("weather: ")):
                    self.weather_problems[note] = self.weather_problems.get(note, 0) + 1
            self.activities = [a for a in self.activities if a.id not in ids] + [a.row for a in outcome.activities]
        if outcome.scale_readings:
            last = max(outcome.scale_readings, key=lambda r: r.timestamp)
            self.weigh_ins.append(ModelNote("{name}: {n} weight reading(s), last {mass:.1f}", name=outcome.file.name,
                                            n=len(outcome.scale_readings), mass=mass_kg(last.weight_kg)))
        for name, why in outcome.skipped_members:  # archive members that are not activity files
            self.skipped += 1
            self.not_fit.append(Rejection(name=name, kind="not_fit", reason=why))
        for d in outcome.duplicates:
            self.skipped += 1
            self.duplicates.append(Rejection(name=f"{d.name}:{d.member}" if d.member else d.name, kind="duplicate",
                                             reason=d.reason))
        for r in outcome.rejections:
            name = f"{r.name}:{r.member}" if r.member else r.name
            self.rejected.append(Rejection(name=name, kind=r.kind, reason=r.reason))

    def line(self, limit: int | None = None) -> str:
        """``processed N[ activities from F files (pair.zip: 2 activities)], skipped M[ (file: duplicate of …; …)],
        rejected K (file: reason; …)[, re-estimated R (…)][, failed F (…)]``: N counts activities, the files
        named when they held other than one each. ``limit``: name at most that many files per list, then "and N more (see the
        run summary)" — the index's one line stays a line on a phone; the run summary lists them all."""
        if self.busy:
            return BUSY_MESSAGE

        def listed(items: list[str]) -> str:
            shown = items if limit is None or len(items) <= limit else items[:limit]
            more = len(items) - len(shown)
            return " (" + "; ".join(shown) + (f"; and {more} more: see the run summary" if more else "") + ")"

        count, several = self._processed()
        text = f"processed {count}" + (f" activities from {self._files()}" + listed(several) if several else "")
        text += f", skipped {self.skipped}"
        if self.not_fit or self.duplicates or self.set_aside_before:
            text += listed(([members_not_read(self.not_fit)] if self.not_fit else [])
                           + [f"{d.name}: {d.reason}" for d in self.duplicates]
                           + [f"{r.name}: set aside before, {r.reason}" for r in self.set_aside_before])
        text += f", rejected {len(self.rejected)}"
        if self.rejected:
            text += listed([f"{r.name}: {r.reason}" for r in self.rejected])
        if self.reestimated:
            text += f", re-estimated {len(self.reestimated)} (inputs changed: weigh-ins, config or model)"
        if self.inboxes_absent:
            text += f", inboxes not read {len(self.inboxes_absent)}" + listed(self.inboxes_absent)
        if self.weigh_ins:
            text += f", weigh-ins from a scale {len(self.weigh_ins)}" + listed(self._weigh_ins())
        if self.failed:
            text += f", failed {len(self.failed)}" + listed([f"{n}: {m}" for n, m in self.failed])
        text += self.outage_text()
        return clean_text(text)

    def _weigh_ins(self) -> list[str]:
        """The scale files' lines, their masses in the display's units ('last 72.4 kg' / 'last 159.6 lb')."""
        return [in_units(w, reader(self.display.units)) for w in self.weigh_ins]

    def fetched(self) -> int:
        """Files the sources downloaded tonight."""
        return sum(len(s.downloaded) for s in self.sources)

    def failed_sources(self) -> list[SourceReport]:
        return [s for s in self.sources if s.problem is not None]

    def outage_text(self) -> str:
        """``; fetched 2 (intervals.icu); intervals.icu failed: ...; weather unavailable for 3
        activities (open-meteo ...)``: what the summary line adds about the services of the night
        (nothing when every source and the weather answered and nothing was fetched)."""
        text = ""
        if self.fetched():
            text += f"; fetched {self.fetched()} (" + ", ".join(
                f"{s.source}: {len(s.downloaded)}" for s in self.sources if s.downloaded) + ")"
        for failed in self.failed_sources():
            text += f"; source {failed.source} failed: {failed.problem}"
        for note, count in self.weather_problems.items():
            text += f"; weather unavailable for {count} {'activity' if count == 1 else 'activities'} ({note})"
        return text  # file names: no ESC/BEL in logs, the terminal or the artifact

    def report_uri(self, row: ActivityRow) -> str:
        return (self.data_dir / row.report_dir / "report.html").resolve().as_uri()

    def start_text(self, row: ActivityRow) -> str:
        """'2026-07-18 14:10 (UTC+2)': the activity's start in the athlete's local time (the file's
        offset, else the config's zone: :func:`pipeline.report.view.when_text`), as in ``history``."""
        return when_text(row.start_time, row.utc_offset_s, self.display.timezone, "%Y-%m-%d %H:%M")

    def newest_first(self) -> list[ActivityRow]:
        """The night's activities by start, newest first, as the index and ``history`` list them (an
        undated one, or one whose device clock ran ahead, by when it was processed:
        :meth:`pipeline.store.catalog.Catalog.activities`), not in the order their files finished."""
        def start(row: ActivityRow) -> float:
            when = row.start_time if row.start_time is not None and not clock_ahead(row.start_time) else row.processed_at
            return (when if when.tzinfo is not None else when.replace(tzinfo=UTC)).timestamp()

        return sorted(self.activities, key=start, reverse=True)

    def table_rows(self) -> list[dict[str, Any]]:
        """One row per activity of the night, newest first (:meth:`newest_first`), for the Prefect table
        artifact: ``start`` in local time
        (:meth:`start_text`), numbers in the display's units (keys name them: ``distance_km`` /
        ``distance_mi``, ``sweat_l`` / ``sweat_fl_oz``, ``rate_l_per_h`` / ``rate_fl_oz_per_h``)."""
        imperial = self.display.units == "imperial"
        rows = []
        for a in self.newest_first():
            row: dict[str, Any] = {
                "start": self.start_text(a) if a.start_time is not None else "",
                "source": markdown_text(a.source),  # the Prefect UI renders a table cell as Markdown
                "sport": markdown_text(a.sport),
                "duration_min": round(a.timer_s / 60) if a.timer_s is not None else None,
            }
            if imperial:
                row["distance_mi"] = round(miles(a.distance_m), 1) if a.distance_m is not None else None
                row["sweat_fl_oz"] = round(fl_oz(a.sweat_total_l * 1000), 1) if a.sweat_total_l is not None else None
            else:
                row["distance_km"] = round(a.distance_m / 1000, 1) if a.distance_m is not None else None
                row["sweat_l"] = round(a.sweat_total_l, 2) if a.sweat_total_l is not None else None
            key = "sweat_range_fl_oz" if imperial else "sweat_range_l"
            row[key] = (low_high(a.sweat_low_l, a.sweat_high_l, self.display.units)
                        .removesuffix(" fl oz").removesuffix(" L").replace("–", "-")
                        if a.sweat_low_l is not None and a.sweat_high_l is not None else "")
            if imperial:
                row["rate_fl_oz_per_h"] = (round(fl_oz(a.sweat_rate_l_per_h * 1000))
                                           if a.sweat_rate_l_per_h is not None else None)
            else:
                row["rate_l_per_h"] = round(a.sweat_rate_l_per_h, 2) if a.sweat_rate_l_per_h is not None else None
            row["report"] = self.report_uri(a)
            rows.append(row)
        return rows

    def markdown(self, links_from: Path | None = None) -> str:
        """The Markdown summary (artifact), with links to each report: absolute ``file://`` URIs, or
        relative to the folder ``links_from`` (the summary kept under ``digests/``). Times in the
        athlete's local time, numbers in the display's units (:attr:`display`)."""
        units, zone = self.display.units, self.display.timezone
        lines = [f"# Sweatline nightly run {when_text(self.started_at, None, zone, '%Y-%m-%d %H:%M')}", "",
                 f"**{self._counts()}**", ""]
        if self.activities:
            lines += ["| start | activity | sport | duration | distance | sweat | report |",
                      "|---|---|---|---|---|---|---|"]
            for a, row in zip(self.newest_first(), self.table_rows()):
                sweat = (sweat_with_range(a.sweat_total_l, a.sweat_low_l, a.sweat_high_l, units)
                         if a.sweat_total_l is not None else "–")
                duration = duration_s_text(a.timer_s) if a.timer_s else "–"
                link = row["report"] if links_from is None else os.path.relpath(
                    self.data_dir / a.report_dir / "report.html", links_from).replace(os.sep, "/")
                lines.append(f"| {row['start']} | {row['source']} | {row['sport']} "  # Markdown already
                             f"| {duration} | {distance_text(a.distance_m, units)} | {sweat} | [report.html]({link}) |")
            lines.append("")
        for heading, listed in (("copies of activities already held", self.duplicates),
                                ("archive members not read", self.not_fit),
                                ("set aside on an earlier run (still in the inbox)", self.set_aside_before)):
            if listed:
                lines += [f"## Skipped: {heading}", ""] + [
                    f"- `{markdown_escape(r.name)}`: {markdown_escape(r.reason)}" for r in listed] + [""]
        if self.inboxes_absent:
            lines += ["## Inboxes not read tonight", ""] + [f"- {markdown_escape(w)}" for w in self.inboxes_absent] + [""]
        if self.weigh_ins:
            lines += ["## Weigh-ins from a smart scale", ""] + [f"- {markdown_escape(w)}" for w in self._weigh_ins()] + [""]
        if self.rejected:
            lines += ["## Rejected", ""] + [f"- `{markdown_escape(r.name)}` ({r.kind}): {markdown_escape(r.reason)}" for r in self.rejected] + [""]
        if self.sources:
            lines += ["## Sources", ""] + [f"- {markdown_escape(s.line())}" for s in self.sources] + [""]
        if self.weather_problems:
            lines += ["## Weather unavailable", ""] + [
                f"- {markdown_escape(note)} ({count} {'activity' if count == 1 else 'activities'})"
                for note, count in self.weather_problems.items()] + [""]
        if self.failed:
            lines += ["## Failed (internal errors; retried next run)", ""] + [f"- `{markdown_escape(n)}`: {markdown_escape(m)}" for n, m in self.failed] + [""]
        lines += [f"Reports: `{(self.data_dir / 'reports').resolve()}`", ""]
        return "\n".join(lines)

    def _processed(self) -> tuple[int, list[str]]:
        """The activities processed (what a user counts, and what the progress lines count: a smart
        scale's file holds none, its readings are said apart), and "pair.zip: 2 activities" for each
        file that held several."""
        held = [(name, self.held.get(name, 1)) for name in self.processed_files]
        return sum(n for _, n in held), [f"{name}: {n} activities" for name, n in held if n > 1]

    def _files(self) -> str:
        files = sum(1 for name in self.processed_files if self.held.get(name, 1) > 0)
        return f"{files} file{'' if files == 1 else 's'}"

    def _counts(self) -> str:
        count, several = self._processed()
        text = f"processed {count}" + (f" activities from {self._files()} ("
                                       + "; ".join(markdown_escape(x) for x in several) + ")" if several else "")
        text += f", skipped {self.skipped}, rejected {len(self.rejected)}"
        if self.reestimated:
            text += f", re-estimated {len(self.reestimated)}"
        return text + (f", failed {len(self.failed)}" if self.failed else "")


def members_not_read(members: list[Rejection]) -> str:
    """``3 members not read: 2 .json, 1 .jpg (not an activity file (.fit, .gpx or .tcx)); 1 .zip (a zip
    nested more than 2 levels inside the outer zip (not read))``: archive members grouped by reason, then by suffix
    (the run summary names each member)."""
    groups: dict[str, dict[str, int]] = {}
    for member in members:
        base = member.name.rsplit(":", 1)[-1].rsplit("/", 1)[-1].lower()
        suffix = "." + base.rsplit(".", 1)[-1] if "." in base.lstrip(".") else "(no suffix)"
        counts = groups.setdefault(member.reason.removesuffix(": skipped"), {})
        counts[suffix] = counts.get(suffix, 0) + 1
    parts = [", ".join(f"{n} {suffix}" for suffix, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
             + f" ({why})" for why, counts in groups.items()]
    return f"{len(members)} member{'s' if len(members) != 1 else ''} not read: " + "; ".join(parts)


BUSY_MESSAGE = "another nightly run is in progress; this one did nothing"
INDEX_LINE_FILES = 3
"""Files named per list in the index's line about the night (the run summary names them all)."""

SAME_BYTES = "same_bytes"
"""The kind of a skipped inbox file whose bytes are those of another file of the same inbox."""


def inbox_text(summary: NightlySummary, files: int, new: int) -> str:
    """``6 file(s), 5 new, 1 already in the catalog[, 1 the same bytes as another]`` (after :func:`select_new`)."""
    copies = sum(1 for d in summary.duplicates if d.kind == SAME_BYTES)
    text = f"{files} file(s), {new} new, {summary.skipped - copies} already in the catalog"
    return text + (f", {copies} the same bytes as another" if copies else "")


