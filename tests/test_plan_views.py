"""The plan builder through HTTP: the form and its inline checks, the plan page, swap, lock, regenerate,
shopping list, exports, and who may see a plan."""

import csv
import io
import re

import pandas as pd
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from planner.models import Plan, Profile
from planner.plan_store import DRAFTS

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
PERSON = {
    "age": "40",
    "sex": "female",
    "weight_kg": "65",
    "height_cm": "165",
    "activity": "low",
    "diet": "vegetarian",
    "life_stage": "none",
    "deficiencies": ["iron"],
    "days": "2",
}


def make_plan(client, **changes):
    response = client.post(reverse("planner:form"), {**PERSON, **changes})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def draft(client, url):
    key = url.rstrip("/").split("/")[-1]
    return client.session[DRAFTS][key]


def meal_names(html):
    return re.findall(r"<h3>([^<]+)</h3>", html)


def day_section(html, day):
    start = html.index(f'id="day-{day}"')
    end = html.find('<section class="day card"', start + 10)
    return html[start : end if end != -1 else None]


def test_plan_form_labels_every_field_the_engine_reads(client):
    body = client.get(reverse("planner:form")).content.decode()
    for label in [
        "Age",
        "Sex",
        "Weight (kg)",
        "Height (cm)",
        "Activity",
        "Diet",
        "Pregnant or breastfeeding",
        "Smoker",
        "Days",
        "Ferritin",
        "Transferrin saturation",
        "Vitamin B12",
        "Serum folate",
        "25-hydroxyvitamin D",
        "Serum magnesium",
        "Generate plan",
    ]:
        assert label in body, label
    assert "<legend>Avoid</legend>" in body and "<legend>Known or suspected deficiencies</legend>" in body
    for nutrient in ["Iron", "Folate", "Magnesium", "Vitamin B12", "Vitamin D", "Vitamin C"]:
        assert re.search(rf'name="deficiencies" value="[a-z_0-9]+"[^>]*>\s*{nutrient}</label>', body), nutrient
    assert '<option value="vegetarian">' in body and '<option value="female">' in body
    assert 'hx-post="/plan/validate/age/"' in body and 'hx-indicator="#generating"' in body


def test_bad_age_is_refused_beside_the_field_and_nothing_else_is_lost(client):
    response = client.post(reverse("planner:form"), {**PERSON, "age": "150"})
    assert response.status_code == 200
    body = response.content.decode()
    age_field = body[body.index('id="field-age"') : body.index('id="field-sex"')]
    assert "Age must be between 1 and 120" in age_field
    assert 'value="65"' in body and 'value="165"' in body
    assert re.search(r'value="iron"[^>]*checked', body)


def test_validate_endpoint_rerenders_only_that_field(client):
    for headers in (HX, {}):
        response = client.post(reverse("planner:validate", args=["age"]), {**PERSON, "age": "0"}, **headers)
        body = response.content.decode()
        assert response.status_code == 200
        assert body.strip().startswith('<div class="field has-error" id="field-age"')
        assert "Age must be between 1 and 120" in body
        assert 'aria-describedby="error-age"' in body and '<p class="field-error" id="error-age"' in body
        assert "<html" not in body and "field-sex" not in body


def test_validate_endpoint_clears_the_message_for_a_good_value(client):
    body = client.post(reverse("planner:validate", args=["weight_kg"]), {**PERSON}, **HX).content.decode()
    assert "has-error" not in body and "must be between" not in body


def test_validate_endpoint_rejects_unknown_fields(client):
    assert client.post(reverse("planner:validate", args=["password"]), PERSON).status_code == 404


def test_pregnancy_is_refused_for_a_man_on_that_field(client):
    body = client.post(reverse("planner:form"), {**PERSON, "sex": "male", "life_stage": "pregnant"}).content.decode()
    field = body[body.index('id="field-life_stage"') :][:1500]
    assert "applies only to females" in field


