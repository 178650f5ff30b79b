"""The lessee's self pre-inspection: the window, the walk-around, the estimate, its PDF, the comparison."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from pypdf import PdfReader

from leases.models import Lease
from quotes.engine import long_date
from tests.factories import TODAY, lease_ending_in, make_lessee, make_user, photo_upload
from wear.models import PreInspection, WearRule, WearStandard

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rule(code: str) -> WearRule:
    return WearRule.objects.get(category__standard=WearStandard.objects.current(), code=code)


@pytest.fixture
def ending(db):
    """A lease ending in 20 days (inside the 60-day window) with a $250 wear waiver, and its lessee."""
    user = make_user("lessee@example.com")
    lease = lease_ending_in(20, lessee=make_lessee(user), wear_waiver=Decimal("250.00"))
    return user, lease


def add(client, lease, area, code, *, band="", quantity=0, photo=True):
    r = rule(code)
    data = {"rule": r.pk}
    if band:
        data[f"r{r.pk}-band"] = r.bands.get(code=band).pk
    if quantity:
        data[f"r{r.pk}-quantity"] = quantity
    if photo:
        data[f"r{r.pk}-photos"] = photo_upload()
    return client.post(reverse("wear:pre_area", args=[lease.public_id, area]), data)


def test_the_walk_around_saves_as_it_goes_and_prices_each_item_under_the_standard(ending):
    user, lease = ending
    client = signed_in(user)
    assert client.post(reverse("wear:pre_inspection", args=[lease.public_id])).status_code == 302
    assert client.post(reverse("wear:pre_area", args=[lease.public_id, "front"]), {"done": "1"})["Location"].endswith(
        "/pre-inspection/left/"
    )
    assert add(client, lease, "left", "dent", band="up-to-double").status_code == 302  # 175
    assert add(client, lease, "wheel_lf", "tread", band="worn").status_code == 302  # 180
    assert add(client, lease, "interior", "stain", band="inside", photo=False).status_code == 302  # normal wear

    # Another device, same lessee: the same record, carried on.
    document = PreInspection.objects.get(lease=lease)
    assert document.total == Decimal("355.00")
    assert document.areas_done == ["front"]
    page = signed_in(user).get(reverse("wear:pre_inspection", args=[lease.public_id])).content.decode()
    assert "Carry on" not in page  # that is the lease page's wording; here, the list of areas
    assert "Nothing to report" in page and "1 item" in page

    estimate = signed_in(user).get(reverse("wear:pre_estimate", args=[lease.public_id])).content.decode()
    assert escape(rule("tread").rule_text) in estimate
    assert "$355.00" in estimate and "$105.00" in estimate  # 355 less the 250 waiver


def test_a_charged_item_without_a_photo_is_refused_and_a_free_one_is_not(ending):
    user, lease = ending
    client = signed_in(user)
    client.post(reverse("wear:pre_inspection", args=[lease.public_id]))
    response = add(client, lease, "glass", "crack", photo=False)
    assert response.status_code == 400
    assert "Add a photo" in response.content.decode()
    assert not PreInspection.objects.get(lease=lease).items.exists()


def test_saving_the_estimate_stores_a_pdf_drawn_from_the_record(ending, django_capture_on_commit_callbacks):
    user, lease = ending
    client = signed_in(user)
    client.post(reverse("wear:pre_inspection", args=[lease.public_id]))
    add(client, lease, "front", "dent", band="larger")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("wear:pre_estimate", args=[lease.public_id])).status_code == 302
    document = PreInspection.objects.get(lease=lease)
    assert document.finished_on == TODAY
    assert document.pdf.name

    response = client.get(reverse("wear:pre_pdf", args=[lease.public_id]))
    assert response["Content-Type"] == "application/pdf"
    with document.pdf.open("rb") as stored:
        assert response.content == stored.read()
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Dent or ding" in text and "$350.00" in text and "$100.00" in text

    # A change afterwards reopens it: the old print no longer matches.
    add(client, lease, "rear", "scratch", band="larger")
    document.refresh_from_db()
    assert (document.finished_on, document.pdf.name) == (None, "")


def test_the_pre_inspection_opens_60_days_before_the_end(db, settings):
    user = make_user()
    lease = lease_ending_in(70, lessee=make_lessee(user))
    client = signed_in(user)
    opens = lease.end_date - dt.timedelta(days=60)
    assert opens > TODAY
    page = client.get(reverse("wear:pre_inspection", args=[lease.public_id])).content.decode()
    assert f"It opens on {long_date(opens)}." in page
    assert "Start my walk-around" not in page
    assert client.post(reverse("wear:pre_inspection", args=[lease.public_id])).status_code == 302
    assert not PreInspection.objects.filter(lease=lease).exists()
    settings.WEAR_PRE_INSPECTION_DAYS = 90
    assert client.post(reverse("wear:pre_inspection", args=[lease.public_id])).status_code == 302
    assert PreInspection.objects.filter(lease=lease).exists()


def test_the_lease_page_offers_the_pre_inspection_inside_the_window(ending):
    user, lease = ending
    page = signed_in(user).get(reverse("leases:detail", args=[lease.public_id])).content.decode()
    assert reverse("wear:pre_inspection", args=[lease.public_id]) in page


def test_another_customer_gets_404_on_every_pre_inspection_page(ending):
    user, lease = ending
    signed_in(user).post(reverse("wear:pre_inspection", args=[lease.public_id]))
    outsider = signed_in(make_user())
    for name, args in [
        ("wear:pre_inspection", [lease.public_id]),
        ("wear:pre_area", [lease.public_id, "front"]),
        ("wear:pre_estimate", [lease.public_id]),
        ("wear:pre_pdf", [lease.public_id]),
    ]:
        assert outsider.get(reverse(name, args=args)).status_code == 404


def test_an_unknown_area_is_404(ending):
    user, lease = ending
    client = signed_in(user)
    client.post(reverse("wear:pre_inspection", args=[lease.public_id]))
    assert client.get(reverse("wear:pre_area", args=[lease.public_id, "sunroof"])).status_code == 404


def test_after_the_return_the_pre_inspection_is_read_only(ending):
    user, lease = ending
    client = signed_in(user)
    client.post(reverse("wear:pre_inspection", args=[lease.public_id]))
    lease.mark_returned()
    assert add(client, lease, "front", "dent", band="larger").status_code == 302  # back to the overview
    assert not PreInspection.objects.get(lease=lease).items.exists()
    assert Lease.objects.get(pk=lease.pk).status == Lease.Status.RETURNED


def test_the_keys_area_shows_the_vehicle_s_own_equipment_charges_the_bill_uses(ending):
    """The same figure as the kit, the lease page and the bill's missing-equipment line:
    ``VehicleEquipment.charge_each``, not a second price list in the wear standard."""
    user, lease = ending
    lease.vehicle.equipment.filter(name="Smart key").update(charge_each="325.00")
    client = signed_in(user)
    client.post(reverse("wear:pre_inspection", args=[lease.public_id]))
    page = " ".join(client.get(reverse("wear:pre_area", args=[lease.public_id, "keys"])).content.decode().split())
    assert "<strong>2 × Smart key</strong>: $325.00 each if not returned" in page
    assert "$275.00" not in page
    assert "Add this" not in page


def test_with_no_published_standard_starting_says_so_and_starts_nothing(ending):
    user, lease = ending
    WearStandard.objects.update(published=False)
    response = signed_in(user).post(reverse("wear:pre_inspection", args=[lease.public_id]), follow=True)
    assert response.status_code == 200
    assert "No wear standard is published yet." in response.content.decode()
    assert not PreInspection.objects.exists()
