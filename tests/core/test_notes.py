"""A note of the model is made once, as a template and its quantities in SI, and written in each
reader's units from those quantities (:mod:`pipeline.core.notes`).

Expected texts are computed here from NIST SP 811 (2008) Appendix B.8/B.9: t/°F = 1.8 t/°C + 32 for a
temperature, 1.8 °F per °C for a temperature difference (no 32); 1 lb = 0.453 592 37 kg; 1 US fl oz =
29.573 529 562 5 mL; 1 mi = 1,609.344 m; 3,600 s per hour. The metric text is what an f-string of
the same figures gives, the string the JSON report has always kept.
"""
from __future__ import annotations

import copy
import json
import pickle

import pytest

from pipeline.core import notes
from pipeline.core.notes import ModelNote, in_units, prefixed
from pipeline.core.schema import EnvironmentBlock, SweatBlock
from pipeline.core.units import IMPERIAL_READER, METRIC_READER

KG_PER_LB = 0.453_592_37  # NIST SP 811 B.8 (exact)
ML_PER_FL_OZ = 29.573_529_562_5  # NIST SP 811 B.8: 1/128 US gallon of 231 in³
M_PER_MI = 1_609.344  # NIST SP 811 B.8 (exact)
TEMPERATURES_C = (-20.0, -2.0, 0.0, 25.0, 40.0)


def nist_f(temperature_c: float) -> float:
    return temperature_c * 1.8 + 32.0


MINUS = "\u2212"  # the minus sign of the SI Brochure (BIPM 2019, 5.4.2), not the hyphen-minus


def signed(text: str) -> str:
    """A number formatted by Python with its hyphen-minus written as the minus sign U+2212."""
    return MINUS + text[1:] if text.startswith("-") else text


def shown(value: float, digits: int = 0) -> str:
    """A figure as the reports print it: its sign kept as U+2212, never '-0'."""
    text = f"{value:,.{digits}f}"
    return text[1:] if text.startswith("-") and not any(c in "123456789" for c in text) else signed(text)


@pytest.mark.parametrize("temperature_c", TEMPERATURES_C)
def test_a_temperature_keeps_its_sign_in_both_systems(temperature_c: float) -> None:
    note = ModelNote("temperature {t:g} given on the command line", t=notes.temperature_c(temperature_c))
    assert note == f"temperature {signed(f'{temperature_c:g}')} °C given on the command line"  # the metric text is the string
    assert note.in_units(METRIC_READER) == str(note)
    assert note.in_units(IMPERIAL_READER) == f"temperature {shown(nist_f(temperature_c))} °F given on the command line"
    if temperature_c < -17.8:  # -20 °C is -4 °F: below 0 °F the minus stays
        assert "\u22124 °F" in note.in_units(IMPERIAL_READER)


@pytest.mark.parametrize("temperature_c", TEMPERATURES_C)
@pytest.mark.parametrize("spread_c", (0.5, 4.0, 10.0))
def test_a_temperature_and_its_spread(temperature_c: float, spread_c: float) -> None:
    """The wrist sensor's note: its temperature converts as a temperature, its ± spread as a difference."""
    note = ModelNote("about {air:.1f} air (our estimate, ±{spread:g})", air=notes.temperature_c(temperature_c),
                     spread=notes.temperature_difference_c(spread_c))
    assert note == f"about {signed(f'{temperature_c:.1f}')} °C air (our estimate, ±{spread_c:g} °C)"
    assert note.in_units(IMPERIAL_READER) == (f"about {shown(nist_f(temperature_c))} °F air (our estimate, "
                                              f"±{shown(spread_c * 1.8)} °F)")


