"""The report and digest charts follow ``units`` — in imperial the plotted values and
their labels are mph, °F and US fl oz; metric charts are as before.

Expected values come from the shared MANIFEST.csv (temperatures, distance, timer time, decoded
independently of Sweatline) converted by hand with NIST SP 811 (2008) B.8/B.9 factors:
t/°F = 1.8 t/°C + 32; 1 mi = 1,609.344 m; 1 US fl oz = 29.573 53 mL.
"""
from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from shared_paths import SAMPLES  # noqa: E402

from pipeline.core.config import parse_config
from pipeline.fit import read_activity
from pipeline.report.digest import DigestRow, build_digest, render_digest_html
from pipeline.report.writer import render_all
from pipeline.usecases.analyse import analyse_activity

RUN = SAMPLES / "garmin-fenix2-running-47min.fit"  # speed and temperature, no power: the speed axis is drawn
ATHLETE = {"name": "test", "body_mass_kg": 70, "height_cm": 178, "sex": "male", "age": 35,
           "hr_rest_bpm": 55, "hr_max_bpm": 185, "ftp_w": 250}
MI_M = 1609.344     # NIST SP 811 B.8, exact
FL_OZ_ML = 29.57353  # NIST SP 811 B.8
SVG_NS = "{http://www.w3.org/2000/svg}"


def manifest(name: str) -> dict[str, str]:
    with open(SAMPLES / "MANIFEST.csv", newline="") as fh:
        return next(row for row in csv.DictReader(fh) if row["file"] == name)


@pytest.fixture(scope="module")
def pages() -> dict[str, dict[str, str]]:
    activity = read_activity(RUN)
    return {units: render_all(analyse_activity(activity, parse_config({"athlete": ATHLETE, "units": units})))
            for units in ("metric", "imperial")}


def svgs(html: str) -> str:
    return "\n".join(re.findall(r"<svg\b.*?</svg>", html, re.S))


def texts(svg: str) -> list[str]:
    return re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)


def axis_ticks(svg: str, label: str) -> list[float]:
    """The numeric tick labels of the first axis whose label is ``label``: each chart is parsed as
    XML, an axis is a ``<g class="axis x|y">`` holding a ``<g class="tick">`` per tick and its
    ``<text class="label">``."""
    for one in re.findall(r"<svg\b.*?</svg>", svg, re.S):
        for group in ET.fromstring(one).iter(SVG_NS + "g"):
            if not group.get("class", "").startswith("axis"):
                continue
            labels = [t.text for t in group.findall(SVG_NS + "text") if t.get("class") == "label"]
            if labels == [label]:
                ticks = [t.text for tick in group.findall(SVG_NS + "g") if tick.get("class") == "tick"
                         for t in tick.findall(SVG_NS + "text")]
                return [float(w.replace("−", "-").replace(",", "")) for w in ticks]
    raise AssertionError(f"no axis labelled {label!r} in {texts(svg)}")


def covers(ticks: list[float], low: float, high: float) -> bool:
    """The axis these ticks label spans [low, high] (it runs at most one tick step past its end ticks)."""
    step = min(b - a for a, b in zip(ticks, ticks[1:]))
    return min(ticks) - step <= low and high <= max(ticks) + step


def test_imperial_report_charts_say_mph_fahrenheit_and_fluid_ounces(pages) -> None:
    svg = svgs(pages["imperial"]["report.html"])
    words = texts(svg)
    for label in ("mph", "speed (mph)", "°F", "fl oz", "fl oz per hour"):
        assert label in words, (label, words)
    assert any(w.endswith(" fl oz/h") for w in words), words
    for metric in ("km/h", "°C", "litres", "L/h", "litres per hour"):
        assert not any(metric in w for w in words), (metric, words)


