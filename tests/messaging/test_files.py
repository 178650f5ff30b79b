"""Attachments are judged by their content, limited in size and number, and images lose their metadata."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from messaging import files
from messaging.files import attachment_check
from tests.messaging.conftest import image_bytes, pdf_bytes


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_a_photo_is_redrawn_without_its_exif_and_turned_upright():
    checked = attachment_check(upload("car.jpg", image_bytes(exif=True, size=(40, 30)), "image/jpeg"))
    assert checked.content_type == "image/jpeg"
    with Image.open(io.BytesIO(checked.content)) as stored:
        assert dict(stored.getexif()) == {}
        assert b"SnoopCam" not in checked.content
        assert stored.size == (30, 40)  # the orientation tag applied before it was dropped


def test_a_png_stays_a_png():
    checked = attachment_check(upload("scratch.png", image_bytes("PNG")))
    assert checked.content_type == "image/png"
    assert checked.content.startswith(b"\x89PNG")


def test_a_pdf_that_opens_is_kept_as_sent():
    data = pdf_bytes()
    checked = attachment_check(upload("bill.pdf", data))
    assert (checked.content_type, checked.content) == ("application/pdf", data)


def test_the_type_comes_from_the_content_not_the_name_or_header():
    with pytest.raises(ValidationError, match="not a PDF, JPEG or PNG"):
        attachment_check(upload("photo.jpg", b"MZ\x90\x00 this is a program", "image/jpeg"))


def test_a_file_that_only_starts_like_a_pdf_is_refused():
    with pytest.raises(ValidationError, match="not a PDF, JPEG or PNG"):
        attachment_check(upload("bill.pdf", b"%PDF-1.7\nnothing else here", "application/pdf"))


def test_an_image_kind_we_do_not_take_is_refused():
    with pytest.raises(ValidationError, match="not a PDF, JPEG or PNG"):
        attachment_check(upload("anim.gif", image_bytes("GIF")))


def test_a_file_over_10_mb_is_refused():
    with pytest.raises(ValidationError, match="larger than 10 MB"):
        attachment_check(upload("big.pdf", pdf_bytes() + b"\0" * files.MAX_BYTES))


def test_a_file_of_exactly_10_mb_is_taken():
    data = pdf_bytes()
    assert (
        attachment_check(upload("big.pdf", data + b"\n" * (files.MAX_BYTES - len(data)))).content_type
        == "application/pdf"
    )
