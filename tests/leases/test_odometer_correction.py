"""Odometer, one truth (issue 11, finding 2): a lessee corrects a typo in their latest reading; the
wrong one stays on record, struck through with the reason, and counts nowhere."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from leases.models import Lease, OdometerReading
from leases.selectors import customer_leases
from leases.services import MAX_CORRECTIONS_PER_DAY, latest_reading, odometer_record
from tests.factories import TODAY, add_reading

pytestmark = pytest.mark.django_db
TYPO_DAY = dt.date(2026, 11, 20)
REASON = "Typo: I pressed 4 and 5 instead of 3 and 2."


@pytest.fixture
def typo(personas) -> OdometerReading:
    """The owner reported 45,000 miles on November 20 when the odometer said 32,700."""
    return odometer_record(
        lease=personas.lease, miles=45_000, on=TYPO_DAY, source="lessee", today=TODAY, user=personas.owner
    )


def correct_url(lease: Lease) -> str:
    return reverse("leases:odometer_correct", args=[lease.public_id])


def correction(miles: int = 32_700, reason: str = REASON, wrong: int = 45_000) -> dict:
    return {"miles": str(miles), "reason": reason, "wrong_miles": str(wrong)}


def history(lease: Lease) -> list[tuple[int, bool]]:
    """Every reading since signing, newest first: (miles, voided)."""
    readings = OdometerReading.history.filter(lease=lease).exclude(source="signing").order_by("-id")
    return [(r.miles, r.is_voided) for r in readings]


def test_the_lessee_corrects_a_typo_and_the_wrong_reading_stays_struck_through(client, personas, typo):
    lease = personas.lease
    client.force_login(personas.owner)
    form = client.get(correct_url(lease)).content.decode()
    assert "45,000 miles" in form and "November 20, 2026" in form

    response = client.post(correct_url(lease), correction())

    assert response.status_code == 302
    assert response["Location"] == reverse("leases:detail", args=[lease.public_id])
    typo.refresh_from_db()
    fixed = latest_reading(lease)
    assert (fixed.miles, fixed.reading_date, fixed.source, fixed.corrects) == (32_700, TYPO_DAY, "lessee", typo)
    assert (typo.void_reason, typo.voided_by, typo.is_voided) == (REASON, personas.owner, True)
    assert history(lease) == [(32_700, False), (45_000, True)]  # kept, never edited or deleted

    page = client.get(reverse("leases:detail", args=[lease.public_id])).content.decode()
    driven = f"{32_700 - lease.start_odometer:,}"
    assert f"Miles driven</dt><dd class=\"col-sm-6\">{driven} " in page
    assert "<del>45,000</del>" in page
    assert f"Corrected to 32,700</strong>: {REASON}" in page
    my_vehicles = client.get(reverse("leases:list")).content.decode()
    assert f"{driven} <span" in my_vehicles and "45,000" not in my_vehicles


def test_the_co_lessee_may_correct_the_reading_too(client, personas, typo):
    client.force_login(personas.co_lessee)
    assert client.post(correct_url(personas.lease), correction()).status_code == 302
    assert latest_reading(personas.lease).miles == 32_700


def test_another_customer_gets_404_and_nothing_changes(client, personas, typo):
    client.force_login(personas.outsider)
    assert client.get(correct_url(personas.lease)).status_code == 404
    assert client.post(correct_url(personas.lease), correction()).status_code == 404
    assert history(personas.lease) == [(45_000, False)]


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Please say what was wrong with the earlier reading."),
        ("   ", "Please say what was wrong with the earlier reading."),
        ("x" * 501, "Ensure this value has at most 500 characters (it has 501)."),
    ],
)
def test_a_correction_needs_a_reason(client, personas, typo, reason, message):
    client.force_login(personas.owner)
    response = client.post(correct_url(personas.lease), correction(reason=reason))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert history(personas.lease) == [(45_000, False)]


def test_only_the_latest_reading_can_be_corrected(client, personas, typo):
    """The form names the reading it corrects; an older one (or one that changed meanwhile) is refused."""
    lease = personas.lease
    add_reading(lease, dt.date(2026, 11, 24), 45_100)
    client.force_login(personas.owner)
    response = client.post(correct_url(lease), correction(wrong=45_000))
    assert response.status_code == 400
    assert "Your latest reading is now 45,100 miles: please check it and try again." in response.content.decode()
    assert history(lease) == [(45_100, False), (45_000, False)]


def test_the_correct_number_is_checked_against_the_other_readings(client, personas, typo):
    lease = personas.lease
    add_reading(lease, dt.date(2026, 11, 1), 32_000)
    add_reading(lease, dt.date(2026, 11, 24), 45_100)
    client.force_login(personas.owner)
    response = client.post(correct_url(lease), correction(miles=31_000, wrong=45_100))
    assert response.status_code == 400
    assert "31,000 miles is below the last reading of 45,000 miles" in response.content.decode()
    assert latest_reading(lease).miles == 45_100  # nothing voided: the refusal rolled it all back
    assert not OdometerReading.history.filter(lease=lease, voided_at__isnull=False).exists()


def test_a_reading_that_is_not_the_lessees_own_cannot_be_corrected(client, personas):
    client.force_login(personas.owner)
    page = client.get(correct_url(personas.lease)).content.decode()
    assert "Only the latest reading you reported yourself can be corrected online." in page
    assert 'name="miles"' not in page
    assert client.post(correct_url(personas.lease), correction(wrong=personas.lease.start_odometer)).status_code == 400
    lease_page = client.get(reverse("leases:detail", args=[personas.lease.public_id])).content.decode()
    assert correct_url(personas.lease) not in lease_page


def test_no_correction_once_the_dealer_has_signed_an_odometer_statement(client, personas, typo):
    lease = personas.lease
    OdometerReading.objects.create(lease=lease, reading_date=TODAY, miles=32_750, source="dealer")
    client.force_login(personas.owner)
    page = client.get(correct_url(lease)).content.decode()
    assert "The dealer&#x27;s odometer statement is now the vehicle&#x27;s mileage" in page
    assert settings.LESSOR["customer_phone"] in page
    assert client.post(correct_url(lease), correction()).status_code == 400
    assert history(lease) == [(32_750, False), (45_000, False)]


def test_no_correction_once_the_vehicle_is_returned(client, personas, typo):
    lease = personas.lease
    lease.mark_returned()
    client.force_login(personas.owner)
    assert "Your vehicle has been returned" in client.get(correct_url(lease)).content.decode()
    assert client.post(correct_url(lease), correction()).status_code == 400
    assert history(lease) == [(45_000, False)]


def test_a_double_click_corrects_once(client, personas, typo):
    client.force_login(personas.owner)
    first = client.post(correct_url(personas.lease), correction())
    second = client.post(correct_url(personas.lease), correction())
    assert (first.status_code, second.status_code) == (302, 302)
    assert history(personas.lease) == [(32_700, False), (45_000, True)]


def test_corrections_are_limited_per_day(client, personas, typo):
    client.force_login(personas.owner)
    wrong = 45_000
    for n in range(MAX_CORRECTIONS_PER_DAY):
        assert client.post(correct_url(personas.lease), correction(miles=32_700 + n, wrong=wrong)).status_code == 302
        wrong = 32_700 + n
    response = client.post(correct_url(personas.lease), correction(miles=32_650, wrong=wrong))
    assert response.status_code == 400
    assert f"corrected {MAX_CORRECTIONS_PER_DAY} times in the last day" in response.content.decode()
    assert latest_reading(personas.lease).miles == wrong


def test_a_voided_reading_counts_nowhere(personas, typo):
    """Latest reading, projection, My Vehicles, the checks on a new reading, the bill's reading."""
    from leases.services import check_odometer, odometer_void, reading_at_return

    lease = personas.lease
    earlier = add_reading(lease, dt.date(2026, 11, 1), 32_000)
    odometer_void(reading=typo, reason="Typo reported by phone.", user=None, now=dt.datetime.now(dt.UTC))
    lease = Lease.objects.get(pk=lease.pk)

    assert latest_reading(lease) == earlier
    assert lease.odometer_projection(TODAY).latest.miles == 32_000
    assert customer_leases(personas.owner).get(pk=lease.pk).latest_miles == 32_000
    check_odometer(lease=lease, miles=32_500, on=TODAY, today=TODAY)  # below the voided 45,000: fine
    assert reading_at_return(lease) == earlier
