"""The copies policy: which of two files holding one activity is the activity, and which a copy.

The rule, stated once here:

1. **Same activity, another file.** An activity's identity is the activity
   (:mod:`pipeline.fit.identity`: the device serial and creation time, else the decoded content),
   not the bytes of its container. An activity the catalog already holds from another file
   (``ride.fit`` then ``ride.fit.gz``, an export zip's member then the loose file), or that the
   same file holds twice (a zip), is not analysed again: the later one is a
   :class:`~pipeline.store.catalog.DuplicateRow` ("duplicate of ride.fit"), and a file holding
   nothing else has status ``duplicate`` — no second activity row, no second report
   (:func:`split_copies`).
2. **Copies that race.** Two copies in one nightly run are processed side by side, so the check
   is made again as each outcome is committed, one at a time: the first committed copy is the
   activity, every later one its duplicate, whose report and records are removed
   (:func:`late_duplicates`).
3. **A damaged, shorter copy.** A salvaged activity (read as far as its damage allowed) of the
   same device recording (:func:`recording_of`), starting at the same instant, whose timer time and
   distance are at most the other's and whose records are the start of the other's
   (:func:`records_start_alike`) is a copy of that longer activity: a truncated upload of a ride
   already held counted twice would double the day's sweat in the digest. Whichever arrives first:
   the damaged copy arriving later is a duplicate (:func:`longer_copy`); arriving first, it is
   replaced by the whole one, and its file's row becomes a duplicate row (:func:`superseded`). An
   undamaged shorter twin is never folded: a converter that stamps one ``file_id`` on several
   rides makes such twins that are rides of their own.
4. **The rider's weather for a copy.** ``sweatline ride FILE --temp/--humidity`` on a copy of an
   activity held from another file (an export zip's member, say) estimated with other weather:
   the file given takes the activity over, estimated with that weather, and the other file's copy
   becomes its duplicate (:func:`taken_over`) — the weather asked for is applied to the file the
   rider named, not refused with a pointer to a zip member ``ride`` cannot open.

The store only answers the SQL questions (activities by identity key, activities starting at one
instant); this module applies the rule to the rows it returns. The records are compared with
pyarrow alone: the check runs in the command's own process when it commits a file, which imports
neither pandas nor numpy otherwise, and only for a salvaged activity whose recording the catalog
already holds.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.core.inputs import WeatherOverride
from pipeline.store.catalog import ActivityRow, Catalog, DuplicateRow, utc_now
from pipeline.usecases.freshness import override_matches
from pipeline.usecases.outcome import FileOutcome, ProcessedActivity, file_outcome, remove_outputs

if TYPE_CHECKING:
    from pipeline.fit.models import Activity

COMPARED = ("timestamp", "elapsed_s", "distance_m", "heart_rate_bpm", "power_w", "speed_m_per_s", "cadence_rpm")
"""The record columns compared (those present in both files)."""


def recording_of(activity_key: str | None) -> str | None:
    """The device recording a ``fit-serial`` key (:mod:`pipeline.fit.identity`) names,
    ``fit-serial:<manufacturer>:<serial>:<time_created>:``: the key without its timer seconds and
    content digest. None for a key made from the content alone (no device serial: nothing says two
    files are one recording)."""
    if not activity_key or not activity_key.startswith("fit-serial:"):
        return None
    return activity_key.rsplit(":", 2)[0] + ":"


def split_copies(decoded: list[Activity], data_dir: Path, path: Path, sha: str,
                 run_id: str | None, catalog: Catalog | None = None, *,
                 retake: WeatherOverride | None = None) -> tuple[list[Activity], list[DuplicateRow]]:
    """Rule 1: the activities of the file ``path`` (SHA-256 ``sha``) to analyse, in file order, and
    the duplicate rows of the others — copies of an activity the catalog holds from another file, or
    a second copy within this file. ``catalog``: a read-only snapshot of ``data_dir``'s catalog
    already open (default: one is made here).

    Rule 4, ``retake``: the weather override a rider gave ``sweatline ride`` for this file. A copy of
    an activity held from another file that was estimated with other weather is analysed (with
    it) instead: the file given takes the activity over on commit (:func:`taken_over`), the other
    file's copy becomes its duplicate — the rider asked about this file, with this weather."""
    if catalog is None:
        with Catalog(data_dir, read_only=True) as snapshot:  # read by the reader: never written there
            return split_copies(decoded, data_dir, path, sha, run_id, snapshot, retake=retake)
    firsts = {a.activity_key: catalog.activity_by_key(a.activity_key, other_than_file=sha) for a in decoded}
    new: list[Activity] = []
    duplicates: list[DuplicateRow] = []
    seen: dict[str, Activity] = {}  # a zip holding one activity twice
    for activity in decoded:
        key = activity.activity_key
        first = firsts.get(key) if key else None
        earlier = seen.get(key) if key else None
        if first is not None and retake is not None and not override_matches(first, retake):
            new.append(activity)  # rule 4: estimated again from this file, with the weather given
            continue
        if first is not None:
            first_id, first_source = first.id, first.source
        elif earlier is not None:
            first_id, first_source = earlier.summary.id, earlier.summary.source
        else:
            if key:
                seen[key] = activity
            new.append(activity)
            continue
        duplicates.append(duplicate_row(path.name, str(path), sha, activity.summary.source, activity.activity_key,
                                        first_id, first_source, run_id))
    return new, duplicates


