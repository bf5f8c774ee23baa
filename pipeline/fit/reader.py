"""Reading FIT files: the public entry points of ingest, the one way into a FIT file.

* :func:`read_fit` (path -> :class:`FitContents`, never raises for bad input): what a path holds,
  classified — activities, a smart scale's weight-scale readings, refusals, non-FIT members
  skipped. The path is unpacked once with the archive limits (:mod:`pipeline.fit.archive`) and
  every FIT byte string is decoded in one message pass (:mod:`pipeline.fit.messages`).
* :func:`read_activity` (path -> :class:`Activity`, raises :class:`RejectedFile`): for
  ``sweatline ride`` and anything that wants exactly one activity.
* :func:`read_activities` (path -> :class:`IngestResult`, never raises for bad input): for the
  nightly flow. A ``.zip`` export may hold many FIT files; every good one is in
  ``result.activities``, every bad one (broken FIT, hostile name, bomb) in ``result.rejections``
  as a :class:`RejectedFile` whose ``str()`` is the one line to record (``export.zip:member: reason``),
  and members that are not FIT files (``.gpx``, ``.csv``) are listed in ``result.skipped``.
  A bad plain file is one rejection.
* :func:`decode_activity` (bytes -> :class:`Activity`): the same decoding for a buffer.
* :func:`read_scale_readings` (path -> readings, raises :class:`RejectedFile`): for anything
  that wants exactly a smart scale's readings.

Weight-scale files: a plain ``.fit`` / ``.fit.gz`` that is refused as "not an
activity" (kind ``not_activity``) but decodes whole — no framing damage, no decoding stop — and
holds at least one usable ``weight_scale`` reading (:mod:`pipeline.fit.scale`) is a
:class:`ScaleFile` in :attr:`FitContents.scale_files` instead of a refusal. Zip members are
activity exports: a weight-scale member stays a ``not_activity`` refusal. The activity readers
(:func:`read_activities`, :func:`read_activity`, :func:`decode_activity`) refuse a weight-scale
file as not an activity, as any other non-activity FIT file.

Activity ids: SHA-256 (hex) of the file as stored — of the ``.fit``/``.fit.gz`` file; for a
zip member, of the member's bytes as extracted (see :class:`pipeline.fit.archive.FitBlob`).

Damaged files (the salvage policy)
----------------------------------
* Not FIT at all (empty, no ``.FIT`` signature, bad first header) and **CRC mismatches** of a
  complete recording (one with its ``session`` or ``activity`` message) are refused. A CRC
  mismatch means bytes were changed somewhere, and nothing tells us which values are wrong, so
  guessing would put invented numbers in front of the user. The refusal says what to do (sync or
  export the activity again).
* **Unfinished recordings** (an app or watch that never closed the file) are salvaged like
  truncated files, with a reason saying the recording was not finished: a header declaring 0
  data bytes with records following (unless its last two bytes are a valid CRC of the whole: then
  it is complete, and read normally with a note), and records without any ``session`` or
  ``activity`` message whose file CRC does not match (the CRC is written when the file is closed).
* **Extra bytes after a complete file** (its declared data present and its CRC right) that do not
  start another FIT header are ignored with a note, as zero padding is (Forerunner 255 firmware
  appends some): the file is not damaged, ``salvaged`` stays false.
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

from pipeline.core.errors import RejectedFile
from pipeline.fit.archive import DEFAULT_LIMITS, NOT_ACTIVITY, ArchiveLimits, unpack
from pipeline.fit.census import MAX_MESSAGES, MAX_RECORDS, count_messages
from pipeline.fit.clock import Clock
from pipeline.fit.framing import Framing, NotFit, scan
from pipeline.fit.messages import Messages, decode_messages
from pipeline.fit.models import Activity, ScaleReading
from pipeline.fit.scale import scale_readings
from pipeline.fit.summary import build_activity

SALVAGE_MIN_S = 600.0
NO_ACTIVITY_FILE = "no activity file inside (.fit, .gpx or .tcx members, each also .gz; zips nested in it too)"


def nothing_read(name: str, skipped_members: list[tuple[str, str]]) -> RejectedFile:
    """The refusal of a file that gave no activity, no refusal and no weight-scale reading: the
    reason a member was left unread when one was left for a reason other than not being an
    activity file (a zip nested deeper than the limit, an archive of a kind not read), else
    :data:`NO_ACTIVITY_FILE`. ``skipped_members``: ``("file:member", why)`` as the archive gives them."""
    telling = [(source, why) for source, why in skipped_members if why != NOT_ACTIVITY]
    if not telling:
        return RejectedFile(name, NO_ACTIVITY_FILE, "archive")
    source, why = telling[0]
    source = source.removeprefix(f"{name}:")
    more = f" ({len(telling) - 1} more skipped likewise)" if len(telling) > 1 else ""
    return RejectedFile(name, f"no activity file read: {source} is {why.removesuffix(': skipped')}{more}", "archive")


RESYNC = "if the watch or app still holds the activity, sync or export it again"


def _unfinished(msgs: Messages) -> bool:
    """An activity recording that was never closed: a file_id of an activity (or none), but no
    ``session`` and no ``activity`` message — those, and the file CRC, are written when the
    recording ends. A CRC mismatch in such a file is the missing CRC of an unfinished file, not
    a sign of altered bytes (a complete file whose CRC fails keeps being refused)."""
    if msgs.sessions or msgs.activity or not msgs.record_count:
        return False
    return msgs.file_id is not None or not any(t is not None for t in msgs.file_types)


@dataclass
class IngestResult:
    """Everything one path yielded: good activities, per-file rejections, non-FIT members skipped."""

    activities: list[Activity] = field(default_factory=list)
    rejections: list[RejectedFile] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ScaleFile:
    """A smart scale's FIT file: not an activity, but weight-scale readings to keep."""

    source: str
    sha256: str  # of the file as stored, as an activity id would be
    readings: list[ScaleReading]
    refusal: RejectedFile  # what the activity readers say of it ("a FIT weight file, not an activity")


