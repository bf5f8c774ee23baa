"""Command-line pieces that need no Prefect server."""
from __future__ import annotations

import pytest

from flows.cli.ride import FLAGS, weather_override
from pipeline.core.errors import InvalidValue


@pytest.mark.parametrize("temp, humidity, message", [
    (80.0, None, "--temp: must be between -40 and 55 °C, got 80"),
    (None, 140.0, "--humidity: must be between 0 and 100 %, got 140"),
    (-41.0, 101.0, "--temp: must be between -40 and 55 °C, got -41"),  # the first flag, as before
])
def test_weather_override_errors_name_the_flag(temp: float | None, humidity: float | None, message: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        weather_override(temp, humidity)
    assert f"{FLAGS[caught.value.field]}: {caught.value.reason}" == message  # as the command line prints it


def test_ride_command_does_not_import_prefect() -> None:
    import subprocess
    import sys

    probe = "import sys, flows.cli.ride, pipeline.usecases.ride, pipeline.usecases.ingest, pipeline.usecases.nightly; print('prefect' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_serve_prints_the_exact_trigger_commands_on_the_configured_port(tmp_path) -> None:
    from flows.cli.serve import trigger_commands
    from pipeline.core.config import load_config

    path = tmp_path / "my config.yaml"
    path.write_text("serve: {port: 4311}\nnightly: {cron: '0 4 * * *', timezone: Europe/Berlin}\n")
    config = load_config(path)
    assert config.serve.port == 4311
    text = trigger_commands(config, f"http://127.0.0.1:{config.serve.port}/api")
    lines = text.splitlines()
    assert lines[0] == "nightly: '0 4 * * *' in Europe/Berlin. From another terminal:"
    env = "PREFECT_API_URL=http://127.0.0.1:4311/api "
    assert all(line.startswith("  " + env) for line in lines[1:]) and len(lines) == 4
    assert lines[1].endswith(f"ride /path/to/ride.fit --config '{path.resolve()}'")
    assert lines[2].endswith("deployment run 'after-ride/after-ride' --param fit_file=/path/to/ride.fit")
    assert lines[3].endswith("deployment run 'nightly/nightly'")
    import shlex

    for line in lines[1:]:  # each a valid shell line: the variable, then the command
        words = shlex.split(line)
        assert words[0] == env.strip() and words[1].endswith(("sweatline", "prefect"))


def test_serve_port_defaults_to_4200_and_is_checked(tmp_path) -> None:
    from pipeline.core.config import load_config
    from pipeline.core.errors import ConfigError

    path = tmp_path / "sweatline.yaml"
    path.write_text("{}\n")
    assert load_config(path).serve.port == 4200
    path.write_text("serve: {port: 80}\n")
    with pytest.raises(ConfigError, match="serve.port"):
        load_config(path)
