"""The language a person reads the portal in: English or Spanish (settings.LANGUAGES).

A first visit follows the browser (LocaleMiddleware reads Accept-Language); the switch in the
header posts to ``language_set``, which sets Django's language cookie and keeps the choice on the
user; signing in applies the stored choice (``portal.adapter.AccountAdapter.post_login``).
Emails, reminders and PDFs made away from a request (Celery) render in the recipient's language
through ``language_for`` / ``languages_for_addresses`` (``portal.mail.send`` does it for every email).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language


def known(code: str | None) -> str | None:
    """``code`` if it is one of the portal's languages (es-US counts as es), else None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def language_for(user) -> str:
    """The language to write to ``user`` in: their choice, else the portal's default (English)."""
    return known(getattr(user, "language", "")) or settings.LANGUAGE_CODE


def languages_for_addresses(addresses: Iterable[str]) -> dict[str, list[str]]:
    """``addresses`` grouped by the language of the account behind each (unknown: the default),
    in the order given, so co-lessees who read different languages each get their own."""
    from portal.models import User

    addresses = list(addresses)
    chosen = dict(User.objects.filter(email__in=[a.lower() for a in addresses]).values_list("email", "language"))
    groups: dict[str, list[str]] = {}
    for address in addresses:
        language = known(chosen.get(address.lower())) or settings.LANGUAGE_CODE
        groups.setdefault(language, []).append(address)
    return groups


def reader_language() -> str:
    """The active language as the portal's data knows it: "es" for any Spanish, else "en"."""
    return "es" if (translation.get_language() or "en").startswith("es") else "en"


def in_language(english: str, spanish: str | None, language: str | None = None) -> str:
    """Words kept in both languages (a ``*_es`` field or setting): the Spanish for a Spanish
    reader (``language``, else the active one) when it is written, else the English."""
    return spanish if spanish and (language or reader_language()) == "es" else english


def lessor_words() -> dict:
    """settings.LESSOR for the active language: its hours in Spanish when that is being read."""
    lessor = settings.LESSOR
    return {**lessor, "hours": in_language(lessor["hours"], lessor.get("hours_es"))}


def cookie_set(response: HttpResponseBase, code: str) -> None:
    """Django's language cookie, as its set_language view writes it."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def sign_in_language(request: HttpRequest, user) -> str:
    """At sign-in: the language the user chose before wins over this browser's (from here on in
    this request too, so "signed in" is said in it); a user who never chose keeps the one they
    are reading now, which becomes their choice. The caller puts it in the cookie (cookie_set)."""
    code = known(user.language)
    if code is None:
        code = known(translation.get_language()) or settings.LANGUAGE_CODE
        get_user_model().objects.filter(pk=user.pk).update(language=code)
        user.language = code
    translation.activate(code)
    request.LANGUAGE_CODE = code
    return code


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The header's switch: Django's set_language (cookie, safe redirect), and the choice kept on
    the signed-in user for their next sign-in, emails and PDFs."""
    response = set_language(request)
    code = known(request.POST.get("language"))
    if code and request.user.is_authenticated and request.user.language != code:
        get_user_model().objects.filter(pk=request.user.pk).update(language=code)
    return response
