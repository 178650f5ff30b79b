"""Shared fixtures: the personas (from tests/world.py), a pinned clock, real PostgreSQL/Redis where they are set."""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

from tests.factories import TODAY
from tests.world import build_personas, build_staff

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
ON_REDIS = bool(settings.REDIS_URL)
IN_CI = os.environ.get("CI") == "true"


def redis_url_for_worker(url: str, worker: str) -> str:
    """``url`` with its database number moved up by the xdist worker's number: gw0 keeps the
    database in ``url``, gw1 takes the next one, and so on."""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    db = base + int(re.fullmatch(r"gw(\d+)", worker).group(1))
    if db > 15:
        raise pytest.UsageError(f"{url}: worker {worker} would need Redis database {db}; Redis has 0 to 15")
    return urlunsplit(parts._replace(path=f"/{db}"))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_setupnodes(config, specs) -> None:
    """Give each xdist worker its own Redis database (the fixture below flushes it around every test).

    Runs in the controller before any worker starts. pytest-django reads the settings in the worker
    before any conftest is imported, so REDIS_URL has to be in the worker's environment from the
    start: execnet sets a spec's ``env:`` variables before the worker runs pytest. The worker's id
    (``gw0``, ``gw1``...) is the spec's id and, in the worker, PYTEST_XDIST_WORKER. The test
    databases need nothing: pytest-django suffixes their names with the worker id.
    """
    url = os.environ.get("REDIS_URL")
    if not url:
        return
    for spec in specs:
        spec.env["REDIS_URL"] = redis_url_for_worker(url, spec.id)


def pytest_collection_modifyitems(config, items) -> None:
    chromium = os.path.exists("/usr/bin/chromium")
    for item in items:
        if "postgres" in item.keywords and not ON_POSTGRES:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL"))
        if "redis" in item.keywords and not ON_REDIS:
            item.add_marker(pytest.mark.skip(reason="needs Redis"))
        if "browser" in item.keywords and not chromium and not IN_CI:
            item.add_marker(pytest.mark.skip(reason="needs /usr/bin/chromium"))


@pytest.fixture(autouse=True)
def _fast_hashing_and_clean_cache(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PORTAL_TODAY = TODAY
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _each_test_starts_in_the_default_language():
    """A request read in Spanish leaves Spanish active on the thread (LocaleMiddleware activates a
    language and nothing resets it): words made outside a request in the next test would follow."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def today():
    return TODAY


@pytest.fixture
def personas(db):
    """An owner and a co-lessee on one lease, and an outsider with a lease of their own."""
    return build_personas()


@pytest.fixture
def staff(db):
    """Operations staff: a superuser of the operations admin."""
    return build_staff()
