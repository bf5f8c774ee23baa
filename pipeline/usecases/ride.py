"""The after-ride use case: one file now, answered from the catalog when nothing changed.

Called by the ``after-ride`` flow's task and by the fast path of ``sweatline ride`` alike. A file
already in the catalog whose stored estimate was made from the same inputs (the weather override,
the config, the model, the calibration: :mod:`pipeline.usecases.provenance`) is not processed again: its
stored report is the answer. Anything else processes the file with
:func:`pipeline.usecases.ingest.process_file` — in a guarded worker process
(:func:`pipeline.usecases.guarded.process_file_guarded`: a file over ``limits.file_time_s`` or
``limits.file_memory_mb`` is refused with one line) — and replaces the report (atomically). A file
refused before is tried again. Every call is a row in the catalog's ``runs`` table.
"""
from __future__ import annotations

import json
import shlex
import sqlite3
import threading
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from pipeline.core.config import Config
from pipeline.core.errors import RejectedFile, UsageError
from pipeline.core.inputs import WeatherOverride
from pipeline.core.units import temperature
from pipeline.fit.archive import stored_bytes_cap
from pipeline.store.catalog import ActivityRow, Catalog, RunRow, rejected_files, utc_now
from pipeline.store.files import file_lock, sha256_file
from pipeline.store.weighins import WeighIns
from pipeline.usecases.freshness import answer_is_current, override_matches
from pipeline.usecases.inbox import inbox_problem, newest_first

if TYPE_CHECKING:  # what reading a file needs: imported where a file is read, not for a stored answer
    from pipeline.usecases.outcome import FileOutcome

AFTER_RIDE = "after-ride"  # the runs-table name of a one-file run (the flow's name too)


class RideResult(BaseModel):
    """What ``after-ride`` gives back: the headline numbers and where the report is."""

    fit_file: str
    activity: ActivityRow
    report_dir: Path
    report_json: Path
    reused: bool  # True: the stored report already answered this question
    stale: bool = False  # a stored report (of another copy) made before its inputs changed: not current
    duplicate_of: str | None = None  # the file already holding this activity, when the one given is its copy
    run_id: str
    orchestrator: str
    warnings: list[str] = []

    def headline_lines(self) -> list[str]:
        """The figures a rider reads first, one per line."""
        a = self.activity
        lines = [f"{a.source}: {a.sport}, {(a.timer_s or 0) / 60:.0f} min, {(a.distance_m or 0) / 1000:.1f} km"]
        if a.sweat_total_l is not None:
            lines.append(f"sweat: {a.sweat_total_l:.1f} L ({a.sweat_low_l:.1f}-{a.sweat_high_l:.1f} L), "
                         f"{a.sweat_rate_l_per_h:.2f} L/h")
        if a.temperature_c is not None:
            lines.append(f"weather: {temperature(a.temperature_c, 0)}, {a.humidity_pct:.0f} % ({a.environment_source})")
        lines.append(f"report: {self.report_dir / 'report.html'}")
        return lines


NEWEST_LOOKED_AT = 20
"""``sweatline ride`` without a file passes over at most this many newest inbox files the catalog
already refused, looking for one that is not: past them it takes the newest (and says why it fails)."""


def resolve_fit_file(fit_file: str | Path | None, config: Config) -> Path:
    """The file to process: as given, else the newest file of the inbox folders (the first must be
    there) that the catalog has not already refused as a whole (a file that is no activity, synced
    last, is not what the rider means by "my last ride"); when every one looked at was refused, the
    newest, whose refusal then names it."""
    if fit_file is None or str(fit_file) == "":
        inbox = Path(config.inbox)
        problem = inbox_problem(inbox)  # as the nightly says it (pipeline.usecases.nightly.inbox_for)
        if problem is not None:
            raise UsageError(str(inbox), f"{problem}: give a file (sweatline ride FILE)")
        files = newest_first([folder for folder in config.inboxes if inbox_problem(folder) is None])
        if not files:
            raise UsageError(str(config.inbox), "no activity file in the inbox folders: give a file (sweatline ride FILE)")
        for found in files[:NEWEST_LOOKED_AT]:
            try:
                sha = sha256_file(found.path, stored_bytes_cap(found.path))
            except OSError:
                return found.path  # reading it says what is wrong
            if not rejected_files(Path(config.data_dir), [sha]):
                return found.path
        return files[0].path
    path = Path(fit_file).expanduser()
    if not path.exists():
        raise UsageError(str(fit_file), "no such file")
    if not path.is_file():
        raise UsageError(str(fit_file), "not a file")
    return path


