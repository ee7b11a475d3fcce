"""Cooking choices through the interfaces people use: the plan form, the plan page, the shopping list and
`manage.py generate_plan` (leftovers, the same breakfast, a weekday cooking-time limit)."""

import html
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


def meal_html(body, day, slot_index):
    start = body.index(f'id="meal-{day}-{slot_index}"')
    return body[start : body.index("</article>", start)]


def cooked_for_two(document):
    return [(d["day"], m) for d in document["days"] for m in d["meals"] if m.get("second_portion")]


def test_a_dinner_cooked_for_two_lists_the_amounts_for_both_portions_and_says_where_the_second_goes(client):
    url = make_plan(client, leftovers="on", days="4")
    key = url.rstrip("/").split("/")[-1]
    dinners = cooked_for_two(draft(client, url)["document"])
    assert dinners, "no dinner cooked for two in a 4-day plan with leftovers"
    body = client.get(url).content.decode()
    for day, meal in dinners:
        later = meal["second_portion"]
        where = "freezer" if later["day"] - day > 1 else "fridge"
        said = (
            f"Makes 2 portions: eat one now; cool the other, cover it and put it in the {where} for "
            f"{WEEKDAYS[later['day'] - 1]}&#x27;s {later['slot']} (day {later['day']})"
        )
        doubled = [f"{item['grams'] * 2:.0f} g" for item in meal["items"]]
        # the plan page's recipe (the disclosure, and the print view) and the recipe page
        card = meal_html(body, day, meal["slot_index"])
        assert said in card and "To cook: 2 portions" in card
        cook_list = card[card.index("To cook: 2 portions") :]
        assert re.findall(r'<span class="grams">([^<]+)</span>', cook_list) == doubled
        page = client.get(reverse("planner:recipe", args=[key, day, meal["slot_index"]])).content.decode()
        assert "Ingredients for 2 portions" in page and said in page
        assert re.findall(r'<span class="grams">([^<]+)</span>', page) == doubled
        assert "Makes one serving" not in page
        fragment = client.get(reverse("planner:recipe", args=[key, day, meal["slot_index"]]), HTTP_HX_REQUEST="true")
        assert said in fragment.content.decode() and "To cook: 2 portions" in fragment.content.decode()


def test_the_print_view_carries_the_steps_of_every_meal_cooked_that_day_and_a_leftover_points_to_its_cooking_day(
    client,
):
    url = make_plan(client, leftovers="on", days="7")
    document = draft(client, url)["document"]
    body = client.get(url, {"recipes": "open"}).content.decode()  # "Open all recipes (to print)"
    leftovers = 0
    for day in document["days"]:
        for meal in day["meals"]:
            card = meal_html(body, day["day"], meal["slot_index"])
            recipe = Meal.objects.get(pk=meal["meal_id"]).recipe()
            source = meal.get("leftover_of")
            if not source:
                assert '<details class="recipe"' in card and " open>" in card
                steps = re.findall(r"<li>([^<]*)</li>", card[card.index('<ol class="steps">') :])
                assert steps == [html.escape(step, quote=True) for step in recipe["steps"]]
                continue
            leftovers += 1
            # no second cooking: no steps, no cooking time; where it is, when to move it, how to reheat
            assert '<ol class="steps">' not in card and "min prep" not in card
            cooked = f"{WEEKDAYS[source['day'] - 1]}&#x27;s dinner (day {source['day']})"
            assert f"No cooking today: this is the second portion of {cooked}" in card
            cooked_day = document["days"][source["day"] - 1]
            dinner_slot = next(m["slot_index"] for m in cooked_day["meals"] if m["slot"] == "dinner")
            assert f'href="#meal-{source["day"]}-{dinner_slot}"' in card
            if day["day"] - source["day"] > 1:
                thaw = f"Move it to the fridge on {WEEKDAYS[day['day'] - 2]} evening to thaw"
                assert thaw in card
                eve = day_html(body, day["day"] - 1)
                assert f"This evening: move “{html.escape(meal['name'], quote=True)}”" in eve
            else:
                assert "in the fridge. Reheat it until steaming hot" in card
    assert leftovers


def test_one_day_prints_on_its_own_with_every_recipe_to_cook_it(client):
    url = make_plan(client, leftovers="on", days="4")
    document = draft(client, url)["document"]
    body = client.get(url).content.decode()
    assert f'href="{url}?day=2&amp;recipes=open"' in body  # each day links to its printable page
    page = client.get(url, {"day": "2", "recipes": "open"}).content.decode()
    assert page.count('<section class="day card"') == 1 and 'id="day-2"' in page
    assert "Day 2 of 4" in page
    for meal in document["days"][1]["meals"]:
        card = meal_html(page, 2, meal["slot_index"])
        if meal.get("leftover_of"):
            assert "No cooking today" in card
        else:
            steps = Meal.objects.get(pk=meal["meal_id"]).recipe()["steps"]
            assert all(html.escape(step, quote=True) in card for step in steps)
            assert "min prep" in card
    for bad in ("9", "x", "0"):
        assert client.get(url, {"day": bad}).status_code == 404


def lunch_and_dinner(document):
    return {(d["day"], m["slot_index"]): m for d in document["days"] for m in d["meals"]}


