"""Reports of real FIT files: the numbers agree with the JSON, every topic is there, nothing from a
file can inject markup."""
from __future__ import annotations

import json
import re

import pytest

from pipeline.core.schema import Report
from pipeline.report.charts import trend_chart_svg
from pipeline.report.render import markdown_escape
from pipeline.report.view import sport_label
from pipeline.report.writer import write_reports

from .helpers import (
    CYCLING,
    EXAMPLE_RIDE,
    HOSTILE,
    MULTISPORT,
    RUNNING,
    TRIATHLON,
    analysis_of,
    during_range,
    hostile_copy,
    rendered,
)

REAL = [CYCLING, RUNNING, TRIATHLON, MULTISPORT, EXAMPLE_RIDE]
TOPICS = ("hydration", "potassium", "calcium", "warm-up")


def numbers_in(text: str) -> set[str]:
    return set(re.findall(r"\d[\d,]*(?:\.\d+)?", text))


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_report_amounts_match_the_json(path):
    files = rendered(path)
    data = json.loads(files["report.json"])
    Report.model_validate(data)  # the SPEC schema round-trips
    assert data["schema_version"] == 1
    md = files["report.md"]
    html = files["report.html"]
    s, p = data["sweat"], data["plan"]
    d = 2 if s["high_l"] < 1 else 1  # two decimals below 1 L, in the headline and the advice alike
    expected = [f"{s['total_l']:.{d}f} L", f"{s['low_l']:.{d}f}–{s['high_l']:.{d}f} L", f"{s['rate_l_per_h']:.2f} L/h",
                f"{p['before_ml']:,.0f} mL", during_range(p['during_ml_per_h'], p['during_max_ml_per_h']),
                f"{p['after_ml']:,.0f} mL",
                f"{round(s['potassium_mg'], -1):,.0f} mg"]
    for text in expected:
        assert text in md, (text, "markdown")
        assert text in html, (text, "html")
    # the plan's amounts are the ones the advice text quotes
    hydration = next(a["text"] for a in data["advice"] if a["topic"] == "hydration")
    per_hour = during_range(p['during_ml_per_h'], p['during_max_ml_per_h']) + " per hour"
    assert (f"about {per_hour}" in hydration or (p["during_max_ml_per_h"] > p["during_ml_per_h"] and per_hour in hydration)
            or f"up to {p['during_max_ml_per_h']:,.0f} mL per hour" in hydration)     # short one: a ceiling
    assert f"After: about {p['after_ml']:,.0f} mL" in hydration
    # never drink more than is lost
    assert 0 < p["during_ml_per_h"] <= 1000 * s["rate_l_per_h"]
    assert p["during_ml_per_h"] <= 1000 * s["rate_l_per_h"] * s["low_l"] / s["total_l"] + 1e-6
    assert p["during_ml_per_h"] <= p["during_max_ml_per_h"] <= 1000 * s["rate_l_per_h"] + 1e-6


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_every_topic_is_in_all_three_files(path):
    files = rendered(path)
    data = json.loads(files["report.json"])
    topics = [a["topic"] for a in data["advice"]]
    assert set(TOPICS) <= set(topics)
    html = files["report.html"]
    md = files["report.md"]
    for topic in topics:
        assert f'id="advice-{topic}"' in html
    for item in data["advice"]:
        first_words = item["text"][:60]
        assert markdown_escape(first_words) in md
    low = html.lower()
    for word in ("banana", "potato", "water", "stretch"):
        assert word in low and word in md.lower()
    assert data["disclaimer"] and "not medical advice" in html and "not medical advice" in md
    assert "<svg" in html


