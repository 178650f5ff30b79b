"""Photos of wear items: checked from their content, stripped, re-encoded, stored, never public.

An upload is opened with Pillow (JPEG, PNG, or HEIC/HEIF from a phone through pillow-heif). Its
size on disk and in pixels is checked before it is decoded, so a decompression bomb is refused
without being expanded; it is then turned upright, re-encoded as a JPEG with no metadata at all
(EXIF, GPS, XMP, ICC), and a thumbnail is made. Files go to the default storage under random
names that no URL serves: ``wear.views.photo`` is the only way to them.
"""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

from wear.models import WearItem, WearPhoto

register_heif_opener()

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
FORMATS = {"JPEG", "PNG", "HEIF"}
LONG_SIDE = 2400  # stored photos are scaled down to this; plenty to judge a dent
THUMB_SIDE = 320
TOO_MANY_PIXELS = _("That photo has more than 40 megapixels. Please choose a smaller one.")
NOT_AN_IMAGE = _("That file is not a photo we can read. Please upload a JPEG, PNG or HEIC photo.")


@dataclass(frozen=True)
class Prepared:
    image: bytes
    thumbnail: bytes
    width: int
    height: int


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)  # no exif= argument: nothing carried over
    return out.getvalue()


def _opened(upload: UploadedFile) -> Image.Image:
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError(_("That photo is larger than 10 MB. Please choose a smaller one."), code="photo")
    try:
        upload.seek(0)
        image = Image.open(upload)
        if image.format not in FORMATS:
            raise ValidationError(NOT_AN_IMAGE, code="photo")
        if image.width * image.height > MAX_PIXELS:
            raise ValidationError(TOO_MANY_PIXELS, code="photo")
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(TOO_MANY_PIXELS, code="photo") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise ValidationError(NOT_AN_IMAGE, code="photo") from None
    return image


def photo_prepare(upload: UploadedFile) -> Prepared:
    """Check an upload and re-encode it; ValidationError with a plain message if it is refused."""
    image = _opened(upload)
    upright = ImageOps.exif_transpose(image).convert("RGB")
    upright.thumbnail((LONG_SIDE, LONG_SIDE))
    thumb = upright.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    return Prepared(image=_jpeg(upright), thumbnail=_jpeg(thumb), width=upright.width, height=upright.height)


def photo_store(*, prepared: Prepared, user, item: WearItem | None = None, dispute_item=None) -> WearPhoto:
    name = f"{uuid.uuid4().hex}.jpg"
    photo = WearPhoto(
        item=item, dispute_item=dispute_item, uploaded_by=user, width=prepared.width, height=prepared.height
    )
    photo.image.save(name, ContentFile(prepared.image), save=False)
    photo.thumbnail.save(name, ContentFile(prepared.thumbnail), save=False)
    photo.save()
    return photo


def photo_delete(photo: WearPhoto) -> None:
    for field in (photo.image, photo.thumbnail):
        field.delete(save=False)
    photo.delete()
