"""Recipes: every curated meal has one a home cook can follow, consistent with its ingredients; build_meals
checks them; plans carry them (JSON, plan page, recipe page, print); dietitians edit them with history."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from planner.curation.recipes import RECIPES
from planner.models import Meal
from planner.plan_store import DRAFTS
from planner.recipes import food_names, recipe_problems

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
HEAT = re.compile(r"\b(bake|boil|simmer|fry|fried|grill|toast|roast|poach|steam|cook|warm|heat|brew|pop)", re.I)
HEAT_WORDS = re.compile(r"\b(bake|boil|simmer|fry|grill|roast|poach|steam|toast|brew)\b", re.I)
PERSON = {
    "age": "40",
    "sex": "female",
    "weight_kg": "65",
    "height_cm": "165",
    "activity": "low",
    "diet": "vegetarian",
    "life_stage": "none",
    "days": "1",
}


def meals():
    return list(Meal.objects.active().prefetch_related("ingredients__food"))


# The curated recipes (fixtures/meals.json, built from planner/curation/recipes.toml)


def test_every_meal_has_steps_servings_and_times():
    found = meals()
    assert len(found) >= 188
    for meal in found:
        assert meal.steps and all(step.strip() for step in meal.steps), meal.slug
        assert meal.servings >= 1, meal.slug
        assert meal.prep_minutes + meal.cook_minutes > 0, meal.slug
        assert meal.prep_minutes <= 30 and meal.cook_minutes <= 90, meal.slug


def test_every_ingredient_is_used_in_a_step_and_no_step_names_another_food():
    names = food_names()
    problems = {
        meal.slug: found
        for meal in meals()
        if (found := recipe_problems(meal.steps, [(i.food.pk, i.food.name) for i in meal.ingredients.all()], names))
    }
    assert problems == {}


def test_cooking_times_match_the_steps():
    """A recipe that bakes, boils or fries takes cooking minutes, one with cooking minutes heats something, and
    one that uses the oven lists it."""
    for meal in meals():
        text = " ".join(meal.steps)
        if meal.cook_minutes == 0:
            assert not HEAT_WORDS.search(text), meal.slug
        else:
            assert HEAT.search(text), meal.slug
        if "°C" in text or "oven" in text.lower():
            assert any("oven" in e for e in meal.equipment), meal.slug


def test_the_check_names_a_food_that_is_not_an_ingredient_and_an_unused_one():
    names = food_names()
    meal = Meal.objects.get(slug="orange-and-almonds")
    ingredients = [(i.food.pk, i.food.name) for i in meal.ingredients.select_related("food")]
    problems = recipe_problems(["Peel the orange and season with salt."], ingredients, names)
    assert "step 1 names “salt”, which is not an ingredient" in problems
    assert "no step uses Almonds" in problems
    # A longer name wins: soy milk is not milk, sweet potato is not potato.
    assert recipe_problems(["Warm the soy milk."], [(f.pk, f.name) for f in _foods("16139")], names) == []
    assert recipe_problems(["Bake the sweet potato."], [(f.pk, f.name) for f in _foods("11508")], names) == []


def _foods(*ndbs):
    from nutrition.models import Food

    return list(Food.objects.filter(source="usda-sr26", source_id__in=ndbs))


def _recipes_with(tmp_path: Path, old: str, new: str) -> Path:
    path = tmp_path / "recipes.toml"
    text = RECIPES.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_build_meals_refuses_a_step_naming_a_food_not_in_the_meal(tmp_path):
    recipes = _recipes_with(
        tmp_path, '"Peel the orange and eat it with the almonds."', '"Peel the orange and eat it with the walnuts."'
    )
    output = tmp_path / "meals.json"
    with pytest.raises(CommandError) as error:
        call_command("build_meals", recipes=recipes, output=output)
    message = str(error.value)
    assert "(Orange and almonds): recipe step 1 names “walnuts”, which is not an ingredient" in message
    assert "(Orange and almonds): recipe no step uses Almonds" in message
    assert not output.exists()


def test_build_meals_names_a_meal_without_a_recipe_and_bad_minutes(tmp_path):
    recipes = _recipes_with(tmp_path, "[steamed-edamame]", "[steamed-edamame-typo]")
    recipes.write_text(
        recipes.read_text(encoding="utf-8").replace("cook_minutes = 5", "cook_minutes = -5", 1), encoding="utf-8"
    )
    with pytest.raises(CommandError) as error:
        call_command("build_meals", recipes=recipes, output=tmp_path / "meals.json")
    message = str(error.value)
    assert "(Steamed edamame): no recipe in recipes.toml" in message
    assert "recipes.toml [steamed-edamame-typo]: no meal has this slug" in message
    assert "cook_minutes must be a whole number of minutes from 0 to 600" in message


def test_the_fixture_carries_the_recipes_byte_for_byte(tmp_path):
    shutil.copy(RECIPES, tmp_path / "recipes.toml")
    output = tmp_path / "meals.json"
    call_command("build_meals", recipes=tmp_path / "recipes.toml", output=output, stdout=open("/dev/null", "w"))
    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "meals.json"
    assert output.read_bytes() == fixture.read_bytes()
    built = {o["fields"]["slug"]: o["fields"] for o in json.loads(output.read_text()) if o["model"] == "planner.meal"}
    assert built["steamed-edamame"]["steps"][0] == "Boil or steam the edamame for 4 to 5 minutes and drain."
    assert built["steamed-edamame"]["cook_minutes"] == 5


# Plans carry the recipes


def test_generate_plan_gives_each_meal_its_recipe(tmp_path, capsys):
    profile = tmp_path / "me.json"
    profile.write_text(json.dumps({"age": 40, "sex": "female", "weight_kg": 65, "height_cm": 165, "days": 1}))
    call_command("generate_plan", profile=str(profile))
    plan = json.loads(capsys.readouterr().out)
    planned = [m for day in plan["days"] for m in day["meals"]]
    assert planned
    for meal in planned:
        stored = Meal.objects.get(pk=meal["meal_id"])
        recipe = meal["recipe"]
        assert recipe["steps"] == stored.steps and recipe["steps"]
        assert (recipe["servings"], recipe["prep_minutes"], recipe["cook_minutes"]) == (
            stored.servings,
            stored.prep_minutes,
            stored.cook_minutes,
        )


@pytest.fixture
def plan_url(client):
    response = client.post(reverse("planner:form"), PERSON)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def _first_meal(client, plan_url):
    """The plan page, and the day, slot and meal of its first planned meal."""
    key = plan_url.rstrip("/").split("/")[-1]
    planned = client.session[DRAFTS][key]["document"]["days"][0]["meals"][0]
    html = client.get(plan_url).content.decode()
    return html, 1, planned["slot_index"], Meal.objects.get(pk=planned["meal_id"])


def test_the_plan_page_shows_each_recipe_in_a_disclosure_that_works_without_javascript(client, plan_url):
    html, day, slot, meal = _first_meal(client, plan_url)
    disclosure = re.search(rf'<details class="recipe" id="recipe-{day}-{slot}">(.*?)</details>', html, re.S)
    assert disclosure, "closed by default"
    body = disclosure[1]
    assert f"{meal.prep_minutes} min prep" in body
    for step in meal.steps:
        assert f"<li>{step}</li>".replace("'", "&#x27;") in body
    assert html.count('<details class="recipe"') == len(re.findall(r'<article class="meal', html))


def test_open_all_recipes_opens_every_disclosure_for_printing(client, plan_url):
    html = client.get(plan_url + "?recipes=open").content.decode()
    assert html.count('<details class="recipe"') == html.count(" open>") > 0
    assert "Fold recipes away" in html


def test_a_recipe_has_its_own_page_and_an_htmx_fragment(client, plan_url):
    _, day, slot, meal = _first_meal(client, plan_url)
    key = plan_url.rstrip("/").split("/")[-1]
    url = reverse("planner:recipe", args=[key, day, slot])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<html" in html and f"<h1>{meal.name}</h1>".replace("'", "&#x27;") in html
    assert "Ingredients" in html and meal.steps[0].replace("'", "&#x27;") in html
    fragment = client.get(url, **HX).content.decode()
    assert "<html" not in fragment and '<ol class="steps">' in fragment
    assert meal.steps[-1].replace("'", "&#x27;") in fragment
    assert client.get(reverse("planner:recipe", args=[key, day, 99])).status_code == 404


# Dietitians edit recipes, with history and revert


def _edit_data(meal, **changes):
    data = {
        "name": meal.name,
        "slug": meal.slug,
        "slot": meal.slot,
        "description": meal.description,
        "is_active": "on",
        "servings": str(meal.servings),
        "prep_minutes": str(meal.prep_minutes),
        "cook_minutes": str(meal.cook_minutes),
        "equipment": ", ".join(meal.equipment),
        "steps": "\n".join(meal.steps),
        "change_reason": "Clearer steps",
        "ing-TOTAL_FORMS": str(meal.ingredients.count()),
        "ing-INITIAL_FORMS": "0",
        "ing-MIN_NUM_FORMS": "0",
        "ing-MAX_NUM_FORMS": "1000",
    }
    for n, ingredient in enumerate(meal.ingredients.select_related("food")):
        data[f"ing-{n}-food"] = f"{ingredient.food.name} ({ingredient.food.source} {ingredient.food.source_id})"
        data[f"ing-{n}-grams"] = str(ingredient.grams)
    return {**data, **changes}


def test_a_dietitian_edits_a_recipe_and_reverts_it_from_the_history(signed_in):
    meal = Meal.objects.get(slug="steamed-edamame")
    before = list(meal.steps)
    url = reverse("workspace:meal_edit", args=[meal.pk])
    form = signed_in.get(url).content.decode()
    assert "Recipe steps" in form and before[0] in form

    new_steps = [before[0], "Sprinkle nothing on them: eat the edamame warm from the pods."]
    response = signed_in.post(url, _edit_data(meal, steps="\n".join(new_steps), cook_minutes="6"))
    assert response.status_code == 302, response.content.decode()[:3000]
    meal.refresh_from_db()
    assert meal.steps == new_steps and meal.cook_minutes == 6

    history = signed_in.get(reverse("workspace:meal_history", args=[meal.pk])).content.decode()
    assert "step 2" in history and "Sprinkle nothing on them" in history and "Clearer steps" in history
    assert "cook minutes" in history
    versions = signed_in.get(reverse("workspace:meal_history", args=[meal.pk])).context["versions"]
    assert versions[0].reason == "Clearer steps"
    changes = {c.what: (c.old, c.new) for c in versions[0].changes}
    assert changes["step 2"] == (before[1], new_steps[1])
    assert changes["cook minutes"] == ("5", "6")
    assert "step 1" not in changes  # unchanged steps are not listed
    response = signed_in.post(
        reverse("workspace:meal_revert", args=[meal.pk]),
        {"at": versions[1].at.isoformat(), "change_reason": "Back to the curated steps"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    meal.refresh_from_db()
    assert meal.steps == before and meal.cook_minutes == 5


def test_a_recipe_step_naming_a_food_not_in_the_meal_is_refused(signed_in):
    meal = Meal.objects.get(slug="steamed-edamame")
    url = reverse("workspace:meal_edit", args=[meal.pk])
    response = signed_in.post(url, _edit_data(meal, steps="Boil the edamame.\nSeason with salt."))
    assert response.status_code == 400
    assert "step 2 names “salt”, which is not an ingredient" in response.content.decode()
    meal.refresh_from_db()
    assert "salt" not in " ".join(meal.steps)
