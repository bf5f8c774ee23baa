"""The model against the repository's table of published whole-body sweat rates (validation/):
an accuracy regression test, not a timing. Each row is predicted through the same use case as
``sweatline plan`` (:func:`validation.predict`)."""
from __future__ import annotations

import pytest

import validation

COLUMNS = set(validation.Study.model_fields)


@pytest.fixture(scope="module")
def summary() -> validation.Summary:
    return validation.evaluate()


def test_every_row_says_where_it_comes_from_and_what_was_assumed():
    studies = validation.load()
    assert len({s.id for s in studies}) == len(studies)
    for s in studies:
        assert s.citation and s.measured and s.intensity_published, s.id
        assert s.doi or "DOI" in s.notes or "proceedings" in s.citation, s.id  # no DOI: the notes say why
        assert set(s.assumed) <= COLUMNS, (s.id, set(s.assumed) - COLUMNS)
    assert len(studies) >= 26
    assert {"female", "male"} <= {s.sex for s in studies}
    assert {"swim", "triathlon", "running_cool", "running_warm", "running_tropical", "load_carriage", "long_ride",
            "cold_weather"} <= {s.group for s in studies}
    # cold-weather sport: endurance exercise in air below 10 °C at an intensity the study published (a speed,
    # power or heart rate the plan takes as it is, none of them assumed), not a stand-in for an intermittent sport
    cold = [s for s in studies if s.group == "cold_weather"]
    assert cold
    for s in cold:
        assert s.air_temp_c < 10.0 and s.water_temp_c is None, s.id
        assert s.speed_kmh is not None or s.power_w is not None or s.heart_rate_bpm is not None, s.id
        assert not {"speed_kmh", "power_w", "heart_rate_bpm", "legs"} & set(s.assumed), s.id


def test_accuracy_on_the_table(summary):
    """The issue's thresholds, asserted as the issue states them: MAPE ≤ 20 %, median ours/measured
    within 0.9–1.1, the measured mean inside our range for ≥ 80 % of rows, and every group within 30 %
    MAPE. Field rows are planned as ``sweatline plan`` plans them without a sky (the climatological
    daylight sky, docs/model/default-sky.md); laboratory rows in shade, as published."""
    assert summary.mape_pct <= 20.0
    assert summary.coverage >= 0.80
    for name, group in summary.groups.items():
        assert group["mape_pct"] <= 30.0, (name, group)
    assert 0.9 <= summary.median_ratio <= 1.1
    # ranges that mean something: not wider than about ×2.5 between their ends for the median row
    assert summary.median_width_ratio <= 2.5


def test_a_row_with_a_published_heart_rate_and_no_published_pace_is_planned_by_heart_rate():
    """Where a study publishes the mean heart rate and not the speed, the row carries the heart rate
    (the published input) and no speed, and the prediction follows the heart rate: the same march at a
    higher heart rate predicts more sweat (Keytel et al. 2005's energy rises with heart rate)."""
    studies = [s for s in validation.load() if s.heart_rate_bpm is not None]
    assert studies
    for s in studies:
        assert s.speed_kmh is None and "speed_kmh" not in s.assumed and "heart_rate_bpm" not in s.assumed, s.id
    row = studies[0]
    base = validation.predict(row).rate_l_per_h
    slower = validation.predict(row.model_copy(update={"heart_rate_bpm": row.heart_rate_bpm - 20.0}))
    assert slower.rate_l_per_h < base
    # the published age reaches the equation: Keytel's men's equation rises 0.2017 kJ/min per year
    assert row.sex == "male" and row.age is not None
    assert validation.predict(row.model_copy(update={"age": row.age + 20.0})).rate_l_per_h > base


def test_the_printed_tables_keep_their_columns_aligned(capsys) -> None:
    """``python -m validation``: each table's lines (header and rows) are of one length, so a group
    name longer than the others (``running_tropical``) or a long row id shifts no column."""
    from validation.__main__ import main

    assert main() == 0
    rows, _, groups = capsys.readouterr().out.strip().split("\n\n")
    for table in (rows, groups):
        lines = table.splitlines()
        assert len({len(line) for line in lines}) == 1, lines
    assert any(line.startswith("running_tropical ") for line in groups.splitlines())
