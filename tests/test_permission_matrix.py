"""Who may reach what: every named URL, walked as six kinds of visitor.

The matrix below is the specification. Each row names a URL, how to build its arguments from real
objects, and the status each visitor gets on GET. A URL added to the URLconf without a row here fails
`test_every_named_url_has_a_row`, so no page ships without someone deciding who may see it.

Visitors: anon (signed out), owner (owns the saved plan and profile), other (another signed-in
person), dietitian (Dietitian group), editor (Editors group), admin (superuser).
"""

from __future__ import annotations

import datetime
import functools

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from content.models import Article
from journal.access import open_journal
from journal.models import LabResult, MealMark, Night
from journal.services import mark_meal
from nutrition.models import Food
from planner.models import Meal, Plan, Profile
from planner.profiles import parse_profile
from planner.services import generate_plan
from practice.models import ClientLink, ClientPlan
from practice.services import token_hash

ROLES = ("anon", "owner", "other", "dietitian", "editor", "admin")
LOGIN = "login"  # a redirect to the sign-in page

# status for: anon, owner, other, dietitian, editor, admin
PUBLIC = (200, 200, 200, 200, 200, 200)
WORKSPACE = (LOGIN, 403, 403, 200, 403, 200)
SIGNED_IN = (LOGIN, 200, 200, 200, 200, 200)
OWNER_ONLY = (404, 200, 404, 404, 404, 404)
OWNER_POST_ONLY = (LOGIN, 405, 405, 405, 405, 405)
POST_ONLY = (405,) * 6
WORKSPACE_POST_ONLY = (LOGIN, 403, 403, 405, 403, 405)
SAVE_DRAFT = (LOGIN, 404, 404, 404, 404, 404)  # saving needs an account, and the draft must be in your session
NOT_YOUR_TICKET = (404,) * 6  # a queued plan's ticket works only in the session that made it (test_plan_queue.py)
OWN_ENTRY = (LOGIN, 200, 404, 404, 404, 404)  # a journal entry (or the owner's plan in the journal): theirs alone
# The owner shares with the dietitian (an active ClientLink); the admin is a dietitian with no such sharing.
# Another dietitian's view of these is in test_another_dietitian_reaches_no_client_of_a_dietitian.
CLIENTS_DIETITIAN = (LOGIN, 403, 403, 200, 403, 404)
# The JSON API (tests/api/): 401 instead of a redirect to the sign-in page; others' saved plans are 404.
API_SIGNED_IN = (401, 200, 200, 200, 200, 200)
API_OWNER_ONLY = (401, 200, 404, 404, 404, 404)


def client_plan_kwargs(w):
    return {"client": w["users"]["owner"].pk, "pk": w["client_plan"].pk}


def draft_plan_key(w):
    return "draft-0123456789abcdef"


