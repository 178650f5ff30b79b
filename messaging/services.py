"""Writing messages: starting a thread, replying (lessee or operations), closing, assigning.

Each write locks the thread row (or, for a new thread, works on a new row), so two replies at the
same instant keep ``awaiting_reply_since`` right. A reply from operations tells the lessees: a
"new message" notice for each (portal.notify) and, after commit, one email that says only that a
message is waiting, with a link (tasks.send_new_message_email), never what it says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.files.base import ContentFile
from django.db import transaction

from leases.models import Lease
from messaging import tasks
from messaging.files import CheckedFile
from messaging.models import Attachment, Message, Thread
from portal.notify import Kind, link, notify
from portal.tasks import enqueue_on_commit

# What a reply changes on its thread.
THREAD_STATE = ("last_message_at", "awaiting_reply_since", "staff_replied_at", "status", "closed_at")


def thread_start(
    *, lease: Lease, user, topic: str, body: str, files: Sequence[CheckedFile] = (), now: dt.datetime
) -> Thread:
    """A lessee's first message on a new thread about ``lease``."""
    with transaction.atomic():
        thread = Thread.objects.create(
            lease=lease, topic=topic, started_by=user, created_at=now, last_message_at=now, awaiting_reply_since=now
        )
        _message_create(thread, user=user, body=body, files=files, now=now, from_staff=False)
    return thread


def message_add(
    *, thread: Thread, user, body: str, files: Sequence[CheckedFile] = (), now: dt.datetime, from_staff: bool
) -> Message:
    """A reply in ``thread``. A lessee's reply reopens a closed thread and, if nothing of theirs was
    waiting, starts the clock on our answer; a reply from operations stops it and tells the lessees."""
    with transaction.atomic():
        thread = Thread.objects.select_for_update().get(pk=thread.pk)
        message = _message_create(thread, user=user, body=body, files=files, now=now, from_staff=from_staff)
        thread.last_message_at = now
        if from_staff:
            thread.awaiting_reply_since, thread.staff_replied_at = None, now
            _tell_lessees(thread, message)
        else:
            thread.awaiting_reply_since = thread.awaiting_reply_since or now
            thread.status, thread.closed_at = Thread.Status.OPEN, None
        thread.save(update_fields=[*THREAD_STATE])
    return message


def thread_close(*, thread: Thread, now: dt.datetime) -> bool:
    """Close the thread (the lessee has what they needed). False if it was closed already."""
    closed = Thread.objects.filter(pk=thread.pk, status=Thread.Status.OPEN).update(
        status=Thread.Status.CLOSED, closed_at=now, awaiting_reply_since=None
    )
    return bool(closed)


def threads_assign(threads, *, staff_user) -> int:
    """Give these threads to one member of operations (None: to nobody)."""
    return threads.update(assigned_to=staff_user)


def thread_url(thread: Thread) -> str:
    return link("messaging:thread", thread.public_id)


def _message_create(
    thread: Thread, *, user, body: str, files: Sequence[CheckedFile], now: dt.datetime, from_staff: bool
) -> Message:
    message = Message.objects.create(thread=thread, author=user, from_staff=from_staff, body=body, created_at=now)
    for checked in files:
        attachment = Attachment(
            message=message, filename=checked.filename, content_type=checked.content_type, size=len(checked.content)
        )
        attachment.file.save("upload", ContentFile(checked.content), save=False)  # through the storage API
        attachment.save()
    return message


def _tell_lessees(thread: Thread, message: Message) -> None:
    notify(thread.lease, Kind.NEW_MESSAGE, url=thread_url(thread), key=message.pk)
    enqueue_on_commit(tasks.send_new_message_email, message.pk)
