"""Every page a person reaches passes axe-core's WCAG 2.1 A and AA rules with no serious or critical violation.

axe-core comes from the npm registry (package.json pins it; `make install-test` runs `npm ci`) and is injected into
each page in Chromium. To cover a new page, add a row to PAGES: who visits it and how to reach its URL.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from content.models import Article
from journal import services as journal_services
from journal.access import open_journal
from nutrition.models import Food
from planner.models import Meal, Plan, Profile
from planner.profiles import parse_profile
from planner.services import generate_plan
from practice import client_plans
from practice import services as practice_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}
PROFILE = {"age": 35, "sex": "female", "weight_kg": 62, "height_cm": 165, "diet": "vegetarian", "days": 2}

# (page, who visits it: "anon", "person" (signed in) or "dietitian", its URL from the objects the walk makes)
PAGES = [
    ("home", "anon", lambda w: reverse("home")),
    ("foods", "anon", lambda w: reverse("food_list")),
    ("foods, filtered and sorted", "anon", lambda w: reverse("food_list") + "?q=lentils&diet=vegan&sort=iron_mg"),
    ("a food", "anon", lambda w: reverse("food_detail", args=[w["food"].pk])),
    ("plan form", "anon", lambda w: reverse("planner:form")),
    ("plan form with errors", "anon", lambda w: w["form_errors"]),
    ("a generated plan", "anon", lambda w: w["draft"]),
    ("learn", "anon", lambda w: reverse("content:article_list")),
    ("an article", "anon", lambda w: w["article"].get_absolute_url()),
    ("about", "anon", lambda w: reverse("pages:about")),
    ("privacy", "anon", lambda w: reverse("pages:privacy")),
    ("disclaimer", "anon", lambda w: reverse("pages:disclaimer")),
    ("sign in", "anon", lambda w: reverse("accounts:login")),
    ("sign up", "anon", lambda w: reverse("accounts:signup")),
    ("password reset", "anon", lambda w: reverse("accounts:password_reset")),
    ("password reset sent", "anon", lambda w: reverse("accounts:password_reset_done")),
    ("password reset link", "anon", lambda w: reverse("accounts:password_reset_confirm", args=["x", "y-z"])),
    ("password reset done", "anon", lambda w: reverse("accounts:password_reset_complete")),
    ("saved plans", "person", lambda w: reverse("planner:saved")),
    ("a saved plan", "person", lambda w: reverse("planner:detail", args=[w["plan"].pk])),
    ("a recipe", "person", lambda w: reverse("planner:recipe", args=[w["plan"].pk, 1, 0])),
    ("recipes open", "person", lambda w: reverse("planner:detail", args=[w["plan"].pk]) + "?recipes=open"),
    ("shopping list", "person", lambda w: reverse("planner:shopping", args=[w["plan"].pk])),
    ("save a plan", "person", lambda w: reverse("planner:save", args=[w["plan"].pk])),
    ("account", "person", lambda w: reverse("accounts:account")),
    ("journal", "person", lambda w: reverse("journal:home")),
    ("journal nights", "person", lambda w: reverse("journal:nights")),
    ("journal add a night", "person", lambda w: reverse("journal:night_add")),
    ("journal labs", "person", lambda w: reverse("journal:labs")),
    ("journal add a lab", "person", lambda w: reverse("journal:lab_add")),
    ("journal a plan's day", "person", lambda w: reverse("journal:day", args=[w["plan"].pk, 1])),
    ("journal trends", "person", lambda w: reverse("journal:trends") + "?weeks=12"),
    ("journal summary", "person", lambda w: reverse("journal:summary")),
    ("an invitation", "anon", lambda w: reverse("practice:invitation", args=[w["invitation_token"]])),
    ("workspace", "dietitian", lambda w: reverse("workspace:home")),
    ("workspace foods", "dietitian", lambda w: reverse("workspace:food_list")),
    ("workspace food", "dietitian", lambda w: reverse("workspace:food_edit", args=[w["food"].pk])),
    ("workspace food history", "dietitian", lambda w: reverse("workspace:food_history", args=[w["food"].pk])),
    ("workspace meals", "dietitian", lambda w: reverse("workspace:meal_list")),
    ("workspace new meal", "dietitian", lambda w: reverse("workspace:meal_new")),
    ("workspace meal", "dietitian", lambda w: reverse("workspace:meal_edit", args=[w["meal"].pk])),
    ("workspace meal history", "dietitian", lambda w: reverse("workspace:meal_history", args=[w["meal"].pk])),
    ("workspace review", "dietitian", lambda w: reverse("workspace:review")),
    ("workspace imports", "dietitian", lambda w: reverse("workspace:import_list")),
    ("workspace import foods", "dietitian", lambda w: reverse("workspace:import_foods")),
    ("clients", "dietitian", lambda w: reverse("practice:client_list")),
    ("invite a client", "dietitian", lambda w: reverse("practice:invite")),
    ("a client", "dietitian", lambda w: reverse("practice:client_detail", args=[w["person"].pk])),
    ("a client's trends", "dietitian", lambda w: reverse("practice:client_trends", args=[w["person"].pk])),
    ("a new plan for a client", "dietitian", lambda w: reverse("practice:plan_new", args=[w["person"].pk])),
    ("a client's draft plan", "dietitian", lambda w: w["client_plan_url"](w["draft_plan"])),
    ("a client's published plan", "dietitian", lambda w: w["client_plan_url"](w["published_plan"])),
    ("a client plan they deleted", "dietitian", lambda w: w["client_plan_url"](w["deleted_plan"])),
    ("a plan from the dietitian", "person", lambda w: reverse("planner:detail", args=[w["published_plan"].plan_id])),
]


@pytest.fixture
def world(live_server):
    """The people and objects the pages need; each visitor's session as a cookie for the browser."""
    person = User.objects.create_user("pat", "pat@example.org", "a-long-Passw0rd!")
    dietitian = User.objects.create_user("dana", "dana@example.org", "a-long-Passw0rd!")
    # A flush after an earlier browser test takes the data migration's group with it.
    dietitian.groups.add(Group.objects.get_or_create(name="Dietitian")[0])
    plan = Plan.objects.create(
        owner=person, name="My week", profile_data=PROFILE, document=generate_plan(parse_profile(PROFILE), seed=1)
    )
    Profile.objects.create(owner=person, name="Me", age=35, sex="female", weight_kg=62, height_cm=165)
    call_command("demo_journal", "pat", weeks=6, verbosity=0)  # labs, nights and eaten marks for the journal pages
    # pat shares with dana (accepted invitation); a second invitation waits for someone to open it
    _, accepted = practice_services.invite(dietitian, "Pat")
    practice_services.accept(accepted, person)
    _, invitation_token = practice_services.invite(dietitian, "Sam")
    # Two plans dana built for pat: one still a draft, one published with a message and a meal pat marked eaten.
    draft_plan = client_plans.create(dietitian, person, {**PROFILE, "days": 1}, "Drafted")
    published_plan = client_plans.create(dietitian, person, {**PROFILE, "days": 1}, "From dana")
    client_plans.publish(published_plan, dietitian, "Lentils twice this week.")
    deleted_plan = client_plans.create(dietitian, person, {**PROFILE, "days": 1}, "Deleted by pat")
    client_plans.publish(deleted_plan, dietitian, "Gone soon.")
    client_plans.on_plan_changed(person, deleted_plan.plan, "deleted")
    deleted_plan.plan.delete()
    journal_services.mark_meal(
        open_journal(person), published_plan.plan, 1, published_plan.plan.document["days"][0]["meals"][0]["slot_index"],
        timezone.localdate(), status="eaten",
    )
    anon = Client()
    draft = anon.post(reverse("planner:form"), {**PROFILE, "activity": "low", "life_stage": "none"})
    assert draft.status_code == 302, draft.content.decode()[:2000]
    sessions = {"anon": anon}
    for role, user in (("person", person), ("dietitian", dietitian)):
        sessions[role] = Client()
        sessions[role].force_login(user)
    return {
        "food": Food.objects.get(source="usda-sr26", source_id="16070"),
        "meal": Meal.objects.active().order_by("pk").first(),
        "article": Article.objects.published().first(),
        "plan": plan,
        "person": person,
        "invitation_token": invitation_token,
        "draft_plan": draft_plan,
        "published_plan": published_plan,
        "deleted_plan": deleted_plan,
        "client_plan_url": lambda found: reverse("practice:client_plan", args=[person.pk, found.pk]),
        "draft": draft["Location"],
        "form_errors": reverse("planner:form"),
        "cookies": {
            role: [
                {"name": name, "value": morsel.value, "url": live_server.url} for name, morsel in client.cookies.items()
            ]
            for role, client in sessions.items()
        },
    }


