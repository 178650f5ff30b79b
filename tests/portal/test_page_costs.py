"""What every signed-in page costs: no session row (sessions live in the cache, the database is the
fallback) and no unread-count query once the counts are kept; and a change shows on the next page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import Notification
from portal.notify import Kind, notify
from tests.factories import PASSWORD
from tests.portal.test_resilience import DEAD_CACHE

pytestmark = pytest.mark.django_db


def tables_read(client, url: str) -> str:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return " ".join(q["sql"] for q in ctx.captured_queries)


def badge(client, url: str = "/vehicles/") -> str:
    page = client.get(url).content.decode()
    start = page.index('href="/notifications/"')
    return page[start : page.index("</a>", start)]


def test_a_signed_in_page_reads_no_session_row_and_no_unread_count_once_kept(client, personas):
    client.force_login(personas.owner)
    first = tables_read(client, reverse("leases:list"))
    again = tables_read(client, reverse("leases:list"))
    assert "django_session" not in first and "django_session" not in again
    assert "portal_notification" in first  # the first page counts once
    assert "portal_notification" not in again


def test_a_redis_outage_signs_nobody_out(client, personas):
    client.force_login(personas.owner)  # session kept in Redis and in the database
    with override_settings(CACHES=DEAD_CACHE):
        assert client.get(reverse("leases:list")).status_code == 200  # read from the database
        client.logout()
        signed_in = client.post(reverse("account_login"), {"login": "owner@example.com", "password": PASSWORD})
        assert signed_in.status_code == 302 and signed_in["Location"] == reverse("leases:list")
        assert client.get(reverse("leases:list")).status_code == 200
    # Redis is back without the session made during the outage: the database copy still answers.
    assert client.get(reverse("leases:list")).status_code == 200


def test_a_new_notice_shows_on_the_next_page_and_reading_it_clears_the_badge(client, personas):
    client.force_login(personas.owner)
    assert "unread" not in badge(client)  # nothing unread: counts now kept
    notify(personas.lease, Kind.QUOTE_SAVED, url="/vehicles/", key="q-1")
    assert '1<span class="visually-hidden"> unread</span>' in badge(client)
    notify(personas.lease, Kind.QUOTE_SAVED, url="/vehicles/", key="q-1")  # the same event again
    notify(personas.lease, Kind.QUOTE_SAVED, url="/vehicles/", key="q-2")
    assert '2<span class="visually-hidden"> unread</span>' in badge(client)
    client.get(reverse("returnkit:notifications"))  # showing them marks them read
    assert "unread" not in badge(client)


def test_a_notice_added_or_deleted_one_at_a_time_shows_too(client, personas):
    client.force_login(personas.owner)
    assert "unread" not in badge(client)
    notice = Notification.objects.create(user=personas.owner, kind=Kind.QUOTE_SAVED, title="Saved", link="/")
    assert '1<span class="visually-hidden"> unread</span>' in badge(client)
    notice.delete()
    assert "unread" not in badge(client)


def test_a_co_lessee_s_counts_follow_their_own_notices(client, personas):
    client.force_login(personas.co_lessee)
    assert "unread" not in badge(client)
    notify(personas.lease, Kind.QUOTE_SAVED, url="/vehicles/", key="q-1")  # both lessees hear of it
    assert '1<span class="visually-hidden"> unread</span>' in badge(client)
    client.force_login(personas.owner)
    client.get(reverse("returnkit:notifications"))
    client.force_login(personas.co_lessee)
    assert '1<span class="visually-hidden"> unread</span>' in badge(client)  # the owner's reading is theirs


@pytest.mark.redis
def test_the_cache_reuses_one_redis_client_and_still_degrades_when_redis_is_gone():
    from django.core.cache import cache

    assert cache._cache.get_client(write=True) is cache._cache.get_client(write=False)
    cache.set("k", 1)
    assert cache.get("k") == 1
    with override_settings(CACHES=DEAD_CACHE):
        from django.core.cache import cache as dead

        assert dead._cache.get_client() is dead._cache.get_client()
        assert dead.get("k", "miss") == "miss"