@pytest.mark.parametrize("path", [MULTISPORT, TRIATHLON], ids=lambda p: p.name)
def test_multisport_has_a_leg_table(path):
    analysis = analysis_of(path)
    legs = analysis.report.legs
    assert legs is not None and len(legs) > 1
    html, md = rendered(path)["report.html"], rendered(path)["report.md"]
    table = html.split("<h2>Legs</h2>", 1)[1].split("</table>", 1)[0]
    assert table.count("<tr>") == len(legs) + 1  # header + one per leg
    md_rows = [line for line in md.splitlines() if re.match(r"^\| \d+ \| ", line)]
    assert len(md_rows) == len(legs)
    transitions = 0
    for leg, row in zip(legs, md_rows):
        if leg.sport == "transition":  # T1, T2 as triathletes say; other legs as people name them
            transitions += 1
            assert f"| T{transitions} |" in row
        else:
            assert f"| {sport_label(leg.sport, leg.sub_sport)} |" in row and "_" not in row.split("|")[2]
        if leg.sweat is not None:
            digits = 2 if max(leg.sweat.total_l, leg.sweat.high_l) < 1 else 1  # '0.02 L', never '0.0 L'
            assert f"{leg.sweat.total_l:.{digits}f} L" in row


def test_the_page_is_self_contained():
    html = rendered(CYCLING)["report.html"]
    low = html.lower()
    assert "<script" not in low
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", low)
    assert "@import" not in low and not re.search(r"url\(\s*['\"]?(?!#)", low)  # only local url(#clip) refs
    assert "http-equiv=\"content-security-policy\"" in low and "default-src 'none'" in low
    assert low.count("<svg") >= 2  # the sweat-rate chart and the session chart
    assert "<?xml" not in low and "<!doctype svg" not in low


def test_hostile_names_are_escaped_everywhere(tmp_path):
    analysis = hostile_copy(analysis_of(MULTISPORT))
    paths = write_reports(analysis, tmp_path / "r")
    html = paths.html_path.read_text()
    md = paths.markdown_path.read_text()
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in md.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md
    # the JSON keeps the name as data, properly quoted
    assert json.loads(paths.json_path.read_text())["activity"]["device"] == HOSTILE


def test_markdown_escape_keeps_tables_and_emphasis_intact():
    assert markdown_escape("a|b*c_d`e[f](g)\nh") == r"a\|b\*c\_d\`e\[f\](g) h"
    assert markdown_escape("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;"
    assert markdown_escape(None) == ""


def test_chart_svg_text_is_escaped():
    svg = trend_chart_svg([HOSTILE, "Tue"], [1.0, 2.0], [200.0, 400.0], 3400.0)
    assert "<script" not in svg.lower()
    assert "&lt;script&gt;" in svg
    # and it parses as XML, the hostile day label back as its own characters
    import xml.etree.ElementTree as ET

    words = [t.text for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert HOSTILE in words


def test_write_reports_leaves_no_temporary_files(tmp_path):
    out = tmp_path / "r"
    write_reports(analysis_of(RUNNING), out)
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.json", "report.md"]
    write_reports(analysis_of(RUNNING), out)  # rewriting replaces, never appends
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.json", "report.md"]


def test_a_planned_session_renders_without_an_activity():
    from pipeline.physiology.planned import PlannedSession
    from pipeline.report.render import render_html, render_markdown
    from pipeline.usecases.analyse import analyse_plan

    from .helpers import CONFIG

    analysis = analyse_plan(PlannedSession("running", 2.5 * 3600, speed_kmh=11.0), CONFIG)
    html, md = render_html(analysis), render_markdown(analysis)
    assert "<h1>Planned run: 2 h 30 min at" in html and md.startswith("# Planned run: 2 h 30 min at")
    # the sweat-rate chart, for a desktop and for a phone; no time series for a session not yet done
    roots = re.findall(r"<svg\b[^>]*>", html)
    assert [re.search(r'class="([^"]+)"', root).group(1) for root in roots] == ["chart-wide", "chart-narrow"]
    assert html.count("<svg") == 2
    plan = analysis.report.plan
    assert f"{during_range(plan.during_ml_per_h, plan.during_max_ml_per_h)} per hour" in md and "Sweat expected" in md
