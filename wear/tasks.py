"""Wear's emails: the outcome of a dispute, sent once (portal.once) to the lessees on the lease."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.urls import reverse

from portal import clock, mail, notify, once
from wear.models import WearDispute


@shared_task(name="wear.tasks.dispute_outcome_send")
def dispute_outcome_send(dispute_id: int) -> None:
    dispute = WearDispute.objects.select_related("report__lease__vehicle__make").get(pk=dispute_id)
    lease = dispute.report.lease
    to = notify.email_addresses(lease, notify.Kind.DISPUTE_OUTCOME)  # less those who turned it off
    if not to or dispute.status != WearDispute.Status.RESOLVED:
        return
    with once.claimed(WearDispute.objects.filter(pk=dispute.pk), "outcome_emailed_at") as claim:
        if claim:
            context = {
                "dispute": dispute,
                "lease": lease,
                "items": list(dispute.items.select_related("item")),
                "dispute_url": settings.SITE_URL + reverse("wear:dispute", args=[lease.public_id, dispute.public_id]),
            }
            mail.send("wear/dispute_outcome", context, to=to)


@shared_task(name="wear.tasks.wear_emails_catch_up")
def wear_emails_catch_up() -> int:
    """Queue dispute outcome emails whose task never ran (a broker outage); each is claimed, so sent once."""
    since = clock.today() - dt.timedelta(days=90)
    missed = WearDispute.objects.filter(
        status=WearDispute.Status.RESOLVED, outcome_emailed_at__isnull=True, resolved_on__gte=since
    )
    return once.catch_up((dispute_outcome_send, missed.values_list("pk")))
