"""Accounts: sign up, sign in, sign out (POST only) and password reset by e-mail."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_sign_up_creates_the_account_and_signs_the_person_in(client):
    assert "Create account" in client.get(reverse("accounts:signup")).content.decode()
    response = client.post(
        reverse("accounts:signup"),
        {
            "username": "rosa",
            "email": "rosa@example.org",
            "password1": "calm-legs-4821",
            "password2": "calm-legs-4821",
            "next": "/foods/",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/foods/"
    assert get_user_model().objects.get(username="rosa").email == "rosa@example.org"
    assert "Sign out rosa" in client.get(reverse("home")).content.decode()


def test_sign_up_refuses_mismatched_passwords_beside_the_field(client):
    body = client.post(
        reverse("accounts:signup"), {"username": "rosa", "password1": "calm-legs-4821", "password2": "other-9999"}
    ).content.decode()
    assert "password fields didn" in body.replace("&#x27;", "'")
    assert not get_user_model().objects.filter(username="rosa").exists()


def test_sign_up_ignores_a_next_url_on_another_site(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            "username": "li",
            "password1": "calm-legs-4821",
            "password2": "calm-legs-4821",
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == reverse("planner:saved")


def test_sign_in_and_sign_out_by_post(client, django_user_model):
    django_user_model.objects.create_user("sam", password="calm-legs-4821")
    assert "Sign in" in client.get(reverse("accounts:login")).content.decode()
    bad = client.post(reverse("accounts:login"), {"username": "sam", "password": "wrong"})
    assert "correct username and password" in bad.content.decode()
    response = client.post(reverse("accounts:login"), {"username": "sam", "password": "calm-legs-4821"})
    assert response.status_code == 302
    assert client.get(reverse("accounts:logout")).status_code == 405  # a link cannot sign you out
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "Sign in" in client.get(reverse("home")).content.decode()


def test_password_reset_mails_a_link_that_sets_a_new_password(client, django_user_model):
    django_user_model.objects.create_user("kim", email="kim@example.org", password="old-pass-4821")
    response = client.post(reverse("accounts:password_reset"), {"email": "kim@example.org"})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]  # Django swaps the token for a session marker
    assert "Choose a new password" in client.get(form_url).content.decode()
    done = client.post(form_url, {"new_password1": "new-pass-9137", "new_password2": "new-pass-9137"})
    assert done["Location"] == reverse("accounts:password_reset_complete")
    signed_in = client.post(reverse("accounts:login"), {"username": "kim", "password": "new-pass-9137"})
    assert signed_in.status_code == 302
