"""Imperial units (``units: imperial`` or ``--units imperial``): NIST SP 811 factors, the terminal,
the report files and plans in fl oz, mi and °F, while report.json stays SI."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cli_support import run_cli
from ride_files import ride_file

from pipeline.core.config import parse_config


def test_conversion_factors_are_nist_sp_811() -> None:
    from pipeline.core import units

    # NIST SP 811 (2008) Appendix B.8: 1 fl oz = 2.957 353 E-05 m³, 1 lb = 4.535 924 E-01 kg, 1 mi = 1.609 344 E+03 m
    assert units.fl_oz(2.957353e-05 * 1e6) == pytest.approx(1.0)
    assert units.pounds(0.45359237) == pytest.approx(1.0)
    assert units.miles(1609.344) == pytest.approx(1.0)
    assert units.fahrenheit(100.0) == pytest.approx(212.0) and units.fahrenheit(-40.0) == pytest.approx(-40.0)


_METRIC = re.compile(r"\d\s?(mL|L|L/h|°C|km|kg)\b")


def test_ride_prints_imperial_and_json_stays_si(tmp_path: Path, config_file) -> None:
    config = config_file()
    path = ride_file(tmp_path / "inbox" / "ride.fit", seconds=3600)
    text = run_cli("ride", str(path), "--units", "imperial", config=config)
    assert text.returncode == 0, text.stderr
    assert "fl oz" in text.stdout and " mi" in text.stdout and not _METRIC.search(text.stdout), text.stdout
    assert "28.8 km" not in text.stdout and "17.9 mi" in text.stdout  # 28,800 m / 1,609.344 m per mile
    metric = json.loads(run_cli("ride", str(path), "--json", config=config).stdout)
    imperial = json.loads(run_cli("ride", str(path), "--json", "--units", "imperial", config=config).stdout)
    assert imperial["sweat"] == metric["sweat"] and imperial["activity"]["distance_m"] == pytest.approx(28800, abs=10)


def test_report_files_follow_the_configs_units(tmp_path: Path, config_file) -> None:
    config = config_file(units="imperial")
    path = ride_file(tmp_path / "inbox" / "ride.fit", seconds=3600)
    assert run_cli("ride", str(path), config=config).returncode == 0
    folder = next((tmp_path / "data" / "reports").glob("*-cycling-*"))
    md = (folder / "report.md").read_text()
    main = md[:md.index("Notes on this estimate")]
    assert "fl oz" in main and "°F" in main and not _METRIC.search(main.replace("mmol", "")), main
    assert json.loads((folder / "report.json").read_text())["sweat"]["total_l"] > 0  # SI in the JSON


def test_units_flag_is_what_is_printed_and_the_stored_report_keeps_the_configs_units(
        tmp_path: Path, config_file) -> None:
    config = config_file()  # metric
    path = ride_file(tmp_path / "inbox" / "ride.fit", seconds=3600)
    assert run_cli("ride", str(path), config=config).returncode == 0
    folder = next((tmp_path / "data" / "reports").glob("*-cycling-*"))
    before = (folder / "report.html").read_bytes()
    shown = run_cli("ride", str(path), "--units", "imperial", config=config)
    assert shown.returncode == 0 and "fl oz" in shown.stdout and not _METRIC.search(shown.stdout), shown.stdout
    # a one-off --units prints in those units; the stored report, the index and the digest keep the config's
    # (a fresh-user trial found report.html rewritten in imperial units by one printout)
    assert (folder / "report.html").read_bytes() == before
    main = (folder / "report.md").read_text().split("Notes on this estimate")[0]
    assert "fl oz" not in main and _METRIC.search(main), main
    index = (tmp_path / "data" / "reports" / "index.md").read_text()
    assert f"{folder.name}/report.html" in index and "fl oz" not in index and re.search(r"\d L\b", index), index


def test_plan_prints_imperial(config_file) -> None:
    out = run_cli("plan", "--sport", "running", "--duration", "1h30m", "--speed", "6.835", "--temp", "86",
                  "--units", "imperial", config=config_file())  # typed in mph and °F too (11 km/h, 30 °C)
    assert out.returncode == 0, out.stderr
    assert "at 86 °F" in out.stdout
    head = out.stdout[:out.stdout.index("Notes on this estimate")]
    assert "fl oz" in head and not _METRIC.search(head.replace("mmol", "")), head


def test_units_config_key_is_strict(tmp_path: Path) -> None:
    from pipeline.core.errors import ConfigError

    assert parse_config({"units": "imperial"}).units == "imperial"
    with pytest.raises(ConfigError, match="units"):
        parse_config({"units": "furlongs"})
