"""Plans a dietitian builds for a client: the builder filled in from the client's data, a draft only the dietitian
sees, swap/lock/regenerate through the planner's own store, publishing with a message, the client's eaten marks
on the dietitian's page, the change log; and who gets a 404."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from journal.models import MealMark
from planner.models import Plan, Profile
from practice.models import ClientLink, ClientNote, ClientPlan, PlanChange
from practice.services import accept, end_sharing, invite
from tests.journal.factories import LabResultFactory, UserFactory, days_ago

pytestmark = pytest.mark.django_db

FORM = {
    "age": 44,
    "sex": "female",
    "weight_kg": 61,
    "height_cm": 163,
    "diet": "vegetarian",
    "days": 1,
    "activity": "low",
    "life_stage": "none",
    "units": "metric",
}


def as_user(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def dietitian(name, first_name=""):
    user = UserFactory(username=name, first_name=first_name)
    user.groups.add(Group.objects.get(name="Dietitian"))
    return user


def share(diet, person, name):
    _link, token = invite(diet, name)
    return accept(token, person)


@pytest.fixture
def dana():
    return dietitian("dana-dietitian", "Dana")


@pytest.fixture
def cleo(dana):
    person = UserFactory(username="cleo")
    share(dana, person, "Cleo")
    return person


def url(name, client, found=None, **extra):
    kwargs = {"client": client.pk, **({"pk": found.pk} if found else {}), **extra}
    return reverse(f"practice:{name}", kwargs=kwargs)


def build(dana, cleo, **form) -> ClientPlan:
    response = as_user(dana).post(url("plan_new", cleo), {**FORM, "plan_name": "Week one", **form})
    assert response.status_code == 302, response.content.decode()[:3000]
    found = ClientPlan.objects.latest("pk")
    assert response["Location"] == url("client_plan", cleo, found)
    return found


def test_the_builder_starts_from_the_clients_latest_profile_and_latest_labs(dana, cleo):
    Profile.objects.create(owner=cleo, name="Old", age=30, sex="female", weight_kg=50, height_cm=160)
    Profile.objects.create(owner=cleo, name="Now", age=52, sex="female", weight_kg=70, height_cm=168, diet="vegan")
    LabResultFactory(owner=cleo, lab="ferritin", value=80, unit="ng/mL", date=days_ago(200))
    LabResultFactory(owner=cleo, lab="ferritin", value=33, unit="ng/mL", date=days_ago(5))
    response = as_user(dana).get(url("plan_new", cleo))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["age"].value() == 52 and form["diet"].value() == "vegan" and form["weight_kg"].value() == 70
    assert form["ferritin"].value() == 33 and form["ferritin_unit"].value() == "ng/mL"
    page = html.unescape(response.content.decode())
    assert "Filled in from the client's journal's latest results" in page and "“Now”" in page


def test_a_draft_is_the_dietitians_alone_until_published(dana, cleo):
    found = build(dana, cleo)
    assert found.state == "draft" and found.plan.owner is None and found.plan.name == "Week one"
    client = as_user(cleo)
    assert client.get(reverse("planner:detail", args=[found.plan_id])).status_code == 404
    assert "Week one" not in client.get(reverse("planner:saved")).content.decode()
    assert client.get(reverse("journal:day", args=[found.plan_id, 1])).status_code == 404
    assert client.get("/api/v1/plans").json() == [] or "Week one" not in json.dumps(client.get("/api/v1/plans").json())
    assert client.post(reverse("planner:swap", args=[str(found.plan_id), 1, 0])).status_code == 404
    assert as_user(dana).get(reverse("planner:detail", args=[found.plan_id])).status_code == 404  # not the planner's


def test_swap_lock_regenerate_publish_and_the_clients_marks_with_the_change_log(dana, cleo):
    found = build(dana, cleo)
    diet = as_user(dana)
    meals = found.plan.document["days"][0]["meals"]
    first, second = meals[0]["slot_index"], meals[1]["slot_index"]

    assert diet.post(url("plan_lock", cleo, found, day=1, slot=first)).status_code == 302
    found.plan.refresh_from_db()
    assert found.plan.locked == [[1, first]]
    before = found.plan.document["days"][0]["meals"][1]["meal_id"]
    assert diet.post(url("plan_swap", cleo, found, day=1, slot=second)).status_code == 302
    found.plan.refresh_from_db()
    assert found.plan.document["days"][0]["meals"][1]["meal_id"] != before
    kept = found.plan.document["days"][0]["meals"][0]["meal_id"]
    assert diet.post(url("plan_regenerate", cleo, found)).status_code == 302
    found.plan.refresh_from_db()
    assert found.plan.seed == 2 and found.plan.document["days"][0]["meals"][0]["meal_id"] == kept
    assert diet.post(url("plan_swap", cleo, found, day=9, slot=0)).status_code == 404

    assert diet.post(url("plan_publish", cleo, found), {"message": "More lentils, please."}).status_code == 302
    found.refresh_from_db()
    assert found.state == "published" and found.plan.owner == cleo and found.message == "More lentils, please."

    client = as_user(cleo)
    saved = client.get(reverse("planner:saved")).content.decode()
    assert "Week one" in saved and "From your dietitian Dana" in saved
    detail = client.get(reverse("planner:detail", args=[found.plan_id])).content.decode()
    assert "From your dietitian Dana" in detail and "More lentils, please." in detail
    mark = reverse("journal:mark", args=[found.plan_id, 1, first])
    assert client.post(mark, {"status": "eaten", "date": days_ago(0).isoformat()}).status_code == 302
    assert MealMark.objects.get(owner=cleo).plan_id == found.plan_id

    page = diet.get(url("client_plan", cleo, found))
    assert page.status_code == 200
    marked = next(m for m in page.context["days"][0]["meals"] if m["slot_index"] == first)
    assert [m.status for m in marked["marks"]] == ["eaten"]
    text = page.content.decode()
    assert "1 on this plan so far" in text and "Published to the client" in text
    actions = list(found.changes.order_by("at", "pk").values_list("action", "actor_name"))
    assert actions == [
        ("generated", "Dana"),
        ("locked", "Dana"),
        ("swapped", "Dana"),
        ("regenerated", "Dana"),
        ("published", "Dana"),
    ]
    for change in found.changes.all():
        assert change.get_action_display() in text

    assert diet.post(url("plan_withdraw", cleo, found)).status_code == 302
    found.refresh_from_db()
    assert found.state == "withdrawn" and found.plan.owner is None
    assert client.get(reverse("planner:detail", args=[found.plan_id])).status_code == 404
    assert MealMark.objects.filter(owner=cleo).count() == 1  # the client's journal keeps what they ate
    assert found.changes.first().action == "withdrawn"


def test_the_builder_refuses_bad_input_by_field_and_makes_nothing(dana, cleo):
    response = as_user(dana).post(url("plan_new", cleo), {**FORM, "age": "200"})
    assert response.status_code == 200 and response.context["form"].errors["age"]
    assert not ClientPlan.objects.exists() and not Plan.objects.exists()
    long = as_user(dana).post(url("plan_publish", cleo, build(dana, cleo)), {"message": "x" * 2001}, follow=True)
    assert "at most 2,000 characters" in long.content.decode()
    assert ClientPlan.objects.get().state == "draft"


def test_sharing_ended_mid_session_cuts_the_dietitian_off_the_plans_at_once(dana, cleo):
    found = build(dana, cleo)
    diet = as_user(dana)
    assert diet.get(url("client_plan", cleo, found)).status_code == 200
    end_sharing(ClientLink.objects.get(client=cleo))
    for name in ("client_plan", "plan_new"):
        assert diet.get(url(name, cleo, found if name == "client_plan" else None)).status_code == 404
    assert diet.post(url("plan_publish", cleo, found), {"message": "hi"}).status_code == 404
    assert diet.post(url("plan_swap", cleo, found, day=1, slot=0)).status_code == 404
    found.refresh_from_db()
    assert found.state == "draft" and found.plan.owner is None
    assert found.changes.count() == 1


def test_another_dietitian_cannot_reach_or_publish_the_plan_even_sharing_with_the_same_client(dana, cleo):
    found = build(dana, cleo)
    otto = dietitian("otto-dietitian")
    share(otto, cleo, "Cleo")  # cleo shares with otto too: still not otto's plan
    other = as_user(otto)
    assert other.get(url("client_plan", cleo, found)).status_code == 404
    for name, extra in (("plan_publish", {}), ("plan_withdraw", {}), ("plan_regenerate", {})):
        assert other.post(url(name, cleo, found, **extra), {"message": "mine"}).status_code == 404
    for name in ("plan_swap", "plan_lock"):
        assert other.post(url(name, cleo, found, day=1, slot=0)).status_code == 404
    found.refresh_from_db()
    assert found.state == "draft" and found.changes.count() == 1 and found.plan.locked == []
    assert "Week one" not in other.get(url("client_detail", cleo)).content.decode()


def test_the_client_list_takes_a_fixed_number_of_queries_whatever_the_number_of_clients(
    dana, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.journal.factories import NightFactory, saved_plan

    def add_client(n):
        person = UserFactory(username=f"client{n}")
        share(dana, person, f"Client {n:02d}")
        NightFactory(owner=person, date=days_ago(2), severity=4)
        LabResultFactory(owner=person, lab="ferritin", value=30 + n, unit="ng/mL", date=days_ago(3))
        Profile.objects.create(owner=person, name="Me", age=40, sex="female", weight_kg=60, height_cm=165)
        plan = saved_plan(person)
        for meal in plan.document["days"][0]["meals"]:
            MealMark.objects.create(
                owner=person,
                date=days_ago(1),
                plan=plan,
                plan_day=1,
                slot_index=meal["slot_index"],
                slot=meal["slot"],
                day_meals=len(plan.document["days"][0]["meals"]),
                planned_name=meal["name"],
                status="eaten",
                items=[{"food_id": i["food_id"], "grams": i["grams"]} for i in meal["items"]],
                targets={code: t["target"] for code, t in plan.document["targets"].items() if t.get("target")},
            )

    diet = as_user(dana)
    diet.get(reverse("practice:client_list"))  # warm the session and the group check
    add_client(0)  # moves the list's key: both lists below are rendered, not served from the page cache
    with CaptureQueriesContext(connection) as one:
        response = diet.get(reverse("practice:client_list"))
    assert len(response.context["rows"]) == 1 and response.context["rows"][0]["eaten"] is not None
    for n in range(1, 10):
        add_client(n)
    with django_assert_max_num_queries(len(one)):
        response = diet.get(reverse("practice:client_list"))
    rows = response.context["rows"]
    assert len(rows) == 10 and all(r["eaten"] is not None and r["ferritin"] for r in rows)
    assert [r["ferritin"]["value"] for r in rows] == [30 + n for n in range(10)]


def test_the_client_list_pages_rather_than_cuts(dana):
    for n in range(53):
        share(dana, UserFactory(username=f"c{n}"), f"Client {n:02d}")
    diet = as_user(dana)
    first = diet.get(reverse("practice:client_list"))
    assert len(first.context["rows"]) == 50 and "Page 1 of 2" in first.content.decode()
    second = diet.get(reverse("practice:client_list"), {"page": 2, "sort": "name"})
    assert [r["name"] for r in second.context["rows"]] == ["Client 50", "Client 51", "Client 52"]


def test_the_data_download_holds_each_sides_sharing_and_never_the_notes_to_the_client(dana, cleo):
    found = build(dana, cleo)
    as_user(dana).post(url("plan_publish", cleo, found), {"message": "Eat the lentils."})
    as_user(dana).post(url("note_add", cleo), {"text": "Private: asked about wine"})
    mine = as_user(cleo).get(reverse("accounts:account_data"))
    client_data = json.loads(b"".join(mine.streaming_content) if mine.streaming else mine.content)
    assert client_data["sharing"]["as_client"]["sharings"][0]["dietitian"] == "Dana"
    assert client_data["sharing"]["as_client"]["plans_from_dietitians"][0]["message"] == "Eat the lentils."
    assert client_data["sharing"]["as_dietitian"] == {"sharings": [], "private_notes": [], "plans_built": []}
    assert "asked about wine" not in json.dumps(client_data) and '"Cleo"' not in json.dumps(client_data)
    theirs = as_user(dana).get(reverse("accounts:account_data"))
    diet_data = json.loads(b"".join(theirs.streaming_content) if theirs.streaming else theirs.content)
    practice = diet_data["sharing"]["as_dietitian"]
    assert practice["private_notes"][0]["text"] == "Private: asked about wine"
    assert practice["private_notes"][0]["client"] == "Cleo" and practice["sharings"][0]["state"] == "active"
    assert [c["action"] for c in practice["plans_built"][0]["changes"]] == ["generated", "published"]
    assert diet_data["plans"] == []  # the plan itself is the client's


def test_deleting_the_dietitians_account_leaves_the_client_their_published_plan(dana, cleo):
    published = build(dana, cleo)
    as_user(dana).post(url("plan_publish", cleo, published), {"message": "Keep it."})
    draft = build(dana, cleo)
    as_user(dana).post(reverse("accounts:account_delete"), {"confirm": "DELETE", "password": "a-long-Passw0rd!"})
    from django.contrib.auth import get_user_model

    if get_user_model().objects.filter(username="dana-dietitian").exists():
        pytest.fail("the delete form's fields changed: see accounts/forms.py")
    assert not Plan.objects.filter(pk=draft.plan_id).exists()
    assert Plan.objects.get(pk=published.plan_id).owner == cleo
    detail = as_user(cleo).get(reverse("planner:detail", args=[published.plan_id])).content.decode()
    assert "From your dietitian Dana" in detail and "Keep it." in detail
    assert not ClientLink.objects.exists() and not ClientNote.objects.exists()


def test_deleting_the_clients_account_leaves_no_orphan_plan(dana, cleo):
    build(dana, cleo)
    published = build(dana, cleo)
    as_user(dana).post(url("plan_publish", cleo, published), {"message": "x"})
    from accounts.personal_data import delete_account

    delete_account(cleo)
    assert not Plan.objects.exists() and not ClientPlan.objects.exists() and not PlanChange.objects.exists()
    assert not ClientLink.objects.exists()
    assert as_user(dana).get(reverse("practice:client_list")).context["rows"] == []


def test_the_clients_own_changes_to_a_published_plan_go_into_its_log_and_a_deletion_keeps_the_record(dana, cleo):
    found = build(dana, cleo)
    as_user(dana).post(url("plan_publish", cleo, found), {"message": "Try it."})
    client = as_user(cleo)
    meals = found.plan.document["days"][0]["meals"]
    key = str(found.plan_id)
    assert client.post(reverse("planner:lock", args=[key, 1, meals[0]["slot_index"]])).status_code == 302
    assert client.post(reverse("planner:swap", args=[key, 1, meals[1]["slot_index"]])).status_code == 302
    api = client.post(f"/api/v1/plans/{key}/swap", {"day": 1, "slot_index": meals[2]["slot_index"]}, "application/json")
    assert api.status_code == 200
    client.post(reverse("planner:rename", args=["plan", found.plan_id]), {"name": "My week from Dana"})
    logged = list(found.changes.order_by("at", "pk").values_list("action", "actor_name"))
    assert logged[2:] == [("locked", "cleo"), ("swapped", "cleo"), ("swapped", "cleo"), ("renamed", "cleo")]
    page = as_user(dana).get(url("client_plan", cleo, found)).content.decode()
    assert "My week from Dana" in page and "Renamed" in page

    assert client.post(reverse("planner:delete", args=["plan", found.plan_id])).status_code == 302
    found.refresh_from_db()
    assert found.plan is None and found.state == "deleted" and found.changes.first().action == "deleted"
    page = as_user(dana).get(url("client_plan", cleo, found))
    assert page.status_code == 200 and "Deleted by the client" in page.content.decode()
    assert as_user(dana).post(url("plan_publish", cleo, found), {"message": "again"}).status_code == 404
    assert "A deleted plan" in as_user(dana).get(url("client_detail", cleo)).content.decode()


def test_changes_to_a_persons_own_plan_log_nothing(cleo):
    from tests.journal.factories import saved_plan

    plan = saved_plan(cleo)
    as_user(cleo).post(reverse("planner:lock", args=[str(plan.pk), 1, 0]))
    assert not PlanChange.objects.exists()


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def meal_card(body: str, day: int, slot_index: int) -> str:
    start = body.rindex("<article", 0, body.index(f'id="meal-{day}-{slot_index}"'))
    return body[start : body.index("</article>", start)]


def test_the_dietitians_page_shows_the_plan_as_the_client_cooks_it_grams_beside_ounces_and_leftovers(dana, cleo):
    """The dietitian's page uses the planner's meal cards: US measures with the grams beside them, the leftover
    note on a second portion, 'Makes 2 portions' on the dinner cooked for two, the client's marks, and Swap/Lock
    posting to the practice's own URLs."""
    found = build(dana, cleo, units="us", leftovers="on", days=4)
    document = found.plan.document
    leftovers = [(d["day"], m) for d in document["days"] for m in d["meals"] if m.get("leftover_of")]
    assert leftovers, "no leftover in a 4-day plan with leftovers"
    diet = as_user(dana)
    assert diet.post(url("plan_publish", cleo, found), {"message": ""}).status_code == 302
    day, leftover = leftovers[0]
    mark = reverse("journal:mark", args=[found.plan_id, day, leftover["slot_index"]])
    assert as_user(cleo).post(mark, {"status": "eaten", "date": days_ago(0).isoformat()}).status_code == 302

    body = diet.get(url("client_plan", cleo, found)).content.decode()
    card = meal_card(body, day, leftover["slot_index"])
    source = leftover["leftover_of"]
    cooked = f"{WEEKDAYS[source['day'] - 1]}&#x27;s dinner (day {source['day']})"
    assert f"No cooking today: this is the second portion of {cooked}" in card
    assert "mark-eaten" in card and "In Cleo's journal:" in card and "Eaten" in card
    # every amount in ounces with its grams beside it
    quantities = re.findall(r'<span class="grams">([^<]+)</span>(?: <span class="metric">\(([^<]+)\)</span>)?', card)
    assert quantities and all(" oz" in us or " lb" in us for us, _ in quantities)
    assert all(re.fullmatch(r"\d+ g", grams) for _, grams in quantities), quantities
    dinner_day = next(d for d in document["days"] if d["day"] == source["day"])
    dinner = next(m for m in dinner_day["meals"] if m["slot"] == "dinner")
    dinner_card = meal_card(body, source["day"], dinner["slot_index"])
    assert "Makes 2 portions: eat one now" in dinner_card and "Your portion today:" in dinner_card
    # the dietitian's own actions, without links to the planner's pages of a plan they do not own
    plan_url = url("client_plan", cleo, found)
    assert f'action="{plan_url}swap/{day}/{leftover["slot_index"]}/"' in card
    assert f'action="{plan_url}lock/{day}/{leftover["slot_index"]}/"' in card
    assert "hx-post" not in card
    assert reverse("planner:detail", args=[found.plan_id]) not in body.split('id="day-1"', 1)[1]
    swap = url("plan_swap", cleo, found, day=dinner_day["day"], slot=dinner["slot_index"])
    assert f'action="{swap}"' in body