def test_swapping_a_second_portion_leaves_its_dinner_cooked_for_one(client):
    """Swap on a leftover lunch: the lunch becomes another meal, and the dinner it came from stops saying it makes
    two portions for that day (no claim about a lunch that is now something else)."""
    url = make_plan(client, leftovers="on", days="4")
    key = url.rstrip("/").split("/")[-1]
    document = draft(client, url)["document"]
    day, leftover = next((d["day"], m) for d in document["days"] for m in d["meals"] if m.get("leftover_of"))
    source = leftover["leftover_of"]
    assert client.post(reverse("planner:swap", args=[key, day, leftover["slot_index"]])).status_code == 302
    after = draft(client, url)["document"]
    lunch = lunch_and_dinner(after)[(day, leftover["slot_index"])]
    assert not lunch.get("leftover_of") and lunch["meal_id"] != leftover["meal_id"]
    dinner = next(m for m in after["days"][source["day"] - 1]["meals"] if m["slot"] == source["slot"])
    assert dinner.get("second_portion") != {"day": day, "slot": leftover["slot"]}
    body = client.get(url).content.decode()
    said = f"for {WEEKDAYS[day - 1]}&#x27;s {leftover['slot']} (day {day})"
    assert said not in meal_html(body, source["day"], dinner["slot_index"])
    assert "No cooking today" not in meal_html(body, day, leftover["slot_index"])


@pytest.mark.parametrize("locked_with", ["a plain post", "htmx"])
def test_a_locked_dinner_and_its_locked_second_portion_stay_a_leftover_when_regenerated(client, locked_with):
    """Locked through the page with or without htmx, a dinner and its second portion stay one dish cooked once."""
    url = make_plan(client, leftovers="on", days="4")
    key = url.rstrip("/").split("/")[-1]
    document = draft(client, url)["document"]
    day, leftover = next((d["day"], m) for d in document["days"] for m in d["meals"] if m.get("leftover_of"))
    source = leftover["leftover_of"]
    dinner = next(m for m in document["days"][source["day"] - 1]["meals"] if m["slot"] == source["slot"])
    headers, status = (HX, 200) if locked_with == "htmx" else ({}, 302)
    for at in ((source["day"], dinner["slot_index"]), (day, leftover["slot_index"])):
        assert client.post(reverse("planner:lock", args=[key, *at]), **headers).status_code == status
    assert client.post(reverse("planner:regenerate", args=[key])).status_code == 302
    regenerated = draft(client, url)
    assert regenerated["seed"] == 1
    after = lunch_and_dinner(regenerated["document"])
    kept_dinner, kept_lunch = after[(source["day"], dinner["slot_index"])], after[(day, leftover["slot_index"])]
    assert (kept_dinner["meal_id"], kept_lunch["meal_id"]) == (dinner["meal_id"], leftover["meal_id"])
    assert kept_lunch["scale"] == leftover["scale"]
    assert kept_lunch.get("leftover_of") == source and kept_lunch["portions"] == 0  # still the dinner's second portion
    assert kept_dinner["portions"] == 2 and kept_dinner["second_portion"] == {"day": day, "slot": "lunch"}
    # not cooked twice: the lunch adds no cooking minutes and no cooking session
    week = regenerated["document"]
    assert week["cooking_sessions"] == sum(1 for d in week["days"] for m in d["meals"] if "leftover_of" not in m)
    minutes = sum(Meal.objects.get(pk=m["meal_id"]).total_minutes for m in week["days"][day - 1]["meals"]
                  if not m.get("leftover_of"))
    assert week["days"][day - 1]["cooking_minutes"] == round(minutes)
    body = client.get(url).content.decode()
    assert "No cooking today: this is the second portion" in meal_html(body, day, leftover["slot_index"])
    assert "Leftover from" in day_html(body, day)


@pytest.mark.parametrize("which", ["second portion", "dinner"])
def test_a_swap_through_htmx_redraws_every_day_it_changed(client, which):
    """The page swaps only the day it posted from; a swap touching a dinner cooked for two changes another day
    too, which comes back out of band, so no day keeps claiming a portion that is no longer planned."""
    url = make_plan(client, leftovers="on", days="4")
    key = url.rstrip("/").split("/")[-1]
    document = draft(client, url)["document"]
    day, leftover = next((d["day"], m) for d in document["days"] for m in d["meals"] if m.get("leftover_of"))
    source = leftover["leftover_of"]
    dinner = next(m for m in document["days"][source["day"] - 1]["meals"] if m["slot"] == source["slot"])
    posted, other = ((day, leftover), (source["day"], dinner)) if which == "second portion" else (
        (source["day"], dinner), (day, leftover))  # fmt: skip
    swap = reverse("planner:swap", args=[key, posted[0], posted[1]["slot_index"]])
    response = client.post(swap, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('<section class="day card"') >= 2
    assert re.search(rf'id="day-{posted[0]}" aria-labelledby="day-{posted[0]}-title">', body)  # swapped in place
    assert re.search(rf'id="day-{other[0]}" aria-labelledby="day-{other[0]}-title" hx-swap-oob="true">', body)
    after = lunch_and_dinner(draft(client, url)["document"])
    redrawn = meal_html(body, other[0], other[1]["slot_index"])
    if which == "second portion":
        assert f"for {WEEKDAYS[day - 1]}&#x27;s {leftover['slot']} (day {day})" not in redrawn
        assert after[(source["day"], dinner["slot_index"])].get("second_portion") is None or (
            after[(source["day"], dinner["slot_index"])]["second_portion"]["day"] != day)  # fmt: skip
    else:
        now = after[(day, leftover["slot_index"])]
        said = f"this is the second portion of {WEEKDAYS[source['day'] - 1]}&#x27;s dinner"
        still = now.get("leftover_of", {}).get("day") == source["day"]
        assert (said in redrawn) == still
        assert html.escape(now["name"], quote=True) in redrawn


