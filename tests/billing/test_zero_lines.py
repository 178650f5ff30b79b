"""Issue 17: the final bill shows the lines that apply and one sentence for those found to be $0.00
(page, statement PDF, email), as quotes do (quotes.engine.lines_presented)."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from leases.billing import statement
from quotes import engine

pytestmark = pytest.mark.django_db


def test_the_bill_page_statement_and_email_name_the_zero_lines_in_one_sentence(client, billed, mailoutbox):
    bill = billed.bill
    sentence = engine.lines_presented(bill.lines)[1]
    assert sentence.startswith("Also checked and found to be $0.00: ")
    client.force_login(billed.owner)
    page = client.get(reverse("leases:bill", args=[billed.lease.public_id])).content.decode()
    assert sentence in page
    for line in bill.lines:
        assert (f'data-code="{line["code"]}"' in page) == (line["amount"] != "0.00")
    pdf = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(statement.statement_bytes(bill))).pages
    )
    assert " ".join(sentence.split()) in pdf
    (email,) = [m for m in mailoutbox if "final bill" in m.subject.lower()]
    assert sentence in email.body
