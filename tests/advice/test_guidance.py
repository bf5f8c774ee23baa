"""The drinking rules are written once (pipeline.advice.guidance) and every text quotes them from
there: the advice for a session, the general advice, the report's plan rows (in the reader's
units), a planned triathlon's, a dive's and an open-water swim's after-figure."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.advice import guidance
from pipeline.advice.plan import after_ml, plan_after_ml
from pipeline.advice.texts import SessionFacts, generic_advice
from pipeline.core.config import Config
from pipeline.core.units import IMPERIAL_READER
from pipeline.physiology.planned import PlannedSession
from pipeline.report.view import Display, report_view
from pipeline.usecases.analyse import WeatherOverride, analyse_plan, analyse_triathlon_plan

ROOT = Path(__file__).resolve().parents[2]
ML_PER_US_FL_OZ, KG_PER_LB = 29.573_529_562_5, 0.453_592_37  # NIST SP 811 B.8 (the fl oz exactly: 1/128 US gal)


def _plan(hours: float = 2.0, temperature_c: float = 25.0):  # noqa: ANN202 - an Analysis
    return analyse_plan(PlannedSession("running", hours * 3600.0, speed_kmh=11.0), Config(),
                        WeatherOverride(temperature_c=temperature_c, humidity_pct=50.0))


def _texts(rule: tuple[float, float], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Every text that quotes the after-rule, written with ``rule`` as the rule [L per kg lost]."""
    monkeypatch.setattr(guidance, "AFTER_L_PER_KG_LOST", rule)
    analysis = _plan()
    hydration = next(item.text for item in analysis.report.advice if item.topic == "hydration")
    small = next(item.text for item in _plan(0.2, 5.0).report.advice if item.topic == "hydration")
    general = generic_advice(SessionFacts(sport="running"))[0].text
    rows = {units: next(row.note for row in report_view(analysis.report, planned_duration_s=7200.0,
                                                         planned_sport="running", display=Display(units=units)).plan
                        if row.label == "After")
            for units in ("metric", "imperial")}
    return {"hydration": hydration, "small": small, "general": general, "row": rows["metric"],
            "row_imperial": rows["imperial"]}


def test_the_after_rule_is_quoted_from_its_constant_everywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _texts((1.25, 1.5), monkeypatch)  # NATA 2017: 1.25-1.5 L per kg lost; ACSM 2007: 1.5
    for name in ("hydration", "small", "row"):
        assert "1.25–1.5 L per kg lost" in texts[name], name
    assert "1.25–1.5 L for each kg of body mass lost" in texts["general"]
    assert "19–23 fl oz per lb lost" in texts["row_imperial"]  # 1.25 and 1.5 L/kg in fl oz per lb, NIST factors
    changed = _texts((1.0, 2.0), monkeypatch)  # a changed rule changes every sentence that quotes it
    for name in ("hydration", "small", "row"):
        assert "1–2 L per kg lost" in changed[name] and "1.25–1.5" not in changed[name], name
    assert "1–2 L for each kg of body mass lost" in changed["general"]
    low, high = (v * 1000.0 * KG_PER_LB / ML_PER_US_FL_OZ for v in (1.0, 2.0))
    assert f"{low:.0f}–{high:.0f} fl oz per lb lost" in changed["row_imperial"]


def test_the_imperial_rule_is_the_metric_rule_converted() -> None:
    low, high = (v * 1000.0 * KG_PER_LB / ML_PER_US_FL_OZ for v in guidance.AFTER_L_PER_KG_LOST)
    assert guidance.after_rule(r=IMPERIAL_READER) == f"{low:.0f}–{high:.0f} fl oz per lb lost"
    low, high = (v * KG_PER_LB / ML_PER_US_FL_OZ for v in guidance.BEFORE_ML_PER_KG)
    assert guidance.before_rule("per {mass}", IMPERIAL_READER) == f"{low:.2f}–{high:.2f} fl oz per lb"


def test_the_plan_applies_the_rules_low_end_to_what_is_still_missing() -> None:
    # 1.2 L lost, 0.4 L drunk: 0.8 L missing at 1.25 L per litre (NATA 2017's low end) = 1,000 mL
    assert plan_after_ml(1.2, 0.4) == 1000.0 == after_ml(1.2, 0.4, guidance.AFTER_PLAN_L_PER_L)
    assert plan_after_ml(1.2, 0.4, cap_l=0.6) == 600.0  # never past the high end of the estimate


def test_a_planned_triathlon_states_its_after_figure_as_every_plan_does() -> None:
    analysis = analyse_triathlon_plan((1200.0, 3600.0, 2400.0), 150.0, Config(),
                                      WeatherOverride(temperature_c=28.0, humidity_pct=50.0))
    text = next(item.text for item in analysis.report.advice if item.topic == "hydration")
    assert guidance.after_amount(analysis.report.plan.after_ml, "with food and some salt") in text


def test_no_module_writes_the_rules_figures_itself() -> None:
    """The rules' figures appear in code only in guidance.py (docstrings and comments may cite them)."""
    pattern = re.compile(r"\b(1\.25\s*[–-]\s*1\.5 L|19\s*[–-]\s*23 fl oz|5\s*[–-]\s*7 mL|0\.08\s*[–-]\s*0\.11 fl oz|"
                         r"400\s*[–-]\s*800 mL)")
    offenders = []
    for path in sorted((ROOT / "pipeline").rglob("*.py")) + sorted((ROOT / "flows").rglob("*.py")):
        if path.name == "guidance.py":
            continue
        in_docstring = False
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            stripped = line.strip()
            if stripped.count('"""') == 1:
                in_docstring = not in_docstring
                continue
            if in_docstring or stripped.startswith(("#", '"""')):
                continue
            code = line.split("#")[0]
            if pattern.search(code):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {stripped}")
    assert not offenders, "\n".join(offenders)
