"""The "you have a new message" email: once per reply from operations, claimed before it goes."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.urls import reverse

from messaging.models import Message
from portal import mail, notify, once


@shared_task
def send_new_message_email(message_id: int) -> None:
    """Tell the lessees a message is waiting, with a link; the message itself stays in the portal."""
    message = Message.objects.select_related("thread__lease__vehicle__make").filter(pk=message_id).first()
    if message is None or not message.from_staff:
        return
    lease = message.thread.lease
    with once.claimed(Message.objects.filter(pk=message.pk), "emailed_at") as claim:
        if claim:
            mail.send(
                "messaging/new_message",
                {
                    "vehicle": lease.vehicle.description,
                    "thread_url": settings.SITE_URL + reverse("messaging:thread", args=[message.thread.public_id]),
                },
                to=notify.email_addresses(lease, notify.Kind.NEW_MESSAGE),
            )


@shared_task
def messaging_emails_catch_up() -> int:
    """Queue the "new message" emails whose task never ran (the broker was down); each claims first."""
    unsent = Message.objects.filter(from_staff=True, emailed_at__isnull=True, **once.recent("created_at"))
    return once.catch_up((send_new_message_email, unsent.values_list("pk")))
