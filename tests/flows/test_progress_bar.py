"""The nightly's progress bar: drawn only on a terminal (a real pty), with log lines printed above it."""
from __future__ import annotations

import os
import re
from pathlib import Path


def _drain(master: int) -> bytes:
    """Everything written so far to the terminal whose pty master is ``master``."""
    os.set_blocking(master, False)
    drawn = b""
    try:
        while chunk := os.read(master, 65536):
            drawn += chunk
    except BlockingIOError:
        pass
    return drawn


def test_progress_bar_only_on_a_terminal(tmp_path: Path) -> None:
    import pty

    from flows.cli.nightly import terminal_progress
    from pipeline.runtime.progress import report_progress

    master, slave = pty.openpty()
    with os.fdopen(slave, "w") as tty:
        assert tty.isatty()
        with terminal_progress(tty):
            for done in range(1, 11):
                report_progress(done, 10, f"file-{done}.fit")
        tty.flush()
        drawn = _drain(master)
    os.close(master)
    assert b"nightly" in drawn and b"10/10" in drawn
    with open(tmp_path / "log.txt", "w") as plain:
        with terminal_progress(plain):
            for done in range(1, 11):
                report_progress(done, 10, "x.fit")
    assert (tmp_path / "log.txt").read_text() == ""  # no bar into a file or pipe


def test_log_lines_print_above_the_progress_bar_not_glued_to_it() -> None:
    """Prefect's console log lines written during the bar (a user's report: `… 1/63 -:--:-- bomb.zip13:09:00.768
    | INFO …`, the line glued to the bar, then half wiped by its redraw) go above the bar: after the
    terminal's escape sequences are taken out, no log line follows the bar's text on the same line."""
    import logging
    import pty

    from prefect.logging.handlers import PrefectConsoleHandler

    from flows.cli.nightly import terminal_progress
    from pipeline.runtime.progress import report_progress

    master, slave = pty.openpty()
    logger = logging.getLogger("sweatline-test-progress-logs")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    with os.fdopen(slave, "w") as tty:
        handler = PrefectConsoleHandler(stream=tty)
        logger.addHandler(handler)
        try:
            with terminal_progress(tty):
                for done in range(1, 11):
                    report_progress(done, 10, f"file-{done}.fit")
                    logger.info("log line %d", done)
            assert handler.console.file is tty  # given back when the bar ends
        finally:
            logger.removeHandler(handler)
        tty.flush()
        drawn = _drain(master)
    os.close(master)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", drawn.decode(errors="replace"))
    lines = [line for chunk in text.split("\n") for line in chunk.split("\r")]
    assert sum("log line" in line for line in lines) == 10, text
    assert not any("log line" in line and "nightly" in line for line in lines), text
