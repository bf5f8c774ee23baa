"""Weigh-ins in the real SQLite catalog: migration, replace rules, surviving a rebuild, the
uncalibrated model estimate, and weight-scale FIT files (made with our writer) paired with activities."""
from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import fitparse
import pytest

from pipeline.core.errors import RejectedFile, UsageError
from pipeline.fit import read_scale_readings
from pipeline.physiology.calibration import (
    ActivityWindow,
    ScaleReading,
    pair_scale_readings,
)
from pipeline.store.catalog import ActivityRow, Catalog, FileRow, utc_now
from pipeline.store.db import migrate, schema_version
from pipeline.store.weighins import (
    WEIGHIN_MIGRATIONS,
    WeighInRow,
    WeighIns,
    model_estimate_l,
)
from tools.fitwriter import WeightSample, encode_weight_scale, write

PROJECT = Path(__file__).resolve().parents[2]
from shared_paths import SAMPLES  # noqa: E402

START = datetime(2026, 7, 18, 12, 10, tzinfo=UTC)


def _activity(catalog: Catalog, activity_id: str = "ab" * 32, *, sport: str = "cycling",
              start: datetime = START, elapsed_s: float = 9000.0, sweat: dict | None = None,
              **extra: float) -> ActivityRow:
    """A processed activity in the catalog with its report.json (what the nightly run leaves)."""
    report_dir = f"reports/{activity_id[:10]}"
    (catalog.data_dir / report_dir).mkdir(parents=True, exist_ok=True)
    (catalog.data_dir / report_dir / "report.json").write_text(json.dumps({"schema_version": 1, "sweat": sweat}))
    row = ActivityRow(id=activity_id, file_sha256=activity_id, source=f"{activity_id[:6]}.fit", sport=sport,
                      start_time=start, elapsed_s=elapsed_s, timer_s=elapsed_s,
                      sweat_total_l=(sweat or {}).get("total_l"), calibrated=bool((sweat or {}).get("calibrated")),
                      calibration_factor=(sweat or {}).get("calibration_factor"),
                      report_dir=report_dir, processed_at=utc_now(), **extra)
    file = FileRow(sha256=activity_id, name=row.source, path=row.source, size_bytes=1, status="processed",
                   activities=1, first_seen_at=utc_now(), processed_at=utc_now())
    catalog.record_processed(file, [row])
    return row


def _manual(activity_id: str, pre: float = 70.4, post: float = 68.9, drank: float | None = 0.75) -> WeighInRow:
    return WeighInRow(activity_id=activity_id, sport="cycling", source="manual", pre_kg=pre, post_kg=post,
                      drank_l=drank, measured_l=pre - post + (drank or 0.0), model_l=1.5, elapsed_s=9000.0,
                      recorded_at=utc_now())


def test_migration_adds_the_tables_once(tmp_path: Path) -> None:
    with Catalog(tmp_path) as catalog:
        WeighIns(catalog)
        WeighIns(catalog)  # idempotent
        assert schema_version(catalog.conn, "weighins") == len(WEIGHIN_MIGRATIONS)
        tables = {r[0] for r in catalog.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"weighins", "scale_readings", "activities"} <= tables


def test_second_weigh_in_needs_replace(tmp_path: Path) -> None:
    with Catalog(tmp_path) as catalog:
        activity = _activity(catalog)
        store = WeighIns(catalog)
        assert store.put(_manual(activity.id)) is None
        with pytest.raises(UsageError, match="--replace"):
            store.put(_manual(activity.id, post=69.1))
        assert store.get(activity.id).post_kg == 68.9  # the first one is untouched
        replaced = store.put(_manual(activity.id, post=69.1), replace=True)
        assert replaced is not None and replaced.post_kg == 68.9
        assert store.get(activity.id).post_kg == 69.1
        assert len(store.all()) == 1


def test_scale_pairing_never_overrides_a_manual_weigh_in(tmp_path: Path) -> None:
    with Catalog(tmp_path) as catalog:
        activity = _activity(catalog)
        store = WeighIns(catalog)
        scale = _manual(activity.id, drank=None).model_copy(update={"source": "scale"})
        store.put(scale)
        assert store.get(activity.id).lower_bound
        store.put(_manual(activity.id))  # a manual weigh-in replaces a scale pairing without --replace
        assert store.get(activity.id).source == "manual"
        store.put(scale)
        assert store.get(activity.id).source == "manual"


