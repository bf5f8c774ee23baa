"""The advice texts: worded for this session, amounts consistent with the plan, every topic present."""
from __future__ import annotations

import re

from pipeline.advice import DISCLAIMER, advise
from pipeline.core.config import AdviceConfig
from pipeline.core.schema import ActivityBlock, EnvironmentBlock, Report, SweatBlock


def report(sport="cycling", hours=3.0, rate=0.9, temperature=24.0, low=0.7, activity=True) -> Report:
    total = rate * hours
    act = ActivityBlock(id="0" * 64, source="ride.fit", sport=sport, timer_s=hours * 3600, elapsed_s=hours * 3600) \
        if activity else None
    return Report(
        activity=act,
        environment=EnvironmentBlock(temperature_c=temperature, humidity_pct=55, source="device"),
        sweat=SweatBlock(total_l=total, low_l=total * low, high_l=total * 1.4, rate_l_per_h=rate,
                         sodium_mg=total * 900, potassium_mg=total * 210, body_mass_loss_pct=total / 70 * 100),
    )


def advised(r: Report, hours: float, sex="male", planned=False, sport=None) -> Report:
    return advise(r, duration_s=hours * 3600, body_mass_kg=70, sex=sex, advice_config=AdviceConfig(),
                  planned=planned, sport=sport)


def texts(r: Report) -> dict[str, str]:
    return {a.topic: a.text for a in r.advice}


def test_every_topic_and_the_disclaimer():
    r = advised(report(hours=3.0), 3.0)
    topics = texts(r)
    assert {"hydration", "potassium", "calcium", "warm-up", "meals", "alcohol", "cramps"} <= set(topics)
    assert r.disclaimer == DISCLAIMER and "not medical advice" in r.disclaimer
    everything = " ".join(topics.values()).lower()
    for word in ("banana", "potato", "water", "stretch", "prunes", "dried peaches", "beet greens", "milk", "cheese",
                 "yogurt", "broccoli", "leafy greens", "vitamin d", "magnesium", "tomato", "vinegar", "warm bath",
                 "glass of water with every meal and snack", "keep water on hand"):
        assert word in everything, word


def test_hydration_amounts_are_the_plans():
    r = advised(report(hours=3.0, rate=1.0), 3.0)
    text = texts(r)["hydration"]
    assert f"{r.plan.before_ml:,.0f} mL" in text
    assert f"about {r.plan.during_ml_per_h:,.0f} mL per hour" in text
    assert f"{r.plan.carry_bottles} bottles of 750 mL" in text
    assert f"After: about {r.plan.after_ml:,.0f} mL" in text
    assert "3 h ride at 24 °C" in text  # this session, not boilerplate


def test_short_session_gets_no_carrying_advice_and_no_alcohol_note():
    r = advised(report(sport="running", hours=0.5, rate=0.8), 0.5)
    topics = texts(r)
    assert r.plan.carry_bottles == 0
    assert "bottle of" not in topics["hydration"] and "needs no bottle" in topics["hydration"]
    assert "30 min run" in topics["hydration"]
    assert "alcohol" not in topics and "meals" not in topics


def test_potassium_names_the_loss_and_the_portions_that_cover_it():
    r = advised(report(hours=4.0, rate=1.0), 4.0)       # 4 L x 210 mg/L = 840 mg
    text = texts(r)["potassium"]
    assert "840 mg" in text
    assert "2 bananas" in text and "1 baked potato" in text   # 840 / 422 -> 2; 840 / 926 -> 1
    assert "3,400 mg a day" in text and "for men" in text
    female = texts(advised(report(hours=4.0, rate=1.0), 4.0, sex="female"))["potassium"]
    assert "2,600 mg a day" in female and "for women" in female
    unknown = texts(advised(report(hours=4.0, rate=1.0), 4.0, sex=None))["potassium"]
    assert "3,400 mg" in unknown and "2,600 mg" in unknown


def test_low_sweat_rate_names_hyponatremia():
    r = advised(report(hours=2.0, rate=0.35), 2.0)
    topics = texts(r)
    assert "hyponatremia" in topics
    assert "Hew-Butler" in topics["hyponatremia"]
    quoted = [float(x.replace(",", "")) for x in re.findall(r"low end ([\d,]+) mL per hour", topics["hyponatremia"])]
    assert quoted and quoted[0] <= 350
    assert r.plan.during_ml_per_h <= 0.35 * 0.7 * 1000


def test_caveats_are_honest():
    topics = texts(advised(report(), 3.0))
    assert "Schwellnus" in topics["cramps"] and "fatigue" in topics["cramps"]
    assert "not well supported" in topics["calcium"] and "oxalate" in topics["calcium"]
    assert "limited" in topics["warm-up"]
    assert "drains potassium" in topics["alcohol"] and "urine" in topics["alcohol"]


