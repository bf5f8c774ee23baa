"""`sweatline weigh-in`: against a real catalog filled by `sweatline ride` on the project's own
example activities (real ingest, real model, real SQLite)."""
from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import fitparse
import pytest

from flows.cli import main
from pipeline.store.catalog import Catalog
from pipeline.store.weighins import WeighIns
from tools.fitwriter import WeightSample, encode_weight_scale, write

PROJECT = Path(__file__).resolve().parents[2]

EXAMPLES = PROJECT / "examples" / "fit"
RUN = EXAMPLES / "2026-10-10-hill-run-cool.fit"
RIDE = EXAMPLES / "2026-07-18-road-ride-hot.fit"


@pytest.fixture(scope="module")
def processed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory after `sweatline ride` on the example ride, then the example run (done once)."""
    root = tmp_path_factory.mktemp("processed")
    (root / "inbox").mkdir()
    path = root / "sweatline.yaml"
    path.write_text("inbox: inbox\ndata_dir: data\n"
                    "athlete: {name: me, body_mass_kg: 70, height_cm: 175, sex: male, age: 35}\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SWEATLINE_RIDE_VIA", "local")
        for fit in (RIDE, RUN):  # RUN is the latest processed
            assert main(["ride", str(fit), "--config", str(path)]) == 0
    return root


@pytest.fixture
def config(processed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A private copy of the processed data directory and its config for one test."""
    shutil.copytree(processed, tmp_path / "home")
    capsys.readouterr()
    return tmp_path / "home" / "sweatline.yaml"


def _weighins(config: Path) -> WeighIns:
    return WeighIns(Catalog(config.parent / "data"))


def _one_line_error(capsys: pytest.CaptureFixture[str], *words: str) -> None:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    for word in words:
        assert word in err, err


def test_weigh_in_latest_prints_measured_next_to_model(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["weigh-in", "latest", "--pre", "70.6", "--post", "69.3", "--drank", "0.4", "--note", "hot  day",
                 "--config", str(config)])
    out = capsys.readouterr().out
    assert code == 0
    # 70.6 − 69.3 + 0.4 − 0 = 1.70 L (Baker 2017 Table 3), over the run's 4618 s elapsed: 1.33 L/h
    assert "measured mass loss   1.70 L (1.33 L/h)" in out
    assert "model, same sum" in out and "measured ÷ model" in out
    assert "your running factor now" in out and "(from your 1 running weigh-in)" in out
    # a sport with no weigh-ins of its own takes the factor of all of them, and the tool says which
    # (a fresh-user trial: a running weigh-in moved every ride while only "running" was named)
    running = float(out.split("your running factor now ")[1].split()[0])
    assert f"a sport with no weigh-ins of its own uses your factor from your 1 weigh-in (running), now {running:.2f}" in out
    store = _weighins(config)
    (row,) = store.all()
    assert (row.sport, row.source, row.pre_kg, row.post_kg, row.drank_l, row.note) == \
        ("running", "manual", 70.6, 69.3, 0.4, "hot day")
    assert row.measured_l == pytest.approx(1.70)
    assert row.model_l is not None and row.model_l > 0
    report = json.loads((config.parent / "data" / store.catalog.activity(row.activity_id).report_dir
                         / "report.json").read_text())
    # the weigh-in's side is sweat + water breathed out + fuel burned (Cheuvront & Montain 2017)
    sweat = report["sweat"]
    assert sweat["respiratory_water_l"] > 0 and sweat["metabolic_mass_l"] > 0
    assert f"{row.model_l:.2f} L" in out and row.model_l == pytest.approx(
        sweat["total_l"] + sweat["respiratory_water_l"] + sweat["metabolic_mass_l"], abs=0.002)
    assert f"measured ÷ model     {1.70 / row.model_l:.2f}" in out


