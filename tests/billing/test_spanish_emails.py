"""Issue 15, phase 3: the final bill email a Spanish-speaking lessee receives is in Spanish, every
sentence; the English reader of the same bill keeps the English words."""

import io
import re

import pytest
from pypdf import PdfReader

from leases.billing.statement import statement_bytes
from tests.factories import EXAMPLE_START, issue, return_and_sell
from tests.spanish import by_reader, english_words, speaks_spanish
from tests.world import build_personas

pytestmark = pytest.mark.django_db


def test_the_final_bill_email_is_in_spanish_for_a_spanish_reader(mailoutbox, django_capture_on_commit_callbacks):
    world = build_personas(start=EXAMPLE_START)
    speaks_spanish(world.owner)
    return_and_sell(world.lease)
    with django_capture_on_commit_callbacks(execute=True):
        issue(world.lease)
    mails = by_reader(mailoutbox)
    spanish, english = mails["owner@example.com"], mails["co@example.com"]
    assert spanish is not english
    assert spanish.subject.startswith("Su factura final del ")
    assert "Saldo a pagar a más tardar el 25 de diciembre de 2026: $1,223.13" in spanish.body
    html = spanish.alternatives[0].content
    for text in (spanish.subject, spanish.body, re.sub(r"<[^>]+>", " ", html)):
        assert english_words(text) == set(), text
    assert "Balance due by December 25, 2026: $1,223.13" in english.body


def test_the_statement_pdf_is_drawn_in_the_primary_lessees_language():
    world = build_personas(start=EXAMPLE_START)
    speaks_spanish(world.owner)
    bill = issue(return_and_sell(world.lease))
    data = statement_bytes(bill)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Factura final" in text and "Saldo a pagar" in text and "Depósito de seguridad aplicado" in text
    assert english_words(text) == set(), text
