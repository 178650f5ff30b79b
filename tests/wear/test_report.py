"""Condition reports: an inspector records items with photos, completes the report, and billing bills its total."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from leases.billing.final_bill import final_bill_issue
from leases.billing.inspection import auction_sale_record
from leases.models import Inspection, Lease
from quotes import engine
from tests.factories import (
    EXAMPLE_ODOMETER,
    EXAMPLE_RETURN,
    TODAY,
    make_inspector,
    make_user,
    photo_upload,
)
from tests.wear.helpers import add, record_three_items, rule, signed_in, start
from tests.world import build_personas
from wear.models import ConditionReport, Inspector, WearRule, WearStandard
from wear.services import item_add, pre_inspection_finish, pre_inspection_start
from wear.standard import standard_copy

pytestmark = pytest.mark.django_db


def test_an_inspector_records_items_with_photos_and_the_total_becomes_the_inspection(back):
    report = record_three_items(back)
    client = signed_in(back.inspector)
    assert client.post(reverse("wear:inspector_complete", args=[report.public_id])).status_code == 302

    report.refresh_from_db()
    inspection = Inspection.objects.get(lease=back.lease)
    assert report.total == Decimal("1215.00")
    assert [item.charge for item in report.items.all()] == [
        Decimal("350.00"), Decimal("425.00"), Decimal("440.00"), Decimal("0.00"),
    ]  # fmt: skip
    assert (inspection.wear_total, inspection.wear_report, inspection.wear_standard_version) == (
        Decimal("1215.00"), report.reference, 1,
    )  # fmt: skip
    assert (inspection.returned_on, inspection.inspected_on) == (EXAMPLE_RETURN, dt.date(2026, 3, 17))
    assert report.inspection == inspection
    assert report.items.get(rule_code="dent").photos.count() == 2
    back.lease.refresh_from_db()
    assert back.lease.status == Lease.Status.INSPECTED
    # A second click changes nothing.
    assert client.post(reverse("wear:inspector_complete", args=[report.public_id])).status_code == 302
    assert Inspection.objects.filter(lease=back.lease).count() == 1


def test_the_final_bill_is_the_engines_bill_for_the_reports_total(back):
    report = record_three_items(back)
    signed_in(back.inspector).post(reverse("wear:inspector_complete", args=[report.public_id]))
    auction_sale_record(
        lease=back.lease, sold_on=dt.date(2026, 3, 25), price=Decimal("21000.00"), user=None, today=TODAY
    )
    bill = final_bill_issue(lease=back.lease, user=None, today=TODAY)

    expected = engine.compute_quote(
        back.lease.terms(),
        engine.TurnIn(date=back.lease.maturity_date, odometer=EXAMPLE_ODOMETER, wear_charges=Decimal("1215.00")),
    )
    assert Decimal(bill.total) == expected.total
    assert [(line["code"], Decimal(line["amount"])) for line in bill.lines] == [
        (line.code, line.amount) for line in expected.lines
    ]
    wear = next(line for line in bill.lines if line["code"] == "excess_wear")
    assert Decimal(wear["amount"]) == Decimal("715.00")  # 1,215 less the 500 waiver
    assert report.reference in wear["rule"]
    assert bill.facts["wear_report"] == report.reference


def test_an_item_that_would_be_charged_needs_a_photo_and_nothing_is_saved_without_one(back):
    client = signed_in(back.inspector)
    report = start(client, back.lease)
    response = add(client, report, "front", "dent", band="larger", photo=False)
    assert response.status_code == 400
    assert "Add a photo" in response.content.decode()
    assert not report.items.exists()


def test_a_file_that_is_not_a_photo_is_refused_on_the_page(back):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = signed_in(back.inspector)
    report = start(client, back.lease)
    r = rule("crack")
    response = client.post(
        reverse("wear:inspector_area", args=[report.public_id, "glass"]),
        {"rule": r.pk, f"r{r.pk}-photos": SimpleUploadedFile("crack.jpg", b"GIF89a nonsense")},
    )
    assert response.status_code == 400
    assert "not a photo we can read" in response.content.decode()
    assert not report.items.exists()


def test_another_inspection_company_and_a_lessee_cannot_open_the_report(back):
    report = start(signed_in(back.inspector), back.lease)
    for user in (make_inspector("otherco", "other@example.com"), back.owner, make_user()):
        client = signed_in(user)
        assert client.get(reverse("wear:inspector_report", args=[report.public_id])).status_code == 404
        assert client.get(reverse("wear:inspector_area", args=[report.public_id, "front"])).status_code == 404


def test_operations_can_record_a_report_too(back):
    staff = make_user("ops@example.com", is_staff=True)
    report = start(signed_in(staff), back.lease)
    assert (report.role, report.company) == (ConditionReport.Role.OPERATIONS, None)


def test_a_vehicle_that_is_not_back_cannot_be_inspected(back):
    client = signed_in(back.inspector)
    response = client.post(
        reverse("wear:inspector_home"), {"vin_or_account": back.other_lease.vehicle.vin, "inspected_on": "2026-03-17"}
    )
    assert response.status_code == 400
    assert "No returned vehicle" in response.content.decode()


def test_the_lessee_sees_the_completed_report_with_rules_photos_and_the_waiver(back):
    report = record_three_items(back)
    url = reverse("wear:report", args=[back.lease.public_id])
    assert "report isn’t ready yet" in signed_in(back.owner).get(url).content.decode()
    signed_in(back.inspector).post(reverse("wear:inspector_complete", args=[report.public_id]))

    page = signed_in(back.co_lessee).get(url).content.decode()
    assert "Found only by the inspector" in page
    assert rule("crack").rule_text in page
    assert "$1,215.00" in page and "$715.00" in page
    photo = report.items.get(rule_code="crack").photos.first()
    assert reverse("wear:photo_thumb", args=[photo.public_id]) in page
    assert signed_in(back.owner).get(reverse("wear:photo", args=[photo.public_id])).status_code == 200
    assert signed_in(back.outsider).get(url).status_code == 404


def pre_inspect(back, *, finished_on: dt.date, items) -> None:
    """The lessee's own walk-around, saved ``finished_on``: items as (area, rule code, band)."""
    document = pre_inspection_start(lease=back.lease, user=back.owner)
    for area, code, band in items:
        r = rule(code)
        item_add(
            document=document, area=area, rule=r, band=r.bands.get(code=band) if band else None,
            user=back.owner, uploads=[photo_upload()],
        )  # fmt: skip
    pre_inspection_finish(document=document, today=finished_on)


