"""A person builds a plan in the browser: form checks, plan, swap in place, shopping list, CSV, account."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from tests.test_plan_queue import DRAFT_URL, WAIT_URL, work

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_person(page, days="3"):
    page.get_by_label("Age", exact=True).fill("40")
    page.get_by_label("Sex", exact=True).select_option("female")
    page.get_by_label("Weight (kg)").fill("65")
    page.get_by_label("Height (cm)").fill("165")
    page.get_by_label("Diet", exact=True).select_option("vegetarian")
    page.get_by_label("Days", exact=True).fill(days)


def test_vegetarian_iron_plan_from_form_to_swap_shopping_list_and_csv(page, screens):
    page.goto("/")
    page.get_by_role("link", name="Plan my meals").first.click()
    expect(page.get_by_role("heading", name="Plan my meals")).to_be_visible()

    age = page.get_by_label("Age", exact=True)
    age.fill("150")
    age.press("Tab")
    error = page.locator("#field-age .field-error")
    expect(error).to_have_text(re.compile("Age must be between 1 and 120"))
    page.screenshot(path=screens / "plan-form-error.png", full_page=True)

    fill_person(page)
    page.get_by_label("Iron", exact=True).check()
    page.get_by_text("Recent lab results (optional)").click()
    page.get_by_label("Ferritin", exact=True).fill("30")
    page.get_by_label("Ferritin unit").select_option("ug/L")
    page.locator("body").click(position={"x": 5, "y": 5})
    expect(page.locator("#field-age .field-error")).to_be_empty()
    page.screenshot(path=screens / "plan-form.png", full_page=True)

    page.get_by_role("button", name="Generate plan").click()
    page.wait_for_url(re.compile(r"/plan/draft-[0-9a-f]+/$"))
    expect(page.get_by_role("heading", name=re.compile(r"^Day 3 · "))).to_be_visible()
    expect(page.locator("#day-1 .bar[data-nutrient=iron_mg] .bar-percent")).to_have_text(re.compile(r"^\d+%$"))
    expect(page.get_by_text("Your daily targets and why")).to_be_visible()
    page.screenshot(path=screens / "plan.png", full_page=True)

    page.evaluate("window.__notReloaded = true")
    first = page.locator("#meal-1-0")
    old_first = first.inner_text()
    others = [page.locator(f"#meal-1-{i}").inner_text() for i in range(1, page.locator("#day-1 .meal").count())]
    day2 = page.locator("#day-2").inner_text()
    first.get_by_role("button", name="Swap").click()
    expect(page.locator("#meal-1-0 h3")).not_to_have_text(old_first.split("\n")[1])
    assert page.evaluate("window.__notReloaded") is True
    assert [page.locator(f"#meal-1-{i}").inner_text() for i in range(1, len(others) + 1)] == others
    assert page.locator("#day-2").inner_text() == day2

    page.get_by_role("link", name="Shopping list").click()
    expect(page.get_by_role("heading", name="Shopping list")).to_be_visible()
    assert page.locator(".shop-group").count() >= 2
    page.screenshot(path=screens / "shopping-list.png", full_page=True)
    page.go_back()
    expect(page.get_by_role("heading", name=re.compile(r"^Day 3 · "))).to_be_visible()

    with page.expect_download() as info:
        page.get_by_role("link", name="Export CSV").click()
    rows = list(csv.DictReader(io.StringIO(open(info.value.path(), encoding="utf-8").read())))
    assert {r["day"] for r in rows} == {"1", "2", "3"}
    assert all(float(r["grams"]) > 0 and r["food"] for r in rows)
    assert "Iron (mg)" in rows[0]


def test_person_signs_up_from_a_plan_and_finds_it_saved(page):
    page.goto("/plan/")
    fill_person(page, days="1")
    page.get_by_role("button", name="Generate plan").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Day 1 · "))).to_be_visible()
    page.get_by_role("link", name="Save plan").click()
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Username").fill("marta")
    page.get_by_label("Password", exact=True).fill("quiet-nights-4821")
    page.get_by_label("Password confirmation").fill("quiet-nights-4821")
    page.get_by_role("button", name="Create account").click()
    page.get_by_label("Plan name").fill("Marta's iron week")
    page.get_by_role("button", name="Save plan").click()
    expect(page.get_by_role("heading", name="Marta's iron week")).to_be_visible()
    page.get_by_role("link", name="My plans").click()
    page.get_by_role("link", name="Marta's iron week", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile(r"^Day 1 · "))).to_be_visible()


def test_foods_browser_searches_as_you_type(page, screens):
    page.goto("/foods/")
    page.evaluate("window.__notReloaded = true")
    page.get_by_label("Search foods").press_sequentially("lentil", delay=40)
    expect(page.locator("#results tbody tr").first).to_contain_text(re.compile("lentil", re.I))
    page.get_by_label("Sort by").select_option("iron_mg:100g")
    expect(page).to_have_url(re.compile(r"sort=iron_mg%3A100g"))
    names = page.locator("#results tbody td:first-child a").all_inner_texts()
    assert names and all("lentil" in n.lower() for n in names)
    assert page.evaluate("window.__notReloaded") is True
    page.screenshot(path=screens / "foods.png", full_page=True)
    # No search still in flight (a late answer swaps the results, and a click on a replaced link goes nowhere), and
    # a food page rendered afresh may take a while on a loaded machine.
    page.wait_for_function("!document.querySelector('.htmx-request')")
    page.locator("#results tbody td:first-child a").first.click()
    expect(page).to_have_url(re.compile(r"/foods/\d+/$"), timeout=15_000)
    expect(page.get_by_role("heading", name="Where these numbers come from")).to_be_visible()
    expect(page.get_by_text("usda-sr26", exact=True)).to_be_visible()
    page.screenshot(path=screens / "food-detail.png", full_page=True)


def test_a_plan_built_by_the_worker_queue_takes_the_visitor_from_the_wait_page_to_the_plan(page, plan_queue, screens):
    """With Redis, the form hands the plan to the queue; the wait page polls by itself and moves on once a worker
    (`manage.py plan_worker --burst`, run here while the browser waits) has built it."""
    page.goto("/plan/")
    fill_person(page, days="2")
    page.get_by_role("button", name="Generate plan").click()
    page.wait_for_url(WAIT_URL)
    expect(page.get_by_role("heading", name="Building your plan…")).to_be_visible()
    expect(page.get_by_role("status").first).to_contain_text("moves on to your plan by itself")
    page.screenshot(path=screens / "plan-wait.png", full_page=True)
    page.wait_for_timeout(1_000)  # a poll or two while nothing is built yet: still waiting
    expect(page).to_have_url(WAIT_URL)
    work(plan_queue)
    page.wait_for_url(DRAFT_URL)
    expect(page.get_by_role("heading", name=re.compile(r"^Day 2 · "))).to_be_visible()
    expect(page.locator("#day-1 .bar[data-nutrient=iron_mg] .bar-percent")).to_have_text(re.compile(r"^\d+%$"))
