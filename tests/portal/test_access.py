"""Every URL, every persona, every method: who gets what.

The table below must name every URL pattern in the project. A new page without an entry fails
``test_every_url_has_an_access_rule``, so whoever adds a page decides who may see it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import make_lease, make_lessee, make_user

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "owner", "co_lessee", "outsider", "dealer", "other_dealer", "staff")
SIGN_IN = "sign-in"  # a 302 to the sign-in page

# What each kind of page answers, per persona.
CUSTOMER_OBJECT = {
    "anonymous": SIGN_IN, "owner": 200, "co_lessee": 200, "outsider": 404,
    "dealer": 404, "other_dealer": 404, "staff": 404,
}
SIGNED_IN = {p: (SIGN_IN if p == "anonymous" else 200) for p in PERSONAS}
PUBLIC = dict.fromkeys(PERSONAS, 200)
GET_ONLY = dict.fromkeys(PERSONAS, 405)


def post_like(get: dict) -> dict:
    """A form page: an empty POST re-shows the form (200) to whoever may GET it."""
    return dict(get)


@dataclass(frozen=True)
class Rule:
    args: Callable[[SimpleNamespace], list] = lambda w: []
    get: dict = field(default_factory=dict)
    post: dict | None = None  # None: GET only, a POST is 405 for those allowed to GET (404/302 otherwise)
    note: str = ""


def lease_args(w) -> list:
    return [w.lease.public_id]


ACCESS: dict[str, Rule] = {
    "home": Rule(get={**PUBLIC, **{p: 302 for p in PERSONAS if p != "anonymous"}}),
    "help": Rule(get=PUBLIC),
    "healthz": Rule(get=PUBLIC),
    "leases:list": Rule(get=SIGNED_IN),
    "leases:link": Rule(get=SIGNED_IN, post=SIGNED_IN),
    "leases:detail": Rule(args=lease_args, get=CUSTOMER_OBJECT),
    "leases:odometer": Rule(args=lease_args, get=CUSTOMER_OBJECT, post=CUSTOMER_OBJECT),
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


@pytest.fixture
def world(db):
    owner, co, outsider = make_user("owner@example.com"), make_user("co@example.com"), make_user("out@example.com")
    staff = make_user("staff@example.com", is_staff=True, is_superuser=True)
    dealer, other_dealer = make_user("dealer@example.com"), make_user("other-dealer@example.com")
    lease = make_lease(make_lessee(owner), co_lessee=make_lessee(co))
    make_lease(make_lessee(outsider))
    users = {
        "owner": owner, "co_lessee": co, "outsider": outsider, "staff": staff,
        "dealer": dealer, "other_dealer": other_dealer,
    }
    return SimpleNamespace(lease=lease, users=users)


def client_for(world, persona: str, **kwargs) -> Client:
    client = Client(**kwargs)
    if persona != "anonymous":
        client.force_login(world.users[persona])
    return client


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
    for persona in PERSONAS:
        client = client_for(world, persona)
        check(client.get(url), rule.get[persona], f"GET {url} as {persona}")
        if rule.post is not None:
            check(client.post(url, {}), rule.post[persona], f"POST {url} as {persona}")
        elif rule.get[persona] == 200:
            check(client.post(url, {}), 405, f"POST {url} as {persona}")


@pytest.mark.parametrize("name", sorted(n for n, r in ACCESS.items() if r.post is not None))
def test_posts_without_a_csrf_token_are_refused(world, name):
    rule = ACCESS[name]
    allowed = next(p for p in PERSONAS if rule.post[p] in (200, 302))
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
