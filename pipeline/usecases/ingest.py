"""The use case: one inbox file in, reports and catalog rows out, as plain functions.

No Prefect here (and nothing from ``flows``): the ``after-ride`` and ``nightly`` flows wrap these
functions in Prefect tasks, the fast path of ``sweatline ride`` calls :func:`ride` directly, and a
worker process of the nightly imports this module cheaply.

One file, start to finish (:func:`process_file`):

1. hash it (SHA-256 of the bytes as stored: the catalog key);
2. decode it (``pipeline.fit``): a :class:`~pipeline.core.errors.RejectedFile` becomes a
   :class:`~pipeline.store.RejectionRow` with its one-line reason — bad data is an outcome,
   not a failure, so it is never retried;
3. analyse each activity (``pipeline.usecases.analyse``) with the config and the weather override;
4. write its records (Parquet) and its report folder, each atomically;
5. return a :class:`FileOutcome` (pydantic: picklable, so it crosses process boundaries) that
   :func:`record_outcome` commits to the catalog in one transaction — after the files, so a
   catalog row never points at a missing report.

One activity, two files: an activity's identity is the activity
(:mod:`pipeline.fit.identity`: device serial and creation time, else the decoded content), not
the bytes of its container. An activity the catalog already holds from another file (``ride.fit``
then ``ride.fit.gz``, an export zip's member then the loose file) is not analysed again: it is a
:class:`~pipeline.store.catalog.DuplicateRow` ("duplicate of ride.fit"), the file's status is
``duplicate`` when that is all it holds — no second activity row, no second report. Two copies
in one nightly run are processed side by side, so :func:`record_outcome` checks again as it
commits (one at a time): the later copy becomes the duplicate and the outputs it wrote are removed.

An ``OSError`` while reading the inbox or writing ``data_dir`` propagates: the Prefect tasks
retry those (and only those).

The after-ride question (:func:`ride`): a file already in the catalog is not processed again
when its stored report was made from the same inputs — same weather override, and the same
model version, config and personal calibration (:func:`answer_is_current`): then the
stored report is the answer (the rider asked the same question twice). Anything else — another
override, a weigh-in that moved the factor, a new body mass in the config — changes the answer,
so the file is processed again and its report replaced (atomically). A file refused before is
tried again: it costs little and the reader may have learnt to read it since. Every call is
recorded in the catalog's ``runs`` table: ``orchestrator="prefect"`` with the flow run id when the
Prefect flow ran it, ``"local"`` for the fast path. The nightly's bookkeeping around
:func:`process_file` is in :mod:`pipeline.usecases.nightly`.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel

from pipeline.core.config import Config
from pipeline.core.errors import RejectedFile
from pipeline.core.inputs import WeatherOverride
from pipeline.physiology.calibration import CalibrationPoint
from pipeline.store.catalog import ActivityRow, Catalog, DuplicateRow, FileRow, RejectionRow, recording_of, utc_now
from pipeline.store.copies import records_start_alike
from pipeline.store.files import atomic_directory, file_lock, sha256_file
from pipeline.store.inbox_index import stat_key
from pipeline.store.layout import report_relpath
from pipeline.store.weighins import absorb_scale_readings, calibrations_for
from pipeline.usecases.provenance import calibrations, estimate_inputs, sports_from_text

if TYPE_CHECKING:  # pandas and the model: imported where a file is processed, not to answer from the catalog
    from pipeline.fit.models import Activity, ScaleReading
    from pipeline.usecases.analyse import Analysis
    from pipeline.weather.models import WeatherSamples

INBOX_SUFFIXES: tuple[str, ...] = (".fit", ".fit.gz", ".zip")


@dataclass(frozen=True)
class InboxFile:
    """A candidate file found in the inbox."""

    path: Path
    size_bytes: int
    mtime_ns: int
    stat_key: tuple[int, int, int, int, int] | None = None  # pipeline.store.inbox_index.stat_key at the scan


def is_inbox_file(path: Path) -> bool:
    """``.fit``, ``.fit.gz`` or ``.zip`` (any case), not hidden."""
    name = path.name.lower()
    return not name.startswith(".") and name.endswith(INBOX_SUFFIXES)


def scan_inbox(inbox: Path) -> list[InboxFile]:
    """Every ``.fit`` / ``.fit.gz`` / ``.zip`` under ``inbox`` (sub-folders too), sorted by path.

    Read-only: nothing in the inbox is opened for writing, moved or deleted. Hidden files and
    folders (``.Trash``, ``.sync``) are skipped; symbolic links to folders are not followed.
    """
    inbox = Path(inbox)
    found: list[InboxFile] = []
    for folder, dirnames, filenames in os.walk(inbox, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            path = Path(folder, name)
            if not is_inbox_file(path):
                continue
            try:
                stat = os.stat(path)  # follows a link to a file, as reading it will
            except OSError:
                continue  # vanished or a dangling link: nothing to read
            if S_ISREG(stat.st_mode):
                found.append(InboxFile(path=path, size_bytes=stat.st_size, mtime_ns=stat.st_mtime_ns,
                                       stat_key=stat_key(stat)))
    return sorted(found, key=lambda f: str(f.path))


def inbox_problem(folder: Path) -> str | None:
    """Why ``folder`` cannot be read as an inbox ("inbox folder not found", "inbox is not a folder"),
    or None: the one wording of the nightly and of ``ride`` without a file."""
    if folder.is_dir():
        return None
    return "inbox folder not found" if not folder.exists() else "inbox is not a folder"


def newest_inbox_file(inbox: Path) -> Path | None:
    """The most recently modified inbox file (what a watch synced last), or None."""
    files = scan_inbox(inbox)
    if not files:
        return None
    return max(files, key=lambda f: (f.mtime_ns, str(f.path))).path


class ProcessedActivity(BaseModel):
    """One activity written to ``data_dir``: its catalog row and its report folder (absolute)."""

    row: ActivityRow
    report_dir: Path
    warnings: list[str] = []
    kept_manual: bool = False  # the stored answer made with the rider's own weather override was kept (not rewritten)


class FileOutcome(BaseModel):
    """What processing one inbox file gave; committed to the catalog by :func:`record_outcome`."""

    file: FileRow
    status: Literal["processed", "rejected", "duplicate"]
    activities: list[ProcessedActivity] = []
    rejections: list[RejectionRow] = []
    duplicates: list[DuplicateRow] = []
    skipped_members: list[tuple[str, str]] = []  # zip members left unread: ("file:member", why), not FIT
    seconds: float = 0.0

    @property
    def reason(self) -> str | None:
        return "; ".join([r.reason for r in self.rejections] + [d.reason for d in self.duplicates]) or None


def read_file_activities(path: Path) -> tuple[list[Activity], list[RejectedFile], list[ScaleReading],
                                              list[tuple[str, str]]]:
    """Decode an inbox file: the activities it holds, the refusals (of the file, or of zip members),
    a smart scale's weight-scale readings and the zip members left unread, each as
    ``("file:member", why)`` (not FIT: ``notes.txt``, an archive inside the archive).

    A ``.fit`` / ``.fit.gz`` gives one activity, one weight-scale file or one refusal; a ``.zip``
    may give several activities and refusals. A file that gives nothing at all is refused as a whole.
    """
    from pipeline.fit import read_fit

    result = read_fit(path)
    if not result.activities and not result.rejections and not result.scale_files:
        return [], [RejectedFile(path.name, "no FIT file inside (.fit or .fit.gz members)", "archive")], [], []
    return list(result.activities), list(result.rejections), result.scale_readings, list(result.skipped_members)


def _member(refusal: RejectedFile, path: Path) -> str:
    """The zip member a refusal is about ("" when it is about the file itself)."""
    for prefix in (f"{path.name}:", f"{path}:"):
        if refusal.source.startswith(prefix):
            return refusal.source[len(prefix):]
    return ""


def write_activity_outputs(analysis: Analysis, data_dir: Path, report_dir_rel: str) -> str | None:
    """Write the records (Parquet) and the report folder of one analysed activity, each atomically.

    Returns the records path relative to ``data_dir`` (None when there are no records).
    """
    activity = analysis.activity
    records_rel = None
    if activity is not None and activity.records is not None and len(activity.records.columns):
        from pipeline.store.records import write_records

        records_rel = write_records(data_dir, analysis.report.activity.id, activity.records)  # type: ignore[union-attr]
    from pipeline.report.writer import write_reports  # pandas, Jinja2, charts: imported only when a report is drawn

    with atomic_directory(Path(data_dir) / report_dir_rel) as tmp:
        write_reports(analysis, tmp)
    return records_rel


def yields_to_manual(stored: ActivityRow | None, override: WeatherOverride) -> bool:
    """Whether an automatic answer made with ``override`` (none, for a new file of the nightly; the
    stored one, for a re-estimate) must leave the stored answer alone: the rider gave a weather
    override by hand (``sweatline ride --temp/--humidity``) and it is not the one this answer used.
    The rule: an explicit manual override wins over the nightly's automatic answer,
    whichever finishes last."""
    if stored is None or (stored.override_temperature_c is None and stored.override_humidity_pct is None):
        return False
    return not override_matches(stored, override)


def process_activity(activity: Activity, config: Config, override: WeatherOverride | None = None, *,
                     sha256: str, run_id: str | None = None, manual: bool = True) -> ProcessedActivity:
    """Analyse one already-read activity (of the file whose SHA-256 is ``sha256``) and write its
    records and report folder; returns its catalog row (not yet committed) and report folder.

    ``manual=False`` (the nightly): the outputs are written under the file's lock
    (:func:`~pipeline.store.files.file_lock`), and not at all when the catalog holds an answer
    the rider made with their own override (:func:`yields_to_manual`): that answer is returned,
    ``kept_manual``. ``manual=True``: the caller holds the file's lock until it has committed."""
    override = override or WeatherOverride()
    weather = None
    if override.temperature_c is None or override.humidity_pct is None:  # the override wins outright
        from pipeline.weather import weather_for_activity

        weather = weather_for_activity(activity, config.weather, config.data_dir)
    analysis = _analyse_with_inputs(activity, config, override, weather)
    block = analysis.report.activity
    assert block is not None, "analyse_activity returns a report with its activity block"
    report_rel = report_relpath(block.id, block.sport, block.start_time)
    if manual:
        records_rel = write_activity_outputs(analysis, config.data_dir, report_rel)
    else:
        with file_lock(config.data_dir, sha256), Catalog(config.data_dir) as catalog:
            stored = catalog.activity(block.id)
            if yields_to_manual(stored, override):
                assert stored is not None
                return ProcessedActivity(row=stored, report_dir=Path(config.data_dir) / stored.report_dir,
                                         warnings=list(block.warnings), kept_manual=True)
            records_rel = write_activity_outputs(analysis, config.data_dir, report_rel)
    row = ActivityRow.from_report(
        analysis.report, file_sha256=sha256, report_dir=report_rel, records_path=records_rel,
        model_total_l=analysis.model_total_l,
        override_temperature_c=override.temperature_c, override_humidity_pct=override.humidity_pct,
        run_id=run_id, activity_key=activity.activity_key)
    unavailable = [f"weather: {note}" for note in weather.notes] if weather is not None and weather.failed else []
    return ProcessedActivity(row=row, report_dir=Path(config.data_dir) / report_rel,
                             warnings=list(block.warnings) + unavailable)


