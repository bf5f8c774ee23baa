"""The ``sweatline`` command line: parse, load the config, dispatch, map errors to exit codes.

Exit status (SPEC): 0 success; 2 bad input or bad config, with exactly one line on stderr
naming the file (or option) and the problem; 1 an internal error. User errors never print a
traceback. Each command's work lives in ``flows/cli/<command>.py`` as ``run(args, config)``.
"""
from __future__ import annotations

import argparse
import errno
import importlib
import os
import sqlite3
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from pipeline.core.errors import ConfigError, InvalidValue, SweatlineInputError
from pipeline.core.untrusted import clean_text


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("sweatline")
    except PackageNotFoundError:  # run from a checkout without installing
        return "unknown (not installed)"


class _VersionAction(argparse.Action):
    """``--version``: the installed version, looked up only when asked (package metadata costs a
    few tens of ms on every start otherwise)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 default: str = argparse.SUPPRESS, help: str = "show program's version number and exit") -> None:
        super().__init__(option_strings=option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> NoReturn:
        sys.stdout.write(f"{parser.prog} {_version()}\n")
        parser.exit()


class _UsageLine(Exception):
    """argparse refused the command line: the one line to show."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (stderr; with ``--json`` also a JSON object on stdout)
    and exit 2 (SPEC): :func:`main` shows it."""

    def error(self, message: str) -> NoReturn:
        raise _UsageLine(f"{self.prog}: {message} (see --help)")


VALUE_FLAGS_MAY_START_WITH_DASH = ("--duration", "--temp")
"""Options whose value may start with '-' (``--duration -2h``, ``--temp -5``): argparse would take
``-2h`` for an option and say "expected one argument"; given as ``--duration=-2h`` the command's own
check refuses it (or, for a temperature, accepts it)."""


def _join_dash_values(argv: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            out += argv[i:]
            break
        if arg in VALUE_FLAGS_MAY_START_WITH_DASH and i + 1 < len(argv) and argv[i + 1].startswith("-") \
                and argv[i + 1] not in ("-h", "--help") and not argv[i + 1].startswith("--"):
            out.append(f"{arg}={argv[i + 1]}")
            i += 2
            continue
        out.append(arg)
        i += 1
    return out


def _fail(line: str, as_json: bool, code: int = 2) -> int:
    """An error: the one line on stderr and, with ``--json``, ``{"error": line, "exit": code}`` on stdout.

    The line often names a file: control characters from it never reach the terminal."""
    line = clean_text(line)
    if as_json:
        import json

        sys.stdout.write(json.dumps({"error": line, "exit": code}) + "\n")
        sys.stdout.flush()
    print(line, file=sys.stderr)
    return code


def _number(kind: type = float):
    def convert(text: str) -> float:
        try:
            return kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    convert.__name__ = kind.__name__
    return convert


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="sweatline",
        description="Sweat, fluid and potassium estimates and advice from running and cycling FIT files.",
        epilog="Configuration: --config PATH, else $SWEATLINE_CONFIG, else ./config/sweatline.yaml, else "
               "$XDG_CONFIG_HOME/sweatline/sweatline.yaml (default ~/.config/sweatline/sweatline.yaml). "
               "With --json, an error is also printed on stdout as {\"error\": \"...\", \"exit\": 2}. "
               "Commands that only read (history, weigh-in --list, plan) need no write access to the data directory.",
    )
    parser.add_argument("--version", action=_VersionAction)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="PATH",
                        help="configuration file; without it: $SWEATLINE_CONFIG, else ./config/sweatline.yaml, "
                             "else $XDG_CONFIG_HOME/sweatline/sweatline.yaml (~/.config/sweatline/sweatline.yaml)")
    shown = argparse.ArgumentParser(add_help=False)
    shown.add_argument("--units", choices=["metric", "imperial"],
                       help="units of the numbers printed here and of those typed (--pre/--post lb, --drank/--urine "
                            "US fl oz, --temp °F, --speed mph); default: the config's units, else metric; "
                            "JSON stays SI")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    ride = sub.add_parser("ride", parents=[common, shown], help="the after-ride flow on one FIT file",
                          description="Estimate sweat loss for one activity and write its report "
                                      "(no path: the newest file in the inbox).")
    ride.add_argument("fit_path", nargs="?", metavar="FIT_PATH", help=".fit, .fit.gz or .zip file")
    ride.add_argument("--temp", type=_number(), metavar="C", help="air temperature override, °C (°F with --units imperial)")
    ride.add_argument("--humidity", type=_number(), metavar="PCT", help="relative humidity override, %%")
    ride.add_argument("--json", action="store_true",
                      help="print the JSON report instead of the headline (a JSON array of reports when the file "
                           "holds more than one activity)")

    nightly = sub.add_parser("nightly", parents=[common], help="one run of the nightly flow, now",
                             description="Process every new FIT file in the inbox and write reports and the digest.")
    nightly.add_argument("--inbox", metavar="DIR", help="read this folder instead of the configured inbox")
    nightly.add_argument("--rebuild", action="store_true",
                         help="re-estimate and rewrite reports of activities already processed")

    plan = sub.add_parser("plan", parents=[common, shown], help="what-if estimate and drinking plan for a planned session",
                          description="Estimate sweat loss and a drinking plan for a session that has not happened yet.")
    plan.add_argument("--sport", required=True, help="running, cycling, walking, ... (FIT sport name), or triathlon "
                                                     "(with --legs and --hr)")
    plan.add_argument("--duration", help="45m, 2h, 2h30m or 1:45:00 (required, except for a triathlon: --legs)")
    plan.add_argument("--legs", metavar="SWIM,BIKE,RUN",
                      help="triathlon only: the three legs' durations, e.g. 1h,5h,3h30m (swim, bike, run)")
    how_hard = plan.add_mutually_exclusive_group(required=True)
    how_hard.add_argument("--speed", type=_number(), metavar="KMH", help="average speed, km/h (mph with --units imperial)")
    how_hard.add_argument("--power", type=_number(), metavar="W", help="average power, W")
    how_hard.add_argument("--hr", type=_number(), metavar="BPM", help="average heart rate, bpm")
    plan.add_argument("--temp", type=_number(), metavar="C",
                      help="air temperature, °C (°F with --units imperial) (default: config climate)")
    plan.add_argument("--humidity", type=_number(), metavar="PCT", help="relative humidity, %% (default: config climate)")
    plan.add_argument("--mass-kg", type=_number(), metavar="KG", help="body mass for this answer only")
    plan.add_argument("--height-cm", type=_number(), metavar="CM", help="height for this answer only")
    plan.add_argument("--sex", choices=["male", "female"], help="sex for this answer only")
    plan.add_argument("--age", type=_number(), metavar="YEARS", help="age for this answer only")
    plan.add_argument("--json", action="store_true", help="print the JSON report")

    sub.add_parser("serve", parents=[common], help="serve the Prefect deployments (nightly on its cron, after-ride on demand)",
                   description="Long-running: serves the 'nightly' deployment on the configured cron and "
                               "'after-ride' for manual runs, against a local Prefect server.")

    weigh = sub.add_parser("weigh-in", parents=[common, shown], help="record body mass before/after an activity",
                           description="Record a weigh-in to calibrate your own sweat rate.")
    weigh.add_argument("activity", nargs="?", metavar="ACTIVITY",
                       help="activity id (or prefix), its FIT path, or 'latest' (the newest by start time)")
    weigh.add_argument("--pre", type=_number(), metavar="KG", help="body mass before, kg (lb with --units imperial; "
                       "required to record; refused if over 30 %% from athlete.body_mass_kg)")
    weigh.add_argument("--post", type=_number(), metavar="KG",
                       help="body mass after, kg (lb with --units imperial; required to record)")
    weigh.add_argument("--drank", type=_number(), default=0.0, metavar="L",
                       help="fluid drunk during, litres (US fl oz with --units imperial)")
    weigh.add_argument("--urine", type=_number(), default=0.0, metavar="L",
                       help="urine passed during, litres (US fl oz with --units imperial)")
    weigh.add_argument("--note", metavar="TEXT", help="a note kept with the weigh-in")
    weigh.add_argument("--replace", action="store_true", help="replace an earlier weigh-in for this activity")
    manage = weigh.add_mutually_exclusive_group()
    manage.add_argument("--list", action="store_true", help="list the weigh-ins with their ids")
    manage.add_argument("--delete", metavar="ID", help="delete a weigh-in (its id from --list)")

    history = sub.add_parser("history", parents=[common, shown], help="the processed activities with their estimates, newest first",
                             description="List processed activities with their estimates, newest first "
                                         "(as reports/index.html).")
    history.add_argument("--json", action="store_true", help="print JSON instead of a table")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``sweatline`` console script (``argv`` None: ``sys.argv``, and a success
    ends the process at once, :func:`_exit_now`)."""
    code = _main(argv)
    if argv is None and "pipeline.runtime.forkserver" in sys.modules:  # the command is over: end its helper processes
        sys.modules["pipeline.runtime.forkserver"].stop()
    if argv is None and code == INTERRUPTED_EXIT:  # nothing is left to write: no clean-up to wait for
        _flush_and_exit(code)
    if argv is None and code == 0:
        _exit_now()
    return code


