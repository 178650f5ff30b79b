"""What a Vehicle Return Kit says: one JSON-safe payload per lease, built from already-loaded rows.

The payload is the kit's snapshot. Its fingerprint decides when a stored PDF can be served again,
so everything the PDF shows must come from the payload (and only the day it was prepared, which is
stored beside it, may differ between two kits with one fingerprint).

Amounts are decimal text ("1107.75") and days ISO dates ("2027-03-15"): the kit's template shows
them with |usd and |long_date, the portal's one money and one long-date format. The sentences built
here (the checklist, the lessees' roles, the lessor's hours, the plate rule) are in the payload's
``language``, the primary lessee's: the PDF is drawn in it too (returnkit.render).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from leases.models import Lease, Mileage, Vehicle
from portal.language import in_language, language_for, lessor_words
from quotes.engine import Buyout, Extension, LeaseTerms, Quote, TurnIn, compute_quote

# Bump when the kit's template or payload changes meaning, so stored kits are built again.
KIT_VERSION = 4  # 4: in the reader's language, the pages every lessee shares drawn apart (3: online booking)
EXTENSION_EXAMPLE_DAYS = 30


def fingerprint(payload: dict) -> str:
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _amount(value: Decimal) -> str:
    return f"{value:f}"


# --- the payload ----------------------------------------------------------------------------


def build_payload(
    lease: Lease,
    *,
    today: dt.date,
    plate_rule: str | None,
    owed: tuple[Decimal, Decimal],
    plate_rule_es: str | None = None,
) -> dict:
    """Everything the kit shows. Expects the lease loaded ``for_kits()`` (returnkit.services): the
    sweep builds hundreds of kits at once, so building one reads nothing more.

    ``plate_rule`` is the state's rule in English, ``plate_rule_es`` in Spanish (if written)."""
    language = reader_of(lease)
    plate_rule = in_language(plate_rule, plate_rule_es, language)
    with translation.override(language):
        return _payload(lease, today=today, plate_rule=plate_rule, owed=owed, language=language)


def _payload(
    lease: Lease, *, today: dt.date, plate_rule: str | None, owed: tuple[Decimal, Decimal], language: str
) -> dict:
    terms = lease.terms()
    turn_in_day = _turn_in_day(lease, terms, today)
    projection = lease.odometer_projection(turn_in_day)
    projected = projection.miles if projection.from_readings else None
    turn_in, buyout = _quotes(terms, turn_in_day, projection.miles, owed)
    return {
        "version": KIT_VERSION,
        "language": language,  # the primary lessee's: a new language, a new kit
        "account_number": lease.account_number,
        "lease_url": settings.SITE_URL + reverse("leases:detail", args=[lease.public_id]),
        "lessees": _lessees(lease),
        "vehicle": _vehicle(lease.vehicle),
        "start_date": lease.start_date.isoformat(),
        "end_date": lease.end_date.isoformat(),
        "term_months": lease.term_months,
        "registration_state": lease.get_registration_state_display(),
        "lessor": _lessor(),
        "options": _options(terms, turn_in, buyout, lease, turn_in_day, projection.miles, projected),
        "timeline": _timeline(lease.end_date, lease.vehicle.make.name),
        "equipment": [
            {"name": e.name, "quantity": e.quantity, "charge_each": _amount(e.charge_each)}
            for e in lease.vehicle.equipment.all()
        ],
        "mileage": _mileage(terms, turn_in, projection.start, projection.latest, projected, turn_in_day),
        "plates": {"state": lease.get_registration_state_display(), "rule": plate_rule},
        "deposit": _amount(terms.security_deposit),
    }


def _turn_in_day(lease: Lease, terms: LeaseTerms, today: dt.date) -> dt.date:
    """The day the kit's figures are for. Before the end date they are for returning on it; after,
    for returning today, but no later than the last day the lease could be extended to."""
    end = lease.end_date
    last_day = terms.maturity_date + dt.timedelta(days=terms.max_extension_days)
    return end if today <= end else min(today, last_day)


def _quotes(terms: LeaseTerms, day: dt.date, odometer: int, owed: tuple[Decimal, Decimal]) -> tuple[Quote, Quote]:
    """The engine's quotes for returning the vehicle and for buying it on ``day``."""
    past_due, property_tax = owed
    turn_in = compute_quote(terms, TurnIn(date=day, odometer=odometer, past_due=past_due, property_tax=property_tax))
    buyout = compute_quote(terms, Buyout(date=day, past_due=past_due, property_tax=property_tax))
    return turn_in, buyout


def reader_of(lease: Lease) -> str:
    """The language the kit and the reminders are written in: the first lessee with an online
    account, the primary first (their users are loaded with the lease or the chunk: no query)."""
    users = [p.lessee.user for p in lease.parties_primary_first() if p.lessee.user_id]
    return language_for(users[0] if users else None)


def _lessees(lease: Lease) -> list[dict]:
    return [
        {"name": p.lessee.full_name, "role": p.get_role_display(), "address": p.lessee.address_lines}
        for p in lease.parties_primary_first()
    ]


def _vehicle(vehicle: Vehicle) -> dict:
    return {
        "year": vehicle.year,
        "make": vehicle.make.name,
        "model": vehicle.model,
        "trim": vehicle.trim,
        "body_type": vehicle.body_type,
        "colour": vehicle.colour,
        "vin": vehicle.vin,
        "description": vehicle.description,
    }


