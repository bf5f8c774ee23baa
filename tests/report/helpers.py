"""Report-test helpers: real analyses of shared samples and of the project's own examples."""
from __future__ import annotations

import functools
from pathlib import Path

from pipeline.core.config import parse_config
from pipeline.fit import read_activity
from pipeline.usecases.analyse import Analysis, analyse_activity

PROJECT = Path(__file__).resolve().parents[2]
from shared_paths import SAMPLES  # noqa: E402

CONFIG = parse_config({"athlete": {"name": "test", "body_mass_kg": 70, "height_cm": 178, "sex": "male", "age": 35,
                                   "hr_rest_bpm": 55, "hr_max_bpm": 185, "ftp_w": 250},
                       "advice": {"long_session_min": 60, "bottle_ml": 750}})
HOSTILE = "<script>alert(1)</script>"

# real files of different kinds: long road ride with power and temperature, a run, a triathlon, a 7-leg multisport
CYCLING = SAMPLES / "garmin-edge530-cycling-2h50-road-power.fit"
RUNNING = SAMPLES / "garmin-fenix2-running-47min.fit"
TRIATHLON = SAMPLES / "garmin-fr255-triathlon-1h07-summary-last.fit"
MULTISPORT = SAMPLES / "garmin-fenix2-multisport-6h50-7sessions.fit"
EXAMPLE_RIDE = PROJECT / "examples" / "fit" / "2026-07-18-road-ride-hot.fit"


@functools.lru_cache(maxsize=None)
def _analysis(path: str) -> Analysis:
    return analyse_activity(read_activity(Path(path)), CONFIG)


@functools.lru_cache(maxsize=None)
def _rendered(path: str) -> tuple[tuple[str, str], ...]:
    from pipeline.report.writer import render_all

    return tuple(render_all(_analysis(path)).items())


def rendered(path: Path) -> dict[str, str]:
    """report.json / report.md / report.html of a real FIT file as strings (rendered once per session)."""
    return dict(_rendered(str(path)))


def analysis_of(path: Path) -> Analysis:
    """The analysis of a real FIT file (cached per test session; callers must not mutate it)."""
    return _analysis(str(path))


def hostile_copy(analysis: Analysis) -> Analysis:
    """The same analysis with every FIT-borne string replaced by a script tag."""
    report = analysis.report.model_copy(deep=True)
    report.activity.source = HOSTILE + ".fit"
    report.activity.device = HOSTILE
    report.activity.sub_sport = HOSTILE
    report.activity.warnings = [HOSTILE]
    for leg in report.legs or []:
        leg.sub_sport = HOSTILE
    return Analysis(report=report, activity=analysis.activity, series=analysis.series, athlete=analysis.athlete)


def during_range(low_ml: float, high_ml: float) -> str:
    """How a report shows the plan's during figures: '450–550 mL', or '400 mL' when they agree (SPEC plan keys)."""
    return f"{low_ml:,.0f} mL" if high_ml <= low_ml else f"{low_ml:,.0f}–{high_ml:,.0f} mL"
