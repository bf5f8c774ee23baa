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
