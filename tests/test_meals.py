"""The curated meals: enough of them for every diet and allergen, built only from curated foods.

The reference fixtures (fixtures/*.json, including foods.json and meals.json) load once per session.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from nutrition.models import ALLERGENS, DIETS, Allergen, Food
from planner.curation.meals import read_meal_list
from planner.meal_options import active_meal_records
from planner.models import SLOTS, Meal, MealIngredient

pytestmark = pytest.mark.django_db

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "meals.json"

# The planner picks one meal per slot per day for two weeks, a meal at most twice a week and never on
# consecutive days: four meals would just do; these minimums leave room for variety and for scaling.
MIN_MEALS_PER_SLOT = {"breakfast": 8, "lunch": 8, "dinner": 8, "snack": 6}
# Energy of one serving at scale 1 (kcal), the band a dietitian would expect for the slot.
ENERGY_BANDS = {"breakfast": (300, 600), "lunch": (420, 780), "dinner": (420, 780), "snack": (130, 320)}
CHEESE = "01009"  # Cheese, cheddar
HUMMUS = "16158"  # Hummus, commercial


def meals():
    return list(Meal.objects.active().with_ingredients())


def suits(meal, diet, excluded_allergen):
    return DIETS.index(meal.diet) <= DIETS.index(diet) and excluded_allergen not in meal.allergen_codes


def write_list(path, *rows):
    path.write_text("slug,slot,name,description,ingredients\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_at_least_150_curated_meals_cover_every_slot():
    counts = {slot: Meal.objects.active().filter(slot=slot).count() for slot in SLOTS}
    assert sum(counts.values()) >= 150, counts
    assert all(counts[slot] >= 30 for slot in SLOTS), counts


@pytest.mark.parametrize("slot", SLOTS)
def test_every_diet_and_single_allergen_exclusion_has_enough_meals_for_two_varied_weeks(slot):
    slot_meals = [m for m in meals() if m.slot == slot]
    short = []
    for diet in DIETS:
        for allergen in (None, *ALLERGENS):
            count = sum(1 for m in slot_meals if suits(m, diet, allergen))
            if count < MIN_MEALS_PER_SLOT[slot]:
                short.append(f"{diet} without {allergen or 'nothing'}: {count}")
    assert not short, f"{slot} needs at least {MIN_MEALS_PER_SLOT[slot]} meals for: {short}"


def test_a_meal_with_cheese_is_not_vegan_and_carries_dairy():
    meal = Meal.objects.create(name="Hummus and cheddar plate", slug="test-hummus-cheddar", slot="snack")
    MealIngredient.objects.create(meal=meal, food=Food.objects.get_by_natural_key("usda-sr26", HUMMUS), grams=50)
    assert Meal.objects.with_ingredients().get(pk=meal.pk).diet == "vegan"

    MealIngredient.objects.create(meal=meal, food=Food.objects.get_by_natural_key("usda-sr26", CHEESE), grams=30)
    meal = Meal.objects.with_ingredients().get(pk=meal.pk)
    assert meal.diet == "vegetarian"
    assert "dairy" in meal.allergen_codes


def test_changing_a_foods_tags_changes_every_meal_made_with_it():
    hummus = Food.objects.get_by_natural_key("usda-sr26", HUMMUS)
    with_hummus = Meal.objects.filter(ingredients__food=hummus).distinct()
    assert with_hummus.exists()
    assert all("soy" not in m.allergen_codes for m in with_hummus.with_ingredients())

    hummus.allergens.add(Allergen.objects.get(code="soy"))
    hummus.diet = "vegetarian"
    hummus.save()

    for meal in with_hummus.with_ingredients():
        assert "soy" in meal.allergen_codes, meal
        assert meal.diet != "vegan", meal


def test_no_meal_contains_alcohol():
    assert [m.name for m in meals() if m.contains_alcohol] == []


def test_meals_with_coffee_or_tea_are_breakfasts_only():
    caffeinated = [m for m in meals() if m.contains_caffeine]
    assert len(caffeinated) >= 3, "a few breakfasts with coffee or tea exercise the planner's caffeine rule"
    assert {m.slot for m in caffeinated} == {"breakfast"}


def test_every_ingredient_is_a_curated_food_with_positive_grams():
    rows, problems = read_meal_list()
    assert problems == []
    assert MealIngredient.objects.count() == sum(len(r.ingredients) for r in rows)
    assert not MealIngredient.objects.filter(grams__lte=0).exists()
    assert set(MealIngredient.objects.values_list("food__source", flat=True)) == {"usda-sr26"}


def test_energy_per_serving_suits_the_slot():
    outside = []
    for meal in active_meal_records():  # per serving, as the planner counts it
        low, high = ENERGY_BANDS[meal.slot]
        if not low <= meal.nutrients["energy_kcal"] <= high:
            outside.append(f"{meal.slot} {meal.name}: {meal.nutrients['energy_kcal']:.0f} kcal")
    assert outside == []


def test_fixture_regenerates_byte_for_byte_from_the_list(tmp_path):
    output = tmp_path / "meals.json"
    call_command("build_meals", output=output, stdout=open("/dev/null", "w"))
    assert output.read_bytes() == FIXTURE.read_bytes()


def test_a_food_that_is_not_curated_fails_the_build_naming_meal_and_ndb(tmp_path):
    source = write_list(
        tmp_path / "meals.csv",
        "lentil-bowl,lunch,Lentil bowl,,16070:200; 20037:150",
        "mystery-stew,dinner,Mystery stew,,16070:150; 99999:100",
    )
    output = tmp_path / "meals.json"
    with pytest.raises(CommandError) as error:
        call_command("build_meals", source=source, output=output)
    assert "Mystery stew" in str(error.value) and "99999" in str(error.value)
    assert not output.exists()


def test_bad_rows_are_all_named_and_nothing_is_written(tmp_path):
    source = write_list(
        tmp_path / "meals.csv",
        "no-grams,lunch,No grams,,16070:0",
        "brunch-plate,brunch,Brunch plate,,16070:100",
        "twice,lunch,Twice,,16070:100; 16070:50",
        "twice,dinner,Twice again,,16070:100",
        "typo,snack,Typo,,16070-100",
    )
    output = tmp_path / "meals.json"
    with pytest.raises(CommandError) as error:
        call_command("build_meals", source=source, output=output)
    message = str(error.value)
    assert "line 2 (No grams)" in message and "grams must be more than 0" in message
    assert "line 3 (Brunch plate)" in message and "slot 'brunch'" in message
    assert "line 4 (Twice): NDB 16070 is listed twice" in message
    assert "line 5 (Twice again): slug 'twice' is already used on line 4" in message
    assert "line 6 (Typo)" in message and "NDB:grams" in message
    assert not output.exists()


def test_caffeine_after_breakfast_and_alcohol_anywhere_fail_the_build(tmp_path):
    coffee = Food.objects.filter(source="usda-sr26", contains_caffeine=True).first()
    lentils = Food.objects.get_by_natural_key("usda-sr26", "16070")
    lentils.contains_alcohol = True
    lentils.save()
    source = write_list(
        tmp_path / "meals.csv",
        f"evening-coffee,snack,Evening coffee,,{coffee.source_id}:240",
        "boozy-lentils,dinner,Boozy lentils,,16070:200",
    )
    with pytest.raises(CommandError) as error:
        call_command("build_meals", source=source, output=tmp_path / "meals.json")
    message = str(error.value)
    assert f"Evening coffee): NDB {coffee.source_id}" in message and "caffeine" in message
    assert "Boozy lentils): NDB 16070" in message and "alcohol" in message
