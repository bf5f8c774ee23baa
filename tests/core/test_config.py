from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
from shared_paths import SAMPLES, SWEATLINE

from pipeline.core.config import load_config
from pipeline.core.errors import ConfigError

SPEC_EXAMPLE = """
inbox: data/inbox
data_dir: data
nightly: {cron: "0 3 * * *", timezone: "Europe/London"}
climate: {temperature_c: 20, humidity_pct: 50}
advice: {long_session_min: 60, bottle_ml: 750}
athlete: {name: me, body_mass_kg: 70, height_cm: 175, sex: male, age: 35,
          hr_rest_bpm: 55, hr_max_bpm: 185, ftp_w: 250}
"""


def test_spec_example_loads_and_resolves_paths_against_the_config_folder(write_config) -> None:
    path = write_config(SPEC_EXAMPLE)
    config = load_config(path)
    assert config.inbox == path.parent / "data" / "inbox"
    assert config.data_dir == path.parent / "data"
    assert config.athlete.body_mass_kg == 70
    assert config.nightly.timezone == "Europe/London"


def test_shipped_config_is_valid() -> None:
    config = load_config(Path(__file__).resolve().parents[2] / "config" / "sweatline.yaml")
    assert config.athlete.sex == "male"


def test_environment_variable_names_the_file(write_config, monkeypatch) -> None:
    path = write_config(SPEC_EXAMPLE.replace("data_dir: data", "data_dir: elsewhere"))
    monkeypatch.setenv("SWEATLINE_CONFIG", str(path))
    assert load_config(None).data_dir.name == "elsewhere"


@pytest.mark.parametrize(("old", "new", "key", "words"), [
    ("body_mass_kg: 70", "body_mass_kg: 0", "athlete.body_mass_kg", "between 25"),
    ("body_mass_kg: 70", "body_mass_kg: 900", "athlete.body_mass_kg", "and 250"),
    ("humidity_pct: 50", "humidity_pct: 140", "climate.humidity_pct", "between 0 and 100"),
    ("sex: male", "sex: robot", "athlete.sex", "one of"),
    ('timezone: "Europe/London"', 'timezone: "Mars/Olympus"', "nightly.timezone", "IANA"),
    ('cron: "0 3 * * *"', 'cron: "whenever"', "nightly.cron", "5 fields (6 with seconds), or a nickname such as @daily"),
])
def test_impossible_values_are_refused_naming_the_key(write_config, old, new, key, words) -> None:
    path = write_config(SPEC_EXAMPLE.replace(old, new))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    assert key in message and words in message


def test_missing_and_malformed_files_are_one_line_errors(tmp_path: Path, write_config) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.yaml")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(write_config("athlete: {name: [unclosed"))


# --- hostile configuration files -----------------------------------------------------------

from flows.cli import main  # noqa: E402
from pipeline.core.config import MAX_CONFIG_BYTES, cron_problem  # noqa: E402

BASE = "inbox: in\ndata_dir: d\n"
ALIAS_BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8))


