"""The forms of the walk-around: one small form per kind of damage, and finding a returned vehicle."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from quotes.engine import usd
from wear import charges
from wear.models import WearBand, WearRule


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos from one input (Django's documented pattern); each is checked by wear.photos."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/heic,image/heif"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class BandField(forms.ModelChoiceField):
    """The size answers, each in the reader's language."""

    def label_from_instance(self, obj: WearBand) -> str:
        return obj.local_label


class ItemForm(forms.Form):
    """An item under one rule: the size answer when the rule asks, how many when charged per item."""

    band = BandField(queryset=WearBand.objects.none(), widget=forms.RadioSelect, empty_label=None)
    quantity = forms.IntegerField(label=_("How many?"), min_value=1, max_value=20, initial=1)
    photos = PhotosField(label=_("Photos"), required=False)
    note = forms.CharField(label=_("Anything to add (optional)"), max_length=200, required=False)

    def __init__(self, *args, rule: WearRule, **kwargs) -> None:
        kwargs.setdefault("prefix", f"r{rule.pk}")
        super().__init__(*args, **kwargs)
        self.rule = rule
        if rule.charge_kind == charges.BAND:
            self.fields["band"].queryset = rule.bands.all()
            self.fields["band"].label = _size_question(rule)
        else:
            del self.fields["band"]
        if rule.charge_kind != charges.PER_ITEM:
            del self.fields["quantity"]
        self.fields["photos"].help_text = (
            _("Needed when this may be charged: up to 10 MB each, JPEG, PNG or HEIC.")
            if rule.is_chargeable
            else _("Optional.")
        )


def _size_question(rule: WearRule) -> str:
    return {
        WearRule.Measure.SQUARE: _("Hold the Wear Square over it. Which is true?"),
        WearRule.Measure.CIRCLE: _("Hold the 1/2-inch circle over it. Which is true?"),
        WearRule.Measure.TREAD: _("Check the tread at its shallowest point with the 4/32-inch mark. Which is true?"),
    }.get(rule.measure, _("Which is true?"))


class FindVehicleForm(forms.Form):
    vin_or_account = forms.CharField(label="VIN or lease account number", max_length=17)
    inspected_on = forms.DateField(label="Inspected on", widget=forms.DateInput(attrs={"type": "date"}))


class DisputeForm(forms.Form):
    """For each charged item not yet disputed: a box to tick, the reason, optional photos."""

    def __init__(self, *args, items: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            key, charge = item.public_id.hex, usd(item.charge)  # a label is a sentence: the one money format
            self.fields[f"pick_{key}"] = forms.BooleanField(
                label=_("Dispute “%(rule)s” (%(area)s, %(charge)s)")
                % {"rule": item.local_rule_name, "area": item.get_area_display(), "charge": charge},
                required=False,
            )
            self.fields[f"reason_{key}"] = forms.CharField(
                label=_("Why?"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
            )
            self.fields[f"photos_{key}"] = PhotosField(label=_("Your photos (optional)"), required=False)

    def rows(self) -> list[tuple]:
        """(item, tick box, reason, photos) for the template."""
        return [
            (
                item,
                self[f"pick_{item.public_id.hex}"],
                self[f"reason_{item.public_id.hex}"],
                self[f"photos_{item.public_id.hex}"],
            )
            for item in self.items
        ]

    def clean(self) -> dict:
        data = super().clean()
        chosen = [item for item in self.items if data.get(f"pick_{item.public_id.hex}")]
        if not chosen:
            raise forms.ValidationError(_("Tick at least one item to dispute."))
        for item in chosen:
            if not (data.get(f"reason_{item.public_id.hex}") or "").strip():
                self.add_error(f"reason_{item.public_id.hex}", _("Tell us why you dispute this item."))
        self.chosen = chosen
        return data
