"""The dietitian's clients list is kept in the page cache per dietitian (practice/cache.py): a client who stops
sharing is gone on the next request, a client's new or edited entry shows on the next request, and no dietitian
is ever served another's list. Every change here is made through the pages the client and the dietitian use."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from journal.models import LabResult
from practice.models import ClientLink
from practice.services import accept, invite
from tests.journal.factories import NightFactory, UserFactory, days_ago

from .test_clients import as_user, client_of, dietitian

pytestmark = pytest.mark.django_db


def table(client: Client, **params) -> str:
    """The list's table body as the dietitian's browser gets it."""
    response = client.get(reverse("practice:client_list"), params)
    assert response.status_code == 200
    return response.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def row_of(html: str, name: str) -> str:
    return next(row for row in html.split("<tr>") if f">{name}</a>" in row)


def test_a_client_who_stops_sharing_is_gone_on_the_next_request():
    dana = dietitian("dana-dietitian")
    cleo = client_of(dana, "cleo", "Cleo")
    client_of(dana, "bea", "Bea")
    NightFactory(owner=cleo, date=days_ago(1), severity=6)
    dietitian_browser = as_user(dana)
    assert ">Cleo</a>" in table(dietitian_browser) and ">Cleo</a>" in table(dietitian_browser)  # cached the 2nd time

    link = ClientLink.objects.get(dietitian=dana, client=cleo)
    assert as_user(cleo).post(reverse("practice:end_sharing", kwargs={"pk": link.pk})).status_code == 302
    html = table(dietitian_browser)
    assert ">Cleo</a>" not in html and "(cleo)" not in html and ">Bea</a>" in html

    # Sharing again makes a new link: she is back, and gone again when her account is closed.
    client_of(dana, "cleo-again", "Cleo again")
    assert ">Cleo again</a>" in table(dietitian_browser)
    closed = ClientLink.objects.get(client_name="Cleo again").client
    closed.is_active = False
    closed.save()
    assert ">Cleo again</a>" not in table(dietitian_browser)


def test_a_dietitian_is_never_served_another_dietitians_list():
    dana, otto, nell = dietitian("dana-dietitian"), dietitian("otto-dietitian"), dietitian("nell-dietitian")
    cleo = client_of(dana, "cleo", "Cleo for Dana")
    _link, _token = invite(dana, "Pending Pat")
    NightFactory(owner=cleo, date=days_ago(1), severity=6)
    assert ">Cleo for Dana</a>" in table(as_user(dana))

    # A dietitian without clients, and one the same client shares with under another name, after Dana's list is
    # cached: each gets their own.
    page = as_user(nell).get(reverse("practice:client_list")).content.decode()
    assert "Cleo for Dana" not in page and "Pending Pat" not in page and "No client shares" in page
    _link, token = invite(otto, "Cleo for Otto")
    accept(token, cleo)
    page = as_user(otto).get(reverse("practice:client_list")).content.decode()
    assert ">Cleo for Otto</a>" in page and "Cleo for Dana" not in page and "Pending Pat" not in page
    assert ">Cleo for Dana</a>" in table(as_user(dana))


def test_a_clients_new_night_or_lab_shows_on_the_next_request():
    dana = dietitian("dana-dietitian")
    cleo = client_of(dana, "cleo", "Cleo")
    NightFactory(owner=cleo, date=days_ago(3), severity=2)
    dietitian_browser, client_browser = as_user(dana), as_user(cleo)
    row = row_of(table(dietitian_browser), "Cleo")
    assert "2.0" in row and "ng/mL" not in row

    client_browser.post(reverse("journal:night_add"), {"date": days_ago(1).isoformat(), "severity": "8"})
    row = row_of(table(dietitian_browser), "Cleo")
    assert "5.0" in row  # the mean of 2 and 8

    client_browser.post(
        reverse("journal:lab_add"), {"date": days_ago(5).isoformat(), "lab": "ferritin", "value": "41", "unit": "ng/mL"}
    )
    assert "41 ng/mL" in row_of(table(dietitian_browser), "Cleo")

    result = LabResult.objects.get(owner=cleo)
    client_browser.post(
        reverse("journal:lab_edit", args=[result.pk]),
        {"date": days_ago(5).isoformat(), "lab": "ferritin", "value": "120", "unit": "ng/mL"},
    )
    row = row_of(table(dietitian_browser), "Cleo")
    assert "120 ng/mL" in row and "41 ng/mL" not in row and "no iron therapy" in row

    client_browser.post(reverse("journal:delete", args=["lab", result.pk]))
    assert "120 ng/mL" not in row_of(table(dietitian_browser), "Cleo")


def test_the_cached_list_carries_each_browsers_own_csrf_token():
    dana = dietitian("dana-dietitian")
    invite(dana, "Pending Pat")
    as_user(dana).get(reverse("practice:client_list"))  # rendered and kept
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(dana)
    page = browser.get(reverse("practice:client_list")).content.decode()  # from the cache
    assert "Pending Pat, valid until" in page and "csrf-slot-" not in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    pending = ClientLink.objects.get(client_name="Pending Pat")
    url = reverse("practice:invitation_withdraw", kwargs={"pk": pending.pk})
    assert browser.post(url, {"csrfmiddlewaretoken": token}).status_code == 302
    pending.refresh_from_db()
    assert pending.state == "ended"
    assert "Pending Pat, valid until" not in browser.get(reverse("practice:client_list")).content.decode()


def test_a_sharing_accepted_while_the_list_is_read_never_comes_back_after_it_ends(monkeypatch):
    """The client accepts between the dietitian's sharings being read (for the key) and the list being rendered, and
    later stops sharing: the key is then the one read before she accepted, and must not serve her."""
    from practice import selectors

    dana = dietitian("dana-dietitian")
    client_of(dana, "bea", "Bea")
    cleo = UserFactory(username="cleo")
    _link, token = invite(dana, "Cleo")
    real = selectors.pending_invitations

    def accepted_meanwhile(dietitian):
        if not ClientLink.objects.filter(client=cleo).exists():
            accept(token, cleo)
        return real(dietitian)

    monkeypatch.setattr(selectors, "pending_invitations", accepted_meanwhile)
    browser = as_user(dana)
    assert ">Cleo</a>" not in table(browser)  # not among the sharings read for this request's key
    assert ">Cleo</a>" in table(browser)  # the next request's
    link = ClientLink.objects.get(client=cleo)
    assert as_user(cleo).post(reverse("practice:end_sharing", kwargs={"pk": link.pk})).status_code == 302
    html = table(browser)
    assert ">Cleo</a>" not in html and ">Bea</a>" in html
