"""Holds on a balance: an amount the lessee disputes is neither asked for online nor debited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Sum

from leases.billing import ledger
from leases.models import BalanceHold, Lease
from quotes.engine import ZERO, money


def hold_place(*, lease: Lease, reference: str, amount: Decimal, reason: str, today: dt.date) -> BalanceHold:
    """Hold ``amount`` (once per reference: placing it again returns the same hold)."""
    hold, _ = BalanceHold.objects.get_or_create(
        reference=reference,
        defaults={"lease": lease, "amount": money(amount), "reason": reason[:200], "placed_on": today},
    )
    return hold


def hold_release(*, reference: str, today: dt.date) -> bool:
    return bool(BalanceHold.objects.filter(reference=reference, released_on__isnull=True).update(released_on=today))


def held(lease: Lease) -> Decimal:
    total = BalanceHold.objects.filter(lease=lease, released_on__isnull=True).aggregate(total=Sum("amount"))["total"]
    return money(total or ZERO)


def payable(lease: Lease) -> Decimal:
    """What may be paid or debited now: the balance less what is held (never below zero)."""
    return max(ZERO, money(ledger.balance(lease) - held(lease)))