def ride(fit_file: str | Path | None, config: Config, override: WeatherOverride, *, orchestrator: str,
         prefect_flow_run_id: str | None = None) -> list[RideResult]:
    """Process one file for the after-ride flow; one result per activity in it (a zip may hold several).

    Raises :class:`RejectedFile` (one line, recorded in the catalog) for a file that is not a
    usable activity, :class:`UsageError` for a missing file.
    """
    path = resolve_fit_file(fit_file, config)
    shown = str(fit_file) if fit_file is not None else str(path)
    run_id = uuid.uuid4().hex
    data_dir = Path(config.data_dir)
    with Catalog(config.data_dir) as catalog:
        catalog.start_run(RunRow(
            id=run_id, flow=AFTER_RIDE, orchestrator="prefect" if orchestrator == "prefect" else "local",
            prefect_flow_run_id=prefect_flow_run_id, started_at=utc_now(),
            parameters={"fit_file": str(path), "temperature_c": override.temperature_c,
                        "humidity_pct": override.humidity_pct}))
        try:
            sha = sha256_file(path, stored_bytes_cap(path))  # a file over its kind's size is not read
            with file_lock(config.data_dir, sha):  # a nightly writing this file waits, then yields
                outcome, repeated, reused = _answer(catalog, path, shown, sha, config, override, run_id, orchestrator)
        except BaseException as exc:
            catalog.finish_run(run_id, state="failed", processed=0, skipped=0, rejected=0, failed=1,
                               summary=f"{path.name}: {type(exc).__name__}: {exc}"[:500])
            raise
        if reused is not None:
            return reused
        assert outcome is not None
        if outcome.status == "rejected":
            first = outcome.rejections[0]
            catalog.finish_run(run_id, state="failed", processed=0, skipped=0, rejected=1, failed=0,
                               summary=f"rejected {path.name}: {outcome.reason}")
            raise RejectedFile(shown if not first.member else f"{shown}:{first.member}", first.reason, kind=first.kind)
        if outcome.status == "duplicate":
            catalog.finish_run(run_id, state="completed", processed=0, skipped=1, rejected=0, failed=0,
                               summary=f"{path.name}: {outcome.reason}, its report reused")
            return _with_set_aside(repeated, outcome, path)
        if not outcome.activities:  # e.g. a smart scale's weight file: kept for weigh-ins, but no activity to report
            catalog.finish_run(run_id, state="completed", processed=1, skipped=0, rejected=0, failed=0,
                               summary=f"processed {path.name}: no activity in it")
            raise RejectedFile(shown, "holds no activity (a weight-scale file's readings are kept for weigh-ins)",
                               kind="not_activity")
        catalog.finish_run(run_id, state="completed", processed=1, skipped=0, rejected=len(outcome.rejections),
                           failed=0, summary=f"processed {path.name}: {len(outcome.activities)} activity(ies)")
        results = _with_set_aside([_result(shown, a.row, data_dir, run_id, orchestrator, reused=False,
                                           warnings=a.warnings) for a in outcome.activities] + repeated, outcome, path)
    _refresh_front_door(config)
    return results


def _with_set_aside(results: list[RideResult], outcome: FileOutcome, path: Path) -> list[RideResult]:
    """``results`` with the zip's members set aside (refused) or left unread (not FIT files) among the
    first one's warnings: the rider hears of them whether the activities beside them were new or
    copies of ones already held."""
    if not results or not (outcome.rejections or outcome.skipped_members):
        return results
    set_aside = ([f"{r.member or r.name}: {r.reason}" for r in outcome.rejections]
                 + [f"{source.removeprefix(path.name + ':')}: {why}" for source, why in outcome.skipped_members])
    return [results[0].model_copy(update={"warnings": results[0].warnings + set_aside}), *results[1:]]


