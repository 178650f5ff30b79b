"""The Vehicle Return Receipt PDF: drawn once from the TurnIn record, kept in its file field, served again."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from leases.models import Dealer
from returnkit.turnin.checkin import CheckIn, turnin_check_in
from tests.factories import NOW, TODAY
from tests.returnkit.pdf import text
from tests.stored_pdf import assert_drawn_once_then_served_from_storage, assert_render_task_is_safe_twice, stored_files

pytestmark = pytest.mark.django_db

CHECK_IN = CheckIn(miles=36_500, odometer_status="actual", lessee_printed_name="Pat Lessee", dealer_rep_name="Dana Rep")


def check_in(personas, dealer, dealer_user):
    return turnin_check_in(
        dealer=dealer, lease=personas.lease, check_in=CHECK_IN, user=dealer_user, now=NOW, today=TODAY
    )


@pytest.fixture
def turnin(personas, dealer, dealer_user):
    """Checked in; its on-commit work (the receipt's task, the email) has not run."""
    return check_in(personas, dealer, dealer_user)


def test_a_second_download_is_served_from_storage_to_the_lessee_and_the_dealer(client, personas, turnin, dealer_user):
    client.force_login(personas.owner)
    url = reverse("turnin:receipt", args=[personas.lease.public_id])
    name = assert_drawn_once_then_served_from_storage(lambda: client.get(url).content, turnin, "receipt")
    assert name.startswith("private/receipts/")

    client.force_login(dealer_user)
    stored = (Path(settings.MEDIA_ROOT) / name).read_bytes()
    assert client.get(reverse("turnin:dealer_receipt", args=[turnin.public_id])).content == stored
    assert stored_files() == [name]


def test_checking_in_draws_the_receipt_once_for_the_file_and_the_email(
    personas, dealer, dealer_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        turnin = check_in(personas, dealer, dealer_user)
    turnin.refresh_from_db()
    assert stored_files() == [turnin.receipt.name]
    (message,) = mailoutbox
    _, attached, _ = message.attachments[0]
    assert attached == (Path(settings.MEDIA_ROOT) / turnin.receipt.name).read_bytes()


def test_the_render_task_is_safe_to_run_twice(turnin):
    assert_render_task_is_safe_twice("receipt", turnin, "receipt")


def test_the_receipt_is_drawn_from_the_record_not_from_the_rows_as_they_are_now(
    client, personas, turnin, dealer, settings
):
    Dealer.objects.filter(pk=dealer.pk).update(name="Renamed Motors")
    settings.LESSOR = {**settings.LESSOR, "name": "Renamed Lessor"}
    client.force_login(personas.owner)
    words = text(client.get(reverse("turnin:receipt", args=[personas.lease.public_id])).content)
    assert f"{turnin.lessor_name} Vehicle Return Receipt" in words
    assert f"Dealer {turnin.dealer_name}, 1 Dealer Way" in words
    assert "Renamed" not in words


def test_the_receipt_carries_the_federal_odometer_warning_beside_the_lessees_statement(client, personas, turnin):
    """49 CFR 580.7: the lessee's odometer statement is made under the federal warning, so the record
    of it says so too."""
    from returnkit.turnin.receipts import RECEIPT_PDF

    words = " ".join(text(RECEIPT_PDF.read(turnin)).split())
    assert "Federal law (49 CFR Part 580) requires the lessee to state the odometer reading in writing" in words
    assert "can lead to fines or imprisonment" in words