def leg_sports(activity: Activity) -> list[str]:
    """The sports whose calibrations an activity's estimate uses: each leg's."""
    return list(dict.fromkeys(leg.sport for leg in activity.legs)) or [activity.summary.sport]


def decoder_name(decoder: str) -> str:
    """The decoder with its version, as the report's ``inputs.decoder`` says it: "fitfast 0.1.0"."""
    from importlib.metadata import PackageNotFoundError, version

    try:  # fitparse's distribution on PyPI is "python-fitparse" (its module's __version__ is stale)
        return f"{decoder} {version({'fitparse': 'python-fitparse'}.get(decoder, decoder))}"
    except PackageNotFoundError:
        return decoder


def _analyse_with_inputs(activity: Activity, config: Config, override: WeatherOverride,
                         weather: WeatherSamples | None = None) -> Analysis:
    """:func:`analyse_activity` with each leg sport's calibration, its report carrying the inputs
    it was made from (:mod:`pipeline.usecases.provenance`).

    A weighed activity compares its weigh-in with its own model litres: when this estimate's
    litres differ from those stored (a config change: body mass 70 -> 95 kg), the calibration is
    recomputed with the new litres and the activity estimated once more (the model part does not
    depend on the calibration, so this settles at once)."""
    from pipeline.usecases.analyse import analyse_activity

    sports = leg_sports(activity)
    calibration = calibrations_for(config.data_dir, sports)
    analysis = analyse_activity(activity, config, override, calibration, weather)
    if analysis.model_total_l and analysis.report.activity is not None:
        again = calibrations_for(config.data_dir, sports, {analysis.report.activity.id: round(analysis.model_total_l, 3)})
        if estimate_inputs(config, None, None, again) != estimate_inputs(config, None, None, calibration):
            calibration = again
            analysis = analyse_activity(activity, config, override, calibration, weather)
    inputs = estimate_inputs(config, override.temperature_c, override.humidity_pct, calibration)
    athlete = analysis.athlete
    env = analysis.report.environment
    inputs = inputs.model_copy(update={
        "athlete": ({k: getattr(athlete, k) for k in ("body_mass_kg", "height_cm", "sex", "age", "hr_rest_bpm",
                                                      "hr_max_bpm", "ftp_w")} if athlete is not None else {}),
        "weather": ({"source": env.source, "temperature_c": env.temperature_c, "humidity_pct": env.humidity_pct}
                    if env is not None else {}),
        "decoder": decoder_name(activity.decoder)})
    analysis.report = analysis.report.model_copy(update={"inputs": inputs})
    return analysis


