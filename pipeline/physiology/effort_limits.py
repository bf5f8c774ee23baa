"""The hardest effort a plan may state: no more than the best humans have held for as long.

A planned session (``sweatline plan``) or race (``plan --course``) is asked for at a power or a speed
the user types or a finish time solves for. Nobody can hold 600 W for 4 h; an estimate built on it
(13 L of sweat) is a figure no body can produce, so such an effort is refused in one line
(:class:`~pipeline.core.errors.InvalidValue`, exit 2 as any bad input). Recorded activities are not
checked here: what a file recorded happened.

The bounds, each from a record or a published table of the best performers:

* Running speed: Riegel's endurance equation ``T₂ = T₁·(D₂/D₁)^1.06`` [1], i.e. a speed
  ``v(T) = v₁·(T/T₁)^(1/1.06 − 1)`` for a duration ``T``, fitted to the men's 1500 m world record
  (3:26.00, H. El Guerrouj, Rome 1998 [2]), the record that puts the curve highest of those
  from 1500 m to the marathon, so that no world record from 3.5 min upwards lies above it (half
  marathon 56:42 and marathon 2:00:35 [2] lie just under it). Riegel fitted the curve from about
  3.5 min to 3 h 50 min [1]; beyond, it lies above the ultra records (24 h about 320 km, 13.3 km/h,
  against 17.5 km/h at 48 h here), so it remains a bound, a generous one. Below the 1500 m
  record's 3:26 the sport's own speed bound holds (the 800 m record pace,
  :mod:`pipeline.core.sports`).
* Cycling power per kilogram of the athlete: the top row of the power profile table of Allen &
  Coggan [3]: men 25.18 W/kg for 5 s, 11.50 for 1 min, 7.60 for 5 min, 6.40 at functional
  threshold (FT, about what can be held for an hour); women 19.42, 9.29, 6.74, 5.69. A duration of
  1 h or more is held to the FT value, 5 min to 1 h to the 5-min value, 1 to 5 min to the 1-min
  value, shorter to the 5-s one (each the best value at the start of its range: generous within it).
* The slowest planned ride, a note and not a refusal: a finish time whose average is under walking
  pace (1.4 m/s; Bohannon 1997 [5]) is said to be mostly stops or walking, not riding.
* Cycling speed for 1 h or more: the UCI hour record, 56.792 km (F. Ganna, Grenchen, 8 October
  2022 [4]), on a track bike on a velodrome; no longer ride averages more. A planned speed also
  goes through the Martin et al. (1998) power it takes on a flat road
  (:func:`pipeline.physiology.intensity.cycling_power_from_speed_w`), which the power bound then
  limits at every duration.

Walking and hiking keep their plan bound of 14.4 km/h (already under the race-walking records),
swimming its 9 km/h (the 50 m record pace); other sports are planned from heart rate or METs and
have no speed or power bound here.

A softer line, not a refusal: a planned power above the athlete's configured FTP (``athlete.ftp_w``)
for more than an hour, since FTP is by its definition about the power held for one hour [3].

References
----------
.. [1] Riegel PS (1981). Athletic records and human endurance. American Scientist 69(3):285–290.
.. [2] World Athletics, world records (men): 1500 m 3:26.00 (El Guerrouj 1998), half marathon
       56:42 (Kiplimo 2025), marathon 2:00:35 (Kiptum 2023).
.. [3] Allen H, Coggan A (2010). Training and Racing with a Power Meter, 2nd ed. VeloPress,
       power profile table (maximal power outputs per kg, top of the "world class" band).
.. [4] UCI hour record: 56.792 km, Filippo Ganna, Tissot Velodrome, Grenchen, 8 Oct 2022.
.. [5] Bohannon RW (1997). Comfortable and maximum walking speed of adults aged 20–79 years. Age
       and Ageing 26(1):15–19.
"""
from __future__ import annotations

from typing import Literal

from pipeline.core.errors import InvalidValue
from pipeline.core.notes import ModelNote, travel_speed_m_per_s
from pipeline.core.sports import sport_profile
from pipeline.physiology.intensity import cycling_power_from_speed_w

RIEGEL_EXPONENT = 1.06
"""Riegel's fatigue exponent in ``T₂ = T₁·(D₂/D₁)^1.06`` [1]."""
RUNNING_RECORD_DISTANCE_M = 1500.0
RUNNING_RECORD_TIME_S = 3 * 60 + 26.00
"""The men's 1500 m world record, 3:26.00 (El Guerrouj 1998) [2]: the record the running bound is fitted to."""

