"""Shared steps for the wear tests: a returned lease, an inspector's report through the pages."""

from __future__ import annotations

from decimal import Decimal

from django.test import Client
from django.urls import reverse

from leases.models import Lease, OdometerReading
from tests.factories import EXAMPLE_ODOMETER, EXAMPLE_RETURN, EXAMPLE_START, make_inspector, photo_upload
from tests.world import build_personas
from wear.models import ConditionReport, WearDisputeItem, WearRule, WearStandard


def build_back():
    """The personas' lease (the worked example, with a $500 wear waiver), back at the dealer."""
    people = build_personas(start=EXAMPLE_START)
    Lease.objects.filter(pk=people.lease.pk).update(wear_waiver=Decimal("500.00"))
    people.lease.refresh_from_db()
    people.lease.mark_returned()
    OdometerReading.objects.create(
        lease=people.lease, reading_date=EXAMPLE_RETURN, miles=EXAMPLE_ODOMETER, source=OdometerReading.Source.DEALER
    )
    people.inspector = make_inspector("clearview", "inspector@example.com")
    return people


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rule(code: str) -> WearRule:
    return WearRule.objects.get(category__standard=WearStandard.objects.current(), code=code)


def add(
    client: Client, report: ConditionReport, area: str, code: str, *, band: str = "", quantity: int = 0, photo=True
):
    r = rule(code)
    data = {"rule": r.pk, f"r{r.pk}-note": ""}
    if band:
        data[f"r{r.pk}-band"] = r.bands.get(code=band).pk
    if quantity:
        data[f"r{r.pk}-quantity"] = quantity
    if photo:
        data[f"r{r.pk}-photos"] = [photo_upload(), photo_upload("second.png", fmt="PNG")]
    return client.post(reverse("wear:inspector_area", args=[report.public_id, area]), data)


def start(client: Client, lease: Lease, *, inspected_on: str = "2026-03-17") -> ConditionReport:
    response = client.post(
        reverse("wear:inspector_home"), {"vin_or_account": lease.vehicle.vin, "inspected_on": inspected_on}
    )
    assert response.status_code == 302, response.content
    return ConditionReport.objects.get(lease=lease)


def record_three_items(back) -> ConditionReport:
    client = signed_in(back.inspector)
    report = start(client, back.lease)
    assert add(client, report, "front", "dent", band="larger").status_code == 302  # 350
    assert add(client, report, "glass", "crack").status_code == 302  # 425
    assert add(client, report, "left", "missing-part", quantity=2).status_code == 302  # 2 × 220
    assert add(client, report, "rear", "scratch", band="inside", photo=False).status_code == 302  # normal wear: 0
    return report


def dispute(back, item=None, reason="The crack was there at delivery; see the delivery photos.", **files):
    item = item or back.crack
    key = item.public_id.hex
    data = {f"pick_{key}": "on", f"reason_{key}": reason, f"photos_{key}": photo_upload(), **files}
    return signed_in(back.owner).post(reverse("wear:dispute_new", args=[back.lease.public_id]), data)


def decide(back, row: WearDisputeItem, outcome: str, resolution: str = "Our photos agree with yours.", amount=""):
    return signed_in(back.staff).post(
        reverse("admin:wear_weardisputeitem_change", args=[row.pk]),
        {"outcome": outcome, "resolution": resolution, "amount": amount},
    )
