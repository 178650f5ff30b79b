"""Issue 17: the admin said "Lease partys" and "Kind: turn_in". Every model has a plural a person
would write, and every choice a label in words."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.urls import reverse

from tests.factories import EXAMPLE_START, issue, make_user, return_and_sell
from tests.world import build_personas

OURS = {"portal", "leases", "quotes", "returnkit", "turnin", "messaging", "helpcentre"}


def our_models():
    return [m for m in apps.get_models() if m._meta.app_label in OURS]


def test_every_model_has_a_plural_a_person_would_write():
    for model in our_models():
        plural = str(model._meta.verbose_name_plural)
        assert not re.search(r"[^aeiou]ys\b", plural), f"{model.__name__}: {plural}"
        assert not plural.endswith("equipments"), f"{model.__name__}: {plural}"
        assert not re.search(r"\bach\b", plural), f"{model.__name__}: {plural} (ACH is an acronym)"


def test_every_choice_has_a_label_in_words():
    for model in our_models():
        for field in model._meta.concrete_fields:
            for _value, label in field.flatchoices:
                assert "_" not in str(label), f"{model.__name__}.{field.name}: {label}"
                assert str(label)[:1] == str(label)[:1].upper(), f"{model.__name__}.{field.name}: {label}"


@pytest.mark.django_db
def test_the_final_bill_admin_names_its_kind_in_words(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    personas = build_personas(start=EXAMPLE_START)
    return_and_sell(personas.lease)
    bill = issue(personas.lease)
    client.force_login(make_user("ops@example.com", is_staff=True, is_superuser=True))
    listing = client.get(reverse("admin:leases_finalbill_changelist")).content.decode()
    page = client.get(reverse("admin:leases_finalbill_change", args=[bill.pk])).content.decode()
    assert "turn_in" not in re.sub(r'(name|value|href|id)="[^"]*"', "", listing)
    assert bill.get_kind_display() in listing or bill.get_kind_display() in page
    lease_page = client.get(reverse("admin:leases_lease_change", args=[personas.lease.pk])).content.decode()
    assert "Lessees on leases" in lease_page and "partys" not in lease_page.lower()
