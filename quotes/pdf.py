"""Quote PDFs: drawn once from the stored snapshot (portal.pdf), kept in the quote's ``pdf`` field.

A quote never changes, so neither does its PDF. Giving a quote queues its drawing; a download
before that has run draws it there and then; every later one reads the stored file.
"""

from __future__ import annotations

from portal.language import lessor_words
from portal.pdf import StoredPdf, render_pdf
from quotes.models import Quote

TEMPLATE = "pdf/quote.html"


def pdf_filename(quote: Quote) -> str:
    return f"{quote.reference}.pdf"


def quote_context(quote: Quote) -> dict:
    return {"quote": quote, "lease": quote.lease, "LESSOR": lessor_words()}


QUOTE_PDF = StoredPdf(
    name="quote",
    model="quotes.Quote",
    field="pdf",
    template=TEMPLATE,
    context=quote_context,
    stored_name=lambda quote: f"{quote.public_id}.pdf",
    filename=pdf_filename,
    reader=lambda quote: quote.created_by,  # the lessee who asked for it reads it in their language
)


def quote_pdf(quote: Quote) -> bytes:
    """The quote's stored PDF, drawn first if it is not stored yet."""
    return QUOTE_PDF.read(quote)


def render_quote_pdf(quote: Quote) -> bytes:
    """The quote's PDF drawn afresh, not stored (the bench times this)."""
    return render_pdf(TEMPLATE, quote_context(quote)).pdf
