"""A dietitian prints a client's plan handout from the browser: the Print button (no inline script: the site's CSP
allows none) opens the print dialog, the printed page leaves the site's menus and buttons out, each day starts on a
new sheet, and the PDF link downloads WeasyPrint's PDF; screenshots of the page and its print version."""

import io
import re

import pytest
from django.contrib.auth.models import Group, User
from pypdf import PdfReader

from planner.models import Plan
from planner.profiles import parse_profile
from planner.services import generate_plan
from practice.services import accept, invite

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PROFILE = {"age": 35, "sex": "female", "weight_kg": 62, "height_cm": 165, "diet": "vegetarian", "days": 2}


def test_a_dietitian_prints_a_clients_handout_from_the_browser(page, screens, live_server):
    dana = User.objects.create_user("dana", "dana@example.org", "a-long-Passw0rd!")
    dana.groups.add(Group.objects.get_or_create(name="Dietitian")[0])
    pat = User.objects.create_user("pat", "pat@example.org", "a-long-Passw0rd!")
    _link, token = invite(dana, "Pat Doe")
    accept(token, pat)
    plan = Plan.objects.create(
        owner=pat, name="Two days", profile_data=PROFILE, document=generate_plan(parse_profile(PROFILE), seed=1)
    )
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("dana")
    page.get_by_label("Password").fill("a-long-Passw0rd!")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()

    page.goto(f"/dietitian/clients/{pat.pk}/")
    page.get_by_role("link", name="Handout for Two days").click()
    page.wait_for_url(re.compile(rf"/dietitian/clients/{pat.pk}/plans/{plan.pk}/handout/$"))
    page.screenshot(path=screens / "handout-page.png", full_page=True)

    # A function, so that Playwright does not call the value of the last statement (the new window.print) itself.
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    page.get_by_role("button", name="Print this handout").click()
    assert page.evaluate("window.__printed") == 1

    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.get_by_role("button", name="Print this handout").is_visible()
    assert page.get_by_role("heading", name="Pat Doe", level=1).is_visible()
    page.screenshot(path=screens / "handout-print.png", full_page=True)
    printed = PdfReader(io.BytesIO(page.pdf(format="A4")))
    texts = [p.extract_text() or "" for p in printed.pages]
    days = [(t, m) for t in texts if (m := re.search(r"Day \d · \w+day", t))]
    assert [m[0] for _t, m in days] == ["Day 1 · Monday", "Day 2 · Tuesday"]
    for text, match in days:  # each day opens its own sheet: no meal of the day before above it
        assert not re.search(r"(Breakfast|Snack|Lunch|Dinner):", text[: match.start()]), text[:300]
    page.emulate_media(media="screen")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").click()
    path = download_info.value.path()
    text = " ".join(p.extract_text() for p in PdfReader(path).pages)
    assert "Pat Doe" in text and "Day 2" in text and "Shopping list" in text
