"""`sweatline history [--json]`: the processed activities with their estimates, oldest first."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from pipeline.config import Config
from flows.commands.weigh_in import weighins_text
from pipeline.store.catalog import ActivityRow, Catalog
from pipeline.store.weighins import comparisons


def run(args: argparse.Namespace, config: Config) -> int:
    data_dir = Path(config.data_dir)
    with Catalog(data_dir) as catalog:
        rows = catalog.activities()
        rejected = catalog.rejections()
        weighed = {c.activity_id: c.model_dump(mode="json") for c in comparisons(catalog)}  # issue #6
        weighed_text = weighins_text(catalog)
    if args.json:
        payload = [dict(row.model_dump(mode="json"), report_html=str((data_dir / row.report_dir / "report.html").resolve()),
                        weigh_in=weighed.get(row.id))
                   for row in rows]
        print(json.dumps(payload, indent=2))
        return 0
    if not rows:
        print(f"no activities processed yet in {data_dir} (run `sweatline nightly` or `sweatline ride FILE`)")
    else:
        print(_table(rows))
    if weighed_text:
        print("\n" + weighed_text)
    if rejected:
        print(f"\n{len(rejected)} file(s) rejected; the latest: "
              + "; ".join(f"{r.name}: {r.reason}" for r in rejected[-3:]))
    return 0


def _table(rows: list[ActivityRow]) -> str:
    try:
        from pipeline.report.digest import history_table  # type: ignore[attr-defined]
    except ImportError:
        history_table = None
    if history_table is not None:
        return str(history_table(rows))
    header = ("date", "sport", "time", "km", "sweat L (range)", "L/h", "weather", "id")
    lines = [header]
    for r in rows:
        lines.append((
            r.start_time.strftime("%Y-%m-%d %H:%M") if r.start_time is not None else "?",
            r.sport,
            f"{r.timer_s / 3600:.0f}h{r.timer_s % 3600 / 60:02.0f}" if r.timer_s is not None else "?",
            f"{r.distance_m / 1000:.1f}" if r.distance_m is not None else "-",
            (f"{r.sweat_total_l:.2f} ({r.sweat_low_l:.1f}-{r.sweat_high_l:.1f})"
             if r.sweat_total_l is not None and r.sweat_low_l is not None and r.sweat_high_l is not None else "-"),
            f"{r.sweat_rate_l_per_h:.2f}" if r.sweat_rate_l_per_h is not None else "-",
            (f"{r.temperature_c:.0f}°C {r.humidity_pct:.0f}% {r.environment_source}"
             if r.temperature_c is not None and r.humidity_pct is not None else "-"),
            r.id[:10],
        ))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in lines)