def test_htmx_submit_with_errors_returns_just_the_form(client):
    body = client.post(reverse("planner:form"), {**PERSON, "weight_kg": "5"}, **HX).content.decode()
    assert body.strip().startswith('<form id="plan-form"') and "<html" not in body
    assert "Weight (kg) must be between 10 and 300" in body


def test_htmx_submit_redirects_the_browser_to_the_plan_url(client):
    response = client.post(reverse("planner:form"), PERSON, **HX)
    assert response.status_code == 200
    assert re.fullmatch(r"/plan/draft-[0-9a-f]+/", response["HX-Redirect"])


def test_plan_page_shows_days_meals_foods_and_coverage_of_the_six_nutrients(client):
    url = make_plan(client)
    body = client.get(url).content.decode()
    document = draft(client, url)["document"]
    assert "Day 1" in body and "Day 2" in body and "Day 3" not in body
    assert "Your daily targets and why" in body
    iron = document["targets"]["iron_mg"]
    assert iron["reason"] and iron["reason"][:40] in body.replace("&#x27;", "'")
    for name in ["Iron", "Folate", "Magnesium", "Vitamin B12", "Vitamin D", "Vitamin C"]:
        assert f'<span class="bar-label">{name}' in body
    first_meal = document["days"][0]["meals"][0]
    assert first_meal["name"] in body.replace("&#x27;", "'")
    food = first_meal["items"][0]
    assert reverse("food_detail", args=[food["food_id"]]) in body
    iron_percent = round(100 * document["days"][0]["totals"]["iron_mg"] / iron["target"])
    iron_bar = day_section(body, 1).split('data-nutrient="iron_mg"')[1][:900]
    assert f'<strong class="bar-percent">{iron_percent}%</strong>' in iron_bar
    assert "absorbed better with vitamin C" in body  # vegetarian: the iron-absorption tip applies
    assert "does not diagnose or prescribe" in body


def test_plan_page_reloads_and_a_stranger_gets_404(client, django_user_model):
    url = make_plan(client)
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    from django.test import Client

    assert Client().get(url).status_code == 404


