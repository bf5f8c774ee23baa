"""The test athlete the ``sweatline plan`` tests plan for, and the calls they make of the command
line in the test's own process (capsys captures the output): its JSON, or its one-line refusal."""
from __future__ import annotations

import json

ATHLETE = ("athlete: {name: t, body_mass_kg: 70, height_cm: 175, sex: male, age: 35, hr_rest_bpm: 55, "
           "hr_max_bpm: 185, ftp_w: 250}\n")
"""A 70 kg, 175 cm, 35-year-old man with a measured maximum heart rate of 185 bpm and an FTP of 250 W."""

CONFIG = "inbox: inbox\ndata_dir: data\nclimate: {temperature_c: 20, humidity_pct: 50}\n" + ATHLETE
"""That athlete in a 20 °C / 50 % climate, paths relative to the config."""


def offline_config(root: object) -> str:
    """:data:`CONFIG` with the inbox and data under ``root`` and no weather service asked."""
    return (f"inbox: {root}/inbox\ndata_dir: {root}/data\nclimate: {{temperature_c: 20, humidity_pct: 50}}\n"
            "weather: {provider: none}\n" + ATHLETE)


def run_json(config_path: str, capsys, *args: str) -> dict:
    """``sweatline ARGS --json --config CONFIG_PATH``, which must exit 0; its JSON."""
    from flows.cli import main

    assert main([*args, "--json", "--config", config_path]) == 0
    return json.loads(capsys.readouterr().out)


def plan_json(config_path: str, capsys, *args: str) -> dict:
    """``sweatline plan ARGS --json``, which must exit 0; its JSON."""
    return run_json(config_path, capsys, "plan", *args)


def refused(config_path: str, capsys, *args: str) -> str:
    """``sweatline plan ARGS``, which must exit 2 with one line on stderr and no traceback; that line."""
    from flows.cli import main

    assert main(["plan", "--config", config_path, *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    return err
