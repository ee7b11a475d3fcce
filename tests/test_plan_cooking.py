"""Cooking choices through the interfaces people use: the plan form, the plan page, the shopping list and
`manage.py generate_plan` (leftovers, the same breakfast, a weekday cooking-time limit)."""

import io
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from planner.models import Meal
from tests.test_plan_views import HX, PERSON, draft, make_plan

pytestmark = pytest.mark.django_db

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def run_generate(tmp_path, profile):
    path = tmp_path / "me.json"
    path.write_text(json.dumps(profile), encoding="utf-8")
    out = io.StringIO()
    call_command("generate_plan", "--profile", str(path), stdout=out)
    return json.loads(out.getvalue())


def test_plan_form_offers_the_cooking_choices_with_labels(client):
    body = client.get(reverse("planner:form")).content.decode()
    for name, label in [
        ("leftovers", "Use leftovers"),
        ("same_breakfast", "The same breakfast every weekday"),
        ("max_cooking_minutes", "Most cooking minutes on a weekday"),
    ]:
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', body)
        assert tag and f'id="id_{name}"' in tag.group(0)
        assert label in body
    assert '<label for="id_max_cooking_minutes">' in body


def test_leftovers_are_shown_where_they_come_from_and_bought_once(client):
    url = make_plan(client, leftovers="on", days="4")
    key = url.rstrip("/").split("/")[-1]
    document = draft(client, url)["document"]
    meals = {(d["day"], m["slot"]): m for d in document["days"] for m in d["meals"]}
    leftovers = [(day, m) for (day, _slot), m in meals.items() if m.get("leftover_of")]
    assert leftovers, "no leftover in a 4-day plan with leftovers"
    body = client.get(url).content.decode()
    for day, meal in leftovers:
        source = meal["leftover_of"]
        dinner = meals[(source["day"], source["slot"])]
        assert source["slot"] == "dinner" and meal["slot"] == "lunch" and 1 <= day - source["day"] <= 3
        assert (meal["meal_id"], meal["scale"], meal["items"]) == (dinner["meal_id"], dinner["scale"], dinner["items"])
        assert f"Leftover from {WEEKDAYS[source['day'] - 1]}&#x27;s dinner" in day_html(body, day)
        assert "Cooked for two" in day_html(body, source["day"])
    # the shopping list buys each portion eaten once: the dinner cooked for two and its leftover add up to two
    eaten = {}
    for d in document["days"]:
        for m in d["meals"]:
            for item in m["items"]:
                eaten[item["food_id"]] = eaten.get(item["food_id"], 0) + item["grams"]
    shopping = client.get(reverse("planner:shopping", args=[key])).content.decode()
    for item in leftovers[0][1]["items"]:
        row = shopping[shopping.index(f'href="/foods/{item["food_id"]}/"') :][:400]
        listed = float(re.search(r'class="num">([\d.]+) g<', row).group(1))
        assert abs(listed - eaten[item["food_id"]]) <= 0.6  # not the dinner's grams twice plus the leftover's


def day_html(body, day):
    start = body.index(f'id="day-{day}"')
    end = body.find('<section class="day card"', start + 10)
    return body[start : end if end != -1 else None]


def test_each_day_shows_its_cooking_time(client):
    url = make_plan(client, max_cooking_minutes="45")
    document = draft(client, url)["document"]
    body = client.get(url).content.decode()
    for day in document["days"]:
        minutes = sum(Meal.objects.get(pk=m["meal_id"]).total_minutes for m in day["meals"] if not m.get("leftover_of"))
        assert day["cooking_minutes"] == minutes <= 45
        assert f"Cooking time: {minutes} min" in day_html(body, day["day"])


