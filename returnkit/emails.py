"""Reminder emails (templates/email/returnkit/, rendered by portal.mail) and portal notices."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from leases.models import Lease
from portal import mail
from portal.models import Notification
from quotes.engine import long_date
from returnkit.kit import reader_of
from returnkit.models import KitSnapshot, Reminder
from returnkit.services import kit_pdf_bytes

TEMPLATES = {
    Reminder.Kind.KIT_120: "returnkit/kit",
    Reminder.Kind.FOLLOWUP_60: "returnkit/followup",
    Reminder.Kind.FOLLOWUP_30: "returnkit/followup",
    Reminder.Kind.FOLLOWUP_7: "returnkit/followup",
}


def _context(lease: Lease, kind: str, today: dt.date) -> dict:
    parties = lease.parties_primary_first()
    return {
        "kind": kind,
        "lease": lease,
        "vehicle": lease.vehicle.description,
        "greeting_names": " and ".join(p.lessee.first_name for p in parties),
        "end_date": lease.end_date,
        "days_left": lease.days_left(today),
        "lease_url": settings.SITE_URL + reverse("leases:detail", args=[lease.public_id]),
        "kit_url": settings.SITE_URL + reverse("returnkit:kit_pdf", args=[lease.public_id]),
    }


def reminder_message(
    lease: Lease, kind: str, *, today: dt.date, kit: KitSnapshot | None, to: list[str] | None = None
) -> EmailMultiAlternatives:
    """The email for one reminder, to ``to`` (default: every lessee). Expects ``vehicle__make`` and
    ``parties__lessee__user`` loaded."""
    return mail.message(
        TEMPLATES[kind],
        _context(lease, kind, today),
        to=lease.email_addresses() if to is None else to,
        language=reader_of(lease),
        attachments=[(kit.filename, kit_pdf_bytes(kit), "application/pdf")] if kit is not None else [],
        headers={
            # One Message-ID per lease and reminder: a mail system that sees it twice can drop the copy.
            "Message-ID": f"<{kind}.{lease.public_id}@{urlsplit(settings.SITE_URL).hostname or 'localhost'}>",
            "X-Portal-Reminder": kind,
        },
    )


def reminder_notices(lease: Lease, kind: str, *, today: dt.date) -> list[Notification]:
    """One portal notice for each lessee on the lease who has an online account (unsaved)."""
    context = _context(lease, kind, today)
    title = mail.subject(TEMPLATES[kind], context)
    end = long_date(context["end_date"])
    if kind == Reminder.Kind.KIT_120:
        body = (
            f"Your lease ends on {end}. Your Vehicle Return Kit has your options with your own "
            "figures, a checklist, the Wear Square and the odometer statement. Print it from your vehicle's page."
        )
    else:
        body = (
            f"Your lease ends on {end}, in {context['days_left']} days. See your options, "
            "book a turn-in or ask for a quote from your vehicle's page."
        )
    users = {p.lessee.user_id for p in lease.parties_primary_first() if p.lessee.user_id}
    link = reverse("leases:detail", args=[lease.public_id])
    return [
        Notification(user_id=user_id, lease=lease, kind=kind, title=title, body=body, link=link)
        for user_id in sorted(users)
    ]
