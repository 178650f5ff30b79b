"""allauth's pages in the portal's layout and voice, in English and in Spanish."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, give_authenticator, make_user

pytestmark = pytest.mark.django_db

SIGNED_OUT = ["account_login", "account_signup", "account_reset_password", "account_email_verification_sent"]
SIGNED_IN = ["account_email", "account_change_password", "mfa_index", "account_reauthenticate", "mfa_activate_totp"]
# Words allauth's own English (or a half-done page) would leave on a Spanish page, and Spanish
# that must not reach an English one.
ENGLISH_LEAKS = re.compile(
    r"\b(Your|Sign In|Sign in|Remember Me|Password|Email address|Forgot|Successfully|Messages|Notifications|Help)\b"
)
SPANISH_LEAKS = re.compile(r"\b(su|Iniciar sesión|Contraseña|correo electrónico)\b")
DUMP = Path("/tmp/i18n/pages")


def visible_text(html: str) -> str:
    """The words a reader sees: no tags, scripts, attributes, or the language switch's other name."""
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    html = re.sub(r'(?s)<button[^>]*name="language".*?</button>', " ", html)
    return re.sub(r"\s+", " ", re.sub(r"(?s)<[^>]+>", " ", html))


def page(client, name, language):
    response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, name
    html = response.content.decode()
    if DUMP.parent.exists():
        DUMP.mkdir(exist_ok=True)
        (DUMP / f"{name}.{language}.html").write_text(html)
    return html


def assert_in_portal_layout(html: str, language: str) -> None:
    assert f'<html lang="{language}">' in html
    assert 'class="site-header' in html and 'id="main"' in html and "site-footer" in html
    assert "bootstrap.min.css" in html
    assert re.search(r'<h1 class="h3 mb-3">', html)


@pytest.mark.parametrize("name", SIGNED_OUT)
def test_signed_out_account_pages_in_english(client, name):
    html = page(client, name, "en")
    assert_in_portal_layout(html, "en")
    assert not SPANISH_LEAKS.search(visible_text(html)), SPANISH_LEAKS.search(visible_text(html))


@pytest.mark.parametrize("name", SIGNED_OUT)
def test_signed_out_account_pages_in_spanish(client, name):
    html = page(client, name, "es")
    assert_in_portal_layout(html, "es")
    assert not ENGLISH_LEAKS.search(visible_text(html)), ENGLISH_LEAKS.search(visible_text(html))


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("name", SIGNED_IN)
def test_signed_in_account_pages_in_both_languages(client, name, language):
    user = make_user(language=language)
    # Signed in through the form: setting up two-factor asks for a recent password sign-in.
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    if name == "mfa_activate_totp":  # allauth asks for the password again first
        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    html = page(client, name, language)
    assert_in_portal_layout(html, language)
    leaks = ENGLISH_LEAKS if language == "es" else SPANISH_LEAKS
    assert not leaks.search(visible_text(html)), leaks.search(visible_text(html))


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_two_factor_step_of_sign_in_and_the_recovery_codes(client, language):
    user = make_user("dos@example.com", language=language)
    give_authenticator(user)
    client.cookies["django_language"] = language
    client.post(reverse("account_login"), {"login": "dos@example.com", "password": PASSWORD})
    html = page(client, "mfa_authenticate", language)
    assert_in_portal_layout(html, language)
    leaks = ENGLISH_LEAKS if language == "es" else SPANISH_LEAKS
    assert not leaks.search(visible_text(html)), leaks.search(visible_text(html))


def test_the_security_menu_links_password_email_addresses_and_two_factor(client):
    client.force_login(make_user())
    html = client.get(reverse("help")).content.decode()
    for name in ("account_change_password", "account_email", "mfa_index"):
        assert f'href="{reverse(name)}"' in html


def test_the_sign_up_email_names_the_lessor_never_the_host(client, settings, mailoutbox):
    client.post(reverse("account_signup"), {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD})
    [email] = mailoutbox
    lessor = settings.LESSOR["name"]
    assert email.subject == f"Confirm your email address for {lessor}"
    assert lessor in email.body
    for host_words in ("testserver", "127.0.0.1", "example.com!", "[", "Hello from"):
        assert host_words not in email.subject + email.body.split("http")[0], host_words


def test_the_sign_up_email_in_spanish(client, settings, mailoutbox):
    client.post(
        reverse("account_signup"),
        {"email": "nueva@example.com", "password1": PASSWORD, "password2": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="es",
    )
    [email] = mailoutbox
    assert email.subject == f"Confirme su correo electrónico para {settings.LESSOR['name']}"
    assert email.body.startswith("Hola:")
    assert "Your" not in email.body and "Hello" not in email.body