def answer_is_current(row: ActivityRow, config: Config, points: list[CalibrationPoint],
                      override: WeatherOverride | None = None) -> bool:
    """Whether a stored estimate was made from the inputs the same question would use now:
    the model version, the config, the override (``override``; default: the one it was made with)
    and the calibration of its leg sports from the weigh-ins ``points``. Cheap: no decoding.
    Rows from before fingerprints were kept are never current."""
    if row.inputs_fingerprint is None:
        return False
    t, h = ((override.temperature_c, override.humidity_pct) if override is not None
            else (row.override_temperature_c, row.override_humidity_pct))
    now = estimate_inputs(config, t, h, calibrations(points, sports_from_text(row.calibration_sports, row.sport)))
    return now.fingerprint == row.inputs_fingerprint


def process_file(path: Path, config: Config, override: WeatherOverride | None = None,
                 run_id: str | None = None, sha256: str | None = None, *, manual: bool = False) -> FileOutcome:
    """Decode, analyse and write one inbox file; bad data comes back as a rejected outcome.

    ``manual``: the rider asked for this answer now (``sweatline ride``, holding the file's lock
    through :func:`record_outcome`); otherwise (the nightly) it yields to a stored answer made with
    the rider's own weather override (:func:`process_activity`).

    Raises ``OSError`` for I/O trouble (worth a retry) and anything else for an internal error.
    """
    started = utc_now()
    path = Path(path)
    sha = sha256 or sha256_file(path)
    size = path.stat().st_size
    override = override or WeatherOverride()
    activities: list[ProcessedActivity] = []
    rejections: list[RejectionRow] = []
    decoded, refusals, readings, skipped = read_file_activities(path)
    scale_readings = None  # a smart scale's weight file is kept for weigh-ins, not refused
    if readings:
        scale_readings = absorb_scale_readings(config.data_dir, readings, sha, path.name, config.athlete.body_mass_kg)
    for refusal in refusals:
        rejections.append(RejectionRow(file_sha256=sha, member=_member(refusal, path), name=path.name, path=str(path),
                                       kind=refusal.kind, reason=refusal.reason, rejected_at=utc_now(),
                                       run_id=run_id))
    duplicates: list[DuplicateRow] = []
    seen: dict[str, Activity] = {}  # a zip holding one activity twice
    with Catalog(config.data_dir) as catalog:
        firsts = {a.activity_key: catalog.activity_by_key(a.activity_key, other_than_file=sha) for a in decoded}
    for activity in decoded:
        key = activity.activity_key
        first = firsts.get(key) if key else None
        if first is not None or (key and key in seen):
            first_id, first_source = ((first.id, first.source) if first is not None
                                      else (seen[key].summary.id, seen[key].summary.source))
            duplicates.append(_duplicate_row(path.name, str(path), sha, activity.summary.source, activity.activity_key,
                                             first_id, first_source, run_id))
            continue
        if key:
            seen[key] = activity
        activities.append(process_activity(activity, config, override, sha256=sha, run_id=run_id, manual=manual))
    return _outcome(path, sha, size, started, run_id, activities, rejections, duplicates,
                    kept_scale=scale_readings is not None, skipped_members=skipped)


