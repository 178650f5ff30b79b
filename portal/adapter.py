"""Sign-in: where each person lands, the database-kept limits on failed sign-ins, authenticator
secrets sealed at rest, and a sign-up that costs the same for known and unknown emails."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.base import forms as mfa_forms
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from leases.billing import fieldcrypt
from portal import language, ratelimit
from portal.templatetags import chrome

# Authenticator secrets and recovery-code seeds are stored as this prefix and a Fernet token.
SEALED = "fernet:"


def sign_in_limits(*, email: str, ip: str) -> list[ratelimit.Limit]:
    """Failed sign-ins: five for one email from one IP address in 15 minutes, thirty from one IP
    address in an hour; on top of allauth's per-IP limit on the cache, and kept when Redis is down."""
    return [
        ratelimit.Limit("sign-in", f"email+ip:{email}|{ip}", 5, dt.timedelta(minutes=15)),
        ratelimit.Limit("sign-in", f"ip:{ip}", 30, dt.timedelta(hours=1)),
    ]


# The session key the header's chrome reads to choose its menu ("operations", "dealer", "lessee").
PERSONA_SESSION_KEY = chrome.PERSONA_SESSION_KEY


def persona_of(user) -> str:
    """Who this signed-in user is to the portal: operations staff, dealer staff, an inspector or a lessee."""
    from returnkit.turnin.models import DealerStaff
    from wear.access import is_inspector

    if user.is_staff:
        return "operations"
    if DealerStaff.objects.filter(user=user).exists():
        return "dealer"
    if is_inspector(user):
        return "inspector"
    return "lessee"


def persona_home(persona: str) -> str:
    """Where a persona lands after signing in, and where the portal's home sends them."""
    homes = {"operations": "admin:index", "dealer": "turnin:dealer_day", "inspector": "wear:inspector_home"}
    return reverse(homes.get(persona, "leases:list"))


@dataclass(frozen=True)
class LessorSite:
    """What allauth's emails and pages call "the site": the lessor, never the host name."""

    name: str
    domain: str

    @classmethod
    def current(cls) -> LessorSite:
        return cls(name=settings.LESSOR["name"], domain=urlsplit(settings.SITE_URL).netloc or settings.SITE_URL)


class AccountAdapter(DefaultAccountAdapter):
    def format_email_subject(self, subject: str) -> str:
        """No "[host]" or "[short name]" prefix: the sender is already the lessor."""
        return " ".join(str(subject).split())

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's emails, naming the lessor where allauth would name the host."""
        lessor = {"current_site": LessorSite.current(), "site_url": settings.SITE_URL}
        super().send_mail(template_prefix, email, {**context, **lessor})

    def post_login(self, request, user, **kwargs):
        """Signed in: the language the user chose before (or reads now) for this browser too."""
        code = language.sign_in_language(request, user)
        response = super().post_login(request, user, **kwargs)
        language.cookie_set(response, code)
        return response

    def get_login_redirect_url(self, request) -> str:
        """Each persona lands on their own home: operations on the admin, dealer staff on their
        day's turn-ins, inspectors on their condition reports, lessees on My Vehicles."""
        return persona_home(persona_of(request.user))

    def login(self, request, user) -> None:
        """Remember the persona in the session, so the header shows each their own menu without
        asking the database on every page."""
        super().login(request, user)
        request.session[PERSONA_SESSION_KEY] = persona_of(user)

    def pre_authenticate(self, request, **credentials) -> None:
        """allauth's limits first, then ours: an attempt over either is refused untried."""
        super().pre_authenticate(request, **credentials)
        ip = ratelimit.client_ip(request)
        email = credentials.get("email", "").strip().lower()
        self._sign_in_limits = sign_in_limits(email=email, ip=ip)
        if not ratelimit.attempt(self._sign_in_limits, ip=ip, target=email):
            raise self.validation_error("too_many_login_attempts")

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None:
            ratelimit.give_back(self._sign_in_limits)
        return user


def two_factor_limits(*, user, ip: str) -> list[ratelimit.Limit]:
    """Wrong authenticator codes: five for one person from one IP address in 15 minutes."""
    return [ratelimit.Limit("two-factor", f"user+ip:{user.pk}|{ip}", 5, dt.timedelta(minutes=15))]


class CodeLimitedMixin:
    """Counts wrong codes in the database as well as on allauth's cache (gone in an outage)."""

    def clean_code(self) -> str:
        ip = ratelimit.client_ip(context.request)
        limits = two_factor_limits(user=self.user, ip=ip)
        if not ratelimit.attempt(limits, ip=ip, user=self.user, target=self.user.email):
            raise DefaultAccountAdapter().validation_error("too_many_login_attempts")
        code = super().clean_code()
        ratelimit.give_back(limits)
        return code


class AuthenticateForm(CodeLimitedMixin, mfa_forms.AuthenticateForm):
    pass


class ReauthenticateForm(CodeLimitedMixin, mfa_forms.ReauthenticateForm):
    pass


class MFAAdapter(DefaultMFAAdapter):
    """allauth passes every TOTP secret and recovery-code seed through these two hooks."""

    def encrypt(self, text: str) -> str:
        return seal(text)

    def decrypt(self, encrypted_text: str) -> str:
        return unseal(encrypted_text)


def seal(text: str) -> str:
    """Encrypt with FIELD_ENCRYPTION_KEY (leases.billing.fieldcrypt); sealed text stays as it is."""
    return text if is_sealed(text) else SEALED + fieldcrypt.encrypt(text)


def unseal(stored: str) -> str:
    if not is_sealed(stored):
        raise ValueError("an authenticator secret is stored unencrypted: run `manage.py migrate portal`")
    return fieldcrypt.decrypt(stored.removeprefix(SEALED))


def is_sealed(stored: str) -> bool:
    return stored.startswith(SEALED)


# Where allauth keeps secrets in an authenticator's ``data``, by type (webauthn keeps none).
SECRET_FIELDS = {"totp": ("secret",), "recovery_codes": ("seed",)}


def secrets_change(authenticator_model, change: Callable[[str], str]) -> int:
    """Pass every stored secret through ``change`` (seal, unseal, re-seal under a new key); rows
    ``change`` leaves as they are are not written. ``authenticator_model`` may be a migration's
    historical model. Returns how many rows changed."""
    changed = 0
    for authenticator in authenticator_model.objects.filter(type__in=SECRET_FIELDS).order_by("pk").iterator():
        data = dict(authenticator.data)
        for field in SECRET_FIELDS[authenticator.type]:
            if isinstance(data.get(field), str):
                data[field] = change(data[field])
        if isinstance(data.get("migrated_codes"), list):  # recovery codes carried over from elsewhere
            data["migrated_codes"] = [change(code) for code in data["migrated_codes"]]
        if data != authenticator.data:
            authenticator_model.objects.filter(pk=authenticator.pk).update(data=data)
            changed += 1
    return changed


class SignupForm(AllauthSignupForm):
    def try_save(self, request):
        """An email that already has an account gets an email, not a second account; hash the
        password anyway, so that answer takes as long as creating an account (no timing tell)."""
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)