@pytest.mark.parametrize("delta_c", (-10.0, -2.0, 0.0, 10.0))
def test_a_temperature_difference_is_not_a_temperature(delta_c: float) -> None:
    """"a 10 °C rise" is an 18 °F rise (not 50 °F); a fall keeps its minus sign."""
    note = ModelNote("a {delta:g} change", delta=notes.temperature_difference_c(delta_c))
    assert note == f"a {signed(f'{delta_c:g}')} °C change"
    assert note.in_units(IMPERIAL_READER) == f"a {shown(delta_c * 1.8)} °F change"
    if delta_c == 10.0:
        assert note.in_units(IMPERIAL_READER) == "a 18 °F change"


@pytest.mark.parametrize("low_c, high_c", ((18.0, 25.0), (-20.0, -2.0), (0.0, 40.0)))
def test_a_temperature_range(low_c: float, high_c: float) -> None:
    note = ModelNote("outside the {range:g} measured", range=notes.temperature_c(low_c, high_c))
    assert note == f"outside the {signed(f'{low_c:g}')}–{signed(f'{high_c:g}')} °C measured"
    assert note.in_units(IMPERIAL_READER) == f"outside the {shown(nist_f(low_c))}–{shown(nist_f(high_c))} °F measured"


@pytest.mark.parametrize("litres", (0.05, 0.2, 1.2345, 12.0))
def test_volumes_and_rates(litres: float) -> None:
    fl_oz = litres * 1000.0 / ML_PER_FL_OZ
    digits = 1 if fl_oz < 10 else 0  # whole fl oz, one decimal below 10 (the report's rule)
    note = ModelNote("{v:.1f} over {h:.1f} h, {r:.2f}", v=notes.volume_l(litres), h=2.0, r=notes.rate_l_per_h(litres))
    assert note == f"{litres:.1f} L over 2.0 h, {litres:.2f} L/h"
    assert note.in_units(IMPERIAL_READER) == f"{shown(fl_oz, digits)} fl oz over 2.0 h, {shown(fl_oz)} fl oz/h"
    ranged = ModelNote("({r:g})", r=notes.rate_l_per_h(0.26, 5.73))
    assert ranged == "(0.26–5.73 L/h)"
    assert ranged.in_units(IMPERIAL_READER) == f"({260 / ML_PER_FL_OZ:.0f}–{5730 / ML_PER_FL_OZ:.0f} fl oz/h)"


@pytest.mark.parametrize("mass_kg", (0.15, 70.0, 82.1002))
def test_masses(mass_kg: float) -> None:
    note = ModelNote("body mass {m:g}", m=notes.mass_kg(mass_kg))
    assert note == f"body mass {mass_kg:g} kg"
    assert note.in_units(IMPERIAL_READER) == f"body mass {mass_kg / KG_PER_LB:.1f} lb"


def test_speeds_distances_and_volume_per_mass() -> None:
    note = ModelNote("above the fitted {v:g} (up to {top:.1f})", v=notes.speed_m_per_s(2.5),
                     top=notes.speed_m_per_s(10.8))
    assert note == "above the fitted 2.5 m/s (up to 10.8 m/s)"
    assert note.in_units(IMPERIAL_READER) == (f"above the fitted {2.5 * 3600 / M_PER_MI:.1f} mph "
                                              f"(up to {10.8 * 3600 / M_PER_MI:.1f} mph)")
    fast = ModelNote("at most {v:g}", v=notes.travel_speed_m_per_s(30 / 3.6))
    assert fast == "at most 30 km/h" and fast.in_units(IMPERIAL_READER) == f"at most {30_000 / M_PER_MI:.1f} mph"
    far = ModelNote("{d:.1f}", d=notes.Quantity(kind="distance_m", value=42_195.0))
    assert far == "42.2 km" and far.in_units(IMPERIAL_READER) == f"{42_195 / M_PER_MI:.1f} mi"
    floor = ModelNote("({f:g} per hour)", f=notes.volume_per_mass_ml_per_kg(3.3))
    assert floor == "(3.3 mL per kg per hour)"
    assert floor.in_units(IMPERIAL_READER) == f"({3.3 * KG_PER_LB / ML_PER_FL_OZ:.2f} fl oz per lb per hour)"


