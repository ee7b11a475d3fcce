"""The Content-Security-Policy forbids inline scripts and styles, and our pages need none."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_send_a_strict_content_security_policy(client):
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"


def test_htmx_indicator_styles_come_from_our_stylesheet_not_inline(client):
    body = client.get(reverse("home")).content.decode()
    assert '"includeIndicatorStyles": false' in body


PAGES = ["home", "food_list", "planner:form", "content:article_list", "pages:about", "pages:privacy",
         "pages:disclaimer", "accounts:login", "accounts:signup", "accounts:password_reset"]


@pytest.mark.parametrize("url_name", PAGES)
def test_our_pages_carry_no_inline_scripts_or_styles(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    body = response.content.decode()
    inline_scripts = [s for s in re.findall(r"<script\b[^>]*>", body) if "src=" not in s]
    assert inline_scripts == []
    assert "<style" not in body
    assert not re.search(r"\sstyle=", body)
    assert not re.search(r"\son[a-z]+=", body)


def test_food_article_and_plan_pages_carry_no_inline_scripts_or_styles(client):
    from content.models import Article
    from nutrition.models import Food

    urls = [reverse("food_detail", kwargs={"pk": Food.objects.first().pk}),
            reverse("content:article_detail", kwargs={"slug": Article.objects.published().first().slug})]
    plan = client.post(reverse("planner:form"), {"age": 30, "sex": "female", "weight_kg": 60, "height_cm": 165,
                                                 "activity": "low", "diet": "vegan", "life_stage": "none", "days": 1})
    assert plan.status_code == 302
    urls += [plan["Location"], plan["Location"] + "shopping/"]
    for url in urls:
        body = client.get(url).content.decode()
        assert [s for s in re.findall(r"<script\b[^>]*>", body) if "src=" not in s] == [], url
        assert "<style" not in body and not re.search(r"\sstyle=", body), url
        assert not re.search(r"\son[a-z]+=", body), url
