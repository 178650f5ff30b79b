"""The help centre in Spanish: each article's Spanish text, Spanish page words, Spanish search,
English kept for English readers, and English with a note where a translation is missing."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from helpcentre.content import read_articles, read_categories, read_spanish, read_spanish_categories, spanish_load
from helpcentre.models import Article, Category
from helpcentre.search import search
from tests.factories import make_lease, make_lessee, make_user

pytestmark = pytest.mark.django_db

SPANISH = {"HTTP_ACCEPT_LANGUAGE": "es-US,es;q=0.9"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en-US"}
# Words of the help pages' own English that must not reach a Spanish reader.
LEAKS = (
    "Related articles", "Search help", "Last reviewed", "Help topics", "Browse by topic", "Most read",
    "Results for", "More in", "Still stuck", "Help with your lease end", "Did you mean", "For example",
    "Nothing matched", "shown in English",
)  # fmt: skip
PLACEHOLDER = re.compile(r"\{\{\s*\w+\s*\}\}")


def article_url(slug: str) -> str:
    return reverse("helpcentre:article", args=[slug])


def visible(page: str) -> str:
    """The page's text without tags, scripts and attributes (hidden inputs, URLs)."""
    page = re.sub(r"<script.*?</script>", "", page, flags=re.S)
    return re.sub(r"<[^>]+>", " ", page)


def assert_no_english_leak(page: str) -> None:
    text = visible(page)
    for words in LEAKS:
        assert words not in text, words


# --- the shipped Spanish text -------------------------------------------------------------------


def test_every_article_and_category_has_its_spanish_text():
    assert set(read_spanish()) == {s.slug for s in read_articles()}
    assert set(read_spanish_categories()) == {slug for slug, _, _ in read_categories()}


def test_spanish_keeps_each_article_s_links_and_placeholders_and_names_no_lessor():
    spanish = read_spanish()
    for seed in read_articles():
        title, summary, body = spanish[seed.slug]
        assert title and summary and body.strip(), seed.slug
        assert set(re.findall(r"\(/help/[a-z0-9-]+/\)", body)) == set(re.findall(r"\(/help/[a-z0-9-]+/\)", seed.body))
        assert set(PLACEHOLDER.findall(body)) == set(PLACEHOLDER.findall(seed.body)), seed.slug
        assert settings.LESSOR["name"] not in title + summary + body, seed.slug
        assert not re.search(r"\d{3}-\d{3,4}", title + summary + body), seed.slug


def test_the_migration_loaded_the_spanish_and_loading_again_keeps_an_admin_edit(articles):
    assert not Article.objects.filter(title_es="").exists()
    assert not Category.objects.filter(name_es="").exists()
    Article.objects.filter(slug="tires").update(title_es="Llantas (editado)")
    assert spanish_load() == 0
    assert Article.objects.get(slug="tires").title_es == "Llantas (editado)"


# --- the pages ----------------------------------------------------------------------------------


def test_a_spanish_reader_sees_the_spanish_article_with_spanish_page_words(client, articles):
    page = client.get(article_url("security-deposit"), **SPANISH).content.decode()
    assert '<h1 id="article-h">¿Cuándo me devuelven el depósito de garantía?</h1>' in page
    assert "<strong>Si devuelve el vehículo</strong>" in page
    assert "Artículos relacionados" in page
    assert "Última revisión: 1 de diciembre de 2026." in page
    assert "Factura final, pagos y reembolsos" in page  # the category, in the breadcrumb
    assert '<a href="/help/refunds/" rel="noopener noreferrer">Reembolsos</a>' in page  # a link in the body
    assert_no_english_leak(page)


def test_placeholders_are_filled_in_the_spanish_article(client, articles):
    page = client.get(article_url("payment-methods"), **SPANISH).content.decode()
    assert f"llame al {settings.LESSOR['payments_phone']}" in page
    assert "{{" not in page


def test_an_english_reader_still_sees_the_english_article(client, articles):
    page = client.get(article_url("security-deposit"), **ENGLISH).content.decode()
    assert '<h1 id="article-h">When do I get my security deposit back?</h1>' in page
    assert "Related articles" in page
    assert "depósito" not in page


@pytest.mark.parametrize(
    "url",
    [
        reverse("help"),
        reverse("help") + "?q=placas",
        reverse("help") + "?q=zzzz+qqqq",
        reverse("helpcentre:categories"),
    ],
    ids=["home", "results", "no-results", "topics"],
)
def test_the_other_help_pages_speak_spanish(client, articles, url):
    page = client.get(url, **SPANISH).content.decode()
    assert "Buscar en la ayuda" in page
    assert_no_english_leak(page)


def test_a_spanish_category_page_lists_the_spanish_titles(client, articles):
    page = client.get(reverse("helpcentre:category", args=["returning"]), **SPANISH).content.decode()
    assert "<h1>Devolver su vehículo</h1>" in page
    assert "Las placas al devolver un vehículo" in page
    assert "License plates" not in page
    assert_no_english_leak(page)


def test_a_missing_translation_shows_the_english_with_a_note(client, articles):
    Article.objects.filter(slug="tires").update(title_es="", summary_es="", body_es="")
    page = client.get(article_url("tires"), **SPANISH).content.decode()
    assert "Tires at lease end" in page
    assert "Este artículo todavía no está disponible en español" in page
    assert 'lang="en"' in page
    assert "Artículos relacionados" in page  # the page around it stays Spanish
    english = client.get(article_url("tires"), **ENGLISH).content.decode()
    assert "not available in your language" not in english


