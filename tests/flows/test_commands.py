"""Command-line pieces that need no Prefect server."""
from __future__ import annotations

import pytest

from flows.commands.ride import FLAGS, weather_override
from pipeline.errors import InvalidValue


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

    probe = "import sys, flows.commands.ride, pipeline.ride, pipeline.service, pipeline.nightly; print('prefect' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
