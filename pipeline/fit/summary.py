"""An :class:`~pipeline.fit.models.Activity` from one pass of messages: legs, device, profile, summary.

Session messages are authoritative: one :class:`~pipeline.fit.models.Leg` per ``session``, the
activity's totals summed over legs and its averages time-weighted by timer time. A file without
a session message is summarised from its records and timer events instead
(``summary_source = "records"``).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from pipeline.core.errors import RejectedFile
from pipeline.core.schema import ActivityBlock
from pipeline.core.sports import MAX_ACTIVITY_S
from pipeline.fit import consistency
from pipeline.fit.checks import blank_absent_sensors, check_leg, record_totals
from pipeline.fit.clock import Clock, near_records, timer_events, timer_seconds
from pipeline.fit.identity import activity_key
from pipeline.fit.messages import Messages, fit_name, fit_number, fit_text
from pipeline.fit.models import Activity, Leg, UserProfile
from pipeline.fit.records import build_records


def _weighted(values: list[tuple[float | None, float | None]]) -> float | None:
    """Time-weighted mean of per-leg averages (weight = timer time), over legs that have a value."""
    pairs = [(v, w) for v, w in values if v is not None]
    if not pairs:
        return None
    if len(pairs) == 1:
        return pairs[0][0]
    weights = [w if w is not None and w > 0 else 0.0 for _, w in pairs]
    if sum(weights) <= 0:
        return sum(v for v, _ in pairs) / len(pairs)
    return sum(v * w for (v, _), w in zip(pairs, weights)) / sum(weights)


def _sum(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def build_legs(msgs: Messages, clock: Clock) -> tuple[list[Leg], float | None]:
    """One :class:`Leg` per session (file order), with field 178 de-accumulated.

    Garmin writes session field 178 (estimated sweat loss, mL) as a running total across the
    sessions of a multisport activity (each leg's value includes the previous legs'). When the
    values never decrease they are treated as cumulative: a leg's own loss is the difference to
    the previous leg's, and the activity's is the last value. A device whose values do decrease
    is writing per-leg figures; those are kept as they are and summed.
    """
    raw = [fit_number(s.get("_sweat_loss_raw")) for s in msgs.sessions]
    present = [v for v in raw if v is not None]
    cumulative = len(present) > 1 and all(b >= a for a, b in zip(present, present[1:]))
    per_leg: list[float | None] = []
    previous = 0.0
    for value in raw:
        if value is None:
            per_leg.append(None)
        elif cumulative:
            per_leg.append(value - previous)
            previous = value
        else:
            per_leg.append(value)
    total = present[-1] if cumulative else _sum(present)
    # a session without a sport field: the file's sport message says what it is, else "generic"
    fallback = msgs.sports[0] if msgs.sports else {}
    legs = []
    for index, (session, sweat) in enumerate(zip(msgs.sessions, per_leg)):
        own = session.get("sport") is not None
        source = session if own else fallback
        legs.append(Leg(
            index=index,
            sport=sport_name(source.get("sport"), msgs) or "generic",
            sub_sport=fit_name(source.get("sub_sport")) if own or len(msgs.sessions) == 1 else None,
            start_time=clock.datetime(session.get("start_time")),
            end_time=clock.datetime(session.get("timestamp")),
            elapsed_s=fit_number(session.get("total_elapsed_time")),
            timer_s=fit_number(session.get("total_timer_time")),
            distance_m=fit_number(session.get("total_distance")),
            avg_heart_rate=fit_number(session.get("avg_heart_rate")),
            avg_power=fit_number(session.get("avg_power")),
            calories_kcal=fit_number(session.get("total_calories")),
            device_sweat_loss_ml=sweat,
        ))
    return legs, total


def sport_name(value: Any, msgs: Messages) -> str | None:
    """The sport as the FIT profile names it; a number the profile does not name (Garmin's
    Stopwatch writes sport 52) is called by the name the file's own ``sport`` message gives that
    number (field ``name``, untrusted text: reports escape it), else "sport 52". The model treats
    a sport it does not know as a generic activity."""
    name = fit_name(value)
    if name is None or not name.isdigit():
        return name
    for sport in msgs.sports:
        own = fit_text(sport.get("name"))
        if own is not None and fit_name(sport.get("sport")) == name:
            return own
    return f"sport {name}"


def device_names(msgs: Messages) -> tuple[str | None, str | None, str | None]:
    """(manufacturer, product, device) from ``file_id`` and the creator's ``device_info``."""
    fid = msgs.file_id or {}
    maker = fit_name(fid.get("manufacturer"))
    product = fit_name(fid.get("product"))
    product_name = fit_text(fid.get("product_name"))
    if product_name is None:
        for info in msgs.device_info:
            index = info.get("device_index")
            if index in ("creator", 0, None) and fit_text(info.get("product_name")) is not None:
                product_name = fit_text(info.get("product_name"))
                break
    model = product_name or product
    device = " ".join(part for part in (maker, model) if part) or None
    return maker, product, device