def test_weigh_ins_survive_a_rebuild_of_their_activity(tmp_path: Path) -> None:
    with Catalog(tmp_path) as catalog:
        activity = _activity(catalog)
        store = WeighIns(catalog)
        store.put(_manual(activity.id))
        catalog.forget_file(activity.file_sha256)  # what `nightly --rebuild` does first
        assert catalog.activity(activity.id) is None
        assert store.get(activity.id) is not None
    with Catalog(tmp_path) as catalog:  # and after reopening the database
        assert WeighIns(catalog).get(activity.id).measured_l == pytest.approx(2.25)


def test_model_estimate_is_the_uncalibrated_one(tmp_path: Path) -> None:
    with Catalog(tmp_path) as catalog:
        plain = _activity(catalog, "cd" * 32, sweat={"total_l": 1.2, "calibrated": False})
        calibrated = _activity(catalog, "ef" * 32, sweat={"total_l": 1.5, "calibrated": True, "calibration_factor": 1.25})
        none = _activity(catalog, "01" * 32, sweat=None)
        assert model_estimate_l(plain) == pytest.approx(1.2)
        assert model_estimate_l(calibrated) == pytest.approx(1.2)
        assert model_estimate_l(none) is None
        store = WeighIns(catalog)
        store.put(_manual(calibrated.id))
        (point,) = store.calibration_points()
        assert (point.measured_l, point.model_l, point.lower_bound) == pytest.approx((2.25, 1.2, False))


# --- weight-scale FIT files -------------------------------------------------------------------

def test_read_scale_readings_from_our_writer(tmp_path: Path) -> None:
    path = write(tmp_path / "scale.fit", encode_weight_scale([
        WeightSample(START - timedelta(minutes=30), 70.45), WeightSample(START + timedelta(hours=3), 68.80)]))
    assert read_scale_readings(path) == [ScaleReading(START - timedelta(minutes=30), 70.45),
                                     ScaleReading(START + timedelta(hours=3), 68.80)]
    gz = tmp_path / "scale.fit.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()))
    assert len(read_scale_readings(gz)) == 2


@pytest.mark.parametrize(("path", "kind"), [
    (PROJECT / "examples" / "fit" / "2026-07-18-road-ride-hot.fit", "not_weight"),  # an activity, not a scale
    (SAMPLES / "garmin-vivofit-monitoring.fit", "not_weight"),
    (SAMPLES / "garmin-edge510-settings.fit", "not_weight"),
    (SAMPLES / "unknown-unknown-none-zero-length.fit", "decode"),
    (SAMPLES / "dynastream-sdkexample-running-bad-file-crc.fit", "decode"),
])
def test_read_scale_readings_refuses_what_is_not_a_scale_file(path: Path, kind: str) -> None:
    with pytest.raises(RejectedFile) as info:
        read_scale_readings(path)
    assert info.value.kind == kind and "\n" not in str(info.value)


def _session_window(path: Path) -> tuple[datetime, datetime]:
    session = next(fitparse.FitFile(str(path)).get_messages("session"))
    start = session.get_value("start_time").replace(tzinfo=UTC)
    return start, start + timedelta(seconds=session.get_value("total_elapsed_time"))


def test_scale_file_around_a_sample_activity_pairs(tmp_path: Path) -> None:
    sample = SAMPLES / "garmin-fr965-running-1h15-power.fit"
    start, end = _session_window(sample)
    scale = write(tmp_path / "scale.fit", encode_weight_scale([
        WeightSample(start - timedelta(hours=5), 71.0),        # morning weigh-in: too early to count
        WeightSample(start - timedelta(minutes=25), 70.6),     # just before the run
        WeightSample(end + timedelta(minutes=15), 69.3),       # just after
        WeightSample(end + timedelta(hours=6), 70.2),          # evening: too late
    ]))
    readings = read_scale_readings(scale)
    window = ActivityWindow("fr965", "running", start, end)
    pairs, refused = pair_scale_readings(readings, [window])
    assert refused == []
    (pair,) = pairs
    assert (pair.pre.weight_kg, pair.post.weight_kg) == (70.6, 69.3)
    assert pair.measured_l == pytest.approx(1.3)  # 70.6 − 69.3 kg, drinks unknown: a lower bound


