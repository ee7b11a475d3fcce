"""Personal access tokens: made, named, listed and revoked on the account page (shown once, stored hashed), or
printed by `manage.py create_api_token`; a revoked token stops working at once."""

import hashlib
import re

import pytest
from django.core.management import CommandError, call_command

from accounts.models import ApiToken

from .conftest import Api

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'value="(rp_[A-Za-z0-9_-]+)"')


def test_the_account_page_needs_an_account(client):
    response = client.get("/accounts/me/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_token_is_shown_once_stored_hashed_and_works(client, people):
    client.force_login(people["other"])
    created = client.post("/accounts/me/", {"name": "My phone"})
    assert created.status_code == 200
    raw = TOKEN.search(created.content.decode()).group(1)
    row = ApiToken.objects.get(user=people["other"], name="My phone")
    assert row.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert not ApiToken.objects.filter(digest=raw).exists() and raw not in str(list(ApiToken.objects.values()))
    again = client.get("/accounts/me/").content.decode()
    assert "My phone" in again and raw not in again and row.prefix in again
    assert Api(raw).get("plans").status_code == 200
    assert ApiToken.objects.get(pk=row.pk).last_used_at is not None


def test_a_token_needs_a_name(client, people):
    client.force_login(people["other"])
    response = client.post("/accounts/me/", {"name": ""})
    assert "This field is required" in response.content.decode()
    assert not ApiToken.objects.filter(user=people["other"]).exclude(name="tests").exists()


def test_a_revoked_token_stops_working_and_only_its_owner_revokes_it(client, people):
    token = ApiToken.objects.get(user=people["owner"])
    client.force_login(people["other"])
    client.post(f"/accounts/me/tokens/{token.pk}/revoke/")
    assert Api(people["owner_token"]).get("plans").status_code == 200  # someone else's: nothing happens
    client.force_login(people["owner"])
    response = client.post(f"/accounts/me/tokens/{token.pk}/revoke/", follow=True)
    assert "revoked" in response.content.decode()
    assert Api(people["owner_token"]).get("plans").status_code == 401


def test_a_deactivated_persons_token_stops_working(people):
    people["owner"].is_active = False
    people["owner"].save()
    assert Api(people["owner_token"]).get("plans").status_code == 401


def test_create_api_token_prints_a_working_token(capsys, people):
    call_command("create_api_token", "owner", "--name", "script")
    raw = capsys.readouterr().out.strip()
    assert raw.startswith("rp_") and ApiToken.objects.filter(user=people["owner"], name="script").exists()
    assert Api(raw).get(f"plans/{people['plan'].pk}").status_code == 200
    with pytest.raises(CommandError, match="username: no user called 'nobody'"):
        call_command("create_api_token", "nobody")
