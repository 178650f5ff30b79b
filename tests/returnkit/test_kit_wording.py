"""Issue 17: the kit still said "call first to book" although booking is online, and its 1/8-inch
tread band was a faint grey a black-and-white printer drops."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string

from returnkit.render import SHARED_TEMPLATE, shared_context
from returnkit.services import kit_for_lease, kit_pdf_bytes
from tests.factories import TODAY, lease_ending_in
from tests.returnkit.pdf import text

pytestmark = pytest.mark.django_db


def test_the_kit_sends_the_lessee_to_book_online():
    kit = kit_for_lease(lease_ending_in(110), today=TODAY)
    words = " ".join(text(kit_pdf_bytes(kit)).split())
    assert "call first" not in words.lower()
    assert "Call any franchised" not in words
    assert "Book a time online at any franchised Toyota dealer" in words
    assert "at a time you book online" in words


def test_the_tread_band_is_black_and_one_eighth_of_an_inch():
    kit = kit_for_lease(lease_ending_in(110), today=TODAY)
    context = shared_context(kit.payload)
    html = render_to_string(SHARED_TEMPLATE, context)
    band = re.search(rf'<rect [^>]*height="{context["tread"]}"[^>]*>', html).group(0)
    assert 'fill="#000"' in band
    assert "black band (1/8 in.)" in html
