"""A damaged data directory: every command says what is damaged and what to do, in one line, exit 2,
and never passes damage on as an answer.

The damage is done to a real catalog and real reports made by ``sweatline ride`` on a shared sample,
the way a disk, a bad restore or a hand edit does it: cut off, replaced, emptied, written by a newer
version, a table dropped, text put where a number was.

Every kind of damage meets the installed command in a process of its own (``nightly``), and every
command does (the catalog cut off); the rest of the matrix runs the same command line in this
process (:func:`cli_support.run_cli`), which answers with the same exit status and stderr line."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_support import run_cli
from shared_paths import SAMPLES, SWEATLINE

SHORT = SAMPLES / "tomtom-runner3-cycling-17min.fit"
ENV = {**os.environ, "SWEATLINE_RIDE_VIA": "local", "PREFECT_API_URL": ""}


def _run(*args: str, timeout_s: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SWEATLINE), *args], capture_output=True, text=True, env=ENV, timeout=timeout_s)


def _run_here(*args: str) -> subprocess.CompletedProcess[str]:
    """:func:`_run`'s command line in this process, with its environment."""
    return run_cli(*args, env={"PREFECT_API_URL": ""}, ride_via="local")


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory as ``sweatline ride`` left it (catalog checkpointed: no -wal beside it)."""
    folder = tmp_path_factory.mktemp("made")
    config = _config(folder)
    done = _run("ride", str(SHORT), "--config", str(config), "--json")
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(folder / "data" / "catalog.sqlite") as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return folder


def _config(folder: Path) -> Path:
    (folder / "inbox").mkdir(exist_ok=True)
    path = folder / "sweatline.yaml"
    path.write_text(f"inbox: {folder / 'inbox'}\ndata_dir: {folder / 'data'}\n"
                    "athlete: {body_mass_kg: 70, height_cm: 178, sex: male, age: 35}\n")
    return path


def _sql(statement: str) -> Callable[[Path], None]:
    def damage(db: Path) -> None:
        with sqlite3.connect(db) as conn:
            conn.execute(statement)
        with sqlite3.connect(db) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return damage


def _cut(db: Path) -> None:
    data = db.read_bytes()
    db.write_bytes(data[:len(data) // 3])


DAMAGES: dict[str, tuple[Callable[[Path], None], str]] = {  # damage -> the words that name it
    "cut off": (_cut, "cut off"),
    "cut inside the header": (lambda db: db.write_bytes(db.read_bytes()[:60]), "cut off"),
    "a FIT file in its place": (lambda db: shutil.copy(SHORT, db), "not an SQLite database"),
    "a text file in its place": (lambda db: db.write_text("inbox: x\n"), "not an SQLite database"),
    "0 bytes": (lambda db: db.write_bytes(b""), "empty (0 bytes)"),
    "a newer schema": (_sql("UPDATE schema_version SET version = 99 WHERE component = 'catalog'"),
                       "upgrade Sweatline"),
    "a table dropped": (_sql("DROP TABLE activities"), "table 'activities' is missing"),
    "the runs table dropped": (_sql("DROP TABLE runs"), "table 'runs' is missing"),
    "text in a number column": (_sql("UPDATE activities SET sweat_total_l = 'lots'"), "'sweat_total_l'"),
    "text in an integer column": (_sql("UPDATE files SET size_bytes = 'big'"), "'size_bytes'"),
}
COMMANDS = {
    "history": ("history",),
    "weigh-in --list": ("weigh-in", "--list"),
    "ride": ("ride", str(SHORT), "--json"),
    "nightly": ("nightly",),
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("damage", DAMAGES)
def test_every_command_names_a_damaged_catalog_in_one_line(made: Path, tmp_path: Path, damage: str,
                                                            command: str) -> None:
    shutil.copytree(made / "data", tmp_path / "data")
    db = tmp_path / "data" / "catalog.sqlite"
    do, words = DAMAGES[damage]
    do(db)
    before = db.read_bytes()
    in_a_process = command == "nightly" or damage == "cut off"
    done = (_run if in_a_process else _run_here)(*COMMANDS[command], "--config", str(_config(tmp_path)))
    assert done.returncode == 2, done.stderr[-3000:]
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr[-3000:]
    assert done.stderr.startswith(f"{db}: ") and words in done.stderr
    assert "upgrade Sweatline" in done.stderr or "move it aside" in done.stderr  # what to do
    assert db.read_bytes() == before  # left as found: not taken as new, not "repaired" over
    if command == "ride":
        assert json.loads(done.stdout) == {"error": done.stderr.strip(), "exit": 2}


def _mangle(kind: str) -> Callable[[Path], None]:
    def damage(report_json: Path) -> None:
        if kind == "cut off":
            report_json.write_bytes(report_json.read_bytes()[:200])
        elif kind == "an empty object":
            report_json.write_text("{}")
        elif kind == "bytes":
            report_json.write_bytes(SHORT.read_bytes()[:4096])
        elif kind == "a number changed to text":
            report = json.loads(report_json.read_text())
            report["sweat"]["total_l"] = "lots"
            report_json.write_text(json.dumps(report))
        elif kind == "gone":
            report_json.unlink()
    return damage


@pytest.mark.parametrize("kind", ["cut off", "an empty object", "bytes", "a number changed to text", "gone"])
def test_ride_never_gives_a_damaged_stored_report_as_its_answer(made: Path, tmp_path: Path, kind: str) -> None:
    """The stored answer is used only when its report is whole; otherwise the file is read again
    and the report written anew: the answer is the one a fresh data directory gives."""
    shutil.copytree(made / "data", tmp_path / "data")
    (stored,) = (tmp_path / "data" / "reports").glob("*/report.json")
    fresh = json.loads(stored.read_text())
    _mangle(kind)(stored)
    done = (_run if kind == "cut off" else _run_here)("ride", str(SHORT), "--json", "--config", str(_config(tmp_path)))
    assert (done.returncode, done.stderr) == (0, "")
    answer = json.loads(done.stdout)
    assert answer["sweat"] == fresh["sweat"] and answer["activity"]["id"] == fresh["activity"]["id"]
    assert json.loads(stored.read_text())["sweat"] == fresh["sweat"]  # written anew
