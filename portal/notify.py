"""What a lessee hears about, in one place: the portal notice for each event, and whether its email goes.

Each app calls ``notify`` where its event happens, in the same transaction as the event::

    notify(lease, Kind.QUOTE_SAVED, url=reverse("quotes:detail", args=[...]), key=quote.public_id)

Every lessee on the lease who has an online account gets one notice. ``key`` names the event (a row's
id, with a sequence or outcome when one row has several events); with the kind it is unique per user
(``Notification.key``), so a retried task, a double click or a catch-up sweep adds nothing the second
time.

Emails stay with each app's senders; they ask ``email_addresses(lease, kind)`` who still wants that
kind by email. A kind the law or the lease requires (a bill, a receipt, a refund, the odometer
statement) is ``required``: it always goes and its switch cannot be turned off.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from portal.models import UNREAD_KEPT_SECONDS, EmailOptOut, Notification, User, unread_key


class Kind(models.TextChoices):
    KIT_SENT = "kit_120", _("Vehicle Return Kit sent")
    LEASE_END_REMINDER = "followup", _("Lease-end reminders")
    QUOTE_SAVED = "quote_saved", _("Quote saved")
    APPOINTMENT_BOOKED = "appointment_booked", _("Turn-in appointment booked")
    APPOINTMENT_MOVED = "appointment_moved", _("Turn-in appointment moved")
    APPOINTMENT_CANCELLED = "appointment_cancelled", _("Turn-in appointment cancelled")
    EXTENSION_APPROVED = "extension_approved", _("Extension approved")
    EXTENSION_IN_REVIEW = "extension_in_review", _("Extension sent for review")
    EXTENSION_DECLINED = "extension_declined", _("Extension declined")
    VEHICLE_CHECKED_IN = "vehicle_checked_in", _("Vehicle checked in (odometer statement and receipt)")
    INSPECTION_REPORT_READY = "inspection_report_ready", _("Inspection report ready")
    FINAL_BILL_ISSUED = "final_bill_issued", _("Final bill issued")
    PAYMENT_RECEIVED = "payment_received", _("Payment received (receipt)")
    PAYMENT_SETTLED = "payment_settled", _("Payment settled")
    PAYMENT_RETURNED = "payment_returned", _("Payment returned by the bank")
    REFUND_ISSUED = "refund_issued", _("Refund issued")
    DISPUTE_OUTCOME = "dispute_outcome", _("Dispute outcome")
    NEW_MESSAGE = "new_message", _("New secure message")


@dataclass(frozen=True)
class About:
    title: str  # the notice's heading (lazy: shown in the reader's language)
    required: bool = False  # the law or the lease requires it: its email cannot be turned off


ABOUT: dict[str, About] = {
    Kind.KIT_SENT: About(_("Your Vehicle Return Kit is ready")),
    Kind.LEASE_END_REMINDER: About(_("Your lease end is getting close")),
    Kind.QUOTE_SAVED: About(_("Your quote is saved")),
    Kind.APPOINTMENT_BOOKED: About(_("Your turn-in appointment is booked")),
    Kind.APPOINTMENT_MOVED: About(_("Your turn-in appointment has moved")),
    Kind.APPOINTMENT_CANCELLED: About(_("Your turn-in appointment is cancelled")),
    Kind.EXTENSION_APPROVED: About(_("Your lease extension is approved")),
    Kind.EXTENSION_IN_REVIEW: About(_("Your extension request is being reviewed")),
    Kind.EXTENSION_DECLINED: About(_("Your extension request was declined")),
    Kind.VEHICLE_CHECKED_IN: About(_("Your vehicle is checked in: your receipt is ready"), required=True),
    Kind.INSPECTION_REPORT_READY: About(_("Your inspection report is ready")),
    Kind.FINAL_BILL_ISSUED: About(_("Your final bill is ready"), required=True),
    Kind.PAYMENT_RECEIVED: About(_("We received your payment"), required=True),
    Kind.PAYMENT_SETTLED: About(_("Your payment has cleared")),
    Kind.PAYMENT_RETURNED: About(_("Your bank returned a payment"), required=True),
    Kind.REFUND_ISSUED: About(_("Your refund is on its way"), required=True),
    Kind.DISPUTE_OUTCOME: About(_("We have decided on your dispute")),
    Kind.NEW_MESSAGE: About(_("You have a new message")),
}


def preference_kind(kind: str) -> str:
    """The switch a kind answers to: the 60/30/7-day reminders share one."""
    return Kind.LEASE_END_REMINDER if kind.startswith("followup") else kind


def is_required(kind: str) -> bool:
    return ABOUT[preference_kind(kind)].required


def in_english(words) -> str:
    """``words`` (lazy) as stored: a notice keeps the English, shown in the reader's language by ``title_shown``."""
    with translation.override("en"):
        return str(words)


