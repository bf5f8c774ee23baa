"""``reports/index.html`` + ``index.md``: the front door lists every activity, newest first, with
relative links that resolve — also after a night with nothing new."""
from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote

from shared_paths import SAMPLES

from pipeline.core.config import load_config
from pipeline.report.digest import DigestRow
from pipeline.report.index import build_index, render_index_html, render_index_markdown, sport_label
from pipeline.store.catalog import Catalog
from pipeline.usecases.commit import record_outcome
from pipeline.usecases.inbox import scan_inbox
from pipeline.usecases.ingest import process_file
from pipeline.usecases.nightly import finish_nightly, hash_files, select_new, start_nightly, write_nightly_digest

from .helpers import HOSTILE

FIRST = ["garmin-fenix6-swimming-11min-open-water.fit", "garmin-fenix2-running-47min.fit"]
SECOND = ["garmin-edge530-cycling-18min-indoor-hrv.fit"]


def _night(config_path: Path) -> str:
    """One nightly run with the flow's plain steps (no Prefect): new files, then the digest."""
    config = load_config(config_path)
    with Catalog(config.data_dir) as catalog:
        summary = start_nightly(catalog, config, Path(config.inbox), rebuild=False, workers=None, orchestrator="local")
        files = scan_inbox(Path(config.inbox))
        for f, sha in select_new(files, hash_files(files), catalog.known_hashes(), summary):
            summary.add(record_outcome(catalog, process_file(f.path, config, run_id=summary.run_id, sha256=sha)))
        summary.digest_path = write_nightly_digest(summary, config)
        return finish_nightly(catalog, summary)


def _links(reports: Path) -> tuple[list[str], list[str]]:
    html = (reports / "index.html").read_text()
    md = (reports / "index.md").read_text()
    return re.findall(r'href="([^"]+)"', html), re.findall(r"\]\(([^)]+)\)", md)


def test_index_lists_everything_newest_first_after_a_night_with_nothing_new(tmp_path: Path) -> None:
    inbox, data = tmp_path / "inbox", tmp_path / "data"
    inbox.mkdir()
    for name in FIRST + SECOND:
        shutil.copy(SAMPLES / name, inbox / name)
    config = tmp_path / "sweatline.yaml"
    config.write_text(f"inbox: {inbox}\ndata_dir: {data}\n"
                      'nightly: {cron: "0 3 * * *", timezone: "Europe/Berlin"}\n'
                      "weather: {provider: none}\n"
                      "athlete: {name: test, body_mass_kg: 70, height_cm: 178, sex: male, age: 35}\n")
    assert _night(config).startswith("processed 3, skipped 0")
    assert _night(config) == "processed 0, skipped 3, rejected 0"

    reports = data / "reports"
    md = (reports / "index.md").read_text()
    html = (reports / "index.html").read_text()
    assert "processed 0, skipped 3, rejected 0" in md and "processed 0, skipped 3, rejected 0" in html
    with Catalog(data) as catalog:
        rows = catalog.activities()
    assert len(rows) == 3
    newest_first = sorted(rows, key=lambda r: r.start_time, reverse=True)
    table = [line for line in md.splitlines() if line.startswith("| ") and not line.startswith("| Date")]
    assert len(table) == 3
    for line, row in zip(table, newest_first):
        assert row.report_dir.split("/")[-1] in line, (line, row.source)
    assert "open water swim" in md and "indoor ride" in md and "| run |" in md
    assert "file:" not in md and "file:" not in html and str(tmp_path) not in md + html
    assert re.search(r"\| 47 min \|", md)
    html_links, md_links = _links(reports)
    report_links = [link for link in md_links if link.endswith("report.html")]
    assert len(report_links) == 3 and len([h for h in html_links if h.endswith("report.html")]) == 3
    for link in html_links + md_links:
        assert not link.startswith("/") and "://" not in link, link
        assert (reports / unquote(link)).resolve().is_file(), link
    # the run summaries are kept, one per night; the first one's report links are relative and resolve
    kept = sorted((data / "digests").glob("*-nightly.md"))
    assert len(kept) == 2
    first = kept[0].read_text()
    links = [link for link in re.findall(r"\]\(([^)]+)\)", first) if link.endswith("report.html")]
    assert len(links) == 3 and "file:" not in first
    assert all((kept[0].parent / link).resolve().is_file() for link in links)
    # and every other link of it resolves too (the digest pages live in reports/, not beside it)
    every = re.findall(r"\]\(([^)]+)\)", first)
    assert any(link.endswith("digest.html") for link in every)
    assert all((kept[0].parent / unquote(link)).resolve().is_file() for link in every), every
    digest_md = (reports / "digest.md").read_text()
    assert "| indoor ride |" in digest_md  # the digest names sports as people do too (its last 7 days)


def _row(i: int, start: datetime, hours: float, source: str, sport: str = "cycling", sub: str | None = None) -> DigestRow:
    return DigestRow(id=f"{i:064x}", source=source, sport=sport, sub_sport=sub, start_time=start, timer_s=hours * 3600,
                     sweat_total_l=hours * 0.8, sweat_low_l=hours * 0.55, sweat_high_l=hours * 1.1,
                     report_dir=f"reports/2026-07-0{i}-{sport}-{i:010x}")


