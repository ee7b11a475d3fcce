"""Plans through the worker queue (RQ on the real Redis at 127.0.0.1:6379), as a visitor meets them over HTTP.

The form and Regenerate hand the plan to the queue and send the visitor to a wait page; `manage.py plan_worker
--burst` (run here in-process) builds it; the wait page then sends the visitor to the plan, once. A ticket works
only in the session that made it. A failed or forgotten job gets a clear page; an unreachable Redis at submit time
gets the plan built in the request instead. Redis missing is a failure here, never a skip.
"""

import logging
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from redis import Redis
from rq.job import Job
from rq.serializers import JSONSerializer

from planner import services
from planner.models import Plan
from planner.plan_store import DRAFTS
from planner.profiles import parse_profile
from tests.conftest import PLAN_QUEUE_REDIS_URL as REDIS_URL  # where the plan_queue fixture puts the queue
from tests.test_plan_views import HX, PERSON  # the same visitor as the in-request plan tests

pytestmark = pytest.mark.django_db

PROFILE = {"age": 40, "sex": "female", "weight_kg": 65, "height_cm": 165, "diet": "vegetarian", "days": 2}
WAIT_URL = re.compile(r"/plan/wait/[0-9a-f-]{32,36}/")
DRAFT_URL = re.compile(r"/plan/draft-[0-9a-f]+/")


def work(queue_name):
    call_command("plan_worker", "--burst", "--queue", queue_name, verbosity=0)


def submit(client, **changes):
    response = client.post(reverse("planner:form"), {**PERSON, **changes})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert WAIT_URL.fullmatch(response["Location"]), response["Location"]
    return response["Location"]


def assert_csp_clean(body):
    """No inline script, style or event handler: the Content-Security-Policy would block them."""
    assert [tag for tag in re.findall(r"<script\b[^>]*>", body) if "src=" not in tag] == []
    assert "<style" not in body and not re.search(r"\sstyle=", body) and not re.search(r"\son[a-z]+=", body)


def drafts(client):
    return client.session.get(DRAFTS, {})


def test_a_plan_goes_through_the_queue_and_the_visitor_lands_on_it_once(client, plan_queue):
    wait_url = submit(client, days="7")
    waiting = client.get(wait_url)
    body = waiting.content.decode()
    assert waiting.status_code == 200
    assert "Building your plan…" in body and 'role="status"' in body
    assert f'hx-get="{wait_url}"' in body and 'hx-trigger="load delay:750ms"' in body
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in body
    assert f'href="{reverse("planner:form")}"' in body and f'href="{wait_url}"' in body
    assert_csp_clean(body)
    assert drafts(client) == {}  # nothing is built in the web request

    work(plan_queue)

    done = client.get(wait_url)
    assert done.status_code == 302 and DRAFT_URL.fullmatch(done["Location"])
    page = client.get(done["Location"]).content.decode()
    assert "Day 7" in page and "Day 8" not in page
    again = client.get(wait_url)
    assert again.status_code == 302 and again["Location"] == done["Location"]
    assert len(drafts(client)) == 1


def test_a_ticket_is_visible_only_in_the_session_that_made_it(client, plan_queue, django_user_model):
    wait_url = submit(client)
    stranger = Client()
    assert stranger.get(wait_url).status_code == 404
    work(plan_queue)
    signed_in = Client()
    signed_in.force_login(django_user_model.objects.create_user("hal"))
    assert stranger.get(wait_url).status_code == 404
    assert signed_in.get(wait_url).status_code == 404
    assert drafts(stranger) == {}
    assert client.get(wait_url).status_code == 302


def test_htmx_submits_and_polls_until_an_hx_redirect_to_the_plan(client, plan_queue):
    submitted = client.post(reverse("planner:form"), PERSON, **HX)
    assert submitted.status_code == 200 and WAIT_URL.fullmatch(submitted["HX-Redirect"])
    wait_url = submitted["HX-Redirect"]
    poll = client.get(wait_url, **HX)
    body = poll.content.decode()
    assert poll.status_code == 200 and "HX-Redirect" not in poll
    assert body.strip().startswith('<div id="wait-poll"') and "<html" not in body
    assert f'hx-get="{wait_url}"' in body and 'hx-trigger="load delay:750ms"' in body

    work(plan_queue)

    done = client.get(wait_url, **HX)
    assert done.status_code == 200 and DRAFT_URL.fullmatch(done["HX-Redirect"])
    assert client.get(done["HX-Redirect"]).status_code == 200


