"""The 120-day kit and the 60/30/7-day follow-ups: which leases are due, and sending a chunk, never twice.

The daily sweep asks one indexed question per reminder kind: open leases whose end date falls in
the kind's window of days and that have no row for that kind yet. Windows are ranges, not single
days, so a missed day (or a lease added late) is caught up on the next run; the follow-up windows
do not overlap, so a late lease gets the follow-up it is in now, not every earlier one.

Each chunk of lease ids is one task. The unique (lease, kind) row is the claim (portal.once.claimed),
committed before the email goes and marked sent after (see Reminder): a second sweep, a retried or
redelivered task finds the row and sends nothing. A failure we can see (SMTP refused, a template
error) gives back the claims not yet tried, and the next daily sweep sends them; that sweep is the
only retry, so no reminder is ever scheduled ahead with eta or countdown.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core import mail
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from leases.models import Lease, LeaseQuerySet
from portal import notify, once
from portal.models import Notification
from returnkit import emails
from returnkit.models import KitSnapshot, Reminder
from returnkit.services import for_kits, kits_for_leases

log = logging.getLogger(__name__)

Kind = Reminder.Kind

# Days left to the scheduled end date, both ends included.
WINDOWS: dict[str, tuple[int, int]] = {
    Kind.KIT_120: (0, 120),
    Kind.FOLLOWUP_60: (31, 60),
    Kind.FOLLOWUP_30: (8, 30),
    Kind.FOLLOWUP_7: (0, 7),
}
CHUNK_SIZE = 250


def due(kind: str, today: dt.date) -> LeaseQuerySet:
    """Open leases in the kind's window with no reminder of that kind: an end-date index gives the
    window, the unique (lease, kind) index answers "already reminded"."""
    first, last = WINDOWS[kind]
    window = Lease.objects.maturing_between(today + dt.timedelta(days=first), today + dt.timedelta(days=last))
    return window.open().exclude(Exists(Reminder.objects.filter(lease=OuterRef("pk"), kind=kind)))


def sweep(today: dt.date, *, enqueue: Callable[[list[int], str, str], object], chunk_size: int = CHUNK_SIZE) -> dict:
    """Hand out the due lease ids, a chunk per task; returns how many leases each kind had due."""
    counts = {}
    for kind in Kind.values:
        ids = due(kind, today).order_by("pk").values_list("pk", flat=True)
        counts[kind] = 0
        for chunk in itertools.batched(ids.iterator(chunk_size=2000), chunk_size):
            enqueue(list(chunk), kind, today.isoformat())
            counts[kind] += len(chunk)
    return counts


def kit_sent_on(lease: Lease) -> dt.date | None:
    """The local day the kit email went to this lease's lessees, if it has."""
    sent_at = (
        Reminder.objects.filter(lease=lease, kind=Kind.KIT_120, status=Reminder.Status.SENT)
        .values_list("sent_at", flat=True)
        .first()
    )
    return timezone.localdate(sent_at) if sent_at else None


@dataclass
class ChunkResult:
    sent: int = 0
    no_address: int = 0
    skipped: int = 0  # not due any more, or claimed by another run


def send_chunk(lease_ids: Iterable[int], kind: str, today: dt.date) -> ChunkResult:
    """Send one kind of reminder to the leases in ``lease_ids`` that are still due.

    Queries do not grow with the chunk: the leases with what the emails need (and, for the kit,
    what the kit needs), the claims (one INSERT, one SELECT), then one UPDATE and one INSERT of
    notices. Rendering kits comes before the claim, so the window between a committed claim and
    its mark as sent holds only the SMTP conversation.
    """
    lease_ids = list(lease_ids)
    leases = _still_due(lease_ids, kind, today)
    if not leases:
        return ChunkResult(skipped=len(lease_ids))
    leases, kits = _with_kits(leases, kind, today)
    to = _recipients(leases, kind)
    rows = [Reminder(lease=lease, kind=kind, due_on=today, kit=kits.get(lease.pk)) for lease in leases]
    with once.claimed(rows) as claim:
        claims = {reminder.lease_id: reminder for reminder in claim}
        ours = [lease for lease in leases if lease.pk in claims]  # the rest: claimed by another run
        sent = _send(claim, claims, ours, kits=kits, kind=kind, today=today, to=to) if ours else []
    return ChunkResult(
        sent=len(sent),
        no_address=sum(1 for lease in ours if not to[lease.pk]),
        skipped=len(lease_ids) - len(ours),
    )