def test_swap_rerenders_only_that_day_and_changes_only_that_meal(client):
    url = make_plan(client)
    before = draft(client, url)["document"]
    key = url.rstrip("/").split("/")[-1]
    response = client.post(reverse("planner:swap", args=[key, 1, 0]), **HX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.strip().startswith('<section class="day card" id="day-1"') and "<html" not in body
    assert "Day 2" not in body
    after = draft(client, url)["document"]
    old = [m["meal_id"] for m in before["days"][0]["meals"]]
    new = [m["meal_id"] for m in after["days"][0]["meals"]]
    assert new[0] != old[0] and new[1:] == old[1:]
    assert after["days"][1]["meals"] == before["days"][1]["meals"]
    assert after["days"][0]["meals"][0]["name"].replace("'", "&#x27;") in body


def test_swap_without_htmx_redirects_back_to_the_plan(client):
    url = make_plan(client)
    key = url.rstrip("/").split("/")[-1]
    response = client.post(reverse("planner:swap", args=[key, 2, 1]))
    assert response.status_code == 302 and response["Location"] == url


def test_locked_meal_is_kept_when_the_plan_is_regenerated(client):
    url = make_plan(client)
    key = url.rstrip("/").split("/")[-1]
    before = draft(client, url)["document"]
    body = client.post(reverse("planner:lock", args=[key, 1, 2]), **HX).content.decode()
    assert "Unlock" in body and 'aria-pressed="true"' in body
    response = client.post(reverse("planner:regenerate", args=[key]))
    assert response.status_code == 302
    after = draft(client, url)["document"]
    assert after["days"][0]["meals"][2]["meal_id"] == before["days"][0]["meals"][2]["meal_id"]
    assert draft(client, url)["seed"] == 1
    again = client.post(reverse("planner:regenerate", args=[key]), **HX)
    assert again.status_code == 200 and again["HX-Redirect"] == url
    assert draft(client, url)["document"]["days"][0]["meals"][2]["meal_id"] == before["days"][0]["meals"][2]["meal_id"]


def test_shopping_list_sums_each_food_over_the_days_by_group(client):
    url = make_plan(client)
    key = url.rstrip("/").split("/")[-1]
    document = draft(client, url)["document"]
    totals = {}
    for day in document["days"]:
        for meal in day["meals"]:
            for item in meal["items"]:
                totals[item["food_id"]] = totals.get(item["food_id"], 0) + item["grams"]
    response = client.get(reverse("planner:shopping", args=[key]))
    body = response.content.decode()
    assert response.status_code == 200 and "Shopping list" in body
    food_id, grams = max(totals.items(), key=lambda kv: kv[1])
    row = body[body.index(f'href="/foods/{food_id}/"') :][:400]
    assert f"{round(grams)} g" in row
    assert body.count("<h2") >= 2  # grouped by food group


def test_csv_export_has_a_row_per_food_in_each_meal_with_its_nutrients(client):
    url = make_plan(client)
    key = url.rstrip("/").split("/")[-1]
    document = draft(client, url)["document"]
    response = client.get(reverse("planner:export", args=[key, "csv"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    items = [(d["day"], m["slot"], i["food"]) for d in document["days"] for m in d["meals"] for i in m["items"]]
    assert len(rows) == len(items)
    assert {"day", "slot", "meal", "food", "grams", "Iron (mg)", "Energy (kcal)"} <= set(rows[0])
    day1_iron = sum(float(r["Iron (mg)"] or 0) for r in rows if r["day"] == "1")
    assert day1_iron == pytest.approx(document["days"][0]["totals"]["iron_mg"], rel=0.01)


def test_xlsx_export_opens_as_a_spreadsheet(client):
    url = make_plan(client)
    key = url.rstrip("/").split("/")[-1]
    response = client.get(reverse("planner:export", args=[key, "xlsx"]))
    assert response.status_code == 200
    table = pd.read_excel(io.BytesIO(response.content))
    assert list(table.columns[:5]) == ["day", "slot", "meal", "food", "grams"]
    assert set(table["day"]) == {1, 2}
    assert client.get(f"/plan/{key}/export.pdf").status_code == 404


def test_saving_needs_an_account_and_a_saved_plan_is_private(client, django_user_model):
    url = make_plan(client)
    key = url.rstrip("/").split("/")[-1]
    save_url = reverse("planner:save", args=[key])
    response = client.get(save_url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    owner = django_user_model.objects.create_user("ana", password="pw-ana-12345")
    client.force_login(owner)
    response = client.post(save_url, {"name": "Iron week"})
    plan = Plan.objects.get(owner=owner)
    assert response.status_code == 302 and response["Location"] == f"/plan/{plan.pk}/"
    assert plan.name == "Iron week" and plan.document["days"]
    assert "Iron week" in client.get(reverse("planner:saved")).content.decode()
    assert client.get(f"/plan/{plan.pk}/").status_code == 200
    other = django_user_model.objects.create_user("ben", password="pw-ben-12345")
    from django.test import Client

    stranger = Client()
    assert stranger.get(f"/plan/{plan.pk}/").status_code == 404
    stranger.force_login(other)
    assert stranger.get(f"/plan/{plan.pk}/").status_code == 404
    assert stranger.get(f"/plan/{plan.pk}/shopping/").status_code == 404
    assert stranger.get(f"/plan/{plan.pk}/export.csv").status_code == 404
    assert stranger.post(reverse("planner:rename", args=["plan", plan.pk]), {"name": "x"}).status_code == 404
    assert stranger.post(reverse("planner:delete", args=["plan", plan.pk])).status_code == 404
    assert Plan.objects.filter(pk=plan.pk, name="Iron week").exists()


def test_owner_renames_and_deletes_a_saved_plan(client, django_user_model):
    user = django_user_model.objects.create_user("cy", password="pw-cy-123456")
    plan = Plan.objects.create(owner=user, name="Old", profile_data={}, document={"days": []})
    client.force_login(user)
    client.post(reverse("planner:rename", args=["plan", plan.pk]), {"name": "New name"})
    plan.refresh_from_db()
    assert plan.name == "New name"
    client.post(reverse("planner:delete", args=["plan", plan.pk]))
    assert not Plan.objects.filter(pk=plan.pk).exists()


def test_signed_in_person_saves_a_profile_and_reopens_it_in_the_form(client, django_user_model):
    user = django_user_model.objects.create_user("di", password="pw-di-123456")
    client.force_login(user)
    make_plan(client, save_profile="1", profile_name="Di", days="1", exclude=["nuts"])
    profile = Profile.objects.get(owner=user)
    assert profile.name == "Di" and profile.diet == "vegetarian" and profile.exclude == ["nuts"]
    body = client.get(reverse("planner:form") + f"?profile={profile.pk}").content.decode()
    assert 'value="40"' in body and re.search(r'value="nuts"[^>]*checked', body)
    other = get_user_model().objects.create_user("ed", password="pw-ed-123456")
    client.force_login(other)
    assert client.get(reverse("planner:form") + f"?profile={profile.pk}").status_code == 404
    assert client.get(reverse("planner:form") + "?profile=abc").status_code == 404


def test_lock_without_htmx_redirects_and_the_page_shows_the_meal_locked(client):
    url = make_plan(client, days="1")
    key = url.rstrip("/").split("/")[-1]
    response = client.post(reverse("planner:lock", args=[key, 1, 1]))
    assert response.status_code == 302 and response["Location"] == url
    meal = day_section(client.get(url).content.decode(), 1).split('id="meal-1-1"')[1].split("</article>")[0]
    assert '<span class="badge">Locked</span>' in meal and "Unlock" in meal
    assert client.post(reverse("planner:lock", args=[key, 1, 9])).status_code == 404
    assert client.post(reverse("planner:swap", args=[key, 5, 0])).status_code == 404


def test_profiles_are_renamed_and_deleted_by_their_owner_only(client, django_user_model):
    owner = django_user_model.objects.create_user("fay", password="pw-fay-12345")
    profile = Profile.objects.create(owner=owner, name="Me", age=40, sex="female", weight_kg=60, height_cm=160)
    other = django_user_model.objects.create_user("gus", password="pw-gus-12345")
    client.force_login(other)
    assert client.post(reverse("planner:rename", args=["profile", profile.pk]), {"name": "Mine"}).status_code == 404
    assert client.post(reverse("planner:delete", args=["profile", profile.pk])).status_code == 404
    client.force_login(owner)
    client.post(reverse("planner:rename", args=["profile", profile.pk]), {"name": "Fay, 2026"})
    profile.refresh_from_db()
    assert profile.name == "Fay, 2026"
    assert "Fay, 2026" in client.get(reverse("planner:saved")).content.decode()
    client.post(reverse("planner:delete", args=["profile", profile.pk]))
    assert not Profile.objects.filter(pk=profile.pk).exists()
    assert client.post(reverse("planner:delete", args=["user", 1])).status_code == 404


def test_the_plan_pages_swap_and_lock_post_to_the_planner_with_htmx_and_name_their_meal(client):
    url = make_plan(client)
    key = url.rstrip("/").split("/")[-1]
    body = client.get(url).content.decode()
    for action in ("swap", "lock"):
        target = reverse(f"planner:{action}", args=[key, 2, 1])
        assert f'action="{target}"' in body and f'hx-post="{target}"' in body
    assert 'Swap<span class="visually-hidden"> day 2 ' in body
    assert f'href="{reverse("planner:recipe", args=[key, 1, 0])}"' in body and f'href="{url}?day=1&amp;' in body
