"""Demo reading figures, so "Most read" and each page's help links show a realistic order.

Called by portal.demo; safe to run again (only articles nobody has read yet are touched).
"""

from __future__ import annotations

from helpcentre.content import articles_load, spanish_load
from helpcentre.models import Article
from helpcentre.search import index_rebuild

# The questions lessees ask most, most first.
MOST_READ = (
    "return-checklist", "lease-end-choices", "buyout-quote", "security-deposit", "book-turn-in",
    "what-to-bring", "license-plates", "extend-lease", "excess-wear", "link-lease", "final-bill",
    "pay-final-bill", "turn-in-estimate", "return-kit", "early-return",
)  # fmt: skip


def seed_reading() -> None:
    if articles_load() + spanish_load():  # a database flushed since its migration
        index_rebuild()
    for rank, slug in enumerate(MOST_READ):
        Article.objects.filter(slug=slug, view_count=0).update(view_count=40 * (len(MOST_READ) - rank))