MATRIX: dict[str, tuple[callable, tuple]] = {
    # name: (kwargs builder, expected statuses by role)
    "home": (lambda w: {}, PUBLIC),
    "food_list": (lambda w: {}, PUBLIC),
    "food_detail": (lambda w: {"pk": w["food"].pk}, PUBLIC),
    "planner:form": (lambda w: {}, PUBLIC),
    "planner:validate": (lambda w: {"name": "age"}, POST_ONLY),
    "planner:wait": (lambda w: {"ticket": "0123456789abcdef0123456789abcdef"}, NOT_YOUR_TICKET),
    "planner:saved": (lambda w: {}, SIGNED_IN),
    "planner:rename": (lambda w: {"kind": "plan", "pk": w["plan"].pk}, OWNER_POST_ONLY),
    "planner:delete": (lambda w: {"kind": "plan", "pk": w["plan"].pk}, OWNER_POST_ONLY),
    "planner:detail": (lambda w: {"key": str(w["plan"].pk)}, OWNER_ONLY),
    "planner:swap": (lambda w: {"key": str(w["plan"].pk), "day": 1, "slot": 0}, POST_ONLY),
    "planner:lock": (lambda w: {"key": str(w["plan"].pk), "day": 1, "slot": 0}, POST_ONLY),
    "planner:regenerate": (lambda w: {"key": str(w["plan"].pk)}, POST_ONLY),
    "planner:shopping": (lambda w: {"key": str(w["plan"].pk)}, OWNER_ONLY),
    "planner:export": (lambda w: {"key": str(w["plan"].pk), "fmt": "csv"}, OWNER_ONLY),
    "planner:save": (lambda w: {"key": draft_plan_key(w)}, SAVE_DRAFT),
    "planner:recipe": (lambda w: {"key": str(w["plan"].pk), "day": 1, "slot": 0}, OWNER_ONLY),
    "planner:units": (lambda w: {"key": str(w["plan"].pk)}, POST_ONLY),
    "content:article_list": (lambda w: {}, PUBLIC),
    "content:article_detail": (lambda w: {"slug": w["article"].slug}, PUBLIC),
    "pages:about": (lambda w: {}, PUBLIC),
    "pages:privacy": (lambda w: {}, PUBLIC),
    "pages:disclaimer": (lambda w: {}, PUBLIC),
    "pages:page": (lambda w: {"slug": "about"}, PUBLIC),
    "accounts:signup": (lambda w: {}, PUBLIC),
    "accounts:login": (lambda w: {}, PUBLIC),
    "accounts:logout": (lambda w: {}, POST_ONLY),
    "accounts:password_reset": (lambda w: {}, PUBLIC),
    "accounts:password_reset_done": (lambda w: {}, PUBLIC),
    "accounts:password_reset_confirm": (lambda w: {"uidb64": "MQ", "token": "bad-token"}, PUBLIC),
    "accounts:password_reset_complete": (lambda w: {}, PUBLIC),
    "workspace:home": (lambda w: {}, WORKSPACE),
    "workspace:food_list": (lambda w: {}, WORKSPACE),
    "workspace:food_edit": (lambda w: {"pk": w["food"].pk}, WORKSPACE),
    "workspace:amount_edit": (lambda w: {"pk": w["food"].pk, "code": "iron_mg"}, WORKSPACE),
    "workspace:food_history": (lambda w: {"pk": w["food"].pk}, WORKSPACE),
    "workspace:food_revert": (lambda w: {"pk": w["food"].pk}, WORKSPACE_POST_ONLY),
    "workspace:food_options": (lambda w: {}, WORKSPACE),
    "workspace:meal_list": (lambda w: {}, WORKSPACE),
    "workspace:meal_new": (lambda w: {}, WORKSPACE),
    "workspace:meal_edit": (lambda w: {"pk": w["meal"].pk}, WORKSPACE),
    "workspace:meal_totals": (lambda w: {"pk": w["meal"].pk}, WORKSPACE_POST_ONLY),
    "workspace:meal_new_totals": (lambda w: {}, WORKSPACE_POST_ONLY),
    "workspace:meal_reviewed": (lambda w: {"pk": w["meal"].pk}, WORKSPACE_POST_ONLY),
    "workspace:meal_history": (lambda w: {"pk": w["meal"].pk}, WORKSPACE),
    "workspace:meal_revert": (lambda w: {"pk": w["meal"].pk}, WORKSPACE_POST_ONLY),
    "workspace:review": (lambda w: {}, WORKSPACE),
    "workspace:import_list": (lambda w: {}, WORKSPACE),
    "workspace:import_foods": (lambda w: {}, WORKSPACE),
    "workspace:import_foods_confirm": (lambda w: {}, WORKSPACE_POST_ONLY),
    "workspace:import_fdc": (lambda w: {}, WORKSPACE_POST_ONLY),
    "accounts:account": (lambda w: {}, SIGNED_IN),
    "accounts:account_data": (lambda w: {}, SIGNED_IN),
    "accounts:account_delete": (lambda w: {}, SIGNED_IN),
    "journal:home": (lambda w: {}, SIGNED_IN),
    "journal:nights": (lambda w: {}, SIGNED_IN),
    "journal:night_add": (lambda w: {}, SIGNED_IN),
    "journal:night_edit": (lambda w: {"pk": w["night"].pk}, OWN_ENTRY),
    "journal:labs": (lambda w: {}, SIGNED_IN),
    "journal:lab_add": (lambda w: {}, SIGNED_IN),
    "journal:lab_edit": (lambda w: {"pk": w["lab"].pk}, OWN_ENTRY),
    "journal:iron_add": (lambda w: {}, OWNER_POST_ONLY),
    "journal:delete": (lambda w: {"kind": "night", "pk": w["night"].pk}, OWN_ENTRY),
    "journal:day": (lambda w: {"plan": w["plan"].pk, "day": 1}, OWN_ENTRY),
    "journal:mark": (lambda w: {"plan": w["plan"].pk, "day": 1, "slot": 0}, OWNER_POST_ONLY),
    "journal:trends": (lambda w: {}, SIGNED_IN),
    "journal:summary": (lambda w: {}, SIGNED_IN),
    "journal:retest_ics": (lambda w: {}, OWN_ENTRY),  # only the owner's journal (an old low ferritin) has one due
    "journal:export": (lambda w: {"fmt": "csv"}, SIGNED_IN),
    "practice:client_list": (lambda w: {}, WORKSPACE),
    "practice:invite": (lambda w: {}, WORKSPACE),
    "practice:invitation_withdraw": (lambda w: {"pk": w["invitation"].pk}, WORKSPACE_POST_ONLY),
    "practice:client_detail": (lambda w: {"client": w["users"]["owner"].pk}, CLIENTS_DIETITIAN),
    "practice:client_trends": (lambda w: {"client": w["users"]["owner"].pk}, CLIENTS_DIETITIAN),
    "practice:note_add": (lambda w: {"client": w["users"]["owner"].pk}, WORKSPACE_POST_ONLY),
    "practice:plan_new": (lambda w: {"client": w["users"]["owner"].pk}, CLIENTS_DIETITIAN),
    "practice:client_plan": (lambda w: client_plan_kwargs(w), CLIENTS_DIETITIAN),
    "practice:plan_swap": (lambda w: {**client_plan_kwargs(w), "day": 1, "slot": 0}, WORKSPACE_POST_ONLY),
    "practice:plan_lock": (lambda w: {**client_plan_kwargs(w), "day": 1, "slot": 0}, WORKSPACE_POST_ONLY),
    "practice:plan_regenerate": (lambda w: client_plan_kwargs(w), WORKSPACE_POST_ONLY),
    "practice:plan_publish": (lambda w: client_plan_kwargs(w), WORKSPACE_POST_ONLY),
    "practice:plan_withdraw": (lambda w: client_plan_kwargs(w), WORKSPACE_POST_ONLY),
    "practice:invitation": (lambda w: {"token": INVITATION_TOKEN}, PUBLIC),  # the page says who may accept
    "practice:end_sharing": (lambda w: {"pk": w["link"].pk}, OWNER_POST_ONLY),
    "accounts:revoke_token": (lambda w: {"pk": 1}, OWNER_POST_ONLY),
    "api:docs": (lambda w: {}, PUBLIC),
    "api:v1:api-root": (lambda w: {}, (404,) * 6),
    "api:v1:openapi-json": (lambda w: {}, PUBLIC),
    "api:v1:list_foods": (lambda w: {}, PUBLIC),
    "api:v1:get_food": (lambda w: {"food_id": w["food"].pk}, PUBLIC),
    "api:v1:list_nutrients": (lambda w: {}, PUBLIC),
    "api:v1:compute_targets": (lambda w: {}, POST_ONLY),
    "api:v1:create_plan": (lambda w: {}, API_SIGNED_IN),  # the same URL as list_plans: GET lists saved plans
    "api:v1:list_plans": (lambda w: {}, API_SIGNED_IN),
    "api:v1:plan_ticket": (lambda w: {"ticket": "0123456789abcdef0123456789abcdef"}, NOT_YOUR_TICKET),
    "api:v1:get_plan": (lambda w: {"plan_id": w["plan"].pk}, API_OWNER_ONLY),
    "api:v1:rename_plan": (lambda w: {"plan_id": w["plan"].pk}, API_OWNER_ONLY),  # GET on the plan's URL
    "api:v1:delete_plan": (lambda w: {"plan_id": w["plan"].pk}, API_OWNER_ONLY),
    "api:v1:swap_meal": (lambda w: {"plan_id": w["plan"].pk}, POST_ONLY),
    "api:v1:lock_meal": (lambda w: {"plan_id": w["plan"].pk}, POST_ONLY),
    # The journal through the API: the caller's own journal only (the sharing dietitian reads it on the practice's
    # pages, not here). A list and its POST share a URL, as an entry and its PATCH and DELETE do: GET answers.
    "api:v1:list_labs": (lambda w: {}, API_SIGNED_IN),
    "api:v1:add_lab": (lambda w: {}, API_SIGNED_IN),
    "api:v1:get_lab": (lambda w: {"lab_id": w["lab"].pk}, API_OWNER_ONLY),
    "api:v1:change_lab": (lambda w: {"lab_id": w["lab"].pk}, API_OWNER_ONLY),
    "api:v1:delete_lab": (lambda w: {"lab_id": w["lab"].pk}, API_OWNER_ONLY),
    "api:v1:list_nights": (lambda w: {}, API_SIGNED_IN),
    "api:v1:add_night": (lambda w: {}, API_SIGNED_IN),
    "api:v1:get_night": (lambda w: {"night_id": w["night"].pk}, API_OWNER_ONLY),
    "api:v1:change_night": (lambda w: {"night_id": w["night"].pk}, API_OWNER_ONLY),
    "api:v1:delete_night": (lambda w: {"night_id": w["night"].pk}, API_OWNER_ONLY),
    "api:v1:list_marks": (lambda w: {}, API_SIGNED_IN),
    "api:v1:add_mark": (lambda w: {}, API_SIGNED_IN),
    "api:v1:get_mark": (lambda w: {"mark_id": w["mark"].pk}, API_OWNER_ONLY),
    "api:v1:change_mark": (lambda w: {"mark_id": w["mark"].pk}, API_OWNER_ONLY),
    "api:v1:delete_mark": (lambda w: {"mark_id": w["mark"].pk}, API_OWNER_ONLY),
}
INVITATION_TOKEN = "matrix-invitation-token"


