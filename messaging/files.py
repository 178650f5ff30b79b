"""Checking what a lessee attaches, from its content: a PDF that opens, or a JPEG or PNG image that
Pillow can read. Images are drawn again without their metadata (EXIF: camera, place, time), turned
upright first so that dropping the orientation tag does not turn them on their side."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 3
MAX_PIXELS = 50_000_000  # a 10 MB file can still unpack to gigabytes: refuse before decoding
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    content: bytes


def attachment_check(upload: UploadedFile) -> CheckedFile:
    """The file as it will be stored, or ValidationError saying plainly what is wrong with it."""
    name = PurePath(upload.name or "file").name[:150]
    if upload.size > MAX_BYTES:
        too_big = _("“%(name)s” is larger than 10 MB. Please send a smaller file.") % {"name": name}
        raise ValidationError(too_big, code="too_big")
    data = upload.read()
    if data.startswith(b"%PDF-"):
        return CheckedFile(name, "application/pdf", _pdf_checked(data, name))
    content_type, content = _image_redrawn(data, name)
    return CheckedFile(name, content_type, content)


def _not_accepted(name: str) -> ValidationError:
    return ValidationError(
        _("“%(name)s” is not a PDF, JPEG or PNG file we can open. Please attach a PDF or a photo.") % {"name": name},
        code="wrong_type",
    )


def _pdf_checked(data: bytes, name: str) -> bytes:
    try:
        if len(PdfReader(io.BytesIO(data)).pages) < 1:
            raise _not_accepted(name)
    except (PyPdfError, ValueError, KeyError, TypeError) as error:
        raise _not_accepted(name) from error
    return data


def _image_redrawn(data: bytes, name: str) -> tuple[str, bytes]:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            too_big = probe.width * probe.height > MAX_PIXELS
            probe.verify()
        if kind not in IMAGE_TYPES:
            raise _not_accepted(name)
        if too_big:
            raise ValidationError(
                _("“%(name)s” is too large an image. Please send a smaller photo.") % {"name": name}, code="too_big"
            )
        with Image.open(io.BytesIO(data)) as image:
            upright = ImageOps.exif_transpose(image)
            return IMAGE_TYPES[kind], _encoded(upright, kind)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise _not_accepted(name) from error


def _encoded(image: Image.Image, kind: str) -> bytes:
    """The pixels alone: saving without ``exif=`` or ``pnginfo=`` leaves every metadata block out."""
    out = io.BytesIO()
    if kind == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=90)
    else:
        clean = image if image.mode in {"1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"} else image.convert("RGBA")
        clean.save(out, "PNG")
    return out.getvalue()
