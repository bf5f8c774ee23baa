"""What a command imports (issue 16): a stored answer and --help start without the heavy libraries.
Each check runs a fresh interpreter, as the console script does."""
from __future__ import annotations

import subprocess
import sys

HEAVY = ("pandas", "pyarrow", "matplotlib", "fitparse", "fitfast", "prefect")


def _loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_the_ride_command_loads_no_heavy_library_before_it_has_to() -> None:
    """Everything ``sweatline ride`` needs to answer from the catalog: no pandas, pyarrow,
    matplotlib, decoder or Prefect until a file is really decoded and drawn."""
    loaded = _loaded_after("import flows.cli, flows.commands.ride, pipeline.config")
    assert loaded.isdisjoint(HEAVY), loaded & set(HEAVY)


def test_help_loads_neither_pydantic_nor_yaml() -> None:
    loaded = _loaded_after("import flows.cli\nflows.cli.build_parser().format_help()")
    assert loaded.isdisjoint(HEAVY + ("pydantic", "yaml", "numpy")), loaded


def test_version_is_still_printed() -> None:
    out = subprocess.run([str(sys.executable), "-m", "flows.cli", "--version"], capture_output=True, text=True)
    assert out.returncode == 0
    assert out.stdout.startswith("sweatline ")


def test_a_nightly_with_nothing_new_loads_no_pandas_matplotlib_or_decoder(tmp_path) -> None:
    """Issue 16 item 4: a nightly over files already in the catalog reads no file and draws no
    chart, so its process never imports the data libraries (their import was most of its cost).
    A real nightly (Prefect's temporary server) runs first to process the inbox, then a second one in
    a fresh interpreter reports what it loaded."""
    import os

    from flow_support import write_config
    from shared_paths import SAMPLES, SWEATLINE

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("garmin-edge530-cycling-18min-indoor-hrv.fit", "garmin-edge510-settings.fit"):
        (inbox / name).write_bytes((SAMPLES / name).read_bytes())
    config = write_config(tmp_path, inbox, tmp_path / "data")
    first = subprocess.run([str(SWEATLINE), "nightly", "--config", str(config)], capture_output=True, text=True,
                           timeout=600, env=dict(os.environ))
    assert first.returncode == 0, first.stderr[-400:]
    second = _loaded_after(f"from flows.cli import main\nassert main(['nightly', '--config', {str(config)!r}]) == 0")
    assert second.isdisjoint({"pandas", "pyarrow", "matplotlib", "fitparse", "fitfast"}), second & set(HEAVY)
    assert "prefect" in second  # it did run the flow
