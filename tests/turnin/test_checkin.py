"""The dealer's check-in: statement, equipment, lease returned, receipt; and what it refuses."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from leases.models import Lease, OdometerReading, VehicleEquipment
from returnkit.turnin import tasks
from returnkit.turnin.checkin import CheckIn, turnin_check_in
from returnkit.turnin.models import Appointment, ReturnedItem, TurnIn
from returnkit.turnin.services import appointment_book
from tests.factories import NOW, TODAY, make_dealer, make_lease, make_lessee, make_slot, make_user

pytestmark = pytest.mark.django_db
DAY_VIEW_QUERIES = 6  # session and unread counts come from the cache


# Today's appointments were booked two days ago: times less than 24 hours ahead are not offered.
BOOKED_AT = NOW - dt.timedelta(days=2)


def statement(lease, **changes) -> dict:
    data = {
        "miles": 36_500,
        "odometer_status": "actual",
        "condition_notes": "Scuff on the rear bumper.",
        "lessee_printed_name": "Pat Lessee",
        "lessee_certifies": "on",
        "lessee_esign_consent": "on",
        "lessee_signature": "Pat Lessee",
        "dealer_rep_name": "Dana Service",
        "dealer_certifies": "on",
    }
    for item in lease.vehicle.equipment.all():
        data[f"item_{item.pk}"] = item.quantity
    data.update(changes)
    return data


@pytest.fixture
def booked(personas, dealer):
    """Today's 2 p.m. appointment at the dealer for the personas' lease."""
    today_slot = make_slot(dealer, dt.date(2026, 11, 25), 14)
    return appointment_book(lease=personas.lease, slot_id=today_slot.public_id, user=None, now=BOOKED_AT)


def check_in_url(appointment) -> str:
    return reverse("turnin:dealer_check_in", args=[appointment.public_id])


def test_check_in_records_the_statement_and_returns_the_lease(
    client, personas, booked, dealer_user, mailoutbox, django_capture_on_commit_callbacks
):
    lease = personas.lease
    VehicleEquipment.objects.create(vehicle=lease.vehicle, name="Cargo cover", quantity=1)
    key, cover = lease.vehicle.equipment.all()
    client.force_login(dealer_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(check_in_url(booked), statement(lease, **{f"item_{key.pk}": 1, f"item_{cover.pk}": 1}))

    turnin = TurnIn.objects.get(lease=lease)
    assert response.status_code == 302
    assert response["Location"] == reverse("turnin:dealer_turnin", args=[turnin.public_id])
    lease.refresh_from_db()
    booked.refresh_from_db()
    assert lease.status == Lease.Status.RETURNED
    assert booked.status == Appointment.Status.COMPLETED
    assert turnin.appointment == booked
    assert (turnin.odometer_miles, turnin.odometer_status, turnin.returned_on) == (
        36_500,
        "actual",
        dt.date(2026, 11, 25),
    )
    reading = lease.odometer_readings.get(source=OdometerReading.Source.DEALER)
    assert (reading.miles, reading.reading_date, turnin.odometer_reading) == (36_500, dt.date(2026, 11, 25), reading)
    # The 49 CFR 580.7 fields, as signed.
    assert (turnin.vin, turnin.year, turnin.make, turnin.model, turnin.body_type) == (
        lease.vehicle.vin,
        2023,
        "Toyota",
        "RAV4",
        "4-door SUV",
    )
    owner, co = (p.lessee for p in sorted(lease.parties.all(), key=lambda p: p.role != "primary"))
    assert turnin.lessee_names == f"{owner.full_name} and {co.full_name}"  # the primary lessee first
    assert turnin.lessee_address == "1 Main Street\nNew York, NY 10001"
    assert turnin.lessor_name == "Example Auto Finance"
    assert turnin.lessor_address == "PO Box 0000\nAnytown, ST 00000"
    assert (turnin.lessee_printed_name, turnin.dealer_rep_name) == ("Pat Lessee", "Dana Service")
    assert turnin.lessee_certified_at == turnin.dealer_certified_at == NOW
    assert [(i.name, i.expected, i.returned, i.missing) for i in turnin.items.all()] == [
        ("Smart key", 2, 1, 1),
        ("Cargo cover", 1, 1, 0),
    ]
    # The receipt went to both lessees, once, with the PDF attached.
    (message,) = mailoutbox
    assert set(message.to) == {"owner@example.com", "co@example.com"}
    name, pdf, mimetype = message.attachments[0]
    assert pdf.startswith(b"%PDF")
    assert (name, mimetype) == (f"vehicle-return-receipt-{lease.vehicle.vin}.pdf", "application/pdf")
    tasks.send_return_receipt(turnin.pk)
    assert len(mailoutbox) == 1


def test_the_receipt_pdf_reads_back_with_date_dealer_odometer_and_items(client, personas, booked, dealer_user):
    client.force_login(dealer_user)
    key = personas.lease.vehicle.equipment.get()
    client.post(check_in_url(booked), statement(personas.lease, **{f"item_{key.pk}": 1}))

    client.force_login(personas.owner)
    response = client.get(reverse("turnin:receipt", args=[personas.lease.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)  # US Letter
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Vehicle Return Receipt" in text
    assert "Date returned November 25, 2026" in text
    assert "Hudson Toyota, 1 Dealer Way, New York, NY 10001" in text
    assert "Odometer 36,500 miles" in text
    assert "Smart key 1 of 2 returned" in text
    assert "Smart key 1 missing" in text
    lease_page = client.get(reverse("leases:detail", args=[personas.lease.public_id])).content.decode()
    assert reverse("turnin:receipt", args=[personas.lease.public_id]) in lease_page


def test_the_receipt_pdf_is_in_the_primary_lessees_language(client, personas, booked, dealer_user):
    """Issue 15: a Spanish-speaking primary lessee's receipt is drawn in Spanish, footer included."""
    personas.owner.language = "es"
    personas.owner.save(update_fields=["language"])
    client.force_login(dealer_user)
    key = personas.lease.vehicle.equipment.get()
    client.post(check_in_url(booked), statement(personas.lease, **{f"item_{key.pk}": 1}))

    client.force_login(personas.owner)
    response = client.get(reverse("turnin:receipt", args=[personas.lease.public_id]))
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Recibo de devolución del vehículo" in text
    assert "Fecha de devolución 25 de noviembre de 2026" in text
    assert "Odómetro 36,500 millas" in text and "1 de 2 devueltos" in text
    for english in ("Vehicle Return Receipt", "Date returned", "miles", "returned", "What happens next", "page "):
        assert english not in text, english


