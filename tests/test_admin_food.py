"""The food admin: provenance is read-only once a food exists, review flags are one action away."""

import pytest
from django.test import Client
from django.urls import reverse

from nutrition.models import Food, FoodGroup, ImportBatch, Nutrient, NutrientAmount

pytestmark = pytest.mark.django_db


@pytest.fixture
def food():
    group, _ = FoodGroup.objects.get_or_create(code="1600", defaults={"name": "Legumes and Legume Products"})
    batch = ImportBatch.objects.create(kind="curate-sr26", source="ABBREV.txt")
    food = Food.objects.create(
        name="Test lentils", food_group=group, source="test-set", source_id="T-1", import_batch=batch, needs_review=True
    )
    NutrientAmount.objects.create(food=food, nutrient=Nutrient.objects.get(code="iron_mg"), amount=3.33)
    return food


def test_food_change_page_shows_provenance_and_nutrients_but_not_as_inputs(admin_client, food):
    body = admin_client.get(reverse("admin:nutrition_food_change", args=[food.pk])).content.decode()
    assert "test-set" in body and "T-1" in body and "curate-sr26" in body
    assert 'name="source"' not in body and 'name="source_id"' not in body and 'name="import_batch"' not in body
    assert 'name="amounts-0-amount"' in body and 'value="3.33"' in body


def test_posting_a_new_source_does_not_change_the_provenance(admin_client, food):
    url = reverse("admin:nutrition_food_change", args=[food.pk])
    amount = food.amounts.get()
    response = admin_client.post(
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


def test_mark_reviewed_action_clears_the_flag_and_records_history(admin_client, food):
    admin_client.post(
        reverse("admin:nutrition_food_changelist"), {"action": "mark_reviewed", "_selected_action": [food.pk]}
    )
    food.refresh_from_db()
    assert food.needs_review is False
    assert food.history.first().needs_review is False


def test_food_changelist_filters_by_group_source_diet_and_allergen(admin_client, food):
    fish, _ = FoodGroup.objects.get_or_create(code="1500", defaults={"name": "Finfish and Shellfish Products"})
    Food.objects.create(name="Test sardines", food_group=fish, source="other-set", source_id="S-1", diet="pescatarian")
    url = reverse("admin:nutrition_food_changelist")
    body = admin_client.get(url).content.decode()
    for parameter in ["food_group__id__exact", "source", "diet", "allergens__id__exact", "needs_review__exact"]:
        assert parameter in body, parameter
    filtered = admin_client.get(url, {"source": "test-set"}).content.decode()
    assert "Test lentils" in filtered and "Test sardines" not in filtered


def test_import_batches_cannot_be_added_by_hand(admin_client):
    assert admin_client.get(reverse("admin:nutrition_importbatch_add")).status_code == 403


def admin_form(food, **changes) -> dict:
    """The food's admin change form as it stands, every inline row included, with `changes` on top."""
    data = {
        "name": food.name, "food_group": food.food_group_id, "diet": food.diet,
        "allergens": [a.pk for a in food.allergens.all()],
        "contains_caffeine": "on" if food.contains_caffeine else "",
        "contains_alcohol": "on" if food.contains_alcohol else "",
        "needs_review": "on" if food.needs_review else "",
    }  # fmt: skip
    amounts, portions = list(food.amounts.order_by("pk")), list(food.portions.order_by("pk"))
    data |= {"amounts-TOTAL_FORMS": len(amounts), "amounts-INITIAL_FORMS": len(amounts)}
    for i, a in enumerate(amounts):
        row = {"id": a.pk, "food": food.pk, "nutrient": a.nutrient_id, "amount": a.amount, "source": a.source}
        data |= {f"amounts-{i}-{k}": v for k, v in row.items()}
    data |= {"portions-TOTAL_FORMS": len(portions), "portions-INITIAL_FORMS": len(portions)}
    for i, p in enumerate(portions):
        data |= {f"portions-{i}-{k}": v for k, v in {"id": p.pk, "food": food.pk, "seq": p.seq, "amount": p.amount,
                                                      "description": p.description, "grams": p.grams}.items()}
    return {k: v for k, v in data.items() if v != ""} | changes


def test_an_admin_change_to_a_food_from_the_fixtures_shows_in_the_workspace_history_and_reverts(
    admin_client, dietitian
):
    workspace = Client()
    workspace.force_login(dietitian)
    food = Food.objects.filter(amounts__nutrient__code="iron_mg", portions__isnull=False).order_by("pk").first()
    assert not Food.history.filter(id=food.pk).exists()  # loaded from the fixtures: no history of its own
    name, iron = food.name, food.amounts.get(nutrient__code="iron_mg")
    row = [k for k, v in admin_form(food).items() if k.endswith("-id") and v == iron.pk][0].rsplit("-", 1)[0]
    response = admin_client.post(
        reverse("admin:nutrition_food_change", args=[food.pk]),
        admin_form(food, name="Renamed in the admin", **{f"{row}-amount": "99.5"}),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert NutrientAmount.objects.get(pk=iron.pk).amount == 99.5

    versions = workspace.get(reverse("workspace:food_history", args=[food.pk])).context["versions"]
    *changed, baseline = versions  # the baseline: the food and its iron row as they stood before the save
    changes = [(c.old, c.new) for version in changed for c in version.changes]
    assert sorted(changes) == sorted([(name, "Renamed in the admin"), (f"{iron.amount:g}", "99.5")])
    response = workspace.post(
        reverse("workspace:food_revert", args=[food.pk]), {"at": baseline.at.isoformat(), "change_reason": "Undo"}
    )
    assert response.status_code == 302
    food.refresh_from_db()
    assert food.name == name and NutrientAmount.objects.get(pk=iron.pk).amount == iron.amount
