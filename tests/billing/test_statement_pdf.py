"""The final bill's statement PDF: drawn once from the frozen bill, kept in its file field, served again."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import reverse

from leases.models import Vehicle
from tests.factories import EXAMPLE_START, issue, make_lease, make_lessee, make_user, return_and_sell
from tests.returnkit.pdf import text
from tests.stored_pdf import assert_drawn_once_then_served_from_storage, assert_render_task_is_safe_twice, stored_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(db):
    """A bill just issued, whose on-commit work (the statement's task, the email) has not run."""
    owner = make_user("owner@example.com")
    lease = make_lease(make_lessee(owner), start=EXAMPLE_START)
    return SimpleNamespace(owner=owner, lease=lease, bill=issue(return_and_sell(lease)))


def statement_url(lease) -> str:
    return reverse("leases:statement", args=[lease.public_id])


def test_a_second_download_is_served_from_storage(client, issued):
    client.force_login(issued.owner)
    download = lambda: client.get(statement_url(issued.lease)).content  # noqa: E731
    name = assert_drawn_once_then_served_from_storage(download, issued.bill, "statement")
    assert name.startswith("private/statements/")


def test_issuing_the_bill_draws_the_statement_once_for_the_file_and_the_email(
    django_capture_on_commit_callbacks, mailoutbox
):
    lease = make_lease(make_lessee(make_user("owner@example.com")), start=EXAMPLE_START)
    with django_capture_on_commit_callbacks(execute=True):
        bill = issue(return_and_sell(lease))
    bill.refresh_from_db()
    assert stored_files() == [bill.statement.name]
    (message,) = mailoutbox
    _, attached, _ = message.attachments[0]
    assert attached == (Path(settings.MEDIA_ROOT) / bill.statement.name).read_bytes()


def test_the_render_task_is_safe_to_run_twice(issued):
    assert_render_task_is_safe_twice("statement", issued.bill, "statement")


def test_the_statement_is_drawn_from_the_bill_not_from_the_lease_as_it_is_now(client, issued):
    description = issued.lease.vehicle.description
    Vehicle.objects.filter(pk=issued.lease.vehicle_id).update(model="Renamed", trim="")
    client.force_login(issued.owner)
    words = text(client.get(statement_url(issued.lease)).content)
    assert description in words
    assert "Renamed" not in words
