"""Meals eaten against a saved plan: one click per meal (HTMX or a plain form post), a replacement by a food
with grams or by another meal, and the day's eaten totals against the targets beside the planned ones."""

import pytest
from django.urls import reverse
from django.utils import timezone

from journal.models import MealMark
from nutrition.models import Food
from planner.models import Meal

from .factories import UserFactory, days_ago, saved_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(client):
    user = UserFactory(username="eater")
    client.force_login(user)
    return user


@pytest.fixture
def plan(person):
    return saved_plan(person)


def mark_url(plan, day=1, slot=0):
    return reverse("journal:mark", args=[plan.pk, day, slot])


def day_url(plan, day=1):
    return reverse("journal:day", args=[plan.pk, day])


def iron_cell(html):
    row = html.split('data-nutrient="iron_mg"')[1].split("</tr>")[0]
    return row.split('class="num eaten">')[1].split("</td>")[0]


def test_the_day_lists_each_planned_meal_with_eaten_and_skipped_buttons(client, plan):
    html = client.get(day_url(plan)).content.decode()
    day = plan.document["days"][0]
    for meal in day["meals"]:
        assert meal["name"] in html
        assert f'hx-post="{mark_url(plan, 1, meal["slot_index"])}"' in html
    assert "nothing marked" in html


def test_marking_a_meal_eaten_with_htmx_returns_the_day_with_eaten_totals(client, plan):
    meal = plan.document["days"][0]["meals"][0]
    response = client.post(
        mark_url(plan), {"date": timezone.localdate().isoformat(), "status": "eaten"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<div id="day-body"')
    assert "<html" not in html
    mark = MealMark.objects.get()
    assert (mark.status, mark.planned_name, mark.plan_day, mark.slot_index) == ("eaten", meal["name"], 1, 0)
    assert mark.items == [{"food_id": i["food_id"], "grams": i["grams"]} for i in meal["items"]]
    assert "1 of" in html and "nothing marked" not in iron_cell(html)


def test_the_same_click_works_as_a_plain_form_post(client, plan):
    response = client.post(mark_url(plan, slot=1), {"date": days_ago(1).isoformat(), "status": "skipped"})
    assert response.status_code == 302
    assert response["Location"] == f"{day_url(plan)}?date={days_ago(1).isoformat()}#meal-1"
    assert MealMark.objects.get().status == "skipped"


def test_eaten_totals_add_up_the_foods_eaten_and_stay_beside_the_planned_totals(client, plan):
    day = plan.document["days"][0]
    today = timezone.localdate().isoformat()
    for meal in day["meals"]:
        client.post(mark_url(plan, slot=meal["slot_index"]), {"date": today, "status": "eaten"})
    html = client.get(f"{day_url(plan)}?date={today}").content.decode()
    planned = day["totals"]["iron_mg"]
    assert iron_cell(html).startswith(f"{planned:.1f}")
    assert "the day counts in your trends" in html


def test_a_meal_replaced_by_a_food_counts_that_food_and_grams(client, plan):
    apple = Food.objects.get(name="Apple, raw, with skin")
    client.post(
        mark_url(plan),
        {"date": timezone.localdate().isoformat(), "status": "replaced", "food": apple.name, "grams": "200"},
    )
    mark = MealMark.objects.get()
    assert (mark.status, mark.food, mark.grams, mark.meal) == ("replaced", apple, 200.0, None)
    assert mark.items == [{"food_id": apple.pk, "grams": 200.0}]
    html = client.get(f"{day_url(plan)}?date={timezone.localdate().isoformat()}").content.decode()
    assert "Replaced by 200 g Apple, raw, with skin" in html
    iron_per_100 = apple.amounts_by_code()["iron_mg"]
    assert iron_cell(html).startswith(f"{iron_per_100 * 2:.1f}")


def test_a_meal_replaced_by_another_meal_counts_that_meals_ingredients(client, plan):
    other = Meal.objects.active().exclude(pk=plan.document["days"][0]["meals"][0]["meal_id"]).first()
    client.post(mark_url(plan), {"date": timezone.localdate().isoformat(), "status": "replaced", "meal": other.pk})
    mark = MealMark.objects.get()
    assert mark.meal == other and mark.food is None
    assert sorted(i["food_id"] for i in mark.items) == sorted(i.food_id for i in other.ingredients.all())


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "food", "Say what you ate instead: a food with grams, or another meal."),
        ({"food": "Moon cheese", "grams": "50"}, "food", "no food called “Moon cheese”"),
        ({"food": "Banana, raw"}, "grams", "Grams: how much of it did you eat?"),
        ({"food": "Banana, raw", "grams": "0"}, "grams", "Grams must be from 1 to 3000."),
    ],
)
def test_a_replacement_without_what_replaced_it_is_refused_beside_the_field(client, plan, data, field, message):
    values = {"date": timezone.localdate().isoformat(), "status": "replaced", **data}
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        html = client.post(mark_url(plan), values, **headers).content.decode()
        error = html.split(f'id="error-{field}-0">')[1].split("</p>")[0]
        assert message in error
    assert not MealMark.objects.exists()


def test_a_second_click_changes_the_mark_and_clear_removes_it(client, plan):
    today = timezone.localdate().isoformat()
    client.post(mark_url(plan), {"date": today, "status": "eaten"})
    client.post(mark_url(plan), {"date": today, "status": "skipped"})
    assert list(MealMark.objects.values_list("status", flat=True)) == ["skipped"]
    client.post(mark_url(plan), {"date": today, "status": "clear"})
    assert not MealMark.objects.exists()


def test_a_mark_keeps_what_was_eaten_when_the_plan_changes_later(client, plan):
    today = timezone.localdate().isoformat()
    client.post(mark_url(plan), {"date": today, "status": "eaten"})
    before = MealMark.objects.get().items
    plan.document["days"][0]["meals"][0]["items"] = []
    plan.save()
    assert MealMark.objects.get().items == before


def test_future_dates_and_someone_elses_plan_are_refused(client, plan):
    tomorrow = timezone.localdate().toordinal() + 1
    from datetime import date

    assert client.get(f"{day_url(plan)}?date={date.fromordinal(tomorrow).isoformat()}").status_code == 404
    theirs = saved_plan(UserFactory(username="other-eater"))
    assert client.get(day_url(theirs)).status_code == 404
    assert client.post(mark_url(theirs), {"status": "eaten"}).status_code == 404
    assert client.get(reverse("journal:day", args=[plan.pk, 9])).status_code == 404
    assert not MealMark.objects.exists()
