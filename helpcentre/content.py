"""The help articles we ship, read from ``seed/`` (our own words), loaded by the data migration.

After the first load the articles are data: operations edit them in the admin, and loading
again only adds what is missing (by slug), never overwrites an edit.

``seed/articles.md`` holds one article per block::

    === slug | category slug | topics (page keys) | related slugs
    Title
    Summary (one line)

    Body in Markdown ...
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

SEED = Path(__file__).resolve().parent / "seed"
REVIEWED_ON = dt.date(2026, 12, 1)


@dataclass(frozen=True)
class SeedArticle:
    slug: str
    category: str
    topics: str
    related: tuple[str, ...]
    title: str
    summary: str
    body: str


def read_categories() -> list[tuple[str, str, str]]:
    """(slug, name, summary) in the order they are shown."""
    lines = (SEED / "categories.txt").read_text().splitlines()
    return [tuple(part.strip() for part in line.split("|")) for line in lines if line.strip()]


def read_articles() -> list[SeedArticle]:
    blocks = (SEED / "articles.md").read_text().split("\n=== ")
    return [_article(block.removeprefix("=== ")) for block in blocks if block.strip()]


def _article(block: str) -> SeedArticle:
    head, title, summary, *body = block.split("\n")
    slug, category, topics, related = (part.strip() for part in head.split("|"))
    return SeedArticle(
        slug=slug,
        category=category,
        topics=topics,
        related=tuple(related.split()),
        title=title.strip(),
        summary=summary.strip(),
        body="\n".join(body).strip() + "\n",
    )


def articles_load(*, category_model=None, article_model=None) -> int:
    """Create the shipped categories and articles whose slug is not there yet; returns how many
    articles were created. Takes the models so that the data migration can pass its own."""
    if article_model is None:
        from helpcentre.models import Article, Category

        category_model, article_model = Category, Article
    categories = {}
    for position, (slug, name, summary) in enumerate(read_categories()):
        categories[slug], _ = category_model.objects.get_or_create(
            slug=slug, defaults={"name": name, "summary": summary, "position": position}
        )
    seeds = read_articles()
    have = set(article_model.objects.values_list("slug", flat=True))
    article_model.objects.bulk_create(
        article_model(
            slug=seed.slug,
            title=seed.title,
            summary=seed.summary,
            body=seed.body,
            category=categories[seed.category],
            topics=seed.topics,
            last_reviewed=REVIEWED_ON,
        )
        for seed in seeds
        if seed.slug not in have
    )
    by_slug = {a.slug: a for a in article_model.objects.filter(slug__in=[s.slug for s in seeds])}
    for seed in seeds:
        if seed.slug not in have:
            by_slug[seed.slug].related.set([by_slug[s] for s in seed.related])
    return len([s for s in seeds if s.slug not in have])
