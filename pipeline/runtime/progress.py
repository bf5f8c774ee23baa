"""Progress of a long run, for whoever shows it: one optional callback, set by the command line.

The nightly flow calls :func:`report_progress` once per file as its outcome arrives; by default
nothing listens (a scheduled run logs its progress lines only). ``sweatline nightly`` in a terminal
sets a listener that draws a progress bar (:mod:`flows.cli.nightly`). A listener's error
never stops the run.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

ProgressListener = Callable[[int, int, str], None]
"""``(done, total, name)``: files finished so far, files in this batch, the name of the last one."""

_listener: ProgressListener | None = None


def report_progress(done: int, total: int, name: str = "") -> None:
    """Tell the listener, if any, that ``done`` of ``total`` files are finished (``name`` the last)."""
    listener = _listener
    if listener is None:
        return
    try:
        listener(done, total, name)
    except Exception:  # a progress bar must never fail a run
        pass


@contextmanager
def listening(listener: ProgressListener) -> Iterator[None]:
    """``listener`` receives :func:`report_progress` calls inside the ``with`` block."""
    global _listener
    previous, _listener = _listener, listener
    try:
        yield
    finally:
        _listener = previous


class Counter:
    """Items done of ``total``: each one told to the listener (:func:`report_progress`), and to
    ``say(done, total)`` at most every ``every_s`` seconds and at the last (a log line)."""

    def __init__(self, total: int, say: Callable[[int, int], None], every_s: float) -> None:
        self.total, self.done, self.say, self.every_s = total, 0, say, every_s
        self._last = time.monotonic()

    def one_more(self, name: str = "") -> None:
        self.done += 1
        report_progress(self.done, self.total, name)
        now = time.monotonic()
        if now - self._last >= self.every_s or self.done == self.total:
            self.say(self.done, self.total)
            self._last = now
