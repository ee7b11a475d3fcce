"""Repeated failed sign-ins lock the account out from that address (django-axes); passwords are validated."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def sign_in(client, password):
    return client.post(reverse("accounts:login"), {"username": "robin", "password": password})


def test_repeated_failed_sign_ins_lock_the_account_out(client, django_user_model):
    django_user_model.objects.create_user("robin", password="right-Passw0rd-91")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "wrong").status_code == 200  # the form again, with its error
    locked = sign_in(client, "wrong")
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    # Even the right password is refused while locked out.
    assert sign_in(client, "right-Passw0rd-91").status_code == 429


def test_a_successful_sign_in_resets_the_count(client, django_user_model):
    django_user_model.objects.create_user("robin", password="right-Passw0rd-91")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "wrong")
    assert sign_in(client, "right-Passw0rd-91").status_code == 302
    client.post(reverse("accounts:logout"))
    assert sign_in(client, "wrong").status_code == 200


def test_sign_up_refuses_weak_passwords(client, django_user_model):
    response = client.post(
        reverse("accounts:signup"), {"username": "pat", "password1": "12345678", "password2": "12345678"}
    )
    assert response.status_code == 200
    assert "too common" in response.content.decode() or "entirely numeric" in response.content.decode()
    assert not django_user_model.objects.filter(username="pat").exists()
