"""Sources: services the nightly pulls activity files from before it reads the inbox.

One module per service (:mod:`pipeline.sources.intervals_icu`), one door to the network
(:mod:`pipeline.sources.http`), one ledger of what was fetched (:mod:`pipeline.sources.ledger`, in
the catalog database). A source writes each new file into its own folder under
``<data_dir>/synced/`` (:func:`pipeline.store.layout.synced_dir`), which the nightly reads as it
reads the inbox; the inbox itself is never written. A source that fails says so in one line
(:class:`SourceReport.problem`) and never raises for the service's behaviour: the night goes on.
"""
from __future__ import annotations

from pydantic import BaseModel


class SourceReport(BaseModel):
    """What one pull of one source did.

    ``source``: the source's name as a person reads it (``intervals.icu``); ``listed``: activities
    the service listed in the window; ``downloaded``: names of the files written this time;
    ``known``: listed activities fetched (or found without a file) on an earlier pull;
    ``without_file``: ``(activity id, why)`` for activities the service holds no original file
    of (remembered: not asked again); ``problem``: why the source failed, one line, or None."""

    source: str
    listed: int = 0
    downloaded: list[str] = []
    known: int = 0
    without_file: list[tuple[str, str]] = []
    problem: str | None = None

    def line(self) -> str:
        """``intervals.icu: 2 new files (3 listed, 1 fetched before)`` or ``intervals.icu failed: why``."""
        if self.problem is not None:
            done = f" ({len(self.downloaded)} new file(s) kept)" if self.downloaded else ""
            return f"{self.source} failed: {self.problem}{done}"
        text = f"{self.source}: {len(self.downloaded)} new file(s) ({self.listed} listed, {self.known} fetched before"
        if self.without_file:
            text += f", {len(self.without_file)} without a file"
        return text + ")"
