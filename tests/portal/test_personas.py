"""Issue 17: each persona lands on their own home and sees only their own menu."""

from __future__ import annotations

import re
import time

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, TOTP_SECRET, make_dealer, make_dealer_user, make_inspector, make_user
from tests.totp import totp

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def still_clock(time_machine):
    """allauth checks a code against time.time() with no tolerance: hold the clock still."""
    time_machine.move_to(time.time(), tick=False)


def sign_in(client, user) -> str:
    """Through the form, with the authenticator's code when asked; where the sign-in lands."""
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    if response["Location"] == reverse("mfa_authenticate"):
        response = client.post(reverse("mfa_authenticate"), {"code": totp(TOTP_SECRET)})
    return response["Location"]


def menu(client) -> list[str]:
    """The header's menu items, as a person reads them."""
    html = client.get(reverse("help")).content.decode()
    nav = html[html.index('id="nav"') : html.index("</nav>")]
    items = re.findall(r"<li class=\"nav-item\">(.*?)</li>", nav, re.S)
    return [re.sub(r"<[^>]+>|\s+", " ", item).strip() for item in items]


def test_operations_land_on_the_operations_admin_and_see_its_menu(client):
    staff = make_user("ops@example.com", is_staff=True, is_superuser=True)
    assert sign_in(client, staff) == reverse("admin:index")
    assert client.get(reverse("home"))["Location"] == reverse("admin:index")
    items = menu(client)
    assert items[0] == "Operations"
    assert not {"My Vehicles", "Messages", "Notifications"} & set(items)


def test_dealer_staff_land_on_their_day_and_see_the_dealer_menu(client):
    user = make_dealer_user(make_dealer("hudson-toyota"), "desk@dealer.example.com")
    assert sign_in(client, user) == reverse("turnin:dealer_day")
    assert client.get(reverse("home"))["Location"] == reverse("turnin:dealer_day")
    items = menu(client)
    assert items[:2] == ["Today's turn-ins", "Walk-in"]
    assert not {"My Vehicles", "Messages", "Notifications"} & set(items)
    day = client.get(reverse("turnin:dealer_day")).content.decode()
    assert "Link a lease" not in day and "My Vehicles" not in day


def test_lessees_land_on_my_vehicles_and_see_their_menu(client):
    user = make_user("lessee@example.com")
    assert sign_in(client, user) == reverse("leases:list")
    assert client.get(reverse("home"))["Location"] == reverse("leases:list")
    items = menu(client)
    assert items[0] == "My Vehicles" and "Notifications" in " ".join(items)
    assert "Operations" not in items and "Walk-in" not in items


def test_inspectors_land_on_their_reports_and_see_their_menu(client):
    user = make_inspector("clearview", "eyes@inspect.example.com")
    assert sign_in(client, user) == reverse("wear:inspector_home")
    assert client.get(reverse("home"))["Location"] == reverse("wear:inspector_home")
    items = menu(client)
    assert items[0] == "Condition reports"
    assert not {"My Vehicles", "Messages", "Notifications", "Walk-in"} & set(items)
