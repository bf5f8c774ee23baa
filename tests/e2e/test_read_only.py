"""Reading needs no write access: on a data directory nobody may write to, the commands
that only read — ``history`` (table and ``--json``), ``weigh-in --list``, ``plan`` (which reads the
weigh-ins) — answer as on a writable one, and leave every byte as it was.

The data directory is made by ``sweatline ride`` and ``weigh-in`` over a real sample (in this
process: what is tested is the reading afterwards, by the installed ``sweatline``), then ``chmod -R a-w`` (restored afterwards). Root ignores file modes, so when the tests run as root
the command also runs in its own mount namespace with the data directory bind-mounted read-only
(``unshare --user --map-root-user --mount``): either way, no write can reach the directory.
"""
from __future__ import annotations

import json
import os
import shlex
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_support import run_cli
from shared_paths import SAMPLES, SWEATLINE

RUN = SAMPLES / "garmin-fenix2-running-47min.fit"


def _sweatline(*args: str, config: Path, read_only: Path | None = None) -> subprocess.CompletedProcess[str]:
    command = [str(SWEATLINE), *args, "--config", str(config)]
    if read_only is not None and os.geteuid() == 0:  # root writes through file modes: make the mount read-only
        folder = shlex.quote(str(read_only))
        command = ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                   f"mount --bind -o ro {folder} {folder} && exec {shlex.join(command)}"]
    return subprocess.run(command, capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, SWEATLINE_RIDE_VIA="local"))


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns, stat.S_IMODE(p.stat().st_mode))
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def read_only_data(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """(config, data dir): one run and one weigh-in recorded, then the data dir made read-only."""
    inbox, data = tmp_path / "inbox", tmp_path / "data"
    inbox.mkdir()
    config = tmp_path / "sweatline.yaml"
    config.write_text(f"inbox: {inbox}\ndata_dir: {data}\nweather: {{provider: none}}\n"
                      'nightly: {cron: "0 3 * * *", timezone: "UTC"}\n'
                      "athlete: {name: test, body_mass_kg: 70, height_cm: 178, sex: male, age: 35}\n")
    fit = inbox / RUN.name
    fit.write_bytes(RUN.read_bytes())
    assert run_cli("ride", str(fit), config=config).returncode == 0
    recorded = run_cli("weigh-in", "latest", "--pre", "70.6", "--post", "69.3", "--drank", "0.4", config=config)
    assert recorded.returncode == 0, recorded.stderr
    subprocess.run(["chmod", "-R", "a-w", str(data)], check=True)
    try:
        yield config, data
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(data)], check=True)


def test_read_only_commands_work_on_a_data_directory_nobody_may_write(read_only_data: tuple[Path, Path]) -> None:
    config, data = read_only_data
    assert not os.access(data, os.W_OK) or os.geteuid() == 0  # (root: the mount below is read-only)
    before = _snapshot(data)

    history = _sweatline("history", config=config, read_only=data)
    assert history.returncode == 0 and history.stderr == "", history.stderr
    row = next(line for line in history.stdout.splitlines() if RUN.name in line)
    assert "47 min" in row and "9.0 km" in row  # MANIFEST: 47 min, 9.0 km
    assert "1.70 L" in history.stdout  # the weigh-in: 70.6 − 69.3 + 0.4 kg of water = 1.70 L measured

    listed = _sweatline("history", "--json", config=config, read_only=data)
    assert listed.returncode == 0, listed.stderr
    assert [r["source"] for r in json.loads(listed.stdout)] == [RUN.name]

    weighins = _sweatline("weigh-in", "--list", config=config, read_only=data)
    assert weighins.returncode == 0, weighins.stderr
    assert "70.6 → 69.3" in weighins.stdout and "1.70 L" in weighins.stdout

    plan = _sweatline("plan", "--sport", "running", "--duration", "1h", "--hr", "140", "--json", config=config,
                      read_only=data)
    assert plan.returncode == 0, plan.stderr
    assert json.loads(plan.stdout)["sweat"]["calibrated"] is True  # it read the weigh-in

    assert _snapshot(data) == before  # nothing written, not even SQLite's -wal/-shm


def test_a_write_on_a_read_only_data_directory_still_says_so_in_one_line(read_only_data: tuple[Path, Path]) -> None:
    """A command that must write (a weigh-in) is refused with the one storage line, exit 1 or 2,
    no traceback — read-only opening is only for reading."""
    config, data = read_only_data
    out = _sweatline("weigh-in", "latest", "--pre", "70", "--post", "69", "--replace", config=config, read_only=data)
    assert out.returncode != 0 and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "catalog:" in out.stderr, out.stderr


@pytest.mark.parametrize("command", [["ride", str(RUN)], ["nightly"], ["history"], ["weigh-in", "--list"]])
def test_a_data_dir_that_is_a_file_or_inside_one_is_one_line_and_exit_2(tmp_path: Path, command: list[str]) -> None:
    """``data_dir`` set to an ordinary file (or a folder inside one): every command says so in one
    line naming the config key, exit 2, and the file is left as it was."""
    afile = tmp_path / "afile"
    afile.write_text("not a folder\n")
    for data_dir, said in ((afile, f"data_dir: {afile} is a file, not a folder"),
                           (afile / "sub", f"data_dir: {afile / 'sub'} is inside a file: {afile}")):
        config = tmp_path / "sweatline.yaml"
        config.write_text(f"inbox: {tmp_path}\ndata_dir: {data_dir}\nweather: {{provider: none}}\n")
        done = _sweatline(*command, config=config)
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith(said) and done.stderr.count("\n") == 1, done.stderr
        assert "Traceback" not in done.stderr and afile.read_text() == "not a folder\n"


def test_a_data_dir_that_cannot_be_made_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """A data directory the system will not create (under /proc, which holds no new folders)."""
    config = tmp_path / "sweatline.yaml"
    config.write_text(f"inbox: {tmp_path}\ndata_dir: /proc/sweatline-nope\nweather: {{provider: none}}\n")
    done = _sweatline("ride", str(RUN), config=config)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("data_dir: cannot make /proc/sweatline-nope") and done.stderr.count("\n") == 1