def test_cold_session_mentions_the_cold_and_planned_session_uses_the_future():
    cold = texts(advised(report(temperature=4.0), 3.0))
    assert "At 4 °C" in cold["warm-up"]
    planned = texts(advised(report(activity=False, hours=4.0), 4.0, planned=True, sport="cycling"))
    assert "the planned 4 h ride" in planned["hydration"] and "you can expect to lose" in planned["hydration"]


def test_no_sweat_estimate_means_no_plan_but_the_general_advice():
    r = Report(activity=ActivityBlock(id="0" * 64, source="x.fit", sport="rowing", timer_s=1800))
    advise(r, duration_s=1800, body_mass_kg=70, sex=None, advice_config=AdviceConfig())
    assert r.plan is None and r.disclaimer == DISCLAIMER
    topics = texts(r)
    assert {"hydration", "potassium", "calcium", "warm-up"} <= set(topics)
    everything = " ".join(topics.values()).lower()
    for word in ("banana", "potato", "water", "stretch", "never more than you sweat"):
        assert word in everything
    assert "next long row" in topics["warm-up"]


def test_a_file_without_a_clock_takes_its_duration_from_the_estimate():
    r = report(hours=2.0, rate=0.9)
    r.activity.timer_s = r.activity.elapsed_s = None
    advise(r, duration_s=None, body_mass_kg=70, sex="male", advice_config=AdviceConfig())
    assert r.plan is not None and r.plan.carry_bottles >= 1
    assert "2 h ride" in texts(r)["hydration"]


def test_no_sweat_at_all_says_so_instead_of_quoting_zeros():
    r = Report(activity=ActivityBlock(id="0" * 64, source="swim.fit", sport="swimming", timer_s=4400),
               environment=EnvironmentBlock(temperature_c=20, humidity_pct=50, source="config"),
               sweat=SweatBlock(total_l=0, low_l=0, high_l=0, rate_l_per_h=0, sodium_mg=0, potassium_mg=0,
                                body_mass_loss_pct=0))
    advised(r, 4400 / 3600)
    topics = texts(r)
    assert r.plan.during_ml_per_h == 0 and r.plan.carry_bottles == 0 and r.plan.after_ml == 0
    assert "next to no sweat" in topics["hydration"] and "drink to thirst" in topics["hydration"]
    assert "No measurable potassium loss" in topics["potassium"] and "0 %" not in topics["potassium"]
    assert "next to no sweat" in topics["hyponatremia"]
    assert {"calcium", "warm-up"} <= set(topics)


def test_tiny_after_amount_is_folded_into_a_glass_with_the_next_meal():
    # 1.2 h at 0.45 L/h, low end 0.9: 0.54 L lost, 400 mL/h x 1.2 h drunk -> 1.25 x 0.06 L = 75 mL left (NATA 2017)
    r = advised(report(hours=1.2, rate=0.45, low=0.9), 1.2)
    assert r.plan.after_ml < 150
    assert "no special amount" in texts(r)["hydration"]


def test_indoor_and_hot_sessions_are_named():
    indoor = report(hours=1.5, rate=1.0)
    indoor.environment = EnvironmentBlock(temperature_c=21, humidity_pct=50, source="config", indoor=True)
    assert "a fan" in texts(advised(indoor, 1.5))["hydration"]
    assert "21 °C indoors" in texts(advised(indoor, 1.5))["hydration"]
    hot = texts(advised(report(hours=2.0, rate=1.2, temperature=33), 2.0))["hydration"]
    assert "At 33 °C the estimate already includes the heat" in hot


def test_the_low_end_cap_says_what_it_may_leave_behind():
    # 6 h at 0.8 L/h = 4.8 L (low end 2.9 L): the lower figure is capped at 450 mL/h (the low-end rate 0.48 L/h),
    # 2.7 L drunk, leaving 2.1 L = 3.0 % of 70 kg at the central estimate (ACSM 2007 aims for < 2 %); the upper
    # figure (4.8 - 1.4) / 6 = 567 -> 550 mL/h leaves 1.5 L = 2.1 %
    r = advised(report(hours=6.0, rate=0.8, low=0.6), 6.0)
    assert r.plan.during_ml_per_h == 450 and r.plan.during_max_ml_per_h == 550
    text = texts(r)["hydration"]
    assert "about 2.1 % of body mass down" in text and "450 mL per hour about 3.0 %" in text
    assert "450–550 mL per hour" in text and "drink to thirst" in text


