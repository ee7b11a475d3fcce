"""The empty sign-in, sign-up and password-reset forms come from the page cache for signed-out visitors (each with
their own CSRF token), and everything else about them is as before: a `?next=` is kept, errors and sign-ins work,
the sign-in page is still never cached by a browser or proxy, signed-in visitors get their own page."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')
FORMS = ["accounts:login", "accounts:signup", "accounts:password_reset"]


def csrf_token(body: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)


@pytest.mark.parametrize("name", FORMS)
def test_the_empty_form_is_served_from_the_cache_with_each_visitors_own_token(name):
    url = reverse(name)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    rendered, served = first.get(url), second.get(url)
    assert rendered.templates and not served.templates  # the second visitor's page was not rendered at all
    assert served.status_code == 200 and "private" in served["Cache-Control"]
    assert TOKEN.sub(r"\1", served.content.decode()) == TOKEN.sub(r"\1", rendered.content.decode())
    tokens = [csrf_token(r.content.decode()) for r in (rendered, served)]
    assert tokens[0] != tokens[1]
    posted = {"username": "nobody", "password": "wrong-Passw0rd-11", "email": "nobody@example.org"}
    assert second.post(url, {**posted, "csrfmiddlewaretoken": tokens[0]}).status_code == 403  # not someone else's
    assert second.post(url, {**posted, "csrfmiddlewaretoken": tokens[1]}).status_code != 403


def test_a_cached_sign_in_page_signs_in_and_keeps_never_cache_headers():
    User.objects.create_user("morgan", password="a-long-Passw0rd-91")
    url = reverse("accounts:login")
    Client().get(url)
    person = Client(enforce_csrf_checks=True)
    page = person.get(url)
    assert not page.templates
    assert "no-store" in page["Cache-Control"] and "max-age=0" in page["Cache-Control"]  # as Django's own view sends
    wrong = person.post(url, {"username": "morgan", "password": "nope", "csrfmiddlewaretoken": csrf_token(
        page.content.decode())})
    assert wrong.status_code == 200 and "Please enter a correct username and password" in wrong.content.decode()
    right = person.post(url, {"username": "morgan", "password": "a-long-Passw0rd-91",
                              "csrfmiddlewaretoken": csrf_token(page.content.decode())})
    assert right.status_code == 302
    assert "Sign out morgan" in person.get(url).content.decode()  # signed in: their own page


@pytest.mark.parametrize("name", ["accounts:login", "accounts:signup"])
def test_a_next_address_is_kept_and_never_cached(name):
    url = reverse(name)
    Client().get(url)
    page = Client().get(url, {"next": "/plan/saved/"})
    assert page.templates  # rendered for this visitor
    assert 'name="next" value="/plan/saved/"' in page.content.decode()
    assert 'name="next" value="/plan/saved/"' not in Client().get(url).content.decode()


def test_a_sign_up_from_the_cached_form_creates_the_account():
    url = reverse("accounts:signup")
    Client().get(url)
    person = Client(enforce_csrf_checks=True)
    page = person.get(url)
    assert not page.templates
    form = {"username": "newcomer", "password1": "a-long-Passw0rd-91", "password2": "a-long-Passw0rd-91",
            "csrfmiddlewaretoken": csrf_token(page.content.decode())}
    assert person.post(url, form).status_code == 302
    assert User.objects.filter(username="newcomer").exists()
