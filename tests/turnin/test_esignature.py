"""Issue 17: the lessee's signature on the odometer statement was a checkbox the dealer ticked.
The lessee now signs by typing their name, after consenting to sign electronically (ESIGN); the
name, the time and the IP address are kept with the statement and printed on the receipt."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from returnkit.turnin.checkin import signature_matches
from returnkit.turnin.models import TurnIn
from returnkit.turnin.services import appointment_book
from tests.factories import NOW, make_slot
from tests.turnin.test_checkin import statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(personas, dealer):
    slot = make_slot(dealer, dt.date(2026, 11, 25), 14)
    return appointment_book(lease=personas.lease, slot_id=slot.public_id, user=None, now=NOW - dt.timedelta(days=2))


def check_in(client, booked, dealer_user, **changes):
    client.force_login(dealer_user)
    url = reverse("turnin:dealer_check_in", args=[booked.public_id])
    return client.post(url, statement(booked.lease, **changes), REMOTE_ADDR="198.51.100.23")


def test_the_lessee_signs_with_their_typed_name_and_the_signature_is_kept(client, booked, dealer_user):
    response = check_in(client, booked, dealer_user, lessee_signature="  pat   LESSEE ")
    assert response.status_code == 302
    turnin = TurnIn.objects.get()
    assert (turnin.lessee_signature, turnin.lessee_esign_consent, turnin.lessee_signed_ip) == (
        "pat   LESSEE",
        True,
        "198.51.100.23",
    )
    assert turnin.lessee_certified_at == NOW
    page = client.get(reverse("turnin:dealer_turnin", args=[turnin.public_id])).content.decode()
    assert "Typed signature /pat   LESSEE/" in page


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"lessee_esign_consent": None}, "lessee_esign_consent", "agree to sign electronically"),
        ({"lessee_signature": ""}, "lessee_signature", "signs by typing their full name"),
        ({"lessee_signature": "Dana Service"}, "lessee_signature", "must be the lessee's printed name"),
    ],
)
def test_no_consent_or_a_signature_that_is_not_the_printed_name_is_refused(
    client, booked, dealer_user, changes, field, words
):
    client.force_login(dealer_user)
    form = {k: v for k, v in statement(booked.lease, **changes).items() if v is not None}
    response = client.post(reverse("turnin:dealer_check_in", args=[booked.public_id]), form)
    assert response.status_code == 400
    assert words in " ".join(response.context["form"].errors[field])
    assert not TurnIn.objects.exists()


def test_the_receipt_shows_the_printed_name_and_the_electronic_signature(client, personas, booked, dealer_user):
    check_in(client, booked, dealer_user)
    client.force_login(personas.owner)
    response = client.get(reverse("turnin:receipt", args=[personas.lease.public_id]))
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Lessee's printed name Pat Lessee" in text
    assert "Lessee's signature /Pat Lessee/ · signed electronically with the lessee's consent on" in text
    assert "November 25, 2026, 9 a.m. EST from IP address 198.51.100.23" in text


def test_a_signature_matches_the_printed_name_whatever_the_case_and_spacing():
    assert signature_matches(printed_name="Riley Chen", signature=" riley  chen ")
    assert not signature_matches(printed_name="Riley Chen", signature="R. Chen")
    assert not signature_matches(printed_name="", signature="")