def complete_with(back, items) -> ConditionReport:
    client = signed_in(back.inspector)
    report = start(client, back.lease)
    for area, code, band in items:
        assert add(client, report, area, code, band=band).status_code == 302
    client.post(reverse("wear:inspector_complete", args=[report.public_id]))
    report.refresh_from_db()
    return report


def test_the_lessee_sees_their_pre_inspection_beside_the_report_area_by_area(back):
    pre_inspect(back, finished_on=EXAMPLE_RETURN, items=[("front", "dent", "larger"), ("glass", "chip", "larger")])
    complete_with(back, [("front", "dent", "larger"), ("glass", "crack", "")])

    page = signed_in(back.owner).get(reverse("wear:report", args=[back.lease.public_id])).content.decode()
    front, glass = page.split('<h2 class="h5">Front</h2>')[1], page.split('<h2 class="h5">Glass</h2>')[1]
    assert "Found by you and the inspector" in front.split("<h2")[0]
    assert "difference $0.00" in front.split("<h2")[0]
    glass = glass.split("<h2")[0]
    assert "Found only by the inspector" in glass and "Noted only by you" in glass
    assert "report $425.00, your estimate $150.00, difference $275.00" in glass


def test_with_lower_of_on_a_shared_item_costs_what_the_pre_inspection_said(back, settings):
    settings.WEAR_LOWER_OF, settings.WEAR_LOWER_OF_DAYS = True, 30
    pre_inspect(back, finished_on=EXAMPLE_RETURN - dt.timedelta(days=30), items=[("front", "dent", "up-to-double")])
    report = complete_with(back, [("front", "dent", "larger"), ("rear", "dent", "larger")])
    assert [item.charge for item in report.items.all()] == [Decimal("175.00"), Decimal("350.00")]
    assert report.total == Decimal("525.00")
    assert Inspection.objects.get(lease=back.lease).wear_total == Decimal("525.00")