def test_the_help_links_box_on_a_lessee_page_is_in_spanish(client, articles):
    user = make_user("ayuda@example.com")
    make_lease(make_lessee(user))
    client.force_login(user)
    Article.objects.filter(slug="link-lease").update(view_count=99)
    english = client.get(reverse("leases:list"), **ENGLISH).content.decode()  # cached in English first
    assert '<a href="/help/link-lease/">Link a lease to your account</a>' in english
    client.cookies.pop("django_language", None)
    page = client.get(reverse("leases:list"), **SPANISH).content.decode()
    assert 'aria-label="Ayuda con esta página"' in page
    assert '<a href="/help/link-lease/">Vincular un arrendamiento a su cuenta</a>' in page
    assert "Help with this page" not in page


# --- search -------------------------------------------------------------------------------------


def test_spanish_results_page_and_typo_correction(client, articles):
    page = client.get(reverse("help"), {"q": "nematicos gastados"}, **SPANISH).content.decode()
    assert "Las llantas al final del arrendamiento" in page
    assert "Mostrando resultados para <strong>neumaticos gastados</strong>" in page


def test_json_suggestions_are_in_the_reader_s_language(client, articles):
    es = client.get(reverse("helpcentre:search_json"), {"q": "placas"}, **SPANISH).json()
    assert es[0] == {
        "title": "Las placas al devolver un vehículo",
        "url": "/help/license-plates/",
        "snippet": Article.objects.get(slug="license-plates").summary_es,
    }
    en = client.get(reverse("helpcentre:search_json"), {"q": "plates"}, **ENGLISH).json()
    assert en[0]["title"] == "License plates (tags) when you return a vehicle"


@pytest.mark.parametrize(
    ("words", "slug"),
    [
        (("devolver mi auto", "entregar mi auto"), "return-checklist"),
        (("comprar el auto", "compra del auto", "liquidacion del auto"), "buy-your-vehicle"),
        (("placas", "matricula"), "license-plates"),
        (("llanta", "neumatico"), "tires"),
    ],
)
def test_spanish_synonyms_find_the_same_article(articles, words, slug):
    for query in words:
        assert slug in [a.slug for a in search(query, limit=3, language="es").articles], query


def test_accents_are_optional_in_spanish(articles):
    with_accents = [a.slug for a in search("declaración del odómetro", language="es").articles]
    without = [a.slug for a in search("declaracion del odometro", language="es").articles]
    assert with_accents == without
    assert with_accents[0] == "odometer-statement"


def test_the_reader_s_language_chooses_the_search_language(articles):
    with translation.override("es"):
        assert search("placas").articles[0].slug == "license-plates"
        assert search("placas").articles[0].local_title == "Las placas al devolver un vehículo"
        assert "license-plates" not in [a.slug for a in search("plates").articles[:3]]  # an English word
    with translation.override("en"):
        assert search("plates").articles[0].local_title == "License plates (tags) when you return a vehicle"


# --- the admin ----------------------------------------------------------------------------------

ADMIN_ARTICLE = {
    "title": "Snow chains and winter wheels", "slug": "snow-chains",
    "summary": "Winter wheels you added come off before the return.",
    "body": "Put the original wheels back on before {{ lessor_name }} gets the car.",
    "topics": "turn-in", "last_reviewed": "2026-12-01", "published": "on",
}  # fmt: skip


def test_operations_write_both_languages_in_the_admin_and_both_are_searchable(client, staff, articles):
    client.force_login(staff)
    response = client.post(
        reverse("admin:helpcentre_article_add"),
        {
            **ADMIN_ARTICLE,
            "category": Category.objects.get(slug="returning").pk,
            "title_es": "Cadenas para nieve y rines de invierno",
            "summary_es": "Quite los rines de invierno que haya puesto antes de la devolución.",
            "body_es": "Vuelva a poner los rines originales antes de que {{ lessor_name }} reciba el auto.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert search("rines de invierno", limit=1, language="es").articles[0].slug == "snow-chains"
    assert search("winter wheels", limit=1, language="en").articles[0].slug == "snow-chains"
    page = client.get(article_url("snow-chains"), **SPANISH).content.decode()
    assert f"antes de que {settings.LESSOR['name']} reciba el auto" in page


@pytest.mark.parametrize(
    ("spanish", "message"),
    [
        (
            {"title_es": "Cadenas", "summary_es": "", "body_es": ""},
            "Fill in the Spanish title, summary and body together",
        ),
        ({"title_es": "Cadenas", "summary_es": "s", "body_es": "Llame al {{ lessor_fax }}"}, "Unknown placeholder"),
    ],
    ids=["half-translated", "unknown-placeholder"],
)
def test_the_admin_refuses_a_half_translation_or_an_unknown_spanish_placeholder(
    client, staff, articles, spanish, message
):
    client.force_login(staff)
    data = {**ADMIN_ARTICLE, "category": Category.objects.get(slug="returning").pk, **spanish}
    response = client.post(reverse("admin:helpcentre_article_add"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Article.objects.filter(slug="snow-chains").exists()