def _cli_error(path: Path, capsys) -> str:
    assert main(["history", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(str(path)), err
    assert "Traceback" not in err and len(err) < 1000, err
    return err


@pytest.mark.parametrize(("text", "words"), [
    (BASE + 'nightly: {cron: "99 99 99 99 99"}\n', ["nightly.cron", "minute 99 is outside 0-59"]),
    (BASE + 'nightly: {cron: "0 24 * * *"}\n', ["nightly.cron", "hour 24"]),
    (BASE + 'nightly: {cron: "0 3 0 * *"}\n', ["nightly.cron", "day of month 0"]),
    (BASE + 'nightly: {cron: "0 3 * 13 *"}\n', ["nightly.cron", "month 13"]),
    (BASE + 'nightly: {cron: "0 3 * * 8"}\n', ["nightly.cron", "day of week 8"]),
    (BASE + 'nightly: {cron: "*/0 3 * * *"}\n', ["nightly.cron", "step"]),
    (BASE + 'nightly: {cron: "R 3 * * *"}\n', ["nightly.cron", "random (R) and hashed (H)"]),
    (BASE + 'nightly: {cron: "0 3 LW * *"}\n', ["nightly.cron", "day of month 'LW' is not a number"]),
    (BASE + 'nightly: {cron: "x 3 * * *"}\n', ["nightly.cron", "not a number"]),
    (BASE + "climate: {temperature_c: true}\n", ["climate.temperature_c", "must be a number", "True"]),
    (BASE + 'climate: {humidity_pct: "50"}\n', ["climate.humidity_pct", "must be a number"]),
    (BASE + "athlete: {body_mass_kg: false}\n", ["athlete.body_mass_kg", "must be a number"]),
    (BASE + 'weather: {cache: "yes"}\n', ["weather.cache", "true or false"]),
    (BASE + "athlete: {name: !!binary aGVsbG8=}\n", ["athlete.name", "must be text"]),
    (BASE.replace("in\n", '"a\\0b"\n'), ["inbox", "control characters"]),
    (BASE + 'athlete: {name: "\\e[31mred"}\n', ["athlete.name", "control characters"]),
    (BASE + "x: " + "[" * 5000 + "]" * 5000 + "\n", ["nests deeper than"]),
    (BASE + "climate: {temperature_c: " + "9" * 5000 + "}\n", ["too long"]),
    (BASE + "athlete: {sex: " + "b" * 900_000 + "}\n", ["athlete.sex", "(900000 characters)"]),
    (BASE + "? " + "q" * 100_000 + "\n: 1\n", ["is not a known key", "(100000 characters)"]),
    (ALIAS_BOMB, ["alias"]),
    (BASE + "a: &x {b: 1}\nathlete: {<<: *x}\n", ["alias"]),
])
def test_hostile_config_is_one_line_exit_2_naming_the_key(write_config, capsys, text, words) -> None:
    err = _cli_error(write_config(text), capsys)
    for word in words:
        assert word in err, err


def test_every_problem_is_listed_on_the_one_line(write_config, capsys) -> None:
    err = _cli_error(write_config(
        BASE + "climate: {temperature_c: 99, humidity_pct: 200}\nfoo: 1\nathlete: {sex: robot, age: true}\n"), capsys)
    for key in ("climate.temperature_c", "climate.humidity_pct", "foo is not a known key", "athlete.sex", "athlete.age"):
        assert key in err, err
    assert err.count("; ") == 4 and "more" not in err


def test_a_config_file_over_the_cap_is_refused_unread(write_config, capsys) -> None:
    err = _cli_error(write_config(BASE + "# " + "x" * MAX_CONFIG_BYTES + "\n"), capsys)
    assert "larger than 1024 KiB" in err


@pytest.mark.parametrize("expression", [
    # the plain 5-field form, checked without croniter: each kind of field
    "0 3 * * *", "*/15 3-5 * jan-mar mon-fri", "0,30 */2 1-31/2 * 0-7", "59 23 31 12 sun", "0 3 * * 7",
    # what only croniter's grammar (Prefect's) has: last day, nth weekday, "?", nicknames, seconds,
    # a range that wraps
    "0 3 L * *", "0 3 * * 1#2", "0 3 ? * *", "@daily", "@hourly", "0 3 * * * 30", "5-1 3 * * *",
])
def test_valid_cron_expressions_pass_ours_and_prefects(expression) -> None:
    from prefect.client.schemas.schedules import CronSchedule

    assert cron_problem(expression) is None
    CronSchedule(cron=expression, timezone="UTC")


@pytest.mark.parametrize("expression", [
    "99 99 99 99 99", "0 24 * * *", "0 3 0 * *", "*/0 3 * * *", "x 3 * * *", "whenever", "@reboot",
    "R 3 * * *", "0 3 LW * *",
])
def test_cron_expressions_prefect_refuses_are_refused(expression) -> None:
    from prefect.client.schemas.schedules import CronSchedule

    assert cron_problem(expression) is not None
    with pytest.raises(ValueError):
        CronSchedule(cron=expression, timezone="UTC")


@pytest.mark.parametrize(("section", "value", "words"), [
    ({"limits": {"file_time_s": 0}}, "limits.file_time_s", "must be above 0 and at most 86400, got 0"),
    ({"weather": {"timeout_s": 0}}, "weather.timeout_s", "must be above 0 and at most 120, got 0"),
])
def test_an_open_lower_bound_is_said_as_one(section, value, words) -> None:
    """A user read "must be between 0 and 120, got 0" as a contradiction: 0 itself is refused."""
    from pipeline.core.config import parse_config

    with pytest.raises(ConfigError) as caught:
        parse_config(section)
    assert f"{value} {words}" in str(caught.value)


# --- configs and options a user (or a fuzzer) gives that must be "exit 2, one line" ---------------

def _sweatline(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
               timeout_s: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SWEATLINE), *args], capture_output=True, text=True, cwd=cwd, timeout=timeout_s,
                          env={**os.environ, "SWEATLINE_RIDE_VIA": "local", **(env or {})},
                          errors="surrogateescape")


