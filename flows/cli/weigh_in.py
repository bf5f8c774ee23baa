"""`sweatline weigh-in ACTIVITY --pre KG --post KG [--drank L] [--urine L] [--note TEXT] [--replace]`,
`sweatline weigh-in --list` and `sweatline weigh-in --delete ID`.

Records body mass before and after an activity in the catalog (the use case:
:mod:`pipeline.usecases.weigh_in`; this module parses and prints), prints the measured sweat loss
and rate next to the model's, and the athlete's personal factor for that sport as it now stands.
Implausible numbers, an unknown activity or a second weigh-in without ``--replace`` are user
errors: one stderr line, exit 2 (raised as :class:`~pipeline.core.errors.UsageError`).
A weigh-in on a session shorter than 30 min, or whose measured rate is outside what people sweat,
is refused (:class:`~pipeline.physiology.calibration.WeighIn`). Reports already written are
re-estimated when next asked for (``sweatline ride FILE``) and by the next nightly (activities of
the last 30 days; ``--rebuild`` all), since their inputs changed.

With imperial units (``--units imperial`` or the config's ``units``) ``--pre``/``--post`` are read
in pounds and ``--drank``/``--urine`` in US fl oz (:mod:`flows.cli.typed`); in either system a
``--pre`` more than 30 % from the configured ``athlete.body_mass_kg`` is refused as a unit mistake.

``--list`` shows every weigh-in with its id (the activity's id, first 10 characters);
``--delete ID`` removes one and shows the factor of its sport before and after.
"""
from __future__ import annotations

import argparse

from flows.cli.options import add_config, add_units, number
from flows.cli.typed import MASS, VOLUME, input_units, shown_as_typed, to_si
from pipeline.core import units as u
from pipeline.core.config import Config
from pipeline.core.errors import InvalidValue, UsageError
from pipeline.core.inputs import BODY_MASS_KG
from pipeline.core.units import pounds
from pipeline.physiology.calibration import (
    MAX_FLUID_L,
    MAX_PRE_DEVIATION,
    Posterior,
    WeighIn,
    factor_source,
    far_from_configured,
    posterior,
    ratio_refusal,
)
from pipeline.physiology.sweat import sweat_range_l
from pipeline.report.view import local_start, when_text
from pipeline.store.catalog import ActivityRow
from pipeline.usecases.weigh_in import delete_weigh_in, list_weigh_ins, record_weigh_in

FLAGS = {"pre_kg": "--pre", "post_kg": "--post", "drank_l": "--drank", "urine_l": "--urine",
         "duration_s": "ACTIVITY"}
"""The command line's name for each field of :class:`~pipeline.physiology.calibration.WeighIn`."""

def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "duration unknown"
    minutes = int(round(seconds / 60.0))
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def _rate(litres: float, seconds: float | None, r: u.Reader = u.METRIC_READER) -> str:
    """'(1.09 L/h)' / '(37 fl oz/h)': a volume per elapsed hour; '' without a duration."""
    if seconds is None or seconds <= 0:
        return ""
    return f"({u.rate_l_per_h(litres / (seconds / 3600.0), r.units)})"


def _describe(activity: ActivityRow, timezone: str = "UTC") -> str:
    """'ride.fit (cycling, 2026-07-18 14:10 (UTC+2), 6 h 33 min elapsed)': the start in the athlete's
    local time, as history and the reports show it; the elapsed time is what lies between the two
    weighings (stops included), so the rates beside it are per elapsed hour."""
    when = (when_text(activity.start_time, activity.utc_offset_s, timezone, fmt="%Y-%m-%d %H:%M")
            if activity.start_time is not None else "start unknown")
    return f"{activity.source} ({activity.sport}, {when}, {_duration(activity.elapsed_s)} elapsed)"


OTHER_SPORTS = "sweating is a trait of the person first; the model handles what the sport changes"
"""Why a sport without weigh-ins takes the factor of all of them (:func:`pipeline.physiology.calibration.posterior`)."""


