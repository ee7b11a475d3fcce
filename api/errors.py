"""Every API error as `{"detail": ..., "field": ...}` (config.json_errors) with its status: the exception handlers."""

from __future__ import annotations

import logging

from django.http import Http404
from ninja.errors import AuthenticationError, HttpError, ValidationError

from config.json_errors import json_error
from planner.plan_store import NoSuchMeal
from planner.profiles import ProfileError

log = logging.getLogger("restful_plate.api")
SOURCES = ("body", "query", "path", "header", "cookie", "form")


class FieldError(HttpError):
    """Bad input in one named field."""

    def __init__(self, status: int, field: str, message: str):
        super().__init__(status, message)
        self.field = field


class RateLimited(HttpError):
    def __init__(self, retry_after: int):
        super().__init__(429, f"Too many requests: try again in {retry_after} seconds.")
        self.retry_after = retry_after


def _field(loc) -> str | None:
    """pydantic's location (("body", "profile", "age") or ("query", "page")) as the field a person would name."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in SOURCES:
        source, parts = parts[0], parts[1:]
        if source == "body" and len(parts) > 1:
            parts = parts[1:]  # the body parameter's own name
    return ".".join(parts) or None


def validation_error(request, exc: ValidationError):
    first = exc.errors[0] if exc.errors else {}
    field = _field(first.get("loc", ()))
    message = first.get("msg", "invalid input")
    return json_error(422, f"{field}: {message}" if field else message, field)


def profile_error(request, exc: ProfileError):
    return json_error(422, str(exc), exc.field)


def no_such_meal(request, exc: NoSuchMeal):
    return json_error(422, f"{exc.field}: {exc}", exc.field)


def authentication_error(request, exc: AuthenticationError):
    detail = exc.message if exc.message != "Unauthorized" else (
        "Sign in, or send a personal access token as 'Authorization: Bearer <token>'."
    )
    return json_error(401, detail, headers={"WWW-Authenticate": 'Bearer realm="api"'})


def rate_limited(request, exc: RateLimited):
    return json_error(429, exc.message, headers={"Retry-After": str(exc.retry_after)})


def http_error(request, exc: HttpError):
    field = getattr(exc, "field", None)
    if exc.status_code == 400 and field is None:
        field = "body"  # django-ninja's only 400: a body that is not JSON
        return json_error(400, "body: not valid JSON.", field)
    return json_error(exc.status_code, exc.message, field)


def not_found(request, exc: Http404):
    return json_error(404, "Not found.")


def unexpected(request, exc: Exception):
    log.exception("API error on %s %s", request.method, request.path)
    return json_error(500, "Something went wrong on our side; it has been logged.")


HANDLERS = [
    (ValidationError, validation_error),
    (ProfileError, profile_error),
    (NoSuchMeal, no_such_meal),
    (RateLimited, rate_limited),
    (AuthenticationError, authentication_error),
    (HttpError, http_error),
    (Http404, not_found),
    (Exception, unexpected),
]
