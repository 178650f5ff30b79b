"""Operations and dealer staff sign in through allauth with two-factor; /ops/login/ is no way round it.

Issue 13: the admin's own login form signed staff in with a password alone, and nothing made
staff or dealer staff add an authenticator app.
"""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.factories import (
    PASSWORD,
    TOTP_SECRET,
    give_authenticator,
    make_dealer,
    make_dealer_user,
    make_inspector,
    make_user,
)
from tests.totp import totp

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def still_clock(time_machine):
    """Hold the process clock: allauth checks a code against time.time() with no tolerance, so a
    code computed just before a 30-second boundary would be refused just after it."""
    time_machine.move_to(time.time(), tick=False)


ENROL = reverse("mfa_activate_totp")


def password_sign_in(client, email: str, next_url: str = ""):
    data = {"login": email, "password": PASSWORD}
    url = reverse("account_login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, data)


def test_the_admin_login_sends_operations_to_the_allauth_sign_in_keeping_next(client):
    response = client.get("/ops/login/?next=/ops/leases/lease/")
    assert response.status_code == 302
    where = urlsplit(response["Location"])
    assert where.path == reverse("account_login")
    assert parse_qs(where.query) == {"next": ["/ops/leases/lease/"]}


def test_a_password_alone_does_not_open_the_admin_for_staff_with_an_authenticator(client):
    staff = make_user("ops@example.com", is_staff=True, is_superuser=True)
    assert Authenticator.objects.filter(user=staff, type="totp").exists()

    # The admin's own form, as the attacker used it: no longer a sign-in form at all.
    posted = client.post("/ops/login/?next=/ops/", {"username": staff.email, "password": PASSWORD, "next": "/ops/"})
    assert posted.status_code == 302 and posted["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    assert client.get("/ops/").status_code == 302

    # allauth's form: the password leads to the code, not in.
    signed = password_sign_in(client, staff.email, "/ops/")
    assert signed["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get("/ops/")["Location"].startswith(reverse("admin:login"))

    # With the code from the app, operations are in.
    coded = client.post(reverse("mfa_authenticate"), {"code": totp(TOTP_SECRET)})
    assert coded.status_code == 302 and coded["Location"] == "/ops/"
    assert client.get("/ops/").status_code == 200


def test_staff_without_an_authenticator_are_sent_to_enrol_and_see_recovery_codes_once_enrolled(client):
    staff = make_user("new-ops@example.com", is_staff=True, two_factor=False)

    signed = password_sign_in(client, staff.email, "/ops/")
    assert signed.status_code == 302 and signed["Location"] == "/ops/"
    for url in ("/ops/", reverse("leases:list"), reverse("help")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == ENROL, url

    # allauth asks for the password again before adding an authenticator, then shows the QR code.
    again = client.get(ENROL)
    assert again["Location"].startswith(reverse("account_reauthenticate"))
    assert client.post(again["Location"], {"password": PASSWORD})["Location"] == ENROL
    page = client.get(ENROL)
    assert page.status_code == 200
    assert "must use two-factor authentication" in page.content.decode()
    secret = client.session["mfa.totp.secret"]
    enrolled = client.post(ENROL, {"code": totp(secret)})
    assert enrolled["Location"] == reverse("mfa_view_recovery_codes")
    codes = client.get(enrolled["Location"]).content.decode()
    assert len(re.findall(r"\b\d{8}\b", codes)) >= 10  # the recovery codes, shown to write down
    assert client.get("/ops/").status_code == 200


def test_dealer_staff_without_an_authenticator_are_sent_to_enrol(client):
    dealer = make_dealer("hudson-toyota")
    user = make_dealer_user(dealer, "desk@dealer.example.com", two_factor=False)
    client.force_login(user)
    response = client.get(reverse("turnin:dealer_day"))
    assert response.status_code == 302 and response["Location"] == ENROL
    assert client.get(reverse("turnin:dealer_walk_in"))["Location"] == ENROL


def test_dealer_staff_with_an_authenticator_sign_in_with_its_code(client):
    user = make_dealer_user(make_dealer("hudson-toyota"), "desk@dealer.example.com")
    assert password_sign_in(client, user.email)["Location"] == reverse("mfa_authenticate")
    coded = client.post(reverse("mfa_authenticate"), {"code": totp(TOTP_SECRET)})
    assert coded["Location"] == reverse("turnin:dealer_day")
    assert client.get(reverse("turnin:dealer_day")).status_code == 200


def test_lessees_are_not_made_to_enrol(client):
    client.force_login(make_user("lessee@example.com"))
    assert client.get(reverse("leases:list")).status_code == 200


def test_inspectors_without_an_authenticator_are_sent_to_enrol(client):
    inspector = make_inspector("clearview", "no-app@inspect.example.com", two_factor=False)
    client.force_login(inspector)
    response = client.get(reverse("wear:inspector_home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    give_authenticator(inspector)
    assert client.get(reverse("wear:inspector_home")).status_code == 200


def test_the_dealer_pages_follow_a_removed_authenticator_a_moved_and_a_removed_staff_member(client):
    """Who may use the dealer pages is kept per user (portal.cache.page_data): each change to it
    shows on the very next page."""
    from returnkit.turnin.models import DealerStaff

    hudson = make_dealer("hudson-toyota", name="Hudson Toyota")
    harbor = make_dealer("harbor-honda", name="Harbor Honda")
    user = make_dealer_user(hudson, "desk@dealer.example.com")
    client.force_login(user)
    for _ in range(2):
        assert "Hudson Toyota" in client.get(reverse("turnin:dealer_day")).content.decode()
    DealerStaff.objects.filter(user=user).update(dealer=harbor)
    assert "Harbor Honda" in client.get(reverse("turnin:dealer_day")).content.decode()
    harbor.name = "Harbor Honda of Hoboken"
    harbor.save()
    assert "Harbor Honda of Hoboken" in client.get(reverse("turnin:dealer_day")).content.decode()
    Authenticator.objects.filter(user=user).delete()
    assert client.get(reverse("turnin:dealer_day"))["Location"] == ENROL
    give_authenticator(user)
    assert client.get(reverse("turnin:dealer_day")).status_code == 200
    DealerStaff.objects.filter(user=user).delete()
    assert client.get(reverse("turnin:dealer_day")).status_code == 404
