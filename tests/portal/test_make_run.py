"""Issue 17: `make run` for a newcomer: another port with links that follow it, and a demo seeding
that prints the sign-ins without task log lines before them."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def site_url_with(env: dict[str, str]) -> str:
    code = "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    clean = {k: v for k, v in os.environ.items() if k not in {"PORT", "SITE_URL"}}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_site_url_follows_the_port_and_an_explicit_site_url_wins():
    assert site_url_with({}) == "http://127.0.0.1:8000"
    assert site_url_with({"PORT": "8123"}) == "http://127.0.0.1:8123"
    assert site_url_with({"PORT": "8123", "SITE_URL": "https://lease.example.com/"}) == "https://lease.example.com"


@pytest.mark.parametrize("how", ["argument", "environment"])
def test_make_run_serves_on_the_port_asked_for_and_passes_it_on(how):
    args, env = (["PORT=8123"], {}) if how == "argument" else ([], {"PORT": "8123"})
    plan = subprocess.run(
        ["make", "-n", "-W", ".venv/.installed", "run", *args],  # -W: as if the venv were fresh
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "runserver 127.0.0.1:8123" in plan
    assert "http://127.0.0.1:8123" in plan
    assert "8000" not in plan


@pytest.mark.django_db(transaction=True)  # tasks run after each commit, as under `make run`
def test_seed_demo_prints_the_sign_ins_and_no_log_lines(caplog, settings, tmp_path, monkeypatch):
    from portal.celery import app

    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(app.conf, "task_always_eager", True)  # as `make run` has no broker
    caplog.set_level(logging.INFO)
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert out.getvalue().startswith("Demo sign-ins")
    chatter = [record.getMessage() for record in caplog.records if record.levelno < logging.ERROR]
    assert chatter == []
