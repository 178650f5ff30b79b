from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from helpcentre.content import read_articles, read_categories
from helpcentre.models import Article, Category
from helpcentre.render import body_html
from helpcentre.search import search
from tests.factories import make_lease, make_lessee, make_user

pytestmark = pytest.mark.django_db

TOPICS = ("vehicles", "lease", "quote", "compare", "return-kit", "turn-in", "pay", "statement")


def article_url(slug: str) -> str:
    return reverse("helpcentre:article", args=[slug])


# --- the shipped content ------------------------------------------------------------------------


def test_at_least_forty_articles_ship_each_in_a_known_category():
    seeds = read_articles()
    assert len(seeds) >= 40
    assert len({s.slug for s in seeds}) == len(seeds)
    assert {s.category for s in seeds} <= {slug for slug, _, _ in read_categories()}


def test_every_link_between_articles_and_every_related_slug_exists():
    slugs = {s.slug for s in read_articles()}
    for seed in read_articles():
        assert set(seed.related) <= slugs, seed.slug
        assert set(re.findall(r"\(/help/([a-z0-9-]+)/\)", seed.body)) <= slugs, seed.slug


def test_no_article_names_a_lessor_or_a_phone_number():
    for seed in read_articles():
        text = seed.title + seed.summary + seed.body
        assert settings.LESSOR["name"] not in text, seed.slug
        assert not re.search(r"\d{3}-\d{3,4}", text), seed.slug


def test_every_page_topic_has_at_least_two_articles(articles):
    for topic in TOPICS:
        assert Article.objects.for_topic(topic).count() >= 2, topic


# --- the article page ---------------------------------------------------------------------------


def test_an_article_shows_its_body_category_related_articles_and_review_date(client, articles):
    page = client.get(article_url("security-deposit")).content.decode()
    assert '<h1 id="article-h">When do I get my security deposit back?</h1>' in page
    assert "<strong>If you return the vehicle</strong>" in page
    assert 'href="/help/topics/bills/"' in page
    assert "Related articles" in page and 'href="/help/refunds/"' in page
    assert "Last reviewed December 1, 2026" in page


def test_the_lessor_s_details_come_from_settings(client, articles, settings):
    settings.LESSOR = {**settings.LESSOR, "name": "Acme Leasing", "payments_phone": "1-800-555-0199"}
    page = client.get(article_url("payment-methods")).content.decode()
    assert "payable to Acme Leasing" in page and "1-800-555-0199" in page
    assert "{{" not in page


def test_each_view_counts_once(client, articles):
    client.get(article_url("tires"))
    client.get(article_url("tires"))
    assert Article.objects.get(slug="tires").view_count == 2


def test_an_unknown_article_or_category_is_a_404(client, articles):
    assert client.get(article_url("no-such-article")).status_code == 404
    assert client.get(reverse("helpcentre:category", args=["nothing"])).status_code == 404


def test_categories_page_and_a_category_list_their_articles(client, articles):
    page = client.get(reverse("helpcentre:categories")).content.decode()
    for category in Category.objects.all():
        assert category.name in page
    page = client.get(reverse("helpcentre:category", args=["returning"])).content.decode()
    assert "Using the Wear Square" in page and "Buy your car" not in page


def test_markdown_is_rendered_and_anything_unsafe_removed():
    html = body_html(
        "## Steps\n\n1. **Sign in**\n\n<script>alert(1)</script>\n[x](javascript:alert(1)) "
        '<img src=x onerror="alert(1)"> <a href="/help/" onclick="x()">ok</a>'
    )
    assert "<h2>Steps</h2>" in html and "<strong>Sign in</strong>" in html
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html
    assert "onclick" not in html and "<img" not in html


# --- contextual help ----------------------------------------------------------------------------


def test_my_vehicles_links_to_the_articles_tagged_for_it(client, articles):
    user = make_user("help-links@example.com")
    make_lease(make_lessee(user))
    client.force_login(user)
    Article.objects.filter(slug="link-lease").update(view_count=99)
    page = client.get(reverse("leases:list")).content.decode()
    assert 'aria-label="Help with this page"' in page
    assert 'href="/help/link-lease/"' in page
    # The links are data: tag another article for the page (saved, as the admin does) and it
    # appears on the next page (most read first), although the links are kept in the cache.
    tires = Article.objects.get(slug="tires")
    tires.topics, tires.view_count = "vehicles", 100
    tires.save()
    assert 'href="/help/tires/"' in client.get(reverse("leases:list")).content.decode()
    # Unpublished, or deleted, it is gone from the next page.
    tires.published = False
    tires.save()
    assert 'href="/help/tires/"' not in client.get(reverse("leases:list")).content.decode()
    Article.objects.get(slug="link-lease").delete()
    assert 'href="/help/link-lease/"' not in client.get(reverse("leases:list")).content.decode()


def test_a_new_article_edited_in_the_admin_is_searchable_at_once(client, staff, articles):
    client.force_login(staff)
    response = client.post(
        reverse("admin:helpcentre_article_add"),
        {
            "title": "Snow chains and winter wheels",
            "slug": "snow-chains",
            "summary": "Winter wheels you added come off before the return.",
            "body": "Put the original wheels back on before {{ lessor_name }} gets the car.",
            "category": Category.objects.get(slug="returning").pk,
            "topics": "turn-in",
            "last_reviewed": "2026-12-01",
            "published": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert search("winter wheels", limit=1).articles[0].slug == "snow-chains"


def test_the_admin_refuses_an_unknown_placeholder(client, staff, articles):
    client.force_login(staff)
    response = client.post(
        reverse("admin:helpcentre_article_add"),
        {
            "title": "Oops", "slug": "oops", "summary": "s", "body": "Call {{ lessor_fax }}",
            "category": Category.objects.get(slug="returning").pk, "last_reviewed": "2026-12-01",
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert "Unknown placeholder: lessor_fax" in response.content.decode()
    assert not Article.objects.filter(slug="oops").exists()


def test_operations_see_searches_with_no_results(client, staff, articles):
    client.get(reverse("help"), {"q": "zebra crossing"})
    client.force_login(staff)
    page = client.get(reverse("admin:helpcentre_searchmiss_changelist")).content.decode()
    assert "zebra crossing" in page


def test_the_demo_gives_reading_figures_once(articles):
    from helpcentre.demo import seed_reading

    seed_reading()
    assert Article.objects.most_read()[0].slug == "return-checklist"
    Article.objects.filter(slug="tires").update(view_count=7)
    seed_reading()
    assert Article.objects.get(slug="tires").view_count == 7
    assert Article.objects.get(slug="return-checklist").view_count == 600


def test_the_help_box_is_drawn_once_per_language_and_set_of_links(client, articles):
    from helpcentre.templatetags import help_links

    user = make_user("help-box@example.com")
    make_lease(make_lessee(user))
    client.force_login(user)
    help_links.drawn.cache_clear()
    for _ in range(3):
        page = client.get(reverse("leases:list")).content.decode()
    assert help_links.drawn.cache_info().misses == 1 and 'aria-label="Help with this page"' in page
    client.cookies["django_language"] = "es"
    client.get(reverse("leases:list"))
    assert help_links.drawn.cache_info().misses == 2
