"""Every PDF the portal makes, one way: a snapshot record, its stored file, one print stylesheet.

The five PDFs (a quote, a Vehicle Return Kit, a final bill's statement, a turn-in receipt, a
saved self pre-inspection) are each the print of a record that does not change once written (a
pre-inspection changed after saving drops its PDF and is saved, and drawn, again). The record has a FileField for its
PDF, and the PDF is drawn from the record alone, with ``static/pdf/print.css`` and nothing else,
by the ``render_stored_pdf`` task: it takes the record's primary key and is queued when the record
is created (a kit is drawn at once by the code that stores it, which needs it then). Downloads and
email attachments read the stored file (``StoredPdf.read``); one asked for before the task has run
draws the PDF there and then. Storing is a conditional UPDATE on the file column, so two first
requests, or a request and the task, keep one file between them.

Files go to the default storage under names no URL serves: the owner-scoped views that exist for
each document are the only way to them.

This module is the only one that imports WeasyPrint.
"""

from __future__ import annotations

import logging
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from celery import shared_task
from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import models
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.module_loading import import_string

from portal.language import language_for
from portal.tasks import enqueue_on_commit

log = logging.getLogger(__name__)

PRINT_CSS = "pdf/print.css"

# The documents the render task may be asked for, by name: where each one's StoredPdf lives.
DOCUMENTS = {
    "quote": "quotes.pdf.QUOTE_PDF",
    "kit": "returnkit.render.KIT_PDF",
    "statement": "leases.billing.statement.STATEMENT_PDF",
    "receipt": "returnkit.turnin.receipts.RECEIPT_PDF",
    "pre_inspection": "wear.estimate.PRE_INSPECTION_PDF",
}


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int


@cache
def print_stylesheet():
    """The print stylesheet, parsed once per process (a worker draws many PDFs with it)."""
    from weasyprint import CSS  # heavy: loaded only where a PDF is drawn

    path = finders.find(PRINT_CSS)
    if path is None:
        raise RuntimeError(f"static/{PRINT_CSS} is missing")
    return CSS(filename=path)


# Tagged PDF for screen readers (PDF/UA-1: structure tags, title shown, language, fonts embedded).
PDF_VARIANT = "pdf/ua-1"


@cache
def _tls_context() -> ssl.SSLContext:
    """One TLS context per process for WeasyPrint's URL fetchers: each fetcher made its own, loading
    the system's certificates again (tens of milliseconds a PDF), for PDFs that fetch nothing remote."""
    return ssl.create_default_context()


def _url_fetcher():
    from weasyprint.urls import URLFetcher

    return URLFetcher(ssl_context=_tls_context())  # one a document: a fetcher keeps a request's state


_fonts = threading.local()


def _font_config():
    """One WeasyPrint font configuration per thread, kept: a new one for each PDF loaded the system's
    fonts again, started Pango's caches (font faces, metrics) cold, about 10% of a kit, and left
    native memory behind (a worker drawing kits grew by half over 500 of them). No stylesheet has
    @font-face, which would be added to the kept configuration."""
    config = getattr(_fonts, "config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _fonts.config = FontConfiguration()
    return config


def layout(template: str, context: dict, *, css: str = ""):
    """A template and its context laid out as pages (a WeasyPrint Document), not yet a PDF.

    ``css`` is a few more rules after the print stylesheet, for what a document knows only when it
    is drawn (where a part of a joined document starts numbering its pages).
    """
    from weasyprint import CSS, HTML

    extra = [CSS(string=css, url_fetcher=_url_fetcher())] if css else []
    html = render_to_string(template, context)
    document = HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_url_fetcher())
    return document.render(stylesheets=[print_stylesheet(), *extra], font_config=_font_config())


def write(document, pages: list | None = None) -> Rendered:
    """A laid-out document as a tagged PDF; with ``pages``, those pages (of it or of documents laid
    out apart, joined) under its title and language: WeasyPrint tags the pages it writes, so a
    joined PDF has one structure tree, as if laid out whole.

    The template's <title> and <html lang> become the PDF's title and language; the author is the
    lessor, from settings, whatever the template says.
    """
    if pages is not None:
        document = document.copy(pages)
    metadata = document.metadata
    if not metadata.title:
        raise ValueError("a document has no <title>: a tagged PDF must have one")
    metadata.lang = metadata.lang or translation.get_language() or settings.LANGUAGE_CODE
    metadata.authors = [settings.LESSOR["name"]]
    return Rendered(pdf=document.write_pdf(pdf_variant=PDF_VARIANT), pages=len(document.pages))


