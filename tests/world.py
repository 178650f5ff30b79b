"""Who is who in the tests, the one place personas come from.

``build_personas()`` (the ``personas`` fixture): an owner and a co-lessee on one lease, and an
outsider with a lease of their own. ``build_staff()`` (the ``staff`` fixture): operations staff.

``build_world()``: the same personas and one of everything a page can show, for the tests that
walk every page (access, headers, axe):

- ``lease``: the owner's open lease (co-lessee on it too), with a turn-in quote and a turn-in
  appointment booked at ``dealer``;
- ``billed``: the owner's second lease, returned, inspected, sold and billed, part paid online;
- ``returned``: the owner's third lease, checked in at ``dealer`` (the turn-in and its receipt);
- ``outsider_lease``: another customer's open lease, which the dealer may check in as a walk-in;
- ``inspected``: the owner's fourth lease, returned and inspected by ``inspector``'s company: a
  completed condition report (``report``) with a photographed item (``report_photo``), sold and
  billed, the item under an open ``dispute``;
- ``open_report``: an open condition report on ``returned`` by the same company, one item;
- ``pre_inspection``: the owner's saved self pre-inspection on ``lease``, one item (``pre_photo``);
- ``dealer`` sells the leases' make; ``other_dealer`` does not. Each has one staff user.
  ``inspector`` and ``other_inspector`` work for two different inspection companies.
- ``thread``: the owner's secure message about ``lease`` with a PNG ``attachment``, answered by staff.
- ``article``: a help article (the shipped ones are loaded if a flush removed them).
Times come from the pinned clock (2026-11-25, 9 a.m. in New York).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.test import Client

from helpcentre.content import articles_load, spanish_load
from helpcentre.models import Article
from helpcentre.search import index_rebuild
from leases.billing.inspection import auction_sale_record
from leases.models import LeaseParty, OdometerReading
from messaging.files import CheckedFile
from messaging.services import message_add, thread_start
from portal.models import Notification
from quotes import engine
from quotes.services import extension_quote_request, quote_create
from returnkit.turnin.checkin import CheckIn, turnin_check_in
from returnkit.turnin.services import appointment_book
from tests.factories import (
    EXAMPLE_START,
    NOW,
    TODAY,
    ensure_wear_standard,
    issue,
    make_dealer,
    make_dealer_user,
    make_inspector,
    make_lease,
    make_lessee,
    make_slot,
    make_user,
    pay,
    photo_upload,
    return_and_sell,
)
from wear.disputes import Disputed, dispute_open
from wear.models import Area, WearRule, WearStandard
from wear.services import item_add, pre_inspection_finish, pre_inspection_start, report_complete, report_start

# A 1×1 PNG, already as messaging.files would store it.
TINY_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc8ad\x04\x00\x02\xf2\x01-\xacj'\xeb\x00\x00\x00\x00IEND\xaeB`\x82"
)

PERSONAS = (
    "anonymous", "owner", "co_lessee", "outsider", "dealer", "other_dealer", "staff", "inspector", "other_inspector",
)  # fmt: skip


def build_personas(*, start: dt.date | None = None) -> SimpleNamespace:
    """An owner and a co-lessee on one lease, and an outsider with a lease of their own; both
    leases start on ``start`` (default: the demo's, ending 2026-12-15)."""
    terms = {} if start is None else {"start": start}
    owner, co, outsider = make_user("owner@example.com"), make_user("co@example.com"), make_user("outsider@example.com")
    lease = make_lease(make_lessee(owner), co_lessee=make_lessee(co), **terms)
    other_lease = make_lease(make_lessee(outsider), **terms)
    return SimpleNamespace(owner=owner, co_lessee=co, outsider=outsider, lease=lease, other_lease=other_lease)


def build_staff():
    """Operations staff: a superuser of the operations admin."""
    return make_user("staff@example.com", is_staff=True, is_superuser=True)


def build_world() -> SimpleNamespace:
    ensure_wear_standard()  # a transactional (browser) test before this one may have flushed it
    personas = build_personas()
    owner, co, outsider, lease = personas.owner, personas.co_lessee, personas.outsider, personas.lease
    staff = build_staff()
    dealer = make_dealer("hudson-toyota", "10001", ("Toyota",), name="Hudson Toyota")
    other_dealer = make_dealer("harbor-honda", "07030", ("Honda",), name="Harbor Honda")
    dealer_user = make_dealer_user(dealer, "dealer@example.com")
    other_dealer_user = make_dealer_user(other_dealer, "other-dealer@example.com")
    parties = {party.role: party.lessee for party in lease.parties.select_related("lessee")}
    owner_lessee, co_lessee = parties[LeaseParty.Role.PRIMARY], parties[LeaseParty.Role.CO_LESSEE]

    quote = quote_create(
        lease=lease, user=owner, event=engine.TurnIn(date=dt.date(2026, 12, 15), odometer=41_012), today=TODAY
    )
    buyout_quote = quote_create(lease=lease, user=owner, event=engine.Buyout(date=TODAY), today=TODAY)
    extension_quote = quote_create(lease=lease, user=owner, event=engine.Extension(days=30), today=TODAY)
    asked = quote_create(lease=lease, user=owner, event=engine.Extension(days=15), today=TODAY)
    extension_request = extension_quote_request(quote=asked, user=owner, today=TODAY)
    slot = make_slot(dealer, dt.date(2026, 12, 1), 10)
    make_slot(dealer, dt.date(2026, 12, 2), 14)
    appointment = appointment_book(lease=lease, slot_id=slot.public_id, user=owner, now=NOW)

    billed = make_lease(owner_lessee, co_lessee=co_lessee, start=EXAMPLE_START)
    return_and_sell(billed)
    bill = issue(billed)
    payment = pay(billed, owner, "100.00")

    returned = make_lease(owner_lessee, co_lessee=co_lessee)
    turnin = turnin_check_in(
        dealer=dealer,
        lease=returned,
        check_in=CheckIn(miles=30_000, odometer_status="actual", lessee_printed_name="Pat", dealer_rep_name="Dana"),
        user=dealer_user,
        now=NOW,
        today=TODAY,
    )

    thread = thread_start(
        lease=lease,
        user=owner,
        topic="extension",
        body="Can I keep the car two more weeks?",
        files=[CheckedFile("odometer.png", "image/png", TINY_PNG)],
        now=NOW,
    )
    message_add(thread=thread, user=staff, body="Yes: ask from your lease page.", now=NOW, from_staff=True)
    inspector = make_inspector("clearview", "inspector@example.com")
    other_inspector = make_inspector("northpoint", "other-inspector@example.com")
    wear = build_wear(owner, owner_lessee, co_lessee, lease, returned, inspector)

    Notification.objects.create(
        user=owner,
        lease=lease,
        kind="kit_120",
        title="Your Vehicle Return Kit is ready",
        link=f"/vehicles/{lease.public_id}/",
    )
    users = {
        "owner": owner, "co_lessee": co, "outsider": outsider, "staff": staff,
        "dealer": dealer_user, "other_dealer": other_dealer_user,
        "inspector": inspector, "other_inspector": other_inspector,
    }  # fmt: skip
    return SimpleNamespace(
        users=users,
        lease=lease,
        quote=quote,
        buyout_quote=buyout_quote,
        extension_quote=extension_quote,
        extension_request=extension_request,
        appointment=appointment,
        billed=billed,
        bill=bill,
        payment=payment,
        returned=returned,
        turnin=turnin,
        outsider_lease=personas.other_lease,
        dealer=dealer,
        other_dealer=other_dealer,
        thread=thread,
        attachment=thread.messages.first().attachments.get(),
        article=help_articles(),
        **wear,
    )


def help_articles() -> Article:
    """The shipped help articles, indexed (a transactional test's flush removed the migration's);
    returns one of them."""
    articles_load()
    spanish_load()
    index_rebuild()
    return Article.objects.select_related("category").get(slug="return-kit")


def _dent(document, user):
    rule = WearRule.objects.get(category__standard=WearStandard.objects.current(), code="dent")
    return item_add(
        document=document,
        area=Area.FRONT,
        rule=rule,
        band=rule.bands.get(code="larger"),
        user=user,
        uploads=[photo_upload()],
    )


def build_wear(owner, owner_lessee, co_lessee, lease, returned, inspector) -> dict:
    """A saved pre-inspection on ``lease``, an open report on ``returned``, a completed one on a fourth lease."""
    pre_inspection = pre_inspection_start(lease=lease, user=owner)
    pre_photo = _dent(pre_inspection, owner).photos.get()
    pre_inspection_finish(document=pre_inspection, today=TODAY)

    company = inspector.wear_inspector.company
    open_report = report_start(
        lease=returned, role="inspector", company=company, user=inspector,
        returned_on=TODAY, inspected_on=TODAY, today=TODAY,
    )  # fmt: skip
    open_item = _dent(open_report, inspector)

    inspected = make_lease(owner_lessee, co_lessee=co_lessee, start=EXAMPLE_START)
    inspected.mark_returned()
    OdometerReading.objects.create(
        lease=inspected, reading_date=EXAMPLE_START.replace(year=2026), miles=41_012,
        source=OdometerReading.Source.DEALER,
    )  # fmt: skip
    report = report_start(
        lease=inspected, role="inspector", company=company, user=inspector,
        returned_on=EXAMPLE_START.replace(year=2026), inspected_on=EXAMPLE_START.replace(year=2026), today=TODAY,
    )  # fmt: skip
    report_photo = _dent(report, inspector).photos.get()
    _dent(report, inspector)  # a second item (the cap leaves it 150.00), still there to dispute
    report = report_complete(report=report, user=inspector, now=NOW, today=TODAY)
    auction_sale_record(lease=inspected, sold_on=TODAY, price=Decimal("21000.00"), user=None, today=TODAY)
    issue(inspected)
    dispute = dispute_open(
        report=report, disputed=[Disputed(item=report_photo.item, reason="It was there at delivery.")],
        user=owner, today=TODAY,
    )  # fmt: skip
    return {
        "dispute": dispute,
        "pre_inspection": pre_inspection,
        "pre_photo": pre_photo,
        "open_report": open_report,
        "open_item": open_item,
        "inspected": inspected,
        "report": report,
        "report_photo": report_photo,
    }


def client_for(world: SimpleNamespace, persona: str, **kwargs) -> Client:
    client = Client(**kwargs)
    if persona != "anonymous":
        client.force_login(world.users[persona])
    return client
