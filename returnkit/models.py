"""Return kits (snapshots and their PDFs), plate rules by state, and the reminders sent for a lease."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone

from leases.models import US_STATES, Lease


class PlateRule(models.Model):
    """What a lessee registered in this state does with the plates; the kit adds "check with your DMV"."""

    state = models.CharField(max_length=2, choices=US_STATES, unique=True)
    rule = models.TextField(help_text="Plain words for the lessee. The kit always adds a line to check with the DMV.")
    rule_es = models.TextField(
        "rule in Spanish", blank=True, help_text="The same in Spanish, for Spanish readers' kits (blank: the English)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["state"]

    def __str__(self) -> str:
        return self.get_state_display()


def kit_upload_to(snapshot: KitSnapshot, filename: str) -> str:
    return f"kits/{snapshot.lease.public_id}/{filename}"


class KitSnapshot(models.Model):
    """What one Vehicle Return Kit was built from, and its PDF.

    ``fingerprint`` is a hash of ``payload``, which holds everything the kit shows (lease, people,
    vehicle, figures, plate rule, the lessor's details). The stored PDF is served again until the
    lease's data gives another fingerprint.
    """

    lease = models.ForeignKey(Lease, on_delete=models.CASCADE, related_name="kit_snapshots")
    fingerprint = models.CharField(max_length=64)
    payload = models.JSONField()
    pdf = models.FileField(upload_to=kit_upload_to, max_length=200)
    pages = models.PositiveSmallIntegerField()
    prepared_on = models.DateField(help_text="The day the figures were computed.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"
        constraints = [models.UniqueConstraint(fields=["lease", "fingerprint"], name="kit_once_per_fingerprint")]

    def __str__(self) -> str:
        return f"Kit for {self.lease.account_number} ({self.prepared_on:%Y-%m-%d})"

    @property
    def filename(self) -> str:
        return f"vehicle-return-kit-{self.lease.account_number}.pdf"


class ReminderQuerySet(models.QuerySet["Reminder"]):
    def stuck(self, *, older_than: dt.timedelta = dt.timedelta(hours=1)) -> ReminderQuerySet:
        """Claims whose task died between claiming and recording the outcome: maybe sent, maybe not."""
        return self.filter(status=Reminder.Status.CLAIMED, claimed_at__lt=timezone.now() - older_than)


class Reminder(models.Model):
    """One reminder for one lease. The unique (lease, kind) row is the claim: it decides that one copy goes.

    A task inserts the row as *claimed* and commits before any email leaves, then marks it *sent*.
    A row that already exists is never sent again, whatever its status, so a second sweep, a retried
    task or a redelivered message cannot send a second copy. The price: a worker killed after the
    claim and before the mark leaves a *claimed* row that nobody sends automatically (at most once).
    Operations see those as stuck claims in the admin and release them once they have checked the
    mail log; the next sweep then sends them.
    """

    class Kind(models.TextChoices):
        KIT_120 = "kit_120", "Return kit (about 120 days before the end)"
        FOLLOWUP_60 = "followup_60", "Follow-up, 60 days before the end"
        FOLLOWUP_30 = "followup_30", "Follow-up, 30 days before the end"
        FOLLOWUP_7 = "followup_7", "Follow-up, 7 days before the end"

    class Status(models.TextChoices):
        CLAIMED = "claimed", "Claimed (sending)"
        SENT = "sent", "Sent"
        NO_ADDRESS = "no_address", "No email address (portal notice only)"

    lease = models.ForeignKey(Lease, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CLAIMED)
    claim_token = models.UUIDField(db_index=True, help_text="The task run that claimed it.")
    due_on = models.DateField(help_text="The sweep day that found it due.")
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients = models.TextField(blank=True)
    kit = models.ForeignKey(KitSnapshot, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["-claimed_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["lease", "kind"], name="reminder_once_per_lease_and_kind")]
        indexes = [
            models.Index(fields=["claimed_at"], condition=Q(status="claimed"), name="reminder_claimed"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.lease.account_number} · {self.get_status_display()}"