def _kg(value_kg: float) -> str:
    """A stored mass in kg to at most 2 decimals (one typed in pounds is stored as 70.30687…)."""
    return f"{value_kg:.2f}".rstrip("0").rstrip(".")


def _body_mass(value_kg: float, r: u.Reader) -> str:
    """'70.31 kg' (:func:`_kg`) / '155.0 lb' (:meth:`pipeline.core.units.Reader.mass_kg`)."""
    return r.mass_kg(value_kg) if r.imperial else f"{_kg(value_kg)} kg"


def _typed_volume(value_l: float, r: u.Reader) -> str:
    """A volume as typed: '0.5 L' / '17 fl oz'."""
    return r.volume_l(value_l) if r.imperial else f"{value_l:g} L"


def _factor(post: Posterior, sport: str | None = None) -> str:
    """A factor for ``sport`` (None: any sport without weigh-ins of its own) and the weigh-ins it
    rests on (:func:`pipeline.physiology.calibration.weigh_ins_source`): the sport's own, or borrowed
    from the other sports' and applied to the model's estimate for this one."""
    if not post.n:
        return "1.00 (no weigh-ins: the model alone)"
    spread = post.to_calibration().cv
    return f"{post.factor:.2f} ± {100 * spread:.0f} % (from {factor_source(post, sport)})"


def _list(config: Config, units: u.Units = "metric") -> int:
    listed, points = list_weigh_ins(config)
    if not listed:
        print("No weigh-ins yet: `sweatline weigh-in latest --pre KG --post KG --drank L` records one.")
        return 0
    mass = "lb" if units == "imperial" else "kg"
    lines = [f"{'ID':<10}  {'date':<10}  {'sport':<10}  {'source':<6}  {f'pre → post {mass}':<17}  {'drank':>9}  "
             f"{'urine':>9}  {'measured':>9}  {'rate':>11}  {'model':>9}  {'÷model':>6}"]
    for start, row, activity, model in ((x.start, x.row, x.activity, x.model_l) for x in listed):
        rate = row.measured_rate_l_per_h
        if rate is None and activity is not None and activity.elapsed_s:
            rate = row.measured_l / (activity.elapsed_s / 3600.0)
        when = (f"{local_start(start, activity.utc_offset_s if activity is not None else None, config.nightly.timezone):%Y-%m-%d}"
                if start else "undated")  # the athlete's local date, as history shows it
        lines.append(f"{row.activity_id[:10]:<10}  {when:<10}  {row.sport[:10]:<10}  {row.source:<6}  "
                     f"{f'{_mass(row.pre_kg, units)} → {_mass(row.post_kg, units)}':<17}  {_volume(row.drank_l, units):>9}  "
                     f"{_volume(row.urine_l, units):>9}  {_volume(row.measured_l, units):>9}  {_volume(rate, units, '/h'):>11}  "
                     f"{_volume(model, units):>9}  {f'{row.measured_l / model:.2f}' if model else '–':>6}")
    sports = sorted({x.row.sport for x in listed})
    lines.append("factors now: " + "; ".join(f"{sport} {_factor(posterior(points, sport), sport)}" for sport in sports)
                 + f"; any other sport {_factor(posterior(points))} ({OTHER_SPORTS})")
    print("\n".join(lines))
    return 0


def _mass(value_kg: float, units: u.Units) -> str:
    """A body mass, its unit in the column's head: kg to at most 2 decimals (:func:`_kg`: one typed in
    pounds is stored as 82.1002… kg), or pounds to one decimal as every imperial mass is."""
    return u.number(u.pounds(value_kg), 1) if units == "imperial" else _kg(value_kg)


def _reestimated() -> str:
    """What happens to stored reports after a weigh-in changed a factor (the nightly's window:
    :data:`pipeline.usecases.nightly.STALE_WINDOW_DAYS`)."""
    from pipeline.usecases.nightly import STALE_WINDOW_DAYS

    return (f"Stored reports are re-estimated by `sweatline ride FILE`, and by the next nightly for activities of "
            f"the last {STALE_WINDOW_DAYS} days; older ones keep their answer until you ride them again.")


