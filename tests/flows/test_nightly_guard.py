"""The guard per file in a real nightly run: a file over its time limit is set aside with
one line, and the night goes on with the others."""
from __future__ import annotations

import shutil
from pathlib import Path

from flow_support import SAMPLES
from guard_files import SLOW_RIDE_H, write_long_ride

from flows.nightly import nightly
from pipeline.store.catalog import Catalog


def test_a_file_over_the_time_limit_is_rejected_and_the_others_are_processed(prefect_api: str, tmp_path: Path,
                                                                              caplog) -> None:
    inbox, data = tmp_path / "inbox", tmp_path / "data"
    inbox.mkdir()
    write_long_ride(inbox, hours=SLOW_RIDE_H)  # 5 s to read here, the samples 0.1 s each: SLOW_RIDE_H
    for name in ("tomtom-runner3-cycling-17min.fit", "garmin-fr945-multisport-1min-bike-run.fit"):  # about 0.1 s each once the child is warm
        shutil.copy(SAMPLES / name, inbox / name)
    config = tmp_path / "sweatline.yaml"
    config.write_text(f"inbox: {inbox}\ndata_dir: {data}\nlimits: {{file_time_s: 1}}\n"
                      "athlete: {body_mass_kg: 70, height_cm: 178, sex: male, age: 35}\n")

    summary = nightly(config_path=str(config))

    assert sorted(summary.processed_files) == ["garmin-fr945-multisport-1min-bike-run.fit",
                                               "tomtom-runner3-cycling-17min.fit"]
    assert [(r.name, r.kind, r.reason) for r in summary.rejected] == [
        ("long-ride.fit", "too_slow", "took longer than 1 s to read; set aside")]
    assert summary.failed == []
    assert summary.line() == ("processed 2, skipped 0, rejected 1 (long-ride.fit: took longer than 1 s to read; "
                              "set aside)")
    with Catalog(data) as catalog:
        assert len(catalog.activities()) == 2
        assert [(r.name, r.reason) for r in catalog.rejections()] == [
            ("long-ride.fit", "took longer than 1 s to read; set aside")]
    assert not any("Traceback" in r.getMessage() for r in caplog.records)
    assert any("each file in its own guarded process" in r.getMessage() for r in caplog.records)
