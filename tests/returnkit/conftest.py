"""Return kit fixtures: kits stored under a temporary MEDIA_ROOT. The makers for leases ending a
given number of days out (lease_ending_in, add_reading) are in tests/factories.py."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _kits_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
