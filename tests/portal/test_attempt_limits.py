"""Failed sign-ins and lease links are limited in the database: a Redis outage changes nothing,
and the limits key on who is trying, so a stranger cannot lock a lessee out.

Issue 13: with the cache unreachable, wrong passwords and VIN guesses went on for ever; and five
wrong link attempts on someone's account number locked its lessee out for an hour.
"""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from leases.models import Lessee
from portal.models import AttemptCounter
from tests.factories import PASSWORD, make_lease, make_lessee, make_user

pytestmark = pytest.mark.django_db

# A real Redis client pointed at a port nothing listens on: every cache call is an outage.
DEAD_CACHE = {
    "default": {
        "BACKEND": "portal.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}
LINK = reverse("leases:link")


@pytest.fixture
def cache_down():
    # Changing CACHES drops Django's cache connections (django.test.signals), so the next use
    # connects to the closed port.
    with override_settings(CACHES=DEAD_CACHE):
        yield


def sign_in(client, email: str, password: str):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def link_details(lease, **overrides) -> dict:
    lessee = lease.parties.get().lessee
    data = {"account_number": lease.account_number, "vin_last6": lease.vehicle.vin[-6:], "zip_code": lessee.zip_code}
    return data | overrides


def wrong_vin(lease, n: int) -> str:
    right = lease.vehicle.vin[-6:]
    return next(guess for guess in (f"{n:06d}", f"{n + 1:06d}") if guess != right)


def test_the_outage_is_real(cache_down):
    from django.core.cache import cache

    assert cache.add("probe", 1) is True and cache.get("probe") is None  # a miss: Redis is gone


def test_fifteen_wrong_passwords_then_the_right_one_is_refused_while_the_cache_is_down(client, cache_down):
    user = make_user("lessee@example.com")
    pages = [sign_in(client, user.email, f"wrong-password-{n}").content.decode() for n in range(15)]
    assert all("not correct" in page for page in pages[:5])
    assert all("Too many failed login attempts" in page for page in pages[5:])
    right = sign_in(client, user.email, PASSWORD)
    assert right.status_code == 200 and "Too many failed login attempts" in right.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_right_password_does_not_reset_the_count(client):
    user = make_user("lessee@example.com")
    for n in range(4):
        sign_in(client, user.email, f"wrong-{n}")
    assert sign_in(client, user.email, PASSWORD).status_code == 302  # the fifth try, right
    client.logout()
    sign_in(client, user.email, "wrong-5")
    assert "Too many failed login attempts" in sign_in(client, user.email, "wrong-6").content.decode()


def test_a_stranger_s_wrong_passwords_do_not_lock_the_owner_out(client):
    user = make_user("lessee@example.com")
    for n in range(12):
        client.post(
            reverse("account_login"), {"login": user.email, "password": f"guess-{n}"}, REMOTE_ADDR="203.0.113.9"
        )
    assert AttemptCounter.objects.get(key=f"email+ip:{user.email}|203.0.113.9").locked_until is not None
    assert sign_in(client, user.email, PASSWORD).status_code == 302  # from the owner's own address


def test_vin_guessing_is_limited_while_the_cache_is_down(client, cache_down):
    lease = make_lease(make_lessee(None, zip_code="02139"))
    attacker = make_user("attacker@example.com")
    client.force_login(attacker)
    answers = [client.post(LINK, link_details(lease, vin_last6=wrong_vin(lease, n))) for n in range(7)]
    assert [a.status_code for a in answers] == [200] * 5 + [429] * 2
    right = client.post(LINK, link_details(lease))
    assert right.status_code == 429 and "Too many attempts" in right.content.decode()
    assert Lessee.objects.get(parties__lease=lease).user is None


def test_a_stranger_s_failed_links_do_not_lock_the_lessee_out(client):
    lease = make_lease(make_lessee(None, zip_code="02139"))
    stranger, lessee = make_user("stranger@example.com"), make_user("pat@example.com")
    client.force_login(stranger)
    for n in range(8):
        client.post(LINK, link_details(lease, vin_last6=wrong_vin(lease, n)), REMOTE_ADDR="198.51.100.7")
    assert client.post(LINK, link_details(lease), REMOTE_ADDR="198.51.100.7").status_code == 429

    client.force_login(lessee)
    response = client.post(LINK, link_details(lease))
    assert response.status_code == 302
    assert Lessee.objects.get(parties__lease=lease).user == lessee


def test_a_lessee_s_own_successful_links_cost_nothing(client):
    user = make_user("pat@example.com")
    client.force_login(user)
    for _ in range(7):
        lease = make_lease(make_lessee(None, zip_code="02139"))
        assert client.post(LINK, link_details(lease)).status_code == 302


def test_operations_see_who_is_locked_out(client, staff):
    lease = make_lease(make_lessee(None, zip_code="02139"))
    stranger = make_user("stranger@example.com")
    client.force_login(stranger)
    for n in range(6):
        client.post(LINK, link_details(lease, vin_last6=wrong_vin(lease, n)), REMOTE_ADDR="198.51.100.7")
    make_user("calm@example.com")
    client.logout()
    sign_in(client, "calm@example.com", "one-wrong-password")  # counted, not locked

    client.force_login(staff)
    page = client.get(reverse("admin:portal_attemptcounter_changelist") + "?locked=yes").content.decode()
    assert f"user:{stranger.pk}" in page and lease.account_number in page and "198.51.100.7" in page
    assert "calm@example.com" not in page
    everyone = client.get(reverse("admin:portal_attemptcounter_changelist")).content.decode()
    assert "calm@example.com" in everyone


def test_wrong_authenticator_codes_are_limited_while_the_cache_is_down(client, cache_down):
    from tests.factories import TOTP_SECRET
    from tests.totp import totp

    staff = make_user("ops@example.com", is_staff=True)
    assert sign_in(client, staff.email, PASSWORD)["Location"] == reverse("mfa_authenticate")
    right = totp(TOTP_SECRET)
    wrong = [f"{(int(right) + n) % 10**6:06d}" for n in range(1, 7)]
    pages = [client.post(reverse("mfa_authenticate"), {"code": code}).content.decode() for code in wrong]
    assert all("Incorrect code" in page for page in pages[:5])
    assert "Too many failed login attempts" in pages[5]
    refused = client.post(reverse("mfa_authenticate"), {"code": right})
    assert refused.status_code == 200 and "_auth_user_id" not in client.session


def test_counters_are_forgotten_a_day_after_their_window(settings):
    import datetime as dt

    from portal.tasks import attempt_counters_purge
    from tests.factories import NOW

    settings.PORTAL_NOW = NOW
    for key, started in (("ip:old", NOW - dt.timedelta(days=2)), ("ip:recent", NOW - dt.timedelta(hours=2))):
        AttemptCounter.objects.create(scope="sign-in", key=key, count=9, limit=5, window_start=started)
    assert attempt_counters_purge() == 1
    assert list(AttemptCounter.objects.values_list("key", flat=True)) == ["ip:recent"]
