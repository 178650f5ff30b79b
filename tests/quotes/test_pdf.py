"""Quote PDFs: rendered from the stored snapshot, once, kept in the quote's file field, and served inline."""

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from pypdf import PdfReader

from leases.models import Lease
from quotes import engine
from quotes.services import quote_create
from tests.stored_pdf import (
    assert_drawn_once_then_served_from_storage,
    assert_render_task_is_safe_twice,
    stored_files,
)

pytestmark = pytest.mark.django_db

END = dt.date(2026, 12, 15)
ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "templates" / "pdf" / "quote.html"
PRINT_CSS = ROOT / "static" / "pdf" / "print.css"


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
    quote.refresh_from_db()
    assert quote.pdf.name == f"quotes/{quote.public_id}.pdf"
    stored = Path(settings.MEDIA_ROOT) / quote.pdf.name
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
    for source in (TEMPLATE.read_text(), PRINT_CSS.read_text()):
        for slow in ("<table", "display: table", "display: flex", "display: grid"):
            assert slow not in source
    assert "<style" not in TEMPLATE.read_text()  # static/pdf/print.css is the only stylesheet


def test_a_second_download_is_served_from_storage(client, personas, quote):
    client.force_login(personas.owner)
    name = assert_drawn_once_then_served_from_storage(lambda: client.get(pdf_url(quote)).content, quote, "pdf")
    assert name == f"quotes/{quote.public_id}.pdf"


def test_giving_a_quote_queues_its_pdf_once_committed(personas, today, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        given = quote_create(
            lease=personas.lease, user=personas.owner, event=engine.TurnIn(date=END, odometer=41012), today=today
        )
    given.refresh_from_db()
    assert stored_files() == [given.pdf.name] == [f"quotes/{given.public_id}.pdf"]
    assert given.reference in pdf_text(given.pdf.read())


def test_the_render_task_is_safe_to_run_twice(quote):
    assert_render_task_is_safe_twice("quote", quote, "pdf")


def test_a_spanish_readers_quote_pdf_is_in_spanish(client, personas, today):
    """Issue 15: the quote is drawn in the language of the lessee who asked for it, every word."""
    personas.owner.language = "es"
    personas.owner.save(update_fields=["language"])
    spanish = quote_create(
        lease=personas.lease, user=personas.owner, event=engine.TurnIn(date=END, odometer=41012), today=today
    )
    client.force_login(personas.owner)

    text = " ".join(pdf_text(client.get(pdf_url(spanish)).content).split())

    assert "Estimado de devolución" in text and "Cómo se calcula" in text
    assert "Válida hasta 5 de diciembre de 2026" in text
    assert "no incluye posibles cargos por desgaste excesivo" in text
    assert "Menos su depósito de seguridad" in text and "Lo que usted consultó" in text
    for english in ("How it adds up", "Good through", "Reference", "Total charges", "Your ", "You pay", "miles"):
        assert english not in text, english
