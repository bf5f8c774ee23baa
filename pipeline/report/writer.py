"""Write one activity's reports: ``report.json``, ``report.md`` and ``report.html``.

The rendering is pure (:mod:`pipeline.report.render`); this module only hands the finished
strings to :mod:`pipeline.store.files`, whose writes are atomic (temporary sibling +
:func:`os.replace`): each file is whole or absent. For a whole report folder that appears at
once, a caller can render into ``pipeline.store.files.atomic_directory(final)``.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from pipeline.report.render import render_html, render_markdown
from pipeline.store.files import atomic_write_text

if TYPE_CHECKING:
    from pipeline.report.analysis import Analysis

JSON_NAME = "report.json"
MARKDOWN_NAME = "report.md"
HTML_NAME = "report.html"


class ReportPaths(BaseModel):
    """Where the three files of one report are."""

    model_config = ConfigDict(frozen=True)

    json_path: Path
    markdown_path: Path
    html_path: Path

    def as_list(self) -> list[Path]:
        return [self.json_path, self.markdown_path, self.html_path]


def render_all(analysis: "Analysis", generated: datetime | None = None) -> dict[str, str]:
    """The three report files as strings, by file name (rendered before anything is written)."""
    return {
        JSON_NAME: analysis.report.to_json() + "\n",
        MARKDOWN_NAME: render_markdown(analysis),
        HTML_NAME: render_html(analysis, generated=generated),
    }


def write_reports(analysis: "Analysis", out_dir: Path, generated: datetime | None = None) -> ReportPaths:
    """Render all three files, then write each atomically into ``out_dir`` (created if needed).

    Everything is rendered first, so a rendering error writes nothing; the JSON goes last, so a
    ``report.json`` on disk always has its ``.md`` and ``.html`` beside it.
    """
    out_dir = Path(out_dir)
    files = render_all(analysis, generated=generated)
    paths = ReportPaths(json_path=out_dir / JSON_NAME, markdown_path=out_dir / MARKDOWN_NAME,
                        html_path=out_dir / HTML_NAME)
    atomic_write_text(paths.markdown_path, files[MARKDOWN_NAME])
    atomic_write_text(paths.html_path, files[HTML_NAME])
    atomic_write_text(paths.json_path, files[JSON_NAME])
    return paths
