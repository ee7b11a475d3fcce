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
    """Rendered: the same count for every food (the stamp, the food's data, storing the body and the whole page
    in the page cache, three queries each in the database cache); served again: the stamp and the page cache only."""
    from nutrition.models import Food

    pks = Food.objects.order_by("pk").values_list("pk", flat=True)[:6]
    urls = [reverse("food_detail", kwargs={"pk": pk}) for pk in pks]
    queries_for(client, urls.pop())  # warm per-process caches and the stamp's generation
    rendered = [queries_for(client, url) for url in urls]
    cached = [queries_for(client, url) for url in urls]
    assert len(set(rendered)) == 1 and rendered[0] <= 20, rendered
    assert all(n <= 3 for n in cached) and len(set(cached)) == 1, cached
