"""Operations void a wrong odometer reading in the admin, with a reason; readings are otherwise
read-only there (never edited, never deleted)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from leases.models import OdometerReading
from leases.services import latest_reading
from tests.factories import add_reading

pytestmark = pytest.mark.django_db
REASON = "Lessee called: the reading was a typo for 32,700."


@pytest.fixture
def typo(personas) -> OdometerReading:
    return add_reading(personas.lease, dt.date(2026, 11, 20), 45_000)


def void_url(reading: OdometerReading) -> str:
    return reverse("admin:leases_odometerreading_void", args=[reading.pk])


def test_operations_void_a_reading_with_a_reason(client, staff, personas, typo):
    client.force_login(staff)
    change = client.get(reverse("admin:leases_odometerreading_change", args=[typo.pk])).content.decode()
    assert void_url(typo) in change

    response = client.post(void_url(typo), {"reason": REASON})

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:leases_odometerreading_change", args=[typo.pk])
    typo.refresh_from_db()
    assert (typo.is_voided, typo.void_reason, typo.voided_by, typo.miles) == (True, REASON, staff, 45_000)
    assert latest_reading(personas.lease).source == "signing"  # the typo counts nowhere now
    changelist = client.get(reverse("admin:leases_odometerreading_changelist")).content.decode()
    assert f"Voided 2026-11-25: {REASON}" in changelist  # still listed, struck through, with its reason
    assert "<del>45,000</del>" in changelist

    client.force_login(personas.owner)
    page = client.get(reverse("leases:detail", args=[personas.lease.public_id])).content.decode()
    assert "<del>45,000</del>" in page and f"Voided</strong>: {REASON}" in page


def test_voiding_needs_a_reason_and_happens_once(client, staff, typo):
    client.force_login(staff)
    response = client.post(void_url(typo), {"reason": "  "})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    typo.refresh_from_db()
    assert not typo.is_voided

    client.post(void_url(typo), {"reason": REASON})
    response = client.post(void_url(typo), {"reason": "A second reason."})
    typo.refresh_from_db()
    assert typo.void_reason == REASON
    assert "was already voided" in [str(m) for m in get_messages(response.wsgi_request)][-1]


def test_readings_cannot_be_edited_or_deleted_in_the_admin(client, staff, typo):
    client.force_login(staff)
    change_url = reverse("admin:leases_odometerreading_change", args=[typo.pk])
    page = client.get(change_url).content.decode()
    assert 'name="miles"' not in page and 'name="_save"' not in page
    client.post(change_url, {"miles": "32700", "reading_date": "2026-11-20", "source": "lessee"})
    assert client.get(reverse("admin:leases_odometerreading_delete", args=[typo.pk])).status_code == 403
    changelist = client.get(reverse("admin:leases_odometerreading_changelist")).content.decode()
    assert "delete_selected" not in changelist
    assert client.get(reverse("admin:leases_odometerreading_add")).status_code == 403
    typo.refresh_from_db()
    assert (typo.miles, typo.is_voided) == (45_000, False)


def test_only_operations_reach_the_void_page(client, personas, typo):
    client.force_login(personas.owner)
    response = client.post(void_url(typo), {"reason": REASON})
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    typo.refresh_from_db()
    assert not typo.is_voided


def test_the_dealer_s_signed_statement_is_never_voided(client, staff, personas):
    statement = OdometerReading.objects.create(
        lease=personas.lease, reading_date=dt.date(2026, 11, 24), miles=32_700, source=OdometerReading.Source.DEALER
    )
    client.force_login(staff)
    response = client.post(void_url(statement), {"reason": REASON})
    assert response.status_code == 200
    assert "cannot be voided" in response.content.decode()
    statement.refresh_from_db()
    assert not statement.is_voided