def build_profile(msgs: Messages) -> UserProfile:
    """The wearer as the file describes them (FIT ``user_profile``, ``zones_target``, ``hr_zone``)."""
    up = msgs.user_profile[0] if msgs.user_profile else {}
    zt = msgs.zones_target[0] if msgs.zones_target else {}
    height_m = fit_number(up.get("height"))
    sex = up.get("gender")
    zones = sorted(v for v in (fit_number(z.get("high_bpm")) for z in msgs.hr_zones) if v is not None and v > 0)

    def positive(value: Any) -> float | None:
        number = fit_number(value)
        return number if number is not None and number > 0 else None

    return UserProfile(
        body_mass_kg=positive(up.get("weight")),
        height_cm=positive(height_m * 100.0) if height_m is not None else None,
        age=positive(up.get("age")),
        sex=sex if sex in ("male", "female") else None,
        hr_rest_bpm=positive(up.get("resting_heart_rate")),
        hr_max_bpm=positive(zt.get("max_heart_rate")) or positive(up.get("default_max_heart_rate")),
        ftp_w=positive(zt.get("functional_threshold_power")),
        hr_zone_high_bpm=zones,
    )


MAX_SESSIONS = 100
"""Sessions (legs) one activity may hold. A multisport race has a handful, a swimrun about 50;
each leg is modelled on its own (about 0.1 s each), so 20,000 sessions in a 465 kB file took
over 5 minutes. More than this is a damaged or crafted file, refused with one line."""


