"""Every registered admin page loads for a superuser with the reference fixtures loaded.

The list of models is read from `admin.site._registry` when the tests are collected, so models
other apps register later are covered without touching this file.
"""

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse

from content.models import Article, ArticleSource
from nutrition.models import (
    Allergen,
    Food,
    FoodGroup,
    ImportBatch,
    IntakeAdjustment,
    Nutrient,
    NutrientAmount,
    Portion,
    ReferenceIntake,
)
from planner.models import Meal, MealIngredient, Plan, Profile

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
IDS = [model._meta.label for model, _ in REGISTERED]


@pytest.fixture
def one_of_each(admin_user):
    """Make sure the models these tests know have at least one row (the fixtures may not hold one)."""
    batch = ImportBatch.objects.create(kind="test", source="admin smoke test", user=admin_user)
    group = FoodGroup.objects.first() or FoodGroup.objects.create(code="1600", name="Legumes and Legume Products")
    food = Food.objects.first() or Food.objects.create(
        name="Lentils, boiled",
        food_group=group,
        source="usda-sr26",
        source_id="16070",
        import_batch=batch,
        diet="vegan",
    )
    food.allergens.add(Allergen.objects.first())
    if not food.amounts.exists():
        NutrientAmount.objects.create(food=food, nutrient=Nutrient.objects.get(code="iron_mg"), amount=3.33)
    if not food.portions.exists():
        Portion.objects.create(food=food, seq=1, amount=1, description="cup", grams=198)
    iron = Nutrient.objects.get(code="iron_mg")
    if not ReferenceIntake.objects.exists():
        ReferenceIntake.objects.create(
            nutrient=iron, sex="female", age_min=19, age_max=50, kind="rda", amount=18, upper_limit=45,
            source="NIH ODS Iron fact sheet",
        )  # fmt: skip
    if not IntakeAdjustment.objects.exists():
        IntakeAdjustment.objects.create(
            nutrient=iron, condition="vegetarian", multiplier=1.8, explanation="test", source="NIH ODS"
        )
    if not Meal.objects.exists():
        meal = Meal.objects.create(name="Lentil soup", slug="lentil-soup", slot="lunch")
        MealIngredient.objects.create(meal=meal, food=food, grams=150)
    profile = Profile.objects.create(owner=admin_user, age=40, sex="female", weight_kg=65, height_cm=165)
    Plan.objects.create(owner=admin_user, profile=profile)
    # A failed sign-in: django-axes records the attempt and the failure log, so their admin pages have a row.
    Client().post(reverse("accounts:login"), {"username": "nobody", "password": "wrong"})
    if not Article.objects.exists():
        ArticleSource.objects.create(
            article=Article.objects.create(title="Iron", slug="iron-smoke", summary="s", body="b"),
            title="Iron fact sheet",
            publisher="NIH ODS",
        )


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_admin_has_models_registered_and_names_the_product(admin_client):
    assert len(REGISTERED) >= 10
    response = admin_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "Restful Plate" in response.content.decode()


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=IDS)
def test_changelist_loads(admin_client, one_of_each, model, model_admin):
    response = admin_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200, response.content[:500]


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=IDS)
def test_changelist_search_loads(admin_client, model, model_admin):
    if not model_admin.get_search_fields(None):
        pytest.skip(f"{model._meta.label} has no search")
    response = admin_client.get(admin_url(model, "changelist"), {"q": "a"})
    assert response.status_code == 200, response.content[:500]


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=IDS)
def test_add_page_loads_or_is_refused_when_adding_is_not_allowed(admin_client, admin_user, model, model_admin):
    request = RequestFactory().get("/")
    request.user = admin_user
    expected = 200 if model_admin.has_add_permission(request) else 403
    assert admin_client.get(admin_url(model, "add")).status_code == expected


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=IDS)
def test_change_page_of_an_existing_object_loads(admin_client, one_of_each, model, model_admin):
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"one_of_each must make a {model._meta.label}"
    response = admin_client.get(admin_url(model, "change", obj.pk))
    assert response.status_code == 200, response.content[:500]
    if hasattr(model_admin, "history_view"):
        assert admin_client.get(admin_url(model, "history", obj.pk)).status_code == 200
