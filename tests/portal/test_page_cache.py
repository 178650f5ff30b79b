"""Page data kept per user (portal.cache.page_data): exact queries, cold and warm, for 1 and 10
leases; and every input to a kept page, changed through the code that really changes it, shows on
the next request."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leases.billing.ledger import entry_post
from leases.models import Lease, LeaseParty, OdometerReading, VehicleEquipment
from portal import page_cache
from quotes import engine
from quotes.services import quote_create
from returnkit.reminders import send_chunk
from returnkit.turnin.models import Appointment
from returnkit.turnin.services import appointment_book, appointment_cancel
from tests.factories import (
    ensure_wear_standard,
    make_dealer,
    make_dealer_user,
    make_lease,
    make_lessee,
    make_slot,
    make_user,
)
from tests.portal.test_resilience import DEAD_CACHE

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 25)
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)

# A warm page: the user row only (the session, the header's counts, the help links and the page's
# data all come from the cache). With nothing kept: the user, the header's unread counts, the help
# links, then the page's own queries; the next visit keeps the page's data (the first only notes
# which leases it was made from), and from then on it is warm.
WARM = 1
COLD = {"vehicles": (4, 2), "lease": (13, 10), "quote": (4, 2), "compare": (6, 4)}


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx)


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def lessee_with(leases: int):
    user = make_user()
    lessee = make_lessee(user)
    made = [make_lease(lessee) for _ in range(leases)]
    quote = quote_create(
        lease=made[0], user=user, event=engine.TurnIn(date=made[0].maturity_date, odometer=41_012), today=TODAY
    )
    return user, made[0], quote


def urls(lease, quote) -> dict[str, str]:
    return {
        "vehicles": reverse("leases:list"),
        "lease": reverse("leases:detail", args=[lease.public_id]),
        "quote": quote.get_absolute_url(),
        "compare": reverse("quotes:compare", args=[lease.public_id]),
    }


@pytest.mark.parametrize("leases", [1, 10])
def test_exact_queries_cold_and_warm_are_the_same_for_1_and_10_leases(client, leases):
    user, lease, quote = lessee_with(leases)
    client.force_login(user)
    for name, url in urls(lease, quote).items():
        cache.clear()
        client.force_login(user)
        assert [queries(client, url), queries(client, url)] == list(COLD[name]), name
        assert queries(client, url) == WARM, name
        assert queries(client, url) == WARM, name


def test_a_new_worker_serves_the_kept_data_of_every_page_without_making_it_again(client, monkeypatch):
    """A process that has not made a page yet (a new gunicorn or Celery worker) does not know which
    leases the kept entry was made from: it reads their versions in one more round trip and serves
    the entry, rather than make the page again (a dealer's first day view in a new worker took 0.6 s)."""
    from portal import cache as page_cache_module

    user, lease, quote = lessee_with(3)
    client.force_login(user)
    for url in urls(lease, quote).values():
        queries(client, url)
        queries(client, url)
    monkeypatch.setattr(page_cache_module, "_hints", {})  # as in a process that has just started
    for name, url in urls(lease, quote).items():
        assert queries(client, url) == WARM, name
    OdometerReading.objects.create(lease=lease, reading_date=TODAY, miles=23_456, source="lessee")
    monkeypatch.setattr(page_cache_module, "_hints", {})
    assert "23,456" in page(client, urls(lease, quote)["lease"])  # a version the entry names changed


@pytest.mark.parametrize("appointments", [1, 50])
def test_the_dealer_day_costs_the_same_for_1_and_50_appointments(client, appointments):
    dealer = make_dealer("day-dealer")
    staff = make_dealer_user(dealer)
    for n in range(appointments):
        slot = make_slot(dealer, TODAY, 8 + n % 10, minute=(n // 10) * 10, capacity=1)
        appointment_book(lease=make_lease(), slot_id=slot.public_id, user=None, now=NOW - dt.timedelta(days=3))
    client.force_login(staff)
    url = reverse("turnin:dealer_day")
    # The dealer and its two-factor check are kept per user, and the day's rows per dealer and day:
    # once both are kept only the signed-in user is read.
    assert queries(client, url) == 7
    assert queries(client, url) == 6
    assert queries(client, url) == 1
    shown = page(client, url)
    assert shown.count('href="/dealer/appointments/') == 2 * appointments  # card and table row
    assert "{#" not in shown  # a template comment is one line: a longer one is printed


# --- every input shows on the next request -------------------------------------------------------


@pytest.fixture
def warm(client, personas):
    """The owner signed in with their pages kept (visited three times each)."""
    client.force_login(personas.owner)
    quote = quote_create(
        lease=personas.lease,
        user=personas.owner,
        event=engine.TurnIn(date=personas.lease.maturity_date, odometer=41_012),
        today=TODAY,
    )
    pages = urls(personas.lease, quote)
    for url in pages.values():
        for _ in range(3):
            client.get(url)
        assert queries(client, url) == WARM
    return pages


def test_a_reading_recorded_on_the_odometer_page_shows_everywhere(client, personas, warm):
    url = reverse("leases:odometer", args=[personas.lease.public_id])
    assert client.post(url, {"miles": 33_333, "reading_date": TODAY.isoformat()}).status_code == 302
    assert "33,321" in page(client, warm["vehicles"])  # driven: 33,333 − 12 at the start
    assert "33,321" in page(client, warm["lease"])


def test_a_saved_quote_shows_on_the_lease_page(client, personas, warm):
    quote = quote_create(lease=personas.lease, user=personas.owner, event=engine.Extension(days=30), today=TODAY)
    assert quote.reference in page(client, warm["lease"])


def test_a_booked_then_cancelled_appointment_shows_on_the_lease_page_and_the_dealer_day(client, personas, warm):
    dealer = make_dealer("bookings")
    staff_client = client.__class__()
    staff_client.force_login(make_dealer_user(dealer))
    day_url = reverse("turnin:dealer_day") + "?day=2026-12-01"
    for _ in range(3):
        staff_client.get(day_url)
    assert personas.lease.account_number not in page(staff_client, day_url)

    slot = make_slot(dealer, dt.date(2026, 12, 1), 10)
    appointment = appointment_book(lease=personas.lease, slot_id=slot.public_id, user=personas.owner, now=NOW)
    assert "Cancel the appointment" in page(client, warm["lease"])
    assert personas.lease.account_number in page(staff_client, day_url)

    appointment_cancel(appointment=appointment, user=personas.owner, now=NOW)
    assert "Cancel the appointment" not in page(client, warm["lease"])
    assert personas.lease.account_number not in page(staff_client, day_url)


def test_a_moved_appointment_leaves_the_old_dealer_s_day(client, personas):
    from returnkit.turnin.services import appointment_move

    first, second = make_dealer("first"), make_dealer("second")
    old = make_slot(first, dt.date(2026, 12, 1), 10)
    appointment = appointment_book(lease=personas.lease, slot_id=old.public_id, user=personas.owner, now=NOW)
    client.force_login(make_dealer_user(first))
    url = reverse("turnin:dealer_day") + "?day=2026-12-01"
    for _ in range(3):
        assert personas.lease.account_number in page(client, url)
    appointment_move(
        appointment=appointment, slot_id=make_slot(second, dt.date(2026, 12, 2), 11).public_id, user=None, now=NOW
    )
    assert personas.lease.account_number not in page(client, url)


def test_the_kit_sent_by_the_reminder_sweep_shows_on_the_lease_page(client, personas, warm):
    lease = make_lease(personas.lease.parties.get(role="primary").lessee, maturity_date=TODAY + dt.timedelta(days=120))
    url = reverse("leases:detail", args=[lease.public_id])
    for _ in range(3):
        assert "Kit sent on" not in page(client, url)
    assert send_chunk([lease.pk], "kit_120", TODAY).sent == 1  # bulk_update of the reminder rows
    assert "Kit sent on" in page(client, url)


def test_a_ledger_entry_changes_the_compare_page(client, personas, warm):
    before = page(client, warm["compare"])
    entry_post(lease=personas.lease, kind="property_tax", amount=Decimal("123.45"), posted_on=TODAY)
    after = page(client, warm["compare"])
    assert "$123.45" in after and "$123.45" not in before


def test_an_extension_approved_moves_the_end_date_everywhere(client, personas, warm):
    # QuerySet.update(extended_days=F(...)) in leases.extensions, through the extension request.
    from quotes.services import extension_quote_request

    quote = quote_create(lease=personas.lease, user=personas.owner, event=engine.Extension(days=30), today=TODAY)
    extension_quote_request(quote=quote, user=personas.owner, today=TODAY)
    assert "extended to Jan 14, 2027" in page(client, warm["vehicles"])


def test_a_status_change_by_update_shows_on_the_next_page(client, personas, warm):
    Lease.objects.get(pk=personas.lease.pk).mark_returned()  # a conditional QuerySet.update
    assert "Update mileage" not in page(client, warm["vehicles"])


def test_the_pre_inspection_started_shows_on_the_lease_page(client, personas, warm):
    ensure_wear_standard()
    assert "Start your pre-inspection" in page(client, warm["lease"])
    client.post(reverse("wear:pre_inspection", args=[personas.lease.public_id]))
    assert "Carry on with your pre-inspection" in page(client, warm["lease"])


def test_equipment_added_to_the_vehicle_shows_on_the_lease_page(client, personas, warm):
    VehicleEquipment.objects.create(vehicle=personas.lease.vehicle, name="Cargo cover", quantity=1)
    assert "Cargo cover" in page(client, warm["lease"])


def test_the_language_chosen_applies_to_the_kept_pages(client, personas, warm):
    client.post(reverse("language_set"), {"language": "es", "next": warm["vehicles"]})
    assert "Mis vehículos" in page(client, warm["vehicles"])
    assert "días" in page(client, warm["lease"])


def test_a_page_kept_yesterday_is_not_served_today(client, personas, warm, settings):
    assert "20 days left" in page(client, warm["vehicles"])
    settings.PORTAL_TODAY = TODAY + dt.timedelta(days=1)
    assert "19 days left" in page(client, warm["vehicles"])


def test_a_setting_that_shapes_the_page_applies_at_once(client, personas, warm, settings):
    assert "good for 10 days" in page(client, warm["compare"])
    settings.QUOTE_GOOD_THROUGH_DAYS = 3
    assert "good for 3 days" in page(client, warm["compare"])


def test_a_lessee_taken_off_the_lease_gets_a_404_at_once(client, personas, warm):
    LeaseParty.objects.filter(lease=personas.lease, lessee__user=personas.owner).delete()
    assert client.get(warm["lease"]).status_code == 404
    assert client.get(warm["quote"]).status_code == 404
    assert personas.lease.account_number not in page(client, warm["vehicles"])


def test_a_lease_linked_shows_in_my_vehicles(client, personas, warm):
    other = make_lease(make_lessee(None))
    other.parties.update(lessee=personas.lease.parties.get(role="primary").lessee)  # QuerySet.update
    assert other.account_number in page(client, warm["vehicles"])


def test_one_user_s_pages_are_never_anothers(client, personas, warm):
    client.force_login(personas.co_lessee)
    assert client.get(warm["lease"]).status_code == 200  # their own, computed for them
    outsider = make_user()
    client.force_login(outsider)
    assert client.get(warm["lease"]).status_code == 404


def test_a_redis_outage_only_slows_the_pages(client, personas, warm):
    with override_settings(CACHES=DEAD_CACHE):
        OdometerReading.objects.create(lease=personas.lease, reading_date=TODAY, miles=35_012, source="lessee")
        assert "35,000" in page(client, warm["lease"])
        assert "35,000" in page(client, warm["vehicles"])


def test_every_model_a_kept_page_is_made_from_is_tracked():
    from django.apps import apps

    tracked = {model._meta.label for model in page_cache._by_model}
    for model in apps.get_models():
        label = model._meta.label
        if model._meta.app_label in {"leases", "quotes", "returnkit", "turnin", "wear"}:
            assert label in tracked or label in page_cache.UNTRACKED, label
    assert not Appointment.objects.filter(pk=-1).update(status="booked")  # an update of nothing bumps nothing
