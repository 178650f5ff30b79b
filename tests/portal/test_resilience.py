"""With Redis gone (cache and broker on a closed port), customer pages and forms still answer.

The cache degrades to misses and no-ops (portal.cache), and a task that cannot be published
is logged, not raised (portal.tasks.enqueue_on_commit): what the request saved stays saved.
"""

from __future__ import annotations

import logging

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from leases.models import Payment
from portal.celery import app
from portal.tasks import enqueue_on_commit
from returnkit.turnin import tasks as turnin_tasks
from returnkit.turnin.models import Appointment, TurnInSlot
from tests.factories import PASSWORD, pay_form
from tests.world import client_for

pytestmark = pytest.mark.django_db

CLOSED = "redis://127.0.0.1:6390/0"  # nothing listens here
DEAD_CACHE = {
    "default": {
        "BACKEND": "portal.cache.ResilientRedisCache",
        "LOCATION": CLOSED,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


def _use_broker(url: str, *, eager: bool) -> None:
    """Point the Celery app at ``url``: its connection and producer pools are built from the
    broker URL on first use, so drop them to make the next publish connect afresh."""
    app.conf.broker_url = url
    app.conf.task_always_eager = eager
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def redis_down():
    url, eager = app.conf.broker_url, app.conf.task_always_eager
    with override_settings(CACHES=DEAD_CACHE):
        _use_broker(CLOSED, eager=False)
        try:
            yield
        finally:
            _use_broker(url, eager=eager)


def test_the_cache_answers_a_miss_and_writes_nothing(redis_down):
    assert cache.get("anything", "fallback") == "fallback"
    assert cache.add("lock", True) is True  # allauth's rate-limit lock: a False would refuse every sign-in
    cache.set("key", 1)
    assert cache.get_many(["key"]) == {}
    assert cache.incr("counter") == 1
    assert cache.delete("key") is False


def test_a_task_that_cannot_be_published_is_logged_not_raised(redis_down, caplog, django_capture_on_commit_callbacks):
    with caplog.at_level(logging.ERROR, logger="portal.tasks"), django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(turnin_tasks.send_return_receipt, 123)
    assert "send_return_receipt(123,) not queued" in caplog.text


def test_pages_sign_in_and_forms_keep_working_without_redis(
    world, redis_down, client, caplog, django_capture_on_commit_callbacks
):
    owner = client_for(world, "owner")
    for url in (
        reverse("leases:list"),
        reverse("leases:detail", args=[world.lease.public_id]),
        reverse("quotes:detail", args=[world.lease.public_id, world.quote.public_id]),
        reverse("leases:bill", args=[world.billed.public_id]),
        reverse("account_login"),
    ):
        assert owner.get(url).status_code in (200, 302), url

    # Signing in goes through allauth's rate limits, kept on the cache.
    wrong = client.post(reverse("account_login"), {"login": "owner@example.com", "password": "not-it"})
    assert wrong.status_code == 200 and "not correct" in wrong.content.decode()
    signed_in = client.post(reverse("account_login"), {"login": "owner@example.com", "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("leases:list")
    # Lease linking counts attempts on the cache too.
    link = owner.post(reverse("leases:link"), {"account_number": "1", "vin_last6": "ABC123", "zip_code": "10001"})
    assert link.status_code == 200

    # Moving the appointment saves, then fails to queue its email: the lessee still gets a redirect.
    later = TurnInSlot.objects.exclude(pk=world.appointment.slot_id).get()
    with caplog.at_level(logging.ERROR, logger="portal.tasks"), django_capture_on_commit_callbacks(execute=True):
        moved = owner.post(
            reverse("turnin:times", args=[world.lease.public_id, world.dealer.code]), {"slot": later.public_id}
        )
        paid = owner.post(reverse("leases:pay", args=[world.billed.public_id]), pay_form("50.00"))
    assert moved.status_code == 302
    assert Appointment.objects.get(pk=world.appointment.pk).slot == later
    assert paid.status_code == 302
    assert Payment.objects.filter(lease=world.billed, amount="50.00").exists()
    assert "send_appointment_email" in caplog.text and "payment_receipt_send" in caplog.text