def test_pairing_needs_both_sides_and_plausible_numbers() -> None:
    end = START + timedelta(hours=2)
    window = ActivityWindow("a", "running", START, end)
    only_before = [ScaleReading(START - timedelta(minutes=10), 70.0)]
    assert pair_scale_readings(only_before, [window]) == ([], [])
    gained = [ScaleReading(START - timedelta(minutes=10), 70.0), ScaleReading(end + timedelta(minutes=10), 70.3)]
    pairs, refused = pair_scale_readings(gained, [window])
    assert pairs == [] and "nothing to learn" in refused[0].reason
    absurd = [ScaleReading(START - timedelta(minutes=10), 70.0), ScaleReading(end + timedelta(minutes=10), 60.0)]
    pairs, refused = pair_scale_readings(absurd, [window])
    assert pairs == [] and "10 %" in refused[0].reason


def test_catalog_pairs_stored_readings_with_activities_idempotently(tmp_path: Path) -> None:
    with Catalog(tmp_path) as catalog:
        activity = _activity(catalog, sweat={"total_l": 1.1, "calibrated": False})
        store = WeighIns(catalog)
        end = START + timedelta(seconds=activity.elapsed_s)
        readings = [ScaleReading(START - timedelta(minutes=20), 70.5), ScaleReading(end + timedelta(minutes=30), 69.2)]
        assert store.add_scale_readings(readings, source_name="scale.fit") == 2
        assert store.add_scale_readings(readings, source_name="scale.fit") == 0
        stored, refused = store.pair_scale_readings()
        assert refused == [] and len(stored) == 1
        row = store.get(activity.id)
        assert row.source == "scale" and row.drank_l is None and row.measured_l == pytest.approx(1.3)
        assert row.model_l == pytest.approx(1.1)
        assert store.pair_scale_readings() == ([], [])  # nothing new the second time
        (point,) = store.calibration_points()
        assert point.lower_bound


def test_the_example_smart_scale_file_pairs_with_the_example_hill_run() -> None:
    from pipeline.fit.reader import read_activity

    run = read_activity(PROJECT / "examples" / "fit" / "2026-10-10-hill-run-cool.fit")
    leg = run.legs[0]
    window = ActivityWindow(run.summary.id, leg.sport, leg.start_time, leg.end_time)
    readings = read_scale_readings(PROJECT / "examples" / "fit" / "2026-10-10-smart-scale.fit")
    assert len(readings) == 4
    (pair,), refused = pair_scale_readings(readings, [window])
    assert refused == [] and (pair.pre.weight_kg, pair.post.weight_kg) == (70.45, 69.35)
    assert pair.measured_l == pytest.approx(1.10)


def test_upgrading_a_version_1_database_keeps_its_scale_readings(tmp_path: Path) -> None:
    with Catalog(tmp_path) as catalog:
        migrate(catalog.conn, "weighins", WEIGHIN_MIGRATIONS[:1])
        catalog.conn.execute("INSERT INTO scale_readings (timestamp, weight_kg) VALUES (?, ?)",
                             ((START - timedelta(minutes=20)).isoformat(), 70.5))
    with Catalog(tmp_path) as catalog:
        store = WeighIns(catalog)
        assert store.scale_readings() == [ScaleReading(START - timedelta(minutes=20), 70.5, None)]


def test_a_family_scale_pairs_the_athlete_s_own_readings(tmp_path: Path) -> None:
    end = START + timedelta(hours=2)
    path = write(tmp_path / "family.fit", encode_weight_scale([
        WeightSample(START - timedelta(minutes=30), 70.4, user_index=0),   # the athlete, before
        WeightSample(START - timedelta(minutes=10), 58.2, user_index=1),   # someone else, later before
        WeightSample(end + timedelta(minutes=5), 57.9, user_index=1),      # someone else, first after
        WeightSample(end + timedelta(minutes=20), 69.2, user_index=0),     # the athlete, after
    ]))
    readings = read_scale_readings(path)
    assert {r.user_index for r in readings} == {0, 1}
    window = ActivityWindow("a", "running", START, end)
    # the athlete's configured body mass (70 kg) tells whose readings are whose
    (pair,), _ = pair_scale_readings(readings, [window], reference_mass_kg=70.0)
    assert (pair.pre.weight_kg, pair.post.weight_kg) == (70.4, 69.2)
    assert pair.measured_l == pytest.approx(1.2)
    # without it the pairing is ambiguous and nothing is paired
    pairs, refused = pair_scale_readings(readings, [window])
    assert pairs == [] and "several scale users" in refused[0].reason
    # and an athlete who is neither of them (more than 15 % off) gets no weigh-in
    assert pair_scale_readings(readings, [window], reference_mass_kg=90.0) == ([], [])
    with Catalog(tmp_path / "data") as catalog:
        store = WeighIns(catalog)
        assert store.add_scale_readings(readings) == 4
        assert {r.user_index for r in store.scale_readings()} == {0, 1}