@dataclass
class FitContents:
    """Everything one path holds, classified: activities, weight-scale files, refusals, skipped members."""

    activities: list[Activity] = field(default_factory=list)
    scale_files: list[ScaleFile] = field(default_factory=list)
    rejections: list[RejectedFile] = field(default_factory=list)
    skipped_members: list[tuple[str, str]] = field(default_factory=list)  # zip members not read: ("file:member", why)

    @property
    def skipped(self) -> list[str]:
        """The zip members not read, ``file:member``."""
        return [source for source, _ in self.skipped_members]

    @property
    def scale_readings(self) -> list[ScaleReading]:
        return [reading for scale in self.scale_files for reading in scale.readings]


def read_fit(path: Path | str, limits: ArchiveLimits = DEFAULT_LIMITS) -> FitContents:
    """What ``path`` (``.fit``, ``.fit.gz``, ``.zip``) holds; bad input ends up in ``rejections``,
    never raised. Weight-scale readings are taken from a plain file only (see the module docstring)."""
    path = Path(path)
    contents = FitContents()
    try:
        unpacked = unpack(path, limits)
    except RejectedFile as exc:
        contents.rejections.append(exc)
        return contents
    contents.rejections.extend(unpacked.rejections)
    contents.skipped_members.extend(unpacked.skipped_members)
    scales = path.suffix.lower() != ".zip"
    for blob in unpacked.blobs:
        try:
            if blob.kind != "fit":
                from pipeline.fit.tracks import read_track  # gpxpy: imported when a GPX or TCX file comes

                contents.activities.append(read_track(blob.data, blob.kind, blob.source, blob.activity_id))
                continue
            decoded = _decode(blob.data, blob.source, blob.activity_id, scales=scales)
        except RejectedFile as exc:
            contents.rejections.append(exc)
            continue
        if isinstance(decoded, ScaleFile):
            contents.scale_files.append(decoded)
        else:
            contents.activities.append(decoded)
    return contents


def read_activities(path: Path | str, limits: ArchiveLimits = DEFAULT_LIMITS) -> IngestResult:
    """Every activity in ``path`` (``.fit``, ``.fit.gz``, ``.zip``); bad input ends up in
    ``rejections``, never raised (a weight-scale file too: it is not an activity)."""
    return _ingest_result(read_fit(path, limits))


def _ingest_result(contents: FitContents) -> IngestResult:
    """The activities of ``contents``; its weight-scale files are refusals here."""
    return IngestResult(activities=contents.activities,
                        rejections=contents.rejections + [scale.refusal for scale in contents.scale_files],
                        skipped=contents.skipped)


def read_scale_readings(path: Path | str, limits: ArchiveLimits = DEFAULT_LIMITS) -> list[ScaleReading]:
    """The weight-scale readings of a smart scale's ``.fit`` / ``.fit.gz`` file (UTC, kg).

    Raises :class:`RejectedFile` of kind ``not_weight`` when the file is readable FIT but holds no
    weight-scale reading, and of kind ``decode`` (with the reason) when it cannot be read.
    """
    path = Path(path)
    contents = read_fit(path, limits)
    if contents.scale_files:
        return contents.scale_readings
    unreadable = [exc for exc in contents.rejections if exc.kind != "not_activity"]
    if unreadable:
        raise RejectedFile(unreadable[0].source, f"not a readable FIT file ({unreadable[0].reason})", "decode")
    raise RejectedFile(path.name, "holds no weight-scale reading", "not_weight")


def read_activity(path: Path | str, limits: ArchiveLimits = DEFAULT_LIMITS) -> Activity:
    """The one activity in ``path``; :class:`RejectedFile` (one line) if there is not exactly one.

    A zip holding one activity (plus non-FIT members or refused members) gives that activity,
    with the refused members named in its warnings.
    """
    path = Path(path)
    contents = read_fit(path, limits)
    result = _ingest_result(contents)
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
    raise nothing_read(path.name, contents.skipped_members)


