"""portal.pdf, the one way the portal makes a PDF: one module draws, one stylesheet, one stored file per record."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from portal.pdf import DOCUMENTS, document, render_stored_pdf
from quotes import engine
from quotes.models import Quote
from quotes.pdf import QUOTE_PDF
from quotes.services import quote_create
from tests.returnkit.pdf import text
from tests.stored_pdf import stored_files

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "templates" / "pdf").glob("*.html"))
PRINT_CSS = (ROOT / "static" / "pdf" / "print.css").read_text()


@pytest.fixture
def quote(personas, today, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    event = engine.TurnIn(date=personas.lease.maturity_date, odometer=41012)
    return quote_create(lease=personas.lease, user=personas.owner, event=event, today=today)


def test_only_portal_pdf_imports_weasyprint():
    importers = {
        str(path.relative_to(ROOT))
        for package in ("portal", "leases", "quotes", "returnkit", "wear")
        for path in (ROOT / package).rglob("*.py")
        if re.search(r"^\s*(import weasyprint|from weasyprint)", path.read_text(), re.M)
    }
    assert importers == {"portal/pdf.py"}


def test_every_pdf_template_uses_the_print_stylesheet_and_none_has_its_own():
    assert len(TEMPLATES) == 6  # five documents, the kit in two parts (returnkit.render)
    for template in TEMPLATES:
        html = template.read_text()
        assert "<style" not in html and "style=" not in html, template.name
        # The language the PDF is drawn in (portal.pdf, StoredPdf.reader).
        doc = re.search(r'<html lang="\{\{ lang \}\}" class="(doc-[a-z]+)">', html).group(1)
        page = doc.removeprefix("doc-")
        assert f"html.{doc} {{ page: {page}; }}" in PRINT_CSS
        assert f"@page {page} " in PRINT_CSS


def test_the_print_stylesheet_lays_out_in_blocks():
    for slow in ("display: table", "display: flex", "display: grid", "display: inline-flex"):
        assert slow not in PRINT_CSS


def test_every_document_the_task_knows_is_a_stored_pdf_under_its_own_name():
    assert set(DOCUMENTS) == {"quote", "kit", "statement", "receipt", "pre_inspection"}
    for name in DOCUMENTS:
        assert document(name).name == name


@pytest.mark.django_db
def test_two_first_requests_at_once_store_one_file(quote):
    # Both loaded the quote before either stored its PDF, as two requests at the same moment would.
    one, other = Quote.objects.get(pk=quote.pk), Quote.objects.get(pk=quote.pk)

    first = QUOTE_PDF.read(one)
    second = QUOTE_PDF.read(other)  # draws too, loses the conditional UPDATE, serves the stored file

    quote.refresh_from_db()
    assert one.pdf.name == other.pdf.name == quote.pdf.name
    assert second == first
    assert stored_files() == [quote.pdf.name]


@pytest.mark.django_db
def test_a_lost_file_is_drawn_again_into_the_same_record(quote):
    first = QUOTE_PDF.read(quote)
    quote.pdf.storage.delete(quote.pdf.name)

    again = QUOTE_PDF.read(Quote.objects.get(pk=quote.pk))

    assert text(again) == text(first)
    quote.refresh_from_db()
    assert stored_files() == [quote.pdf.name]


@pytest.mark.django_db
def test_the_task_for_a_record_deleted_meanwhile_draws_nothing(quote):
    pk = quote.pk
    quote.delete()
    assert render_stored_pdf.delay("quote", pk).get() is False
    assert stored_files() == []
