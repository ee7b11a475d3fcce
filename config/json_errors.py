"""The JSON API's one error shape, `{"detail": ..., "field": ...}`, and the middleware that keeps it so.

Under /api/ no response is ever an HTML page: a request body over `API_MAX_BODY_BYTES` is refused with 413 before
anything reads it, and any error response that is not JSON already (Django's 404 and 500 pages, a bare 405, a CSRF
failure page) is replaced by the same status in the JSON shape.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import JsonResponse

API_PREFIX = "/api/"
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")

log = logging.getLogger("restful_plate.api")


def json_error(status: int, detail: str, field: str | None = None, headers: dict | None = None) -> JsonResponse:
    return JsonResponse({"detail": detail, "field": field}, status=status, headers=headers)


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class ApiErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        limit = settings.API_MAX_BODY_BYTES
        if _content_length(request) > limit:
            return json_error(413, f"The request body is too large: at most {limit} bytes.", "body")
        response = self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith("application/json"):
            if response.status_code >= 500:
                log.error("API %s %s answered %s", request.method, request.path, response.status_code)
            headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
            return json_error(response.status_code, f"{response.reason_phrase}.", headers=headers)
        return response
