"""The translation catalogues are complete: CI fails on new words without their Spanish."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(settings.BASE_DIR)


@pytest.mark.skipif(shutil.which("msgcmp") is None, reason="GNU gettext is not installed (.ci/run installs it)")
def test_the_catalogues_have_every_word_and_spanish_has_them_all_translated():
    """makemessages into a copy of the tree: no new or vanished msgids, no untranslated or fuzzy Spanish."""
    result = subprocess.run(["scripts/messages", "--check"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_compiled_spanish_catalogue_is_loaded():
    with translation.override("es"):
        assert translation.gettext("My Vehicles") == "Mis vehículos"
        assert translation.pgettext("email greeting", "Hello,") == "Hola:"
