"""Answers for when something has gone wrong: the branded 500 page and the 503 for a database outage.

Both pages are drawn from static context only (the lessor's branding from settings): no request
context processors, no session, no user, no query, so they render with the database gone.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

log = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def static_page(template: str, *, status: int) -> HttpResponse:
    return HttpResponse(render_to_string(template, {"LESSOR": settings.LESSOR}), status=status)


def database_down_response() -> HttpResponse:
    """503 with Retry-After: the database did not answer, so nothing was saved; try again shortly."""
    response = static_page("503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseDownMiddleware:
    """A view that finds the database unreachable answers 503 and a page saying so, not a 500.

    Errors raised outside a view (the session or the signed-in user read by another middleware)
    reach ``portal.views.server_error`` instead, which answers the same way.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_ERRORS):
            log.error("database unavailable for %s %s: %s", request.method, request.path, exception)
            return database_down_response()
        return None
