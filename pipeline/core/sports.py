"""Per-sport and per-device facts, each written once: which devices are bike computers and which
are watches (where a temperature sensor sits, and what a sport-less file recorded)."""
from __future__ import annotations

BIKE_COMPUTER_MARKERS = ("edge", "elemnt", "bolt", "roam", "karoo", "hammerhead", "rox", "dash", "navi2coach",
                         "o_synce", "bryton", "lezyne", "stages", "cateye", "igpsport", "xoss")
WATCH_MARKERS = ("fenix", "forerunner", "vivoactive", "venu", "instinct", "enduro", "epix", "descent", "coros",
                 "apex", "pace", "suunto", "polar", "vantage", "apple", "watch", "ambit", "spartan", "amazfit",
                 "tomtom", "runner")
"""Lower-case parts of a device's product name that mark a bike computer, and a watch."""
