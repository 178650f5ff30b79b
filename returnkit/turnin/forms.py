from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from leases.models import VOID_REASON_MAX, Lease, VehicleEquipment
from leases.services import check_odometer, void_reason_clean
from returnkit.turnin.checkin import CheckIn, signature_matches
from returnkit.turnin.geo import ZipPoint, zip_point
from returnkit.turnin.models import TurnIn
from returnkit.turnin.search import DEFAULT_RADIUS, RADIUS_CHOICES


def _miles(radius: int) -> str:
    return ngettext("%(miles)s mile", "%(miles)s miles", radius) % {"miles": radius}


_miles_choice = lazy(_miles, str)  # said in the reader's language when the form is drawn


class DealerSearchForm(forms.Form):
    zip_code = forms.RegexField(
        label=_("ZIP code"),
        regex=r"^\s*\d{5}(-\d{4})?\s*$",
        error_messages={"invalid": _("Enter a five-digit ZIP code.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code", "size": 10}),
    )
    radius = forms.TypedChoiceField(
        label=_("Within"),
        choices=[(r, _miles_choice(r)) for r in RADIUS_CHOICES],
        coerce=int,
        initial=DEFAULT_RADIUS,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    origin: ZipPoint | None = None

    def clean_zip_code(self) -> str:
        zip5 = self.cleaned_data["zip_code"].strip()[:5]
        self.origin = zip_point(zip5)  # one lookup per request
        if self.origin is None:
            raise ValidationError(
                "We couldn't find ZIP code %(zip)s. Check the number, or try a ZIP code near you.",
                params={"zip": zip5},
                code="unknown_zip",
            )
        return zip5


class SlotForm(forms.Form):
    slot = forms.UUIDField(error_messages={"required": _("Pick a time first."), "invalid": _("Pick a time first.")})


class WalkInForm(forms.Form):
    """Two identifiers: the VIN or account number, and a lessee's last name (as on their license)."""

    query = forms.CharField(
        label="VIN or lease account number",
        max_length=17,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "input-caps"}),
    )
    last_name = forms.CharField(
        label="Lessee's last name",
        max_length=60,
        error_messages={"required": "Enter the last name of the lessee (or co-lessee), as on their license."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class CheckInForm(forms.Form):
    miles = forms.IntegerField(
        label="Odometer reading (miles)",
        min_value=0,
        max_value=2_000_000,
        help_text="Whole miles as shown on the odometer, without tenths.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    odometer_status = forms.ChoiceField(
        label="The odometer reading",
        choices=TurnIn.OdometerStatus.choices,
        initial=TurnIn.OdometerStatus.ACTUAL,
        widget=forms.RadioSelect,
    )
    odometer_status_reason = forms.CharField(
        label="Why the reading is not the actual mileage",
        required=False,
        max_length=VOID_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required unless the reading is the actual mileage. Printed on the receipt.",
    )
    condition_notes = forms.CharField(
        label="Condition notes",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Anything visible at drop-off. The full inspection is recorded separately.",
    )
    lessee_printed_name = forms.CharField(label="Lessee's printed name", max_length=120)
    lessee_certifies = forms.BooleanField(
        label="I, the lessee, certify that to the best of my knowledge the odometer reading above is as stated.",
        error_messages={"required": "The lessee must confirm the statement."},
    )
    lessee_esign_consent = forms.BooleanField(
        label="I, the lessee, agree to sign this statement electronically: the name I type below is my "
        "signature, as binding as one on paper. I can ask for a paper copy of the receipt.",
        error_messages={"required": "The lessee must agree to sign electronically, or sign a paper statement instead."},
    )
    lessee_signature = forms.CharField(
        label="Lessee's signature: type your full name",
        max_length=120,
        help_text="The lessee types it, the same as the printed name above.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": "The lessee signs by typing their full name."},
    )
    dealer_rep_name = forms.CharField(label="Dealer representative's printed name", max_length=120)
    dealer_certifies = forms.BooleanField(
        label="I received the vehicle and the items counted above, and witnessed the lessee's statement.",
        error_messages={"required": "The dealer representative must confirm."},
    )

    def __init__(self, *args, lease: Lease, today: dt.date, equipment: list[VehicleEquipment], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lease, self.today, self.equipment = lease, today, equipment
        for item in equipment:
            self.fields[self.item_field(item)] = forms.IntegerField(
                label=f"{item.name} (of {item.quantity})",
                min_value=0,
                max_value=item.quantity,
                initial=item.quantity,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "form-control item-count"}),
            )
        self.early = lease.return_is_early(today)
        if self.early:
            self.fields["early_return_confirmed"] = forms.BooleanField(
                label="The lessee knows this return ends the lease early and is billed as an early termination.",
                error_messages={
                    "required": "Confirm that the lessee knows this return ends the lease early, or don't check the "
                    "vehicle in today."
                },
            )

    @property
    def days_early(self) -> int:
        """Days before the scheduled end date (for the early-return warning)."""
        return (self.lease.maturity_date - self.today).days

    @staticmethod
    def item_field(item: VehicleEquipment) -> str:
        return f"item_{item.pk}"

    def item_fields(self) -> list[forms.BoundField]:
        return [self[self.item_field(item)] for item in self.equipment]

    def clean(self) -> dict:
        data = super().clean()
        actual = data.get("odometer_status", TurnIn.OdometerStatus.ACTUAL) == TurnIn.OdometerStatus.ACTUAL
        if not actual and "odometer_status_reason" in data:
            try:
                data["odometer_status_reason"] = void_reason_clean(data["odometer_status_reason"])
            except ValidationError as error:
                self.add_error("odometer_status_reason", statement_error(error))
        signed = data.get("lessee_signature")
        if signed and not signature_matches(printed_name=data.get("lessee_printed_name", ""), signature=signed):
            self.add_error("lessee_signature", "The signature must be the lessee's printed name, typed in full.")
        if "miles" in data:
            try:
                check_odometer(lease=self.lease, miles=data["miles"], on=self.today, today=self.today, actual=actual)
            except ValidationError as error:
                self.add_error("miles", statement_error(error))
        return data

    def check_in(self, *, ip: str | None) -> CheckIn:
        """What was entered, with the lessee's signature and the IP address it was given from."""
        data = self.cleaned_data
        return CheckIn(
            lessee_signature=data["lessee_signature"],
            lessee_signed_ip=ip,
            miles=data["miles"],
            odometer_status=data["odometer_status"],
            lessee_printed_name=data["lessee_printed_name"],
            dealer_rep_name=data["dealer_rep_name"],
            returned={item.pk: data[self.item_field(item)] for item in self.equipment},
            condition_notes=data["condition_notes"],
            odometer_status_reason=data["odometer_status_reason"],
        )


def statement_error(error: ValidationError) -> ValidationError:
    """``check_odometer``'s refusal, in the words the dealer at the counter needs: what to do next."""
    if error.code == "reason_required":
        return ValidationError(
            "Write why the reading is not the actual mileage (for example, the instrument cluster was replaced).",
            code="reason_required",
        )
    if error.code != "below_previous":
        return error
    return ValidationError(
        "%(miles)s miles is below the earlier reading of %(last)s miles on %(date)s, so nothing has been saved. "
        "If %(miles)s is what the odometer shows, either record this statement as “The reading is NOT the "
        "actual mileage” and write why below, or have the earlier reading corrected first: the lessee can "
        "correct their own latest reading on their lease page, and operations (%(phone)s) can void any reading.",
        params={**error.params, "phone": settings.LESSOR["dealer_phone"]},
        code="below_previous",
    )
