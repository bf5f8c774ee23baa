from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.errors import ConfigError

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
    config = load_config(Path(__file__).resolve().parent.parent / "config" / "sweatline.yaml")
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
    ('cron: "0 3 * * *"', 'cron: "whenever"', "nightly.cron", "5-field"),
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