def distinct_sessions(sessions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``sessions`` without exact repeats (the same session message written twice), in file order."""
    seen: set[str] = set()
    out = []
    for session in sessions:
        key = repr(sorted(session.items(), key=lambda item: item[0]))
        if key not in seen:
            seen.add(key)
            out.append(session)
    return out


def _within_longest_activity(summary: ActivityBlock, legs: list[Leg],
                             warn: list[str]) -> tuple[ActivityBlock, list[Leg]]:
    """The activity's and each leg's elapsed and timer time held to
    :data:`~pipeline.core.sports.MAX_ACTIVITY_S` (ten days), with one note: a summary made from the
    records' span (no session) on a clock that jumped, or a multisport sum of legs each checked
    alone (:mod:`.checks`), must not state a duration no activity has."""
    def held(block: Any, where: str) -> dict[str, float]:
        update = {}
        for name, words in (("elapsed_s", "elapsed time"), ("timer_s", "timer time")):
            value = getattr(block, name)
            if isinstance(value, (int, float)) and value > MAX_ACTIVITY_S:
                warn.append(f"{where}: {words} of {value / 3600.0:,.0f} h is longer than ten days, the longest one "
                            "activity runs (multi-day ultras): cut to 240 h")
                update[name] = MAX_ACTIVITY_S
        return update

    legs = [leg.model_copy(update=u) if (u := held(leg, f"leg {leg.index + 1}")) else leg for leg in legs]
    update = held(summary, "the activity")
    return (summary.model_copy(update=update) if update else summary), legs


def build_activity(msgs: Messages, clock: Clock, *, source: str, activity_id: str,
                   salvaged: bool, warn: list[str]) -> Activity:
    """Summary, legs, profile and records from one pass of messages.

    Raises :class:`RejectedFile` (kind ``decode``) when the file holds more than
    :data:`MAX_SESSIONS` distinct sessions."""
    msgs.sessions = distinct_sessions(msgs.sessions)
    if len(msgs.sessions) > MAX_SESSIONS:
        raise RejectedFile(source, f"holds {len(msgs.sessions)} sessions, more than the {MAX_SESSIONS} an activity "
                           "can have (a damaged or crafted file): refused", "decode")
    legs, sweat_total = build_legs(msgs, clock)
    written_legs = legs  # the sessions as the file writes them: part of its identity (pipeline.fit.identity)
    records, origin = build_records(msgs, clock, legs, warn)
    records, blanked = blank_absent_sensors(records, warn)
    origin_before = origin
    records, origin, legs = consistency.set_aside_stale_blocks(records, origin, legs, warn)
    lead_set_aside_s = (origin - origin_before) if origin is not None and origin_before is not None else 0.0
    distance_before = _last_distance(records)
    records = consistency.speed_against_distance(records, warn, _speed_ceiling(legs))
    legs = _session_distance_follows(legs, distance_before, _last_distance(records), warn)
    power_missing = int(records["power_w"].isna().sum())
    records = consistency.power_against_motion(records, warn)
    records, _ = consistency.power_spikes(records, warn)
    power_set_aside = int(records["power_w"].isna().sum()) > power_missing
    hr_missing = int(records["heart_rate_bpm"].isna().sum())
    records = consistency.heart_rate_spikes(records, warn)
    hr_set_aside = int(records["heart_rate_bpm"].isna().sum()) > hr_missing
    from_records: list[str] = []
    if legs:
        legs, from_records = _checked_legs(legs, records, _timer_events_elapsed(msgs, clock, origin, warn, lead_set_aside_s), blanked, warn)
    maker, product, device = device_names(msgs)
    common: dict[str, Any] = dict(id=activity_id, source=source, device=device, manufacturer=maker, product=product,
                  salvaged=salvaged)
    if legs:
        multisport = len(legs) > 1
        timer = [leg.timer_s for leg in legs]
        summary = ActivityBlock(
            sport="multisport" if multisport else legs[0].sport,
            sub_sport=None if multisport else legs[0].sub_sport,
            start_time=min((leg.start_time for leg in legs if leg.start_time is not None), default=None),
            elapsed_s=_sum([leg.elapsed_s for leg in legs]),
            timer_s=_sum(timer),
            distance_m=_sum([leg.distance_m for leg in legs]),
            avg_heart_rate=_weighted([(leg.avg_heart_rate, leg.timer_s) for leg in legs]),
            avg_power=_weighted([(leg.avg_power, leg.timer_s) for leg in legs]),
            calories_kcal=_sum([leg.calories_kcal for leg in legs]),
            summary_source="session",
            **common,
        )
        if hr_set_aside:
            single = len(legs) == 1
            legs = [leg.model_copy(update={"avg_heart_rate": consistency.heart_rate_average(
                leg, records if single else records[records["leg"] == leg.index],
                "the session" if single else f"session {leg.index + 1}", warn)}) for leg in legs]
            summary = summary.model_copy(update={"avg_heart_rate": _weighted(
                [(leg.avg_heart_rate, leg.timer_s) for leg in legs])})
        summary = _fill_averages_from_records(summary, records, from_records)
        if power_set_aside:
            used = _power_averages(legs, records, warn)
            summary = summary.model_copy(update={"avg_power_used": _weighted(list(zip(used, [leg.timer_s for leg in legs])))})
        summary = summary.model_copy(update={"summary_fields_from_records": list(dict.fromkeys(from_records))})
    else:
        summary = _summary_from_records(msgs, clock, records, origin, common, warn, lead_set_aside_s)
        legs = [Leg(index=0, sport=summary.sport, sub_sport=summary.sub_sport, start_time=summary.start_time,
                    elapsed_s=summary.elapsed_s, timer_s=summary.timer_s, distance_m=summary.distance_m,
                    avg_heart_rate=summary.avg_heart_rate, avg_power=summary.avg_power,
                    calories_kcal=summary.calories_kcal)]
    summary, legs = _within_longest_activity(summary, legs, warn)
    summary, legs, records = _sport_against_records(summary, legs, records, warn)
    summary, legs = _virtual(summary, legs, maker, records, warn)
    consistency.file_notes(summary.start_time, len(records), bool(msgs.sessions), warn)
    if clock.saw_unanchored_relative:
        warn.append("the device clock was not set: times are seconds since power-on and the file has no "
                    "timestamp_correlation to anchor them, so the start date is unknown")
    summary = summary.model_copy(update={"warnings": list(dict.fromkeys(warn)),
                                         "utc_offset_s": utc_offset_s(msgs, clock)})
    return Activity(summary=summary, legs=legs, profile=build_profile(msgs),
                    device_sweat_loss_ml=sweat_total, records=records,
                    activity_key=activity_key(msgs.file_id, records, written_legs or legs))


def _speed_ceiling(legs: list[Leg]) -> float | None:
    """The fastest a session of the activity's sports can go [m/s] (the highest of its legs'
    :attr:`pipeline.core.sports.SportProfile.session_speed_max_m_per_s`), None when a leg's sport has
    none or there are no legs (nothing to judge a speed by)."""
    from pipeline.core.sports import sport_profile

    ceilings = [sport_profile(leg.sport).session_speed_max_m_per_s for leg in legs]
    if not ceilings or any(c is None for c in ceilings):
        return None
    return max(c for c in ceilings if c is not None)


def _last_distance(records: pd.DataFrame) -> float | None:
    values = records["distance_m"].dropna() if len(records) else records["distance_m"]
    return float(values.iloc[-1]) if len(values) else None


SESSION_DISTANCE_MATCH_SHARE = 0.02
"""A session's total distance within this share (or 50 m) of the records' last distance is the same
figure (devices write the total from the same counter; rounding and a last second differ)."""


def _session_distance_follows(legs: list[Leg], before: float | None, after: float | None,
                              warn: list[str]) -> list[Leg]:
    """A single session's total distance that was made of the records' distance which
    :func:`pipeline.fit.consistency.speed_against_distance` rebuilt from the speed, set to the rebuilt
    total with a note (so the headline and every note speak of one distance). Multisport legs and a
    total the session computed otherwise are left to the session-against-records check."""
    if len(legs) != 1 or before is None or after is None or abs(after - before) < 1.0:
        return legs
    leg = legs[0]
    if leg.distance_m is None or abs(leg.distance_m - before) > max(SESSION_DISTANCE_MATCH_SHARE * before, 50.0):
        return legs
    warn.append(f"the session: distance {leg.distance_m / 1000:.1f} km is the set-aside distance's total; "
                f"{after / 1000:.1f} km from the speed is the figure shown and used")
    return [leg.model_copy(update={"distance_m": after})]


NO_SPORT_NOTE = "; no sport in the file (shown as 'activity (sport not recorded)')"


def _sport_against_records(summary: ActivityBlock, legs: list[Leg], records: pd.DataFrame,
                           warn: list[str]) -> tuple[ActivityBlock, list[Leg], pd.DataFrame]:
    """A single-sport activity's label checked against its records' speed
    (:func:`pipeline.fit.consistency.sport_against_records`): taken as a ride, or its speed set aside."""
    if len(legs) > 1:
        return summary, legs, records
    sport, sub_sport, records = consistency.sport_against_records(summary.sport, summary.sub_sport, records, warn)
    if (sport, sub_sport) == (summary.sport, summary.sub_sport):
        return summary, legs, records
    update = {"sport": sport, "sub_sport": sub_sport}
    return summary.model_copy(update=update), [leg.model_copy(update=update) for leg in legs], records


def _virtual(summary: ActivityBlock, legs: list[Leg], maker: str | None, records: pd.DataFrame,
             warn: list[str]) -> tuple[ActivityBlock, list[Leg]]:
    """A single-sport activity recorded by a virtual-training platform taken as virtual (and as a ride
    when it names no sport but records power): :func:`pipeline.fit.consistency.virtual_platform`."""
    if len(legs) > 1:
        return summary, legs
    sport, sub_sport = consistency.virtual_platform(summary.sport, summary.sub_sport, maker, records, warn)
    if (sport, sub_sport) == (summary.sport, summary.sub_sport):
        return summary, legs
    if sport != summary.sport:  # the note that no sport was recorded is no longer what is shown
        warn[:] = [w.replace(NO_SPORT_NOTE, "; no sport in the file") for w in warn]
    update = {"sport": sport, "sub_sport": sub_sport}
    return summary.model_copy(update=update), [leg.model_copy(update=update) for leg in legs]


def _power_averages(legs: list[Leg], records: pd.DataFrame, warn: list[str]) -> list[float | None]:
    """Each leg's records' average power when readings were set aside
    (:func:`pipeline.fit.consistency.average_without_set_aside`): the figure shown is the model's."""
    single = len(legs) == 1
    out = []
    for leg in legs:
        own = records if single else records[records["leg"] == leg.index]
        where = "the session" if single else f"session {leg.index + 1}"
        out.append(consistency.average_without_set_aside(leg, own, where, warn))
    return out


