"""The account page's empty forms (a new API token, deleting the account) are rendered once and kept; what a person
typed, and the errors it got, show on their answer only, never on a later page, theirs or anyone's."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.journal.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_errors_show_on_the_answer_only_and_the_next_pages_have_empty_forms(client):
    ana, ben = UserFactory(username="ana"), UserFactory(username="ben")
    client.force_login(ana)
    ben_client = Client()
    ben_client.force_login(ben)
    empty = client.get(reverse("accounts:account")).content.decode()
    assert 'name="confirm"' in empty and 'name="name"' in empty

    answer = client.post(reverse("accounts:account_delete"), {"password": "wrong", "confirm": "remove-me-typed"})
    html = answer.content.decode()
    assert "that is not your password" in html and 'value="remove-me-typed"' in html
    answer = client.post(reverse("accounts:account"), {"name": "x" * 101})
    html = answer.content.decode()
    assert "at most 100 characters" in html and 'value="' + "x" * 101 + '"' in html

    for page in (client.get(reverse("accounts:account")), ben_client.get(reverse("accounts:account")),
                 client.get(reverse("accounts:account_delete"))):
        html = page.content.decode()
        assert "remove-me-typed" not in html and "x" * 101 not in html
        assert "that is not your password" not in html and "at most 100 characters" not in html
        assert 'name="confirm"' in html and 'name="name"' in html