def test_a_rolled_back_odometer_is_refused_and_nothing_is_saved(
    client, personas, booked, dealer_user, mailoutbox, django_capture_on_commit_callbacks
):
    OdometerReading.objects.create(
        lease=personas.lease, reading_date=dt.date(2026, 11, 1), miles=36_000, source="lessee"
    )
    client.force_login(dealer_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(check_in_url(booked), statement(personas.lease, miles=35_100))

    assert response.status_code == 400
    page = response.content.decode()
    # The dealer is told what to do next, not just that the number is wrong.
    assert "35,100 miles is below the earlier reading of 36,000 miles on November 1, 2026" in page
    assert "nothing has been saved" in page
    assert "The reading is NOT the actual mileage" in page
    assert f"operations ({settings.LESSOR['dealer_phone']})" in page
    personas.lease.refresh_from_db()
    booked.refresh_from_db()
    assert personas.lease.status == Lease.Status.ACTIVE
    assert booked.status == Appointment.Status.BOOKED
    assert not TurnIn.objects.exists() and not ReturnedItem.objects.exists()
    assert personas.lease.odometer_readings.count() == 2
    assert mailoutbox == []


def test_the_service_refuses_a_rollback_even_when_the_form_was_skipped(personas, dealer, dealer_user):
    from django.core.exceptions import ValidationError

    from returnkit.turnin.checkin import CheckIn, turnin_check_in

    OdometerReading.objects.create(
        lease=personas.lease, reading_date=dt.date(2026, 11, 20), miles=40_000, source="lessee"
    )
    with pytest.raises(ValidationError, match="below the last reading"):
        turnin_check_in(
            dealer=dealer,
            lease=personas.lease,
            check_in=CheckIn(miles=39_999, odometer_status="actual", lessee_printed_name="P", dealer_rep_name="D"),
            user=dealer_user,
            now=NOW,
            today=dt.date(2026, 11, 25),
        )
    assert not TurnIn.objects.exists()
    assert Lease.objects.get(pk=personas.lease.pk).status == Lease.Status.ACTIVE


def test_a_second_check_in_for_the_same_lease_is_refused(client, personas, booked, dealer_user, other_dealer_user):
    client.force_login(dealer_user)
    client.post(check_in_url(booked), statement(personas.lease))
    again = client.post(check_in_url(booked), statement(personas.lease, miles=36_600))
    assert again.status_code == 302  # to the existing record
    assert TurnIn.objects.count() == 1

    from returnkit.turnin.checkin import CheckIn, CheckInRefused, turnin_check_in

    other = other_dealer_user.dealer_staff.dealer
    with pytest.raises(CheckInRefused, match="already checked in at Hudson Toyota on November 25, 2026"):
        turnin_check_in(
            dealer=other,
            lease=personas.lease,
            check_in=CheckIn(miles=36_700, odometer_status="actual", lessee_printed_name="P", dealer_rep_name="D"),
            user=other_dealer_user,
            now=NOW,
            today=dt.date(2026, 11, 25),
        )
    client.force_login(other_dealer_user)
    walk_in = reverse("turnin:dealer_walk_in_check_in", args=[personas.lease.public_id])
    assert client.get(walk_in).status_code == 404  # no longer an open lease to look up
    assert TurnIn.objects.count() == 1


def test_both_certifications_are_required(client, personas, booked, dealer_user):
    client.force_login(dealer_user)
    data = statement(personas.lease)
    del data["lessee_certifies"], data["dealer_certifies"]
    response = client.post(check_in_url(booked), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "The lessee must confirm the statement." in page
    assert "The dealer representative must confirm." in page
    assert not TurnIn.objects.exists()


def test_walk_in_found_by_vin_or_account_number(client, personas, dealer_user, mailoutbox):
    client.force_login(dealer_user)
    lease = personas.lease
    last_name = lease.primary_lessee.last_name
    for query in (lease.vehicle.vin.lower(), lease.account_number):
        response = client.get(reverse("turnin:dealer_walk_in"), {"query": query, "last_name": last_name.upper()})
        assert response.status_code == 302
        assert response["Location"] == reverse("turnin:dealer_walk_in_check_in", args=[lease.public_id])
    reason = "Odometer rolled over at 99,999."
    response = client.post(
        response["Location"], statement(lease, odometer_status="exceeds", odometer_status_reason=reason)
    )
    turnin = TurnIn.objects.get(lease=lease)
    assert response.status_code == 302
    assert (turnin.appointment, turnin.odometer_status, turnin.odometer_status_reason) == (None, "exceeds", reason)


def test_walk_in_of_a_make_the_dealer_does_not_sell_is_not_found(client, dealer_user):
    honda = make_lease(make="Honda")
    client.force_login(dealer_user)
    last_name = honda.primary_lessee.last_name
    response = client.get(reverse("turnin:dealer_walk_in"), {"query": honda.account_number, "last_name": last_name})
    assert response.status_code == 200
    assert "No open lease of a make you are franchised for" in response.content.decode()
    assert client.get(reverse("turnin:dealer_walk_in_check_in", args=[honda.public_id])).status_code == 404


def test_walk_in_with_a_booking_elsewhere_frees_that_booking(client, personas, other_dealer, dealer_user):
    elsewhere = appointment_book(
        lease=personas.lease,
        slot_id=make_slot(other_dealer, dt.date(2026, 12, 2), 10).public_id,
        user=None,
        now=NOW,
    )
    client.force_login(dealer_user)
    url = reverse("turnin:dealer_walk_in_check_in", args=[personas.lease.public_id])
    assert client.post(url, statement(personas.lease)).status_code == 302
    elsewhere.refresh_from_db()
    assert elsewhere.status == Appointment.Status.CANCELLED
    assert TurnIn.objects.get().appointment is None


def test_walk_in_with_a_booking_here_uses_the_appointment(client, personas, booked, dealer_user):
    client.force_login(dealer_user)
    response = client.get(reverse("turnin:dealer_walk_in_check_in", args=[personas.lease.public_id]))
    assert response.status_code == 302
    assert response["Location"] == check_in_url(booked)


def test_day_view_query_count_does_not_grow_with_the_day_s_turn_ins(
    client, personas, booked, dealer, dealer_user, django_assert_num_queries
):
    url = reverse("turnin:dealer_day")
    client.force_login(dealer_user)
    client.get(url)  # keeps the header's counts in the cache
    with django_assert_num_queries(DAY_VIEW_QUERIES):
        assert client.get(url).status_code == 200

    # Four more bookings today (each lease with a co-lessee), one of them checked in; two walk-ins.
    booked_leases = []
    for hour in (10, 11, 15, 16):
        lease = make_lease(make_lessee(make_user()), co_lessee=make_lessee(make_user()))
        appointment_book(lease=lease, slot_id=make_slot(dealer, TODAY, hour).public_id, user=None, now=BOOKED_AT)
        booked_leases.append(lease)
    walk_in_leases = [make_lease(), make_lease()]
    turnins = [
        turnin_check_in(
            dealer=dealer,
            lease=lease,
            check_in=CheckIn(miles=30_000, odometer_status="actual", lessee_printed_name="P", dealer_rep_name="D"),
            user=dealer_user,
            now=NOW,
            today=TODAY,
        )
        for lease in (booked_leases[0], *walk_in_leases)
    ]
    with django_assert_num_queries(DAY_VIEW_QUERIES):
        page = client.get(url).content.decode()
    assert all(lease.account_number in page for lease in booked_leases)
    assert all(lease.vehicle.vin in page for lease in walk_in_leases)
    assert all(reverse("turnin:dealer_turnin", args=[turnin.public_id]) in page for turnin in turnins)


def test_day_view_lists_todays_turn_ins_at_this_dealer_only(client, personas, booked, dealer_user, other_dealer):
    appointment_book(
        lease=personas.other_lease,
        slot_id=make_slot(other_dealer, dt.date(2026, 11, 25), 11).public_id,
        user=None,
        now=BOOKED_AT,
    )
    tomorrow = make_dealer("hudson-annex", "10001")
    client.force_login(dealer_user)
    page = client.get(reverse("turnin:dealer_day")).content.decode()
    assert "Turn-ins on Wednesday, November 25" in page
    assert personas.lease.account_number in page
    assert personas.other_lease.account_number not in page
    assert check_in_url(booked) in page
    assert tomorrow.name not in page