def test_generate_plan_reads_the_cooking_choices_and_keeps_them(tmp_path):
    profile = {
        "age": 35, "sex": "female", "weight_kg": 64, "height_cm": 168, "days": 7,
        "leftovers": True, "same_breakfast": True, "max_cooking_minutes": 45, "units": "us",
    }  # fmt: skip
    document = run_generate(tmp_path, profile)
    assert document["profile"]["units"] == "us" and document["profile"]["leftovers"] is True
    days = document["days"]
    breakfasts = {(m["meal_id"], m["scale"]) for d in days[:5] for m in d["meals"] if m["slot"] == "breakfast"}
    assert len(breakfasts) == 1
    for day in days:
        cooked = [m for m in day["meals"] if not m.get("leftover_of")]
        assert day["cooking_minutes"] == sum(Meal.objects.get(pk=m["meal_id"]).total_minutes for m in cooked)
        if day["day"] <= 5:
            assert day["cooking_minutes"] <= 45
    leftovers = [(d["day"], m) for d in days for m in d["meals"] if "leftover_of" in m]
    assert leftovers
    for _day, meal in leftovers:
        assert set(meal["leftover_of"]) >= {"day", "slot"} and meal["leftover_of"]["slot"] == "dinner"
        dinner = next(m for m in days[meal["leftover_of"]["day"] - 1]["meals"] if m["slot"] == "dinner")
        assert (dinner["meal_id"], dinner["scale"]) == (meal["meal_id"], meal["scale"])
    assert document["cooking_sessions"] == sum(1 for d in days for m in d["meals"] if "leftover_of" not in m)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("max_cooking_minutes", 5, "between 10 and 240"), ("units", "imperial", "not one of metric, us"),
     ("leftovers", "often", "must be true or false")],
)  # fmt: skip
def test_generate_plan_names_a_bad_cooking_choice(tmp_path, field, value, message):
    profile = {"age": 35, "sex": "female", "weight_kg": 64, "height_cm": 168, "days": 1, field: value}
    with pytest.raises(CommandError, match=rf"{field}: .*{message}"):
        run_generate(tmp_path, profile)


def test_a_person_without_cooking_choices_gets_no_leftovers(client):
    document = draft(client, make_plan(client))["document"]
    assert not any("leftover_of" in m for d in document["days"] for m in d["meals"])
    assert PERSON["days"] == "2"


def test_regenerate_keeps_a_locked_leftover_lunch_the_second_portion_of_its_locked_dinner(client):
    url = make_plan(client, leftovers="on", days="4")
    key = url.rstrip("/").split("/")[-1]
    before = draft(client, url)["document"]
    day, lunch = next((d["day"], m) for d in before["days"] for m in d["meals"] if m.get("leftover_of"))
    source = lunch["leftover_of"]
    dinner = next(m for m in before["days"][source["day"] - 1]["meals"] if m["slot"] == source["slot"])
    for lock_day, meal in ((day, lunch), (source["day"], dinner)):
        assert client.post(reverse("planner:lock", args=[key, lock_day, meal["slot_index"]]), **HX).status_code == 200
    assert client.post(reverse("planner:regenerate", args=[key])).status_code == 302
    after = draft(client, url)["document"]
    assert draft(client, url)["seed"] == 1
    kept = next(m for m in after["days"][day - 1]["meals"] if m["slot_index"] == lunch["slot_index"])
    cooked = next(m for m in after["days"][source["day"] - 1]["meals"] if m["slot_index"] == dinner["slot_index"])
    assert (kept["meal_id"], kept["scale"]) == (lunch["meal_id"], lunch["scale"])
    assert kept.get("leftover_of") == source and kept["portions"] == 0  # still the dinner's second portion
    assert cooked["portions"] == 2 and cooked["second_portion"] == {"day": day, "slot": "lunch"}
    # not cooked twice: the lunch adds no cooking minutes and no cooking session
    assert after["cooking_sessions"] == sum(1 for d in after["days"] for m in d["meals"] if "leftover_of" not in m)
    minutes = sum(Meal.objects.get(pk=m["meal_id"]).total_minutes for m in after["days"][day - 1]["meals"]
                  if not m.get("leftover_of"))
    assert after["days"][day - 1]["cooking_minutes"] == round(minutes)
    assert "Leftover from" in day_html(client.get(url).content.decode(), day)
