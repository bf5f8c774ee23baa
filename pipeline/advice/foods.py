"""The leg-cramp article's foods, with their potassium and calcium per ordinary portion.

A validated, frozen table (SCIENCE.md §5). Values per portion are USDA nutrient data as
published in the NIH Office of Dietary Supplements (ODS) fact sheets and the Dietary
Guidelines for Americans food-source tables, which draw on USDA FoodData Central
(SR Legacy). Checked against copies of those tables found with the project's search tool
(Nov 2026); where a value could not be found again it is marked "as in SCIENCE.md §5":

- banana, 1 medium: 422 mg K (ODS potassium fact sheet; DGA 2015-2020 Appendix 10).
- potato, baked, flesh and skin, 1 medium (173 g): 926 mg K (earlier ODS fact sheet; SR Legacy
  535 mg/100 g x 173 g). DGA 2015 lists 941 mg for its "medium"; the current ODS sheet,
  using FNDDS portions, lists 610 mg. Potatoes vary: the report calls it "about 900 mg".
- prunes, 1/2 cup (87 g): 637 mg K (earlier ODS sheet; current sheet 699 mg).
- dried peaches, 1/2 cup (80 g): 798 mg K (as in SCIENCE.md §5; SR Legacy ~996 mg/100 g, not re-found).
- beet greens, cooked, 1 cup (144 g): 1,309 mg K (DGA 2015: 654 mg per 1/2 cup).
- milk, 1 cup: 366 mg K (ODS), ~300 mg Ca (ODS calcium fact sheet: 299-305 mg; older tables list
  281 mg K per 8 oz for whole milk).
- yogurt, plain low-fat, 8 oz: 531 mg K (DGA 2015), 415 mg Ca (ODS).
- cheddar, 1.5 oz: 307 mg Ca (ODS).
- broccoli, cooked, 1/2 cup: 229 mg K, ~31 mg Ca (ODS lists 35 mg in older editions); potassium as in
  SCIENCE.md §5.
- kale, cooked, 1 cup: 177 mg Ca. The source is the Dietary Guidelines for Americans 2020-2025
  table "Calcium: Nutrient-dense Food and Beverage Sources" (dietaryguidelines.gov/food-sources-calcium:
  "Kale, cooked | 1 cup | 43 kcal | 177 mg"), not the ODS fact sheet, which lists other kale
  entries: "Kale, fresh, cooked, 1 cup: 94 mg" and "Kale, raw, chopped, 1 cup" (90 mg in the 2012
  edition; the current sheet's 24 mg is USDA SR28's 150 mg/100 g for a loosely packed 16 g cup).
  The DGA table gives no grams; 118 g is the cup that 177 mg implies at SR Legacy's 150 mg/100 g
  for boiled kale (not re-found with the search tool). The 130 g cup of older SR editions went
  with 72 mg/100 g (the ODS 94 mg). Kale potassium as in SCIENCE.md §5.

Daily reference intakes: potassium adequate intake (AI) 3,400 mg/day men, 2,600 mg/day
women, adults 19+ (NASEM 2019, *Dietary Reference Intakes for Sodium and Potassium*; ODS).
Calcium RDA 1,000 mg/day adults 19-50 (1,200 mg women 51+, men 71+) (IOM 2011; ODS).
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

#: Potassium adequate intake, mg/day, adults (NASEM 2019).
POTASSIUM_AI_MG_PER_DAY: Mapping[str, float] = MappingProxyType({"male": 3400.0, "female": 2600.0})
#: Calcium RDA, mg/day, adults 19-50 (IOM 2011; NIH ODS calcium fact sheet).
CALCIUM_RDA_MG_PER_DAY = 1000.0

Group = Literal["potassium", "calcium"]


class Food(BaseModel):
    """One food at one portion, with its minerals per portion."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    name: str = Field(description="how the report names it, e.g. 'banana'")
    portion: str = Field(description="one portion in kitchen words, e.g. '1 medium (118 g)'")
    portion_g: float = Field(gt=0)
    potassium_mg: float = Field(ge=0)
    calcium_mg: float = Field(ge=0)
    groups: tuple[Group, ...] = Field(description="which advice the article names it in")
    source: str

    @model_validator(mode="after")
    def _plausible(self) -> "Food":
        # no food holds more than ~2 % potassium or ~1.5 % calcium by mass (USDA FDC maxima for whole foods)
        if self.potassium_mg > 20.0 * self.portion_g:
            raise ValueError(f"{self.key}: potassium_mg {self.potassium_mg} is implausible for {self.portion_g} g")
        if self.calcium_mg > 15.0 * self.portion_g:
            raise ValueError(f"{self.key}: calcium_mg {self.calcium_mg} is implausible for {self.portion_g} g")
        if not self.groups:
            raise ValueError(f"{self.key}: groups must name potassium and/or calcium")
        return self


