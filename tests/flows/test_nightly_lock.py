"""Two nightlies at once. ``<data_dir>/nightly.lock`` (flock, non-blocking): the second
says "another nightly run is in progress", exits 0 and does nothing. "Another run" is another
process holding the lock (:func:`_held_elsewhere`); inside the process that holds it, the lock is
held again (the command line holds it around its flow)."""
from __future__ import annotations

import contextlib
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import flows.nightly
from flows.cli import main
from pipeline.store.catalog import Catalog
from pipeline.usecases.nightly import nightly_lock
from pipeline.usecases.nightly_summary import BUSY_MESSAGE


def _config(tmp_path: Path) -> Path:
    (tmp_path / "inbox").mkdir()
    path = tmp_path / "c.yaml"
    path.write_text("inbox: inbox\ndata_dir: data\n")
    return path


@contextlib.contextmanager
def _held_elsewhere(data_dir: Path) -> Iterator[None]:
    """Another process holds ``data_dir``'s nightly lock for the block."""
    holder = subprocess.Popen([sys.executable, "-c", "import sys\nfrom pipeline.usecases.nightly import nightly_lock\n"
                               "with nightly_lock(sys.argv[1]) as held:\n    print(held, flush=True)\n"
                               "    sys.stdin.read()", str(data_dir)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "True\n"
        yield
    finally:
        holder.communicate(timeout=60)


def test_the_lock_is_exclusive_between_processes_and_released(tmp_path: Path) -> None:
    with _held_elsewhere(tmp_path):
        with nightly_lock(tmp_path) as second:
            assert not second
    with nightly_lock(tmp_path) as again:
        assert again
        with nightly_lock(tmp_path) as inside:  # this process holds it: held again (the flow in the command)
            assert inside
    with _held_elsewhere(tmp_path):  # and released when the outer block ends
        pass


def test_a_second_nightly_command_does_nothing_and_exits_0(tmp_path: Path, capsys) -> None:
    config = _config(tmp_path)
    with _held_elsewhere(tmp_path / "data"):
        assert main(["nightly", "--config", str(config)]) == 0
    out = capsys.readouterr()
    assert "another nightly run is in progress" in out.out and out.err == ""
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["nightly.lock"]


def test_the_flow_itself_refuses_while_another_run_holds_the_lock(tmp_path: Path, monkeypatch) -> None:
    config = _config(tmp_path)
    monkeypatch.setattr(flows.nightly, "get_run_logger", lambda: logging.getLogger("test-nightly"))
    with _held_elsewhere(tmp_path / "data"):
        summary = flows.nightly.nightly.fn(config_path=str(config))
    assert summary.busy and summary.line() == BUSY_MESSAGE
    with Catalog(tmp_path / "data") as catalog:
        assert catalog.runs() == []
