"""GET /api/v1/foods, foods/{id} and nutrients: search and filters as on the foods browser, paging capped, every
nutrient per 100 g with unknown as null (never 0), and the source dataset and id of every food."""

import pytest
from django.db.models import Count

from nutrition.models import Food, Nutrient
from nutrition.selectors import FoodFilters, filtered_foods, reader_targets

pytestmark = pytest.mark.django_db


def test_search_finds_foods_by_name_with_their_source(anyone):
    body = anyone.get("foods", q="lentils").json()
    assert body["count"] >= 1 and body["page"] == 1
    names = [f["name"].lower() for f in body["results"]]
    assert names and all("lentil" in n for n in names)
    first = body["results"][0]
    food = Food.objects.get(pk=first["id"])
    assert (first["source"], first["source_id"]) == (food.source, food.source_id)


def test_filters_are_those_of_the_foods_browser(anyone):
    expected = filtered_foods(FoodFilters(diet="vegan", rich_in="iron_mg"), reader_targets(None))
    body = anyone.get("foods", diet="vegan", rich_in="iron_mg", page_size=100).json()
    assert body["count"] == expected.count() > 0
    assert {f["id"] for f in body["results"]} == set(expected.values_list("pk", flat=True)[:100])
    assert all(f["diet"] == "vegan" for f in body["results"])
    group = Food.objects.first().food_group.code
    grouped = anyone.get("foods", group=group, page_size=100).json()
    assert grouped["count"] == Food.objects.filter(food_group__code=group).count()
    assert {f["group"] for f in grouped["results"]} == {group}


def test_pages_are_capped_and_walk_every_food(anyone):
    first = anyone.get("foods", page_size=7).json()
    assert len(first["results"]) == 7 and first["pages"] == -(-first["count"] // 7)
    second = anyone.get("foods", page_size=7, page=2).json()
    assert not {f["id"] for f in first["results"]} & {f["id"] for f in second["results"]}
    too_big = anyone.get("foods", page_size=101)
    assert too_big.status_code == 422 and too_big.json()["field"] == "page_size"
    past_the_end = anyone.get("foods", page=first["count"])
    assert past_the_end.status_code == 422 and past_the_end.json()["field"] == "page"


@pytest.mark.parametrize(
    "params, field",
    [({"group": "no-such-group"}, "group"), ({"diet": "carnivore"}, "diet"), ({"rich_in": "sugar_g"}, "rich_in")],
)
def test_a_bad_filter_is_a_422_naming_it(anyone, params, field):
    response = anyone.get("foods", **params)
    assert response.status_code == 422
    assert response.json()["field"] == field and field in response.json()["detail"]


def test_a_food_has_every_nutrient_per_100g_with_unknown_as_null(anyone):
    total = Nutrient.objects.count()
    food = Food.objects.annotate(n=Count("amounts")).filter(n__lt=total, portions__isnull=False).first()
    assert food is not None, "the curated data has a food with an unreported nutrient"
    body = anyone.get(f"foods/{food.pk}").json()
    assert (body["source"], body["source_id"], body["name"]) == (food.source, food.source_id, food.name)
    known = food.amounts_by_code()
    got = {n["code"]: n["per_100g"] for n in body["nutrients"]}
    assert len(got) == total
    assert got == {code: known.get(code) for code in got}
    assert any(value is None for value in got.values())
    assert [p["grams"] for p in body["portions"]] == [p.grams for p in food.portions.all()]


def test_an_unknown_food_is_a_json_404(anyone):
    response = anyone.get("foods/999999999")
    assert response.status_code == 404 and response.json() == {"detail": "Not found.", "field": None}


def test_nutrients_list_every_nutrient_with_its_unit_and_usda_numbers(anyone):
    body = anyone.get("nutrients").json()
    assert [n["code"] for n in body] == list(Nutrient.objects.values_list("code", flat=True))
    iron = next(n for n in body if n["code"] == "iron_mg")
    assert iron["unit"] == "mg" and iron["rls_focus"] and iron["usda_sr_number"] == "303"
