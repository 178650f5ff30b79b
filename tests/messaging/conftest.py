import io

import pytest
from PIL import Image

from tests.factories import NOW


@pytest.fixture(autouse=True)
def _files_and_clock(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PORTAL_NOW = NOW


def image_bytes(kind: str = "JPEG", size=(40, 30), *, exif: bool = False) -> bytes:
    image = Image.new("RGB", size, (120, 160, 200))
    out = io.BytesIO()
    if exif:
        tags = Image.Exif()
        tags[0x010F] = "SnoopCam"  # Make
        tags[0x0112] = 6  # Orientation: rotate 90° clockwise to show
        tags[0x8825] = {0x0002: (40.0, 42.0, 0.0)}  # GPS latitude
        image.save(out, kind, exif=tags)
    else:
        image.save(out, kind)
    return out.getvalue()


def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
