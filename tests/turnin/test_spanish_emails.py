"""Issue 15, phase 3: the turn-in emails a Spanish-speaking lessee receives are in Spanish, every
sentence; the English reader of the same appointment keeps the English words."""

import re

import pytest

from returnkit.turnin.services import appointment_book
from tests.factories import NOW
from tests.spanish import by_reader, english_words, speaks_spanish

pytestmark = pytest.mark.django_db


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
