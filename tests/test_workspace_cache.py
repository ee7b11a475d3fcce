"""The workspace's lists are rendered once and served from the page cache (workspace/cache.py): every edit shows on
the next request, each dietitian gets their own CSRF token, and nothing of one dietitian's clients reaches another.
The meal list and the review list are paged, with the meal list's search and filters kept across pages."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from nutrition.models import Food, NutrientAmount
from nutrition.templatetags.nutrition_tags import amount_display
from planner.models.meals import Meal, MealIngredient
from practice import services as practice_services

from .test_workspace_meals import foods, meal, meal_data  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def page(client, name, params=None, **extra) -> str:
    response = client.get(reverse(name), params or {}, **extra)
    assert response.status_code == 200
    return response.content.decode()


def other_dietitian(django_user_model, username="olga"):
    user = django_user_model.objects.create_user(username)
    user.groups.add(Group.objects.get(name="Dietitian"))
    client = Client()
    client.force_login(user)
    return user, client


def food_row(html, food) -> str:
    row = re.search(rf'<tr><td><a href="/dietitian/foods/{food.pk}/">.*?</tr>', html, re.S)
    assert row, food.name
    return row[0]


def test_a_food_renamed_in_the_workspace_shows_at_once_in_the_food_list(signed_in, foods):  # noqa: F811
    food = foods[0]
    word = food.name.split(",")[0].split()[0]
    assert food.name in page(signed_in, "workspace:food_list", {"q": word})
    assert food.name in page(signed_in, "workspace:food_list", {"q": word}, HTTP_HX_REQUEST="true")
    data = {
        "name": f"{word} renamed",
        "food_group": food.food_group_id,
        "diet": food.diet,
        "change_reason": "Typo",
        "values_source": "",
        **{a.nutrient.code: a.amount for a in food.amounts.select_related("nutrient")},
    }
    response = signed_in.post(reverse("workspace:food_edit", args=[food.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    for extra in ({}, {"HTTP_HX_REQUEST": "true"}):
        html = page(signed_in, "workspace:food_list", {"q": word}, **extra)
        assert f"{word} renamed" in html and f">{food.name}<" not in html


def test_a_value_edited_inline_shows_at_once_in_the_food_list_the_review_list_and_the_counts(signed_in, foods):  # noqa: F811
    food = foods[0]  # has iron and vitamin D
    word = food.name.split(",")[0].split()[0]
    before = page(signed_in, "workspace:home")
    assert f'href="/dietitian/foods/{food.pk}/"' not in page(signed_in, "workspace:review")
    count = int(re.search(r"Needs review</a>: (\d+) foods", before)[1])
    shown = amount_display(123.456, 3)
    assert shown not in food_row(page(signed_in, "workspace:food_list", {"q": word}), food)
    url = reverse("workspace:amount_edit", args=[food.pk, "iron_mg"])
    signed_in.post(url, {"amount": "123.456", "source": "Lab", "change_reason": "Re-measured"})
    assert shown in food_row(page(signed_in, "workspace:food_list", {"q": word}), food)
    # Clearing the vitamin D value (unknown) puts the food up for review: the counts and the list say so at once.
    url = reverse("workspace:amount_edit", args=[food.pk, "vitamin_d_ug"])
    signed_in.post(url, {"amount": "", "source": "", "change_reason": "Not reported"})
    after = page(signed_in, "workspace:home")
    assert int(re.search(r"Needs review</a>: (\d+) foods", after)[1]) == count + 1
    assert f'href="/dietitian/foods/{food.pk}/"' in page(signed_in, "workspace:review")


def test_a_meal_edit_shows_at_once_in_the_meal_list_and_a_food_change_in_the_review_list(signed_in, meal, foods):  # noqa: F811
    assert "Test bowl" in page(signed_in, "workspace:meal_list", {"q": "Test bowl"})
    assert "Mark reviewed: Test bowl" not in page(signed_in, "workspace:review")
    data = meal_data(meal, [(foods[0], 100)]) | {"name": "Renamed bowl"}
    assert signed_in.post(reverse("workspace:meal_edit", args=[meal.pk]), data).status_code == 302
    listed = page(signed_in, "workspace:meal_list", {"q": "bowl"})
    assert "Renamed bowl" in listed and "Test bowl" not in listed
    # A change to one of its foods puts the meal up for review, on both lists, on the next request.
    signed_in.post(
        reverse("workspace:amount_edit", args=[foods[0].pk, "iron_mg"]),
        {"amount": "2.5", "source": "Lab", "change_reason": "Re-measured"},
    )
    assert "Mark reviewed: Renamed bowl" in page(signed_in, "workspace:review")
    assert "needs review" in page(signed_in, "workspace:meal_list", {"q": "Renamed bowl"}).split("</thead>")[1]
    signed_in.post(reverse("workspace:meal_reviewed", args=[meal.pk]))
    assert "Mark reviewed: Renamed bowl" not in page(signed_in, "workspace:review")
    assert "needs review" not in page(signed_in, "workspace:meal_list", {"q": "Renamed bowl"}).split("</thead>")[1]


def test_a_meal_deleted_or_added_shows_at_once_in_the_meal_list(signed_in, meal, foods):  # noqa: F811
    assert "Test bowl" in page(signed_in, "workspace:meal_list", {"q": "bowl"})
    meal.delete()
    assert "Test bowl" not in page(signed_in, "workspace:meal_list", {"q": "bowl"})
    added = Meal.objects.create(name="Another bowl", slug="another-bowl", slot="lunch")
    MealIngredient.objects.create(meal=added, food=foods[0], grams=80, order=0)
    assert "Another bowl" in page(signed_in, "workspace:meal_list", {"q": "bowl"})


def test_each_dietitian_gets_their_own_csrf_token_in_the_cached_review_list_and_it_works(
    dietitian, meal, foods, django_user_model  # noqa: F811
):
    NutrientAmount.objects.filter(food=foods[0], nutrient__code="iron_mg").first().delete()  # the meal needs review
    olga, _ = other_dietitian(django_user_model)
    clients = {}
    for user in (dietitian, olga):  # dana's request renders and stores the list; olga's is served from the cache
        clients[user.username] = Client(enforce_csrf_checks=True)
        clients[user.username].force_login(user)
    html = {name: page(client, "workspace:review") for name, client in clients.items()}
    form = re.compile(rf'action="/dietitian/meals/{meal.pk}/reviewed/" class="inline"><input type="hidden" '
                      r'name="csrfmiddlewaretoken" value="([^"]+)"')
    for name in clients:
        assert "Mark reviewed: Test bowl" in html[name] and "csrf-slot" not in html[name]
        assert f"Sign out {name}" in html[name]
    tokens = {name: form.search(html[name])[1] for name in clients}
    wrong = clients["olga"].post(reverse("workspace:meal_reviewed", args=[meal.pk]),
                                 {"csrfmiddlewaretoken": tokens["dana"]})
    assert wrong.status_code == 403  # dana's token is no good to olga...
    right = clients["olga"].post(reverse("workspace:meal_reviewed", args=[meal.pk]),
                                 {"csrfmiddlewaretoken": tokens["olga"]})
    assert right.status_code == 302  # ...and olga's own, put into the cached list, is


def test_a_dietitian_never_sees_another_dietitians_clients_or_name_on_any_workspace_page(
    signed_in, dietitian, django_user_model
):
    client_user = django_user_model.objects.create_user("carla-client")
    _link, token = practice_services.invite(dietitian, "Carla Client")
    practice_services.accept(token, client_user)
    pages = ["workspace:home", "workspace:food_list", "workspace:meal_list", "workspace:review",
             "workspace:import_list", "practice:client_list"]
    for name in pages:
        page(signed_in, name)
    assert "Carla Client" in page(signed_in, "practice:client_list")
    _olga, other = other_dietitian(django_user_model)
    for name in pages:
        html = page(other, name)
        assert "Carla" not in html and "carla-client" not in html and "dana" not in html, name
        assert "olga" in html, name
    assert "No client shares their data with you yet" in page(other, "practice:client_list")


def test_the_meal_list_is_paged_and_its_search_and_filters_hold_across_pages(signed_in):
    total = Meal.objects.count()
    assert total > 100, "the fixtures' meals"
    first = page(signed_in, "workspace:meal_list")
    rows = re.findall(r'<tr><td><a href="/dietitian/meals/(\d+)/">', first)
    assert len(rows) == 50
    assert f"{total} meals; page 1 of {-(-total // 50)}" in first
    assert 'href="?page=2"' in first
    second = re.findall(r'<tr><td><a href="/dietitian/meals/(\d+)/">', page(signed_in, "workspace:meal_list",
                                                                           {"page": 2}))
    assert len(second) == 50 and not set(rows) & set(second)
    dinners = Meal.objects.filter(slot="dinner").count()
    assert dinners > 50
    html = page(signed_in, "workspace:meal_list", {"slot": "dinner"})
    assert f"{dinners} meals" in html and 'href="?slot=dinner&amp;page=2"' in html
    listed = re.findall(r'<td><a href="/dietitian/meals/\d+/">[^<]+</a></td><td>([^<]+)</td>', html)
    assert len(listed) == 50 and set(listed) == {"Dinner"}
    word = Meal.objects.order_by("pk").first().name.split()[0]
    html = page(signed_in, "workspace:meal_list", {"q": word})
    names = re.findall(r'<td><a href="/dietitian/meals/\d+/">([^<]+)</a>', html)
    assert names and all(word.lower() in n.lower() for n in names)
    assert len(names) == Meal.objects.filter(name__icontains=word).count() or len(names) == 50


def test_the_meal_list_filters_meals_needing_review(signed_in, meal, foods):  # noqa: F811
    html = page(signed_in, "workspace:meal_list", {"review": "on"})
    assert "No meal matches these filters." in html
    meal.needs_review = True
    meal.save()  # as the admin saves it
    html = page(signed_in, "workspace:meal_list", {"review": "on"})
    assert re.findall(r'<td><a href="/dietitian/meals/\d+/">([^<]+)</a>', html) == ["Test bowl"]


def test_the_review_list_pages_its_meals_apart_from_its_foods(signed_in, foods):  # noqa: F811
    made = [Meal(name=f"Review meal {i:03}", slug=f"review-meal-{i}", slot="lunch", needs_review=True)
            for i in range(55)]
    Meal.objects.bulk_create(made)
    complete = Food.objects.exclude(pk__in=[f.pk for f in foods]).order_by("pk").values_list("pk", flat=True)[:60]
    Food.objects.filter(pk__in=list(complete)).update(needs_review=True)  # more than a page of foods, too
    html = page(signed_in, "workspace:review")
    assert "Meals whose foods changed (55)" in html
    assert len(re.findall(r"Mark reviewed: Review meal", html)) == 50
    assert 'href="?meal_page=2"' in html
    second = page(signed_in, "workspace:review", {"meal_page": 2, "page": 2})
    assert len(re.findall(r"Mark reviewed: Review meal", second)) == 5
    assert "Review meal 054" in second and "Review meal 000" not in second
    assert 'href="?meal_page=2&amp;page=1"' in second  # the foods' pager keeps the meals' page
    assert 'href="?page=2&amp;meal_page=1"' in second  # and the other way round


@pytest.mark.parametrize("name", ["workspace:meal_list", "workspace:food_list", "workspace:review"])
def test_one_page_is_kept_once_however_its_number_is_spelled(signed_in, name, monkeypatch):
    """`?page=02` is page 2 and `?page=x` page 1, as the paginator reads them: each page is kept under one key, not
    one per spelling (a dietitian's junk query strings add no entries)."""
    from config import page_cache

    kept = []
    shared = page_cache.page_cache()
    real_set = shared.set
    monkeypatch.setattr(shared, "set", lambda key, value, timeout=None, **kw: (
        kept.append(key), real_set(key, value, timeout, **kw))[1])
    number = "meal_page" if name == "workspace:review" else "page"
    for query in ({}, {number: "1"}, {number: "x"}, {number: "01"}, {number: "2"}, {number: "02"}, {number: "002"}):
        page(signed_in, name, query)
    assert len([key for key in kept if key.startswith("workspace-")]) <= 2, kept
