"""Drinking during, by sport and by leg: a triathlon plan per leg and never more than is lost, a
recorded multisport file leg by leg, none while swimming in open water or diving, a pool swim's
rate at the wall. Legs and sports come from MANIFEST.csv or the command line's own inputs."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cli_support import run_cli
from report.helpers import CONFIG, MULTISPORT, TRIATHLON
from shared_paths import SAMPLES

from pipeline.fit import read_activity
from pipeline.report.view import report_view
from pipeline.usecases.analyse import analyse_activity


def test_triathlon_plan_drinks_per_leg_never_more_than_lost(config_file) -> None:
    out = run_cli("plan", "--sport", "triathlon", "--legs", "1h,5h,3h30m", "--hr", "140", "--temp", "26", "--json",
                  config=config_file())
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    legs = report["legs"]
    assert [leg["sport"] for leg in legs] == ["swimming", "cycling", "running"]
    assert [leg["timer_s"] for leg in legs] == [3600, 18000, 12600]
    assert legs[0]["plan"]["during_max_ml_per_h"] == 0  # nobody drinks while swimming
    drunk_ml = 0.0
    for leg in legs:
        upper_ml = leg["plan"]["during_max_ml_per_h"] * leg["timer_s"] / 3600
        assert upper_ml <= leg["sweat"]["total_l"] * 1000 + 1e-6
        drunk_ml += upper_ml
    assert report["sweat"]["total_l"] == pytest.approx(sum(leg["sweat"]["total_l"] for leg in legs), abs=0.01)
    plan = report["plan"]
    # the headline rate is the legs' volumes over the 9.5 h, rounded down to 10 mL/h (a race average)
    assert plan["during_max_ml_per_h"] == (drunk_ml / 9.5) // 10 * 10
    assert drunk_ml <= report["sweat"]["total_l"] * 1000
    assert drunk_ml / 1000 + plan["after_ml"] / 1000 <= report["sweat"]["high_l"] + 1e-6
    text = run_cli("plan", "--sport", "triathlon", "--legs", "1h,5h,3h30m", "--hr", "140", config=config_file()).stdout
    assert "Legs:" in text and "swim" in text and "drink during none" in text and "never more than you lose" in text


@pytest.mark.parametrize("legs, temp", [("1h,5h,3h30m", "26"), ("30m,2h,1h", "-4")])
def test_triathlon_plan_headline_rate_is_the_legs_average(config_file, legs: str, temp: str) -> None:
    """The whole race's rate is Σ leg rate × leg hours / race hours rounded down to 10 mL/h, not to the
    legs' 50 mL step: swim 0, ride 400, run 400 mL/h over 0.5, 2 and 1 h is 343 mL/h, which a 50 mL
    step showed as 300; never above the legs, so never above what is lost."""
    config = config_file()
    args = ("plan", "--sport", "triathlon", "--legs", legs, "--hr", "140", "--temp", temp, "--water-temp", "15.5")
    report = json.loads(run_cli(*args, "--json", config=config).stdout)
    hours = [leg["timer_s"] / 3600 for leg in report["legs"]]
    low = sum(leg["plan"]["during_ml_per_h"] * h for leg, h in zip(report["legs"], hours)) / sum(hours)
    high = sum(leg["plan"]["during_max_ml_per_h"] * h for leg, h in zip(report["legs"], hours)) / sum(hours)
    expected_low, expected_high = low // 10 * 10, high // 10 * 10
    assert high - expected_high < 10 and expected_high * sum(hours) <= report["sweat"]["total_l"] * 1000
    out = run_cli(*args, config=config)
    assert out.returncode == 0, out.stderr
    headline = next(line for line in out.stdout.splitlines() if line.strip().startswith("Drink during"))
    assert f"{expected_low:,.0f}–{expected_high:,.0f} mL/h" in headline, headline
    during = next(line for line in out.stdout.splitlines() if line.strip().startswith("During "))
    assert f"{expected_low:,.0f}–{expected_high:,.0f} mL per hour" in during, during
    # the same figures in imperial: US fl oz of 29.5735 mL (NIST Handbook 44, Appendix C)
    imperial = run_cli(*args[:-2], "--water-temp", "59.9", "--temp", f"{float(temp) * 9 / 5 + 32:g}", "--units", "imperial",
                       config=config).stdout
    headline = next(line for line in imperial.splitlines() if line.strip().startswith("Drink during"))
    assert f"{expected_low / 29.5735:.0f}–{expected_high / 29.5735:.0f} fl oz/h" in headline, headline


def _manifest_row(name: str) -> dict[str, str]:
    import csv

    with (SAMPLES / "MANIFEST.csv").open(newline="") as f:
        return next(row for row in csv.DictReader(f) if row["file"] == name)


@pytest.mark.parametrize("path", [TRIATHLON, MULTISPORT], ids=["triathlon", "7-leg multisport"])
def test_ride_on_a_multisport_file_drinks_leg_by_leg(tmp_path: Path, config_file, path: Path) -> None:
    """`ride` on a recorded multisport file: each leg its own drinking plan (JSON legs[i].plan, the
    terminal, report.md/.html's legs table), none in the water, each capped at the leg's own loss,
    none for a transition under 10 minutes; the whole race's plan stays. Legs from MANIFEST.csv."""
    manifest = _manifest_row(path.name)
    sports = manifest["sport"].split(";")
    timers_s = [float(t) for t in manifest["total_timer_time"].split(";")]
    config = config_file()
    out = run_cli("ride", str(path), "--json", config=config)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    legs = report["legs"]
    assert [leg["sport"] for leg in legs] == sports
    for leg, sport, timer_s in zip(legs, sports, timers_s):
        plan = leg["plan"]
        if sport == "transition" and timer_s < 600:
            assert plan is None, leg
            continue
        assert plan is not None, leg
        if sport == "swimming":
            assert plan["during_ml_per_h"] == plan["during_max_ml_per_h"] == 0 and plan["carry_bottles"] == 0
        else:
            assert 0 < plan["during_ml_per_h"] <= plan["during_max_ml_per_h"]
            assert plan["during_max_ml_per_h"] % 50 == 0 and plan["during_ml_per_h"] % 50 == 0  # rounded down to 50 mL
        assert plan["during_max_ml_per_h"] * timer_s / 3600 <= leg["sweat"]["total_l"] * 1000 + 1e-6  # its own loss
    assert report["plan"]["during_max_ml_per_h"] > 0  # the whole race's plan stays

    text = run_cli("ride", str(path), config=config).stdout
    assert re.search(r"Drink during .*\(race average; per leg below\)", text), text  # the headline is the race's
    block = text[text.index("Drink during, leg by leg:"):].splitlines()[1:]
    planned = [(i, s) for i, (s, t) in enumerate(zip(sports, timers_s), 1) if not (s == "transition" and t < 600)]
    assert [int(line.split(".")[0]) for line in block[:len(planned)]] == [i for i, _ in planned]
    for line, (_, sport) in zip(block, planned):
        assert ("none  (you cannot drink while swimming)" in line) == (sport == "swimming"), line
    report_dir = next((tmp_path / "data" / "reports").glob("*multisport*"))
    md = (report_dir / "report.md").read_text()
    header = next(line for line in md.splitlines() if line.startswith("| # | Sport |"))
    assert header.endswith("| Drink during |")
    rows = [line for line in md.splitlines() if re.match(r"\| \d+ \|", line)]
    assert len(rows) == len(sports)
    for row, leg in zip(rows, legs):
        drink = row.rstrip(" |").rsplit("| ", 1)[1]
        plan = leg["plan"]
        expected = ("—" if plan is None else "none" if plan["during_max_ml_per_h"] == 0
                    else f"{plan['during_ml_per_h']:,.0f} mL/h" if plan["during_ml_per_h"] == plan["during_max_ml_per_h"]
                    else f"{plan['during_ml_per_h']:,.0f}–{plan['during_max_ml_per_h']:,.0f} mL/h")
        assert drink == expected, row
    html = (report_dir / "report.html").read_text()
    assert html.count('data-label="Drink during"') == len(sports) and "<th>Drink during</th>" in html


def test_triathlon_plan_refuses_two_legs(config_file) -> None:
    out = run_cli("plan", "--sport", "triathlon", "--legs", "1h,5h", "--hr", "140", config=config_file())
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.strip() == "--legs: '1h,5h': give three durations, swim, bike and run, e.g. 1h,5h,3h30m"


def test_a_dive_gets_no_drinking_rate_during() -> None:
    analysis = analyse_activity(read_activity(SAMPLES / "garmin-descentmk2-diving-53min.fit"), CONFIG)
    plan = analysis.report.plan
    assert plan.during_ml_per_h == 0 and plan.during_max_ml_per_h == 0 and plan.carry_bottles == 0
    assert plan.after_ml > 0
    hydration = next(a.text for a in analysis.report.advice if a.topic == "hydration")
    assert "cannot drink" in hydration and "immersion" in hydration and "per hour" not in hydration
    # the after-figure is the ACSM rule on the sweat estimated, which the text says does not see the
    # extra urine: it says so of the figure, and gives the rule on the body mass lost, which holds it
    # (NATA 2017 / ACSM 2007 / Shirreffs 1996: 1.25-1.5 L per kg lost)
    assert "covers the sweat estimated, not the extra urine" in hydration, hydration
    assert "weigh yourself before and after the dive and drink 1.25–1.5 L per kg lost" in hydration, hydration
    drink = next(r for r in report_view(analysis.report).headline if r.label == "Drink during")
    assert drink.value == "none"


def test_an_open_water_swim_gets_no_drinking_rate_during_as_a_triathlons_swim(tmp_path: Path, config_file) -> None:
    # MANIFEST: the fenix6 file is a swim in open water (sub_sport open_water); the fr735xt one a pool
    # swim (lap_swimming). Nobody drinks while swimming in open water (the triathlon swim leg has
    # none either); a pool swim keeps its rate (a bottle at the end of the lane).
    cfg = config_file()
    rows = {line.split(",")[0]: line.split(",") for line in (SAMPLES / "MANIFEST.csv").read_text().splitlines()}
    open_water, pool = "garmin-fenix6-swimming-11min-open-water.fit", "garmin-fr735xt-swimming-1h16-pool.fit"
    assert rows[open_water][13] == "open_water" and rows[pool][13] == "lap_swimming"
    swim = json.loads(run_cli("ride", str(SAMPLES / open_water), "--json", config=cfg).stdout)
    assert swim["plan"]["during_ml_per_h"] == 0 and swim["plan"]["during_max_ml_per_h"] == 0
    assert swim["plan"]["carry_bottles"] == 0
    hydration = next(a["text"] for a in swim["advice"] if a["topic"] == "hydration")
    assert hydration.startswith("In open water you cannot drink while you swim")
    assert swim["plan"]["after_ml"] <= 1.5 * swim["sweat"]["high_l"] * 1000 + 1  # never more than is lost, x1.5 (ACSM)
    terminal = run_cli("ride", str(SAMPLES / open_water), config=cfg).stdout
    assert re.search(r"Drink during\s+none\s+\(you cannot drink while swimming: drink after\)", terminal), terminal
    lanes = json.loads(run_cli("ride", str(SAMPLES / pool), "--json", config=cfg).stdout)
    assert lanes["plan"]["during_max_ml_per_h"] > 0
    # where a swim's rate is drunk: at the pool wall; a planned swim, whose water is unknown, also
    # says open water gets none (a fresh-user trial read "drink during" as while swimming)
    terminal = run_cli("ride", str(SAMPLES / pool), config=cfg).stdout
    assert re.search(r"Drink during\s+\S+ mL/h\s+\(from a bottle at the pool wall, between sets\)", terminal), terminal
    planned = run_cli("plan", "--sport", "swimming", "--duration", "45m", "--hr", "130", config=cfg).stdout
    assert re.search(r"Drink during\s+.+ mL/h\s+\(from a bottle at the pool wall, between sets; none in open water\)",
                     planned), planned


@pytest.mark.parametrize("water_c", [16.0, 24.0, 27.0, 30.0])
def test_a_planned_swim_gives_one_reason_whatever_the_water(config_file, water_c: float) -> None:
    """A plan does not say pool or open water, and the water temperature does not decide it (a
    24 °C pool is a pool): every planned swim names both places — a bottle at the pool wall, none in
    open water — and never says "cannot drink" because of a guess about where it is. The rate is
    the plan's own figure, never more than the sweat expected over the hour."""
    cfg = config_file()
    args = ("plan", "--sport", "swimming", "--duration", "1h30", "--hr", "140", "--water-temp", f"{water_c:g}")
    report = json.loads(run_cli(*args, "--json", config=cfg).stdout)
    terminal = run_cli(*args, config=cfg).stdout
    assert report["plan"]["during_max_ml_per_h"] > 0
    assert report["plan"]["during_max_ml_per_h"] <= report["sweat"]["rate_l_per_h"] * 1000
    assert re.search(r"Drink during\s+.+ mL/h\s+\(from a bottle at the pool wall, between sets; none in open water\)",
                     terminal), terminal
    assert "cannot drink" not in terminal, terminal


def _swim_view(name: str, *, during_ml_per_h: float | None = None):
    """The report view of a recorded swim from fit-samples, its plan's during figures optionally set."""
    report = analyse_activity(read_activity(SAMPLES / name), CONFIG).report
    if during_ml_per_h is not None:
        report.plan = report.plan.model_copy(update={"during_ml_per_h": during_ml_per_h,
                                                     "during_max_ml_per_h": during_ml_per_h, "carry_bottles": 0})
    return report_view(report)


@pytest.mark.parametrize("name, during, note", [
    # pool (lap_swimming), enough sweat: the rate, drunk at the wall
    ("garmin-fr735xt-swimming-1h16-pool.fit", None, "from a bottle at the pool wall, between sets"),
    # pool, nothing to drink by the figure: the reason is the sweat, not the water
    ("garmin-fr735xt-swimming-1h16-pool.fit", 0.0, "too little sweat to drink during: drink after"),
    # open water (sub_sport open_water), whatever the figure: no wall, no bottle
    ("garmin-fenix6-swimming-11min-open-water.fit", None, "you cannot drink while swimming: drink after"),
    ("garmin-fenix6-swimming-11min-open-water.fit", 0.0, "you cannot drink while swimming: drink after"),
], ids=["pool-enough-sweat", "pool-little-sweat", "open-water", "open-water-little-sweat"])
def test_a_swims_drink_during_note_names_the_true_reason(name: str, during: float | None, note: str) -> None:
    """Pool or open water comes from the recording's sub-sport (MANIFEST.csv column 13); the figure
    decides whether there is anything to drink during. A pool swim with no drinking rate says its
    sweat is too little, not that it cannot drink; an open-water swim says it cannot, at any rate."""
    rows = {line.split(",")[0]: line.split(",") for line in (SAMPLES / "MANIFEST.csv").read_text().splitlines()}
    assert rows[name][13] == ("lap_swimming" if "pool" in name else "open_water")
    view = _swim_view(name, during_ml_per_h=during)
    drink = next(r for r in view.headline if r.label == "Drink during")
    assert drink.note == note, drink
    assert (drink.value == "none") == (during == 0.0 or "open-water" in name), drink
    plan_during = next(r for r in view.plan if r.label == "During")
    if during == 0.0 and "pool" in name:
        assert plan_during.note == note, plan_during
    elif "open-water" in name:
        assert plan_during.note == "you cannot drink while swimming in open water", plan_during


def test_warm_water_or_air_gives_a_swim_no_advice_about_shade_and_stops(config_file) -> None:
    """Shade and cool drinks at stops are for a run or ride in warm air; a swim in 28 °C water under
    30 °C air has neither, while a run at 30 °C keeps the sentence (the warm-up on land before the
    swim may still be kept in the shade)."""
    cfg = config_file()
    swim = run_cli("plan", "--sport", "swimming", "--duration", "1h", "--hr", "140", "--water-temp", "28",
                   "--temp", "30", "--json", config=cfg)
    run = run_cli("plan", "--sport", "running", "--duration", "1h", "--hr", "140", "--temp", "30", "--json", config=cfg)
    swim_texts = " ".join(a["text"] for a in json.loads(swim.stdout)["advice"])
    run_texts = " ".join(a["text"] for a in json.loads(run.stdout)["advice"])
    assert "shade at stops" in run_texts, run_texts
    assert "shade at stops" not in swim_texts and "cool drinks" not in swim_texts, swim_texts