def test_a_note_survives_the_report_models_copies_and_pickles_and_its_json_is_the_metric_text() -> None:
    note = ModelNote("temperature {t:g} from the config climate", t=notes.temperature_c(-2.0))
    env = EnvironmentBlock(temperature_c=-2.0, humidity_pct=50.0, source="config", notes=[note, "plain words"])
    sweat = SweatBlock(total_l=1.0, low_l=0.8, high_l=1.2, rate_l_per_h=1.0, sodium_mg=0.0, potassium_mg=0.0,
                       body_mass_loss_pct=None, flags=[note], assumptions=[note])
    for block in (env, env.model_copy(deep=True), copy.deepcopy(env), pickle.loads(pickle.dumps(env))):
        assert isinstance(block.notes[0], ModelNote) and block.notes[0] == note
        assert block.notes[0].in_units(IMPERIAL_READER) == "temperature 28 °F from the config climate"
    assert isinstance(sweat.flags[0], ModelNote) and isinstance(sweat.assumptions[0], ModelNote)
    assert json.loads(env.model_dump_json())["notes"] == ["temperature \u22122 °C from the config climate", "plain words"]
    back = EnvironmentBlock.model_validate_json(env.model_dump_json())  # read back: its metric text, as it was
    assert back.notes == env.notes and in_units(back.notes[0], IMPERIAL_READER) == "temperature \u22122 °C from the config climate"
    assert in_units("plain words", IMPERIAL_READER) == "plain words"


def test_a_prefixed_note_stays_a_note() -> None:
    note = ModelNote("water {t:g}", t=notes.temperature_c(25.0))
    leg = prefixed("swimming: ", note)
    assert leg == "swimming: water 25 °C" and isinstance(leg, ModelNote)
    assert leg.in_units(IMPERIAL_READER) == "swimming: water 77 °F"
    assert prefixed("a {brace}: ", note).in_units(IMPERIAL_READER) == "a {brace}: water 77 °F"
    assert prefixed("x: ", "plain") == "x: plain"


def test_a_kelvin_difference_reads_in_fahrenheit_degrees_in_imperial() -> None:
    """The sun's mean radiant excess: '31 K above the air' in metric, the same difference in °F
    in imperial (1.8 °F per K, no 32 °F offset: 31 × 1.8 = 55.8)."""
    from pipeline.core.notes import ModelNote, temperature_difference_k
    from pipeline.core.units import reader

    note = ModelNote("mean radiant temperature {excess:.0f} above the air", excess=temperature_difference_k(31.0))
    assert note == "mean radiant temperature 31 K above the air"
    assert note.in_units(reader("imperial")) == "mean radiant temperature 56 °F above the air"


def test_an_imperial_plan_gives_the_radiant_excess_in_fahrenheit(tmp_path) -> None:
    from cli_support import run_cli

    config = tmp_path / "sweatline.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\ninbox: {tmp_path / 'inbox'}\nweather: {{provider: none}}\n")
    result = run_cli("plan", "--sport", "cycling", "--duration", "2h", "--power", "200", "--temp", "25",
                     "--humidity", "50", "--units", "imperial", config=config)
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "°F above the air" in text and " K above the air" not in text


def test_a_plan_without_a_file_does_not_blame_fit_files_for_the_humidity(tmp_path) -> None:
    """A plan has no file: the config's humidity is said with how to give the day's, not with
    '(FIT files rarely record it)', which is about a recorded activity."""
    from cli_support import run_cli

    config = tmp_path / "sweatline.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\ninbox: {tmp_path / 'inbox'}\nweather: {{provider: none}}\n")
    result = run_cli("plan", "--sport", "running", "--duration", "1h", "--speed", "10", "--temp", "20", config=config)
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "from the config climate (give --humidity for the day's)" in text and "FIT files" not in text
