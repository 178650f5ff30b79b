"""Reading and versioning the wear standard, and snapshotting its rules onto items."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils.translation import gettext as _

from wear import charges
from wear.models import WearBand, WearCategory, WearItem, WearRule, WearStandard


def standard_current() -> WearStandard:
    standard = WearStandard.objects.current()
    if standard is None:
        raise ValidationError(_("No wear standard is published yet."))
    return standard


def categories_for(standard: WearStandard) -> list[WearCategory]:
    """The standard's categories with their rules and bands, in order (three queries)."""
    rules = WearRule.objects.prefetch_related("bands")
    return list(standard.categories.prefetch_related(Prefetch("rules", queryset=rules)))


def rules_for_area(standard: WearStandard, area: str) -> list[WearRule]:
    """The rules an item on ``area`` may be recorded under (not those billed on their own line)."""
    return [
        rule
        for category in categories_for(standard)
        if area in category.areas and not category.billed_separately
        for rule in category.rules.all()
    ]


def standard_copy(*, standard: WearStandard, title: str = "") -> WearStandard:
    """A new, unpublished version with the same categories, rules and bands, for editing."""
    with transaction.atomic():
        version = (WearStandard.objects.aggregate(top=Max("version"))["top"] or 0) + 1
        copy = WearStandard.objects.create(version=version, title=title or standard.title, published=False)
        for category in categories_for(standard):
            rules = list(category.rules.all())
            category.pk, category.standard = None, copy
            category.save()
            for rule in rules:
                bands = list(rule.bands.all())
                rule.pk, rule.category = None, category
                rule.save()
                WearBand.objects.bulk_create(
                    WearBand(rule=rule, code=b.code, label=b.label, label_es=b.label_es, amount=b.amount, order=b.order)
                    for b in bands
                )
        return copy


def item_check(*, rule: WearRule, band: WearBand | None, quantity: int, area: str) -> None:
    """Refuse an item the rule cannot price: a band from elsewhere, a missing size, a wrong area."""
    if area not in rule.category.areas or rule.category.billed_separately:
        raise ValidationError(_("%(rule)s is not checked on this part of the vehicle.") % {"rule": rule.local_name})
    if rule.charge_kind == charges.BAND and band is None:
        raise ValidationError(_("Choose the size that matches."))
    if band is not None and band.rule_id != rule.pk:
        raise ValidationError(_("That size does not belong to this kind of damage."))
    if quantity < 1 or (quantity > 1 and rule.charge_kind != charges.PER_ITEM):
        raise ValidationError(_("Enter how many, 1 or more (only for damage charged per item)."))


def item_snapshot(*, rule: WearRule, band: WearBand | None, quantity: int = 1) -> dict:
    """The fields an item keeps so that a later edit of the standard leaves it as it was (its
    words in both languages: the Spanish is the same rule, worded for Spanish readers)."""
    unit = band.amount if rule.charge_kind == charges.BAND and band is not None else rule.amount
    return {
        "rule": rule,
        "standard_version": rule.category.standard.version,
        "category_name": rule.category.name,
        "rule_code": rule.code,
        "rule_name": rule.name,
        "rule_text": rule.rule_text,
        "category_name_es": rule.category.name_es,
        "rule_name_es": rule.name_es,
        "rule_text_es": rule.rule_text_es,
        "charge_kind": rule.charge_kind,
        "band_label": band.label if band is not None else "",
        "band_label_es": band.label_es if band is not None else "",
        "unit_amount": unit,
        "quantity": quantity,
        "cap_per_panel": rule.cap_per_panel,
    }


def would_charge(*, rule: WearRule, band: WearBand | None, quantity: int = 1) -> bool:
    """Whether an item like this costs anything (such an item needs a photo)."""
    snapshot = item_snapshot(rule=rule, band=band, quantity=quantity)
    priced = charges.Priced(
        rule_code=rule.code,
        area="",
        charge_kind=snapshot["charge_kind"],
        unit_amount=snapshot["unit_amount"],
        quantity=quantity,
    )
    return charges.item_charge(priced) > 0


def items_reprice(items: list[WearItem]) -> Decimal:
    """Each item's charge from its own snapshot (caps shared in recorded order); the total."""
    amounts = charges.charges(item.priced() for item in items)
    for item, amount in zip(items, amounts, strict=True):
        if item.charge != amount:
            item.charge = amount
            item.save(update_fields=["charge"])
    return charges.total(amounts)