def taken_over(catalog: Catalog, row: ActivityRow) -> list[tuple[DuplicateRow, ActivityRow]]:
    """Rule 4 as ``row`` (estimated with a weather override given for its file) is committed: the
    activities of its recording held from other files with another override, each with the
    duplicate row its file gets (a copy of ``row`` now)."""
    if not row.activity_key:
        return []
    first = catalog.activity_by_key(row.activity_key, other_than_file=row.file_sha256)
    override = WeatherOverride(temperature_c=row.override_temperature_c, humidity_pct=row.override_humidity_pct)
    if first is None or override_matches(first, override):
        return []
    held = catalog.file(first.file_sha256)
    file_name = held.name if held is not None else first.source.split(":", 1)[0]
    return [(duplicate_row(file_name, held.path if held is not None else file_name, first.file_sha256, first.source,
                           first.activity_key, row.id, row.source, row.run_id), first)]


def late_duplicates(catalog: Catalog, outcome: FileOutcome, keep: frozenset[str] = frozenset()) -> FileOutcome:
    """Rules 2 and 3 as an outcome is committed: each of its activities that another file gave
    meanwhile, or of which it is a damaged shorter copy, becomes a duplicate row, and the report
    and records it wrote are removed. The outcome unchanged when none is. ``keep``: ids of
    activities that take over the copy held (rule 4), left as they are."""
    kept: list[ProcessedActivity] = []
    duplicates = list(outcome.duplicates)
    for processed in outcome.activities:
        row = processed.row
        if row.id in keep:
            kept.append(processed)
            continue
        first = (catalog.activity_by_key(row.activity_key, other_than_file=row.file_sha256)
                 or longer_copy(catalog, row))
        if first is None:
            kept.append(processed)
            continue
        duplicates.append(duplicate_row(outcome.file.name, outcome.file.path, row.file_sha256, row.source,
                                        row.activity_key, first.id, first.source, row.run_id))
        if first.report_dir != row.report_dir:  # the same bytes in another container share the folder
            remove_outputs(catalog.data_dir, row)
    if len(kept) == len(outcome.activities):
        return outcome
    return file_outcome(Path(outcome.file.path), outcome.file.sha256, outcome.file.size_bytes,
                        outcome.file.first_seen_at, outcome.file.run_id, kept, outcome.rejections, duplicates,
                        kept_scale=outcome.status == "processed" and not outcome.activities)


def _same_recording(catalog: Catalog, row: ActivityRow) -> list[ActivityRow]:
    """Activities of other files of ``row``'s device recording that start at its instant, oldest first."""
    recording = recording_of(row.activity_key)
    if recording is None or row.start_time is None:
        return []
    return [held for held in catalog.activities_starting_at(row.start_time, other_than_file=row.file_sha256)
            if recording_of(held.activity_key) == recording]


