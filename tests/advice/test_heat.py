"""The NWS heat index (Rothfusz 1990, as the NWS Weather Prediction Center computes it) against the
published NWS heat index chart, and the heat warning's thresholds."""
from __future__ import annotations

import pytest

from pipeline.advice.heat import at_sweat_ceiling, c_to_f, heat_assessment, heat_category, heat_index_c, heat_index_f, is_warm

# NWS heat index chart (°F; e.g. https://www.srh.noaa.gov/tsa/?n=heatindex): (air °F, RH %) -> heat index °F.
# The regression reproduces the chart to about ±1.3 °F (its stated error).
NWS_CHART = [
    ((80, 40), 80), ((90, 40), 91), ((100, 40), 109), ((110, 40), 136), ((88, 60), 95), ((90, 60), 100),
    ((96, 65), 121), ((86, 90), 105), ((90, 100), 132), ((84, 100), 103), ((82, 95), 93), ((94, 55), 106),
]


@pytest.mark.parametrize("conditions,published", NWS_CHART)
def test_heat_index_matches_the_nws_chart(conditions, published):
    assert heat_index_f(*conditions) == pytest.approx(published, abs=1.3)


def test_below_80_f_the_simple_steadman_formula():
    # WPC: HI = 0.5 (T + 61 + 1.2 (T - 68) + 0.094 RH) when that (averaged with T) is below 80 °F
    assert heat_index_f(68, 50) == pytest.approx(0.5 * (68 + 61 + 0 + 4.7))
    assert heat_index_c(20, 50) == pytest.approx((0.5 * (68 + 61 + 4.7) - 32) * 5 / 9)


def test_nws_categories():
    # NWS: Caution 80-90 °F, Extreme Caution 90-103, Danger 103-124, Extreme Danger 125+
    assert heat_category(79) is None and heat_category(85) == "caution"
    assert heat_category(95) == "extreme caution" and heat_category(110) == "danger"
    assert heat_category(130) == "extreme danger"


def test_warning_thresholds():
    assert c_to_f(35) == pytest.approx(95)
    hot = heat_assessment(35, 90)
    assert hot is not None and hot.category == "extreme danger" and not hot.at_ceiling
    assert heat_assessment(20, 50) is None
    # 33 °C / 60 % = 91.4 °F / 60 %: between the chart's 100 (90 °F) and 105 (92 °F), about 103 °F: "danger"
    assert heat_assessment(33, 60) is not None
    # extreme caution only with the model's ceiling flag
    flag = ["rate held at the 1000 g/m²/h ceiling for 30% of moving time"]
    assert at_sweat_ceiling(flag) and not at_sweat_ceiling(["air below the fitted 15 °C"])
    assert heat_assessment(32, 50) is None and heat_assessment(32, 50, flag) is not None
    assert heat_assessment(None, 50) is None
    assert is_warm(25) and not is_warm(24.9) and not is_warm(None)