def test_imperial_report_charts_plot_converted_values(pages) -> None:
    row = manifest(RUN.name)
    svg = svgs(pages["imperial"]["report.html"])
    # the device sensor line: MANIFEST min/max temperature, °C -> °F by hand (20 -> 68.0, 23 -> 73.4)
    lo_f, hi_f = 1.8 * float(row["min_temperature"]) + 32, 1.8 * float(row["max_temperature"]) + 32
    temperature = axis_ticks(svg, "°F")
    assert covers(temperature, lo_f, hi_f), temperature
    assert max(temperature) > float(row["max_temperature"]) + 10  # not the °C numbers relabelled
    # the speed axis spans the mean moving speed: MANIFEST distance / timer time, m/s -> mph
    mean_mph = float(row["total_distance"]) / float(row["total_timer_time"]) * 3600 / MI_M
    speed = axis_ticks(svg, "mph")
    assert min(speed) <= mean_mph <= max(speed) + (speed[1] - speed[0]), (mean_mph, speed)
    # the sweat-rate bar's label is the JSON's SI rate in fl oz/h
    rate_l_per_h = json.loads(pages["imperial"]["report.json"])["sweat"]["rate_l_per_h"]
    assert f"{rate_l_per_h * 1000 / FL_OZ_ML:.0f} fl oz/h" in texts(svg)
    # the ACSM typical band 0.5–2.0 L/h (Sawka et al. 2007) in fl oz/h: 16.9–67.6
    assert "typical in exercise 17–68 fl oz/h (ACSM 2007)" in texts(svg)


def test_metric_report_charts_are_as_before(pages) -> None:
    row = manifest(RUN.name)
    svg = svgs(pages["metric"]["report.html"])
    words = texts(svg)
    for label in ("km/h", "speed (km/h)", "°C", "litres", "litres per hour", "typical in exercise 0.5–2.0 L/h (ACSM 2007)"):
        assert label in words, (label, words)
    assert not any(("mph" in w or "°F" in w or "fl oz" in w) for w in words), words
    assert covers(axis_ticks(svg, "°C"), float(row["min_temperature"]), float(row["max_temperature"]))
    rate = json.loads(pages["metric"]["report.json"])["sweat"]["rate_l_per_h"]
    assert f"{rate:.2f} L/h" in words


def test_digest_trend_chart_follows_units() -> None:
    # 2.0 L on one day = 2,000 mL / 29.573 53 mL per fl oz = 67.6 fl oz
    row = DigestRow(id="b" * 64, source="ride.fit", sport="cycling", start_time=datetime(2026, 7, 18, 9, 0, tzinfo=UTC),
                    timer_s=2 * 3600, distance_m=50_000, sweat_total_l=2.0, sweat_low_l=1.5, sweat_high_l=2.6,
                    sweat_rate_l_per_h=1.0, potassium_mg=400, report_dir="reports/x", utc_offset_s=0)
    imperial = svgs(render_digest_html(build_digest([row], timezone="UTC", units="imperial")))
    assert "sweat lost (fl oz)" in texts(imperial) and not any("litres" in w or "(L)" in w for w in texts(imperial))
    ticks = axis_ticks(imperial, "fl oz")
    assert covers(ticks, 0.0, 2000 / FL_OZ_ML) and max(ticks) > 50, ticks  # bars drawn in fl oz, not litres
    metric = svgs(render_digest_html(build_digest([row], timezone="UTC", units="metric")))
    assert "sweat lost (L)" in texts(metric) and not any("fl oz" in w for w in texts(metric))
    ticks = axis_ticks(metric, "litres")
    assert covers(ticks, 0.0, 2.0) and max(ticks) < 5, ticks


def test_mph_is_nist_sp_811() -> None:
    from pipeline.core.units import mph

    # NIST SP 811 B.8: 1 mi = 1,609.344 m (exact), so 1,609.344 m in 3,600 s is 1 mph; 1 m/s = 2.236 936 mph
    assert mph(MI_M / 3600) == pytest.approx(1.0, rel=1e-12)
    assert mph(1.0) == pytest.approx(2.236936, rel=1e-6)
