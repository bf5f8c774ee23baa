"""A planned course, segment by segment: what to drink, the sodium with it and the carbohydrate to
eat, where water can be had, bottles to start with and to fill on the way (pure functions).

Fluid. The session's plan (:func:`pipeline.advice.plan.make_plan`) gives the upper figure to drink
per hour, which over the whole session never exceeds the central loss. That volume is spread over
the segments in proportion to each one's sweat, so a hot climb gets more than a cool descent, and
the cumulative drink is rounded *down* (10 mL) at every segment: at no point of the course has the
plan asked for more than the estimate says was lost by then.

Sodium. With each drink the sodium its volume of sweat carried away (the sweat block's own
concentration: Baker et al. 2016's whole-body mean for the athlete's sex, or their measured value),
so the drink replaces sweat as salty as it was lost; ACSM (Sawka et al. 2007) recommends 20–30
mmol/L sodium in drinks for long sessions, which the usual sweat concentrations (20–80 mmol/L) meet
or exceed.

Carbohydrate, by the session's duration:

.. [Thomas2016] Thomas DT, Erdman KA, Burke LM (2016). American College of Sports Medicine Joint
   Position Statement. Nutrition and Athletic Performance. Med Sci Sports Exerc 48(3):543–568,
   Table "Summary of sports nutrition guidelines": during 45–75 min of sustained high-intensity
   exercise small amounts including mouth rinse; 1–2.5 h of endurance exercise 30–60 g/h;
   ultra-endurance beyond 2.5–3 h up to 90 g/h.
.. [Jeukendrup2014] Jeukendrup A (2014). A step towards personalized sports nutrition:
   carbohydrate intake during exercise. Sports Med 44 Suppl 1:S25–S33: one carbohydrate
   (glucose, using the SGLT1 transporter) is oxidised at up to about 60 g/h; multiple
   transportable carbohydrates (glucose + fructose) at up to 90 g/h, for sessions over 2.5 h.

The plan takes the upper figure of the band (60 g/h from 1 h, 90 g/h from 2.5 h; none under
1 h, where mouth rinsing is the advice), never more than the whole energy the session spends
counted as carbohydrate at 4 kcal/g (Atwater's factor, 16.7 kJ/g): a slow walk spends less.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.core.schema import PlanBlock, Refill, TimelineEntry
from pipeline.core.units import METRIC_READER, Reader

CARBOHYDRATE_NONE_BELOW_H = 1.0
"""Under 1 h no carbohydrate is planned (Thomas et al. 2016: small amounts or a mouth rinse at 45–75 min)."""
CARBOHYDRATE_SINGLE_G_PER_H = 60.0
"""1–2.5 h: up to 60 g/h (Thomas et al. 2016's 30–60 g/h; Jeukendrup 2014's ceiling for one carbohydrate)."""
CARBOHYDRATE_MULTIPLE_FROM_H = 2.5
CARBOHYDRATE_MULTIPLE_G_PER_H = 90.0
"""From 2.5 h: up to 90 g/h of multiple transportable carbohydrates (Thomas et al. 2016; Jeukendrup 2014)."""
CARBOHYDRATE_KJ_PER_G = 16.7
"""Atwater's 4 kcal per gram of carbohydrate."""
CARRIED_BOTTLES = 2
"""Bottles one carries: two cages on a bike, two flasks in a running vest (our figure, as the plan's bottles)."""
DRINK_STEP_ML = 10.0
"""Drinks are rounded down to 10 mL (cumulatively)."""
DRINK_EVERY_S = 15 * 60.0
"""A drink cue at least every 15 min, at a segment's end: 15–20 min apart (ACSM, Sawka et al. 2007:
drinking every 15–20 min during exercise)."""
FINISH_QUIET_S = 10 * 60.0
"""No cue in the last 10 min nor on the finish line (our figure: a drink then is of no use during the
race, and the finish area and the plan's drink after take over)."""


@dataclass(frozen=True)
class Segment:
    """What the model gives for one segment: start and end (time [s], distance [m]), its grade
    (fraction), speed [m/s], air [°C, %] and the sweat lost over it [L]."""

    start_s: float
    end_s: float
    start_m: float
    end_m: float
    grade: float
    speed_m_per_s: float
    temperature_c: float
    humidity_pct: float
    sweat_l: float


