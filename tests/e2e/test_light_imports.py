"""What a command imports: a stored answer and --help start without the heavy libraries.
Each check runs a fresh interpreter, as the console script does."""
from __future__ import annotations

import subprocess
import sys

HEAVY = ("pandas", "pyarrow", "fitparse", "fitfast", "prefect")
PLOTTING = ("matplotlib", "PIL", "plotly", "bokeh", "altair", "pygal")  # none: the charts are our own SVG (pipeline.report.svg)


def _loaded_after(code: str, env: dict[str, str] | None = None) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env)
    return set(out.stdout.split())


def test_the_ride_command_loads_no_heavy_library_before_it_has_to() -> None:
    """Everything ``sweatline ride`` needs to answer from the catalog: no pandas, pyarrow,
    decoder or Prefect until a file is really decoded and drawn."""
    loaded = _loaded_after("import flows.cli, flows.cli.ride, pipeline.core.config")
    assert loaded.isdisjoint(HEAVY), loaded & set(HEAVY)


def test_ride_on_a_new_file_leaves_pandas_to_the_guarded_child(tmp_path) -> None:
    """``sweatline ride`` on a file not yet in the catalog decodes, estimates and draws it
    in the guard's child; its own process only commits the answer and redraws the front door (index
    and digest, whose trend chart needs no pandas), so it never pays pandas' import."""
    from flow_support import write_config
    from shared_paths import SAMPLES

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    config = write_config(tmp_path, inbox, tmp_path / "data")
    ride = SAMPLES / "garmin-fr955-walking-5min-hrm-plugin.fit"
    loaded = _loaded_after(f"from flows.cli import _main\nassert _main(['ride', {str(ride)!r}, '--json', "
                           f"'--config', {str(config)!r}]) == 0")
    assert (tmp_path / "data" / "reports" / "digest.html").is_file()  # it did answer and redraw the front door
    assert loaded.isdisjoint(HEAVY), loaded & set(HEAVY)


DATA_LIBRARIES = ("numpy", "pandas", "pyarrow", "fitparse", "fitfast")