def title_shown(notification) -> str:
    """A notice's heading in the active language: its kind's standard title translated, any other kept as stored."""
    about = ABOUT.get(notification.kind)
    if about and notification.title == in_english(about.title):
        return str(about.title)
    return notification.title


def notify(to, kind: str, *, url: str, key: object, body: str = "", title: str = "") -> None:
    """Add a notice of ``kind`` linking to ``url`` for each lessee with an account on the lease ``to``
    (or for the one user ``to``), once per (``kind``, ``key``): a notice already there is left as it is."""
    users, lease = ([to.pk], None) if isinstance(to, User) else (_account_holders(to), to)
    rows = [
        Notification(
            user_id=user_id,
            lease=lease,
            kind=kind,
            key=f"{kind}:{key}",
            title=title or in_english(ABOUT[kind].title),
            body=body,
            link=url,
        )
        for user_id in users
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)


UNREAD_SHOWN_UP_TO = 100  # the badge shows "99+": counting stops there, so a backlog stays cheap


def unread_counts(user_id: int) -> dict[str, int]:
    """The header's unread counts for ``user_id``, all notices and new messages: kept in the
    cache until a notice of theirs is added, read or deleted (``forget_unread_counts``), so a
    signed-in page costs no query for them; one small query on a miss."""
    counts = cache.get(unread_key(user_id))
    if counts is None:
        latest = Notification.objects.filter(user_id=user_id).unread()[:UNREAD_SHOWN_UP_TO]
        counts = latest.aggregate(all=Count("pk"), messages=Count("pk", filter=Q(kind=Kind.NEW_MESSAGE)))
        cache.set(unread_key(user_id), counts, UNREAD_KEPT_SECONDS)
    return counts


def link(name: str, *args: object) -> str:
    """The path of the page a notice links to (``reverse`` with positional arguments)."""
    return reverse(name, args=args)


def _account_holders(lease) -> list[int]:
    return sorted({p.lessee.user_id for p in lease.parties_primary_first() if p.lessee.user_id})


def email_addresses(lease, kind: str, *, opted_out: set[int] | None = None) -> list[str]:
    """The lease's email addresses (``Lease.email_addresses``) less those of lessees who turned
    ``kind`` off; every address for a required kind. A lessee without an account cannot turn
    anything off. ``opted_out``: ``users_opted_out`` asked once for many leases (a reminder chunk)."""
    addresses = lease.email_addresses()
    if is_required(kind) or not addresses:
        return addresses
    off = users_opted_out(_account_holders(lease), kind) if opted_out is None else opted_out
    if not off:
        return addresses
    dropped = {
        (p.lessee.email or p.lessee.user.email).lower()
        for p in lease.parties_primary_first()
        if p.lessee.user_id in off
    }
    return [address for address in addresses if address.lower() not in dropped]


def users_opted_out(user_ids: Iterable[int], kind: str) -> set[int]:
    """Which of these users turned ``kind`` off by email: one query (none for no users or a required kind)."""
    user_ids = list(user_ids)
    if not user_ids or is_required(kind):
        return set()
    return set(
        EmailOptOut.objects.filter(kind=preference_kind(kind), user_id__in=user_ids).values_list("user_id", flat=True)
    )


def wants_email(user, kind: str) -> bool:
    """Whether ``user`` gets ``kind`` by email (always, for a required kind)."""
    return is_required(kind) or not EmailOptOut.objects.filter(user=user, kind=preference_kind(kind)).exists()


def switchable() -> list[tuple[str, str]]:
    """The kinds a lessee may turn off by email, with their labels, for the preferences page."""
    return [(kind.value, kind.label) for kind in Kind if not ABOUT[kind].required]


def preferences_set(*, user, email_on: set[str]) -> None:
    """Keep ``user``'s email switches: the switchable kinds not in ``email_on`` are off."""
    off = {kind for kind, _ in switchable()} - set(email_on)
    EmailOptOut.objects.filter(user=user).exclude(kind__in=off).delete()
    EmailOptOut.objects.bulk_create([EmailOptOut(user=user, kind=kind) for kind in off], ignore_conflicts=True)