def _refresh_front_door(config: Config) -> None:
    """The index and digest pages with this ride's new answer (not waiting for the nightly). The
    answer is already stored: a storage problem here leaves the pages to the next nightly."""
    from pipeline.usecases.front_door import refresh_front_door

    try:
        refresh_front_door(config)
    except (OSError, sqlite3.Error):
        pass


def _warm_front_door() -> None:
    """:func:`pipeline.usecases.front_door.warm_front_door`, on a thread: a failure here only means the refresh
    does the same work later (and meets the same error there, where it is handled)."""
    from pipeline.usecases.front_door import warm_front_door

    try:
        warm_front_door()
    except Exception:  # best effort: the refresh imports and compiles what is missing
        pass


def _answer(catalog: Catalog, path: Path, shown: str, sha: str, config: Config, override: WeatherOverride,
            run_id: str, orchestrator: str) -> tuple[FileOutcome | None, list[RideResult], list[RideResult] | None]:
    """The stored answer when it is current (third item), else the file processed and committed."""
    stored = catalog.activities(sha)
    data_dir = Path(config.data_dir)
    points = WeighIns(catalog).calibration_points() if stored else []
    if stored and all(override_matches(r, override) and stored_report_intact(data_dir / r.report_dir / "report.json")
                      and answer_is_current(r, config, points, override) for r in stored):
        catalog.finish_run(run_id, state="completed", processed=0, skipped=1, rejected=0, failed=0,
                           summary=f"{path.name}: already processed with the same inputs (weather, weigh-ins, config, model), report reused")
        return None, [], [_result(shown, row, data_dir, run_id, orchestrator, reused=True,
                                  warnings=_stored_warnings(data_dir / row.report_dir / "report.json")) for row in stored]
    from pipeline.usecases.commit import record_outcome
    from pipeline.usecases.guarded import process_file_guarded

    warming = threading.Thread(target=_warm_front_door, name="sweatline-warm-front-door", daemon=True)
    warming.start()  # while the guard's child reads the file, this process gets the index and digest ready
    given = override.temperature_c is not None or override.humidity_pct is not None
    try:
        outcome = record_outcome(catalog, _taking_over(catalog, process_file_guarded(
            path, config, override, run_id=run_id, sha256=sha, manual=True, take_over=given)),
            manual=True, take_over=given)
        if not _all_current(catalog, outcome, config, override):  # it replaced a damaged copy weighed around:
            outcome = record_outcome(catalog, process_file_guarded(  # estimated again with that weigh-in
                path, config, override, run_id=run_id, sha256=sha, manual=True, take_over=given),
                manual=True, take_over=given)
    finally:
        warming.join()  # done by now, as a rule; never left importing while the interpreter exits
    return outcome, _repeated(catalog, outcome, shown, config, run_id, orchestrator, override), None


def _taking_over(catalog: Catalog, outcome: FileOutcome) -> FileOutcome:
    """``outcome`` with a warning on each activity that takes over a copy held from another file
    (estimated there with other weather: :func:`pipeline.usecases.copies.taken_over`), naming it."""
    from pipeline.usecases.copies import taken_over

    activities = []
    for processed in outcome.activities:
        taken = [copy.source for _, copy in taken_over(catalog, processed.row)]
        if taken:
            processed = processed.model_copy(update={"warnings": [
                f"the same activity as {', '.join(taken)}, estimated again from this file with the weather given; "
                "that copy now points here", *processed.warnings]})
        activities.append(processed)
    return outcome.model_copy(update={"activities": activities})


def _all_current(catalog: Catalog, outcome: FileOutcome, config: Config, override: WeatherOverride) -> bool:
    """Whether every activity just committed was estimated with the weigh-ins the catalog now holds:
    not so when it replaced a damaged copy of its recording that was weighed around (the weigh-in
    moved to it on commit, after its estimate was made). Only an activity that now holds a weigh-in
    can be so: the others are not looked at (no calibration read after every new file)."""
    weighins = WeighIns(catalog)
    weighed = [a.row for a in outcome.activities if not a.kept_manual and weighins.get(a.row.id) is not None]
    if not weighed:
        return True
    points = weighins.calibration_points()
    return all(answer_is_current(row, config, points, override) for row in weighed)


