"""Quote PDFs: rendered from the stored snapshot, once, and served inline."""

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from pypdf import PdfReader

from leases.models import Lease
from quotes import engine
from quotes.pdf import pdf_path
from quotes.services import quote_create

pytestmark = pytest.mark.django_db

END = dt.date(2026, 12, 15)
TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "pdf" / "quote.html"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def quote(personas, today):
    return quote_create(
        lease=personas.lease, user=personas.owner, event=engine.TurnIn(date=END, odometer=41012), today=today
    )


def pdf_url(quote) -> str:
    return reverse("quotes:pdf", args=[quote.lease.public_id, quote.public_id])


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_pdf_is_served_inline_with_a_filename(client, personas, quote):
    client.force_login(personas.owner)

    response = client.get(pdf_url(quote))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{quote.reference}.pdf"'
    assert response.content.startswith(b"%PDF-")


def test_the_pdf_carries_the_figures_and_reference_of_the_quote(client, personas, quote):
    client.force_login(personas.owner)

    text = pdf_text(client.get(pdf_url(quote)).content)

    assert quote.reference in text
    assert "$1,723.13" in text and "$1,223.13" in text
    assert "5,000 miles over your 36,000-mile allowance × $0.25 a mile" in text
    assert "December 5, 2026" in text  # good through
    assert "excludes potential excess wear charges" in text


def test_the_pdf_is_us_letter(client, personas, quote):
    client.force_login(personas.owner)
    page = PdfReader(io.BytesIO(client.get(pdf_url(quote)).content)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)


def test_the_pdf_is_rendered_once_and_kept_in_storage(client, personas, quote, settings):
    client.force_login(personas.owner)

    first = client.get(pdf_url(quote)).content
    stored = Path(settings.MEDIA_ROOT) / pdf_path(quote)
    assert stored.read_bytes() == first

    client.force_login(personas.co_lessee)
    assert client.get(pdf_url(quote)).content == first


def test_editing_the_lease_does_not_change_the_pdf(client, personas, quote):
    # The PDF is first rendered after the edit, so it can only come from the snapshot.
    Lease.objects.filter(pk=personas.lease.pk).update(
        residual_value=Decimal("18000.00"), disposition_fee=Decimal("595.00"), excess_mile_rate=Decimal("0.30")
    )
    client.force_login(personas.owner)

    text = pdf_text(client.get(pdf_url(quote)).content)

    assert "$1,723.13" in text
    assert "The turn-in fee in your lease: $395.00" in text
    assert "$595.00" not in text


def test_a_refund_reads_we_owe_you(client, personas, today):
    refund = quote_create(
        lease=personas.lease, user=personas.owner, event=engine.TurnIn(date=END, odometer=30012), today=today
    )
    client.force_login(personas.owner)
    assert "We owe you" in pdf_text(client.get(pdf_url(refund)).content)


def test_the_print_css_uses_block_layout():
    css = TEMPLATE.read_text()
    for slow in ("<table", "display: table", "display: flex", "display: grid"):
        assert slow not in css