def _is_bike_computer(device: str | None) -> bool:
    """A device known to be a bike computer (Edge, ELEMNT, Karoo, ...: the markers of
    :data:`pipeline.core.sports.BIKE_COMPUTER_MARKERS`): what it records is a ride."""
    from pipeline.core.sports import BIKE_COMPUTER_MARKERS  # the one list of bike computers

    name = (device or "").lower()
    return any(marker in name for marker in BIKE_COMPUTER_MARKERS)


MAX_UTC_OFFSET_S = 14 * 3600
"""Time zones run from UTC−12 to UTC+14 (IANA tz database: Pacific/Kiritimati is +14, Etc/GMT+12 −12)."""
UTC_OFFSET_STEP_S = 15 * 60
"""Every zone's offset is a whole number of quarter hours (IANA tz database: Asia/Kathmandu +5:45 is the finest)."""


def utc_offset_s(msgs: Messages, clock: Clock) -> int | None:
    """The athlete's local time minus UTC [s], from the ``activity`` message: ``local_timestamp``
    (FIT ``local_date_time``: seconds since the FIT epoch in local time) minus its ``timestamp``
    (FIT profile, message ``activity``). Rounded to the quarter hour (the two are written a moment
    apart by some devices); None when absent, relative, or outside UTC−12..UTC+14."""
    for message in msgs.activity:
        local, stamp = fit_number(message.get("local_timestamp")), clock.seconds(message.get("timestamp"))
        if local is None or stamp is None or local < 0x10000000:
            continue
        offset = round((local - stamp) / UTC_OFFSET_STEP_S) * UTC_OFFSET_STEP_S
        if -12 * 3600 <= offset <= MAX_UTC_OFFSET_S:
            return int(offset)
    return None


