"""The night's one line names what the services did: a weather outage (from the notes processing
left on each activity) and each source's files or failure."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pipeline.report.text import markdown_escape
from pipeline.sources import SourceReport
from pipeline.store.catalog import ActivityRow, FileRow
from pipeline.usecases.nightly_summary import NightlySummary
from pipeline.usecases.outcome import FileOutcome, ProcessedActivity

NOTE = "open-meteo weather not used: no answer within 5 s; weather from the next source"


def _outcome(name: str, warnings: list[str]) -> FileOutcome:
    now = datetime.now(UTC)
    sha = name.encode().hex().ljust(64, "0")[:64]
    row = ActivityRow(id=sha, file_sha256=sha, source=name, sport="cycling", start_time=now, timer_s=3600,
                      sweat_total_l=0.8, report_dir=f"reports/{name}", processed_at=now)
    return FileOutcome(file=FileRow(sha256=sha, name=name, path=f"/inbox/{name}", size_bytes=1, status="processed",
                                    activities=1, first_seen_at=now, processed_at=now),
                       status="processed", activities=[ProcessedActivity(row=row, report_dir=Path("/r"), warnings=warnings)])


def test_a_weather_outage_and_a_failed_source_are_named_in_the_line_and_the_summary(tmp_path: Path) -> None:
    summary = NightlySummary(run_id="r", inbox=tmp_path, data_dir=tmp_path, started_at=datetime.now(UTC))
    summary.sources = [SourceReport(source="intervals.icu", problem="no answer within 30 s (https://intervals.icu)")]
    summary.add(_outcome("a.fit", [f"weather: {NOTE}", "a device note"]))
    summary.add(_outcome("b.fit", [f"weather: {NOTE}"]))
    summary.add(_outcome("c.fit", []))

    assert summary.line() == ("processed 3, skipped 0, rejected 0; source intervals.icu failed: no answer within 30 s "
                              f"(https://intervals.icu); weather unavailable for 2 activities ({NOTE})")
    text = summary.markdown()
    said = markdown_escape("intervals.icu failed: no answer within 30 s (https://intervals.icu)")  # no live link
    assert f"## Sources\n\n- {said}" in text
    assert f"## Weather unavailable\n\n- {NOTE} (2 activities)" in text


def test_a_night_without_sources_or_outages_keeps_its_line(tmp_path: Path) -> None:
    summary = NightlySummary(run_id="r", inbox=tmp_path, data_dir=tmp_path, started_at=datetime.now(UTC))
    summary.add(_outcome("a.fit", []))
    assert summary.line() == "processed 1, skipped 0, rejected 0"
    summary.sources = [SourceReport(source="intervals.icu", listed=2, downloaded=["x.fit", "y.fit"])]
    assert summary.line() == "processed 1, skipped 0, rejected 0; fetched 2 (intervals.icu: 2)"


def _several(name: str, starts: list[datetime]) -> FileOutcome:
    """A file (a zip) that held one activity per start."""
    now = datetime.now(UTC)
    activities = []
    for i, start in enumerate(starts):
        sha = f"{name}{i}".encode().hex().ljust(64, "0")[:64]
        row = ActivityRow(id=sha, file_sha256=sha, source=f"{name}:{i}.fit", sport="running", start_time=start,
                          timer_s=1800, sweat_total_l=0.5, report_dir=f"reports/{name}{i}", processed_at=now)
        activities.append(ProcessedActivity(row=row, report_dir=Path("/r"), warnings=[]))
    sha = name.encode().hex().ljust(64, "0")[:64]
    return FileOutcome(file=FileRow(sha256=sha, name=name, path=f"/inbox/{name}", size_bytes=1, status="processed",
                                    activities=len(starts), first_seen_at=now, processed_at=now),
                       status="processed", activities=activities)


def test_the_line_counts_activities_and_names_a_file_that_held_several(tmp_path: Path) -> None:
    """Five files, one a zip of two activities: six activities processed, as the progress lines count
    them, the zip named; the run summary's table lists them by start, newest first, not as the files finished."""
    summary = NightlySummary(run_id="r", inbox=tmp_path, data_dir=tmp_path, started_at=datetime.now(UTC))
    days = [datetime(2026, 7, day, 8, 0, tzinfo=UTC) for day in (3, 9, 1, 7, 5, 4)]
    for name, start in zip("abcd", days[:4]):
        summary.add(_several(f"{name}.fit", [start]))
    summary.add(_several("pair.zip", days[4:]))
    assert summary.line() == "processed 6 activities from 5 files (pair.zip: 2 activities), skipped 0, rejected 0"
    text = summary.markdown()
    assert "**processed 6 activities from 5 files (pair.zip: 2 activities), skipped 0, rejected 0**" in text
    table = [line for line in text.splitlines() if line.startswith("| 2026-07-")]
    assert [line[2:12] for line in table] == [f"2026-07-0{day}" for day in (9, 7, 5, 4, 3, 1)], table
    assert [row["start"][:10] for row in summary.table_rows()] == [line[2:12] for line in table]
    single = NightlySummary(run_id="r", inbox=tmp_path, data_dir=tmp_path, started_at=datetime.now(UTC))
    single.add(_several("a.fit", days[:1]))
    assert single.line() == "processed 1, skipped 0, rejected 0"  # one activity a file: the line as it was


def test_a_scales_readings_are_in_the_readers_units(tmp_path: Path) -> None:
    """A smart scale's file: its last reading in kg or in lb (NIST SP 811 B.8: 1 lb = 0.453 592 37 kg),
    in the line and the run summary; the file holds no activity to count."""
    from pipeline.fit.readings import ScaleReading
    from pipeline.report.view import Display

    now = datetime.now(UTC)
    readings = [ScaleReading(timestamp=datetime(2026, 7, 1, 7, tzinfo=UTC), weight_kg=72.44),
                ScaleReading(timestamp=datetime(2026, 7, 1, 9, tzinfo=UTC), weight_kg=71.61)]
    scale = FileOutcome(file=FileRow(sha256="5" * 64, name="scale.fit", path="/inbox/scale.fit", size_bytes=1,
                                     status="processed", activities=0, first_seen_at=now, processed_at=now),
                        status="processed", scale_readings=readings)
    for units, last in (("metric", f"{71.61:.1f} kg"), ("imperial", f"{71.61 / 0.45359237:.1f} lb")):
        summary = NightlySummary(run_id="r", inbox=tmp_path, data_dir=tmp_path, started_at=now,
                                 display=Display(units=units))
        summary.add(scale)
        summary.add(_several("a.fit", [now]))
        said = f"scale.fit: 2 weight reading(s), last {last}"
        assert summary.line() == f"processed 1, skipped 0, rejected 0, weigh-ins from a scale 1 ({said})"
        assert f"- {markdown_escape(said)}" in summary.markdown()