def carbohydrate_g_per_h(duration_h: float, mean_metabolic_w: float | None = None) -> float:
    """Carbohydrate to take per hour [g/h] for a session of ``duration_h`` [h] (the module's sources),
    at most ``mean_metabolic_w`` [W] counted as carbohydrate (:data:`CARBOHYDRATE_KJ_PER_G`).
    Raises ValueError for a negative or non-finite duration."""
    if not (math.isfinite(duration_h) and duration_h >= 0):
        raise ValueError(f"duration_h must be finite and not negative, got {duration_h!r}")
    if duration_h < CARBOHYDRATE_NONE_BELOW_H:
        rate = 0.0
    elif duration_h < CARBOHYDRATE_MULTIPLE_FROM_H:
        rate = CARBOHYDRATE_SINGLE_G_PER_H
    else:
        rate = CARBOHYDRATE_MULTIPLE_G_PER_H
    if mean_metabolic_w is not None and mean_metabolic_w > 0:
        rate = min(rate, mean_metabolic_w * 3.6 / CARBOHYDRATE_KJ_PER_G)  # W -> kJ/h -> g/h
    return float(math.floor(rate))


def timeline(segments: Sequence[Segment], drink_total_ml: float, sodium_mg_per_l: float,
             carbohydrate_rate_g_per_h: float, water_m: Sequence[float]) -> list[TimelineEntry]:
    """One :class:`TimelineEntry` a segment: ``drink_total_ml`` [mL] (the session's upper figure × its
    hours) spread in proportion to the segments' sweat, at most the sweat lost in all, cumulatively
    rounded down to :data:`DRINK_STEP_ML`; sodium at ``sodium_mg_per_l`` [mg/L] of drink; carbohydrate
    at ``carbohydrate_rate_g_per_h`` over each segment's time (one decimal); ``water`` where a point of
    ``water_m`` [m from the start] lies in the segment (the end of the last one included)."""
    sweat_total_ml = sum(max(s.sweat_l, 0.0) for s in segments) * 1000.0
    share = min(max(drink_total_ml, 0.0), sweat_total_ml) / sweat_total_ml if sweat_total_ml > 0 else 0.0
    out: list[TimelineEntry] = []
    cumulative_sweat = 0.0
    drunk = 0.0
    for k, seg in enumerate(segments):
        sweat_ml = max(seg.sweat_l, 0.0) * 1000.0
        cumulative_sweat += sweat_ml
        target = math.floor(share * cumulative_sweat / DRINK_STEP_ML + 1e-9) * DRINK_STEP_ML
        drink = max(target - drunk, 0.0)
        drunk += drink
        last = k == len(segments) - 1
        water = any(seg.start_m <= w < seg.end_m or (last and w <= seg.end_m + 1.0) and w >= seg.start_m
                    for w in water_m)
        out.append(TimelineEntry(
            elapsed_s=round(seg.start_s, 1), distance_m=round(seg.start_m, 1), length_m=round(seg.end_m - seg.start_m, 1),
            duration_s=round(seg.end_s - seg.start_s, 1), grade_pct=round(seg.grade * 100.0, 2),
            speed_m_per_s=round(seg.speed_m_per_s, 3), temperature_c=round(seg.temperature_c, 2),
            humidity_pct=round(seg.humidity_pct, 1), sweat_ml=round(sweat_ml, 1), drink_ml=drink,
            sodium_mg=round(drink / 1000.0 * sodium_mg_per_l, 1),
            carbohydrate_g=round(carbohydrate_rate_g_per_h * (seg.end_s - seg.start_s) / 3600.0, 1),
            water=water))
    return out


def bottles(entries: Sequence[TimelineEntry], water_m: Sequence[float], bottle_ml: float) -> tuple[int, list[Refill]]:
    """Bottles of ``bottle_ml`` [mL] carried at once, and what to fill at each point of ``water_m``
    [m from the start]. The course is cut at its water points into stretches; each stretch's drinking
    is what must be carried over it. One starts with the bottles the thirstiest stretch needs
    (``ceil(volume / bottle_ml)``, the most carried at once), so a water point lowers what is carried
    and never adds a bottle; at each point one fills only the drinking up to the next point or the
    finish (``Refill.drink_ml``, in ``Refill.bottles`` bottles). A point with nothing to drink after
    it is left out."""
    points = sorted({float(w) for w in water_m if w > 0})

    def drink_between(lo: float, hi: float) -> float:
        return sum(e.drink_ml for e in entries if lo <= e.distance_m < hi)

    edges = [0.0, *points, math.inf]
    start = drink_between(edges[0], edges[1])
    refills = []
    for here, after in zip(edges[1:-1], edges[2:]):
        volume = drink_between(here, after)
        if volume > 0:
            refills.append(Refill(distance_m=here, bottles=math.ceil(volume / bottle_ml), drink_ml=volume))
    carried = max([math.ceil(start / bottle_ml), *(r.bottles for r in refills)])
    return carried, refills


