"""Reminder tasks: thin adapters over returnkit.reminders. They take ids and ISO dates, never models.

``acks_late`` and ``reject_on_worker_lost`` come from settings (CELERY_TASK_ACKS_LATE,
CELERY_TASK_REJECT_ON_WORKER_LOST): a chunk whose worker dies is delivered again, and the claim rows
make the second delivery send nothing that already went. Nothing is scheduled ahead with eta or
countdown: beat runs the sweep daily and the sweep decides what is due.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from celery import shared_task

from portal import clock
from portal.tasks import enqueue_on_commit
from returnkit import reminders


def _day(today_iso: str | None) -> dt.date:
    return dt.date.fromisoformat(today_iso) if today_iso else clock.today()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def daily_sweep(today_iso: str | None = None) -> dict[str, int]:
    """Find the leases due a reminder today and hand them out in chunks."""
    return reminders.sweep(_day(today_iso), enqueue=partial(enqueue_on_commit, send_reminders_chunk))


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_reminders_chunk(lease_ids: list[int], kind: str, today_iso: str) -> int:
    """Send one kind of reminder to a chunk of leases; returns how many emails went."""
    return reminders.send_chunk(lease_ids, kind, _day(today_iso)).sent