HOUR = 3600.0
POWER_PROFILE_W_PER_KG: dict[str, tuple[tuple[float, float], ...]] = {
    # (shortest duration the value bounds [s], W/kg), longest first; Allen & Coggan [3], top row
    "male": ((HOUR, 6.40), (300.0, 7.60), (60.0, 11.50), (0.0, 25.18)),
    "female": ((HOUR, 5.69), (300.0, 6.74), (60.0, 9.29), (0.0, 19.42)),
}
"""The best power per kilogram held for a duration, men's and women's: functional threshold (≥ 1 h),
5 min, 1 min and 5 s (Allen & Coggan 2010 power profile table, top row) [3]."""
HOUR_RECORD_M = 56792.0
"""The UCI hour record [m]: 56.792 km (Ganna 2022) [4]."""

Sex = Literal["male", "female"]


def running_record_speed_m_per_s(duration_s: float) -> float:
    """The fastest speed [m/s] a runner has held for ``duration_s`` [s] (> 0): Riegel's equation [1]
    through the 1500 m world record [2], ``v = v₁·(T/T₁)^(1/1.06 − 1)``, and no more than the
    running plan bound (the 800 m record pace) below the 1500 m record's time."""
    v1 = RUNNING_RECORD_DISTANCE_M / RUNNING_RECORD_TIME_S
    riegel = v1 * (duration_s / RUNNING_RECORD_TIME_S) ** (1.0 / RIEGEL_EXPONENT - 1.0)
    return min(riegel, sport_profile("running").plan_speed_max_m_per_s)


def cycling_record_power_w_per_kg(duration_s: float, sex: str | None) -> float:
    """The best power per kilogram [W/kg] held for ``duration_s`` [s] (Allen & Coggan power profile
    [3]; :data:`POWER_PROFILE_W_PER_KG`), women's values for ``sex == "female"``, else men's."""
    rows = POWER_PROFILE_W_PER_KG["female" if sex == "female" else "male"]
    return next(w_per_kg for shortest_s, w_per_kg in rows if duration_s >= shortest_s)


def _hours(duration_s: float) -> str:
    """``4 h``, ``1 h 30 min``, ``36 min``, ``45 s``: a duration as a message says it."""
    minutes = round(duration_s / 60.0)
    if duration_s < 60.0:
        return f"{duration_s:.0f} s"
    if minutes < 60:
        return f"{minutes} min"
    h, m = divmod(minutes, 60)
    return f"{h} h" if m == 0 else f"{h} h {m:02d} min"


def check_power(power_w: float, duration_s: float, body_mass_kg: float, sex: str | None,
                field: str = "power_w", what: str = "") -> None:
    """Refuse a cycling power [W] above the best riders' power per kg for ``duration_s`` [s] times the
    athlete's ``body_mass_kg`` [kg]. ``what`` says where the power came from (" (what a finish in
    5 h takes)"), after the watts. Raises :class:`InvalidValue` (``field``)."""
    best = cycling_record_power_w_per_kg(duration_s, sex)
    if power_w <= best * body_mass_kg:
        return
    band = ("functional threshold" if duration_s >= HOUR else "5-min" if duration_s >= 300.0
            else "1-min" if duration_s >= 60.0 else "5-s")
    who = "women" if sex == "female" else "men"
    raise InvalidValue(field, f"{power_w:.0f} W{what} for {_hours(duration_s)} is {power_w / body_mass_kg:.2f} W/kg "
                              f"at {body_mass_kg:g} kg: above what the best riders hold ({who}'s world-class "
                              f"{band} power {best:.2f} W/kg, {best * body_mass_kg:.0f} W; Allen & Coggan 2010)")


def check_running_speed(speed_m_per_s: float, duration_s: float, field: str = "speed_kmh", what: str = "") -> None:
    """Refuse a running speed [m/s] above the world-record speed for ``duration_s`` [s]
    (:func:`running_record_speed_m_per_s`). Raises :class:`InvalidValue` (``field``)."""
    best = running_record_speed_m_per_s(duration_s)
    if speed_m_per_s <= best:
        return
    raise InvalidValue(field, ModelNote("{what}{speed:.1f} for {hours} is faster than the world records allow for that "
                                        "long ({best:.1f}: Riegel 1981 through the 1500 m world record)",
                                        what=what, speed=travel_speed_m_per_s(speed_m_per_s), hours=_hours(duration_s),
                                        best=travel_speed_m_per_s(best)))


