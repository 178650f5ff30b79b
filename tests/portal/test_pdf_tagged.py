"""Every PDF the portal draws is tagged (PDF/UA-1), with a title, a language and the lessor as author.

Read back with poppler's pdfinfo, which knows nothing of how the PDF was made."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from leases.models import Lease
from portal.pdf import DOCUMENTS, document
from returnkit.services import for_kits, kits_for_leases
from tests.factories import TODAY

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="needs poppler-utils' pdfinfo"),
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdfinfo(pdf: bytes, tmp_path) -> dict[str, str]:
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {key.strip(): value.strip() for key, value in re.findall(r"^([^:]+):\s*(.*)$", out, flags=re.M)}


def records(world) -> dict:
    [kit] = kits_for_leases(list(for_kits(Lease.objects.filter(pk=world.lease.pk))), today=TODAY).values()
    return {
        "quote": world.quote,
        "kit": kit,
        "statement": world.bill,
        "receipt": world.turnin,
        "pre_inspection": world.pre_inspection,
    }


def test_every_kind_of_pdf_is_tagged_with_title_language_and_author(world, tmp_path, settings):
    drawn = records(world)
    assert set(drawn) == set(DOCUMENTS)
    for name, record in drawn.items():
        info = pdfinfo(document(name).render(record).pdf, tmp_path)
        assert info["Tagged"] == "yes", (name, info)
        assert info["Title"], name
        assert info["Author"] == settings.LESSOR["name"], (name, info)
        assert info["PDF version"] == "1.7", (name, info)
