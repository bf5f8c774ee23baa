"""Published whole-body sweat rates to hold the model against (``python -m validation``).

:data:`TABLE` is ``studies.csv``: one row per published group mean (field or realistic-lab), with
its citation, DOI, n, sex, body mass, duration, intensity as published, weather, what exactly was
measured and which inputs we had to assume (column ``assumed``; see README.md). :func:`predict`
asks the same use case as ``sweatline plan`` (:func:`pipeline.usecases.analyse.analyse_plan`) for
each row, leg by leg for a multisport row, and :func:`evaluate` compares: ratio ours/measured,
absolute percentage error, whether the measured mean lies inside our plausible range.
"""
from __future__ import annotations

import csv
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, Field

TABLE = Path(__file__).with_name("studies.csv")


class Leg(BaseModel):
    """One leg of a multisport row: sport, hours, speed [km/h], and the sun on it if any (global
    horizontal radiation [W/m²] at a sun elevation [°])."""

    sport: str
    hours: float = Field(gt=0)
    speed_kmh: float = Field(gt=0)
    solar_w_m2: float | None = None
    sun_elevation_deg: float | None = None


class Study(BaseModel):
    """One row of the validation table (units in the names; SI otherwise)."""

    id: str
    group: str
    sport: str
    sex: str | None = None
    n: int
    body_mass_kg: float
    height_cm: float
    duration_h: float = Field(gt=0)
    speed_kmh: float | None = None
    power_w: float | None = None
    heart_rate_bpm: float | None = None
    age: float | None = None
    legs: list[Leg] = Field(default_factory=list)
    air_temp_c: float
    humidity_pct: float
    water_temp_c: float | None = None
    load_kg: float | None = None
    grade_pct: float | None = None
    clothing: str | None = None
    solar_w_m2: float | None = None
    sun_elevation_deg: float | None = None
    measured_l_per_h: float = Field(gt=0)
    sd_l_per_h: float | None = None
    measured: str
    intensity_published: str
    assumed: list[str] = Field(default_factory=list)
    citation: str
    doi: str | None = None
    notes: str = ""


def _blank_to_none(row: dict[str, str]) -> dict[str, object]:
    out: dict[str, object] = {k: (v.strip() if v.strip() else None) for k, v in row.items()}
    out["assumed"] = (row.get("assumed") or "").split()
    legs = []
    for part in filter(None, (row.get("legs") or "").split(";")):
        sport, hours, speed, *sun = part.split(":")
        leg: dict[str, object] = {"sport": sport, "hours": float(hours), "speed_kmh": float(speed)}
        if sun:
            leg["solar_w_m2"], leg["sun_elevation_deg"] = float(sun[0]), float(sun[1])
        legs.append(leg)
    out["legs"] = legs
    out["notes"] = row.get("notes") or ""
    return out


def load(path: Path = TABLE) -> list[Study]:
    """The table's rows, checked (a malformed row raises pydantic's ValidationError naming its field)."""
    with open(path, newline="", encoding="utf-8") as handle:
        return [Study.model_validate(_blank_to_none(row)) for row in csv.DictReader(handle)]


@dataclass(frozen=True)
class Prediction:
    """Our answer for one row [L·h⁻¹]: central rate and the plausible range's ends."""

    rate_l_per_h: float
    low_l_per_h: float
    high_l_per_h: float


