"""The Vehicle Return Receipt, drawn once from the stored TurnIn record (never from live rows), by portal.pdf."""

from __future__ import annotations

from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from portal.language import lessor_words
from portal.pdf import StoredPdf
from returnkit.turnin.models import TurnIn


def receipt_filename(turnin: TurnIn) -> str:
    return f"vehicle-return-receipt-{turnin.vin}.pdf"


def receipt_context(turnin: TurnIn) -> dict:
    items = list(turnin.items.all())
    # Stored as the record was signed ("A and B", checkin.py); joined again in the reader's words.
    lessees = turnin.lessee_names.split(" and ")
    return {
        "turnin": turnin,
        "lessees": lessees,
        "lessee_names": get_text_list(lessees, _("and")),
        "items": items,
        "missing": [item for item in items if item.missing],
        "LESSOR": lessor_words(),  # drawn in the reader's language (its hours too)
    }


RECEIPT_PDF = StoredPdf(
    name="receipt",
    model="turnin.TurnIn",
    field="receipt",
    template="pdf/turnin_receipt.html",
    context=receipt_context,
    stored_name=receipt_filename,
    filename=receipt_filename,
    reader=lambda turnin: receipt_reader(turnin),
)


def receipt_reader(turnin: TurnIn):
    """The primary lessee's online account: the receipt is drawn in their language."""
    lessee = turnin.lease.primary_lessee
    return lessee.user if lessee else None


def receipt_pdf(turnin: TurnIn) -> bytes:
    """The stored receipt, drawn from the record and stored first if its task has not run yet."""
    return RECEIPT_PDF.read(turnin)
