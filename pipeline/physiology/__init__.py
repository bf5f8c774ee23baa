"""Physiology: from records, athlete and weather to metabolic rate, heat balance and sweat.

Modules: :mod:`.athlete` (who), :mod:`.intensity` (metabolic rate per record), :mod:`.environment`
(air temperature, humidity, air speed), :mod:`.heat_balance` (E_req, E_max), :mod:`.sweat`
(prediction equations, bounds, range, electrolytes), :mod:`.estimate` (time grid and integration),
:mod:`.planned` (sessions that have not happened yet), :mod:`.calibration` (weigh-ins).
All pure: no disk, no Prefect.
"""
