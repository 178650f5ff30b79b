"""Operations: plate rules are editable, and stuck reminder claims can be released for the next sweep."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from returnkit.models import PlateRule, Reminder
from tests.factories import TODAY, lease_ending_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def ops(client, staff):
    client.force_login(staff)
    return client


def claim(lease, *, status: str, hours_ago: float) -> Reminder:
    return Reminder.objects.create(
        lease=lease,
        kind=Reminder.Kind.FOLLOWUP_60,
        status=status,
        claim_token="00000000-0000-0000-0000-000000000003",
        due_on=TODAY,
        claimed_at=timezone.now() - dt.timedelta(hours=hours_ago),
    )


def test_operations_edit_a_plate_rule(ops):
    rule = PlateRule.objects.get(state="VA")
    url = reverse("admin:returnkit_platerule_change", args=[rule.pk])
    assert ops.get(url).status_code == 200
    response = ops.post(url, {"state": "VA", "rule": "Keep the plates; the DMV does not want them back."})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.rule == "Keep the plates; the DMV does not want them back."


def test_release_deletes_only_stuck_claims(ops):
    stuck = claim(lease_ending_in(45), status=Reminder.Status.CLAIMED, hours_ago=3)
    in_flight = claim(lease_ending_in(45), status=Reminder.Status.CLAIMED, hours_ago=0)
    done = claim(lease_ending_in(45), status=Reminder.Status.SENT, hours_ago=3)
    response = ops.post(
        reverse("admin:returnkit_reminder_changelist"),
        {"action": "release_stuck_claims", "_selected_action": [stuck.pk, in_flight.pk, done.pk]},
    )
    assert response.status_code == 302
    assert set(Reminder.objects.values_list("pk", flat=True)) == {in_flight.pk, done.pk}


def test_admin_lists_load(ops):
    for name in ("returnkit_reminder_changelist", "returnkit_kitsnapshot_changelist", "returnkit_platerule_changelist"):
        assert ops.get(reverse(f"admin:{name}")).status_code == 200
