"""The numpy running median against pandas' ``rolling(window, center=True, min_periods=1).median()``
(the independent implementation it replaces: a skip list per window): the same numbers, bit for bit,
over every record column of the shared samples and over edge cases (NaN runs, ends, even windows,
infinities, which pandas counts as missing)."""
from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest
from shared_paths import SAMPLES

from pipeline.fit.reader import read_fit
from pipeline.physiology.intensity import HR_BOUNDS_BPM, clean_signal, running_median

COLUMNS = ("heart_rate_bpm", "power_w", "speed_m_per_s", "distance_m", "altitude_m", "temperature_c", "cadence_rpm")


@functools.lru_cache(maxsize=1)
def sample_records() -> tuple[tuple[str, pd.DataFrame], ...]:
    """Every activity's records in the shared samples (those the reader accepts)."""
    out = []
    for path in sorted(SAMPLES.glob("*.fit")):
        for number, activity in enumerate(read_fit(path).activities):
            out.append((f"{path.name}:{number}", activity.records))
    return tuple(out)


def pandas_median(values: np.ndarray, window: int) -> np.ndarray:
    return pd.Series(values).rolling(window, center=True, min_periods=1).median().to_numpy()


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal arrays, NaN where NaN, and the same sign on zeros."""
    return a.shape == b.shape and np.array_equal(a, b, equal_nan=True) and bool(
        (np.signbit(a) == np.signbit(b))[~np.isnan(a)].all())


def test_samples_are_read():
    assert len(sample_records()) >= 40  # the 52 shared samples, less the refused ones, plus multisport legs


@pytest.mark.parametrize("window", [5, 4])
def test_running_median_matches_pandas_on_every_sample_column(window):
    compared = 0
    for name, records in sample_records():
        for column in COLUMNS:
            if column not in records:
                continue
            values = pd.to_numeric(records[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            assert same_bits(running_median(values, window), pandas_median(values, window)), (name, column, window)
            compared += 1
    assert compared >= 200


def test_clean_signal_matches_the_pandas_path_on_every_sample():
    """clean_signal as it was (pandas ``where`` then ``rolling``) and as it is, over the heart rate,
    with the bounds the model uses."""
    for name, records in sample_records():
        series = records["heart_rate_bpm"]
        numbers = pd.to_numeric(series, errors="coerce").astype(float)
        lo, hi = HR_BOUNDS_BPM
        before = numbers.where((numbers >= lo) & (numbers <= hi)).rolling(5, center=True, min_periods=1).median()
        after = clean_signal(series, lo, hi)
        assert after.index.equals(series.index) and after.name == series.name, name
        assert same_bits(after.to_numpy(), before.to_numpy()), name


@pytest.mark.parametrize("window", [1, 2, 3, 5, 6, 60])
def test_running_median_edge_cases_match_pandas(window):
    rng = np.random.default_rng(window)
    cases = [
        np.array([]), np.array([np.nan]), np.array([3.0]), np.full(7, np.nan), np.array([1.0, np.nan, 2.0]),
        np.array([np.inf, 1.0, -np.inf, 2.0, np.nan]),
        np.r_[np.full(10, np.nan), np.arange(10.0), np.full(3, np.nan), [1e300, 1e300, -1e300]],
    ]
    for _ in range(50):
        values = rng.normal(100, 30, rng.integers(1, 300)).round(rng.integers(0, 3))
        values[rng.random(len(values)) < rng.random()] = np.nan
        cases.append(values)
    for values in cases:
        assert same_bits(running_median(values, window), pandas_median(values, window)), (values, window)
    # zeros of both signs in one window compare equal in both; which sign the median keeps follows
    # the order of the sort (numpy) or of the skip list (pandas): the value is the same
    mixed = np.array([-0.0, 0.0, -0.0, 0.5])
    assert np.array_equal(running_median(mixed, window), pandas_median(mixed, window))


def test_a_window_below_one_sample_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        running_median(np.arange(3.0), 0)
