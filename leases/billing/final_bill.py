"""The final bill: computed by the quote engine, posted to the ledger, frozen as a snapshot;
and its statement."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from leases.billing import emails, ledger, statement
from leases.billing.equipment import missing_equipment, missing_equipment_rule, missing_equipment_total
from leases.billing.errors import BillingError
from leases.billing.refunds import lease_close_if_settled, refund_create
from leases.models import (
    AuctionSale,
    FinalBill,
    Inspection,
    Lease,
    LedgerEntry,
)
from leases.services import reading_at_return
from portal.notify import Kind, link, notify
from portal.tasks import enqueue_on_commit
from quotes.engine import QuoteError, compute_quote, money, parse_request


def _json_value(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def final_bill_request(lease: Lease) -> dict:
    """The quote engine's request for this lease's final bill, in its JSON form (LEASE_MATH.md).

    A lease ended early (returned before the turn-in window) is billed as an early termination,
    the sale price being the realized value, with no refund of unused purchased miles; any other
    return as a turn-in dated no earlier than the scheduled end (``Lease.turn_in_billed_on``: a
    vehicle handed back in the turn-in window owes no early-termination charge).
    """
    inspection = Inspection.objects.get(lease=lease)
    sale = AuctionSale.objects.get(lease=lease)
    reading = reading_at_return(lease, returned_on=inspection.returned_on)
    if reading is None:
        raise BillingError("There is no odometer reading for the return.")
    past_due, property_tax = ledger.amounts_owed(lease)
    event: dict[str, object] = {
        "odometer": reading.miles,
        "wear_charges": str(inspection.wear_total),
        "past_due": str(past_due),
        "property_tax": str(property_tax),
    }
    missing = missing_equipment_total(missing_equipment(lease))
    if missing:
        event["missing_equipment"] = str(missing)
    if inspection.ended_early:
        event.update(kind="early_termination", date=inspection.returned_on.isoformat(), realized_value=str(sale.price))
    else:
        event.update(kind="turn_in", date=lease.turn_in_billed_on(inspection.returned_on).isoformat())
    terms = lease.terms()
    return {"terms": {name: _json_value(getattr(terms, name)) for name in terms.__dataclass_fields__}, "event": event}


def _bill_to(lease: Lease) -> str:
    lessee = lease.primary_lessee
    if lessee is None:
        return ""
    return "\n".join([lessee.full_name, *lessee.address_lines])


def _facts(lease: Lease, request: dict, inspection: Inspection, sale: AuctionSale, missing: list) -> dict:
    return {
        "account_number": lease.account_number,
        "vehicle": lease.vehicle.description,
        "vin": lease.vehicle.vin,
        "maturity_date": lease.maturity_date.isoformat(),
        "returned_on": inspection.returned_on.isoformat(),
        "billed_as_of": request["event"]["date"],
        "odometer": request["event"]["odometer"],
        "inspected_on": inspection.inspected_on.isoformat(),
        "wear_total": str(inspection.wear_total),
        "wear_report": inspection.wear_report,  # the condition report itemizing it, if any
        "sold_on": sale.sold_on.isoformat(),
        "sale_price": str(sale.price),
        "missing_equipment": [
            {"name": c.name, "missing": c.missing, "charge_each": str(c.charge_each), "amount": str(c.amount)}
            for c in missing
        ],
    }


def _bill_rule(line, inspection: Inspection, missing: list) -> dict:
    """The engine's rule (words, code and numbers), except where its wording is for an estimate: a
    bill follows an inspection. The words of each code, in the reader's language: quotes.rules."""
    if line.code == "excess_wear" and not inspection.wear_total:
        return {
            "rule": "The inspection found no chargeable excess wear",
            "rule_code": "wear_none_found",
            "rule_params": {},
        }
    if line.code == "missing_equipment":
        # The items by name: kept as English words for now (issue 15, next phase).
        return {"rule": missing_equipment_rule(missing)}
    if line.code == "excess_wear" and inspection.wear_report:
        # Names the condition report: English words for now, like missing equipment.
        return {"rule": f"{line.rule}, itemized in condition report {inspection.wear_report}"}
    return {"rule": line.rule, "rule_code": line.rule_code, "rule_params": line.rule_params}


def _computed(request: dict):
    try:
        return compute_quote(*parse_request(request))
    except QuoteError as error:
        raise BillingError(f"The bill cannot be computed: {error}.") from None


def final_bill_preview(lease: Lease):
    """The bill as it would be issued now (nothing is written); BillingError if it cannot be."""
    try:
        return _computed(final_bill_request(lease))
    except (Inspection.DoesNotExist, AuctionSale.DoesNotExist):
        raise BillingError("Record the inspection and the sale first.") from None


