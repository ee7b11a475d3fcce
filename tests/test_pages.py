import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_page_says_what_the_product_is(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "restless legs" in body
    assert "does not diagnose or prescribe" in body
    assert reverse("food_list") in body


def test_home_page_links_to_the_planner_the_foods_and_learning(client):
    body = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("planner:form")}">Plan my meals</a>' in body
    assert reverse("content:article_list") in body
    assert "Caffeine and alcohol tend to make RLS worse" in body


def test_home_page_loads_htmx_from_the_app_not_a_cdn(client):
    body = client.get(reverse("home")).content.decode()
    assert "/static/django_htmx/htmx" in body
    assert "unpkg.com" not in body and "cdn" not in body.lower()


@pytest.mark.parametrize(
    "name", ["home", "food_list", "planner:form", "accounts:login", "accounts:signup", "accounts:password_reset"]
)
def test_pages_have_no_inline_scripts_or_styles(client, name):
    body = client.get(reverse(name)).content.decode()
    assert "<script>" not in body and "style=" not in body and "<style" not in body
