"""The sweep through a real Celery worker on Redis, against PostgreSQL: one email per lease and kind."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connection

from portal.celery import app
from returnkit import tasks
from returnkit.models import Reminder
from tests.factories import TODAY, lease_ending_in

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]
QUEUE = "celery"


def _close_worker_db_connection(**kwargs) -> None:
    connection.close()  # the worker thread's own connection, so the test database can be dropped


@pytest.fixture
def worker():
    """A worker thread consuming from the Redis broker in settings, with eager mode off."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    with app.connection_for_write() as conn:
        channel = conn.default_channel
        channel.queue_purge(QUEUE)
        channel.client.delete(channel.unacked_key, channel.unacked_index_key)  # what a killed run left in hand
    task_postrun.connect(_close_worker_db_connection, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=60) as running:
            yield running
    finally:
        task_postrun.disconnect(_close_worker_db_connection)
        app.conf.task_always_eager = eager


def queued() -> int:
    with app.connection_for_write() as conn:
        return conn.default_channel.client.llen(QUEUE)


def unacked() -> int:
    """Tasks taken off the queue and not yet acknowledged: with acks_late, one still in hand."""
    with app.connection_for_write() as conn:
        channel = conn.default_channel
        return channel.client.hlen(channel.unacked_key)


def wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the worker did not finish in time")
        time.sleep(0.1)


def test_sweep_triggered_twice_through_a_real_worker_sends_each_reminder_once(worker, mailoutbox):
    kit_only = lease_ending_in(100)
    kit_and_60 = lease_ending_in(45)

    # Both sweeps are queued before any chunk: the second finds the same leases due and hands out
    # the same chunks again. The claim rows must turn the second set into no-ops.
    tasks.daily_sweep.delay(TODAY.isoformat())
    tasks.daily_sweep.delay(TODAY.isoformat())

    # An empty queue is not enough: the last chunk may be off the queue but still in hand, and a
    # worker stopped then hands it back to the queue unacknowledged.
    wait_for(
        lambda: Reminder.objects.filter(status=Reminder.Status.SENT).count() == 3 and queued() == 0 and unacked() == 0
    )
    worker.stop()  # let the task in hand finish

    assert queued() == 0
    assert sorted((m.extra_headers["X-Portal-Reminder"], m.to[0]) for m in mailoutbox) == sorted(
        [
            ("kit_120", kit_only.parties.get().lessee.email),
            ("kit_120", kit_and_60.parties.get().lessee.email),
            ("followup_60", kit_and_60.parties.get().lessee.email),
        ]
    )
    assert not Reminder.objects.exclude(status=Reminder.Status.SENT).exists()
