"""Every URL, every persona, every method: who gets what.

The table below must name every URL pattern in the project. A new page without an entry fails
``test_every_url_has_an_access_rule``, so whoever adds a page decides who may see it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.world import PERSONAS, client_for

pytestmark = pytest.mark.django_db

SIGN_IN = "sign-in"  # a 302 to the sign-in page
NON_DEALERS = ("owner", "co_lessee", "outsider", "staff", "inspector", "other_inspector")
INSPECTORS = ("inspector", "other_inspector")

# What each kind of page answers, per persona.
CUSTOMER_OBJECT = {
    "anonymous": SIGN_IN, "owner": 200, "co_lessee": 200, "outsider": 404,
    "dealer": 404, "other_dealer": 404, "staff": 404, "inspector": 404, "other_inspector": 404,
}  # fmt: skip
SIGNED_IN = {p: (SIGN_IN if p == "anonymous" else 200) for p in PERSONAS}
PUBLIC = dict.fromkeys(PERSONAS, 200)
# Dealer staff pages: their own dealership's list and search, for any dealer's staff.
DEALER_PAGE = {"anonymous": SIGN_IN, **dict.fromkeys(NON_DEALERS, 404), "dealer": 200, "other_dealer": 200}
# One dealership's appointment, walk-in or turn-in: another dealer's staff get a 404.
DEALER_OBJECT = {**DEALER_PAGE, "other_dealer": 404}


def answering(base: dict, status, *personas: str) -> dict:
    """``base`` with ``personas`` (default: those it lets in) answered ``status`` instead."""
    chosen = personas or tuple(p for p, expected in base.items() if expected == 200)
    return {**base, **dict.fromkeys(chosen, status)}


# Condition-report pages: inspectors (any company), dealer staff and operations; others get a 404.
RECORDER_PAGE = {
    "anonymous": SIGN_IN, **dict.fromkeys(("owner", "co_lessee", "outsider"), 404),
    "dealer": 200, "other_dealer": 200, "staff": 200, "inspector": 200, "other_inspector": 200,
}  # fmt: skip
# One company's report: another company's inspector, and dealers, get a 404.
RECORDER_OBJECT = {**RECORDER_PAGE, "other_inspector": 404, "dealer": 404, "other_dealer": 404}
# A lessee's pre-inspection photo: the lessees and operations, no inspector.
PRE_PHOTO = answering(CUSTOMER_OBJECT, 200, "staff")
# A completed report's photo: the lessees, operations and the company that took it.
REPORT_PHOTO = answering(CUSTOMER_OBJECT, 200, "staff", "inspector")


@dataclass(frozen=True)
class Rule:
    args: Callable[[SimpleNamespace], list] = lambda w: []
    get: dict = field(default_factory=dict)
    # An empty POST (no form data). None: a GET-only page, so 405 for everyone past sign-in (the
    # method is checked before any lookup, so a 405 says nothing about whether the object exists).
    post: dict | None = None
    note: str = ""

    def expected_post(self, persona: str):
        if self.post is not None:
            return self.post[persona]
        return SIGN_IN if self.get[persona] == SIGN_IN else 405

    @property
    def takes_posts(self) -> bool:
        """The view itself handles a POST (a form) for someone: such a POST needs a CSRF token."""
        return self.post is not None and any(v not in (SIGN_IN, 404, 405) for v in self.post.values())


def lease_args(w) -> list:
    return [w.lease.public_id]


def billed_args(w) -> list:
    return [w.billed.public_id]


def quote_args(w) -> list:
    return [w.lease.public_id, w.quote.public_id]


def recorder_only_get(get: dict) -> dict:
    """A recorder page that only answers GET: the role check comes first, then the method."""
    return answering(get, 405, "staff", "inspector", "other_inspector", "dealer", "other_dealer")


def open_report_args(w) -> list:
    return [w.open_report.public_id]


def dealer_only_get(get: dict) -> dict:
    """A dealer page that only answers GET: the dealer check comes first, then the method (before any lookup)."""
    return answering(get, 405, "dealer", "other_dealer")


ACCESS: dict[str, Rule] = {
    # --- site-wide ------------------------------------------------------------------------------
    "home": Rule(get={**PUBLIC, **{p: 302 for p in PERSONAS if p != "anonymous"}}),
    "help": Rule(get=PUBLIC),
    "helpcentre:search_json": Rule(get=PUBLIC),
    "helpcentre:article": Rule(args=lambda w: [w.article.slug], get=PUBLIC),
    "helpcentre:categories": Rule(get=PUBLIC),
    "helpcentre:category": Rule(args=lambda w: [w.article.category.slug], get=PUBLIC),
    "healthz": Rule(get=PUBLIC),
    "language_set": Rule(
        get=dict.fromkeys(PERSONAS, 405),
        post=dict.fromkeys(PERSONAS, 302),
        note="the language switch: a POST sets the cookie (and the user's choice) and goes back",
    ),
    "returnkit:notifications": Rule(get=SIGNED_IN, note="each user's own notices"),
    "notification_preferences": Rule(
        get=SIGNED_IN, post=answering(SIGNED_IN, 302), note="each user's own switches; an empty form turns all off"
    ),
    # --- secure messages ------------------------------------------------------------------------
    "messaging:inbox": Rule(get=SIGNED_IN, note="each user's own threads"),
    "messaging:compose": Rule(
        get=SIGNED_IN,
        post=answering(SIGNED_IN, 400, "owner", "co_lessee", "outsider"),
        note="no lease: a page saying to link one (dealers, staff); an empty message sends nothing: 400",
    ),
    "messaging:thread": Rule(
        args=lambda w: [w.thread.public_id], get=CUSTOMER_OBJECT, post=answering(CUSTOMER_OBJECT, 400)
    ),
    "messaging:close": Rule(
        args=lambda w: [w.thread.public_id],
        get=answering(
            CUSTOMER_OBJECT, 405, "owner", "co_lessee", "outsider", "dealer", "other_dealer", "staff", *INSPECTORS
        ),
        post=answering(CUSTOMER_OBJECT, 302),
    ),
    "messaging:attachment": Rule(
        args=lambda w: [w.thread.public_id, w.attachment.public_id],
        get=CUSTOMER_OBJECT,
        note="never a public media URL; another customer's is a 404",
    ),
    # --- leases ---------------------------------------------------------------------------------
    "leases:list": Rule(get=SIGNED_IN),
    "leases:link": Rule(get=SIGNED_IN, post=SIGNED_IN),
    "leases:detail": Rule(args=lease_args, get=CUSTOMER_OBJECT),
    "leases:odometer": Rule(args=lease_args, get=CUSTOMER_OBJECT, post=CUSTOMER_OBJECT),
    "leases:odometer_correct": Rule(
        args=lease_args,
        get=CUSTOMER_OBJECT,
        post=answering(CUSTOMER_OBJECT, 400),
        note="the world lease's latest reading is the signing one: the page says why it cannot be corrected",
    ),
    "returnkit:kit_pdf": Rule(args=lease_args, get=CUSTOMER_OBJECT),
    # --- billing (the owner's second lease: returned, sold, billed, part paid) -------------------
    "leases:bill": Rule(args=billed_args, get=CUSTOMER_OBJECT),
    "leases:statement": Rule(args=billed_args, get=CUSTOMER_OBJECT),
    "leases:pay": Rule(args=billed_args, get=CUSTOMER_OBJECT, post=CUSTOMER_OBJECT, note="form errors re-shown"),
    "leases:receipt": Rule(args=lambda w: [w.billed.public_id, w.payment.public_id], get=CUSTOMER_OBJECT),
    "leases:payment_cancel": Rule(
        args=lambda w: [w.billed.public_id, w.payment.public_id],
        get=answering(
            CUSTOMER_OBJECT, 405, "owner", "co_lessee", "outsider", "dealer", "other_dealer", "staff", *INSPECTORS
        ),
        post=answering(CUSTOMER_OBJECT, 302),
        note="POST only; the owner's cancel redirects to the receipt",
    ),
    # --- quotes ---------------------------------------------------------------------------------
    "quotes:choose": Rule(args=lease_args, get=CUSTOMER_OBJECT),
    "quotes:new": Rule(
        args=lambda w: [w.lease.public_id, "turn-in"],
        get=CUSTOMER_OBJECT,
        post=answering(CUSTOMER_OBJECT, 400),
        note="an invalid form saves nothing and says so: 400",
    ),
    "quotes:compare": Rule(args=lease_args, get=CUSTOMER_OBJECT, post=answering(CUSTOMER_OBJECT, 400)),
    "quotes:detail": Rule(args=quote_args, get=CUSTOMER_OBJECT),
    "quotes:pdf": Rule(args=quote_args, get=CUSTOMER_OBJECT),
    "quotes:pay_buyout": Rule(
        args=lambda w: [w.lease.public_id, w.buyout_quote.public_id],
        get=CUSTOMER_OBJECT,
        post=answering(CUSTOMER_OBJECT, 400),
        note="an empty payment form pays nothing: 400",
    ),
    "quotes:extend": Rule(
        args=lambda w: [w.lease.public_id, w.extension_quote.public_id],
        get=answering(
            CUSTOMER_OBJECT, 405, "owner", "co_lessee", "outsider", "dealer", "other_dealer", "staff", *INSPECTORS
        ),
        post=answering(CUSTOMER_OBJECT, 302),
        note="POST only: the owner's asks and is sent to the request; the co-lessee's finds the same request",
    ),
    "quotes:extension": Rule(
        args=lambda w: [w.lease.public_id, w.extension_request.public_id],
        get=CUSTOMER_OBJECT,
    ),
    "quotes:short": Rule(args=lambda w: [w.quote.public_id], get=answering(CUSTOMER_OBJECT, 302)),
    "quotes:short_pdf": Rule(args=lambda w: [w.quote.public_id], get=answering(CUSTOMER_OBJECT, 302)),
    # --- turn-in, lessee side -------------------------------------------------------------------
    "turnin:find": Rule(args=lease_args, get=CUSTOMER_OBJECT),
    "turnin:times": Rule(
        args=lambda w: [w.lease.public_id, w.dealer.code],
        get=CUSTOMER_OBJECT,
        post=answering(CUSTOMER_OBJECT, 400),
        note="no slot chosen: 400",
    ),
    "turnin:cancel": Rule(
        args=lease_args,
        get=CUSTOMER_OBJECT,
        post=answering(CUSTOMER_OBJECT, 302),
        note="the owner's POST cancels and goes back to the lease; the co-lessee's finds none and does too",
    ),
    "turnin:ics": Rule(args=lease_args, get=CUSTOMER_OBJECT),
    "turnin:receipt": Rule(args=lambda w: [w.returned.public_id], get=CUSTOMER_OBJECT),
    # --- turn-in, dealer side -------------------------------------------------------------------
    "turnin:dealer_day": Rule(get=DEALER_PAGE, post=dealer_only_get(DEALER_PAGE)),
    "turnin:dealer_walk_in": Rule(get=DEALER_PAGE, post=dealer_only_get(DEALER_PAGE)),
    "turnin:dealer_walk_in_check_in": Rule(
        args=lambda w: [w.outsider_lease.public_id],
        get=DEALER_OBJECT,
        post=answering(DEALER_OBJECT, 400),
        note="a make the other dealer is not franchised for: 404",
    ),
    "turnin:dealer_check_in": Rule(
        args=lambda w: [w.appointment.public_id], get=DEALER_OBJECT, post=answering(DEALER_OBJECT, 400)
    ),
    "turnin:dealer_turnin": Rule(
        args=lambda w: [w.turnin.public_id], get=DEALER_OBJECT, post=dealer_only_get(DEALER_OBJECT)
    ),
    "turnin:dealer_receipt": Rule(
        args=lambda w: [w.turnin.public_id], get=DEALER_OBJECT, post=dealer_only_get(DEALER_OBJECT)
    ),
    # --- wear, lessee side (pre-inspection on the open lease; the report on the inspected one) ----
    "wear:pre_inspection": Rule(
        args=lease_args, get=CUSTOMER_OBJECT, post=answering(CUSTOMER_OBJECT, 302), note="started: on to the first area"
    ),
    "wear:pre_area": Rule(
        args=lambda w: [w.lease.public_id, "front"],
        get=CUSTOMER_OBJECT,
        post=answering(CUSTOMER_OBJECT, 400),
        note="an empty POST adds nothing: 400",
    ),
    "wear:pre_item_delete": Rule(
        args=lambda w: [w.lease.public_id, w.pre_inspection.items.get().public_id],
        get=answering(
            CUSTOMER_OBJECT, 405, "owner", "co_lessee", "outsider", "dealer", "other_dealer", "staff", *INSPECTORS
        ),
        post={**CUSTOMER_OBJECT, "owner": 302, "co_lessee": 404},
        note="POST only: the owner's removes the item; the co-lessee's then finds none",
    ),
    "wear:pre_estimate": Rule(
        args=lease_args, get=CUSTOMER_OBJECT, post=answering(CUSTOMER_OBJECT, 302), note="saving it again: back to it"
    ),
    "wear:pre_pdf": Rule(args=lease_args, get=CUSTOMER_OBJECT),
    "wear:report": Rule(args=lambda w: [w.inspected.public_id], get=CUSTOMER_OBJECT),
    "wear:dispute_new": Rule(
        args=lambda w: [w.inspected.public_id],
        get=CUSTOMER_OBJECT,
        post=answering(CUSTOMER_OBJECT, 400),
        note="nothing ticked: 400",
    ),
    "wear:dispute": Rule(args=lambda w: [w.inspected.public_id, w.dispute.public_id], get=CUSTOMER_OBJECT),
    "wear:photo": Rule(args=lambda w: [w.pre_photo.public_id], get=PRE_PHOTO, note="another customer's: 404"),
    "wear:photo_thumb": Rule(
        args=lambda w: [w.report_photo.public_id], get=REPORT_PHOTO, note="another inspection company's: 404"
    ),
    # --- wear, inspectors and operations ----------------------------------------------------------
    "wear:inspector_home": Rule(get=RECORDER_PAGE, post=answering(RECORDER_PAGE, 400)),
    "wear:inspector_report": Rule(args=open_report_args, get=RECORDER_OBJECT, post=recorder_only_get(RECORDER_OBJECT)),
    "wear:inspector_area": Rule(
        args=lambda w: [w.open_report.public_id, "front"],
        get=RECORDER_OBJECT,
        post=answering(RECORDER_OBJECT, 400),
    ),
    "wear:inspector_item_delete": Rule(
        args=lambda w: [w.open_report.public_id, w.open_item.public_id],
        get=recorder_only_get(RECORDER_OBJECT),
        post={**RECORDER_OBJECT, "staff": 302, "inspector": 404},
        note="POST only: operations remove the item first; the inspector then finds none",
    ),
    "wear:inspector_complete": Rule(
        args=open_report_args,
        get=recorder_only_get(RECORDER_OBJECT),
        post=answering(RECORDER_OBJECT, 302),
        note="operations complete it; the inspector's second click finds it done",
    ),
}

# Third-party pages with their own tests upstream: sign-in, sign-up, password, two-factor.
DELEGATED_PREFIXES = {
    "accounts/": "django-allauth sign-in, sign-up, password and two-factor pages",
    "ops/": "Django admin: checked by test_operations_admin_is_staff_only",
}


def all_patterns(patterns=None, prefix: str = "", namespace: str | None = None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            ns = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from all_patterns(pattern.url_patterns, prefix + str(pattern.pattern), ns or None)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield prefix + str(pattern.pattern), name


def check(response, expected, where: str) -> None:
    if expected == SIGN_IN:
        assert response.status_code == 302, where
        assert response["Location"].startswith(reverse("account_login")), where
    else:
        assert response.status_code == expected, f"{where}: {response.status_code} != {expected}"


def test_every_url_has_an_access_rule():
    missing = [
        f"{route} ({name})"
        for route, name in all_patterns()
        if name not in ACCESS and not route.startswith(tuple(DELEGATED_PREFIXES))
    ]
    assert not missing, "Add these URLs to ACCESS in tests/portal/test_access.py: " + ", ".join(missing)


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_each_persona_gets_the_expected_answer(world, name):
    rule = ACCESS[name]
    url = reverse(name, args=rule.args(world))
    clients = {persona: client_for(world, persona) for persona in PERSONAS}
    # Every GET before any POST: a POST may change what the page shows (a cancelled appointment).
    for persona, client in clients.items():
        check(client.get(url), rule.get[persona], f"GET {url} as {persona}")
    for persona, client in clients.items():
        check(client.post(url, {}), rule.expected_post(persona), f"POST {url} as {persona}")


@pytest.mark.parametrize("name", sorted(n for n, r in ACCESS.items() if r.takes_posts))
def test_posts_without_a_csrf_token_are_refused(world, name):
    rule = ACCESS[name]
    allowed = next(p for p in PERSONAS if rule.post[p] not in (SIGN_IN, 404, 405))
    client = client_for(world, allowed, enforce_csrf_checks=True)
    assert client.post(reverse(name, args=rule.args(world)), {}).status_code == 403


def test_operations_admin_is_staff_only(world):
    from django.contrib import admin

    urls = [reverse("admin:index")] + [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") for model in admin.site._registry
    ]
    for persona in PERSONAS:
        client = client_for(world, persona)
        for url in urls:
            response = client.get(url)
            if persona == "staff":
                assert response.status_code == 200, url
            else:
                assert response.status_code == 302, url
                assert response["Location"].startswith(reverse("admin:login")), url
