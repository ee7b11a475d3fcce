"""`manage.py generate_plan` and the plan services the UI calls (generate, swap, lock), over the curated meals."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from nutrition.models import Food, NutrientAmount
from planner.meal_options import active_meal_records, clear_meal_cache
from planner.models import Meal, Plan, Profile
from planner.profiles import parse_profile
from planner.services import build_problem, generate_plan, locked_from_document, swap_meal

pytestmark = pytest.mark.django_db

WOMAN = {"age": 30, "sex": "female", "weight_kg": 62, "height_cm": 166, "activity": "low", "days": 3}


@pytest.fixture
def curated_meals(db):
    """The curated meals from fixtures/meals.json (loaded once per session by conftest)."""
    assert Meal.objects.active().count() >= 100


def write_profile(tmp_path, data, name="profile.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def run_command(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("generate_plan", *args, stdout=out, stderr=err)
    return out.getvalue()


def test_generate_plan_prints_the_plan_document(curated_meals, tmp_path):
    document = json.loads(run_command("--profile", str(write_profile(tmp_path, WOMAN))))
    assert set(document) >= {"targets", "days", "notes", "solver"}
    assert document["targets"]["iron_mg"]["target"] == 18
    assert {"target", "upper", "reason"} <= set(document["targets"]["vitamin_d_ug"])
    assert set(document["solver"]) >= {"status", "seconds", "gap"}
    assert [day["day"] for day in document["days"]] == [1, 2, 3]
    for day in document["days"]:
        assert [m["slot"] for m in day["meals"]] == ["breakfast", "snack", "lunch", "dinner"]
        for meal in day["meals"]:
            assert {"slot", "name", "scale", "items"} <= set(meal)
            for item in meal["items"]:
                assert {"food_id", "food", "grams"} <= set(item)
                assert Food.objects.get(pk=item["food_id"]).name == item["food"]


def test_item_grams_are_the_ingredient_grams_times_the_scale(curated_meals, tmp_path):
    document = json.loads(run_command("--profile", str(write_profile(tmp_path, WOMAN)), "--days", "2"))
    assert len(document["days"]) == 2
    for day in document["days"]:
        for planned in day["meals"]:
            ingredients = {i.food_id: i.grams for i in Meal.objects.get(pk=planned["meal_id"]).ingredients.all()}
            assert {item["food_id"] for item in planned["items"]} == set(ingredients)
            for item in planned["items"]:
                assert item["grams"] == pytest.approx(ingredients[item["food_id"]] * planned["scale"], abs=0.05)


def test_same_seed_prints_the_same_plan(curated_meals, tmp_path):
    path = str(write_profile(tmp_path, {**WOMAN, "days": 2}))
    first = json.loads(run_command("--profile", path, "--seed", "7"))
    second = json.loads(run_command("--profile", path, "--seed", "7"))
    assert first["days"] == second["days"]


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ({**WOMAN, "diet": "keto"}, "diet: 'keto' is not one of"),
        ({**WOMAN, "age": 500}, "age: must be between 1 and 120"),
        ({k: v for k, v in WOMAN.items() if k != "weight_kg"}, "weight_kg: this field is required"),
        ('{"age": 30, "sex": "female",', "profile: not valid JSON"),
        ({**WOMAN, "sex": "male", "life_stage": "pregnant"}, "life_stage:"),
        ({**WOMAN, "exclude": ["gluten", "celery"]}, "exclude: 'celery' is not one of"),
    ],
)
def test_a_bad_profile_exits_non_zero_naming_the_field_and_prints_no_plan(tmp_path, content, field):
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("generate_plan", "--profile", str(write_profile(tmp_path, content)), stdout=out)
    assert str(caught.value).startswith(field)
    assert "\n" not in str(caught.value)
    assert out.getvalue() == ""


def test_a_missing_profile_file_is_named(tmp_path):
    with pytest.raises(CommandError, match=r"^profile: cannot read"):
        call_command("generate_plan", "--profile", str(tmp_path / "nope.json"), stdout=io.StringIO())


def test_days_out_of_range_is_refused(tmp_path):
    with pytest.raises(CommandError, match=r"^days: must be between 1 and 14"):
        call_command("generate_plan", "--profile", str(write_profile(tmp_path, WOMAN)), "--days", "30")


def test_a_vegan_needing_vitamin_d_is_told_food_falls_short_and_to_ask_a_clinician(curated_meals):
    profile = parse_profile({**WOMAN, "days": 7, "diet": "vegan", "labs": {"vitamin_d_25oh_ng_ml": 12}})
    document = generate_plan(profile)
    assert document["targets"]["vitamin_d_ug"]["target"] == pytest.approx(22.5)
    notes = [n for n in document["notes"] if n.startswith("Vitamin D: food reaches")]
    assert notes and "ask a clinician about a supplement" in notes[0]
    assert any("vitamin C" in n and "absorbed" in n for n in document["notes"])


def test_low_ferritin_plan_points_to_a_clinician_for_iron_therapy(curated_meals):
    document = generate_plan(parse_profile({**WOMAN, "days": 1, "labs": {"ferritin_ng_ml": 40}}))
    assert "AASM" in document["targets"]["iron_mg"]["reason"]
    assert any("AASM 2024" in n and "clinician" in n for n in document["notes"])


def test_unknown_values_are_named_in_the_notes_not_hidden(curated_meals):
    document = generate_plan(parse_profile({**WOMAN, "days": 7}))
    planned_foods = {item["food_id"] for day in document["days"] for m in day["meals"] for item in m["items"]}
    missing = sorted(
        Food.objects.filter(pk__in=planned_foods)
        .exclude(amounts__nutrient__code="vitamin_b12_ug")
        .values_list("name", flat=True)
    )
    notes = [n for n in document["notes"] if n.startswith("Vitamin B12: unknown for")]
    if missing:
        assert len(notes) == 1 and missing[0] in notes[0] and "counted as 0" in notes[0]
    else:
        assert notes == []


def test_swap_replaces_only_that_meal(curated_meals):
    profile = parse_profile({**WOMAN, "days": 2})
    document = generate_plan(profile, seed=3)
    before = locked_from_document(document)
    swapped = swap_meal(document, profile, day=1, slot_index=2, seed=3)
    after = locked_from_document(swapped)
    assert after[(1, 2)][0] != before[(1, 2)][0]
    assert Meal.objects.get(pk=after[(1, 2)][0]).slot == "lunch"
    assert {k: v for k, v in after.items() if k != (1, 2)} == {k: v for k, v in before.items() if k != (1, 2)}


def test_locked_meals_are_kept(curated_meals):
    profile = parse_profile({**WOMAN, "days": 2})
    dinner = Meal.objects.filter(slot="dinner", is_active=True).order_by("pk").first()
    document = generate_plan(profile, locked={(0, 3): (dinner.pk, 1.0)})
    assert locked_from_document(document)[(0, 3)] == (dinner.pk, 1.0)


def test_build_problem_gives_the_optimiser_only_suitable_meals(curated_meals):
    problem = build_problem(parse_profile({**WOMAN, "diet": "vegan", "exclude": ["soy"]}))
    meals = Meal.objects.with_ingredients().in_bulk([m.id for m in problem.meals])
    assert meals and all(m.diet == "vegan" and "soy" not in m.allergen_codes for m in meals.values())
    assert problem.slots == ("breakfast", "snack", "lunch", "dinner")
    assert problem.morning_slots == frozenset({0, 1})
    assert {g.code for g in problem.goals if g.weight == max(g.weight for g in problem.goals)} == {
        "iron_mg",
        "folate_ug_dfe",
        "magnesium_mg",
        "vitamin_b12_ug",
        "vitamin_d_ug",
        "vitamin_c_mg",
    }


def test_profiles_and_plans_are_only_visible_to_their_owner():
    users = get_user_model().objects
    alice, bob = users.create_user("alice"), users.create_user("bob")
    profile = Profile.objects.create(owner=alice, name="Me", age=41, sex="female", weight_kg=70, height_cm=170)
    Plan.objects.create(owner=alice, name="Week 1", profile=profile, profile_data={}, document={})
    assert list(Profile.objects.owned_by(alice)) == [profile]
    assert not Profile.objects.owned_by(bob).exists()
    assert not Plan.objects.owned_by(bob).exists()
    assert Plan.objects.owned_by(alice).count() == 1
    plan_profile = profile.to_plan_profile()
    assert (plan_profile.age, plan_profile.diet, plan_profile.days) == (41, "omnivore", 7)


def test_meal_records_load_in_a_fixed_number_of_queries(curated_meals, django_assert_max_num_queries):
    clear_meal_cache()
    with django_assert_max_num_queries(12):
        records = active_meal_records()
    assert len(records) == Meal.objects.active().count()


def test_a_changed_nutrient_amount_reaches_the_next_plan(curated_meals):
    meal = Meal.objects.active().order_by("pk").first()
    ingredient = meal.ingredients.select_related("food").first()
    before = next(r for r in active_meal_records() if r.id == meal.pk).nutrients["iron_mg"]
    amount = NutrientAmount.objects.get(food=ingredient.food, nutrient__code="iron_mg")
    amount.amount += 10
    amount.save()
    after = next(r for r in active_meal_records() if r.id == meal.pk).nutrients["iron_mg"]
    assert after == pytest.approx(before + 10 * ingredient.grams / 100)


def test_a_saved_profile_is_checked_by_the_same_rules():
    owner = get_user_model().objects.create_user("carol")
    profile = Profile(owner=owner, name="Typo", age=500, sex="female", weight_kg=60, height_cm=165)
    with pytest.raises(ValidationError) as caught:
        profile.full_clean()
    assert caught.value.message_dict["age"] == ["must be between 1 and 120, got 500"]
