"""Two-factor authentication is required of everyone who works for the lessor or a dealer.

Operations staff (``is_staff``, checked on every page by ``StaffTwoFactorMiddleware``) and dealer
staff (checked by ``returnkit.turnin.dealer_views.dealer_required`` on every dealer page) reach
nothing but the enrolment page, its recovery codes and signing out until they have added an
authenticator app. Lessees may add one; nobody makes them. Signing in with an authenticator asks
for its code (allauth's own login stage), so after enrolment a password alone signs nobody in.
"""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

ENROL = "mfa_activate_totp"
# Pages a user who still has to enrol may see: enrolment and what it leads to, and the way out.
WHILE_ENROLLING = {
    ENROL,
    "mfa_view_recovery_codes",
    "mfa_download_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_index",
    "mfa_reauthenticate",
    "account_reauthenticate",
    "account_logout",
    "account_email_verification_sent",
    "account_confirm_email",
    "healthz",
}
NOTICE = "Staff accounts must use two-factor authentication: add an authenticator app to continue."


def enrolment_redirect(request: HttpRequest, *, enrolled: bool | None = None) -> HttpResponse | None:
    """The way to the enrolment page when the signed-in user has no authenticator app yet; None
    once they have one. Call it for every user who must use two-factor; ``enrolled`` saves the
    query when the caller read it already (``with_enrolled``)."""
    if enrolled is None:
        enrolled = is_mfa_enabled(request.user, [Authenticator.Type.TOTP])
    if enrolled:
        return None
    messages.warning(request, NOTICE, fail_silently=True)
    return redirect(ENROL)


def with_enrolled(queryset: QuerySet, user_field: str = "user") -> QuerySet:
    """``queryset`` with ``enrolled``: whether the row's user has an authenticator app."""
    totp = Authenticator.objects.filter(user=OuterRef(user_field), type=Authenticator.Type.TOTP)
    return queryset.annotate(enrolled=Exists(totp))


class StaffTwoFactorMiddleware:
    """Operations staff use no page (the admin above all) until they have an authenticator."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not (user.is_staff or user.is_superuser):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in WHILE_ENROLLING:
            return None
        return enrolment_redirect(request)
