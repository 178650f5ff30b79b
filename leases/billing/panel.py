"""What billing adds to the lease page: the final bill in short, and the lease-end timeline
from the return kit to the closed account, with what happens next."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from leases.billing import ledger
from leases.models import AuctionSale, FinalBill, Inspection, Lease, Payment, Refund
from portal.dates import long_date
from quotes.engine import usd

# How far along the lease is, by status (the timeline's returned, inspected, sold and closed steps).
_RANK = {
    Lease.Status.ACTIVE: 0,
    Lease.Status.MATURING: 0,
    Lease.Status.EXTENDED: 0,
    Lease.Status.RETURNED: 1,
    Lease.Status.TERMINATED_EARLY: 1,
    Lease.Status.INSPECTED: 2,
    Lease.Status.SOLD: 3,
    Lease.Status.CLOSED: 4,
}


@dataclass
class Step:
    key: str
    label: str
    date: dt.date | None = None
    done: bool = False
    current: bool = False
    note: str = ""

    @property
    def state(self) -> str:
        return "done" if self.done else ("current" if self.current else "upcoming")


@dataclass
class Money:
    balance: Decimal
    pending: list[Payment]
    returned: list[Payment]
    last_settled: dt.date | None
    refund: Refund | None


def _one(lease: Lease, name: str):
    try:
        return getattr(lease, name)
    except ObjectDoesNotExist:
        return None


def _money(lease: Lease, bill: FinalBill | None) -> Money | None:
    if bill is None:
        return None
    payments = list(lease.payments.select_related("bank_account").order_by("created_at", "id"))
    settled = [p.settled_on for p in payments if p.settled_on]
    return Money(
        balance=ledger.balance(lease),
        pending=[p for p in payments if p.status == Payment.Status.PENDING],
        returned=[p for p in payments if p.status == Payment.Status.RETURNED],
        last_settled=max(settled) if settled else None,
        refund=Refund.objects.filter(final_bill=bill).select_related("bank_account").first(),
    )


def _settle_step(bill: FinalBill | None, money: Money | None) -> Step:
    if bill is None or money is None:
        return Step("settled", _("Paid, or deposit refunded"))
    if money.refund is not None:
        issued = money.refund.status == Refund.Status.ISSUED
        return Step("settled", _("Refund issued"), money.refund.issued_on, done=issued)
    if bill.balance_due <= 0:
        return Step("settled", _("Nothing to pay"), bill.issued_on, done=money.balance <= 0)
    done = money.balance <= 0 and not money.pending
    return Step("settled", _("Paid"), money.last_settled if done else None, done=done)


def _before_the_return(
    back: bool, today: dt.date, kit_sent: dt.date | None, appointment_day: dt.date | None
) -> list[Step]:
    """The kit and the appointment: done with their dates when they happened; an appointment
    still to come is shown with its day but not done."""
    steps = []
    if kit_sent or not back:
        steps.append(Step("kit", _("Return kit sent"), kit_sent, done=bool(kit_sent)))
    if appointment_day is not None:
        kept = back or appointment_day < today
        label = _("Turn-in appointment") if kept else _("Turn-in appointment booked")
        steps.append(Step("appointment", label, appointment_day, done=kept))
    elif not back:
        steps.append(Step("appointment", _("Turn-in appointment")))
    return steps


def timeline(
    lease: Lease,
    *,
    bill: FinalBill | None,
    money: Money | None,
    inspection: Inspection | None,
    sale: AuctionSale | None,
    today: dt.date,
    kit_sent: dt.date | None = None,
    appointment_day: dt.date | None = None,
    returned_on: dt.date | None = None,
) -> tuple[list[Step], str]:
    """The lease-end steps and one sentence on what happens next: only what happened, each with
    its date, then what is still to come. ``kit_sent`` and ``appointment_day`` belong to the return
    kit and turn-in apps: the lease page passes them in. Once the car is back, a kit never sent
    and an appointment never kept (a walk-in) are left out rather than shown as done."""
    rank = _RANK.get(lease.status, 0)
    back = rank >= 1
    steps = [
        *_before_the_return(back, today, kit_sent, appointment_day),
        Step("returned", _("Vehicle returned"), inspection.returned_on if inspection else returned_on, done=back),
        Step("inspected", _("Inspected"), inspection.inspected_on if inspection else None, done=inspection is not None),
        Step("sold", _("Sold at auction"), sale.sold_on if sale else None, done=sale is not None),
        Step("bill", _("Final bill"), bill.issued_on if bill else None, done=bill is not None),
        _settle_step(bill, money),
        Step("closed", _("Account closed"), bill.paid_on if bill else None, done=lease.status == Lease.Status.CLOSED),
    ]
    current = next((step for step in steps if not step.done), None)
    if current:
        current.current = True
    return steps, _next_sentence(lease, current, bill, money)


_NEXT = {
    "returned": gettext_lazy(
        "Bring the vehicle to your appointment with all its keys and the items listed on this page; "
        "the dealer records the mileage."
    ),
    "inspected": gettext_lazy(
        "The vehicle is inspected for excess wear after it comes back. The result will appear here."
    ),
    "sold": gettext_lazy("The vehicle goes to auction next. Once it is sold, we prepare your final bill."),
    "bill": gettext_lazy(
        "Your vehicle has been sold. Your itemized final bill is next, and we will email you when it is ready."
    ),
    "closed": gettext_lazy("Everything is settled. We are closing your account."),
    "done": gettext_lazy(
        "Your lease is closed and nothing more is owed. Tolls or parking tickets from your time with "
        "the vehicle can still reach you later."
    ),
}


def _next_sentence(lease: Lease, current: Step | None, bill: FinalBill | None, money: Money | None) -> str:
    if money and money.returned and money.balance > 0:
        last = money.returned[-1]
        reason = (last.return_reason or last.return_code).lower()
        return _(
            "Your bank returned your payment of %(amount)s (%(reason)s). "
            "%(balance)s is due again: please pay online, by phone or by mail."
        ) % dict(amount=usd(last.amount), reason=reason, balance=usd(money.balance))
    key = current.key if current else "done"
    end = long_date(lease.end_date)
    if key == "kit":
        return _(
            "Your lease is scheduled to end on %(day)s. About 120 days before, we email you the Vehicle Return Kit."
        ) % {"day": end}
    if key == "appointment" and current.date is not None:
        return _(
            "Your turn-in appointment is on %(day)s. Bring the vehicle with all its keys "
            "and the items listed on this page; the dealer records the mileage."
        ) % dict(day=long_date(current.date))
    if key == "appointment":
        return _("Book a turn-in appointment at any %(make)s dealer, ideally a few weeks before %(day)s.") % {
            "make": lease.vehicle.make,
            "day": end,
        }
    if key == "settled" and bill is not None and money is not None:
        if money.refund is not None:
            return _("Your refund of %(amount)s is being prepared. We will email you when it is on its way.") % dict(
                amount=usd(money.refund.amount)
            )
        if money.pending:
            paid = usd(sum((p.amount for p in money.pending), Decimal(0)))
            return _(
                "Your payment of %(amount)s is processing; bank debits usually clear in two or three business days."
            ) % {"amount": paid}
        return _("Please pay %(amount)s by %(day)s, online, by phone or by mail.") % dict(
            amount=usd(money.balance), day=long_date(bill.due_on)
        )
    return str(_NEXT.get(key, _NEXT["done"]))


def lease_panel(
    lease: Lease,
    *,
    user,
    today: dt.date,
    kit_sent: dt.date | None = None,
    appointment_day: dt.date | None = None,
    returned_on: dt.date | None = None,
) -> dict:
    if lease.status == Lease.Status.PURCHASED:
        return {"billing": None}
    if lease.is_open:  # the car is still out: nothing inspected, sold or billed yet, so no queries
        bill = money = inspection = sale = None
    else:
        lease = Lease.objects.select_related("inspection", "auction_sale", "final_bill", "vehicle__make").get(
            pk=lease.pk
        )
        bill, inspection, sale = _one(lease, "final_bill"), _one(lease, "inspection"), _one(lease, "auction_sale")
        money = _money(lease, bill)
    steps, next_sentence = timeline(
        lease,
        bill=bill,
        money=money,
        inspection=inspection,
        sale=sale,
        today=today,
        kit_sent=kit_sent,
        appointment_day=appointment_day,
        returned_on=returned_on,
    )
    summary = None
    if bill is not None and money is not None:
        summary = {
            "bill": bill,
            "balance": money.balance,
            "credit": -money.balance if money.balance < 0 else None,  # what we owe the lessee
            "pending": money.pending,
            "refund": money.refund,
        }
    return {"billing": {"steps": steps, "next": next_sentence, "summary": summary}}
