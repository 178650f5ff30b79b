"""English and Spanish: the browser's choice, the switch, the user's stored choice, their emails."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from portal.models import User
from tests.factories import NOW, PASSWORD, make_user

pytestmark = pytest.mark.django_db

SPANISH = {"HTTP_ACCEPT_LANGUAGE": "es-US,es;q=0.9,en;q=0.5"}


def lang_of(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def test_a_browser_asking_for_spanish_gets_spanish(client):
    response = client.get(reverse("account_login"), **SPANISH)
    assert lang_of(response) == "es"
    page = response.content.decode()
    assert "Iniciar sesión" in page
    assert "Crear una cuenta" in page


def test_a_browser_asking_for_english_or_anything_else_gets_english(client):
    for header in ("en-US,en;q=0.9", "fr-FR", ""):
        response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE=header)
        assert lang_of(response) == "en", header
        assert "Create an account" in response.content.decode()


def test_every_page_offers_the_switch_to_the_other_language(client):
    english = client.get(reverse("help")).content.decode()
    assert 'name="language" value="es" lang="es">Español</button>' in english
    spanish = client.get(reverse("help"), **SPANISH).content.decode()
    assert 'name="language" value="en" lang="en">English</button>' in spanish


def test_the_switch_overrides_the_browser_before_sign_in(client):
    response = client.post(reverse("language_set"), {"language": "en", "next": reverse("account_login")}, **SPANISH)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert lang_of(client.get(reverse("account_login"), **SPANISH)) == "en"


def test_the_switch_is_kept_on_the_signed_in_user(client):
    user = make_user()
    client.force_login(user)
    client.post(reverse("language_set"), {"language": "es", "next": reverse("leases:list")})
    user.refresh_from_db()
    assert user.language == "es"
    assert lang_of(client.get(reverse("leases:list"))) == "es"


def test_an_unknown_language_changes_nothing(client):
    user = make_user(language="en")
    client.force_login(user)
    client.post(reverse("language_set"), {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"


def test_signing_in_applies_the_stored_language_over_the_browser(client):
    make_user("lector@example.com", language="es")
    response = client.post(reverse("account_login"), {"login": "lector@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "es"
    # The browser asks for English; the stored choice wins from now on (the cookie).
    assert lang_of(client.get(reverse("leases:list"), HTTP_ACCEPT_LANGUAGE="en-US")) == "es"


def test_a_first_sign_in_keeps_the_language_being_read_as_the_choice(client):
    make_user("nuevo@example.com")
    client.post(reverse("account_login"), {"login": "nuevo@example.com", "password": PASSWORD}, **SPANISH)
    assert User.objects.get(email="nuevo@example.com").language == "es"


def test_a_celery_task_emails_a_spanish_reader_in_spanish_and_an_english_reader_in_english(
    personas, settings, tmp_path, django_capture_on_commit_callbacks
):
    """The "new message" email goes from a task (no request, no active language)."""
    from messaging.services import message_add, thread_start

    settings.MEDIA_ROOT = tmp_path
    thread = thread_start(lease=personas.lease, user=personas.owner, topic="other", body="Hello", now=NOW)
    User.objects.filter(email="owner@example.com").update(language="es")
    staff = make_user("ops@example.com", is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        message_add(thread=thread, user=staff, body="Hola", now=NOW, from_staff=True)
    by_reader = {email.to[0]: email for email in mail.outbox}
    assert sorted(by_reader) == ["co@example.com", "owner@example.com"]
    spanish, english = by_reader["owner@example.com"], by_reader["co@example.com"]
    assert spanish.subject.startswith("Tiene un mensaje nuevo sobre su")
    assert "Inicie sesión para leerlo y responder" in spanish.alternatives[0][0]
    assert spanish.body.startswith("Hola:")
    assert english.subject.startswith("You have a new message about your")
    assert english.body.startswith("Hello,")


def test_mail_send_renders_in_the_language_it_is_given(settings):
    from portal import mail as portal_mail

    context = {"vehicle": "2023 Toyota RAV4", "thread_url": "https://example.com/t"}
    portal_mail.send("messaging/new_message", context, to=["nobody@example.com"], language="es")
    [email] = mail.outbox
    assert email.subject == "Tiene un mensaje nuevo sobre su 2023 Toyota RAV4"


def test_spanish_keeps_us_numbers_and_writes_dates_in_words():
    import datetime as dt

    from django.contrib.humanize.templatetags.humanize import intcomma
    from django.template.defaultfilters import date as date_filter
    from django.utils import translation

    with translation.override("es"):
        assert intcomma(35375) == "35,375"
        assert date_filter(dt.date(2026, 12, 21)) == "21 de diciembre de 2026"
