"""Issue 14: two nightlies at once. ``<data_dir>/nightly.lock`` (flock, non-blocking): the second
says "another nightly run is in progress", exits 0 and does nothing."""
from __future__ import annotations

import logging
from pathlib import Path

import flows.nightly
from flows.cli import main
from pipeline.nightly import BUSY_MESSAGE, nightly_lock
from pipeline.store.catalog import Catalog


def _config(tmp_path: Path) -> Path:
    (tmp_path / "inbox").mkdir()
    path = tmp_path / "c.yaml"
    path.write_text("inbox: inbox\ndata_dir: data\n")
    return path


def test_the_lock_is_exclusive_and_released(tmp_path: Path) -> None:
    with nightly_lock(tmp_path) as first:
        assert first
        with nightly_lock(tmp_path) as second:
            assert not second
    with nightly_lock(tmp_path) as again:
        assert again


def test_a_second_nightly_command_does_nothing_and_exits_0(tmp_path: Path, capsys) -> None:
    config = _config(tmp_path)
    with nightly_lock(tmp_path / "data") as held:
        assert held
        assert main(["nightly", "--config", str(config)]) == 0
    out = capsys.readouterr()
    assert "another nightly run is in progress" in out.out and out.err == ""
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["nightly.lock"]


def test_the_flow_itself_refuses_while_another_run_holds_the_lock(tmp_path: Path, monkeypatch) -> None:
    config = _config(tmp_path)
    monkeypatch.setattr(flows.nightly, "get_run_logger", lambda: logging.getLogger("test-nightly"))
    with nightly_lock(tmp_path / "data") as held:
        assert held
        summary = flows.nightly.nightly.fn(config_path=str(config))
    assert summary.busy and summary.line() == BUSY_MESSAGE
    with Catalog(tmp_path / "data") as catalog:
        assert catalog.runs() == []