def test_index_formats_durations_local_dates_and_escapes_file_names() -> None:
    rows = [_row(1, datetime(2026, 7, 1, 6, 0, tzinfo=UTC), 571 / 60, "long.fit"),
            _row(2, datetime(2026, 7, 2, 22, 30, tzinfo=UTC), 0.1, HOSTILE + "|x.fit", "swimming", "open_water")]
    page = build_index(rows, timezone="Europe/Berlin", night="processed 1, skipped 0, rejected 0",
                       night_at=datetime(2026, 7, 3, 1, 0, tzinfo=UTC), today=datetime(2026, 7, 3, 8, 0, tzinfo=UTC))
    assert [r.source for r in page.rows] == [HOSTILE + "|x.fit", "long.fit"]
    assert page.rows[1].duration == "9 h 31 min" and page.rows[0].date.startswith("Fri 03 Jul 2026 00:30")
    assert page.rows[0].sport == "open water swim" and page.rows[0].sweat == "0.08 L (0.06–0.11 L)"
    assert page.week_activities == 2
    html, md = render_index_html(page), render_index_markdown(page)
    assert "<script" not in html.lower() and "&lt;script&gt;" in html
    assert "<script" not in md.lower() and r"&lt;script&gt;alert(1)&lt;/script&gt;\|x.fit" in md
    assert "9 h 31 min" in html and "9 h 31 min" in md


def test_sport_labels() -> None:
    assert sport_label("swimming", "open_water") == "open water swim"
    assert sport_label("swimming", "lap_swimming") == "pool swim"
    assert sport_label("running", "generic") == "run"
    assert sport_label("cycling", "indoor_cycling") == "indoor ride"
    assert sport_label("stand_up_paddleboarding") == "stand-up paddle"
    assert sport_label("floor_climbing", None) == "floor climbing"


def test_what_people_read_has_hours_plurals_and_sensible_precision(tmp_path: Path) -> None:
    from pipeline.report.digest import build_digest, history_table, render_digest_markdown
    from pipeline.report.view import signed_loss_pct, sweat_with_range
    from pipeline.store.catalog import ActivityRow
    from pipeline.usecases.nightly_summary import NightlySummary

    assert sweat_with_range(0.08, 0.06, 0.11) == "0.08 L (0.06–0.11 L)"
    assert sweat_with_range(1.3, 0.9, 1.8) == "1.3 L (0.9–1.8 L)"
    assert signed_loss_pct(-0.01) == "0 %" and signed_loss_pct(0.04) == "0 %" and signed_loss_pct(1.64) == "−1.6 %"
    one = [_row(1, datetime(2026, 7, 1, 6, 0, tzinfo=UTC), 571 / 60, "long.fit")]
    md = render_digest_markdown(build_digest(one, timezone="UTC"))
    assert "1 activity;" in md and "1 activities" not in md and "9 h 31 min" in md
    table = history_table(one)
    assert "9 h 31 min" in table and "571 min" not in table
    row = ActivityRow(id="a" * 64, file_sha256="a" * 64, source="long.fit", sport="cycling",
                      start_time=datetime(2026, 7, 1, 6, 0, tzinfo=UTC), timer_s=571 * 60, sweat_total_l=0.08,
                      sweat_low_l=0.06, sweat_high_l=0.11, report_dir="reports/x", processed_at=datetime.now(UTC))
    summary = NightlySummary(run_id="r", inbox=tmp_path, data_dir=tmp_path, started_at=datetime.now(UTC), activities=[row])
    text = summary.markdown()
    assert "9 h 31 min" in text and "571 min" not in text and "0.08 L (0.06–0.11 L)" in text


def test_the_index_line_names_a_few_rejections_and_counts_the_rest() -> None:
    # A new user's first night over an inbox with 11 bad files put a 1,500-character line at the top
    # of the index; the index names INDEX_LINE_FILES of them and points at the run summary for the rest.
    from datetime import UTC, datetime
    from pathlib import Path

    from pipeline.usecases.nightly_summary import INDEX_LINE_FILES, NightlySummary, Rejection

    bad = [Rejection(name=f"broken-{i:02d}.fit", kind="truncated", reason="the file ends before its data")
           for i in range(11)]
    summary = NightlySummary(run_id="r", inbox=Path("in"), data_dir=Path("data"), started_at=datetime.now(UTC),
                             rejected=bad, processed_files=["ride.fit"])
    short = summary.line(limit=INDEX_LINE_FILES)
    assert short.startswith("processed 1, skipped 0, rejected 11 (")
    assert [f"broken-{i:02d}.fit" in short for i in range(11)] == [i < INDEX_LINE_FILES for i in range(11)]
    assert f"and {11 - INDEX_LINE_FILES} more: see the run summary" in short
    assert all(f"broken-{i:02d}.fit" in summary.line() for i in range(11))  # the terminal line names them all
