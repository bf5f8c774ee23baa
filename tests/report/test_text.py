"""Terminal text of `sweatline ride` and `sweatline plan`: the same numbers as the JSON, nothing unsafe."""
from __future__ import annotations

from pipeline.physiology.planned import PlannedSession
from pipeline.report.text import headline_text, plan_text, terminal_safe
from pipeline.usecases.analyse import analyse_plan

from .helpers import CONFIG, CYCLING, analysis_of, during_range


def test_headline_has_the_numbers_and_the_report_path():
    report = analysis_of(CYCLING).report
    text = headline_text(report, report_path="/data/reports/x/report.html")
    s, p = report.sweat, report.plan
    # the sport as people say it (FIT cycling/road), the start in the file's own local time (UTC−5 there)
    assert text.splitlines()[0].startswith(CYCLING.name + ": road ride on Sat 07 Nov 2020, ")
    assert "(UTC−5), 2 h" in text.splitlines()[0]
    for needle in (f"{s.total_l:.1f} L", f"{s.rate_l_per_h:.2f} L/h", f"{during_range(p.during_ml_per_h, p.during_max_ml_per_h)}/h",
                   f"{p.after_ml:,.0f} mL", "report: /data/reports/x/report.html"):
        assert needle in text
    assert "report:" not in headline_text(report)


def test_control_characters_from_a_file_never_reach_the_terminal():
    report = analysis_of(CYCLING).report.model_copy(deep=True)
    report.activity.source = "evil\x1b[2J\x1b]0;pwned\x07\u202e.fit"
    text = headline_text(report)
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert terminal_safe("a\tb\nc") == "a?b?c"


def test_plan_text_tells_tomorrows_4_hour_ride():
    session = PlannedSession("cycling", 4 * 3600.0, power_w=180.0)
    analysis = analyse_plan(session, CONFIG)
    report = analysis.report
    assert report.activity is None and report.plan is not None
    text = plan_text(report, duration_s=session.duration_s, sport=session.sport)
    assert text.splitlines()[0].startswith("Planned ride: 4 h at")
    p = report.plan
    for needle in ("Drinking plan:", f"{p.before_ml:,.0f} mL", f"{during_range(p.during_ml_per_h, p.during_max_ml_per_h)} per hour",
                   f"{p.carry_bottles}", f"{p.after_ml:,.0f} mL", "Potassium:", "Calcium:", "Warm-up and stretching:",
                   "banana", "not medical advice"):
        assert needle in text, needle
    assert all(len(line) <= 80 for line in text.splitlines() if not line.startswith("  Sweat"))
