"""Who may use the dietitian workspace: dietitians yes, plain users 403, anonymous visitors to the sign-in page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from nutrition.models import Food
from planner.models.meals import Meal, MealIngredient

GRANTED = [
    f"nutrition.{action}_{model}"
    for model in ("food", "portion", "nutrientamount", "importbatch")
    for action in ("add", "change")
] + [f"planner.{action}_{model}" for model in ("meal", "mealingredient") for action in ("add", "change")]


@pytest.fixture
def plain_user(django_user_model):
    return django_user_model.objects.create_user("pat")


@pytest.fixture
def meal(db):
    food = Food.objects.filter(amounts__nutrient__code="iron_mg").order_by("pk").first()
    meal = Meal.objects.create(name="Test porridge", slug="test-porridge", slot="breakfast")
    MealIngredient.objects.create(meal=meal, food=food, grams=80)
    return meal


def pages(meal):
    food = Food.objects.order_by("pk").first()
    return [
        reverse("workspace:home"),
        reverse("workspace:food_list"),
        reverse("workspace:food_edit", args=[food.pk]),
        reverse("workspace:amount_edit", args=[food.pk, "iron_mg"]),
        reverse("workspace:food_history", args=[food.pk]),
        reverse("workspace:meal_list"),
        reverse("workspace:meal_edit", args=[meal.pk]),
        reverse("workspace:meal_new"),
        reverse("workspace:meal_history", args=[meal.pk]),
        reverse("workspace:review"),
        reverse("workspace:import_list"),
        reverse("workspace:import_foods"),
    ]


def test_dietitian_group_grants_the_editing_permissions_and_plain_users_have_none(dietitian, plain_user):
    for permission in GRANTED:
        assert dietitian.has_perm(permission), permission
        assert not plain_user.has_perm(permission), permission
    assert not dietitian.has_perm("nutrition.delete_food")
    assert not dietitian.has_perm("planner.delete_meal")


def test_anonymous_visitors_are_sent_to_sign_in(client, meal):
    for url in pages(meal):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login") + "?next="), url


def test_signed_in_non_dietitians_get_403(client, plain_user, meal):
    client.force_login(plain_user)
    for url in pages(meal):
        assert client.get(url).status_code == 403, url
    food = Food.objects.order_by("pk").first()
    response = client.post(
        reverse("workspace:amount_edit", args=[food.pk, "iron_mg"]),
        {"amount": "1", "source": "x", "change_reason": "x"},
    )
    assert response.status_code == 403


def test_dietitians_can_open_every_page(client, dietitian, meal):
    client.force_login(dietitian)
    for url in pages(meal):
        assert client.get(url).status_code == 200, url


def test_dietitian_link_is_shown_only_to_dietitians(client, dietitian, plain_user):
    link = f'href="{reverse("workspace:home")}"'
    client.force_login(plain_user)
    assert link not in client.get(reverse("home")).content.decode()
    client.force_login(dietitian)
    assert link in client.get(reverse("home")).content.decode()