def prior_credit(lease: Lease) -> Decimal:
    """A credit on the account from before the bill (zero or less): the bill's balance nets it off."""
    return min(Decimal("0.00"), ledger.balance(lease))


def _issue_check(lease: Lease) -> None:
    if FinalBill.objects.filter(lease=lease).exists():
        raise BillingError("A final bill has already been issued for this lease.")
    if lease.status != Lease.Status.SOLD:
        raise BillingError(f"A final bill follows the sale of the vehicle. {lease.status_sentence()}")


def _bill_create(*, lease: Lease, request: dict, user, today: dt.date) -> FinalBill:
    """The frozen record: the engine's request and lines, the totals and the dates."""
    quote = _computed(request)
    prior_balance = prior_credit(lease)
    # Read once for the lines' rules and the facts (not once a line).
    inspection, sale = Inspection.objects.get(lease=lease), AuctionSale.objects.get(lease=lease)
    missing = missing_equipment(lease)
    lines = [
        {"code": line.code, "label": line.label, "amount": str(line.amount), **_bill_rule(line, inspection, missing)}
        for line in quote.lines
    ]
    return FinalBill.objects.create(
        lease=lease,
        kind=quote.kind,
        inputs=request,
        lines=[{**line, "posted": ledger.is_posted(line)} for line in lines],
        facts=_facts(lease, request, inspection, sale, missing),
        bill_to=_bill_to(lease),
        total=quote.total,
        security_deposit=quote.security_deposit,
        net_after_deposit=quote.net_after_deposit,
        prior_balance=prior_balance,
        balance_due=money(quote.net_after_deposit + prior_balance),
        issued_on=today,
        due_on=today + dt.timedelta(days=settings.FINAL_BILL_DUE_DAYS),
        issued_by=user,
    )


def final_bill_issue(*, lease: Lease, user, today: dt.date) -> FinalBill:
    """Compute, post and freeze the final bill; refuses a second bill for the same lease.

    The bill's lines go to the ledger with the security deposit applied as a credit, all in
    one transaction. Past-due amounts and property tax are on the account already, so their
    lines are shown but not posted twice. A credit balance becomes a pending refund.
    """
    with transaction.atomic():
        lease = Lease.objects.select_for_update().select_related("vehicle__make").get(pk=lease.pk)
        _issue_check(lease)
        bill = _bill_create(lease=lease, request=final_bill_request(lease), user=user, today=today)
        balance = ledger.lines_post(
            lease=lease,
            lines=bill.lines,
            deposit_credit=bill.security_deposit,
            posted_on=today,
            user=user,
            deposit_memo="Security deposit applied to the final bill",
            final_bill=bill,
        )
        if balance != bill.balance_due:  # the ledger and the snapshot must agree
            raise BillingError("The ledger does not match the bill; nothing was issued.")
        if bill.balance_due < 0:
            refund_create(bill=bill, lease=lease)
        else:
            lease_close_if_settled(lease=lease)
        statement.STATEMENT_PDF.enqueue(bill.pk)
        enqueue_on_commit(emails.final_bill_send, bill.pk)
        notify(lease, Kind.FINAL_BILL_ISSUED, url=link("leases:bill", lease.public_id), key=bill.pk)
        return bill


def bill_lines_for_wear(bill: FinalBill, wear_total: Decimal) -> dict[str, Decimal]:
    """The bill's lines (code → amount) had the wear charges been ``wear_total``: same inputs otherwise."""
    request = {**bill.inputs, "event": {**bill.inputs["event"], "wear_charges": str(money(wear_total))}}
    return {line.code: line.amount for line in _computed(request).lines}


def bill_wear_adjust(
    *, bill: FinalBill, wear_from: Decimal, wear_to: Decimal, memo: str, user, today: dt.date
) -> Decimal:
    """Post what changing the bill's wear charges from ``wear_from`` to ``wear_to`` changes on each
    posted line (excess wear and the tax on it), as new entries: the ledger stays append-only.
    Returns the change to the balance (negative: a credit). Call inside the caller's transaction."""
    before, after = bill_lines_for_wear(bill, wear_from), bill_lines_for_wear(bill, wear_to)
    change = Decimal("0.00")
    for code, amount in after.items():
        difference = money(amount - before[code])
        if difference and ledger.is_posted({"code": code, "amount": str(difference)}):
            label = LedgerEntry.Kind(code).label.lower()
            ledger.entry_post(
                lease=bill.lease, kind=code, amount=difference, posted_on=today, memo=f"{memo}: {label}", user=user
            )
            change += difference
    return money(change)
