"""Numbers typed on the command line follow the output units: with ``--units imperial`` (or
``units: imperial`` in the config) ``weigh-in --pre/--post`` are pounds, ``--drank/--urine`` US fl oz,
``--temp`` °F and ``plan --speed`` mph; a ``--pre`` over 30 % from the configured body mass is
refused as a unit mistake in either system.

The command line in this process (:func:`cli_support.run_cli`: the console script's entry point
with an argv), a real config and data directory, a real catalog filled by ``sweatline ride`` on
the project's example run. Expected values are
computed here from NIST SP 811 (2008) Appendix B.8/B.9 factors, never taken from our output.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from cli_support import run_cli

from pipeline.store.catalog import Catalog
from pipeline.store.weighins import WeighIns

PROJECT = Path(__file__).resolve().parents[2]
RUN = PROJECT / "examples" / "fit" / "2026-10-10-hill-run-cool.fit"

NIST_KG_PER_LB = 0.453_592_37  # NIST SP 811 B.8: pound (avoirdupois) = 4.535 924 E-01 kg (exact, 1959)
NIST_L_PER_FL_OZ = 2.957_352_956_25e-2  # NIST SP 811 B.8: ounce (U.S. fluid) = 2.957 353 E-05 m³ (rounded there); exactly
# 1/128 US gallon of 231 in³ = 29.573 529 562 5 mL
NIST_M_PER_MILE = 1_609.344  # NIST SP 811 B.8: mile (international) = 1.609 344 E+03 m (exact)


def nist_celsius(temperature_f: float) -> float:
    """NIST SP 811 B.9: t/°C = (t/°F − 32) / 1.8."""
    return (temperature_f - 32.0) / 1.8


def write_config(folder: Path, units: str = "metric") -> Path:
    path = folder / "sweatline.yaml"
    path.write_text(f"inbox: {folder / 'inbox'}\ndata_dir: {folder / 'data'}\n"
                    "athlete: {name: test, body_mass_kg: 70, height_cm: 178, sex: male, age: 35}\n"
                    f"units: {units}\n")
    return path


@pytest.fixture(scope="module")
def processed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory after `sweatline ride` on the example run (1 h 17 min), done once."""
    root = tmp_path_factory.mktemp("units-input")
    (root / "inbox").mkdir()
    done = run_cli("ride", str(RUN), config=write_config(root))
    assert done.returncode == 0, done.stderr
    return root


@pytest.fixture
def home(processed: Path, tmp_path: Path) -> Path:
    """A private copy of the processed data directory for one test."""
    shutil.copytree(processed, tmp_path / "home")
    return tmp_path / "home"


def weighins(home: Path) -> list:
    with Catalog(home / "data", read_only=True) as catalog:
        return WeighIns(catalog).all()


