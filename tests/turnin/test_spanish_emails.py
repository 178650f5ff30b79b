"""Issue 15, phase 3: the turn-in emails a Spanish-speaking lessee receives are in Spanish, every
sentence; the English reader of the same appointment keeps the English words."""

import re

import pytest

from returnkit.turnin.services import appointment_book
from tests.factories import NOW

pytestmark = pytest.mark.django_db

ENGLISH = re.compile(
    r"\b(your|the|bill|balance|due|charges|deposit|payments|refund|statement|attached|appointment|"
    r"booked|calendar|bring|vehicle's|page|when|where|phone|account|online|move|cancel|hours|before)\b",
    re.IGNORECASE,
)


def english_words(text: str) -> set[str]:
    text = re.sub(r"https?://\S+", "", text)
    return {w.lower() for w in ENGLISH.findall(text)}


def by_reader(mailoutbox) -> dict[str, object]:
    return {address: m for m in mailoutbox for address in m.to}


def speaks_spanish(user):
    user.language = "es"
    user.save(update_fields=["language"])


def test_the_turn_in_booking_email_is_in_spanish_for_a_spanish_reader(
    personas, slot, mailoutbox, django_capture_on_commit_callbacks
):
    speaks_spanish(personas.owner)
    with django_capture_on_commit_callbacks(execute=True):
        appointment_book(lease=personas.lease, slot_id=slot.public_id, user=personas.owner, now=NOW)
    mails = by_reader(mailoutbox)
    spanish, english = mails["owner@example.com"], mails["co@example.com"]
    assert spanish.subject.startswith("Su devolución está reservada: ")
    assert "Cuándo:" in spanish.body and "Su cita de devolución está reservada." in spanish.body
    html = spanish.alternatives[0].content
    for text in (spanish.subject, spanish.body, re.sub(r"<[^>]+>", " ", html)):
        assert english_words(text) == set(), text
    assert english.subject == "Your turn-in is booked: Tue, Dec 1 at 10 a.m., Hudson Toyota"
