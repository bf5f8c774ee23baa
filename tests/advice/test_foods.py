"""The food table against SCIENCE.md §5 (USDA FoodData Central / NIH ODS values)."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from pipeline.advice.foods import (
    CALCIUM_RDA_MG_PER_DAY,
    FOODS,
    POTASSIUM_AI_MG_PER_DAY,
    Food,
    food,
    foods_for,
    portions_to_cover,
    potassium_ai_mg,
)

# (key, potassium mg, calcium mg) per portion, SCIENCE.md §5 (USDA FoodData Central; NIH ODS fact sheets)
SCIENCE_TABLE = [
    ("banana", 422, 6), ("potato", 926, 26), ("prunes", 637, 37), ("dried_peaches", 798, 22),
    ("beet_greens", 1309, 164), ("milk", 366, 300), ("yogurt", 531, 415), ("cheese", 42, 307),
    ("broccoli", 229, 31), ("kale", 170, 177),
]


@pytest.mark.parametrize("key,potassium,calcium", SCIENCE_TABLE)
def test_values_match_the_published_table(key, potassium, calcium):
    item = food(key)
    assert item.potassium_mg == potassium
    assert item.calcium_mg == calcium
    assert item.source


def test_daily_reference_intakes():
    # NASEM 2019 potassium AI; NIH ODS calcium RDA adults 19-50
    assert POTASSIUM_AI_MG_PER_DAY["male"] == 3400
    assert POTASSIUM_AI_MG_PER_DAY["female"] == 2600
    assert potassium_ai_mg("female") == 2600 and potassium_ai_mg(None) is None
    assert CALCIUM_RDA_MG_PER_DAY == 1000


def test_the_article_foods_are_all_there():
    assert {f.key for f in foods_for("potassium")} == {"banana", "potato", "prunes", "dried_peaches", "beet_greens"}
    assert {"milk", "cheese", "yogurt", "broccoli", "kale"} <= {f.key for f in foods_for("calcium")}
    richest = foods_for("potassium")
    assert [f.potassium_mg for f in richest] == sorted((f.potassium_mg for f in richest), reverse=True)


def test_table_is_frozen_and_validated():
    with pytest.raises(TypeError):
        FOODS["banana"] = FOODS["potato"]  # type: ignore[index]
    with pytest.raises(ValidationError):
        FOODS["banana"].potassium_mg = 1  # type: ignore[misc]
    with pytest.raises(ValidationError, match="implausible"):
        Food(key="x", name="x", portion="1", portion_g=10, potassium_mg=5000, calcium_mg=0, groups=("potassium",),
             source="test")
    with pytest.raises(ValidationError):
        Food(key="x", name="x", portion="1", portion_g=10, potassium_mg=-1, calcium_mg=0, groups=("potassium",),
             source="test")


def test_unknown_food_names_the_known_ones():
    with pytest.raises(KeyError, match="banana"):
        food("durian")


def test_portions_to_cover():
    banana = food("banana")
    assert portions_to_cover(422, banana) == 1
    assert portions_to_cover(423, banana) == 2
    assert portions_to_cover(0, banana) == 0
    assert portions_to_cover(1000, food("milk"), "calcium") == 4


def test_kale_names_its_real_source_and_portion():
    # 177 mg is the Dietary Guidelines 2020-2025 "Food Sources of Calcium" entry "Kale, cooked,
    # 1 cup" (dietaryguidelines.gov), not the NIH ODS sheet (which lists kale, fresh, cooked, 1 cup: 94 mg
    # and kale, raw, chopped, 1 cup)
    kale = food("kale")
    assert kale.calcium_mg == 177
    assert "Dietary Guidelines for Americans 2020-2025" in kale.source and "ODS" not in kale.source
    assert kale.portion.startswith("1 cup, cooked")