def named_urls() -> list[str]:
    """Every named URL outside the Django admin (whose own permission system is tested by Django)."""

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = pattern.namespace or namespace
                if namespace and pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}"
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return sorted(set(walk(get_resolver().url_patterns)))


def test_every_named_url_has_a_row():
    missing = [name for name in named_urls() if name not in MATRIX]
    stale = [name for name in MATRIX if name not in named_urls()]
    assert missing == [], f"URLs without a row in the permission matrix: {missing}"
    assert stale == [], f"rows for URLs that no longer exist: {stale}"


PROFILE = {"age": 35, "sex": "female", "weight_kg": 62, "height_cm": 165, "diet": "vegetarian", "days": 1}


@functools.cache
def one_day_plan() -> dict:
    """Solved once per run: the matrix is about access, not about the plan."""
    return generate_plan(parse_profile(PROFILE), seed=1)


@pytest.fixture
def world(db):
    def person(username, group=None, **extra):
        user = User.objects.create_user(username, f"{username}@example.org", "a-long-Passw0rd!", **extra)
        if group:
            user.groups.add(Group.objects.get(name=group))
        return user

    owner = person("owner")
    users = {
        "owner": owner,
        "other": person("other"),
        "dietitian": person("dietitian", "Dietitian"),
        "editor": person("editor", "Editors", is_staff=True),
        "admin": person("admin", is_staff=True, is_superuser=True),
    }
    document = one_day_plan()
    plan = Plan.objects.create(owner=owner, name="My week", profile_data=PROFILE, document=document, seed=1)
    profile = Profile.objects.create(owner=owner, name="Me", age=35, sex="female", weight_kg=62, height_cm=165)
    today = datetime.date.today()
    night = Night.objects.create(owner=owner, date=today - datetime.timedelta(days=1), severity=4)
    lab = LabResult.objects.create(
        owner=owner, date=today - datetime.timedelta(days=100), lab="ferritin", value=40, unit="ng/mL"
    )
    mark = mark_meal(open_journal(owner, write=True), plan, 1, 0, today - datetime.timedelta(days=1), "eaten")
    in_two_weeks = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=14)
    link = ClientLink.objects.create(
        dietitian=users["dietitian"], client=owner, client_name="Owner", token_hash="0" * 64, state="active",
        expires_at=in_two_weeks, accepted_at=datetime.datetime.now(datetime.UTC),
    )
    invitation = ClientLink.objects.create(
        dietitian=users["dietitian"], client_name="Someone", token_hash=token_hash(INVITATION_TOKEN),
        expires_at=in_two_weeks,
    )
    # A draft the dietitian built for the owner: its plan row has no owner until it is published.
    draft = Plan.objects.create(owner=None, name="Drafted for you", profile_data=PROFILE, document=document, seed=1)
    client_plan = ClientPlan.objects.create(
        plan=draft, client=owner, dietitian=users["dietitian"], dietitian_name="dietitian"
    )
    return {
        "client_plan": client_plan,
        "link": link,
        "invitation": invitation,
        "night": night,
        "lab": lab,
        "mark": mark,
        "users": users,
        "plan": plan,
        "profile": profile,
        "food": Food.objects.get(source="usda-sr26", source_id="16070"),
        "meal": Meal.objects.active().first(),
        "article": Article.objects.published().first(),
    }


