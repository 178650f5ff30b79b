"""Extensions: a lessee's request to keep the vehicle past its scheduled end."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from leases.models.fields import MoneyField
from leases.models.lease import Lease


class ExtensionRequest(models.Model):
    """An extension asked for from an extension quote: approved at once when it fits the limit
    and the account is in good standing, otherwise left for operations to approve or decline.

    Nothing is charged when it is approved: the final bill (or a later buyout quote) charges the
    extension fee for the days the vehicle is actually kept past its scheduled end, at the rate
    recorded here, so a fee is never billed twice. One request per quote.
    """

    class Status(models.TextChoices):
        APPROVED = "approved", _("Approved")
        IN_REVIEW = "in_review", _("Sent for review")
        DECLINED = "declined", _("Declined")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    lease = models.ForeignKey(Lease, on_delete=models.PROTECT, related_name="extension_requests")
    quote_reference = models.CharField(max_length=16, unique=True, editable=False)
    days = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    daily_fee = MoneyField("extension fee a day")
    fee = MoneyField("fee for all the days", help_text="As quoted; billed for the days actually kept.")
    status = models.CharField(max_length=10, choices=Status.choices)
    review_reason = models.CharField(max_length=200, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    extended_to = models.DateField("keep the vehicle until", null=True, blank=True)
    decision_note = models.TextField("note for the lessee", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(days__gt=0), name="extension_days_positive"),
            models.CheckConstraint(
                condition=Q(status="approved", extended_to__isnull=False) | ~Q(status="approved"),
                name="approved_extension_has_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.days}-day extension for {self.lease.account_number} ({self.get_status_display().lower()})"