def facts_report(temperature, humidity, hours=1.0, rate=1.0, low=0.7, sport="running", flags=()) -> Report:
    r = report(sport=sport, hours=hours, rate=rate, temperature=temperature, low=low)
    r.environment = EnvironmentBlock(temperature_c=temperature, humidity_pct=humidity, source="override")
    r.sweat.flags = list(flags)
    return r


def test_heat_that_cannot_be_shed_gets_its_own_topic():
    # 35 °C and 90 % once got "cool drinks and shade". NWS heat index (Rothfusz 1990) at 95 °F / 90 %
    # is beyond the NWS chart's top (137 °F): "extreme danger"
    hot = texts(advised(facts_report(35, 90, flags=("rate held at the 1000 g/m²/h ceiling for 80% of moving time",)), 1.0))
    assert "heat" in hot
    for words in ("slow down", "shorten", "dizzy", "shade", "extreme danger", "drinking more cannot fix that"):
        assert words in hot["heat"], words
    assert "cool drinks and shade" not in hot["hydration"]
    mild = texts(advised(facts_report(20, 50), 1.0))
    assert "heat" not in mild


def test_heat_topic_from_the_ceiling_flag_in_extreme_caution():
    # 32 °C / 50 % = 89.6 °F / 50 %: heat index about 94 °F (NWS chart: 90 °F / 50 % = 95), "extreme caution" only,
    # so the topic needs the model's ceiling flag as well
    flag = "rate held at the 1000 g/m²/h ceiling for 40% of moving time"
    assert "heat" in texts(advised(facts_report(32, 50, flags=(flag,)), 1.0))
    assert "heat" not in texts(advised(facts_report(32, 50), 1.0))


def test_no_warm_bath_in_the_heat():
    # a warm bath before exercise was advised at 35 °C
    hot = texts(advised(facts_report(35, 40), 1.0))["warm-up"]
    assert "skip the warm bath" in hot and "helps on a cool day" not in hot
    cool = texts(advised(facts_report(12, 60), 1.0))["warm-up"]
    assert "warm bath or shower beforehand (a common tip) helps on a cool day" in cool


def test_no_text_refers_to_an_article_the_reader_does_not_have():
    for r in (advised(report(hours=3.0), 3.0), advised(facts_report(35, 90, hours=3.0), 3.0)):
        for item in r.advice:
            assert "article" not in item.text.lower(), item.topic
    generic = Report(activity=ActivityBlock(id="0" * 64, source="x.fit", sport="rowing", timer_s=1800))
    advise(generic, duration_s=1800, body_mass_kg=70, sex=None, advice_config=AdviceConfig())
    assert all("article" not in item.text.lower() for item in generic.advice)


def test_hyponatremia_topic_for_the_known_risk_factors():
    # Hew-Butler et al. 2015; Almond et al. 2005: a 55 kg woman running 3.5 h at 0 °C with a low sweat rate
    r = facts_report(0, 70, hours=3.5, rate=0.3)
    advise(r, duration_s=3.5 * 3600, body_mass_kg=55, sex="female", advice_config=AdviceConfig())
    text = texts(r)["hyponatremia"]
    for words in ("Drink to thirst", "more than you lose", "weigh yourself before and after", "salty snacks",
                  "under 60 kg", "in the cold", "below 0.5 L per hour", "Hew-Butler", "Almond"):
        assert words in text, words
    # ... and not for a 75 kg man running 1 h at 25 °C
    r = facts_report(25, 50, hours=1.0, rate=1.0)
    advise(r, duration_s=3600, body_mass_kg=75, sex="male", advice_config=AdviceConfig())
    assert "hyponatremia" not in texts(r)


def test_a_calibrated_cap_is_called_the_measured_rate_not_the_low_end():
    # Calibrated by weigh-ins, the lower figure's cap is the calibrated rate itself (drinking_cap_ml_per_h),
    # not the low end of the range the headline shows: the text must not call 1,070 mL/h "the low end"
    # of a 0.75-1.53 L/h range (a new user's report, 1 h 15 min run at 1.07 L/h).
    r = report(sport="running", hours=1.25, rate=1.07, low=0.7)
    r.sweat = r.sweat.model_copy(update={"calibrated": True})
    text = texts(advised(r, 1.25))["hydration"]
    assert "low end" not in text
    assert "your sweat rate (1,070 mL per hour) as your weigh-ins measure it" in text
    uncalibrated = texts(advised(report(sport="running", hours=1.25, rate=1.07, low=0.7), 1.25))["hydration"]
    assert "low end of your estimated sweat rate (740 mL per hour)" in uncalibrated  # 1.07 x 0.7 = 749 -> 740