def one_line(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    for word in words:
        assert word in done.stderr, done.stderr


@pytest.mark.parametrize("how", ["flag", "config"])
def test_imperial_weigh_in_is_read_in_pounds_and_fluid_ounces(home: Path, how: str) -> None:
    config = write_config(home, "imperial" if how == "config" else "metric")
    flag = ["--units", "imperial"] if how == "flag" else []
    done = run_cli("weigh-in", "latest", "--pre", "155", "--post", "153", "--drank", "17", *flag, config=config)
    assert done.returncode == 0, done.stderr
    [row] = weighins(home)
    assert row.pre_kg == pytest.approx(155 * NIST_KG_PER_LB, abs=1e-9)  # 70.307 kg
    assert row.post_kg == pytest.approx(153 * NIST_KG_PER_LB, abs=1e-9)  # 69.400 kg
    assert row.drank_l == pytest.approx(17 * NIST_L_PER_FL_OZ, abs=1e-9)
    assert row.measured_l == pytest.approx(2 * NIST_KG_PER_LB + 17 * NIST_L_PER_FL_OZ, abs=1e-6)
    assert "155.0 lb" in done.stdout and "153.0 lb" in done.stdout and "341" not in done.stdout, done.stdout


def test_an_imperial_weigh_in_is_printed_and_listed_in_the_readers_units(home: Path) -> None:
    """What the weigh-in prints, in each line, is made in the reader's units: lb and fl oz after an
    imperial weigh-in (NIST SP 811 B.8), and ``--list`` in metric shows the pounds typed as kg rounded
    (70.31, not 70.3069)."""
    config = write_config(home, "imperial")
    done = run_cli("weigh-in", "latest", "--pre", "155", "--post", "153", "--drank", "17", config=config)
    assert done.returncode == 0, done.stderr
    measured_l = 2 * NIST_KG_PER_LB + 17 * NIST_L_PER_FL_OZ  # 1.41 L
    assert f"measured mass loss   {measured_l / NIST_L_PER_FL_OZ:.0f} fl oz" in done.stdout, done.stdout
    assert "= 155.0 lb − 153.0 lb + 17 fl oz drunk − 0.0 fl oz urine" in done.stdout, done.stdout
    assert " L " not in done.stdout and " kg" not in done.stdout and "L/h" not in done.stdout, done.stdout
    listed = run_cli("weigh-in", "--list", "--units", "metric", config=config)
    pre, post = 155 * NIST_KG_PER_LB, 153 * NIST_KG_PER_LB  # 70.307 kg, 69.400 kg
    shown = f"{pre:.2f}".rstrip("0").rstrip(".") + " → " + f"{post:.2f}".rstrip("0").rstrip(".")
    assert shown in listed.stdout and f"{pre:g}" not in listed.stdout, listed.stdout
    assert f"{measured_l:.2f} L" in listed.stdout, listed.stdout
    imperial = run_cli("weigh-in", "--list", config=config)
    assert "155.0 → 153.0" in imperial.stdout and f"{measured_l / NIST_L_PER_FL_OZ:.0f} fl oz" in imperial.stdout
    history = run_cli("history", config=config)
    table = history.stdout.split("Weigh-ins (measured vs model)")[1]
    assert f"{measured_l / NIST_L_PER_FL_OZ:.0f} fl oz" in table and " L " not in table, table


def test_a_refused_imperial_weigh_in_says_why_in_pounds_and_fluid_ounces(home: Path) -> None:
    """The model's refusal, made with its quantities, read in the units typed: 10 % of 155 lb is 15.5 lb."""
    config = write_config(home, "imperial")
    gained = run_cli("weigh-in", "latest", "--pre", "155", "--post", "160", "--drank", "17", config=config)
    one_line(gained, "--post", "160.0 lb after is more than 155.0 lb before plus 17 fl oz drunk")
    lost = run_cli("weigh-in", "latest", "--pre", "155", "--post", "135", config=config)
    one_line(lost, "--post", "155.0 lb − 135.0 lb = 20.0 lb of body mass lost is 12.9 % of 155.0 lb, over the 10 % "
             "plausible for one session")  # 20 / 155 = 12.90 %
    assert " kg" not in gained.stderr + lost.stderr and " L " not in gained.stderr + lost.stderr
    fast = run_cli("plan", "--sport", "running", "--duration", "1h", "--speed", "30", config=config)
    limit_kmh = float(run_cli("plan", "--sport", "running", "--duration", "1h", "--speed", "300",
                              config=write_config(home)).stderr.split("at most ")[1].split(" km/h")[0])
    one_line(fast, "--speed", f"at most {limit_kmh * 1000 / NIST_M_PER_MILE:.1f} mph for running, got 30 mph")
    assert "km/h" not in fast.stderr


def test_the_units_flag_beats_the_config_for_input_too(home: Path) -> None:
    config = write_config(home, "imperial")
    done = run_cli("weigh-in", "latest", "--pre", "70.6", "--post", "69.3", "--units", "metric", config=config)
    assert done.returncode == 0, done.stderr
    [row] = weighins(home)
    assert (row.pre_kg, row.post_kg) == (70.6, 69.3)


def test_metric_weigh_in_unchanged(home: Path) -> None:
    done = run_cli("weigh-in", "latest", "--pre", "70.6", "--post", "69.3", "--drank", "0.4", config=write_config(home))
    assert done.returncode == 0, done.stderr
    [row] = weighins(home)
    assert (row.pre_kg, row.post_kg, row.drank_l) == (70.6, 69.3, 0.4)
    assert "70.6 kg − 69.3 kg + 0.4 L drunk" in done.stdout, done.stdout


def test_pounds_typed_in_metric_are_refused_against_the_configured_body_mass(home: Path) -> None:
    done = run_cli("weigh-in", "latest", "--pre", "155", "--post", "153",
                   config=write_config(home))
    one_line(done, "--pre", "155 kg", "70 kg", "30 %")
    assert weighins(home) == []


def test_kilograms_typed_in_imperial_are_refused_against_the_configured_body_mass(home: Path) -> None:
    done = run_cli("weigh-in", "latest", "--pre", "70.6", "--post", "69.3", "--units", "imperial",
                   config=write_config(home))
    one_line(done, "--pre", "70.6 lb", "30 %", f"{70 / NIST_KG_PER_LB:.1f} lb")
    assert weighins(home) == []


def test_fluid_guards_in_each_unit_system(home: Path) -> None:
    metric = run_cli("weigh-in", "latest", "--pre", "70", "--post", "69", "--drank", "500", config=write_config(home))
    one_line(metric, "--drank", "litres, not millilitres")
    bottle = run_cli("weigh-in", "latest", "--pre", "155", "--post", "153", "--drank", "40", "--units", "imperial",
                     config=write_config(home))  # 40 fl oz = 1.18 L: an ordinary amount, not a unit mistake
    assert bottle.returncode == 0, bottle.stderr
    [row] = weighins(home)
    assert row.drank_l == pytest.approx(40 * NIST_L_PER_FL_OZ, abs=1e-9)
    too_much = run_cli("weigh-in", "latest", "--pre", "155", "--post", "153", "--drank", "600", "--units", "imperial",
                       "--replace", config=write_config(home))  # 600 fl oz = 17.7 L
    one_line(too_much, "--drank", "600 fl oz")
    assert "millilitres" not in too_much.stderr


def test_imperial_plan_reads_fahrenheit_and_mph(home: Path) -> None:
    config = write_config(home)
    imperial = run_cli("plan", "--sport", "running", "--duration", "1h", "--speed", "6.2137", "--temp", "86",
                       "--units", "imperial", "--json", config=config)
    assert imperial.returncode == 0, imperial.stderr
    report = json.loads(imperial.stdout)
    assert report["environment"]["temperature_c"] == pytest.approx(nist_celsius(86), abs=1e-9)  # 30 °C
    speed_m_per_s = 6.2137 * NIST_M_PER_MILE / 3600.0  # ≈ 10 km/h
    assert report["environment"]["air_speed_m_per_s"] == pytest.approx(speed_m_per_s, abs=0.005)
    metric = run_cli("plan", "--sport", "running", "--duration", "1h", "--speed", "10", "--temp", "30", "--json",
                     config=config)
    assert metric.returncode == 0, metric.stderr
    sweat_metric = json.loads(metric.stdout)["sweat"]  # the same session typed in km/h and °C
    for key, value in report["sweat"].items():
        if isinstance(value, float):
            assert value == pytest.approx(sweat_metric[key], rel=1e-3, abs=1e-3), key
    text = run_cli("plan", "--sport", "running", "--duration", "1h", "--speed", "10", "--temp", "50",
                   "--units", "imperial", config=config)
    assert text.returncode == 0 and "at 50 °F" in text.stdout, (text.stdout, text.stderr)


def test_imperial_water_temperature_is_fahrenheit(home: Path) -> None:
    """``plan --water-temp`` follows the units as ``--temp`` does: 77 °F is 25 °C (NIST SP 811 B.9)."""
    config = write_config(home)
    done = run_cli("plan", "--sport", "swimming", "--duration", "1h", "--speed", "2", "--water-temp", "77",
                   "--units", "imperial", "--json", config=config)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["environment"]["water_temperature_c"] == pytest.approx(nist_celsius(77), abs=1e-9)
    hot = run_cli("plan", "--sport", "swimming", "--duration", "1h", "--speed", "2", "--water-temp", "120",
                  "--units", "imperial", config=config)
    one_line(hot, "--water-temp", f"{40 * 1.8 + 32:g} °F", "got 120 °F")  # the 40 °C bound


def test_imperial_bounds_are_refused_in_the_typed_unit(home: Path) -> None:
    config = write_config(home)
    hot = run_cli("plan", "--sport", "running", "--duration", "1h", "--speed", "6", "--temp", "200",
                  "--units", "imperial", config=config)
    high_f = 55 * 1.8 + 32  # the config's 55 °C bound, NIST SP 811 B.9
    one_line(hot, "--temp", "200 °F", f"{high_f:g} °F")
    fast = run_cli("plan", "--sport", "running", "--duration", "1h", "--speed", "30", "--units", "imperial",
                   config=config)
    one_line(fast, "--speed", "30 mph")
    heavy = run_cli("weigh-in", "latest", "--pre", "700", "--post", "690", "--units", "imperial", config=config)
    one_line(heavy, "--pre", "700 lb")


def test_imperial_ride_temperature_is_fahrenheit(home: Path) -> None:
    done = run_cli("ride", str(RUN), "--temp", "86", "--units", "imperial", "--json", config=write_config(home))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["environment"]["temperature_c"] == pytest.approx(nist_celsius(86), abs=1e-9)
