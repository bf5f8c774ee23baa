"""The inbox: which files in it are candidates (``.fit``, ``.gpx``, ``.tcx``, each also ``.gz``, and
``.zip``), found read-only."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG

from pipeline.store.inbox_index import stat_key

INBOX_SUFFIXES: tuple[str, ...] = (".fit", ".fit.gz", ".gpx", ".gpx.gz", ".tcx", ".tcx.gz", ".zip")


@dataclass(frozen=True)
class InboxFile:
    """A candidate file found in the inbox."""

    path: Path
    size_bytes: int
    mtime_ns: int
    stat_key: tuple[int, int, int, int, int] | None = None  # pipeline.store.inbox_index.stat_key at the scan


def is_inbox_file(path: Path) -> bool:
    """An activity file (:data:`INBOX_SUFFIXES`, any case), not hidden."""
    name = path.name.lower()
    return not name.startswith(".") and name.endswith(INBOX_SUFFIXES)


def scan_inbox(inbox: Path) -> list[InboxFile]:
    """Every activity file or zip (:data:`INBOX_SUFFIXES`) under ``inbox`` (sub-folders too), sorted by path.

    Read-only: nothing in the inbox is opened for writing, moved or deleted. Hidden files and
    folders (``.Trash``, ``.sync``) are skipped; symbolic links to folders are not followed.
    """
    inbox = Path(inbox)
    found: list[InboxFile] = []
    for folder, dirnames, filenames in os.walk(inbox, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            path = Path(folder, name)
            if not is_inbox_file(path):
                continue
            try:
                stat = os.stat(path)  # follows a link to a file, as reading it will
            except OSError:
                continue  # vanished or a dangling link: nothing to read
            if S_ISREG(stat.st_mode):
                found.append(InboxFile(path=path, size_bytes=stat.st_size, mtime_ns=stat.st_mtime_ns,
                                       stat_key=stat_key(stat)))
    return sorted(found, key=lambda f: str(f.path))


def inbox_problem(folder: Path) -> str | None:
    """Why ``folder`` cannot be read as an inbox ("inbox folder not found", "inbox is not a folder"),
    or None: the one wording of the nightly and of ``ride`` without a file."""
    if folder.is_dir():
        return None
    return "inbox folder not found" if not folder.exists() else "inbox is not a folder"


def newest_first(inboxes: list[Path]) -> list[InboxFile]:
    """The inbox files of every folder of ``inboxes`` (:func:`scan_inbox`), the most recently
    modified first (ties: by path, the last first)."""
    files = [found for inbox in inboxes for found in scan_inbox(inbox)]
    return sorted(files, key=lambda f: (f.mtime_ns, str(f.path)), reverse=True)