def longer_copy(catalog: Catalog, row: ActivityRow) -> ActivityRow | None:
    """The activity held already of which ``row`` (written, not yet committed) is a damaged, shorter
    copy: ``row`` is salvaged (read as far as its damage allowed), of the same device recording,
    starts at the same instant, its timer time and distance are at most that activity's
    (:func:`_shorter`) and its records are the start of that activity's
    (:func:`~pipeline.store.copies.records_start_alike`). A truncated upload of a ride already in
    the catalog, say: counted twice, it doubled the day's sweat in the digest. None for an undamaged
    activity, whose shorter twin from a converter that stamps one ``file_id`` may be a ride of its
    own (:mod:`pipeline.fit.identity`)."""
    if not row.salvaged:
        return None
    for held in catalog.copies_of_recording(recording_of(row.activity_key), row.start_time,
                                            other_than_file=row.file_sha256):
        if _shorter(row.timer_s, row.distance_m, held.timer_s, held.distance_m, strictly=False) \
                and records_start_alike(catalog.data_dir, row.records_path, held.records_path):
            return held
    return None


def _shorter(timer_s: float | None, distance_m: float | None, other_timer_s: float | None,
             other_distance_m: float | None, *, strictly: bool) -> bool:
    """Whether an activity of ``timer_s`` and ``distance_m`` fits within the other: its timer time at
    most (``strictly``: below) the other's, and its distance, where both have one, not beyond it."""
    timer, other = timer_s or 0.0, other_timer_s or 0.0
    if timer > other or (strictly and timer == other):
        return False
    return distance_m is None or other_distance_m is None or distance_m <= other_distance_m + 1.0


