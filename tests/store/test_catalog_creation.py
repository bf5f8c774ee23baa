"""A new catalog appears whole: processes that open a data directory's catalog at the same moment
each get the one catalog, and nobody ever sees it as the 0-byte file SQLite starts from (which
Sweatline must take for damage once it stays so)."""
from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from pathlib import Path

from pipeline.store.db import catalog_path, connect
from pipeline.store.migrations import CATALOG_MIGRATIONS

OPENERS = 6


def _open_at_once(data_dir: str, barrier: multiprocessing.synchronize.Barrier, answers: multiprocessing.Queue) -> None:
    barrier.wait()
    try:
        conn = connect(Path(data_dir))
        answers.put(conn.execute("PRAGMA user_version").fetchone()[0])
        conn.close()
    except Exception as exc:  # reported to the test, which names it
        answers.put(f"{type(exc).__name__}: {exc}")


def test_processes_opening_a_new_catalog_at_once_share_one_and_never_see_it_empty(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    path = catalog_path(data_dir)
    seen_sizes: set[int] = set()
    watching = threading.Event()

    def watch() -> None:  # stat only, as the catalog's own check does
        while not watching.is_set():
            try:
                seen_sizes.add(path.stat().st_size)
            except FileNotFoundError:
                pass

    context = multiprocessing.get_context("forkserver")
    barrier = context.Barrier(OPENERS)
    answers = context.Queue()
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    workers = [context.Process(target=_open_at_once, args=(str(data_dir), barrier, answers)) for _ in range(OPENERS)]
    for worker in workers:
        worker.start()
    got = [answers.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    watching.set()
    watcher.join()
    assert got == [len(CATALOG_MIGRATIONS)] * OPENERS, got
    assert 0 not in seen_sizes, "a process could see the new catalog as a 0-byte file"
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert sorted(p.name for p in data_dir.iterdir() if p.name.startswith(".")) == [], "a half-built catalog was left"
