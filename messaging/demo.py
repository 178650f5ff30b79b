"""Demo messages: operations' canned replies, and one answered conversation for Jordan and Sam's
lease (both lessees see it). Safe to run again."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from leases.models import Lease
from messaging.models import CannedReply, Thread
from messaging.services import message_add, thread_start
from portal import clock

CANNED = {
    "Extension: how to ask": "You can extend your lease yourself: get an extension quote on your vehicle's "
    "page and ask for it there. Within the limit and with nothing past due, it is approved at once.",
    "Plates: what to do": "Follow your state's rules for the plates. The plate steps in your Vehicle "
    "Return Kit say whether to hand them to the dealer or return them to the motor vehicle agency.",
    "Payoff: where to find it": "Your buyout quote on your vehicle's page shows the purchase price, "
    "itemized, and the date it holds until. You can pay it online from there.",
}


def seed_messages(*, staff_email: str, lessee_email: str) -> None:
    for title, body in CANNED.items():
        CannedReply.objects.get_or_create(title=title, defaults={"body": body})
    lease = Lease.objects.filter(parties__lessee__user__email=lessee_email).order_by("pk").first()
    staff = get_user_model().objects.filter(email=staff_email).first()
    if lease is None or staff is None or Thread.objects.filter(lease=lease).exists():
        return
    now = clock.now()
    thread = thread_start(
        lease=lease,
        user=lease.primary_lessee.user,
        topic="extension",
        body="We may need the car for two more weeks after the end date. How does that work?",
        now=now - dt.timedelta(hours=3),
    )
    message_add(thread=thread, user=staff, body=CANNED["Extension: how to ask"], now=now, from_staff=True)
