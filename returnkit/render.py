"""The kit's PDF: drawn from the stored KitSnapshot (its payload and the day it was prepared) by portal.pdf."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from portal.pdf import Rendered, StoredPdf, render_pdf

# ISO/IEC 7810 ID-1, a credit card's size: the Wear Square only works printed at this true size.
# SVG user units are millimetres in the kit's drawings.
CARD_W, CARD_H = Decimal("85.60"), Decimal("53.98")
INCH = Decimal("25.4")
TREAD = INCH / 8  # 1/8 in., the least tread a tire may have
RULER_X = Decimal("1")
TEMPLATE = "pdf/return_kit.html"


def _ruler_ticks() -> list[dict]:
    """Ticks every 1/8 in.: tall at the ends, middling at 1/2 in., short between."""
    heights = {0: "4", 4: "3", 8: "4"}
    return [{"x": RULER_X + INCH * i / 8 - Decimal("0.125"), "h": heights.get(i, "2")} for i in range(9)]


def kit_context(payload: dict, *, prepared_on: dt.date) -> dict:
    return {
        "kit": payload,
        "prepared_on": prepared_on,
        "card_w": CARD_W,
        "card_h": CARD_H,
        "inch": INCH,
        "ruler_x": RULER_X,
        "ruler_ticks": _ruler_ticks(),
        "tread": TREAD,
        "tread_y": CARD_H - TREAD,
    }


def render_kit(payload: dict, *, prepared_on: dt.date) -> Rendered:
    """A kit's PDF straight from a payload, without a stored record (the bench times this)."""
    return render_pdf(TEMPLATE, kit_context(payload, prepared_on=prepared_on))


KIT_PDF = StoredPdf(
    name="kit",
    model="returnkit.KitSnapshot",
    field="pdf",
    template=TEMPLATE,
    context=lambda kit: kit_context(kit.payload, prepared_on=kit.prepared_on),
    stored_name=lambda kit: f"{kit.fingerprint[:20]}.pdf",
    filename=lambda kit: kit.filename,
    columns=lambda rendered: {"pages": rendered.pages},
)