def longer_copy(catalog: Catalog, row: ActivityRow) -> ActivityRow | None:
    """Rule 3, the damaged copy arriving last: the activity held already of which ``row`` (written,
    not yet committed) is a damaged, shorter copy; None for an undamaged activity or when there is
    none."""
    if not row.salvaged:
        return None
    for held in _same_recording(catalog, row):
        if _shorter(row.timer_s, row.distance_m, held.timer_s, held.distance_m, strictly=False) \
                and records_start_alike(catalog.data_dir, row.records_path, held.records_path):
            return held
    return None


def superseded(catalog: Catalog, row: ActivityRow) -> list[tuple[DuplicateRow, ActivityRow]]:
    """Rule 3, the damaged copy arriving first: the salvaged activities held already that ``row``
    replaces, each with the duplicate row its file gets."""
    found = []
    for copy in _same_recording(catalog, row):
        if copy.salvaged and _shorter(copy.timer_s, copy.distance_m, row.timer_s, row.distance_m, strictly=True) \
                and records_start_alike(catalog.data_dir, copy.records_path, row.records_path):
            held = catalog.file(copy.file_sha256)
            file_name = held.name if held is not None else copy.source.split(":", 1)[0]
            found.append((duplicate_row(file_name, held.path if held is not None else file_name, copy.file_sha256,
                                        copy.source, copy.activity_key, row.id, row.source, row.run_id), copy))
    return found


def _shorter(timer_s: float | None, distance_m: float | None, other_timer_s: float | None,
             other_distance_m: float | None, *, strictly: bool) -> bool:
    """Whether an activity of ``timer_s`` and ``distance_m`` fits within the other: its timer time at
    most (``strictly``: below) the other's, and its distance, where both have one, not beyond it."""
    timer, other = timer_s or 0.0, other_timer_s or 0.0
    if timer > other or (strictly and timer == other):
        return False
    return distance_m is None or other_distance_m is None or distance_m <= other_distance_m + 1.0


def duplicate_row(file_name: str, file_path: str, sha: str, source: str, activity_key: str | None, first_id: str,
                  first_source: str, run_id: str | None) -> DuplicateRow:
    """The row of one copy — the file ``file_name``, or its zip member when ``source`` is
    ``file:member`` — of the activity ``first_id`` already held."""
    member = source[len(file_name) + 1:] if source.startswith(f"{file_name}:") else ""
    return DuplicateRow(file_sha256=sha, member=member, name=file_name, path=file_path,
                        activity_key=activity_key or "", duplicate_of=first_id, first_source=first_source,
                        seen_at=utc_now(), run_id=run_id)


def records_start_alike(data_dir: Path, shorter_rel: str | None, longer_rel: str | None) -> bool:
    """Whether the records of ``shorter_rel`` (a Parquet path relative to ``data_dir``) equal the first
    rows of ``longer_rel``'s, column by column (:data:`COMPARED`), but for the shorter's last row (a
    damaged copy may end part-way through it). False when either file is missing or unreadable, or
    the shorter holds more rows than the longer."""
    if not shorter_rel or not longer_rel:
        return False
    import pyarrow.parquet as pq

    try:
        shorter = pq.read_table(Path(data_dir) / shorter_rel)
        longer = pq.read_table(Path(data_dir) / longer_rel)
    except (OSError, ValueError):
        return False
    rows = shorter.num_rows - 1
    if rows < 1 or shorter.num_rows > longer.num_rows:
        return False
    columns = [c for c in COMPARED if c in shorter.schema.names and c in longer.schema.names]
    if "timestamp" not in columns:
        return False
    for column in columns:
        ours = _values(shorter.column(column).slice(0, rows))
        theirs = _values(longer.column(column).slice(0, rows))
        if any(not _same(a, b) for a, b in zip(ours, theirs)):
            return False
    return True


def _values(column: Any) -> list[object]:
    """Plain Python values; times as integers (pyarrow would build pandas Timestamps from them)."""
    import pyarrow as pa

    if pa.types.is_timestamp(column.type):
        column = column.cast(pa.int64())
    return column.to_pylist()


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b
