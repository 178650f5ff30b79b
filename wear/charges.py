"""What a wear item costs, from the rule and charge snapshotted onto it (pure: no database).

Kinds of charge: none (normal wear, recorded but free), a flat amount, an amount from the rule's
size band the item falls in, or an amount per item (a tire, a key). A rule may cap what its items
on one panel (area) cost together; the cap is shared out in the order the items were recorded,
so every dollar on a document stays on one item. An item may also carry a ceiling: the charge the
lessee's own pre-inspection gave the same damage, when the lessor charges the lower of the two.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from quotes.engine import ZERO, money

NONE, FLAT, BAND, PER_ITEM = "none", "flat", "band", "per_item"
CHARGE_KINDS = (NONE, FLAT, BAND, PER_ITEM)


@dataclass(frozen=True)
class Priced:
    """One item's charge inputs, as snapshotted: the rule, the panel, and the rule's amounts."""

    rule_code: str
    area: str
    charge_kind: str
    unit_amount: Decimal  # the flat amount, the band's amount or the amount per item
    quantity: int = 1
    cap_per_panel: Decimal | None = None
    ceiling: Decimal | None = None  # at most this (the lessee's own pre-inspection, when the lessor allows)


def item_charge(item: Priced) -> Decimal:
    """The charge for one item before any per-panel cap."""
    if item.charge_kind == NONE:
        return ZERO
    if item.charge_kind in (FLAT, BAND):
        return money(item.unit_amount)
    if item.charge_kind == PER_ITEM:
        return money(item.unit_amount * item.quantity)
    raise ValueError(f"unknown charge kind: {item.charge_kind!r}")


def charges(items: Iterable[Priced]) -> list[Decimal]:
    """Each item's charge, in order, with each rule's per-panel cap shared out first come first."""
    spent: dict[tuple[str, str], Decimal] = {}
    result = []
    for item in items:
        amount = item_charge(item)
        if item.ceiling is not None:
            amount = min(amount, item.ceiling)
        if item.cap_per_panel is not None:
            key = (item.rule_code, item.area)
            room = max(ZERO, item.cap_per_panel - spent.get(key, ZERO))
            amount = min(amount, room)
            spent[key] = spent.get(key, ZERO) + amount
        result.append(money(amount))
    return result


def total(amounts: Iterable[Decimal]) -> Decimal:
    return money(sum(amounts, ZERO))
