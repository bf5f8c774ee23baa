"""No report, catalog row or plan states a figure a body cannot produce (pipeline.physiology.limits).

Expected values come from the bounds' published figures computed by hand (Baker et al. 2016's
69.7 mL/kg/h peak for 70 kg; 1.5 L/h over a long race; 12 L a day, Mudambo et al. 1997 and
Montain et al. 1999; 10 % body mass life-threatening, Adolph et al. 1947), and each published
set of figures is read back from report.json and the catalog by the independent checker
``tools.figures``. Kinds, each with variants: long CRC-correct rides written with the FIT writer,
``plan`` inputs, and files on a clock that was never set (seconds since power-on) whose times jump.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from cli_support import run_cli
from guard_files import write_long_ride

from pipeline.physiology import limits
from pipeline.physiology.sweat import sweat_totals
from tools.figures import check_catalog, check_report
from tools.fitwriter import FitEncoder

MASS_KG = 70.0  # the config_file fixture's athlete


@pytest.mark.parametrize(("hours", "litres"), [
    (1.0, 4.8),            # 69.7 mL/kg/h x 70 kg = 4.88: the peak, 4.8 L/h
    (2.5, 12.0),           # 2.5 h at the peak
    (12.0, 26.25),         # + 9.5 h at 1.5 L/h
    (24.0, 32.25),         # + 12 h at 12 L a day
    (72.0, 56.25),         # + 48 h more at 12 L a day
    (240.0, 140.25),       # ten days: the longest activity
])
def test_the_sweat_ceiling_by_hand(hours: float, litres: float) -> None:
    assert limits.sweat_ceiling_l(hours * 3600.0) == pytest.approx(litres)


def test_the_ceiling_rises_ever_more_slowly() -> None:
    hours = [0.5 * i for i in range(1, 500)]
    values = [limits.sweat_ceiling_l(h * 3600.0) for h in hours]
    steps = [b - a for a, b in zip(values, values[1:])]
    assert all(s > 0 for s in steps)
    assert all(b <= a + 1e-9 for a, b in zip(steps, steps[1:]))  # concave: no hour sweats more than the one before


@pytest.mark.parametrize(("model_l", "hours"), [(61.5, 24.0), (58.4, 72.0), (845_296.0, 240.0), (30.0, 8.0)])
def test_a_total_past_the_ceiling_is_held_there_with_a_line(model_l: float, hours: float) -> None:
    totals = sweat_totals(model_l, model_l * 0.9, hours * 3600.0 * 0.9, MASS_KG, activity_s=hours * 3600.0)
    ceiling = limits.sweat_ceiling_l(hours * 3600.0)
    assert totals.total_l == pytest.approx(min(model_l, ceiling))
    assert totals.high_l <= ceiling + 1e-9 and totals.low_l <= totals.total_l / 1.3 + 1e-9
    assert sum("more than a body sweats" in f for f in totals.flags) == 1
    # every one of these is past 10 % of 70 kg (7 L): no "if nothing drunk" figure
    assert totals.body_mass_loss_pct is None and totals.body_mass_loss_beyond_pct == pytest.approx(10.0)
    assert sum("life-threatening" in f for f in totals.flags) == 1


def test_a_loss_within_the_bounds_is_published_as_it_is() -> None:
    totals = sweat_totals(2.1, 2.0, 7200.0, MASS_KG, activity_s=7200.0)
    assert totals.total_l == pytest.approx(2.1)
    assert totals.body_mass_loss_pct == pytest.approx(100 * 2.1 / MASS_KG)
    assert totals.body_mass_loss_beyond_pct is None and not totals.flags


def _published(data: Path) -> list[str]:
    problems = [p for report in data.glob("reports/**/report.json") for p in check_report(report)]
    rows, found = check_catalog(data / "catalog.sqlite")
    assert rows >= 1
    return problems + found


@pytest.mark.parametrize("hours", [24, 72])
def test_a_long_crc_correct_ride_publishes_no_impossible_figure(hours: int, config_file, tmp_path: Path) -> None:
    config = config_file()
    ride = write_long_ride(tmp_path, hours, name=f"ride-{hours}h.fit")
    shown = run_cli("ride", str(ride), config=config)
    assert shown.returncode == 0, shown.stderr
    data = tmp_path / "data"
    assert _published(data) == []
    report = json.loads(next(data.glob("reports/**/report.json")).read_text())
    sweat, plan = report["sweat"], report["plan"]
    assert sweat["total_l"] <= limits.sweat_ceiling_l(hours * 3600.0) * 1.001
    assert sweat["body_mass_loss_pct"] is None and sweat["body_mass_loss_beyond_pct"] == 10.0
    assert plan["after_ml"] <= 1.5 * 0.10 * MASS_KG * 1000.0
    assert "−83" not in shown.stdout and "more than −10 %" in shown.stdout
    assert "bottles to carry" not in shown.stdout and "refill on the way" in shown.stdout
    with sqlite3.connect(data / "catalog.sqlite") as db:
        (loss,) = db.execute("SELECT body_mass_loss_pct FROM activities").fetchone()
    assert loss is None


@pytest.mark.parametrize("args", [
    ("--sport", "running", "--duration", "24h", "--speed", "8", "--temp", "35", "--humidity", "80"),
    ("--sport", "cycling", "--duration", "48h", "--power", "250", "--temp", "30", "--humidity", "60"),
    ("--sport", "walking", "--duration", "20h", "--speed", "5", "--temp", "40", "--humidity", "30"),
    ("--sport", "running", "--duration", "10h", "--speed", "12", "--temp", "33", "--humidity", "70"),
])
def test_plan_states_no_impossible_figure(args: tuple[str, ...], config_file) -> None:
    answer = run_cli("plan", *args, "--json", config=config_file())
    assert answer.returncode == 0, answer.stderr
    report = json.loads(answer.stdout)
    hours = float(args[3].removesuffix("h"))
    sweat, plan = report["sweat"], report["plan"]
    assert sweat["total_l"] <= limits.sweat_ceiling_l(hours * 3600.0) * 1.001
    loss = sweat["body_mass_loss_pct"]
    assert (loss is None and sweat["body_mass_loss_beyond_pct"] == 10.0) or loss <= 10.0
    assert plan["after_ml"] <= 1.5 * 0.10 * MASS_KG * 1000.0
    from tools.figures import check_figures

    assert check_figures("plan", hours * 3600.0, sweat, MASS_KG, plan) == []
    text = run_cli("plan", *args, config=config_file()).stdout
    assert "-87" not in text and "−87" not in text and "60.4 %" not in text


JUMP_S = 0x3000000  # a bit flip in a power-on time: 50,331,648 s, the 13,981 h


SESSION_MAX_S = 4_000_000.0  # the most a session's uint32 millisecond times hold (46 days)


def _power_on_file(jumps: dict[int, int], session_s: float | None = None, n: int = 1800,
                   session: bool = True) -> bytes:
    """A run on a clock never set (times since power-on, no timestamp_correlation), ``n`` records at
    1 Hz and 3 m/s; record ``i`` in ``jumps`` (and every later one) is moved on by that many seconds.
    The session says the clock's span (as far as its field holds), or ``session_s``; none without
    ``session``."""
    enc = FitEncoder()
    start = 5000
    enc.add("file_id", {"type": "activity", "manufacturer": "garmin", "product": 1, "time_created": start})
    enc.add("event", {"timestamp": start, "event": "timer", "event_type": "start"})
    shift = 0
    for i in range(n):
        shift += jumps.get(i, 0)
        enc.add("record", {"timestamp": start + i + shift, "heart_rate": 150, "distance": 3.0 * i,
                           "enhanced_speed": 3.0})
    end = start + n - 1 + shift
    enc.add("event", {"timestamp": end, "event": "timer", "event_type": "stop_all"})
    total = min(float(end - start), SESSION_MAX_S) if session_s is None else session_s
    if session:
        enc.add("session", {"timestamp": end, "start_time": start, "total_elapsed_time": total,
                            "total_timer_time": total, "total_distance": 3.0 * (n - 1), "sport": "running"})
    enc.add("activity", {"timestamp": end, "num_sessions": 1})
    return enc.to_bytes()


@pytest.mark.parametrize(("name", "jumps", "session_s", "session"), [
    ("last-record-jumps", {1799: JUMP_S}, None, True),
    ("mid-run-jumps", {900: JUMP_S}, None, True),
    ("two-jumps", {600: JUMP_S, 1200: 2 * JUMP_S}, None, True),
    ("mid-run-jumps-no-session", {900: JUMP_S}, None, False),
    ("two-jumps-no-session", {600: JUMP_S, 1200: 2 * JUMP_S}, None, False),
    ("session-claims-46-days", {}, SESSION_MAX_S, True),
    ("session-claims-11-days", {}, 11 * 86400.0, True),
])
def test_a_clock_never_set_publishes_no_impossible_duration(name: str, jumps: dict[int, int], session_s: float | None,
                                                             session: bool, config_file, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.fit"
    path.write_bytes(_power_on_file(jumps, session_s, session=session))
    answer = run_cli("ride", str(path), "--json", config=config_file())
    assert answer.returncode in (0, 2), answer.stderr
    if answer.returncode == 2:  # refused: one line, nothing published
        assert len(answer.stderr.strip().splitlines()) == 1
        return
    data = tmp_path / "data"
    assert _published(data) == []
    report = json.loads(next(data.glob("reports/**/report.json")).read_text())
    activity = report["activity"]
    assert activity["timer_s"] <= limits.MAX_ACTIVITY_S and activity["elapsed_s"] <= limits.MAX_ACTIVITY_S
    # 30 min of records at 3 m/s: whatever the clock says, the sweat is that of half an hour or so,
    # not of the clock's span (a run's rate is under the 4.8 L/h peak: under 3 L for 0.5 h + 20 min)
    assert report["sweat"]["total_l"] < 4.8 * (1800 + 1200) / 3600.0
