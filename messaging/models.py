"""Secure messages between the lessees on a lease and operations: threads, messages, attachments
and operations' canned replies. What a lessee has not read yet is their unread "new message"
notices (portal.notify), so the navigation counts it in the query it already makes."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from leases.models import Lease, LeaseParty


class Topic(models.TextChoices):
    EXTENSION = "extension", _("Extending my lease")
    EARLY_RETURN = "early_return", _("Returning early")
    BUYOUT = "buyout", _("Buying my vehicle")
    PAYMENT = "payment", _("A payment")
    FINAL_BILL = "final_bill", _("My final bill, or a dispute")
    PLATES_TITLE = "plates_title", _("Plates and title")
    OTHER = "other", _("Something else")


class ThreadQuerySet(models.QuerySet["Thread"]):
    def for_customer(self, user) -> ThreadQuerySet:
        """Threads on the leases ``user`` is a lessee on (primary or co-lessee); none for anyone else."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(Exists(LeaseParty.objects.filter(lease=OuterRef("lease"), lessee__user=user)))

    # Operations' inbox filters.
    def waiting_on_us(self) -> ThreadQuerySet:
        return self.filter(status=Thread.Status.OPEN, awaiting_reply_since__isnull=False)

    def waiting_on_lessee(self) -> ThreadQuerySet:
        return self.filter(status=Thread.Status.OPEN, awaiting_reply_since__isnull=True)


class Thread(models.Model):
    """One conversation about one lease, seen by every lessee on it.

    ``awaiting_reply_since`` is when the oldest lessee message that operations have not answered
    was written (empty: the last word was ours); it gives the inbox its "waiting on us" filter and
    the age of the oldest unanswered message.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    lease = models.ForeignKey(Lease, on_delete=models.CASCADE, related_name="threads")
    topic = models.CharField(max_length=20, choices=Topic.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_threads",
        limit_choices_to={"is_staff": True},
    )
    created_at = models.DateTimeField()
    last_message_at = models.DateTimeField()
    awaiting_reply_since = models.DateTimeField(null=True, blank=True)
    staff_replied_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = ThreadQuerySet.as_manager()

    class Meta:
        ordering = ["-last_message_at", "-id"]
        indexes = [
            models.Index(fields=["lease", "-last_message_at"], name="thread_by_lease"),
            models.Index(
                fields=["awaiting_reply_since"],
                condition=Q(status="open", awaiting_reply_since__isnull=False),
                name="thread_waiting_on_us",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} · {self.lease.account_number}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def waiting_on(self) -> str:
        if not self.is_open:
            return "closed"
        return "us" if self.awaiting_reply_since else "lessee"


class Message(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_staff = models.BooleanField(default=False)
    body = models.TextField()
    created_at = models.DateTimeField()
    # The "you have a new message" email to the lessees (portal.once.claimed): staff replies only.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{'Operations' if self.from_staff else self.author} · {self.created_at:%Y-%m-%d %H:%M}"


def attachment_upload_to(attachment: Attachment, filename: str) -> str:
    # Under a private prefix the web server never serves: only messaging's owner-scoped views read it.
    return f"private/messages/{attachment.message.thread.public_id}/{attachment.public_id}{attachment.extension}"


class Attachment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_upload_to, max_length=200)
    filename = models.CharField(max_length=150, help_text="The name the lessee gave it, for downloading.")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename

    @property
    def extension(self) -> str:
        return {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}.get(self.content_type, "")


class CannedReply(models.Model):
    """A reply operations keep ready (maintained in the admin) and pick when answering."""

    title = models.CharField(max_length=100, unique=True)
    body = models.TextField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "canned replies"

    def __str__(self) -> str:
        return self.title