INTERRUPTED_EXIT = 130
"""The exit status after Ctrl-C (128 + SIGINT, as a shell reports it)."""
INTERRUPTED = "sweatline: interrupted; what was finished is kept (run the command again to go on)"
_said: list[str] = []


def say_interrupted() -> None:
    """Print :data:`INTERRUPTED` on stderr, once a process (the command line, or a command's own
    Ctrl-C handling that ends the process sooner: :mod:`flows.cli.nightly`)."""
    if not _said:
        _said.append(INTERRUPTED)
        try:
            print(INTERRUPTED, file=sys.stderr, flush=True)
        except (OSError, ValueError):
            pass


def _flush_and_exit(code: int) -> NoReturn:
    """End the process now with ``code``, stdout and stderr flushed first."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def _exit_now() -> None:
    """End a successful command without the interpreter's exit clean-up (freeing every module and
    object: about 0.3 s after a report was drawn), once everything is written: the
    command has returned (its catalog connections closed, its files renamed into place) and
    stdout/stderr are flushed here. Not when Prefect was imported (its API log handler and
    services flush at interpreter exit): ``nightly``, ``serve`` and a ride through a Prefect server
    exit normally."""
    if "prefect" in sys.modules:
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader of stdout has gone (`| head`): nothing left to say
        _stdout_to_devnull()
    except ValueError:
        return  # a closed stream: let the normal exit report it
    os._exit(0)


def _stdout_to_devnull() -> None:
    """Point stdout at /dev/null, so the interpreter's final flush after a broken pipe raises
    nothing (the recipe of Python's documentation, "Note on SIGPIPE", in the signal module)."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _main(argv: Sequence[str] | None) -> int:
    argv = _join_dash_values(list(sys.argv[1:] if argv is None else argv))
    as_json = "--json" in argv[:argv.index("--")] if "--" in argv else "--json" in argv
    try:
        args = build_parser().parse_args(argv)
    except _UsageLine as exc:
        return _fail(str(exc), as_json)
    as_json = bool(getattr(args, "json", False))
    module_name = "flows.cli." + args.command.replace("-", "_")
    config = None
    if args.command in START_GUARD_EARLY:
        from pipeline.runtime import forkserver as guard_server
        from pipeline.usecases.preload import READER_MODULES

        guard_server.add_preload(READER_MODULES)
        guard_server.start_early()
    try:
        from pipeline.core.config import load_config  # pydantic and YAML: not for --help or a usage error

        config = load_config(args.config)
        from pipeline.store.layout import data_dir_problem

        problem = data_dir_problem(config.data_dir)
        if problem is not None:
            raise ConfigError("data_dir", f"{config.data_dir} {problem} (set data_dir in the config to a folder)")
        command = importlib.import_module(module_name)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # library chatter never reaches the one-line contract
            return int(command.run(args, config) or 0)
    except InvalidValue as exc:  # a model's field, shown as the command's flag
        flags = getattr(sys.modules.get(module_name), "FLAGS", {})
        return _fail(f"{flags.get(exc.field, exc.field)}: {exc.reason}", as_json)
    except SweatlineInputError as exc:
        return _fail(str(exc), as_json)
    except BrokenPipeError:  # `sweatline history | head`: the reader has gone, nothing to report
        _stdout_to_devnull()
        return 0
    except (OSError, sqlite3.Error) as exc:
        where = storage_problem(exc, config.data_dir if config is not None else None)
        if where is None:
            return _internal_error(exc, as_json)
        return _fail(where, as_json)
    except KeyboardInterrupt:
        say_interrupted()
        return INTERRUPTED_EXIT
    except Exception as exc:  # an internal error: say so, with the traceback for a bug report
        return _internal_error(exc, as_json)
    finally:
        if args.command in START_GUARD_EARLY:
            guard_server.stop_if_unused()


START_GUARD_EARLY = ("ride",)
"""Commands that start the guard's forkserver (:mod:`pipeline.runtime.forkserver`) before loading their
config: its imports (pandas, pyarrow, the decoders: 1.2–1.7 s here) overlap the command's own, so
a new file is read sooner: ``ride`` on a new 1-minute file took 0.83 x the time it took before
(median of 8 alternated pairs, 2.07 s against 2.47 s, 2 processors, load about 1). Ended at once
when no file needed it; a stored answer pays for the processor time it took until then, 0.64 s
against 0.53 s (1.16 x, median of 10 alternated pairs on the 9.5 h file, load about 1.2)."""


def _internal_error(exc: BaseException, as_json: bool = False) -> int:
    import traceback

    traceback.print_exception(exc)
    return _fail(f"sweatline: internal error: {type(exc).__name__}: {exc}", as_json, code=1)


_STORAGE_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT}
_SQLITE_STORAGE = ("readonly", "unable to open database", "disk is full", "disk i/o error")


def storage_problem(exc: BaseException, data_dir: Path | None = None) -> str | None:
    """One line for a problem the user can fix where files are kept (read-only or full data
    directory, unreadable inbox, a data directory that cannot be made where the config puts it),
    or None for anything else (an internal error)."""
    if isinstance(exc, OSError) and exc.errno in _STORAGE_ERRNOS:
        return f"{exc.filename or 'sweatline'}: {exc.strerror} (check the data directory and inbox permissions and free space)"
    if (isinstance(exc, OSError) and exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.EEXIST) and data_dir is not None
            and exc.filename is not None and Path(os.fsdecode(exc.filename)).is_relative_to(data_dir)):
        return (f"data_dir: cannot make {data_dir} or a folder in it ({exc.strerror}: {os.fsdecode(exc.filename)}); "
                "set data_dir in the config to a folder you can write")
    if isinstance(exc, sqlite3.Error) and any(word in str(exc).lower() for word in _SQLITE_STORAGE):
        return f"catalog: {exc} (check that the data directory is writable and has free space)"
    return None