def test_the_clients_journal_day_says_the_plan_is_from_their_dietitian(dana, cleo):
    found = build(dana, cleo)
    assert as_user(dana).post(url("plan_publish", cleo, found), {"message": "Iron at lunch."}).status_code == 302
    client = as_user(cleo)
    page = client.get(reverse("journal:day", args=[found.plan_id, 1]))
    assert page.status_code == 200
    assert '<span class="from-label">From your dietitian Dana</span>' in page.content.decode()
    # a plan of their own says nothing of the kind
    own = Plan.objects.create(owner=cleo, name="Mine", profile_data=found.plan.profile_data,
                              document=found.plan.document)  # fmt: skip
    body = client.get(reverse("journal:day", args=[own.pk, 1])).content.decode()
    assert "From your dietitian" not in body and "Mine" in body


def test_regenerating_a_client_plan_keeps_a_locked_leftover_lunch_the_second_portion_of_its_locked_dinner(dana, cleo):
    found = build(dana, cleo, days=4, leftovers="on")
    diet = as_user(dana)
    days = found.plan.document["days"]
    day, lunch = next((d["day"], m) for d in days for m in d["meals"] if m.get("leftover_of"))
    source = lunch["leftover_of"]
    dinner = next(m for m in days[source["day"] - 1]["meals"] if m["slot"] == source["slot"])
    for lock_day, meal in ((day, lunch), (source["day"], dinner)):
        assert diet.post(url("plan_lock", cleo, found, day=lock_day, slot=meal["slot_index"])).status_code == 302
    assert diet.post(url("plan_regenerate", cleo, found)).status_code == 302
    found.plan.refresh_from_db()
    after = found.plan.document
    kept = next(m for m in after["days"][day - 1]["meals"] if m["slot_index"] == lunch["slot_index"])
    cooked = next(m for m in after["days"][source["day"] - 1]["meals"] if m["slot_index"] == dinner["slot_index"])
    assert found.plan.seed == 1 and (kept["meal_id"], kept["scale"]) == (lunch["meal_id"], lunch["scale"])
    assert kept.get("leftover_of") == source and kept["portions"] == 0  # not cooked (or bought) a second time
    assert cooked["portions"] == 2 and cooked["second_portion"] == {"day": day, "slot": "lunch"}
    assert after["cooking_sessions"] == sum(1 for d in after["days"] for m in d["meals"] if "leftover_of" not in m)
    body = diet.get(url("client_plan", cleo, found)).content.decode()
    assert "No cooking today: this is the second portion" in meal_card(body, day, lunch["slot_index"])


