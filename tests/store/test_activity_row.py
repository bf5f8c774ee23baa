"""One result, fewer shapes: the catalog row is filled from the report's blocks field by field, and
the digest's row is the catalog row's headline (its fields declared once, in the store)."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from shared_paths import SAMPLES

from pipeline.core.config import Config
from pipeline.core.schema import InputsBlock
from pipeline.fit.reader import read_activity
from pipeline.report.digest import DigestRow, as_digest_rows
from pipeline.store.catalog import ActivityHeadline, ActivityRow
from pipeline.usecases.analyse import WeatherOverride, analyse_activity

WHEN = datetime(2026, 7, 18, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def report():  # noqa: ANN201 - a Report
    activity = read_activity(SAMPLES / "garmin-edge530-cycling-2h50-road-power.fit")
    analysed = analyse_activity(activity, Config(), WeatherOverride(temperature_c=24.0, humidity_pct=None)).report
    inputs = InputsBlock(model_version="m", fingerprint="0123abcd", config={}, override={"temperature_c": 24.0},
                         calibration={"cycling": None})
    return analysed.model_copy(update={"inputs": inputs})


def _row(report) -> ActivityRow:  # noqa: ANN001
    return ActivityRow.from_report(report, file_sha256="f" * 64, report_dir="reports/x", records_path="records/x.parquet",
                                   override_temperature_c=24.0, override_humidity_pct=None, run_id="run-1",
                                   processed_at=WHEN, activity_key="key-1")


def test_the_catalog_row_holds_every_headline_figure_of_the_report(report) -> None:  # noqa: ANN001
    row, a, env, it, s = _row(report), report.activity, report.environment, report.intensity, report.sweat
    assert (row.id, row.source, row.sport, row.sub_sport, row.start_time) == (a.id, a.source, a.sport, a.sub_sport,
                                                                             a.start_time)
    assert (row.elapsed_s, row.timer_s, row.distance_m) == (a.elapsed_s, a.timer_s, a.distance_m)
    assert (row.avg_heart_rate, row.avg_power, row.device, row.salvaged, row.utc_offset_s) == (
        a.avg_heart_rate, a.avg_power, a.device, a.salvaged, a.utc_offset_s)
    assert (row.temperature_c, row.humidity_pct, row.environment_source) == (24.0, env.humidity_pct, "override")
    assert (row.intensity_source, row.mean_metabolic_w) == ("power", it.mean_metabolic_w)
    assert (row.sweat_total_l, row.sweat_low_l, row.sweat_high_l, row.sweat_rate_l_per_h) == (
        s.total_l, s.low_l, s.high_l, s.rate_l_per_h)
    assert (row.sodium_mg, row.potassium_mg, row.body_mass_loss_pct) == (s.sodium_mg, s.potassium_mg, s.body_mass_loss_pct)
    assert (row.calibrated, row.calibration_factor, row.device_estimate_l) == (False, None, s.device_estimate_l)
    assert row.model_total_l == round(s.total_l, 3)  # uncalibrated: the report's own total, to the mL
    assert (row.inputs_fingerprint, row.calibration_sports) == ("0123abcd", "cycling")
    assert (row.file_sha256, row.report_dir, row.records_path, row.run_id, row.processed_at, row.activity_key) == (
        "f" * 64, "reports/x", "records/x.parquet", "run-1", WHEN, "key-1")
    assert (row.override_temperature_c, row.override_humidity_pct) == (24.0, None)


def test_a_calibrated_report_gives_the_models_own_total(report) -> None:  # noqa: ANN001
    sweat = report.sweat.model_copy(update={"calibrated": True, "calibration_factor": 1.25, "total_l": 2.5})
    row = _row(report.model_copy(update={"sweat": sweat}))
    assert (row.calibrated, row.calibration_factor, row.model_total_l) == (True, 1.25, 2.0)


def test_a_report_without_an_estimate_leaves_the_figures_empty(report) -> None:  # noqa: ANN001
    row = _row(report.model_copy(update={"sweat": None, "environment": None, "intensity": None}))
    assert row.sweat_total_l is None and row.temperature_c is None and row.intensity_source is None
    assert row.calibrated is False and row.model_total_l is None


def test_the_digest_row_is_the_catalog_rows_headline(report) -> None:  # noqa: ANN001
    assert issubclass(DigestRow, ActivityHeadline) and issubclass(ActivityRow, ActivityHeadline)
    assert set(DigestRow.model_fields) == set(ActivityHeadline.model_fields) < set(ActivityRow.model_fields)
    row = _row(report)
    digest = as_digest_rows([row])[0]
    assert type(digest) is DigestRow
    assert digest.model_dump() == {name: getattr(row, name) for name in DigestRow.model_fields}
    assert ActivityRow.model_fields["report_dir"].is_required()  # every catalog row has its report
    assert DigestRow(id="a", source="a.fit", sport="running").report_dir is None  # a digest row need not
