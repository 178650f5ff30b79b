"""The final bill's statement: what the bill page and the PDF show, from the frozen snapshot only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings

from leases.models import FinalBill
from portal.pdf import StoredPdf
from quotes.engine import usd

_FACT_DATES = ("maturity_date", "returned_on", "billed_as_of", "inspected_on", "sold_on")


def statement_context(bill: FinalBill) -> dict:
    """What the statement (PDF) and the bill page show, from the frozen snapshot only."""
    lines = [
        {**line, "display": usd(Decimal(line["amount"])), "is_credit": Decimal(line["amount"]) < 0}
        for line in bill.lines
    ]
    facts = bill.facts
    return {
        "bill": bill,
        "facts": facts,
        "dates": {key: dt.date.fromisoformat(facts[key]) for key in _FACT_DATES},
        "odometer": f"{facts['odometer']:,}",
        "sale_price": usd(Decimal(facts["sale_price"])),
        "lines": lines,
        "total": usd(bill.total),
        "deposit": usd(-bill.security_deposit),
        "net": usd(bill.net_after_deposit),
        "prior": usd(bill.prior_balance) if bill.prior_balance else "",
        "balance_due": usd(bill.balance_due),
        "refund_due": usd(-bill.balance_due) if bill.balance_due < 0 else "",
        "owes": bill.balance_due > 0,
        "lessor": settings.LESSOR,
        "site_url": settings.SITE_URL,
    }


STATEMENT_PDF = StoredPdf(
    name="statement",
    model="leases.FinalBill",
    field="statement",
    template="pdf/statement.html",
    context=statement_context,
    stored_name=lambda bill: f"statement-{bill.facts['account_number']}.pdf",
    filename=lambda bill: f"statement-{bill.facts['account_number']}.pdf",
)


def statement_bytes(bill: FinalBill) -> bytes:
    """The stored statement, drawn from the bill and stored first if its task has not run yet."""
    return STATEMENT_PDF.read(bill)
