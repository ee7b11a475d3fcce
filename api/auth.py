"""Who is calling: a personal access token (`Authorization: Bearer <token>`), the site's session (CSRF checked on
unsafe methods), or nobody. Each answer carries the key its rate limits count against."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from accounts.tokens import token_for
from config.client_ip import client_ip


@dataclass(frozen=True)
class Caller:
    user: object | None  # a User, or None when anonymous
    limit_key: str  # token:<id>, user:<id> or ip:<address>

    @property
    def signed_in(self) -> bool:
        return self.user is not None


class TokenAuth(HttpBearer):
    """A personal access token; a wrong or revoked one is a 401 even on routes that need no account."""

    def authenticate(self, request, token):
        found = token_for(token)
        if found is None:
            raise AuthenticationError(message="The API token is unknown or has been revoked.")
        request.user = found.user
        return Caller(found.user, f"token:{found.pk}")


class SessionAuth(APIKeyCookie):
    """The site's session, as signed in on the pages; unsafe methods need the CSRF token (X-CSRFToken)."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None  # not signed in: no session to protect, so no CSRF check for anonymous callers
        if check_csrf(request):
            raise HttpError(403, "CSRF check failed: send the csrftoken cookie's value as X-CSRFToken.")
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        if key is None or not request.user.is_authenticated:
            return None
        return Caller(request.user, f"user:{request.user.pk}")


def anonymous(request) -> Caller:
    return Caller(None, f"ip:{client_ip(request)}")  # the address the pages' limits and django-axes count by


SIGNED_IN = [TokenAuth(), SessionAuth()]
ANYONE = [TokenAuth(), SessionAuth(), anonymous]
