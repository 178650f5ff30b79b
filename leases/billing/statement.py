"""The final bill's statement: what the bill page and the PDF show, from the frozen snapshot only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings

from leases.models import FinalBill
from portal.language import lessor_words
from portal.pdf import StoredPdf

_FACT_DATES = ("maturity_date", "returned_on", "billed_as_of", "inspected_on", "sold_on")


def statement_context(bill: FinalBill) -> dict:
    """What the statement (PDF) and the bill page show, from the frozen snapshot only.

    Amounts are Decimals and dates are dates: the templates show them with |usd and |long_date.
    """
    lines = [
        {**line, "amount": Decimal(line["amount"]), "is_credit": Decimal(line["amount"]) < 0} for line in bill.lines
    ]
    facts = bill.facts
    return {
        "bill": bill,
        "facts": facts,
        "dates": {key: dt.date.fromisoformat(facts[key]) for key in _FACT_DATES},
        "odometer": f"{facts['odometer']:,}",
        "sale_price": Decimal(facts["sale_price"]),
        "lines": lines,
        "total": bill.total,
        "deposit": -bill.security_deposit,  # a credit on the bill, shown with a minus sign
        "prior": bill.prior_balance,  # shown only when not zero
        "balance_due": bill.balance_due,
        "refund_due": -bill.balance_due if bill.balance_due < 0 else None,
        "owes": bill.balance_due > 0 and bill.paid_on is None,
        "paid_on": bill.paid_on,
        "lessor": lessor_words(),  # its hours in the reader's language
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
    reader=lambda bill: statement_reader(bill),
)


def statement_reader(bill: FinalBill):
    """The primary lessee's online account: the statement is drawn in their language."""
    lessee = bill.lease.primary_lessee
    return lessee.user if lessee else None


def statement_bytes(bill: FinalBill) -> bytes:
    """The stored statement, drawn from the bill and stored first if its task has not run yet."""
    return STATEMENT_PDF.read(bill)
