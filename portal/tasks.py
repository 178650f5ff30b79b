"""Enqueueing after commit, without letting a broker outage fail the request that enqueues.

Celery's ``delay_on_commit`` raises when Redis is down, after the transaction has committed:
the booking or payment is saved but the customer sees a 500 (and may try again). Here a
publish is tried once, fails fast (see the broker settings) and is logged with the task's
arguments. The work itself is recorded in the database (its portal.once claim: a reminder row, an
``emailed_at`` column...), so whether it was done can always be read back: a sweep redoes what it owns.
"""

from __future__ import annotations

import logging

from celery import Task, shared_task
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerUnavailable

log = logging.getLogger(__name__)


def enqueue_on_commit(task: Task, *args, **kwargs) -> None:
    """Publish ``task(*args, **kwargs)`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: _publish(task, args, kwargs))


def _publish(task: Task, args: tuple, kwargs: dict) -> None:
    try:
        task.apply_async(args, kwargs, retry=False)
    except BrokerUnavailable as error:
        log.error("broker unavailable, %s%r not queued (its sweep picks it up): %s", task.name, args, error)


@shared_task(name="portal.attempt_counters_purge")
def attempt_counters_purge() -> int:
    """Forget failed-attempt counters a day after their window (portal.ratelimit)."""
    from portal import ratelimit

    return ratelimit.expired_purge()
