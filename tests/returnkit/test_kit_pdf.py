"""The kit's PDF through portal.pdf: drawn from the stored snapshot, kept in its file field, served again."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from returnkit.models import KitSnapshot
from returnkit.services import kit_for_lease
from tests.stored_pdf import assert_render_task_is_safe_twice, stored_files

pytestmark = pytest.mark.django_db


def test_the_first_download_stores_the_kit_and_a_second_is_served_from_storage(client, personas):
    client.force_login(personas.owner)
    url = reverse("returnkit:kit_pdf", args=[personas.lease.public_id])

    first = b"".join(client.get(url).streaming_content)
    kit = KitSnapshot.objects.get(lease=personas.lease)
    path = Path(settings.MEDIA_ROOT) / kit.pdf.name
    assert kit.pages and path.read_bytes() == first
    assert stored_files() == [kit.pdf.name]

    # A second download that drew the kit again could not return what is now in the stored file.
    path.write_bytes(first + b"\n% served from storage\n")
    assert b"".join(client.get(url).streaming_content) == path.read_bytes()
    assert KitSnapshot.objects.get().pdf.name == kit.pdf.name
    assert stored_files() == [kit.pdf.name]


def test_the_render_task_is_safe_to_run_twice(personas, today):
    kit = kit_for_lease(personas.lease, today=today)
    kit.pdf.storage.delete(kit.pdf.name)  # a lost file: the task draws it again into the same row
    name = assert_render_task_is_safe_twice("kit", kit, "pdf")
    assert name.startswith(f"kits/{personas.lease.public_id}/")
