"""Backfill in batches: a ``process-files`` task reads several files one after another in
one guarded process. A file over its limit in the middle of a batch is set aside with its one line
and the files after it are still read; the same inbox gives the same catalog, reports and
rejections whether its files are batched or not."""
from __future__ import annotations

import shutil
from pathlib import Path

from flow_support import SAMPLES, build_inbox, catalog_outcome, write_config
from guard_files import SLOW_RIDE_H, time_limit_s, write_long_ride

from flows.nightly import nightly
from pipeline.store.catalog import Catalog


def test_a_batch_sets_aside_a_file_over_the_time_limit_and_reads_the_files_after_it(
        prefect_api: str, tmp_path: Path, caplog) -> None:
    inbox, data = tmp_path / "inbox", tmp_path / "data"
    inbox.mkdir()
    shutil.copy(SAMPLES / "tomtom-runner3-cycling-17min.fit", inbox / "a-tomtom.fit")
    write_long_ride(inbox, hours=SLOW_RIDE_H, name="b-long-ride.fit")  # about 50 times as long to read as a sample
    shutil.copy(SAMPLES / "garmin-fr945-multisport-1min-bike-run.fit", inbox / "c-fr945.fit")
    shutil.copy(SAMPLES / "garmin-edge510-settings.fit", inbox / "d-edge510-settings.fit")
    limit = time_limit_s([inbox / "a-tomtom.fit", inbox / "c-fr945.fit"], tmp_path)  # this machine, this load
    over = f"took longer than {limit:g} s to read; set aside"
    config = tmp_path / "sweatline.yaml"
    config.write_text(f"inbox: {inbox}\ndata_dir: {data}\nlimits: {{file_time_s: {limit}}}\n"
                      "athlete: {body_mass_kg: 70, height_cm: 178, sex: male, age: 35}\n")

    summary = nightly(config_path=str(config), workers=1, batch=4)  # one task holding all four files

    assert any("up to 4 files per task, read one after another in one guarded process" in r.getMessage()
               for r in caplog.records)
    assert sorted(summary.processed_files) == ["a-tomtom.fit", "c-fr945.fit"]
    assert sorted((r.name, r.kind) for r in summary.rejected) == [("b-long-ride.fit", "too_slow"),
                                                                   ("d-edge510-settings.fit", "not_activity")]
    assert [r.reason for r in summary.rejected if r.name == "b-long-ride.fit"] == [over]
    assert summary.failed == []
    with Catalog(data) as catalog:
        assert sorted(a.source for a in catalog.activities()) == ["a-tomtom.fit", "c-fr945.fit"]
        assert sorted((r.name, r.reason) for r in catalog.rejections())[0] == (
            "b-long-ride.fit", over)
    for name in ("a-tomtom.fit", "c-fr945.fit", "d-edge510-settings.fit"):  # per-file log lines, as unbatched
        assert any(r.getMessage().startswith(f"{name}: ") for r in caplog.records), name
    progress = [r.getMessage() for r in caplog.records if r.getMessage().startswith("progress: ")]
    assert progress[-1].startswith("progress: 4/4 files (100%), 2 activities, 2 rejected, 0 failed")
    assert not any("Traceback" in r.getMessage() for r in caplog.records)


def _catalog(tmp_path: Path, inbox: Path, name: str, batch: int) -> tuple[dict, dict, list, tuple]:
    data = tmp_path / f"data-{name}"
    folder = tmp_path / name
    folder.mkdir()
    summary = nightly(config_path=str(write_config(folder, inbox, data)), batch=batch)
    rows, reports, rejections = catalog_outcome(data)
    counted = (sorted(summary.processed_files), summary.skipped,  # the summary, whatever order files ended in
               sorted((r.name, r.kind, r.reason) for r in summary.rejected), summary.failed)
    return rows, reports, rejections, counted


def test_batched_and_unbatched_nightlies_give_the_same_catalog(prefect_api: str, tmp_path: Path, caplog) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    build_inbox(inbox)  # good, broken and non-activity files, a sub-folder, a zip: 9 inbox files
    one = _catalog(tmp_path, inbox, "one-per-task", batch=1)
    batched = _catalog(tmp_path, inbox, "batched", batch=3)
    assert any("up to 3 files per task" in r.getMessage() for r in caplog.records)
    assert len(one[0]) == 4 and len(one[2]) >= 4  # the files flow_support.build_inbox describes
    assert batched == one


def test_a_file_of_a_batch_that_meets_an_io_error_gets_the_process_file_tasks_retries(
        prefect_api: str, tmp_path: Path, quick_retries: None) -> None:
    """A real I/O failure (``records`` under data_dir is a file, so no activity can be stored) in a
    batch of two: each file is handed to a ``process-file`` task run of its own, which Prefect
    retries (first try and 2 retries, all OSError), then it fails alone: the run fails as every
    new file failed, and nothing is recorded."""
    import pytest
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    inbox, data = tmp_path / "inbox", tmp_path / "data"
    inbox.mkdir()
    data.mkdir()
    (data / "records").write_text("in the way")
    shutil.copy(SAMPLES / "tomtom-runner3-cycling-17min.fit", inbox / "a.fit")
    shutil.copy(SAMPLES / "garmin-fr945-multisport-1min-bike-run.fit", inbox / "b.fit")
    with pytest.raises(RuntimeError, match="every new file failed"):
        nightly(config_path=str(write_config(tmp_path, inbox, data)), workers=1, batch=2)
    with Catalog(data) as catalog:
        run = catalog.runs("nightly")[-1]
        assert run.state == "failed" and run.failed == 2
        assert catalog.known_hashes() == set()  # not recorded: tried again next night
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run.prefect_flow_run_id])))
    assert sorted((t.name, t.run_count) for t in runs if t.name.startswith("process ")) == [
        ("process a.fit", 3), ("process a.fit and 1 more", 1), ("process b.fit", 3)]
