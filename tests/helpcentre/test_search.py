from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from helpcentre.models import Article, SearchMiss
from helpcentre.search import normalise, search

pytestmark = pytest.mark.django_db

HELP = reverse("help")
JSON = reverse("helpcentre:search_json")


def test_an_empty_search_lists_the_most_read_articles(client, articles):
    Article.objects.filter(slug="license-plates").update(view_count=50)
    Article.objects.filter(slug="refunds").update(view_count=40)
    page = client.get(HELP, {"q": "   "}).content.decode()
    assert "Most read" in page
    assert page.index("License plates") < page.index("Refunds: when and how")
    assert 'matches for ""' not in page and "Nothing matched" not in page


def test_results_page_lists_the_best_match_first(client, articles):
    response = client.get(HELP, {"q": "when do I get my deposit back"})
    assert response.status_code == 200
    assert response.context["results"].articles[0].slug == "security-deposit"


def test_a_typo_is_corrected_and_said_so(client, articles):
    response = client.get(HELP, {"q": "odomiter statment"})
    assert response.context["results"].articles[0].slug == "odometer-statement"
    assert "Showing results for <strong>odometer statement</strong>" in response.content.decode()


def test_synonyms_of_one_group_find_the_same_article(articles):
    for words in ("return my tags", "return my plates", "return my license plate"):
        assert search(words, limit=1).articles[0].slug == "license-plates", words


def test_no_results_offers_did_you_mean_and_the_categories_and_counts_the_miss(client, articles):
    page = client.get(HELP, {"q": "  Zebra   CROSSING "}).content.decode()
    assert "Nothing matched “zebra crossing”" in page
    assert "Did you mean" in page
    assert "Browse by topic" in page and "Returning your vehicle" in page
    client.get(HELP, {"q": "zebra crossing"})
    miss = SearchMiss.objects.get()
    assert (miss.query, miss.count) == ("zebra crossing", 2)


def test_suggestions_as_you_type_are_not_counted_as_misses(client, articles):
    assert client.get(JSON, {"q": "zebra"}).json() == []
    assert not SearchMiss.objects.exists()


def test_json_gives_the_page_s_results_best_first(client, articles):
    page = client.get(HELP, {"q": "payoff"}).context["results"].articles
    suggested = client.get(JSON, {"q": "payoff"}).json()
    assert [s["url"] for s in suggested] == [a.get_absolute_url() for a in page][: len(suggested)]
    assert set(suggested[0]) == {"title", "url", "snippet"}
    assert suggested[0]["title"] == page[0].title and suggested[0]["snippet"] == page[0].summary


def test_unpublished_articles_are_never_found_nor_shown(client, articles):
    Article.objects.filter(slug="license-plates").update(published=False)
    assert "license-plates" not in [a.slug for a in search("license plates").articles]
    assert client.get(reverse("helpcentre:article", args=["license-plates"])).status_code == 404


def test_a_long_query_is_cut_and_odd_characters_are_harmless(client, articles):
    assert len(normalise("x" * 500)) == 200
    for query in ("' OR 1=1 --", 'deposit" NEAR(', "plates & | ! <-> :*", "\x00"):
        assert client.get(HELP, {"q": query}).status_code == 200, query
        assert client.get(JSON, {"q": query}).status_code == 200, query


@pytest.mark.postgres
def test_when_the_search_index_fails_a_plain_match_still_answers(client, articles):
    with connection.cursor() as cursor:  # undone with the test's transaction
        cursor.execute("DROP EXTENSION pg_trgm")
    response = client.get(HELP, {"q": "security deposit"})
    assert response.status_code == 200
    results = response.context["results"]
    assert results.fallback
    assert "security-deposit" in [a.slug for a in results.articles]
    assert "unavailable" not in response.content.decode().lower()
    assert client.get(JSON, {"q": "deposit"}).json()


@pytest.mark.django_db(transaction=False)
def test_searches_from_one_address_are_limited_with_a_reason(client, articles, settings):
    settings.HELP_SEARCHES_PER_MINUTE = 3
    for _ in range(3):
        assert client.get(JSON, {"q": "plates"}).status_code == 200
    refused = client.get(JSON, {"q": "plates"})
    assert refused.status_code == 429
    assert "Too many searches" in refused.json()["error"]
    page = client.get(HELP, {"q": "plates"})
    assert page.status_code == 429
    assert "Too many searches" in page.content.decode()
    assert page.context["results"].articles == []
    other = client.get(JSON, {"q": "plates"}, REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 200 and other.json()
