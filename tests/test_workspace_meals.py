"""The dietitian edits meals: ingredients and grams, nutrients recomputed live, review after a food changes."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from django.core.management import call_command
from django.urls import reverse

from nutrition.exports import export_foods
from nutrition.models import Food, NutrientAmount
from nutrition.templatetags.nutrition_tags import amount_display
from planner.models.meals import Meal, MealIngredient

pytestmark = pytest.mark.django_db


@pytest.fixture
def foods():
    """Two foods with an iron value, the second without a vitamin D value."""
    with_iron = Food.objects.filter(amounts__nutrient__code="iron_mg")
    first = with_iron.filter(amounts__nutrient__code="vitamin_d_ug").order_by("pk").first()
    second = with_iron.exclude(amounts__nutrient__code="vitamin_d_ug").order_by("pk").first()
    assert first and second
    return first, second


@pytest.fixture
def meal(foods):
    meal = Meal.objects.create(name="Test bowl", slug="test-bowl", slot="lunch")
    MealIngredient.objects.create(meal=meal, food=foods[0], grams=100, order=0)
    return meal


def label(food):
    return f"{food.name} ({food.source} {food.source_id})"


def meal_data(meal, rows, reason="Recipe checked"):
    data = {
        "name": meal.name,
        "slug": meal.slug,
        "slot": meal.slot,
        "description": "",
        "is_active": "on",
        "servings": "1",
        "prep_minutes": "5",
        "cook_minutes": "10",
        "equipment": "saucepan",
        "steps": "\n".join(f"Prepare the {food.name}." for food, _ in rows if food),
        "change_reason": reason,
        "ing-TOTAL_FORMS": str(len(rows)),
        "ing-INITIAL_FORMS": "0",
        "ing-MIN_NUM_FORMS": "0",
        "ing-MAX_NUM_FORMS": "1000",
    }
    for i, (food, grams) in enumerate(rows):
        data[f"ing-{i}-food"] = label(food) if food else ""
        data[f"ing-{i}-grams"] = str(grams) if grams is not None else ""
    return data


def row_of(html, nutrient_name):
    """(amount cell, "not known for" cell) of one nutrient in the totals table."""
    match = re.search(
        rf'<th scope="row">{re.escape(nutrient_name)}</th>\s*<td class="num[^"]*">([^<]*)</td>'
        r"\s*<td>[^<]*</td>\s*<td>([^<]*)</td>",
        html,
    )
    assert match, nutrient_name
    return match[1].strip(), match[2].strip()


def amount(food, code):
    row = NutrientAmount.objects.filter(food=food, nutrient__code=code).first()
    return row.amount if row else None


def test_live_totals_are_computed_from_the_unsaved_form(signed_in, meal, foods):
    first, second = foods
    response = signed_in.post(
        reverse("workspace:meal_totals", args=[meal.pk]),
        meal_data(meal, [(first, 150), (second, 40), (None, None)]),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "<html" not in response.content.decode()
    html = response.content.decode()
    expected_iron = amount(first, "iron_mg") * 1.5 + amount(second, "iron_mg") * 0.4
    assert row_of(html, "Iron") == (amount_display(expected_iron, 2), "")
    # The second food does not report vitamin D: the total is a lower bound and says which food is missing.
    expected_d = amount_display(amount(first, "vitamin_d_ug") * 1.5, 2)
    assert row_of(html, "Vitamin D") == (f"at least {expected_d}", second.name)
    assert MealIngredient.objects.filter(meal=meal).count() == 1  # nothing saved


def test_saving_a_meal_stores_ingredients_and_grams_with_history(signed_in, meal, foods, dietitian):  # noqa: F811
    first, second = foods
    response = signed_in.post(
        reverse("workspace:meal_edit", args=[meal.pk]), meal_data(meal, [(second, 60), (first, 120)])
    )
    assert response.status_code == 302
    assert list(meal.ingredients.values_list("food_id", "grams", "order")) == [(second.pk, 60, 0), (first.pk, 120, 1)]
    record = MealIngredient.history.filter(meal_id=meal.pk, food_id=second.pk).latest()
    assert (record.history_user, record.history_change_reason) == (dietitian, "Recipe checked")


def test_removing_an_ingredient_and_an_unknown_food_name(signed_in, meal, foods):
    first, second = foods
    data = meal_data(meal, [(first, 100), (second, 50)])
    data["ing-0-DELETE"] = "on"
    data["steps"] = f"Prepare the {second.name}."  # the recipe follows the ingredients
    signed_in.post(reverse("workspace:meal_edit", args=[meal.pk]), data)
    assert list(meal.ingredients.values_list("food_id", flat=True)) == [second.pk]
    bad = meal_data(meal, [(second, 50)])
    bad["ing-0-food"] = "No such food at all"
    response = signed_in.post(reverse("workspace:meal_edit", args=[meal.pk]), bad)
    assert response.status_code == 400 and "No single food matches" in response.content.decode()


def test_new_meal_is_created_from_the_workspace(signed_in, foods):
    draft = Meal(name="Lentil lunch", slug="lentil-lunch-test", slot="lunch")
    response = signed_in.post(reverse("workspace:meal_new"), meal_data(draft, [(foods[1], 200)]))
    assert response.status_code == 302
    meal = Meal.objects.get(slug="lentil-lunch-test")
    assert meal.ingredients.get().grams == 200


def test_food_suggestions_match_the_typed_text(signed_in, foods):
    word = foods[0].name.split(",")[0]
    response = signed_in.get(reverse("workspace:food_options"), {"ing-0-food": word}, HTTP_HX_REQUEST="true")
    assert f'<option value="{label(foods[0])}">' in response.content.decode()


def test_meal_whose_food_changed_needs_review_until_marked_reviewed(signed_in, meal, foods):
    review = reverse("workspace:review")
    assert meal not in [m for m, _ in signed_in.get(review).context["meals"]]
    signed_in.post(
        reverse("workspace:amount_edit", args=[foods[0].pk, "iron_mg"]),
        {"amount": "2.5", "source": "Lab", "change_reason": "Re-measured"},
    )
    listed = dict(signed_in.get(review).context["meals"])
    assert listed[meal] == [foods[0]]
    signed_in.post(reverse("workspace:meal_reviewed", args=[meal.pk]))
    assert meal not in dict(signed_in.get(review).context["meals"])


def test_meal_grams_can_be_reverted_to_an_earlier_version(signed_in, meal, foods):
    url = reverse("workspace:meal_edit", args=[meal.pk])
    signed_in.post(url, meal_data(meal, [(foods[0], 250)], reason="Bigger serving"))
    versions = signed_in.get(reverse("workspace:meal_history", args=[meal.pk])).context["versions"]
    assert versions[0].reason == "Bigger serving"
    assert any((c.old, c.new) == ("100 g", "250 g") for c in versions[0].changes)
    signed_in.post(
        reverse("workspace:meal_revert", args=[meal.pk]), {"at": versions[1].at.isoformat(), "change_reason": "Too big"}
    )
    assert meal.ingredients.get().grams == 100


def test_a_revert_brings_back_a_removed_ingredient_and_removes_an_added_one(signed_in, meal, foods, dietitian):
    first, second = foods
    signed_in.post(reverse("workspace:meal_edit", args=[meal.pk]), meal_data(meal, [(second, 80)], reason="Swap"))
    assert list(meal.ingredients.values_list("food_id", "grams")) == [(second.pk, 80)]
    versions = signed_in.get(reverse("workspace:meal_history", args=[meal.pk])).context["versions"]
    signed_in.post(
        reverse("workspace:meal_revert", args=[meal.pk]), {"at": versions[1].at.isoformat(), "change_reason": "Undo"}
    )
    assert list(meal.ingredients.values_list("food_id", "grams", "order")) == [(first.pk, 100, 0)]
    latest = signed_in.get(reverse("workspace:meal_history", args=[meal.pk])).context["versions"][0]
    assert (latest.user, latest.reason) == (dietitian, "Undo")
    assert {(c.what, c.old, c.new) for c in latest.changes if c.what in (first.name, second.name)} == {
        (first.name, "not in the meal", "100 g"),
        (second.name, "80 g", "not in the meal"),
    }
    assert ("step 1", f"Prepare the {second.name}.", "(no step)") in {(c.what, c.old, c.new) for c in latest.changes}


def test_a_food_changed_by_a_spreadsheet_import_puts_its_meals_up_for_review(signed_in, meal, foods, tmp_path):
    frame = pd.read_csv(io.StringIO(export_foods("csv", Food.objects.filter(pk=foods[0].pk))), dtype=str)
    frame.loc[0, "iron_mg"] = "1.75"
    frame.to_csv(tmp_path / "foods.csv", index=False)
    call_command("import_foods", str(tmp_path / "foods.csv"), stdout=io.StringIO())
    listed = dict(signed_in.get(reverse("workspace:review")).context["meals"])
    assert listed[meal] == [foods[0]]
