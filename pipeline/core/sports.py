"""Per-sport and per-device facts, each written once: one :class:`SportProfile` per FIT sport name
(what the model, the checks, the plan, the advice and the report know of a sport), the sub-sports
(indoor ones, and their words in a report), which devices
are bike computers and which are watches (where a temperature sensor sits, and what a sport-less
file recorded).

Adding a sport is one entry in :data:`SPORTS`; every consumer asks :func:`sport_profile`, and a
name not listed gets :data:`GENERIC` under its own name (label: the name with spaces).

Sources of the figures
----------------------
.. [1] Ainsworth BE, Haskell WL, Herrmann SD, et al. (2011). 2011 Compendium of Physical Activities.
       Med Sci Sports Exerc 43(8):1575–1581 (METs; the code is in each sport's comment).
.. [2] Speed records (World Athletics, World Aquatics, World Rowing record lists): Bolt's 100 m
       peak 12.4 m/s (Berlin 2009, IAAF biomechanics report); 800 m 1:40.91 (Rudisha 2012), 7.9 m/s
       on average; race walking 50 km 3:32:33 (Diniz 2014), 3.9 m/s, and 20 km 1:16:36 (Suzuki
       2015), 4.35 m/s; 50 m freestyle 20.91 s (Cielo 2009), 2.4 m/s; men's eight 2,000 m 5:18.68
       (2017), 6.3 m/s.
.. [3] Bohannon RW (1997). Comfortable and maximum walking speed of adults aged 20–79 years. Age
       Ageing 26(1):15–19 (comfortable walking speed 1.3–1.5 m/s).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Literal

Gait = Literal["pedal", "run", "walk"]
"""How the intensity model turns speed or power into metabolic rate: ``pedal`` (a power meter,
else the Compendium's road-cycling speed bands; the pedal power is external work), ``run`` and
``walk`` (the ACSM running and walking equations from speed and grade; climbing is external work)."""
Medium = Literal["air", "on_water", "in_water"]
"""Where the sport is done: in air, on water (modelled in air, often wet: flagged), or immersed
(the body loses its heat to the water; no weather)."""
Mount = Literal["bike", "wrist"]
"""Where a device of unknown make carries its temperature sensor."""

MAX_ACTIVITY_S = 10 * 86400.0
"""Longest activity a file may claim and a report may state [s]: ten days of activity. The longest
single efforts recorded as one activity are multi-day ultras: the Tor des Géants (330 km) has a
150-h cut-off, and solo Race Across America winners ride about 8 days with short sleeps (RAAM
results). Longer timers or record spans are cut to it with a note; the model integrates no more
(:data:`pipeline.physiology.timeline.MAX_SPAN_S`)."""

GENERIC_MET = 6.0
"""METs of a sport the Compendium is not asked for: a moderate-to-vigorous activity (Ainsworth et
al. 2011: 6 METs and more is vigorous)."""
GENERIC_RECORD_SPEED_MAX_M_PER_S = 30.0
"""The fastest a speed record is believed in a sport without its own bound: fast road descents on
a bike reach about 30 m/s [2]; anything faster on a human's own power is a GPS jump."""
GENERIC_TYPICAL_SPEED_M_PER_S = 2.0
"""Air speed over a sport with no typical speed of its own and no speed in its file (our
assumption: between a walk and a run)."""


@dataclass(frozen=True)
class SportProfile:
    """Everything the code knows of one sport (a FIT ``sport`` name), each fact once.

    Speeds are m/s. Two speed bounds mean different things and are kept apart:
    ``record_speed_max_m_per_s`` is where the sport's speed model stops believing a record (a
    faster one is missing for the intensity and the air speed); ``session_speed_max_m_per_s`` is
    the fastest a human moves in the sport at all, a ceiling for a session's *average* above which
    the file's distance is corrupt (None: not bounded). A plan may ask for no more than both
    (:attr:`plan_speed_max_m_per_s`), so a planned session is always estimated from its speed.
    """

    name: str
    """The FIT sport name (``running``, ``cycling``, ...)."""
    label: str
    """How the report names a session of it ('run', 'e-bike ride', 'cross-country ski')."""
    noun: str = "session"
    """The short word advice sentences use ('after this run', 'a 2 h ride')."""
    met: float = GENERIC_MET
    """Compendium METs [1]: the intensity when the file has no usable signal."""
    plannable: bool = False
    """``sweatline plan --sport`` accepts it (a listed Compendium value stands behind the plan)."""
    gait: Gait | None = None
    """Which speed/power model the intensity uses (:data:`Gait`); None: heart rate, calories, METs."""
    record_speed_max_m_per_s: float = GENERIC_RECORD_SPEED_MAX_M_PER_S
    """The fastest a speed record of the sport is believed; faster records are missing."""
    session_speed_max_m_per_s: float | None = None
    """The fastest a human moves in the sport: a session average above it is a corrupt distance."""
    typical_speed_m_per_s: float = GENERIC_TYPICAL_SPEED_M_PER_S
    """Air speed assumed outdoors when the file has no speed at all."""
    medium: Medium = "air"
    """In air, on water or in water (:data:`Medium`)."""
    drinks_during: bool = True
    """Whether one can drink while doing it (not while swimming or diving: a leg in the water gets
    no drinking rate, however short)."""
    underwater: bool = False
    """Done under water (a dive): no drinking at all during, the advice says so."""
    transition: bool = False
    """A triathlon's change between legs: its heart rate is the previous leg's, so the Compendium
    value is used; too short to be a leg of its own in reports and advice."""
    sensor_mount: Mount = "wrist"
    """Where an unknown device's temperature sensor sits for this sport."""
    leg_title: str | None = None
    """The leg's name in a planned triathlon's text ('Swim', 'Bike', 'Run')."""
    indoors: bool = False
    """Done indoors whatever its sub-sport (a gym workout): no sun is assumed or modelled for it."""

    @property
    def plan_speed_max_m_per_s(self) -> float:
        """The fastest speed a plan of this sport may ask for: the lower of the two speed bounds."""
        ceiling = self.session_speed_max_m_per_s
        return self.record_speed_max_m_per_s if ceiling is None else min(self.record_speed_max_m_per_s, ceiling)

    @property
    def pedalled(self) -> bool:
        """A power meter's watts are the sport's intensity and its external work (cycling)."""
        return self.gait == "pedal"

    @property
    def on_foot(self) -> bool:
        """The ACSM foot equations give the intensity from speed and grade."""
        return self.gait in ("run", "walk")

    @property
    def in_water(self) -> bool:
        """Done immersed: the body loses its heat to the water, and the weather does not apply."""
        return self.medium == "in_water"


_FOOT_CEILING = 12.5
"""On foot the sport's label does not bind the gait (a walk recorded as a walk may hold a run), so
every foot sport shares the fastest human on foot, Bolt's 12.4 m/s peak [2]."""
_WALK_RECORD_MAX = 4.0
"""A walk's records up to a race walker's pace over the long distance (50 km record 3.9 m/s, 20 km
4.35 m/s [2]); faster records in a walk are a run or a GPS jump (and a plan of a walk stops there:
14.4 km/h)."""
_WATER_CEILING = 7.0
"""Boats on human power: the men's eight's 2,000 m record averages 6.3 m/s [2]."""
_BIKE_CEILING = 35.0
"""Fast road descents reach about 30 m/s [2]."""

_PROFILES = (
    SportProfile("running", "run", "run", met=8.0, plannable=True,  # 12150 running, general
                 gait="run", record_speed_max_m_per_s=8.0,  # 800 m record pace, 7.9 m/s [2]: the fastest sustained
                 session_speed_max_m_per_s=_FOOT_CEILING,
                 typical_speed_m_per_s=2.8, leg_title="Run"),  # a recreational 6 min/km (our assumption)
    SportProfile("trail_running", "trail running", session_speed_max_m_per_s=_FOOT_CEILING),
    SportProfile("walking", "walk", "walk", met=3.5, plannable=True,  # 17190 walking 2.8-3.2 mph, moderate pace
                 gait="walk", record_speed_max_m_per_s=_WALK_RECORD_MAX, session_speed_max_m_per_s=_FOOT_CEILING,
                 typical_speed_m_per_s=1.4),  # comfortable walking speed [3]
    SportProfile("hiking", "hike", "hike", met=6.0, plannable=True,  # 17080 hiking, cross country
                 gait="walk", record_speed_max_m_per_s=_WALK_RECORD_MAX, session_speed_max_m_per_s=_FOOT_CEILING,
                 typical_speed_m_per_s=1.2),  # a walk slowed by terrain and a pack (our assumption)
    SportProfile("cycling", "ride", "ride", met=7.5, plannable=True,  # 01015 bicycling, general
                 gait="pedal", session_speed_max_m_per_s=_BIKE_CEILING,
                 typical_speed_m_per_s=7.0,  # 25 km/h on a road bike (our assumption)
                 sensor_mount="bike", leg_title="Bike"),
    SportProfile("e_biking", "e-bike ride", "ride", session_speed_max_m_per_s=_BIKE_CEILING),
    SportProfile("mountain_biking", "mountain biking", "ride"),
    SportProfile("swimming", "swim", "swim", met=5.8, plannable=True,  # 18310 swimming laps, freestyle, light/moderate
                 session_speed_max_m_per_s=2.5,  # 50 m freestyle record, 2.4 m/s [2]
                 medium="in_water", drinks_during=False, leg_title="Swim"),
    SportProfile("diving", "dive", medium="in_water", drinks_during=False, underwater=True),
    SportProfile("snorkeling", "snorkeling", medium="in_water"),
    SportProfile("rowing", "row", "row", met=7.0, plannable=True,  # 15551-family: rowing, moderate effort
                 session_speed_max_m_per_s=_WATER_CEILING, medium="on_water"),
    SportProfile("paddling", "paddle", "paddle", session_speed_max_m_per_s=_WATER_CEILING, medium="on_water"),
    SportProfile("kayaking", "kayak", "paddle", session_speed_max_m_per_s=_WATER_CEILING, medium="on_water"),
    SportProfile("stand_up_paddleboarding", "stand-up paddle", "paddle", medium="on_water"),
    SportProfile("water_skiing", "water skiing", medium="on_water"),
    SportProfile("surfing", "surfing", medium="on_water"),
    SportProfile("cross_country_skiing", "cross-country ski", "ski", met=9.0,  # 19080 skiing, cross country, moderate
                 plannable=True),
    SportProfile("training", "workout", "workout", met=3.5,  # 02054 resistance training, multiple exercises, moderate
                 plannable=True, indoors=True),
    SportProfile("fitness_equipment", "workout", "workout", indoors=True),
    SportProfile("transition", "transition", met=3.5,  # walking with the bike between legs
                 transition=True),
    SportProfile("inline_skating", "inline skate", "skate"),
    SportProfile("mountaineering", "mountaineering", "climb"),
    SportProfile("snowshoeing", "snowshoe hike", "snowshoe hike"),
    SportProfile("tennis", "tennis", "match"),
    SportProfile("soccer", "soccer", "match"),
    SportProfile("basketball", "basketball", "game"),
    SportProfile("multisport", "multisport", "multisport session"),
    SportProfile("triathlon", "triathlon", "triathlon"),
    SportProfile("generic", "activity (sport not recorded)"),
)

SPORTS: Mapping[str, SportProfile] = MappingProxyType({p.name: p for p in _PROFILES})
"""Every sport the code knows, by FIT sport name."""
GENERIC: SportProfile = SPORTS["generic"]
"""The profile of a sport not listed (and of a file that recorded none): the generic METs, speed
bounds and air speed, a wrist-worn sensor, drinking allowed; named 'session' in advice."""
PLAN_SPORTS: tuple[str, ...] = tuple(sorted(p.name for p in _PROFILES if p.plannable))
"""The sports ``sweatline plan`` accepts, alphabetically."""
TRIATHLON_LEGS: tuple[str, ...] = ("swimming", "cycling", "running")
"""The legs of ``sweatline plan --sport triathlon --legs SWIM,BIKE,RUN``, in race order."""


def sport_profile(sport: str | None) -> SportProfile:
    """The profile of a FIT sport name; :data:`GENERIC` for None or an empty name, and for a name not
    listed the generic profile under that name (labelled with spaces for underscores)."""
    if not sport:
        return GENERIC
    known = SPORTS.get(sport)
    if known is not None:
        return known
    return replace(GENERIC, name=sport, label=sport.replace("_", " "))


SUB_SPORT_WORDS: Mapping[str, str] = MappingProxyType({
    "open_water": "open water", "lap_swimming": "pool", "trail": "trail", "treadmill": "treadmill",
    "track": "track", "street": "road", "road": "road", "mountain": "mountain bike", "gravel_cycling": "gravel",
    "indoor_cycling": "indoor", "indoor_running": "indoor", "spin": "spin", "virtual_activity": "virtual",
    "indoor_rowing": "indoor", "indoor_walking": "indoor", "cyclocross": "cyclocross", "downhill": "downhill",
    "recumbent": "recumbent", "e_bike_fitness": "e-bike", "e_bike_mountain": "e-mountain bike",
    "bmx": "BMX", "track_cycling": "track", "hand_cycling": "hand", "virtual_run": "virtual",
})
"""FIT ``sub_sport`` names as a person says them before the sport's label ('open water swim')."""
INDOOR_SUB_SPORTS = frozenset({
    "indoor_cycling", "treadmill", "virtual_activity", "indoor_running", "spin", "indoor_rowing",
    "indoor_walking", "indoor_skiing", "indoor_climbing", "indoor_wheelchair_walk", "indoor_wheelchair_run",
    "indoor_hand_cycling", "elliptical", "stair_climbing", "strength_training", "cardio_training",
})
"""FIT ``sub_sport`` names done indoors (a fan's air, no weather); any name holding 'indoor' or
'virtual' is indoor too (:func:`pipeline.physiology.environment.is_indoor`)."""

BIKE_COMPUTER_MARKERS = ("edge", "elemnt", "bolt", "roam", "karoo", "hammerhead", "rox", "dash", "navi2coach",
                         "o_synce", "bryton", "lezyne", "stages", "cateye", "igpsport", "xoss")
WATCH_MARKERS = ("fenix", "forerunner", "vivoactive", "venu", "instinct", "enduro", "epix", "descent", "coros",
                 "apex", "pace", "suunto", "polar", "vantage", "apple", "watch", "ambit", "spartan", "amazfit",
                 "tomtom", "runner")
"""Lower-case parts of a device's product name that mark a bike computer, and a watch."""
VIRTUAL_PLATFORM_MAKERS = frozenset({"zwift", "zwift_byte", "trainer_road", "the_sufferfest", "virtualtraining",
                                     "mywhoosh", "peloton", "bkool"})
"""FIT ``manufacturer`` names of virtual-training platforms (FIT profile, type ``manufacturer``): apps that
record indoor sessions on a trainer or treadmill; the positions they write are on a game map."""
