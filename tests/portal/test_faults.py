"""Faults answered kindly: a branded 500 page, a 503 with Retry-After while the database is down
(a real closed port), /healthz naming what failed, and SQLite taking concurrent writes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.db import connections
from django.test import Client, RequestFactory, override_settings
from django.urls import get_resolver, reverse

from portal import views
from tests.factories import PASSWORD
from tests.portal.test_resilience import CLOSED, DEAD_CACHE, _use_broker


def test_the_500_page_is_branded_and_drawn_without_the_database(settings):
    assert get_resolver().resolve_error_handler(500) is views.server_error
    response = views.server_error(RequestFactory().get("/vehicles/"))  # no db fixture: a query would raise
    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in page
    assert settings.LESSOR["name"] in page and settings.LESSOR["customer_phone"] in page
    assert "Server Error (500)" not in page


@pytest.fixture
def database_down(transactional_db):
    """The default connection pointed at port 1 on loopback, where nothing listens."""
    conn = connections["default"]
    conn.close()
    saved = dict(conn.settings_dict)
    conn.settings_dict.update(HOST="127.0.0.1", PORT="1")
    try:
        yield
    finally:
        conn.close()
        conn.settings_dict.clear()
        conn.settings_dict.update(saved)


def assert_database_down_page(response) -> None:
    assert response.status_code == 503, response.status_code
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "back in a moment" in page and django_settings.LESSOR["name"] in page


@pytest.mark.postgres
@override_settings(DEBUG=False)
def test_with_the_database_down_pages_and_sign_in_answer_503_with_retry_after(personas, request):
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(personas.owner)
    anonymous = Client(raise_request_exception=False)
    request.getfixturevalue("database_down")

    assert_database_down_page(signed_in.get(reverse("leases:list")))
    assert_database_down_page(signed_in.get(reverse("leases:detail", args=[personas.lease.public_id])))
    assert_database_down_page(
        anonymous.post(reverse("account_login"), {"login": "owner@example.com", "password": PASSWORD})
    )
    health = anonymous.get(reverse("healthz"))
    assert health.status_code == 503 and health["Retry-After"] == "30"
    assert health.json() == {"ok": False, "failed": ["database"], "database": False, "cache": True, "broker": True}


def test_healthz_answers_200_when_everything_answers(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"ok": True, "failed": [], "database": True, "cache": True, "broker": True}


@pytest.mark.redis
def test_healthz_names_the_cache_and_the_broker_when_redis_is_down(client, db):
    from portal.celery import app

    url, eager = app.conf.broker_url, app.conf.task_always_eager
    with override_settings(CACHES=DEAD_CACHE):
        _use_broker(CLOSED, eager=False)
        try:
            response = client.get(reverse("healthz"))
        finally:
            _use_broker(url, eager=eager)
    assert response.status_code == 503
    assert response.json()["failed"] == ["cache", "broker"]


def test_three_payments_at_once_on_the_embedded_sqlite_database(tmp_path):
    """The default database of `make run`: three simultaneous payment submits, no "database is locked"."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}", "MEDIA_ROOT": str(tmp_path)}
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "tests/portal/sqlite_payments.py"],
        cwd=django_settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"answers": [302, 302, 302], "payments": 3, "journal_mode": "wal"}, done.stderr[-3000:]
