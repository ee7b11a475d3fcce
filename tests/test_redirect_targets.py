"""A `next` target is followed only to this site, and on an HTTPS request only over HTTPS: a page served securely
never sends the visitor to a plain-HTTP address, even on the same host (`require_https=request.is_secure()`)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from planner.models.meals import Meal

pytestmark = pytest.mark.django_db
PASSWORD = "calm-legs-4821"


def sign_up(client, name, next_url, secure):
    data = {"username": name, "password1": PASSWORD, "password2": PASSWORD, "next": next_url}
    return client.post(reverse("accounts:signup"), data, secure=secure)


def test_sign_up_over_https_does_not_follow_a_plain_http_next(client):
    response = sign_up(client, "li", "http://testserver/foods/", secure=True)
    assert response["Location"] == reverse("planner:saved")


def test_sign_up_over_https_follows_an_https_or_relative_next(client):
    assert sign_up(client, "li", "https://testserver/foods/", secure=True)["Location"] == "https://testserver/foods/"
    client.logout()
    assert sign_up(client, "mo", "/learn/", secure=True)["Location"] == "/learn/"


def test_sign_in_over_https_does_not_follow_a_plain_http_next(client, django_user_model):
    django_user_model.objects.create_user("sam", password=PASSWORD)
    data = {"username": "sam", "password": PASSWORD, "next": "http://testserver/foods/"}
    response = client.post(reverse("accounts:login"), data, secure=True)
    assert response.status_code == 302 and not response["Location"].startswith("http:")


def test_marking_a_meal_reviewed_over_https_does_not_follow_a_plain_http_next(signed_in):
    meal = Meal.objects.order_by("pk").first()
    url = reverse("workspace:meal_reviewed", args=[meal.pk])
    response = signed_in.post(url, {"next": "http://testserver/dietitian/meals/"}, secure=True)
    assert response["Location"] == reverse("workspace:review")
    response = signed_in.post(url, {"next": reverse("workspace:meal_list")}, secure=True)
    assert response["Location"] == reverse("workspace:meal_list")
