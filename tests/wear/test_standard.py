"""The wear standard as data: each kind of charge to the cent, caps per panel, versions, the seed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from wear import charges
from wear.charges import Priced
from wear.models import Area, PreInspection, WearRule, WearStandard
from wear.standard import categories_for, item_snapshot, items_reprice, rules_for_area, standard_copy

pytestmark = pytest.mark.django_db


def rule(code: str, standard: WearStandard | None = None) -> WearRule:
    standard = standard or WearStandard.objects.current()
    return WearRule.objects.select_related("category__standard").get(category__standard=standard, code=code)


def priced(kind: str, amount: str, *, quantity: int = 1, cap: str | None = None, area: str = "front") -> Priced:
    return Priced(
        rule_code="r",
        area=area,
        charge_kind=kind,
        unit_amount=Decimal(amount),
        quantity=quantity,
        cap_per_panel=Decimal(cap) if cap else None,
    )


# --- each kind of charge, exactly ---------------------------------------------------------------


def test_a_rule_that_is_not_charged_costs_nothing():
    assert charges.item_charge(priced(charges.NONE, "999.00")) == Decimal("0")


def test_a_flat_rule_charges_its_amount():
    assert charges.item_charge(priced(charges.FLAT, "425.00")) == Decimal("425.00")


def test_a_band_rule_charges_the_band_the_item_falls_in():
    dent = rule("dent")
    larger = dent.bands.get(code="larger")
    snapshot = item_snapshot(rule=dent, band=larger)
    assert snapshot["unit_amount"] == Decimal("350.00")
    assert snapshot["band_label"] == "Bigger than two squares side by side"
    assert charges.item_charge(priced(charges.BAND, str(snapshot["unit_amount"]))) == Decimal("350.00")


def test_a_per_item_rule_charges_each_item():
    assert charges.item_charge(priced(charges.PER_ITEM, "180.00", quantity=3)) == Decimal("540.00")


def test_a_panel_cap_is_shared_out_in_the_order_items_were_recorded():
    items = [
        priced(charges.BAND, "350.00", cap="500.00"),
        priced(charges.BAND, "350.00", cap="500.00"),
        priced(charges.BAND, "175.00", cap="500.00"),
        priced(charges.BAND, "350.00", cap="500.00", area="rear"),  # another panel: its own cap
    ]
    assert charges.charges(items) == [Decimal("350.00"), Decimal("150.00"), Decimal("0.00"), Decimal("350.00")]
    assert charges.total(charges.charges(items)) == Decimal("850.00")


# --- the seeded standard -------------------------------------------------------------------------


def test_the_seed_publishes_version_one_with_every_category():
    standard = WearStandard.objects.current()
    assert standard.version == 1
    assert [c.code for c in categories_for(standard)] == [
        "body", "glass", "tyres", "wheels", "lights", "interior", "parts", "equipment",
    ]  # fmt: skip


def test_every_size_question_has_a_normal_wear_answer_that_costs_nothing():
    for band_rule in WearRule.objects.filter(charge_kind=charges.BAND).prefetch_related("bands"):
        assert band_rule.bands.filter(amount=0).exists(), band_rule.code


def test_every_area_of_the_walk_around_has_rules_except_keys_billed_on_their_own_line():
    standard = WearStandard.objects.current()
    for area in Area:
        found = rules_for_area(standard, area)
        assert bool(found) == (area != Area.KEYS), area


# --- versions ------------------------------------------------------------------------------------


def _estimate_with_a_large_dent(personas) -> PreInspection:
    standard = WearStandard.objects.current()
    estimate = PreInspection.objects.create(lease=personas.lease, standard=standard, started_by=personas.owner)
    dent = rule("dent")
    estimate.items.create(area=Area.FRONT, **item_snapshot(rule=dent, band=dent.bands.get(code="larger")))
    estimate.total = items_reprice(list(estimate.items.all()))
    estimate.save()
    return estimate


def test_editing_the_standard_leaves_an_estimate_as_it_was(personas):
    estimate = _estimate_with_a_large_dent(personas)
    dent = rule("dent")
    dent.bands.filter(code="larger").update(amount=Decimal("900.00"))
    WearRule.objects.filter(pk=dent.pk).update(rule_text="Changed", cap_per_panel=Decimal("100.00"))

    assert items_reprice(list(estimate.items.all())) == Decimal("350.00")
    item = estimate.items.get()
    assert (item.rule_text, item.unit_amount, item.cap_per_panel, item.standard_version) == (
        dent.rule_text, Decimal("350.00"), Decimal("500.00"), 1,
    )  # fmt: skip


def test_a_copy_is_a_new_unpublished_version_and_publishing_it_changes_only_new_items(personas):
    estimate = _estimate_with_a_large_dent(personas)
    copy = standard_copy(standard=WearStandard.objects.current())
    assert (copy.version, copy.published) == (2, False)
    assert WearStandard.objects.current().version == 1

    v2_dent = rule("dent", copy)
    v2_dent.bands.filter(code="larger").update(amount=Decimal("400.00"))
    copy.published = True
    copy.save()

    assert WearStandard.objects.current() == copy
    assert item_snapshot(rule=v2_dent, band=v2_dent.bands.get(code="larger"))["unit_amount"] == Decimal("400.00")
    assert rule("dent", WearStandard.objects.get(version=1)).bands.get(code="larger").amount == Decimal("350.00")
    estimate.refresh_from_db()
    assert (estimate.standard.version, estimate.total) == (1, Decimal("350.00"))
