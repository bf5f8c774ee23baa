"""From a decoded activity (or a planned session) to a :class:`~pipeline.schema.Report`.

The one place where the rooms meet: ``fit`` -> ``physiology`` -> ``advice``. Pure: no disk.
"""
from __future__ import annotations

from pipeline.config import Config
from pipeline.fit.models import Activity
from pipeline.schema import Report


def analyse_activity(activity: Activity, config: Config) -> Report:
    """The report for one activity. (Sweat model: issue #3; plan and advice: issue #4.)"""
    return Report(activity=activity.summary)
