"""Sending something once: the one claim every "send once" in the portal goes through.

    with once.claimed(FinalBill.objects.filter(pk=bill_id), "emailed_at") as claim:
        if claim:
            mail.send(...)

A claim is a mark in the database that only one caller can set. ``claimed`` sets it in a
transaction of its own and commits it *before* the block sends anything, and gives it back if the
block raises. That one rule covers every case:

- a second run, a retried or redelivered task, a catch-up sweep: the mark is there, the claim is
  empty, nothing is sent;
- two workers at the same instant: the database lets one of them set the mark and the other finds
  it set (a conditional UPDATE waits for the first to commit and then matches no row; a unique
  index makes the second INSERT do nothing);
- sending fails (SMTP refused, a template or PDF error): the mark is given back, so the next try
  (a retried task, the hourly catch-up, the daily sweep) sends it;
- the worker dies while sending: the mark stays. The email may have gone, so nothing sends it again
  on its own: at most once, never twice (the admin lists such reminder claims as stuck).

So ``claimed`` refuses to run inside a caller's transaction (a durable atomic block): there the
mark would only be committed with the caller's work, after the email had left, and a crash in
between would roll it back and send the email a second time.

Where the mark lives is the one thing a caller chooses, by what is sent once:

- once per row: an empty timestamp column on that row, ``claimed(rows, field)``. The claim is
  ``UPDATE ... SET field = now WHERE <rows> AND field IS NULL``; ``rows`` names one row and may add
  conditions that the claim and the giving back both check (an appointment still booked). Giving
  back sets the column to NULL again. The bill, receipt, return and refund emails (their
  ``*_emailed_at``), the turn-in receipt, the day-before appointment reminder.
- once per (thing, kind), where the thing has many: the row whose unique constraint names the pair,
  ``claimed([Model(...), ...])``. The claim is ``INSERT ... ON CONFLICT DO NOTHING`` of unsaved rows
  carrying this run's ``claim_token``, read back by that token, so a whole chunk is claimed in one
  statement; giving back deletes them. Reminders per (lease, kind), invitations per (appointment,
  sequence).

Both are the same claim: a conditional write the database arbitrates, committed first, undone on
failure. Neither alone fits everything: a (lease, kind) reminder has no row to put a column on
until it is claimed, and a generic claim table would duplicate the ``*_emailed_at`` columns that
the admin and the catch-up sweeps read.

A block can ``claim.keep(...)`` claims it must not give back even if it raises later: the reminder
chunk keeps each lease's claim as it hands that message to the SMTP server, since a failure from
there on may come after the server took it.

Catch-up: an email whose task was never queued (the broker was down) is found by its empty claim
within ``CATCH_UP_WINDOW`` and queued again by ``catch_up``; the hourly billing and turn-in sweeps
both do it this way.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from celery import Task
from django.db import models, transaction
from django.utils import timezone

from portal import clock
from portal.tasks import enqueue_on_commit

log = logging.getLogger(__name__)


class Claim:
    """What one ``claimed`` block won: true when there is something to send.

    Iterating gives the rows a row claim won (saved, with their primary keys); a column claim has
    no rows to give (its queryset names the row).
    """

    def __init__(self, won: int, rows: list[models.Model], give_back: Callable[[set], None]) -> None:
        self.won = won
        self.rows = rows
        self._give_back = give_back
        self._kept: set = set()

    def __bool__(self) -> bool:
        return self.won > 0

    def __iter__(self) -> Iterator[models.Model]:
        return iter(self.rows)

    def __len__(self) -> int:
        return self.won

    def keep(self, *rows: models.Model) -> None:
        """Never give these rows back, even if the block raises later (row claims)."""
        self._kept.update(row.pk for row in rows)

    def give_back(self) -> None:
        """Give back every claim not kept, so that the next try sends it."""
        if self.won:
            self._give_back(self._kept)


@contextmanager
def claimed(rows: models.QuerySet | Iterable[models.Model], field: str | None = None) -> Iterator[Claim]:
    """Claim, commit, run the block; give back what the block did not keep if it raises.

    ``claimed(queryset, "emailed_at")`` claims the empty column on the one row of ``queryset``;
    ``claimed([Model(...), ...])`` claims by inserting those rows (see the module docstring).
    """
    claim = _claim_column(rows, field) if field is not None else _claim_rows(list(rows))
    try:
        yield claim
    except Exception:
        try:
            claim.give_back()
        except Exception:
            log.exception("A claim could not be given back and stays claimed (nothing will resend it)")
        raise


def _claim_column(rows: models.QuerySet, field: str) -> Claim:
    stamp = clock.now()
    with transaction.atomic(using=rows.db, durable=True):
        won = rows.filter(**{f"{field}__isnull": True}).update(**{field: stamp})
        if won > 1:
            raise ValueError(f"claimed(rows, {field!r}) claims one row; {won} matched")  # rolled back

    def give_back(kept: set) -> None:
        rows.filter(**{field: stamp}).update(**{field: None})

    return Claim(won, [], give_back)


def _claim_rows(rows: list[models.Model]) -> Claim:
    if not rows:
        return Claim(0, [], lambda kept: None)
    model = type(rows[0])
    token = uuid.uuid4()
    for row in rows:
        row.claim_token = token
    with transaction.atomic(using=model.objects.db, durable=True):
        model.objects.bulk_create(rows, ignore_conflicts=True)
        won = list(model.objects.filter(claim_token=token))

    def give_back(kept: set) -> None:
        model.objects.filter(claim_token=token).exclude(pk__in=kept).delete()

    return Claim(len(won), won, give_back)


# --- catch-up ------------------------------------------------------------------------------------
# A row younger than the grace may still have its own task on the way; one older than the window
# is no longer worth an automatic email (operations look at it).
CATCH_UP_GRACE = dt.timedelta(minutes=10)
CATCH_UP_WINDOW = dt.timedelta(days=3)
CATCH_UP_BATCH = 1000  # per task and sweep; the next hourly run takes the rest


def recent(field: str) -> dict[str, dt.datetime]:
    """Lookups for rows whose ``field`` falls in the catch-up window (past the grace, inside the window)."""
    now = timezone.now()  # the real clock, as auto_now(_add) stamps are written, not portal.clock
    return {f"{field}__gte": now - CATCH_UP_WINDOW, f"{field}__lte": now - CATCH_UP_GRACE}


def catch_up(*jobs: tuple[Task, models.QuerySet]) -> int:
    """Queue each task again for its rows whose claim is still empty; return how many were queued.

    A job is a task and a ``values_list`` of its arguments (tuples) for those rows. The task claims
    before it sends, so one that ran in the meantime sends nothing: a catch-up only closes gaps.
    """
    queued = 0
    for task, rows in jobs:
        for args in rows[:CATCH_UP_BATCH]:
            enqueue_on_commit(task, *args)
            queued += 1
    return queued