def _active_mean(records: pd.DataFrame, column: str) -> float | None:
    values = records.loc[records["timer_active"], column] if len(records) else records[column]
    values = values.dropna()
    return float(values.mean()) if len(values) else None


def _fill_averages_from_records(summary: ActivityBlock, records: pd.DataFrame, from_records: list[str]) -> ActivityBlock:
    """Session averages are authoritative; where the session has none, use the records."""
    update = {}
    for key, column in (("avg_heart_rate", "heart_rate_bpm"), ("avg_power", "power_w")):
        if getattr(summary, key) is None:
            update[key] = _active_mean(records, column)
            if update[key] is not None:
                from_records.append(key)
    return summary.model_copy(update=update) if update else summary


def _checked_legs(legs: list[Leg], records: pd.DataFrame, events: list[tuple[float, bool]], blanked: set[str],
                  warn: list[str]) -> tuple[list[Leg], list[str]]:
    """Each leg's session totals checked against its records and the human range, its missing
    fields filled from the records (:func:`pipeline.fit.checks.check_leg`). A multisport leg's
    records are told apart by the sessions' start times; without them only the ranges are checked."""
    single = len(legs) == 1
    identifiable = single or all(leg.start_time is not None for leg in legs)
    events = near_records(events, records["elapsed_s"].to_numpy()) if len(records) else events
    checked, filled = [], []
    for leg in legs:
        totals = None
        if identifiable and len(records):
            own = records if single else records[records["leg"] == leg.index]
            totals = record_totals(own, events, cumulative_from_zero=single) if len(own) else None
        where = "the session" if single else f"session {leg.index + 1}"
        leg, fields = check_leg(leg, totals, blanked, where, warn)
        checked.append(leg)
        filled.extend(fields)
    return checked, filled