def _volume(value_l: float | None, units: u.Units, per: str = "") -> str:
    """A volume in L with two decimals, or in US fl oz (:func:`pipeline.core.units.volume_l`); ``per="/h"``: a rate."""
    if per:
        return u.rate_l_per_h(value_l, units)
    return u.volume_l(value_l, 2, units)


def _delete(ref: str, config: Config, units: u.Units = "metric") -> int:
    deleted = delete_weigh_in(config, ref)
    row, activity, before, after = deleted.row, deleted.activity, deleted.before, deleted.after
    what = _describe(activity, config.nightly.timezone) if activity is not None else f"activity {row.activity_id[:10]} ({row.sport})"
    r = u.reader(units)
    print("\n".join([
        f"Weigh-in deleted for {what} [{row.activity_id[:10]}]: {_body_mass(row.pre_kg, r)} → "
        f"{_body_mass(row.post_kg, r)}, {r.volume_l(row.measured_l, 2)}",
        f"  your {row.sport} factor was {_factor(before, row.sport)}",
        f"  now {_factor(after, row.sport)}",
        f"  {_reestimated()}"]))
    return 0


def _plausible_as_typed(typed: dict, units: str, configured_kg: float | None) -> None:
    """Unit mistakes, refused in the unit typed (:class:`InvalidValue`, one line): a ``--pre`` more
    than :data:`MAX_PRE_DEVIATION` away from the configured body mass (pounds read as kilograms or the
    reverse); with imperial units, ``--drank``/``--urine`` over :data:`MAX_FLUID_L` (in metric the
    model's own check says "litres, not millilitres")."""
    pre = typed["pre_kg"]
    low, high = BODY_MASS_KG["ge"], BODY_MASS_KG["le"]
    if low <= pre.si <= high and far_from_configured(pre.si, configured_kg):
        assert configured_kg is not None
        shown = f"{pounds(configured_kg):.1f} lb ({configured_kg:g} kg)" if units == "imperial" else f"{configured_kg:g} kg"
        other = "" if units == "imperial" else "; with --units imperial or units: imperial it is read in lb"
        raise InvalidValue("pre_kg", f"{pre.value:g} {pre.unit} is more than {100 * MAX_PRE_DEVIATION:.0f} % away "
                                     f"from the configured body mass (athlete.body_mass_kg), {shown}: read in "
                                     f"{pre.unit} (units: {units}{other}); check the number and its unit")
    if units != "imperial":
        return
    for field in ("drank_l", "urine_l"):
        given = typed.get(field)
        if given is not None and given.si > MAX_FLUID_L:
            raise InvalidValue(field, f"{given.value:g} fl oz ({given.si:.1f} L) in one session is not plausible: "
                                      f"read in US fl oz (units: imperial; a 500 mL bottle is about 17 fl oz)")


def register(parser: argparse.ArgumentParser) -> None:
    """``sweatline weigh-in``'s description and options."""
    parser.description = "Record a weigh-in to calibrate your own sweat rate."
    add_config(parser)
    add_units(parser)
    parser.add_argument("activity", nargs="?", metavar="ACTIVITY",
                        help="activity id (or prefix), its FIT path, or 'latest' (the newest by start time)")
    parser.add_argument("--pre", type=number(), metavar="KG", help="body mass before, kg (lb with --units imperial; "
                        "required to record; refused if over 30 %% from athlete.body_mass_kg)")
    parser.add_argument("--post", type=number(), metavar="KG",
                        help="body mass after, kg (lb with --units imperial; required to record)")
    parser.add_argument("--drank", type=number(), default=0.0, metavar="L",
                        help="fluid drunk during, litres (US fl oz with --units imperial)")
    parser.add_argument("--urine", type=number(), default=0.0, metavar="L",
                        help="urine passed during, litres (US fl oz with --units imperial)")
    parser.add_argument("--note", metavar="TEXT", help="a note kept with the weigh-in")
    parser.add_argument("--replace", action="store_true", help="replace an earlier weigh-in for this activity")
    manage = parser.add_mutually_exclusive_group()
    manage.add_argument("--list", action="store_true", help="list the weigh-ins with their ids")
    manage.add_argument("--delete", metavar="ID", help="delete a weigh-in (its id from --list)")


