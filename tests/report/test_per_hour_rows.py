"""A recorded session's report shows sodium per hour and the carbohydrate per hour for the next
session like it, the latter from the sources' duration bands (Thomas et al. 2016: 1–2.5 h,
30–60 g/h; beyond 2.5 h up to 90 g/h, Jeukendrup 2014)."""
from __future__ import annotations

from report.helpers import EXAMPLE_RIDE, analysis_of

from pipeline.report.render import render_html, render_markdown
from pipeline.report.view import report_view


def test_the_example_ride_shows_sodium_and_carbohydrate_per_hour() -> None:
    analysis = analysis_of(EXAMPLE_RIDE)
    report = analysis.report
    hours = report.activity.timer_s / 3600.0
    assert 1.0 <= hours < 2.5  # Thomas et al. 2016's 1–2.5 h band: up to 60 g/h
    rows = {row.label: row for row in report_view(report).details}
    assert rows["Carbohydrate"].value == "60 g per hour"
    sodium_per_h = round(report.sweat.sodium_mg / hours, -1)  # mg/h, to 10 mg
    assert f"about {sodium_per_h:,.0f} mg per hour" in rows["Sodium lost"].note
    html, markdown = render_html(analysis), render_markdown(analysis)
    for page in (html, markdown):
        assert "60 g per hour" in page and f"{sodium_per_h:,.0f} mg per hour" in page
