"""Equipment not returned: counted by the dealer at check-in, priced at the lessor's charge per
item, and billed as the final bill's "Missing equipment" line (taxed like the other charges)."""

from __future__ import annotations

from decimal import Decimal

from leases.models import EquipmentCharge, Lease
from quotes.engine import money, usd


def missing_equipment_record(*, lease: Lease, returned: dict[int, int]) -> list[EquipmentCharge]:
    """Price what is short of the vehicle's equipment list; ``returned`` maps each
    ``VehicleEquipment`` id to the count brought back (missing from the map: none came back).
    Call inside the check-in's transaction, once per lease (the database refuses a second time)."""
    charges = []
    for item in lease.vehicle.equipment.all():
        missing = item.quantity - min(max(returned.get(item.pk, 0), 0), item.quantity)
        if missing:
            amount = money(missing * item.charge_each)
            charges.append(
                EquipmentCharge(
                    lease=lease,
                    name=item.name,
                    missing=missing,
                    expected=item.quantity,
                    charge_each=item.charge_each,
                    amount=amount,
                )
            )
    return EquipmentCharge.objects.bulk_create(charges)


def missing_equipment(lease: Lease) -> list[EquipmentCharge]:
    return list(EquipmentCharge.objects.filter(lease=lease))


def missing_equipment_total(charges: list[EquipmentCharge]) -> Decimal:
    return money(sum((charge.amount for charge in charges), Decimal("0")))


def missing_equipment_rule(charges: list[EquipmentCharge]) -> str:
    """The bill line's explanation, item by item: "1 of 2 Smart key not returned × $325.00"."""
    return "; ".join(
        f"{charge.missing} of {charge.expected} {charge.name} not returned × {usd(charge.charge_each)}"
        for charge in charges
    )