def _superseded(catalog: Catalog, row: ActivityRow) -> list[tuple[DuplicateRow, ActivityRow]]:
    """The salvaged activities held already that ``row`` replaces, each with the duplicate row its
    file gets: the other side of :func:`longer_copy`, when the damaged copy arrived first (a device
    that saved a partial file before the whole one)."""
    found = []
    for copy in catalog.copies_of_recording(recording_of(row.activity_key), row.start_time,
                                            other_than_file=row.file_sha256):
        if copy.salvaged and _shorter(copy.timer_s, copy.distance_m, row.timer_s, row.distance_m, strictly=True) \
                and records_start_alike(catalog.data_dir, copy.records_path, row.records_path):
            held = catalog.file(copy.file_sha256)
            file_name = held.name if held is not None else copy.source.split(":", 1)[0]
            found.append((_duplicate_row(file_name, held.path if held is not None else file_name, copy.file_sha256,
                                         copy.source, copy.activity_key, row.id, row.source, row.run_id), copy))
    return found


def _duplicate_row(file_name: str, file_path: str, sha: str, source: str, activity_key: str | None, first_id: str,
                   first_source: str, run_id: str | None) -> DuplicateRow:
    """The row of one copy — the file ``file_name``, or its zip member when ``source`` is
    ``file:member`` — of the activity ``first_id`` already held."""
    member = source[len(file_name) + 1:] if source.startswith(f"{file_name}:") else ""
    return DuplicateRow(file_sha256=sha, member=member, name=file_name, path=file_path,
                        activity_key=activity_key or "", duplicate_of=first_id, first_source=first_source,
                        seen_at=utc_now(), run_id=run_id)


def _outcome(path: Path, sha: str, size: int, started: datetime, run_id: str | None, activities: list[ProcessedActivity],
             rejections: list[RejectionRow], duplicates: list[DuplicateRow], *, kept_scale: bool,
             skipped_members: list[tuple[str, str]] | None = None) -> FileOutcome:
    """The file's outcome: processed (an activity, or a scale's readings kept), duplicate (nothing
    new but copies of activities already held), else rejected. ``skipped_members``: a zip's members
    not read, ``("file:member", why)``."""
    status: Literal["processed", "rejected", "duplicate"]
    if activities or kept_scale:
        status = "processed"
    elif duplicates:
        status = "duplicate"
    else:
        status = "rejected"
    now = utc_now()
    reason = "; ".join(f"{d.member}: {d.reason}" if d.member else d.reason for d in duplicates) or None
    file_row = FileRow(sha256=sha, name=path.name, path=str(path), size_bytes=size, status=status,
                       activities=len(activities), first_seen_at=started, processed_at=now, run_id=run_id,
                       reason=reason)
    return FileOutcome(file=file_row, status=status, activities=activities, rejections=rejections,
                       duplicates=duplicates, skipped_members=skipped_members or [],
                       seconds=(now - started).total_seconds())


