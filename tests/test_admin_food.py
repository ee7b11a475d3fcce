"""The food admin: provenance is read-only once a food exists, review flags are one action away."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from nutrition.models import Food, FoodGroup, ImportBatch, Nutrient, NutrientAmount

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "a-long-test-password"))
    return client


@pytest.fixture
def food():
    group, _ = FoodGroup.objects.get_or_create(code="1600", defaults={"name": "Legumes and Legume Products"})
    batch = ImportBatch.objects.create(kind="curate-sr26", source="ABBREV.txt")
    food = Food.objects.create(
        name="Test lentils", food_group=group, source="test-set", source_id="T-1", import_batch=batch, needs_review=True
    )
    NutrientAmount.objects.create(food=food, nutrient=Nutrient.objects.get(code="iron_mg"), amount=3.33)
    return food


def test_food_change_page_shows_provenance_and_nutrients_but_not_as_inputs(admin_client_, food):
    body = admin_client_.get(reverse("admin:nutrition_food_change", args=[food.pk])).content.decode()
    assert "test-set" in body and "T-1" in body and "curate-sr26" in body
    assert 'name="source"' not in body and 'name="source_id"' not in body and 'name="import_batch"' not in body
    assert 'name="amounts-0-amount"' in body and 'value="3.33"' in body


def test_posting_a_new_source_does_not_change_the_provenance(admin_client_, food):
    url = reverse("admin:nutrition_food_change", args=[food.pk])
    amount = food.amounts.get()
    response = admin_client_.post(
        url,
        {
            "name": "Lentils, renamed",
            "food_group": food.food_group_id,
            "diet": "vegan",
            "source": "forged",
            "source_id": "X",
            "amounts-TOTAL_FORMS": "1",
            "amounts-INITIAL_FORMS": "1",
            "amounts-0-id": amount.pk,
            "amounts-0-food": food.pk,
            "amounts-0-nutrient": amount.nutrient_id,
            "amounts-0-amount": "3.33",
            "portions-TOTAL_FORMS": "0",
            "portions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    food.refresh_from_db()
    assert food.name == "Lentils, renamed"
    assert (food.source, food.source_id) == ("test-set", "T-1")


def test_mark_reviewed_action_clears_the_flag_and_records_history(admin_client_, food):
    admin_client_.post(
        reverse("admin:nutrition_food_changelist"), {"action": "mark_reviewed", "_selected_action": [food.pk]}
    )
    food.refresh_from_db()
    assert food.needs_review is False
    assert food.history.first().needs_review is False


def test_food_changelist_filters_by_group_source_diet_and_allergen(admin_client_, food):
    fish, _ = FoodGroup.objects.get_or_create(code="1500", defaults={"name": "Finfish and Shellfish Products"})
    Food.objects.create(name="Test sardines", food_group=fish, source="other-set", source_id="S-1", diet="pescatarian")
    url = reverse("admin:nutrition_food_changelist")
    body = admin_client_.get(url).content.decode()
    for parameter in ["food_group__id__exact", "source", "diet", "allergens__id__exact", "needs_review__exact"]:
        assert parameter in body, parameter
    filtered = admin_client_.get(url, {"source": "test-set"}).content.decode()
    assert "Test lentils" in filtered and "Test sardines" not in filtered


def test_import_batches_cannot_be_added_by_hand(admin_client_):
    assert admin_client_.get(reverse("admin:nutrition_importbatch_add")).status_code == 403
