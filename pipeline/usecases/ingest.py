"""One inbox file in, its reports written and its outcome out, as plain functions.

No Prefect here (and nothing from ``flows``): the ``after-ride`` and ``nightly`` flows wrap these
functions in Prefect tasks, the fast path of ``sweatline ride`` calls them directly, and the
guard's child process imports this module to read files (:mod:`pipeline.usecases.guarded`).

One file, start to finish (:func:`process_file`):

1. hash it (SHA-256 of the bytes as stored: the catalog key);
2. decode it (``pipeline.fit``): a :class:`~pipeline.core.errors.RejectedFile` becomes a
   :class:`~pipeline.store.RejectionRow` with its one-line reason — bad data is an outcome,
   not a failure, so it is never retried;
3. set aside the copies of activities already held (:mod:`pipeline.usecases.copies`);
4. analyse each other activity (``pipeline.usecases.analyse``) with the config and the weather override;
5. write its records (Parquet) and its report folder, each atomically;
6. return a :class:`~pipeline.usecases.outcome.FileOutcome` that
   :func:`pipeline.usecases.commit.record_outcome` commits to the catalog in one transaction — after
   the files, so a catalog row never points at a missing report.

An ``OSError`` while reading the inbox or writing ``data_dir`` propagates: the Prefect tasks
retry those (and only those).
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.core.config import Config
from pipeline.core.errors import RejectedFile
from pipeline.core.inputs import WeatherOverride
from pipeline.fit.archive import stored_bytes_cap
from pipeline.store.catalog import ActivityRow, Catalog, RejectionRow, utc_now
from pipeline.store.files import atomic_directory, file_lock, sha256_file
from pipeline.store.layout import report_relpath
from pipeline.store.weighins import WeighIns, WeighInSnapshot, weighin_snapshot
from pipeline.usecases.copies import split_copies
from pipeline.usecases.freshness import yields_to_manual
from pipeline.usecases.outcome import FileOutcome, ProcessedActivity, file_outcome
from pipeline.usecases.provenance import estimate_inputs

if TYPE_CHECKING:  # pandas and the model: imported where a file is processed, not to answer from the catalog
    from pipeline.fit.models import Activity, ScaleReading
    from pipeline.usecases.analyse import Analysis
    from pipeline.weather.models import WeatherSamples


def read_file_activities(path: Path) -> tuple[list[Activity], list[RejectedFile], list[ScaleReading],
                                              list[tuple[str, str]]]:
    """Decode an inbox file: the activities it holds, the refusals (of the file, or of zip members),
    a smart scale's weight-scale readings and the zip members left unread, each as
    ``("file:member", why)`` (not FIT: ``notes.txt``, an archive inside the archive).

    A ``.fit`` / ``.fit.gz`` gives one activity, one weight-scale file or one refusal; a ``.zip``
    may give several activities and refusals. A file that gives nothing at all is refused as a whole.
    """
    from pipeline.fit import read_fit
    from pipeline.fit.reader import nothing_read

    result = read_fit(path)
    if not result.activities and not result.rejections and not result.scale_files:
        return [], [nothing_read(path.name, result.skipped_members)], [], []
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
    activity, summary = analysis.activity, analysis.report.activity
    records_rel = None
    if activity is not None and summary is not None and activity.records is not None and len(activity.records.columns):
        from pipeline.store.records import write_records

        records_rel = write_records(data_dir, summary.id, activity.records)
    from pipeline.report.writer import write_reports  # pandas, Jinja2, charts: imported only when a report is drawn

    with atomic_directory(Path(data_dir) / report_dir_rel) as tmp:
        write_reports(analysis, tmp)
    return records_rel


def process_activity(activity: Activity, config: Config, override: WeatherOverride | None = None, *,
                     sha256: str, run_id: str | None = None, manual: bool = True,
                     weighins: WeighInSnapshot | None = None) -> ProcessedActivity:
    """Analyse one already-read activity (of the file whose SHA-256 is ``sha256``) and write its
    records and report folder; returns its catalog row (not yet committed) and report folder.

    ``weighins``: the catalog's weigh-ins already read (default: read here, :func:`weighin_snapshot`).
    ``manual=False`` (the nightly): the outputs are written under the file's lock
    (:func:`~pipeline.store.files.file_lock`), and not at all when the catalog holds an answer
    the rider made with their own override (:func:`~pipeline.usecases.freshness.yields_to_manual`): that answer is returned,
    ``kept_manual``. ``manual=True``: the caller holds the file's lock until it has committed."""
    override = override or WeatherOverride()
    weather = None
    if override.temperature_c is None or override.humidity_pct is None:  # the override wins outright
        from pipeline.weather import weather_for_activity

        weather = weather_for_activity(activity, config.weather, config.data_dir)
    analysis = _analyse_with_inputs(activity, config, override, weather, weighins)
    block = analysis.report.activity
    assert block is not None, "analyse_activity returns a report with its activity block"
    report_rel = report_relpath(block.id, block.sport, block.start_time)
    if manual:
        records_rel = write_activity_outputs(analysis, config.data_dir, report_rel)
    else:
        with file_lock(config.data_dir, sha256), Catalog(config.data_dir, read_only=True) as catalog:
            stored = catalog.activity(block.id)
            if yields_to_manual(stored, override):
                assert stored is not None
                return ProcessedActivity(row=stored, report_dir=Path(config.data_dir) / stored.report_dir,
                                         warnings=list(block.warnings), kept_manual=True, **_for_cache(config, weather))
            records_rel = write_activity_outputs(analysis, config.data_dir, report_rel)
    row = ActivityRow.from_report(
        analysis.report, file_sha256=sha256, report_dir=report_rel, records_path=records_rel,
        model_total_l=analysis.model_total_l,
        override_temperature_c=override.temperature_c, override_humidity_pct=override.humidity_pct,
        run_id=run_id, activity_key=activity.activity_key)
    unavailable = [f"weather: {note}" for note in weather.notes] if weather is not None and weather.failed else []
    return ProcessedActivity(row=row, report_dir=Path(config.data_dir) / report_rel,
                             warnings=list(block.warnings) + unavailable, **_for_cache(config, weather))


