"""The nightly flow, really run by Prefect (one test server per session) over real samples."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from flow_support import BAD, GOOD, GOOD_IN_SUBFOLDER, snapshot

from flows.nightly import nightly
from pipeline.store.catalog import Catalog
from pipeline.usecases.nightly_summary import INDEX_LINE_FILES


def test_nightly_reports_good_files_rejects_bad_ones_and_skips_everything_the_second_time(
        prefect_api: str, workspace: tuple[Path, Path, Path], capsys) -> None:
    config, inbox, data = workspace
    before = snapshot(inbox)

    summary = nightly(config_path=str(config))

    # good files (loose, in a sub-folder, inside a zip) gave reports; bad ones were rejected with reasons
    assert len(summary.processed_files) == len(GOOD) + len(GOOD_IN_SUBFOLDER) + 1  # + export.zip
    with Catalog(data) as catalog:
        activities = catalog.activities()
        rejections = {(r.name, r.member): r for r in catalog.rejections()}
        runs = catalog.runs("nightly")
    sources = sorted(a.source for a in activities)
    assert len(activities) == 4, sources
    for activity in activities:
        folder = data / activity.report_dir
        for name in ("report.json", "report.md", "report.html"):
            assert (folder / name).is_file(), (activity.source, name)
        report = json.loads((folder / "report.json").read_text())
        assert report["activity"]["id"] == activity.id
        assert (data / activity.records_path).is_file()
    assert {a.sport for a in activities} >= {"cycling", "multisport"}
    for name, kind in BAD.items():
        assert rejections[(name, "")].kind == kind, (name, rejections[(name, "")])
        assert rejections[(name, "")].reason
    assert rejections[("notes.fit", "")].kind == "not_fit"
    assert ("export.zip", "activities/eof.fit") in rejections  # a bad member of a good zip
    assert summary.line().startswith(f"processed 4, skipped 0, rejected {len(BAD) + 2} (")
    for name in BAD:
        assert name in summary.line()
    assert runs[-1].state == "completed" and runs[-1].processed == 4 and runs[-1].prefect_flow_run_id
    assert summary.digest_path is not None and summary.digest_path.is_file()
    index = (data / "reports" / "index.md").read_text()
    assert summary.line(limit=INDEX_LINE_FILES) in index and all(a.report_dir.split("/")[-1] in index for a in activities)
    assert (data / "reports" / "index.html").is_file()
    assert (data / "reports" / "digest.html").is_file() and (data / "reports" / "digest.md").is_file()

    # `sweatline history --json` lists what the catalog holds, with the reports' paths
    from flows.cli import main

    capsys.readouterr()
    assert main(["history", "--json", "--config", str(config)]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert sorted(r["id"] for r in listed) == sorted(a.id for a in activities)
    assert all(Path(r["report_html"]).is_file() for r in listed)

    # second run: nothing new, nothing rewritten
    written = snapshot(data / "reports")
    again = nightly(config_path=str(config))
    n_files = len(GOOD) + len(GOOD_IN_SUBFOLDER) + len(BAD) + 2  # + export.zip + notes.fit
    # the files refused last night are still in the inbox: skipped, but named with their reason, so
    # a bad file is not hidden behind "rejected 0" (a fresh-user trial)
    assert again.line().startswith(f"processed 0, skipped {n_files} (") and again.line().endswith(", rejected 0")
    assert sorted(r.name for r in again.set_aside_before) == sorted([*BAD, "notes.fit"])
    for name in [*BAD, "notes.fit"]:
        assert f"{name}: set aside before, {rejections[(name, '')].reason}" in again.line()
    kept = again.digest_path.read_text()  # the night's run summary lists them under their own heading
    assert "## Skipped: set aside on an earlier run (still in the inbox)" in kept and "`notes.fit`" in kept
    after = snapshot(data / "reports")
    front = ("index.md", "index.html")  # the front door says what the last night did
    assert {k: v for k, v in after.items() if k not in front} == {k: v for k, v in written.items() if k not in front}
    index = (data / "reports" / "index.md").read_text()
    assert again.line(limit=INDEX_LINE_FILES) in index and all(a.report_dir.split("/")[-1] in index for a in activities)

    # the inbox is byte-for-byte (and mtime-for-mtime) what it was
    assert snapshot(inbox) == before


def _artifacts(flow_run_id: str) -> dict[str, object]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id])))
    return {a.key: a for a in found}


def _task_runs(flow_run_id: str) -> list[object]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        return client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))


def test_nightly_publishes_a_summary_and_a_table_of_activities_with_report_links(
        prefect_api: str, tmp_path: Path) -> None:
    from flow_support import SAMPLES, write_config

    inbox, data = tmp_path / "inbox", tmp_path / "data"
    inbox.mkdir()
    shutil.copy(SAMPLES / "tomtom-runner3-cycling-17min.fit", inbox)
    shutil.copy(SAMPLES / "unknown-unknown-none-zero-length.fit", inbox)
    summary = nightly(config_path=str(write_config(tmp_path, inbox, data)))
    with Catalog(data) as catalog:
        run = catalog.runs("nightly")[-1]
        (activity,) = catalog.activities()
    artifacts = _artifacts(run.prefect_flow_run_id)
    markdown = artifacts["nightly-summary"].data
    assert "processed 1, skipped 0, rejected 1" in markdown
    assert "empty file (0 bytes)" in markdown
    report_uri = (data / activity.report_dir / "report.html").resolve().as_uri()
    assert report_uri in markdown
    table = artifacts["nightly-activities"].data
    rows = json.loads(table) if isinstance(table, str) else table
    assert [row["report"] for row in rows] == [report_uri]
    assert rows[0]["sport"] == "cycling"
    # bad data is not retried: every task ran exactly once
    runs = [t for t in _task_runs(run.prefect_flow_run_id) if t.name.startswith("process ")]
    assert len(runs) == 2 and all(t.run_count == 1 for t in runs)
    assert summary.line().startswith("processed 1, skipped 0, rejected 1 (unknown-unknown-none-zero-length.fit: empty file")


def test_tasks_retried_on_io_errors_wait_the_delays_the_readme_gives() -> None:
    """README: a file is "retried on I/O errors only (twice: 1 s, then 5 s after a failed try)"; the
    tests of what is retried run with these delays at 0 (``quick_retries``), so they are held here."""
    import flows.tasks as tasks

    for retried in (tasks.hash_files, tasks.process_file_task, tasks.write_digest_task, tasks.process_ride):
        assert (retried.retries, retried.retry_delay_seconds) == (2, [1, 5]), retried.name
        assert retried.retry_condition_fn is tasks.retry_on_io_error


def test_io_errors_are_retried_and_a_night_where_every_file_failed_fails_the_run(
        prefect_api: str, tmp_path: Path, quick_retries: None) -> None:
    """A real I/O failure: ``records`` under data_dir is a file, so no activity can be stored."""
    import pytest
    from flow_support import SAMPLES, write_config

    inbox, data = tmp_path / "inbox", tmp_path / "data"
    inbox.mkdir()
    data.mkdir()
    (data / "records").write_text("in the way")
    shutil.copy(SAMPLES / "tomtom-runner3-cycling-17min.fit", inbox)
    config = write_config(tmp_path, inbox, data)
    with pytest.raises(RuntimeError, match="every new file failed"):
        nightly(config_path=str(config))
    with Catalog(data) as catalog:
        run = catalog.runs("nightly")[-1]
        assert run.state == "failed" and run.failed == 1
        assert catalog.known_hashes() == set()  # not recorded: tried again next night
    (task_run,) = [t for t in _task_runs(run.prefect_flow_run_id) if t.name.startswith("process ")]
    assert task_run.run_count == 3  # first try + 2 retries, all OSError
    assert not list((data / "reports").glob("*/report.json"))

    # one bad file and one failing file: the run completes (bad data is an outcome, not a failure)
    shutil.copy(SAMPLES / "garmin-edge510-settings.fit", inbox)
    summary = nightly(config_path=str(config))
    assert summary.line().startswith("processed 0, skipped 0, rejected 1 (garmin-edge510-settings.fit")
    assert "failed 1 (tomtom-runner3-cycling-17min.fit:" in summary.line()


def test_worker_processes_give_the_same_reports_as_threads(prefect_api: str, tmp_path: Path) -> None:
    """The opt-in process pool (``runner="processes"``) runs the same code in a spawned worker."""
    from flow_support import SAMPLES, write_config

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLES / "tomtom-runner3-cycling-17min.fit", inbox)
    shutil.copy(SAMPLES / "garmin-edge510-settings.fit", inbox)
    rows = {}
    for workers, runner in ((0, "threads"), (1, "processes")):
        data, folder = tmp_path / f"data-{workers}", tmp_path / f"config-{workers}"
        folder.mkdir()
        summary = nightly(config_path=str(write_config(folder, inbox, data)), workers=workers, runner=runner)
        assert summary.line().startswith("processed 1, skipped 0, rejected 1 (garmin-edge510-settings.fit")
        with Catalog(data) as catalog:
            (row,) = catalog.activities()
        rows[workers] = row
        assert json.loads((data / row.report_dir / "report.json").read_text())["activity"]["id"] == row.id
    assert rows[0].sweat_total_l == rows[1].sweat_total_l and rows[0].report_dir == rows[1].report_dir
