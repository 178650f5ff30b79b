"""`manage.py returnkit <account> -o kit.pdf`: the kit operations print for mailing."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from tests.factories import lease_ending_in
from tests.returnkit.pdf import reader, text

pytestmark = pytest.mark.django_db


def test_writes_one_kit_to_the_given_file(tmp_path):
    lease = lease_ending_in(100)
    out, path = io.StringIO(), tmp_path / "kit.pdf"
    call_command("returnkit", lease.account_number, "-o", str(path), stdout=out)
    pdf = path.read_bytes()
    pages = len(reader(pdf).pages)
    assert f"Wrote {path}: {pages} pages, figures as of 2026-11-25." in out.getvalue()
    words = text(pdf)
    assert lease.account_number in words and lease.vehicle.vin in words


def test_an_unknown_account_number_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No lease has account number '1234567897'"):
        call_command("returnkit", "1234567897", "-o", str(tmp_path / "kit.pdf"))
    assert not (tmp_path / "kit.pdf").exists()