def _for_cache(config: Config, weather: WeatherSamples | None) -> dict[str, Any]:
    """The weather hours the provider answered, for :class:`ProcessedActivity` (kept at commit)."""
    if weather is None or not weather.fetched:
        return {}
    return {"weather_provider": config.weather.provider, "weather_hours": weather.fetched}


def leg_sports(activity: Activity) -> list[str]:
    """The sports whose calibrations an activity's estimate uses: each leg's."""
    return list(dict.fromkeys(leg.sport for leg in activity.legs)) or [activity.summary.sport]


@functools.lru_cache(maxsize=8)
def decoder_name(decoder: str) -> str:
    """The decoder with its version, as the report's ``inputs.decoder`` says it: "fitfast 0.1.0".
    Kept per process: the distribution's metadata is looked up on ``sys.path`` once, and the module
    already imported is the version that reads the files, whatever is installed later."""
    from importlib.metadata import PackageNotFoundError, version

    try:  # fitparse's distribution on PyPI is "python-fitparse" (its module's __version__ is stale)
        return f"{decoder} {version({'fitparse': 'python-fitparse'}.get(decoder, decoder))}"
    except PackageNotFoundError:
        return decoder


def _analyse_with_inputs(activity: Activity, config: Config, override: WeatherOverride,
                         weather: WeatherSamples | None = None, weighins: WeighInSnapshot | None = None) -> Analysis:
    """:func:`analyse_activity` with each leg sport's calibration, its report carrying the inputs
    it was made from (:mod:`pipeline.usecases.provenance`).

    A weighed activity compares its weigh-in with its own model litres: when this estimate's
    litres differ from those stored (a config change: body mass 70 -> 95 kg), the calibration is
    recomputed with the new litres and the activity estimated once more (the model part does not
    depend on the calibration, so this settles at once)."""
    from pipeline.usecases.analyse import analyse_activity

    sports = leg_sports(activity)
    if weighins is None:  # read once: both calibrations below come from it
        weighins = weighin_snapshot(config.data_dir)
    calibration = weighins.calibrations(sports)
    analysis = analyse_activity(activity, config, override, calibration, weather)
    if analysis.model_total_l and analysis.report.activity is not None:
        sweat = analysis.report.sweat
        nonsweat = ((sweat.respiratory_water_l or 0.0) + (sweat.metabolic_mass_l or 0.0)) if sweat is not None else 0.0
        again = weighins.calibrations(sports,  # a weigh-in's side: sweat + breath + fuel
                                      {analysis.report.activity.id: round(analysis.model_total_l, 3) + nonsweat})
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


def process_file(path: Path, config: Config, override: WeatherOverride | None = None,
                 run_id: str | None = None, sha256: str | None = None, *, manual: bool = False,
                 take_over: bool = False) -> FileOutcome:
    """Decode, analyse and write one inbox file; bad data comes back as a rejected outcome.

    ``manual``: the rider asked for this answer now (``sweatline ride``, holding the file's lock
    through :func:`~pipeline.usecases.commit.record_outcome`); otherwise (the nightly) it yields to
    a stored answer made with the rider's own weather override (:func:`process_activity`).
    ``take_over``: a copy of an activity held from another file with other weather is estimated
    from this file with ``override`` (:func:`~pipeline.usecases.copies.split_copies`, ``retake``).

    Raises ``OSError`` for I/O trouble (worth a retry) and anything else for an internal error.
    """
    started = utc_now()
    path = Path(path)
    sha = sha256 or sha256_file(path, stored_bytes_cap(path))
    size = path.stat().st_size
    override = override or WeatherOverride()
    rejections: list[RejectionRow] = []
    decoded, refusals, readings, skipped = read_file_activities(path)
    for refusal in refusals:
        rejections.append(RejectionRow(file_sha256=sha, member=_member(refusal, path), name=path.name, path=str(path),
                                       kind=refusal.kind, reason=refusal.reason, rejected_at=utc_now(),
                                       run_id=run_id))
    with Catalog(config.data_dir, read_only=True) as snapshot:  # one read-only copy for both look-ups
        new, duplicates = split_copies(decoded, config.data_dir, path, sha, run_id, snapshot,
                                       retake=override if take_over else None)
        weighins = WeighIns(snapshot).snapshot() if new else None
    activities = [process_activity(activity, config, override, sha256=sha, run_id=run_id, manual=manual,
                                   weighins=weighins) for activity in new]
    return file_outcome(path, sha, size, started, run_id, activities, rejections, duplicates,
                        kept_scale=bool(readings), skipped_members=skipped,  # a scale's file: kept for weigh-ins
                        scale_readings=readings, scale_reference_mass_kg=config.athlete.body_mass_kg)
