"""The command line people script against: ``--duration -2h``, ``--json`` errors, the
config lookup order, ``ride --json`` on a file with several activities. No Prefect server."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from shared_paths import SAMPLES

from flows.cli import build_parser, main
from pipeline.core.config import config_path


@pytest.fixture
def config(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    path = tmp_path / "sweatline.yaml"
    path.write_text(f"inbox: {inbox}\ndata_dir: {tmp_path / 'data'}\nweather: {{provider: none}}\n")
    return path


def test_a_negative_duration_gets_the_plans_own_refusal(config: Path, capsys) -> None:
    assert main(["plan", "--sport", "running", "--duration", "-2h", "--speed", "10", "--config", str(config)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("--duration: '-2h' is not a duration") and err.count("\n") == 1
    assert "expected one argument" not in err


def test_a_negative_temperature_is_a_value(config: Path, capsys) -> None:
    assert main(["plan", "--sport", "running", "--duration", "1h", "--speed", "10", "--temp", "-5",
                 "--json", "--config", str(config)]) == 0
    assert json.loads(capsys.readouterr().out)["environment"]["temperature_c"] == -5


@pytest.mark.parametrize("argv, line", [
    (["plan", "--sport", "running", "--duration", "-2h", "--speed", "10"], "--duration: '-2h' is not a duration"),
    (["plan", "--sport", "running", "--duration", "2h"], "sweatline plan: one of the arguments --speed --power --hr --finish is required"),
    (["plan", "--sport", "running", "--duration", "2h", "--speed", "500"], "--speed"),
    (["ride", "nowhere.fit"], "nowhere.fit"),
    (["history", "--bogus"], "sweatline: unrecognized arguments: --bogus"),
])
def test_json_errors_are_a_json_object_on_stdout_and_one_line_on_stderr(config: Path, capsys, argv, line) -> None:
    assert main([*argv, "--json", "--config", str(config)]) == 2
    out, err = capsys.readouterr()
    answer = json.loads(out)
    assert set(answer) == {"error", "exit"} and answer["exit"] == 2 and answer["error"].startswith(line)
    assert err == answer["error"] + "\n"


def test_without_json_an_error_leaves_stdout_empty(config: Path, capsys) -> None:
    assert main(["plan", "--sport", "running", "--duration", "2h", "--config", str(config)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1


def test_config_lookup_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SWEATLINE_CONFIG", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    assert config_path() == Path("config/sweatline.yaml")  # nothing anywhere: the default, whose absence is the error
    home = tmp_path / "home" / ".config" / "sweatline" / "sweatline.yaml"
    home.parent.mkdir(parents=True)
    home.write_text("{}\n")
    assert config_path() == home
    xdg = tmp_path / "xdg" / "sweatline" / "sweatline.yaml"
    xdg.parent.mkdir(parents=True)
    xdg.write_text("{}\n")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert config_path() == xdg
    local = tmp_path / "config" / "sweatline.yaml"
    local.parent.mkdir()
    local.write_text("{}\n")
    assert config_path() == Path("config/sweatline.yaml")
    monkeypatch.setenv("SWEATLINE_CONFIG", "/elsewhere.yaml")
    assert config_path() == Path("/elsewhere.yaml")
    assert config_path("given.yaml") == Path("given.yaml")


def test_help_says_the_config_lookup_order(capsys) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["plan", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "$SWEATLINE_CONFIG, else ./config/sweatline.yaml, else $XDG_CONFIG_HOME/sweatline/sweatline.yaml" in text
    assert "~/.config/sweatline/sweatline.yaml" in text


def test_ride_json_on_a_zip_of_two_activities_prints_both(config: Path, tmp_path: Path, capsys,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWEATLINE_RIDE_VIA", "local")
    export = tmp_path / "export.zip"
    names = ["garmin-fenix2-running-47min.fit", "garmin-edge530-cycling-18min-indoor-hrv.fit"]
    with zipfile.ZipFile(export, "w") as archive:
        for name in names:
            archive.write(SAMPLES / name, name)
    assert main(["ride", str(export), "--json", "--config", str(config)]) == 0
    reports = json.loads(capsys.readouterr().out)
    assert isinstance(reports, list) and len(reports) == 2
    assert sorted(r["activity"]["sport"] for r in reports) == ["cycling", "running"]
    assert all(r["schema_version"] == 1 for r in reports)
    assert main(["ride", str(SAMPLES / names[0]), "--json", "--config", str(config)]) == 0
    assert json.loads(capsys.readouterr().out)["activity"]["sport"] == "running"  # one activity: one object


def test_no_config_anywhere_names_every_place_it_looked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.core.config import load_config
    from pipeline.core.errors import ConfigError

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SWEATLINE_CONFIG", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    with pytest.raises(ConfigError) as lookup:
        load_config()
    message = str(lookup.value)
    assert "config/sweatline.yaml" in message and str(tmp_path / "xdg" / "sweatline" / "sweatline.yaml") in message
    assert "SWEATLINE_CONFIG" in message and "\n" not in message
    with pytest.raises(ConfigError) as given:
        load_config(tmp_path / "given.yaml")
    assert "given.yaml: config file not found" in str(given.value) and "xdg" not in str(given.value)


def test_ride_without_a_file_and_no_inbox_folder_says_so_as_the_nightly_does(tmp_path: Path, capsys) -> None:
    config = tmp_path / "sweatline.yaml"
    config.write_text(f"inbox: {tmp_path / 'missing-inbox'}\ndata_dir: {tmp_path / 'data'}\n")
    assert main(["ride", "--config", str(config)]) == 2
    ride = capsys.readouterr().err.strip()
    assert main(["nightly", "--config", str(config)]) == 2
    night = capsys.readouterr().err.strip()
    assert len(ride.splitlines()) == 1 and "inbox folder not found" in ride and "sweatline ride FILE" in ride, ride
    assert "inbox folder not found" in night, night
