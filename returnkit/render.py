"""The kit's PDF: HTML and print CSS (block layout only) through WeasyPrint, US Letter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

# ISO/IEC 7810 ID-1, a credit card's size: the Wear Square only works printed at this true size.
# SVG user units are millimetres in the kit's drawings.
CARD_W, CARD_H = Decimal("85.60"), Decimal("53.98")
INCH = Decimal("25.4")
TREAD = INCH / 8  # 1/8 in., the least tread a tire may have
RULER_X = Decimal("1")


def _ruler_ticks() -> list[dict]:
    """Ticks every 1/8 in.: tall at the ends, middling at 1/2 in., short between."""
    heights = {0: "4", 4: "3", 8: "4"}
    return [{"x": RULER_X + INCH * i / 8 - Decimal("0.125"), "h": heights.get(i, "2")} for i in range(9)]


@dataclass(frozen=True)
class RenderedKit:
    pdf: bytes
    pages: int


@cache
def _stylesheet():
    from weasyprint import CSS

    path = finders.find("css/kit.css")
    if path is None:
        raise RuntimeError("static/css/kit.css is missing")
    return CSS(filename=path)


def kit_html(payload: dict, *, prepared_on: dt.date) -> str:
    return render_to_string(
        "pdf/return_kit.html",
        {
            "kit": payload,
            "prepared_on": prepared_on,
            "card_w": CARD_W,
            "card_h": CARD_H,
            "inch": INCH,
            "ruler_x": RULER_X,
            "ruler_ticks": _ruler_ticks(),
            "tread": TREAD,
            "tread_y": CARD_H - TREAD,
        },
    )


def render_kit(payload: dict, *, prepared_on: dt.date) -> RenderedKit:
    from weasyprint import HTML  # imported here: it is slow to import and only workers need it

    document = HTML(string=kit_html(payload, prepared_on=prepared_on), base_url=str(settings.BASE_DIR)).render(
        stylesheets=[_stylesheet()]
    )
    return RenderedKit(pdf=document.write_pdf(), pages=len(document.pages))