def test_lower_of_is_off_by_default_and_ignores_an_old_pre_inspection(back, settings):
    settings.WEAR_LOWER_OF, settings.WEAR_LOWER_OF_DAYS = True, 30
    pre_inspect(back, finished_on=EXAMPLE_RETURN - dt.timedelta(days=31), items=[("front", "dent", "up-to-double")])
    assert complete_with(back, [("front", "dent", "larger")]).total == Decimal("350.00")


def test_a_new_version_of_the_standard_leaves_a_completed_report_as_it_was(back):
    report = record_three_items(back)
    signed_in(back.inspector).post(reverse("wear:inspector_complete", args=[report.public_id]))
    copy = standard_copy(standard=WearStandard.objects.current())
    WearRule.objects.filter(category__standard=copy, code="crack").update(amount=Decimal("600.00"), rule_text="New")
    WearStandard.objects.filter(pk=copy.pk).update(published=True)
    WearRule.objects.filter(category__standard__version=1, code="crack").update(rule_text="Edited in place")

    report.refresh_from_db()
    assert report.total == Decimal("1215.00")
    crack = report.items.get(rule_code="crack")
    assert (crack.charge, crack.standard_version) == (Decimal("425.00"), 1)
    assert crack.rule_text.startswith("Any crack is excess wear")
    page = signed_in(back.owner).get(reverse("wear:report", args=[back.lease.public_id])).content.decode()
    assert "Any crack is excess wear" in page and "Edited in place" not in page


def test_the_demo_seeds_an_inspector_who_can_sign_in(db):
    from wear.demo import INSPECTOR_EMAIL, seed_wear

    assert seed_wear(TODAY) == seed_wear(TODAY)  # safe to run again
    assert Inspector.objects.get(user__email=INSPECTOR_EMAIL).company.name == "Demo Vehicle Inspections"


def test_dealer_staff_record_the_report_for_a_car_checked_in_at_their_dealership(db):
    from returnkit.turnin.checkin import CheckIn, turnin_check_in
    from tests.factories import NOW, make_dealer, make_dealer_user

    people = build_personas()
    here = make_dealer("hudson-toyota", "10001", ("Toyota",), name="Hudson Toyota")
    there = make_dealer("harbor-toyota", "07030", ("Toyota",), name="Harbor Toyota")
    staff, other = (
        make_dealer_user(here, "service@hudson.example.com"),
        make_dealer_user(there, "svc@harbor.example.com"),
    )
    check_in = CheckIn(miles=30_000, odometer_status="actual", lessee_printed_name="Pat", dealer_rep_name="Dana")
    turnin = turnin_check_in(dealer=here, lease=people.lease, check_in=check_in, user=staff, now=NOW, today=TODAY)
    page = signed_in(staff).get(reverse("turnin:dealer_turnin", args=[turnin.public_id])).content.decode()
    assert f"{reverse('wear:inspector_home')}?vin={people.lease.vehicle.vin}" in page

    found = {"vin_or_account": people.lease.vehicle.vin, "inspected_on": TODAY.isoformat()}
    refused = signed_in(other).post(reverse("wear:inspector_home"), found)
    assert refused.status_code == 400 and not ConditionReport.objects.exists()
    report = start(signed_in(staff), people.lease, inspected_on=TODAY.isoformat())
    assert (report.role, report.dealer, report.company) == (ConditionReport.Role.DEALER, here, None)
    assert add(signed_in(staff), report, "front", "dent", band="larger").status_code == 302
    photo = report.items.get().photos.first()

    assert signed_in(other).get(reverse("wear:inspector_report", args=[report.public_id])).status_code == 404
    assert signed_in(other).get(reverse("wear:photo", args=[photo.public_id])).status_code == 404
    assert signed_in(staff).get(reverse("wear:photo", args=[photo.public_id])).status_code == 200
    signed_in(staff).post(reverse("wear:inspector_complete", args=[report.public_id]))
    assert Inspection.objects.get(lease=people.lease).wear_total == Decimal("350.00")
