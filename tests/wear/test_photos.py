"""Wear photos: read from their content, limited in size, stripped of metadata, served only to their owners."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image
from pillow_heif import register_heif_opener

from tests.factories import make_inspector, make_user, photo_upload
from wear import photos
from wear.models import Area, WearPhoto, WearRule
from wear.services import item_add, pre_inspection_start

register_heif_opener()
pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825


def exif_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° to show upright
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (40.0, 42.0, 51.0), 3: "W", 4: (74.0, 0.0, 21.0)})
    return exif


def test_a_phone_photo_is_turned_upright_and_loses_its_exif_and_gps():
    prepared = photos.photo_prepare(photo_upload(size=(640, 480), exif=exif_with_gps()))
    stored = Image.open(io.BytesIO(prepared.image))
    assert stored.format == "JPEG"
    assert dict(stored.getexif()) == {}
    assert "exif" not in stored.info
    assert (prepared.width, prepared.height) == (480, 640)  # the orientation applied, then dropped
    assert max(Image.open(io.BytesIO(prepared.thumbnail)).size) == photos.THUMB_SIDE


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "HEIF"])
def test_jpeg_png_and_heic_photos_are_accepted_and_stored_as_jpeg(fmt):
    prepared = photos.photo_prepare(photo_upload(f"x.{fmt.lower()}", fmt=fmt))
    assert Image.open(io.BytesIO(prepared.image)).format == "JPEG"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("dent.jpg", b"%PDF-1.7 not a photo", content_type="image/jpeg"), "not a photo we can read"),
        (
            SimpleUploadedFile("big.jpg", b"\xff" * (10 * 1024 * 1024 + 1), content_type="image/jpeg"),
            "larger than 10 MB",
        ),
        (photo_upload("gif.gif", fmt="PNG"), None),
    ],
)
def test_what_is_not_a_photo_or_is_too_big_is_refused_with_a_plain_message(upload, message):
    if message is None:  # a GIF, even a real one, is not among the formats we take
        out = io.BytesIO()
        Image.new("RGB", (10, 10)).save(out, "GIF")
        upload, message = SimpleUploadedFile("a.gif", out.getvalue()), "not a photo we can read"
    with pytest.raises(ValidationError, match=message):
        photos.photo_prepare(upload)


def test_a_decompression_bomb_is_refused_without_being_decoded():
    out = io.BytesIO()
    Image.new("1", (8000, 6000)).save(out, "PNG")  # 48 megapixels in a few kilobytes
    assert len(out.getvalue()) < 100_000
    with pytest.raises(ValidationError, match="more than 40 megapixels"):
        photos.photo_prepare(SimpleUploadedFile("bomb.png", out.getvalue(), content_type="image/png"))


def _dent_with_photo(personas) -> WearPhoto:
    document = pre_inspection_start(lease=personas.lease, user=personas.owner)
    rule = WearRule.objects.get(category__standard=document.standard, code="dent")
    item = item_add(
        document=document,
        area=Area.FRONT,
        rule=rule,
        band=rule.bands.get(code="larger"),
        user=personas.owner,
        uploads=[photo_upload(exif=exif_with_gps())],
    )
    return item.photos.get()


def test_a_refused_photo_saves_no_item(personas):
    document = pre_inspection_start(lease=personas.lease, user=personas.owner)
    rule = WearRule.objects.get(category__standard=document.standard, code="dent")
    with pytest.raises(ValidationError):
        item_add(
            document=document,
            area=Area.FRONT,
            rule=rule,
            band=rule.bands.get(code="larger"),
            user=personas.owner,
            uploads=[SimpleUploadedFile("x.jpg", b"nope")],
        )
    assert not document.items.exists()
    assert not WearPhoto.objects.exists()


def test_the_owner_and_co_lessee_get_the_photo_with_no_store(personas):
    photo = _dent_with_photo(personas)
    for user in (personas.owner, personas.co_lessee):
        client = Client()
        client.force_login(user)
        response = client.get(reverse("wear:photo", args=[photo.public_id]))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert "no-store" in response["Cache-Control"]
        assert Image.open(io.BytesIO(b"".join(response.streaming_content))).getexif() == {}


def test_another_customer_an_inspector_and_anonymous_cannot_get_the_photo(personas):
    photo = _dent_with_photo(personas)
    url = reverse("wear:photo_thumb", args=[photo.public_id])
    for user in (personas.outsider, make_inspector(), make_user()):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_no_media_url_serves_the_stored_file(personas, settings):
    photo = _dent_with_photo(personas)
    assert Client().get(settings.MEDIA_URL + photo.image.name).status_code == 404
