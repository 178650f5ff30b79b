"""axe-core in Chromium on every lessee, dealer and inspector page: no serious or critical violations.

Each page is audited at desktop width and at a 375 px phone width, where it must not scroll
sideways; the phone view is saved under test-artifacts/a11y-*.png. axe (tests/e2e/vendor) is
evaluated into the page rather than added as a script tag, so the site's CSP stays on.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from leases.services import odometer_correct
from tests.e2e.conftest import ARTIFACTS
from tests.factories import NOW, add_reading
from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
BLOCKING = ("serious", "critical")
PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


def pages_by_persona(w) -> dict[str, dict[str, str]]:
    lease, billed = w.lease.public_id, w.billed.public_id
    return {
        "anonymous": {
            "home": reverse("home"),
            "help": reverse("help"),
            "help-results": reverse("help") + "?q=odomiter+statment",
            "help-no-results": reverse("help") + "?q=zebra+crossing",
            "help-article": reverse("helpcentre:article", args=[w.article.slug]),
            "help-article-table": reverse("helpcentre:article", args=["excess-wear"]),
            "help-categories": reverse("helpcentre:categories"),
            "help-category": reverse("helpcentre:category", args=[w.article.category.slug]),
            "sign-in": reverse("account_login"),
            "sign-up": reverse("account_signup"),
            "password-reset": reverse("account_reset_password"),
        },
        "owner": {
            "my-vehicles": reverse("leases:list"),
            "lease": reverse("leases:detail", args=[lease]),
            "lease-billed": reverse("leases:detail", args=[billed]),
            "lease-returned": reverse("leases:detail", args=[w.returned.public_id]),
            "link": reverse("leases:link"),
            "odometer": reverse("leases:odometer", args=[lease]),
            "odometer-correct": reverse("leases:odometer_correct", args=[lease]),
            "quote-choose": reverse("quotes:choose", args=[lease]),
            **{
                f"quote-form-{kind}": reverse("quotes:new", args=[lease, kind])
                for kind in ("turn-in", "buyout", "early-return", "extension")
            },
            "quote": reverse("quotes:detail", args=[lease, w.quote.public_id]),
            "compare": reverse("quotes:compare", args=[lease]),
            "notifications": reverse("returnkit:notifications"),
            "notification-preferences": reverse("notification_preferences"),
            "messages": reverse("messaging:inbox"),
            "message-new": reverse("messaging:compose") + f"?lease={lease}&topic=buyout",
            "message-thread": reverse("messaging:thread", args=[w.thread.public_id]),
            "bill": reverse("leases:bill", args=[billed]),
            "pay": reverse("leases:pay", args=[billed]),
            "receipt": reverse("leases:receipt", args=[billed, w.payment.public_id]),
            "turn-in-find": reverse("turnin:find", args=[lease]),
            "turn-in-times": reverse("turnin:times", args=[lease, w.dealer.code]),
            "turn-in-cancel": reverse("turnin:cancel", args=[lease]),
            "security": reverse("mfa_index"),
            "change-password": reverse("account_change_password"),
            "email-addresses": reverse("account_email"),
            "pre-inspection": reverse("wear:pre_inspection", args=[lease]),
            "pre-inspection-area": reverse("wear:pre_area", args=[lease, "front"]),
            "pre-inspection-tyre": reverse("wear:pre_area", args=[lease, "wheel_lf"]),
            "pre-inspection-estimate": reverse("wear:pre_estimate", args=[lease]),
            "condition-report": reverse("wear:report", args=[w.inspected.public_id]),
            "dispute-new": reverse("wear:dispute_new", args=[w.inspected.public_id]),
            "dispute": reverse("wear:dispute", args=[w.inspected.public_id, w.dispute.public_id]),
        },
        "inspector": {
            "inspector-home": reverse("wear:inspector_home"),
            "inspector-report": reverse("wear:inspector_report", args=[w.open_report.public_id]),
            "inspector-area": reverse("wear:inspector_area", args=[w.open_report.public_id, "front"]),
        },
        "dealer": {
            "dealer-day": reverse("turnin:dealer_day"),
            "dealer-day-booked": reverse("turnin:dealer_day") + "?day=2026-12-01",
            "dealer-walk-in": reverse("turnin:dealer_walk_in") + "?query=NOTAVIN",
            "dealer-check-in": reverse("turnin:dealer_check_in", args=[w.appointment.public_id]),
            "dealer-walk-in-check-in": reverse("turnin:dealer_walk_in_check_in", args=[w.outsider_lease.public_id]),
            "dealer-turn-in": reverse("turnin:dealer_turnin", args=[w.turnin.public_id]),
        },
    }


# Forms also audited after an empty submission: error messages must be tied to their fields.
SUBMITTED_EMPTY = {
    "sign-in", "sign-up", "link", "odometer", "odometer-correct", "quote-form-turn-in", "quote-form-early-return",
    "pay", "turn-in-times", "dealer-check-in", "message-new", "inspector-home", "pre-inspection-area", "dispute-new",
    "inspector-area",
}  # fmt: skip
BLANK_AND_SUBMIT = """() => {
    const form = [...document.querySelectorAll("main form[method=post]")].at(-1);
    form.noValidate = true;
    for (const field of form.querySelectorAll("input:not([type=hidden]):not([type=radio]):not([type=checkbox])")) {
        field.value = "";
    }
    form.requestSubmit();
}"""


def session_cookie(user, url: str) -> list[dict]:
    client = Client()
    client.force_login(user)
    return [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": url}]


def audit(page) -> list[dict]:
    page.evaluate(AXE)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return result["violations"]


def describe(name: str, width: str, violation: dict) -> str:
    nodes = "\n".join(
        f"      {' '.join(node['target'])}: {node['failureSummary'].splitlines()[-1].strip()}"
        for node in violation["nodes"][:5]
    )
    return f"{name} @{width}: [{violation['impact']}] {violation['id']}: {violation['help']}\n{nodes}"


def phone_check(page, label: str) -> list[str]:
    """Save the phone view; a page wider than the phone is a problem."""
    page.screenshot(path=str(ARTIFACTS / f"a11y-{label}.png"), full_page=True)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    return [f"{label}: {scroll_width} px wide at 375 px"] if scroll_width > 375 else []


def test_every_lessee_and_dealer_page_passes_axe_and_fits_a_phone(chromium, live_server, settings, tmp_path):
    settings.PORTAL_NOW = NOW
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TURN_IN_WINDOW_DAYS = 0  # the world's lease ends in 20 days: keep the early-return form on offer
    world = build_world()
    # A reading the owner corrected (struck through on the lease page) and one they can correct.
    odometer_correct(
        lease=world.lease, wrong_miles=add_reading(world.lease, dt.date(2026, 11, 20), 45_000).miles, miles=32_000,
        reason="Typo.", user=world.users["owner"], today=NOW.date(), now=NOW,
    )  # fmt: skip
    ARTIFACTS.mkdir(exist_ok=True)
    blocking, minor, overflowing = [], [], []
    for persona, pages in pages_by_persona(world).items():
        contexts = {}
        for width, options in (("phone", PHONE), ("desktop", DESKTOP)):
            context = chromium.new_context(**options)
            if persona != "anonymous":
                context.add_cookies(session_cookie(world.users[persona], live_server.url))
            contexts[width] = context.new_page()
        try:
            for name, path in pages.items():
                for width, page in contexts.items():
                    response = page.goto(live_server.url + path)
                    assert response.status == 200, f"{name}: {response.status} at {path}"
                    for violation in audit(page):
                        line = describe(name, width, violation)
                        (blocking if violation["impact"] in BLOCKING else minor).append(line)
                    if width == "phone":
                        overflowing += phone_check(page, f"{persona}-{name}")
                if name in SUBMITTED_EMPTY:
                    page = contexts["phone"]
                    with page.expect_navigation():
                        page.evaluate(BLANK_AND_SUBMIT)
                    assert page.locator(".invalid-feedback, .alert-danger, .errorlist").count(), name
                    for violation in audit(page):
                        line = describe(f"{name} (errors)", "phone", violation)
                        (blocking if violation["impact"] in BLOCKING else minor).append(line)
                    overflowing += phone_check(page, f"{persona}-{name}-errors")
        finally:
            for page in contexts.values():
                page.context.close()
    if minor:
        print("axe, moderate and minor:\n" + "\n".join(minor))
    (ARTIFACTS / "a11y-violations.json").write_text(json.dumps({"blocking": blocking, "minor": minor}, indent=1))
    assert not blocking, "axe found serious or critical violations:\n" + "\n".join(blocking)
    assert not overflowing, "pages scroll sideways on a phone:\n" + "\n".join(overflowing)


def _serve(response):
    return lambda route, request: route.fulfill(
        status=response.status_code, body=response.content, content_type="text/html; charset=utf-8"
    )


def test_error_pages_pass_axe_and_fit_a_phone(chromium, live_server, settings, tmp_path):
    """The branded 500 and 503 pages (served as Django draws them, with the site's static files)
    and the dealer day view's 400 for a day out of range."""
    from portal import errors

    settings.PORTAL_NOW = NOW
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    ARTIFACTS.mkdir(exist_ok=True)
    drawn = {"500": errors.static_page("500.html", status=500), "503": errors.database_down_response()}
    blocking, overflowing = [], []
    for width, options in (("phone", PHONE), ("desktop", DESKTOP)):
        context = chromium.new_context(**options)
        context.add_cookies(session_cookie(world.users["dealer"], live_server.url))
        page = context.new_page()
        try:
            for name, response in drawn.items():
                url = f"{live_server.url}/error-page-{name}"
                page.route(url, _serve(response))
                page.goto(url)
                blocking += [describe(name, width, v) for v in audit(page) if v["impact"] in BLOCKING]
                if width == "phone":
                    overflowing += phone_check(page, f"error-{name}")
            answer = page.goto(live_server.url + reverse("turnin:dealer_day") + "?day=9999-12-31")
            assert answer.status == 400
            blocking += [describe("dealer-day-400", width, v) for v in audit(page) if v["impact"] in BLOCKING]
            if width == "phone":
                overflowing += phone_check(page, "dealer-day-400")
        finally:
            context.close()
    assert not blocking, "axe found serious or critical violations:\n" + "\n".join(blocking)
    assert not overflowing, "pages scroll sideways on a phone:\n" + "\n".join(overflowing)
