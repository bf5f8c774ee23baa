"""`sweatline history [--json]`: the processed activities with their estimates, newest first (as
``reports/index``); the JSON in the same order."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from flows.cli.options import add_config, add_units
from pipeline.core.config import Config
from pipeline.core.units import Units
from pipeline.report.weighins import weighins_text
from pipeline.store.catalog import ActivityRow, Catalog
from pipeline.store.weighins import WeighIns, comparisons


def register(parser: argparse.ArgumentParser) -> None:
    """``sweatline history``'s description and options."""
    parser.description = ("List processed activities with their estimates, newest first "
                          "(as reports/index.html).")
    add_config(parser)
    add_units(parser)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def run(args: argparse.Namespace, config: Config) -> int:
    data_dir = Path(config.data_dir)
    with Catalog(data_dir, read_only=True) as catalog:  # reading needs no write access
        rows = catalog.activities()[::-1]  # newest first, as the report index
        rejected = catalog.rejections()
        weighins = comparisons(catalog)
        weighed = {c.activity_id: c.model_dump(mode="json") for c in weighins}
        points = WeighIns(catalog).calibration_points()
    units = getattr(args, "units", None) or config.units
    weighed_text = weighins_text(weighins, points, config.nightly.timezone, units)
    if args.json:
        payload = [dict(row.model_dump(mode="json"), report_html=str((data_dir / row.report_dir / "report.html").resolve()),
                        weigh_in=weighed.get(row.id))
                   for row in rows]
        print(json.dumps(payload, indent=2))
        return 0
    if not rows:
        print(f"no activities processed yet in {data_dir} (run `sweatline nightly` or `sweatline ride FILE`)")
    else:
        print(_table(rows, config.nightly.timezone, units))
    if weighed_text:
        print("\n" + weighed_text)
    if rejected:
        print(f"\n{len(rejected)} file{'' if len(rejected) == 1 else 's'} rejected; the latest: "
              + "; ".join(f"{r.name}: {r.reason}" for r in rejected[-3:]))
    return 0


def _table(rows: list[ActivityRow], timezone: str = "UTC", units: Units = "metric") -> str:
    from pipeline.report.digest import history_table

    return history_table(rows, timezone=timezone, units=units)
