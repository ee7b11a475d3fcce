"""The heavy pages run a fixed number of queries: a longer plan does not mean more queries (no N+1)."""

import functools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planner.models import Plan
from planner.profiles import parse_profile
from planner.services import generate_plan

pytestmark = pytest.mark.django_db

PROFILE = {"age": 45, "sex": "male", "weight_kg": 80, "height_cm": 178, "diet": "omnivore"}


@functools.cache
def plan_document(days: int) -> dict:
    return generate_plan(parse_profile(PROFILE | {"days": days}), seed=3)


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


@pytest.mark.parametrize("page", ["planner:detail", "planner:shopping"])
def test_plan_pages_do_not_query_per_day_or_per_food(client, django_user_model, page):
    owner = django_user_model.objects.create_user("ada", password="a-long-Passw0rd!")
    client.force_login(owner)
    counts = {}
    for days in (1, 7):
        plan = Plan.objects.create(owner=owner, name=f"{days} days", profile_data=PROFILE | {"days": days},
                                   document=plan_document(days), seed=3)
        url = reverse(page, kwargs={"key": str(plan.pk)})
        queries_for(client, url)  # warm per-process caches
        counts[days] = queries_for(client, url)
    assert counts[7] == counts[1], counts
    assert counts[7] <= 15, counts


def test_food_page_runs_a_fixed_number_of_queries(client):
    from nutrition.models import Food

    counts = [queries_for(client, reverse("food_detail", kwargs={"pk": food.pk}))
              for food in Food.objects.order_by("pk")[:5]]
    assert len(set(counts)) == 1 and counts[0] <= 10, counts
