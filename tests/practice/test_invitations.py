"""Clients by invitation and consent: a single-use link valid 14 days, shown once and stored hashed; the client
sees what will be shared before accepting, and ends the sharing from their account page."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from practice.models import ClientLink
from tests.journal.factories import NightFactory, UserFactory

pytestmark = pytest.mark.django_db


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def dana():
    user = UserFactory(username="dana-dietitian")
    user.groups.add(Group.objects.get(name="Dietitian"))
    return user


@pytest.fixture
def cleo():
    return UserFactory(username="cleo-client")


def invite(dietitian, name="Cleo") -> str:
    """Create an invitation through the page and return the link shown (its path)."""
    client = as_user(dietitian)
    response = client.post(reverse("practice:invite"), {"client_name": name}, follow=True)
    assert response.status_code == 200
    url = re.search(r'value="(http://testserver(/invitation/[^"]+/))"', response.content.decode()).group(2)
    return url


def test_the_link_is_shown_once_and_only_its_hash_is_stored(dana):
    client = as_user(dana)
    response = client.post(reverse("practice:invite"), {"client_name": "Cleo"}, follow=True)
    page = response.content.decode()
    token = re.search(r"/invitation/([^/\"]+)/", page).group(1)
    link = ClientLink.objects.get()
    assert link.state == "invited" and link.client is None and link.client_name == "Cleo"
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in link.token_hash
    assert dt.timedelta(days=13, hours=23) < link.expires_at - timezone.now() <= dt.timedelta(days=14)
    again = client.get(reverse("practice:invite")).content.decode()
    assert token not in again


def test_anonymous_visitor_sees_what_will_be_shared_and_is_asked_to_sign_in_or_up(dana):
    url = invite(dana)
    page = Client().get(url)
    text = page.content.decode()
    assert page.status_code == 200
    for shared in ("saved profiles", "saved plans", "journal"):
        assert shared in text
    assert f"/accounts/signup/?next={url}" in text
    assert "Accept and share" not in text


def test_a_new_person_signs_up_through_the_link_and_accepts(dana):
    url = invite(dana)
    browser = Client()
    signup = browser.post(
        reverse("accounts:signup"),
        {
            "username": "newcomer",
            "email": "n@example.org",
            "password1": "a-long-Passw0rd!",
            "password2": "a-long-Passw0rd!",
            "next": url,
        },
    )
    assert signup.status_code == 302 and signup["Location"] == url
    assert "Accept and share my data" in browser.get(url).content.decode()
    accepted = browser.post(url)
    assert accepted.status_code == 302
    link = ClientLink.objects.get()
    assert link.state == "active" and link.client.username == "newcomer" and link.accepted_at


def test_the_dietitian_sees_the_client_only_after_acceptance(dana, cleo):
    url = invite(dana)
    page = reverse("practice:client_detail", kwargs={"client": cleo.pk})
    assert as_user(dana).get(page).status_code == 404
    as_user(cleo).post(url)
    response = as_user(dana).get(page)
    assert response.status_code == 200 and "Cleo" in response.content.decode()
    assert "Cleo" in as_user(dana).get(reverse("practice:client_list")).content.decode()


def test_an_invitation_used_twice_is_refused(dana, cleo):
    url = invite(dana)
    assert as_user(cleo).post(url).status_code == 302
    someone = UserFactory(username="someone-else")
    second = as_user(someone).post(url)
    assert second.status_code == 409 and "already been used" in second.content.decode()
    assert as_user(someone).get(url).status_code == 410
    assert ClientLink.objects.get().client == cleo


def test_an_expired_invitation_is_refused(dana, cleo):
    url = invite(dana)
    ClientLink.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert as_user(cleo).get(url).status_code == 410
    refused = as_user(cleo).post(url)
    assert refused.status_code == 409 and "expired" in refused.content.decode()
    assert ClientLink.objects.get().state == "invited"


def test_the_dietitian_cannot_accept_their_own_invitation(dana):
    url = invite(dana)
    page = as_user(dana).get(url).content.decode()
    assert "your own invitation" in page and "Accept and share" not in page
    assert as_user(dana).post(url).status_code == 409
    assert ClientLink.objects.get().state == "invited"


def test_an_unknown_token_is_404(cleo):
    assert as_user(cleo).get(reverse("practice:invitation", kwargs={"token": "not-a-token"})).status_code == 404


def test_a_withdrawn_invitation_cannot_be_accepted(dana, cleo):
    url = invite(dana)
    link = ClientLink.objects.get()
    assert as_user(dana).post(reverse("practice:invitation_withdraw", kwargs={"pk": link.pk})).status_code == 302
    assert as_user(cleo).post(url).status_code == 409
    assert ClientLink.objects.get().state == "ended"


def test_ending_the_sharing_mid_session_cuts_the_dietitian_off_at_once(dana, cleo):
    NightFactory(owner=cleo, severity=7)
    as_user(cleo).post(invite(dana))
    dietitian = as_user(dana)
    pages = [
        reverse("practice:client_detail", kwargs={"client": cleo.pk}),
        reverse("practice:client_trends", kwargs={"client": cleo.pk}),
    ]
    assert [dietitian.get(p).status_code for p in pages] == [200, 200]
    client = as_user(cleo)
    account = client.get(reverse("accounts:account")).content.decode()
    assert "Stop sharing with dana-dietitian" in account
    link = ClientLink.objects.get()
    ended = client.post(reverse("practice:end_sharing", kwargs={"pk": link.pk}))
    assert ended.status_code == 302
    assert [dietitian.get(p).status_code for p in pages] == [404, 404]
    assert dietitian.post(reverse("practice:note_add", kwargs={"client": cleo.pk}), {"text": "x"}).status_code == 404
    assert "Cleo" not in dietitian.get(reverse("practice:client_list")).content.decode()
    link.refresh_from_db()
    assert link.state == "ended" and link.ended_at
    assert "Stop sharing" not in client.get(reverse("accounts:account")).content.decode()


def test_no_one_else_ends_a_clients_sharing(dana, cleo):
    as_user(cleo).post(invite(dana))
    link = ClientLink.objects.get()
    for user in (dana, UserFactory(username="stranger")):
        assert as_user(user).post(reverse("practice:end_sharing", kwargs={"pk": link.pk})).status_code == 404
    link.refresh_from_db()
    assert link.state == "active"


def test_a_client_can_share_again_after_ending(dana, cleo):
    as_user(cleo).post(invite(dana))
    as_user(cleo).post(reverse("practice:end_sharing", kwargs={"pk": ClientLink.objects.get().pk}))
    assert as_user(cleo).post(invite(dana)).status_code == 302
    assert ClientLink.objects.active().get().client == cleo


def test_the_dietitian_reads_but_never_writes_the_clients_journal(dana, cleo):
    night = NightFactory(owner=cleo, severity=7)
    as_user(cleo).post(invite(dana))
    dietitian = as_user(dana)
    # The journal's own pages open the viewer's own journal: the client's entries are not reachable there.
    assert dietitian.get(reverse("journal:night_edit", kwargs={"pk": night.pk})).status_code == 404
    assert dietitian.post(reverse("journal:delete", kwargs={"kind": "night", "pk": night.pk})).status_code == 404
    night.refresh_from_db()
