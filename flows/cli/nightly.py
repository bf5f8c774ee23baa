"""`sweatline nightly [--inbox DIR ...] [--rebuild]`: one run of the nightly flow, now.

Runs against the Prefect server that is up (``PREFECT_API_URL``, or the one ``sweatline serve``
started for this data directory) so the run shows in its UI; otherwise Prefect starts its
temporary local server (SQLite under ``PREFECT_HOME``) for the duration of the run.
Progress goes to the terminal through Prefect's logs (stderr) and, when stderr is a terminal, a
progress bar (rich, which Prefect already brings) for a run of more than :data:`BAR_FROM_FILES`
files; the summary line and where the reports are go to stdout.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from flows.cli.options import add_config
from flows.cli.prefect_server import allow_temporary_server_start, configured_api_url, find_api, is_reachable
from pipeline.core.config import Config
from pipeline.core.errors import ConfigError
from pipeline.core.untrusted import clean_text
from pipeline.store.db import connect
from pipeline.usecases.nightly import inboxes_for, nightly_lock
from pipeline.usecases.nightly_summary import BUSY_MESSAGE

BAR_FROM_FILES = 5
"""A batch of fewer files finishes before a bar is worth drawing."""


@contextlib.contextmanager
def terminal_progress(stream: IO[str] | None = None) -> Iterator[None]:
    """A rich progress bar on stderr fed by :func:`pipeline.runtime.progress.report_progress`, only when
    stderr is a terminal; otherwise nothing (the log lines say the progress). The bar is
    transient (gone when the run ends) and redraws at most 4 times a second on its own thread:
    the files' work never waits for it."""
    stream = stream if stream is not None else sys.stderr
    if not getattr(stream, "isatty", lambda: False)():
        yield
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

    from pipeline.runtime.progress import listening

    progress = Progress(TextColumn("nightly"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                        TextColumn("{task.description}"), console=Console(file=stream), transient=True,
                        refresh_per_second=4)
    task: list[TaskID] = []
    routed: list[tuple[Any, Any]] = []
    _BARS.append(progress)

    def update(done: int, total: int, name: str) -> None:
        if total < BAR_FROM_FILES:
            return
        if not task:
            progress.start()
            routed.extend(_route_console_logs(stream, progress.console))
            task.append(progress.add_task("", total=total))
        elif progress.tasks[0].total != total:  # the second batch (activities whose inputs changed)
            progress.reset(task[0], total=total)
        progress.update(task[0], completed=done, description=clean_text(name)[:NAME_WIDTH].ljust(NAME_WIDTH))

    try:
        with listening(update):
            yield
    finally:
        for handler, file in routed:
            handler.console.file = file
        progress.stop()
        _BARS.remove(progress)


_BARS: list[Any] = []
"""The progress bars being drawn in this process: a Ctrl-C clears them at once (:func:`stopping_at_ctrl_c`)."""


NAME_WIDTH = 40
"""The file name beside the bar: cut or padded to this width, so the bar does not jump as names change."""


def _route_console_logs(stream: object, console: Any) -> list[tuple[Any, Any]]:
    """While the bar is drawn, Prefect's console log handlers that write to ``stream`` write through
    the bar's own rich ``console`` instead (:class:`_AboveTheBar`), which prints each line above the
    bar. Written straight to the terminal, a log line was glued to the end of the bar and then half
    wiped by its next redraw (a user's report). Returns ``(handler, file)`` pairs to put back when
    the bar ends. Prefect's handler prints through a rich ``Console`` of its own
    (``handler.console``); found by that, so this module does not import Prefect for it."""
    loggers = [logging.getLogger(), *(logger for logger in logging.Logger.manager.loggerDict.values()
                                      if isinstance(logger, logging.Logger))]
    routed = []
    for logger in loggers:
        for handler in logger.handlers:
            own = getattr(handler, "console", None)
            if own is not None and getattr(own, "file", None) is stream:
                routed.append((handler, own.file))
                own.file = _AboveTheBar(console, stream)
    return routed


class _AboveTheBar(io.TextIOBase):
    """A file whose whole lines the bar's rich ``console`` prints above the bar (their ANSI colours
    decoded and kept). Rich's own ``FileProxy`` does this for ``sys.stderr``, but another rich
    console given a ``FileProxy`` writes to the file behind it, under the bar."""

    def __init__(self, console: Any, terminal: Any) -> None:
        from rich.ansi import AnsiDecoder

        self._console, self._terminal, self._decoder = console, terminal, AnsiDecoder()
        self._partial = ""

    def write(self, text: str) -> int:
        *lines, self._partial = (self._partial + text).split("\n")
        if lines:
            from rich.text import Text

            self._console.print(Text("\n").join(self._decoder.decode_line(line) for line in lines))
        return len(text)

    def isatty(self) -> bool:
        return bool(self._terminal.isatty())

    def fileno(self) -> int:
        return int(self._terminal.fileno())


INTERRUPT_GRACE_S = 5.0
"""After Ctrl-C, how long the run may take to stop before the process ends anyway."""


@contextlib.contextmanager
def stopping_at_ctrl_c() -> Iterator[None]:
    """Ctrl-C during the run stops it within :data:`INTERRUPT_GRACE_S` with one line (exit 130).

    Without this, a Ctrl-C in the terminal also stops Prefect's temporary server (the same process
    group), and the flow's crash report then retried against it for minutes, with tracebacks, to
    end as an "internal error" (seen by a user: 2.5 minutes, exit 1). Here the first Ctrl-C
    silences logging (Prefect's crash report and its retries), interrupts the run as Python does
    (the run is marked failed in the catalog, the lock released, the guard's children ended) and
    ends the process after the grace period if the run has not stopped by then; a second Ctrl-C
    ends it at once. Every file finished before is committed: each is committed as it ends, its
    report folder renamed into place whole. Only in the main thread (where signals arrive)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    interrupted = threading.Event()

    def give_up() -> None:
        from flows.cli import INTERRUPTED_EXIT, say_interrupted

        say_interrupted()
        terminal = sys.__stderr__
        if terminal is not None and terminal.isatty():
            terminal.write("\x1b[?25h")  # the cursor shown, should a bar have been cut off while drawing
            terminal.flush()
        os._exit(INTERRUPTED_EXIT)

    def on_sigint(signum: int, frame: object) -> None:
        if interrupted.is_set():
            give_up()
        interrupted.set()
        for bar in list(_BARS):  # cleared now, not redrawn below the last line while the run stops
            bar.stop()
        logging.disable(logging.CRITICAL)
        logging.raiseExceptions = False  # Prefect's log worker writes "Error logging to API" when this is set
        timer = threading.Timer(INTERRUPT_GRACE_S, give_up)
        timer.daemon = True
        timer.start()
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    except BaseException:
        if interrupted.is_set():  # whatever the run raised while it stopped (a lost server): the interrupt
            raise KeyboardInterrupt from None
        raise
    finally:
        signal.signal(signal.SIGINT, previous)


def register(parser: argparse.ArgumentParser) -> None:
    """``sweatline nightly``'s description and options."""
    parser.description = ("Process every new activity file (FIT, GPX, TCX, zips of them) in the inbox folders and "
                          "write reports and the digest.")
    add_config(parser)
    parser.add_argument("--inbox", metavar="DIR", action="append",
                        help="read this folder instead of the configured inbox (repeat it for several folders)")
    parser.add_argument("--rebuild", action="store_true",
                        help="re-estimate and rewrite reports of activities already processed")


def run(args: argparse.Namespace, config: Config) -> int:
    inboxes_for(config, args.inbox, absent=[])  # the first folder not there: one line before Prefect starts
    # (a later configured folder not there tonight is skipped and named in the night's line)
    with nightly_lock(Path(config.data_dir)) as free:  # held from before Prefect starts to the
        if not free:                                    # run's end (the flow inside takes it again)
            print(BUSY_MESSAGE)                         # a busy night writes nothing, not even a catalog
            return 0
        connect(Path(config.data_dir)).close()  # a damaged catalog is one line here, not a failed flow run
        return _run_held(args, config, args.inbox)


def _run_held(args: argparse.Namespace, config: Config, inbox: list[str] | None) -> int:
    configured = configured_api_url()
    if configured is not None and not is_reachable(configured.url):
        raise ConfigError("PREFECT_API_URL", f"the Prefect API {clean_text(configured.url)} ({configured.origin}) does "
                                             "not answer; start that server, or unset PREFECT_API_URL to run the "
                                             "nightly on a temporary local one")
    api = find_api(Path(config.data_dir))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    allow_temporary_server_start()
    if api is not None:
        os.environ["PREFECT_API_URL"] = api.url
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.nightly import nightly

    settings = temporary_settings(updates={PREFECT_API_URL: api.url}) if api is not None else contextlib.nullcontext()
    with stopping_at_ctrl_c(), settings, terminal_progress():
        summary = nightly(config_path=str(config.source) if config.source is not None else None,
                          inbox=[str(Path(i).expanduser().resolve()) for i in inbox] if inbox else None, rebuild=bool(getattr(args, "rebuild", False)))
    print(summary.line())
    if summary.busy:
        return 0
    reports = (Path(config.data_dir) / 'reports').resolve()
    print(f"reports: {reports} (every activity, newest first: {reports / 'index.html'})")
    if summary.digest_path is not None:
        print(f"digest: {summary.digest_path.resolve()}")
    return 0
