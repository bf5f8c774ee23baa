"""`sweatline ride [FIT_PATH] [--temp C] [--humidity PCT] [--json]`: the after-ride flow on one file.

Two ways to run, same result on disk (report folder, catalog row, a row in the catalog's
``runs`` table):

* **via Prefect** — when a Prefect server answers (``PREFECT_API_URL``, or the server
  ``sweatline serve`` runs for this data directory): the ``after-ride`` flow runs in this
  process as a real flow run on that server (visible in its UI, with logs and an artifact);
* **fast path** — when none is up: the flow's work (:func:`pipeline.usecases.ride.ride`, the function the flow's task calls) runs
  directly, without importing Prefect or starting its temporary server (7–20 s here), and the
  run is recorded in the catalog with ``orchestrator = local``.

``SWEATLINE_RIDE_VIA=local|prefect`` forces one (``prefect`` with no server up pays for
Prefect's temporary server). Either way stdout carries only the headline (or, with ``--json``,
exactly the SPEC JSON report — a JSON array of reports when the file holds several activities, a
zip of two rides say) and a bad file gives one stderr line and exit 2: Prefect's
console logging is switched off on this path (:func:`quiet_console`): Prefect's logging config
sends flow/task run logs to the API handler and, through the root and ``prefect`` loggers, to a
console handler on stderr — right for ``sweatline nightly``, wrong for this command's contract
(the runs' logs still reach the Prefect API and its UI).

``--temp`` / ``--humidity`` are checked by :class:`pipeline.usecases.analyse.WeatherOverride` (the bounds
of the config's ``climate``); an impossible value becomes one line naming the flag.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from flows.cli.options import add_config, add_units, number
from pipeline.core.errors import UsageError
from pipeline.core.untrusted import clean_text

if TYPE_CHECKING:  # the parser is built before the forkserver starts: nothing heavy at import time
    from pipeline.core.config import Config
    from pipeline.core.inputs import WeatherOverride
    from pipeline.core.units import Units
    from pipeline.usecases.ride import RideResult

VIA_ENV = "SWEATLINE_RIDE_VIA"
FLAGS = {"temperature_c": "--temp", "humidity_pct": "--humidity"}
"""The command line's name for each field of :class:`~pipeline.usecases.analyse.WeatherOverride`."""


def weather_override(temperature_c: float | None, humidity_pct: float | None) -> WeatherOverride:
    """The override, refused (:class:`~pipeline.core.errors.InvalidValue`, shown with its flag) outside
    the range the config accepts for ``climate``."""
    from pipeline.core.inputs import WeatherOverride, checked

    return checked(WeatherOverride, temperature_c=temperature_c, humidity_pct=humidity_pct)


def register(parser: argparse.ArgumentParser) -> None:
    """``sweatline ride``'s description and options."""
    parser.description = ("Estimate sweat loss for one activity and write its report "
                          "(no path: the newest file in the inbox).")
    add_config(parser)
    add_units(parser)
    parser.add_argument("fit_path", nargs="?", metavar="FIT_PATH", help="an activity file: .fit, .gpx or .tcx (each also .gz), or a .zip of them")
    parser.add_argument("--temp", type=number(), metavar="C", help="air temperature override, °C (°F with --units imperial)")
    parser.add_argument("--humidity", type=number(), metavar="PCT", help="relative humidity override, %%")
    parser.add_argument("--json", action="store_true",
                        help="print the JSON report instead of the headline (a JSON array of reports when the file "
                             "holds more than one activity)")


def run(args: argparse.Namespace, config: Config) -> int:
    from flows.cli.prefect_server import configured_api_url, find_api
    from flows.cli.typed import TEMPERATURE, input_units, to_si
    from pipeline.core.inputs import WeatherOverride
    from pipeline.usecases.ride import resolve_fit_file, ride

    to_si(args, input_units(args, config), WeatherOverride, {"temperature_c": ("temp", TEMPERATURE)})  # °F if imperial
    override = weather_override(args.temp, args.humidity)
    # --units is what this command prints; the stored report files, like the shared index and digest,
    # keep the config's units (SPEC: ``units`` is what a person reads; one printout does not rewrite them)
    path = resolve_fit_file(args.fit_path, config)
    via = os.environ.get(VIA_ENV, "auto").strip().lower() or "auto"
    if via not in ("auto", "local", "prefect"):
        raise UsageError(VIA_ENV, f"must be auto, local or prefect, got {via!r}")
    api = find_api(Path(config.data_dir)) if via != "local" else None
    shown = args.fit_path if args.fit_path is not None else str(path)
    if via == "prefect" or (via == "auto" and api is not None):
        results = _via_prefect(shown, path, config, args, api.url if api is not None else None)
    else:
        results = ride(shown, config, override, orchestrator="local")
    _end_unused_reader_server()
    _print(results, args.json, config, getattr(args, "units", None))
    if not args.json and via == "auto" and api is None:
        configured = configured_api_url()
        if configured is not None:
            print(f"(no Prefect server answered at {configured.url}: ran locally, recorded in the catalog)")
    return 0


