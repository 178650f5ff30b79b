"""Issue 15: the Vehicle Return Receipt a Spanish-speaking lessee downloads is in Spanish, the
odometer disclosure statement (the reading's status and the electronic signature) included."""

from __future__ import annotations

import pytest
from django.urls import reverse

from returnkit.turnin.checkin import CheckIn, turnin_check_in
from returnkit.turnin.receipts import receipt_pdf
from tests.factories import NOW, TODAY
from tests.returnkit.pdf import text
from tests.spanish import english_words, speaks_spanish

pytestmark = pytest.mark.django_db


def check_in(personas, dealer, dealer_user, **fields):
    statement = {
        "miles": 36_500, "odometer_status": "actual", "lessee_printed_name": "Pat Lessee",
        "dealer_rep_name": "Dana Rep", "lessee_signature": "Pat Lessee", "lessee_signed_ip": "203.0.113.7",
        **fields,
    }  # fmt: skip
    return turnin_check_in(
        dealer=dealer, lease=personas.lease, check_in=CheckIn(**statement), user=dealer_user, now=NOW, today=TODAY
    )


def test_the_receipt_is_in_spanish_for_a_spanish_lessee(client, personas, dealer, dealer_user):
    speaks_spanish(personas.owner)
    check_in(personas, dealer, dealer_user)
    client.force_login(personas.owner)
    response = client.get(reverse("turnin:receipt", args=[personas.lease.public_id]))
    assert response.status_code == 200
    words = text(response.content)
    assert "Recibo de devolución del vehículo" in words
    assert "Declaración de odómetro La lectura es el millaje real del vehículo" in words
    signed = "Firma del arrendatario /Pat Lessee/ · firmada electrónicamente con el consentimiento del arrendatario"
    assert signed in words
    assert "desde la dirección IP 203.0.113.7" in words
    names = " y ".join(p.lessee.full_name for p in personas.lease.parties_primary_first())
    assert f"Arrendatarios {names} Equipo devuelto" in words
    assert english_words(words) == set(), words


@pytest.mark.parametrize(
    ("status", "spanish"),
    [
        ("exceeds", "El millaje supera los límites mecánicos del odómetro"),
        ("not_actual", "La lectura NO es el millaje real (discrepancia del odómetro)"),
    ],
)
def test_each_odometer_statement_reads_in_spanish(personas, dealer, dealer_user, status, spanish):
    speaks_spanish(personas.owner)
    turnin = check_in(
        personas, dealer, dealer_user, odometer_status=status, miles=36_500,
        odometer_status_reason="The cluster was replaced at 12,000 miles.",
    )  # fmt: skip
    words = text(receipt_pdf(turnin))
    assert spanish in words
    assert "Motivo The cluster was replaced" in words  # the dealer's reason, in the words written


def test_the_english_receipt_keeps_the_statement_in_english(personas, dealer, dealer_user):
    words = text(receipt_pdf(check_in(personas, dealer, dealer_user)))
    assert "Odometer statement The reading is the actual mileage of the vehicle" in words
    assert "Lessee's signature /Pat Lessee/ · signed electronically with the lessee's consent on" in words

