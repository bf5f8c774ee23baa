"""The digest (daily/weekly) and the history table, from typed rows as the catalog gives them."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from pipeline.report.digest import (
    DigestRow,
    build_digest,
    history_table,
    render_digest_html,
    render_digest_markdown,
    write_digest_pages,
)
from pipeline.store.catalog import ActivityRow

from .helpers import HOSTILE


def row(i: int, start: datetime, hours: float, litres: float, potassium: float, source: str | None = None) -> DigestRow:
    return DigestRow(id=f"{i:064x}", source=source or f"ride-{i}.fit", sport="cycling", start_time=start,
                     timer_s=hours * 3600, distance_m=hours * 28000, sweat_total_l=litres, sweat_low_l=litres * 0.7,
                     sweat_high_l=litres * 1.35, sweat_rate_l_per_h=litres / hours, potassium_mg=potassium)


ROWS = [
    row(1, datetime(2026, 7, 13, 6, 0, tzinfo=UTC), 1.0, 0.8, 170),
    row(2, datetime(2026, 7, 15, 17, 0, tzinfo=UTC), 2.0, 1.6, 340),
    row(3, datetime(2026, 7, 15, 22, 30, tzinfo=UTC), 0.5, 0.4, 85),     # 00:30 on the 16th in Berlin
    row(4, datetime(2026, 7, 18, 9, 0, tzinfo=UTC), 4.5, 3.9, 820),
    row(5, datetime(2026, 7, 6, 9, 0, tzinfo=UTC), 3.0, 2.0, 400),       # the week before
]


def test_days_are_local_days_and_sums_are_per_day():
    digest = build_digest(ROWS, end=date(2026, 7, 19), days=7, timezone="Europe/Berlin", sex="male")
    by_day = {t.day: t for t in digest.days}
    assert len(digest.days) == 7 and digest.first_day == date(2026, 7, 13)
    assert by_day[date(2026, 7, 15)].fluid_l == pytest.approx(1.6)
    assert by_day[date(2026, 7, 16)].fluid_l == pytest.approx(0.4)      # late-night UTC counts to the local day
    assert by_day[date(2026, 7, 18)].potassium_mg == pytest.approx(820)
    # NASEM 2019 adequate intake for men, 3,400 mg/day
    assert by_day[date(2026, 7, 18)].potassium_share_of_ai == pytest.approx(820 / 3400)
    assert by_day[date(2026, 7, 14)].activities == 0 and by_day[date(2026, 7, 14)].potassium_share_of_ai is None
    assert digest.total_fluid_l == pytest.approx(0.8 + 1.6 + 0.4 + 3.9)
    assert digest.longest is not None and digest.longest.id == f"{4:064x}"
    utc = build_digest(ROWS, end=date(2026, 7, 19), days=7, timezone="UTC")
    assert {t.day: t for t in utc.days}[date(2026, 7, 15)].fluid_l == pytest.approx(2.0)


def test_weeks_sum_iso_weeks():
    digest = build_digest(ROWS, end=date(2026, 7, 19), weeks=4, timezone="UTC")
    weeks = {(w.year, w.week): w for w in digest.weeks}
    assert weeks[(2026, 28)].fluid_l == pytest.approx(2.0)                 # 6 Jul 2026 is in ISO week 28
    assert weeks[(2026, 29)].fluid_l == pytest.approx(0.8 + 1.6 + 0.4 + 3.9)
    assert digest.weeks[0].activities > 0                                   # no empty weeks before the first


def test_unknown_sex_uses_the_lower_adequate_intake_and_says_so():
    digest = build_digest(ROWS, end=date(2026, 7, 19), timezone="UTC")
    assert digest.potassium_ai_mg is None
    assert {t.day: t for t in digest.days}[date(2026, 7, 18)].potassium_share_of_ai == pytest.approx(820 / 2600)
    assert "2,600 mg for women" in render_digest_markdown(digest)


def test_renderings_agree_and_escape_file_names(tmp_path):
    rows = ROWS + [row(6, datetime(2026, 7, 19, 7, 0, tzinfo=UTC), 1.0, 0.9, 190, source=HOSTILE + "|x.fit")]
    digest = build_digest(rows, end=date(2026, 7, 19), timezone="UTC", sex="female")
    html = render_digest_html(digest)
    md = render_digest_markdown(digest)
    assert "<script" not in html.lower() and "&lt;script&gt;" in html
    assert "<script" not in md.lower() and r"&lt;script&gt;alert(1)&lt;/script&gt;\|x.fit" in md
    assert "<svg" in html
    for text in (f"{digest.total_fluid_l:.1f} L", "2,600 mg a day", "Sat 18 Jul", "4 h 30 min"):
        assert text in html and text in md, text
    html_path, md_path = write_digest_pages(digest, tmp_path)
    assert html_path.read_text() and md_path.read_text() == md


def test_history_table_takes_catalog_rows():
    catalog_row = ActivityRow(id="a" * 64, file_sha256="a" * 64, source="long.fit", sport="running",
                              start_time=datetime(2026, 7, 1, 6, 0, tzinfo=UTC), timer_s=5400, distance_m=15000,
                              sweat_total_l=1.3, sweat_low_l=0.9, sweat_high_l=1.8, sweat_rate_l_per_h=0.87,
                              potassium_mg=260, report_dir="reports/a", processed_at=datetime.now(UTC))
    text = history_table([catalog_row, ROWS[0]])
    lines = text.splitlines()
    assert len(lines) == 4 and lines[0].startswith("start (local time)")
    assert lines[2].startswith("2026-07-13 06:00") and lines[3].startswith("2026-07-01 06:00")  # newest first
    assert "long.fit" in lines[3] and "1 h 30 min" in lines[3] and "15.0 km" in lines[3] and "0.87 L/h" in lines[3]
    assert len({len(line) for line in lines[:2]}) == 1  # header and rule aligned
    assert history_table([]) == "no processed activities yet"


def test_the_weigh_ins_table_is_in_the_readers_units() -> None:
    """history's and the digest's weigh-ins, measured next to model: litres, or US fl oz by NIST SP 811
    B.8 (1 US fl oz = 29.573 529 562 5 mL), each cell made in the reader's units."""
    from datetime import UTC, datetime

    from pipeline.report.weighins import weighins_markdown, weighins_text
    from pipeline.store.weighins import WeighInComparison

    row = WeighInComparison(activity_id="a" * 64, activity_source="run.fit", sport="running",
                            start_time=datetime(2026, 7, 18, 8, tzinfo=UTC), source="manual", measured_l=1.32,
                            lower_bound=False, measured_rate_l_per_h=1.09, model_l=0.78, ratio=1.32 / 0.78)
    ml_per_fl_oz = 29.573_529_562_5
    for table in (weighins_text([row], []), weighins_markdown([row], [])):
        assert "1.32 L" in table and "0.78 L" in table and "fl oz" not in table, table
    for table in (weighins_text([row], [], units="imperial"), weighins_markdown([row], [], units="imperial")):
        assert f"{1320 / ml_per_fl_oz:.0f} fl oz" in table and f"{780 / ml_per_fl_oz:.0f} fl oz" in table, table
        assert " L " not in table and "1.69" in table, table  # the ratio has no unit


