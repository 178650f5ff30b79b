import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from leases.models import VOID_REASON_MAX, Lease
from leases.services import check_odometer, lessee_reading_check, void_reason_clean


class LinkLeaseForm(forms.Form):
    account_number = forms.CharField(
        label=_("Lease account number"),
        max_length=12,
        help_text=_("Ten digits, printed at the top of your monthly statement."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    vin_last6 = forms.CharField(
        label=_("Last six characters of the VIN"),
        min_length=6,
        max_length=6,
        help_text=_("Found on your registration card or at the base of the windshield."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "input-caps"}),
    )
    zip_code = forms.RegexField(
        label=_("Billing ZIP code"),
        regex=r"^\d{5}(-\d{4})?$",
        error_messages={"invalid": _("Enter a five-digit ZIP code.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )


# check_odometer's refusals that are about the date, shown under the date field.
DATE_PROBLEMS = {"future", "before_start"}


class OdometerForm(forms.Form):
    miles = forms.IntegerField(
        label=_("Odometer reading (miles)"),
        min_value=0,
        max_value=2_000_000,
        help_text=_("Whole miles as shown on the dashboard, without tenths."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    reading_date = forms.DateField(label=_("Date of the reading"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, lease: Lease, today: dt.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lease = lease
        self.today = today
        self.fields["reading_date"].initial = today

    def clean(self) -> dict:
        data = super().clean()
        try:
            lessee_reading_check(self.lease)
        except ValidationError as error:
            raise forms.ValidationError(error.messages, code="returned") from None
        if "miles" in data and "reading_date" in data:
            try:
                check_odometer(lease=self.lease, miles=data["miles"], on=data["reading_date"], today=self.today)
            except ValidationError as error:
                self.add_error("reading_date" if error.code in DATE_PROBLEMS else "miles", error)
        return data


class OdometerCorrectionForm(forms.Form):
    """The lessee's correction of their own latest reading. ``wrong_miles`` is the reading the page
    showed, so a correction never lands on a reading that changed meanwhile."""

    miles = forms.IntegerField(
        label=_("Correct reading (miles)"),
        min_value=0,
        max_value=2_000_000,
        help_text=_("Whole miles as shown on the dashboard, without tenths."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    reason = forms.CharField(
        label=_("What was wrong with the earlier reading"),
        max_length=VOID_REASON_MAX,
        help_text=_(
            "For example: a typo, or a digit misread. The earlier reading stays on record, marked as corrected."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Please say what was wrong with the earlier reading.")},
    )
    wrong_miles = forms.IntegerField(widget=forms.HiddenInput)

    def clean_reason(self) -> str:
        return void_reason_clean(self.cleaned_data["reason"])
