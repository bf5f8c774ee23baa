"""Committing one file's outcome to the catalog: one transaction, after its files are written, so
a catalog row never points at a missing report.

The copies policy is applied again as each outcome is committed, one at a time
(:mod:`pipeline.usecases.copies`), and a stored answer the rider made with their own weather
override is kept over the nightly's (:func:`pipeline.usecases.freshness.yields_to_manual`).
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from pipeline.core.inputs import WeatherOverride
from pipeline.store.catalog import Catalog
from pipeline.store.files import file_lock
from pipeline.store.weighins import WeighIns
from pipeline.usecases.copies import late_duplicates, superseded, taken_over
from pipeline.usecases.freshness import yields_to_manual
from pipeline.usecases.outcome import FileOutcome, remove_outputs
from pipeline.weather.cache import WeatherCache


def record_outcome(catalog: Catalog, outcome: FileOutcome, *, manual: bool = False, take_over: bool = False) -> FileOutcome:
    """Commit one file's outcome to the catalog (one transaction); returns what was committed.

    An activity another file gave meanwhile (two copies processed side by side in one nightly
    run) becomes a duplicate here, and the report and records it wrote are removed. Outcomes are
    committed one at a time, so the first committed copy is the activity and every later one
    its duplicate.

    Not ``manual`` (the nightly): committed under the file's lock, and an activity whose stored
    answer the rider made meanwhile with their own weather override keeps that answer (its row
    and its report, which that run wrote after this one's): see :func:`yields_to_manual`.
    ``manual``: the caller (``sweatline ride``) holds the file's lock. ``take_over``: the file was
    read with the weather the rider gave for it (:func:`pipeline.usecases.copies.split_copies`,
    ``retake``): an activity of it held from another file with other weather is taken over
    (:func:`pipeline.usecases.copies.taken_over`), that file's copy becoming its duplicate.
    """
    if manual:
        committed = _commit(catalog, outcome, take_over=take_over)
    else:
        with file_lock(catalog.data_dir, outcome.file.sha256):
            committed = _commit(catalog, _keep_manual(catalog, outcome))
    _keep_side_rows(catalog, outcome)
    return committed


def _keep_side_rows(catalog: Catalog, outcome: FileOutcome) -> None:
    """What the reader found for the catalog beside the file's own rows, written here, where the
    flow runs: a smart scale's readings (paired with the activities held) and the weather hours
    the provider answered (the cache: a failure to keep them costs a request next time, nothing more)."""
    if outcome.scale_readings:
        store = WeighIns(catalog)
        store.add_scale_readings(outcome.scale_readings, source_sha256=outcome.file.sha256,
                                 source_name=outcome.file.name)
        store.pair_scale_readings(outcome.scale_reference_mass_kg)
    for processed in outcome.activities:
        if processed.weather_hours and processed.weather_provider:
            try:
                WeatherCache(catalog.data_dir, processed.weather_provider).store(processed.weather_hours)
            except sqlite3.Error:
                pass  # the cache is an extra: the hours are asked again next time


def _commit(catalog: Catalog, outcome: FileOutcome, *, take_over: bool = False) -> FileOutcome:
    """The outcome's rows written, the damaged copies its activities replace (and, ``take_over``,
    the copies held with other weather) turned into duplicate rows (their outputs removed), late
    duplicates first taken out."""
    taken = {row.id: taken_over(catalog, row) for row in (a.row for a in outcome.activities)} if take_over else {}
    outcome = late_duplicates(catalog, outcome, keep=frozenset(i for i, found in taken.items() if found))
    if outcome.status in ("processed", "duplicate"):
        rows = [a.row for a in outcome.activities if not a.kept_manual]
        replaced = {(d.file_sha256, d.member): (d, copy) for row in rows
                    for d, copy in superseded(catalog, row) + taken.get(row.id, [])}
        catalog.record_processed(outcome.file, rows, outcome.rejections, outcome.duplicates,
                                 superseded=[d for d, _ in replaced.values()])
        kept_dirs = {row.report_dir for row in rows}
        for _, copy in replaced.values():
            if copy.report_dir not in kept_dirs:
                remove_outputs(catalog.data_dir, copy)
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
            processed = processed.model_copy(update={
                "row": stored, "report_dir": Path(catalog.data_dir) / stored.report_dir, "kept_manual": True})
        kept.append(processed)
    return outcome.model_copy(update={"activities": kept})
