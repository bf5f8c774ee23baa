"""The intervals.icu source against a real HTTP server on 127.0.0.1 speaking its documented API
(tests/fake_intervals_icu.py): what is downloaded, what is remembered, and how each way the
service can fail ends in one line."""
from __future__ import annotations

import gzip
import hashlib
import time
from datetime import date
from pathlib import Path

import pytest
from fake_intervals_icu import FakeIntervalsIcu
from shared_paths import SAMPLES

from pipeline.core.config import IntervalsIcuConfig
from pipeline.sources import intervals_icu
from pipeline.sources.intervals_icu import activity_file, pull, retry_after_s
from pipeline.sources.ledger import Ledger

TODAY = date(2026, 12, 7)
RIDE = "tomtom-runner3-cycling-17min.fit"
ROAD = "stages-dashl50-cycling-34min-road.fit"


def _config(server: FakeIntervalsIcu, **extra: object) -> IntervalsIcuConfig:
    return IntervalsIcuConfig.model_validate({"athlete_id": "0", "base_url": server.url, "timeout_s": 5, **extra})


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def server():
    with FakeIntervalsIcu() as fake:
        fake.add("i101", "2026-12-05", (SAMPLES / RIDE).read_bytes())
        fake.add("i102", "2026-12-06", (SAMPLES / ROAD).read_bytes())
        yield fake


def test_two_new_activities_are_downloaded_as_sent_and_only_once(server: FakeIntervalsIcu, tmp_path: Path) -> None:
    first = pull(_config(server), server.key, tmp_path, today=TODAY)

    assert first.problem is None, first.problem
    assert sorted(first.downloaded) == ["2026-12-05-i101.fit", "2026-12-06-i102.fit"]
    folder = tmp_path / "synced" / "intervals-icu"
    # the bytes written are the uploaded files' (the gzip the server sent, undone), checked by hash
    assert _sha((folder / "2026-12-05-i101.fit").read_bytes()) == _sha((SAMPLES / RIDE).read_bytes())
    assert _sha((folder / "2026-12-06-i102.fit").read_bytes()) == _sha((SAMPLES / ROAD).read_bytes())
    # the documented request: basic auth API_KEY:<key>, the window as ISO dates
    path, params, auth = server.requests[0]
    assert path == "/api/v1/athlete/0/activities"
    assert params == {"oldest": "2026-11-23", "newest": "2026-12-08"}
    import base64
    assert auth == "Basic " + base64.b64encode(f"API_KEY:{server.key}".encode()).decode()
    with Ledger(tmp_path) as ledger:
        assert {r[0]: r[1] for r in ledger.rows("intervals.icu")} == {"i101": "fetched", "i102": "fetched"}

    again = pull(_config(server), server.key, tmp_path, today=TODAY)
    assert again.problem is None and again.downloaded == [] and again.known == 2
    assert len(server.file_requests()) == 2  # no file asked for a second time
    assert again.line() == "intervals.icu: 0 new file(s) (2 listed, 2 fetched before)"


def test_a_strava_stub_and_an_activity_without_a_file_are_remembered_not_asked_again(
        server: FakeIntervalsIcu, tmp_path: Path) -> None:
    server.add("i103", "2026-12-06", None, source="STRAVA", _note="STRAVA activities are not available via the API")
    server.add("i104", "2026-12-06", None)  # listed, but the file answer is 404
    first = pull(_config(server), server.key, tmp_path, today=TODAY)
    assert first.problem is None and len(first.downloaded) == 2
    assert dict(first.without_file)["i103"].startswith("imported from Strava")
    assert dict(first.without_file)["i104"] == "no original file (HTTP 404)"
    assert "/api/v1/activity/i103/file" not in server.file_requests()
    asked = len(server.file_requests())
    again = pull(_config(server), server.key, tmp_path, today=TODAY)
    assert again.known == 4 and len(server.file_requests()) == asked


@pytest.mark.parametrize("key, status", [("wrong-key", 403), ("", None)])
def test_a_wrong_or_missing_key_is_one_line_naming_the_variable(server: FakeIntervalsIcu, tmp_path: Path,
                                                                key: str, status: int | None) -> None:
    report = pull(_config(server), key or None, tmp_path, today=TODAY)
    assert report.downloaded == []
    assert "INTERVALS_ICU_API_KEY" in report.problem and "\n" not in report.problem
    if status is not None:
        assert f"HTTP {status}" in report.problem
    assert report.line().startswith("intervals.icu failed: ")
    assert not (tmp_path / "synced" / "intervals-icu").exists() or not any((tmp_path / "synced" / "intervals-icu").iterdir())