def record_outcome(catalog: Catalog, outcome: FileOutcome, *, manual: bool = False) -> FileOutcome:
    """Commit one file's outcome to the catalog (one transaction); returns what was committed.

    An activity another file gave meanwhile (two copies processed side by side in one nightly
    run) becomes a duplicate here, and the report and records it wrote are removed. Outcomes are
    committed one at a time, so the first committed copy is the activity and every later one
    its duplicate.

    Not ``manual`` (the nightly): committed under the file's lock, and an activity whose stored
    answer the rider made meanwhile with their own weather override keeps that answer (its row
    and its report, which that run wrote after this one's): see :func:`yields_to_manual`.
    ``manual``: the caller (``sweatline ride``) holds the file's lock.
    """
    if manual:
        return _commit(catalog, outcome)
    with file_lock(catalog.data_dir, outcome.file.sha256):
        return _commit(catalog, _keep_manual(catalog, outcome))


def _commit(catalog: Catalog, outcome: FileOutcome) -> FileOutcome:
    outcome = _late_duplicates(catalog, outcome)
    if outcome.status in ("processed", "duplicate"):
        rows = [a.row for a in outcome.activities if not a.kept_manual]
        superseded = {(d.file_sha256, d.member): (d, copy) for row in rows
                      for d, copy in _superseded(catalog, row)}
        catalog.record_processed(outcome.file, rows, outcome.rejections, outcome.duplicates,
                                 superseded=[d for d, _ in superseded.values()])
        kept_dirs = {row.report_dir for row in rows}
        for _, copy in superseded.values():
            if copy.report_dir not in kept_dirs:
                _remove_outputs(catalog.data_dir, copy)
    else:
        catalog.record_rejected(outcome.file, outcome.rejections)
    return outcome


def _keep_manual(catalog: Catalog, outcome: FileOutcome) -> FileOutcome:
    """The outcome with every automatic answer that must yield to a stored manual one replaced by it."""
    kept = []
    for processed in outcome.activities:
        stored = catalog.activity(processed.row.id)
        if not processed.kept_manual and stored is not None and yields_to_manual(
                stored, WeatherOverride(temperature_c=processed.row.override_temperature_c,
                                        humidity_pct=processed.row.override_humidity_pct)):
            processed = ProcessedActivity(row=stored, report_dir=Path(catalog.data_dir) / stored.report_dir,
                                          warnings=processed.warnings, kept_manual=True)
        kept.append(processed)
    return outcome.model_copy(update={"activities": kept})


def _late_duplicates(catalog: Catalog, outcome: FileOutcome) -> FileOutcome:
    kept: list[ProcessedActivity] = []
    duplicates = list(outcome.duplicates)
    for processed in outcome.activities:
        row = processed.row
        first = (catalog.activity_by_key(row.activity_key, other_than_file=row.file_sha256)
                 or longer_copy(catalog, row))
        if first is None:
            kept.append(processed)
            continue
        duplicates.append(_duplicate_row(outcome.file.name, outcome.file.path, row.file_sha256, row.source,
                                         row.activity_key, first.id, first.source, row.run_id))
        if first.report_dir != row.report_dir:  # the same bytes in another container share the folder
            _remove_outputs(catalog.data_dir, row)
    if len(kept) == len(outcome.activities):
        return outcome
    path = Path(outcome.file.path)
    return _outcome(path, outcome.file.sha256, outcome.file.size_bytes, outcome.file.first_seen_at,
                    outcome.file.run_id, kept, outcome.rejections, duplicates,
                    kept_scale=outcome.status == "processed" and not outcome.activities)


def _remove_outputs(data_dir: Path, row: ActivityRow) -> None:
    """The report folder and records a late duplicate wrote (no catalog row will point at them)."""
    import shutil

    report = data_dir / row.report_dir
    if report.is_dir():
        shutil.rmtree(report, ignore_errors=True)
    if row.records_path:
        (data_dir / row.records_path).unlink(missing_ok=True)


def override_matches(row: ActivityRow, override: WeatherOverride) -> bool:
    """Whether a stored activity was estimated with this same weather override."""
    return (row.override_temperature_c == override.temperature_c
            and row.override_humidity_pct == override.humidity_pct)



# --- the after-ride question: one file now, with an optional weather override -----------------
