"""The Vehicle Return Receipt, rendered from the stored TurnIn record (never from live rows)."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string

from returnkit.turnin.models import TurnIn


def receipt_filename(turnin: TurnIn) -> str:
    return f"vehicle-return-receipt-{turnin.vin}.pdf"


def receipt_pdf(turnin: TurnIn) -> bytes:
    import weasyprint  # heavy; only the receipt needs it

    items = list(turnin.items.all())
    html = render_to_string(
        "pdf/turnin_receipt.html",
        {
            "turnin": turnin,
            "items": items,
            "missing": [item for item in items if item.missing],
            "LESSOR": settings.LESSOR,
        },
    )
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
