"""The report's per-record series of a one-leg activity, built straight from the leg's columns, is
the frame the general path (rename, offset, concatenate the legs) makes of that leg alone: same
columns in the same order, same dtypes, same index, the same values bit for bit."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from shared_paths import SAMPLES

from pipeline.core.config import parse_config
from pipeline.fit import read_activity
from pipeline.usecases import analyse

ATHLETE = {"name": "test", "body_mass_kg": 70, "height_cm": 178, "sex": "male", "age": 35}
FILES = ("garmin-fenix2-running-47min.fit", "wahoo-elemnt-cycling-6h33-road-power-temp.fit",
         "garmin-fr735xt-swimming-1h16-pool.fit", "garmin-fr255-triathlon-1h07-summary-last.fit",
         "garmin-fenix2-multisport-6h50-7sessions.fit")


def same_frame(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert list(a.columns) == list(b.columns) and a.columns.dtype == b.columns.dtype
    assert a.index.equals(b.index) and a.index.name == b.index.name and a.index.dtype == b.index.dtype
    for name in a.columns:
        left, right = a[name].to_numpy(), b[name].to_numpy()
        if left.dtype.kind == "f":  # zeros keep their sign
            assert np.array_equal(np.signbit(left), np.signbit(right)), name


@pytest.mark.parametrize("name", FILES)
def test_one_leg_series_is_the_joined_series_of_that_leg(name, monkeypatch):
    seen: list[list] = []
    original = analyse._series

    def capture(estimates):  # noqa: ANN001, ANN202
        seen.append(list(estimates))
        return original(estimates)

    monkeypatch.setattr(analyse, "_series", capture)
    analyse.analyse_activity(read_activity(SAMPLES / name), parse_config({"athlete": ATHLETE}))
    legs = [est for estimates in seen for est in estimates if not est.series.empty]
    assert legs, name
    for est in legs:
        same_frame(analyse._one_leg_series(est.series), analyse._joined_series([est]))