def _end_unused_reader_server() -> None:
    """The file is answered: a guard's forkserver started early (:data:`flows.cli.START_GUARD_EARLY`)
    that forked nothing (a stored answer) is ended now, before the answer is printed, not when the
    command returns: its imports no longer compete with this process for the processors."""
    forkserver = sys.modules.get("pipeline.runtime.forkserver")
    if forkserver is not None:
        forkserver.stop_if_unused()


def _via_prefect(shown: str, path: Path, config: Config, args: argparse.Namespace, api_url: str | None) -> list[RideResult]:
    from flows.cli.prefect_server import allow_temporary_server_start

    _quiet_console_env()
    allow_temporary_server_start()
    if api_url is not None:
        os.environ["PREFECT_API_URL"] = api_url
    _quiet_console()
    import contextlib

    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.after_ride import after_ride

    settings = temporary_settings(updates={PREFECT_API_URL: api_url}) if api_url else contextlib.nullcontext()
    with settings:
        results = after_ride(fit_file=str(path), temperature_c=args.temp, humidity_pct=args.humidity,
                             config_path=str(config.source) if config.source is not None else None)
    return [r.model_copy(update={"fit_file": shown}) for r in results]


def _print(results: list[RideResult], as_json: bool, config: Config, units: Units | None) -> None:
    """The warnings on stderr, then the stored report as JSON or each activity's headline in ``units``
    (None: the config's); the headline's view of the report (:mod:`pipeline.report.view`, the
    advice's wording) is imported only for a headline."""
    for result in results:
        for warning in result.warnings:
            print(clean_text(f"{result.fit_file}: warning: {warning}"), file=sys.stderr)
    if as_json:  # one activity: its report; a file holding several (a zip, two files' worth): a JSON array of them
        texts = [r.report_json.read_text(encoding="utf-8") for r in results]
        sys.stdout.write(texts[0] if len(texts) == 1 else "[\n" + ",\n".join(t.strip() for t in texts) + "\n]\n")
        return
    from pipeline.core.schema import Report
    from pipeline.report.text import headline_text
    from pipeline.report.view import Display

    display = Display.of(config, units)
    for result in results:
        report = Report.model_validate_json(result.report_json.read_text(encoding="utf-8"))
        print(headline_text(report, display=display))
        print(f"report: {result.report_dir / 'report.html'}")
        if result.duplicate_of is not None:  # said plainly on stdout too, not only among the warnings
            print(f"(duplicate of {clean_text(result.duplicate_of)}: the same activity; its stored report"
                  + (", made before its inputs changed: see the warning above)" if result.stale else ")"))
        elif result.reused and result.stale:
            print("(the stored report of the same activity, made before its inputs changed: see the warning above)")
        elif result.reused:
            print("(already processed with these inputs — weather, weigh-ins, config: stored report)")


def _quiet_console_env() -> None:
    """Before Prefect is imported: its console handler starts at CRITICAL (Prefect reads
    ``PREFECT_LOGGING_[PATH]_[TO]_[KEY]`` overrides of its logging.yml)."""
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def _quiet_console() -> None:
    """After Prefect is imported too: raise every stream handler it attached to stderr to CRITICAL+1."""
    import prefect  # noqa: F401  (configures logging on import)

    names = ["", "prefect", "prefect.flow_runs", "prefect.task_runs", "prefect.extra", "uvicorn", "fastapi",
             "prefect._internal", "prefect.server", "prefect.client", "docket"]
    for name in names:
        for handler in logging.getLogger(name).handlers:
            if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler):
                handler.setLevel(logging.CRITICAL + 1)
