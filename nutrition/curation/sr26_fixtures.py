"""Build `fixtures/food_groups.json` and `fixtures/foods.json` from SR26 and the curated lists.

The fixtures use natural keys and no primary keys, so they load into any database in one `loaddata` call. Every
amount is ABBREV.txt's own value for that food and column; a blank in ABBREV gets no row (unknown, not zero).
Output is sorted and formatted the same way every run, so rebuilding reproduces the committed files byte for byte.

`loaddata fixtures/*.json` reads files in name order, so foods.json loads before nutrients.json, and an amount
without a primary key can only be matched to its nutrient once that nutrient exists. foods.json therefore starts
with verbatim copies of the nutrients it uses, taken from fixtures/nutrients.json (which stays the source of
truth: loading it afterwards finds the same rows by natural key and rewrites them with the same values).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from nutrition.importers import sr26

from .sr26_lists import CuratedFood

# Food.updated_at must be given when loaddata saves raw rows; a fixed stamp keeps the output reproducible.
CURATED_AT = "2026-11-29T00:00:00Z"


@dataclass
class Sr26Fixtures:
    food_groups: list[dict]
    foods: list[dict]
    food_count: int = 0
    complete_count: int = 0
    amount_count: int = 0
    portion_count: int = 0


COMPLETE_CODES = (
    "energy_kcal",
    "protein_g",
    "fat_g",
    "carbohydrate_g",
    "iron_mg",
    "folate_ug_dfe",
    "magnesium_mg",
    "vitamin_b12_ug",
    "vitamin_d_ug",
    "vitamin_c_mg",
)


def _food_object(food: CuratedFood, description: str, group_code: str) -> dict:
    return {
        "model": "nutrition.food",
        "fields": {
            "name": food.name,
            "food_group": [group_code],
            "source": sr26.SOURCE,
            "source_id": food.ndb_no,
            "source_description": description,
            "diet": food.diet,
            "allergens": [[code] for code in food.allergens],
            "contains_caffeine": "caffeine" in food.aggravators,
            "contains_alcohol": "alcohol" in food.aggravators,
            "needs_review": False,
            "updated_at": CURATED_AT,
        },
    }


def read_nutrient_objects(nutrients_fixture: str | Path) -> dict[str, dict]:
    """The nutrient objects of fixtures/nutrients.json keyed by code."""
    objects = json.loads(Path(nutrients_fixture).read_text(encoding="utf-8"))
    return {obj["fields"]["code"]: obj for obj in objects if obj["model"] == "nutrition.nutrient"}


def build_sr26_fixtures(sr_dir: str | Path, curated: list[CuratedFood], nutrients: dict[str, dict]) -> Sr26Fixtures:
    """Fixture objects for every SR food group and every curated food, with its amounts and portions.

    `nutrients` maps nutrient code -> its object in fixtures/nutrients.json; a code missing there is a ValueError.
    """
    missing = sorted(set(sr26.ABBREV_TO_NUTRIENT.values()) - set(nutrients))
    if missing:
        raise ValueError(f"nutrients fixture lacks {', '.join(missing)}")
    groups = sr26.read_food_groups(sr_dir).sort_values("FdGrp_Cd")
    descriptions = sr26.read_food_descriptions(sr_dir)
    abbrev = sr26.read_abbrev(sr_dir)
    weights = sr26.read_weights(sr_dir)
    wanted = {food.ndb_no for food in curated}
    weights = weights[weights["NDB_No"].isin(wanted)]

    result = Sr26Fixtures(
        food_groups=[
            {"model": "nutrition.foodgroup", "fields": {"code": row.FdGrp_Cd, "name": row.FdGrp_Desc}}
            for row in groups.itertuples(index=False)
        ],
        foods=[],
    )
    amounts, portions = [], []
    for food in sorted(curated, key=lambda f: f.ndb_no):
        described = descriptions.loc[food.ndb_no]
        result.foods.append(_food_object(food, described["Long_Desc"], described["FdGrp_Cd"]))
        values = sr26.nutrient_values(abbrev.loc[food.ndb_no]) if food.ndb_no in abbrev.index else {}
        result.complete_count += all(code in values for code in COMPLETE_CODES)
        for code in sorted(values):
            amounts.append(
                {
                    "model": "nutrition.nutrientamount",
                    "fields": {
                        "food": [sr26.SOURCE, food.ndb_no],
                        "nutrient": [code],
                        "amount": float(values[code]),
                        "source": "",
                    },
                }
            )
    for row in weights.itertuples(index=False):
        portions.append(
            {
                "model": "nutrition.portion",
                "fields": {
                    "food": [sr26.SOURCE, row.NDB_No],
                    "seq": int(row.Seq),
                    "amount": float(row.Amount),
                    "description": row.Msre_Desc,
                    "grams": float(row.Gm_Wgt),
                },
            }
        )
    result.food_count = len(result.foods)
    result.amount_count = len(amounts)
    result.portion_count = len(portions)
    # Foods first: amounts and portions find their food by natural key while loading.
    used = sorted({amount["fields"]["nutrient"][0] for amount in amounts})
    result.foods = [nutrients[code] for code in used] + result.foods + amounts + portions
    return result


def fixture_text(objects: list[dict]) -> str:
    """A Django JSON fixture, formatted the same way every time."""
    return json.dumps(objects, indent=2, ensure_ascii=False) + "\n"


def write_sr26_fixtures(fixtures: Sr26Fixtures, output_dir: str | Path) -> list[Path]:
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, objects in (("food_groups.json", fixtures.food_groups), ("foods.json", fixtures.foods)):
        path = output_dir / name
        path.write_text(fixture_text(objects), encoding="utf-8")
        written.append(path)
    return written