def _one_line_exit_2(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr[-2000:]
    assert len(done.stderr) < 1000  # a 5,000-character name is cut, not printed whole
    for word in words:
        assert word in done.stderr


def _plain(folder: Path, **extra: str) -> Path:
    path = folder / "sweatline.yaml"
    lines = {"inbox": str(folder), "data_dir": str(folder / "data"), **extra}
    path.write_text("".join(f"{key}: {value}\n" for key, value in lines.items()))
    return path


def test_a_config_that_is_not_a_regular_file_is_refused_at_once(tmp_path: Path) -> None:
    """A FIFO would block ``open`` until a writer comes (forever); a folder or a device is no config either."""
    fifo = tmp_path / "sweatline.yaml"
    os.mkfifo(fifo)
    _one_line_exit_2(_sweatline("history", "--config", str(fifo), timeout_s=30), "pipe")
    (tmp_path / "folder.yaml").mkdir()
    _one_line_exit_2(_sweatline("history", "--config", str(tmp_path / "folder.yaml")), "folder")
    _one_line_exit_2(_sweatline("history", "--config", "/dev/zero"), "/dev/zero")
    (tmp_path / "loop-a").symlink_to(tmp_path / "loop-b")
    (tmp_path / "loop-b").symlink_to(tmp_path / "loop-a")
    _one_line_exit_2(_sweatline("history", "--config", str(tmp_path / "loop-a")), "symbolic links")


def test_paths_the_system_will_not_look_up_are_one_line(tmp_path: Path) -> None:
    long_name = "d" * 5000
    _one_line_exit_2(_sweatline("history", "--config", str(_plain(tmp_path, data_dir=str(tmp_path / long_name)))),
                     "data_dir", "File name too long")
    config = _plain(tmp_path)
    _one_line_exit_2(_sweatline("ride", str(tmp_path / f"{long_name}.fit"), "--config", str(config)),
                     "File name too long")
    _one_line_exit_2(_sweatline("nightly", "--inbox", str(tmp_path / long_name), "--config", str(config)),
                     "File name too long")
    (tmp_path / "loop-a").symlink_to(tmp_path / "loop-b")
    (tmp_path / "loop-b").symlink_to(tmp_path / "loop-a")
    _one_line_exit_2(_sweatline("ride", "--config", str(_plain(tmp_path, inbox=str(tmp_path / "loop-a" / "x")))),
                     "inbox")
    _one_line_exit_2(_sweatline("weigh-in", "--list", "--config",
                                str(_plain(tmp_path, data_dir=str(tmp_path / "loop-a" / "data")))), "data_dir")


@pytest.mark.parametrize("text, key", [
    ('data_dir: "/tmp/x\\udc80y"', "data_dir"),          # an escaped surrogate: no file system name
    ('athlete: {name: "\\ud800"}', "athlete.name"),
    ("nightly: {timezone: right/UTC}", "nightly.timezone"),  # loads with zoneinfo, refused by the scheduler
    ("nightly: {timezone: posix/Europe/London}", "nightly.timezone"),
    ("nightly: {timezone: posixrules}", "nightly.timezone"),
    ('serve: {port: "4200"}', "serve.port"),              # text is not a number: no silent conversion
    ("serve: {port: 4200.0}", "serve.port"),
    ("serve: {port: true}", "serve.port"),
])
def test_values_are_refused_rather_than_converted_or_left_to_fail_later(write_config, text: str, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write_config(text + "\n"))
    assert caught.value.reason.startswith(key + " ")


def test_a_time_zone_the_config_accepts_is_one_the_scheduler_accepts(write_config) -> None:
    from prefect.schedules import Cron

    for zone in ("UTC", "Europe/London", "America/Argentina/Buenos_Aires", "Etc/GMT+5"):
        config = load_config(write_config(f"nightly: {{timezone: {zone}}}\n"))
        assert Cron(config.nightly.cron, timezone=config.nightly.timezone).timezone == zone


def test_a_tilde_in_a_configured_folder_is_the_home_folder(write_config, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    config = load_config(write_config("inbox: ~/watch\ndata_dir: ~/sweatline-data\n"))
    assert (config.inbox, config.data_dir) == (tmp_path / "home" / "watch", tmp_path / "home" / "sweatline-data")


def test_an_empty_inbox_option_is_refused_not_read_as_the_current_folder(tmp_path: Path) -> None:
    shutil.copy(SAMPLES / "tomtom-runner3-cycling-17min.fit", tmp_path / "here.fit")
    done = _sweatline("nightly", "--inbox", "", "--config", str(_plain(tmp_path / "..", inbox=str(tmp_path / "none"))),
                      cwd=tmp_path)
    _one_line_exit_2(done, "--inbox")
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("legs", ["20h,20h,9h", "1h,40h,7h30m", "47h,30m,31m"])
def test_a_triathlon_over_the_plan_bound_is_refused(tmp_path: Path, legs: str) -> None:
    _one_line_exit_2(_sweatline("plan", "--sport", "triathlon", "--legs", legs, "--hr", "140", "--config",
                                str(_plain(tmp_path))), "--legs", "48 hours")


def test_a_prefect_api_that_does_not_answer_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on: bound, never listening
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/api"
        done = _sweatline("nightly", "--config", str(_plain(tmp_path)), env={"PREFECT_API_URL": url})
    _one_line_exit_2(done, "PREFECT_API_URL", url)
