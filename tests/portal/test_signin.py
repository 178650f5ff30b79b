import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_sign_up_sends_a_verification_email_and_blocks_sign_in_until_verified(client, mailoutbox):
    response = client.post(
        reverse("account_signup"), {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert re.search(r"/accounts/confirm-email/\S+/", mailoutbox[0].body)
    client.logout()
    response = client.post(reverse("account_login"), {"login": "new@example.com", "password": PASSWORD})
    assert response["Location"] == reverse("account_email_verification_sent")


def test_passwords_are_hashed_with_argon2_in_production_settings():
    from portal import settings as portal_settings

    assert portal_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.parametrize("email", ["known@example.com", "nobody@example.com"])
def test_sign_in_failures_are_rate_limited_for_known_and_unknown_emails(client, email):
    make_user("known@example.com")
    pages = [
        client.post(reverse("account_login"), {"login": email, "password": "wrong-password"}).content.decode()
        for _ in range(6)
    ]
    assert all("not correct" in page for page in pages[:5])
    assert "Too many failed login attempts" in pages[5]
    # Locked even with the right password until the window passes.
    locked = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert locked.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_same_message_for_unknown_and_known_emails(client):
    make_user("known@example.com")
    known = client.post(reverse("account_login"), {"login": "known@example.com", "password": "wrong-password"})
    unknown = client.post(reverse("account_login"), {"login": "nobody@example.com", "password": "wrong-password"})
    assert "not correct" in known.content.decode()
    assert "not correct" in unknown.content.decode()


def test_session_expires_in_hours_not_weeks(settings):
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600


def test_pages_carry_security_headers(client):
    response = client.get(reverse("home"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_signed_in_pages_are_not_cached(client):
    client.force_login(make_user())
    response = client.get(reverse("leases:list"))
    assert "no-store" in response["Cache-Control"]


def test_post_without_csrf_token_is_refused():
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    user = make_user()
    strict.force_login(user)
    assert strict.post(reverse("leases:link"), {"account_number": "1"}).status_code == 403
    assert get_user_model().objects.count() == 1


def test_dealer_staff_land_on_their_day_of_turn_ins(client):
    from returnkit.turnin.models import DealerStaff
    from tests.factories import make_dealer

    user = make_user("service@dealer.example.com")
    DealerStaff.objects.create(user=user, dealer=make_dealer("desk"))
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response["Location"] == reverse("turnin:dealer_day")


def test_lessees_land_on_my_vehicles(client):
    user = make_user("lessee@example.com")
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response["Location"] == reverse("leases:list")
