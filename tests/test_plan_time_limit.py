"""A plan that cannot be finished in time: the visitor gets the best plan found and a note saying so."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PERSON = {
    "age": "35",
    "sex": "female",
    "weight_kg": "60",
    "height_cm": "165",
    "activity": "low",
    "diet": "vegan",
    "life_stage": "none",
    "deficiencies": ["iron"],
    "days": "7",
}


def test_a_plan_cut_short_by_the_solver_time_limit_is_served_with_a_note(client, settings):
    settings.PLAN_TIME_LIMIT = 0.001
    response = client.post(reverse("planner:form"), PERSON, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "reached its time limit" in html and "best plan it found" in html
    # a whole week came back: seven day sections, each with meals unless a note names it as out of time
    days = re.findall(r'id="day-(\d+)"', html)
    assert days == [str(d) for d in range(1, 8)]
    assert html.count("<h3>") >= 7 or "time ran out before any meals were found" in html


def test_with_time_enough_the_plan_page_has_no_time_note(client, settings):
    settings.PLAN_TIME_LIMIT = 30
    response = client.post(reverse("planner:form"), {**PERSON, "diet": "omnivore", "days": "2"}, follow=True)
    assert response.status_code == 200
    assert "time limit" not in response.content.decode()
