"""Quote PDFs: rendered once from the stored snapshot, then served from storage.

A quote never changes, so neither does its PDF: the first request renders it with WeasyPrint
and keeps the bytes in storage under the quote's public id; every later one reads them back.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string

from quotes.models import Quote


def pdf_path(quote: Quote) -> str:
    return f"quotes/{quote.public_id}.pdf"


def pdf_filename(quote: Quote) -> str:
    return f"{quote.reference}.pdf"


def quote_pdf(quote: Quote) -> bytes:
    """The quote's PDF, rendered on first use and kept in storage."""
    path = pdf_path(quote)
    if default_storage.exists(path):
        with default_storage.open(path, "rb") as stored:
            return stored.read()
    data = render_quote_pdf(quote)
    # Two first requests at once both render; the second leaves the first one's file in place.
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(data))
    return data


def render_quote_pdf(quote: Quote) -> bytes:
    """US Letter, print CSS with block layout only (WeasyPrint is slow on tables and flexbox)."""
    import weasyprint  # a heavy import, needed only when a PDF is rendered

    html = render_to_string("pdf/quote.html", {"quote": quote, "lease": quote.lease, "LESSOR": settings.LESSOR})
    return weasyprint.HTML(string=html).write_pdf()
