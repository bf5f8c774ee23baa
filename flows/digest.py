"""What one nightly run did: counts, the summary line, the digest file and the artifacts' content."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from flows.processing import FileOutcome
from pipeline.store.catalog import ActivityRow, Catalog
from pipeline.store.files import atomic_write_text

INDEX_NAME = "index.md"


class Rejection(BaseModel):
    name: str
    kind: str
    reason: str


class NightlySummary(BaseModel):
    """The outcome of one nightly run (also the flow's return value)."""

    run_id: str
    inbox: Path
    data_dir: Path
    started_at: datetime
    finished_at: datetime | None = None
    skipped: int = 0
    processed_files: list[str] = []
    activities: list[ActivityRow] = []
    rejected: list[Rejection] = []
    failed: list[tuple[str, str]] = []
    digest_path: Path | None = None

    def add(self, outcome: FileOutcome, data_dir: Path) -> None:
        if outcome.status == "processed":
            self.processed_files.append(outcome.file.name)
            self.activities += [a.row for a in outcome.activities]
        for r in outcome.rejections:
            name = f"{r.name}:{r.member}" if r.member else r.name
            self.rejected.append(Rejection(name=name, kind=r.kind, reason=r.reason))

    def line(self) -> str:
        """``processed N, skipped M, rejected K (file: reason; …)[, failed F (…)]``."""
        text = f"processed {len(self.processed_files)}, skipped {self.skipped}, rejected {len(self.rejected)}"
        if self.rejected:
            text += " (" + "; ".join(f"{r.name}: {r.reason}" for r in self.rejected) + ")"
        if self.failed:
            text += f", failed {len(self.failed)} (" + "; ".join(f"{n}: {m}" for n, m in self.failed) + ")"
        return text

    def report_uri(self, row: ActivityRow) -> str:
        return (self.data_dir / row.report_dir / "report.html").resolve().as_uri()

    def table_rows(self) -> list[dict[str, Any]]:
        """One row per activity of the night, for the Prefect table artifact."""
        rows = []
        for a in self.activities:
            rows.append({
                "start": a.start_time.strftime("%Y-%m-%d %H:%M") if a.start_time is not None else "",
                "source": a.source,
                "sport": a.sport,
                "duration_min": round(a.timer_s / 60) if a.timer_s is not None else None,
                "distance_km": round(a.distance_m / 1000, 1) if a.distance_m is not None else None,
                "sweat_l": round(a.sweat_total_l, 2) if a.sweat_total_l is not None else None,
                "sweat_range_l": (f"{a.sweat_low_l:.1f}-{a.sweat_high_l:.1f}"
                                  if a.sweat_low_l is not None and a.sweat_high_l is not None else ""),
                "rate_l_per_h": round(a.sweat_rate_l_per_h, 2) if a.sweat_rate_l_per_h is not None else None,
                "report": self.report_uri(a),
            })
        return rows

    def markdown(self) -> str:
        """The Markdown summary (artifact), with links to each report."""
        lines = [f"# Sweatline nightly run {self.started_at:%Y-%m-%d %H:%M} UTC", "", f"**{self._counts()}**", ""]
        if self.activities:
            lines += ["| start | activity | sport | duration | sweat | report |", "|---|---|---|---|---|---|"]
            for row in self.table_rows():
                sweat = f"{row['sweat_l']:.2f} L ({row['sweat_range_l']} L)" if row["sweat_l"] is not None else "–"
                duration = f"{row['duration_min']} min" if row["duration_min"] is not None else "–"
                lines.append(f"| {row['start']} | {_md(row['source'])} | {_md(row['sport'])} | {duration} | {sweat} "
                             f"| [report.html]({row['report']}) |")
            lines.append("")
        if self.rejected:
            lines += ["## Rejected", ""] + [f"- `{_md(r.name)}` ({r.kind}): {_md(r.reason)}" for r in self.rejected] + [""]
        if self.failed:
            lines += ["## Failed (internal errors; retried next run)", ""] + [f"- `{_md(n)}`: {_md(m)}" for n, m in self.failed] + [""]
        lines += [f"Reports: `{(self.data_dir / 'reports').resolve()}`", ""]
        return "\n".join(lines)

    def _counts(self) -> str:
        text = f"processed {len(self.processed_files)}, skipped {self.skipped}, rejected {len(self.rejected)}"
        return text + (f", failed {len(self.failed)}" if self.failed else "")


def _md(text: str) -> str:
    """Untrusted text (file names, reasons) made inert in Markdown tables and lists."""
    out = str(text)
    for ch in "\\`*_[]<>|#":
        out = out.replace(ch, "\\" + ch)
    return " ".join(out.split())


def write_digest(summary: NightlySummary, catalog: Catalog, digests: Path, reports: Path, *,
                 timezone: str = "UTC", sex: str | None = None) -> Path:
    """Write this run's summary under ``digests/`` (kept) and as ``reports/index.md`` (latest), and
    refresh the day-by-day / week-by-week digest ``reports/digest.html`` + ``digest.md`` (the report
    room's renderer, over every activity in the catalog). Returns the run summary's path."""
    from pipeline.report.digest import (
        DIGEST_HTML_NAME, DIGEST_MD_NAME, build_digest, render_digest_html, render_digest_markdown,
    )

    digest = build_digest(catalog.activities(), timezone=timezone, sex=sex)
    # the HTML carries a "generated on" time, the Markdown the same tables without it: when the
    # Markdown is unchanged, nothing in the digest changed and neither file is rewritten
    html_path = Path(reports) / DIGEST_HTML_NAME
    if _write_if_changed(Path(reports) / DIGEST_MD_NAME, render_digest_markdown(digest)) or not html_path.exists():
        atomic_write_text(html_path, render_digest_html(digest))
    text = _render_digest(summary, catalog) + "\nThe last days and weeks: [digest.html](digest.html) ([digest.md](digest.md)).\n"
    stamp = summary.started_at.strftime("%Y%m%dT%H%M%SZ")
    path = atomic_write_text(Path(digests) / f"{stamp}-nightly.md", text)
    atomic_write_text(Path(reports) / INDEX_NAME, text)
    return path


def _write_if_changed(path: Path, text: str) -> bool:
    """Atomic write, skipped when the file already holds exactly this text (a night with nothing
    new rewrites nothing). Returns whether it wrote."""
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    atomic_write_text(path, text)
    return True


def _render_digest(summary: NightlySummary, catalog: Catalog) -> str:
    from flows.commands.weigh_in import weighins_markdown  # issue #6: measured vs model

    weighed = weighins_markdown(catalog)
    return summary.markdown() + ("\n" + weighed if weighed else "")
