"""The guard per file in a real nightly run: a file over its time limit is set aside with
one line, and the night goes on with the others."""
from __future__ import annotations

import shutil
from pathlib import Path

from flow_support import SAMPLES
from guard_files import SLOW_RIDE_H, time_limit_s, write_long_ride

from flows.nightly import nightly
from pipeline.store.catalog import Catalog


def test_a_file_over_the_time_limit_is_rejected_and_the_others_are_processed(prefect_api: str, tmp_path: Path,
                                                                              caplog) -> None:
    inbox, data = tmp_path / "inbox", tmp_path / "data"
    inbox.mkdir()
    write_long_ride(inbox, hours=SLOW_RIDE_H)  # about 50 times as long to read as each sample
    for name in ("tomtom-runner3-cycling-17min.fit", "garmin-fr945-multisport-1min-bike-run.fit"):
        shutil.copy(SAMPLES / name, inbox / name)
    limit = time_limit_s([inbox / "tomtom-runner3-cycling-17min.fit"], tmp_path)  # this machine, this load
    over = f"took longer than {limit:g} s to read; set aside"
    config = tmp_path / "sweatline.yaml"
    config.write_text(f"inbox: {inbox}\ndata_dir: {data}\nlimits: {{file_time_s: {limit}}}\n"
                      "athlete: {body_mass_kg: 70, height_cm: 178, sex: male, age: 35}\n")

    summary = nightly(config_path=str(config))

    assert sorted(summary.processed_files) == ["garmin-fr945-multisport-1min-bike-run.fit",
                                               "tomtom-runner3-cycling-17min.fit"]
    assert [(r.name, r.kind, r.reason) for r in summary.rejected] == [
        ("long-ride.fit", "too_slow", over)]
    assert summary.failed == []
    assert summary.line() == f"processed 2, skipped 0, rejected 1 (long-ride.fit: {over})"
    with Catalog(data) as catalog:
        assert len(catalog.activities()) == 2
        assert [(r.name, r.reason) for r in catalog.rejections()] == [
            ("long-ride.fit", over)]
    assert not any("Traceback" in r.getMessage() for r in caplog.records)
    assert any("each file in its own guarded process" in r.getMessage() for r in caplog.records)
