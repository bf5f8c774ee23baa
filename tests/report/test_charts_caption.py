"""The sweat-rate chart's caption explains the planned drinking's bar and whisker only where the
chart draws them: a whisker is drawn when the upper figure is above the lower one."""
from __future__ import annotations

from pipeline.core.schema import PlanBlock
from pipeline.report.charts import sweat_rate_caption


def _plan(during: float, upper: float) -> PlanBlock:
    return PlanBlock(before_ml=350.0, during_ml_per_h=during, during_max_ml_per_h=upper, carry_bottles=1, after_ml=300.0)


def test_a_single_figure_has_no_whisker_in_the_caption() -> None:
    caption = sweat_rate_caption(_plan(400.0, 400.0))
    assert "whisker" not in caption and "range" not in caption.split("device's")[1]
    assert "one figure (0.40 L/h" in caption


def test_a_range_is_explained_as_bar_and_whisker() -> None:
    caption = sweat_rate_caption(_plan(400.0, 650.0))
    assert "bar: the lower figure" in caption and "whisker: the upper figure" in caption


def test_without_a_plan_no_planned_drinking_is_named() -> None:
    assert "planned" not in sweat_rate_caption(None)
