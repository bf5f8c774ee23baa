"""The nightly flow, really run by Prefect (one test server per session) over real samples."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import BAD, GOOD, GOOD_IN_SUBFOLDER, snapshot  # tests/flows/conftest.py

from flows.nightly import nightly
from pipeline.store.catalog import Catalog


def test_nightly_reports_good_files_rejects_bad_ones_and_skips_everything_the_second_time(
        prefect_api: str, workspace: tuple[Path, Path, Path]) -> None:
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
    assert (data / "reports" / "index.md").read_text() == summary.digest_path.read_text()

    # second run: nothing new, nothing rewritten
    written = snapshot(data / "reports")
    again = nightly(config_path=str(config))
    n_files = len(GOOD) + len(GOOD_IN_SUBFOLDER) + len(BAD) + 2  # + export.zip + notes.fit
    assert again.line() == f"processed 0, skipped {n_files}, rejected 0"
    after = snapshot(data / "reports")
    assert {k: v for k, v in after.items() if k != "index.md"} == {k: v for k, v in written.items() if k != "index.md"}

    # the inbox is byte-for-byte (and mtime-for-mtime) what it was
    assert snapshot(inbox) == before
