"""The nightly with the intervals.icu source, against a real HTTP server on 127.0.0.1 speaking
the documented API (tests/fake_intervals_icu.py), and ``sweatline sync`` alone."""
from __future__ import annotations

import logging
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cli_support import run_cli
from fake_intervals_icu import FakeIntervalsIcu
from fake_webhook import FakeWebhook
from flow_support import snapshot
from shared_paths import SAMPLES

from pipeline.store.catalog import Catalog

KEY_ENV = "SWEATLINE_TEST_INTERVALS_KEY"
RIDE = "tomtom-runner3-cycling-17min.fit"
ROAD = "stages-dashl50-cycling-34min-road.fit"
IN_INBOX = "garmin-fr945-multisport-1min-bike-run.fit"


def _setup(tmp_path: Path, server: FakeIntervalsIcu, notify: str = "") -> tuple[Path, Path, Path]:
    inbox, data = tmp_path / "inbox", tmp_path / "data"
    inbox.mkdir()
    shutil.copy(SAMPLES / IN_INBOX, inbox / IN_INBOX)
    config = tmp_path / "sweatline.yaml"
    config.write_text(
        f"inbox: {inbox}\ndata_dir: {data}\n"
        "athlete: {name: test, body_mass_kg: 70, height_cm: 178, sex: male, age: 35}\n"
        f'sync: {{intervals_icu: {{athlete_id: "0", api_key_env: {KEY_ENV}, base_url: "{server.url}", timeout_s: 5}}}}\n' + notify)
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    server.add("i9001", yesterday, (SAMPLES / RIDE).read_bytes())
    server.add("i9002", yesterday, (SAMPLES / ROAD).read_bytes())
    return config, inbox, data


@pytest.fixture
def server():
    with FakeIntervalsIcu() as fake:
        yield fake


