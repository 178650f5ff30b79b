"""Issue 11, finding 6: a lease's status wording and countdown follow today and its status."""

import pytest
from django.urls import reverse

from leases.models import Lease
from quotes import engine
from quotes.services import quote_create
from tests.factories import FINISHED_STATUSES, TODAY, lease_ending_in

pytestmark = pytest.mark.django_db


def owner_of(lease):
    return lease.primary_lessee.user


def pages(client, lease) -> tuple[str, str]:
    client.force_login(owner_of(lease))
    mine = client.get(reverse("leases:list")).content.decode()
    page = client.get(reverse("leases:detail", args=[lease.public_id])).content.decode()
    return mine, page


@pytest.mark.parametrize("status", [Lease.Status.MATURING, Lease.Status.ACTIVE])
def test_open_lease_past_its_end_date_says_so(client, status):
    lease = lease_ending_in(-12, status=status)
    assert lease.status_phrase(TODAY) == "Past its end date"
    for html in pages(client, lease):
        assert "Nearing its end" not in html
        assert "Past its end date" in html
        assert "12 days past" in html


def test_maturing_lease_before_its_end_keeps_its_wording(client):
    lease = lease_ending_in(20, status=Lease.Status.MATURING)
    assert lease.status_phrase(TODAY) == "Nearing its end"
    mine, page = pages(client, lease)
    assert "20 days left" in mine
    assert "20 days from today" in page


@pytest.mark.parametrize(
    "status",
    FINISHED_STATUSES,
)
@pytest.mark.parametrize("days", [20, -12])
def test_finished_lease_shows_no_countdown_and_no_live_quotes(client, status, days):
    lease = lease_ending_in(days)
    quote_create(lease=lease, user=owner_of(lease), event=engine.Buyout(date=TODAY), today=TODAY)
    Lease.objects.filter(pk=lease.pk).update(status=status)
    lease.refresh_from_db()
    assert lease.status_phrase(TODAY) == lease.get_status_display()
    mine, page = pages(client, lease)
    for html in (mine, page):
        assert "days left" not in html
        assert "days past" not in html
        assert "from today" not in html
        assert "Past its end date" not in html
    assert "Request a quote" not in page
    assert "good through" not in page
    assert "expired" in page
