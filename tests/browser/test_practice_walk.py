"""A dietitian and a client in two browsers: the dietitian invites, the client signs up through the link and
accepts, the dietitian builds a plan from the client's data (swaps, locks) and publishes it with a note, the
client sees it as from their dietitian and marks a meal eaten, the dietitian sees the mark, the client ends the
sharing and the dietitian's next request is a 404. Any console error in either browser fails the walk.
Screenshots: the client list, the client page, the plan with the client's mark, and the client's view of it."""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone
from playwright.sync_api import expect

from planner.models import Profile
from practice.models import ClientPlan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-Passw0rd!"
NOT_FOUND = "the server responded with a status of 404"
WIDER_THAN_THE_PHONE = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > 391)
  .map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`).slice(0, 12)"""


def open_browser(browser, live_server, errors, who):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.on("pageerror", lambda error: errors.append(f"{who}: {error}"))
    page.on("console", lambda msg: errors.append(f"{who}: {msg.text}") if msg.type == "error" else None)
    return context, page


def shoot(page, screens, name):
    page.screenshot(path=screens / f"practice-{name}.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=screens / f"practice-{name}-phone.png", full_page=True)
    wide = page.evaluate(WIDER_THAN_THE_PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{name} is wider than a phone: {wide}"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_dietitian_and_a_client_in_two_browsers(browser, live_server, screens):
    dana = User.objects.create_user("dana", "dana@example.org", PASSWORD, first_name="Dana", last_name="Reyes")
    dana.groups.add(Group.objects.get_or_create(name="Dietitian")[0])
    errors: list[str] = []
    dietitian_context, diet = open_browser(browser, live_server, errors, "dietitian")
    client_context, pat = open_browser(browser, live_server, errors, "client")

    # The dietitian signs in and invites Pat.
    diet.goto("/accounts/login/?next=/dietitian/clients/invite/")
    diet.get_by_label("Username").fill("dana")
    diet.get_by_label("Password").fill(PASSWORD)
    diet.get_by_role("button", name="Sign in").click()
    diet.wait_for_url(re.compile(r"/dietitian/clients/invite/$"))
    diet.get_by_label("Client's name").fill("Pat Lee")
    diet.get_by_role("button", name="Create the invitation link").click()
    link = diet.get_by_label("Invitation link").input_value()
    assert "/invitation/" in link

    # Pat opens the link in another browser, creates an account through it, reads what is shared and accepts.
    pat.goto(link)
    expect(pat.get_by_role("heading", level=1)).to_have_text("Share your data with Dana Reyes?")
    pat.get_by_role("link", name="create an account").click()
    pat.get_by_label("Username").fill("pat")
    pat.get_by_label("Password", exact=True).fill(PASSWORD)
    pat.get_by_label("Password confirmation").fill(PASSWORD)
    pat.get_by_role("button", name="Create account").click()
    pat.wait_for_url(re.compile(r"/invitation/"))
    expect(pat.get_by_text("your journal: lab results")).to_be_visible()
    pat.get_by_role("button", name="Accept and share my data").click()
    expect(pat.get_by_text("You now share your data with dana")).to_be_visible()
    person = User.objects.get(username="pat")
    Profile.objects.create(owner=person, name="Me", age=47, sex="female", weight_kg=66, height_cm=170)
    pat.goto("/journal/labs/")
    pat.get_by_label("Date drawn").fill(timezone.localdate().isoformat())
    pat.get_by_label("Test").select_option("ferritin")
    pat.get_by_label("Value").fill("28")
    pat.get_by_label("Unit").select_option(label="ng/mL")
    pat.get_by_role("button", name="Save result").click()
    expect(pat.get_by_text("Saved ferritin")).to_be_visible()

    # The dietitian finds Pat, opens the builder: Pat's profile and ferritin are filled in.
    diet.goto("/dietitian/clients/")
    expect(diet.get_by_role("link", name="Pat Lee")).to_be_visible()
    expect(diet.locator("table.data tbody")).to_contain_text("28 ng/mL")
    shoot(diet, screens, "client-list")
    diet.get_by_role("link", name="Pat Lee").click()
    expect(diet.get_by_role("heading", level=1)).to_have_text("Pat Lee")
    shoot(diet, screens, "client-page")
    diet.get_by_role("link", name="Build a plan for Pat Lee").click()
    expect(diet.get_by_label("Age")).to_have_value("47")
    expect(diet.get_by_label("Ferritin", exact=True)).to_have_value(re.compile(r"^28(\.0)?$"))
    shoot(diet, screens, "plan-builder")
    diet.get_by_label("Plan name (the client sees it)").fill("Iron week")
    diet.get_by_label("Days").fill("2")
    diet.get_by_role("button", name="Generate draft plan").click()
    diet.wait_for_url(re.compile(r"/dietitian/clients/\d+/plans/\d+/$"))
    expect(diet.get_by_text("Draft (only you see it)")).to_be_visible()

    # Pat cannot see the draft.
    found = ClientPlan.objects.get()
    pat.goto("/plan/saved/")
    expect(pat.locator("main")).not_to_contain_text("Iron week")

    # Lock the first meal, swap the second, publish with a note.
    first = diet.locator("#day-1 .meal").nth(0)
    first.get_by_role("button", name=re.compile("^Lock")).click()
    expect(diet.locator("#day-1 .meal").nth(0).locator(".badge")).to_have_text("Locked")
    second_name = diet.locator("#day-1 .meal").nth(1).locator("h3").inner_text()
    diet.locator("#day-1 .meal").nth(1).get_by_role("button", name=re.compile("^Swap")).click()
    expect(diet.locator("#day-1 .meal").nth(1).locator("h3")).not_to_have_text(second_name)
    diet.get_by_label("Message to Pat Lee").fill("Lentils twice this week; take the orange with the iron.")
    diet.get_by_role("button", name="Publish to Pat Lee").click()
    expect(diet.get_by_role("heading", name="Published to Pat Lee")).to_be_visible()
    changes = diet.get_by_role("table").last
    for action in ("Generated", "Locked a meal", "Swapped a meal", "Published"):
        expect(changes).to_contain_text(action)
    expect(changes).to_contain_text("Dana Reyes")

    # Pat sees it among their plans, from their dietitian, with the note, and marks the first meal eaten.
    pat.goto("/plan/saved/")
    expect(pat.get_by_text("From your dietitian Dana Reyes")).to_be_visible()
    pat.get_by_role("link", name="Iron week").click()
    expect(pat.get_by_role("heading", name="From your dietitian Dana Reyes")).to_be_visible()
    expect(pat.get_by_text("Lentils twice this week")).to_be_visible()
    shoot(pat, screens, "client-sees-plan")
    pat.goto(f"/journal/plans/{found.plan_id}/day/1/")
    pat.locator("#meal-0").get_by_role("button", name=re.compile("^Eaten")).click()
    expect(pat.locator("#meal-0 .badge.status")).to_have_text("Eaten")

    # The dietitian sees the mark on the plan.
    diet.reload()
    expect(diet.locator("#day-1 .meal").nth(0).locator("ul.marks")).to_contain_text("Eaten")
    expect(diet.get_by_text("1 on this plan so far")).to_be_visible()
    shoot(diet, screens, "client-plan-marks")
    for part, locator in (
        ("publish", "section:has(#publish-title)"),
        ("day", "#day-1"),
        ("log", "section:has(#changes-title)"),
    ):
        diet.locator(locator).screenshot(path=screens / f"practice-client-plan-{part}.png")

    # Pat ends the sharing; the dietitian's very next request is a 404.
    pat.goto("/accounts/me/")
    pat.get_by_role("button", name="Stop sharing with Dana Reyes").click()
    expect(pat.get_by_text("no longer sees your data")).to_be_visible()
    before = len(errors)
    response = diet.reload()
    assert response.status == 404
    assert all(NOT_FOUND in error for error in errors[before:])  # the 404 itself, as Chromium logs it
    assert diet.goto(f"/dietitian/clients/{person.pk}/").status == 404
    assert all(NOT_FOUND in error for error in errors[before:])
    del errors[before:]
    expect(pat.get_by_role("main")).not_to_contain_text("Shared with your dietitian")
    pat.goto("/plan/saved/")
    expect(pat.get_by_role("link", name="Iron week")).to_be_visible()  # the published plan stays Pat's

    dietitian_context.close()
    client_context.close()
    assert not errors, f"browser errors: {errors}"
