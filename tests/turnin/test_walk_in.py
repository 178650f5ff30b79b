"""Walk-in look-up: two identifiers, a per-user hourly limit, and every look-up recorded (masked)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from returnkit.turnin.models import WalkInLookup
from returnkit.turnin.walk_in import WALK_IN_LOOKUPS_PER_HOUR

pytestmark = pytest.mark.django_db
URL = reverse("turnin:dealer_walk_in")


def look_up(client, query: str, last_name: str | None = None):
    return client.get(URL, {"query": query} | ({"last_name": last_name} if last_name is not None else {}))


def test_a_vin_or_account_number_alone_shows_nothing(client, personas, dealer_user):
    client.force_login(dealer_user)
    for query in (personas.lease.vehicle.vin, personas.lease.account_number):
        response = look_up(client, query)
        page = response.content.decode()
        assert response.status_code == 200
        assert "Enter the last name of the lessee" in page
        assert personas.lease.primary_lessee.address_line1 not in page
    assert not WalkInLookup.objects.exists()  # an incomplete form is not a look-up


def test_the_number_with_the_wrong_last_name_is_not_found(client, personas, dealer_user):
    client.force_login(dealer_user)
    response = look_up(client, personas.lease.account_number, "Smith")
    assert response.status_code == 200
    assert "a lessee of that last name" in response.content.decode()


def test_the_number_and_any_lessee_s_last_name_in_any_case_finds_the_lease(client, personas, dealer_user):
    client.force_login(dealer_user)
    lease = personas.lease
    co_lessee = lease.parties_primary_first()[1].lessee
    for query, name in (
        (lease.vehicle.vin, lease.primary_lessee.last_name.lower()),
        (lease.account_number, co_lessee.last_name.upper()),
    ):
        response = look_up(client, query, f"  {name} ")
        assert response.status_code == 302
        assert response["Location"] == reverse("turnin:dealer_walk_in_check_in", args=[lease.public_id])


def test_every_look_up_is_recorded_with_what_was_typed_masked(client, personas, dealer_user, dealer):
    client.force_login(dealer_user)
    lease = personas.lease
    look_up(client, lease.vehicle.vin, lease.primary_lessee.last_name)
    look_up(client, lease.account_number, "Smith")
    found, missed = WalkInLookup.objects.order_by("id")
    assert (found.user, found.dealer, found.outcome, found.lease) == (dealer_user, dealer, "found", lease)
    assert (missed.outcome, missed.lease, missed.ip) == ("not_found", None, "127.0.0.1")
    assert found.identifier_typed == "•" * 13 + lease.vehicle.vin[-4:]
    assert missed.identifier_typed == "••••••" + lease.account_number[-4:] and missed.last_name_typed == "S••••"
    assert lease.vehicle.vin not in found.identifier_typed and found.created_at is not None


def test_look_ups_are_limited_per_user_and_the_refusals_recorded(client, personas, dealer_user):
    client.force_login(dealer_user)
    lease = personas.lease
    for n in range(WALK_IN_LOOKUPS_PER_HOUR):
        assert look_up(client, f"{n:010d}", "Smith").status_code == 200
    response = look_up(client, lease.account_number, lease.primary_lessee.last_name)  # right, but one too many
    assert response.status_code == 429
    assert "look-ups are paused" in response.content.decode()
    assert WalkInLookup.objects.filter(outcome="throttled").count() == 1
    assert WalkInLookup.objects.count() == WALK_IN_LOOKUPS_PER_HOUR + 1


def test_operations_read_the_look_ups_in_the_admin_and_cannot_change_them(client, personas, dealer_user, staff):
    client.force_login(dealer_user)
    look_up(client, personas.lease.account_number, "Smith")
    client.force_login(staff)
    listing = client.get(reverse("admin:turnin_walkinlookup_changelist"))
    assert listing.status_code == 200 and "Not found" in listing.content.decode()
    lookup = WalkInLookup.objects.get()
    assert client.get(reverse("admin:turnin_walkinlookup_add")).status_code == 403
    assert (
        client.post(reverse("admin:turnin_walkinlookup_delete", args=[lookup.pk]), {"post": "yes"}).status_code == 403
    )
    change = client.post(reverse("admin:turnin_walkinlookup_change", args=[lookup.pk]), {"outcome": "found"})
    assert change.status_code == 403
    lookup.refresh_from_db()
    assert lookup.outcome == "not_found"