def render_pdf(template: str, context: dict) -> Rendered:
    """A template and its context as a tagged US Letter PDF (the page size is in the stylesheet)."""
    return write(layout(template, context))


@dataclass(frozen=True)
class StoredPdf:
    """One kind of record's PDF: how it is drawn from the record, and where it is kept."""

    name: str  # its key in DOCUMENTS, which the render task is given
    model: str  # "app_label.ModelName"
    field: str  # the record's FileField
    template: str
    context: Callable[[models.Model], dict]  # from the record's stored data only
    stored_name: Callable[[models.Model], str]  # the file's name under the field's upload_to
    filename: Callable[[models.Model], str]  # the name a download or an attachment carries
    columns: Callable[[Rendered], dict] = lambda rendered: {}  # stored beside the file (a page count)
    # The person whose language the PDF is drawn in (portal.language); None: the default, English.
    reader: Callable[[models.Model], Any] = lambda record: None
    # How the template and its context become a PDF: the kit joins pages laid out apart.
    draw: Callable[[str, dict], Rendered] = render_pdf

    def render(self, record: models.Model) -> Rendered:
        with translation.override(language_for(self.reader(record))):
            return self.draw(self.template, self.context(record))

    def read(self, record: models.Model) -> bytes:
        """The stored PDF; drawn and stored first if it is not there yet (or its file was lost)."""
        data = self._stored(record)
        return data if data is not None else self._draw(record)

    def is_stored(self, record: models.Model) -> bool:
        file = getattr(record, self.field)
        return bool(file.name) and file.storage.exists(file.name)

    def ensure(self, record: models.Model) -> bool:
        """Draw and store the PDF unless it is stored already; True if it was drawn."""
        if self.is_stored(record):
            return False
        self._draw(record)
        return True

    def attach(self, record: models.Model) -> Rendered:
        """Draw the PDF and put the file in storage under the record's field, without writing the row.

        For a caller that writes its rows in bulk (the kit sweep); ``read`` and ``ensure`` write it.
        """
        rendered = self.render(record)
        # Through upload_to, under a name the storage finds free.
        getattr(record, self.field).save(self.stored_name(record), ContentFile(rendered.pdf), save=False)
        for column, value in self.columns(rendered).items():
            setattr(record, column, value)
        return rendered

    def response(self, record: models.Model) -> HttpResponse:
        """The stored PDF, shown in the browser, under its download name."""
        response = HttpResponse(self.read(record), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(False, self.filename(record))
        return response

    def enqueue(self, pk: int) -> None:
        """Queue the drawing once the transaction that created the record commits."""
        enqueue_on_commit(render_stored_pdf, self.name, pk)

    def _stored(self, record: models.Model) -> bytes | None:
        file = getattr(record, self.field)
        if not file.name:
            return None
        try:
            with file.storage.open(file.name, "rb") as handle:
                return handle.read()
        except FileNotFoundError:
            log.warning("%s %s: stored PDF %s is missing, drawing it again", self.name, record.pk, file.name)
            return None

    def _draw(self, record: models.Model) -> bytes:
        previous = getattr(record, self.field).name or ""
        rendered = self.attach(record)
        file = getattr(record, self.field)
        columns = {self.field: file.name, **self.columns(rendered)}
        # Only over the file this request started from: whoever stores first wins.
        if type(record)._base_manager.filter(pk=record.pk, **{self.field: previous}).update(**columns):
            return rendered.pdf
        # Stored by someone else in the meantime (the same record, so the same PDF): keep theirs.
        file.storage.delete(file.name)
        record.refresh_from_db(fields=list(columns))
        data = self._stored(record)
        return data if data is not None else rendered.pdf


def document(name: str) -> StoredPdf:
    stored = import_string(DOCUMENTS[name])
    if not isinstance(stored, StoredPdf) or stored.name != name:
        raise LookupError(f"{DOCUMENTS[name]} is not the {name!r} StoredPdf")
    return stored


@shared_task(name="portal.render_stored_pdf", acks_late=True, reject_on_worker_lost=True)
def render_stored_pdf(name: str, pk: int) -> bool:
    """Draw and store one record's PDF; nothing if it is stored already (safe to run twice).

    Returns whether it drew. A record deleted before the task ran has nothing to draw.
    """
    stored = document(name)
    model = apps.get_model(stored.model)
    record = model._base_manager.filter(pk=pk).first()
    if record is None:
        log.info("%s %s is gone: no PDF to draw", name, pk)
        return False
    return stored.ensure(record)
