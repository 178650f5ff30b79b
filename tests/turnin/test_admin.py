"""Operations' admin for turn-ins: every list opens, and slots can be made from a schedule."""

import datetime as dt

import pytest
from django.urls import reverse

from returnkit.turnin.models import OpeningHours, TurnInSchedule, TurnInSlot
from returnkit.turnin.services import appointment_book
from tests.factories import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def ops(client, staff):
    client.force_login(staff)
    return client


def test_every_turnin_admin_page_opens(ops, personas, slot, dealer_user):
    appointment_book(lease=personas.lease, slot_id=slot.public_id, user=None, now=NOW)
    for model in ("turninschedule", "turninslot", "appointment", "dealerstaff", "turnin"):
        assert ops.get(reverse(f"admin:turnin_{model}_changelist")).status_code == 200, model
    assert ops.get(reverse("admin:turnin_turninslot_change", args=[slot.pk])).status_code == 200


def test_the_admin_action_makes_slots_from_the_schedule(ops, dealer):
    schedule = TurnInSchedule.objects.create(dealer=dealer, bays=4, slot_minutes=120)
    OpeningHours.objects.create(schedule=schedule, weekday=3, opens=dt.time(10), closes=dt.time(14))  # Thursdays
    response = ops.post(
        reverse("admin:turnin_turninschedule_changelist"),
        {"action": "generate_slots", "_selected_action": [schedule.pk]},
        follow=True,
    )
    assert "Created 14 new slots." in response.content.decode()  # 7 Thursdays in 45 days × 2
    assert set(TurnInSlot.objects.values_list("capacity", "minutes")) == {(4, 120)}