def test_a_stored_answer_from_ride_loads_no_data_library(tmp_path) -> None:
    """``sweatline ride`` on a file it has already answered, as the console script runs it (the
    guard's forkserver started early, then ended): the command's own process prints the stored
    answer, headline and ``--json`` alike, without importing numpy, pandas, pyarrow, a decoder or
    Prefect, nor the modules that read a file and commit its outcome (they are imported only when
    a file must really be read)."""
    from flow_support import write_config
    from shared_paths import SAMPLES

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    config = write_config(tmp_path, inbox, tmp_path / "data")
    ride = SAMPLES / "garmin-fr955-walking-5min-hrm-plugin.fit"
    first = subprocess.run([sys.executable, "-m", "flows.cli", "ride", str(ride), "--config", str(config)],
                           capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr[-400:]
    reading = ("pipeline.usecases.guarded", "pipeline.usecases.commit", "pipeline.usecases.ingest", "pipeline.fit.reader")
    for extra in ([], ["--json"]):
        probe = ("import contextlib, io, sys\nfrom flows.cli import _main\nout = io.StringIO()\n"
                 f"with contextlib.redirect_stdout(out):\n    code = _main(['ride', {str(ride)!r}, '--config', "
                 f"{str(config)!r}, *{extra!r}])\nassert code == 0, code\n"
                 "assert ('already processed' in out.getvalue()) or out.getvalue().startswith('{'), out.getvalue()\n"
                 f"print(' '.join(m for m in {reading!r} if m in sys.modules))")
        loaded = _loaded_after(probe)
        assert loaded.isdisjoint(HEAVY + DATA_LIBRARIES), loaded & set(HEAVY + DATA_LIBRARIES)
        assert loaded.isdisjoint(reading), loaded & set(reading)


def test_help_loads_neither_pydantic_nor_yaml() -> None:
    loaded = _loaded_after("import flows.cli\nflows.cli.build_parser().format_help()")
    assert loaded.isdisjoint(HEAVY + ("pydantic", "yaml", "numpy")), loaded


def test_version_is_still_printed() -> None:
    out = subprocess.run([str(sys.executable), "-m", "flows.cli", "--version"], capture_output=True, text=True)
    assert out.returncode == 0
    assert out.stdout.startswith("sweatline ")


def test_drawing_a_whole_report_loads_no_plotting_library() -> None:
    """A report's charts are written as SVG by our own code (matplotlib cost 150-200 ms a
    figure and 0.25 s of import a ``ride``). A real shared file is decoded, estimated and its
    report page (four charts) and a digest page (two) rendered in a fresh interpreter."""
    from shared_paths import SAMPLES

    path = SAMPLES / "garmin-fenix2-running-47min.fit"
    loaded = _loaded_after(
        "from datetime import UTC, datetime\n"
        "from pipeline.usecases.analyse import analyse_activity\nfrom pipeline.core.config import parse_config\n"
        "from pipeline.fit import read_activity\nfrom pipeline.report.render import render_html\n"
        "from pipeline.report.digest import DigestRow, build_digest, render_digest_html\n"
        "athlete = {'name': 't', 'body_mass_kg': 70, 'height_cm': 178, 'sex': 'male', 'age': 35}\n"
        f"html = render_html(analyse_activity(read_activity({str(path)!r}), parse_config({{'athlete': athlete}})))\n"
        "assert html.count('<svg') == 4, html.count('<svg')\n"
        "row = DigestRow(id='a', source='a.fit', sport='running', start_time=datetime(2026, 7, 18, tzinfo=UTC), "
        "timer_s=3600, sweat_total_l=1.0, sweat_low_l=0.7, sweat_high_l=1.4, potassium_mg=200)\n"
        "assert render_digest_html(build_digest([row], timezone='UTC')).count('<svg') == 2")
    assert "pandas" in loaded  # it did decode and draw
    assert loaded.isdisjoint(PLOTTING), loaded & set(PLOTTING)


def test_a_nightly_with_nothing_new_loads_no_pandas_or_decoder(tmp_path, prefect_env) -> None:
    """A nightly over files already in the catalog reads no file and draws no
    chart, so its process never imports the data libraries (their import was most of its cost).
    A real nightly runs first to process the inbox, then a second one in a fresh interpreter reports
    what it loaded; both against the session's Prefect server (what starting a server imports is
    not the question)."""
    from flow_support import write_config
    from shared_paths import SAMPLES, SWEATLINE

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("garmin-edge530-cycling-18min-indoor-hrv.fit", "garmin-edge510-settings.fit"):
        (inbox / name).write_bytes((SAMPLES / name).read_bytes())
    config = write_config(tmp_path, inbox, tmp_path / "data")
    first = subprocess.run([str(SWEATLINE), "nightly", "--config", str(config)], capture_output=True, text=True,
                           timeout=600, env=prefect_env)
    assert first.returncode == 0, first.stderr[-400:]
    second = _loaded_after(f"from flows.cli import main\nassert main(['nightly', '--config', {str(config)!r}]) == 0",
                           env=prefect_env)
    assert second.isdisjoint({"pandas", "pyarrow", "fitparse", "fitfast", *PLOTTING}), second & set(HEAVY)
    assert "prefect" in second  # it did run the flow


def test_a_stored_answer_is_checked_without_numpy() -> None:
    """``ride`` on a file already answered checks the stored answer's inputs (config, weigh-in
    calibration, model version) with no numpy: what it imports for that is light."""
    loaded = _loaded_after("import flows.cli.ride, pipeline.usecases.ride, pipeline.usecases.ingest, pipeline.usecases.provenance, "
                           "pipeline.store.weighins")
    assert loaded.isdisjoint(HEAVY + ("numpy",)), loaded & set(HEAVY + ("numpy",))


def test_warming_the_front_door_compiles_what_the_refresh_uses_without_pandas() -> None:
    """While the guard's child reads a new file, ``ride`` gets the index and digest ready on a thread
    (:func:`pipeline.usecases.front_door.warm_front_door`): their templates compiled, no pandas."""
    probe = ("from pipeline.usecases.front_door import warm_front_door\nwarm_front_door()\n"
             "from pipeline.report import digest, index\n"
             "print(sorted(name for env in (digest._HTML, digest._MD) for _, name in env.cache.keys()), "
             "index.index_template.cache_info().currsize)")
    out = subprocess.run([sys.executable, "-c", probe + "\nimport sys\nprint('pandas' in sys.modules)"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["['digest.html.j2', 'digest.md.j2'] 1", "False"]