def test_a_short_retry_after_is_waited_for_and_a_long_one_ends_the_night(server: FakeIntervalsIcu, tmp_path: Path) -> None:
    waited: list[float] = []
    server.mode, server.limited, server.retry_after = "rate_limited", 1, "2"
    report = pull(_config(server), server.key, tmp_path, today=TODAY, sleep=waited.append)
    assert report.problem is None and len(report.downloaded) == 2 and waited == [2.0]

    server.limited, server.retry_after = 1, "3600"
    other = tmp_path / "other"
    report = pull(_config(server), server.key, other, today=TODAY, sleep=waited.append)
    assert report.problem == "rate limited (HTTP 429; it asks to wait 3600 s): tried again next night"
    assert waited == [2.0]


def test_no_answer_in_time_ends_the_source_within_its_timeout(server: FakeIntervalsIcu, tmp_path: Path) -> None:
    server.mode, server.delay_s = "slow", 3.0
    started = time.monotonic()
    report = pull(_config(server, timeout_s=0.5), server.key, tmp_path, today=TODAY)
    assert time.monotonic() - started < 2.5  # one exchange's timeout, not the server's 3 s, nor a retry
    assert report.problem.startswith("no answer within 0.5 s")


def test_a_broken_off_or_garbage_file_is_not_kept_and_asked_again_next_night(server: FakeIntervalsIcu, tmp_path: Path) -> None:
    server.mode = "truncated"
    report = pull(_config(server), server.key, tmp_path, today=TODAY)
    assert report.downloaded == [] and report.problem.startswith("2 file(s) not usable, asked again next night (i102: ")
    assert "broke off" in report.problem
    server.mode = "garbage"
    report = pull(_config(server), server.key, tmp_path, today=TODAY)
    assert report.downloaded == [] and "not an activity file" in report.problem
    server.mode = "ok"
    report = pull(_config(server), server.key, tmp_path, today=TODAY)
    assert report.problem is None and len(report.downloaded) == 2


@pytest.mark.parametrize("mode, words", [("list_garbage", "not JSON"), ("down", "HTTP 503 twice")])
def test_a_garbage_list_or_a_server_down_is_one_line(server: FakeIntervalsIcu, tmp_path: Path, mode: str, words: str) -> None:
    server.mode = mode
    report = pull(_config(server), server.key, tmp_path, today=TODAY, sleep=lambda s: None)
    assert words in report.problem and report.downloaded == []


def test_an_unreachable_server_is_one_line(tmp_path: Path) -> None:
    with FakeIntervalsIcu() as fake:
        url = fake.url
    config = IntervalsIcuConfig.model_validate({"base_url": url, "timeout_s": 2})
    report = pull(config, "k", tmp_path, today=TODAY, sleep=lambda s: None)
    assert report.problem == f"unreachable (ConnectError) ({url})"


def test_activity_file_reads_fit_gpx_tcx_and_refuses_the_rest() -> None:
    fit = (SAMPLES / RIDE).read_bytes()
    assert activity_file(gzip.compress(fit)) == (".fit", fit)
    assert activity_file(fit) == (".fit", fit)
    gpx = b'<?xml version="1.0"?>\n<gpx version="1.1" creator="x"><trk/></gpx>'
    assert activity_file(gzip.compress(gpx)) == (".gpx", gpx)
    tcx = b'\xef\xbb\xbf<?xml version="1.0"?><TrainingCenterDatabase xmlns="x"/>'
    assert activity_file(tcx) == (".tcx", tcx)
    with pytest.raises(intervals_icu.NotAnActivityFile, match="broken off"):
        activity_file(fit[:-100])
    with pytest.raises(intervals_icu.NotAnActivityFile, match="gzip broken off"):
        activity_file(gzip.compress(fit)[:-30])
    with pytest.raises(intervals_icu.NotAnActivityFile, match="not an activity file"):
        activity_file(b"<html>Bad Gateway</html>")


def test_retry_after_reads_seconds_and_http_dates() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 12, 7, 22, 0, 0, tzinfo=UTC)
    assert retry_after_s("120", now) == 120.0
    assert retry_after_s("Mon, 07 Dec 2026 22:00:30 GMT", now) == 30.0
    assert retry_after_s("soon", now) is None and retry_after_s(None, now) is None
