"""Site-wide error handlers.

Django calls `server_error` while the exception is still being handled, so it can tell a lost
database (503, try again shortly) from a bug (500). Both pages are standalone templates that need
no database.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string

logger = logging.getLogger("restful_plate.errors")


def server_error(request, template_name="500.html"):
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        logger.error("database unavailable: %s", error)
        response = HttpResponseServerError(render_to_string("503.html"))
        response.status_code = 503
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(render_to_string(template_name))


PLANS_BUSY_RETRY = 60  # seconds


def plans_busy(request):
    """The plan queue is full (settings.PLAN_QUEUE_MAX_LENGTH): a clear 503 that says to try again shortly."""
    response = render(request, "plans_busy.html", status=503)
    response["Retry-After"] = str(PLANS_BUSY_RETRY)
    return response
