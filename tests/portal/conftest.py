import pytest

from tests.factories import NOW
from tests.world import build_world


@pytest.fixture
def world(db, settings, tmp_path):
    """One of everything a page shows (tests/world.py), on the pinned clock, PDFs under tmp."""
    settings.PORTAL_NOW = NOW
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world()
