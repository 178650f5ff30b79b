from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from messaging.files import MAX_FILES, CheckedFile, attachment_check
from messaging.models import Topic

MAX_BODY = 5000


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Up to three attachments, each checked from its content (messaging.files)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None) -> list[CheckedFile]:
        uploads = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if len(uploads) > MAX_FILES:
            raise ValidationError(
                ngettext(
                    "Attach at most %(count)d file to one message.",
                    "Attach at most %(count)d files to one message.",
                    MAX_FILES,
                )
                % {"count": MAX_FILES},
                code="too_many",
            )
        checked, errors = [], []
        for upload in uploads:
            try:
                checked.append(attachment_check(upload))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return checked


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Please write your message.")},
    )
    files = FilesField(label=_("Attachments (optional)"), help_text=_("Up to 3 files: PDF, JPEG or PNG, 10 MB each."))


class NewThreadForm(ReplyForm):
    """A first message: which lease, what about, and the message."""

    lease = forms.TypedChoiceField(label=_("Which vehicle"), coerce=str)
    topic = forms.ChoiceField(label=_("What is it about"), choices=[("", _("Choose a topic")), *Topic.choices])

    field_order = ["lease", "topic", "body", "files"]

    def __init__(self, *args, leases, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.leases = {str(lease.public_id): lease for lease in leases}
        self.fields["lease"].choices = [(key, lease_choice(lease)) for key, lease in self.leases.items()]

    def clean_lease(self):
        return self.leases[self.cleaned_data["lease"]]


def lease_choice(lease) -> str:
    """A vehicle in the "Which vehicle" list: its description and account number."""
    words = _("%(vehicle)s · account %(number)s")
    return words % {"vehicle": lease.vehicle.description, "number": lease.account_number}
