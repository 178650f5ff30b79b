"""Issue 17: the payment authorization said "cancel by calling … before 9 p.m." while the
payments line closes at 8 p.m. The sentence now comes from the lessor's hours setting."""

import pytest

from leases.billing import payments
from tests.factories import pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def short_hours(settings):
    hours = "Monday to Friday, 9 a.m. to 5 p.m. Central"
    settings.LESSOR = {**settings.LESSOR, "payments_phone": "1-800-555-0199", "hours": hours}


WHILE_OPEN = "1-800-555-0199 the same day, while the line is open (Monday to Friday, 9 a.m. to 5 p.m. Central)"


def test_the_authorization_names_the_lines_own_hours(billed, short_hours):
    text = payments.authorization_text(billed.lease)
    assert "9 p.m." not in text
    assert f"calling {WHILE_OPEN}" in text


def test_the_receipt_email_says_the_same(billed, short_hours, mailoutbox, django_capture_on_commit_callbacks):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        pay(billed.lease, billed.owner, "100.00")
    receipt = mailoutbox[-1]
    html = receipt.alternatives[0][0]
    for body in (receipt.body, html):
        assert "9 p.m." not in body
        assert f"call {WHILE_OPEN}" in body