def client_for(world, role) -> Client:
    client = Client(raise_request_exception=False)
    if role != "anon":
        client.force_login(world["users"][role])
    return client


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_visitors_get_exactly_the_expected_status(world, name):
    build, expected = MATRIX[name]
    url = reverse(name, kwargs=build(world))
    got = {}
    for role in ROLES:
        response = client_for(world, role).get(url)
        status = response.status_code
        if status == 302 and "/accounts/login/" in response.get("Location", ""):
            status = LOGIN
        got[role] = status
    assert got == dict(zip(ROLES, expected, strict=True)), url


def test_no_one_renames_or_deletes_another_persons_plan_or_profile(world):
    other = client_for(world, "other")
    for kind, obj in (("plan", world["plan"]), ("profile", world["profile"])):
        rename = other.post(reverse("planner:rename", kwargs={"kind": kind, "pk": obj.pk}), {"name": "Mine now"})
        delete = other.post(reverse("planner:delete", kwargs={"kind": kind, "pk": obj.pk}))
        assert rename.status_code == 404 and delete.status_code == 404
        obj.refresh_from_db()
        assert obj.name != "Mine now"


def test_no_one_swaps_locks_or_regenerates_another_persons_plan(world):
    other = client_for(world, "other")
    key = str(world["plan"].pk)
    before = Plan.objects.get(pk=key).document
    for name, kwargs in (
        ("planner:swap", {"key": key, "day": 1, "slot": 0}),
        ("planner:lock", {"key": key, "day": 1, "slot": 0}),
        ("planner:regenerate", {"key": key}),
        ("planner:units", {"key": key}),
    ):
        assert other.post(reverse(name, kwargs=kwargs), {"units": "us"}).status_code == 404
    assert Plan.objects.get(pk=key).document == before


