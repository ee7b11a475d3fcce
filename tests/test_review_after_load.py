"""What needs review is decided from recorded changes, not from the fixtures' dates: right after
`load_reference_data` (the session's database is a fresh one) no meal needs review; a food changed afterwards
flags exactly the meals that use it, until each is marked reviewed."""

from __future__ import annotations

import io
import re
from html import unescape

import pandas as pd
import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from nutrition.exports import export_foods
from nutrition.models import Food
from planner.models.meals import Meal

from .test_import_plausibility import mini_release

pytestmark = pytest.mark.django_db


def listed_meals(client) -> dict:
    """The review list's meals (its first page) and, for each, its changed foods as the page names them: read from
    the page, which may come from the page cache (workspace/cache.py)."""
    html = client.get(reverse("workspace:review")).content.decode()
    section = html.split('id="meals-heading"')[1].split("</section>")[0]
    found = {}
    for pk, text in re.findall(r'<li><a href="/dietitian/meals/(\d+)/">[^<]*</a>([^<]*)<form', section):
        text = unescape(text).strip().removeprefix("(flagged)").strip().rstrip(".")
        found[Meal.objects.get(pk=pk)] = text.removeprefix(": ").removesuffix(" changed")
    return found


def review_meal_count(client) -> int:
    html = client.get(reverse("workspace:home")).content.decode()
    return int(re.search(r"(\d+) meals whose foods changed", html)[1])


def used_food(minimum_meals: int = 2, source: str = "usda-sr26") -> Food:
    food = (
        Food.objects.filter(source=source, meal_ingredients__isnull=False, amounts__nutrient__code="iron_mg")
        .annotate(meal_count=Count("meal_ingredients__meal", distinct=True))
        .filter(meal_count__gte=minimum_meals)
        .order_by("pk")
        .first()
    )
    assert food is not None
    return food


def test_a_freshly_loaded_database_has_no_meal_to_review(signed_in):
    assert Meal.objects.count() > 100  # the curated meals are there
    home = signed_in.get(reverse("workspace:home"))
    assert review_meal_count(signed_in) == 0
    assert "0 meals whose foods changed" in home.content.decode()
    assert listed_meals(signed_in) == {}
    assert "needs review" not in signed_in.get(reverse("workspace:meal_list")).content.decode().split("</thead>")[1]


def test_a_food_changed_by_a_spreadsheet_import_flags_exactly_its_meals(signed_in, tmp_path):
    food = used_food()
    frame = pd.read_csv(io.StringIO(export_foods("csv", Food.objects.filter(pk=food.pk))), dtype=str)
    frame.loc[0, "iron_mg"] = str(float(frame.loc[0, "iron_mg"]) + 1)
    frame.to_csv(tmp_path / "foods.csv", index=False)
    call_command("import_foods", str(tmp_path / "foods.csv"), stdout=io.StringIO())

    listed = listed_meals(signed_in)
    assert set(listed) == set(Meal.objects.filter(ingredients__food=food).distinct())
    assert all(changed == food.name for changed in listed.values())
    one = next(iter(listed))
    signed_in.post(reverse("workspace:meal_reviewed", args=[one.pk]))
    assert set(listed_meals(signed_in)) == set(listed) - {one}


def test_a_food_changed_by_an_sr_release_flags_exactly_its_meals(signed_in, sr_bytes, tmp_path):
    food = used_food(minimum_meals=1)
    iron = food.amounts_by_code()["iron_mg"]
    call_command("import_sr", str(mini_release(sr_bytes, tmp_path, food.source_id, 11, f"{iron + 1:.2f}")), verbosity=0)
    assert set(listed_meals(signed_in)) == set(Meal.objects.filter(ingredients__food=food).distinct())
    assert review_meal_count(signed_in) == len(listed_meals(signed_in))


def test_an_sr_release_that_changes_nothing_flags_nothing(signed_in, sr_bytes, tmp_path):
    food = used_food(minimum_meals=1)
    call_command(
        "import_sr", str(mini_release(sr_bytes, tmp_path, food.source_id, 0, f"~{food.source_id}~")), verbosity=0
    )
    assert listed_meals(signed_in) == {}