_ODS_K = "NIH ODS potassium fact sheet / USDA FoodData Central (SR Legacy)"
_ODS_CA = "NIH ODS calcium fact sheet / USDA FoodData Central (SR Legacy)"
_DGA = "Dietary Guidelines for Americans 2015-2020, Appendix 10 (USDA SR)"
_DGA_CA = ("Dietary Guidelines for Americans 2020-2025, Calcium: Nutrient-dense Food and Beverage Sources "
           "(dietaryguidelines.gov/food-sources-calcium)")

_FOODS: tuple[Food, ...] = (
    Food(key="banana", name="banana", portion="1 medium (118 g)", portion_g=118, potassium_mg=422, calcium_mg=6,
         groups=("potassium",), source=_ODS_K),
    Food(key="potato", name="baked potato with skin", portion="1 medium (173 g)", portion_g=173, potassium_mg=926,
         calcium_mg=26, groups=("potassium",), source=_ODS_K),
    Food(key="prunes", name="prunes", portion="½ cup (87 g)", portion_g=87, potassium_mg=637, calcium_mg=37,
         groups=("potassium",), source=_ODS_K),
    Food(key="dried_peaches", name="dried peaches", portion="½ cup (80 g)", portion_g=80, potassium_mg=798,
         calcium_mg=22, groups=("potassium",), source="USDA FoodData Central (SR Legacy)"),
    Food(key="beet_greens", name="cooked beet greens", portion="1 cup (144 g)", portion_g=144, potassium_mg=1309,
         calcium_mg=164, groups=("potassium", "calcium"), source=_DGA),
    Food(key="milk", name="milk", portion="1 cup (244 g)", portion_g=244, potassium_mg=366, calcium_mg=300,
         groups=("calcium",), source=_ODS_CA),
    Food(key="yogurt", name="plain low-fat yogurt", portion="8 oz (227 g)", portion_g=227, potassium_mg=531,
         calcium_mg=415, groups=("calcium",), source=_ODS_CA),
    Food(key="cheese", name="cheddar cheese", portion="1.5 oz (42 g)", portion_g=42, potassium_mg=42,
         calcium_mg=307, groups=("calcium",), source=_ODS_CA),
    Food(key="broccoli", name="cooked broccoli", portion="½ cup (78 g)", portion_g=78, potassium_mg=229,
         calcium_mg=31, groups=("calcium",), source=_ODS_CA),
    Food(key="kale", name="cooked kale", portion="1 cup, cooked (about 118 g)", portion_g=118, potassium_mg=170,
         calcium_mg=177, groups=("calcium",), source=_DGA_CA),
)

#: The table, by key (read-only).
FOODS: MappingProxyType[str, Food] = MappingProxyType({f.key: f for f in _FOODS})
if len(FOODS) != len(_FOODS):  # pragma: no cover - a duplicated key is a programming error
    raise RuntimeError("duplicate food keys in pipeline.advice.foods")


def food(key: str) -> Food:
    """One food by key; a clear error naming the valid keys otherwise."""
    try:
        return FOODS[key]
    except KeyError:
        raise KeyError(f"{key!r} is not in the food table; known foods: {', '.join(FOODS)}") from None


def foods_for(group: Group) -> list[Food]:
    """The foods the article names for ``group``, richest first."""
    attr = "potassium_mg" if group == "potassium" else "calcium_mg"
    return sorted((f for f in _FOODS if group in f.groups), key=lambda f: getattr(f, attr), reverse=True)


def portions_to_cover(amount_mg: float, item: Food, group: Group = "potassium") -> int:
    """Whole portions of ``item`` that provide at least ``amount_mg`` of the mineral (0 for nothing)."""
    per = item.potassium_mg if group == "potassium" else item.calcium_mg
    if amount_mg <= 0:
        return 0
    if per <= 0:
        raise ValueError(f"{item.key} has no {group}")
    return math.ceil(amount_mg / per - 1e-9)


def potassium_ai_mg(sex: str | None) -> float | None:
    """The potassium adequate intake for ``sex`` (mg/day, NASEM 2019); None when unknown."""
    return POTASSIUM_AI_MG_PER_DAY.get(sex) if sex is not None else None
