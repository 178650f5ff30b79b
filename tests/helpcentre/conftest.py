import pytest

from tests.world import help_articles


@pytest.fixture
def articles(db):
    """The shipped help articles, indexed for search."""
    help_articles()
