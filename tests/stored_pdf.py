"""Checks for a record's stored PDF (portal.pdf): drawn once, then served from storage.

They read the storage, never patch WeasyPrint: after the first download the stored file is
overwritten with a marker, so a second download that drew the PDF again could not return it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from portal.pdf import render_stored_pdf


def stored_files() -> list[str]:
    """Every file under MEDIA_ROOT (tests point it at a temporary folder), relative to it."""
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def assert_drawn_once_then_served_from_storage(download: Callable[[], bytes], record, field: str) -> str:
    """``download()`` twice: the first stores the PDF in ``record.<field>``, the second serves that file.

    Returns the stored file's name.
    """
    first = download()
    assert first.startswith(b"%PDF-")
    record.refresh_from_db()
    name = getattr(record, field).name
    assert name, "the first download stores the PDF in the record's file field"
    path = Path(settings.MEDIA_ROOT) / name
    assert path.read_bytes() == first
    assert stored_files() == [name]

    marker = first + b"\n% served from storage\n"
    path.write_bytes(marker)
    assert download() == marker
    record.refresh_from_db()
    assert getattr(record, field).name == name
    assert stored_files() == [name]
    return name


def assert_render_task_is_safe_twice(document: str, record, field: str) -> str:
    """The render task draws the record's PDF once; run again, it leaves the stored file alone."""
    assert render_stored_pdf.delay(document, record.pk).get() is True
    record.refresh_from_db()
    name = getattr(record, field).name
    path = Path(settings.MEDIA_ROOT) / name
    first = path.read_bytes()
    assert first.startswith(b"%PDF-")

    assert render_stored_pdf.delay(document, record.pk).get() is False
    record.refresh_from_db()
    assert getattr(record, field).name == name
    assert path.read_bytes() == first
    assert stored_files() == [name]
    return name
