"""The nightly task's log names each activity of an export zip by the member's own file name:
"garmin-export.zip: cycling, sweat 1.64 L" twice could not be told apart."""
from __future__ import annotations

import io
import logging
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from pipeline.core.config import Config
from pipeline.usecases.ingest import process_file
from tools.fitwriter import DeviceSpec, RecordSample, encode_activity


def _ride(start: datetime, serial: int) -> bytes:
    samples = [RecordSample(timestamp=start + timedelta(seconds=i), distance_m=7.5 * i, speed_m_per_s=7.5,
                            power_w=180.0, heart_rate_bpm=135.0, temperature_c=24.0) for i in range(10 * 60 + 1)]
    return encode_activity(samples, sport="cycling", sub_sport="road",
                           device=DeviceSpec(manufacturer="garmin", serial_number=serial))


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_the_log_names_each_member_of_an_export_zip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import flows.tasks as tasks

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    config = Config(inbox=inbox, data_dir=tmp_path / "data")
    t0 = datetime(2026, 5, 2, 6, 15, tzinfo=timezone.utc)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("DI_CONNECT/DI-Connect-Uploaded-Files/1111111111.fit", _ride(t0, 3_456_789_012))
        archive.writestr("DI_CONNECT/DI-Connect-Uploaded-Files/2222222222.fit", _ride(t0 + timedelta(days=1), 3_456_789_013))
    path = inbox / "garmin-export.zip"
    path.write_bytes(buffer.getvalue())
    outcome = process_file(path, config, run_id="r")
    assert len(outcome.activities) == 2
    logger = logging.getLogger("sweatline-test-task")  # the task's run logger, outside a Prefect run
    logger.setLevel(logging.INFO)
    handler = _Lines()
    logger.addHandler(handler)
    monkeypatch.setattr(tasks, "get_run_logger", lambda: logger)
    try:
        tasks.log_outcome(path, outcome)
    finally:
        logger.removeHandler(handler)
    lines = sorted(handler.lines)
    assert [line.split(": ", 1)[0] for line in lines] == ["garmin-export.zip:…/1111111111.fit",
                                                          "garmin-export.zip:…/2222222222.fit"], lines
    assert all(": cycling, sweat " in line for line in lines), lines
