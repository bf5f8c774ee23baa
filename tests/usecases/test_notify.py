"""The night's notification: what it says, and that it reaches a real webhook on 127.0.0.1 through
apprise (its ``json://`` form), or says in one line why not."""
from __future__ import annotations

from pathlib import Path

import pytest
from fake_webhook import FakeWebhook

from pipeline.core.config import parse_config
from pipeline.sources import SourceReport
from pipeline.store.catalog import utc_now
from pipeline.usecases.nightly_summary import NightlySummary
from pipeline.usecases.notify import Message, failure_message, night_message, notify, notify_url


def _config(tmp_path: Path, **notify_section: object):
    return parse_config({"inbox": str(tmp_path), "data_dir": str(tmp_path / "data"), "notify": notify_section},
                        base_dir=tmp_path)


def _summary(tmp_path: Path, **fields: object) -> NightlySummary:
    return NightlySummary(run_id="r", inbox=tmp_path, data_dir=tmp_path / "data", started_at=utc_now(), **fields)


def test_a_quiet_night_sends_nothing_unless_the_summary_is_asked_for(tmp_path: Path) -> None:
    quiet = _summary(tmp_path, processed_files=["a.fit"])
    assert night_message(_config(tmp_path, url="json://127.0.0.1/x"), quiet) is None
    message = night_message(_config(tmp_path, url="json://127.0.0.1/x", summary=True), quiet)
    assert message is not None and not message.failed
    assert message.title == "Sweatline nightly: 0 activities"
    assert message.body.splitlines()[0] == quiet.line()
    assert message.body.splitlines()[-1] == f"index: {(tmp_path / 'data' / 'reports' / 'index.html').resolve().as_uri()}"
    assert night_message(_config(tmp_path, url="json://127.0.0.1/x", summary=True), _summary(tmp_path, busy=True)) is None


def test_a_failed_source_is_a_failed_night_named_in_title_and_line(tmp_path: Path) -> None:
    summary = _summary(tmp_path, sources=[SourceReport(source="intervals.icu", problem="the API key was refused (HTTP 403)")])
    message = night_message(_config(tmp_path, url="json://127.0.0.1/x"), summary)
    assert message is not None and message.failed
    assert message.title == "Sweatline nightly: intervals.icu failed"
    assert "source intervals.icu failed: the API key was refused (HTTP 403)" in message.body


def test_a_broken_run_says_its_one_line(tmp_path: Path) -> None:
    from pipeline.core.errors import ConfigError

    message = failure_message(_config(tmp_path), ConfigError("/x/inbox", "inbox folder not found"))
    assert message.failed and message.title == "Sweatline nightly failed"
    assert message.body.splitlines()[0] == "ConfigError: /x/inbox: inbox folder not found"


def test_the_message_reaches_a_webhook_and_a_refusing_one_is_one_line(tmp_path: Path) -> None:
    with FakeWebhook() as hook:
        config = _config(tmp_path, url=hook.apprise_url)
        line = notify(config, Message(title="Sweatline nightly failed", body="why\nindex: file:///x", failed=True))
        assert line == "notification sent (json://): Sweatline nightly failed"
        assert len(hook.received) == 1 and hook.received[0]["path"] == "/hook"
        payload = hook.received[0]["payload"]
        assert (payload["title"], payload["message"], payload["type"]) == (
            "Sweatline nightly failed", "why\nindex: file:///x", "failure")
        hook.status = 500
        line = notify(config, Message(title="t", body="b", failed=False))
        assert line == "notification not sent: the json:// service did not accept it"


def test_the_url_may_come_from_the_environment_and_a_bad_one_is_one_line(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    config = _config(tmp_path, url_env="SWEATLINE_TEST_NOTIFY_URL")
    assert notify_url(config) is None and notify(config, Message(title="t", body="b", failed=True)) is None
    monkeypatch.setenv("SWEATLINE_TEST_NOTIFY_URL", "nosuchscheme://somewhere")
    assert notify(config, Message(title="t", body="b", failed=True)) == (
        "notification not sent: apprise does not understand the nosuchscheme:// URL")