# --- a weigh-in measures sweat + water breathed out + fuel burned: the model's side is that same sum
# Mitchell, Nadel & Stolwijk (1972): breath water 0.019 · V̇O₂ · (44 − P_a) g/min (P_a in mmHg) and
# fuel mass V̇O₂ · (RER · 1.977 − 1.429) g/min at RER 0.85; Cheuvront & Montain (2017) and Baker
# (2017): the mass balance pre − post + drunk − urine is sweat plus those two.


def _breath_and_fuel_l(hours: float, vo2_l_per_min: float, vapour_mmhg: float) -> tuple[float, float]:
    breath_g = 0.019 * vo2_l_per_min * (44.0 - vapour_mmhg) * 60.0 * hours
    fuel_g = vo2_l_per_min * (0.85 * 1.977 - 1.429) * 60.0 * hours
    return breath_g / 1000.0, fuel_g / 1000.0


@pytest.mark.parametrize(("hours", "vo2", "vapour_mmhg", "sweat_l_per_h", "pre", "post", "drank"), [
    (1.0, 2.5, 10.0, 0.80, 70.0, 69.3, 0.2),     # an hour's run at 20 °C: 0.9 kg lost
    (4.0, 2.2, 12.0, 0.70, 70.0, 68.0, 1.6),     # a 4 h ride: 3.6 kg
    (40.0, 1.1, 6.0, 0.231, 70.0, 64.0, 6.0),    # a 40 h ultra in cool air: 12 kg
])
def test_weigh_in_is_compared_with_sweat_breath_and_fuel(
        tmp_path: Path, hours: float, vo2: float, vapour_mmhg: float, sweat_l_per_h: float,
        pre: float, post: float, drank: float) -> None:
    breath, fuel = _breath_and_fuel_l(hours, vo2, vapour_mmhg)
    sweat = sweat_l_per_h * hours
    measured = pre - post + drank
    with Catalog(tmp_path) as catalog:
        activity = _activity(catalog, "cd" * 32, elapsed_s=hours * 3600.0,
                             sweat={"total_l": sweat, "calibrated": False},
                             model_total_l=sweat, respiratory_water_l=breath, metabolic_mass_l=fuel)
        stored = catalog.activity(activity.id)
        assert (stored.respiratory_water_l, stored.metabolic_mass_l) == pytest.approx((breath, fuel))
        assert model_estimate_l(stored) == pytest.approx(sweat + breath + fuel)
        store = WeighIns(catalog)
        store.put(_manual(activity.id, pre=pre, post=post, drank=drank))
        (point,) = store.calibration_points()
    assert point.measured_l / point.model_l == pytest.approx(measured / (sweat + breath + fuel))
    # breath and fuel are not read as extra sweat: the ratio is below what sweat alone would give
    assert point.measured_l / point.model_l < measured / sweat


def test_forty_hour_ultra_from_the_field_report(tmp_path: Path) -> None:
    """70 − 64 + 6 = 12 kg lost against the model's 9.24 L sweat, 2.9 L breathed out and 1.0 kg of
    fuel: 12 / 13.14 = 0.91 (sweat alone gave 1.30, and raised every later plan by 30 %)."""
    with Catalog(tmp_path) as catalog:
        activity = _activity(catalog, "cd" * 32, elapsed_s=40 * 3600.0, sweat={"total_l": 9.24, "calibrated": False},
                             model_total_l=9.24, respiratory_water_l=2.9, metabolic_mass_l=1.0)
        store = WeighIns(catalog)
        store.put(_manual(activity.id, pre=70.0, post=64.0, drank=6.0))
        (point,) = store.calibration_points()
    assert point.measured_l / point.model_l == pytest.approx(12.0 / 13.14)


def test_rows_from_before_count_breath_and_fuel_as_zero(tmp_path: Path) -> None:
    with Catalog(tmp_path) as catalog:
        old = _activity(catalog, "cd" * 32, sweat={"total_l": 1.2, "calibrated": False})
        assert (old.respiratory_water_l, old.metabolic_mass_l) == (None, None)
        assert model_estimate_l(catalog.activity(old.id)) == pytest.approx(1.2)
