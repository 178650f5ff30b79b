"""Slots from opening hours and bays; dealer search by distance; the clock seam."""

import datetime as dt
import zoneinfo

import pytest
from django.core.management import call_command

from leases.models import Dealer
from portal import clock
from returnkit.turnin.demo import seed_turnins
from returnkit.turnin.geo import zip_point
from returnkit.turnin.models import DealerStaff, OpeningHours, TurnInSchedule, TurnInSlot
from returnkit.turnin.search import dealers_near
from returnkit.turnin.slots import slots_generate
from tests.factories import NOW, make_dealer

pytestmark = pytest.mark.django_db


def test_slots_follow_the_dealers_hours_bays_and_time_zone(db):
    denver = make_dealer("mile-high", "80202")
    schedule = TurnInSchedule.objects.create(dealer=denver, bays=3, slot_minutes=90)
    OpeningHours.objects.create(schedule=schedule, weekday=0, opens=dt.time(8), closes=dt.time(12, 30))

    made = slots_generate(dealer=denver, start=dt.date(2026, 11, 30), days=7)  # Monday to Sunday

    slots = list(TurnInSlot.objects.filter(dealer=denver).order_by("starts_at"))
    assert made == 3
    assert [s.local_start.strftime("%a %H:%M") for s in slots] == ["Mon 08:00", "Mon 09:30", "Mon 11:00"]
    assert {(s.capacity, s.minutes) for s in slots} == {(3, 90)}
    assert slots[0].starts_at == dt.datetime(2026, 11, 30, 15, 0, tzinfo=dt.UTC)  # 8 a.m. Mountain
    assert slots_generate(dealer=denver, start=dt.date(2026, 11, 30), days=7) == 0  # again: nothing new


def test_a_dealer_without_a_schedule_gets_the_default_week(dealer):
    assert slots_generate(dealer=dealer, start=dt.date(2026, 11, 30), days=7) == 5 * 8 + 4


def test_slot_times_stay_local_across_the_clock_change(dealer):
    slots_generate(dealer=dealer, start=dt.date(2026, 10, 30), days=4)  # DST ends November 1
    first = {}
    for s in TurnInSlot.objects.filter(dealer=dealer).order_by("starts_at"):
        first.setdefault(s.local_start.date(), s.local_start.strftime("%H:%M %Z"))
    # Friday and Saturday in daylight time, Monday in standard time: 9 a.m. local all the same.
    assert first == {
        dt.date(2026, 10, 30): "09:00 EDT",
        dt.date(2026, 10, 31): "09:00 EDT",
        dt.date(2026, 11, 2): "09:00 EST",
    }


def test_management_command_and_demo_seed(db, capsys):
    call_command("seed_demo")
    sign_ins = seed_turnins(dt.date(2026, 11, 25))
    assert len(sign_ins) == 10 and sign_ins[0][0].startswith("service@")
    assert DealerStaff.objects.count() == 10
    before = TurnInSlot.objects.count()
    assert before > 10 * 30 * 8
    call_command("turnin_slots", "--days", "46", "--dealer", "hudson-toyota")  # one more day: Saturday, Jan 9
    assert capsys.readouterr().out.endswith("hudson-toyota: 4 new slots\n")
    assert TurnInSlot.objects.count() == before + 4
    seed_turnins(dt.date(2026, 11, 25))  # again: no duplicates
    assert DealerStaff.objects.count() == 10


def test_dealers_near_filters_by_make_radius_and_activity_nearest_first(db):
    origin = zip_point("10001")
    near = make_dealer("midtown", "10018", ("Toyota",))
    far = make_dealer("hoboken", "07030", ("Toyota",))
    make_dealer("boston", "02139", ("Toyota",))
    make_dealer("honda-only", "10001", ("Honda",))
    make_dealer("closed", "10001", ("Toyota",), is_active=False)
    toyota = near.makes.get()

    found = dealers_near(origin=origin, radius_miles=10, make=toyota)
    assert [m.dealer for m in found] == [near, far]
    assert 0 < found[0].miles < found[1].miles < 10
    assert [m.dealer.code for m in dealers_near(origin=origin, radius_miles=100, make=toyota)] == ["midtown", "hoboken"]
    assert "boston" in [m.dealer.code for m in dealers_near(origin=origin, radius_miles=250, make=toyota)]
    assert Dealer.objects.count() == 5


def test_unknown_and_malformed_zip_codes_have_no_point():
    assert zip_point("00000") is None
    assert zip_point("1234") is None
    assert zip_point("10001-1234").state == "NY"


def test_now_uses_the_pinned_instant_then_the_pinned_day(settings):
    assert clock.now() == NOW
    settings.PORTAL_NOW = None
    now = clock.now()
    assert now.date() == dt.date(2026, 11, 25)
    assert now.tzinfo is not None
    settings.PORTAL_NOW = "2026-11-25T16:30:00+00:00"
    assert clock.now().astimezone(zoneinfo.ZoneInfo("America/New_York")).hour == 11