def predict(study: Study) -> Prediction:
    """The ``sweatline plan`` use case at the row's conditions, athlete overridden by the row's mean
    mass, height, sex and age where the row gives it (unknown sex: the model's own average; no age: the
    population default). A row with a published mean heart rate and no published speed is planned by heart
    rate (``plan --hr``: Keytel et al. 2005's equation, which takes sex, mass and age), as the study
    measured it, rather than at an assumed speed. A multisport row is the sum of its
    legs, each planned as its own sport, over the whole time. The quantity predicted is what a
    whole-body mass balance measures: sweat + water breathed out + mass of fuel burned (the last two
    from the report's ``respiratory_water_l`` and ``metabolic_mass_l``, added to both ends of the range)."""
    from pipeline.core.config import Config
    from pipeline.physiology.planned import check_plan
    from pipeline.usecases.analyse import WeatherOverride, analyse_plan

    config = Config()
    legs = study.legs or [Leg(sport=study.sport, hours=study.duration_h, speed_kmh=study.speed_kmh or 1.0)]
    total = low = high = 0.0
    hours = 0.0
    for leg in legs:
        extra = _plan_extras(study, leg)
        by_hr = study.heart_rate_bpm is not None and not study.legs
        plan = check_plan(leg.sport, f"{leg.hours * 60:.2f}",
                          speed_kmh=None if ((study.power_w or by_hr) and not study.legs) else leg.speed_kmh,
                          power_w=study.power_w if not study.legs else None,
                          heart_rate_bpm=study.heart_rate_bpm if by_hr else None,
                          temperature_c=study.air_temp_c, humidity_pct=study.humidity_pct,
                          body_mass_kg=study.body_mass_kg, height_cm=study.height_cm, **extra)
        override = WeatherOverride(temperature_c=study.air_temp_c, humidity_pct=study.humidity_pct)
        athlete = {"body_mass_kg": study.body_mass_kg, "height_cm": study.height_cm, "sex": study.sex,
                   "age": study.age}
        sweat = analyse_plan(plan, config, override, athlete).report.sweat
        # a mass balance measures sweat + breath water + fuel burned: predict the same quantity
        extra = (sweat.respiratory_water_l or 0.0) + (sweat.metabolic_mass_l or 0.0)
        total, low, high = total + sweat.total_l + extra, low + sweat.low_l + extra, high + sweat.high_l + extra
        hours += leg.hours
    return Prediction(total / hours, low / hours, high / hours)


def _plan_extras(study: Study, leg: Leg) -> dict[str, float | str]:
    """Water temperature, load, grade, clothing and sun (the leg's, else the row's; not in water),
    for a plan that takes them."""
    import inspect

    from pipeline.physiology.planned import check_plan

    accepted = inspect.signature(check_plan).parameters
    sport = leg.sport
    in_air = sport != "swimming"
    solar = leg.solar_w_m2 if leg.solar_w_m2 is not None else study.solar_w_m2
    elevation = leg.sun_elevation_deg if leg.solar_w_m2 is not None else study.sun_elevation_deg
    extras = {"water_temp_c": study.water_temp_c if sport == "swimming" else None,
              "load_kg": study.load_kg, "grade_pct": study.grade_pct, "clothing": study.clothing,
              "solar_w_m2": solar if in_air else None, "sun_elevation_deg": elevation if in_air and solar else None}
    return {k: v for k, v in extras.items() if v is not None and k in accepted}


@dataclass(frozen=True)
class Result:
    study: Study
    prediction: Prediction

    @property
    def ratio(self) -> float:
        return self.prediction.rate_l_per_h / self.study.measured_l_per_h

    @property
    def abs_pct_error(self) -> float:
        return abs(self.ratio - 1.0) * 100.0

    @property
    def covered(self) -> bool:
        return self.prediction.low_l_per_h <= self.study.measured_l_per_h <= self.prediction.high_l_per_h


@dataclass(frozen=True)
class Summary:
    """Whole-table figures: MAPE [%], median ratio, coverage [fraction], median range width
    [L·h⁻¹] and as high/low, and per group (n, MAPE, median ratio, coverage)."""

    results: list[Result]
    mape_pct: float
    median_ratio: float
    coverage: float
    median_width_l_per_h: float
    median_width_ratio: float
    groups: dict[str, dict[str, float]] = field(default_factory=dict)


def evaluate(studies: list[Study] | None = None) -> Summary:
    """Predict every row and summarise."""
    studies = load() if studies is None else studies
    results = [Result(s, predict(s)) for s in studies]
    groups: dict[str, dict[str, float]] = {}
    for name in sorted({r.study.group for r in results}):
        part = [r for r in results if r.study.group == name]
        groups[name] = {"n": len(part), "mape_pct": statistics.fmean(r.abs_pct_error for r in part),
                        "median_ratio": statistics.median(r.ratio for r in part),
                        "coverage": sum(r.covered for r in part) / len(part)}
    return Summary(
        results=results,
        mape_pct=statistics.fmean(r.abs_pct_error for r in results),
        median_ratio=statistics.median(r.ratio for r in results),
        coverage=sum(r.covered for r in results) / len(results),
        median_width_l_per_h=statistics.median(r.prediction.high_l_per_h - r.prediction.low_l_per_h for r in results),
        median_width_ratio=statistics.median(r.prediction.high_l_per_h / r.prediction.low_l_per_h for r in results),
        groups=groups,
    )
