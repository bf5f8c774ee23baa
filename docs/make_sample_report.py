"""Regenerate the README's sample report from the project's own example ride (not a shared sample).

    .venv/bin/python docs/make_sample_report.py

Reads ``examples/fit/2026-07-18-road-ride-hot.fit`` with the shipped ``config/sweatline.yaml``,
writes the report into ``docs/sample-report/`` (report.html, report.md, report.json), and a
screenshot of the page's first screen, taken with headless Chromium, to ``docs/sample-report.png``,
and refreshes the Markdown excerpt in README.md between the ``sample-report`` markers.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipeline.core.config import load_config  # noqa: E402
from pipeline.fit import read_activity  # noqa: E402
from pipeline.report.writer import write_reports  # noqa: E402
from pipeline.usecases.analyse import analyse_activity  # noqa: E402


def _load_page():  # the browser helper of the report tests, by path: a "tests" package from
    import importlib.util  # site-packages (some wheels ship one) must not shadow ours

    spec = importlib.util.spec_from_file_location("sweatline_test_chromium", ROOT / "tests" / "e2e" / "chromium.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = module  # type: ignore[union-attr]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.load_page


load_page = _load_page()

EXAMPLE = ROOT / "examples" / "fit" / "2026-07-18-road-ride-hot.fit"
OUT = ROOT / "docs" / "sample-report"
SCREENSHOT = ROOT / "docs" / "sample-report.png"
README = ROOT / "README.md"
START, END = "<!-- sample-report:start -->", "<!-- sample-report:end -->"


def excerpt(markdown: str) -> str:
    """The report's title, headline table and plan, then its potassium advice."""
    lines = markdown.splitlines()
    cut = next(i for i, line in enumerate(lines) if line.startswith("## What to drink and eat"))
    head = "\n".join(lines[:cut]).strip()
    potassium = markdown.split("### Potassium", 1)[1].split("\n### ", 1)[0].strip()
    return f"{head}\n\n## What to drink and eat\n\n### Potassium\n\n{potassium}\n\n…"


def refresh_readme(markdown: str) -> None:
    text = README.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"README.md has no {START} ... {END} markers")
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    block = f"{START}\n```markdown\n{excerpt(markdown)}\n```\n{END}"
    README.write_text(before + block + after, encoding="utf-8")


def main() -> int:
    config = load_config(ROOT / "config" / "sweatline.yaml")
    analysis = analyse_activity(read_activity(EXAMPLE), config)
    paths = write_reports(analysis, OUT)
    page = load_page(paths.html_path, width=1100, height=1400)
    if page.requests != [paths.html_path.resolve().as_uri()] or page.console or page.exceptions:
        print(f"page did not load cleanly: {page.requests} {page.console} {page.exceptions}", file=sys.stderr)
        return 1
    SCREENSHOT.write_bytes(page.screenshot_png)
    refresh_readme(paths.markdown_path.read_text(encoding="utf-8"))
    for path in (*paths.as_list(), SCREENSHOT):
        path.chmod(0o644)
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