def test_two_new_activities_are_downloaded_once_and_processed_and_a_second_night_downloads_nothing(
        prefect_api: str, tmp_path: Path, server: FakeIntervalsIcu, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    from flows.nightly import nightly

    config, inbox, data = _setup(tmp_path, server)
    monkeypatch.setenv(KEY_ENV, server.key)
    before = snapshot(inbox)
    with caplog.at_level(logging.INFO):
        summary = nightly(config_path=str(config))

    assert [len(s.downloaded) for s in summary.sources] == [2] and summary.sources[0].problem is None
    assert sorted(summary.processed_files) == sorted([IN_INBOX, *summary.sources[0].downloaded])
    with Catalog(data) as catalog:
        sources = sorted(a.source for a in catalog.activities())
        paths = sorted(f.path for f in (catalog.file(a.file_sha256) for a in catalog.activities()) if f is not None)
    assert len(sources) == 3
    assert sum("synced/intervals-icu/" in p for p in paths) == 2
    assert "; fetched 2 (intervals.icu: 2)" in summary.line()
    assert snapshot(inbox) == before  # the inbox is only read
    assert "Traceback" not in caplog.text

    again = nightly(config_path=str(config))
    assert again.sources[0].downloaded == [] and again.sources[0].known == 2
    assert again.processed_files == [] and again.skipped == 3
    assert len(server.file_requests()) == 2  # each file asked for once over both nights


def test_a_wrong_key_is_one_line_naming_the_source_and_the_inbox_is_still_processed(
        prefect_api: str, tmp_path: Path, server: FakeIntervalsIcu, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    from flows.nightly import nightly

    with FakeWebhook() as hook:
        config, inbox, data = _setup(tmp_path, server, notify=f"notify: {{url: '{hook.apprise_url}'}}\n")
        monkeypatch.setenv(KEY_ENV, "not-the-key")
        with caplog.at_level(logging.INFO):
            summary = nightly(config_path=str(config))
    # the night tells someone: a failed source is a failed night, even without notify.summary
    assert len(hook.received) == 1
    sent = hook.received[0]["payload"]
    assert sent["type"] == "failure" and sent["title"] == "Sweatline nightly: intervals.icu failed"
    assert summary.line() in sent["message"]

    assert summary.processed_files == [IN_INBOX]
    line = summary.line()
    assert (f"; source intervals.icu failed: the API key was refused (HTTP 403): check {KEY_ENV} "
            "and athlete_id '0'") in line
    assert server.file_requests() == []
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "intervals.icu" in r.getMessage()]
    assert len(warned) == 1 and "\n" not in warned[0]
    assert "Traceback" not in caplog.text
    with Catalog(data) as catalog:
        assert catalog.runs("nightly")[-1].state == "completed"
        assert "intervals.icu failed" in (catalog.runs("nightly")[-1].summary or "")
    index = (data / "reports" / "index.md").read_text()
    assert "intervals.icu failed" in index  # the front door says it too


def test_sweatline_sync_pulls_alone_and_says_one_line_per_source(tmp_path: Path, server: FakeIntervalsIcu) -> None:
    config, inbox, data = _setup(tmp_path, server)
    done = run_cli("sync", config=config, env={KEY_ENV: server.key})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "intervals.icu: 2 new file(s) (2 listed, 0 fetched before)"
    assert lines[1] == f"files: {(data / 'synced').resolve()}"
    assert len(list((data / "synced" / "intervals-icu").glob("*.fit"))) == 2
    with Catalog(data) as catalog:
        assert catalog.activities() == []  # pulled, not processed
    again = run_cli("sync", config=config, env={KEY_ENV: server.key})
    assert again.stdout.splitlines()[0] == "intervals.icu: 0 new file(s) (2 listed, 2 fetched before)"

    wrong = run_cli("sync", config=config, env={KEY_ENV: "nope"})
    assert wrong.returncode == 1 and wrong.stderr == ""
    assert wrong.stdout.splitlines()[0].startswith("intervals.icu failed: the API key was refused (HTTP 403)")


def test_sweatline_sync_without_a_source_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "sweatline.yaml"
    config.write_text(f"inbox: {tmp_path}\ndata_dir: {tmp_path / 'data'}\n")
    done = run_cli("sync", config=config)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip().endswith("sync: no source configured (add sync: {intervals_icu: {athlete_id: \"0\", "
                                        "api_key_env: INTERVALS_ICU_API_KEY}})")


def test_a_night_that_breaks_sends_its_one_line_and_a_good_night_its_summary_when_asked(
        prefect_api: str, tmp_path: Path, server: FakeIntervalsIcu, monkeypatch: pytest.MonkeyPatch) -> None:
    from flows.nightly import nightly

    with FakeWebhook() as hook:
        config, inbox, data = _setup(tmp_path, server, notify=f"notify: {{url: '{hook.apprise_url}', summary: true}}\n")
        monkeypatch.setenv(KEY_ENV, server.key)
        summary = nightly(config_path=str(config))
        assert len(hook.received) == 1
        sent = hook.received[0]["payload"]
        litres = sum(a.sweat_total_l for a in summary.activities if a.sweat_total_l is not None)
        assert sent["type"] == "info" and sent["title"] == "Sweatline nightly: 3 activities"
        assert sent["message"].splitlines() == [
            summary.line(), f"3 activities, {litres:.1f} L of sweat in all",
            f"index: {(data / 'reports' / 'index.html').resolve().as_uri()}"]

        shutil.rmtree(inbox)  # the inbox gone (a drive not mounted): the run fails, and says so
        with pytest.raises(Exception, match="inbox folder not found"):
            nightly(config_path=str(config))
        assert len(hook.received) == 2
        sent = hook.received[1]["payload"]
        assert sent["type"] == "failure" and sent["title"] == "Sweatline nightly failed"
        assert sent["message"].splitlines()[0] == f"ConfigError: {inbox}: inbox folder not found"
