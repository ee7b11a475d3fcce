"""Creating, checking and revoking personal access tokens (the account page, `create_api_token` and the API)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone

from .models import ApiToken

PREFIX = "rp_"
# Writing last_used_at on every request would turn each API read into a write; once a minute is enough to show.
TOUCH_EVERY = timedelta(minutes=1)


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(user, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`: the row, and the token itself (shown once, never stored)."""
    raw = PREFIX + secrets.token_urlsafe(32)
    name = name.strip()[: ApiToken._meta.get_field("name").max_length] or "API token"
    token = ApiToken.objects.create(user=user, name=name, digest=digest(raw), prefix=raw[:10])
    return token, raw


def token_for(raw: str) -> ApiToken | None:
    """The live token for this secret, with its active user, or None (unknown, revoked, or user deactivated)."""
    if not raw or not raw.startswith(PREFIX) or len(raw) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(digest=digest(raw)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def revoke(user, pk: int) -> ApiToken | None:
    """Delete one of `user`'s tokens; None when it is not theirs (or already gone)."""
    token = ApiToken.objects.owned_by(user).filter(pk=pk).first()
    if token is not None:
        token.delete()
    return token