def test_htmx_posts_without_the_csrf_token_are_refused(world):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(world["users"]["owner"])
    url = reverse("planner:swap", kwargs={"key": str(world["plan"].pk), "day": 1, "slot": 0})
    refused = client.post(url, HTTP_HX_REQUEST="true")
    assert refused.status_code == 403
    page = client.get(reverse("planner:detail", kwargs={"key": str(world["plan"].pk)}))
    token = page.cookies["csrftoken"].value
    accepted = client.post(url, HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 200


def test_another_dietitian_reaches_no_client_of_a_dietitian(world):
    """A second dietitian (and the admin, a dietitian by role with no sharing): 404 for the client's pages, the
    notes and the invitation of the first dietitian, as if they did not exist."""
    second = User.objects.create_user("second-dietitian", "s@example.org", "a-long-Passw0rd!")
    second.groups.add(Group.objects.get(name="Dietitian"))
    owner = world["users"]["owner"].pk
    for user in (second, world["users"]["admin"]):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        for name in ("practice:client_detail", "practice:client_trends"):
            assert client.get(reverse(name, kwargs={"client": owner})).status_code == 404, (user, name)
        assert client.post(reverse("practice:note_add", kwargs={"client": owner}), {"text": "x"}).status_code == 404
        withdraw = reverse("practice:invitation_withdraw", kwargs={"pk": world["invitation"].pk})
        assert client.post(withdraw).status_code == 404
        assert client.post(reverse("practice:end_sharing", kwargs={"pk": world["link"].pk})).status_code == 404
        assert "Owner" not in client.get(reverse("practice:client_list")).content.decode()
    world["invitation"].refresh_from_db()
    world["link"].refresh_from_db()
    assert world["invitation"].state == "invited" and world["link"].state == "active"


def test_no_one_changes_another_persons_saved_plan_through_the_api(world):
    """The API's unsafe routes on the owner's plan, as every other signed-in visitor (session, CSRF exempt here)."""
    pk = world["plan"].pk
    before = Plan.objects.get(pk=pk)
    calls = (
        ("patch", f"/api/v1/plans/{pk}", {"name": "Mine now"}),
        ("delete", f"/api/v1/plans/{pk}", None),
        ("post", f"/api/v1/plans/{pk}/swap", {"day": 1, "slot_index": 0}),
        ("post", f"/api/v1/plans/{pk}/lock", {"day": 1, "slot_index": 0}),
    )
    for role in ROLES:
        if role == "owner":
            continue
        client = client_for(world, role)
        for method, url, body in calls:
            response = getattr(client, method)(url, body, content_type="application/json")
            assert response.status_code == (401 if role == "anon" else 404), (role, method, url)
    after = Plan.objects.get(pk=pk)
    assert (after.name, after.document, after.locked) == (before.name, before.document, before.locked)


def test_no_one_reads_or_changes_another_persons_journal_through_the_api(world):
    """The journal's API routes on the owner's entries, as every other visitor (the sharing dietitian included;
    sessions are CSRF exempt here): 401 signed out, else 404, and nothing changes; their own lists are empty."""
    entries = {"labs": world["lab"], "nights": world["night"], "eaten": world["mark"]}
    changes = {"labs": {"note": "mine"}, "nights": {"severity": 0}, "eaten": {"status": "skipped"}}
    plan = world["plan"].pk
    before = {kind: type(e).objects.get(pk=e.pk).updated_at for kind, e in entries.items()}
    for role in ROLES:
        if role == "owner":
            continue
        client = client_for(world, role)
        expected = 401 if role == "anon" else 404
        for kind, entry in entries.items():
            url = f"/api/v1/journal/{kind}/{entry.pk}"
            for method, body in (("get", None), ("patch", changes[kind]), ("delete", None)):
                response = getattr(client, method)(url, body, content_type="application/json")
                assert response.status_code == expected, (role, method, url)
            listed = client.get(f"/api/v1/journal/{kind}")
            assert listed.status_code == (401 if role == "anon" else 200), (role, kind)
            assert role == "anon" or listed.json()["count"] == 0, (role, kind)
        mark = {"plan_id": plan, "day": 1, "slot_index": 1, "date": str(datetime.date.today()), "status": "eaten"}
        refused = client.post("/api/v1/journal/eaten", mark, content_type="application/json")
        assert refused.status_code == (401 if role == "anon" else 422), role  # not their plan
    after = {kind: type(e).objects.get(pk=e.pk).updated_at for kind, e in entries.items()}
    assert after == before and MealMark.objects.count() == 1


CLIENT_PLAN_POSTS = (
    ("practice:plan_swap", {"day": 1, "slot": 0}),
    ("practice:plan_lock", {"day": 1, "slot": 0}),
    ("practice:plan_regenerate", {}),
    ("practice:plan_publish", {}),
    ("practice:plan_withdraw", {}),
)


def test_no_one_but_the_clients_dietitian_changes_or_publishes_a_plan_built_for_the_client(world):
    """Every plan action POSTed by every other visitor, a second dietitian sharing with the same client among them:
    refused (sign-in, 403 or 404), and the draft, its locks and its log unchanged."""
    second = User.objects.create_user("second-dietitian", "s@example.org", "a-long-Passw0rd!")
    second.groups.add(Group.objects.get(name="Dietitian"))
    ClientLink.objects.create(
        dietitian=second,
        client=world["users"]["owner"],
        client_name="Owner",
        token_hash="1" * 64,
        state="active",
        expires_at=datetime.datetime.now(datetime.UTC),
        accepted_at=datetime.datetime.now(datetime.UTC),
    )
    found = world["client_plan"]
    before = (found.plan.document, found.plan.locked, found.plan.owner_id)
    visitors = {role: client_for(world, role) for role in ROLES if role != "dietitian"}
    visitors["second dietitian"] = Client(raise_request_exception=False)
    visitors["second dietitian"].force_login(second)
    for who, client in visitors.items():
        for name, extra in CLIENT_PLAN_POSTS:
            response = client.post(reverse(name, kwargs={**client_plan_kwargs(world), **extra}), {"message": "mine"})
            status = response.status_code
            if status == 302:
                assert "/accounts/login/" in response["Location"], (who, name)
            else:
                assert status in (403, 404), (who, name, status)
        assert client.get(reverse("practice:client_plan", kwargs=client_plan_kwargs(world))).status_code in (
            302,
            403,
            404,
        )
    found.refresh_from_db()
    found.plan.refresh_from_db()
    assert (found.plan.document, found.plan.locked, found.plan.owner_id) == before
    assert found.state == "draft" and not found.changes.exists()


def test_the_client_cannot_see_a_draft_built_for_them(world):
    owner = client_for(world, "owner")
    key = str(world["client_plan"].plan_id)
    for name in ("planner:detail", "planner:shopping", "planner:recipe"):
        kwargs = {"key": key, **({"day": 1, "slot": 0} if name == "planner:recipe" else {})}
        assert owner.get(reverse(name, kwargs=kwargs)).status_code == 404, name
    assert owner.get(reverse("journal:day", kwargs={"plan": key, "day": 1})).status_code == 404
    assert "Drafted for you" not in owner.get(reverse("planner:saved")).content.decode()
    assert "Drafted for you" not in owner.get("/api/v1/plans").content.decode()
    assert owner.get(f"/api/v1/plans/{key}").status_code == 404


def test_a_sharing_ended_mid_session_refuses_the_dietitian_every_plan_url_at_once(world):
    dietitian = client_for(world, "dietitian")
    assert dietitian.get(reverse("practice:client_plan", kwargs=client_plan_kwargs(world))).status_code == 200
    client_for(world, "owner").post(reverse("practice:end_sharing", kwargs={"pk": world["link"].pk}))
    assert dietitian.get(reverse("practice:client_plan", kwargs=client_plan_kwargs(world))).status_code == 404
    assert dietitian.get(reverse("practice:plan_new", kwargs={"client": world["users"]["owner"].pk})).status_code == 404
    for name, extra in CLIENT_PLAN_POSTS:
        response = dietitian.post(reverse(name, kwargs={**client_plan_kwargs(world), **extra}), {"message": "x"})
        assert response.status_code == 404, name
    world["client_plan"].refresh_from_db()
    assert world["client_plan"].state == "draft"