def check_cycling_speed(speed_m_per_s: float, duration_s: float, body_mass_kg: float, sex: str | None,
                        field: str = "speed_kmh") -> None:
    """Refuse a planned average cycling speed [m/s]: above the hour record for 1 h or more, or taking
    more power on a flat road (Martin et al. 1998, calm air) than :func:`check_power` allows. A rider
    drafting in a group holds such a speed for less power: the message names --power and --hr, which
    do not depend on how the speed was helped.
    Raises :class:`InvalidValue` (``field``)."""
    record = HOUR_RECORD_M / HOUR
    if duration_s >= HOUR and speed_m_per_s > record:
        raise InvalidValue(field, ModelNote("{speed:.1f} for {hours} is faster than the hour record ({record:.1f}: "
                                            "Ganna 2022, on a track bike); no longer ride goes faster",
                                            speed=travel_speed_m_per_s(speed_m_per_s), hours=_hours(duration_s),
                                            record=travel_speed_m_per_s(record)))
    power_w = float(cycling_power_from_speed_w(speed_m_per_s, 0.0, body_mass_kg))
    check_power(power_w, duration_s, body_mass_kg, sex, field,
                what=f" (what {speed_m_per_s * 3.6:.1f} km/h takes alone on a flat road in calm air, Martin et al. "
                     "1998; in a group or with the wind behind, plan with --power or --hr)")


SLOWEST_RIDE_M_PER_S = sport_profile("walking").typical_speed_m_per_s
"""The slowest average a planned ride is taken as riding at [m/s]: a comfortable walking pace,
1.4 m/s (5 km/h; Bohannon 1997, as :mod:`pipeline.core.sports` keeps it). Slower than that a rider
mostly gets off and walks or stops (a bicycle is hard to balance at walking pace); such a finish
is planned all the same (an ultra with long stops, a bike pushed up a pass) but said."""


def slow_ride_note(speed_m_per_s: float, duration_s: float) -> ModelNote | None:
    """A note when a planned ride's average speed [m/s] over ``duration_s`` [s] is under
    :data:`SLOWEST_RIDE_M_PER_S`, else None."""
    if speed_m_per_s >= SLOWEST_RIDE_M_PER_S:
        return None
    return ModelNote("the finish time asks for {speed:.1f} on average over {hours}, slower than a comfortable walk "
                     "at {walk:.1f} as Bohannon 1997 measured it: nobody rides that slowly for a whole course, so the "
                     "plan is a steady crawl, not the stops and walking such a day holds; give the time you will be "
                     "moving for a truer plan", speed=travel_speed_m_per_s(speed_m_per_s), hours=_hours(duration_s),
                     walk=travel_speed_m_per_s(SLOWEST_RIDE_M_PER_S))


def check_planned_effort(sport: str, duration_s: float, *, power_w: float | None = None,
                         speed_m_per_s: float | None = None, body_mass_kg: float, sex: str | None,
                         what: str = "") -> None:
    """Refuse a planned ``power_w`` [W] or average ``speed_m_per_s`` held for ``duration_s`` [s] that
    no human has held that long (the module's bounds): cycling power and speed, running speed;
    other sports pass. Raises :class:`InvalidValue` (``power_w`` or ``speed_kmh``)."""
    profile = sport_profile(sport)
    if power_w is not None and profile.pedalled:
        check_power(power_w, duration_s, body_mass_kg, sex, what=what)
    if speed_m_per_s is not None:
        if profile.pedalled:
            check_cycling_speed(speed_m_per_s, duration_s, body_mass_kg, sex)
        elif profile.gait == "run":
            check_running_speed(speed_m_per_s, duration_s, what=what)


def above_ftp_line(power_w: float | None, duration_s: float, ftp_w: float | None) -> str | None:
    """One warning line when ``power_w`` [W] is above the athlete's ``ftp_w`` [W] for more than an
    hour (FTP is about the power held for one hour, Allen & Coggan 2010), else None."""
    if power_w is None or ftp_w is None or duration_s <= HOUR or power_w <= ftp_w:
        return None
    return (f"sweatline plan: warning: {power_w:.0f} W is above your FTP of {ftp_w:g} W for {_hours(duration_s)}: "
            "FTP is about what can be held for one hour; planned all the same")
