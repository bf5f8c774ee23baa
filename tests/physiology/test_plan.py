"""`sweatline plan`: durations, refusals, the JSON it prints, and the ACSM 2007 runner table."""
from __future__ import annotations

import json

import pytest
from plan_cli import CONFIG, plan_json

from flows.cli import main
from pipeline.core.errors import UsageError
from pipeline.physiology.planned import check_plan, parse_duration_s


@pytest.fixture
def config_path(write_config):
    return str(write_config(CONFIG))


@pytest.mark.parametrize("text, seconds", [
    ("45m", 2700), ("2h", 7200), ("2h30m", 9000), ("2h30", 9000), ("1:45:00", 6300), ("1:45", 6300),
    ("90", 5400), ("45min", 2700), ("1.5h", 5400), ("90s", 90),
])
def test_durations(text, seconds):
    assert parse_duration_s(text) == seconds


@pytest.mark.parametrize("text", ["0", "0m", "abc", "-3", "1:75", "49h", "", "2x", "h"])
def test_nonsense_durations_are_refused(text):
    with pytest.raises(UsageError):
        parse_duration_s(text)


@pytest.mark.parametrize("bad", [
    ["--duration", "0"], ["--speed", "-3"], ["--humidity", "140"], ["--temp", "80"], ["--speed", "0"],
    ["--mass-kg", "900"], ["--age", "3"], ["--sport", "chess"], ["--height-cm", "20"],
])
def test_refusals_are_one_line_and_exit_2(config_path, capsys, bad):
    args = {"--sport": "running", "--duration": "1h", "--speed": "10"}
    for key, value in zip(bad[::2], bad[1::2]):
        args[key] = value
    argv = ["plan", "--config", config_path] + [x for kv in args.items() for x in kv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_power_is_for_cycling(config_path, capsys):
    assert main(["plan", "--sport", "running", "--duration", "1h", "--power", "250", "--config", config_path]) == 2
    assert "cycling" in capsys.readouterr().err


def test_plan_json_has_the_ride_blocks_but_no_activity(config_path, capsys):
    report = plan_json(config_path, capsys, "--sport", "cycling", "--duration", "3h", "--power", "180",
                       "--temp", "25", "--humidity", "60")
    assert "activity" not in report
    assert report["environment"]["source"] == "override"
    assert report["environment"]["temperature_c"] == 25 and report["environment"]["humidity_pct"] == 60
    assert report["intensity"]["source"] == "power"
    # M = P / GE = 180 / 0.21 = 857.1 W (Ettema & Lorås 2009 GE; config default 0.21)
    assert report["intensity"]["mean_metabolic_w"] == pytest.approx(857.1, abs=0.2)
    s = report["sweat"]
    assert s["low_l"] <= s["total_l"] <= s["high_l"] and s["high_l"] >= 1.3 * s["low_l"]
    assert s["total_l"] == pytest.approx(3 * s["rate_l_per_h"], rel=0.01)
    assert s["device_estimate_l"] is None and s["calibrated"] is False


def test_plan_uses_heart_rate_and_override_athlete(config_path, capsys):
    light = plan_json(config_path, capsys, "--sport", "cycling", "--duration", "2h30m", "--hr", "140",
                      "--temp", "25", "--mass-kg", "55", "--height-cm", "165", "--sex", "female", "--age", "30")
    heavy = plan_json(config_path, capsys, "--sport", "cycling", "--duration", "2h30m", "--hr", "140",
                      "--temp", "25", "--mass-kg", "95", "--height-cm", "190")
    assert light["intensity"]["source"] == heavy["intensity"]["source"] == "heart_rate"
    # Keytel 2005 female, HR 140, 55 kg, 30 y: −20.4022 + 62.608 − 6.9465 + 2.22 = 37.4793 kJ/min = 624.7 W
    assert light["intensity"]["mean_metabolic_w"] == pytest.approx(624.7, abs=0.2)
    assert heavy["sweat"]["total_l"] > light["sweat"]["total_l"]


def test_plan_text_is_printed_without_json(config_path, capsys):
    assert main(["plan", "--sport", "walking", "--duration", "45m", "--speed", "5", "--config", config_path]) == 0
    out = capsys.readouterr().out
    assert "L" in out and "{" not in out.splitlines()[0]


# ACSM position stand "Exercise and Fluid Replacement" (Sawka et al. 2007, Med Sci Sports Exerc
# 39(2):377–390), Table 2: approximate hourly sweating rates (L/h) of runners of 50, 70 and 90 kg
# at 8.5, 10, 12.5 and 15 km/h in cool (18 °C) and warm (28 °C) weather, predicted with the
# Shapiro/USARIEM model family (after Montain, Cheuvront & Sawka 2006, Br J Sports Med 40:98–105).
# NOTE: transcribed from the position stand as recalled; the search corpora available to this
# project did not hold the table's text, so these twenty-four numbers await a check against the
# printed table (kept with the estimate's validation figures).
ACSM_2007_TABLE_2 = {
    # (weather, body mass kg): [8.5, 10, 12.5, 15 km/h]
    ("cool", 50): [0.43, 0.53, 0.69, 0.86],
    ("cool", 70): [0.52, 0.65, 0.86, 1.05],
    ("cool", 90): [0.62, 0.79, 1.02, 1.25],
    ("warm", 50): [0.57, 0.69, 0.89, 1.08],
    ("warm", 70): [0.72, 0.86, 1.10, 1.34],
    ("warm", 90): [0.87, 1.03, 1.31, 1.59],
}
SPEEDS_KMH = (8.5, 10.0, 12.5, 15.0)
WEATHER_C = {"cool": 18.0, "warm": 28.0}
HEIGHT_CM = {50: 160.0, 70: 175.0, 90: 185.0}  # the table gives mass only: typical statures for those masses


@pytest.fixture(scope="module")
def acsm_grid(tmp_path_factory):
    path = tmp_path_factory.mktemp("acsm") / "sweatline.yaml"
    path.write_text(CONFIG)
    grid = {}
    for (weather, mass), _ in ACSM_2007_TABLE_2.items():
        for speed in SPEEDS_KMH:
            import contextlib
            import io
            buffer = io.StringIO()
            with contextlib.redirect_stdout(buffer):
                # the table is the USARIEM sweat equations' answer, which carry no solar term: they were
                # fitted in the laboratory and match night marches, the sun being added to them as a separate
                # load (Gonzalez et al. 2012, J Appl Physiol 112:1300): planned in shade, like with like
                code = main(["plan", "--sport", "running", "--duration", "1h", "--speed", str(speed),
                             "--temp", str(WEATHER_C[weather]), "--humidity", "50", "--mass-kg", str(mass),
                             "--height-cm", str(HEIGHT_CM[mass]), "--solar-w-m2", "0", "--json",
                             "--config", str(path)])
            assert code == 0
            grid[(weather, mass, speed)] = json.loads(buffer.getvalue())["sweat"]
    return grid


def test_acsm_runner_table_falls_inside_our_range(acsm_grid):
    """Every published cell lies inside the range we tell a runner is plausible for them.

    Tolerance: our low–high range is ±35 % (inter-individual CV of sweat rate, Baker 2017), and the
    table is itself a model prediction (standard error of the USARIEM equations ~100 g·m⁻²·h⁻¹,
    ≈ 0.15–0.2 L/h, Gonzalez et al. 2009): a population-average figure should fall inside the
    range we give, and on average our estimate should be within 30 % of it.
    """
    ratios = []
    lines = ["weather mass  speed  ACSM  ours  (low-high)"]
    for (weather, mass), published in ACSM_2007_TABLE_2.items():
        for speed, table_l_per_h in zip(SPEEDS_KMH, published):
            s = acsm_grid[(weather, mass, speed)]
            ours = s["rate_l_per_h"]
            lines.append(f"{weather:5s} {mass:4d} {speed:6.1f} {table_l_per_h:5.2f} {ours:5.2f} "
                         f"({s['low_l']:.2f}-{s['high_l']:.2f})")
            assert s["low_l"] <= table_l_per_h <= s["high_l"], lines[-1]
            ratios.append(ours / table_l_per_h)
    mean_ratio = sum(ratios) / len(ratios)
    print("\n".join(lines) + f"\nmean ours/ACSM = {mean_ratio:.2f}")
    assert 0.7 <= mean_ratio <= 1.3


def test_acsm_table_trends(acsm_grid):
    """The table's shape: faster, heavier and warmer all mean more sweat."""
    for weather in ("cool", "warm"):
        for mass in (50, 70, 90):
            rates = [acsm_grid[(weather, mass, v)]["rate_l_per_h"] for v in SPEEDS_KMH]
            assert rates == sorted(rates) and rates[0] < rates[-1]
        for speed in SPEEDS_KMH:
            by_mass = [acsm_grid[(weather, m, speed)]["rate_l_per_h"] for m in (50, 70, 90)]
            assert by_mass == sorted(by_mass)
    for mass in (50, 70, 90):
        for speed in SPEEDS_KMH:
            assert acsm_grid[("warm", mass, speed)]["rate_l_per_h"] > acsm_grid[("cool", mass, speed)]["rate_l_per_h"]


def test_check_plan_values():
    plan = check_plan("Running", "1:30:00", speed_kmh=12.0)
    assert plan.sport == "running" and plan.duration_s == 5400 and plan.speed_kmh == 12.0
    with pytest.raises(UsageError, match="exactly one"):
        check_plan("running", "1h", speed_kmh=10.0, heart_rate_bpm=150.0)


def test_plan_takes_water_temperature_load_and_grade(config_path, capsys):
    """--water-temp (Macaluso et al. 2011: warmer water, more sweat), --load-kg and --grade (the Load
    Carriage Decision Aid's walking equation, Looney et al. 2019: a pack and a climb cost more): each
    moves the answer the way its source says."""
    def total(*args: str) -> float:
        return plan_json(config_path, capsys, *args)["sweat"]["total_l"]

    def metabolic(*args: str) -> float:
        return plan_json(config_path, capsys, *args)["intensity"]["mean_metabolic_w"]

    swim = ["--sport", "swimming", "--duration", "1h", "--speed", "3.5"]
    assert total(*swim, "--water-temp", "31") > total(*swim, "--water-temp", "24")
    hike = ["--sport", "hiking", "--duration", "3h", "--speed", "4.5", "--temp", "22"]
    # LCDA by hand (Looney et al. 2019), V 1.25 m/s, level: 1.44 + 1.94·1.25^0.43 + 0.24·1.25⁴ W/kg of body + load
    per_kg = 1.44 + 1.94 * 1.25 ** 0.43 + 0.24 * 1.25 ** 4
    assert metabolic(*hike) == pytest.approx(70.0 * per_kg, abs=0.5)            # 291.3 W
    assert metabolic(*hike, "--load-kg", "15") == pytest.approx(85.0 * per_kg, abs=0.5)  # 353.7 W
    assert total(*hike) <= total(*hike, "--load-kg", "15") < total(*hike, "--load-kg", "15", "--grade", "8")
    assert total(*hike, "--grade", "-8") < total(*hike, "--grade", "8")
    # --clothing uniform: the combat uniform's measured insulation (USARIEM 2019) holds heat in
    march = ["--sport", "walking", "--duration", "1h", "--speed", "6", "--temp", "18", "--load-kg", "30"]
    assert total(*march, "--clothing", "uniform") > total(*march)


def test_plan_sun_adds_sweat_and_its_default_is_the_mean_daylight_sky(config_path, capsys):
    """--solar-w-m2: the sun's radiant heat (ISO 7726 mean radiant temperature, Erbs split) raises the
    sweat; without the flag an outdoor plan is under the climatological daylight sky, 2 × Wild et al.
    (2013)'s 24-h surface mean of 185 W/m² = 370 W/m², exactly as if it were typed; a lower sun at the
    same radiation falls on more of an upright body (Fanger's projected area factor) and the note says
    what was modelled."""
    def total(*args: str) -> float:
        return plan_json(config_path, capsys, *args)["sweat"]["total_l"]

    run = ["--sport", "running", "--duration", "2h", "--speed", "11", "--temp", "28", "--humidity", "60"]
    assert total(*run) == total(*run, "--solar-w-m2", str(185.0 * 2))
    assert total(*run, "--solar-w-m2", "0") < total(*run) < total(*run, "--solar-w-m2", "400") < total(
        *run, "--solar-w-m2", "800")
    assert total(*run, "--solar-w-m2", "300", "--sun-elevation-deg", "20") > total(
        *run, "--solar-w-m2", "300", "--sun-elevation-deg", "70")
    notes = plan_json(config_path, capsys, *run, "--solar-w-m2", "800")["environment"]["notes"]
    assert any("sun 800 W/m² at 45° elevation" in n for n in notes)


def test_a_triathlon_plan_takes_the_sun_on_the_bike_and_the_run(config_path, capsys):
    """--solar-w-m2 with --sport triathlon: the bike and the run sweat more in the sun, the swim (in
    water) is unchanged."""
    race = ["--sport", "triathlon", "--legs", "1h,5h,3h30m", "--hr", "140", "--temp", "28", "--humidity", "60"]
    shade = plan_json(config_path, capsys, *race, "--solar-w-m2", "0")["legs"]
    sun = plan_json(config_path, capsys, *race, "--solar-w-m2", "700")["legs"]
    assert sun[0]["sweat"]["total_l"] == shade[0]["sweat"]["total_l"]
    assert sun[1]["sweat"]["total_l"] > shade[1]["sweat"]["total_l"]
    assert sun[2]["sweat"]["total_l"] > shade[2]["sweat"]["total_l"]


def test_an_outdoor_plan_without_a_sky_says_what_it_assumed_and_how_to_override_it(config_path, capsys):
    """No --solar-w-m2: the plan states its assumed sky (370 W/m², Wild et al. 2013, at 45°) and the way
    out (--solar-w-m2 0), in the JSON's environment notes and the text; it sweats more than the same
    plan in shade, for every sport done outdoors in air."""
    for sport, effort in (("running", ["--speed", "10"]), ("cycling", ["--power", "180"]),
                          ("walking", ["--speed", "5"]), ("cross_country_skiing", ["--hr", "140"]),
                          ("rowing", ["--hr", "140"])):
        plan = ["--sport", sport, "--duration", "2h", *effort, "--temp", "22", "--humidity", "50"]
        report = plan_json(config_path, capsys, *plan)
        notes = report["environment"]["notes"]
        assert any("370 W/m² at 45° elevation" in n and "Wild et al. 2013" in n and "--solar-w-m2 0" in n
                   for n in notes), (sport, notes)
        shade = plan_json(config_path, capsys, *plan, "--solar-w-m2", "0")
        assert report["sweat"]["total_l"] > shade["sweat"]["total_l"], sport
        assert not any("Wild et al." in n for n in shade["environment"]["notes"])
    assert main(["plan", "--sport", "running", "--duration", "1h", "--speed", "10", "--temp", "22",
                 "--config", str(config_path)]) == 0
    assert "give--solar-w-m20forshade" in "".join(capsys.readouterr().out.split())  # the text wraps at hyphens


def test_sessions_indoors_or_in_water_get_no_assumed_sun(config_path, capsys):
    """A swim (in water) and a gym workout (indoors) plan the same with or without a sky: no sun note,
    no radiant heat (the one rule, environment.sun_reaches, with the sub-sports a recording names)."""
    from pipeline.physiology.environment import sun_reaches

    swim = plan_json(config_path, capsys, "--sport", "swimming", "--duration", "1h", "--speed", "3")
    assert not any("sun" in n.lower() for n in swim["environment"]["notes"])
    gym = ["--sport", "training", "--duration", "1h", "--hr", "130", "--temp", "22", "--humidity", "50"]
    workout = plan_json(config_path, capsys, *gym)
    assert not any("sun" in n.lower() for n in workout["environment"]["notes"])
    assert workout["sweat"]["total_l"] == plan_json(config_path, capsys, *gym, "--solar-w-m2", "800")["sweat"]["total_l"]
    assert sun_reaches("running") and sun_reaches("cycling", "road")
    assert not any(sun_reaches(*args) for args in (("cycling", "indoor_cycling"), ("running", "treadmill"),
                                                   ("cycling", "virtual_activity"), ("swimming", "lap_swimming"),
                                                   ("swimming", "open_water"), ("training", None)))


@pytest.mark.parametrize("bad", [["--sport", "swimming", "--speed", "3", "--solar-w-m2", "500"],
                                 ["--sport", "running", "--speed", "10", "--sun-elevation-deg", "30"],
                                 ["--sport", "running", "--speed", "10", "--solar-w-m2", "-5"],
                                 ["--sport", "running", "--speed", "10", "--solar-w-m2", "2000"],
                                 ["--sport", "running", "--speed", "10", "--solar-w-m2", "500",
                                  "--sun-elevation-deg", "0"]])
def test_sun_refusals_are_one_line(config_path, capsys, bad):
    argv = ["plan", "--config", config_path, "--duration", "1h", *bad]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err and err.startswith("--s")


@pytest.mark.parametrize("bad", [["--sport", "running", "--water-temp", "25"], ["--sport", "cycling", "--load-kg", "5"],
                                 ["--sport", "swimming", "--water-temp", "60"], ["--sport", "hiking", "--grade", "-70"],
                                 ["--sport", "cycling", "--clothing", "uniform"]])
def test_water_load_and_grade_refusals_are_one_line(config_path, capsys, bad):
    args = {"--duration": "1h", "--speed": "10" if "cycling" in bad or "running" in bad else "3"}
    argv = ["plan", "--config", config_path, *bad] + [x for kv in args.items() for x in kv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_plan_gives_sodium_per_hour_from_a_measured_concentration(write_config, capsys):
    """athlete.sweat_sodium_mmol_per_l: 60 mmol/L → sodium = total · 60 · 22.99 mg, per hour over 2 h."""
    path = str(write_config(CONFIG.replace("ftp_w: 250}", "ftp_w: 250, sweat_sodium_mmol_per_l: 60}")))
    report = plan_json(path, capsys, "--sport", "running", "--duration", "2h", "--speed", "11", "--temp", "25")
    total = report["sweat"]["total_l"]
    assert report["sweat"]["sodium_mg"] == pytest.approx(total * 60 * 22.99, abs=2)
    assert report["plan"]["sodium_mg_per_h"] == pytest.approx(total * 60 * 22.99 / 2, abs=10)
    assert report["sweat"]["respiratory_water_l"] > 0


@pytest.mark.parametrize("load", ["5", "20"])
@pytest.mark.parametrize("grade", [None, "10", "-10"])
def test_a_load_is_refused_for_running_whose_cost_no_walking_equation_gives(config_path, capsys, load, grade):
    """The load equation (the LCDA's, Looney et al. 2019) is a walking equation: a laden run would be
    costed as an unladen one while the load's climbing work is counted (a 20 kg load up a 10 % climb gave
    less sweat than none)."""
    argv = ["plan", "--config", config_path, "--sport", "running", "--duration", "1h", "--speed", "10",
            "--load-kg", load] + (["--grade", grade] if grade else [])
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("--load-kg: ") and "walking" in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("hr", ["40", "54", "55"])
def test_a_heart_rate_not_above_rest_is_refused_naming_the_resting_rate(config_path, capsys, hr):
    """The config's athlete rests at 55 bpm: a planned heart rate at or below it is no effort to estimate
    (it gave 0 L and no drinking, against 0.23 L just above it)."""
    argv = ["plan", "--config", config_path, "--sport", "running", "--duration", "1h", "--hr", hr]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("--hr: ") and "55 bpm" in err and len(err.splitlines()) == 1



def test_a_swim_plan_names_its_water_and_warns_of_hot_water(config_path, capsys):
    """A swim sweats by its water (Macaluso et al. 2011, measured over 23–32 °C): the headline and the
    text name the water, not the 20 °C air; beyond the measured range the value used is said; above the
    31 °C FINA allows for open-water races (rule OWS 5.5) a warning."""
    swim = ["plan", "--sport", "swimming", "--duration", "1h", "--speed", "3", "--config", config_path]
    assert main([*swim, "--water-temp", "28"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Planned swim: 1 h in 28 °C water")
    assert "the planned 1 h swim in 28 °C water" in out and "Warning" not in out and "outside the" not in out
    report = plan_json(config_path, capsys, *swim[1:-2], "--water-temp", "40")
    assert report["environment"]["water_temperature_c"] == 40
    notes = " ".join(report["sweat"]["flags"])
    assert "40 °C water is outside the 23–32 °C" in notes and "taken as at 32 °C" in notes
    assert "warmer than the 31 °C allowed for open-water races (FINA rule OWS 5.5)" in notes
    # the value used is the capped one: 40 °C water gives what 32 °C water gives
    at_32 = plan_json(config_path, capsys, *swim[1:-2], "--water-temp", "32")["sweat"]["total_l"]
    assert report["sweat"]["total_l"] == at_32
    assert main([*swim, "--water-temp", "33"]) == 0
    assert "Warning: 33 °C water is warmer than the 31 °C" in " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize("speed", ["nan", "60", "inf", "-3"])
def test_a_speed_out_of_range_names_the_sports_own_limit(config_path, capsys, speed):
    """One limit per sport whatever the bad value (NaN once said "at most 108 km/h", 60 "at most 28.8")."""
    assert main(["plan", "--sport", "running", "--duration", "1h", "--speed", speed, "--config", config_path]) == 2
    err = capsys.readouterr().err
    assert "at most 28.8 km/h for running" in err and len(err.strip().splitlines()) == 1, err


def test_load_is_documented_for_walking_and_hiking_only(capsys):
    with pytest.raises(SystemExit):
        main(["plan", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--load-kg KG walking and hiking only" in out


# --- a planned session never sweats less than the least any athlete did (Baker et al. 2016) ---

BAKER_2016_FLOOR_ML_PER_KG_H = 3.3
"""The lowest whole-body sweat rate of 506 athletes training or competing (Baker et al. 2016, abstract:
15.3 ± 6.8, range 3.3–69.7 mL·kg⁻¹·h⁻¹)."""


@pytest.mark.parametrize(("sport", "hours", "effort"), [
    ("running", 2.0, ["--hr", "60"]), ("running", 2.0, ["--hr", "56"]), ("cycling", 5.0, ["--hr", "58"]),
    ("walking", 8.0, ["--hr", "57"]), ("cycling", 20.0, ["--speed", "3"]), ("walking", 3.0, ["--speed", "1"]),
])
@pytest.mark.parametrize("temp", ["5", "20"])
def test_a_plan_just_above_rest_sweats_at_least_the_athletes_floor(config_path, capsys, sport, hours, effort, temp):
    """Running 2 h at 60 bpm (resting 55) gave "0.00 L (plausibly 0.00–0.00 L)": an effort the model
    puts below 2 METs skipped the floor that a recorded session's coasting minutes skip. A planned session
    is hours of moving: at least 3.3 mL per kg per hour, 70 kg in this config, and its range too."""
    report = plan_json(config_path, capsys, "--sport", sport, "--duration", f"{hours:g}h", *effort,
                       "--temp", temp, "--humidity", "50")
    floor_l = BAKER_2016_FLOOR_ML_PER_KG_H * 70.0 * hours / 1000.0
    assert report["sweat"]["total_l"] >= floor_l - 0.01
    assert report["sweat"]["low_l"] > 0.0 and report["sweat"]["high_l"] > report["sweat"]["total_l"]


@pytest.mark.parametrize("water", ["16", "24", "30"])
def test_a_triathlon_swims_in_the_water_given(config_path, capsys, water):
    """--water-temp reaches the triathlon's swim (it said "27 °C assumed for a pool"): the swim leg is a
    swim plan in that water at the same heart rate, and the note names the water given."""
    race = ["--sport", "triathlon", "--legs", "1h,5h,3h30m", "--hr", "140", "--temp", "26"]
    swim = plan_json(config_path, capsys, *race, "--water-temp", water)["legs"][0]
    alone = plan_json(config_path, capsys, "--sport", "swimming", "--duration", "1h", "--hr", "140", "--temp", "26",
                      "--water-temp", water)
    assert swim["environment"]["water_temperature_c"] == float(water)
    assert swim["sweat"]["total_l"] == alone["sweat"]["total_l"]
    assert any(f"water {water} °C given" in note for note in swim["environment"]["notes"] + swim["sweat"]["flags"])


def test_a_triathlon_swim_without_a_reading_is_open_water(config_path, capsys):
    """A triathlon swims in a lake or the sea: without --water-temp its swim is open water (FINA's
    open-water races: 16–31 °C), never a 25–28 °C pool; warmer water, more sweat (Macaluso et al. 2011)."""
    race = ["--sport", "triathlon", "--legs", "1h,5h,3h30m", "--hr", "140", "--temp", "26"]
    swim = plan_json(config_path, capsys, *race)["legs"][0]
    texts = swim["environment"]["notes"] + swim["sweat"]["flags"]
    assert any("open water" in t for t in texts) and not any("pool" in t for t in texts)
    assert 16.0 <= swim["environment"]["water_temperature_c"] <= 31.0
    warm = plan_json(config_path, capsys, *race, "--water-temp", "30")["legs"][0]
    assert warm["sweat"]["total_l"] > swim["sweat"]["total_l"]


def test_water_temp_is_typed_in_the_readers_units(config_path, capsys):
    """With imperial units --water-temp is °F, as --temp is: 82.4 °F is 28 °C (NIST SP 811 B.9,
    (82.4 − 32) / 1.8), so it plans what --water-temp 28 plans in metric; one outside the water's
    bounds is refused in °F."""
    swim = ["--sport", "swimming", "--duration", "1h", "--hr", "140"]  # a heart rate reads the same in both systems
    metric = plan_json(config_path, capsys, *swim, "--water-temp", "28")
    imperial = plan_json(config_path, capsys, *swim, "--water-temp", "82.4", "--units", "imperial")
    assert imperial["environment"]["water_temperature_c"] == pytest.approx(28.0)
    assert imperial["sweat"]["total_l"] == metric["sweat"]["total_l"]
    assert main(["plan", *swim, "--water-temp", "82.4", "--units", "imperial", "--config", config_path]) == 0
    assert "in 82 °F water" in capsys.readouterr().out
    assert main(["plan", *swim, "--water-temp", "150", "--units", "imperial", "--config", config_path]) == 2
    err = capsys.readouterr().err
    assert "--water-temp" in err and "150 °F" in err and err.count("\n") == 1
