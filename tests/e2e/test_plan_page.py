"""plan.html of ``plan --course`` in a real browser (Debian's headless Chromium), at a desktop's
1280 px and a phone's 390 px: it loads offline with no script, console message or network request,
nothing scrolls sideways, the chart meant for the width is the one shown with its text at 10 px or
more, the segment table reads as labelled rows on a phone, and the page says what the JSON says."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import run_cli
from course_files import HILLY, profile_points, write_gpx

from .chromium import find_chromium, load_page
from .test_browser import LAYOUT_PROBE, MIN_CHART_TEXT_PX, assert_clean_load

pytestmark = pytest.mark.slow(reason="opens the plan page in headless Chromium (Debian's chromium)")


def _planned_page(folder: Path, speed: str, temp: str, config_extra: str = "") -> tuple[Path, dict]:
    """plan.html and plan.json of a hilly running course planned into ``folder`` (``--speed`` and
    ``--temp`` typed in the config's units)."""
    if find_chromium() is None:
        pytest.fail("chromium is not installed (`apt-get update && apt-get install -y chromium`)", pytrace=False)
    route = write_gpx(folder / "hilly.gpx", profile_points(HILLY))
    config = folder / "sweatline.yaml"
    config.write_text(f"data_dir: {folder / 'data'}\ninbox: {folder / 'inbox'}\n{config_extra}")
    result = run_cli("plan", "--course", str(route), "--sport", "running", "--start", "2027-06-12T06:00+00:00",
                     "--speed", speed, "--temp", temp, "--humidity", "55", "--aid-km", "5,10,15",
                     "--out", str(folder / "out"), config=config)
    assert result.returncode == 0, result.stderr
    return folder / "out" / "plan.html", json.loads((folder / "out" / "plan.json").read_text())


@pytest.fixture(scope="module")
def plan_page(tmp_path_factory) -> tuple[Path, dict]:
    return _planned_page(tmp_path_factory.mktemp("plan"), speed="11", temp="26")


@pytest.mark.parametrize("width", (1280, 390))
def test_the_plan_page_at_desktop_and_phone_width(plan_page, width: int, tmp_path: Path) -> None:
    path, report = plan_page
    page = load_page(path, width=width, height=900, probe=LAYOUT_PROBE, mobile=width < 600, full_page=True)
    assert_clean_load(page, path.resolve().as_uri())
    (tmp_path / f"plan-{width}.png").write_bytes(page.screenshot_png)
    probe = page.probe
    assert probe["scroll_width"] <= probe["inner_width"], "the page scrolls sideways"
    assert not probe["scrollers"], probe["scrollers"]
    assert not probe["broken"], probe["broken"][:5]
    for card in probe["cards"]:
        assert card["value_lines"] == 1 and card["note_lines"] <= 1 and not card["overflow"], card
    charts = [f for f in probe["figures"] if f["classes"] or f["charts_shown"]]
    expected = "chart-narrow" if width < 600 else "chart-wide"
    assert len(charts) == 2 and all(f["classes"] == [expected] for f in charts), charts
    small = [t for t in probe["texts"] if t["px"] < MIN_CHART_TEXT_PX]
    assert not small, small[:3]
    text = page.body_text
    assert page.title.startswith("Race plan: Test route")
    timeline = report["plan"]["timeline"]
    assert f"{sum(e['drink_ml'] for e in timeline):,.0f} mL" in text
    assert f"{report['plan']['carbohydrate_g_per_h']:.0f} g/h" in text
    for km in ("5.0", "10.0", "15.0"):  # the refills
        assert km in text
    assert "not medical advice" in text.lower()


ML_PER_US_FL_OZ = 3.785411784 * 1000.0 / 128.0
"""NIST SP 811 B.8 / Handbook 44: a US gallon is 3.785 411 784 L exactly, 128 fl oz."""
M_PER_MILE = 1609.344
"""NIST SP 811 B.8 (exact)."""


@pytest.fixture(scope="module")
def imperial_page(tmp_path_factory) -> tuple[Path, dict]:
    # the config's units: --temp is °F (80 °F = 26.7 °C), --speed mph (7 mph = 11.3 km/h)
    return _planned_page(tmp_path_factory.mktemp("plan-imperial"), speed="7", temp="80", config_extra="units: imperial\n")


def test_the_plan_page_in_imperial_units_on_a_phone(imperial_page, tmp_path: Path) -> None:
    """units: imperial gives plan.html in miles, feet, °F and US fl oz — the cards, the tables, both
    charts' axes and the advice — at a phone's 390 px; the JSON beside it stays SI. Expected figures
    are the JSON's converted here with the NIST factors."""
    path, report = imperial_page
    page = load_page(path, width=390, height=900, probe=LAYOUT_PROBE, mobile=True, full_page=True)
    assert_clean_load(page, path.resolve().as_uri())
    (tmp_path / "plan-imperial-390.png").write_bytes(page.screenshot_png)
    probe = page.probe
    assert probe["scroll_width"] <= probe["inner_width"], "the page scrolls sideways"
    assert not probe["broken"], probe["broken"][:5]
    for card in probe["cards"]:
        assert card["value_lines"] == 1 and card["note_lines"] <= 1 and not card["overflow"], card
    small = [t for t in probe["texts"] if t["px"] < MIN_CHART_TEXT_PX]
    assert not small, small[:3]
    text = page.body_text
    assert report["environment"]["temperature_c"] == pytest.approx((80 - 32) / 1.8, abs=0.05)  # SI in the JSON (to 0.1 °C)
    timeline = report["plan"]["timeline"]
    drink_oz = sum(e["drink_ml"] for e in timeline) / ML_PER_US_FL_OZ
    assert f"{drink_oz:,.0f} fl oz" in text  # the "Drink during" card (whole fl oz from 10 up)
    assert f"{report['sweat']['total_l'] * 1000.0 / ML_PER_US_FL_OZ:,.0f} fl oz" in text
    for km in (5, 10, 15):  # the refills, in miles
        assert f"{km * 1000.0 / M_PER_MILE:.1f}" in text
    first = timeline[0]
    assert f"{first['temperature_c'] * 1.8 + 32:.0f} °F" in text
    assert f"{(timeline[-1]['distance_m'] + timeline[-1]['length_m']) / M_PER_MILE:.1f} mi" in text
    for metric in (" km", "°C", " mL", " L ", "litres"):
        assert metric not in text, metric
    chart_words = " ".join(t["text"] for t in probe["texts"])
    assert "mi from the start" in chart_words and "altitude, ft" in chart_words and "air, °F" in chart_words
    assert "fl oz" in chart_words and "km" not in chart_words and "°C" not in chart_words