def _timer_events_elapsed(msgs: Messages, clock: Clock, origin: float | None,
                          warn: list[str], lead_set_aside_s: float = 0.0) -> list[tuple[float, bool]]:
    """Timer events on the records' ``elapsed_s`` scale, without the timer time a start event claims
    long before the first record (:func:`pipeline.fit.consistency.timer_against_records`)."""
    if origin is None:
        return []
    events = [(t - origin, running) for t, running in timer_events(msgs, clock)]
    return consistency.timer_against_records(events, warn, lead_set_aside_s)


def _summary_from_records(msgs: Messages, clock: Clock, records: pd.DataFrame, origin: float | None,
                          common: dict[str, Any], warn: list[str], lead_set_aside_s: float = 0.0) -> ActivityBlock:
    """No session message (a device that writes none, or a file cut before its end): sport from
    the ``sport`` (else first ``lap``) message; start, times and distance from the records and
    the timer events. Laps are not summed: a cut file's last lap is missing."""
    sport_src = msgs.sports[0] if msgs.sports else (msgs.laps[0] if msgs.laps else {})
    sport = sport_name(sport_src.get("sport"), msgs) or "generic"
    sub_sport = fit_name(sport_src.get("sub_sport"))
    inferred = None
    if sport == "generic" and _is_bike_computer(common.get("device")):
        sport, inferred = "cycling", f"'cycling' inferred from the device, a bike computer ({common.get('device')})"
    start = elapsed = timer = distance = calories = None
    if len(records):
        events = near_records(_timer_events_elapsed(msgs, clock, origin, warn, lead_set_aside_s), records["elapsed_s"].to_numpy())
        begin_s = min(0.0, events[0][0]) if events and events[0][1] else 0.0  # the timer may start before the first record
        first_stamp = records["timestamp"].iloc[0]
        start = (first_stamp + pd.Timedelta(seconds=begin_s)).to_pydatetime() if pd.notna(first_stamp) else None
        elapsed = float(records["elapsed_s"].iloc[-1]) - begin_s
        timer = timer_seconds(records["elapsed_s"].to_numpy(), events)
        distance_values = records["distance_m"].dropna()  # cumulative from the activity's start
        distance = float(distance_values.max()) if len(distance_values) else None
        calorie_values = records["calories_kcal"].dropna()
        calories = float(calorie_values.max()) if len(calorie_values) else None
    if distance is None:
        distance = _sum([fit_number(lap.get("total_distance")) for lap in msgs.laps])
    warn.append("the file has no session message: times and distance derived from the records and timer events"
                + (f"; no sport in the file: {inferred}" if inferred else
                   "" if sport != "generic" else NO_SPORT_NOTE))
    return ActivityBlock(
        sport=sport, sub_sport=sub_sport, start_time=start, elapsed_s=elapsed, timer_s=timer, distance_m=distance,
        avg_heart_rate=_active_mean(records, "heart_rate_bpm") if len(records) else None,
        avg_power=_active_mean(records, "power_w") if len(records) else None,
        calories_kcal=calories,
        summary_source="records",
        **common,
    )
