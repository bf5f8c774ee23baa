"""Who the athlete is: mass, height, sex, age, heart-rate settings and FTP, with where each came from.

Lookup order per field: a one-off override (``sweatline plan --mass-kg ...``), then the config's
``athlete`` section, then the FIT file's user profile, then a documented population default.
The defaults are named in the report (``sweat.assumptions``) so nobody mistakes them for theirs.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pipeline.core.config import AthleteConfig
from pipeline.core.errors import InvalidValue
from pipeline.core.notes import ModelNote, mass_kg
from pipeline.fit.models import UserProfile

Sex = Literal["male", "female"]
FieldSource = Literal["override", "config", "fit", "default"]

POPULATION_DEFAULTS: dict[str, float] = {
    "body_mass_kg": 70.0,   # the middle body mass of the ACSM 2007 runner table (Sawka et al. 2007, Table 2)
    "height_cm": 175.0,     # an adult of that mass with a typical BMI of ~23 kg·m⁻²
    "age": 35.0,            # a typical amateur endurance athlete
    "hr_rest_bpm": 60.0,    # a typical adult resting heart rate
}
"""Used only when neither override, config nor FIT profile says. Sex has no default: the sex-specific
equations (Keytel et al. 2005) are averaged. HR max defaults to Tanaka et al. (2001): 208 − 0.7·age."""


def tanaka_hr_max_bpm(age: float) -> float:
    """Age-predicted maximal heart rate, Tanaka, Monahan & Seals (2001), J Am Coll Cardiol 37:153–156:
    ``HRmax = 208 − 0.7 · age`` [bpm]."""
    return 208.0 - 0.7 * age


@dataclass(frozen=True)
class Athlete:
    body_mass_kg: float
    height_cm: float
    sex: Sex | None
    age: float
    hr_rest_bpm: float
    hr_max_bpm: float
    ftp_w: float | None
    sources: dict[str, FieldSource] = field(default_factory=dict)
    sweat_sodium_mmol_per_l: float | None = None
    """The athlete's measured sweat sodium [mmol·L⁻¹] (config ``athlete.sweat_sodium_mmol_per_l``, from
    a lab or patch test): used instead of the population value, with a narrower sodium range."""
    profile_body_mass_kg: float | None = None
    """The body mass [kg] the FIT file's user profile holds, when the config or an override gave
    another one (kept to say when the two disagree beyond a plausible change)."""

    def assumptions(self) -> list[str]:
        """Plain-language notes for every value that is a population default, not the athlete's, and
        for a configured body mass the wearer's watch contradicts (:data:`BODY_MASS_DISAGREEMENT`)."""
        notes: list[str] = []
        if self.profile_body_mass_kg is not None and body_masses_disagree(self.body_mass_kg, self.profile_body_mass_kg):
            source = "given" if self.sources.get("body_mass_kg") == "override" else "in the config"
            notes.append(ModelNote(
                "body mass {mass:g} {source} differs from the watch's profile ({profile:g}) by more than a body "
                "changes in a year: used as {source}, but check it (pounds typed as kilograms?)",
                mass=mass_kg(self.body_mass_kg), source=source, profile=mass_kg(self.profile_body_mass_kg)))
        for name, source in self.sources.items():
            if source == "default":
                value = getattr(self, name)
                if name == "sex":
                    notes.append("sex unknown: heart-rate energy equations averaged over men and women")
                elif name == "hr_max_bpm":
                    notes.append(f"hr_max_bpm: {value:.0f} bpm predicted from age (Tanaka 2001), not measured")
                else:
                    notes.append(f"{name}: population default {value:g} (set athlete.{name} in the config)")
        return notes


