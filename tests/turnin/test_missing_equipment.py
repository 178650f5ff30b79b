"""Equipment not returned at check-in is a line of the final bill, priced at the lessor's charge per
item, and the kit and lease page show that charge beforehand."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from leases.billing import inspection
from leases.models import VehicleEquipment
from returnkit.kit import build_payload
from tests.factories import TODAY, issue, lease_ending_in
from tests.turnin.test_checkin import statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def lease(settings):
    """Ended ten days ago: returned today, a turn-in billed as of its end date."""
    lease = lease_ending_in(-10)
    VehicleEquipment.objects.filter(vehicle=lease.vehicle, name="Smart key").update(charge_each=Decimal("325.00"))
    VehicleEquipment.objects.create(vehicle=lease.vehicle, name="Cargo cover", quantity=1, charge_each=Decimal("150"))
    return lease


def check_in_and_sell(client, dealer_user, lease, **counts) -> None:
    client.force_login(dealer_user)
    url = reverse("turnin:dealer_walk_in_check_in", args=[lease.public_id])
    key = lease.vehicle.equipment.get(name="Smart key")
    response = client.post(url, statement(lease, miles=30_012, **{f"item_{key.pk}": counts.get("keys", 2)}))
    assert response.status_code == 302
    inspection.inspection_record(
        lease=lease, returned_on=TODAY, inspected_on=TODAY, wear_total=Decimal("0"), user=None, today=TODAY
    )
    inspection.auction_sale_record(lease=lease, sold_on=TODAY, price=Decimal("20000"), user=None, today=TODAY)


def test_a_missing_key_is_a_taxed_line_of_the_bill(client, dealer_user, lease):
    check_in_and_sell(client, dealer_user, lease, keys=1)
    bill = issue(lease)
    lines = {line["code"]: line for line in bill.lines}
    assert lines["missing_equipment"]["amount"] == "325.00"
    assert lines["missing_equipment"]["rule"] == "1 of 2 Smart key not returned × $325.00"
    assert lines["taxes"]["amount"] == "20.31"  # 6.25% of 325.00 (no excess miles, no wear)
    assert bill.facts["missing_equipment"] == [
        {"name": "Smart key", "missing": 1, "charge_each": "325.00", "amount": "325.00"}
    ]


def test_everything_returned_means_no_line(client, dealer_user, lease):
    check_in_and_sell(client, dealer_user, lease)
    bill = issue(lease)
    assert "missing_equipment" not in [line["code"] for line in bill.lines]


def test_the_kit_and_the_lease_page_show_the_charge_beforehand(client, lease):
    payload = build_payload(lease, today=TODAY, plate_rule=None, owed=(Decimal(0), Decimal(0)))
    assert {"name": "Smart key", "quantity": 2, "charge_each": "325.00"} in payload["equipment"]
    owner = lease.parties_primary_first()[0].lessee.user
    client.force_login(owner)
    page = " ".join(client.get(reverse("leases:detail", args=[lease.public_id])).content.decode().split())
    assert "2 × Smart key ($325.00 each if not returned)" in page