def test_history_tells_apart_the_activities_of_one_export_zip():
    """Two rides of one Garmin export, members of a zip inside it, were both listed as
    "garmin-export.zip:DI_CONNECT/DI-Connect…" (the first 39 characters): the table names each by the
    outer zip and the member's own file name."""
    part = "garmin-export.zip:DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip"
    rows = [row(1, datetime(2026, 7, 13, 6, 0, tzinfo=UTC), 1.0, 0.8, 170, source=f"{part}:1111111111.fit"),
            row(2, datetime(2026, 7, 14, 6, 0, tzinfo=UTC), 1.0, 0.8, 170, source=f"{part}:2222222222.fit")]
    lines = history_table(rows).splitlines()
    assert "garmin-export.zip:…/2222222222.fit" in lines[2] and "garmin-export.zip:…/1111111111.fit" in lines[3]


def test_a_source_label_keeps_the_members_own_name():
    from pipeline.core.untrusted import source_label

    assert source_label("ride.fit") == "ride.fit"
    assert source_label("export.zip:ride.fit") == "export.zip:ride.fit"  # at the zip's top: nothing left out
    assert source_label("export.zip:activities/111.fit.gz") == "export.zip:…/111.fit.gz"
    assert source_label("a.zip:b/c.zip:d/e.fit") == "a.zip:…/e.fit"
    # 40 characters at most: the outer zip's name is cut first, to 40 − 3 (":…/") − 14 (the own name) − 1 ("…")
    long_outer = "a-very-long-export-name-from-the-cloud.zip:x/0123456789.fit"
    assert source_label(long_outer, 40) == long_outer[:40 - 3 - 14 - 1] + "…:…/0123456789.fit"
    assert len(source_label(long_outer, 40)) == 40
    assert source_label("x.zip:" + "n" * 50 + ".fit", 20) == "…" + ("n" * 50 + ".fit")[-19:]
    assert source_label("p" * 50 + ".fit", 40) == ("p" * 50)[:39] + "…"


def test_a_digest_of_an_older_week_says_it_ends_with_the_latest_activity():
    """On 8 Dec 2026 with the newest activity on 21 Nov, the digest covers the 7 days up to 21 Nov
    (not an empty week) and its heading line says why: 17 days before today, none since."""
    rows = [row(1, datetime(2026, 11, 21, 8, 0, tzinfo=UTC), 1.0, 0.8, 300.0)]
    digest = build_digest(rows, timezone="UTC", today=date(2026, 12, 8))
    assert (digest.first_day, digest.last_day) == (date(2026, 11, 15), date(2026, 11, 21))
    expected = "The 7 days up to the latest activity, on Sat 21 Nov 2026: none since (17 days before today, Tue 08 Dec)."
    assert digest.span_note == expected
    html = render_digest_html(digest)
    sub = html[html.index('<p class="sub">'):]
    assert sub[:sub.index("</p>")].endswith(expected)
    assert expected in render_digest_markdown(digest)
    current = build_digest(rows, timezone="UTC", today=date(2026, 11, 21))
    assert current.span_note == "" and "latest activity" not in render_digest_html(current)
