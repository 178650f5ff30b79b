import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def back(db):
    """The personas' lease (the worked example, with a $500 wear waiver), back at the dealer, and an inspector."""
    from tests.wear.helpers import build_back

    return build_back()