def test_a_dietitians_second_solve_while_the_first_runs_gets_429_and_solves_nothing(dana, cleo, monkeypatch):
    """The dietitian's builder, swap and regenerate go through the planner's guard (config.rate_limits.solve): one
    solve at a time per address, session and account, so one account cannot hold every web worker."""
    from practice import client_plans

    found = build(dana, cleo, days="2")
    real, calls, answers = client_plans.generate_plan, [], {}

    def generate_plan(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:  # while the regeneration below is solving
            answers["swap"] = as_user(dana).post(url("plan_swap", cleo, found, day=1, slot=0))
            answers["regenerate"] = as_user(dana).post(url("plan_regenerate", cleo, found))
            answers["new plan"] = as_user(dana).post(url("plan_new", cleo), {**FORM, "plan_name": "Two"})
        return real(*args, **kwargs)

    monkeypatch.setattr(client_plans, "generate_plan", generate_plan)
    before = found.plan.document
    assert as_user(dana).post(url("plan_regenerate", cleo, found)).status_code == 302
    for what, answer in answers.items():
        assert answer.status_code == 429 and answer["Retry-After"] == "10", what
    assert len(calls) == 1 and ClientPlan.objects.count() == 1  # the refused ones solved and made nothing
    found.plan.refresh_from_db()
    assert found.plan.document != before  # the first one went through
    assert as_user(dana).post(url("plan_swap", cleo, found, day=1, slot=0)).status_code == 302  # the lock is gone
