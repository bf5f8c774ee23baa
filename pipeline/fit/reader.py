"""Reading FIT activities: the public entry points of ingest.

* :func:`read_activity` (path -> :class:`Activity`, raises :class:`RejectedFile`): for
  ``sweatline ride`` and anything that wants exactly one activity.
* :func:`read_activities` (path -> :class:`IngestResult`, never raises for bad input): for the
  nightly flow. A ``.zip`` export may hold many FIT files; every good one is in
  ``result.activities``, every bad one (broken FIT, hostile name, bomb) in ``result.rejections``
  as a :class:`RejectedFile` whose ``str()`` is the one line to record (``export.zip:member: reason``),
  and members that are not FIT files (``.gpx``, ``.csv``) are listed in ``result.skipped``.
  A bad plain file is one rejection.
* :func:`decode_activity` (bytes -> :class:`Activity`): the same decoding for a buffer.

Activity ids: SHA-256 (hex) of the file as stored — of the ``.fit``/``.fit.gz`` file; for a
zip member, of the member's bytes as extracted (see :class:`pipeline.fit.archive.FitBlob`).

Damaged files (the salvage policy)
----------------------------------
* Not FIT at all (empty, no ``.FIT`` signature, bad first header) and **CRC mismatches** are
  refused. A CRC mismatch means bytes were changed somewhere, and nothing tells us which values
  are wrong, so guessing would put invented numbers in front of the user.
* **Truncated** files, a **corrupt chained header** after good data, and data fitparse cannot
  decode part-way are read *as far as they go* — if what decodes is an activity covering at least
  :data:`SALVAGE_MIN_S` (10 min: the shortest session the sweat model judges; below it there is no
  settled sweat rate to estimate, so a re-sync from the watch is the better answer). The result
  has ``summary.salvaged = True`` and a warning saying what was lost. Shorter ones are refused
  with the damage as the reason. The typical case is a watch that crashed or a sync that broke
  off: a long run whose summary survived is worth keeping.
* Files that are FIT but not an activity (settings, monitoring, workout, course, weight scale...)
  are refused as such. Chained files are accepted when one of them is an activity (an activity
  followed by a settings file is valid); only activity segments contribute data.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import RejectedFile
from pipeline.fit.archive import DEFAULT_LIMITS, ArchiveLimits, unpack
from pipeline.fit.clock import Clock
from pipeline.fit.framing import Framing, NotFit, scan
from pipeline.fit.messages import Messages, decode_messages
from pipeline.fit.models import Activity
from pipeline.fit.summary import build_activity

SALVAGE_MIN_S = 600.0


@dataclass
class IngestResult:
    """Everything one path yielded: good activities, per-file rejections, non-FIT members skipped."""

    activities: list[Activity] = field(default_factory=list)
    rejections: list[RejectedFile] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def read_activities(path: Path | str, limits: ArchiveLimits = DEFAULT_LIMITS) -> IngestResult:
    """Every activity in ``path`` (``.fit``, ``.fit.gz``, ``.zip``); bad input ends up in
    ``rejections``, never raised."""
    result = IngestResult()
    try:
        unpacked = unpack(Path(path), limits)
    except RejectedFile as exc:
        result.rejections.append(exc)
        return result
    result.rejections.extend(unpacked.rejections)
    result.skipped.extend(unpacked.skipped)
    for blob in unpacked.blobs:
        try:
            result.activities.append(decode_activity(blob.data, blob.source, blob.activity_id))
        except RejectedFile as exc:
            result.rejections.append(exc)
    return result


def read_activity(path: Path | str, limits: ArchiveLimits = DEFAULT_LIMITS) -> Activity:
    """The one activity in ``path``; :class:`RejectedFile` (one line) if there is not exactly one.

    A zip holding one activity (plus non-FIT members or refused members) gives that activity,
    with the refused members named in its warnings.
    """
    path = Path(path)
    result = read_activities(path, limits)
    if len(result.activities) == 1:
        activity = result.activities[0]
        if result.rejections:
            extra = [f"archive member refused: {exc}" for exc in result.rejections]
            activity.summary = activity.summary.model_copy(update={"warnings": activity.summary.warnings + extra})
        return activity
    if len(result.activities) > 1:
        raise RejectedFile(path.name, f"holds {len(result.activities)} activities; give one file "
                           "(the nightly flow reads them all)", "archive")
    if len(result.rejections) == 1:
        raise result.rejections[0]
    if result.rejections:
        first = result.rejections[0]
        raise RejectedFile(path.name, f"no usable activity: {len(result.rejections)} FIT files refused "
                           f"(first: {first})", first.kind)
    raise RejectedFile(path.name, "no FIT file inside (.fit or .fit.gz members)", "archive")


def decode_activity(data: bytes, source: str, file_id: str | None = None) -> Activity:
    """Decode FIT bytes (already decompressed) into an :class:`Activity`.

    ``source`` names the file in messages and in ``summary.source``; ``file_id`` is the activity
    id to use (default: SHA-256 of ``data``). Raises :class:`RejectedFile` for bad input.
    """
    activity_id = file_id if file_id is not None else hashlib.sha256(data).hexdigest()
    try:
        framing = scan(data)
    except NotFit as exc:
        raise RejectedFile(source, str(exc), exc.kind) from None
    if framing.damage is not None and framing.damage.kind == "crc":
        raise RejectedFile(source, framing.damage.reason, "crc")

    msgs = decode_messages(data, framing)

    if msgs.file_id is None and any(t is not None for t in msgs.file_types):
        kind = next(t for t in msgs.file_types if t is not None)
        label = kind if isinstance(kind, str) else f"type {kind}"
        raise RejectedFile(source, f"a FIT {label} file, not an activity", "not_activity")

    damage_reasons = []
    if framing.damage is not None:
        damage_reasons.append(framing.damage.reason)
    if msgs.stop is not None and not msgs.stop.expected:
        at = f" at byte {msgs.stop.offset}" if msgs.stop.offset is not None else ""
        damage_reasons.append(f"decoding stopped{at}: {msgs.stop.reason}")
    damaged = bool(damage_reasons)

    if not msgs.sessions and not msgs.records:
        if damaged:
            raise RejectedFile(source, f"{'; '.join(damage_reasons)}; no activity data before the damage",
                               _kind(framing, msgs))
        raise RejectedFile(source, "a FIT activity file with no session and no records: nothing to analyse",
                           "not_activity")

    warn: list[str] = []
    if framing.notes:
        warn.extend(framing.notes)
    activity = build_activity(msgs, Clock(msgs.correlations), source=source, activity_id=activity_id,
                              salvaged=damaged, warn=warn)
    if not msgs.sessions and len(activity.records) == 0:
        raise RejectedFile(source, "no session and no timestamped records: nothing to analyse",
                           _kind(framing, msgs) if damaged else "not_activity")
    if damaged:
        readable_s = _readable_seconds(activity)
        if readable_s < SALVAGE_MIN_S:
            raise RejectedFile(
                source, f"{'; '.join(damage_reasons)} (only {readable_s:.0f} s of activity readable: "
                f"too little to salvage)", _kind(framing, msgs))
        note = f"damaged file read as far as it goes: {'; '.join(damage_reasons)}"
        covered = _records_span(activity)
        if activity.summary.summary_source == "session" and activity.summary.timer_s and covered is not None:
            note += (f"; totals from the session message, records cover {covered / 60:.0f} of "
                     f"{activity.summary.timer_s / 60:.0f} min")
        activity.summary = activity.summary.model_copy(update={"warnings": [note] + activity.summary.warnings})
    return activity


def _kind(framing: Framing, msgs: Messages) -> str:
    if framing.damage is not None:
        return framing.damage.kind
    return "decode"


def _records_span(activity: Activity) -> float | None:
    if len(activity.records) < 2:
        return None
    return float(activity.records["elapsed_s"].iloc[-1])


def _readable_seconds(activity: Activity) -> float:
    """How much activity the readable part describes: session timer time, else the records' span."""
    timer = activity.summary.timer_s
    span = _records_span(activity) or 0.0
    return max(timer if timer is not None else 0.0, span)
