"""One file, or a batch of files, read in the guard's child process (:mod:`pipeline.runtime.guard`):
:func:`~pipeline.usecases.ingest.process_file` with the limits of ``config.limits``, a file over a
limit or whose reader died becoming a rejected outcome with one line. ``keep_warm``: this process
runs task after task (a Dask worker, a Prefect worker process) and keeps its guarded children
warm between them (:func:`pipeline.runtime.guard.keep_children_warm`), as the nightly's own
threads keep theirs."""
from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

from pipeline.core.config import Config
from pipeline.core.inputs import WeatherOverride
from pipeline.fit.archive import stored_bytes_cap
from pipeline.runtime.forkserver import add_preload
from pipeline.runtime.guard import OverLimit, each_guarded, keep_children_warm, run_guarded
from pipeline.store.catalog import RejectionRow, utc_now
from pipeline.store.files import sha256_file
from pipeline.usecases.ingest import process_file
from pipeline.usecases.outcome import FileOutcome, file_outcome
from pipeline.usecases.preload import READER_MODULES

add_preload(READER_MODULES)


def over_limit_outcome(path: Path, sha256: str, run_id: str | None, kind: str, reason: str) -> FileOutcome:
    """The rejected outcome of a file set aside by the guard (one :class:`RejectionRow`)."""
    started = utc_now()
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    rejection = RejectionRow(file_sha256=sha256, member="", name=path.name, path=str(path), kind=kind,
                             reason=reason, rejected_at=utc_now(), run_id=run_id)
    return file_outcome(path, sha256, size, started, run_id, [], [rejection], [], kept_scale=False)


def process_file_guarded(path: Path, config: Config, override: WeatherOverride | None = None,
                         run_id: str | None = None, sha256: str | None = None, *, manual: bool = False,
                         take_over: bool = False, keep_warm: bool = False) -> FileOutcome:
    """:func:`pipeline.usecases.ingest.process_file` in a guarded child (limits: ``config.limits``);
    ``manual`` and ``take_over`` as there (the caller holds the file's lock); ``keep_warm``: see the module.

    Returns the file's outcome; a file over a limit or whose reader crashed is a rejected outcome
    with one line. Raises ``OSError`` for I/O trouble (worth a retry), anything else for an
    internal error, as :func:`~pipeline.usecases.ingest.process_file` does.
    """
    if keep_warm:
        keep_children_warm()
    path = Path(path)
    sha = sha256 or sha256_file(path, stored_bytes_cap(path))
    try:
        work = functools.partial(process_file, manual=True, take_over=take_over) if manual else process_file
        return run_guarded(work, (path, config, override, run_id, sha), config.limits)
    except OverLimit as over:
        return over_limit_outcome(path, sha, run_id, over.kind, over.reason)


Job = tuple[Path, str, "WeatherOverride | None"]
"""One file of a batch: its path, its SHA-256, the weather override it is to be made with (or None)."""


def process_files_guarded(jobs: list[Job], config: Config, run_id: str | None = None, keep_warm: bool = False,
                          ) -> Iterator[tuple[int, FileOutcome | Exception]]:
    """:func:`pipeline.usecases.ingest.process_file` for each of ``jobs``, one after another in one guarded
    child (:func:`each_guarded`, limits ``config.limits`` for each file); yields ``(index, outcome)``
    as each file ends, in order — a file over a limit, or whose reader crashed, as a rejected
    outcome with one line, and the files after it still read (in a fresh child) — or
    ``(index, exception)``: an ``OSError`` (worth a retry) or an internal error, as
    :func:`process_file_guarded` raises them. ``keep_warm``: see the module.
    """
    if keep_warm:
        keep_children_warm()
    args = [(Path(path), config, override, run_id, sha) for path, sha, override in jobs]
    for index, ok, value in each_guarded(process_file, args, config.limits):
        if ok:
            yield index, value
        elif isinstance(value, OverLimit):
            path, sha, _ = jobs[index]
            yield index, over_limit_outcome(Path(path), sha, run_id, value.kind, value.reason)
        else:
            yield index, value
