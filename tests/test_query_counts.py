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


def test_the_journal_home_page_runs_a_fixed_number_of_queries_and_few_once_cached(client, django_user_model):
    """Rendered: the same count for a journal of one night as for one of weeks (nights, labs, plans, an iron course);
    asked again with nothing changed: the session, the user, the Dietitian group (the header) and the journal's
    stamp, the body from the page cache."""
    import datetime as dt

    from django.utils import timezone

    from journal.models import IronCourse, LabResult, Night

    today = timezone.localdate()
    client.force_login(django_user_model.objects.create_user("warm", password="a-long-Passw0rd!"))
    queries_for(client, reverse("journal:home"))  # warm per-process caches and what every journal shares
    counts = {}
    for size in (1, 20):
        person = django_user_model.objects.create_user(f"journal{size}", password="a-long-Passw0rd!")
        for n in range(1, size + 1):
            Night.objects.create(owner=person, date=today - dt.timedelta(days=n), severity=n % 11)
        for lab in ("ferritin", "transferrin_saturation", "folate")[: 1 + size // 10]:
            LabResult.objects.create(owner=person, lab=lab, value=30, unit="ng/mL" if lab != "transferrin_saturation"
                                     else "%", date=today - dt.timedelta(days=20))
        for days in range(1, 1 + size // 10 + 1):
            Plan.objects.create(owner=person, name=f"{days} days", profile_data=PROFILE | {"days": days},
                                document=plan_document(days), seed=3)
        if size > 1:
            IronCourse.objects.create(owner=person, kind="oral", started=today - dt.timedelta(days=30))
        client.force_login(person)
        url = reverse("journal:home")
        counts[size] = (queries_for(client, url), queries_for(client, url))
    assert counts[1][0] == counts[20][0], counts
    assert counts[1][1] == counts[20][1] <= 4, counts


WORKSPACE_LISTS = ["workspace:home", "workspace:food_list", "workspace:meal_list", "workspace:review"]


@pytest.mark.parametrize("page", WORKSPACE_LISTS)
def test_a_workspace_list_served_again_runs_only_the_stamps_and_the_signed_in_queries(signed_in, page):
    """What every dietitian sees alike comes from the page cache (workspace/cache.py): served again, a list runs
    the session, the user, the Dietitian group check, the food stamp (its generation and its query) and the meal
    stamp (not the food list), and the home page its five latest import batches, whatever the list shows."""
    url = reverse(page)
    rendered = queries_for(signed_in, url)
    served = [queries_for(signed_in, url) for _ in range(2)]
    assert served[0] == served[1] and served[0] < rendered, (rendered, served)
    assert served[0] <= {"workspace:home": 7, "workspace:food_list": 5}.get(page, 6), served


def test_the_review_list_reads_the_changed_foods_of_all_its_meals_in_one_query(signed_in):
    """Rendered afresh each time (a food changes in between), with 1 or 6 meals to review: the same count."""
    from nutrition.models import NutrientAmount
    from planner.models.meals import Meal

    url = reverse("workspace:review")
    counts = []
    meals = list(Meal.objects.filter(ingredients__isnull=False).distinct().order_by("pk")[:6])
    for group in (meals[:1], meals[1:6]):
        for meal in group:  # one of its foods loses a value after the meal's last save: the meal needs review
            food = meal.ingredients.first().food
            NutrientAmount.objects.filter(food=food).order_by("pk").first().delete()
        counts.append(queries_for(signed_in, url))
    assert counts[0] == counts[1], counts


def test_the_client_list_runs_a_fixed_number_of_queries_whatever_its_clients(client, django_user_model):
    from django.contrib.auth.models import Group

    from journal.models import Night
    from practice import services

    dana = django_user_model.objects.create_user("dana-counts")
    dana.groups.add(Group.objects.get(name="Dietitian"))
    client.force_login(dana)
    url = reverse("practice:client_list")
    counts = []
    for number in range(1, 5):
        person = django_user_model.objects.create_user(f"client-{number}")
        Night.objects.create(owner=person, date="2026-11-20", severity=3)
        _link, token = services.invite(dana, f"Client {number}")
        services.accept(token, person)
        if number in (1, 4):
            # Rendered (a new client moves the list's key), then served from the page cache (practice/cache.py).
            counts.append((queries_for(client, url), queries_for(client, url)))
    (rendered, cached), (rendered_4, cached_4) = counts
    assert rendered == rendered_4 and cached == cached_4 and cached <= 9, counts