def decode_activity(data: bytes, source: str, file_id: str | None = None) -> Activity:
    """Decode FIT bytes (already decompressed) into an :class:`Activity`.

    ``source`` names the file in messages and in ``summary.source``; ``file_id`` is the activity
    id to use (default: SHA-256 of ``data``). Raises :class:`RejectedFile` for bad input.
    """
    decoded = _decode(data, source, file_id, scales=False)
    assert isinstance(decoded, Activity)
    return decoded


def _decode(data: bytes, source: str, file_id: str | None, *, scales: bool) -> Activity | ScaleFile:
    """One message pass over FIT bytes: an :class:`Activity`, or (``scales``) the :class:`ScaleFile`
    of a file refused as not an activity that decodes whole with weight-scale readings."""
    activity_id = file_id if file_id is not None else hashlib.sha256(data).hexdigest()
    try:
        framing = scan(data)
    except NotFit as exc:
        raise RejectedFile(source, str(exc), exc.kind) from None
    census = count_messages(data, framing)  # before any per-message object is built
    if census.over:
        raise RejectedFile(source, f"holds more than {MAX_RECORDS:,} records or {MAX_MESSAGES:,} messages "
                           "(ten days of activity at one record a second is 864,000): more than one activity; "
                           "not read", "too_many_records")
    msgs = decode_messages(data, framing, census=census)
    if framing.damage is not None and framing.damage.kind == "crc" and not _unfinished(msgs):
        raise RejectedFile(source, f"{framing.damage.reason}; {RESYNC}", "crc")
    try:
        return _activity(source, activity_id, framing, msgs)
    except RejectedFile as refusal:
        whole = framing.damage is None and msgs.stop is None
        readings = scale_readings(msgs) if scales and refusal.kind == "not_activity" and whole else []
        if not readings:
            raise
        return ScaleFile(source, activity_id, readings, refusal)


def _activity(source: str, activity_id: str, framing: Framing, msgs: Messages) -> Activity:
    """The activity of decoded messages, with the salvage policy; :class:`RejectedFile` otherwise."""
    if msgs.file_id is None and any(t is not None for t in msgs.file_types):
        kind = next(t for t in msgs.file_types if t is not None)
        label = kind if isinstance(kind, str) else f"type {kind}"
        raise RejectedFile(source, f"a FIT {label} file, not an activity", "not_activity")

    damage_reasons = []
    unfinished = False
    if framing.damage is not None:
        if framing.damage.kind == "crc":  # only an unfinished recording gets here (see _decode)
            unfinished = True
            damage_reasons.append("the recording was not finished: no session message and no valid file CRC "
                                  f"({framing.damage.reason.split(':')[0]})")
        else:
            unfinished = framing.damage.kind == "unfinished"
            damage_reasons.append(framing.damage.reason)
    if msgs.stop is not None and not msgs.stop.expected:
        at = f" at byte {msgs.stop.offset}" if msgs.stop.offset is not None else ""
        damage_reasons.append(f"decoding stopped{at}: {msgs.stop.reason}")
    damaged = bool(damage_reasons)

    if not msgs.sessions and not msgs.record_count:
        if damaged:
            raise RejectedFile(source, f"{'; '.join(damage_reasons)}; no activity data before the damage; {RESYNC}",
                               _kind(framing, msgs))
        raise RejectedFile(source, "a FIT activity file with no session and no records: nothing to analyse",
                           "not_activity")

    warn: list[str] = []
    if framing.notes:
        warn.extend(framing.notes)
    activity = build_activity(msgs, Clock(msgs.correlations), source=source, activity_id=activity_id,
                              salvaged=damaged, warn=warn)
    activity.decoder = msgs.decoder
    if not msgs.sessions and len(activity.records) == 0:
        raise RejectedFile(source, "no session and no timestamped records: nothing to analyse",
                           _kind(framing, msgs) if damaged else "not_activity")
    if damaged:
        readable_s = _readable_seconds(activity)
        if readable_s < SALVAGE_MIN_S:
            raise RejectedFile(
                source, f"{'; '.join(damage_reasons)} (only {readable_s:.0f} s of activity readable: "
                f"too little to salvage); {RESYNC}", _kind(framing, msgs))
        what = "unfinished recording" if unfinished else "damaged file"
        note = f"{what} read as far as it goes: {'; '.join(damage_reasons)}"
        covered = _records_span(activity)
        if activity.summary.summary_source == "session" and activity.summary.timer_s and covered is not None:
            note += (f"; totals from the session message, records cover {covered / 60:.0f} of "
                     f"{activity.summary.timer_s / 60:.0f} min")
        activity.summary = activity.summary.model_copy(update={"warnings": [note] + activity.summary.warnings})
    return activity


def _kind(framing: Framing, msgs: Messages) -> str:
    if framing.damage is not None:
        # "unfinished" (header data size 0) and a CRC mismatch that gets this far (an unfinished
        # recording, see _decode) are cut-off recordings
        return "truncated" if framing.damage.kind in ("unfinished", "crc") else framing.damage.kind
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
