"""The curated SR26 food database (fixtures/foods.json) holds USDA's own numbers, and unknown stays unknown.

SR26 is read here with plain string splitting, independently of nutrition.importers.sr26.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings

from nutrition.models import Food, NutrientAmount

FOODS_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "foods.json"

# ABBREV.txt field positions (SR26 documentation) of the columns we keep.
ABBREV_FIELDS = {
    "energy_kcal": 3,
    "protein_g": 4,
    "fat_g": 5,
    "carbohydrate_g": 7,
    "fiber_g": 8,
    "calcium_mg": 10,
    "iron_mg": 11,
    "magnesium_mg": 12,
    "sodium_mg": 15,
    "vitamin_c_mg": 20,
    "folic_acid_ug": 27,
    "folate_ug_dfe": 29,
    "vitamin_b12_ug": 31,
    "vitamin_d_ug": 41,
}
COMPLETE = (
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


def sr_rows(data: bytes) -> dict[str, list[str]]:
    rows = {}
    for line in data.decode("latin-1").splitlines():
        fields = [field.strip("~") for field in line.split("^")]
        rows[fields[0]] = fields
    return rows


@pytest.fixture(scope="module")
def abbrev(sr_bytes) -> dict[str, list[str]]:
    rows = sr_rows(sr_bytes("ABBREV.txt"))
    assert len(rows) == 8463 and all(len(fields) == 53 for fields in rows.values())
    return rows


@pytest.fixture(scope="module")
def long_descriptions(sr_bytes) -> dict[str, str]:
    return {ndb: fields[2] for ndb, fields in sr_rows(sr_bytes("FOOD_DES.txt")).items()}


@pytest.fixture(scope="module")
def fixture_objects() -> list[dict]:
    return json.loads(FOODS_FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def curated_ndbs(fixture_objects) -> list[str]:
    return [o["fields"]["source_id"] for o in fixture_objects if o["model"] == "nutrition.food"]


def known_cells(abbrev, ndbs) -> set[tuple[str, str]]:
    return {(ndb, code) for ndb in ndbs for code, i in ABBREV_FIELDS.items() if abbrev[ndb][i].strip()}


def test_every_amount_in_the_foods_fixture_is_abbrevs_own_value(abbrev, fixture_objects, curated_ndbs):
    amounts = [o for o in fixture_objects if o["model"] == "nutrition.nutrientamount"]
    assert len(amounts) > 5000
    for amount in amounts:
        source, ndb = amount["fields"]["food"]
        (code,) = amount["fields"]["nutrient"]
        assert source == "usda-sr26"
        raw = abbrev[ndb][ABBREV_FIELDS[code]]
        assert raw.strip(), f"{ndb} {code}: ABBREV is blank but the fixture has {amount['fields']['amount']}"
        assert amount["fields"]["amount"] == float(raw), f"{ndb} {code}: {amount['fields']['amount']} != {raw}"
    # ...and every known value of a curated food is there, once.
    pairs = [(a["fields"]["food"][1], a["fields"]["nutrient"][0]) for a in amounts]
    assert len(pairs) == len(set(pairs))
    assert set(pairs) == known_cells(abbrev, curated_ndbs)


@pytest.mark.django_db
def test_a_value_abbrev_leaves_blank_has_no_amount_in_the_loaded_database(abbrev, curated_ndbs):
    blanks = {(n, c) for n in curated_ndbs for c, i in ABBREV_FIELDS.items() if not abbrev[n][i].strip()}
    assert ("11212", "vitamin_d_ug") in blanks  # edamame: SR26 does not report vitamin D
    stored = set(
        NutrientAmount.objects.filter(food__source="usda-sr26").values_list("food__source_id", "nutrient__code")
    )
    assert stored == known_cells(abbrev, curated_ndbs)
    assert not stored & blanks
    edamame = Food.objects.get(source="usda-sr26", source_id="11212")
    assert "vitamin_d_ug" not in edamame.amounts_by_code()
    assert edamame.amounts_by_code()["iron_mg"] == float(abbrev["11212"][11])


@pytest.mark.django_db
def test_the_database_holds_at_least_400_foods_and_300_with_every_rls_nutrient_and_macro_known():
    foods = Food.objects.filter(source="usda-sr26").prefetch_related("amounts__nutrient")
    assert foods.count() >= 400
    complete = [f for f in foods if all(code in f.amounts_by_code() for code in COMPLETE)]
    assert len(complete) >= 300


@pytest.mark.django_db
def test_every_food_names_its_source_and_has_a_name_a_person_would_write(long_descriptions):
    foods = list(Food.objects.filter(source="usda-sr26"))
    assert foods
    names = [f.name for f in foods]
    assert len(names) == len(set(names))
    for food in foods:
        assert food.source_id in long_descriptions and len(food.source_id) == 5
        assert food.source_description == long_descriptions[food.source_id]
        assert food.name.strip() and not food.name.isupper()
        assert food.food_group_id is not None


@pytest.mark.django_db
def test_lentils_carry_their_sr_group_and_household_portions(sr_bytes):
    lentils = Food.objects.get(source="usda-sr26", source_id="16070")
    assert lentils.name == "Lentils, boiled"
    assert lentils.food_group.code == "1600"
    weights = [line.split("^") for line in sr_bytes("WEIGHT.txt").decode("latin-1").splitlines()]
    expected = [(int(w[1]), float(w[2]), w[3].strip("~"), float(w[4])) for w in weights if w[0] == "~16070~"]
    assert expected
    assert [(p.seq, p.amount, p.description, p.grams) for p in lentils.portions.all()] == expected


CAFFEINATED = ["14209", "14210", "14355", "14148", "14154", "19165", "19905"]  # coffee, espresso, tea, cola, ...
ALCOHOLIC = ["14003", "14006", "14096", "14106", "14037"]  # beers, wines, spirits


@pytest.mark.django_db
def test_coffee_tea_cola_energy_drinks_and_chocolate_are_marked_caffeinated():
    foods = Food.objects.filter(source="usda-sr26", source_id__in=CAFFEINATED)
    assert foods.count() == len(CAFFEINATED)
    assert all(f.contains_caffeine and not f.contains_alcohol for f in foods)
    assert not Food.objects.get(source_id="14381").contains_caffeine  # herbal tea


@pytest.mark.django_db
def test_beer_wine_and_spirits_are_marked_alcoholic_and_every_alcoholic_beverage_is(long_descriptions):
    foods = Food.objects.filter(source="usda-sr26", source_id__in=ALCOHOLIC)
    assert foods.count() == len(ALCOHOLIC)
    assert all(f.contains_alcohol for f in foods)
    for food in Food.objects.filter(source="usda-sr26"):
        if long_descriptions[food.source_id].lower().startswith("alcoholic beverage"):
            assert food.contains_alcohol, food.name
    assert "gluten" in Food.objects.get(source_id="14003").allergens.values_list("code", flat=True)


def allergen_codes(food) -> set[str]:
    return set(food.allergens.values_list("code", flat=True))


@pytest.mark.django_db
def test_milk_cheese_yogurt_cream_and_butter_foods_are_tagged_dairy(long_descriptions):
    dairy_words = ("milk", "cheese", "yogurt", "cream", "butter")
    checked = 0
    for food in Food.objects.filter(source="usda-sr26", food_group__code="0100"):
        if long_descriptions[food.source_id].lower().startswith(dairy_words):
            assert "dairy" in allergen_codes(food), food.name
            assert food.diet == "vegetarian", food.name
            checked += 1
    assert checked >= 30
    for ndb in ("11934", "18239", "22910", "19120"):  # mashed potato, croissant, cheese lasagne, milk chocolate
        assert "dairy" in allergen_codes(Food.objects.get(source_id=ndb))


@pytest.mark.django_db
def test_wheat_foods_are_tagged_gluten_and_plain_rice_and_oats_are_not():
    for ndb in ("18075", "20125", "20013", "20029", "08077", "16123", "20006"):
        assert "gluten" in allergen_codes(Food.objects.get(source_id=ndb)), ndb
    for ndb in ("20037", "20137", "08121", "20010"):
        assert "gluten" not in allergen_codes(Food.objects.get(source_id=ndb)), ndb


@pytest.mark.django_db
def test_animal_foods_never_suit_vegans_and_vegan_foods_carry_no_animal_allergen():
    meat_groups = ("0500", "0700", "1000", "1300", "1700")
    assert not Food.objects.filter(food_group__code__in=meat_groups).exclude(diet="omnivore").exists()
    fish = Food.objects.filter(food_group__code="1500")
    assert fish.exists() and set(fish.values_list("diet", flat=True)) == {"pescatarian"}
    assert all(allergen_codes(f) & {"fish", "shellfish"} for f in fish)
    vegan = Food.objects.filter(diet="vegan")
    assert vegan.count() >= 150
    assert not vegan.filter(allergens__code__in=["dairy", "egg", "fish", "shellfish"]).exists()


@pytest.mark.django_db
def test_the_foods_people_with_rls_are_pointed_to_are_all_there():
    wanted = {
        "16070": "lentils",
        "16057": "chickpeas",
        "16028": "kidney beans",
        "16015": "black beans",
        "16043": "pinto beans",
        "16114": "tempeh",
        "16126": "tofu",
        "11457": "spinach",
        "11233": "kale",
        "11147": "chard",
        "12014": "pumpkin seeds",
        "12166": "tahini",
        "20137": "quinoa",
        "13326": "beef liver",
        "15164": "mussels",
        "15167": "oysters",
        "15088": "sardines",
        "09148": "kiwifruit",
        "19304": "molasses",
        "16139": "fortified soy milk",
        "11998": "UV-exposed mushrooms",
    }
    present = set(Food.objects.filter(source_id__in=wanted).values_list("source_id", flat=True))
    assert set(wanted) - present == set()
    fortified_cereals = [
        f
        for f in Food.objects.filter(food_group__code="0800").prefetch_related("amounts__nutrient")
        if f.amounts_by_code().get("iron_mg", 0) >= 10
    ]
    assert len(fortified_cereals) >= 5
    soy_milk = Food.objects.get(source_id="16139").amounts_by_code()
    assert soy_milk["vitamin_d_ug"] > 0 and soy_milk["vitamin_b12_ug"] > 0