def test_regenerate_through_the_queue_changes_the_plan_and_keeps_locked_meals(client, plan_queue):
    wait_url = submit(client)
    work(plan_queue)
    plan_url = client.get(wait_url)["Location"]
    key = plan_url.rstrip("/").split("/")[-1]
    before = drafts(client)[key]["document"]
    assert client.post(reverse("planner:lock", args=[key, 1, 2])).status_code == 302

    regenerate = client.post(reverse("planner:regenerate", args=[key]))
    assert regenerate.status_code == 302 and WAIT_URL.fullmatch(regenerate["Location"])
    assert drafts(client)[key]["document"] == before  # unchanged until the worker has built the new one
    work(plan_queue)
    done = client.get(regenerate["Location"], follow=True)

    assert done.redirect_chain == [(plan_url, 302)]
    assert "A new plan, keeping the meals you locked." in done.content.decode()
    after = drafts(client)[key]
    assert after["seed"] == 1 and after["locked"] == [[1, 2]]
    assert after["document"]["days"][0]["meals"][2]["meal_id"] == before["days"][0]["meals"][2]["meal_id"]
    meal_ids = [[m["meal_id"] for m in day["meals"]] for day in before["days"]]
    assert [[m["meal_id"] for m in day["meals"]] for day in after["document"]["days"]] != meal_ids
    assert len(drafts(client)) == 1


def test_a_saved_plan_regenerated_through_the_queue_is_stored_only_while_it_is_still_yours(
    client, plan_queue, django_user_model
):
    owner = django_user_model.objects.create_user("ivy")
    client.force_login(owner)
    document = services.generate_plan(parse_profile(PROFILE))
    kept = Plan.objects.create(owner=owner, name="Kept", profile_data=PROFILE, document=document)
    gone = Plan.objects.create(owner=owner, name="Gone", profile_data=PROFILE, document=document)

    kept_wait = client.post(reverse("planner:regenerate", args=[kept.pk]))["Location"]
    work(plan_queue)
    assert client.get(kept_wait)["Location"] == f"/plan/{kept.pk}/"
    kept.refresh_from_db()
    assert kept.seed == 1 and kept.document != document

    gone_wait = client.post(reverse("planner:regenerate", args=[gone.pk]))["Location"]  # one waiting plan at a time
    assert gone_wait != kept_wait
    client.post(reverse("planner:delete", args=["plan", gone.pk]))
    work(plan_queue)
    assert client.get(gone_wait).status_code == 404
    assert list(Plan.objects.filter(owner=owner)) == [kept]


def test_a_failed_job_shows_a_clear_page_with_a_way_back(client, plan_queue, monkeypatch):
    def broken_solver(*args, **kwargs):
        raise RuntimeError("solver exploded")

    wait_url = submit(client)
    monkeypatch.setattr(services, "generate_plan", broken_solver)
    work(plan_queue)

    poll = client.get(wait_url, **HX)
    assert poll.status_code == 200 and poll["HX-Redirect"] == wait_url  # the whole page, with the message
    response = client.get(wait_url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Your plan was not built" in body and "Something went wrong while building this plan" in body
    assert f'href="{reverse("planner:form")}"' in body
    assert "solver exploded" not in body and "Traceback" not in body and "http-equiv" not in body
    assert_csp_clean(body)
    assert drafts(client) == {}


def test_a_job_that_has_expired_says_so(client, plan_queue):
    wait_url = submit(client)
    ticket = wait_url.rstrip("/").split("/")[-1]
    Job.fetch(ticket, connection=Redis.from_url(REDIS_URL), serializer=JSONSerializer).delete()
    body = client.get(wait_url).content.decode()
    assert "has expired or is no longer known" in body and f'href="{reverse("planner:form")}"' in body


def test_an_unreachable_redis_at_submit_builds_the_plan_in_the_request(client, settings, caplog):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    settings.PLAN_QUEUE = True
    with caplog.at_level(logging.WARNING, logger="planner.jobs"):
        response = client.post(reverse("planner:form"), PERSON)
    assert response.status_code == 302 and DRAFT_URL.fullmatch(response["Location"])
    assert "plan queue unreachable" in caplog.text
    page = client.get(response["Location"]).content.decode()
    assert "Day 2" in page


def test_the_queue_switched_off_builds_plans_in_the_request_even_with_redis(client, settings):
    settings.REDIS_URL = REDIS_URL
    settings.PLAN_QUEUE = False
    response = client.post(reverse("planner:form"), PERSON)
    assert response.status_code == 302 and DRAFT_URL.fullmatch(response["Location"])


def test_the_worker_refuses_to_start_without_redis_url(settings):
    settings.REDIS_URL = ""
    with pytest.raises(CommandError, match="REDIS_URL is not set"):
        call_command("plan_worker", "--burst")


def test_redis_gone_while_waiting_says_so_and_offers_to_check_again(client, plan_queue, settings):
    wait_url = submit(client)
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get(wait_url)
    body = response.content.decode()
    assert response.status_code == 503
    assert "cannot be reached right now" in body and f'href="{wait_url}"' in body
    settings.REDIS_URL = REDIS_URL
    work(plan_queue)
    assert DRAFT_URL.fullmatch(client.get(wait_url)["Location"])
