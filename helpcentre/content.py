"""The help articles we ship, read from ``seed/`` (our own words), loaded by the data migration.

After the first load the articles are data: operations edit them in the admin, and loading
again only adds what is missing (by slug), never overwrites an edit.

``seed/articles.md`` holds one article per block::

    === slug | category slug | topics (page keys) | related slugs
    Title
    Summary (one line)

    Body in Markdown ...

The Spanish text is in ``seed/articles.es.md`` (``=== slug``, then title, summary and body the
same way) and ``seed/categories.es.txt`` (slug | name | summary); loading fills only the Spanish
fields still empty, so an edit made in the admin survives.
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
    return [_article(block) for block in _blocks("articles.md")]


def read_spanish() -> dict[str, tuple[str, str, str]]:
    """{slug: (title, summary, body)} of the Spanish articles."""
    texts = {}
    for block in _blocks("articles.es.md"):
        slug, title, summary, *body = block.split("\n")
        texts[slug.strip()] = (title.strip(), summary.strip(), "\n".join(body).strip() + "\n")
    return texts


def read_spanish_categories() -> dict[str, tuple[str, str]]:
    lines = (SEED / "categories.es.txt").read_text().splitlines()
    rows = [[part.strip() for part in line.split("|")] for line in lines if line.strip()]
    return {slug: (name, summary) for slug, name, summary in rows}


def _blocks(name: str) -> list[str]:
    blocks = (SEED / name).read_text().split("\n=== ")
    return [block.removeprefix("=== ") for block in blocks if block.strip()]


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


def spanish_load(*, category_model=None, article_model=None) -> int:
    """Fill the Spanish fields still empty from the seed; returns how many articles got Spanish."""
    if article_model is None:
        from helpcentre.models import Article, Category

        category_model, article_model = Category, Article
    for slug, (name, summary) in read_spanish_categories().items():
        category_model.objects.filter(slug=slug, name_es="").update(name_es=name, summary_es=summary)
    filled = 0
    for slug, (title, summary, body) in read_spanish().items():
        filled += article_model.objects.filter(slug=slug, title_es="", summary_es="", body_es="").update(
            title_es=title, summary_es=summary, body_es=body
        )
    return filled
