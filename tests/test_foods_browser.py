"""The foods browser: live search, filters, sorting per 100 g or per portion, food pages with sources,
% of the reader's targets and "unknown" for what a source does not report."""

import re

import pytest
from django.urls import reverse

from nutrition.models import Food, NutrientAmount
from nutrition.selectors import READER_TARGETS

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def food_names(body):
    return re.findall(r'<td><a href="/foods/\d+/">([^<]+)</a>', body)


def test_food_list_page_has_search_filters_and_sorts(client):
    body = client.get(reverse("food_list")).content.decode()
    assert '<label for="q">Search foods</label>' in body
    for label in ["Food group", "Diet", "Rich in", "Sort by"]:
        assert f">{label}</label>" in body
    assert "input changed delay:300ms" in body and 'hx-target="#results"' in body
    assert "Most iron per 100 g" in body and "Most iron per portion" in body


def test_live_search_returns_only_the_results_fragment(client):
    response = client.get(reverse("food_list"), {"q": "lentil"}, **HX)
    body = response.content.decode()
    assert body.strip().startswith('<div id="results"') and "<html" not in body
    names = food_names(body)
    assert names and all("lentil" in n.lower() for n in names)
    full = client.get(reverse("food_list"), {"q": "lentil"}).content.decode()
    assert "<html" in full and food_names(full) == names


def test_back_button_history_restore_gets_the_whole_page(client):
    response = client.get(reverse("food_list"), {"q": "lentil"}, HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HX)
    assert "<html" in response.content.decode()
    assert "HX-Request" in response["Vary"]


def test_filter_by_group_and_diet(client):
    legumes = client.get(reverse("food_list"), {"group": "1600"}).content.decode()
    ids = [int(i) for i in re.findall(r'<td><a href="/foods/(\d+)/">', legumes)]
    assert ids and set(Food.objects.filter(pk__in=ids).values_list("food_group__code", flat=True)) == {"1600"}
    vegan = client.get(reverse("food_list"), {"diet": "vegan", "q": "cheese"}).content.decode()
    ids = [int(i) for i in re.findall(r'<td><a href="/foods/(\d+)/">', vegan)]
    assert all(diet == "vegan" for diet in Food.objects.filter(pk__in=ids).values_list("diet", flat=True))
    assert "Cheese, cheddar" not in vegan


def test_rich_in_iron_keeps_foods_giving_a_fifth_of_the_default_target_per_100g(client):
    body = client.get(reverse("food_list"), {"rich": "iron_mg", "sort": "name"}).content.decode()
    ids = [int(i) for i in re.findall(r'<td><a href="/foods/(\d+)/">', body)]
    assert ids
    amounts = NutrientAmount.objects.filter(food_id__in=ids, nutrient__code="iron_mg").values_list("amount", flat=True)
    assert min(amounts) >= 0.2 * 18  # women 31-50: RDA 18 mg (NIH ODS)
    assert "at least 20% of reference intakes" in body


def test_sort_by_iron_per_100g_puts_the_richest_first_and_unknown_last(client):
    body = client.get(reverse("food_list"), {"sort": "iron_mg:100g"}).content.decode()
    ids = [int(i) for i in re.findall(r'<td><a href="/foods/(\d+)/">', body)]
    iron = dict(NutrientAmount.objects.filter(nutrient__code="iron_mg").values_list("food_id", "amount"))
    values = [iron[i] for i in ids]
    assert values == sorted(values, reverse=True)
    assert values[0] == max(iron.values())


def test_sort_by_vitamin_d_per_portion_uses_the_first_household_measure(client):
    body = client.get(reverse("food_list"), {"sort": "vitamin_d_ug:portion", "q": "salmon"}).content.decode()
    assert "per typical portion" in body
    ids = [int(i) for i in re.findall(r'<td><a href="/foods/(\d+)/">', body)]
    per_portion = []
    for food in Food.objects.filter(pk__in=ids).prefetch_related("portions", "amounts__nutrient"):
        amount = food.amounts_by_code().get("vitamin_d_ug")
        portion = food.portions.first()
        per_portion.append(
            (ids.index(food.pk), None if amount is None or portion is None else amount * portion.grams / 100)
        )
    ordered = [v for _i, v in sorted(per_portion)]
    known = [v for v in ordered if v is not None]
    assert known == sorted(known, reverse=True)
    assert ordered[: len(known)] == known  # unknown after every known value


def test_unknown_reads_unknown_never_zero(client):
    food = Food.objects.exclude(amounts__nutrient__code="vitamin_d_ug").first()
    assert food is not None
    body = client.get(reverse("food_list"), {"q": food.name}).content.decode()
    row = body[body.index(f'href="/foods/{food.pk}/"') :].split("</tr>")[0]
    assert "unknown" in row
    detail = client.get(reverse("food_detail", args=[food.pk])).content.decode()
    vit_d = detail[detail.index(">Vitamin D<") :].split("</tr>")[0]
    assert "unknown" in vit_d and ">0 " not in vit_d


def test_food_page_shows_source_portions_and_percent_of_a_stated_default_adult(client):
    food = Food.objects.get(source="usda-sr26", source_id="16070")  # Lentils, mature seeds, cooked, boiled
    body = client.get(reverse("food_detail", args=[food.pk])).content.decode()
    assert "usda-sr26" in body and "16070" in body
    assert "Household measures" in body and "cup" in body
    assert "reference intakes (RDA or AI, NIH ODS) for women 31-50" in body
    iron = food.amounts_by_code()["iron_mg"]
    iron_row = body[body.index(">Iron<") :].split("</tr>")[0]
    assert f"{round(100 * iron / 18)}%" in iron_row


def test_food_page_uses_the_targets_of_the_readers_latest_plan(client):
    session = client.session
    session[READER_TARGETS] = {"iron_mg": {"name": "Iron", "target": 27.0, "unit": "mg"}}
    session.save()
    food = Food.objects.get(source="usda-sr26", source_id="16070")
    body = client.get(reverse("food_detail", args=[food.pk])).content.decode()
    assert "the daily targets of your latest plan" in body
    iron_row = body[body.index(">Iron<") :].split("</tr>")[0]
    assert f"{round(100 * food.amounts_by_code()['iron_mg'] / 27)}%" in iron_row


def test_missing_food_is_404(client):
    assert client.get(reverse("food_detail", args=[999999])).status_code == 404


def test_food_list_uses_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    """A few rows or a full page: the same queries (the stamp, the page's data, storing the results and the
    whole page in the page cache, three queries each in the database cache)."""
    client.get(reverse("food_list"), {"q": "warm"})  # per-process caches and the stamp's generation
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("food_list"), {"q": "lentil", "sort": "iron_mg:portion"})
    with django_assert_max_num_queries(20) as many:
        client.get(reverse("food_list"), {"sort": "iron_mg:portion"})
    assert len(few.captured_queries) == len(many.captured_queries)