def test_second_weigh_in_needs_replace(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["weigh-in", "latest", "--pre", "70.6", "--post", "69.3", "--config", str(config)]
    assert main(args) == 0
    capsys.readouterr()
    assert main(["weigh-in", "latest", "--pre", "70.6", "--post", "69.5", "--config", str(config)]) == 2
    _one_line_error(capsys, "already has a weigh-in", "--replace")
    assert _weighins(config).all()[0].post_kg == 69.3
    assert main(["weigh-in", "latest", "--pre", "70.6", "--post", "69.5", "--replace", "--config", str(config)]) == 0
    assert "Weigh-in replaced" in capsys.readouterr().out
    (row,) = _weighins(config).all()
    assert row.post_kg == 69.5


def test_activity_by_id_prefix_and_by_fit_path(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ride_id = next(a.id for a in Catalog(config.parent / "data").activities() if a.sport == "cycling")
    assert main(["weigh-in", ride_id[:8], "--pre", "71.0", "--post", "69.2", "--drank", "1.5", "--config", str(config)]) == 0
    assert main(["weigh-in", str(RUN), "--pre", "70.0", "--post", "69.1", "--config", str(config)]) == 0
    rows = {r.sport: r for r in _weighins(config).all()}
    assert rows["cycling"].activity_id == ride_id and rows["cycling"].measured_l == pytest.approx(3.3)
    assert rows["running"].measured_l == pytest.approx(0.9)
    capsys.readouterr()


@pytest.mark.parametrize(("extra", "words"), [
    (["latest", "--pre", "70", "--post", "72"], ["--post", "more than"]),
    (["latest", "--pre", "70", "--post", "69", "--drank", "-0.5"], ["--drank", "0 or more"]),
    (["latest", "--pre", "70", "--post", "69", "--urine", "-1"], ["--urine", "0 or more"]),
    (["latest", "--pre", "70", "--post", "62"], ["10 %"]),
    (["latest", "--pre", "0", "--post", "69"], ["--pre"]),
    (["feedfeed", "--pre", "70", "--post", "69"], ["feedfeed", "no activity"]),
    (["not-an-id", "--pre", "70", "--post", "69"], ["not-an-id"]),
    ([str(PROJECT / "examples" / "fit" / "2026-01-14-indoor-trainer.fit"), "--pre", "70", "--post", "69"],
     ["not in the catalog"]),
])
def test_implausible_input_exits_2_with_one_line_and_stores_nothing(
        config: Path, capsys: pytest.CaptureFixture[str], extra: list[str], words: list[str]) -> None:
    assert main(["weigh-in", *extra, "--config", str(config)]) == 2
    _one_line_error(capsys, *words)
    assert _weighins(config).all() == []


# --- the nightly flow: weight-scale files paired, calibration used by the next reports --------

def _session_window(path: Path) -> tuple[datetime, datetime]:
    """Start and end of a FIT file's session, read with fitparse (independently of our reader)."""
    session = next(fitparse.FitFile(str(path)).get_messages("session"))
    start = session.get_value("start_time").replace(tzinfo=UTC)
    return start, start + timedelta(seconds=session.get_value("total_elapsed_time"))


def test_nightly_pairs_a_scale_file_and_later_reports_use_the_calibration(
        prefect_api: str, tmp_path: Path) -> None:
    from flows.nightly import nightly

    sample = SAMPLES / "garmin-fr965-running-1h15-power.fit"
    inbox, data = tmp_path / "inbox", tmp_path / "data"
    inbox.mkdir()
    shutil.copy(sample, inbox / sample.name)
    start, end = _session_window(sample)
    write(inbox / "scale.fit", encode_weight_scale([
        WeightSample(start - timedelta(hours=6), 71.1),       # the night before: not part of the run
        WeightSample(start - timedelta(minutes=20), 70.6),
        WeightSample(end + timedelta(minutes=15), 69.3),
    ]))
    config = tmp_path / "sweatline.yaml"
    config.write_text(f"inbox: {inbox}\ndata_dir: {data}\n"
                      "athlete: {name: me, body_mass_kg: 70, height_cm: 175, sex: male, age: 35}\n")

    first = nightly(config_path=str(config))
    assert sorted(first.processed_files) == sorted([sample.name, "scale.fit"]) and not first.rejected
    with Catalog(data) as catalog:
        (activity,) = catalog.activities()
        (weighin,) = WeighIns(catalog).all()
    assert weighin.activity_id == activity.id and weighin.source == "scale" and weighin.drank_l is None
    assert weighin.measured_l == pytest.approx(1.3)  # 70.6 − 69.3 kg, drinks unknown: a lower bound
    sample_report = data / activity.report_dir / "report.json"
    written = sample_report.read_bytes()
    assert json.loads(written)["sweat"]["calibrated"] is False  # estimated before the pairing existed
    digest = first.digest_path.read_text()
    assert "Weigh-ins: measured vs model" in digest and "1.30 L" in digest

    # the next running activity is estimated with the personal factor; the old report is untouched
    shutil.copy(RUN, inbox / RUN.name)
    nightly(config_path=str(config))
    with Catalog(data) as catalog:
        new = next(a for a in catalog.activities() if a.source == RUN.name)
    sweat = json.loads((data / new.report_dir / "report.json").read_text())["sweat"]
    assert sweat["calibrated"] is True and sweat["calibration_n"] == 1 and sweat["calibration_factor"] > 1.0
    assert sample_report.read_bytes() == written

    # on request, reports already written are re-estimated with it
    nightly(config_path=str(config), rebuild=True)
    rebuilt = json.loads(sample_report.read_text())["sweat"]
    assert rebuilt["calibrated"] is True and rebuilt["calibration_n"] == 1


# --- a synthetic athlete who sweats 1.4 × what the model says, on real running files ----------

from shared_paths import SAMPLES  # noqa: E402

WEIGHED_RUNS = ["garmin-fenix2-running-47min.fit", "garmin-fr110-running-44min-header-crc-zero.fit",
                "coros-apexpro-running-49min-power.fit"]
FOURTH_RUN = "suunto-9baro-running-37min-trail-power-devfields.fit"
# Day-to-day scatter of the measured truth, inside the ≈ ±15 % session-to-session variation of
# sweat rate reported by Smith, Bello & Price (2021, Nutrients 13:1807).
DAY_DEVIATION = [1.06, 0.95, 1.03]


def _sweat(data: Path, catalog_source: str) -> tuple[str, dict]:
    with Catalog(data) as catalog:
        row = next(a for a in catalog.activities() if a.source == catalog_source)
    return row.id, json.loads((data / row.report_dir / "report.json").read_text())["sweat"]


def test_three_weigh_ins_calibrate_the_fourth_run_to_within_10_percent(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SWEATLINE_RIDE_VIA", "local")
    (tmp_path / "inbox").mkdir()
    config = tmp_path / "sweatline.yaml"
    config.write_text("inbox: inbox\ndata_dir: data\n"
                      "athlete: {name: me, body_mass_kg: 70, height_cm: 175, sex: male, age: 35}\n")
    data = tmp_path / "data"
    first_range = None
    for name, deviation in zip(WEIGHED_RUNS, DAY_DEVIATION):
        assert main(["ride", str(SAMPLES / name), "--config", str(config)]) == 0
        activity_id, sweat = _sweat(data, name)
        model_l = sweat["total_l"] / (sweat["calibration_factor"] or 1.0)
        if first_range is None:
            assert sweat["calibrated"] is False
            first_range = (sweat["high_l"] - sweat["low_l"]) / sweat["total_l"]
        truth_l = 1.4 * model_l * deviation
        # nothing drunk or passed: the mass lost is the sweat lost plus the water breathed out and
        # the fuel burned (Baker 2017, Table 3; Cheuvront & Montain 2017)
        lost_kg = truth_l + sweat["respiratory_water_l"] + sweat["metabolic_mass_l"]
        assert main(["weigh-in", activity_id, "--pre", "70.0", "--post", f"{70.0 - lost_kg:.3f}",
                     "--config", str(config)]) == 0
    assert main(["ride", str(SAMPLES / FOURTH_RUN), "--config", str(config)]) == 0
    capsys.readouterr()
    _, sweat = _sweat(data, FOURTH_RUN)
    assert sweat["calibrated"] is True and sweat["calibration_n"] == 3
    model_l = sweat["total_l"] / sweat["calibration_factor"]
    truth_l = 1.4 * model_l
    assert abs(sweat["total_l"] - truth_l) / truth_l < 0.10
    assert (sweat["high_l"] - sweat["low_l"]) / sweat["total_l"] < first_range


def test_plan_uses_the_personal_factor(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = ["plan", "--sport", "running", "--duration", "1h30m", "--speed", "11", "--json", "--config", str(config)]
    assert main(plan) == 0
    before = json.loads(capsys.readouterr().out)["sweat"]
    assert before["calibrated"] is False
    assert main(["weigh-in", "latest", "--pre", "70.6", "--post", "69.1", "--drank", "0.3", "--config", str(config)]) == 0
    capsys.readouterr()
    assert main(plan) == 0
    after = json.loads(capsys.readouterr().out)["sweat"]
    assert after["calibrated"] is True and after["calibration_n"] == 1
    assert after["total_l"] == pytest.approx(before["total_l"] * after["calibration_factor"], rel=0.01)


def test_history_shows_measured_next_to_model(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["weigh-in", "latest", "--pre", "70.6", "--post", "69.3", "--drank", "0.4", "--config", str(config)]) == 0
    capsys.readouterr()
    assert main(["history", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "Weigh-ins (measured vs model)" in out
    line = next(line for line in out.splitlines() if RUN.name in line and "1.70 L" in line)
    assert "running" in line and "personal factor: running" in out
    assert main(["history", "--json", "--config", str(config)]) == 0
    rows = {row["source"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows[RIDE.name]["weigh_in"] is None
    weigh_in = rows[RUN.name]["weigh_in"]
    assert weigh_in["measured_l"] == pytest.approx(1.70) and weigh_in["lower_bound"] is False
    assert weigh_in["ratio"] == pytest.approx(1.70 / weigh_in["model_l"])


# --- weigh-ins that can only make the estimate better, answers that are never stale ---

from tools.fitwriter import RecordSample, encode_activity  # noqa: E402

MULTISPORT = SAMPLES / "garmin-fenix2-multisport-6h50-7sessions.fit"
TWO_MINUTES = SAMPLES / "wahoo-elemntbolt-cycling-2min-devdata-no-app-id.fit"


def _activity_file(path: Path, sport: str, start: datetime, seconds: int, step_s: int = 5) -> Path:
    """A steady session written with tools/fitwriter.py: running at 3 m/s, or cycling at 180 W, 8 m/s."""
    samples = []
    for i in range(0, seconds + 1, step_s):
        speed = 3.0 if sport == "running" else 8.0
        samples.append(RecordSample(timestamp=start + timedelta(seconds=i), distance_m=speed * i, speed_m_per_s=speed,
                                    heart_rate_bpm=150.0, power_w=180.0 if sport == "cycling" else None,
                                    temperature_c=24.0))
    write(path, encode_activity(samples, sport=sport))
    return path


def _model_l(config: Path, source: str) -> tuple[str, float]:
    from pipeline.store.weighins import model_estimate_l

    with Catalog(config.parent / "data") as catalog:
        row = next(a for a in catalog.activities() if a.source == source)
        return row.id, model_estimate_l(row)


def _report(config: Path, source: str) -> dict:
    with Catalog(config.parent / "data") as catalog:
        row = next(a for a in catalog.activities() if a.source == source)
    return json.loads((config.parent / "data" / row.report_dir / "report.json").read_text())


def test_weigh_ins_on_too_short_or_inhuman_sessions_are_refused_with_one_line(
        config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWEATLINE_RIDE_VIA", "local")
    short = _activity_file(tmp_path / "thirteen-seconds.fit", "cycling", datetime(2026, 11, 1, 9, tzinfo=UTC), 13, 1)
    for fit in (short, TWO_MINUTES):
        assert main(["ride", str(fit), "--config", str(config)]) == 0
    capsys.readouterr()
    # main: 1 L in 13 s was stored as 276.92 L/h (factor 88); now the session is too short to weigh
    assert main(["weigh-in", str(short), "--pre", "70", "--post", "69", "--config", str(config)]) == 2
    _one_line_error(capsys, "ACTIVITY:", "too short to weigh", "30 min")
    assert main(["weigh-in", str(TWO_MINUTES), "--pre", "70", "--post", "69.9", "--config", str(config)]) == 2
    _one_line_error(capsys, "ACTIVITY:", "2 min session is too short")
    # the example run lasts 4618 s: 75 − 68 + 3 = 10 L in 1.28 h = 7.8 L/h, above the 5.73 L/h
    # highest of 506 athletes (Baker et al. 2016)
    assert main(["weigh-in", str(RUN), "--pre", "75", "--post", "68", "--drank", "3", "--config", str(config)]) == 2
    _one_line_error(capsys, "--post:", "7.80 L/h", "outside what people sweat")
    assert _weighins(config).all() == []


def test_ironman_weigh_in_is_accepted_and_multisport_legs_use_their_own_sports_factor(
        config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWEATLINE_RIDE_VIA", "local")
    run_id, run_model = _model_l(config, RUN.name)
    ride_id, ride_model = _model_l(config, RIDE.name)
    # the runner sweats 1.5 × the model, the rider 0.7 × (nothing drunk: mass lost = sweat lost)
    assert main(["weigh-in", run_id, "--pre", "70", "--post", f"{70 - 1.5 * run_model:.2f}", "--config", str(config)]) == 0
    assert main(["weigh-in", ride_id, "--pre", "70", "--post", f"{70 - 0.7 * ride_model:.2f}", "--config", str(config)]) == 0
    assert main(["ride", str(MULTISPORT), "--config", str(config)]) == 0
    report = _report(config, MULTISPORT.name)
    legs = {leg["sport"]: leg["sweat"] for leg in report["legs"]}
    assert legs["running"]["calibrated"] and legs["running"]["calibration_factor"] > 1.0
    assert legs["cycling"]["calibrated"] and legs["cycling"]["calibration_factor"] < 1.0
    assert report["sweat"]["total_l"] == pytest.approx(sum(leg["sweat"]["total_l"] for leg in report["legs"]), abs=0.01)
    assert set(report["inputs"]["calibration"]) == {leg["sport"] for leg in report["legs"]}
    capsys.readouterr()
    # Ironman numbers: 72 − 68.5 = 3.5 kg lost (4.9 % of 72 kg; drinks are not mass lost), sweat
    # 3.5 + 6 = 9.5 L over the file's 6 h 50 (1.39 L/h). On main: "over 10 % of body mass"
    assert main(["weigh-in", str(MULTISPORT), "--pre", "72", "--post", "68.5", "--drank", "6", "--config", str(config)]) == 0
    assert "measured mass loss   9.50 L" in capsys.readouterr().out


def test_a_plan_says_whether_its_factor_is_the_sports_own_or_borrowed(config: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """One cycling weigh-in and no walking one: a walking plan's texts say its rate is the model's
    estimate for walking scaled by the factor of that cycling weigh-in, not "your sweat rate as your
    weigh-ins measure it"; a cycling plan's says the cycling weigh-in measured it. The rate quoted is
    the plan's own calibrated rate (rounded down to 10 mL, as the text rounds it)."""
    ride_id, _ = _model_l(config, RIDE.name)
    assert main(["weigh-in", ride_id, "--pre", "71.0", "--post", "69.0", "--drank", "1.0", "--config", str(config)]) == 0
    capsys.readouterr()
    walk = ["plan", "--sport", "walking", "--duration", "6h", "--speed", "3", "--temp", "10", "--json", "--config", str(config)]
    assert main(walk) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["sweat"]["calibrated"] is True and report["sweat"]["calibration_n"] == 1
    texts = " ".join(a["text"] for a in report["advice"])
    rate_ml = int(report["sweat"]["rate_l_per_h"] * 1000 // 10 * 10)
    assert (f"your sweat rate ({rate_ml:,} mL per hour) as the model estimates it for walking, scaled by your "
            "factor from your 1 weigh-in in other sports (cycling)") in texts, texts
    assert "weigh-ins measure it" not in texts and "measured by" not in texts, texts
    ride = ["plan", "--sport", "cycling", "--duration", "2h", "--power", "180", "--json", "--config", str(config)]
    assert main(ride) == 0
    texts = " ".join(a["text"] for a in json.loads(capsys.readouterr().out)["advice"])
    assert "as measured by your 1 cycling weigh-in" in texts and "other sports" not in texts, texts


def test_list_and_delete_move_the_factor_back(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ride_id, _ = _model_l(config, RIDE.name)
    run_id, _ = _model_l(config, RUN.name)
    assert main(["weigh-in", ride_id, "--pre", "71.0", "--post", "69.2", "--drank", "1.5", "--config", str(config)]) == 0
    capsys.readouterr()
    assert main(["weigh-in", "--list", "--config", str(config)]) == 0
    pooled = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("factors now"))
    assert "; any other sport " in pooled  # one weigh-in so far: every sport shares its factor, and the line says so
    assert main(["weigh-in", run_id, "--pre", "70.6", "--post", "69.3", "--drank", "0.4", "--config", str(config)]) == 0
    capsys.readouterr()
    assert main(["weigh-in", "--list", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert run_id[:10] in out and ride_id[:10] in out
    # 71.0 − 69.2 + 1.5 = 3.30 L; 70.6 − 69.3 + 0.4 = 1.70 L (Baker 2017 Table 3)
    assert "3.30 L" in out and "1.70 L" in out
    # the same list for someone who thinks in pounds and ounces (NIST SP 811 B.8: 1 lb = 0.45359237 kg,
    # 1 US fl oz = 29.57353 mL): 71.0 kg = 156.5 lb, 69.2 kg = 152.6 lb, 3.30 L = 112 fl oz, 1.70 L = 57 fl oz
    assert main(["weigh-in", "--list", "--units", "imperial", "--config", str(config)]) == 0
    imperial = capsys.readouterr().out
    assert "156.5 → 152.6" in imperial and "112 fl oz" in imperial and "57 fl oz" in imperial
    assert " L " not in imperial and "kg" not in imperial.split("factors now")[0]
    assert main(["history", "--units", "imperial", "--config", str(config)]) == 0  # its weigh-in table too
    history = capsys.readouterr().out.split("Weigh-ins")[1]
    assert "112 fl oz" in history and "3.30 L" not in history
    assert main(["weigh-in", "--delete", run_id[:10], "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "Weigh-in deleted" in out and "(from your 1 running weigh-in)" in out.splitlines()[1]
    # without its own weigh-in, running falls back to the pooled factor it had before (then the ride's
    # alone), and says it is borrowed: not "your running factor (from 1 weigh-in)" when none is left
    before = pooled.split("cycling ")[1].split(" (from")[0]
    assert out.splitlines()[2].strip() == (f"now {before} (from your 1 weigh-in in other sports (cycling), "
                                           "applied to the model's estimate for running)")
    assert [r.activity_id for r in _weighins(config).all()] == [ride_id]
    assert main(["weigh-in", "--delete", run_id[:10], "--config", str(config)]) == 2
    _one_line_error(capsys, "no weigh-in with this id")
    assert main(["weigh-in", "--list", "latest", "--config", str(config)]) == 2
    _one_line_error(capsys, "--list", "ACTIVITY")
    assert main(["weigh-in", "latest", "--config", str(config)]) == 2
    _one_line_error(capsys, "--pre is required")


def test_ride_after_a_weigh_in_and_after_a_config_change_is_re_estimated(
        config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWEATLINE_RIDE_VIA", "local")
    ride = ["ride", str(RUN), "--config", str(config)]
    assert main(ride) == 0 and "stored report" in capsys.readouterr().out  # nothing changed yet
    assert main(["weigh-in", str(RUN), "--pre", "70.6", "--post", "69.3", "--drank", "0.4", "--config", str(config)]) == 0
    capsys.readouterr()
    # main: the stored, uncalibrated report came back
    assert main(ride) == 0 and "stored report" not in capsys.readouterr().out
    report = _report(config, RUN.name)
    assert report["sweat"]["calibrated"] is True and report["sweat"]["calibration_n"] == 1
    assert report["inputs"]["calibration"]["running"]["n"] == 1
    assert main(ride) == 0 and "stored report" in capsys.readouterr().out  # same inputs: reused
    # the body mass in the config goes 70 -> 95 kg
    config.write_text(config.read_text().replace("body_mass_kg: 70", "body_mass_kg: 95"))
    assert main(ride) == 0 and "stored report" not in capsys.readouterr().out
    report = _report(config, RUN.name)
    assert report["inputs"]["athlete"]["body_mass_kg"] == 95 and report["sweat"]["calibrated"] is True
    # body mass loss if nothing drunk: total / 95 kg (1 L ≈ 1 kg)
    assert report["sweat"]["body_mass_loss_pct"] == pytest.approx(100 * report["sweat"]["total_l"] / 95, abs=0.05)
    assert main(ride) == 0 and "stored report" in capsys.readouterr().out


def test_nightly_after_weigh_ins_re_estimates_what_changed_and_nothing_else(prefect_api: str, tmp_path: Path,
                                                                             capsys: pytest.CaptureFixture[str]) -> None:
    from flows.nightly import nightly

    inbox, data = tmp_path / "inbox", tmp_path / "data"
    inbox.mkdir()
    now = datetime.now(UTC).replace(microsecond=0)
    _activity_file(inbox / "run-recent.fit", "running", now - timedelta(days=3), 50 * 60)
    _activity_file(inbox / "ride-recent.fit", "cycling", now - timedelta(days=5), 60 * 60)
    _activity_file(inbox / "run-old.fit", "running", now - timedelta(days=60), 45 * 60)
    config = tmp_path / "sweatline.yaml"
    config.write_text(f"inbox: {inbox}\ndata_dir: {data}\n"
                      "athlete: {name: me, body_mass_kg: 70, height_cm: 175, sex: male, age: 35}\n")
    assert nightly(config_path=str(config)).line() == "processed 3, skipped 0, rejected 0"

    def reports() -> dict[str, bytes]:
        with Catalog(data) as catalog:
            return {a.source: (data / a.report_dir / "report.json").read_bytes() for a in catalog.activities()}

    # a cycling weigh-in: cycling gets its own factor, running (no weigh-in of its own) the pooled
    # one, so both recent files are re-estimated; the 60-day-old run is outside the 30-day window
    first = reports()
    assert main(["weigh-in", str(inbox / "ride-recent.fit"), "--pre", "70", "--post", "69", "--drank", "0.5",
                 "--config", str(config)]) == 0
    line = nightly(config_path=str(config)).line()
    assert line.startswith("processed 0, skipped 1, rejected 0, re-estimated 2"), line
    second = reports()
    assert second["run-old.fit"] == first["run-old.fit"]
    assert second["run-recent.fit"] != first["run-recent.fit"] and second["ride-recent.fit"] != first["ride-recent.fit"]
    assert json.loads(second["run-recent.fit"])["sweat"]["calibrated"] is True

    # a running weigh-in moves only the running factor: only the recent run is re-estimated
    assert main(["weigh-in", str(inbox / "run-recent.fit"), "--pre", "70", "--post", "69.2", "--drank", "0.3",
                 "--config", str(config)]) == 0
    line = nightly(config_path=str(config)).line()
    assert line.startswith("processed 0, skipped 2, rejected 0, re-estimated 1"), line
    third = reports()
    assert third["ride-recent.fit"] == second["ride-recent.fit"] and third["run-old.fit"] == first["run-old.fit"]
    assert third["run-recent.fit"] != second["run-recent.fit"]

    # nothing changed: nothing re-estimated, nothing rewritten
    assert nightly(config_path=str(config)).line() == "processed 0, skipped 3, rejected 0"
    assert reports() == third
    capsys.readouterr()


def test_a_weigh_in_typed_in_pounds_is_deleted_with_its_kilograms_rounded(config: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """155.2 lb and 152.3 lb are 70.3975 kg and 69.0821 kg (NIST SP 811 B.8: 1 lb = 0.45359237 kg);
    the deletion line gives them as a scale shows them, not to four decimals (fresh-user trial)."""
    run_id, _ = _model_l(config, RUN.name)
    assert main(["weigh-in", run_id, "--pre", "155.2", "--post", "152.3", "--drank", "17", "--units", "imperial",
                 "--config", str(config)]) == 0
    capsys.readouterr()
    assert main(["weigh-in", "--delete", run_id[:10], "--config", str(config)]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert "70.4 kg → 69.08 kg" in first, first


# --- one weigh-in beyond what any athlete sweats against the mean: kept, not calibrated ---

BAKER_2016_L_PER_H = (0.26, 1.21, 5.73)
"""Baker et al. (2016), 506 athletes at 15–50 °C, abstract: whole-body sweat rate lowest, mean, highest [L/h]."""


def _cold_ride(config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, float]:
    """A 3 h 45 ride at 180 W, 8 m/s in 4 °C air (the device's reading), processed: its id and model litres."""
    monkeypatch.setenv("SWEATLINE_RIDE_VIA", "local")
    start = datetime(2026, 11, 7, 8, tzinfo=UTC)
    samples = [RecordSample(timestamp=start + timedelta(seconds=i), distance_m=8.0 * i, speed_m_per_s=8.0,
                            heart_rate_bpm=140.0, power_w=180.0, temperature_c=4.0)
               for i in range(0, 3 * 3600 + 45 * 60 + 1, 5)]
    path = write(tmp_path / "cold-ride.fit", encode_activity(samples, sport="cycling"))
    assert main(["ride", str(path), "--config", str(config)]) == 0
    return _model_l(config, path.name)


def _weigh(config: Path, activity_id: str, measured_l: float) -> int:
    """`weigh-in` for ``measured_l`` litres: at most 3 kg off a 70 kg body, the rest drunk."""
    drank = max(0.0, measured_l - 3.0)
    return main(["weigh-in", activity_id, "--pre", "70", "--post", f"{70.0 - (measured_l - drank):.3f}",
                 "--drank", f"{drank:.3f}", "--config", str(config)])


@pytest.mark.parametrize(("times_extreme", "side"), [(1.1, "high"), (1.4, "high"), (0.9, "low"), (0.7, "low")])
def test_a_weigh_in_beyond_any_athletes_ratio_is_kept_but_not_calibrated(
        config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        times_extreme: float, side: str) -> None:
    """A cold ride weighed at 6.52 × the model set the factor to 2.13 with no word: a measured ÷ model
    beyond the most (or least) any of Baker 2016's athletes sweated against their mean is stored,
    shown with one line saying why, and leaves the factor where it was. High: a cold ride (a small
    model); low: the hot example ride (a large one), each within the weigh-in's own rate bounds."""
    from pipeline.store.weighins import calibration_for

    low, mean, high = BAKER_2016_L_PER_H
    activity_id, model = _cold_ride(config, tmp_path, monkeypatch) if side == "high" else _model_l(config, RIDE.name)
    capsys.readouterr()
    measured = times_extreme * (high / mean if side == "high" else low / mean) * model
    assert _weigh(config, activity_id, measured) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "not calibrated" in line]
    assert len(lines) == 1 and "Baker" in lines[0] and ("above" if side == "high" else "below") in lines[0], out
    assert "factor now" not in out
    assert [w.activity_id for w in _weighins(config).all()] == [activity_id]   # kept
    assert calibration_for(config.parent / "data", "cycling") is None         # not calibrated


@pytest.mark.parametrize("times_extreme", [0.9, 0.6])
def test_a_weigh_in_within_the_athletes_spread_still_calibrates(
        config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        times_extreme: float) -> None:
    """Inside Baker 2016's extremes against the mean, a weigh-in moves the factor as before, upward."""
    from pipeline.store.weighins import calibration_for

    low, mean, high = BAKER_2016_L_PER_H
    activity_id, model = _cold_ride(config, tmp_path, monkeypatch)
    capsys.readouterr()
    assert _weigh(config, activity_id, times_extreme * high / mean * model) == 0
    out = capsys.readouterr().out
    assert "not calibrated" not in out and "your cycling factor now" in out
    calibration = calibration_for(config.parent / "data", "cycling")
    assert calibration is not None and 1.0 < calibration.factor < times_extreme * high / mean