def run(args: argparse.Namespace, config: Config) -> int:
    if args.list or args.delete is not None:
        given = [flag for flag, value in (("ACTIVITY", args.activity), ("--pre", args.pre), ("--post", args.post),
                                          ("--note", args.note)) if value is not None]
        if given:
            raise UsageError("--list" if args.list else "--delete", f"takes no {given[0]}")
        return _list(config, getattr(args, "units", None) or config.units) if args.list else _delete(args.delete, config, getattr(args, "units", None) or config.units)
    if args.activity is None or args.pre is None or args.post is None:
        missing = next(n for n, v in (("ACTIVITY", args.activity), ("--pre", args.pre), ("--post", args.post)) if v is None)
        raise UsageError("weigh-in", f"{missing} is required to record a weigh-in (or --list, --delete ID)")
    units = input_units(args, config)  # --pre/--post in lb, --drank/--urine in US fl oz with imperial units
    typed = to_si(args, units, WeighIn, {"pre_kg": ("pre", MASS), "post_kg": ("post", MASS),
                                         "drank_l": ("drank", VOLUME), "urine_l": ("urine", VOLUME)})
    _plausible_as_typed(typed, units, config.athlete.body_mass_kg)
    with shown_as_typed(units, typed, every_field=True):
        recorded = record_weigh_in(config, args.activity, pre_kg=args.pre, post_kg=args.post, drank_l=args.drank,
                                   urine_l=args.urine, note=args.note, replace=args.replace)
    activity, elapsed, measured, model = recorded.activity, recorded.elapsed_s, recorded.measured_l, recorded.model_l
    calibration, pooled = recorded.factor, recorded.pooled

    verb = "replaced" if recorded.replaced else "stored"
    r = u.reader(getattr(args, "units", None) or config.units)  # --units: what is printed
    lines = [f"Weigh-in {verb} for {_describe(activity, config.nightly.timezone)} [{activity.id[:10]}]",
             f"  measured mass loss   {r.volume_l(measured, 2)} {_rate(measured, elapsed, r)}"
             f"  = {_body_mass(args.pre, r)} − {_body_mass(args.post, r)} + {_typed_volume(args.drank, r)} drunk "
             f"− {_typed_volume(args.urine, r)} urine",
             "                       (sweat + water breathed out + fuel burned: what a weigh-in measures)"]
    if model is not None:
        breath, fuel = activity.respiratory_water_l or 0.0, activity.metabolic_mass_l or 0.0
        sweat = model - breath - fuel
        if not activity.calibrated and activity.sweat_low_l is not None and activity.sweat_high_l is not None:
            low, high = activity.sweat_low_l, activity.sweat_high_l  # the range its report gave
        else:
            low, high = sweat_range_l(sweat)
        lines.append(f"  model, same sum      {r.volume_l(model, 2)} {_rate(model, elapsed, r)}  = sweat "
                     f"{r.volume_l(sweat, 2)} (range {r.volume_l_range(low, high, 2)}) + breath "
                     f"{r.volume_l(breath, 2)} + fuel {r.volume_l(fuel, 2)}")
        lines.append(f"  measured ÷ model     {measured / model:.2f}")
        if (refusal := ratio_refusal(measured, model)) is not None:
            lines.append(f"  not calibrated: {refusal}")
    else:
        lines.append("  model estimate       none for this activity (no sweat estimate in its report)")
    if calibration.n:
        lines.append(f"  your {activity.sport} factor now {_factor(calibration, activity.sport)}")
        lines.append(f"  a sport with no weigh-ins of its own uses your factor from {pooled.source()}, now "
                     f"{pooled.factor:.2f} ({OTHER_SPORTS})")
        lines.append(f"  New reports and `sweatline plan` use it. {_reestimated()}")
    print("\n".join(lines))
    return 0
