"""Meal admin actions save a dietitian a click per meal, and each change lands in the meal's history."""

import pytest
from django.urls import reverse

from planner.models import Meal

pytestmark = pytest.mark.django_db


def test_mark_reviewed_and_deactivate_actions(admin_client):
    meal = Meal.objects.create(name="Test porridge", slug="test-porridge", slot="breakfast", needs_review=True)
    url = reverse("admin:planner_meal_changelist")
    admin_client.post(url, {"action": "mark_reviewed", "_selected_action": [meal.pk]})
    meal.refresh_from_db()
    assert meal.needs_review is False
    admin_client.post(url, {"action": "deactivate", "_selected_action": [meal.pk]})
    meal.refresh_from_db()
    assert meal.is_active is False
    assert meal.history.count() == 3


def test_meal_ingredients_have_their_own_changelist_with_search(admin_client):
    response = admin_client.get(reverse("admin:planner_mealingredient_changelist"), {"q": "oat"})
    assert response.status_code == 200


def test_an_admin_action_on_a_meal_from_the_fixtures_shows_in_the_workspace_history_and_reverts(
    admin_client, dietitian
):
    from django.test import Client

    meal = Meal.objects.filter(is_active=True).order_by("pk").first()
    assert not meal.history.exists()  # loaded from the fixtures: no history of its own
    changelist = reverse("admin:planner_meal_changelist")
    admin_client.post(changelist, {"action": "deactivate", "_selected_action": [meal.pk]})
    meal.refresh_from_db()
    assert meal.is_active is False

    workspace = Client()
    workspace.force_login(dietitian)
    *changed, baseline = workspace.get(reverse("workspace:meal_history", args=[meal.pk])).context["versions"]
    assert [(c.old, c.new) for version in changed for c in version.changes] == [("yes", "no")]
    response = workspace.post(
        reverse("workspace:meal_revert", args=[meal.pk]), {"at": baseline.at.isoformat(), "change_reason": "Undo"}
    )
    assert response.status_code == 302
    meal.refresh_from_db()
    assert meal.is_active is True