def fill_words(volume_ml: float, bottle_ml: float, r: Reader = METRIC_READER) -> str:
    """How much to fill at a water point: the volume in the reader's units and the share of a
    ``bottle_ml`` [mL] bottle it is, rounded up to a quarter ("210 mL, a third of a bottle" is
    said "up to half a bottle"), or the bottles it fills beyond one."""
    share = volume_ml / bottle_ml if bottle_ml > 0 else 0.0
    if share > 1.0 + 1e-9:
        whole = math.ceil(share - 1e-9)
        return f"{r.volume_ml(volume_ml)} ({whole} bottles)"
    quarters = max(1, math.ceil(share * 4.0 - 1e-9))
    part = {1: "up to a quarter of a bottle", 2: "up to half a bottle", 3: "up to three quarters of a bottle",
            4: "a full bottle"}[quarters]
    return f"{r.volume_ml(volume_ml)} ({part})"


@dataclass(frozen=True)
class Stop:
    """A planned drink and feed for the watch: where [m], when [s], how much [mL, g]."""

    distance_m: float
    elapsed_s: float
    drink_ml: float
    carbohydrate_g: float


def stops(entries: Sequence[TimelineEntry], every_s: float = DRINK_EVERY_S,
          quiet_s: float = FINISH_QUIET_S) -> list[Stop]:
    """The timeline gathered into drink-and-feed cues for the watch: one at the end of the first
    segment that completes ``every_s`` [s] since the last cue (segments of about 5 min or 2 km: the
    cues fall 15–20 min apart, ACSM, Sawka et al. 2007: drink every 15–20 min), each with the drink
    and carbohydrate the timeline planned since the last one, so a cue is sized to the planned rate.

    None falls within ``quiet_s`` [s] of the finish, nor on the finish line: what the timeline plans
    after the last cue (at most ``every_s`` + ``quiet_s`` and a segment) is left to the finish area
    and the plan's drink after. The cues never ask for more than the timeline, whose drinking never
    runs ahead of the sweat."""
    out: list[Stop] = []
    if not entries:
        return out
    finish_s = entries[-1].elapsed_s + entries[-1].duration_s
    drink = carbs = since = 0.0
    for e in entries:
        drink += e.drink_ml
        carbs += e.carbohydrate_g
        since += e.duration_s
        end_s = e.elapsed_s + e.duration_s
        if since < every_s - 1e-6:
            continue
        if finish_s - end_s < quiet_s - 1e-6:
            break
        if drink > 0 or carbs > 0:
            out.append(Stop(e.distance_m + e.length_m, end_s, drink, round(carbs, 1)))
        drink = carbs = since = 0.0
    return out


def course_text(plan: PlanBlock, bottle_ml: float, r: Reader = METRIC_READER) -> str:
    """The course's own words beside the session's drinking advice: bottles at the start, refills,
    drinks every 15–20 min (ACSM, Sawka et al. 2007), the sodium with them and the carbohydrate per
    hour (the module's sources), in the reader's units ``r``. ``plan`` must carry its ``timeline``."""
    entries = plan.timeline or []
    drink = sum(e.drink_ml for e in entries)
    sodium = sum(e.sodium_mg for e in entries)
    parts = [f"On this course: about {r.volume_ml(drink)} in all, more on the climbs and in the heat than on the descents "
             f"(segment by segment in the plan), in sips every 15–20 minutes; never more than you are expected to lose."]
    bottles_ = plan.start_bottles or 0
    if bottles_:
        parts.append(f"Start with {bottles_} bottle{'s' if bottles_ != 1 else ''} of {r.volume_ml(bottle_ml)}"
                     + (", the most you carry at once." if plan.refills else "."))
    if bottles_ > CARRIED_BOTTLES:
        parts.append(f"That is more than the {CARRIED_BOTTLES} bottles a bike's cages or a running vest hold: plan "
                     "where to fill up on the way (aid stations, fountains, shops) and give them to the plan.")
    for refill in plan.refills or []:
        parts.append(f"At {r.distance(refill.distance_m)} fill {fill_words(refill.drink_ml, bottle_ml, r)}, "
                     "to drink until the next water.")
    if sodium >= 1:
        parts.append(f"With that drink about {sodium:,.0f} mg of sodium in all, as salty as your sweat (a sports drink "
                     "or salt tablets).")
    carbs = plan.carbohydrate_g_per_h or 0.0
    if carbs > CARBOHYDRATE_SINGLE_G_PER_H:
        parts.append(f"Carbohydrate: about {carbs:.0f} g per hour; above 60 g per hour only as a glucose and fructose mix "
                     "(multiple transportable carbohydrates, Jeukendrup 2014), practised in training first.")
    elif carbs > 0:
        parts.append(f"Carbohydrate: about {carbs:.0f} g per hour (Thomas et al. 2016).")
    else:
        parts.append("Under an hour no carbohydrate is needed during; a sports drink rinsed in the mouth can help "
                     "(Thomas et al. 2016).")
    return " ".join(parts)
