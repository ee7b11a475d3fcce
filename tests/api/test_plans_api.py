"""POST /api/v1/targets and plans (in the request, or queued with a ticket), and the owner's saved plans: list,
read, rename, delete, swap a meal and lock a meal. Saved plans are their owner's only (others get 404); the rate
limits answer 429 with Retry-After."""

import pytest
from django.core.management import call_command

from planner.models import Plan
from planner.profiles import parse_profile
from planner.targets import daily_targets

from .conftest import PROFILE, Api

pytestmark = pytest.mark.django_db


def test_targets_for_a_profile_are_generate_plans_with_reasons(anyone):
    profile = {**PROFILE, "deficiencies": ["iron"], "labs": {"ferritin_ng_ml": 30}}
    response = anyone.post("targets", profile)
    assert response.status_code == 200, response.content
    expected = daily_targets(parse_profile(profile))
    body = response.json()
    assert set(body) == set(expected)
    assert body["iron_mg"]["target"] == round(expected["iron_mg"].target, 1)
    assert body["iron_mg"]["reason"] == expected["iron_mg"].reason and "ferritin" in body["iron_mg"]["reason"].lower()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"age": 0}, "age"),
        ({"sex": "other"}, "sex"),
        ({"diet": "keto"}, "diet"),
        ({"weight_kg": 250, "height_cm": 100}, "weight_kg"),  # schema-valid, but a BMI of 250: parse_profile says so
        ({"labs": {"ferritin": 30}}, "labs.ferritin"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
        ({"life_stage": "pregnant", "sex": "male"}, "life_stage"),
    ],
)
def test_a_bad_profile_is_a_422_naming_the_field(anyone, change, field):
    response = anyone.post("targets", {**PROFILE, **change})
    assert response.status_code == 422, response.content
    assert response.json()["field"] == field, response.json()


def test_a_missing_field_and_a_body_that_is_not_json(anyone):
    missing = anyone.post("targets", {"age": 40, "sex": "female", "weight_kg": 60})
    assert missing.status_code == 422 and missing.json()["field"] == "height_cm"
    broken = anyone.post("targets", "{not json")
    assert broken.status_code == 400 and broken.json()["field"] == "body"


def test_a_plan_for_a_profile_is_generate_plans_document(anyone):
    response = anyone.post("plans", PROFILE)
    assert response.status_code == 200, response.content
    body = response.json()
    assert len(body["days"]) == 1 and body["days"][0]["meals"]
    assert body["profile"] == parse_profile(PROFILE).to_dict()
    assert {"targets", "notes", "solver", "seed"} <= set(body)
    item = body["days"][0]["meals"][0]["items"][0]
    assert item["source"] and item["source_id"]


def test_saving_a_plan_needs_an_account_and_then_it_is_listed(anyone, owner, people):
    refused = anyone.post("plans?save_as=Mine", PROFILE)
    assert refused.status_code == 401 and refused.json()["field"] == "save_as"
    saved = owner.post("plans?save_as=Tuesday", PROFILE)
    assert saved.status_code == 201, saved.content
    plan = Plan.objects.get(pk=saved.json()["id"])
    assert plan.owner == people["owner"] and plan.name == "Tuesday"
    listed = owner.get("plans").json()
    assert [p["name"] for p in listed["results"]] == ["Tuesday", "My day"] and listed["count"] == 2


def test_saved_plans_are_the_owners_only(anyone, owner, other, people):
    pk = people["plan"].pk
    assert anyone.get("plans").status_code == 401
    assert anyone.get(f"plans/{pk}").status_code == 401
    assert other.get("plans").json()["results"] == []
    for response in (
        other.get(f"plans/{pk}"),
        other.patch(f"plans/{pk}", {"name": "Mine now"}),
        other.delete(f"plans/{pk}"),
        other.post(f"plans/{pk}/swap", {"day": 1, "slot_index": 0}),
        other.post(f"plans/{pk}/lock", {"day": 1, "slot_index": 0}),
    ):
        assert response.status_code == 404 and response.json()["detail"] == "Not found."
    plan = Plan.objects.get(pk=pk)
    assert plan.name == "My day" and plan.locked == [] and plan.document == people["plan"].document
    body = owner.get(f"plans/{pk}").json()
    assert body["name"] == "My day" and without_nulls(body["document"]["days"]) == people["plan"].document["days"]