def violations(page) -> list[dict]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the page as it stands."""
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", RULE_TAGS)
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "where": [node["target"] for node in v["nodes"]][:5],
            "html": [node["html"][:160] for node in v["nodes"]][:3],
        }
        for v in results["violations"]
        if v["impact"] in FAILING_IMPACTS
    ]


def test_every_page_has_no_serious_or_critical_wcag_violation(browser, live_server, world):
    assert AXE.exists(), f"{AXE} is missing: run `make install-test` (npm ci installs axe-core)"
    found = {}
    for role in ("anon", "person", "dietitian"):
        # bypass_csp: the site's policy (script-src 'self') would block the injected axe-core, rightly.
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}, bypass_csp=True
        )
        context.add_cookies(world["cookies"][role])
        page = context.new_page()
        for name, who, url in PAGES:
            if who != role:
                continue
            response = page.goto(url(world))
            assert response.status == 200, f"{name}: {url(world)} answered {response.status}"
            if name == "plan form with errors":
                page.get_by_role("button", name="Generate plan").click()
                page.wait_for_load_state()
                # The errors come back by htmx; the "Building your plan" indicator then fades out over 200 ms, and
                # half-faded text would be judged for contrast. Judge the page once it has settled.
                page.wait_for_function("!document.querySelector('.htmx-request')")
                page.wait_for_timeout(400)
            if problems := violations(page):
                found[f"{name} ({url(world)})"] = problems
        context.close()
    assert not found, "axe-core found serious or critical violations:\n" + json.dumps(found, indent=1)