def check_planned_heart_rate(heart_rate_bpm: float, athlete: Athlete) -> None:
    """Refuse a planned average heart rate [bpm] the athlete cannot hold: at or below their resting
    heart rate (it says nothing of an effort's intensity), or above their maximum (no effort reaches
    it; Tanaka et al. 2001's age prediction when the config gives none, and the message says so).

    Raises :class:`~pipeline.core.errors.InvalidValue` (field ``heart_rate_bpm``) naming the limit
    and where it comes from."""
    if heart_rate_bpm <= athlete.hr_rest_bpm:
        raise InvalidValue("heart_rate_bpm", f"{heart_rate_bpm:g} bpm is not above the resting heart rate "
                           f"({athlete.hr_rest_bpm:g} bpm, athlete.hr_rest_bpm): a heart rate at rest says nothing "
                           "of an effort's intensity")
    if heart_rate_bpm > athlete.hr_max_bpm:
        source = athlete.sources.get("hr_max_bpm")
        if source == "default":
            where = (f"predicted from age {athlete.age:g} by Tanaka 2001's 208 − 0.7·age; set athlete.hr_max_bpm "
                     "in the config if yours is measured higher")
        elif source == "fit":
            where = "the watch's user profile"
        elif source == "override":
            where = "given for this answer"
        else:
            where = "athlete.hr_max_bpm in the config"
        raise InvalidValue("heart_rate_bpm", f"{heart_rate_bpm:g} bpm is above the maximum heart rate "
                           f"({athlete.hr_max_bpm:.0f} bpm, {where}): no effort is held above it")


BODY_MASS_DISAGREEMENT = 0.20
"""The largest plausible relative difference between a configured body mass and the one a watch's
user profile holds (a profile may be a year old): a loss of more than 20 % of body mass in a year is
the criterion of *severe* malnutrition (White et al. 2012, ASPEN/AND consensus on adult malnutrition,
JPEN 36(3):275-283, table 3), while day-to-day variation is about 1 % (Cheuvront et al. 2004, Int J
Sport Nutr Exerc Metab 14(5):532-540). Pounds typed as kilograms differ by a factor of 2.2."""


def body_masses_disagree(used_kg: float, profile_kg: float) -> bool:
    """Whether two body masses [kg] differ by more than :data:`BODY_MASS_DISAGREEMENT` of the smaller."""
    return abs(used_kg - profile_kg) > BODY_MASS_DISAGREEMENT * min(used_kg, profile_kg)


def resolve_athlete(config: AthleteConfig, profile: UserProfile | None = None,
                    override: dict[str, float | str | None] | None = None) -> Athlete:
    """Fill every field: override, else config, else FIT user profile, else population default."""
    profile = profile or UserProfile()
    override = override or {}
    values: dict[str, Any] = {}  # a number, the sex, or None: as the override, config or profile gives it
    sources: dict[str, FieldSource] = {}
    holders: tuple[tuple[FieldSource, object], ...] = (("override", override), ("config", config), ("fit", profile))
    for name in ("body_mass_kg", "height_cm", "sex", "age", "hr_rest_bpm", "hr_max_bpm", "ftp_w"):
        for source, holder in holders:
            value = holder.get(name) if isinstance(holder, dict) else getattr(holder, name, None)
            if value is not None and _plausible(name, value):
                values[name], sources[name] = value, source
                break
        else:
            if name in POPULATION_DEFAULTS:
                values[name], sources[name] = POPULATION_DEFAULTS[name], "default"
            else:
                values[name] = None
                if name != "ftp_w" and name != "hr_max_bpm":
                    sources[name] = "default"
    if values.get("hr_max_bpm") is None:
        values["hr_max_bpm"] = tanaka_hr_max_bpm(float(values["age"]))
        sources["hr_max_bpm"] = "default"
    return Athlete(
        body_mass_kg=float(values["body_mass_kg"]),
        height_cm=float(values["height_cm"]),
        sex=values["sex"] if values["sex"] in ("male", "female") else None,
        age=float(values["age"]),
        hr_rest_bpm=float(values["hr_rest_bpm"]),
        hr_max_bpm=float(values["hr_max_bpm"]),
        ftp_w=float(values["ftp_w"]) if values.get("ftp_w") is not None else None,
        sources=sources,
        sweat_sodium_mmol_per_l=getattr(config, "sweat_sodium_mmol_per_l", None),
        profile_body_mass_kg=(float(profile.body_mass_kg) if sources.get("body_mass_kg") in ("config", "override")
                              and profile.body_mass_kg is not None and _plausible("body_mass_kg", profile.body_mass_kg)
                              else None),
    )


_BOUNDS: dict[str, tuple[float, float]] = {
    "body_mass_kg": (25, 250), "height_cm": (100, 250), "age": (10, 100),
    "hr_rest_bpm": (25, 120), "hr_max_bpm": (100, 230), "ftp_w": (30, 600),
}


def _plausible(name: str, value: Any) -> bool:
    """FIT profiles sometimes hold placeholders (0 kg, 255 years): those do not count as data."""
    if name == "sex":
        return value in ("male", "female")
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False
    lo, hi = _BOUNDS[name]
    return lo <= number <= hi