def _repeated(catalog: Catalog, outcome: FileOutcome, shown: str, config: Config, run_id: str, orchestrator: str,
              override: WeatherOverride) -> list[RideResult]:
    """The stored answers for the activities of ``outcome`` that were duplicates of ones already held.
    One made before its inputs changed (a weigh-in since, say) is given as such (``stale``), with
    the command that estimates it again: a user was told "already processed with these inputs"."""
    results = []
    data_dir = Path(config.data_dir)
    points = WeighIns(catalog).calibration_points() if outcome.duplicates else []
    for duplicate in outcome.duplicates:
        first = catalog.activity(duplicate.duplicate_of)
        if first is None:
            continue
        note = (f"{duplicate.member or duplicate.name}: {duplicate.reason} (the same activity), whose report "
                "is the answer")
        holder = _holder(catalog, first)
        given = override.temperature_c is not None or override.humidity_pct is not None
        if given and not override_matches(first, override):  # taken over as a rule: only if it could not be
            note += (f"; the weather given was not applied: run `sweatline ride {holder}` with the same weather "
                     "options for that")
        stale = not answer_is_current(first, config, points)  # with the override it was made with
        if stale:
            note += (f"; that report was made before its inputs changed (weigh-ins, config or model): run "
                     f"`sweatline ride {holder}` for a fresh estimate")
        stored = _stored_warnings(data_dir / first.report_dir / "report.json")
        results.append(_result(shown, first, data_dir, run_id, orchestrator, reused=True, warnings=[note] + stored,
                               stale=stale).model_copy(update={"duplicate_of": first.source}))
    return results


def _holder(catalog: Catalog, first: ActivityRow) -> str:
    """The file to give ``sweatline ride`` to estimate ``first`` again: the path of the file holding
    it as the catalog has it (an export zip, for a member: ``ride`` takes the zip, not
    ``zip:member``), quoted for a shell where it needs it; its source when the file row is gone."""
    held = catalog.file(first.file_sha256)
    if held is None:
        return shlex.quote(first.source.split(":", 1)[0])
    return shlex.quote(held.path)


def _result(shown: str, row: ActivityRow, data_dir: Path, run_id: str, orchestrator: str, *, reused: bool,
            warnings: list[str] | None = None, stale: bool = False) -> RideResult:
    report_dir = data_dir / row.report_dir
    return RideResult(fit_file=shown, activity=row, report_dir=report_dir, report_json=report_dir / "report.json",
                      reused=reused, run_id=run_id, orchestrator=orchestrator, warnings=warnings or [], stale=stale)


def stored_report_intact(report_json: Path) -> bool:
    """Whether a stored ``report.json`` is there and is a whole report (parses as
    :class:`~pipeline.core.schema.Report`): a damaged one (cut off, edited, another file) is never
    given as the answer; the file is read again and its report written anew."""
    from pydantic import ValidationError

    from pipeline.core.schema import Report

    try:
        stored = json.loads(report_json.read_bytes())
        if not isinstance(stored, dict) or not STORED_REPORT_KEYS <= stored.keys():
            return False
        Report.model_validate(stored)
    except (OSError, ValueError, ValidationError):
        return False
    return True


STORED_REPORT_KEYS = frozenset({"schema_version", "activity", "environment", "sweat", "inputs"})
"""Keys every report of a recorded activity has (the model gives most of them defaults, so ``{}``
would validate as a report)."""


def _stored_warnings(report_json: Path) -> list[str]:
    """The ingest warnings (e.g. "salvaged: …") kept in a stored report, to repeat them on reuse."""
    try:
        activity = json.loads(report_json.read_text(encoding="utf-8")).get("activity") or {}
    except (OSError, ValueError):
        return []
    warnings = activity.get("warnings") if isinstance(activity, dict) else None
    return [str(w) for w in warnings] if isinstance(warnings, list) else []