def _lessor() -> dict:
    lessor = lessor_words()  # the hours in Spanish for a Spanish reader
    return {
        "name": lessor["name"],
        "customer_phone": lessor["customer_phone"],
        "payments_phone": lessor["payments_phone"],
        "hours": lessor["hours"],
        "email": lessor["email"],
        "mailing_address": lessor["mailing_address"].splitlines(),
        "payment_address": lessor["payment_address"].splitlines(),
        "site_url": settings.SITE_URL,
    }


def _lines(quote: Quote) -> list[dict]:
    return [
        {
            "code": line.code,
            "label": line.label,
            "amount": _amount(line.amount),
            "rule": line.rule,
            "rule_code": line.rule_code,
            "rule_params": line.rule_params,
            "zero": not line.amount,
        }
        for line in quote.lines
    ]


def _options(
    terms: LeaseTerms, turn_in: Quote, buyout: Quote, lease: Lease, day: dt.date, odometer: int, projected: int | None
) -> dict:
    days_left = lease.extension_days_left()
    example_days = min(EXTENSION_EXAMPLE_DAYS, days_left)
    example = (
        compute_quote(terms, Extension(days=example_days, days_already_granted=lease.extended_days))
        if example_days
        else None
    )
    return {
        "on": day.isoformat(),
        "return": {
            "lines": _lines(turn_in),
            "total": _amount(turn_in.total),
            "net_after_deposit": _amount(turn_in.net_after_deposit),
            "odometer": f"{odometer:,}",
            "odometer_is_projection": projected is not None,
        },
        "buy": {
            "lines": _lines(buyout),
            "total": _amount(buyout.total),
            "purchase_price": _amount(buyout.lines[0].amount),
        },
        "extend": {
            "daily_fee": _amount(terms.daily_extension_fee),
            "max_days": terms.max_extension_days,
            "days_left": days_left,
            "example_days": example_days,
            "example_total": _amount(example.total) if example else None,
        },
    }


def _mileage(
    terms: LeaseTerms, turn_in: Quote, start: Mileage, latest: Mileage | None, projected: int | None, day: dt.date
) -> dict:
    lines = {line.code: line for line in turn_in.lines}
    excess = int(turn_in.derived["excess_miles"]) if projected is not None else None
    return {
        "allowance_total": f"{terms.allowance_total:,}",
        "annual_miles": f"{terms.annual_miles:,}",
        "purchased_miles": f"{terms.purchased_miles:,}",
        "start_odometer": f"{start.miles:,}",
        "excess_mile_rate": _amount(terms.excess_mile_rate),
        "latest": {"miles": f"{latest.miles:,}", "date": latest.day.isoformat()} if latest else None,
        "projected_odometer": f"{projected:,}" if projected is not None else None,
        "projected_driven": f"{projected - start.miles:,}" if projected is not None else None,
        "projected_on": day.isoformat(),
        "projected_excess_miles": f"{excess:,}" if excess is not None else None,
        "projected_excess_charge": _amount(lines["excess_mileage"].amount) if excess is not None else None,
        "projected_excess_tax": _amount(lines["taxes"].amount) if excess is not None else None,
    }


def _timeline(end: dt.date, make: str) -> list[dict]:
    """The kit's checklist in order, each step dated back from the end date: getting the vehicle
    ready, then turning it in."""
    return _getting_ready(end) + _turning_in(end, make)


def _getting_ready(end: dt.date) -> list[dict]:
    return [
        {
            "when": _between(end, 90, 15),
            "title": _("Pre-inspect your vehicle"),
            "detail": _(
                "Walk around it in daylight with the wear guide and the Wear Square in this kit. "
                "Repairing damage before the inspection can cost less than paying for it afterward."
            ),
        },
        {
            "when": {"by": _before(end, 90), "monthly": True},
            "title": _("Check your mileage"),
            "detail": _("Compare your odometer with the projection in this kit and add a reading in the portal."),
        },
        {
            "when": {"by": _before(end, 30)},
            "title": _("Check the plate rules for your state"),
            "detail": _("Some states want the plates back before the insurance ends. See License plates below."),
        },
    ]


def _turning_in(end: dt.date, make: str) -> list[dict]:
    return [
        {
            "when": _between(end, 28, 7),
            "title": _("Book your turn-in appointment"),
            "detail": _(
                "Book a time online at any franchised %(make)s dealer: Schedule a turn-in on your "
                "vehicle's page in the portal (its address is on the cover). You can move or cancel it there "
                "until 24 hours before."
            )
            % {"make": make},
        },
        {
            "when": {"on_or_before": end.isoformat()},
            "title": _("Turn in the vehicle"),
            "detail": _("Bring everything on the What to bring list."),
        },
        {
            "when": {"text": _("At the dealer, when you hand over the keys")},
            "title": _("Sign the odometer statement"),
            "detail": _(
                "The odometer statement in this kit is already filled in: you add the reading, "
                "the date and your signature."
            ),
        },
    ]


def _before(end: dt.date, days: int) -> str:
    """The day ``days`` before the end date (ISO)."""
    return (end - dt.timedelta(days=days)).isoformat()


def _between(end: dt.date, first: int, last: int) -> dict:
    """From ``first`` days before the end date to ``last`` days before it."""
    return {"from": _before(end, first), "to": _before(end, last)}
