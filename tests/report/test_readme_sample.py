"""The README's sample report is the project's own generated example, and its excerpt is that report's."""
from __future__ import annotations

import hashlib
import json

from .helpers import EXAMPLE_RIDE, PROJECT, SAMPLES

DOCS = PROJECT / "docs"


def test_sample_report_comes_from_the_projects_own_example():
    data = json.loads((DOCS / "sample-report" / "report.json").read_text())
    assert data["activity"]["source"] == EXAMPLE_RIDE.name
    assert data["activity"]["id"] == hashlib.sha256(EXAMPLE_RIDE.read_bytes()).hexdigest()
    shared_ids = {hashlib.sha256(p.read_bytes()).hexdigest() for p in SAMPLES.iterdir() if p.is_file()}
    assert data["activity"]["id"] not in shared_ids


def test_readme_excerpt_is_the_generated_markdown():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_sample_report", DOCS / "make_sample_report.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    readme = (PROJECT / "README.md").read_text()
    markdown = (DOCS / "sample-report" / "report.md").read_text()
    assert module.excerpt(markdown) in readme
    assert "docs/sample-report.png" in readme
    png = (DOCS / "sample-report.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 50_000


def test_readme_plan_example_is_what_the_command_prints(tmp_path):
    """The README's `plan` example: its headline block is what the command prints today (with a config
    that says nothing of the athlete, as a new user's)."""
    import re

    from cli_support import run_cli

    readme = (PROJECT / "README.md").read_text()
    block = re.search(r"\$ \.venv/bin/sweatline plan (--sport cycling [^\n]*)\n(.*?)\n  \.\.\.\n", readme, re.S)
    assert block is not None
    config = tmp_path / "sweatline.yaml"
    config.write_text(f"inbox: {tmp_path}\ndata_dir: {tmp_path / 'data'}\nweather: {{provider: none}}\n")
    out = run_cli("plan", *block.group(1).split(), config=config)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(block.group(2) + "\n")