def _still_due(lease_ids: list[int], kind: str, today: dt.date) -> list[Lease]:
    """The chunk's leases that are still due (one returned, or reminded, since the sweep drops
    out), with what the emails read and, for the kit, what the kit reads."""
    chunk = due(kind, today).filter(pk__in=lease_ids)
    chunk = for_kits(chunk) if kind == Kind.KIT_120 else chunk.with_vehicle().with_parties()
    return list(chunk.order_by("pk"))


def _recipients(leases: list[Lease], kind: str) -> dict[int, list[str]]:
    """Each lease's addresses that still want this kind by email (portal.notify), in one query."""
    holders = {p.lessee.user_id for lease in leases for p in lease.parties_primary_first() if p.lessee.user_id}
    off = notify.users_opted_out(holders, kind)
    return {lease.pk: notify.email_addresses(lease, kind, opted_out=off) for lease in leases}


def _with_kits(leases: list[Lease], kind: str, today: dt.date) -> tuple[list[Lease], dict[int, KitSnapshot]]:
    """For the kit reminder, the leases that have a kit and their kits: no kit, no kit email, and
    the lease is tried again tomorrow. A follow-up attaches no kit."""
    if kind != Kind.KIT_120:
        return leases, {}
    kits = kits_for_leases(leases, today=today, skip_failures=True)
    return [lease for lease in leases if lease.pk in kits], kits


def _send(
    claim: once.Claim,
    claims: dict[int, Reminder],
    ours: list[Lease],
    *,
    kits: dict[int, KitSnapshot],
    kind: str,
    today: dt.date,
    to: dict[int, list[str]],
) -> list[Lease]:
    """Email the claimed leases that have an address, over one connection, and then mark what went
    and what had nobody to go to (``_record``), even if sending failed part way. Returns the
    leases emailed."""
    claim.keep(*(claims[lease.pk] for lease in ours if not to[lease.pk]))  # a portal notice only
    sent: list[Lease] = []
    attempted: Lease | None = None
    try:
        with mail.mailers.default as connection:
            for lease in ours:
                if not to[lease.pk]:
                    continue
                message = emails.reminder_message(lease, kind, today=today, kit=kits.get(lease.pk), to=to[lease.pk])
                # Handed to the SMTP server from here: should it fail, the email may have gone all
                # the same, so this claim is kept (at most once), not given back.
                attempted = lease
                claim.keep(claims[lease.pk])
                connection.send_messages([message])
                sent.append(lease)
                attempted = None
    finally:
        # Runs for an SMTP error too: what went out is marked sent; the claims never tried are
        # given back by once.claimed for the next sweep; the one that failed mid-send stays claimed.
        _record(claims, ours, sent, attempted, kind, today, to)
    return sent


def _record(
    claims: dict[int, Reminder],
    ours: list[Lease],
    sent: list[Lease],
    attempted: Lease | None,
    kind: str,
    today: dt.date,
    to: dict[int, list[str]],
) -> None:
    """Mark the reminders that went out, or had nobody to go to, with their portal notices."""
    now = timezone.now()
    sent_ids = {lease.pk for lease in sent}
    done, notices = [], []
    for lease in ours:
        address = to[lease.pk]  # none: no address, or every lessee turned this email off
        if lease.pk in sent_ids or not address:
            claim = claims[lease.pk]
            claim.status = Reminder.Status.SENT if address else Reminder.Status.NO_ADDRESS
            claim.sent_at, claim.recipients = now, ", ".join(address)
            done.append(claim)
            notices.extend(emails.reminder_notices(lease, kind, today=today))
    if attempted is not None:
        log.error("Reminder %s for lease %s may or may not have gone: left claimed", kind, attempted.pk)
    if done:
        with transaction.atomic():
            Reminder.objects.bulk_update(done, ["status", "sent_at", "recipients"])
            Notification.objects.bulk_create(notices)
