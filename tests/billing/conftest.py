"""Billing fixtures: the personas' lease (LEASE_MATH.md's worked example) returned, sold and billed.

Makers (return_and_sell, issue, pay, pay_form) and the example's figures are in tests/factories.py.
"""

from __future__ import annotations

import pytest

from tests.factories import EXAMPLE_START, issue, return_and_sell
from tests.world import build_personas


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def billed(db, django_capture_on_commit_callbacks):
    """The worked example, returned, sold and billed: 1,223.13 to pay. Owner, co-lessee, outsider
    (whose own lease starts the same day and is still open)."""
    billed = build_personas(start=EXAMPLE_START)
    return_and_sell(billed.lease)
    with django_capture_on_commit_callbacks(execute=True):
        billed.bill = issue(billed.lease)
    return billed
