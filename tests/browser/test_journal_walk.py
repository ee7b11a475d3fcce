"""A person keeps the journal in the browser: sign up, two ferritin results (one in µg/L), three nights, a
day's meals marked (one replaced by a food), trends with charts and tables, the CSV read back, the clinician
summary printed on one page; screenshots at phone width and on a desktop."""

import csv
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from tests.journal.factories import days_ago, saved_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def shoot(page, screens, name):
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=screens / f"journal-{name}-{label}.png", full_page=True)
    page.set_viewport_size(DESKTOP)


def add_ferritin(page, date, value, unit):
    page.goto("/journal/labs/")
    page.get_by_label("Date drawn").fill(date.isoformat())
    page.get_by_label("Test").select_option("ferritin")
    page.get_by_label("Value").fill(value)
    page.get_by_label("Unit").select_option(label=unit)
    page.get_by_role("button", name="Save result").click()
    expect(page.get_by_text("Saved ferritin")).to_be_visible()


def log_night(page, date, severity, hours):
    page.goto("/journal/")
    page.get_by_label("Night of").fill(date.isoformat())
    page.locator(f".scale label:has(input[value='{severity}'])").click()
    page.get_by_label("Hours slept").fill(hours)
    page.get_by_label("Caffeine").check() if severity >= 7 else None
    page.get_by_role("button", name="Save night").click()
    expect(page.get_by_text("Saved the night of")).to_be_visible()


def test_a_person_keeps_the_journal_and_prints_the_summary(page, screens, tmp_path):
    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill("restless")
    page.get_by_label("Password", exact=True).fill("a-long-Passw0rd!")
    page.get_by_label("Password confirmation").fill("a-long-Passw0rd!")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(r"/plan/saved/$"))
    person = get_user_model().objects.get(username="restless")
    plan = saved_plan(person)

    add_ferritin(page, days_ago(100), "28", "ng/mL")
    add_ferritin(page, days_ago(10), "46", "µg/L")
    expect(page.locator(".labs-table")).to_contain_text("46 µg/L")
    expect(page.locator(".labs-table")).to_contain_text("below the level at which the AASM 2024 guideline suggests")

    for offset, severity, hours in ((3, 4, "7"), (2, 8, "4.5"), (1, 6, "6")):
        log_night(page, days_ago(offset), severity, hours)
    expect(page.locator("#nights-title + .table-scroll tbody tr")).to_have_count(3)
    shoot(page, screens, "home")

    today = timezone.localdate().isoformat()
    page.goto(f"/journal/plans/{plan.pk}/day/1/?date={today}")
    meals = plan.document["days"][0]["meals"]
    page.evaluate("window.__notReloaded = true")
    page.locator("#meal-0").get_by_role("button", name=re.compile("^Eaten")).click()
    expect(page.locator("#meal-0 .badge.status")).to_have_text("Eaten")
    page.locator("#meal-1").get_by_role("button", name=re.compile("^Skipped")).click()
    expect(page.locator("#meal-1 .badge.status")).to_have_text("Skipped")
    replaced = page.locator(f"#meal-{meals[2]['slot_index']}")
    replaced.locator("summary").click()
    replaced.get_by_label("Food eaten instead").fill("Banana, raw")
    replaced.get_by_label("Grams").fill("120")
    replaced.get_by_role("button", name=re.compile("^Save what I ate")).click()
    expect(page.locator(f"#meal-{meals[2]['slot_index']} .badge.status")).to_have_text("Replaced by 120 g Banana, raw")
    assert page.evaluate("window.__notReloaded") is True  # marked in place, no page load
    expect(page.locator("tr[data-nutrient=iron_mg] td.eaten")).not_to_have_text("nothing marked")
    shoot(page, screens, "day")

    page.goto("/journal/trends/?weeks=26")
    for canvas in ("chart-ferritin", "chart-tsat", "chart-severity", "chart-sleep", "chart-eaten"):
        page.wait_for_function(f"() => window.Chart && Chart.getChart(document.getElementById('{canvas}'))")
    expect(page.get_by_role("table", name=re.compile("Nights in the period"))).to_contain_text("8")
    expect(page.get_by_role("table", name=re.compile("Iron results"))).to_contain_text("46")
    expect(page.get_by_text("not what caused what")).to_be_visible()
    shoot(page, screens, "trends")

    page.goto("/journal/")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the journal (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(open(info.value.path(), encoding="utf-8").read())))
    assert [r["kind"] for r in rows].count("lab") == 2 and [r["kind"] for r in rows].count("night") == 3
    assert {r["unit"] for r in rows if r["kind"] == "lab"} == {"ng/mL", "ug/L"}
    assert sorted(r["status"] for r in rows if r["kind"] == "meal") == ["eaten", "replaced", "skipped"]

    page.goto("/journal/summary/?weeks=26")
    expect(page.get_by_role("heading", name="RLS journal summary")).to_be_visible()
    shoot(page, screens, "summary")
    page.emulate_media(media="print")
    page.screenshot(path=screens / "journal-summary-print.png", full_page=True)
    pdf = page.pdf(path=str(tmp_path / "summary.pdf"), format="A4")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "the summary should print on one page"
