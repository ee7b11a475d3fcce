"""Units: weight in kg or lb and height in cm or feet and inches in, metric or US household measures out
(from the SR portion weights), and the choice remembered for signed-in people."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from nutrition.models import Food
from nutrition.units import (
    GRAMS_PER_OUNCE,
    Portion,
    cm_to_feet_inches,
    feet_inches_to_cm,
    grams_to_ounces,
    kg_to_pounds,
    pounds_to_kg,
    us_measure,
    us_weight,
)
from planner.models import Preference
from planner.profiles import ProfileError, parse_profile

PERSON = {
    "age": "40",
    "sex": "female",
    "activity": "low",
    "diet": "vegetarian",
    "life_stage": "none",
    "days": "1",
}


# Conversions, exact to the gram


@pytest.mark.parametrize(
    ("pounds", "grams"), [(1, 454), (150, 68039), (220.5, 100017), (100, 45359), (0.5, 227)]
)
def test_pounds_become_kilograms_exact_to_the_gram(pounds, grams):
    assert round(pounds_to_kg(pounds) * 1000) == grams


def test_pounds_and_kilograms_round_trip_to_the_gram():
    for kg in (45.0, 64.5, 68.039, 99.999, 150.2):
        assert abs(pounds_to_kg(kg_to_pounds(kg)) - kg) < 0.0005


def test_feet_and_inches_become_centimetres():
    assert feet_inches_to_cm(5, 6) == 167.64
    assert feet_inches_to_cm(6, 0) == 182.88
    assert feet_inches_to_cm(0, 65) == 165.1
    assert cm_to_feet_inches(167.64) == (5, 6.0)


def test_ounces_are_the_international_ounce():
    assert GRAMS_PER_OUNCE == 28.349523125
    assert round(grams_to_ounces(453.59237), 6) == 16
    assert us_weight(150) == "5.3 oz"
    assert us_weight(453.59237) == "1 lb"
    assert us_weight(1000) == "2 lb 3.3 oz"


# US household measures from SR portion weights


def portions(ndb):
    food = Food.objects.get(source="usda-sr26", source_id=ndb)
    return [Portion(p.amount, p.description, p.grams) for p in food.portions.all()]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ndb", "grams", "measure"),
    [
        ("11090", 182, "2 cups chopped"),  # broccoli: SR "1 cup chopped" = 91 g
        ("11090", 45.5, "½ cup chopped"),
        ("20037", 195, "1 cup"),  # brown rice, cooked: 1 cup = 195 g
        ("04053", 13.5, "1 tablespoon"),  # olive oil: its own tablespoon weight
        ("04053", 4.5, "1 teaspoon"),
        ("16123", 10, "2 teaspoons"),  # soy sauce: 1 tsp = 5.3 g
        ("01123", 100, "2 large"),  # eggs: a count, not "cup (4.86 large eggs)"
        ("16139", 243, "1 cup"),  # soy milk
        # What a cook reads on a plan (seen in a 7-day plan in US units):
        ("09152", 15, "1 tablespoon"),  # lemon juice: 3.0 tsp is a tablespoon, not "3 teaspoons"
        ("04053", 40, "3 tablespoons"),  # olive oil: spoons to the half, not "2 ¾ tablespoons"
        ("01117", 32, "2 tablespoons"),  # yoghurt: "cup (8 fl oz)" is a cup, not passed over as a count
        ("01117", 112, "½ cup"),
        ("28295", 120, "3 tortillas"),  # not "3 tortilla 1 serving"
        ("15241", 140, "2 fillets"),  # trout, a count in the plural
        ("18075", 56, "1 ¾ slices"),
        ("18075", 266, "8 ¼ slices"),  # a shopping list's bread: a count up to sixteen
        ("15201", 180, "1 fillet"),  # mackerel: not "10 ½ cubic inches, boneless"
    ],
)
def test_us_measures_come_from_the_portion_weights(ndb, grams, measure):
    assert us_measure(grams, portions(ndb)) == measure


def test_a_food_without_portions_is_given_by_weight():
    assert us_measure(120, []) == ""
    assert us_weight(120) == "4.2 oz"


# The profile and the form


def test_a_profile_in_pounds_and_feet_is_kept_in_kilograms_and_centimetres():
    profile = parse_profile({"age": 40, "sex": "female", "weight_lb": 150, "height_ft": 5, "height_in": 6})
    assert (profile.weight_kg, profile.height_cm, profile.units) == (68.039, 167.64, "metric")
    assert parse_profile({"age": 40, "sex": "male", "weight_kg": 80, "height_in": 70, "units": "us"}).height_cm == 177.8


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"weight_kg": 60, "weight_lb": 130}, "weight_lb: give the weight once, in kg or in lb"),
        ({"height_cm": 160, "height_ft": 5}, "height_ft: give the height once, in cm or in feet and inches"),
        ({"weight_lb": 5}, "weight_lb: must be between 22 and 660, got 5"),
        ({"height_ft": 5, "height_in": 14}, "height_in: must be between 0 and 11.99, got 14"),
        ({"units": "imperial"}, "units: 'imperial' is not one of metric, us"),
    ],
)
def test_mixed_or_impossible_units_are_named(changes, message):
    data = {"age": 40, "sex": "female", "weight_kg": 60, "height_cm": 165}
    data.update(changes)
    if "weight_lb" in changes and "weight_kg" not in changes:
        data.pop("weight_kg")
    if {"height_ft", "height_in"} & set(changes) and "height_cm" not in changes:
        data.pop("height_cm")
    with pytest.raises(ProfileError) as error:
        parse_profile(data)
    assert str(error.value) == message


@pytest.mark.django_db
def test_the_form_takes_pounds_and_feet_and_shows_the_plan_in_us_units(client):
    response = client.post(
        reverse("planner:form"), {**PERSON, "weight_lb": "150", "height_ft": "5", "height_in": "6", "units": "us"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    plan_url = response["Location"]
    key = plan_url.rstrip("/").split("/")[-1]
    draft = client.session["planner_drafts"][key]
    assert draft["document"]["profile"]["weight_kg"] == 68.039
    assert draft["document"]["profile"]["height_cm"] == 167.64
    html = client.get(plan_url).content.decode()
    amounts = re.findall(r'<span class="grams">([^<]+)</span>', html)
    assert amounts and all(re.fullmatch(r"[\d.]+ oz|\d+ lb( [\d.]+ oz)?", a) for a in amounts), amounts
    # The shown ounces are the plan's grams, and the grams are beside them.
    grams = [item["grams"] for meal in draft["document"]["days"][0]["meals"] for item in meal["items"]]
    assert amounts == [us_weight(g) for g in grams]
    assert re.findall(r'<span class="metric">\((\d+) g\)</span>', html) == [f"{g:.0f}" for g in grams]


@pytest.mark.django_db
def test_the_form_asks_for_a_weight_in_either_unit(client):
    response = client.post(reverse("planner:form"), {**PERSON, "height_cm": "165"})
    assert response.status_code == 200
    assert "Weight is required: in kg, or in lb" in response.content.decode()


@pytest.mark.django_db
def test_the_shopping_list_switches_to_us_units_and_back(client):
    response = client.post(reverse("planner:form"), {**PERSON, "weight_kg": "65", "height_cm": "165"})
    key = response["Location"].rstrip("/").split("/")[-1]
    shopping = reverse("planner:shopping", args=[key])
    metric = client.get(shopping).content.decode()
    assert re.search(r'<td class="num">\d+ g</td>', metric) and " oz</td>" not in metric

    switched = client.post(reverse("planner:units", args=[key]), {"units": "us", "next": shopping})
    assert switched.status_code == 302 and switched["Location"] == shopping
    us = client.get(shopping).content.decode()
    assert not re.search(r'<td class="num">\d+ g</td>', us)
    # ounces, with the grams beside them
    rows = re.findall(r'<td class="num">([^<]+) <span class="metric">\((\d+) g\)</span></td><td>([^<]*)</td>', us)
    metric_grams = re.findall(r'<td class="num">(\d+) g</td>', metric)
    assert [g for _, g, _ in rows] == metric_grams
    assert rows and all(re.fullmatch(r"[\d.]+ oz|\d+ lb( [\d.]+ oz)?", amount) for amount, _, _ in rows)
    rows = [(amount, measure) for amount, _, measure in rows]
    assert any("cup" in measure or "tablespoon" in measure for _, measure in rows)
    assert 'aria-pressed="true">US cups &amp; oz' in us

    # Somewhere else is not a place to be sent back to.
    away = client.post(reverse("planner:units", args=[key]), {"units": "metric", "next": "https://example.com/"})
    assert away["Location"] == reverse("planner:detail", args=[key])
    assert re.search(r'<td class="num">\d+ g</td>', client.get(shopping).content.decode())


@pytest.mark.django_db
def test_a_signed_in_persons_choice_is_remembered_for_their_next_plan(client):
    user = get_user_model().objects.create_user("sam", password="x")
    client.force_login(user)
    first = client.post(reverse("planner:form"), {**PERSON, "weight_kg": "65", "height_cm": "165"})
    key = first["Location"].rstrip("/").split("/")[-1]
    client.post(reverse("planner:units", args=[key]), {"units": "us"})
    assert Preference.objects.get(owner=user).units == "us"

    form = client.get(reverse("planner:form")).content.decode()
    assert re.search(r'<input type="radio" name="units" value="us"[^>]*checked', form)
    second = client.post(reverse("planner:form"), {**PERSON, "weight_kg": "65", "height_cm": "165"})
    html = client.get(second["Location"]).content.decode()
    assert re.search(r'<span class="grams">[\d.]+ oz</span>', html)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ndb", "grams", "measure"),
    [
        ("04053", 5, "≈ 1 teaspoon"),  # olive oil: not "≈ 0.25 tablespoon"
        ("09152", 10, "≈ 2 teaspoons"),  # lemon juice: not "≈ 0.25 fl oz", a US measure
        ("28295", 120, "≈ 3 tortillas"),  # not "≈ 3 tortilla 1 serving"
        ("15241", 280, "≈ 4 fillets"),
        ("20137", 150, ""),  # cooked quinoa: a metric cook weighs it; no "≈ 0.75 cup"
        ("01079", 500, ""),  # milk: not "≈ ½ quart"
        ("09316", 75, ""),  # strawberries: not "≈ 2 ¾ extra large (1-5/8\" dia)"
        ("11168", 90, ""),  # sweet corn: not "≈ 11 ¼ baby ears" once the ear in inches is passed over
        ("11529", 90, "≈ 1 ½ Italian tomatoes"),  # not "tomatos"
        ("09037", 75, "≈ ¼ avocado"),  # not "¼ avocado, NS as to Florida or California"
    ],
)
def test_metric_household_measures_are_spoons_and_counts_never_cups_or_fluid_ounces(ndb, grams, measure):
    from planner.shopping import measure_text

    assert measure_text(grams, portions(ndb), "metric") == measure
