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


@pytest.mark.parametrize("url_name", ["home", "food_list"])
def test_our_pages_carry_no_inline_scripts_or_styles(client, url_name):
    body = client.get(reverse(url_name)).content.decode()
    inline_scripts = [s for s in re.findall(r"<script\b[^>]*>", body) if "src=" not in s]
    assert inline_scripts == []
    assert "<style" not in body
    assert not re.search(r"\sstyle=", body)
    assert not re.search(r"\son[a-z]+=", body)