def test_the_owner_renames_and_deletes_a_plan(owner, people):
    pk = people["plan"].pk
    renamed = owner.patch(f"plans/{pk}", {"name": "Week one"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Week one"
    assert Plan.objects.get(pk=pk).name == "Week one"
    assert owner.patch(f"plans/{pk}", {"name": ""}).json()["field"] == "name"
    assert owner.delete(f"plans/{pk}").status_code == 204
    assert not Plan.objects.filter(pk=pk).exists()
    assert owner.get(f"plans/{pk}").status_code == 404


def test_swap_changes_only_that_meal_and_is_stored(owner, people):
    pk = people["plan"].pk
    before = people["plan"].document["days"][0]["meals"]
    response = owner.post(f"plans/{pk}/swap", {"day": 1, "slot_index": 0})
    assert response.status_code == 200, response.content
    after = response.json()["document"]["days"][0]["meals"]
    assert after[0]["meal_id"] != before[0]["meal_id"]
    assert [m["meal_id"] for m in after[1:]] == [m["meal_id"] for m in before[1:]]
    stored = Plan.objects.get(pk=pk)
    assert stored.seed == 2 and stored.document["days"][0]["meals"][0]["meal_id"] == after[0]["meal_id"]
    bad = owner.post(f"plans/{pk}/swap", {"day": 3, "slot_index": 0})
    assert bad.status_code == 422 and bad.json()["field"] == "day"


def test_lock_sets_unlocks_and_toggles_a_meal(owner, people):
    pk = people["plan"].pk
    assert owner.post(f"plans/{pk}/lock", {"day": 1, "slot_index": 2, "locked": True}).json()["locked"] == [[1, 2]]
    assert owner.post(f"plans/{pk}/lock", {"day": 1, "slot_index": 2, "locked": True}).json()["locked"] == [[1, 2]]
    assert owner.post(f"plans/{pk}/lock", {"day": 1, "slot_index": 2}).json()["locked"] == []
    assert Plan.objects.get(pk=pk).locked == []
    missing = owner.post(f"plans/{pk}/lock", {"day": 1, "slot_index": 9})
    assert missing.status_code == 422 and missing.json()["field"] == "slot_index"


# The limits count in fixed windows (django-ratelimit); per hour, as in tests/test_rate_limits.py, because with
# "1/m" a window ending between the two requests (one plan solve apart: seconds on a loaded machine) let the second
# request through now and then.
def test_plans_are_rate_limited_per_token_with_retry_after(settings, owner, other):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api-plans": "1/h"}
    assert owner.post("plans", PROFILE).status_code == 200
    limited = owner.post("plans", PROFILE)
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 3600 and "try again" in limited.json()["detail"]
    assert other.post("plans", PROFILE).status_code == 200  # another token has its own count


def test_swaps_are_rate_limited(settings, owner, people):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api-swaps": "1/h"}
    pk = people["plan"].pk
    assert owner.post(f"plans/{pk}/swap", {"day": 1, "slot_index": 1}).status_code == 200
    limited = owner.post(f"plans/{pk}/swap", {"day": 1, "slot_index": 1})
    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1


def test_anonymous_plans_are_rate_limited_per_address(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api-plans": "1/h"}
    here, there = Api(client=_client("10.0.0.1")), Api(client=_client("10.0.0.2"))
    assert here.post("plans", PROFILE).status_code == 200
    assert here.post("plans", PROFILE).status_code == 429
    assert there.post("plans", PROFILE).status_code == 200


def _client(address, **headers):
    from django.test import Client

    return Client(raise_request_exception=False, REMOTE_ADDR=address, **headers)


def test_a_queued_plan_answers_202_with_a_ticket_to_poll(plan_queue, owner, other):
    response = owner.post("plans?save_as=Queued", PROFILE)
    assert response.status_code == 202, response.content
    url = response.json()["url"]
    assert url == f"/api/v1/plans/tickets/{response.json()['ticket']}"
    ticket = url.removeprefix("/api/v1/")
    assert owner.get(ticket).json() == {"status": "waiting", "plan": None, "saved_plan_id": None}
    assert other.get(ticket).status_code == 404  # a signed-in client's ticket is theirs only
    call_command("plan_worker", "--burst", "--queue", plan_queue, verbosity=0)
    done = owner.get(ticket).json()
    assert done["status"] == "done" and len(done["plan"]["days"]) == 1
    assert owner.get(ticket).json()["saved_plan_id"] == done["saved_plan_id"]  # saved once, however often polled
    assert Plan.objects.get(pk=done["saved_plan_id"]).name == "Queued"
    assert owner.get("plans/tickets/0123456789abcdef").status_code == 404


def without_nulls(value):
    """The API names every optional field of a plan (null when absent); the stored document leaves them out."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


def test_behind_a_trusted_proxy_anonymous_api_callers_are_counted_by_their_forwarded_address(settings):
    """With one proxy trusted, everyone arrives from the proxy's address: the API counts the address the proxy
    forwarded, as the pages and django-axes do (config.client_ip), so one caller's plans do not use up another's."""
    settings.TRUSTED_PROXIES = 1
    settings.AXES_IPWARE_PROXY_COUNT = 0  # what DJANGO_TRUSTED_PROXIES=1 sets (config/settings.py)
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api-plans": "1/h"}
    proxy = "10.9.9.9"
    here = Api(client=_client(proxy, HTTP_X_FORWARDED_FOR="203.0.113.7"))
    there = Api(client=_client(proxy, HTTP_X_FORWARDED_FOR="198.51.100.4"))
    assert here.post("plans", PROFILE).status_code == 200
    assert here.post("plans", PROFILE).status_code == 429
    assert there.post("plans", PROFILE).status_code == 200


def test_a_second_api_plan_while_the_callers_first_is_being_built_gets_429_without_solving(monkeypatch):
    """One solve at a time per caller, as on the pages (config.rate_limits.one_solve_at_a_time): a second plan or
    swap from the same address while its first plan is still solving is refused at once, another address is not."""
    from planner import services

    real, calls, answers = services.generate_plan, [], {}

    def generate_plan(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:  # inside the first solve, while it is in flight
            answers["same address"] = Api(client=_client("203.0.113.70")).post("plans", PROFILE)
            answers["other address"] = Api(client=_client("203.0.113.71")).post("plans", PROFILE)
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "generate_plan", generate_plan)
    assert Api(client=_client("203.0.113.70")).post("plans", PROFILE).status_code == 200
    refused = answers["same address"]
    assert refused.status_code == 429 and refused["Retry-After"] == "10"
    assert refused.json()["detail"].startswith("Too many requests")
    assert answers["other address"].status_code == 200
    assert len(calls) == 2  # the first plan and the other address's: the refused one solved nothing
    assert Api(client=_client("203.0.113.70")).post("plans", PROFILE).status_code == 200  # the lock is gone
