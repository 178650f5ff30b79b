"""Issue 17: quotes listed every engine line, six of nine at $0.00. The lines that apply are shown,
and one sentence says what was checked and found to be zero: quote page, quote PDF, final bill page,
statement and email, all through quotes.engine.lines_presented."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from quotes import engine
from quotes.services import quote_create

pytestmark = pytest.mark.django_db

END = dt.date(2026, 12, 15)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def words(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def test_lines_presented_keeps_what_applies_and_names_the_zeros():
    lines = [
        {"label": "Excess mileage", "amount": "1250.00"},
        {"label": "Excess wear", "amount": "0.00"},
        {"label": "Extension fees (0 days at $30.00)", "amount": "0.00"},
        {"label": "Missing equipment", "amount": "0.00"},
    ]
    shown, sentence = engine.lines_presented(lines)
    assert shown == lines[:1]
    assert sentence == "Also checked and found to be $0.00: excess wear, extension fees and missing equipment."
    assert engine.lines_presented(lines[:2])[1] == "Also checked and found to be $0.00: excess wear."
    assert engine.lines_presented(lines[:1]) == (lines[:1], "")


def test_the_quote_page_and_pdf_show_the_lines_that_apply_and_one_sentence(client, personas, today):
    quote = quote_create(
        lease=personas.lease, user=personas.owner, event=engine.TurnIn(date=END, odometer=41012), today=today
    )
    zero = [line["label"] for line in quote.lines if line["amount"] == "0.00"]
    assert len(zero) >= 3
    client.force_login(personas.owner)
    page = client.get(quote.get_absolute_url()).content.decode()
    shown = re.findall(r'class="quote-line-label">([^<]+)<', page)
    assert shown == [line["label"] for line in quote.lines if line["amount"] != "0.00"]
    assert "$0.00" not in re.sub(r"Also checked and found to be \$0\.00", "", page)
    sentence = engine.lines_presented(quote.lines)[1]
    assert sentence.startswith("Also checked and found to be $0.00: ") and sentence in page
    pdf = words(client.get(reverse("quotes:pdf", args=[quote.lease.public_id, quote.public_id])).content)
    assert " ".join(sentence.split()) in pdf
    assert "$0.00" not in pdf.replace("found to be $0.00", "")
